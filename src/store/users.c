/*
 * users.c: SQL for users, grants, sessions and login throttling (see users.h). Shared SQL for both
 * engines; no transactions are started here and no policy is decided here (that is perm.c and the
 * handlers).
 */
#include "store/users.h"

#include <stdio.h>
#include <string.h>

#include "lib/crypto.h"

static const char *dup(struct arena *a, const char *s)
{
	return s ? arena_strdup(a, s) : NULL;
}

const char *users_username_problem(const char *s)
{
	size_t n = strlen(s);
	if (n < 3 || n > 64)
		return "must be 3 to 64 characters long";
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
			return "may hold only lowercase letters a-z, digits, '.', '_' and '-'";
	}
	return NULL;
}

const char *users_password_problem(const char *s)
{
	size_t n = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if ((*p & 0xC0) != 0x80) /* count characters, not the bytes of UTF-8 */
			n++;
	if (n < 8)
		return "must be at least 8 characters long";
	if (n > 256)
		return "must be at most 256 characters long";
	return NULL;
}

#define USER_COLS                                                                                            \
	"id, username, display_name, password_hash, disabled, totp_secret, totp_enabled, created_at, "       \
	"updated_at, person_id, organisation_id"

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
	u->person_id = store_col_opt_i64(st, 9);
	u->organisation_id = store_col_opt_i64(st, 10);
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
		g[k].unit_id = store_col_opt_i64(st, 2);
		g[k].unit_path = dup(a, store_col_text(st, 3));
		g[k].team_id = store_col_opt_i64(st, 4);
		k++;
	}
	store_reset(st);
	if (rc < 0)
		return rc;
	*out = g;
	*n = k;
	return STORE_OK;
}

int sessions_insert(struct store *db, const char *token_hash, int64_t user_id, const char *csrf, int64_t now,
		    int64_t expires_at)
{
	struct store_stmt *st;
	int rc =
	    store_prepare(db,
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
		  int64_t created_after, int64_t *user_id, const char **csrf, int64_t *expires_at,
		  int64_t *last_seen)
{
	struct store_stmt *st;
	int rc = store_prepare(
	    db,
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

int sessions_load(struct store *db, struct arena *a, const char *token_hash, int64_t now,
		  int64_t created_after, struct session_row *s)
{
	struct store_stmt *st;
	enum { MAX_GRANTS = 64 };
	struct grant *g = arena_alloc(a, sizeof *g * MAX_GRANTS);
	if (!g)
		return STORE_E_NOMEM;
	/* one row per grant (one row with NULL grant columns when there is none) */
	int rc = store_prepare(
	    db,
	    "SELECT s.user_id, s.csrf_token, s.created_at, s.expires_at, s.last_seen_at, u.username, "
	    "u.display_name, g.id, g.role, g.unit_id, n.path, g.team_id FROM sessions s "
	    "JOIN users u ON u.id = s.user_id LEFT JOIN grants g ON g.user_id = u.id "
	    "LEFT JOIN units n ON n.id = g.unit_id "
	    "WHERE s.token_hash = $1 AND s.expires_at > $2 AND s.created_at > $3 AND u.disabled = 0 "
	    "ORDER BY g.id",
	    &st);
	if (rc)
		return rc;
	store_bind_text(st, 1, token_hash);
	store_bind_i64(st, 2, now);
	store_bind_i64(st, 3, created_after);
	int k = 0, rows = 0;
	while ((rc = store_step(st)) == STORE_ROW && k < MAX_GRANTS) {
		if (rows++ == 0) {
			s->user_id = store_col_i64(st, 0);
			s->csrf = dup(a, store_col_text(st, 1));
			s->created_at = store_col_i64(st, 2);
			s->expires_at = store_col_i64(st, 3);
			s->last_seen = store_col_i64(st, 4);
			s->username = dup(a, store_col_text(st, 5));
			s->display_name = dup(a, store_col_text(st, 6));
		}
		if (store_col_is_null(st, 7))
			continue;
		int role = perm_role_parse(store_col_text(st, 8) ? store_col_text(st, 8) : "");
		if (role < 0)
			continue;
		g[k].id = store_col_i64(st, 7);
		g[k].role = (enum role)role;
		g[k].unit_id = store_col_opt_i64(st, 9);
		g[k].unit_path = dup(a, store_col_text(st, 10));
		g[k].team_id = store_col_opt_i64(st, 11);
		k++;
	}
	store_reset(st);
	if (rc < 0)
		return rc;
	if (rows == 0)
		return STORE_DONE;
	s->grants = g;
	s->ngrants = k;
	return STORE_ROW;
}

int sessions_touch(struct store *db, const char *token_hash, int64_t now, int64_t expires_at)
{
	struct store_stmt *st;
	int rc = store_prepare(
	    db, "UPDATE sessions SET last_seen_at = $2, expires_at = $3 WHERE token_hash = $1", &st);
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

int sessions_delete_expired(struct store *db, int64_t user_id, int64_t now)
{
	struct store_stmt *st;
	int rc = store_prepare(db, "DELETE FROM sessions WHERE user_id = $1 AND expires_at <= $2", &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, user_id);
	store_bind_i64(st, 2, now);
	return store_run(st);
}

int sessions_delete_user_except(struct store *db, int64_t user_id, const char *keep_hash)
{
	struct store_stmt *st;
	int rc = store_prepare(db, "DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2", &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, user_id);
	store_bind_text(st, 2, keep_hash ? keep_hash : "");
	return store_run(st);
}

int users_insert(struct store *db, const char *username, const char *display_name, const char *password_hash,
		 int64_t now, int64_t *id)
{
	struct store_stmt *st;
	int rc =
	    store_prepare(db,
			  "INSERT INTO users (username, display_name, password_hash, disabled, totp_enabled, "
			  "created_at, updated_at) VALUES ($1, $2, $3, 0, 0, $4, $4) RETURNING id",
			  &st);
	if (rc)
		return rc;
	store_bind_text(st, 1, username);
	store_bind_text(st, 2, display_name ? display_name : "");
	store_bind_text(st, 3, password_hash);
	store_bind_i64(st, 4, now);
	rc = store_step_i64(st, id);
	return rc == STORE_ROW ? STORE_OK : (rc < 0 ? rc : STORE_E_DB);
}

int grants_insert(struct store *db, int64_t user_id, enum role role, int64_t unit_id, int64_t team_id,
		  int64_t now, int64_t *id)
{
	struct store_stmt *st;
	if ((unsigned)role >= ROLE_COUNT)
		return STORE_E_CHECK;
	int rc = store_prepare(db,
			       "INSERT INTO grants (user_id, role, unit_id, team_id, created_at) "
			       "VALUES ($1, $2, $3, $4, $5) RETURNING id",
			       &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, user_id);
	store_bind_text(st, 2, perm_role_names[role]);
	store_bind_opt_i64(st, 3, unit_id);
	store_bind_opt_i64(st, 4, team_id);
	store_bind_i64(st, 5, now);
	rc = store_step_i64(st, id);
	return rc == STORE_ROW ? STORE_OK : (rc < 0 ? rc : STORE_E_DB);
}

#define GRANT_COLS "g.id, g.user_id, g.role, g.unit_id, u.name, u.code, u.path, g.team_id"

/* Reads a row of GRANT_COLS; returns 0, or -1 when the role is not one this binary knows. */
static int read_grant(struct store_stmt *st, struct arena *a, struct grant_row *g)
{
	int role = perm_role_parse(store_col_text(st, 2) ? store_col_text(st, 2) : "");
	if (role < 0)
		return -1;
	g->id = store_col_i64(st, 0);
	g->user_id = store_col_i64(st, 1);
	g->role = (enum role)role;
	g->unit_id = store_col_opt_i64(st, 3);
	g->unit_name = dup(a, store_col_text(st, 4));
	g->unit_code = dup(a, store_col_text(st, 5));
	g->unit_path = dup(a, store_col_text(st, 6));
	g->team_id = store_col_opt_i64(st, 7);
	return 0;
}

int users_grant_rows(struct store *db, struct arena *a, int64_t user_id, struct grant_row **out, int *n)
{
	struct store_stmt *st;
	enum { MAX_GRANTS = 64 };
	struct grant_row *g = arena_alloc(a, sizeof *g * MAX_GRANTS);
	if (!g)
		return STORE_E_NOMEM;
	int rc = store_prepare(db,
			       "SELECT " GRANT_COLS " FROM grants g LEFT JOIN units u ON u.id = g.unit_id "
			       "WHERE g.user_id = $1 ORDER BY g.id",
			       &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, user_id);
	int k = 0;
	while (k < MAX_GRANTS && (rc = store_step(st)) == STORE_ROW)
		if (read_grant(st, a, &g[k]) == 0)
			k++;
	store_reset(st);
	if (rc < 0)
		return rc;
	*out = g;
	*n = k;
	return STORE_OK;
}

int grants_get(struct store *db, struct arena *a, int64_t grant_id, struct grant_row *g)
{
	struct store_stmt *st;
	int rc = store_prepare(
	    db, "SELECT " GRANT_COLS " FROM grants g LEFT JOIN units u ON u.id = g.unit_id WHERE g.id = $1",
	    &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, grant_id);
	rc = store_step(st);
	if (rc == STORE_ROW && read_grant(st, a, g) != 0)
		rc = STORE_DONE;
	store_reset(st);
	return rc;
}

int grants_delete(struct store *db, int64_t grant_id)
{
	struct store_stmt *st;
	int rc = store_prepare(db, "DELETE FROM grants WHERE id = $1", &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, grant_id);
	return store_run(st);
}

int grants_exists(struct store *db, int64_t user_id, enum role role, int64_t unit_id)
{
	struct store_stmt *st;
	int64_t one = 0;
	int rc;
	if ((unsigned)role >= ROLE_COUNT)
		return STORE_DONE;
	if (unit_id) {
		rc = store_prepare(db,
				   "SELECT 1 FROM grants WHERE user_id = $1 AND role = $2 AND unit_id = $3 "
				   "AND team_id IS NULL",
				   &st);
		if (rc)
			return rc;
		store_bind_i64(st, 3, unit_id);
	} else {
		rc =
		    store_prepare(db,
				  "SELECT 1 FROM grants WHERE user_id = $1 AND role = $2 AND unit_id IS NULL "
				  "AND team_id IS NULL",
				  &st);
		if (rc)
			return rc;
	}
	store_bind_i64(st, 1, user_id);
	store_bind_text(st, 2, perm_role_names[role]);
	return store_step_i64(st, &one);
}

/* Steps a statement whose first column is an id into ids[0..limit). */
static int collect_ids(struct store_stmt *st, int limit, int64_t *ids, int *n)
{
	int rc, k = 0;
	while (k < limit && (rc = store_step(st)) == STORE_ROW)
		ids[k++] = store_col_i64(st, 0);
	store_reset(st);
	if (k < limit && rc < 0)
		return rc;
	*n = k;
	return STORE_OK;
}

int users_ids_all(struct store *db, int64_t after_id, int limit, int64_t *ids, int *n)
{
	struct store_stmt *st;
	int rc = store_prepare(db, "SELECT id FROM users WHERE id > $1 ORDER BY id LIMIT $2", &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, after_id);
	store_bind_i64(st, 2, limit);
	return collect_ids(st, limit, ids, n);
}

int users_ids_in_scope(struct store *db, const char *root_path, int64_t after_id, int limit, int64_t *ids,
		       int *n)
{
	struct store_stmt *st;
	/* The subtree test is a prefix match on the materialised path; '%' and '_' cannot occur in a path
	 * (digits and slashes only), so LIKE is exact here. */
	int rc = store_prepare(db,
			       "SELECT u.id FROM users u WHERE u.id > $1 AND EXISTS (SELECT 1 FROM grants g "
			       "JOIN units n ON n.id = g.unit_id WHERE g.user_id = u.id AND n.path LIKE "
			       "CAST($2 AS TEXT) || '%') "
			       "ORDER BY u.id LIMIT $3",
			       &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, after_id);
	store_bind_text(st, 2, root_path);
	store_bind_i64(st, 3, limit);
	return collect_ids(st, limit, ids, n);
}

int users_update(struct store *db, int64_t id, const char *display_name, int disabled, int64_t now)
{
	struct store_stmt *st;
	int rc = store_prepare(db,
			       "UPDATE users SET display_name = COALESCE(CAST($2 AS TEXT), display_name), "
			       "disabled = CASE WHEN CAST($3 AS INTEGER) < 0 THEN disabled ELSE CAST($3 AS "
			       "INTEGER) END, updated_at = $4 WHERE id = $1",
			       &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, id);
	store_bind_text(st, 2, display_name);
	store_bind_i64(st, 3, disabled < 0 ? -1 : (disabled ? 1 : 0));
	store_bind_i64(st, 4, now);
	return store_run(st);
}

static void bind_link(struct store_stmt *st, int idx, int64_t v)
{
	if (v > 0)
		store_bind_i64(st, idx, v);
	else
		store_bind_null(st, idx);
}

int users_set_links(struct store *db, int64_t id, int64_t person_id, int64_t organisation_id, int64_t now)
{
	struct store_stmt *st;
	int rc = store_prepare(
	    db,
	    "UPDATE users SET person_id = CASE WHEN CAST($3 AS INTEGER) = 1 THEN CAST($2 AS BIGINT) ELSE "
	    "person_id END, organisation_id = CASE WHEN CAST($5 AS INTEGER) = 1 THEN CAST($4 AS BIGINT) ELSE "
	    "organisation_id END, updated_at = $6 WHERE id = $1",
	    &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, id);
	bind_link(st, 2, person_id);
	store_bind_i64(st, 3, person_id >= 0 ? 1 : 0);
	bind_link(st, 4, organisation_id);
	store_bind_i64(st, 5, organisation_id >= 0 ? 1 : 0);
	store_bind_i64(st, 6, now);
	return store_run(st);
}

int users_set_password(struct store *db, int64_t id, const char *password_hash, int64_t now)
{
	struct store_stmt *st;
	int rc = store_prepare(db, "UPDATE users SET password_hash = $2, updated_at = $3 WHERE id = $1", &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, id);
	store_bind_text(st, 2, password_hash);
	store_bind_i64(st, 3, now);
	return store_run(st);
}

int users_set_totp(struct store *db, int64_t id, const char *sealed_secret, bool enabled, int64_t now)
{
	struct store_stmt *st;
	int rc = store_prepare(
	    db, "UPDATE users SET totp_secret = $2, totp_enabled = $3, updated_at = $4 WHERE id = $1", &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, id);
	store_bind_text(st, 2, sealed_secret);
	store_bind_i64(st, 3, enabled ? 1 : 0);
	store_bind_i64(st, 4, now);
	return store_run(st);
}

int users_unit_by_code(struct store *db, struct arena *a, const char *code, int64_t *id, const char **path)
{
	struct store_stmt *st;
	int rc = store_prepare(db, "SELECT id, path FROM units WHERE code = $1", &st);
	if (rc)
		return rc;
	store_bind_text(st, 1, code);
	rc = store_step(st);
	if (rc == STORE_ROW) {
		*id = store_col_i64(st, 0);
		*path = dup(a, store_col_text(st, 1));
	}
	store_reset(st);
	return rc;
}

int users_unit_by_id(struct store *db, struct arena *a, int64_t id, const char **path, const char **name)
{
	struct store_stmt *st;
	int rc = store_prepare(db, "SELECT path, name FROM units WHERE id = $1", &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, id);
	rc = store_step(st);
	if (rc == STORE_ROW) {
		*path = dup(a, store_col_text(st, 0));
		if (name)
			*name = dup(a, store_col_text(st, 1));
	}
	store_reset(st);
	return rc;
}

void login_key_user(const char *username, char out[LOGIN_KEY_MAX])
{
	snprintf(out, LOGIN_KEY_MAX, "u:%s", username);
}

void login_key_addr(const char *addr, char out[LOGIN_KEY_MAX])
{
	char hex[CRYPTO_HASH_HEX];
	crypto_sha256_hex(addr, strlen(addr), hex);
	snprintf(out, LOGIN_KEY_MAX, "a:%s", hex);
}

int login_failures_recent(struct store *db, const char *key, int64_t since, int limit, int *count,
			  int64_t *oldest)
{
	struct store_stmt *st;
	int rc = store_prepare(
	    db, "SELECT at FROM login_failures WHERE key = $1 AND at >= $2 ORDER BY at DESC LIMIT $3", &st);
	if (rc)
		return rc;
	store_bind_text(st, 1, key);
	store_bind_i64(st, 2, since);
	store_bind_i64(st, 3, limit);
	int k = 0;
	int64_t last = 0;
	while (k < limit && (rc = store_step(st)) == STORE_ROW) {
		last = store_col_i64(st, 0);
		k++;
	}
	store_reset(st);
	if (k < limit && rc < 0)
		return rc;
	*count = k;
	*oldest = last;
	return STORE_OK;
}

int login_failures_add(struct store *db, const char *key, int64_t now, int64_t before)
{
	struct store_stmt *st;
	int rc = store_prepare(db, "DELETE FROM login_failures WHERE key = $1 AND at < $2", &st);
	if (rc)
		return rc;
	store_bind_text(st, 1, key);
	store_bind_i64(st, 2, before);
	if ((rc = store_run(st)) != STORE_OK)
		return rc;
	rc = store_prepare(db, "INSERT INTO login_failures (key, at) VALUES ($1, $2)", &st);
	if (rc)
		return rc;
	store_bind_text(st, 1, key);
	store_bind_i64(st, 2, now);
	return store_run(st);
}

int login_failures_clear(struct store *db, const char *key)
{
	struct store_stmt *st;
	int rc = store_prepare(db, "DELETE FROM login_failures WHERE key = $1", &st);
	if (rc)
		return rc;
	store_bind_text(st, 1, key);
	return store_run(st);
}
