/*
 * apikeys.c: the queries of apikeys.h over the api_keys table — add, check, list, revoke. The key
 * itself never reaches this file: only its keyed hash.
 */
#include <string.h>

#include "store/apikeys.h"

int apikeys_add(struct store *db, const char *name, const char *key_hash, int64_t created_by, int64_t now,
		int64_t *id)
{
	struct store_stmt *st;
	int rc = store_prepare(db,
			       "INSERT INTO api_keys (name, key_hash, created_by, created_at) "
			       "VALUES ($1, $2, $3, $4) RETURNING id",
			       &st);
	if (rc)
		return rc;
	store_bind_text(st, 1, name);
	store_bind_text(st, 2, key_hash);
	store_bind_opt_i64(st, 3, created_by);
	store_bind_i64(st, 4, now);
	rc = store_step_i64(st, id);
	return rc == STORE_ROW ? STORE_OK : (rc == STORE_DONE ? STORE_E_DB : rc);
}

int apikeys_check(struct store *db, const char *key_hash, int64_t *id)
{
	struct store_stmt *st;
	int rc = store_prepare(db, "SELECT id FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL", &st);
	if (rc)
		return rc;
	store_bind_text(st, 1, key_hash);
	return store_step_i64(st, id);
}

int apikeys_list(struct store *db, struct arena *a, int max, struct apikey_row **out, int *n)
{
	struct store_stmt *st;
	int rc, k = 0;
	*out = NULL;
	*n = 0;
	struct apikey_row *rows = arena_alloc(a, sizeof *rows * (size_t)(max > 0 ? max : 1));
	if (!rows)
		return STORE_E_NOMEM;
	rc = store_prepare(
	    db, "SELECT id, name, created_by, created_at, revoked_at FROM api_keys ORDER BY id", &st);
	if (rc)
		return rc;
	while (k < max && (rc = store_step(st)) == STORE_ROW) {
		const char *name = store_col_text(st, 1);
		rows[k].id = store_col_i64(st, 0);
		rows[k].name = arena_strndup(a, name ? name : "", strlen(name ? name : ""));
		rows[k].created_by = store_col_opt_i64(st, 2);
		rows[k].created_at = store_col_i64(st, 3);
		rows[k].revoked_at = store_col_opt_i64(st, 4);
		if (!rows[k].name) {
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

int apikeys_revoke(struct store *db, int64_t id, const char *name, int64_t now, int64_t *revoked_id)
{
	struct store_stmt *st;
	int rc = store_prepare(db,
			       "UPDATE api_keys SET revoked_at = $1 WHERE revoked_at IS NULL AND "
			       "(id = $2 OR name = $3) RETURNING id",
			       &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, now);
	store_bind_i64(st, 2, id);
	store_bind_text(st, 3, name);
	rc = store_step_i64(st, revoked_id);
	return rc == STORE_ROW ? STORE_OK : rc;
}
