/*
 * users.c: SQL for users, grants and sessions (see users.h). Shared SQL for both engines.
 */
#include "store/users.h"

#include <string.h>

static const char *dup(struct arena *a, const char *s)
{
	return s ? arena_strdup(a, s) : NULL;
}

#define USER_COLS "id, username, display_name, password_hash, disabled, totp_secret, totp_enabled, created_at, updated_at"

static void read_user(struct store_stmt *st, struct arena *a, struct user_row *u)
{
	u->id = store_col_i64(st, 0);
	u->username = dup(a, store_col_text(st, 1));
	u->display_name = dup(a, store_col_text(st, 2));
	u->password_hash = dup(a, store_col_text(st, 3));
	u->disabled = store_col_i64(st, 4) != 0;
	u->totp_secret = dup(a, store_col_text(st, 5));
	u->totp_enabled = store_col_i64(st, 6) != 0;
	u->created_at = store_col_i64(st, 7);
	u->updated_at = store_col_i64(st, 8);
}

int users_get(struct store *db, struct arena *a, int64_t id, struct user_row *u)
{
	struct store_stmt *st;
	int rc = store_prepare(db, "SELECT " USER_COLS " FROM users WHERE id = $1", &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, id);
	rc = store_step(st);
	if (rc == STORE_ROW)
		read_user(st, a, u);
	store_reset(st);
	return rc;
}

int users_get_by_name(struct store *db, struct arena *a, const char *username, struct user_row *u)
{
	struct store_stmt *st;
	int rc = store_prepare(db, "SELECT " USER_COLS " FROM users WHERE username = $1", &st);
	if (rc)
		return rc;
	store_bind_text(st, 1, username);
	rc = store_step(st);
	if (rc == STORE_ROW)
		read_user(st, a, u);
	store_reset(st);
	return rc;
}

int users_grants(struct store *db, struct arena *a, int64_t user_id, struct grant **out, int *n)
{
	struct store_stmt *st;
	enum { MAX_GRANTS = 64 };
	struct grant *g = arena_alloc(a, sizeof *g * MAX_GRANTS);
	if (!g)
		return STORE_E_NOMEM;
	int rc = store_prepare(db,
			       "SELECT g.id, g.role, g.unit_id, u.path, g.team_id FROM grants g "
			       "LEFT JOIN units u ON u.id = g.unit_id WHERE g.user_id = $1 ORDER BY g.id",
			       &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, user_id);
	int k = 0;
	while ((rc = store_step(st)) == STORE_ROW && k < MAX_GRANTS) {
		int role = perm_role_parse(store_col_text(st, 1));
		if (role < 0)
			continue;
		g[k].id = store_col_i64(st, 0);
		g[k].role = (enum role)role;
		g[k].unit_id = store_col_is_null(st, 2) ? 0 : store_col_i64(st, 2);
		g[k].unit_path = dup(a, store_col_text(st, 3));
		g[k].team_id = store_col_is_null(st, 4) ? 0 : store_col_i64(st, 4);
		k++;
	}
	store_reset(st);
	if (rc < 0)
		return rc;
	*out = g;
	*n = k;
	return STORE_OK;
}

int sessions_insert(struct store *db, const char *token_hash, int64_t user_id, const char *csrf,
		    int64_t now, int64_t expires_at)
{
	struct store_stmt *st;
	int rc = store_prepare(db,
			       "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at, "
			       "expires_at) VALUES ($1, $2, $3, $4, $4, $5)",
			       &st);
	if (rc)
		return rc;
	store_bind_text(st, 1, token_hash);
	store_bind_i64(st, 2, user_id);
	store_bind_text(st, 3, csrf);
	store_bind_i64(st, 4, now);
	store_bind_i64(st, 5, expires_at);
	return store_run(st);
}

int sessions_find(struct store *db, struct arena *a, const char *token_hash, int64_t now,
		  int64_t created_after, int64_t *user_id,
		  const char **csrf, int64_t *expires_at, int64_t *last_seen)
{
	struct store_stmt *st;
	int rc = store_prepare(db,
			       "SELECT s.user_id, s.csrf_token, s.expires_at, s.last_seen_at FROM sessions s "
			       "JOIN users u ON u.id = s.user_id "
			       "WHERE s.token_hash = $1 AND s.expires_at > $2 AND s.created_at > $3 AND u.disabled = 0",
			       &st);
	if (rc)
		return rc;
	store_bind_text(st, 1, token_hash);
	store_bind_i64(st, 2, now);
	store_bind_i64(st, 3, created_after);
	rc = store_step(st);
	if (rc == STORE_ROW) {
		*user_id = store_col_i64(st, 0);
		*csrf = dup(a, store_col_text(st, 1));
		*expires_at = store_col_i64(st, 2);
		*last_seen = store_col_i64(st, 3);
	}
	store_reset(st);
	return rc;
}

int sessions_touch(struct store *db, const char *token_hash, int64_t now, int64_t expires_at)
{
	struct store_stmt *st;
	int rc = store_prepare(db, "UPDATE sessions SET last_seen_at = $2, expires_at = $3 WHERE token_hash = $1",
			       &st);
	if (rc)
		return rc;
	store_bind_text(st, 1, token_hash);
	store_bind_i64(st, 2, now);
	store_bind_i64(st, 3, expires_at);
	return store_run(st);
}

int sessions_delete(struct store *db, const char *token_hash)
{
	struct store_stmt *st;
	int rc = store_prepare(db, "DELETE FROM sessions WHERE token_hash = $1", &st);
	if (rc)
		return rc;
	store_bind_text(st, 1, token_hash);
	return store_run(st);
}

int sessions_delete_user(struct store *db, int64_t user_id)
{
	struct store_stmt *st;
	int rc = store_prepare(db, "DELETE FROM sessions WHERE user_id = $1", &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, user_id);
	return store_run(st);
}
