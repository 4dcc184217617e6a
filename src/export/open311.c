/*
 * open311.c: the form parser and the XML/JSON writer of open311.h. XML is written element by element through
 * o311_xml_escape, so no text from the database or the client reaches the output unescaped; JSON goes
 * through the jw_* writer of lib/json.h.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "export/open311.h"
#include "lib/timeutil.h"

void o311_xml_escape(struct buf *b, const char *s)
{
	const char *run = s;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		const char *rep = NULL;
		switch (c) {
		case '&':
			rep = "&amp;";
			break;
		case '<':
			rep = "&lt;";
			break;
		case '>':
			rep = "&gt;";
			break;
		case '"':
			rep = "&quot;";
			break;
		case '\'':
			rep = "&apos;";
			break;
		default:
			if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
				rep = "";
		}
		if (rep) {
			buf_add(b, run, (size_t)(s - run));
			buf_adds(b, rep);
			run = s + 1;
		}
	}
	buf_add(b, run, (size_t)(s - run));
}

void o311_init(struct o311w *w, struct buf *b, bool xml)
{
	memset(w, 0, sizeof *w);
	w->b = b;
	w->xml = xml;
	buf_reset(b);
	if (xml)
		buf_adds(b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
	else
		jw_init(&w->jw, b);
}

/* In JSON: writes the key when the parent is an object (not at the root, not in an array). */
static void json_key(struct o311w *w, const char *name)
{
	if (w->depth > 0 && !w->is_arr[w->depth - 1])
		jw_key(&w->jw, name);
}

static void push(struct o311w *w, const char *name, bool arr)
{
	if (w->depth >= O311_DEPTH) {
		w->b->err = BUF_E_TOOBIG; /* a handler bug: fail the response rather than write nonsense */
		return;
	}
	if (w->xml) {
		buf_addc(w->b, '<');
		buf_adds(w->b, name);
		buf_addc(w->b, '>');
	} else {
		json_key(w, name);
		if (arr)
			jw_arr(&w->jw);
		else
			jw_obj(&w->jw);
	}
	w->names[w->depth] = name;
	w->is_arr[w->depth] = arr;
	w->depth++;
}

void o311_obj(struct o311w *w, const char *name)
{
	push(w, name, false);
}

void o311_arr(struct o311w *w, const char *name)
{
	push(w, name, true);
}

void o311_end(struct o311w *w)
{
	if (w->depth == 0)
		return;
	w->depth--;
	if (w->xml) {
		buf_adds(w->b, "</");
		buf_adds(w->b, w->names[w->depth]);
		buf_addc(w->b, '>');
		if (w->depth == 0)
			buf_addc(w->b, '\n');
	} else {
		jw_end(&w->jw);
	}
}

/* An XML element holding already-safe text (numbers, booleans, times) or escaped text. */
static void xml_field(struct o311w *w, const char *name, const char *text, bool escape)
{
	if (!text) {
		buf_printf(w->b, "<%s/>", name);
		return;
	}
	buf_printf(w->b, "<%s>", name);
	if (escape)
		o311_xml_escape(w->b, text);
	else
		buf_adds(w->b, text);
	buf_printf(w->b, "</%s>", name);
}

void o311_str(struct o311w *w, const char *name, const char *s)
{
	if (w->xml) {
		xml_field(w, name, s, true);
		return;
	}
	json_key(w, name);
	jw_str(&w->jw, s);
}

void o311_int(struct o311w *w, const char *name, int64_t v)
{
	if (w->xml) {
		char t[24];
		snprintf(t, sizeof t, "%" PRId64, v);
		xml_field(w, name, t, false);
		return;
	}
	json_key(w, name);
	jw_int(&w->jw, v);
}

void o311_num(struct o311w *w, const char *name, double v)
{
	if (w->xml) {
		char t[40];
		snprintf(t, sizeof t, "%.17g", v);
		xml_field(w, name, t, false);
		return;
	}
	json_key(w, name);
	jw_double(&w->jw, v);
}

void o311_bool(struct o311w *w, const char *name, bool v)
{
	if (w->xml) {
		xml_field(w, name, v ? "true" : "false", false);
		return;
	}
	json_key(w, name);
	jw_bool(&w->jw, v);
}

void o311_time(struct o311w *w, const char *name, int64_t t)
{
	if (w->xml) {
		char s[40];
		xml_field(w, name, time_format_rfc3339(t, s, sizeof s), false);
		return;
	}
	json_key(w, name);
	jw_time(&w->jw, t);
}

void o311_error(struct o311w *w, int code, const char *description)
{
	o311_arr(w, "errors");
	o311_obj(w, "error");
	o311_int(w, "code", code);
	o311_str(w, "description", description);
	o311_end(w);
	o311_end(w);
}

/* ---- the form body of POST requests ---- */

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes one component into the arena; NULL when malformed or out of memory. */
static char *form_decode(struct arena *a, const char *s, size_t len)
{
	char *out = arena_alloc(a, len + 1);
	size_t o = 0;
	if (!out)
		return NULL;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (c == '+') {
			c = ' ';
		} else if (c == '%') {
			if (i + 2 >= len)
				return NULL;
			int hi = hexval(s[i + 1]), lo = hexval(s[i + 2]);
			if (hi < 0 || lo < 0)
				return NULL;
			c = (char)(hi * 16 + lo);
			i += 2;
		}
		if (c == '\0')
			return NULL;
		out[o++] = c;
	}
	out[o] = '\0';
	return out;
}

int o311_form_parse(struct arena *a, const char *data, size_t len, struct o311_form *f)
{
	const char *p = data, *end = data + len;
	f->n = 0;
	while (p < end) {
		const char *amp = memchr(p, '&', (size_t)(end - p));
		const char *stop = amp ? amp : end;
		const char *eq = memchr(p, '=', (size_t)(stop - p));
		if (stop > p) {
			if (f->n == O311_FORM_FIELDS_MAX)
				return -1;
			const char *k = form_decode(a, p, (size_t)((eq ? eq : stop) - p));
			const char *v = eq ? form_decode(a, eq + 1, (size_t)(stop - eq - 1)) : "";
			if (!k || !v)
				return -1;
			f->name[f->n] = k;
			f->value[f->n] = v;
			f->n++;
		}
		p = stop + (amp ? 1 : 0);
	}
	return 0;
}

const char *o311_form_get(const struct o311_form *f, const char *name)
{
	for (int i = 0; i < f->n; i++)
		if (strcmp(f->name[i], name) == 0)
			return *f->value[i] ? f->value[i] : NULL;
	return NULL;
}
