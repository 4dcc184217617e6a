/*
 * server.c: the libmicrohttpd glue. Accepts connections itself and sorts them between two daemons (a
 * fresh connection asking for the event stream goes to one with a small per-connection memory pool, every
 * other to the main one; see "Accepting" below), serves them on thread pools, gathers each request's body
 * into a bounded buffer (413 past the route's limit), hands the request to the router, sends the
 * response with the security headers, then records metrics and the access log and frees the request.
 *
 * libmicrohttpd calls the access handler several times per request: the response is queued on the
 * second call or later (queuing on the first drops keep-alive). Shutdown: SIGTERM or SIGINT stops
 * accepting, waits for in-flight requests to finish, then stops the daemon and returns.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "http/http.h"
#include "http/stream.h"
#include "lib/log.h"
#include "lib/timeutil.h"

#define REQUEST_ARENA_MAX (64u << 20)

bool http_secure_cookies;
static atomic_int g_inflight;
static int stream_daemon_tag; /* the stream daemon's handler cls: its address tells the daemons apart */

static const char csp[] =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; font-src 'self'; media-src 'self' blob:; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/* The reverse proxies whose X-Forwarded-For is believed (--trusted-proxy), as addresses in text. */
#define MAX_TRUSTED 16
static char g_trusted[MAX_TRUSTED][INET6_ADDRSTRLEN];
static int g_ntrusted;

/* Parses "a,b,c" into g_trusted; returns 0, or -1 naming the bad entry in err. */
static int set_trusted(const char *list, char *err, size_t errlen)
{
	g_ntrusted = 0;
	if (!list || !*list)
		return 0;
	const char *p = list;
	while (*p) {
		const char *end = strchr(p, ',');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		char one[INET6_ADDRSTRLEN], bin[sizeof(struct in6_addr)];
		if (n == 0 || n >= sizeof one || g_ntrusted == MAX_TRUSTED) {
			snprintf(err, errlen, "cannot understand --trusted-proxy '%s'", list);
			return -1;
		}
		memcpy(one, p, n);
		one[n] = '\0';
		if (inet_pton(AF_INET, one, bin) != 1 && inet_pton(AF_INET6, one, bin) != 1) {
			snprintf(err, errlen, "--trusted-proxy: '%s' is not an IP address", one);
			return -1;
		}
		memcpy(g_trusted[g_ntrusted++], one, n + 1);
		p += n + (end ? 1 : 0);
	}
	return 0;
}

/* The client's address: the TCP peer, or — when the peer is a trusted proxy — the last address that
 * proxy appended to X-Forwarded-For (earlier entries come from the client and prove nothing). */
static void client_addr(struct MHD_Connection *c, char *out, size_t outlen)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	out[0] = '\0';
	if (!ci || !ci->client_addr)
		return;
	const struct sockaddr *sa = ci->client_addr;
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out,
			  (socklen_t)outlen);
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, out,
			  (socklen_t)outlen);
	int trusted = 0;
	for (int i = 0; i < g_ntrusted && !trusted; i++)
		trusted = strcmp(out, g_trusted[i]) == 0;
	if (!trusted)
		return;
	const char *xff = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Forwarded-For");
	if (!xff)
		return;
	const char *last = strrchr(xff, ',');
	last = last ? last + 1 : xff;
	while (*last == ' ' || *last == '\t')
		last++;
	char one[INET6_ADDRSTRLEN], bin[sizeof(struct in6_addr)];
	size_t n = strcspn(last, " \t");
	if (n == 0 || n >= sizeof one || n >= outlen)
		return;
	memcpy(one, last, n);
	one[n] = '\0';
	if (inet_pton(AF_INET, one, bin) == 1 || inet_pton(AF_INET6, one, bin) == 1)
		memcpy(out, one, n + 1);
}

static struct req *req_new(struct MHD_Connection *conn, const char *method, const char *url)
{
	struct req *r = calloc(1, sizeof *r);
	if (!r)
		return NULL;
	arena_init(&r->arena, REQUEST_ARENA_MAX);
	r->conn = conn;
	r->method = method;
	r->path = url;
	r->route_index = -1;
	r->start_ns = time_mono_ns();
	buf_init(&r->body, 0);
	buf_init(&r->out, HTTP_JSON_OUT_MAX);
	client_addr(conn, r->addr, sizeof r->addr);
	atomic_fetch_add(&g_inflight, 1);
	return r;
}

/* Frees r; the request stays counted in flight (req_free, or a req_done that takes its place). */
static void req_destroy(struct req *r)
{
	buf_release(&r->body);
	buf_release(&r->out);
	arena_release(&r->arena);
	free(r);
}

static void req_free(struct req *r)
{
	req_destroy(r);
	atomic_fetch_sub(&g_inflight, 1);
}

/* Adds the headers every response carries, then the handler's own, then no-store unless it set a
 * Cache-Control of its own. A long-lived response (an event stream, never rendered as a document) goes
 * without the document-only ones: each header is a copy held for as long as the stream is open. */
static void add_headers(struct MHD_Response *resp, const char *content_type, const struct req *r)
{
	if (content_type)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, content_type);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	if (!r || !r->long_lived) {
		MHD_add_response_header(resp, "Content-Security-Policy", csp);
		MHD_add_response_header(resp, "X-Frame-Options", "DENY");
		MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
		MHD_add_response_header(resp, "Cross-Origin-Opener-Policy", "same-origin");
		MHD_add_response_header(resp, "Permissions-Policy",
					"camera=(), microphone=(), geolocation=(self)");
	}
	int has_cache = 0;
	for (int i = 0; r && i < r->nhdr; i++) {
		MHD_add_response_header(resp, r->hdr_name[i], r->hdr_value[i]);
		if (strcasecmp(r->hdr_name[i], "Cache-Control") == 0)
			has_cache = 1;
	}
	if (!has_cache)
		MHD_add_response_header(resp, "Cache-Control", "no-store");
}

void http_constant(struct req *r, struct http_constant *c, int status, const char *content_type,
		   const char *body)
{
	struct MHD_Response *resp = atomic_load(&c->resp);
	if (!resp) {
		struct MHD_Response *made =
		    MHD_create_response_from_buffer(strlen(body), (void *)body, MHD_RESPMEM_PERSISTENT);
		if (!made) { /* answer this once the ordinary way */
			http_text(r, status, content_type, body);
			return;
		}
		add_headers(made, content_type, NULL);
		struct MHD_Response *none = NULL;
		if (atomic_compare_exchange_strong(&c->resp, &none, made))
			resp = made;
		else { /* another thread built it first */
			MHD_destroy_response(made);
			resp = none;
		}
	}
	r->status = status;
	r->prebuilt = resp;
}

void http_own_response(struct req *r, int status, const char *content_type, struct MHD_Response *resp)
{
	add_headers(resp, content_type, r);
	r->status = status;
	r->content_type = content_type;
	r->prebuilt = resp;
	r->prebuilt_owned = true;
}

static enum MHD_Result send_response(struct req *r)
{
	if (r->prebuilt) { /* queuing takes its own reference; a shared one is never destroyed */
		enum MHD_Result ret = MHD_queue_response(r->conn, (unsigned)r->status, r->prebuilt);
		if (r->prebuilt_owned)
			MHD_destroy_response(r->prebuilt);
		return ret;
	}
	size_t len = 0;
	char *body = buf_detach(&r->out, &len);
	struct MHD_Response *resp = MHD_create_response_from_buffer(
	    len, body ? body : (char *)"", body ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
	if (!resp) {
		free(body);
		return MHD_NO;
	}
	add_headers(resp, r->content_type, r);
	enum MHD_Result ret = MHD_queue_response(r->conn, (unsigned)r->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

/* What the access log needs of a response that outlives its request (an event stream, r->long_lived):
 * once that response is queued the request itself is freed and this record takes its place in
 * libmicrohttpd's per-request pointer, tagged by its lowest bit (malloc's pointers are aligned), so that
 * 10,000 open streams hold 10,000 of these (~40 bytes) rather than 10,000 request records (~0.9 KiB,
 * with arenas and buffers). */
struct req_done {
	uint64_t start_ns;
	const char *method; /* libmicrohttpd's, valid until the request completes */
	int route_index;
	int status;
	char user[]; /* the username, "-" when none */
};
#define DONE_TAG ((uintptr_t)1)

/* Replaces r by its req_done in *con_cls and frees r; on out of memory keeps r (logged all the same). */
static void req_retire(struct req *r, void **con_cls)
{
	const char *u = r->user.username ? r->user.username : "-";
	size_t ul = strlen(u);
	struct req_done *d = malloc(sizeof *d + ul + 1);
	if (!d)
		return;
	d->start_ns = r->start_ns;
	d->method = r->method;
	d->route_index = r->route_index;
	d->status = r->status;
	memcpy(d->user, u, ul + 1);
	req_destroy(r); /* still in flight until the stream ends, as before */
	*con_cls = (void *)((uintptr_t)d | DONE_TAG);
}

/* What the main daemon remembers of a connection: how many requests it has begun (a stream request
 * that is not the first came on a reused keep-alive connection; see api_stream). The stream daemon's
 * connections carry none: they only ever serve their first request. */
struct conn_note {
	unsigned requests;
};

static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
			  enum MHD_ConnectionNotificationCode toe)
{
	(void)cls;
	(void)conn;
	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		*socket_context = calloc(1, sizeof(struct conn_note)); /* NULL: counted as fresh */
	} else {
		free(*socket_context);
		*socket_context = NULL;
	}
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
				  const char *version, const char *upload_data, size_t *upload_data_size,
				  void **con_cls)
{
	(void)version;
	struct req *r = *con_cls;
	if (!r) {
		r = req_new(conn, method, url);
		if (!r)
			return MHD_NO;
		*con_cls = r;
		r->stream_daemon = cls == &stream_daemon_tag;
		if (!r->stream_daemon) {
			const union MHD_ConnectionInfo *ci =
			    MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
			struct conn_note *note = ci ? ci->socket_context : NULL;
			if (note)
				r->conn_reused = note->requests++ > 0;
		}
		r->route_index = router_match(r, method, url);
		size_t limit = r->route_index >= 0 ? http_routes[r->route_index].body_limit : 0;
		r->body.max = limit;
		const char *cl =
		    MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (cl) {
			char *end;
			errno = 0;
			unsigned long long n = strtoull(cl, &end, 10);
			if (errno || *end || n > limit)
				r->body_too_big = true;
		}
		return MHD_YES;
	}
	if (*upload_data_size) {
		if (!r->body_too_big && buf_add(&r->body, upload_data, *upload_data_size) != BUF_OK)
			r->body_too_big = true;
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (r->body_too_big) {
		char msg[96];
		snprintf(msg, sizeof msg, "request body is larger than the %zu bytes this endpoint accepts",
			 r->body.max);
		r->err_msg = arena_strdup(&r->arena, msg);
		http_write_error(r, APP_E_TOOBIG);
		http_header(r, "Connection", "close");
	} else {
		router_dispatch(r);
	}
	/* the stream daemon's small pool is for the one stream request: anything else it answered (a
	 * refusal) closes the connection, so that the client's next request reaches the main daemon */
	if (cls == &stream_daemon_tag && !r->long_lived)
		http_header(r, "Connection", "close");
	enum MHD_Result ret = send_response(r);
	if (r->long_lived && ret == MHD_YES)
		req_retire(r, con_cls);
	return ret;
}

/* The status as three digits (every status this server sends has three) into out[8]. */
static void fmt_status(int status, char out[8])
{
	if (status < 100 || status > 999) {
		snprintf(out, 8, "%d", status);
		return;
	}
	out[0] = (char)('0' + status / 100);
	out[1] = (char)('0' + status / 10 % 10);
	out[2] = (char)('0' + status % 10);
	out[3] = '\0';
}

/* Nanoseconds as milliseconds with three decimals ("12.345"), as "%.3f" would print them, without
 * printf's floating-point path (this runs once per request). out holds 32 bytes. */
static void fmt_millis(uint64_t ns, char out[32])
{
	uint64_t us = (ns + 500) / 1000; /* rounded to the microsecond */
	char d[24], *p = d + sizeof d;
	uint64_t whole = us / 1000;
	do {
		*--p = (char)('0' + whole % 10);
		whole /= 10;
	} while (whole);
	size_t n = (size_t)(d + sizeof d - p);
	memcpy(out, p, n);
	out[n] = '.';
	out[n + 1] = (char)('0' + us / 100 % 10);
	out[n + 2] = (char)('0' + us / 10 % 10);
	out[n + 3] = (char)('0' + us % 10);
	out[n + 4] = '\0';
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)conn;
	if (!*con_cls)
		return;
	struct req *r = NULL;
	struct req_done *d = NULL;
	if ((uintptr_t)*con_cls & DONE_TAG)
		d = (struct req_done *)((uintptr_t)*con_cls & ~DONE_TAG);
	else
		r = *con_cls;
	int route_index = r ? r->route_index : d->route_index;
	int rstatus = r ? r->status : d->status;
	uint64_t ns = time_mono_ns() - (r ? r->start_ns : d->start_ns);
	int status = rstatus ? rstatus : 499;
	if (toe != MHD_REQUEST_TERMINATED_COMPLETED_OK && rstatus == 0)
		status = 499;
	metrics_observe(route_index, status, ns);
	/* The access log names the route pattern, never the raw path or query: paths of some routes carry
	 * secret tokens, and nothing here logs addresses, cookies or bodies. */
	char st[8], ms[32];
	fmt_status(status, st);
	fmt_millis(ns, ms);
	const char *user = d ? d->user : r->user.username ? r->user.username : "-";
	log_kv(LOG_INFO, "request", "method", r ? r->method : d->method, "route",
	       route_index >= 0 ? http_routes[route_index].pattern : "(none)", "status", st, "ms", ms, "user",
	       user, NULL);
	if (r) {
		req_free(r);
	} else {
		free(d);
		atomic_fetch_sub(&g_inflight, 1);
	}
	*con_cls = NULL;
}

static int parse_listen(const char *listen, struct sockaddr_storage *ss, socklen_t *len)
{
	char host[256];
	const char *colon = strrchr(listen, ':');
	if (!colon)
		return -1;
	size_t hl = (size_t)(colon - listen);
	if (hl >= sizeof host)
		return -1;
	memcpy(host, listen, hl);
	host[hl] = '\0';
	char *end;
	long port = strtol(colon + 1, &end, 10);
	if (*end || port < 0 || port > 65535 || colon[1] == '\0')
		return -1;
	memset(ss, 0, sizeof *ss);
	if (host[0] == '[' && hl >= 2 && host[hl - 1] == ']') {
		host[hl - 1] = '\0';
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		if (inet_pton(AF_INET6, host + 1, &s6->sin6_addr) != 1)
			return -1;
		*len = sizeof *s6;
		return 0;
	}
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	s4->sin_family = AF_INET;
	s4->sin_port = htons((uint16_t)port);
	if (host[0] == '\0' || strcmp(host, "*") == 0)
		s4->sin_addr.s_addr = htonl(INADDR_ANY);
	else if (strcmp(host, "localhost") == 0)
		s4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	else if (inet_pton(AF_INET, host, &s4->sin_addr) != 1)
		return -1;
	*len = sizeof *s4;
	return 0;
}

static void raise_fd_limit(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

/*
 * Accepting. tiengmo owns the listening socket and runs two libmicrohttpd daemons without one: the
 * main daemon (8 KiB connection pool) and the stream daemon (a 3 KiB pool: it only ever parses one
 * short `GET /api/v1/stream`). The accept thread peeks at each new connection's first bytes and hands
 * it to the stream daemon only when they hold a whole stream request whose headers fit its pool;
 * everything else — another request, headers too long, bytes still missing after PEEK_WAIT_MS, a
 * client that has sent nothing by then — goes to the main daemon, which serves it as before. A
 * connection waiting to be sorted costs one slot here and no libmicrohttpd memory; a slow or silent
 * client never holds up accepting (epoll, non-blocking sockets, edge-triggered so every new segment
 * is looked at once).
 */
#define MAIN_POOL 8192u
#define STREAM_POOL 3072u
/* What a stream request may cost the stream daemon's pool: its bytes (request line and headers, kept
 * in the pool while the stream is open) plus HEADER_COST for each line (libmicrohttpd's record of a
 * header). A 3 KiB pool answers a request costing up to ~2,800 (past that 431 or a dropped connection;
 * 2 KiB: ~1,700). What the pool leaves after the request and the response headers is the write buffer
 * that each chunk of the stream is written into (2,598 bytes of events per chunk for bench/sse's short
 * request, a few hundred at the budget's edge): a burst larger than that goes out in several chunks,
 * a frame split between two (clients decode chunks; nothing is lost). Chromium's EventSource request
 * with two cookies costs 1,828 (676 bytes, 17 lines). */
#define HEADER_COST 64u
#define STREAM_REQUEST_BUDGET 2432u
#define PEEK_MAX 2500u
#define PEEK_WAIT_MS 5000
#define PENDING_MAX 4096
#define ACCEPT_PAUSE_MS 100
static const char stream_line[] = "GET /api/v1/stream";

struct pending {
	int fd; /* -1: slot free */
	socklen_t addrlen;
	struct sockaddr_storage addr;
	uint64_t deadline_ns;
};

struct acceptor {
	int lfd, ep, stopfd;
	struct MHD_Daemon *main_d, *stream_d;
	pthread_t thread;
	struct pending slot[PENDING_MAX];
	int npending;
	uint64_t paused_until; /* out of descriptors: not accepting until then (0: accepting) */
	uint64_t warned_at;
};

/* Which daemon takes the connection whose first n bytes are p: 1 the stream daemon, 0 the main one,
 * -1 not known yet (a stream request whose headers have not all arrived). */
static int classify(const char *p, size_t n)
{
	size_t ln = sizeof stream_line - 1;
	size_t k = n < ln ? n : ln;
	if (memcmp(p, stream_line, k) != 0)
		return 0;
	if (n <= ln)
		return -1;
	if (p[ln] != ' ' && p[ln] != '?')
		return 0;
	size_t cost = 0;
	for (size_t i = ln; i + 1 < n; i++) {
		if (p[i] == '\n' && p[i + 1] == '\n')
			return 0; /* bare LF line ends: the main daemon's parser takes those */
		if (p[i] != '\r' || p[i + 1] != '\n')
			continue;
		cost += HEADER_COST;
		if (i + 3 < n && p[i + 2] == '\r' && p[i + 3] == '\n')
			return i + 4 + cost <= STREAM_REQUEST_BUDGET ? 1 : 0;
	}
	return n + cost > STREAM_REQUEST_BUDGET || n == PEEK_MAX ? 0 : -1;
}

/* Gives the connection to a daemon (which closes it on failure) and frees its slot. */
static void hand_over(struct acceptor *a, struct pending *pc, int to_stream)
{
	epoll_ctl(a->ep, EPOLL_CTL_DEL, pc->fd, NULL);
	MHD_add_connection(to_stream ? a->stream_d : a->main_d, pc->fd, (const struct sockaddr *)&pc->addr,
			   pc->addrlen);
	pc->fd = -1;
	a->npending--;
}

static void drop(struct acceptor *a, struct pending *pc)
{
	epoll_ctl(a->ep, EPOLL_CTL_DEL, pc->fd, NULL);
	close(pc->fd);
	pc->fd = -1;
	a->npending--;
}

/* Looks at what the connection has sent so far and hands it over once that decides. */
static void peek_one(struct acceptor *a, struct pending *pc)
{
	char p[PEEK_MAX];
	ssize_t n = recv(pc->fd, p, sizeof p, MSG_PEEK | MSG_DONTWAIT);
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
		drop(a, pc); /* gone before it asked anything */
		return;
	}
	if (n < 0)
		return;
	int c = classify(p, (size_t)n);
	if (c >= 0)
		hand_over(a, pc, c);
}

static void accept_all(struct acceptor *a)
{
	for (;;) {
		struct sockaddr_storage ss;
		socklen_t len = sizeof ss;
		int fd = accept4(a->lfd, (struct sockaddr *)&ss, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
				/* the backlog stays readable: stop looking at it for a moment rather than
				 * spin */
				uint64_t now = time_mono_ns();
				if (now - a->warned_at > 10000000000u || !a->warned_at) {
					log_kv(LOG_WARN, "accept failed", "error", strerror(errno), NULL);
					a->warned_at = now;
				}
				epoll_ctl(a->ep, EPOLL_CTL_DEL, a->lfd, NULL);
				a->paused_until = now + ACCEPT_PAUSE_MS * 1000000u;
			}
			return; /* EAGAIN: the next readiness accepts again */
		}
		if (a->npending == PENDING_MAX) { /* sorting is full: serve it the ordinary way */
			MHD_add_connection(a->main_d, fd, (const struct sockaddr *)&ss, len);
			continue;
		}
		struct pending *pc = a->slot;
		while (pc->fd >= 0)
			pc++;
		pc->fd = fd;
		pc->addr = ss;
		pc->addrlen = len;
		pc->deadline_ns = time_mono_ns() + (uint64_t)PEEK_WAIT_MS * 1000000u;
		a->npending++;
		struct epoll_event ev = {.events = EPOLLIN | EPOLLRDHUP | EPOLLET, .data.ptr = pc};
		if (epoll_ctl(a->ep, EPOLL_CTL_ADD, fd, &ev) != 0) {
			hand_over(a, pc, 0);
			continue;
		}
		peek_one(a, pc); /* the request often came with the handshake's last segment */
	}
}

static void *accept_main(void *arg)
{
	struct acceptor *a = arg;
	struct epoll_event evs[64];
	uint64_t next_sweep = 0;
	for (;;) {
		int timeout = a->paused_until ? ACCEPT_PAUSE_MS : a->npending ? 250 : -1;
		int n = epoll_wait(a->ep, evs, 64, timeout);
		for (int i = 0; i < n; i++) {
			if (evs[i].data.ptr == &a->lfd)
				accept_all(a);
			else if (evs[i].data.ptr == &a->stopfd)
				return NULL;
			else if (((struct pending *)evs[i].data.ptr)->fd >= 0)
				peek_one(a, evs[i].data.ptr);
		}
		uint64_t now = time_mono_ns();
		if (a->paused_until && now >= a->paused_until) {
			struct epoll_event lev = {.events = EPOLLIN, .data.ptr = &a->lfd};
			if (epoll_ctl(a->ep, EPOLL_CTL_ADD, a->lfd, &lev) == 0)
				a->paused_until = 0;
			else
				a->paused_until = now + ACCEPT_PAUSE_MS * 1000000u;
		}
		if (a->npending && now >= next_sweep) { /* silent or slow: the main daemon's timeouts apply */
			for (int i = 0; i < PENDING_MAX; i++)
				if (a->slot[i].fd >= 0 && now >= a->slot[i].deadline_ns)
					hand_over(a, &a->slot[i], 0);
			next_sweep = now + 250u * 1000000u;
		}
	}
}

/* Creates the listening socket for ss; returns it, or -1 with errno set. */
static int listen_on(const struct sockaddr_storage *ss, socklen_t len)
{
	int fd = socket(ss->ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	int one = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (ss->ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
	if (bind(fd, (const struct sockaddr *)ss, len) != 0 || listen(fd, 1024) != 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

static struct MHD_Daemon *start_daemon(int threads, size_t pool, void *cls)
{
	/* the main daemon counts each connection's requests (struct conn_note) */
	MHD_NotifyConnectionCallback notify = cls == &stream_daemon_tag ? NULL : on_connection;
	/* suspend/resume: an event stream with nothing to send waits suspended (http/stream.c); ITC so
	 * that a connection handed over by the accept thread is served at once */
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC | MHD_USE_TURBO |
			 MHD_ALLOW_SUSPEND_RESUME | MHD_USE_NO_LISTEN_SOCKET;
	return MHD_start_daemon(
	    flags, 0, NULL, NULL, on_request, cls, MHD_OPTION_THREAD_POOL_SIZE, (unsigned)threads,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)20000, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)120,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, pool, MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
	    MHD_OPTION_NOTIFY_CONNECTION, notify, NULL, MHD_OPTION_END);
}

int http_serve(const struct http_options *opt)
{
	int rc = -1;
	struct acceptor *a = NULL;
	bool started = false;
	struct sockaddr_storage ss;
	socklen_t sslen;
	if (parse_listen(opt->listen, &ss, &sslen) != 0) {
		fprintf(
		    stderr,
		    "tiengmo: cannot understand --listen '%s'; expected HOST:PORT such as 127.0.0.1:8080\n",
		    opt->listen);
		return -1;
	}
	http_secure_cookies = opt->secure_cookies;
	char terr[200];
	if (set_trusted(opt->trusted_proxies, terr, sizeof terr) != 0) {
		fprintf(stderr, "tiengmo: %s\n", terr);
		return -1;
	}
	raise_fd_limit();

	/* Block the stop signals in every thread; this thread waits for them with sigwait. */
	sigset_t stop;
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	signal(SIGPIPE, SIG_IGN);

	int threads = opt->threads > 0 ? opt->threads : (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (threads < 1)
		threads = 1;
	/* The stream daemon's threads only send queued frames and open streams (a session lookup and two
	 * short reads): one per core is enough, and each more costs memory (its stack and malloc arena:
	 * ~9 MiB at 10,000 streams with 32 threads rather than 2) and fan-out time. */
	int stream_threads = (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (stream_threads < 1 || stream_threads > threads)
		stream_threads = threads;
	a = calloc(1, sizeof *a);
	if (!a) {
		fprintf(stderr, "tiengmo: out of memory\n");
		return -1;
	}
	a->lfd = a->ep = a->stopfd = -1;
	for (int i = 0; i < PENDING_MAX; i++)
		a->slot[i].fd = -1;
	a->lfd = listen_on(&ss, sslen);
	if (a->lfd < 0) {
		fprintf(stderr, "tiengmo: cannot listen on %s: %s (is another server using the port?)\n",
			opt->listen, strerror(errno));
		goto out;
	}
	a->main_d = start_daemon(threads, MAIN_POOL, NULL);
	a->stream_d = start_daemon(stream_threads, STREAM_POOL, &stream_daemon_tag);
	a->ep = epoll_create1(EPOLL_CLOEXEC);
	a->stopfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (!a->main_d || !a->stream_d || a->ep < 0 || a->stopfd < 0) {
		fprintf(stderr, "tiengmo: cannot start the HTTP server: %s\n", strerror(errno));
		goto out;
	}
	struct epoll_event lev = {.events = EPOLLIN, .data.ptr = &a->lfd};
	struct epoll_event sev = {.events = EPOLLIN, .data.ptr = &a->stopfd};
	if (epoll_ctl(a->ep, EPOLL_CTL_ADD, a->lfd, &lev) != 0 ||
	    epoll_ctl(a->ep, EPOLL_CTL_ADD, a->stopfd, &sev) != 0 ||
	    pthread_create(&a->thread, NULL, accept_main, a) != 0) {
		fprintf(stderr, "tiengmo: cannot start the HTTP server: %s\n", strerror(errno));
		goto out;
	}
	started = true;
	struct sockaddr_storage bound;
	socklen_t blen = sizeof bound;
	unsigned bport = 0;
	if (getsockname(a->lfd, (struct sockaddr *)&bound, &blen) == 0)
		bport = ntohs(bound.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&bound)->sin6_port
							  : ((struct sockaddr_in *)&bound)->sin_port);
	char port[16];
	snprintf(port, sizeof port, "%u", bport);
	log_kv(LOG_INFO, "listening", "address", opt->listen, "port", port, NULL);
	fflush(stdout);

	int sig = 0;
	sigwait(&stop, &sig);
	log_kv(LOG_INFO, "shutting down", "signal", sig == SIGINT ? "SIGINT" : "SIGTERM", NULL);
	rc = 0;
out:
	/* stop accepting: connections not yet sorted have asked nothing that is under way */
	if (started) {
		uint64_t one = 1;
		if (write(a->stopfd, &one, sizeof one) != (ssize_t)sizeof one)
			log_kv(LOG_WARN, "cannot stop the accept thread", NULL);
		pthread_join(a->thread, NULL);
		for (int i = 0; i < PENDING_MAX; i++)
			if (a->slot[i].fd >= 0)
				close(a->slot[i].fd);
	}
	if (a->lfd >= 0)
		close(a->lfd);
	if (started) {
		stream_hub_end_streams(); /* open event streams end, so they do not hold up the wait below */
		/* let in-flight requests finish, for up to 10 seconds */
		for (int i = 0; i < 1000 && atomic_load(&g_inflight) > 0; i++) {
			struct timespec ts = {0, 10 * 1000 * 1000};
			nanosleep(&ts, NULL);
		}
	}
	if (a->stream_d)
		MHD_stop_daemon(a->stream_d);
	if (a->main_d)
		MHD_stop_daemon(a->main_d);
	if (a->ep >= 0)
		close(a->ep);
	if (a->stopfd >= 0)
		close(a->stopfd);
	free(a);
	if (rc == 0)
		log_kv(LOG_INFO, "stopped", NULL);
	return rc;
}
