/*
 * test_router.c: the one route table and its matcher (src/http/router.c), through router_match:
 * patterns and {captures}, 404 for an unknown path, 405 for a known path under another method, and
 * every route in the table reachable.
 */
#include "unit.h"

#include "api/api.h"
#include "http/http.h"

static int match(struct req *r, const char *method, const char *path)
{
	memset(r, 0, sizeof *r);
	arena_init(&r->arena, 1 << 16);
	r->route_index = router_match(r, method, path);
	return r->route_index;
}

static void finish(struct req *r)
{
	arena_release(&r->arena);
}

static void static_paths_match(void **state)
{
	(void)state;
	struct req r;
	int i = match(&r, "GET", "/healthz");
	assert_true(i >= 0);
	assert_ptr_equal(http_routes[i].handler, api_healthz);
	assert_ptr_equal(r.route, &http_routes[i]);
	assert_null(r.params[0]);
	finish(&r);
	i = match(&r, "POST", "/api/v1/session");
	assert_true(i >= 0);
	assert_string_equal(http_routes[i].pattern, "/api/v1/session");
	assert_string_equal(http_routes[i].method, "POST");
	finish(&r);
	i = match(&r, "DELETE", "/api/v1/session");
	assert_true(i >= 0);
	assert_string_equal(http_routes[i].method, "DELETE");
	finish(&r);
	/* the literal segment wins over a capture listed after it */
	i = match(&r, "POST", "/api/v1/units/import");
	assert_true(i >= 0);
	assert_string_equal(http_routes[i].pattern, "/api/v1/units/import");
	finish(&r);
}

static void captures_are_filled_in_order(void **state)
{
	(void)state;
	struct req r;
	int i = match(&r, "GET", "/api/v1/units/42");
	assert_true(i >= 0);
	assert_string_equal(http_routes[i].pattern, "/api/v1/units/{id}");
	assert_string_equal(r.params[0], "42");
	assert_null(r.params[1]);
	finish(&r);
	i = match(&r, "DELETE", "/api/v1/users/7/grants/913");
	assert_true(i >= 0);
	assert_string_equal(http_routes[i].pattern, "/api/v1/users/{id}/grants/{grant}");
	assert_string_equal(r.params[0], "7");
	assert_string_equal(r.params[1], "913");
	finish(&r);
	/* a capture is whatever the segment holds; the handler validates it (404 for a bad id) */
	i = match(&r, "PATCH", "/api/v1/units/abc");
	assert_true(i >= 0);
	assert_string_equal(r.params[0], "abc");
	finish(&r);
}

static void unknown_paths_are_404(void **state)
{
	(void)state;
	struct req r;
	static const char *const paths[] = {
	    "",
	    "/api",
	    "/api/",
	    "/api/v1/nothing",
	    "/api/v1/units/",
	    "/api/v1/units/42/",
	    "/api/v1/units/42/extra",
	    "/api/v1/units//grants",
	    "/api/v1/users/7/grants/",
	    "/API/V1/UNITS",
	    "/api/v1/me/totp/confirm/x",
	};
	for (size_t k = 0; k < sizeof paths / sizeof paths[0]; k++) {
		if (match(&r, "GET", paths[k]) != -1)
			fail_msg("GET '%s' matched a route", paths[k]);
		assert_null(r.route);
		finish(&r);
	}
}

/* Every other path goes to the web app's fallback route (assets.c decides between a file, index.html and
 * 404), which takes GET and HEAD only and never an /api/ path. */
static void other_paths_go_to_the_web_app(void **state)
{
	(void)state;
	struct req r;
	static const char *const paths[] = {"/",      "/healthz/", "/healthzz", "/units/42",
					    "/login", "/app.js",   "/apix"};
	for (size_t k = 0; k < sizeof paths / sizeof paths[0]; k++) {
		int i = match(&r, "GET", paths[k]);
		if (i < 0 || !(http_routes[i].flags & ROUTE_FALLBACK))
			fail_msg("GET '%s' did not reach the web app", paths[k]);
		finish(&r);
		i = match(&r, "HEAD", paths[k]);
		if (i < 0 || !(http_routes[i].flags & ROUTE_FALLBACK))
			fail_msg("HEAD '%s' did not reach the web app", paths[k]);
		finish(&r);
		assert_int_equal(match(&r, "POST", paths[k]), -2);
		finish(&r);
	}
	/* the API's own paths are never the fallback's */
	int i = match(&r, "GET", "/healthz");
	assert_true(i >= 0);
	assert_string_equal(http_routes[i].pattern, "/healthz");
	finish(&r);
}

static void known_path_with_another_method_is_405(void **state)
{
	(void)state;
	struct req r;
	assert_int_equal(match(&r, "PUT", "/api/v1/units/42"), -2);
	finish(&r);
	assert_int_equal(match(&r, "POST", "/healthz"), -2);
	finish(&r);
	assert_int_equal(match(&r, "GET", "/api/v1/session"), -2);
	finish(&r);
	assert_int_equal(match(&r, "get", "/healthz"), -2); /* methods are case-sensitive */
	finish(&r);
	assert_int_equal(match(&r, "PUT", "/api/v1/nothing"), -1); /* unknown stays 404 */
	finish(&r);
}

/* "/api/v1/users/{id}/grants/{grant}" → "/api/v1/users/1/grants/1" */
static void concrete_path(const char *pattern, char *out, size_t len)
{
	size_t o = 0;
	for (const char *p = pattern; *p && o + 2 < len; p++) {
		if (*p == '{') {
			p = strchr(p, '}');
			assert_non_null(p);
			out[o++] = '1';
		} else {
			out[o++] = *p;
		}
	}
	out[o] = '\0';
}

static void every_route_is_reachable_and_unique(void **state)
{
	(void)state;
	assert_true(http_nroutes > 0);
	for (int i = 0; i < http_nroutes; i++) {
		const struct route *rt = &http_routes[i];
		char path[256];
		struct req r;
		if (rt->flags & ROUTE_FALLBACK)
			snprintf(path, sizeof path, "/some/app/route");
		else
			concrete_path(rt->pattern, path, sizeof path);
		int got = match(&r, rt->method, path);
		if (got != i)
			fail_msg("%s %s (route %d) is shadowed by route %d", rt->method, rt->pattern, i, got);
		finish(&r);
		assert_non_null(rt->handler);
		/* a route that takes a body must accept one */
		if (strcmp(rt->method, "POST") == 0 || strcmp(rt->method, "PATCH") == 0 ||
		    strcmp(rt->method, "PUT") == 0)
			if (rt->body_limit == 0)
				fail_msg("%s %s takes a body but its limit is 0", rt->method, rt->pattern);
		for (int j = 0; j < i; j++)
			if (strcmp(http_routes[j].method, rt->method) == 0 &&
			    strcmp(http_routes[j].pattern, rt->pattern) == 0)
				fail_msg("%s %s is listed twice", rt->method, rt->pattern);
	}
}

static void only_login_skips_csrf(void **state)
{
	(void)state;
	for (int i = 0; i < http_nroutes; i++) {
		const struct route *rt = &http_routes[i];
		if (!(rt->flags & ROUTE_NO_CSRF))
			continue;
		/* skipping CSRF is only for routes that need no session to begin with */
		if (rt->perm != PERM_PUBLIC)
			fail_msg("%s %s skips CSRF but needs a login", rt->method, rt->pattern);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(static_paths_match),
	    cmocka_unit_test(captures_are_filled_in_order),
	    cmocka_unit_test(unknown_paths_are_404),
	    cmocka_unit_test(other_paths_go_to_the_web_app),
	    cmocka_unit_test(known_path_with_another_method_is_405),
	    cmocka_unit_test(every_route_is_reachable_and_unique),
	    cmocka_unit_test(only_login_skips_csrf),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
