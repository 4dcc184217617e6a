/*
 * test_json.c: the streaming JSON writer and the jf_* field readers (src/lib/json.c). The writer's
 * output is compared byte for byte; the readers must put each error under the right field's name.
 */
#include "unit.h"

#include "lib/json.h"

static void writer_nests_objects_and_arrays_exactly(void **state)
{
	(void)state;
	struct buf b;
	struct jw w;
	buf_init(&b, 4096);
	jw_init(&w, &b);
	jw_obj(&w);
	jw_key(&w, "data");
	jw_obj(&w);
	jw_kint(&w, "id", 3);
	jw_kstr(&w, "name", "Khối phố 1");
	jw_knull(&w, "parent_id");
	jw_kbool(&w, "active", true);
	jw_key(&w, "tags");
	jw_arr(&w);
	jw_str(&w, "a");
	jw_int(&w, -7);
	jw_arr(&w);
	jw_end(&w);
	jw_obj(&w);
	jw_end(&w);
	jw_bool(&w, false);
	jw_null(&w);
	jw_end(&w);
	jw_key(&w, "raw");
	jw_raw(&w, "{\"x\":1}");
	jw_end(&w);
	jw_kstr(&w, "next_cursor", NULL);
	jw_end(&w);
	assert_int_equal(b.err, BUF_OK);
	assert_string_equal(buf_str(&b),
			    "{\"data\":{\"id\":3,\"name\":\"Khối phố 1\",\"parent_id\":null,"
			    "\"active\":true,\"tags\":[\"a\",-7,[],{},false,null],\"raw\":{\"x\":1}},"
			    "\"next_cursor\":null}");
	json_error_t je;
	json_t *j = json_loads(buf_str(&b), 0, &je);
	assert_non_null(j); /* and it is valid JSON */
	json_decref(j);
	buf_release(&b);
}

static void writer_writes_times_with_the_vietnam_offset(void **state)
{
	(void)state;
	struct buf b;
	struct jw w;
	buf_init(&b, 256);
	jw_init(&w, &b);
	jw_obj(&w);
	jw_ktime(&w, "at", 1795946400); /* 2026-11-29T10:00:00Z */
	jw_end(&w);
	assert_string_equal(buf_str(&b), "{\"at\":\"2026-11-29T17:00:00+07:00\"}");
	buf_release(&b);
}

static void strings_are_escaped(void **state)
{
	(void)state;
	struct buf b;
	buf_init(&b, 1024);
	json_escape(&b, "say \"hi\"\\", 9);
	assert_string_equal(buf_str(&b), "\"say \\\"hi\\\"\\\\\"");
	buf_reset(&b);
	json_escape(&b,
		    "a\nb\rc\td\x01"
		    "e\x1f",
		    10);
	assert_string_equal(buf_str(&b), "\"a\\nb\\rc\\td\\u0001e\\u001f\"");
	buf_reset(&b);
	const char *script = "</script><script>alert(1)</script>";
	json_escape(&b, script, strlen(script));
	assert_null(strstr(buf_str(&b), "</script>"));
	assert_null(strchr(buf_str(&b), '<'));
	/* escaping must not change what the string means */
	json_error_t je;
	json_t *j = json_loads(buf_str(&b), JSON_DECODE_ANY, &je);
	assert_non_null(j);
	assert_string_equal(json_string_value(j), script);
	json_decref(j);
	buf_reset(&b);
	json_escape(&b, "nul\0inside", 10); /* a counted string keeps its NUL, escaped */
	assert_string_equal(buf_str(&b), "\"nul\\u0000inside\"");
	buf_reset(&b);
	json_escape(&b, "Đạt", strlen("Đạt")); /* UTF-8 passes through */
	assert_string_equal(buf_str(&b), "\"Đạt\"");
	buf_release(&b);
}

/* The rule json_escape follows, written out plainly: every byte, in a buffer with room to spare and in
 * one that must grow on the way (the writer takes two paths), escapes the same. */
static void expected_escape(unsigned char c, char *out)
{
	if (c == '"' || c == '\\')
		snprintf(out, 8, "\\%c", c);
	else if (c == '\n')
		snprintf(out, 8, "\\n");
	else if (c == '\r')
		snprintf(out, 8, "\\r");
	else if (c == '\t')
		snprintf(out, 8, "\\t");
	else if (c < 0x20 || c == 0x7f || c == '<' || c == '>')
		snprintf(out, 8, "\\u%04x", c);
	else
		snprintf(out, 8, "%c", c);
}

static void every_byte_escapes_the_same_on_both_paths(void **state)
{
	(void)state;
	char in[3 * 256], want[8 * 3 * 256 + 3];
	size_t n = 0, wn = 0;
	want[wn++] = '"';
	for (int i = 0; i < 3 * 256; i++) {
		unsigned char c = (unsigned char)(i % 256);
		in[n++] = (char)c;
		char e[8];
		expected_escape(c, e);
		memcpy(want + wn, e, strlen(e));
		wn += strlen(e);
	}
	want[wn++] = '"';
	want[wn] = '\0';
	for (int pass = 0; pass < 2; pass++) {
		struct buf b;
		buf_init(&b, 1 << 20);
		if (pass == 0) { /* plenty of room already */
			buf_add(&b, "x", 1);
			char big[8192] = {0};
			buf_add(&b, big, sizeof big);
			buf_reset(&b);
		}
		for (size_t k = 0; k < n; k++) { /* one byte at a time, then the lot */
			char e[8];
			buf_reset(&b);
			json_escape(&b, in + k, 1);
			expected_escape((unsigned char)in[k], e);
			assert_int_equal(b.len, strlen(e) + 2);
			assert_memory_equal(b.data + 1, e, strlen(e));
		}
		buf_reset(&b);
		json_escape(&b, in, n);
		assert_int_equal(b.err, BUF_OK);
		assert_int_equal(b.len, wn);
		assert_memory_equal(b.data, want, wn);
		assert_int_equal(b.data[b.len], '\0');
		buf_release(&b);
	}
}

static void integers_at_the_extremes(void **state)
{
	(void)state;
	struct buf b;
	struct jw w;
	buf_init(&b, 1024);
	jw_init(&w, &b);
	jw_arr(&w);
	jw_int(&w, 0);
	jw_int(&w, 9);
	jw_int(&w, 10);
	jw_int(&w, -1);
	jw_int(&w, INT64_MAX);
	jw_int(&w, INT64_MIN);
	jw_int(&w, 9007199254740993);
	jw_end(&w);
	assert_string_equal(buf_str(&b),
			    "[0,9,10,-1,9223372036854775807,-9223372036854775808,9007199254740993]");
	buf_release(&b);
}

static void keys_that_need_escaping_are_escaped(void **state)
{
	(void)state;
	struct buf b;
	struct jw w;
	buf_init(&b, 1024);
	jw_init(&w, &b);
	jw_obj(&w);
	jw_kint(&w, "a\"<b>", 1);
	jw_ktime(&w, "t", -1);
	jw_end(&w);
	assert_string_equal(buf_str(&b), "{\"a\\\"\\u003cb\\u003e\":1,\"t\":\"1970-01-01T06:59:59+07:00\"}");
	buf_release(&b);
}

static void writer_stops_at_the_buffer_maximum(void **state)
{
	(void)state;
	struct buf b;
	struct jw w;
	buf_init(&b, 32);
	jw_init(&w, &b);
	jw_obj(&w);
	jw_kstr(&w, "note", "a note far too long for a thirty-two byte response");
	jw_end(&w);
	assert_int_equal(b.err, BUF_E_TOOBIG);
	assert_true(b.len <= 32);
	buf_release(&b);
}

static json_t *parse(const char *text)
{
	char err[200];
	json_t *j = json_parse_body(text, strlen(text), err, sizeof err);
	assert_non_null(j);
	return j;
}

static const char *msg_of(const struct field_errs *fe, const char *field)
{
	for (int i = 0; i < fe->n; i++)
		if (strcmp(fe->field[i], field) == 0)
			return fe->msg[i];
	return NULL;
}

static void parse_body_explains_what_is_wrong(void **state)
{
	(void)state;
	char err[200];
	assert_null(json_parse_body("", 0, err, sizeof err));
	assert_non_null(strstr(err, "empty"));
	assert_null(json_parse_body("{\"a\":", 5, err, sizeof err));
	assert_non_null(strstr(err, "line 1"));
	assert_null(json_parse_body("[1,2]", 5, err, sizeof err));
	assert_string_equal(err, "request body must be a JSON object");
	assert_null(json_parse_body("{\"a\":1,\"a\":2}", 13, err, sizeof err)); /* duplicate keys */
}

static void readers_put_errors_under_the_right_field(void **state)
{
	(void)state;
	static const char *const kinds[] = {"province", "commune", "block", "group", NULL};
	json_t *o = parse("{\"name\":\"\",\"code\":123,\"kind\":\"city\",\"parent_id\":0,"
			  "\"active\":\"yes\",\"note\":\"12345678901\"}");
	struct field_errs fe = {0};
	const char *s = NULL;
	int64_t i = 0;
	int k = -1;
	bool flag = false;
	assert_int_equal(jf_str(o, "name", JF_REQUIRED, 100, &s, &fe), -1);
	assert_int_equal(jf_str(o, "code", JF_REQUIRED, 20, &s, &fe), -1);
	assert_int_equal(jf_enum(o, "kind", JF_REQUIRED, kinds, &k, &fe), -1);
	assert_int_equal(jf_int(o, "parent_id", JF_OPTIONAL, 1, INT64_MAX, &i, &fe), -1);
	assert_int_equal(jf_bool(o, "active", JF_OPTIONAL, &flag, &fe), -1);
	assert_int_equal(jf_str(o, "note", JF_OPTIONAL, 10, &s, &fe), -1);
	assert_int_equal(jf_str(o, "username", JF_REQUIRED, 10, &s, &fe), -1);
	assert_int_equal(fe.n, 7);
	assert_string_equal(msg_of(&fe, "name"), "must not be empty");
	assert_string_equal(msg_of(&fe, "code"), "must be a string");
	assert_string_equal(msg_of(&fe, "kind"), "is not one of the allowed values");
	assert_string_equal(msg_of(&fe, "parent_id"), "is out of range");
	assert_string_equal(msg_of(&fe, "active"), "must be true or false");
	assert_string_equal(msg_of(&fe, "note"), "is too long");
	assert_string_equal(msg_of(&fe, "username"), "is required");
	json_decref(o);
}

static void readers_accept_good_values_and_absent_optionals(void **state)
{
	(void)state;
	static const char *const kinds[] = {"province", "commune", "block", "group", NULL};
	json_t *o = parse("{\"name\":\"Tổ dân phố 5\",\"kind\":\"block\",\"parent_id\":12,\"active\":false,"
			  "\"note\":null}");
	struct field_errs fe = {0};
	const char *s = NULL, *note = "unchanged";
	int64_t i = 0, missing = 77;
	int k = -1;
	bool flag = true;
	assert_int_equal(jf_str(o, "name", JF_REQUIRED, 100, &s, &fe), 1);
	assert_string_equal(s, "Tổ dân phố 5");
	assert_int_equal(jf_enum(o, "kind", JF_REQUIRED, kinds, &k, &fe), 1);
	assert_int_equal(k, 2);
	assert_int_equal(jf_int(o, "parent_id", JF_REQUIRED, 1, 100, &i, &fe), 1);
	assert_int_equal(i, 12);
	assert_int_equal(jf_bool(o, "active", JF_REQUIRED, &flag, &fe), 1);
	assert_false(flag);
	assert_int_equal(jf_str(o, "note", JF_OPTIONAL, 10, &note, &fe), 0); /* null is absent */
	assert_string_equal(note, "unchanged");
	assert_int_equal(jf_int(o, "limit", JF_OPTIONAL, 1, 200, &missing, &fe), 0);
	assert_int_equal(missing, 77);
	assert_int_equal(fe.n, 0);
	json_decref(o);
}

static void integer_range_is_inclusive_and_typed(void **state)
{
	(void)state;
	json_t *o = parse("{\"a\":1,\"b\":200,\"c\":201,\"d\":1.5,\"e\":\"5\"}");
	struct field_errs fe = {0};
	int64_t v;
	assert_int_equal(jf_int(o, "a", JF_REQUIRED, 1, 200, &v, &fe), 1);
	assert_int_equal(jf_int(o, "b", JF_REQUIRED, 1, 200, &v, &fe), 1);
	assert_int_equal(jf_int(o, "c", JF_REQUIRED, 1, 200, &v, &fe), -1);
	assert_int_equal(jf_int(o, "d", JF_REQUIRED, 1, 200, &v, &fe), -1);
	assert_int_equal(jf_int(o, "e", JF_REQUIRED, 1, 200, &v, &fe), -1);
	assert_int_equal(fe.n, 3);
	assert_string_equal(msg_of(&fe, "c"), "is out of range");
	assert_string_equal(msg_of(&fe, "d"), "must be an integer");
	assert_string_equal(msg_of(&fe, "e"), "must be an integer");
	json_decref(o);
}

static void strings_with_nul_are_refused(void **state)
{
	(void)state;
	char err[200];
	const char *body = "{\"name\":\"a\\u0000b\"}";
	assert_null(json_parse_body(body, strlen(body), err, sizeof err)); /* refused at parse: 400 */
	/* and a reader given such a string by other means still refuses it */
	json_t *o = json_object();
	json_object_set_new(o, "name", json_stringn("a\0b", 3));
	struct field_errs fe = {0};
	const char *s = NULL;
	assert_int_equal(jf_str(o, "name", JF_REQUIRED, 100, &s, &fe), -1);
	assert_string_equal(msg_of(&fe, "name"), "must not contain NUL characters");
	json_decref(o);
}

static void unknown_fields_are_reported(void **state)
{
	(void)state;
	static const char *const known[] = {"name", "code", NULL};
	json_t *o = parse("{\"name\":\"x\",\"colour\":\"red\"}");
	struct field_errs fe = {0};
	jf_no_unknown(o, known, &fe);
	assert_int_equal(fe.n, 1);
	json_decref(o);
	o = parse("{\"name\":\"x\",\"code\":\"y\"}");
	struct field_errs ok = {0};
	jf_no_unknown(o, known, &ok);
	assert_int_equal(ok.n, 0);
	json_decref(o);
}

static void first_error_per_field_wins(void **state)
{
	(void)state;
	struct field_errs fe = {0};
	field_err(&fe, "name", "is required");
	field_err(&fe, "name", "is too long");
	assert_int_equal(fe.n, 1);
	assert_string_equal(fe.msg[0], "is required");
	char names[FIELD_ERRS_MAX + 4][8];
	for (int i = 0; i < FIELD_ERRS_MAX + 4; i++) {
		snprintf(names[i], sizeof names[i], "f%d", i);
		field_err(&fe, names[i], "bad");
	}
	assert_int_equal(fe.n, FIELD_ERRS_MAX); /* bounded */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(writer_nests_objects_and_arrays_exactly),
	    cmocka_unit_test(writer_writes_times_with_the_vietnam_offset),
	    cmocka_unit_test(strings_are_escaped),
	    cmocka_unit_test(every_byte_escapes_the_same_on_both_paths),
	    cmocka_unit_test(integers_at_the_extremes),
	    cmocka_unit_test(keys_that_need_escaping_are_escaped),
	    cmocka_unit_test(writer_stops_at_the_buffer_maximum),
	    cmocka_unit_test(parse_body_explains_what_is_wrong),
	    cmocka_unit_test(readers_put_errors_under_the_right_field),
	    cmocka_unit_test(readers_accept_good_values_and_absent_optionals),
	    cmocka_unit_test(integer_range_is_inclusive_and_typed),
	    cmocka_unit_test(strings_with_nul_are_refused),
	    cmocka_unit_test(unknown_fields_are_reported),
	    cmocka_unit_test(first_error_per_field_wins),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
