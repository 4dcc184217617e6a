/*
 * audit.c: the hash-chained audit log of audit.h. The head row (audit_head) holds the last sequence
 * number and hash; appending first bumps the head with UPDATE … RETURNING, which takes the row lock on
 * PostgreSQL and rides the write lock on SQLite, so concurrent writers always chain in order.
 */
#include "store/audit.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/crypto.h"
#include "lib/timeutil.h"

static void entry_hash(int64_t seq, int64_t at, int64_t user_id, const char *actor, const char *address,
		       const char *action, const char *entity, const char *entity_id, const char *detail,
		       const char *prev_hash, char out[CRYPTO_HASH_HEX])
{
	struct buf b;
	buf_init(&b, 1u << 24);
	buf_printf(&b, "%" PRId64 "|%" PRId64 "|%" PRId64 "|", seq, at, user_id);
	buf_adds(&b, actor);
	buf_addc(&b, '|');
	buf_adds(&b, address);
	buf_addc(&b, '|');
	buf_adds(&b, action);
	buf_addc(&b, '|');
	buf_adds(&b, entity);
	buf_addc(&b, '|');
	buf_adds(&b, entity_id);
	buf_addc(&b, '|');
	buf_adds(&b, detail);
	buf_addc(&b, '|');
	buf_adds(&b, prev_hash);
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

	int rc = store_prepare(db, "UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash", &st);
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
	rc = store_prepare(db,
			   "INSERT INTO audit_log (seq, at, user_id, actor, address, action, entity, entity_id, "
			   "detail, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
			   &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, seq);
	store_bind_i64(st, 2, at);
	if (e->user_id)
		store_bind_i64(st, 3, e->user_id);
	else
		store_bind_null(st, 3);
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

int audit_verify(struct store *db, int64_t *count, int64_t *bad_seq, char *why, size_t whylen)
{
	struct store_stmt *st;
	char prev[CRYPTO_HASH_HEX], hash[CRYPTO_HASH_HEX];
	int64_t expect = 1, n = 0;
	int result = 0;
	*count = 0;
	*bad_seq = 0;
	snprintf(prev, sizeof prev, "%064d", 0);
	int rc = store_prepare(db,
			       "SELECT seq, at, user_id, actor, address, action, entity, entity_id, detail, "
			       "prev_hash, hash FROM audit_log ORDER BY seq",
			       &st);
	if (rc)
		return -1;
	while ((rc = store_step(st)) == STORE_ROW) {
		int64_t seq = store_col_i64(st, 0);
		const char *stored_prev = store_col_text(st, 9);
		const char *stored = store_col_text(st, 10);
		n++;
		if (seq != expect) {
			*bad_seq = expect;
			snprintf(why, whylen, "entry %" PRId64 " is missing (next entry is %" PRId64 ")", expect, seq);
			result = 1;
			break;
		}
		if (!stored_prev || strcmp(stored_prev, prev) != 0) {
			*bad_seq = seq;
			snprintf(why, whylen, "entry %" PRId64 " does not follow the entry before it", seq);
			result = 1;
			break;
		}
		entry_hash(seq, store_col_i64(st, 1), store_col_is_null(st, 2) ? 0 : store_col_i64(st, 2),
			   store_col_text(st, 3), store_col_text(st, 4), store_col_text(st, 5), store_col_text(st, 6),
			   store_col_text(st, 7), store_col_text(st, 8), prev, hash);
		if (!stored || strcmp(hash, stored) != 0) {
			*bad_seq = seq;
			snprintf(why, whylen, "entry %" PRId64 " was altered (its hash does not match its content)", seq);
			result = 1;
			break;
		}
		memcpy(prev, hash, sizeof prev);
		expect++;
	}
	store_reset(st);
	*count = n;
	if (rc < 0 && result == 0)
		return -1;
	if (result)
		return result;
	/* the head must point at the last entry: a removed tail shows here */
	rc = store_prepare(db, "SELECT seq, hash FROM audit_head WHERE id = 1", &st);
	if (rc)
		return -1;
	rc = store_step(st);
	if (rc == STORE_ROW) {
		int64_t head = store_col_i64(st, 0);
		const char *hh = store_col_text(st, 1);
		if (head != expect - 1 || !hh || strcmp(hh, prev) != 0) {
			*bad_seq = expect;
			snprintf(why, whylen, "the log ends at entry %" PRId64 " but %" PRId64 " entries were written",
				 expect - 1, head);
			result = 1;
		}
	} else {
		result = -1;
	}
	store_reset(st);
	return result;
}
