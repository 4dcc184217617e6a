/*
 * open311.h: the wire formats of Open311 GeoReport v2 — the form-encoded body of a POST in, and one
 * writer for the two answer formats out. Handlers describe a response once
 * (lists, objects, named fields) and get either XML (the spec's schemaless elements, every text
 * escaped, characters XML 1.0 cannot carry dropped) or JSON (the Spark convention's mapping: the root
 * list is an array, its items objects). Output goes into a bounded struct buf; an overflow sticks in
 * the buf's err and the handler fails the response.
 */
#ifndef TIENGMO_EXPORT_OPEN311_H
#define TIENGMO_EXPORT_OPEN311_H
#include <stdbool.h>
#include <stdint.h>

#include "lib/arena.h"
#include "lib/buf.h"
#include "lib/json.h"

#define O311_DEPTH 8

struct o311w {
	struct buf *b;
	bool xml;
	struct jw jw;
	int depth;
	const char *names[O311_DEPTH];
	bool is_arr[O311_DEPTH];
};

/* Starts a document into b (emptied first); XML gets its declaration. */
void o311_init(struct o311w *w, struct buf *b, bool xml);
/* Opens an object (XML element `name`); in a JSON object it is the key `name`, at the root or in an
 * array it has no key. */
void o311_obj(struct o311w *w, const char *name);
/* Opens a list (XML element `name` whose children carry their own names; JSON array). */
void o311_arr(struct o311w *w, const char *name);
/* Closes the innermost object or list. */
void o311_end(struct o311w *w);
/* Fields: name is the XML element and the JSON key (no key inside a JSON array). NULL text: an empty
 * XML element and JSON null. Times: RFC 3339 with +07:00. */
void o311_str(struct o311w *w, const char *name, const char *s);
void o311_int(struct o311w *w, const char *name, int64_t v);
void o311_num(struct o311w *w, const char *name, double v);
void o311_bool(struct o311w *w, const char *name, bool v);
void o311_time(struct o311w *w, const char *name, int64_t t);
/* A whole error document: [{"code", "description"}] or <errors><error>…</error></errors>. */
void o311_error(struct o311w *w, int code, const char *description);

/* Appends s to b escaped for XML text and attribute values: & < > " ' as entities, control characters
 * other than tab, newline and carriage return left out. */
void o311_xml_escape(struct buf *b, const char *s);

#define O311_FORM_FIELDS_MAX 32

/* An application/x-www-form-urlencoded body: names and values decoded, in order, arena copies. */
struct o311_form {
	int n;
	const char *name[O311_FORM_FIELDS_MAX];
	const char *value[O311_FORM_FIELDS_MAX];
};
/* Parses data[0..len) ('+' is a space, %XX a byte; a field without '=' has the value ""; empty fields
 * between '&'s are skipped). Returns 0, or -1 when a %-escape is bad, a byte decodes to NUL, a name or
 * value has a raw NUL, or there are more than O311_FORM_FIELDS_MAX fields (or the arena is spent).
 * Never reads past len. Decoded text is not checked for UTF-8 here. */
int o311_form_parse(struct arena *a, const char *data, size_t len, struct o311_form *f);
/* The first value of `name`, or NULL when absent or empty. */
const char *o311_form_get(const struct o311_form *f, const char *name);

#endif
