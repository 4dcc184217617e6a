/*
 * events.h: the events table — every live event (http/stream.h) as it was recorded, kept a week so that
 * a client reconnecting with Last-Event-ID, or a hub that learns of an event over the bus, can read it.
 * Not for deciding who sees an event (domain/stream_reach.h) nor for delivering it (http/stream.c).
 *
 * Rows are read by ascending id in bounded batches through a callback, so no reader holds more than
 * one batch; the strings handed to the callback are valid only during the call.
 */
#ifndef TIENGMO_STORE_EVENTS_H
#define TIENGMO_STORE_EVENTS_H
#include <stdint.h>

#include "store/store.h"

#define EVENTS_BATCH_MAX 500 /* the most rows one events_after call reads */

struct event_row {
	int64_t id;
	int64_t at;
	const char *name;
	int perm;  /* enum perm */
	int reach; /* enum stream_reach */
	const char *unit_path;
	int64_t commune_id; /* 0 when none */
	const char *data;   /* a JSON object */
};

/* Appends e (its id is ignored) in the caller's transaction, if any. Returns STORE_OK and *id, or a
 * STORE_E_* code. Does not check the fields: stream_record does. */
int events_append(struct store *db, const struct event_row *e, int64_t *id);

/* Calls fn for each event with id > after_id in ascending id order, at most limit of them (capped at
 * EVENTS_BATCH_MAX). fn returns 0 to go on, anything else to stop. Returns STORE_OK with *n the rows
 * given to fn, or a STORE_E_* code. */
typedef int (*events_fn)(const struct event_row *e, void *ctx);
int events_after(struct store *db, int64_t after_id, int limit, events_fn fn, void *ctx, int *n);

/* Calls fn once with event id. Returns STORE_ROW (found), STORE_DONE (none) or an error. */
int events_get(struct store *db, int64_t id, events_fn fn, void *ctx);

/* The highest event id (0 when the table is empty). STORE_OK or an error. */
int events_last_id(struct store *db, int64_t *id);

/* Deletes the events recorded before `before` (Unix seconds). STORE_OK or an error. */
int events_prune(struct store *db, int64_t before);

#endif
