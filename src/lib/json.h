/*
 * json.h: JSON out and in.
 *
 * Out: a streaming writer straight into a bounded struct buf — no tree is built for a response.
 * Commas are placed for you; keys and strings are escaped. Errors (buffer too big) stick in the buf.
 *
 *     jw_obj(w); jw_key(w, "data"); jw_obj(w); jw_kint(w, "id", 3); jw_end(w); jw_end(w);
 *
 * In: bodies are parsed by jansson (json_parse_body); the jf_* helpers read one field each, check its
 * type and bounds, and record a message under the field's name in a `struct field_errs` instead of
 * failing at once, so a client learns every bad field in one answer (422 with "fields").
 */
#ifndef TIENGMO_JSON_H
#define TIENGMO_JSON_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "lib/arena.h"
#include "lib/buf.h"

#define JW_DEPTH 32

struct jw {
	struct buf *b;
	int depth;
	bool first[JW_DEPTH]; /* nothing written yet at this depth */
	char close[JW_DEPTH]; /* '}' or ']' for each open level */
	bool after_key;
};

void jw_init(struct jw *w, struct buf *b);
void jw_obj(struct jw *w);
void jw_arr(struct jw *w);
void jw_end(struct jw *w); /* closes the innermost object or array */
void jw_key(struct jw *w, const char *k);
void jw_str(struct jw *w, const char *s); /* NULL writes null */
void jw_strn(struct jw *w, const char *s, size_t n);
void jw_int(struct jw *w, int64_t v);
void jw_double(struct jw *w, double v);
void jw_bool(struct jw *w, bool v);
void jw_null(struct jw *w);
void jw_raw(struct jw *w, const char *json); /* an already-encoded JSON value */
void jw_time(struct jw *w, int64_t t);	     /* RFC 3339 with +07:00 */
/* key + value in one call */
void jw_kstr(struct jw *w, const char *k, const char *s);
void jw_kint(struct jw *w, const char *k, int64_t v);
void jw_kbool(struct jw *w, const char *k, bool v);
void jw_knull(struct jw *w, const char *k);
void jw_ktime(struct jw *w, const char *k, int64_t t);
/* Escapes s as a JSON string (with quotes) onto b. */
void json_escape(struct buf *b, const char *s, size_t n);

/* Errors collected while reading input fields. */
#define FIELD_ERRS_MAX 16
struct field_errs {
	int n;
	const char *field[FIELD_ERRS_MAX];
	const char *msg[FIELD_ERRS_MAX];
};
void field_err(struct field_errs *fe, const char *field, const char *msg);

/* Parses a request body into a JSON object. Returns NULL and writes a message naming the line and
 * column (or "body must be a JSON object") into err when it is not one. Caller json_decref()s. */
json_t *json_parse_body(const char *data, size_t len, char *err, size_t errlen);

enum jf_flags { JF_OPTIONAL = 0, JF_REQUIRED = 1 };
/* Reads a string field into *out (points into the JSON tree, valid while it lives). Trims nothing;
 * rejects invalid UTF-8 (jansson already does), empty strings when required, and longer than maxlen
 * bytes. Returns 1 when present and valid, 0 when absent or null (and optional), -1 after recording
 * an error. */
int jf_str(json_t *o, const char *key, int flags, size_t maxlen, const char **out, struct field_errs *fe);
/* Integer field within [min,max]; same returns. */
int jf_int(json_t *o, const char *key, int flags, int64_t min, int64_t max, int64_t *out,
	   struct field_errs *fe);
int jf_bool(json_t *o, const char *key, int flags, bool *out, struct field_errs *fe);
/* String field that must be one of the NULL-terminated `allowed`; *out is the index. */
int jf_enum(json_t *o, const char *key, int flags, const char *const *allowed, int *out,
	    struct field_errs *fe);
/* Records an error for every key of o not in the NULL-terminated `known` list. */
void jf_no_unknown(json_t *o, const char *const *known, struct field_errs *fe);

#endif
