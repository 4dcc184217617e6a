/*
 * warnings.c: the /api/v1/warnings endpoints — public warnings (cảnh báo) that officers issue for
 * their commune or a block of it: a storm, a flood, a wave of phone scams, a wanted notice, an
 * epidemic. Issue, list, read, change, cancel; and GET /api/v1/public/warnings, the warnings in force
 * for the public pages. The CAP 1.2 documents of the same warnings are served by api/cap.c.
 *
 * Scope: a warning belongs to a unit; logged-in users who see the unit (units.read) read it, officers
 * (warnings.write on the unit) issue and change it. Every write is audited (warning.create, .update,
 * .cancel) and recorded as a live event (warning.issued, .updated, .cancelled) in the same
 * transaction, for the app and the webhooks.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "http/stream.h"
#include "lib/timeutil.h"
#include "store/units.h"
#include "store/warnings.h"

#define PUBLIC_MAX 100
#define RADIUS_DEFAULT_KM 1.0

static const char *status_of(const struct warning_row *w, int64_t now)
{
	if (w->cancelled_at)
		return "cancelled";
	if (w->expires_at && w->expires_at <= now)
		return "expired";
	if (w->effective_at > now)
		return "upcoming";
	return "active";
}

/* The fields both the officers' and the public answers carry. */
static void write_fields(struct jw *w, const struct warning_row *x, int64_t now)
{
	char cap[64];
	jw_kint(w, "id", x->id);
	jw_kint(w, "unit_id", x->unit_id);
	jw_kstr(w, "unit_name", x->unit_name);
	jw_kint(w, "commune_id", x->commune_id);
	jw_kstr(w, "kind", x->kind);
	jw_kstr(w, "title", x->title);
	jw_kstr(w, "body", x->body);
	jw_kstr(w, "instruction", x->instruction);
	jw_kstr(w, "severity", x->severity);
	if (x->has_point) {
		jw_key(w, "lat");
		jw_double(w, x->lat);
		jw_key(w, "lng");
		jw_double(w, x->lng);
		jw_key(w, "radius_km");
		jw_double(w, x->radius_km);
	} else {
		jw_knull(w, "lat");
		jw_knull(w, "lng");
		jw_knull(w, "radius_km");
	}
	jw_ktime(w, "effective_at", x->effective_at);
	if (x->expires_at)
		jw_ktime(w, "expires_at", x->expires_at);
	else
		jw_knull(w, "expires_at");
	jw_kstr(w, "status", status_of(x, now));
	snprintf(cap, sizeof cap, "/cap/alerts/warning-%" PRId64 ".xml", x->id);
	jw_kstr(w, "cap_url", cap);
}

static void write_warning(struct jw *w, const struct warning_row *x, int64_t now)
{
	jw_obj(w);
	write_fields(w, x, now);
	jw_ktime(w, "created_at", x->created_at);
	jw_ktime(w, "updated_at", x->updated_at);
	if (x->cancelled_at)
		jw_ktime(w, "cancelled_at", x->cancelled_at);
	else
		jw_knull(w, "cancelled_at");
	jw_end(w);
}

static int answer(struct req *r, int status, const struct warning_row *x)
{
	struct jw *w = http_json(r, status);
	jw_obj(w);
	jw_key(w, "data");
	write_warning(w, x, time_now());
	jw_end(w);
	return APP_OK;
}

/* Audit entry and live event of a write, inside the caller's transaction. */
static int record(struct req *r, const char *action, const char *event, const struct warning_row *x,
		  int64_t now, int64_t *event_id)
{
	char detail[96], cap[64];
	snprintf(detail, sizeof detail, "{\"unit_id\":%" PRId64 "}", x->unit_id);
	int rc = api_audit(r, action, "warning", x->id, detail);
	if (rc)
		return rc;
	/* the event names and summarises the warning (its body may be long): id, area, kind, title */
	struct buf b;
	struct jw w;
	buf_init(&b, STREAM_DATA_MAX);
	jw_init(&w, &b);
	jw_obj(&w);
	jw_kint(&w, "id", x->id);
	jw_kint(&w, "unit_id", x->unit_id);
	jw_kint(&w, "commune_id", x->commune_id);
	jw_kstr(&w, "kind", x->kind);
	jw_kstr(&w, "severity", x->severity);
	jw_kstr(&w, "title", x->title);
	jw_ktime(&w, "effective_at", x->effective_at);
	if (x->expires_at)
		jw_ktime(&w, "expires_at", x->expires_at);
	else
		jw_knull(&w, "expires_at");
	snprintf(cap, sizeof cap, "/cap/alerts/warning-%" PRId64 ".xml", x->id);
	jw_kstr(&w, "cap_url", cap);
	jw_end(&w);
	rc = b.err ? STORE_E_NOMEM
		   : stream_record(r->db,
				   &(struct stream_event){.name = event,
							  .perm = PERM_ALARMS_READ,
							  .reach = STREAM_REACH_AREA,
							  .unit_path = x->unit_path,
							  .commune_id = x->commune_id,
							  .data = buf_str(&b)},
				   now, event_id);
	buf_release(&b);
	return rc;
}

/* ---- reading a body ---- */

static const char *const fields[] = {"unit_id",	    "kind",	    "title",	  "body",
				     "instruction", "severity",	    "lat",	  "lng",
				     "radius_km",   "effective_at", "expires_at", NULL};

/* Reads a number field within [min, max]: 1 present, 0 absent or null, -1 after an error. */
static int read_num(json_t *o, const char *key, double min, double max, double *out, struct field_errs *fe)
{
	json_t *v = json_object_get(o, key);
	if (!v || json_is_null(v))
		return 0;
	double d = json_is_number(v) ? json_number_value(v) : NAN;
	if (!isfinite(d) || d < min || d > max) {
		field_err(fe, key,
			  max == 90    ? "must be a latitude (-90 to 90)"
			  : max == 180 ? "must be a longitude (-180 to 180)"
				       : "must be a number of kilometres from 0.01 to 500");
		return -1;
	}
	*out = d;
	return 1;
}

static void read_time(json_t *o, const char *key, int64_t *out, struct field_errs *fe)
{
	const char *s;
	if (jf_str(o, key, JF_OPTIONAL, 40, &s, fe) == 1 && time_parse_rfc3339(s, out) != 0)
		field_err(fe, key, "must be an RFC 3339 time or a date (YYYY-MM-DD)");
}

static void read_warning(struct req *r, json_t *o, struct warning_row *x, bool create, int64_t *unit_id)
{
	struct field_errs *fe = &r->fields;
	const char *s;
	int64_t v;
	int k, flags = create ? JF_REQUIRED : JF_OPTIONAL;
	jf_no_unknown(o, fields, fe);
	if (jf_int(o, "unit_id", flags, 1, ((int64_t)1 << 53) - 1, &v, fe) == 1)
		*unit_id = v;
	if (jf_enum(o, "kind", flags, warnings_kind_names, &k, fe) == 1)
		x->kind = warnings_kind_names[k];
	if (jf_enum(o, "severity", flags, warnings_severity_names, &k, fe) == 1)
		x->severity = warnings_severity_names[k];
	if (jf_str(o, "title", flags, WARNING_TITLE_MAX, &s, fe) == 1)
		x->title = s;
	if (jf_str(o, "body", flags, WARNING_BODY_MAX, &s, fe) == 1)
		x->body = s;
	if (!create && (json_is_null(json_object_get(o, "title")) || (x->title && !*x->title)))
		field_err(fe, "title", "must not be empty");
	if (!create && (json_is_null(json_object_get(o, "body")) || (x->body && !*x->body)))
		field_err(fe, "body", "must not be empty");
	if (json_object_get(o, "instruction")) {
		int got = jf_str(o, "instruction", JF_OPTIONAL, WARNING_INSTRUCTION_MAX, &s, fe);
		x->instruction = got == 1 && *s ? s : NULL;
	}
	if (json_object_get(o, "lat") || json_object_get(o, "lng")) {
		double lat = 0, lng = 0;
		int a = read_num(o, "lat", -90, 90, &lat, fe), b = read_num(o, "lng", -180, 180, &lng, fe);
		if (a == 1 && b == 1) {
			x->has_point = true;
			x->lat = lat;
			x->lng = lng;
			if (!x->radius_km)
				x->radius_km = RADIUS_DEFAULT_KM;
		} else if (a == 0 && b == 0)
			x->has_point = false;
		else if (a >= 0 && b >= 0)
			field_err(fe, a == 0 ? "lat" : "lng", "lat and lng go together");
	}
	double rad;
	if (read_num(o, "radius_km", 0.01, 500, &rad, fe) == 1)
		x->radius_km = rad;
	if (json_object_get(o, "effective_at"))
		read_time(o, "effective_at", &x->effective_at, fe);
	if (json_object_get(o, "expires_at")) {
		if (json_is_null(json_object_get(o, "expires_at")))
			x->expires_at = 0;
		else
			read_time(o, "expires_at", &x->expires_at, fe);
	}
}

/* The area of a warning for writing: 422 unseen or not in a commune, 403 not allowed. */
static int warning_unit(struct req *r, int64_t unit_id, struct unit_row *u)
{
	int rc = units_get(r->db, &r->arena, unit_id, u);
	if (rc < 0)
		return http_fail_store(r, rc);
	if (rc == STORE_DONE || !u->commune_id || !perm_on_unit(&r->user, PERM_UNITS_READ, u->path)) {
		field_err(&r->fields, "unit_id", "no such commune, block or group");
		return http_fail_fields(r, &r->fields);
	}
	if (!perm_on_unit(&r->user, PERM_WARNINGS_WRITE, u->path))
		return http_fail(r, APP_E_FORBIDDEN, "your role may not issue warnings for this unit");
	return APP_OK;
}

static int load_visible(struct req *r, struct warning_row *x)
{
	int64_t id;
	int rc = http_param_id(r, 0, &id);
	if (rc)
		return http_fail(r, rc, "no such warning");
	rc = warnings_get(r->db, &r->arena, id, x);
	if (rc < 0)
		return http_fail_store(r, rc);
	if (rc == STORE_DONE || !perm_on_unit(&r->user, PERM_UNITS_READ, x->unit_path))
		return http_fail(r, APP_E_NOTFOUND, "no such warning");
	return APP_OK;
}

/* Runs a write: the change, its audit and event, commit, then announce. */
static int commit_write(struct req *r, int64_t event_id)
{
	int rc = store_commit(r->db);
	if (rc)
		return rc;
	stream_announce(event_id);
	return STORE_OK;
}

/* ---- POST /api/v1/warnings ---- */

int api_warnings_create(struct req *r)
{
	json_t *body = NULL;
	struct warning_row x = {0};
	struct unit_row u;
	int64_t unit_id = 0, now = time_now(), event_id = 0;
	int rc = http_json_body(r, &body);
	if (rc)
		return rc;
	read_warning(r, body, &x, true, &unit_id);
	if (!x.effective_at)
		x.effective_at = now;
	if (x.expires_at && x.expires_at <= x.effective_at)
		field_err(&r->fields, "expires_at", "must be after effective_at");
	else if (x.expires_at && x.expires_at <= now)
		field_err(&r->fields, "expires_at", "must be in the future");
	if (r->fields.n) {
		rc = http_fail_fields(r, &r->fields);
		goto out;
	}
	rc = warning_unit(r, unit_id, &u);
	if (rc)
		goto out;
	x.unit_id = u.id;
	x.commune_id = u.commune_id;
	x.unit_path = u.path;
	x.created_by = r->user.user_id;
	rc = store_begin(r->db);
	if (rc) {
		rc = http_fail_store(r, rc);
		goto out;
	}
	rc = warnings_insert(r->db, &x, now, &x.id);
	if (rc == STORE_OK)
		rc = record(r, "warning.create", "warning.issued", &x, now, &event_id);
	if (rc == STORE_OK)
		rc = commit_write(r, event_id);
	else
		store_rollback(r->db);
	if (rc) {
		rc = http_fail_store(r, rc);
		goto out;
	}
	rc = warnings_get(r->db, &r->arena, x.id, &x);
	rc = rc == STORE_ROW ? answer(r, 201, &x) : http_fail_store(r, rc);
out:
	json_decref(body);
	return rc;
}

/* ---- GET /api/v1/warnings ---- */

int api_warnings_list(struct req *r)
{
	struct warnings_query q = {.now = time_now()};
	int64_t cursor = 0;
	int limit = 50;
	int rc = http_page_args(r, &cursor, &limit);
	if (rc)
		return rc;
	const char *cur = http_query(r, "current");
	if (cur && *cur && strcmp(cur, "true") != 0 && strcmp(cur, "false") != 0) {
		field_err(&r->fields, "current", "must be true or false");
		return http_fail(r, APP_E_PARAM, "malformed query");
	}
	q.current_only = cur && strcmp(cur, "true") == 0;
	rc = api_scope_path(r, PERM_UNITS_READ, http_query(r, "unit_id"), &q.unit_path);
	if (rc)
		return rc;
	bool all = q.unit_path == NULL || perm_on_unit(&r->user, PERM_UNITS_READ, q.unit_path);
	struct warning_row *page = arena_alloc(&r->arena, sizeof *page * (size_t)(limit + 1));
	int n = 0;
	if (!page)
		return APP_E_NOMEM;
	q.newest_first = true;
	q.after_id = cursor;
	q.limit = limit + 1 < 50 ? 50 : limit + 1;
	for (;;) {
		struct warning_row *batch;
		int nb;
		rc = warnings_list(r->db, &r->arena, &q, &batch, &nb);
		if (rc < 0)
			return http_fail_store(r, rc);
		for (int i = 0; i < nb && n <= limit; i++)
			if (all || perm_on_unit(&r->user, PERM_UNITS_READ, batch[i].unit_path))
				page[n++] = batch[i];
		if (nb < q.limit || n > limit)
			break;
		q.after_id = batch[nb - 1].id;
	}
	bool more = n > limit;
	if (more)
		n = limit;
	struct jw *w = http_json(r, 200);
	jw_obj(w);
	jw_key(w, "data");
	jw_arr(w);
	for (int i = 0; i < n; i++)
		write_warning(w, &page[i], q.now);
	jw_end(w);
	http_next_cursor(w, more ? page[n - 1].id : 0);
	jw_end(w);
	return APP_OK;
}

/* ---- GET/PATCH /api/v1/warnings/{id} ---- */

int api_warnings_get(struct req *r)
{
	struct warning_row x;
	int rc = load_visible(r, &x);
	return rc ? rc : answer(r, 200, &x);
}

int api_warnings_update(struct req *r)
{
	json_t *body = NULL;
	struct warning_row x;
	struct unit_row u;
	int64_t unit_id = 0, now = time_now(), event_id = 0;
	int rc = load_visible(r, &x);
	if (rc)
		return rc;
	rc = http_json_body(r, &body);
	if (rc)
		return rc;
	read_warning(r, body, &x, false, &unit_id);
	if (x.expires_at && x.expires_at <= x.effective_at)
		field_err(&r->fields, "expires_at", "must be after effective_at");
	if (r->fields.n) {
		rc = http_fail_fields(r, &r->fields);
		goto out;
	}
	if (!perm_on_unit(&r->user, PERM_WARNINGS_WRITE, x.unit_path)) {
		rc = http_fail(r, APP_E_FORBIDDEN, "your role may not change warnings here");
		goto out;
	}
	if (x.cancelled_at) {
		rc = http_fail(r, APP_E_CONFLICT, "the warning is cancelled");
		goto out;
	}
	if (unit_id && unit_id != x.unit_id) {
		rc = warning_unit(r, unit_id, &u);
		if (rc)
			goto out;
		if (u.commune_id != x.commune_id) {
			field_err(&r->fields, "unit_id", "a warning stays in its commune");
			rc = http_fail_fields(r, &r->fields);
			goto out;
		}
		x.unit_id = u.id;
		x.unit_path = u.path;
	}
	rc = store_begin(r->db);
	if (rc) {
		rc = http_fail_store(r, rc);
		goto out;
	}
	rc = warnings_update(r->db, &x, now);
	if (rc == STORE_OK)
		rc = record(r, "warning.update", "warning.updated", &x, now, &event_id);
	if (rc == STORE_OK)
		rc = commit_write(r, event_id);
	else
		store_rollback(r->db);
	if (rc == STORE_DONE) {
		rc = http_fail(r, APP_E_CONFLICT, "the warning is cancelled");
		goto out;
	}
	if (rc) {
		rc = http_fail_store(r, rc);
		goto out;
	}
	rc = warnings_get(r->db, &r->arena, x.id, &x);
	rc = rc == STORE_ROW ? answer(r, 200, &x) : http_fail_store(r, rc);
out:
	json_decref(body);
	return rc;
}

/* ---- POST /api/v1/warnings/{id}/cancel ---- */

int api_warnings_cancel(struct req *r)
{
	struct warning_row x;
	int64_t now = time_now(), event_id = 0;
	int rc = load_visible(r, &x);
	if (rc)
		return rc;
	if (!perm_on_unit(&r->user, PERM_WARNINGS_WRITE, x.unit_path))
		return http_fail(r, APP_E_FORBIDDEN, "your role may not cancel warnings here");
	if (x.cancelled_at)
		return http_fail(r, APP_E_CONFLICT, "the warning is cancelled already");
	rc = store_begin(r->db);
	if (rc)
		return http_fail_store(r, rc);
	rc = warnings_cancel(r->db, x.id, r->user.user_id, now);
	if (rc == STORE_OK)
		rc = record(r, "warning.cancel", "warning.cancelled", &x, now, &event_id);
	if (rc == STORE_OK)
		rc = commit_write(r, event_id);
	else
		store_rollback(r->db);
	if (rc == STORE_DONE)
		return http_fail(r, APP_E_CONFLICT, "the warning is cancelled already");
	if (rc)
		return http_fail_store(r, rc);
	rc = warnings_get(r->db, &r->arena, x.id, &x);
	return rc == STORE_ROW ? answer(r, 200, &x) : http_fail_store(r, rc);
}

/* ---- GET /api/v1/public/warnings ---- */

int api_public_warnings(struct req *r)
{
	struct warnings_query q = {
	    .now = time_now(), .current_only = true, .newest_first = true, .limit = PUBLIC_MAX};
	const char *c = http_query(r, "commune_id");
	if (c && *c && http_parse_id(c, &q.commune_id) != 0) {
		field_err(&r->fields, "commune_id", "must be a commune id");
		return http_fail(r, APP_E_PARAM, "malformed query");
	}
	struct warning_row *rows;
	int n;
	int rc = warnings_list(r->db, &r->arena, &q, &rows, &n);
	if (rc < 0)
		return http_fail_store(r, rc);
	struct jw *w = http_json(r, 200);
	jw_obj(w);
	jw_key(w, "data");
	jw_arr(w);
	for (int i = 0; i < n; i++) {
		jw_obj(w);
		write_fields(w, &rows[i], q.now);
		jw_end(w);
	}
	jw_end(w);
	jw_end(w);
	return APP_OK;
}
