/*
 * stream.h: live events — an alarm raised, a tip arrived — recorded with the change that made them,
 * carried to every tiengmo instance over the event bus (store/bus.h), and fanned out by this process's
 * hub to the Server-Sent Event streams of GET /api/v1/stream, each filtered by its user's grants.
 *
 * Recording and announcing are two steps, so that an event exists exactly when its change does:
 *
 *     store_begin(db);
 *     ... the change, its audit entry ...
 *     stream_record(db, &(struct stream_event){.name = "alarm.raised", .perm = PERM_ALARMS_READ,
 *                   .reach = STREAM_REACH_AREA, .unit_path = block_path, .commune_id = c,
 *                   .data = alarm_json}, now, &event_id);
 *     store_commit(db);
 *     stream_announce(event_id);
 *
 * A process that dies between commit and announce loses only the live delivery: a client that
 * reconnects with Last-Event-ID gets the event from the database (the events table), as does one that
 * was offline. Handlers, background workers (alarm escalation) and the CLI all record the same way;
 * announce is a no-op when no hub runs in this process (the CLI).
 *
 * Who sees an event: a user who holds `perm` through a grant whose unit path G relates to the event's
 * unit path P. STREAM_REACH_RECORD: P lies within G (the rule for reading a record: officers above see
 * it). STREAM_REACH_AREA: P within G or G within P (an alarm for a block, or a commune once escalated,
 * also reaches the members whose grants lie inside it, team grants included through the team's unit).
 */
#ifndef TIENGMO_STREAM_H
#define TIENGMO_STREAM_H
#include <stdint.h>

#include "domain/perm.h"
#include "store/store.h"

#define STREAM_NAME_MAX 48	   /* "alarm.acknowledged" */
#define STREAM_DATA_MAX (6 * 1024) /* an event's JSON data; small: it names and summarises a record */

enum stream_reach {
	STREAM_REACH_RECORD = 0,
	STREAM_REACH_AREA = 1,
};

struct stream_event {
	int64_t id;	  /* set by stream_record; the SSE id */
	int64_t at;	  /* Unix seconds */
	const char *name; /* the SSE event name: "alarm.raised", "tip.created", … ([a-z._]) */
	enum perm perm;	  /* the permission a reader needs */
	enum stream_reach reach;
	const char *unit_path; /* P above: the materialised path of the unit it concerns */
	int64_t commune_id;    /* 0 when none */
	const char *data;      /* a JSON object, at most STREAM_DATA_MAX bytes */
};

/* Appends event e (its id and at are ignored) to the events table inside the caller's open
 * transaction, at time now. Returns 0 and *id, or a STORE_E_* code (a name or data too long, a data
 * that is not a JSON object: STORE_E_CHECK). */
int stream_record(struct store *db, const struct stream_event *e, int64_t now, int64_t *id);

/* Tells every instance (this one included) that event id is committed; their hubs load it and send it
 * to the streams allowed to see it. Never blocks on a client. No-op when no hub runs in this process. */
void stream_announce(int64_t id);

/* An in-process listener: called once per event that reaches this process's hub (whatever instance
 * recorded it), on the hub's thread, after the streams have been given it. It must be quick (hand the
 * event over, never block). `e` is valid only during the call. Returns an id >= 0, or -1 when full. */
typedef void (*stream_listener_fn)(const struct stream_event *e, void *ctx);
int stream_listen(stream_listener_fn fn, void *ctx);

/* The hub (http/stream.c), run by `tiengmo serve`. */
#define STREAM_HEARTBEAT_MS 15000 /* a comment line this often keeps proxies open and finds dead peers */
struct bus;
/* Starts the hub thread on bus (owned by the caller, open until stream_hub_stop returns), subscribed
 * to the announcements of every instance; heartbeat_ms 0 means STREAM_HEARTBEAT_MS. Returns 0, or -1
 * when it runs already or cannot start. */
int stream_hub_start(struct bus *bus, int heartbeat_ms);
/* Ends every open stream (each sends what it has queued, then its response ends) and refuses new
 * ones: the server calls it when it stops accepting, so that streams do not hold the shutdown. */
void stream_hub_end_streams(void);
/* Stops the hub thread and leaves the bus; no listener runs after it returns. */
void stream_hub_stop(void);

#endif
