/*
 * webhooks.c: the queries of webhooks.h over feed_tokens, webhooks and webhook_deliveries (migration
 * 0008). Nothing here sees a token or a secret in the clear.
 */
#include <string.h>

#include "store/webhooks.h"

static const char *dup(struct arena *a, const char *s, int *bad)
{
	if (!s)
		return NULL;
	char *c = arena_strdup(a, s);
	if (!c)
		*bad = 1;
	return c;
}

/* ---- feed tokens ---- */

int feed_tokens_add(struct store *db, int64_t commune_id, const char *name, const char *token_hash,
		    int64_t created_by, int64_t now, int64_t *id)
{
	struct store_stmt *st;
	int rc =
	    store_prepare(db,
			  "INSERT INTO feed_tokens (commune_id, name, token_hash, created_by, created_at) "
			  "VALUES ($1, $2, $3, $4, $5) RETURNING id",
			  &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, commune_id);
	store_bind_text(st, 2, name);
	store_bind_text(st, 3, token_hash);
	store_bind_opt_i64(st, 4, created_by);
	store_bind_i64(st, 5, now);
	rc = store_step_i64(st, id);
	return rc == STORE_ROW ? STORE_OK : (rc == STORE_DONE ? STORE_E_DB : rc);
}

int feed_tokens_check(struct store *db, const char *token_hash, int64_t *commune_id)
{
	struct store_stmt *st;
	int rc = store_prepare(
	    db, "SELECT commune_id FROM feed_tokens WHERE token_hash = $1 AND revoked_at IS NULL", &st);
	if (rc)
		return rc;
	store_bind_text(st, 1, token_hash);
	return store_step_i64(st, commune_id);
}

int feed_tokens_list(struct store *db, struct arena *a, int max, struct feed_token_row **out, int *n)
{
	struct store_stmt *st;
	int rc, k = 0, bad = 0;
	*out = NULL;
	*n = 0;
	struct feed_token_row *rows = arena_alloc(a, sizeof *rows * (size_t)(max > 0 ? max : 1));
	if (!rows)
		return STORE_E_NOMEM;
	rc = store_prepare(db,
			   "SELECT id, commune_id, name, created_by, created_at, revoked_at FROM feed_tokens "
			   "ORDER BY id",
			   &st);
	if (rc)
		return rc;
	while (k < max && (rc = store_step(st)) == STORE_ROW) {
		rows[k].id = store_col_i64(st, 0);
		rows[k].commune_id = store_col_i64(st, 1);
		rows[k].name = dup(a, store_col_text(st, 2), &bad);
		rows[k].created_by = store_col_opt_i64(st, 3);
		rows[k].created_at = store_col_i64(st, 4);
		rows[k].revoked_at = store_col_opt_i64(st, 5);
		k++;
	}
	store_reset(st);
	if (bad)
		return STORE_E_NOMEM;
	if (rc < 0)
		return rc;
	*out = rows;
	*n = k;
	return STORE_OK;
}

int feed_tokens_revoke(struct store *db, int64_t id, int64_t now)
{
	struct store_stmt *st;
	int64_t got;
	int rc = store_prepare(
	    db, "UPDATE feed_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL RETURNING id",
	    &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, now);
	store_bind_i64(st, 2, id);
	rc = store_step_i64(st, &got);
	return rc == STORE_ROW ? STORE_OK : rc;
}

/* ---- webhooks ---- */

#define WEBHOOK_COLS "id, url, events, commune_id, secret_sealed, created_by, created_at "

static int read_webhook(struct store_stmt *st, struct arena *a, struct webhook_row *w)
{
	int bad = 0;
	w->id = store_col_i64(st, 0);
	w->url = dup(a, store_col_text(st, 1), &bad);
	w->events = dup(a, store_col_text(st, 2), &bad);
	w->commune_id = store_col_opt_i64(st, 3);
	w->secret_sealed = dup(a, store_col_text(st, 4), &bad);
	w->created_by = store_col_opt_i64(st, 5);
	w->created_at = store_col_i64(st, 6);
	return bad ? STORE_E_NOMEM : STORE_OK;
}

int webhooks_add(struct store *db, const struct webhook_row *w, int64_t now, int64_t *id)
{
	struct store_stmt *st;
	int rc = store_prepare(db,
			       "INSERT INTO webhooks (url, events, commune_id, secret_sealed, created_by, "
			       "created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
			       &st);
	if (rc)
		return rc;
	store_bind_text(st, 1, w->url);
	store_bind_text(st, 2, w->events);
	store_bind_opt_i64(st, 3, w->commune_id);
	store_bind_text(st, 4, w->secret_sealed);
	store_bind_opt_i64(st, 5, w->created_by);
	store_bind_i64(st, 6, now);
	rc = store_step_i64(st, id);
	return rc == STORE_ROW ? STORE_OK : (rc == STORE_DONE ? STORE_E_DB : rc);
}

int webhooks_list(struct store *db, struct arena *a, int max, struct webhook_row **out, int *n)
{
	struct store_stmt *st;
	int rc, k = 0;
	*out = NULL;
	*n = 0;
	struct webhook_row *rows = arena_alloc(a, sizeof *rows * (size_t)(max > 0 ? max : 1));
	if (!rows)
		return STORE_E_NOMEM;
	rc = store_prepare(db, "SELECT " WEBHOOK_COLS "FROM webhooks WHERE deleted_at IS NULL ORDER BY id",
			   &st);
	if (rc)
		return rc;
	while (k < max && (rc = store_step(st)) == STORE_ROW) {
		if (read_webhook(st, a, &rows[k]) != STORE_OK) {
			rc = STORE_E_NOMEM;
			break;
		}
		k++;
	}
	store_reset(st);
	if (rc < 0)
		return rc;
	*out = rows;
	*n = k;
	return STORE_OK;
}

int webhooks_get(struct store *db, struct arena *a, int64_t id, struct webhook_row *w)
{
	struct store_stmt *st;
	int rc = store_prepare(
	    db, "SELECT " WEBHOOK_COLS "FROM webhooks WHERE id = $1 AND deleted_at IS NULL", &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, id);
	rc = store_step(st);
	if (rc == STORE_ROW && read_webhook(st, a, w) != STORE_OK)
		rc = STORE_E_NOMEM;
	store_reset(st);
	return rc;
}

int webhooks_delete(struct store *db, int64_t id, int64_t now)
{
	struct store_stmt *st;
	int64_t got;
	int rc = store_prepare(
	    db, "UPDATE webhooks SET deleted_at = $1 WHERE id = $2 AND deleted_at IS NULL RETURNING id", &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, now);
	store_bind_i64(st, 2, id);
	rc = store_step_i64(st, &got);
	if (rc != STORE_ROW)
		return rc;
	rc =
	    store_prepare(db,
			  "UPDATE webhook_deliveries SET status = 'failed', next_try_at = NULL, last_error = "
			  "'webhook deleted', updated_at = $1 WHERE webhook_id = $2 AND status = 'pending'",
			  &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, now);
	store_bind_i64(st, 2, id);
	return store_run(st);
}

/* ---- deliveries ---- */

int deliveries_add(struct store *db, int64_t webhook_id, int64_t event_id, const char *event,
		   int64_t commune_id, const char *payload, int64_t now, int64_t *id)
{
	struct store_stmt *st;
	int rc =
	    store_prepare(db,
			  "INSERT INTO webhook_deliveries (webhook_id, event_id, event, commune_id, payload, "
			  "next_try_at, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6, $6) "
			  "ON CONFLICT (webhook_id, event_id) DO NOTHING RETURNING id",
			  &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, webhook_id);
	store_bind_i64(st, 2, event_id);
	store_bind_text(st, 3, event);
	store_bind_opt_i64(st, 4, commune_id);
	store_bind_text(st, 5, payload);
	store_bind_i64(st, 6, now);
	rc = store_step_i64(st, id);
	return rc == STORE_ROW ? STORE_OK : rc;
}

int deliveries_due(struct store *db, int64_t now, int max, int64_t *ids, int *n)
{
	struct store_stmt *st;
	int rc, k = 0;
	*n = 0;
	rc = store_prepare(db,
			   "SELECT id FROM webhook_deliveries WHERE status = 'pending' AND next_try_at <= $1 "
			   "ORDER BY next_try_at, id LIMIT $2",
			   &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, now);
	store_bind_i64(st, 2, max);
	while (k < max && (rc = store_step(st)) == STORE_ROW)
		ids[k++] = store_col_i64(st, 0);
	store_reset(st);
	if (rc < 0)
		return rc;
	*n = k;
	return STORE_OK;
}

int deliveries_claim(struct store *db, int64_t id, int64_t now, int64_t lease_until)
{
	struct store_stmt *st;
	int64_t got;
	int rc = store_prepare(db,
			       "UPDATE webhook_deliveries SET next_try_at = $1 WHERE id = $2 AND status = "
			       "'pending' AND next_try_at <= $3 RETURNING id",
			       &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, lease_until);
	store_bind_i64(st, 2, id);
	store_bind_i64(st, 3, now);
	rc = store_step_i64(st, &got);
	return rc == STORE_ROW ? STORE_OK : rc;
}

#define DELIVERY_COLS                                                                                        \
	"d.id, d.webhook_id, d.event_id, d.event, d.payload, d.status, d.attempts, d.last_code, "            \
	"d.last_error, d.next_try_at, d.created_at, d.updated_at "

static int read_delivery(struct store_stmt *st, struct arena *a, struct delivery_row *d)
{
	int bad = 0;
	d->id = store_col_i64(st, 0);
	d->webhook_id = store_col_i64(st, 1);
	d->event_id = store_col_i64(st, 2);
	d->event = dup(a, store_col_text(st, 3), &bad);
	d->payload = dup(a, store_col_text(st, 4), &bad);
	d->status = dup(a, store_col_text(st, 5), &bad);
	d->attempts = (int)store_col_i64(st, 6);
	d->last_code = (int)store_col_opt_i64(st, 7);
	d->last_error = dup(a, store_col_text(st, 8), &bad);
	d->next_try_at = store_col_opt_i64(st, 9);
	d->created_at = store_col_i64(st, 10);
	d->updated_at = store_col_i64(st, 11);
	return bad ? STORE_E_NOMEM : STORE_OK;
}

int deliveries_get(struct store *db, struct arena *a, int64_t id, struct delivery_row *d, const char **url,
		   const char **secret_sealed)
{
	struct store_stmt *st;
	int bad = 0;
	int rc = store_prepare(db,
			       "SELECT " DELIVERY_COLS ", h.url, h.secret_sealed, h.deleted_at FROM "
			       "webhook_deliveries d JOIN webhooks h ON h.id = d.webhook_id WHERE d.id = $1",
			       &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, id);
	rc = store_step(st);
	if (rc == STORE_ROW) {
		bool deleted = !store_col_is_null(st, 14);
		if (read_delivery(st, a, d) != STORE_OK)
			bad = 1;
		*url = deleted ? NULL : dup(a, store_col_text(st, 12), &bad);
		*secret_sealed = deleted ? NULL : dup(a, store_col_text(st, 13), &bad);
	}
	store_reset(st);
	return bad ? STORE_E_NOMEM : rc;
}

int deliveries_record(struct store *db, int64_t id, const char *status, int attempts, int code,
		      const char *error, int64_t next_try_at, int64_t now)
{
	struct store_stmt *st;
	int rc = store_prepare(db,
			       "UPDATE webhook_deliveries SET status = $1, attempts = $2, last_code = $3, "
			       "last_error = $4, next_try_at = $5, updated_at = $6 WHERE id = $7",
			       &st);
	if (rc)
		return rc;
	store_bind_text(st, 1, status);
	store_bind_i64(st, 2, attempts);
	store_bind_opt_i64(st, 3, code);
	store_bind_text(st, 4, error);
	store_bind_opt_i64(st, 5, next_try_at);
	store_bind_i64(st, 6, now);
	store_bind_i64(st, 7, id);
	return store_run(st);
}

int deliveries_list(struct store *db, struct arena *a, int64_t webhook_id, int max, struct delivery_row **out,
		    int *n)
{
	struct store_stmt *st;
	int rc, k = 0;
	*out = NULL;
	*n = 0;
	struct delivery_row *rows = arena_alloc(a, sizeof *rows * (size_t)(max > 0 ? max : 1));
	if (!rows)
		return STORE_E_NOMEM;
	rc = store_prepare(db,
			   "SELECT " DELIVERY_COLS
			   "FROM webhook_deliveries d WHERE d.webhook_id = $1 ORDER BY "
			   "d.id DESC LIMIT $2",
			   &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, webhook_id);
	store_bind_i64(st, 2, max);
	while (k < max && (rc = store_step(st)) == STORE_ROW) {
		if (read_delivery(st, a, &rows[k]) != STORE_OK) {
			rc = STORE_E_NOMEM;
			break;
		}
		k++;
	}
	store_reset(st);
	if (rc < 0)
		return rc;
	*out = rows;
	*n = k;
	return STORE_OK;
}

int deliveries_last_event(struct store *db, int64_t *event_id)
{
	struct store_stmt *st;
	int rc = store_prepare(db, "SELECT COALESCE(MAX(event_id), 0) FROM webhook_deliveries", &st);
	if (rc)
		return rc;
	rc = store_step_i64(st, event_id);
	if (rc == STORE_DONE)
		*event_id = 0;
	return rc < 0 ? rc : STORE_OK;
}
