/*
 * test_open311.c: the Open311 writer (src/export/open311.c) — the same description gives exact XML
 * and JSON, every text is escaped in XML, characters XML cannot carry are dropped, and a NULL is an
 * empty element / null — and the Open311 routes of the table, whose patterns end in "{f}" or carry
 * the extension in their capture.
 */
#include "unit.h"

#include "api/api.h"
#include "export/open311.h"
#include "http/http.h"

static void describe(struct o311w *w)
{
	o311_arr(w, "service_requests");
	o311_obj(w, "request");
	o311_str(w, "service_request_id", "7");
	o311_str(w, "service_name", "Gây ồn <ào> & \"to\" 'lắm'");
	o311_str(w, "account_id", NULL);
	o311_int(w, "n", -3);
	o311_bool(w, "metadata", false);
	o311_num(w, "lat", 15.891);
	o311_time(w, "requested_datetime", 0);
	o311_end(w);
	o311_end(w);
}

static void one_description_gives_exact_xml_and_json(void **state)
{
	(void)state;
	struct buf b;
	struct o311w w;
	buf_init(&b, 4096);
	o311_init(&w, &b, true);
	describe(&w);
	assert_int_equal(b.err, BUF_OK);
	assert_string_equal(
	    buf_str(&b), "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
			 "<service_requests><request><service_request_id>7</service_request_id>"
			 "<service_name>Gây ồn &lt;ào&gt; &amp; &quot;to&quot; &apos;lắm&apos;</service_name>"
			 "<account_id/><n>-3</n><metadata>false</metadata><lat>15.891</lat>"
			 "<requested_datetime>1970-01-01T07:00:00+07:00</requested_datetime>"
			 "</request></service_requests>\n");
	o311_init(&w, &b, false);
	describe(&w);
	assert_string_equal(
	    buf_str(&b),
	    "[{\"service_request_id\":\"7\",\"service_name\":\"Gây ồn \\u003cào\\u003e & \\\"to\\\" 'lắm'\","
	    "\"account_id\":null,\"n\":-3,\"metadata\":false,\"lat\":15.891,"
	    "\"requested_datetime\":\"1970-01-01T07:00:00+07:00\"}]");
	buf_release(&b);
}

static void xml_drops_what_it_cannot_carry(void **state)
{
	(void)state;
	struct buf b;
	buf_init(&b, 256);
	o311_xml_escape(&b, "a\x01"
			    "b\x1f"
			    "c\td\ne\rf\x7f]]>");
	assert_string_equal(buf_str(&b), "abc\td\ne\rf\x7f]]&gt;");
	buf_release(&b);
}

static void errors_are_a_list_of_code_and_description(void **state)
{
	(void)state;
	struct buf b;
	struct o311w w;
	buf_init(&b, 1024);
	o311_init(&w, &b, false);
	o311_error(&w, 403, "api_key was not provided");
	assert_string_equal(buf_str(&b), "[{\"code\":403,\"description\":\"api_key was not provided\"}]");
	o311_init(&w, &b, true);
	o311_error(&w, 404, "a <b>");
	assert_string_equal(buf_str(&b),
			    "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<errors><error><code>404</code>"
			    "<description>a &lt;b&gt;</description></error></errors>\n");
	buf_release(&b);
}

static void too_deep_fails_instead_of_writing_nonsense(void **state)
{
	(void)state;
	struct buf b;
	struct o311w w;
	buf_init(&b, 1024);
	o311_init(&w, &b, true);
	for (int i = 0; i <= O311_DEPTH; i++)
		o311_obj(&w, "x");
	assert_int_not_equal(b.err, BUF_OK);
	buf_release(&b);
}

static void forms_decode_plus_and_escapes(void **state)
{
	(void)state;
	struct arena a;
	struct o311_form f;
	arena_init(&a, 1 << 16);
	const char *body = "api_key=k1&&description=Karaoke+%3Cto%3E+%26+mu%E1%BB%99n&flag&empty=&a%3Db=c";
	assert_int_equal(o311_form_parse(&a, body, strlen(body), &f), 0);
	assert_int_equal(f.n, 5);
	assert_string_equal(o311_form_get(&f, "api_key"), "k1");
	assert_string_equal(o311_form_get(&f, "description"), "Karaoke <to> & muộn");
	assert_null(o311_form_get(&f, "flag")); /* present without a value: empty */
	assert_null(o311_form_get(&f, "empty"));
	assert_string_equal(o311_form_get(&f, "a=b"), "c");
	assert_null(o311_form_get(&f, "missing"));
	/* only the given length is read */
	assert_int_equal(o311_form_parse(&a, "x=12345", 4, &f), 0);
	assert_string_equal(o311_form_get(&f, "x"), "12");
	arena_release(&a);
}

static void malformed_forms_are_refused(void **state)
{
	(void)state;
	struct arena a;
	struct o311_form f;
	char many[40 * 4 + 1];
	size_t o = 0;
	const char *bad[] = {"%", "a=%4", "a=%zz", "a=%00", "%00=b", "a=b%"};
	arena_init(&a, 1 << 16);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(o311_form_parse(&a, bad[i], strlen(bad[i]), &f), -1);
	assert_int_equal(o311_form_parse(&a, "a=b\0c", 5, &f), -1); /* a raw NUL */
	for (int i = 0; i < O311_FORM_FIELDS_MAX; i++) {
		memcpy(many + o, "a=b&", 4);
		o += 4;
	}
	assert_int_equal(o311_form_parse(&a, many, o, &f), 0); /* 32 fields and a trailing '&' */
	memcpy(many + o, "c=d", 3);
	assert_int_equal(o311_form_parse(&a, many, o + 3, &f), -1);
	arena_release(&a);
}

static const struct route *route_of(struct req *r, const char *method, const char *path)
{
	memset(r, 0, sizeof *r);
	arena_init(&r->arena, 1 << 16);
	int i = router_match(r, method, path);
	return i >= 0 ? &http_routes[i] : NULL;
}

static void open311_paths_reach_their_handlers(void **state)
{
	(void)state;
	struct req r;
	const struct route *rt = route_of(&r, "GET", "/open311/v2/services.xml");
	assert_non_null(rt);
	assert_ptr_equal(rt->handler, api_open311_services);
	assert_string_equal(r.params[0], ".xml");
	arena_release(&r.arena);
	rt = route_of(&r, "GET", "/open311/v2/services/noise.json");
	assert_non_null(rt);
	assert_ptr_equal(rt->handler, api_open311_service);
	assert_string_equal(r.params[0], "noise.json");
	arena_release(&r.arena);
	rt = route_of(&r, "POST", "/open311/v2/requests.json");
	assert_non_null(rt);
	assert_ptr_equal(rt->handler, api_open311_create);
	assert_int_equal(rt->perm, PERM_PUBLIC);
	assert_true(rt->flags & ROUTE_NO_CSRF);
	arena_release(&r.arena);
	rt = route_of(&r, "GET", "/open311/v2/requests/12.xml");
	assert_ptr_equal(rt->handler, api_open311_request);
	arena_release(&r.arena);
	rt = route_of(&r, "GET", "/open311/v2/tokens/12-abc.json");
	assert_ptr_equal(rt->handler, api_open311_token);
	arena_release(&r.arena);
	rt = route_of(&r, "GET", "/open311/v2/discovery.json");
	assert_ptr_equal(rt->handler, api_open311_discovery);
	arena_release(&r.arena);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(one_description_gives_exact_xml_and_json),
	    cmocka_unit_test(xml_drops_what_it_cannot_carry),
	    cmocka_unit_test(errors_are_a_list_of_code_and_description),
	    cmocka_unit_test(too_deep_fails_instead_of_writing_nonsense),
	    cmocka_unit_test(forms_decode_plus_and_escapes),
	    cmocka_unit_test(malformed_forms_are_refused),
	    cmocka_unit_test(open311_paths_reach_their_handlers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
