/*
 * tips.h: the queries about tips — categories, the tips themselves, their messages with the citizen,
 * their timeline (events) and their files — and the counters that rate-limit the public tip routes.
 *
 * What is never here in clear: the receipt (only its keyed hash, receipt_hash, is stored) and the
 * tipster's identity (identity_sealed, sealed by the caller with crypto_seal; tips_identity gives the
 * sealed text back for an audited reveal). Every tip belongs to a unit (the block or group the citizen
 * chose, else the commune) and carries its commune; permissions are checked by callers against the
 * unit's path, which every row read here carries. The description is stored with its vn_fold, made
 * here, so that search ignores tones and đ on both engines.
 *
 * Callers hold the transaction when they need one; nothing here starts one. Strings returned are
 * copied into the given arena. Nothing here logs.
 */
#ifndef TIENGMO_STORE_TIPS_H
#define TIENGMO_STORE_TIPS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/arena.h"
#include "store/store.h"

#define TIP_DESCRIPTION_MAX 5000 /* bytes */
#define TIP_ADDRESS_MAX 500
#define TIP_MESSAGE_MAX 2000

struct tip_category {
	const char *code;
	const char *name_vi;
	const char *name_en;
	bool is_public;
};

/* Every category, in display order, into an arena array. STORE_OK or an error. */
int tips_categories(struct store *db, struct arena *a, struct tip_category **out, int *n);

/* Whether code is a tip category (*known). STORE_OK or an error. */
int tips_category_known(struct store *db, const char *code, bool *known);

/* A new tip, as the public route gives it (validated by the caller). */
struct tip_input {
	int64_t unit_id;
	int64_t commune_id;
	const char *category;
	const char *description;
	const char *address; /* NULL for none */
	bool has_location;
	double lat, lng;
	int64_t occurred_at; /* 0: not said */
	bool anonymous;
	const char *identity_sealed; /* NULL when anonymous */
	const char *receipt_hash;
	const char *source; /* "web", "phone", "walk_in", "open311" */
};

/* Inserts a tip and its "received" event. STORE_OK and *id; STORE_E_UNIQUE when the receipt hash is
 * taken (draw another receipt); STORE_E_FK for an unknown category or unit; STORE_E_CHECK when the
 * description cannot be folded (invalid UTF-8); or another error. */
int tips_insert(struct store *db, const struct tip_input *in, int64_t now, int64_t *id);

/* A tip as officers see it (never the identity; has_identity says whether one is sealed). */
struct tip_row {
	int64_t id;
	int64_t unit_id;
	int64_t commune_id;
	const char *unit_path;
	const char *unit_name;
	const char *category;
	const char *description;
	const char *address;
	bool has_location;
	double lat, lng;
	int64_t occurred_at; /* 0 when not said */
	bool anonymous;
	bool has_identity;
	const char *status;
	int64_t duplicate_of;	   /* 0 when none */
	int64_t assigned_to;	   /* 0 when none */
	const char *assigned_name; /* the assignee's username, NULL when none */
	int64_t case_id;	   /* 0 when none */
	const char *source;
	int64_t created_at;
	int64_t updated_at;
};

/* One tip by id, or by the keyed hash of its receipt. STORE_ROW and *t, STORE_DONE, or an error. */
int tips_get(struct store *db, struct arena *a, int64_t id, struct tip_row *t);
int tips_get_by_receipt(struct store *db, struct arena *a, const char *receipt_hash, struct tip_row *t);
/* The sealed identity of a tip (arena copy): STORE_ROW and *sealed (NULL when anonymous), STORE_DONE. */
int tips_identity(struct store *db, struct arena *a, int64_t id, const char **sealed);

/* The filters of the inbox. Empty strings and zeroes mean "any". */
struct tips_query {
	const char *unit_path; /* subtree, e.g. "/1/5/"; NULL for every unit */
	const char *status;
	const char *category;
	int64_t from, to;   /* created_at in [from, to); 0 for open ends */
	const char *search; /* any text; folded here and matched anywhere in the folded description */
	int64_t after_id;   /* keyset: ids after (or, newest first, before) this one; 0 from the start */
	bool newest_first;
	int limit;
};
/* A page of tips into an arena array. STORE_OK, STORE_E_CHECK when the search is not UTF-8, or an error. */
int tips_list(struct store *db, struct arena *a, const struct tips_query *q, struct tip_row **out, int *n);

/* Sets the triage fields (0 clears duplicate_of, assigned_to, case_id) and updated_at. STORE_OK,
 * STORE_DONE when there is no such tip, STORE_E_FK for an unknown user or case, or an error. */
int tips_update(struct store *db, int64_t id, const char *status, int64_t duplicate_of, int64_t assigned_to,
		int64_t case_id, int64_t now);

/* One step of the timeline. */
struct tip_event {
	int64_t id;
	int64_t at;
	const char *kind;  /* received, status, assigned, case, message, reveal */
	int64_t user_id;   /* 0 for the citizen or the system */
	const char *actor; /* username, NULL for the citizen */
	const char *from_value;
	const char *to_value;
};
/* Appends an event (user_id 0: the citizen). STORE_OK or an error. */
int tips_event_add(struct store *db, int64_t tip_id, int64_t commune_id, const char *kind, int64_t user_id,
		   const char *from_value, const char *to_value, int64_t now);
/* The whole timeline, oldest first, at most `max` events. STORE_OK or an error. */
int tips_events(struct store *db, struct arena *a, int64_t tip_id, int max, struct tip_event **out, int *n);

struct tip_message {
	int64_t id;
	const char *author; /* "citizen" | "officer" */
	int64_t user_id;    /* the officer, 0 for the citizen */
	const char *actor;  /* the officer's username; NULL for the citizen */
	const char *body;
	int64_t created_at;
};
/* Adds a message and its "message" event. STORE_OK and *id, or an error. */
int tips_message_add(struct store *db, int64_t tip_id, int64_t commune_id, const char *author,
		     int64_t user_id, const char *body, int64_t now, int64_t *id);
/* The messages of a tip, oldest first, at most `max`. STORE_OK or an error. */
int tips_messages(struct store *db, struct arena *a, int64_t tip_id, int max, struct tip_message **out,
		  int *n);

struct tip_file {
	int64_t id;
	int64_t tip_id;
	const char *sha256;
	const char *mime;
	int64_t size;
	int64_t created_at;
};
/* Records a stored file of a tip. STORE_OK and *id, or an error. */
int tips_file_add(struct store *db, int64_t tip_id, int64_t commune_id, const char *sha256, const char *mime,
		  int64_t size, int64_t now, int64_t *id);
/* The files of a tip (at most `max`), or one of them. */
int tips_files(struct store *db, struct arena *a, int64_t tip_id, int max, struct tip_file **out, int *n);
int tips_file_get(struct store *db, struct arena *a, int64_t tip_id, int64_t file_id, struct tip_file *f);

/* Tips linked to a case, oldest first, at most `max`. STORE_OK or an error. */
int tips_of_case(struct store *db, struct arena *a, int64_t case_id, int max, struct tip_row **out, int *n);

/*
 * Public rate limits over the public_throttle table. A key is what is counted plus the keyed hash of
 * the client address ("lookup_fail:…"), never the address. throttle_recent counts the key's entries at
 * or after `since` (up to `limit`) and gives the oldest of them in *oldest; throttle_add records one
 * at `now` and forgets every key's entries older than `before` (the longest window).
 */
int throttle_recent(struct store *db, const char *key, int64_t since, int limit, int *count, int64_t *oldest);
int throttle_add(struct store *db, const char *key, int64_t now, int64_t before);

#endif
