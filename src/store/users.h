/*
 * users.h: the queries about users, their grants and their sessions. Callers hold the transaction
 * when they need one; nothing here starts one. Strings returned are copied into the given arena.
 */
#ifndef TIENGMO_STORE_USERS_H
#define TIENGMO_STORE_USERS_H
#include <stdbool.h>
#include <stdint.h>

#include "domain/perm.h"
#include "lib/arena.h"
#include "store/store.h"

struct user_row {
	int64_t id;
	const char *username;
	const char *display_name;
	const char *password_hash;
	bool disabled;
	const char *totp_secret; /* sealed; NULL when never enrolled */
	bool totp_enabled;
	int64_t created_at;
	int64_t updated_at;
	int64_t person_id;	 /* the People register's person this account is; 0 when none */
	int64_t organisation_id; /* the organisation a coordinator speaks for; 0 when none */
};

/* The account rules of the API contract: a username is 3–64 of [a-z0-9._-]; a password has 8–256
 * characters. Each returns NULL when s is acceptable, else the reason (a static string, for a field error).
 */
const char *users_username_problem(const char *s);
const char *users_password_problem(const char *s);

/* Finds a user by id or username. Returns STORE_ROW and fills *u (arena strings), STORE_DONE when
 * there is none, or an error. */
int users_get(struct store *db, struct arena *a, int64_t id, struct user_row *u);
int users_get_by_name(struct store *db, struct arena *a, const char *username, struct user_row *u);
/* Loads the grants of a user (with unit paths) into an arena array. Returns STORE_OK or an error. */
int users_grants(struct store *db, struct arena *a, int64_t user_id, struct grant **out, int *n);

/* Inserts a user; STORE_OK and *id, STORE_E_UNIQUE when the username is taken. */
int users_insert(struct store *db, const char *username, const char *display_name, const char *password_hash,
		 int64_t now, int64_t *id);
/* Inserts a grant of role on unit_id (0: the whole installation) or team_id (0: none). */
int grants_insert(struct store *db, int64_t user_id, enum role role, int64_t unit_id, int64_t team_id,
		  int64_t now, int64_t *id);

/* A grant as the API shows it: with its unit's name and code (NULL for the whole installation). */
struct grant_row {
	int64_t id;
	int64_t user_id;
	enum role role;
	int64_t unit_id;       /* 0: the whole installation */
	const char *unit_name; /* NULL when unit_id is 0 */
	const char *unit_code;
	const char *unit_path;
	int64_t team_id; /* 0 when none */
};
/* Loads a user's grants with unit names into an arena array (*n of them, at most 64). STORE_OK or an
 * error. */
int users_grant_rows(struct store *db, struct arena *a, int64_t user_id, struct grant_row **out, int *n);
/* Finds one grant by id. STORE_ROW and *g (arena strings), STORE_DONE when none, or an error. */
int grants_get(struct store *db, struct arena *a, int64_t grant_id, struct grant_row *g);
/* Deletes one grant. STORE_OK or an error. */
int grants_delete(struct store *db, int64_t grant_id);
/* Does user_id already hold role on unit_id (0: the installation)? STORE_ROW yes, STORE_DONE no. */
int grants_exists(struct store *db, int64_t user_id, enum role role, int64_t unit_id);

/* Keyset listing of user ids, ascending, after `after_id`: every user, or (users_ids_in_scope) the users
 * holding at least one grant on a unit inside the subtree `root_path`. Fills ids[0..*n) with at most
 * `limit` ids. STORE_OK or an error. */
int users_ids_all(struct store *db, int64_t after_id, int limit, int64_t *ids, int *n);
int users_ids_in_scope(struct store *db, const char *root_path, int64_t after_id, int limit, int64_t *ids,
		       int *n);
/* Changes the display name (NULL: keep) and the disabled flag (-1: keep, 0, 1). STORE_OK or an error. */
int users_update(struct store *db, int64_t id, const char *display_name, int disabled, int64_t now);
/* Sets the links of an account (0005_accounts' columns): person_id and organisation_id each -1 to keep,
 * 0 to unlink, or the id to link. STORE_OK, STORE_E_UNIQUE when the person is already another account's,
 * STORE_E_FK when the person or organisation does not exist, or another error. */
int users_set_links(struct store *db, int64_t id, int64_t person_id, int64_t organisation_id, int64_t now);
/* Replaces the password hash. STORE_OK or an error. */
int users_set_password(struct store *db, int64_t id, const char *password_hash, int64_t now);
/* Sets the sealed TOTP secret (NULL clears it) and whether TOTP is required at login. */
int users_set_totp(struct store *db, int64_t id, const char *sealed_secret, bool enabled, int64_t now);

/* Units as identity needs them (the units module owns the rest): by code or by id. STORE_ROW with
 * *id, *path (arena) and *name (arena, may be NULL to skip), STORE_DONE when none, or an error. */
int users_unit_by_code(struct store *db, struct arena *a, const char *code, int64_t *id, const char **path);
int users_unit_by_id(struct store *db, struct arena *a, int64_t id, const char **path, const char **name);

/* Login throttling over the login_failures table. Keys are "u:" + username or, for a client
 * address, "a:" + the SHA-256 of the address (the address itself is never stored). */
#define LOGIN_KEY_MAX 80
/* Writes the key for a username ("u:…", cut to fit) or an address ("a:" + hex) into out. */
void login_key_user(const char *username, char out[LOGIN_KEY_MAX]);
void login_key_addr(const char *addr, char out[LOGIN_KEY_MAX]);
/* Counts the failures of key at or after `since`, reading at most `limit` of the newest. *count gets
 * how many (≤ limit); *oldest the time of the oldest of those counted (0 when none). STORE_OK or an
 * error. When *count == limit, the key is blocked until *oldest leaves the window. */
int login_failures_recent(struct store *db, const char *key, int64_t since, int limit, int *count,
			  int64_t *oldest);
/* Records one failure of key at now and drops the key's failures older than `before`. */
int login_failures_add(struct store *db, const char *key, int64_t now, int64_t before);
/* Forgets every failure of key (a successful login). */
int login_failures_clear(struct store *db, const char *key);

/* Sessions: token_hash is the SHA-256 hex of the cookie's token. */
/* A live session with its user and the user's grants, as sessions_load reads them in one statement. */
struct session_row {
	int64_t user_id;
	const char *username;
	const char *display_name;
	const char *csrf;
	int64_t created_at;
	int64_t expires_at;
	int64_t last_seen;
	struct grant *grants; /* at most 64, with unit paths */
	int ngrants;
};
/* Finds a live session as sessions_find does (not expired at `now`, created after `created_after`, user
 * not disabled) together with its user and grants, in one statement (one read snapshot). STORE_ROW and
 * *s (arena strings), STORE_DONE when there is none, or an error. */
int sessions_load(struct store *db, struct arena *a, const char *token_hash, int64_t now,
		  int64_t created_after, struct session_row *s);
int sessions_insert(struct store *db, const char *token_hash, int64_t user_id, const char *csrf, int64_t now,
		    int64_t expires_at);
/* Finds a live session (not expired at `now`, created after `created_after`, user not disabled).
 * STORE_ROW with the fields, STORE_DONE if none. */
int sessions_find(struct store *db, struct arena *a, const char *token_hash, int64_t now,
		  int64_t created_after, int64_t *user_id, const char **csrf, int64_t *expires_at,
		  int64_t *last_seen);
int sessions_touch(struct store *db, const char *token_hash, int64_t now, int64_t expires_at);
int sessions_delete(struct store *db, const char *token_hash);
/* Ends every session of a user (password reset, disable). */
int sessions_delete_user(struct store *db, int64_t user_id);
/* Drops a user's sessions that expired before now (housekeeping at login). */
int sessions_delete_expired(struct store *db, int64_t user_id, int64_t now);
/* Ends every session of a user but the one whose hash is keep_hash (own password change). */
int sessions_delete_user_except(struct store *db, int64_t user_id, const char *keep_hash);

#endif
