/*
 * alarms.c: the queries of alarms.h on the shared SQL of both engines — kinds, enrolments, alarms and
 * their steps, duty. Guarded UPDATEs (… WHERE status IN (…), … WHERE escalated_at IS NULL) with
 * RETURNING id tell the caller whether its change happened, so that two members answering at once, or
 * two instances escalating at once, never both win.
 */
#include "store/alarms.h"

#include <stdio.h>
#include <string.h>

/* ---- kinds ---- */

static int read_kind(struct store_stmt *st, struct arena *a, struct alarm_kind *k)
{
	bool ok = true;
	k->code = store_col_dup(st, 0, a, &ok);
	k->name_vi = store_col_dup(st, 1, a, &ok);
	k->name_en = store_col_dup(st, 2, a, &ok);
	k->gong_pattern = store_col_dup(st, 3, a, &ok);
	return ok && k->code && k->name_vi && k->name_en && k->gong_pattern ? STORE_OK : STORE_E_NOMEM;
}

int alarms_kinds(struct store *db, struct arena *a, struct alarm_kind **out, int *n)
{
	enum { MAX_KINDS = 64 };
	struct store_stmt *st;
	struct alarm_kind *k = arena_alloc(a, sizeof *k * MAX_KINDS);
	int rc, m = 0;
	*n = 0;
	if (!k)
		return STORE_E_NOMEM;
	rc = store_prepare(
	    db, "SELECT code, name_vi, name_en, gong_pattern FROM alarm_kinds ORDER BY sort, code", &st);
	if (rc)
		return rc;
	while (m < MAX_KINDS && (rc = store_step(st)) == STORE_ROW) {
		if (read_kind(st, a, &k[m]) != STORE_OK) {
			rc = STORE_E_NOMEM;
			break;
		}
		m++;
	}
	store_reset(st);
	if (rc < 0)
		return rc;
	*out = k;
	*n = m;
	return STORE_OK;
}

int alarms_kind_get(struct store *db, struct arena *a, const char *code, struct alarm_kind *k)
{
	struct store_stmt *st;
	int rc = store_prepare(
	    db, "SELECT code, name_vi, name_en, gong_pattern FROM alarm_kinds WHERE code = $1", &st);
	if (rc)
		return rc;
	store_bind_text(st, 1, code);
	rc = store_step(st);
	if (rc == STORE_ROW && read_kind(st, a, k) != STORE_OK)
		rc = STORE_E_NOMEM;
	store_reset(st);
	return rc;
}

int alarms_kind_set_pattern(struct store *db, const char *code, const char *pattern)
{
	struct store_stmt *st;
	int64_t got;
	int rc =
	    store_prepare(db, "UPDATE alarm_kinds SET gong_pattern = $2 WHERE code = $1 RETURNING sort", &st);
	if (rc)
		return rc;
	store_bind_text(st, 1, code);
	store_bind_text(st, 2, pattern);
	rc = store_step_i64(st, &got);
	return rc == STORE_ROW ? STORE_OK : rc;
}

/* ---- enrolments ---- */

#define ENROL_COLS                                                                                           \
	"e.id, e.unit_id, e.commune_id, u.path, u.name, e.label, e.phone_sealed, e.created_by, "             \
	"e.created_at, "                                                                                     \
	"e.revoked_at"
#define ENROL_FROM " FROM alarm_enrolments e JOIN units u ON u.id = e.unit_id "

static int read_enrolment(struct store_stmt *st, struct arena *a, struct enrolment_row *e)
{
	bool ok = true;
	e->id = store_col_i64(st, 0);
	e->unit_id = store_col_i64(st, 1);
	e->commune_id = store_col_i64(st, 2);
	e->unit_path = store_col_dup(st, 3, a, &ok);
	e->unit_name = store_col_dup(st, 4, a, &ok);
	e->label = store_col_dup(st, 5, a, &ok);
	e->phone_sealed = store_col_dup(st, 6, a, &ok);
	e->created_by = store_col_opt_i64(st, 7);
	e->created_at = store_col_i64(st, 8);
	e->revoked_at = store_col_opt_i64(st, 9);
	return ok && e->unit_path && e->unit_name && e->label ? STORE_OK : STORE_E_NOMEM;
}

int enrolments_insert(struct store *db, const struct enrolment_row *e, const char *token_hash, int64_t now,
		      int64_t *id)
{
	struct store_stmt *st;
	int rc = store_prepare(
	    db,
	    "INSERT INTO alarm_enrolments (unit_id, commune_id, label, phone_sealed, token_hash, "
	    "created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
	    &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, e->unit_id);
	store_bind_i64(st, 2, e->commune_id);
	store_bind_text(st, 3, e->label);
	store_bind_text(st, 4, e->phone_sealed);
	store_bind_text(st, 5, token_hash);
	store_bind_opt_i64(st, 6, e->created_by);
	store_bind_i64(st, 7, now);
	rc = store_step_i64(st, id);
	if (rc == STORE_DONE)
		rc = STORE_E_DB;
	return rc == STORE_ROW ? STORE_OK : rc;
}

int enrolments_get(struct store *db, struct arena *a, int64_t id, struct enrolment_row *e)
{
	struct store_stmt *st;
	int rc = store_prepare(db, "SELECT " ENROL_COLS ENROL_FROM "WHERE e.id = $1", &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, id);
	rc = store_step(st);
	if (rc == STORE_ROW && read_enrolment(st, a, e) != STORE_OK)
		rc = STORE_E_NOMEM;
	store_reset(st);
	return rc;
}

int enrolments_get_by_token(struct store *db, struct arena *a, const char *token_hash,
			    struct enrolment_row *e)
{
	struct store_stmt *st;
	int rc = store_prepare(
	    db, "SELECT " ENROL_COLS ENROL_FROM "WHERE e.token_hash = $1 AND e.revoked_at IS NULL", &st);
	if (rc)
		return rc;
	store_bind_text(st, 1, token_hash);
	rc = store_step(st);
	if (rc == STORE_ROW && read_enrolment(st, a, e) != STORE_OK)
		rc = STORE_E_NOMEM;
	store_reset(st);
	return rc;
}

int enrolments_list(struct store *db, struct arena *a, const char *unit_path, int64_t after_id, int limit,
		    struct enrolment_row **out, int *n)
{
	struct store_stmt *st;
	int rc, k = 0;
	if (limit < 1)
		limit = 1;
	const char *path = unit_path ? arena_printf(a, "%s%%", unit_path) : "%";
	struct enrolment_row *rows = arena_alloc(a, sizeof *rows * (size_t)limit);
	*out = NULL;
	*n = 0;
	if (!rows || !path)
		return STORE_E_NOMEM;
	rc = store_prepare(
	    db, "SELECT " ENROL_COLS ENROL_FROM "WHERE e.id > $1 AND u.path LIKE $2 ORDER BY e.id LIMIT $3",
	    &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, after_id);
	store_bind_text(st, 2, path);
	store_bind_i64(st, 3, limit);
	while (k < limit && (rc = store_step(st)) == STORE_ROW) {
		if (read_enrolment(st, a, &rows[k]) != STORE_OK) {
			rc = STORE_E_NOMEM;
			break;
		}
		k++;
	}
	store_reset(st);
	if (rc < 0)
		return rc;
	*out = rows;
	*n = k;
	return STORE_OK;
}

int enrolments_revoke(struct store *db, int64_t id, int64_t now)
{
	struct store_stmt *st;
	int64_t got;
	int rc = store_prepare(
	    db,
	    "UPDATE alarm_enrolments SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL RETURNING id",
	    &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, id);
	store_bind_i64(st, 2, now);
	rc = store_step_i64(st, &got);
	return rc == STORE_ROW ? STORE_OK : rc;
}

/* ---- alarms ---- */

#define ALARM_COLS                                                                                           \
	"a.id, a.commune_id, a.unit_id, u.path, u.name, a.audience_path, a.enrolment_id, a.raised_by, "      \
	"a.kind, "                                                                                           \
	"a.note, a.address, a.lat, a.lng, a.status, a.presses, a.raised_at, a.last_press_at, "               \
	"a.acknowledged_at, a.responding_at, a.escalated_at, a.resolved_at, (SELECT s.eta_minutes FROM "     \
	"alarm_steps s WHERE s.alarm_id = a.id AND s.kind = 'responding' ORDER BY s.id DESC LIMIT 1)"
#define ALARM_FROM " FROM alarms a JOIN units u ON u.id = a.unit_id "

static int read_alarm(struct store_stmt *st, struct arena *a, struct alarm_row *r)
{
	bool ok = true;
	r->id = store_col_i64(st, 0);
	r->commune_id = store_col_i64(st, 1);
	r->unit_id = store_col_i64(st, 2);
	r->unit_path = store_col_dup(st, 3, a, &ok);
	r->unit_name = store_col_dup(st, 4, a, &ok);
	r->audience_path = store_col_dup(st, 5, a, &ok);
	r->enrolment_id = store_col_opt_i64(st, 6);
	r->raised_by = store_col_opt_i64(st, 7);
	r->kind = store_col_dup(st, 8, a, &ok);
	r->note = store_col_dup(st, 9, a, &ok);
	r->address = store_col_dup(st, 10, a, &ok);
	r->has_location = !store_col_is_null(st, 11) && !store_col_is_null(st, 12);
	r->lat = r->has_location ? store_col_double(st, 11) : 0;
	r->lng = r->has_location ? store_col_double(st, 12) : 0;
	r->status = store_col_dup(st, 13, a, &ok);
	r->presses = (int)store_col_i64(st, 14);
	r->raised_at = store_col_i64(st, 15);
	r->last_press_at = store_col_i64(st, 16);
	r->acknowledged_at = store_col_opt_i64(st, 17);
	r->responding_at = store_col_opt_i64(st, 18);
	r->escalated_at = store_col_opt_i64(st, 19);
	r->resolved_at = store_col_opt_i64(st, 20);
	r->eta_minutes = store_col_is_null(st, 21) ? -1 : (int)store_col_i64(st, 21);
	return ok && r->unit_path && r->unit_name && r->audience_path && r->kind && r->status ? STORE_OK
											      : STORE_E_NOMEM;
}

int alarms_insert(struct store *db, const struct alarm_row *a, int64_t now, int64_t *id)
{
	struct store_stmt *st;
	int rc = store_prepare(
	    db,
	    "INSERT INTO alarms (commune_id, unit_id, audience_path, enrolment_id, raised_by, kind, "
	    "note, address, lat, lng, status, presses, raised_at, last_press_at) VALUES ($1, $2, $3, "
	    "$4, $5, $6, $7, $8, $9, $10, 'raised', 1, $11, $11) RETURNING id",
	    &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, a->commune_id);
	store_bind_i64(st, 2, a->unit_id);
	store_bind_text(st, 3, a->audience_path);
	store_bind_opt_i64(st, 4, a->enrolment_id);
	store_bind_opt_i64(st, 5, a->raised_by);
	store_bind_text(st, 6, a->kind);
	store_bind_text(st, 7, a->note);
	store_bind_text(st, 8, a->address);
	if (a->has_location) {
		store_bind_double(st, 9, a->lat);
		store_bind_double(st, 10, a->lng);
	} else {
		store_bind_null(st, 9);
		store_bind_null(st, 10);
	}
	store_bind_i64(st, 11, now);
	rc = store_step_i64(st, id);
	if (rc == STORE_DONE)
		rc = STORE_E_DB;
	if (rc != STORE_ROW)
		return rc;
	return alarms_step_add(db, *id, a->commune_id, "raised", a->raised_by, -1, NULL, now);
}

int alarms_get(struct store *db, struct arena *a, int64_t id, struct alarm_row *out)
{
	struct store_stmt *st;
	int rc = store_prepare(db, "SELECT " ALARM_COLS ALARM_FROM "WHERE a.id = $1", &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, id);
	rc = store_step(st);
	if (rc == STORE_ROW && read_alarm(st, a, out) != STORE_OK)
		rc = STORE_E_NOMEM;
	store_reset(st);
	return rc;
}

int alarms_open_of(struct store *db, struct arena *a, int64_t enrolment_id, int64_t user_id,
		   struct alarm_row *out)
{
	struct store_stmt *st;
	int rc;
	if (enrolment_id > 0) {
		rc = store_prepare(
		    db,
		    "SELECT " ALARM_COLS ALARM_FROM "WHERE a.enrolment_id = $1 AND a.status IN ('raised', "
		    "'acknowledged', 'responding') ORDER BY a.last_press_at DESC, a.id DESC LIMIT 1",
		    &st);
		if (rc)
			return rc;
		store_bind_i64(st, 1, enrolment_id);
	} else {
		rc = store_prepare(
		    db,
		    "SELECT " ALARM_COLS ALARM_FROM "WHERE a.raised_by = $1 AND a.status IN ('raised', "
		    "'acknowledged', 'responding') ORDER BY a.last_press_at DESC, a.id DESC LIMIT 1",
		    &st);
		if (rc)
			return rc;
		store_bind_i64(st, 1, user_id);
	}
	rc = store_step(st);
	if (rc == STORE_ROW && read_alarm(st, a, out) != STORE_OK)
		rc = STORE_E_NOMEM;
	store_reset(st);
	return rc;
}

int alarms_list(struct store *db, struct arena *a, const struct alarms_query *q, struct alarm_row **out,
		int *n)
{
	struct store_stmt *st;
	int limit = q->limit > 0 ? q->limit : 1, rc, k = 0;
	struct alarm_row *rows = arena_alloc(a, sizeof *rows * (size_t)limit);
	*out = NULL;
	*n = 0;
	if (!rows)
		return STORE_E_NOMEM;
	rc = store_prepare(db,
			   "SELECT " ALARM_COLS ALARM_FROM
			   "WHERE a.id < $1 AND ($2 = '' OR a.audience_path LIKE $2 || '%' OR $2 LIKE "
			   "a.audience_path || '%') AND ($3 = 0 OR a.status IN ('raised', 'acknowledged', "
			   "'responding')) AND a.raised_at >= $4 ORDER BY a.id DESC LIMIT $5",
			   &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, q->before_id > 0 ? q->before_id : INT64_MAX);
	store_bind_text(st, 2, q->near_path ? q->near_path : "");
	store_bind_i64(st, 3, q->open_only ? 1 : 0);
	store_bind_i64(st, 4, q->since);
	store_bind_i64(st, 5, limit);
	while (k < limit && (rc = store_step(st)) == STORE_ROW) {
		if (read_alarm(st, a, &rows[k]) != STORE_OK) {
			rc = STORE_E_NOMEM;
			break;
		}
		k++;
	}
	store_reset(st);
	if (rc < 0)
		return rc;
	*out = rows;
	*n = k;
	return STORE_OK;
}

int alarms_press(struct store *db, int64_t id, int64_t now)
{
	struct store_stmt *st;
	int64_t got;
	int rc = store_prepare(
	    db,
	    "UPDATE alarms SET presses = presses + 1, last_press_at = $2 WHERE id = $1 AND status IN "
	    "('raised', 'acknowledged', 'responding') RETURNING id",
	    &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, id);
	store_bind_i64(st, 2, now);
	rc = store_step_i64(st, &got);
	return rc == STORE_ROW ? STORE_OK : rc;
}

int alarms_transition(struct store *db, int64_t id, const char *const *from, const char *to, int64_t now)
{
	struct store_stmt *st;
	int64_t got;
	const char *f[3] = {NULL, NULL, NULL};
	for (int i = 0; i < 3 && from[i]; i++)
		f[i] = from[i];
	int rc = store_prepare(
	    db,
	    "UPDATE alarms SET status = $2, acknowledged_at = CASE WHEN acknowledged_at IS NULL AND $2 IN "
	    "('acknowledged', 'responding') THEN $3 ELSE acknowledged_at END, responding_at = CASE WHEN "
	    "responding_at IS NULL AND $2 = 'responding' THEN $3 ELSE responding_at END, resolved_at = CASE "
	    "WHEN "
	    "$2 IN ('resolved', 'false_alarm') THEN $3 ELSE resolved_at END WHERE id = $1 AND status IN ($4, "
	    "$5, "
	    "$6) RETURNING id",
	    &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, id);
	store_bind_text(st, 2, to);
	store_bind_i64(st, 3, now);
	for (int i = 0; i < 3; i++)
		store_bind_text(st, 4 + i, f[i] ? f[i] : "");
	rc = store_step_i64(st, &got);
	return rc == STORE_ROW ? STORE_OK : rc;
}

int alarms_escalate(struct store *db, int64_t id, int64_t now)
{
	struct store_stmt *st;
	int64_t got;
	int rc = store_prepare(
	    db,
	    "UPDATE alarms SET escalated_at = $2, audience_path = (SELECT c.path FROM units c WHERE "
	    "c.id = alarms.commune_id) WHERE id = $1 AND escalated_at IS NULL AND status = 'raised' "
	    "RETURNING id",
	    &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, id);
	store_bind_i64(st, 2, now);
	rc = store_step_i64(st, &got);
	return rc == STORE_ROW ? STORE_OK : rc;
}

int alarms_due(struct store *db, int64_t due_before, int max, int64_t *ids, int *n)
{
	struct store_stmt *st;
	int rc, k = 0;
	*n = 0;
	rc = store_prepare(
	    db,
	    "SELECT id FROM alarms WHERE status = 'raised' AND escalated_at IS NULL AND raised_at < $1 "
	    "ORDER BY raised_at, id LIMIT $2",
	    &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, due_before);
	store_bind_i64(st, 2, max);
	while (k < max && (rc = store_step(st)) == STORE_ROW)
		ids[k++] = store_col_i64(st, 0);
	store_reset(st);
	if (rc < 0)
		return rc;
	*n = k;
	return STORE_OK;
}

/* ---- the timeline ---- */

int alarms_step_add(struct store *db, int64_t alarm_id, int64_t commune_id, const char *kind, int64_t user_id,
		    int eta_minutes, const char *note, int64_t now)
{
	struct store_stmt *st;
	int rc = store_prepare(
	    db,
	    "INSERT INTO alarm_steps (alarm_id, commune_id, at, kind, user_id, eta_minutes, note) "
	    "VALUES ($1, $2, $3, $4, $5, $6, $7)",
	    &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, alarm_id);
	store_bind_i64(st, 2, commune_id);
	store_bind_i64(st, 3, now);
	store_bind_text(st, 4, kind);
	store_bind_opt_i64(st, 5, user_id);
	if (eta_minutes >= 0)
		store_bind_i64(st, 6, eta_minutes);
	else
		store_bind_null(st, 6);
	store_bind_text(st, 7, note);
	return store_run(st);
}

int alarms_steps(struct store *db, struct arena *a, int64_t alarm_id, int max, struct alarm_step **out,
		 int *n)
{
	struct store_stmt *st;
	int rc, k = 0;
	struct alarm_step *s = arena_alloc(a, sizeof *s * (size_t)(max > 0 ? max : 1));
	*out = NULL;
	*n = 0;
	if (!s)
		return STORE_E_NOMEM;
	rc = store_prepare(
	    db,
	    "SELECT s.id, s.at, s.kind, s.user_id, CASE WHEN us.display_name <> '' THEN "
	    "us.display_name ELSE us.username END, s.eta_minutes, s.note FROM alarm_steps s LEFT JOIN "
	    "users us ON us.id = s.user_id WHERE s.alarm_id = $1 ORDER BY s.id",
	    &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, alarm_id);
	while (k < max && (rc = store_step(st)) == STORE_ROW) {
		bool ok = true;
		s[k].id = store_col_i64(st, 0);
		s[k].at = store_col_i64(st, 1);
		s[k].kind = store_col_dup(st, 2, a, &ok);
		s[k].user_id = store_col_opt_i64(st, 3);
		s[k].actor = store_col_dup(st, 4, a, &ok);
		s[k].eta_minutes = store_col_is_null(st, 5) ? -1 : (int)store_col_i64(st, 5);
		s[k].note = store_col_dup(st, 6, a, &ok);
		if (!ok || !s[k].kind) {
			rc = STORE_E_NOMEM;
			break;
		}
		k++;
	}
	store_reset(st);
	if (rc < 0)
		return rc;
	*out = s;
	*n = k;
	return STORE_OK;
}

/* ---- duty ---- */

int duty_get(struct store *db, int64_t user_id, struct duty_row *d)
{
	struct store_stmt *st;
	memset(d, 0, sizeof *d);
	d->user_id = user_id;
	int rc = store_prepare(db, "SELECT on_duty, lat, lng, updated_at FROM duty WHERE user_id = $1", &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, user_id);
	rc = store_step(st);
	if (rc == STORE_ROW) {
		d->on_duty = store_col_i64(st, 0) != 0;
		d->has_location = !store_col_is_null(st, 1) && !store_col_is_null(st, 2);
		d->lat = d->has_location ? store_col_double(st, 1) : 0;
		d->lng = d->has_location ? store_col_double(st, 2) : 0;
		d->updated_at = store_col_i64(st, 3);
	}
	store_reset(st);
	return rc < 0 ? rc : STORE_OK;
}

int duty_set(struct store *db, const struct duty_row *d, int64_t now)
{
	struct store_stmt *st;
	int rc = store_prepare(
	    db,
	    "INSERT INTO duty (user_id, on_duty, lat, lng, updated_at) VALUES ($1, $2, $3, $4, $5) "
	    "ON CONFLICT (user_id) DO UPDATE SET on_duty = excluded.on_duty, lat = excluded.lat, "
	    "lng = excluded.lng, updated_at = excluded.updated_at",
	    &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, d->user_id);
	store_bind_i64(st, 2, d->on_duty ? 1 : 0);
	if (d->has_location) {
		store_bind_double(st, 3, d->lat);
		store_bind_double(st, 4, d->lng);
	} else {
		store_bind_null(st, 3);
		store_bind_null(st, 4);
	}
	store_bind_i64(st, 5, now);
	return store_run(st);
}

int duty_candidates(struct store *db, struct arena *a, const char *near_path, int64_t since, int max,
		    struct duty_candidate **out, int *n)
{
	struct store_stmt *st;
	int rc, k = 0;
	struct duty_candidate *c = arena_alloc(a, sizeof *c * (size_t)(max > 0 ? max : 1));
	*out = NULL;
	*n = 0;
	if (!c)
		return STORE_E_NOMEM;
	rc = store_prepare(
	    db,
	    "SELECT d.user_id, CASE WHEN us.display_name <> '' THEN us.display_name ELSE us.username "
	    "END, d.lat, d.lng, d.updated_at, g.role, gu.path FROM duty d JOIN users us ON us.id = "
	    "d.user_id JOIN grants g ON g.user_id = d.user_id LEFT JOIN units gu ON gu.id = g.unit_id "
	    "WHERE d.on_duty = 1 AND d.lat IS NOT NULL AND d.lng IS NOT NULL AND d.updated_at >= $1 "
	    "AND us.disabled = 0 AND (g.unit_id IS NULL OR gu.path LIKE $2 || '%' OR $2 LIKE gu.path "
	    "|| '%') ORDER BY d.user_id, g.id LIMIT $3",
	    &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, since);
	store_bind_text(st, 2, near_path ? near_path : "/");
	store_bind_i64(st, 3, max);
	while (k < max && (rc = store_step(st)) == STORE_ROW) {
		bool ok = true;
		c[k].user_id = store_col_i64(st, 0);
		c[k].name = store_col_dup(st, 1, a, &ok);
		c[k].lat = store_col_double(st, 2);
		c[k].lng = store_col_double(st, 3);
		c[k].updated_at = store_col_i64(st, 4);
		c[k].role = store_col_dup(st, 5, a, &ok);
		c[k].unit_path = store_col_dup(st, 6, a, &ok);
		if (!ok || !c[k].name || !c[k].role) {
			rc = STORE_E_NOMEM;
			break;
		}
		k++;
	}
	store_reset(st);
	if (rc < 0)
		return rc;
	*out = c;
	*n = k;
	return STORE_OK;
}
