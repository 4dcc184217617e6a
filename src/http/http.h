/*
 * http.h: what a handler sees of a request and how it answers. The server (server.c) owns the
 * libmicrohttpd glue, the router (router.c) the one route table; handlers live in src/api/.
 *
 * Handler shape, everywhere: parse → validate → check permission → domain call → write JSON.
 *
 *     int api_units_get(struct req *r)
 *     {
 *             int64_t id;
 *             if (http_param_id(r, 0, &id)) return http_fail(r, APP_E_NOTFOUND, "no such unit");
 *             ...
 *             struct jw *w = http_json(r, 200);
 *             jw_obj(w); jw_key(w, "data"); ...; jw_end(w);
 *             return APP_OK;
 *     }
 *
 * A handler returns APP_OK after writing its response, or an app_err (with http_fail / http_fail_fields
 * to give the message); errors.c writes the error body. Everything allocated from r->arena is freed
 * when the response ends.
 */
#ifndef TIENGMO_HTTP_H
#define TIENGMO_HTTP_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "domain/perm.h"
#include "lib/app.h"
#include "lib/arena.h"
#include "lib/buf.h"
#include "lib/json.h"
#include "store/store.h"

struct MHD_Connection;
struct MHD_Response;
struct route;

#define HTTP_MAX_PARAMS 4
#define HTTP_MAX_HEADERS 8
#define HTTP_JSON_OUT_MAX (8u << 20) /* the largest JSON response */

struct session_info {
	char token_hash[65];
	const char *csrf_token;
	int64_t expires_at;
};

struct req {
	struct arena arena;
	struct MHD_Connection *conn;
	const char *method;
	const char *path;
	const struct route *route;
	int route_index;		     /* -1 when no route matched */
	const char *params[HTTP_MAX_PARAMS]; /* {captures} of the route pattern, in order */
	struct buf body;
	bool body_too_big;
	struct store *db;      /* this thread's connection */
	struct principal user; /* user_id 0 when not logged in */
	struct session_info session;
	bool has_session;
	char addr[64]; /* client address as text; for audit and throttling, never the access log */

	/* the response */
	int status;
	struct buf out;
	const char *content_type;
	const char *hdr_name[HTTP_MAX_HEADERS];
	const char *hdr_value[HTTP_MAX_HEADERS];
	int nhdr;
	/* error details for errors.c */
	const char *err_code; /* overrides the code chosen from the app_err */
	const char *err_msg;
	struct field_errs fields;
	struct jw jw;
	uint64_t start_ns;
	struct MHD_Response *prebuilt; /* set by http_constant: a shared response sent as it is */
	bool prebuilt_owned;	       /* set by http_own_response: the server drops it once queued */
	bool long_lived; /* the response outlives the request (an event stream): once it is queued the
			    server frees the request, keeping only what the access log needs */
	/* where the server placed the connection (server.c "Accepting"): on the small-pool stream
	   daemon, and whether an earlier request came on the same connection (keep-alive) */
	bool stream_daemon;
	bool conn_reused;
};

typedef int (*http_handler)(struct req *r);

enum route_flags {
	ROUTE_NO_CSRF = 1, /* state-changing but needs no CSRF token (login itself) */
	ROUTE_FALLBACK =
	    2, /* pattern "*": any path outside /api/ that no other route has; no session, no db */
};

struct route {
	const char *method;
	const char *pattern; /* "/api/v1/units/{id}" */
	http_handler handler;
	enum perm perm;	   /* checked by the router before the handler runs */
	size_t body_limit; /* bytes; larger bodies get 413 */
	int flags;
};

/* The route table (router.c) and its length. */
extern const struct route http_routes[];
extern const int http_nroutes;

/* Finds the route for method and path, filling r->params. Returns its index, -1 when no route has
 * this path, or -2 when the path exists under another method (405). */
int router_match(struct req *r, const char *method, const char *path);
/* Runs the matched route: session, permission, CSRF, then the handler; then the error body if any. */
void router_dispatch(struct req *r);

/* Starts a JSON response with status; returns the writer over r->out. */
struct jw *http_json(struct req *r, int status);
/* Sets a plain-text (or other) body. */
void http_text(struct req *r, int status, const char *content_type, const char *body);
/* A response that never changes (status, type and body all constant): built once, with the headers
 * every response carries, and sent as it is to every later request — for probes like /healthz.
 * `c` is a static in the handler; `body` must be a string literal. */
struct http_constant {
	struct MHD_Response *_Atomic resp;
};
void http_constant(struct req *r, struct http_constant *c, int status, const char *content_type,
		   const char *body);
/* Sends resp, a response the handler built itself (the event stream's content-reader response), with
 * status, content_type and the headers every response carries. Takes resp: the server queues it and
 * drops the handler's reference. */
void http_own_response(struct req *r, int status, const char *content_type, struct MHD_Response *resp);
/* Adds a response header (both strings must outlive the request: literals or arena). */
void http_header(struct req *r, const char *name, const char *value);
/* Records an error message (and returns err, for `return http_fail(...)`). */
int http_fail(struct req *r, int err, const char *msg);
/* Records a validation error with the fields collected in fe (422). */
int http_fail_fields(struct req *r, const struct field_errs *fe);
/* Maps a failed store call's code (STORE_E_*) to the app error a handler returns: busy → 503 with
 * "the database is busy; try again", out of memory → APP_E_NOMEM, anything else → APP_E_DB (errors.c).
 * Handlers check the codes that mean something for their record (STORE_DONE, STORE_E_UNIQUE, …) first. */
int http_fail_store(struct req *r, int rc);
/* Adds an error on line `line` of an uploaded file (0: the file as a whole) to r->fields, keyed "line 3"
 * or "file"; a second error on the line of the last entry is joined to it with "; ", so errors must
 * come sorted by line. Returns false when no more fit (r->fields full, or out of memory): stop adding. */
bool http_line_error(struct req *r, int line, const char *msg);
/* Fails a file import that has `total` errors: 422 "import_failed", "the file has 3 errors; nothing was
 * imported", with the lines given to http_line_error. Returns APP_E_INVALID. */
int http_fail_import(struct req *r, int total);
/* Writes the error body for err into r (errors.c). */
void http_write_error(struct req *r, int err);
/* The HTTP status for an app_err. */
int http_status_of(int err);

/* Parses the JSON body into an object (400 with the position on failure). Caller json_decref()s. */
int http_json_body(struct req *r, json_t **out);
/* Path capture i as a positive id; APP_E_NOTFOUND when it is not one. */
int http_param_id(struct req *r, int i, int64_t *out);
/* Query argument or NULL. */
const char *http_query(struct req *r, const char *name);
/* Request header or NULL. */
const char *http_req_header(struct req *r, const char *name);
/* Keyset pagination arguments: ?cursor= (opaque; 0 when absent) and ?limit= (1..200, default 50).
 * Returns APP_E_PARAM with a message naming the argument when malformed. */
int http_page_args(struct req *r, int64_t *cursor, int *limit);

/* Parses "123" into an id in [1, 2^53). Returns 0, or -1 when malformed (fuzzed). */
int http_parse_id(const char *s, int64_t *out);
/* Parses a cursor as http_page_args does; 0, or -1 when malformed (fuzzed). */
int http_parse_cursor(const char *s, int64_t *out);
/* Parses a limit in [1,200]; 0, or -1 when malformed (fuzzed). */
int http_parse_limit(const char *s, int *out);
/* Writes the opaque cursor for the last id of a page into out (at least 24 bytes). */
void http_format_cursor(int64_t last_id, char *out, size_t outlen);
/* Writes the "next_cursor" member of a page into the open object of w: the cursor for last_id, the id of
 * the page's last row when more rows follow, or null when last_id is 0 (this is the last page). */
void http_next_cursor(struct jw *w, int64_t last_id);

/* Server (server.c). */
struct http_options {
	const char *listen; /* "127.0.0.1:8080", "[::1]:8080", ":8080" */
	int threads;
	bool secure_cookies;
	const char *trusted_proxies; /* "127.0.0.1,::1": peers whose X-Forwarded-For names the client */
};
/* Serves until SIGTERM or SIGINT, then lets in-flight requests finish and returns 0; -1 when the
 * server could not start (message printed). */
int http_serve(const struct http_options *opt);
extern bool http_secure_cookies;

/* Metrics (metrics.c). */
void metrics_observe(int route_index, int status, uint64_t nanos);
void metrics_db_error(void);
/* An event stream opened (+1) or closed (-1) on the stream daemon (stream_daemon) or the main one. */
void metrics_streams_add(bool stream_daemon, int delta);
/* A stream request on a reused connection of the main daemon was sent elsewhere with a 307. */
void metrics_stream_redirected(void);
/* A stream was ended with events undelivered (its reader too slow, or it stopped being read): the
 * client reconnects with Last-Event-ID and gets them by replay. */
void metrics_stream_dropped(void);
/* Writes the Prometheus text exposition into b. */
void metrics_write(struct buf *b);

#endif
