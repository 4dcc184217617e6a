/*
 * events.c: the events table of events.h in the SQL both engines share.
 */
#include "store/events.h"

#include <stddef.h>

#define EVENT_COLS "id, at, name, perm, reach, unit_path, commune_id, data"

int events_append(struct store *db, const struct event_row *e, int64_t *id)
{
	struct store_stmt *st;
	int rc = store_prepare(db,
			       "INSERT INTO events (at, name, perm, reach, unit_path, commune_id, data) "
			       "VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
			       &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, e->at);
	store_bind_text(st, 2, e->name);
	store_bind_i64(st, 3, e->perm);
	store_bind_i64(st, 4, e->reach);
	store_bind_text(st, 5, e->unit_path);
	store_bind_opt_i64(st, 6, e->commune_id);
	store_bind_text(st, 7, e->data);
	rc = store_step_i64(st, id);
	if (rc == STORE_DONE)
		rc = STORE_E_DB;
	return rc == STORE_ROW ? STORE_OK : rc;
}

static void read_row(struct store_stmt *st, struct event_row *e)
{
	e->id = store_col_i64(st, 0);
	e->at = store_col_i64(st, 1);
	e->name = store_col_text(st, 2);
	e->perm = (int)store_col_i64(st, 3);
	e->reach = (int)store_col_i64(st, 4);
	e->unit_path = store_col_text(st, 5);
	e->commune_id = store_col_opt_i64(st, 6);
	e->data = store_col_text(st, 7);
}

int events_after(struct store *db, int64_t after_id, int limit, events_fn fn, void *ctx, int *n)
{
	struct store_stmt *st;
	int rc =
	    store_prepare(db, "SELECT " EVENT_COLS " FROM events WHERE id > $1 ORDER BY id LIMIT $2", &st);
	*n = 0;
	if (rc)
		return rc;
	if (limit <= 0 || limit > EVENTS_BATCH_MAX)
		limit = EVENTS_BATCH_MAX;
	store_bind_i64(st, 1, after_id);
	store_bind_i64(st, 2, limit);
	while ((rc = store_step(st)) == STORE_ROW) {
		struct event_row e;
		read_row(st, &e);
		(*n)++;
		if (fn(&e, ctx))
			break;
	}
	store_reset(st);
	return rc < 0 ? rc : STORE_OK;
}

int events_get(struct store *db, int64_t id, events_fn fn, void *ctx)
{
	struct store_stmt *st;
	int rc = store_prepare(db, "SELECT " EVENT_COLS " FROM events WHERE id = $1", &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, id);
	rc = store_step(st);
	if (rc == STORE_ROW) {
		struct event_row e;
		read_row(st, &e);
		fn(&e, ctx);
	}
	store_reset(st);
	return rc;
}

int events_last_id(struct store *db, int64_t *id)
{
	struct store_stmt *st;
	int rc = store_prepare(db, "SELECT COALESCE(MAX(id), 0) FROM events", &st);
	if (rc)
		return rc;
	rc = store_step_i64(st, id);
	if (rc == STORE_DONE) {
		*id = 0;
		rc = STORE_ROW;
	}
	return rc == STORE_ROW ? STORE_OK : rc;
}

int events_prune(struct store *db, int64_t before)
{
	struct store_stmt *st;
	int rc = store_prepare(db, "DELETE FROM events WHERE at < $1", &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, before);
	return store_run(st);
}
