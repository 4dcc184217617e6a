/*
 * fuzz_query.c: libFuzzer driver for the parts of a request line that come straight from a client:
 * the id, cursor and limit parsers of src/http/request.c, time_parse_rfc3339 (query filters and body
 * times), and router_match over the one route table.
 *
 * The input is text. Every parser sees all of it (up to a NUL), and each success is checked against
 * what http.h and timeutil.h promise: an id prints back to the same text, a limit is 1..200, a time
 * formats and parses back to the same second. The router sees the input as a path under every method,
 * and as "METHOD PATH" when it has a space; a match must name that method, and substituting the
 * captures into the pattern must give back the path. Not for bodies (fuzz_json_body.c).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http/http.h"
#include "lib/arena.h"
#include "lib/timeutil.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define INPUT_MAX 4096
/* 1800-01-02 and 9999-12-30 (UTC): times whose +07:00 text stays within the years the parser takes */
#define T_MIN (-5364576000LL)
#define T_MAX (253402128000LL)

static void fail(const char *what, const char *input)
{
	fprintf(stderr, "fuzz_query: %s (input \"%s\")\n", what, input);
	abort();
}

static void check_numbers(const char *s)
{
	int64_t id = -7;
	if (http_parse_id(s, &id) == 0) {
		char back[32];
		http_format_cursor(id, back, sizeof back);
		if (id < 1 || id >= ((int64_t)1 << 53) || strcmp(back, s) != 0)
			fail("http_parse_id accepted text that is not the id it returned", s);
	}
	int64_t cur = -7;
	if (http_parse_cursor(s, &cur) == 0) {
		if (*s == '\0' ? cur != 0 : cur < 1)
			fail("http_parse_cursor returned an impossible cursor", s);
	} else if (*s == '\0') {
		fail("http_parse_cursor refused an absent cursor", s);
	}
	int lim = -7;
	if (http_parse_limit(s, &lim) == 0 && (lim < 1 || lim > 200))
		fail("http_parse_limit accepted a limit outside 1..200", s);
}

static void check_time(const char *s)
{
	int64_t t;
	if (time_parse_rfc3339(s, &t) != 0)
		return;
	if (t < T_MIN - 3 * 86400 || t > T_MAX + 3 * 86400)
		fail("time_parse_rfc3339 returned a time outside the years it accepts", s);
	if (t < T_MIN || t > T_MAX)
		return;
	char text[40];
	int64_t t2;
	time_format_rfc3339(t, text, sizeof text);
	if (time_parse_rfc3339(text, &t2) != 0 || t2 != t)
		fail("a parsed time does not survive formatting and parsing again", s);
}

/* Rebuilds the path from the matched pattern and its captures. */
static void check_match(struct req *r, int i, const char *method, const char *path)
{
	if (i < -2 || i >= http_nroutes)
		fail("router_match returned an index outside the table", path);
	if (i < 0)
		return;
	const struct route *rt = &http_routes[i];
	if (rt->flags & ROUTE_FALLBACK) { /* the web app: GET or HEAD of any path outside /api/ */
		if (r->route != rt || (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0))
			fail("the web app's fallback matched another method", path);
		if (path[0] != '/' || strncasecmp(path, "/api/", 5) == 0 || strcasecmp(path, "/api") == 0)
			fail("the web app's fallback took an API path", path);
		return;
	}
	if (r->route != rt || strcmp(rt->method, method) != 0)
		fail("router_match matched a route of another method", path);
	char rebuilt[INPUT_MAX + 64];
	size_t n = 0;
	int np = 0;
	for (const char *p = rt->pattern; *p;) {
		const char *piece = p;
		size_t len = 1;
		if (*p == '{') {
			if (np >= HTTP_MAX_PARAMS || !r->params[np])
				fail("router_match left a capture empty", path);
			piece = r->params[np++];
			len = strlen(piece);
			if (len == 0 || strchr(piece, '/'))
				fail("a capture is empty or spans segments", path);
			p = strchr(p, '}') + 1;
		} else {
			p++;
		}
		if (n + len >= sizeof rebuilt)
			fail("rebuilt path too long", path);
		memcpy(rebuilt + n, piece, len);
		n += len;
	}
	rebuilt[n] = '\0';
	if (strcmp(rebuilt, path) != 0)
		fail("the pattern and captures do not give back the path", path);
}

static void route(const char *method, const char *path)
{
	struct req r;
	memset(&r, 0, sizeof r);
	arena_init(&r.arena, 1u << 20);
	int i = router_match(&r, method, path);
	check_match(&r, i, method, path);
	arena_release(&r.arena);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const methods[] = {"GET", "POST", "PATCH", "DELETE", "PUT", "HEAD"};
	if (size > INPUT_MAX)
		return 0;
	char s[INPUT_MAX + 1];
	memcpy(s, data, size);
	s[size] = '\0';

	check_numbers(s);
	check_time(s);
	for (size_t m = 0; m < sizeof methods / sizeof methods[0]; m++)
		route(methods[m], s);
	char *sp = strchr(s, ' ');
	if (sp) {
		*sp = '\0';
		route(s, sp + 1);
	}
	return 0;
}
