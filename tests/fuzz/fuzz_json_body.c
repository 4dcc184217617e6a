/*
 * fuzz_json_body.c: libFuzzer driver for the JSON input path every handler takes (src/lib/json.h).
 *
 * Each input is a request body. It goes through json_parse_body; when that yields an object, every
 * key is read with each jf_* reader (several bounds and flags), unknown keys are collected, and the
 * jw_* writer echoes the whole tree plus the collected field errors into a bounded buffer, the way a
 * handler and errors.c would. The echo is then parsed again and must equal what was read: the writer
 * must produce valid JSON that means the same thing. Any crash, sanitizer report, leak or abort() here
 * is a bug. Not for the HTTP layer (fuzz_query.c) or the database.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define ECHO_MAX (256u << 10)

static void fail(const char *what)
{
	fprintf(stderr, "fuzz_json_body: %s\n", what);
	abort();
}

/* Writes v with the jw_* writer, as a handler would write what it read. */
static void echo(struct jw *w, json_t *v)
{
	const char *k;
	json_t *e;
	size_t i;
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		jw_obj(w);
		json_object_foreach(v, k, e)
		{
			jw_key(w, k);
			echo(w, e);
		}
		jw_end(w);
		break;
	case JSON_ARRAY:
		jw_arr(w);
		json_array_foreach(v, i, e) echo(w, e);
		jw_end(w);
		break;
	case JSON_STRING:
		jw_strn(w, json_string_value(v), json_string_length(v));
		break;
	case JSON_INTEGER:
		jw_int(w, json_integer_value(v));
		break;
	case JSON_REAL:
		jw_double(w, json_real_value(v));
		break;
	case JSON_TRUE:
	case JSON_FALSE:
		jw_bool(w, json_is_true(v));
		break;
	case JSON_NULL:
		jw_null(w);
		break;
	}
}

/* Same meaning: numbers compare by value (1.0 is echoed as 1), everything else exactly. */
static int same(json_t *a, json_t *b)
{
	if (json_is_number(a) && json_is_number(b)) {
		if (json_is_integer(a) && json_is_integer(b))
			return json_integer_value(a) == json_integer_value(b);
		return json_number_value(a) == json_number_value(b);
	}
	if (json_typeof(a) != json_typeof(b))
		return 0;
	switch (json_typeof(a)) {
	case JSON_OBJECT: {
		const char *k;
		json_t *e;
		if (json_object_size(a) != json_object_size(b))
			return 0;
		json_object_foreach(a, k, e)
		{
			json_t *f = json_object_get(b, k);
			if (!f || !same(e, f))
				return 0;
		}
		return 1;
	}
	case JSON_ARRAY:
		if (json_array_size(a) != json_array_size(b))
			return 0;
		for (size_t i = 0; i < json_array_size(a); i++)
			if (!same(json_array_get(a, i), json_array_get(b, i)))
				return 0;
		return 1;
	case JSON_STRING:
		return json_string_length(a) == json_string_length(b) &&
		       memcmp(json_string_value(a), json_string_value(b), json_string_length(a)) == 0;
	default:
		return 1;
	}
}

static int has_err(const struct field_errs *fe, const char *key)
{
	if (fe->n == FIELD_ERRS_MAX)
		return 1; /* full: later errors are dropped by design */
	for (int i = 0; i < fe->n; i++)
		if (strcmp(fe->field[i], key) == 0)
			return 1;
	return 0;
}

/* Every reader over one key, checking what each promises in json.h. */
static void read_key(json_t *o, const char *key, struct field_errs *fe, struct jw *w)
{
	static const char *const kinds[] = {"province", "commune", "block", "group", NULL};
	static const size_t maxlens[] = {0, 1, 8, 200, 4096};
	for (int req = 0; req < 2; req++) {
		int flags = req ? JF_REQUIRED : JF_OPTIONAL;
		for (size_t m = 0; m < sizeof maxlens / sizeof maxlens[0]; m++) {
			const char *s = NULL;
			int rc = jf_str(o, key, flags, maxlens[m], &s, fe);
			if (rc == 1) {
				if (!s || strlen(s) > maxlens[m] || (req && !*s))
					fail("jf_str accepted a value outside its bounds");
				jw_kstr(w, "str", s);
			} else if (rc == -1 && !has_err(fe, key)) {
				fail("jf_str failed without recording the field");
			}
		}
		int64_t i = 0;
		int rc = jf_int(o, key, flags, -5, 1000, &i, fe);
		if (rc == 1) {
			if (i < -5 || i > 1000)
				fail("jf_int accepted a value out of range");
			jw_kint(w, "int", i);
			jw_ktime(w, "time", i);
		} else if (rc == -1 && !has_err(fe, key)) {
			fail("jf_int failed without recording the field");
		}
		rc = jf_int(o, key, flags, INT64_MIN, INT64_MAX, &i, fe);
		if (rc == 1)
			jw_kint(w, "int", i);
		bool b = false;
		rc = jf_bool(o, key, flags, &b, fe);
		if (rc == 1)
			jw_kbool(w, "bool", b);
		int idx = -1;
		rc = jf_enum(o, key, flags, kinds, &idx, fe);
		if (rc == 1) {
			if (idx < 0 || idx > 3)
				fail("jf_enum returned an index outside the list");
			jw_kstr(w, "enum", kinds[idx]);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[200];
	err[0] = '\0';
	json_t *o = json_parse_body((const char *)data, size, err, sizeof err);
	if (!o) {
		if (!err[0] || !memchr(err, '\0', sizeof err))
			fail("json_parse_body failed without a message");
		return 0;
	}
	if (!json_is_object(o))
		fail("json_parse_body returned something other than an object");

	struct buf out;
	buf_init(&out, ECHO_MAX);
	struct jw w;
	jw_init(&w, &out);
	struct field_errs fe = {0};

	/* 1. the echo: exactly the body, written back */
	echo(&w, o);
	if (!out.err) {
		json_error_t je;
		json_t *back = json_loadb(buf_str(&out), out.len, 0, &je);
		if (!back) {
			fprintf(stderr, "echo: %s\nerror: %s\n", buf_str(&out), je.text);
			fail("the writer produced JSON that does not parse");
		}
		if (!same(o, back))
			fail("the writer's echo does not equal the body");
		json_decref(back);
	}

	/* 2. every reader over every key (and one that is never there), then the errors as errors.c
	 * writes them */
	static const char *const known[] = {"name", "code", "kind", "parent_id", NULL};
	buf_reset(&out);
	jw_init(&w, &out);
	jw_obj(&w);
	jw_key(&w, "read");
	jw_arr(&w);
	const char *k;
	json_t *v;
	json_object_foreach(o, k, v)
	{
		jw_obj(&w);
		jw_kstr(&w, "key", k);
		read_key(o, k, &fe, &w);
		jw_end(&w);
		(void)v;
	}
	jw_obj(&w);
	read_key(o, "\x01never-there", &fe, &w);
	jw_end(&w);
	jw_end(&w);
	jf_no_unknown(o, known, &fe);
	jw_key(&w, "fields");
	jw_obj(&w);
	for (int i = 0; i < fe.n; i++)
		jw_kstr(&w, fe.field[i], fe.msg[i]);
	jw_end(&w);
	jw_end(&w);
	if (!out.err) {
		json_error_t je;
		json_t *back = json_loadb(buf_str(&out), out.len, 0, &je);
		if (!back) {
			fprintf(stderr, "output: %s\nerror: %s\n", buf_str(&out), je.text);
			fail("the writer produced JSON that does not parse");
		}
		json_decref(back);
	}

	buf_release(&out);
	json_decref(o);
	return 0;
}
