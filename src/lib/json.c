/*
 * json.c: the streaming JSON writer and the field readers of json.h.
 */
#include "lib/json.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "lib/timeutil.h"

void jw_init(struct jw *w, struct buf *b)
{
	w->b = b;
	w->depth = 0;
	w->first[0] = true;
	w->after_key = false;
}

static void sep(struct jw *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (!w->first[w->depth])
		buf_addc(w->b, ',');
	w->first[w->depth] = false;
}

static void open_(struct jw *w, char c)
{
	sep(w);
	buf_addc(w->b, c);
	if (w->depth + 1 >= JW_DEPTH) {
		w->b->err = BUF_E_TOOBIG;
		return;
	}
	w->depth++;
	w->first[w->depth] = true;
	w->close[w->depth] = c == '{' ? '}' : ']';
}

void jw_obj(struct jw *w)
{
	open_(w, '{');
}

void jw_arr(struct jw *w)
{
	open_(w, '[');
}

void jw_end(struct jw *w)
{
	if (w->depth == 0)
		return;
	buf_addc(w->b, w->close[w->depth]);
	w->depth--;
}

/* What json_escape does with each byte: 0 copies it; 'u' writes \u00XX; any other value is the letter
 * after a backslash ("\n"). Control characters, DEL, the quote and backslash, and '<' '>' (to keep
 * "</script>" harmless wherever JSON lands) are escaped; every other byte, UTF-8 included, is copied. */
/* clang-format off */
static const unsigned char esc_class[256] = {
	['\0'] = 'u', [0x01] = 'u', [0x02] = 'u', [0x03] = 'u', [0x04] = 'u', [0x05] = 'u', [0x06] = 'u',
	[0x07] = 'u', [0x08] = 'u', ['\t'] = 't', ['\n'] = 'n', [0x0b] = 'u', [0x0c] = 'u', ['\r'] = 'r',
	[0x0e] = 'u', [0x0f] = 'u', [0x10] = 'u', [0x11] = 'u', [0x12] = 'u', [0x13] = 'u', [0x14] = 'u',
	[0x15] = 'u', [0x16] = 'u', [0x17] = 'u', [0x18] = 'u', [0x19] = 'u', [0x1a] = 'u', [0x1b] = 'u',
	[0x1c] = 'u', [0x1d] = 'u', [0x1e] = 'u', [0x1f] = 'u', ['"'] = '"', ['\\'] = '\\', ['<'] = 'u',
	['>'] = 'u', [0x7f] = 'u',
};
/* clang-format on */

/* Writes the escape of byte c (whose class is cls) at p; returns the bytes written (2 or 6). */
static size_t put_escape(char *p, unsigned char c, unsigned char cls)
{
	static const char hex[] = "0123456789abcdef";
	p[0] = '\\';
	if (cls != 'u') {
		p[1] = (char)cls;
		return 2;
	}
	p[1] = 'u';
	p[2] = '0';
	p[3] = '0';
	p[4] = hex[c >> 4];
	p[5] = hex[c & 15];
	return 6;
}

/* json_escape, then the character `tail` when it is not NUL (the colon after a key). When the worst
 * case (every byte six long) fits in the memory the buffer already has, the string is written in
 * place in one pass; otherwise run by run through buf_add, which grows the buffer or fails. */
static void escape(struct buf *b, const char *s, size_t n, char tail)
{
	if (n < (SIZE_MAX - 8) / 6 && b->cap - b->len > 6 * n + 3) {
		char *p = b->data + b->len;
		*p++ = '"';
		size_t i = 0;
		while (i < n) {
			size_t start = i; /* a run of bytes that need no escaping, copied at once */
			while (i < n && !esc_class[(unsigned char)s[i]])
				i++;
			memcpy(p, s + start, i - start);
			p += i - start;
			if (i < n) {
				unsigned char c = (unsigned char)s[i++];
				p += put_escape(p, c, esc_class[c]);
			}
		}
		*p++ = '"';
		if (tail)
			*p++ = tail;
		*p = '\0';
		b->len = (size_t)(p - b->data);
		return;
	}
	buf_addc(b, '"');
	size_t start = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		unsigned char cls = esc_class[c];
		if (cls) {
			char rep[6];
			buf_add(b, s + start, i - start);
			buf_add(b, rep, put_escape(rep, c, cls));
			start = i + 1;
		}
	}
	buf_add(b, s + start, n - start);
	buf_addc(b, '"');
	if (tail)
		buf_addc(b, tail);
}

void json_escape(struct buf *b, const char *s, size_t n)
{
	escape(b, s, n, '\0');
}

void jw_key(struct jw *w, const char *k)
{
	sep(w);
	escape(w->b, k, strlen(k), ':');
	w->after_key = true;
}

void jw_strn(struct jw *w, const char *s, size_t n)
{
	sep(w);
	json_escape(w->b, s, n);
}

void jw_str(struct jw *w, const char *s)
{
	if (!s) {
		jw_null(w);
		return;
	}
	jw_strn(w, s, strlen(s));
}

void jw_int(struct jw *w, int64_t v)
{
	char d[24], *p = d + sizeof d;
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		*--p = '-';
	sep(w);
	buf_add(w->b, p, (size_t)(d + sizeof d - p));
}

void jw_double(struct jw *w, double v)
{
	sep(w);
	if (!isfinite(v))
		buf_adds(w->b, "null");
	else
		buf_printf(w->b, "%.17g", v);
}

void jw_bool(struct jw *w, bool v)
{
	sep(w);
	buf_adds(w->b, v ? "true" : "false");
}

void jw_null(struct jw *w)
{
	sep(w);
	buf_adds(w->b, "null");
}

void jw_raw(struct jw *w, const char *json)
{
	sep(w);
	buf_adds(w->b, json);
}

void jw_time(struct jw *w, int64_t t)
{
	char ts[48]; /* the quotes around the text, which needs no escaping: digits, '-', ':', 'T', '+' */
	time_format_rfc3339(t, ts + 1, sizeof ts - 2);
	size_t n = strlen(ts + 1);
	ts[0] = '"';
	ts[n + 1] = '"';
	sep(w);
	buf_add(w->b, ts, n + 2);
}

void jw_kstr(struct jw *w, const char *k, const char *s)
{
	jw_key(w, k);
	jw_str(w, s);
}

void jw_kint(struct jw *w, const char *k, int64_t v)
{
	jw_key(w, k);
	jw_int(w, v);
}

void jw_kbool(struct jw *w, const char *k, bool v)
{
	jw_key(w, k);
	jw_bool(w, v);
}

void jw_knull(struct jw *w, const char *k)
{
	jw_key(w, k);
	jw_null(w);
}

void jw_ktime(struct jw *w, const char *k, int64_t t)
{
	jw_key(w, k);
	jw_time(w, t);
}

void field_err(struct field_errs *fe, const char *field, const char *msg)
{
	for (int i = 0; i < fe->n; i++)
		if (strcmp(fe->field[i], field) == 0)
			return;
	if (fe->n < FIELD_ERRS_MAX) {
		fe->field[fe->n] = field;
		fe->msg[fe->n] = msg;
		fe->n++;
	}
}

json_t *json_parse_body(const char *data, size_t len, char *err, size_t errlen)
{
	json_error_t je;
	if (len == 0) {
		snprintf(err, errlen, "request body is empty; a JSON object is expected");
		return NULL;
	}
	json_t *j = json_loadb(data, len, JSON_REJECT_DUPLICATES, &je);
	if (!j) {
		snprintf(err, errlen, "malformed JSON at line %d, column %d: %s", je.line, je.column,
			 je.text);
		return NULL;
	}
	if (!json_is_object(j)) {
		json_decref(j);
		snprintf(err, errlen, "request body must be a JSON object");
		return NULL;
	}
	return j;
}

static int absent(json_t *v, const char *key, int flags, struct field_errs *fe)
{
	if (v && !json_is_null(v))
		return 1;
	if (flags & JF_REQUIRED) {
		field_err(fe, key, "is required");
		return -1;
	}
	return 0;
}

int jf_str(json_t *o, const char *key, int flags, size_t maxlen, const char **out, struct field_errs *fe)
{
	json_t *v = json_object_get(o, key);
	int rc = absent(v, key, flags, fe);
	if (rc <= 0)
		return rc;
	if (!json_is_string(v)) {
		field_err(fe, key, "must be a string");
		return -1;
	}
	size_t n = json_string_length(v);
	const char *s = json_string_value(v);
	if (strlen(s) != n) {
		field_err(fe, key, "must not contain NUL characters");
		return -1;
	}
	if (n == 0 && (flags & JF_REQUIRED)) {
		field_err(fe, key, "must not be empty");
		return -1;
	}
	if (n > maxlen) {
		field_err(fe, key, "is too long");
		return -1;
	}
	*out = s;
	return 1;
}

int jf_int(json_t *o, const char *key, int flags, int64_t min, int64_t max, int64_t *out,
	   struct field_errs *fe)
{
	json_t *v = json_object_get(o, key);
	int rc = absent(v, key, flags, fe);
	if (rc <= 0)
		return rc;
	if (!json_is_integer(v)) {
		field_err(fe, key, "must be an integer");
		return -1;
	}
	json_int_t i = json_integer_value(v);
	if (i < min || i > max) {
		field_err(fe, key, "is out of range");
		return -1;
	}
	*out = i;
	return 1;
}

int jf_bool(json_t *o, const char *key, int flags, bool *out, struct field_errs *fe)
{
	json_t *v = json_object_get(o, key);
	int rc = absent(v, key, flags, fe);
	if (rc <= 0)
		return rc;
	if (!json_is_boolean(v)) {
		field_err(fe, key, "must be true or false");
		return -1;
	}
	*out = json_is_true(v);
	return 1;
}

int jf_enum(json_t *o, const char *key, int flags, const char *const *allowed, int *out,
	    struct field_errs *fe)
{
	const char *s;
	int rc = jf_str(o, key, flags, 64, &s, fe);
	if (rc <= 0)
		return rc;
	for (int i = 0; allowed[i]; i++) {
		if (strcmp(allowed[i], s) == 0) {
			*out = i;
			return 1;
		}
	}
	field_err(fe, key, "is not one of the allowed values");
	return -1;
}

void jf_no_unknown(json_t *o, const char *const *known, struct field_errs *fe)
{
	const char *k;
	json_t *v;
	json_object_foreach(o, k, v)
	{
		int ok = 0;
		for (int i = 0; known[i]; i++)
			if (strcmp(known[i], k) == 0)
				ok = 1;
		if (!ok)
			field_err(fe, "_", "unknown field in request body");
		(void)v;
	}
}
