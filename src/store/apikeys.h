/*
 * apikeys.h: the Open311 API keys (table api_keys, migration 0004). Only the keyed hash of a key is
 * stored; callers hash with crypto_keyed_hash_hex("api_key", …) and never pass the key itself here.
 * Callers hold the transaction when they need one. Strings returned are arena copies. Nothing logs.
 */
#ifndef TIENGMO_STORE_APIKEYS_H
#define TIENGMO_STORE_APIKEYS_H
#include <stdint.h>

#include "lib/arena.h"
#include "store/store.h"

#define APIKEY_NAME_MAX 100

struct apikey_row {
	int64_t id;
	const char *name;
	int64_t created_by; /* 0: made from the command line */
	int64_t created_at;
	int64_t revoked_at; /* 0 while the key works */
};

/* Adds a key. STORE_OK and *id; STORE_E_UNIQUE when the name (or hash) is taken; or an error. */
int apikeys_add(struct store *db, const char *name, const char *key_hash, int64_t created_by, int64_t now,
		int64_t *id);
/* Is there an unrevoked key with this hash? STORE_ROW and *id, STORE_DONE when none, or an error. */
int apikeys_check(struct store *db, const char *key_hash, int64_t *id);
/* Every key, oldest first, at most `max`, into an arena array. STORE_OK or an error. */
int apikeys_list(struct store *db, struct arena *a, int max, struct apikey_row **out, int *n);
/* Revokes the key with this id (name NULL) or this name (id 0). STORE_OK and *revoked_id, STORE_DONE
 * when there is no such unrevoked key, or an error. */
int apikeys_revoke(struct store *db, int64_t id, const char *name, int64_t now, int64_t *revoked_id);

#endif
