/*
 * patrols.c: the patrol, violation and statistics queries of patrols.h on the shared SQL of both
 * engines; the month bucketing of the statistics is store/bucket.h's. Optional filters are bound as
 * values (0 or '' for "any").
 */
#include "store/patrols.h"

#include <stdio.h>
#include <string.h>

#include "store/bucket.h"

static int returning_id(struct store_stmt *st, int64_t *id)
{
	int rc = store_step_i64(st, id);
	return rc == STORE_ROW ? STORE_OK : (rc == STORE_DONE ? STORE_E_DB : rc);
}

/* ---- patrols ---- */

int patrols_insert(struct store *db, const struct patrol_row *p, int64_t now, int64_t *id)
{
	struct store_stmt *st;
	int rc = store_prepare(
	    db,
	    "INSERT INTO patrols (team_id, unit_id, commune_id, area, planned_start, planned_end, "
	    "findings, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, "
	    "$9, $9) RETURNING id",
	    &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, p->team_id);
	store_bind_i64(st, 2, p->unit_id);
	store_bind_i64(st, 3, p->commune_id);
	store_bind_text(st, 4, p->area);
	store_bind_i64(st, 5, p->planned_start);
	store_bind_i64(st, 6, p->planned_end);
	store_bind_text(st, 7, p->findings);
	store_bind_opt_i64(st, 8, p->created_by);
	store_bind_i64(st, 9, now);
	return returning_id(st, id);
}

int patrols_update(struct store *db, const struct patrol_row *p, int64_t now)
{
	struct store_stmt *st;
	int rc = store_prepare(
	    db,
	    "UPDATE patrols SET area = $2, planned_start = $3, planned_end = $4, findings = $5, "
	    "updated_at = $6 WHERE id = $1",
	    &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, p->id);
	store_bind_text(st, 2, p->area);
	store_bind_i64(st, 3, p->planned_start);
	store_bind_i64(st, 4, p->planned_end);
	store_bind_text(st, 5, p->findings);
	store_bind_i64(st, 6, now);
	return store_run(st);
}

int patrols_mark(struct store *db, int64_t id, int which, int64_t at)
{
	struct store_stmt *st;
	int64_t got;
	int rc = store_prepare(db,
			       which == 0
				   ? "UPDATE patrols SET started_at = $2, updated_at = $2 WHERE id = $1 AND "
				     "started_at IS NULL RETURNING id"
				   : "UPDATE patrols SET ended_at = $2, updated_at = $2 WHERE id = $1 AND "
				     "started_at IS NOT NULL AND ended_at IS NULL RETURNING id",
			       &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, id);
	store_bind_i64(st, 2, at);
	rc = store_step_i64(st, &got);
	return rc == STORE_ROW ? STORE_OK : rc;
}

#define PATROL_COLS                                                                                          \
	"p.id, p.team_id, t.name, p.unit_id, u.path, p.commune_id, p.area, p.planned_start, p.planned_end, " \
	"p.started_at, p.ended_at, p.findings, p.created_by, p.created_at, p.updated_at"
#define PATROL_FROM " FROM patrols p JOIN teams t ON t.id = p.team_id JOIN units u ON u.id = p.unit_id "

static bool read_patrol(struct store_stmt *st, struct arena *a, struct patrol_row *p)
{
	bool ok = true;
	p->id = store_col_i64(st, 0);
	p->team_id = store_col_i64(st, 1);
	p->team_name = store_col_dup(st, 2, a, &ok);
	p->unit_id = store_col_i64(st, 3);
	p->unit_path = store_col_dup(st, 4, a, &ok);
	p->commune_id = store_col_i64(st, 5);
	p->area = store_col_dup(st, 6, a, &ok);
	p->planned_start = store_col_i64(st, 7);
	p->planned_end = store_col_i64(st, 8);
	p->started_at = store_col_opt_i64(st, 9);
	p->ended_at = store_col_opt_i64(st, 10);
	p->findings = store_col_dup(st, 11, a, &ok);
	p->created_by = store_col_opt_i64(st, 12);
	p->created_at = store_col_i64(st, 13);
	p->updated_at = store_col_i64(st, 14);
	return ok && p->unit_path && p->area;
}

int patrols_get(struct store *db, struct arena *a, int64_t id, struct patrol_row *p)
{
	struct store_stmt *st;
	int rc = store_prepare(db, "SELECT " PATROL_COLS PATROL_FROM "WHERE p.id = $1", &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, id);
	rc = store_step(st);
	if (rc == STORE_ROW && !read_patrol(st, a, p))
		rc = STORE_E_NOMEM;
	store_reset(st);
	return rc;
}

int patrols_list(struct store *db, struct arena *a, const struct patrols_query *q, struct patrol_row **out,
		 int *n)
{
	struct store_stmt *st;
	int limit = q->limit > 0 ? q->limit : 1, rc, k = 0;
	const char *path = q->unit_path ? arena_printf(a, "%s%%", q->unit_path) : "%";
	*n = 0;
	struct patrol_row *rows = arena_alloc(a, sizeof *rows * (size_t)limit);
	if (!rows || !path)
		return STORE_E_NOMEM;
	rc = store_prepare(
	    db,
	    "SELECT " PATROL_COLS PATROL_FROM
	    "WHERE p.id < $1 AND u.path LIKE $2 AND ($3 = 0 OR p.team_id = $3) AND ($4 = 0 OR EXISTS (SELECT "
	    "1 FROM patrol_members m WHERE m.patrol_id = p.id AND m.person_id = $4)) AND ($5 < 0 OR ($5 = 0 "
	    "AND p.started_at IS NULL) OR ($5 = 1 AND p.started_at IS NOT NULL AND p.ended_at IS NULL) OR "
	    "($5 "
	    "= 2 AND p.ended_at IS NOT NULL)) AND p.planned_start >= $6 AND p.planned_start < $7 ORDER BY "
	    "p.id "
	    "DESC LIMIT $8",
	    &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, q->before_id ? q->before_id : INT64_MAX);
	store_bind_text(st, 2, path);
	store_bind_i64(st, 3, q->team_id);
	store_bind_i64(st, 4, q->person_id);
	store_bind_i64(st, 5, q->state);
	store_bind_i64(st, 6, q->from ? q->from : INT64_MIN);
	store_bind_i64(st, 7, q->to ? q->to : INT64_MAX);
	store_bind_i64(st, 8, limit);
	while (k < limit && (rc = store_step(st)) == STORE_ROW) {
		if (!read_patrol(st, a, &rows[k])) {
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

int patrols_forces(struct store *db, struct arena *a, int64_t id, struct patrol_force **out, int *n)
{
	struct store_stmt *st;
	bool ok = true;
	int rc, k = 0;
	struct patrol_force *rows = arena_alloc(a, sizeof *rows * PATROL_FORCES_MAX);
	*n = 0;
	if (!rows)
		return STORE_E_NOMEM;
	rc = store_prepare(db,
			   "SELECT o.id, o.name, o.kind FROM patrol_forces f JOIN organisations o ON o.id = "
			   "f.organisation_id WHERE f.patrol_id = $1 ORDER BY o.name, o.id",
			   &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, id);
	while (k < PATROL_FORCES_MAX && (rc = store_step(st)) == STORE_ROW) {
		rows[k].organisation_id = store_col_i64(st, 0);
		rows[k].name = store_col_dup(st, 1, a, &ok);
		rows[k].kind = store_col_dup(st, 2, a, &ok);
		k++;
	}
	store_reset(st);
	if (rc < 0)
		return rc;
	*out = rows;
	*n = k;
	return ok ? STORE_OK : STORE_E_NOMEM;
}

int patrols_set_forces(struct store *db, int64_t id, int64_t commune_id, const int64_t *orgs, int n)
{
	struct store_stmt *st;
	int rc = store_prepare(db, "DELETE FROM patrol_forces WHERE patrol_id = $1", &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, id);
	rc = store_run(st);
	for (int i = 0; rc == STORE_OK && i < n; i++) {
		rc = store_prepare(
		    db,
		    "INSERT INTO patrol_forces (patrol_id, commune_id, organisation_id) VALUES ($1, $2, "
		    "$3) ON CONFLICT DO NOTHING",
		    &st);
		if (rc)
			return rc;
		store_bind_i64(st, 1, id);
		store_bind_i64(st, 2, commune_id);
		store_bind_i64(st, 3, orgs[i]);
		rc = store_run(st);
	}
	return rc;
}

int patrols_members(struct store *db, struct arena *a, int64_t id, struct patrol_member **out, int *n)
{
	struct store_stmt *st;
	bool ok = true;
	int rc, k = 0;
	struct patrol_member *rows = arena_alloc(a, sizeof *rows * PATROL_MEMBERS_MAX);
	*n = 0;
	if (!rows)
		return STORE_E_NOMEM;
	rc = store_prepare(
	    db,
	    "SELECT m.person_id, p.full_name, m.checked_in_at, m.lat, m.lng FROM patrol_members m "
	    "JOIN people p ON p.id = m.person_id WHERE m.patrol_id = $1 ORDER BY p.name_key, p.id",
	    &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, id);
	while (k < PATROL_MEMBERS_MAX && (rc = store_step(st)) == STORE_ROW) {
		rows[k].person_id = store_col_i64(st, 0);
		rows[k].full_name = store_col_dup(st, 1, a, &ok);
		rows[k].checked_in_at = store_col_opt_i64(st, 2);
		rows[k].has_location = !store_col_is_null(st, 3) && !store_col_is_null(st, 4);
		rows[k].lat = rows[k].has_location ? store_col_double(st, 3) : 0;
		rows[k].lng = rows[k].has_location ? store_col_double(st, 4) : 0;
		k++;
	}
	store_reset(st);
	if (rc < 0)
		return rc;
	*out = rows;
	*n = k;
	return ok ? STORE_OK : STORE_E_NOMEM;
}

int patrols_set_members(struct store *db, int64_t id, int64_t commune_id, const int64_t *people, int n)
{
	struct store_stmt *st;
	int64_t gone[PATROL_MEMBERS_MAX];
	int ngone = 0, rc;
	rc = store_prepare(db, "SELECT person_id FROM patrol_members WHERE patrol_id = $1", &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, id);
	while ((rc = store_step(st)) == STORE_ROW) {
		int64_t pid = store_col_i64(st, 0);
		bool keep = false;
		for (int i = 0; i < n && !keep; i++)
			keep = people[i] == pid;
		if (!keep && ngone < PATROL_MEMBERS_MAX)
			gone[ngone++] = pid;
	}
	store_reset(st);
	if (rc < 0)
		return rc;
	for (int i = 0; i < ngone; i++) {
		rc = store_prepare(db, "DELETE FROM patrol_members WHERE patrol_id = $1 AND person_id = $2",
				   &st);
		if (rc)
			return rc;
		store_bind_i64(st, 1, id);
		store_bind_i64(st, 2, gone[i]);
		if ((rc = store_run(st)) != STORE_OK)
			return rc;
	}
	for (int i = 0; i < n; i++) {
		rc = store_prepare(
		    db,
		    "INSERT INTO patrol_members (patrol_id, commune_id, person_id) VALUES ($1, $2, $3) "
		    "ON CONFLICT DO NOTHING",
		    &st);
		if (rc)
			return rc;
		store_bind_i64(st, 1, id);
		store_bind_i64(st, 2, commune_id);
		store_bind_i64(st, 3, people[i]);
		if ((rc = store_run(st)) != STORE_OK)
			return rc;
	}
	return STORE_OK;
}

int patrols_assignment(struct store *db, int64_t id, int64_t person_id, int64_t *checked_in_at)
{
	struct store_stmt *st;
	*checked_in_at = 0;
	int rc =
	    store_prepare(db,
			  "SELECT COALESCE(checked_in_at, 0) FROM patrol_members WHERE patrol_id = $1 AND "
			  "person_id = $2",
			  &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, id);
	store_bind_i64(st, 2, person_id);
	return store_step_i64(st, checked_in_at);
}

int patrols_checkin(struct store *db, int64_t id, int64_t person_id, int64_t at, bool has_location,
		    double lat, double lng)
{
	struct store_stmt *st;
	int rc = store_prepare(
	    db,
	    "UPDATE patrol_members SET checked_in_at = $3, lat = $4, lng = $5 WHERE patrol_id = $1 "
	    "AND person_id = $2 AND checked_in_at IS NULL",
	    &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, id);
	store_bind_i64(st, 2, person_id);
	store_bind_i64(st, 3, at);
	if (has_location) {
		store_bind_double(st, 4, lat);
		store_bind_double(st, 5, lng);
	} else {
		store_bind_null(st, 4);
		store_bind_null(st, 5);
	}
	return store_run(st);
}

/* ---- violations ---- */

int violations_kinds(struct store *db, struct arena *a, struct violation_kind **out, int *n)
{
	struct store_stmt *st;
	bool ok = true;
	int rc, k = 0, cap = 100;
	struct violation_kind *rows = arena_alloc(a, sizeof *rows * (size_t)cap);
	*n = 0;
	if (!rows)
		return STORE_E_NOMEM;
	rc = store_prepare(db, "SELECT code, name_vi, name_en FROM violation_kinds ORDER BY sort, code", &st);
	if (rc)
		return rc;
	while (k < cap && (rc = store_step(st)) == STORE_ROW) {
		rows[k].code = store_col_dup(st, 0, a, &ok);
		rows[k].name_vi = store_col_dup(st, 1, a, &ok);
		rows[k].name_en = store_col_dup(st, 2, a, &ok);
		k++;
	}
	store_reset(st);
	if (rc < 0)
		return rc;
	*out = rows;
	*n = k;
	return ok ? STORE_OK : STORE_E_NOMEM;
}

int violations_insert(struct store *db, const struct violation_row *v, const char *identity_sealed,
		      int64_t now, int64_t *id)
{
	struct store_stmt *st;
	int rc = store_prepare(
	    db,
	    "INSERT INTO violations (patrol_id, unit_id, commune_id, place, occurred_at, kind, "
	    "legal_basis, action, record_no, fine_vnd, person_id, identity_sealed, summary, "
	    "created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, "
	    "$11, $12, $13, $14, $15, $15) RETURNING id",
	    &st);
	if (rc)
		return rc;
	store_bind_opt_i64(st, 1, v->patrol_id);
	store_bind_i64(st, 2, v->unit_id);
	store_bind_i64(st, 3, v->commune_id);
	store_bind_text(st, 4, v->place);
	store_bind_i64(st, 5, v->occurred_at);
	store_bind_text(st, 6, v->kind);
	store_bind_text(st, 7, v->legal_basis);
	store_bind_text(st, 8, v->action);
	store_bind_text(st, 9, v->record_no);
	store_bind_opt_i64(st, 10, v->fine_vnd);
	store_bind_opt_i64(st, 11, v->person_id);
	store_bind_text(st, 12, identity_sealed);
	store_bind_text(st, 13, v->summary);
	store_bind_opt_i64(st, 14, v->created_by);
	store_bind_i64(st, 15, now);
	return returning_id(st, id);
}

int violations_update(struct store *db, const struct violation_row *v, int64_t now)
{
	struct store_stmt *st;
	int rc =
	    store_prepare(db,
			  "UPDATE violations SET unit_id = $2, place = $3, occurred_at = $4, kind = $5, "
			  "legal_basis = $6, action = $7, record_no = $8, fine_vnd = $9, person_id = $10, "
			  "summary = $11, updated_at = $12 WHERE id = $1",
			  &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, v->id);
	store_bind_i64(st, 2, v->unit_id);
	store_bind_text(st, 3, v->place);
	store_bind_i64(st, 4, v->occurred_at);
	store_bind_text(st, 5, v->kind);
	store_bind_text(st, 6, v->legal_basis);
	store_bind_text(st, 7, v->action);
	store_bind_text(st, 8, v->record_no);
	store_bind_opt_i64(st, 9, v->fine_vnd);
	store_bind_opt_i64(st, 10, v->person_id);
	store_bind_text(st, 11, v->summary);
	store_bind_i64(st, 12, now);
	return store_run(st);
}

int violations_set_identity(struct store *db, int64_t id, const char *identity_sealed, int64_t now)
{
	struct store_stmt *st;
	int rc = store_prepare(
	    db, "UPDATE violations SET identity_sealed = $2, updated_at = $3 WHERE id = $1", &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, id);
	store_bind_text(st, 2, identity_sealed);
	store_bind_i64(st, 3, now);
	return store_run(st);
}

#define VIOLATION_COLS                                                                                       \
	"v.id, v.patrol_id, v.unit_id, u.path, v.commune_id, v.place, v.occurred_at, v.kind, "               \
	"v.legal_basis, "                                                                                    \
	"v.action, v.record_no, v.fine_vnd, v.person_id, pp.full_name, v.identity_sealed IS NOT NULL, "      \
	"v.summary, v.created_by, v.created_at, v.updated_at, pa.team_id, tu.path"
#define VIOLATION_FROM                                                                                       \
	" FROM violations v JOIN units u ON u.id = v.unit_id LEFT JOIN people pp ON pp.id = v.person_id "    \
	"LEFT JOIN patrols pa ON pa.id = v.patrol_id LEFT JOIN units tu ON tu.id = pa.unit_id "

static bool read_violation(struct store_stmt *st, struct arena *a, struct violation_row *v)
{
	bool ok = true;
	v->id = store_col_i64(st, 0);
	v->patrol_id = store_col_opt_i64(st, 1);
	v->unit_id = store_col_i64(st, 2);
	v->unit_path = store_col_dup(st, 3, a, &ok);
	v->commune_id = store_col_i64(st, 4);
	v->place = store_col_dup(st, 5, a, &ok);
	v->occurred_at = store_col_i64(st, 6);
	v->kind = store_col_dup(st, 7, a, &ok);
	v->legal_basis = store_col_dup(st, 8, a, &ok);
	v->action = store_col_dup(st, 9, a, &ok);
	v->record_no = store_col_dup(st, 10, a, &ok);
	v->fine_vnd = store_col_opt_i64(st, 11);
	v->person_id = store_col_opt_i64(st, 12);
	v->person_name = store_col_dup(st, 13, a, &ok);
	v->has_identity = store_col_i64(st, 14) != 0;
	v->summary = store_col_dup(st, 15, a, &ok);
	v->created_by = store_col_opt_i64(st, 16);
	v->created_at = store_col_i64(st, 17);
	v->updated_at = store_col_i64(st, 18);
	v->team_id = store_col_opt_i64(st, 19);
	v->team_unit_path = store_col_dup(st, 20, a, &ok);
	return ok && v->unit_path && v->kind && v->legal_basis && v->action;
}

int violations_get(struct store *db, struct arena *a, int64_t id, struct violation_row *v)
{
	struct store_stmt *st;
	int rc = store_prepare(db, "SELECT " VIOLATION_COLS VIOLATION_FROM "WHERE v.id = $1", &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, id);
	rc = store_step(st);
	if (rc == STORE_ROW && !read_violation(st, a, v))
		rc = STORE_E_NOMEM;
	store_reset(st);
	return rc;
}

int violations_identity(struct store *db, struct arena *a, int64_t id, const char **sealed)
{
	struct store_stmt *st;
	bool ok = true;
	*sealed = NULL;
	int rc = store_prepare(db, "SELECT identity_sealed FROM violations WHERE id = $1", &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, id);
	rc = store_step(st);
	if (rc == STORE_ROW)
		*sealed = store_col_dup(st, 0, a, &ok);
	store_reset(st);
	if (rc < 0)
		return rc;
	return ok ? STORE_OK : STORE_E_NOMEM;
}

int violations_list(struct store *db, struct arena *a, const struct violations_query *q,
		    struct violation_row **out, int *n)
{
	struct store_stmt *st;
	int limit = q->limit > 0 ? q->limit : 1, rc, k = 0;
	const char *path = q->unit_path ? arena_printf(a, "%s%%", q->unit_path) : "%";
	*n = 0;
	struct violation_row *rows = arena_alloc(a, sizeof *rows * (size_t)limit);
	if (!rows || !path)
		return STORE_E_NOMEM;
	rc = store_prepare(
	    db,
	    "SELECT " VIOLATION_COLS VIOLATION_FROM
	    "WHERE v.id < $1 AND u.path LIKE $2 AND ($3 = 0 OR v.patrol_id = $3) AND ($4 = '' OR "
	    "v.kind = $4) AND ($5 = '' OR v.action = $5) AND v.occurred_at >= $6 AND v.occurred_at < "
	    "$7 ORDER BY v.id DESC LIMIT $8",
	    &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, q->before_id ? q->before_id : INT64_MAX);
	store_bind_text(st, 2, path);
	store_bind_i64(st, 3, q->patrol_id);
	store_bind_text(st, 4, q->kind ? q->kind : "");
	store_bind_text(st, 5, q->action ? q->action : "");
	store_bind_i64(st, 6, q->from ? q->from : INT64_MIN);
	store_bind_i64(st, 7, q->to ? q->to : INT64_MAX);
	store_bind_i64(st, 8, limit);
	while (k < limit && (rc = store_step(st)) == STORE_ROW) {
		if (!read_violation(st, a, &rows[k])) {
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

int violations_file_add(struct store *db, int64_t violation_id, int64_t commune_id, const char *sha256,
			const char *mime, int64_t size, int64_t now, int64_t *id)
{
	struct store_stmt *st;
	int rc = store_prepare(
	    db,
	    "INSERT INTO violation_files (violation_id, commune_id, sha256, mime, size, created_at) "
	    "VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
	    &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, violation_id);
	store_bind_i64(st, 2, commune_id);
	store_bind_text(st, 3, sha256);
	store_bind_text(st, 4, mime);
	store_bind_i64(st, 5, size);
	store_bind_i64(st, 6, now);
	return returning_id(st, id);
}

int violations_files(struct store *db, struct arena *a, int64_t violation_id, struct violation_file **out,
		     int *n)
{
	struct store_stmt *st;
	bool ok = true;
	int rc, k = 0;
	struct violation_file *rows = arena_alloc(a, sizeof *rows * VIOLATION_FILES_MAX);
	*n = 0;
	if (!rows)
		return STORE_E_NOMEM;
	rc = store_prepare(
	    db,
	    "SELECT id, sha256, mime, size, created_at FROM violation_files WHERE violation_id = $1 "
	    "ORDER BY id",
	    &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, violation_id);
	while (k < VIOLATION_FILES_MAX && (rc = store_step(st)) == STORE_ROW) {
		rows[k].id = store_col_i64(st, 0);
		rows[k].sha256 = store_col_dup(st, 1, a, &ok);
		rows[k].mime = store_col_dup(st, 2, a, &ok);
		rows[k].size = store_col_i64(st, 3);
		rows[k].created_at = store_col_i64(st, 4);
		k++;
	}
	if (k == VIOLATION_FILES_MAX)
		rc = STORE_DONE;
	store_reset(st);
	if (rc < 0)
		return rc;
	*out = rows;
	*n = k;
	return ok ? STORE_OK : STORE_E_NOMEM;
}

/* ---- statistics ---- */

int patrols_stats_totals(struct store *db, const char *unit_path, int64_t from, int64_t to,
			 struct patrol_stats *s)
{
	struct store_stmt *st;
	char path[512];
	if (snprintf(path, sizeof path, "%s%%", unit_path ? unit_path : "") >= (int)sizeof path)
		return STORE_E_NOMEM;
	int rc = store_prepare(
	    db,
	    "SELECT COUNT(*), COALESCE(SUM(CASE WHEN p.ended_at IS NOT NULL THEN 1 ELSE 0 END), 0), "
	    "COALESCE(SUM(CASE WHEN p.ended_at IS NOT NULL AND p.started_at IS NOT NULL THEN p.ended_at - "
	    "p.started_at ELSE 0 END), 0), COALESCE(SUM((SELECT COUNT(*) FROM patrol_members m WHERE "
	    "m.patrol_id "
	    "= p.id AND m.checked_in_at IS NOT NULL)), 0) FROM patrols p JOIN units u ON u.id = p.unit_id "
	    "WHERE "
	    "u.path LIKE $1 AND p.planned_start >= $2 AND p.planned_start < $3",
	    &st);
	if (rc)
		return rc;
	store_bind_text(st, 1, path);
	store_bind_i64(st, 2, from);
	store_bind_i64(st, 3, to);
	rc = store_step(st);
	if (rc == STORE_ROW) {
		s->patrols += store_col_i64(st, 0);
		s->ended += store_col_i64(st, 1);
		s->minutes += store_col_i64(st, 2) / 60;
		s->checkins += store_col_i64(st, 3);
	}
	store_reset(st);
	if (rc < 0)
		return rc;
	rc = store_prepare(
	    db,
	    "SELECT COUNT(*), COALESCE(SUM(v.fine_vnd), 0) FROM violations v JOIN units u ON u.id = "
	    "v.unit_id WHERE u.path LIKE $1 AND v.occurred_at >= $2 AND v.occurred_at < $3",
	    &st);
	if (rc)
		return rc;
	store_bind_text(st, 1, path);
	store_bind_i64(st, 2, from);
	store_bind_i64(st, 3, to);
	rc = store_step(st);
	if (rc == STORE_ROW) {
		s->violations += store_col_i64(st, 0);
		s->fines_vnd += store_col_i64(st, 1);
	}
	store_reset(st);
	return rc < 0 ? rc : STORE_OK;
}

int patrols_stats_groups(struct store *db, int what, const char *unit_path, int64_t from, int64_t to,
			 void (*fn)(void *ctx, const char *key, int64_t count, int64_t sum), void *ctx)
{
	struct store_stmt *st;
	char path[512];
	const char *sql;
	if (snprintf(path, sizeof path, "%s%%", unit_path ? unit_path : "") >= (int)sizeof path)
		return STORE_E_NOMEM;
	switch (what) {
	case 0:
		sql = "SELECT o.kind, COUNT(DISTINCT f.patrol_id), 0 FROM patrol_forces f JOIN organisations "
		      "o ON "
		      "o.id = f.organisation_id JOIN patrols p ON p.id = f.patrol_id JOIN units u ON u.id = "
		      "p.unit_id WHERE u.path LIKE $1 AND p.planned_start >= $2 AND p.planned_start < $3 "
		      "GROUP BY "
		      "o.kind";
		break;
	case 1:
		sql =
		    "SELECT v.kind, COUNT(*), COALESCE(SUM(v.fine_vnd), 0) FROM violations v JOIN units u ON "
		    "u.id = v.unit_id WHERE u.path LIKE $1 AND v.occurred_at >= $2 AND v.occurred_at < $3 "
		    "GROUP "
		    "BY v.kind";
		break;
	case 2:
		sql = "SELECT v.action, COUNT(*), COALESCE(SUM(v.fine_vnd), 0) FROM violations v JOIN units "
		      "u ON "
		      "u.id = v.unit_id WHERE u.path LIKE $1 AND v.occurred_at >= $2 AND v.occurred_at < $3 "
		      "GROUP "
		      "BY v.action";
		break;
	default:
		sql = STORE_BY_VN_MONTH(
		    db, "SELECT ", "v.occurred_at",
		    ", COUNT(*), COALESCE(SUM(v.fine_vnd), 0) FROM violations v JOIN units u ON "
		    "u.id = v.unit_id WHERE u.path LIKE $1 AND v.occurred_at >= $2 AND "
		    "v.occurred_at < $3 GROUP BY 1 ORDER BY 1");
		break;
	}
	int rc = store_prepare(db, sql, &st);
	if (rc)
		return rc;
	store_bind_text(st, 1, path);
	store_bind_i64(st, 2, from);
	store_bind_i64(st, 3, to);
	while ((rc = store_step(st)) == STORE_ROW) {
		const char *key = store_col_text(st, 0);
		fn(ctx, key ? key : "", store_col_i64(st, 1), store_col_i64(st, 2));
	}
	store_reset(st);
	return rc == STORE_DONE ? STORE_OK : rc;
}
