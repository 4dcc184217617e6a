/*
 * audit.h: the append-only, hash-chained audit log. Each entry carries the hash of the one before it,
 * so altering, removing or reordering any entry breaks the chain from there on, and audit_verify says
 * where. Entries are written inside the same transaction as the change they record: call audit_append
 * between store_begin and store_commit, and a rolled-back change leaves no entry.
 *
 * The hash is SHA-256 over "seq|at|user_id|actor|address|action|entity|entity_id|detail|prev_hash".
 * Never put a secret (password, token, receipt) into `detail`; sensitive reads are recorded by what
 * was read and why, not by the value.
 */
#ifndef TIENGMO_AUDIT_H
#define TIENGMO_AUDIT_H
#include <stddef.h>
#include <stdint.h>

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

#endif
