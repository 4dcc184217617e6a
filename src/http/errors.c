/*
 * errors.c: the one place where an app_err becomes an HTTP status and the error body of DESIGN §4:
 *   {"error": {"code": "validation_failed", "message": "…", "fields": {"phone": "…"}}}
 * It also maps store failures to app errors (http_fail_store), the same for every handler.
 */
#include <stdio.h>

#include "http/http.h"

static const struct {
	int status;
	const char *code;
	const char *message;
} table[] = {
    [APP_OK] = {200, "ok", "ok"},
    [APP_E_PARAM] = {400, "bad_request", "the request is malformed"},
    [APP_E_INVALID] = {422, "validation_failed", "some fields are not valid"},
    [APP_E_AUTH] = {401, "unauthenticated", "log in first"},
    [APP_E_FORBIDDEN] = {403, "forbidden", "you may not do this"},
    [APP_E_NOTFOUND] = {404, "not_found", "no such resource"},
    [APP_E_CONFLICT] = {409, "conflict", "this conflicts with an existing record"},
    [APP_E_TOOBIG] = {413, "too_large", "the request is too large"},
    [APP_E_LIMIT] = {429, "rate_limited", "too many attempts; try again later"},
    [APP_E_UNAVAIL] = {503, "unavailable", "the service is unavailable; try again shortly"},
    [APP_E_DB] = {500, "database_error", "the database failed; nothing was changed"},
    [APP_E_NOMEM] = {500, "out_of_memory", "the server ran out of memory"},
    [APP_E_INTERNAL] = {500, "internal_error", "internal error"},
};

int http_status_of(int err)
{
	if (err < 0 || err > APP_E_INTERNAL)
		return 500;
	return table[err].status;
}

int http_fail_store(struct req *r, int rc)
{
	if (rc == STORE_E_BUSY)
		return http_fail(r, APP_E_UNAVAIL, "the database is busy; try again");
	if (rc == STORE_E_NOMEM)
		return APP_E_NOMEM;
	return APP_E_DB;
}

void http_write_error(struct req *r, int err)
{
	if (err < 0 || err > APP_E_INTERNAL || err == APP_OK)
		err = APP_E_INTERNAL;
	if (err == APP_E_DB)
		metrics_db_error();
	struct jw *w = http_json(r, table[err].status);
	jw_obj(w);
	jw_key(w, "error");
	jw_obj(w);
	jw_kstr(w, "code", r->err_code ? r->err_code : table[err].code);
	jw_kstr(w, "message", r->err_msg ? r->err_msg : table[err].message);
	if (r->fields.n) {
		jw_key(w, "fields");
		jw_obj(w);
		for (int i = 0; i < r->fields.n; i++)
			jw_kstr(w, r->fields.field[i], r->fields.msg[i]);
		jw_end(w);
	}
	jw_end(w);
	jw_end(w);
}
