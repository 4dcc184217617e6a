/*
 * server.c: the libmicrohttpd glue. Accepts connections on a thread pool, gathers each request's body
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
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

static void req_free(struct req *r)
{
	free(r->log_user);
	buf_release(&r->body);
	buf_release(&r->out);
	arena_release(&r->arena);
	free(r);
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

/* A response that outlives its request (an event stream, r->long_lived) keeps only what the access log
 * needs once it is queued: its arena and buffers go, so that 10,000 open streams do not hold 10,000
 * request arenas. Everything that pointed into the arena is cleared. */
static void req_trim(struct req *r)
{
	if (r->user.username)
		r->log_user = strdup(r->user.username); /* NULL when out of memory: logged as "-" */
	memset(&r->user, 0, sizeof r->user);
	memset(&r->session, 0, sizeof r->session);
	memset(r->params, 0, sizeof r->params);
	r->nhdr = 0;
	r->err_code = r->err_msg = NULL;
	r->content_type = NULL;
	buf_release(&r->body);
	buf_release(&r->out);
	arena_release(&r->arena);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
				  const char *version, const char *upload_data, size_t *upload_data_size,
				  void **con_cls)
{
	(void)cls;
	(void)version;
	struct req *r = *con_cls;
	if (!r) {
		r = req_new(conn, method, url);
		if (!r)
			return MHD_NO;
		*con_cls = r;
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
	enum MHD_Result ret = send_response(r);
	if (r->long_lived)
		req_trim(r);
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
	struct req *r = *con_cls;
	if (!r)
		return;
	uint64_t ns = time_mono_ns() - r->start_ns;
	int status = r->status ? r->status : 499;
	if (toe != MHD_REQUEST_TERMINATED_COMPLETED_OK && r->status == 0)
		status = 499;
	metrics_observe(r->route_index, status, ns);
	/* The access log names the route pattern, never the raw path or query: paths of some routes carry
	 * secret tokens, and nothing here logs addresses, cookies or bodies. */
	char st[8], ms[32];
	fmt_status(status, st);
	fmt_millis(ns, ms);
	log_kv(LOG_INFO, "request", "method", r->method, "route",
	       r->route_index >= 0 ? http_routes[r->route_index].pattern : "(none)", "status", st, "ms", ms,
	       "user", r->log_user ? r->log_user : r->user.username ? r->user.username : "-", NULL);
	req_free(r);
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

int http_serve(const struct http_options *opt)
{
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
	/* suspend/resume: an event stream with nothing to send waits suspended (http/stream.c) */
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC | MHD_USE_TURBO |
			 MHD_ALLOW_SUSPEND_RESUME;
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	struct MHD_Daemon *d = MHD_start_daemon(
	    flags, 0, NULL, NULL, on_request, NULL, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
	    MHD_OPTION_THREAD_POOL_SIZE, (unsigned)threads, MHD_OPTION_CONNECTION_LIMIT, (unsigned)20000,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)120, MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)8192,
	    MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned)1024, MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
	    MHD_OPTION_END);
	if (!d) {
		fprintf(stderr, "tiengmo: cannot listen on %s: %s (is another server using the port?)\n",
			opt->listen, strerror(errno));
		return -1;
	}
	const union MHD_DaemonInfo *di = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	char port[16];
	snprintf(port, sizeof port, "%u", di ? di->port : 0);
	log_kv(LOG_INFO, "listening", "address", opt->listen, "port", port, NULL);
	fflush(stdout);

	int sig = 0;
	sigwait(&stop, &sig);
	log_kv(LOG_INFO, "shutting down", "signal", sig == SIGINT ? "SIGINT" : "SIGTERM", NULL);
	MHD_socket ls = MHD_quiesce_daemon(d);
	if (ls != MHD_INVALID_SOCKET)
		close(ls);
	stream_hub_end_streams(); /* open event streams end, so they do not hold up the wait below */
	/* let in-flight requests finish, for up to 10 seconds */
	for (int i = 0; i < 1000 && atomic_load(&g_inflight) > 0; i++) {
		struct timespec ts = {0, 10 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	MHD_stop_daemon(d);
	log_kv(LOG_INFO, "stopped", NULL);
	return 0;
}
