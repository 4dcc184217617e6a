/*
 * test_assets.c: the web app's file server (src/http/assets.c) without a socket: which embedded file a
 * path gets (a file by its name, index.html for an app route, nothing for an unknown file), the
 * Accept-Encoding and If-None-Match parsing, and the ETags of the embedded files.
 */
#include "unit.h"

#include "http/assets.c"

static void setup_index(void)
{
	pthread_once(&g_once, index_assets);
}

static void app_routes_get_index_html(void **state)
{
	(void)state;
	setup_index();
	const struct asset *index = find_asset("index.html");
	assert_non_null(index);
	assert_non_null(index->gz);
	static const char *const app[] = {"/",	    "/units",	"/units/42",  "/login",
					  "/a/b/c", "/assets/", "/index.html"};
	for (size_t i = 0; i < sizeof app / sizeof app[0]; i++)
		if (resolve(app[i]) != index)
			fail_msg("'%s' did not get index.html", app[i]);
	static const char *const none[] = {"/favicon.ico", "/app.js", "/assets/app-NOPE.js",
					   "/units/4.2",   "",	      "x"};
	for (size_t i = 0; i < sizeof none / sizeof none[0]; i++)
		if (resolve(none[i]) != NULL)
			fail_msg("'%s' got a file", none[i]);
}

static void hashed_files_are_served_by_name_with_their_gzip_copy(void **state)
{
	(void)state;
	setup_index();
	int js = 0, css = 0;
	for (int i = 0; i < g_nassets; i++) {
		const struct asset *a = &g_assets[i];
		char path[256];
		snprintf(path, sizeof path, "/%s", a->plain->name);
		assert_ptr_equal(resolve(path), a);
		assert_non_null(a->gz);
		assert_true(a->gz->len > 0 && a->gz->len < a->plain->len + 64);
		/* strong, quoted, and different for the two encodings */
		assert_int_equal(a->etag[0], '"');
		assert_int_equal(a->etag[strlen(a->etag) - 1], '"');
		assert_string_not_equal(a->etag, a->etag_gz);
		if (strncmp(a->plain->name, "assets/", 7) == 0) {
			js += ends_with(a->plain->name, ".js");
			css += ends_with(a->plain->name, ".css");
		}
	}
	assert_true(js >= 2); /* the entry, and the officers' app loaded on demand (web/build.mjs) */
	assert_true(css >= 1);
}

static void content_types_follow_the_extension(void **state)
{
	(void)state;
	assert_string_equal(content_type_of("index.html"), "text/html; charset=utf-8");
	assert_string_equal(content_type_of("assets/app-X.js"), "text/javascript; charset=utf-8");
	assert_string_equal(content_type_of("assets/app-X.css"), "text/css; charset=utf-8");
	assert_string_equal(content_type_of("x.bin"), "application/octet-stream");
}

static void accept_encoding_gzip(void **state)
{
	(void)state;
	static const char *const yes[] = {"gzip",
					  "gzip, deflate, br",
					  "deflate, gzip;q=0.5",
					  "GZIP",
					  "*",
					  "br;q=1.0, gzip;q=1.0, *;q=0.1",
					  "gzip;q=1",
					  " gzip ",
					  "identity, gzip"};
	for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
		if (!accepts_gzip(yes[i]))
			fail_msg("'%s' should accept gzip", yes[i]);
	static const char *const no[] = {"",	      "identity", "deflate, br", "gzip;q=0", "gzip; q=0.000",
					 "gzip ;q=0", "*;q=0",	  "x-gzip",	 "gzipx",    "br, gzip;q=0"};
	for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
		if (accepts_gzip(no[i]))
			fail_msg("'%s' should not accept gzip", no[i]);
}

static void if_none_match_lists(void **state)
{
	(void)state;
	const char *tag = "\"0123abcd\"";
	assert_true(etag_matches("\"0123abcd\"", tag));
	assert_true(etag_matches("W/\"0123abcd\"", tag));
	assert_true(etag_matches("\"x\", \"0123abcd\"", tag));
	assert_true(etag_matches("\"x\",W/\"0123abcd\"", tag));
	assert_true(etag_matches("*", tag));
	assert_false(etag_matches("\"0123abc\"", tag));
	assert_false(etag_matches("\"0123abcd\"x", tag));
	assert_false(etag_matches("\"0123abcd", tag));
	assert_false(etag_matches("", tag));
	assert_false(etag_matches("\"x\", \"y\"", tag));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(app_routes_get_index_html),
	    cmocka_unit_test(hashed_files_are_served_by_name_with_their_gzip_copy),
	    cmocka_unit_test(content_types_follow_the_extension),
	    cmocka_unit_test(accept_encoding_gzip),
	    cmocka_unit_test(if_none_match_lists),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
