/*
 * organisations.c: SQL for partner organisations (see organisations.h), in the SQL both engines run.
 * A subtree is `path LIKE '/1/5/%'` on the joined unit, as in units.c.
 */
#include "store/organisations.h"

#include <stdio.h>
#include <string.h>

const char *const orgs_kind_names[] = {
    "police",	   "fatherland_front", "womens_union",	   "farmers_union",  "veterans_association",
    "youth_union", "school",	       "military_command", "health_station", "other",
    NULL};

int orgs_kind_parse(const char *name)
{
	for (int i = 0; orgs_kind_names[i]; i++)
		if (strcmp(orgs_kind_names[i], name) == 0)
			return i;
	return -1;
}

#define ORG_COLS "o.id, o.unit_id, o.commune_id, u.path, o.kind, o.name, o.created_at, o.updated_at"
#define ORG_FROM " FROM organisations o JOIN units u ON u.id = o.unit_id "

static int read_org(struct store_stmt *st, struct arena *a, struct org_row *o)
{
	const char *path = store_col_text(st, 3), *kind = store_col_text(st, 4),
		   *name = store_col_text(st, 5);
	o->id = store_col_i64(st, 0);
	o->unit_id = store_col_i64(st, 1);
	o->commune_id = store_col_opt_i64(st, 2);
	o->unit_path = arena_strdup(a, path ? path : "");
	o->kind = arena_strdup(a, kind ? kind : "");
	o->name = arena_strdup(a, name ? name : "");
	o->created_at = store_col_i64(st, 6);
	o->updated_at = store_col_i64(st, 7);
	return o->unit_path && o->kind && o->name ? STORE_OK : STORE_E_NOMEM;
}

int orgs_get(struct store *db, struct arena *a, int64_t id, struct org_row *out)
{
	struct store_stmt *st;
	int rc = store_prepare(db, "SELECT " ORG_COLS ORG_FROM "WHERE o.id = $1", &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, id);
	rc = store_step(st);
	if (rc == STORE_ROW && read_org(st, a, out) != STORE_OK)
		rc = STORE_E_NOMEM;
	store_reset(st);
	return rc;
}

/* The commune of unit_id into *commune (0 when none): STORE_OK, STORE_E_FK when no such unit. */
static int unit_commune(struct store *db, int64_t unit_id, int64_t *commune)
{
	struct store_stmt *st;
	int rc = store_prepare(db, "SELECT commune_id FROM units WHERE id = $1", &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, unit_id);
	rc = store_step(st);
	if (rc == STORE_ROW)
		*commune = store_col_opt_i64(st, 0);
	store_reset(st);
	if (rc == STORE_DONE)
		return STORE_E_FK;
	return rc == STORE_ROW ? STORE_OK : rc;
}

int orgs_insert(struct store *db, struct arena *a, int64_t unit_id, const char *kind, const char *name,
		int64_t now, struct org_row *out)
{
	struct store_stmt *st;
	int64_t commune = 0, id = 0;
	int rc = unit_commune(db, unit_id, &commune);
	if (rc)
		return rc;
	rc = store_prepare(
	    db,
	    "INSERT INTO organisations (unit_id, commune_id, kind, name, created_at, updated_at) "
	    "VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
	    &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, unit_id);
	store_bind_opt_i64(st, 2, commune);
	store_bind_text(st, 3, kind);
	store_bind_text(st, 4, name);
	store_bind_i64(st, 5, now);
	rc = store_step_i64(st, &id);
	if (rc != STORE_ROW)
		return rc < 0 ? rc : STORE_E_DB;
	rc = orgs_get(db, a, id, out);
	return rc == STORE_ROW ? STORE_OK : (rc < 0 ? rc : STORE_E_DB);
}

int orgs_update(struct store *db, int64_t id, int64_t unit_id, const char *kind, const char *name,
		int64_t now)
{
	struct store_stmt *st;
	int64_t commune = 0, got;
	int rc = unit_commune(db, unit_id, &commune);
	if (rc)
		return rc;
	rc = store_prepare(db,
			   "UPDATE organisations SET unit_id = $2, commune_id = $3, kind = $4, name = $5, "
			   "updated_at = $6 WHERE id = $1 RETURNING id",
			   &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, id);
	store_bind_i64(st, 2, unit_id);
	store_bind_opt_i64(st, 3, commune);
	store_bind_text(st, 4, kind);
	store_bind_text(st, 5, name);
	store_bind_i64(st, 6, now);
	rc = store_step_i64(st, &got);
	return rc == STORE_ROW ? STORE_OK : rc;
}

int orgs_delete(struct store *db, int64_t id)
{
	struct store_stmt *st;
	int64_t got;
	int rc = store_prepare(db, "DELETE FROM organisations WHERE id = $1 RETURNING id", &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, id);
	rc = store_step_i64(st, &got);
	return rc == STORE_ROW ? STORE_OK : rc;
}

int orgs_list(struct store *db, struct arena *a, const char *unit_path, const char *kind, int64_t after,
	      int limit, struct org_row **out, int *n)
{
	/* $1 after, $2 limit, then the path pattern and the kind, numbered in that order */
	static const char *const sql[4] = {
	    "SELECT " ORG_COLS ORG_FROM "WHERE o.id > $1 ORDER BY o.id LIMIT $2",
	    "SELECT " ORG_COLS ORG_FROM "WHERE o.id > $1 AND u.path LIKE $3 ORDER BY o.id LIMIT $2",
	    "SELECT " ORG_COLS ORG_FROM "WHERE o.id > $1 AND o.kind = $3 ORDER BY o.id LIMIT $2",
	    "SELECT " ORG_COLS ORG_FROM
	    "WHERE o.id > $1 AND u.path LIKE $3 AND o.kind = $4 ORDER BY o.id LIMIT $2",
	};
	struct store_stmt *st;
	char *pattern = NULL;
	int variant = (unit_path ? 1 : 0) | (kind ? 2 : 0);
	int rc, k = 0;
	*out = NULL;
	*n = 0;
	if (limit < 1)
		limit = 1;
	if (unit_path && !(pattern = arena_printf(a, "%s%%", unit_path)))
		return STORE_E_NOMEM;
	struct org_row *rows = arena_alloc(a, sizeof *rows * (size_t)limit);
	if (!rows)
		return STORE_E_NOMEM;
	rc = store_prepare(db, sql[variant], &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, after);
	store_bind_i64(st, 2, limit);
	if (pattern)
		store_bind_text(st, 3, pattern);
	if (kind)
		store_bind_text(st, pattern ? 4 : 3, kind);
	while (k < limit && (rc = store_step(st)) == STORE_ROW) {
		if (read_org(st, a, &rows[k]) != STORE_OK) {
			rc = STORE_E_NOMEM;
			break;
		}
		k++;
	}
	if (k == limit && rc == STORE_ROW)
		rc = STORE_DONE;
	store_reset(st);
	if (rc < 0)
		return rc;
	*out = rows;
	*n = k;
	return STORE_OK;
}
