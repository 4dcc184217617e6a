/*
 * audit.h: the append-only, hash-chained audit log. Each entry carries the hash of the one before it,
 * so altering, removing or reordering any entry breaks the chain from there on, and audit_verify says
 * where. Entries are written inside the same transaction as the change they record: call audit_append
 * between store_begin and store_commit, and a rolled-back change leaves no entry.
 *
 * The hash is SHA-256 over "seq|at|user_id|" followed by actor, address, action, entity, entity_id,
 * detail and prev_hash, each written as "LEN:TEXT|" (LEN its length in bytes), so that no text can
 * move from one field into its neighbour without changing the hash (docs/internals/store.md).
 * Never put a secret (password, token, receipt) into `detail`; sensitive reads are recorded by what
 * was read and why, not by the value.
 */
#ifndef TIENGMO_AUDIT_H
#define TIENGMO_AUDIT_H
#include <stddef.h>
#include <stdint.h>

#include "lib/arena.h"
#include "store/store.h"

struct audit_entry {
	int64_t user_id;       /* 0 for the system or a command-line action */
	const char *actor;     /* username, or "cli", "system", "public" */
	const char *address;   /* client address, "" when none or when it must not be kept */
	const char *action;    /* "unit.create", "user.disable", "session.login", "person.reveal", … */
	const char *entity;    /* "unit", "user", … */
	const char *entity_id; /* the record's id as text, "" when none */
	const char *detail;    /* a JSON object as text, "{}" when nothing more */
};

/* Appends e to the chain. Must run inside a transaction. Returns STORE_OK or a store error. */
int audit_append(struct store *db, const struct audit_entry *e);
/* Walks the whole chain. Returns 0 when intact; 1 when broken, with the first bad entry's seq (or the
 * head's) in *bad_seq and a sentence in why; -1 when the database cannot be read. *count gets the
 * number of entries checked. */
int audit_verify(struct store *db, int64_t *count, int64_t *bad_seq, char *why, size_t whylen);

/* One entry as the history of a record shows it (strings in the caller's arena). */
struct audit_row {
	int64_t seq;
	int64_t at;
	const char *actor;
	const char *action;
	const char *entity;
	const char *entity_id;
	const char *detail; /* the stored JSON text */
};

/* The history of one record: up to `limit` entries about (entity, entity_id) with seq > after_seq, in
 * seq order, into rows (room for `limit`). Returns STORE_OK and *n, or a store error. */
int audit_list(struct store *db, struct arena *a, const char *entity, const char *entity_id,
	       int64_t after_seq, int limit, struct audit_row *rows, int *n);
/* Does the record have any history at all? STORE_ROW when it does, STORE_DONE when not, or an error. */
int audit_exists(struct store *db, const char *entity, const char *entity_id);
/* The detail (JSON text, arena copy) of the newest entry about (entity, entity_id): STORE_ROW and
 * *detail, STORE_DONE when the record has no history, or an error. */
int audit_last_detail(struct store *db, struct arena *a, const char *entity, const char *entity_id,
		      const char **detail);
/* The materialised path of unit_id (arena copy) for the history's permission check: STORE_ROW and
 * *path, STORE_DONE when there is no such unit, or an error. */
int audit_unit_path(struct store *db, struct arena *a, int64_t unit_id, const char **path);

#endif
