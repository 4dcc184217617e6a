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
};

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
int grants_insert(struct store *db, int64_t user_id, enum role role, int64_t unit_id, int64_t team_id, int64_t now,
		  int64_t *id);

/* Sessions: token_hash is the SHA-256 hex of the cookie's token. */
int sessions_insert(struct store *db, const char *token_hash, int64_t user_id, const char *csrf,
		    int64_t now, int64_t expires_at);
/* Finds a live session (not expired at `now`, created after `created_after`, user not disabled).
 * STORE_ROW with the fields, STORE_DONE if none. */
int sessions_find(struct store *db, struct arena *a, const char *token_hash, int64_t now,
		  int64_t created_after, int64_t *user_id,
		  const char **csrf, int64_t *expires_at, int64_t *last_seen);
int sessions_touch(struct store *db, const char *token_hash, int64_t now, int64_t expires_at);
int sessions_delete(struct store *db, const char *token_hash);
/* Ends every session of a user (password reset, disable). */
int sessions_delete_user(struct store *db, int64_t user_id);

#endif
