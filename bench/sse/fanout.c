/*
 * fanout.c: the live event fan-out benchmark (DESIGN §6: one event reaches 10,000 open streams with
 * p99 < 250 ms and the server's RSS < 100 MiB; a stalled reader delays nobody). Not a test: it prints
 * figures and asserts nothing but that every reader got every event.
 *
 * It starts `tiengmo serve` on a temporary SQLite database (an admin account made with the CLI), logs
 * in once over HTTP and reuses the session cookie, opens N streams on GET /api/v1/stream from one
 * thread (epoll, non-blocking sockets), waits until every stream has its headers and first bytes, then
 * submits public tips (each records `tip.created`, which the admin's streams receive). For each tip it
 * records, per stream, the time from just before the POST is sent to the moment that stream has read
 * the event's frame: p50, p99 and max over all streams and tips. So the figures include the tip's
 * durable write (its own time is printed as post_ms). It reads the server's VmRSS and VmHWM from
 * /proc/PID/status before the streams open, at rest with all of them open, and after the deliveries.
 *
 * --stalled F: a fraction F of the streams (SO_RCVBUF shrunk before connect) stop reading once their
 * stream is open. --fill K first sends K tips that every reader drains, so that the stalled sockets are
 * full (server send buffers and the hub's queues) when the measured tips go out; the figures are for the
 * readers only. The server drops a stream whose queue passes 64 KiB; /metrics tells how many remain.
 *
 *   cc -O2 -o fanout bench/sse/fanout.c $(pkg-config --cflags --libs jansson)
 *   TIENGMO_BIN=build/tiengmo ./fanout --streams 10000 --events 5
 *   TIENGMO_BIN=build/tiengmo ./fanout --streams 2000 --stalled 0.1 --fill 400 --events 10
 *
 * Other flags: --threads T (server worker threads), --settle S (seconds at rest before the figures
 * "open"), --json (one JSON line only), --keep (leave the temporary directory). Exit status 0 when every
 * reader got every event, 1 when some did not, 2 when the run could not be set up.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define PASSWORD "bench-password-1"
#define EVENT_MARK "event: tip.created\n"
#define MARK_LEN (sizeof EVENT_MARK - 1)
#define READ_BUF (64 * 1024)
#define OPEN_INFLIGHT 256 /* connections being set up at once (the server's backlog is 1024) */
#define HTTP_MAX (4 << 20)

enum kind { K_STREAM, K_POST };
enum cstate { C_CONNECTING, C_WAITING, C_OPEN, C_STALLED, C_CLOSED };

struct conn {
	enum kind kind;
	enum cstate st;
	int fd;
	bool stalled;
	int nseen;	      /* tip.created frames read */
	char carry[MARK_LEN]; /* the tail of the last read, for a mark split across reads */
	size_t ncarry;
	bool hello; /* "retry:" seen: the stream is open */
	/* HTTP framing, stripped before the marks are counted (dechunk) */
	bool body;	    /* past the response headers */
	unsigned char hdr;  /* bytes of the headers' closing CRLF CRLF matched so far */
	unsigned char chst; /* CH_* */
	size_t chleft;	    /* CH_SIZE: the size read so far; CH_DATA: bytes left in the chunk */
	/* the marks as a client that does not decode chunks would count them (raw bytes): the
	   difference from ndec is the marks that a chunk boundary split */
	int ndec, nraw;
	char rcarry[MARK_LEN];
	size_t nrcarry;
};

static struct {
	int port;
	pid_t server;
	int ep;
	struct conn *c;
	int n, nstalled, readers;
	int opened, closed_early;
	/* the measured event: readers reaching target record their latency */
	int target;
	double t0;
	double *lat;
	size_t nlat;
	int reached;
	/* the POST in flight */
	struct conn post;
	char post_buf[8192];
	size_t post_len;
	bool post_done;
	int post_status;
	double post_ms;
	int xff;
} g;

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void die(const char *what)
{
	fprintf(stderr, "fanout: %s%s%s\n", what, errno ? ": " : "", errno ? strerror(errno) : "");
	if (g.server > 0)
		kill(g.server, SIGTERM);
	exit(2);
}

/* ---- the server ---- */

static int run_cli(const char *bin, char *const argv[], const char *input)
{
	int pfd[2];
	if (pipe(pfd) != 0)
		die("pipe");
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, pfd[0], 0);
	posix_spawn_file_actions_addclose(&fa, pfd[1]);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	pid_t pid;
	if (posix_spawn(&pid, bin, &fa, NULL, argv, environ) != 0)
		die("cannot run TIENGMO_BIN");
	posix_spawn_file_actions_destroy(&fa);
	close(pfd[0]);
	if (input && write(pfd[1], input, strlen(input)) < 0)
		die("write");
	close(pfd[1]);
	int status = 0;
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void start_server(const char *bin, const char *dir, int threads)
{
	char log[512], tstr[16];
	snprintf(log, sizeof log, "%s/server.log", dir);
	snprintf(tstr, sizeof tstr, "%d", threads);
	char *argv[] = {(char *)bin,
			"serve",
			"--listen",
			"127.0.0.1:0",
			"--trusted-proxy",
			"127.0.0.1",
			threads > 0 ? "--threads" : NULL,
			tstr,
			NULL};
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, log, O_WRONLY | O_CREAT | O_APPEND, 0600);
	posix_spawn_file_actions_adddup2(&fa, 1, 2);
	if (posix_spawn(&g.server, bin, &fa, NULL, argv, environ) != 0)
		die("cannot start the server");
	posix_spawn_file_actions_destroy(&fa);
	for (int i = 0; i < 200 && !g.port; i++) {
		struct timespec ts = {0, 50 * 1000 * 1000};
		nanosleep(&ts, NULL);
		FILE *f = fopen(log, "r");
		char line[1024];
		while (f && fgets(line, sizeof line, f))
			if (strstr(line, "listening") && strstr(line, "port="))
				g.port = (int)strtol(strstr(line, "port=") + 5, NULL, 10);
		if (f)
			fclose(f);
	}
	if (!g.port)
		die("the server did not start (see its log)");
}

/* The server's memory in MiB: VmRSS, VmHWM (its peak, which includes the Argon2id work area of the
 * login) and RssAnon (VmRSS without the pages of mapped files, mostly shared libraries). */
struct mem {
	double rss, hwm, anon;
};

static struct mem server_mem(void)
{
	char path[64], line[256];
	snprintf(path, sizeof path, "/proc/%d/status", (int)g.server);
	FILE *f = fopen(path, "r");
	struct mem m = {-1, -1, -1};
	while (f && fgets(line, sizeof line, f)) {
		if (strncmp(line, "VmRSS:", 6) == 0)
			m.rss = strtod(line + 6, NULL) / 1024;
		else if (strncmp(line, "VmHWM:", 6) == 0)
			m.hwm = strtod(line + 6, NULL) / 1024;
		else if (strncmp(line, "RssAnon:", 8) == 0)
			m.anon = strtod(line + 8, NULL) / 1024;
	}
	if (f)
		fclose(f);
	return m;
}

/* ---- plain blocking HTTP for the set-up (one request per connection) ---- */

static int dial(bool nonblock, int rcvbuf)
{
	int fd = socket(AF_INET, SOCK_STREAM | (nonblock ? SOCK_NONBLOCK : 0), 0);
	if (fd < 0)
		die("socket");
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (rcvbuf > 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)g.port)};
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0 && errno != EINPROGRESS)
		die("connect");
	return fd;
}

/* Sends one request and reads the whole response into out (malloc'd, NUL-terminated). Returns the
 * status; *body points into out. */
static int http(const char *method, const char *path, const char *headers, const char *body, char **out,
		char **bodyp)
{
	int fd = dial(false, 0);
	char req[8192];
	int n =
	    snprintf(req, sizeof req,
		     "%s %s HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n%sContent-Length: %zu\r\n\r\n%s",
		     method, path, headers ? headers : "", body ? strlen(body) : 0, body ? body : "");
	if (n < 0 || (size_t)n >= sizeof req || write(fd, req, (size_t)n) != n)
		die("request");
	size_t len = 0, cap = 65536;
	char *b = malloc(cap);
	for (;;) {
		if (!b || len + 1 >= cap) {
			cap *= 2;
			b = cap <= HTTP_MAX ? realloc(b, cap) : NULL;
			if (!b)
				die("response too large");
		}
		ssize_t k = read(fd, b + len, cap - len - 1);
		if (k <= 0)
			break;
		len += (size_t)k;
	}
	close(fd);
	b[len] = '\0';
	*out = b;
	char *sep = strstr(b, "\r\n\r\n");
	*bodyp = sep ? sep + 4 : b + len;
	return len > 12 ? (int)strtol(b + 9, NULL, 10) : 0;
}

static json_t *json_body(const char *body)
{
	json_t *j = json_loads(body, 0, NULL);
	if (!j)
		die("the server's answer is not JSON");
	return j;
}

/* Logs in; fills cookie ("tiengmo_session=…") and csrf. */
static void login(char *cookie, size_t clen, char *csrf, size_t xlen)
{
	char *resp, *body;
	int st = http("POST", "/api/v1/session", "Content-Type: application/json\r\n",
		      "{\"username\":\"bench\",\"password\":\"" PASSWORD "\"}", &resp, &body);
	if (st != 200 && st != 201)
		die("cannot log in");
	char *c = strstr(resp, "tiengmo_session=");
	if (!c)
		die("no session cookie");
	size_t n = strcspn(c, ";\r\n");
	if (n >= clen)
		die("cookie too long");
	memcpy(cookie, c, n);
	cookie[n] = '\0';
	json_t *j = json_body(body);
	const char *x = json_string_value(json_object_get(json_object_get(j, "data"), "csrf_token"));
	snprintf(csrf, xlen, "%s", x ? x : "");
	json_decref(j);
	free(resp);
}

static long long make_unit(const char *hdrs, const char *body)
{
	char *resp, *b;
	if (http("POST", "/api/v1/units", hdrs, body, &resp, &b) != 201)
		die("cannot create a unit");
	json_t *j = json_body(b);
	long long id = json_integer_value(json_object_get(json_object_get(j, "data"), "id"));
	json_decref(j);
	free(resp);
	return id;
}

/* The id of a commune, made when there is none. */
static long long commune(const char *cookie, const char *csrf)
{
	char hdrs[1024], *resp, *body;
	snprintf(hdrs, sizeof hdrs, "Cookie: %s\r\n", cookie);
	if (http("GET", "/api/v1/units", hdrs, NULL, &resp, &body) != 200)
		die("cannot list units");
	json_t *j = json_body(body), *u;
	size_t i;
	long long id = 0;
	json_array_foreach(json_object_get(j, "data"), i, u)
	{
		const char *kind = json_string_value(json_object_get(u, "kind"));
		if (!id && kind && strcmp(kind, "commune") == 0)
			id = json_integer_value(json_object_get(u, "id"));
	}
	json_decref(j);
	free(resp);
	if (id)
		return id;
	snprintf(hdrs, sizeof hdrs, "Cookie: %s\r\nX-CSRF-Token: %s\r\nContent-Type: application/json\r\n",
		 cookie, csrf);
	long long p = make_unit(hdrs, "{\"kind\":\"province\",\"code\":\"BP\",\"name\":\"Tỉnh Đo\"}");
	char b[256];
	snprintf(b, sizeof b,
		 "{\"kind\":\"commune\",\"code\":\"BC\",\"name\":\"Phường Đo\",\"parent_id\":%lld}", p);
	return make_unit(hdrs, b);
}

/* ---- the event loop ---- */

static void ep_set(struct conn *c, int op, uint32_t events)
{
	struct epoll_event ev = {.events = events, .data.ptr = c};
	if (epoll_ctl(g.ep, op, c->fd, &ev) != 0 && op != EPOLL_CTL_DEL)
		die("epoll_ctl");
}

static const char *stream_req;
static size_t stream_req_len;

static void open_one(struct conn *c)
{
	c->fd = dial(true, c->stalled ? 1024 : 0); /* the kernel rounds 1 KiB up to its minimum */
	c->st = C_CONNECTING;
	ep_set(c, EPOLL_CTL_ADD, EPOLLOUT);
}

enum { CH_SIZE, CH_EXT, CH_DATA, CH_CRLF, CH_END };

/* Strips the HTTP framing from what a stream sent — the response headers, then each chunk's size line
 * and the CRLF after its data — into out (at least n bytes), so that scan() sees the event stream's own
 * bytes. Returns how many it wrote. Without this a chunk boundary that falls inside a frame's
 * "event: tip.created" line hides that mark: the reader looks one event short for good (this was the
 * "3 KiB pool loses deliveries under a burst" of bench/RESULTS.md: the server had sent every byte). */
static size_t dechunk(struct conn *c, const char *in, size_t n, char *out)
{
	static const char crlf2[] = "\r\n\r\n";
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		char ch = in[i];
		if (!c->body) {
			c->hdr = ch == crlf2[c->hdr] ? (unsigned char)(c->hdr + 1) : ch == '\r' ? 1 : 0;
			if (c->hdr == 4) {
				c->body = true;
				c->chst = CH_SIZE;
				c->chleft = 0;
			}
			continue;
		}
		switch (c->chst) {
		case CH_SIZE:
		case CH_EXT:
			if (ch == '\n') {
				c->chst = c->chleft ? CH_DATA : CH_END;
			} else if (c->chst == CH_SIZE &&
				   ((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') ||
				    (ch >= 'A' && ch <= 'F'))) {
				c->chleft =
				    c->chleft * 16 + (size_t)(ch <= '9' ? ch - '0' : (ch | 0x20) - 'a' + 10);
			} else {
				c->chst = CH_EXT; /* ';' extensions or the CR: up to the LF */
			}
			break;
		case CH_DATA: {
			size_t take = n - i < c->chleft ? n - i : c->chleft;
			memcpy(out + k, in + i, take);
			k += take;
			i += take - 1;
			c->chleft -= take;
			if (!c->chleft)
				c->chst = CH_CRLF;
			break;
		}
		case CH_CRLF:
			if (ch == '\n') {
				c->chst = CH_SIZE;
				c->chleft = 0;
			}
			break;
		default: /* the last chunk: the response ended */
			break;
		}
	}
	return k;
}

/* Counts the tip.created marks in data, with carry[*ncarry] the tail of the bytes before it (a mark
 * may straddle two reads); updates the carry. */
static int count_marks(char *carry, size_t *ncarry, const char *data, size_t n)
{
	char joined[MARK_LEN * 2];
	/* marks that straddle the previous read and this one */
	size_t head = n < MARK_LEN - 1 ? n : MARK_LEN - 1;
	memcpy(joined, carry, *ncarry);
	memcpy(joined + *ncarry, data, head);
	size_t jl = *ncarry + head;
	int found = 0;
	for (size_t i = 0; i + MARK_LEN <= jl; i++)
		if (i < *ncarry && memcmp(joined + i, EVENT_MARK, MARK_LEN) == 0)
			found++;
	for (const char *p = data; (p = memmem(p, (size_t)(data + n - p), EVENT_MARK, MARK_LEN));
	     p += MARK_LEN)
		found++;
	size_t keep = n < MARK_LEN - 1 ? n : MARK_LEN - 1;
	if (n < MARK_LEN - 1 && *ncarry + n > MARK_LEN - 1) { /* keep the last MARK_LEN-1 bytes */
		size_t drop = *ncarry + n - (MARK_LEN - 1);
		memmove(carry, carry + drop, *ncarry - drop);
		*ncarry -= drop;
	} else if (n >= MARK_LEN - 1) {
		*ncarry = 0;
	}
	memcpy(carry + *ncarry, data + n - keep, keep);
	*ncarry += keep;
	return found;
}

/* Counts the tip.created marks in the stream's decoded bytes and records the latencies. */
static void scan(struct conn *c, const char *data, size_t n, double t)
{
	int found = count_marks(c->carry, &c->ncarry, data, n);
	c->ndec += found;
	if (!c->hello && memmem(data, n, "retry:", 6)) {
		c->hello = true;
		g.opened++;
	}
	for (int k = 0; k < found; k++) {
		c->nseen++;
		if (c->nseen == g.target && g.t0 > 0) {
			g.lat[g.nlat++] = t - g.t0;
			g.reached++;
		}
	}
}

static void on_stream(struct conn *c, uint32_t events, double t)
{
	static char buf[READ_BUF];
	if (c->st == C_CONNECTING) {
		int err = 0;
		socklen_t el = sizeof err;
		getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &el);
		if (err) {
			errno = err;
			die("a stream did not connect");
		}
		if (write(c->fd, stream_req, stream_req_len) != (ssize_t)stream_req_len)
			die("a stream's request");
		c->st = C_WAITING;
		ep_set(c, EPOLL_CTL_MOD, EPOLLIN);
		return;
	}
	(void)events;
	ssize_t n = read(c->fd, buf, sizeof buf);
	if (n <= 0) {
		if (n < 0 && errno == EAGAIN)
			return;
		ep_set(c, EPOLL_CTL_DEL, 0);
		c->st = C_CLOSED;
		g.closed_early++;
		return;
	}
	if (c->st == C_WAITING && !memmem(buf, (size_t)n, "200 OK", 6) && !c->hello &&
	    memmem(buf, (size_t)n, "HTTP/1.1 ", 9))
		die("a stream was refused");
	bool was = c->hello;
	static char body[READ_BUF];
	size_t bn = dechunk(c, buf, (size_t)n, body);
	c->nraw += count_marks(c->rcarry, &c->nrcarry, buf, (size_t)n);
	scan(c, body, bn, t);
	if (!was && c->hello) {
		c->st = C_OPEN;
		if (c->stalled) { /* from now on it reads nothing */
			ep_set(c, EPOLL_CTL_DEL, 0);
			c->st = C_STALLED;
		}
	}
}

static void post_tip(long long unit, int i)
{
	char body[256], req[1024];
	snprintf(body, sizeof body,
		 "{\"category\":\"fire_hazard\",\"unit_id\":%lld,\"description\":\"Đo thời gian %d\"}", unit,
		 i);
	g.xff++;
	int n = snprintf(req, sizeof req,
			 "POST /api/v1/public/tips HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n"
			 "Content-Type: application/json\r\nX-Forwarded-For: 10.%d.%d.%d\r\n"
			 "Content-Length: %zu\r\n\r\n%s",
			 (g.xff >> 16) & 255, (g.xff >> 8) & 255, g.xff & 255, strlen(body), body);
	g.post_len = 0;
	g.post_done = false;
	g.post.kind = K_POST;
	g.post.fd = dial(false, 0); /* connect on loopback is immediate; the answer comes via epoll */
	int fl = fcntl(g.post.fd, F_GETFL);
	fcntl(g.post.fd, F_SETFL, fl | O_NONBLOCK);
	g.t0 = now_ms();
	if (write(g.post.fd, req, (size_t)n) != n)
		die("tip request");
	ep_set(&g.post, EPOLL_CTL_ADD, EPOLLIN);
}

static void on_post(double t)
{
	ssize_t n = read(g.post.fd, g.post_buf + g.post_len, sizeof g.post_buf - 1 - g.post_len);
	if (n < 0 && errno == EAGAIN)
		return;
	if (n > 0) {
		g.post_len += (size_t)n;
		if (g.post_len < sizeof g.post_buf - 1)
			return;
	}
	g.post_buf[g.post_len] = '\0';
	ep_set(&g.post, EPOLL_CTL_DEL, 0);
	close(g.post.fd);
	g.post_done = true;
	g.post_ms = t - g.t0;
	g.post_status = g.post_len > 12 ? (int)strtol(g.post_buf + 9, NULL, 10) : 0;
}

/* Runs the loop until done() or timeout_ms pass; returns whether done() held. */
static bool loop(bool (*done)(void), double timeout_ms)
{
	struct epoll_event evs[1024];
	double end = now_ms() + timeout_ms;
	while (!(done && done())) {
		double left = end - now_ms();
		if (left <= 0)
			return false;
		int n = epoll_wait(g.ep, evs, 1024, left > 50 ? 50 : (int)left + 1);
		if (n < 0 && errno != EINTR)
			die("epoll_wait");
		double t = now_ms();
		for (int i = 0; i < n; i++) {
			struct conn *c = evs[i].data.ptr;
			if (c->kind == K_POST)
				on_post(t);
			else
				on_stream(c, evs[i].events, t);
		}
	}
	return true;
}

static int next_open;
static bool all_open(void)
{
	int inflight = next_open - g.opened - g.closed_early;
	while (next_open < g.n && inflight < OPEN_INFLIGHT) {
		open_one(&g.c[next_open++]);
		inflight++;
	}
	return g.opened + g.closed_early >= g.n;
}

static bool delivered(void)
{
	return g.post_done && g.reached >= g.readers;
}

/* Has every reader read the first g.target tips (the fill)? */
static bool filled(void)
{
	for (int i = 0; i < g.n; i++)
		if (!g.c[i].stalled && g.c[i].nseen < g.target)
			return false;
	return true;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double pct(const double *v, size_t n, double p)
{
	if (!n)
		return -1;
	size_t i = (size_t)(p * (double)n);
	return v[i < n ? i : n - 1];
}

static long open_gauge(void)
{
	char *resp, *body;
	long v = -1;
	if (http("GET", "/metrics", NULL, NULL, &resp, &body) == 200) {
		char *m = strstr(body, "\ntiengmo_open_streams ");
		if (m)
			v = strtol(m + 22, NULL, 10);
	}
	free(resp);
	return v;
}

static const char *arg(int argc, char **argv, const char *name, const char *def)
{
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], name) == 0)
			return i + 1 < argc && strncmp(argv[i + 1], "--", 2) != 0 ? argv[i + 1] : "1";
	return def;
}

int main(int argc, char **argv)
{
	g.n = (int)strtol(arg(argc, argv, "--streams", "10000"), NULL, 10);
	double stalled = strtod(arg(argc, argv, "--stalled", "0"), NULL);
	int nevents = (int)strtol(arg(argc, argv, "--events", "5"), NULL, 10);
	int fill = (int)strtol(arg(argc, argv, "--fill", "0"), NULL, 10);
	int threads = (int)strtol(arg(argc, argv, "--threads", "0"), NULL, 10);
	double settle = strtod(arg(argc, argv, "--settle", "1"), NULL);
	bool json_only = arg(argc, argv, "--json", NULL) != NULL;
	bool keep = arg(argc, argv, "--keep", NULL) != NULL;
	const char *bin = getenv("TIENGMO_BIN") ? getenv("TIENGMO_BIN") : "build/tiengmo";
	if (g.n < 1 || nevents < 1 || stalled < 0 || stalled >= 1 || fill < 0) {
		fprintf(stderr, "usage: fanout [--streams N] [--stalled F] [--events E] [--fill K] "
				"[--threads T] [--settle S] [--json] [--keep]\n");
		return 2;
	}
	char rbin[4096];
	if (!realpath(bin, rbin))
		die("TIENGMO_BIN");
	signal(SIGPIPE, SIG_IGN);
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
		if ((rlim_t)g.n + 64 > rl.rlim_cur) {
			errno = 0;
			die("the open-file limit is below the number of streams");
		}
	}

	char dir[] = "/tmp/tiengmo-sse-XXXXXX", db[600];
	if (!mkdtemp(dir))
		die("mkdtemp");
	snprintf(db, sizeof db, "sqlite:%s/t.db", dir);
	setenv("TIENGMO_DATA_DIR", dir, 1);
	setenv("TIENGMO_DB", db, 1);
	setenv("TIENGMO_LOG_FORMAT", "text", 1);
	if (run_cli(rbin, (char *[]){rbin, "migrate", NULL}, NULL) != 0)
		die("migrate failed");
	if (run_cli(rbin,
		    (char *[]){rbin, "user", "add", "--username", "bench", "--role", "admin",
			       "--password-stdin", NULL},
		    PASSWORD "\n") != 0)
		die("cannot add the bench user");
	start_server(rbin, dir, threads);

	char cookie[512], csrf[256];
	login(cookie, sizeof cookie, csrf, sizeof csrf);
	long long unit = commune(cookie, csrf);
	char req[1024];
	int rl_n = snprintf(req, sizeof req,
			    "GET /api/v1/stream HTTP/1.1\r\nHost: bench\r\nCookie: %s\r\n"
			    "Accept: text/event-stream\r\n\r\n",
			    cookie);
	stream_req = req;
	stream_req_len = (size_t)rl_n;
	struct mem m_idle = server_mem();

	g.ep = epoll_create1(0);
	g.c = calloc((size_t)g.n, sizeof *g.c);
	if (g.ep < 0 || !g.c)
		die("setup");
	g.nstalled = (int)(g.n * stalled);
	g.readers = g.n - g.nstalled;
	for (int i = 0; i < g.n; i++) { /* the stalled ones spread among the others */
		g.c[i].kind = K_STREAM;
		g.c[i].stalled =
		    g.nstalled && (long long)i * g.nstalled / g.n != (long long)(i + 1) * g.nstalled / g.n;
	}
	double t_open = now_ms();
	if (!loop(all_open, 180000) || g.closed_early)
		die("not every stream opened");
	double open_s = (now_ms() - t_open) / 1000;
	loop(NULL, settle * 1000);
	struct mem m_open = server_mem();

	g.lat = malloc(sizeof *g.lat * (size_t)g.readers * (size_t)(nevents + 1));
	if (!g.lat)
		die("malloc");
	int sent = 0;
	/* fill: tips every reader drains, so the stalled sockets are full before the measured ones */
	g.reached = g.readers; /* delivery is awaited after the last one, not per fill tip */
	for (int i = 0; i < fill; i++) {
		post_tip(unit, sent++);
		g.t0 = 0;
		if (!loop(delivered, 30000) && !g.post_done)
			die("a fill tip got no answer");
		if (g.post_status != 201) {
			fprintf(stderr, "fanout: fill tip answered %d\n", g.post_status);
			die("fill");
		}
	}
	g.t0 = 0;
	g.target = sent;
	if (fill && !loop(filled, 120000))
		fprintf(stderr, "fanout: not every reader got the fill\n");
	loop(NULL, fill ? 500 : 0);
	long gauge_fill = fill ? open_gauge() : -1;

	double *post_ms = calloc((size_t)nevents, sizeof *post_ms);
	int missed = 0;
	g.nlat = 0;
	for (int e = 0; e < nevents; e++) {
		g.target = sent + 1;
		g.reached = 0;
		post_tip(unit, sent++);
		bool ok = loop(delivered, 20000);
		if (g.post_status != 201) {
			fprintf(stderr, "fanout: tip answered %d\n", g.post_status);
			die("trigger");
		}
		post_ms[e] = g.post_ms;
		if (!ok) {
			missed += g.readers - g.reached;
			fprintf(stderr, "fanout: event %d reached %d of %d readers\n", e, g.reached,
				g.readers);
			for (int i = 0; i < g.n; i++) /* resynchronise the laggards' counts */
				if (!g.c[i].stalled && g.c[i].nseen < g.target)
					g.c[i].nseen = g.target;
		}
		g.t0 = 0;
		loop(NULL, 200);
	}
	struct mem m_after = server_mem();
	long gauge = open_gauge();
	long split = 0; /* marks a chunk boundary split: a client counting raw bytes would miss them */
	for (int i = 0; i < g.n; i++)
		split += g.c[i].ndec - g.c[i].nraw;
	qsort(g.lat, g.nlat, sizeof *g.lat, cmp);
	qsort(post_ms, (size_t)nevents, sizeof *post_ms, cmp);
	double la[3];
	if (getloadavg(la, 3) != 3)
		la[0] = la[1] = la[2] = -1;
	printf("{\"streams\":%d,\"stalled\":%d,\"fill\":%d,\"events\":%d,\"delivered\":%zu,"
	       "\"expected\":%lld,\"open_s\":%.2f,\"post_ms_median\":%.1f,\"p50_ms\":%.1f,"
	       "\"p99_ms\":%.1f,\"max_ms\":%.1f,\"rss_idle_mib\":%.1f,\"rss_open_mib\":%.1f,"
	       "\"rss_after_mib\":%.1f,\"hwm_mib\":%.1f,\"anon_idle_mib\":%.1f,\"anon_open_mib\":%.1f,"
	       "\"open_streams_after_fill\":%ld,\"open_streams_end\":%ld,\"marks_split\":%ld,"
	       "\"load1\":%.2f}\n",
	       g.n, g.nstalled, fill, nevents, g.nlat, (long long)g.readers * nevents, open_s,
	       pct(post_ms, (size_t)nevents, 0.5), pct(g.lat, g.nlat, 0.5), pct(g.lat, g.nlat, 0.99),
	       g.nlat ? g.lat[g.nlat - 1] : -1, m_idle.rss, m_open.rss, m_after.rss, m_after.hwm, m_idle.anon,
	       m_open.anon, gauge_fill, gauge, split, la[0]);
	if (!json_only)
		fprintf(stderr,
			"%d streams (%d stalled, fill %d): %zu of %lld delivered; p50 %.1f ms, p99 %.1f ms, "
			"max %.1f ms (tip POST %.1f ms); RSS %.1f idle, %.1f open, %.1f after, peak %.1f "
			"MiB; %ld frames split by a chunk boundary; load %.2f\n",
			g.n, g.nstalled, fill, g.nlat, (long long)g.readers * nevents,
			pct(g.lat, g.nlat, 0.5), pct(g.lat, g.nlat, 0.99), g.nlat ? g.lat[g.nlat - 1] : -1,
			pct(post_ms, (size_t)nevents, 0.5), m_idle.rss, m_open.rss, m_after.rss, m_after.hwm,
			split, la[0]);

	for (int i = 0; i < g.n; i++)
		if (g.c[i].fd > 0)
			close(g.c[i].fd);
	kill(g.server, SIGTERM);
	waitpid(g.server, NULL, 0);
	if (!keep) {
		char cmd[700];
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			fprintf(stderr, "fanout: cannot remove %s\n", dir);
	} else {
		fprintf(stderr, "fanout: kept %s\n", dir);
	}
	free(post_ms);
	free(g.lat);
	free(g.c);
	return missed || g.nlat < (size_t)g.readers * (size_t)nevents ? 1 : 0;
}
