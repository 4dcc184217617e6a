/*
 * audit.c: the hash-chained audit log of audit.h. The head row (audit_head) holds the last sequence
 * number and hash; appending first bumps the head with UPDATE … RETURNING, which takes the row lock on
 * PostgreSQL and rides the write lock on SQLite, so concurrent writers always chain in order.
 * Verifying reads the head and the whole log in one statement, so it sees one consistent snapshot
 * even while a running server keeps appending. Also here: the small reads behind a record's history
 * (GET /api/v1/audit). Not for deciding who may read that history: the handler does.
 */
#include "store/audit.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/crypto.h"
#include "lib/timeutil.h"

/* Appends "LEN:TEXT|" so that field boundaries are part of what is hashed. */
static void add_field(struct buf *b, const char *s)
{
	if (!s)
		s = "";
	buf_printf(b, "%zu:", strlen(s));
	buf_adds(b, s);
	buf_addc(b, '|');
}

static void entry_hash(int64_t seq, int64_t at, int64_t user_id, const char *actor, const char *address,
		       const char *action, const char *entity, const char *entity_id, const char *detail,
		       const char *prev_hash, char out[CRYPTO_HASH_HEX])
{
	struct buf b;
	buf_init(&b, 1u << 24);
	buf_printf(&b, "%" PRId64 "|%" PRId64 "|%" PRId64 "|", seq, at, user_id);
	add_field(&b, actor);
	add_field(&b, address);
	add_field(&b, action);
	add_field(&b, entity);
	add_field(&b, entity_id);
	add_field(&b, detail);
	add_field(&b, prev_hash);
	crypto_sha256_hex(buf_str(&b), b.len, out);
	buf_release(&b);
}

int audit_append(struct store *db, const struct audit_entry *e)
{
	struct store_stmt *st;
	int64_t seq = 0, at = time_now();
	char prev[CRYPTO_HASH_HEX], hash[CRYPTO_HASH_HEX];
	const char *actor = e->actor ? e->actor : "system";
	const char *address = e->address ? e->address : "";
	const char *entity_id = e->entity_id ? e->entity_id : "";
	const char *detail = e->detail ? e->detail : "{}";

	int rc =
	    store_prepare(db, "UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash", &st);
	if (rc)
		return rc;
	rc = store_step(st);
	if (rc != STORE_ROW) {
		store_reset(st);
		return rc < 0 ? rc : STORE_E_DB;
	}
	seq = store_col_i64(st, 0);
	snprintf(prev, sizeof prev, "%s", store_col_text(st, 1) ? store_col_text(st, 1) : "");
	store_reset(st);

	entry_hash(seq, at, e->user_id, actor, address, e->action, e->entity, entity_id, detail, prev, hash);
	rc = store_prepare(
	    db,
	    "INSERT INTO audit_log (seq, at, user_id, actor, address, action, entity, entity_id, "
	    "detail, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
	    &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, seq);
	store_bind_i64(st, 2, at);
	store_bind_opt_i64(st, 3, e->user_id);
	store_bind_text(st, 4, actor);
	store_bind_text(st, 5, address);
	store_bind_text(st, 6, e->action);
	store_bind_text(st, 7, e->entity);
	store_bind_text(st, 8, entity_id);
	store_bind_text(st, 9, detail);
	store_bind_text(st, 10, prev);
	store_bind_text(st, 11, hash);
	rc = store_run(st);
	if (rc)
		return rc;
	rc = store_prepare(db, "UPDATE audit_head SET hash = $1 WHERE id = 1", &st);
	if (rc)
		return rc;
	store_bind_text(st, 1, hash);
	return store_run(st);
}

/*
 * One statement for the head and every entry: the head row joined to the log, so both come from the
 * same snapshot (a separate read of the head could see an entry committed after the log was read and
 * report a cut tail that is not there). An empty log still yields one row, with NULL entry columns.
 */
static const char sql_verify[] =
    "SELECT h.seq, h.hash, l.seq, l.at, l.user_id, l.actor, l.address, l.action, l.entity, l.entity_id, "
    "l.detail, l.prev_hash, l.hash FROM audit_head h LEFT JOIN audit_log l ON 1 = 1 WHERE h.id = 1 "
    "ORDER BY l.seq";

int audit_verify(struct store *db, int64_t *count, int64_t *bad_seq, char *why, size_t whylen)
{
	struct store_stmt *st;
	char prev[CRYPTO_HASH_HEX], hash[CRYPTO_HASH_HEX], head_hash[CRYPTO_HASH_HEX] = "";
	int64_t expect = 1, n = 0, head = -1;
	int result = 0;
	*count = 0;
	*bad_seq = 0;
	snprintf(why, whylen, "%s", "");
	snprintf(prev, sizeof prev, "%064d", 0);
	int rc = store_prepare(db, sql_verify, &st);
	if (rc)
		return -1;
	while ((rc = store_step(st)) == STORE_ROW) {
		if (head < 0) {
			head = store_col_i64(st, 0);
			snprintf(head_hash, sizeof head_hash, "%s",
				 store_col_text(st, 1) ? store_col_text(st, 1) : "");
		}
		if (store_col_is_null(st, 2))
			break; /* the log is empty */
		int64_t seq = store_col_i64(st, 2);
		const char *stored_prev = store_col_text(st, 11);
		const char *stored = store_col_text(st, 12);
		if (seq != expect) {
			*bad_seq = expect;
			if (seq < expect)
				snprintf(why, whylen, "entry %" PRId64 " is out of place", seq);
			else if (seq == expect + 1)
				snprintf(why, whylen,
					 "entry %" PRId64 " is missing (the next entry is %" PRId64 ")",
					 expect, seq);
			else
				snprintf(why, whylen,
					 "entries %" PRId64 " to %" PRId64
					 " are missing (the next entry is %" PRId64 ")",
					 expect, seq - 1, seq);
			result = 1;
			break;
		}
		if (!stored_prev || strcmp(stored_prev, prev) != 0) {
			*bad_seq = seq;
			snprintf(why, whylen,
				 "entry %" PRId64 " does not follow entry %" PRId64
				 " (its previous-hash differs: removed, reordered or altered)",
				 seq, seq - 1);
			result = 1;
			break;
		}
		entry_hash(seq, store_col_i64(st, 3), store_col_opt_i64(st, 4), store_col_text(st, 5),
			   store_col_text(st, 6), store_col_text(st, 7), store_col_text(st, 8),
			   store_col_text(st, 9), store_col_text(st, 10), prev, hash);
		if (!stored || strcmp(hash, stored) != 0) {
			*bad_seq = seq;
			snprintf(why, whylen,
				 "entry %" PRId64 " was altered (its hash does not match its content)", seq);
			result = 1;
			break;
		}
		memcpy(prev, hash, sizeof prev);
		expect++;
		n++;
	}
	store_reset(st);
	*count = n;
	if (rc < 0 && result == 0)
		return -1;
	if (result)
		return result;
	if (head < 0) {
		*bad_seq = 0;
		snprintf(why, whylen, "the audit head row is missing");
		return 1;
	}
	/* the head must point at the last entry: a cut tail or an entry added behind its back shows here */
	int64_t last = expect - 1;
	if (head > last) {
		*bad_seq = last + 1;
		snprintf(why, whylen,
			 "entry %" PRId64 " is missing: the log ends at entry %" PRId64 " but %" PRId64
			 " entries were written (the tail was cut)",
			 last + 1, last, head);
		return 1;
	}
	if (head < last) {
		*bad_seq = head + 1;
		snprintf(why, whylen,
			 "entry %" PRId64
			 " was added outside the chain: the head says the log ends at entry %" PRId64,
			 head + 1, head);
		return 1;
	}
	if (strcmp(head_hash, prev) != 0) {
		*bad_seq = last;
		snprintf(why, whylen, "entry %" PRId64 " does not match the hash the head recorded for it",
			 last);
		return 1;
	}
	return 0;
}

static const char *dup(struct arena *a, const char *s)
{
	return arena_strdup(a, s ? s : "");
}

int audit_list(struct store *db, struct arena *a, const char *entity, const char *entity_id,
	       int64_t after_seq, int limit, struct audit_row *rows, int *n)
{
	struct store_stmt *st;
	*n = 0;
	int rc = store_prepare(db,
			       "SELECT seq, at, actor, action, entity, entity_id, detail FROM audit_log "
			       "WHERE entity = $1 AND entity_id = $2 AND seq > $3 ORDER BY seq LIMIT $4",
			       &st);
	if (rc)
		return rc;
	store_bind_text(st, 1, entity);
	store_bind_text(st, 2, entity_id);
	store_bind_i64(st, 3, after_seq);
	store_bind_i64(st, 4, limit);
	int k = 0;
	while (k < limit && (rc = store_step(st)) == STORE_ROW) {
		struct audit_row *row = &rows[k];
		row->seq = store_col_i64(st, 0);
		row->at = store_col_i64(st, 1);
		row->actor = dup(a, store_col_text(st, 2));
		row->action = dup(a, store_col_text(st, 3));
		row->entity = dup(a, store_col_text(st, 4));
		row->entity_id = dup(a, store_col_text(st, 5));
		row->detail = dup(a, store_col_text(st, 6));
		if (!row->actor || !row->action || !row->entity || !row->entity_id || !row->detail) {
			rc = STORE_E_NOMEM;
			break;
		}
		k++;
	}
	store_reset(st);
	if (rc < 0)
		return rc;
	*n = k;
	return STORE_OK;
}

int audit_exists(struct store *db, const char *entity, const char *entity_id)
{
	struct store_stmt *st;
	int64_t one;
	int rc =
	    store_prepare(db, "SELECT 1 FROM audit_log WHERE entity = $1 AND entity_id = $2 LIMIT 1", &st);
	if (rc)
		return rc;
	store_bind_text(st, 1, entity);
	store_bind_text(st, 2, entity_id);
	return store_step_i64(st, &one);
}

int audit_last_detail(struct store *db, struct arena *a, const char *entity, const char *entity_id,
		      const char **detail)
{
	struct store_stmt *st;
	int rc = store_prepare(db,
			       "SELECT detail FROM audit_log WHERE entity = $1 AND entity_id = $2 "
			       "ORDER BY seq DESC LIMIT 1",
			       &st);
	if (rc)
		return rc;
	store_bind_text(st, 1, entity);
	store_bind_text(st, 2, entity_id);
	rc = store_step(st);
	if (rc == STORE_ROW) {
		*detail = dup(a, store_col_text(st, 0));
		if (!*detail)
			rc = STORE_E_NOMEM;
	}
	store_reset(st);
	return rc;
}

int audit_unit_path(struct store *db, struct arena *a, int64_t unit_id, const char **path)
{
	struct store_stmt *st;
	int rc = store_prepare(db, "SELECT path FROM units WHERE id = $1", &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, unit_id);
	rc = store_step(st);
	if (rc == STORE_ROW) {
		*path = dup(a, store_col_text(st, 0));
		if (!*path)
			rc = STORE_E_NOMEM;
	}
	store_reset(st);
	return rc;
}
