/*
 * request.c: the helpers handlers use to read a request and start a response (see http.h).
 */
#include <errno.h>
#include <inttypes.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/http.h"

struct jw *http_json(struct req *r, int status)
{
	r->status = status;
	r->content_type = "application/json; charset=utf-8";
	buf_reset(&r->out);
	jw_init(&r->jw, &r->out);
	return &r->jw;
}

void http_text(struct req *r, int status, const char *content_type, const char *body)
{
	r->status = status;
	r->content_type = content_type;
	buf_reset(&r->out);
	buf_adds(&r->out, body);
}

void http_header(struct req *r, const char *name, const char *value)
{
	if (r->nhdr < HTTP_MAX_HEADERS) {
		r->hdr_name[r->nhdr] = name;
		r->hdr_value[r->nhdr] = value;
		r->nhdr++;
	}
}

int http_fail(struct req *r, int err, const char *msg)
{
	r->err_msg = msg;
	return err;
}

int http_fail_fields(struct req *r, const struct field_errs *fe)
{
	r->fields = *fe;
	if (!r->err_msg)
		r->err_msg = "some fields are not valid";
	return APP_E_INVALID;
}

bool http_line_error(struct req *r, int line, const char *msg)
{
	struct field_errs *fe = &r->fields;
	const char *key = line ? arena_printf(&r->arena, "line %d", line) : "file";
	if (!key)
		return false;
	int k = fe->n - 1; /* errors come sorted by line: the same line is the last entry */
	if (k >= 0 && strcmp(fe->field[k], key) == 0) {
		const char *joined = arena_printf(&r->arena, "%s; %s", fe->msg[k], msg);
		if (joined)
			fe->msg[k] = joined;
		return true;
	}
	if (fe->n == FIELD_ERRS_MAX)
		return false;
	field_err(fe, key, msg);
	return true;
}

int http_fail_import(struct req *r, int total)
{
	r->err_code = "import_failed";
	r->err_msg = arena_printf(&r->arena, "the file has %d error%s; nothing was imported", total,
				  total == 1 ? "" : "s");
	return APP_E_INVALID;
}

int http_json_body(struct req *r, json_t **out)
{
	char err[200];
	*out = json_parse_body(buf_str(&r->body), r->body.len, err, sizeof err);
	if (!*out) {
		r->err_code = "malformed_json";
		r->err_msg = arena_strdup(&r->arena, err);
		return APP_E_PARAM;
	}
	return APP_OK;
}

int http_parse_id(const char *s, int64_t *out)
{
	if (!s || !*s || strlen(s) > 16)
		return -1;
	int64_t v = 0;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		v = v * 10 + (*p - '0');
	}
	if (v < 1 || v >= ((int64_t)1 << 53) || (s[0] == '0'))
		return -1;
	*out = v;
	return 0;
}

int http_parse_cursor(const char *s, int64_t *out)
{
	if (!s || !*s) {
		*out = 0;
		return 0;
	}
	return http_parse_id(s, out);
}

int http_parse_limit(const char *s, int *out)
{
	int64_t v;
	if (http_parse_id(s, &v) != 0 || v > 200)
		return -1;
	*out = (int)v;
	return 0;
}

void http_format_cursor(int64_t last_id, char *out, size_t outlen)
{
	snprintf(out, outlen, "%" PRId64, last_id);
}

void http_next_cursor(struct jw *w, int64_t last_id)
{
	if (last_id) {
		char next[24];
		http_format_cursor(last_id, next, sizeof next);
		jw_kstr(w, "next_cursor", next);
	} else {
		jw_knull(w, "next_cursor");
	}
}

int http_param_id(struct req *r, int i, int64_t *out)
{
	if (i < 0 || i >= HTTP_MAX_PARAMS || http_parse_id(r->params[i], out) != 0) {
		r->err_msg = "no such record";
		return APP_E_NOTFOUND;
	}
	return APP_OK;
}

const char *http_query(struct req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *http_req_header(struct req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

int http_page_args(struct req *r, int64_t *cursor, int *limit)
{
	const char *c = http_query(r, "cursor");
	const char *l = http_query(r, "limit");
	*limit = 50;
	if (http_parse_cursor(c, cursor) != 0) {
		field_err(&r->fields, "cursor", "is not a cursor this server gave out");
		r->err_msg = "malformed cursor";
		return APP_E_PARAM;
	}
	if (l && http_parse_limit(l, limit) != 0) {
		field_err(&r->fields, "limit", "must be a whole number from 1 to 200");
		r->err_msg = "malformed limit";
		return APP_E_PARAM;
	}
	return APP_OK;
}
