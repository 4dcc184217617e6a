/*
 * stream.c: the live event hub of stream.h — recording events, announcing them over the bus, and
 * fanning them out to the Server-Sent Event streams of GET /api/v1/stream. Not the place for what an
 * event means (the areas that record them) nor for who may see it (domain/stream_reach.c).
 *
 * One hub thread does all the work that touches the database or more than one stream: it takes the ids
 * announced over the bus, loads each event once, formats its SSE frame once, and appends it to the
 * bounded queue of every live stream allowed to see it; it replays the missed events of streams that
 * open with a Last-Event-ID (in batches, as their queues drain); it writes heartbeats, checks that each
 * stream's session still lives, and prunes the events table.
 *
 * A stream is a libmicrohttpd response with a content-reader callback. An event's SSE frame is formatted
 * once into a reference-counted frame that every stream's queue points to (10,000 streams share one
 * copy); a stream's queue is a small ring of frame references, inline in the stream while it holds a
 * few, and holds no memory while empty. The callback copies queued bytes out; when the queue is empty
 * it suspends the connection, and the hub resumes it when it appends.
 * Nothing here ever waits on a client: a stream whose queue would overflow is ended (its reader is too
 * slow), and a socket that takes nothing for the connection timeout (three heartbeats) is closed by
 * libmicrohttpd. docs/internals/stream.md has the picture and the ordering argument (no gap, no
 * duplicate between replay and live).
 */
#include "http/stream.h"

#include <jansson.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/api.h"
#include "domain/stream_reach.h"
#include "http/http.h"
#include "lib/log.h"
#include "lib/timeutil.h"
#include "http/auth.h"
#include "store/bus.h"
#include "store/events.h"
#include "store/teams.h"
#include "store/users.h"

#define LISTENERS_MAX 16
#define STREAM_QUEUE_MAX (64 * 1024)		  /* bytes waiting for one client; past it, it is dropped */
#define STREAM_REPLAY_HIGH (STREAM_QUEUE_MAX / 2) /* replay stops filling a queue here */
#define STREAM_GRANTS_MAX 64
#define QUEUE_INLINE 4	 /* frame references a stream holds without a heap allocation */
#define STREAM_BLOCK 512 /* the response's block: see api_stream */
#define POLL_MS 1000	 /* also read new events this often: other processes on SQLite, lost NOTIFYs */
#define PRUNE_EVERY_S 3600
#define KEEP_S (7 * 24 * 3600)
#define BUS_TOPIC "stream"
#define STREAM_HOPS_MAX 6	 /* redirects of a stream request off reused connections: see redirect() */
#define STREAM_HOP_CHAIN_S 60	 /* a hop older than this begins a new chain of them */
#define STREAM_LOCATION_MAX 1024 /* the longest Location a redirect repeats the query in */

enum stream_state { ST_PENDING, ST_REPLAYING, ST_LIVE };

/* One formatted SSE frame, shared by every queue it is on. A fixed frame (the greeting, the heartbeat)
 * is static and never counted. */
struct frame {
	_Atomic int refs;
	bool fixed;
	size_t len;
	const char *data; /* the bytes after the struct, or a static string */
};

struct qent {
	struct frame *f;
	size_t off; /* bytes of f already sent */
};

struct stream {
	pthread_mutex_t mu; /* guards the queue, suspended and closed */
	struct MHD_Connection *conn;
	/* the queue: a ring of qslots entries at q (qin, or a malloc'd array while it holds more) */
	struct qent *q;
	unsigned qhead, qn, qslots;
	size_t qlen; /* bytes waiting, at most STREAM_QUEUE_MAX */
	struct qent qin[QUEUE_INLINE];
	bool suspended;	    /* the reader suspended the connection; the next append resumes it */
	bool closed;	    /* end the response once the queue is sent (or at once when dropped) */
	_Atomic bool gone;  /* the response is freed; the hub unlinks it from its list */
	bool stream_daemon; /* served by the small-pool daemon (for /metrics) */
	/* the hub thread's own fields (read under the hub lock by the fan-out) */
	enum stream_state state;
	int64_t cursor; /* replay: the last id read; live: events up to it came by replay */
	char token_hash[65];
	int64_t created_after;
	int ngrants;
	struct reach_grant *grants; /* ngrants of them, then their paths: one allocation */
	_Atomic int refs;
	struct stream *prev, *next;
};

static struct {
	pthread_mutex_t mu; /* the list, the inbox, the flags */
	pthread_cond_t cond;
	bool running, stopping, wake;
	_Atomic bool replay_room; /* a replaying stream's reader made room */
	pthread_t thread;
	struct bus *bus;
	int bus_sub;
	int heartbeat_ms;
	struct stream *head;
	bool announced; /* an announcement came: read the events after the hub's cursor */
} hub = {.mu = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER, .bus_sub = -1};

static pthread_mutex_t g_listen_mu = PTHREAD_MUTEX_INITIALIZER;
static struct {
	stream_listener_fn fn;
	void *ctx;
} g_listeners[LISTENERS_MAX];
static int g_nlisteners;

/* ---- recording ---- */

static bool name_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n > STREAM_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || s[i] == '.' || s[i] == '_'))
			return false;
	return true;
}

static bool data_ok(const char *d)
{
	if (!d || strlen(d) > STREAM_DATA_MAX)
		return false;
	json_t *j = json_loads(d, JSON_REJECT_DUPLICATES, NULL);
	bool ok = j && json_is_object(j);
	json_decref(j);
	return ok;
}

int stream_record(struct store *db, const struct stream_event *e, int64_t now, int64_t *id)
{
	if (!e || !name_ok(e->name) || !data_ok(e->data) || !e->unit_path || !*e->unit_path ||
	    (e->reach != STREAM_REACH_RECORD && e->reach != STREAM_REACH_AREA) || e->perm >= PERM_COUNT)
		return STORE_E_CHECK;
	struct event_row row = {
	    .at = now,
	    .name = e->name,
	    .perm = (int)e->perm,
	    .reach = (int)e->reach,
	    .unit_path = e->unit_path,
	    .commune_id = e->commune_id,
	    .data = e->data,
	};
	return events_append(db, &row, id);
}

/* ---- announcing: the bus hands ids to the hub's inbox ---- */

void stream_announce(int64_t id)
{
	pthread_mutex_lock(&hub.mu);
	struct bus *b = hub.running ? hub.bus : NULL;
	pthread_mutex_unlock(&hub.mu);
	if (!b || id <= 0)
		return;
	char payload[48];
	snprintf(payload, sizeof payload, "{\"id\":%lld}", (long long)id);
	bus_publish(b, BUS_TOPIC, payload); /* logs its own failure; replay covers a lost announce */
}

static void on_bus(const char *topic, const char *payload, void *ctx)
{
	(void)topic;
	(void)ctx;
	(void)payload; /* {"id":N}: the hub reads every event after its cursor, N among them */
	pthread_mutex_lock(&hub.mu);
	hub.announced = true;
	pthread_cond_signal(&hub.cond);
	pthread_mutex_unlock(&hub.mu);
}

int stream_listen(stream_listener_fn fn, void *ctx)
{
	int id = -1;
	pthread_mutex_lock(&g_listen_mu);
	if (g_nlisteners < LISTENERS_MAX) {
		g_listeners[g_nlisteners].fn = fn;
		g_listeners[g_nlisteners].ctx = ctx;
		id = g_nlisteners++;
	}
	pthread_mutex_unlock(&g_listen_mu);
	return id;
}

/* ---- frames ---- */

#define HELLO "retry: 3000\n\n" /* the first bytes: how long a browser waits before reconnecting */
#define BEAT ":\n\n"
static struct frame hello_frame = {.fixed = true, .len = sizeof HELLO - 1, .data = HELLO};
static struct frame beat_frame = {.fixed = true, .len = sizeof BEAT - 1, .data = BEAT};

/* A new frame holding a copy of data[0..n), one reference (the caller's); NULL when out of memory. */
static struct frame *frame_new(const char *data, size_t n)
{
	struct frame *f = malloc(sizeof *f + n);
	if (!f)
		return NULL;
	atomic_init(&f->refs, 1);
	f->fixed = false;
	f->len = n;
	memcpy(f + 1, data, n);
	f->data = (const char *)(f + 1);
	return f;
}

static void frame_unref(struct frame *f)
{
	if (!f->fixed && atomic_fetch_sub(&f->refs, 1) == 1)
		free(f);
}

/* ---- one stream ---- */

/* Drops every queued frame and returns the ring to its inline slots. Called with s->mu held (or when
 * s is no longer shared). */
static void queue_clear(struct stream *s)
{
	for (unsigned i = 0; i < s->qn; i++)
		frame_unref(s->q[(s->qhead + i) % s->qslots].f);
	if (s->q != s->qin)
		free(s->q);
	s->q = s->qin;
	s->qslots = QUEUE_INLINE;
	s->qhead = s->qn = 0;
	s->qlen = 0;
}

static void stream_unref(struct stream *s)
{
	if (atomic_fetch_sub(&s->refs, 1) != 1)
		return;
	pthread_mutex_destroy(&s->mu);
	queue_clear(s);
	free(s->grants);
	free(s);
}

/* Appends a reference to f to s's queue and wakes its connection. Called with s->mu held. Returns
 * false when it does not fit: the stream is then dropped (its queue freed, the response ended). */
static bool queue_locked(struct stream *s, struct frame *f)
{
	if (s->closed)
		return false;
	if (s->qlen + f->len > STREAM_QUEUE_MAX) {
		queue_clear(s);
		s->closed = true;
		metrics_stream_dropped();
		log_kv(LOG_INFO, "stream dropped", "reason", "reader too slow", NULL);
		goto wake;
	}
	if (s->qn == s->qslots) { /* grow the ring, oldest first */
		unsigned slots = s->qslots * 2;
		struct qent *q = malloc(sizeof *q * slots);
		if (!q) {
			queue_clear(s);
			s->closed = true;
			metrics_stream_dropped();
			log_kv(LOG_WARN, "stream dropped", "reason", "out of memory", NULL);
			goto wake;
		}
		for (unsigned i = 0; i < s->qn; i++)
			q[i] = s->q[(s->qhead + i) % s->qslots];
		if (s->q != s->qin)
			free(s->q);
		s->q = q;
		s->qslots = slots;
		s->qhead = 0;
	}
	if (!f->fixed)
		atomic_fetch_add(&f->refs, 1);
	s->q[(s->qhead + s->qn) % s->qslots] = (struct qent){.f = f, .off = 0};
	s->qn++;
	s->qlen += f->len;
wake:
	if (s->suspended) {
		s->suspended = false;
		MHD_resume_connection(s->conn);
	}
	return !s->closed;
}

static void stream_end(struct stream *s)
{
	pthread_mutex_lock(&s->mu);
	if (!s->closed) {
		s->closed = true;
		if (s->suspended) {
			s->suspended = false;
			MHD_resume_connection(s->conn);
		}
	}
	pthread_mutex_unlock(&s->mu);
}

/* libmicrohttpd asks for the next bytes of the response (on its own thread). */
static ssize_t stream_read(void *cls, uint64_t pos, char *out, size_t max)
{
	(void)pos;
	struct stream *s = cls;
	ssize_t n;
	bool poke = false;
	pthread_mutex_lock(&s->mu);
	if (s->qn) {
		size_t k = 0;
		while (s->qn && k < max) {
			struct qent *e = &s->q[s->qhead];
			size_t take = e->f->len - e->off;
			if (take > max - k)
				take = max - k;
			memcpy(out + k, e->f->data + e->off, take);
			k += take;
			e->off += take;
			if (e->off == e->f->len) {
				frame_unref(e->f);
				s->qhead = (s->qhead + 1) % s->qslots;
				s->qn--;
			}
		}
		s->qlen -= k;
		if (s->qn == 0) /* an idle stream keeps no memory */
			queue_clear(s);
		poke = s->state == ST_REPLAYING && s->qlen < STREAM_REPLAY_HIGH / 2;
		n = (ssize_t)k;
	} else if (s->closed) {
		n = MHD_CONTENT_READER_END_OF_STREAM;
	} else {
		s->suspended = true;
		MHD_suspend_connection(s->conn);
		n = 0;
	}
	pthread_mutex_unlock(&s->mu);
	if (poke) /* a replay waits for room; the hub looks often while one runs */
		atomic_store(&hub.replay_room, true);
	return n;
}

/* The response is gone (the connection closed). libmicrohttpd may hold its own locks here, so this
 * takes none of the hub's: the hub unlinks the stream on its next pass. */
static void stream_free(void *cls)
{
	struct stream *s = cls;
	atomic_store(&s->gone, true);
	metrics_streams_add(s->stream_daemon, -1);
	stream_unref(s);
}

/* Unlinks s from the hub's list and drops the list's reference. Called with hub.mu held. */
static struct stream *unlink_locked(struct stream *s)
{
	struct stream *next = s->next;
	if (s->prev)
		s->prev->next = s->next;
	else
		hub.head = s->next;
	if (s->next)
		s->next->prev = s->prev;
	stream_unref(s);
	return next;
}

/* ---- the hub thread ---- */

/* Writes the SSE frame of e into b: id, event, data (on one line: a JSON object's newlines are only
 * whitespace between tokens). */
static void frame(struct buf *b, const struct event_row *e)
{
	buf_reset(b);
	buf_printf(b, "id: %lld\nevent: %s\ndata: ", (long long)e->id, e->name);
	size_t from = b->len;
	buf_adds(b, e->data);
	for (size_t i = from; i < b->len; i++)
		if (b->data[i] == '\n' || b->data[i] == '\r')
			b->data[i] = ' ';
	buf_adds(b, "\n\n");
}

static bool sees(const struct stream *s, const struct event_row *e)
{
	return stream_reach_allows(s->grants, s->ngrants, (enum perm)e->perm, e->reach, e->unit_path);
}

struct replay_ctx {
	struct stream *s;
	struct buf *b;
	bool full;
};

static int replay_one(const struct event_row *e, void *ctx)
{
	struct replay_ctx *c = ctx;
	struct stream *s = c->s;
	c->s->cursor = e->id;
	if (!sees(s, e))
		return 0;
	frame(c->b, e);
	struct frame *f = c->b->err ? NULL : frame_new(c->b->data, c->b->len);
	if (!f)
		return 0;
	pthread_mutex_lock(&s->mu);
	bool ok = queue_locked(s, f);
	c->full = !ok || s->qlen >= STREAM_REPLAY_HIGH;
	pthread_mutex_unlock(&s->mu);
	frame_unref(f);
	return c->full;
}

/* Brings the streams that opened or are catching up closer to live; see the file comment. */
static void do_replays(struct store *db, struct buf *b)
{
	enum { MAX = 64 };
	struct stream *work[MAX];
	int n = 0;
	pthread_mutex_lock(&hub.mu);
	for (struct stream *s = hub.head, *next; s && n < MAX; s = next) {
		next = s->next;
		if (atomic_load(&s->gone)) {
			next = unlink_locked(s);
			continue;
		}
		if (s->state == ST_LIVE)
			continue;
		if (s->state == ST_REPLAYING) {
			pthread_mutex_lock(&s->mu);
			bool room = s->qlen < STREAM_REPLAY_HIGH / 2 && !s->closed;
			pthread_mutex_unlock(&s->mu);
			if (!room)
				continue;
		}
		atomic_fetch_add(&s->refs, 1);
		work[n++] = s;
	}
	pthread_mutex_unlock(&hub.mu);
	for (int i = 0; i < n; i++) {
		struct stream *s = work[i];
		if (s->state == ST_PENDING && s->cursor < 0) { /* no Last-Event-ID: from now on */
			int64_t last = 0;
			if (events_last_id(db, &last) != STORE_OK)
				log_kv(LOG_WARN, "stream: cannot read the last event id", NULL);
			s->cursor = last;
			s->state = ST_LIVE;
		} else {
			struct replay_ctx c = {.s = s, .b = b};
			int got = 0;
			s->state = ST_REPLAYING;
			int rc = events_after(db, s->cursor, EVENTS_BATCH_MAX, replay_one, &c, &got);
			if (rc != STORE_OK) {
				log_kv(LOG_WARN, "stream: cannot replay events", NULL);
				stream_end(s);
			} else if (!c.full && got < EVENTS_BATCH_MAX) {
				s->state = ST_LIVE; /* caught up: later events come live */
			}
		}
		stream_unref(s);
	}
	if (n == MAX) { /* more wait: come back at once */
		pthread_mutex_lock(&hub.mu);
		hub.wake = true;
		pthread_mutex_unlock(&hub.mu);
	}
}

/* Is any stream still catching up? (hub.mu held) */
static bool replaying_locked(void)
{
	for (struct stream *s = hub.head; s; s = s->next)
		if (s->state != ST_LIVE && !atomic_load(&s->gone))
			return true;
	return false;
}

struct fan_ctx {
	struct buf *b;
	int64_t cursor; /* the last event fanned out */
};

static int fan_out(const struct event_row *e, void *ctx)
{
	struct fan_ctx *c = ctx;
	c->cursor = e->id;
	frame(c->b, e);
	struct frame *f = c->b->err ? NULL : frame_new(c->b->data, c->b->len);
	if (!f)
		return 0;
	pthread_mutex_lock(&hub.mu);
	for (struct stream *s = hub.head; s; s = s->next) {
		if (s->state != ST_LIVE || e->id <= s->cursor || atomic_load(&s->gone) || !sees(s, e))
			continue;
		pthread_mutex_lock(&s->mu);
		queue_locked(s, f);
		pthread_mutex_unlock(&s->mu);
	}
	pthread_mutex_unlock(&hub.mu);
	frame_unref(f); /* the queues hold it now; the last reader to send it frees it */
	struct stream_event se = {.id = e->id,
				  .at = e->at,
				  .name = e->name,
				  .perm = (enum perm)e->perm,
				  .reach = (enum stream_reach)e->reach,
				  .unit_path = e->unit_path,
				  .commune_id = e->commune_id,
				  .data = e->data};
	pthread_mutex_lock(&g_listen_mu);
	int nl = g_nlisteners;
	pthread_mutex_unlock(&g_listen_mu);
	for (int i = 0; i < nl; i++)
		g_listeners[i].fn(&se, g_listeners[i].ctx);
	return 0;
}

/* A heartbeat comment to every live stream with nothing queued; ends the streams whose session has
 * ended (logged out, expired, user disabled). */
static void heartbeat(struct store *db)
{
	int64_t now = time_now();
	pthread_mutex_lock(&hub.mu);
	int total = 0;
	for (struct stream *s = hub.head; s; s = s->next)
		total++;
	struct stream **all = total ? malloc(sizeof *all * (size_t)total) : NULL;
	int n = 0;
	for (struct stream *s = hub.head, *next; s && all && n < total; s = next) {
		next = s->next;
		if (atomic_load(&s->gone)) {
			next = unlink_locked(s);
			continue;
		}
		atomic_fetch_add(&s->refs, 1);
		all[n++] = s;
		pthread_mutex_lock(&s->mu);
		if (s->qlen == 0)
			queue_locked(s, &beat_frame);
		pthread_mutex_unlock(&s->mu);
	}
	pthread_mutex_unlock(&hub.mu);
	struct arena a;
	arena_init(&a, 1u << 20);
	for (int i = 0; i < n; i++) {
		struct stream *s = all[i];
		int64_t uid = 0, exp = 0, seen = 0;
		const char *csrf = NULL;
		int rc =
		    sessions_find(db, &a, s->token_hash, now, s->created_after, &uid, &csrf, &exp, &seen);
		if (rc == STORE_DONE)
			stream_end(s);
		arena_release(&a); /* a few bytes per session; released and reused */
		arena_init(&a, 1u << 20);
		stream_unref(s);
	}
	arena_release(&a);
	free(all);
}

/* Fans out every event recorded after fc->cursor, in id order, in bounded batches. */
static void fan_out_new(struct store *db, struct fan_ctx *fc)
{
	for (int round = 0; round < 100; round++) {
		int n = 0;
		if (events_after(db, fc->cursor, EVENTS_BATCH_MAX, fan_out, fc, &n) != STORE_OK) {
			log_kv(LOG_WARN, "stream: cannot read new events", NULL);
			return;
		}
		if (n < EVENTS_BATCH_MAX)
			return;
	}
}

static void *hub_main(void *arg)
{
	(void)arg;
	struct buf b;
	buf_init(&b, STREAM_DATA_MAX + 256);
	struct store *db = store_thread();
	uint64_t hb_ns = (uint64_t)hub.heartbeat_ms * 1000000u;
	uint64_t poll_ns = (uint64_t)POLL_MS * 1000000u;
	uint64_t next_hb = time_mono_ns() + hb_ns, next_poll = time_mono_ns() + poll_ns;
	int64_t next_prune = 0;
	struct fan_ctx fc = {.b = &b, .cursor = -1};
	for (;;) {
		pthread_mutex_lock(&hub.mu);
		while (!hub.stopping && !hub.announced && !hub.wake) {
			uint64_t now = time_mono_ns();
			if (now >= next_hb || now >= next_poll || atomic_exchange(&hub.replay_room, false))
				break;
			struct timespec ts;
			clock_gettime(CLOCK_REALTIME, &ts);
			uint64_t wait = (next_hb < next_poll ? next_hb : next_poll) - now;
			if (replaying_locked() && wait > 20000000u)
				wait = 20000000u; /* a replay in progress: look for room every 20 ms */
			ts.tv_sec += (time_t)(wait / 1000000000u);
			ts.tv_nsec += (long)(wait % 1000000000u);
			if (ts.tv_nsec >= 1000000000L) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000L;
			}
			pthread_cond_timedwait(&hub.cond, &hub.mu, &ts);
		}
		if (hub.stopping) {
			pthread_mutex_unlock(&hub.mu);
			break;
		}
		bool announced = hub.announced;
		hub.wake = false;
		hub.announced = false;
		pthread_mutex_unlock(&hub.mu);
		if (!db)
			db = store_thread();
		if (!db)
			continue;
		if (fc.cursor < 0 && events_last_id(db, &fc.cursor) != STORE_OK) {
			fc.cursor = -1; /* try again on the next round */
			continue;
		}
		/* replays first: a stream turns live at the last id its replay read, and the fan-out below
		 * sends it only what comes after */
		do_replays(db, &b);
		uint64_t mono = time_mono_ns();
		if (announced || mono >= next_poll) {
			fan_out_new(db, &fc);
			next_poll = mono + poll_ns;
		}
		if (mono >= next_hb) {
			heartbeat(db);
			next_hb = mono + hb_ns;
		}
		int64_t now = time_now();
		if (now >= next_prune) {
			if (events_prune(db, now - KEEP_S) != STORE_OK)
				log_kv(LOG_WARN, "stream: cannot prune old events", NULL);
			next_prune = now + PRUNE_EVERY_S;
		}
	}
	buf_release(&b);
	store_thread_release();
	return NULL;
}

int stream_hub_start(struct bus *bus, int heartbeat_ms)
{
	int rc = -1;
	pthread_mutex_lock(&hub.mu);
	if (hub.running)
		goto out;
	hub.bus = bus;
	hub.heartbeat_ms = heartbeat_ms > 0 ? heartbeat_ms : STREAM_HEARTBEAT_MS;
	hub.stopping = false;
	hub.bus_sub = bus_subscribe(bus, BUS_TOPIC, on_bus, NULL);
	if (hub.bus_sub < 0)
		goto out;
	if (pthread_create(&hub.thread, NULL, hub_main, NULL) != 0) {
		bus_unsubscribe(bus, hub.bus_sub);
		hub.bus_sub = -1;
		goto out;
	}
	hub.running = true;
	rc = 0;
out:
	pthread_mutex_unlock(&hub.mu);
	return rc;
}

void stream_hub_end_streams(void)
{
	pthread_mutex_lock(&hub.mu);
	hub.stopping = true; /* refuse new streams from now on */
	for (struct stream *s = hub.head; s; s = s->next)
		stream_end(s);
	pthread_cond_signal(&hub.cond);
	pthread_mutex_unlock(&hub.mu);
}

void stream_hub_stop(void)
{
	pthread_mutex_lock(&hub.mu);
	bool running = hub.running;
	hub.stopping = true;
	pthread_cond_signal(&hub.cond);
	pthread_mutex_unlock(&hub.mu);
	if (!running)
		return;
	bus_unsubscribe(hub.bus, hub.bus_sub);
	pthread_join(hub.thread, NULL);
	pthread_mutex_lock(&hub.mu);
	for (struct stream *s = hub.head; s;)
		s = unlink_locked(s);
	hub.running = false;
	hub.bus = NULL;
	hub.bus_sub = -1;
	pthread_mutex_unlock(&hub.mu);
}

/* ---- GET /api/v1/stream ---- */

/* Parses a Last-Event-ID: "" or absent → -1 (from now on), digits → the id, anything else → -2. */
static int64_t parse_last_id(const char *s)
{
	if (!s || !*s)
		return -1;
	int64_t v = 0;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9' || v > (INT64_MAX - 9) / 10)
			return -2;
		v = v * 10 + (*p - '0');
	}
	return v;
}

/* Copies the user's grants into s, a team grant with its team's unit path. */
static int copy_grants(struct req *r, struct stream *s)
{
	size_t total = 0;
	const char *path[STREAM_GRANTS_MAX];
	int n = r->user.ngrants < STREAM_GRANTS_MAX ? r->user.ngrants : STREAM_GRANTS_MAX;
	for (int i = 0; i < n; i++) {
		const struct grant *g = &r->user.grants[i];
		path[i] = g->unit_path;
		if (g->team_id) {
			path[i] = NULL;
			int rc = teams_unit_path(r->db, &r->arena, g->team_id, &path[i]);
			if (rc != STORE_ROW && rc != STORE_DONE)
				return http_fail_store(r, rc);
		}
		total += path[i] ? strlen(path[i]) + 1 : 0;
	}
	s->grants = malloc(sizeof *s->grants * (size_t)(n ? n : 1) + total);
	if (!s->grants)
		return APP_E_NOMEM;
	char *p = (char *)(s->grants + (n ? n : 1));
	for (int i = 0; i < n; i++) {
		const struct grant *g = &r->user.grants[i];
		s->grants[i].role = g->role;
		s->grants[i].team = g->team_id != 0;
		s->grants[i].path = NULL;
		if (path[i]) {
			size_t len = strlen(path[i]) + 1;
			memcpy(p, path[i], len);
			s->grants[i].path = p;
			p += len;
		} else if (g->team_id) {
			s->grants[i].role = ROLE_VIEWER; /* a team that is gone covers nothing */
			s->grants[i].team = true;
		}
	}
	s->ngrants = n;
	return APP_OK;
}

/* Adds one query argument to the Location being built (cls: a struct buf), percent-encoded; skips
 * hop, which redirect() sets itself. */
static enum MHD_Result add_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	(void)kind;
	struct buf *b = cls;
	if (strcmp(key, "hop") == 0)
		return MHD_YES;
	static const char hex[] = "0123456789ABCDEF";
	for (int part = 0; part < 2; part++) {
		const unsigned char *p = (const unsigned char *)(part ? value : key);
		if (part && !value)
			break;
		if (part)
			buf_addc(b, '=');
		for (; *p; p++) {
			if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			    (*p >= '0' && *p <= '9') || *p == '-' || *p == '.' || *p == '_' || *p == '~') {
				buf_addc(b, (char)*p);
			} else {
				buf_addc(b, '%');
				buf_addc(b, hex[*p >> 4]);
				buf_addc(b, hex[*p & 15]);
			}
		}
	}
	buf_addc(b, '&');
	return MHD_YES;
}

/* Reads hop=N-T (the Nth redirect of a chain that began at Unix second T, see redirect()) into *n and
 * *t; a bare N leaves *t 0. Anything else reads as no hop at all (0, 0). */
static void parse_hop(const char *h, int *n, int64_t *t)
{
	*n = 0;
	*t = 0;
	int v = 0;
	const char *p = h;
	for (; p && *p >= '0' && *p <= '9' && v < 1000; p++)
		v = v * 10 + (*p - '0');
	if (!p || p == h || (*p && *p != '-'))
		return;
	int64_t at = 0;
	if (*p == '-') {
		const char *q = ++p;
		for (; *p >= '0' && *p <= '9' && at < INT64_MAX / 10 - 9; p++)
			at = at * 10 + (*p - '0');
		if (p == q || *p)
			return;
	}
	*n = v;
	*t = at;
}

/* A stream request that came on a reused keep-alive connection of the main daemon (browsers send the
 * EventSource request on an idle connection when they have one) would hold that daemon's 8 KiB pool for
 * as long as it is open. Answers it instead with a 307 to the same path and query plus hop=N-T and
 * Connection: close: the browser follows on another connection, and once it is a fresh one the accept
 * thread gives it to the stream daemon. The STREAM_HOPS_MAXth hop of a chain is served here, so nothing
 * loops. A browser reconnects an EventSource to the URL it ended at, hop included: T (when the chain
 * began) lets a reconnect more than STREAM_HOP_CHAIN_S later start a new chain instead of using up the
 * old one's. Returns true when it answered, false to serve the stream (the last hop, or a query too long
 * to repeat). */
static bool redirect(struct req *r)
{
	int hop;
	int64_t began, now = time_now();
	parse_hop(http_query(r, "hop"), &hop, &began);
	if (began && (now - began > STREAM_HOP_CHAIN_S || began > now)) {
		hop = 0; /* a reconnect, long after its chain */
		began = 0;
	}
	if (hop >= STREAM_HOPS_MAX)
		return false;
	struct buf b;
	buf_init(&b, STREAM_LOCATION_MAX);
	buf_adds(&b, r->path);
	buf_addc(&b, '?');
	MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, add_arg, &b);
	buf_printf(&b, "hop=%d-%lld", hop + 1, (long long)(began ? began : now));
	const char *loc = b.err ? NULL : arena_strdup(&r->arena, b.data);
	buf_release(&b);
	if (!loc)
		return false;
	http_header(r, "Location", loc);
	http_header(r, "Connection", "close");
	http_text(r, 307, "text/plain; charset=utf-8", "");
	metrics_stream_redirected();
	return true;
}

int api_stream(struct req *r)
{
	int rc = APP_E_INTERNAL;
	struct stream *s = NULL;
	const char *hdr = http_req_header(r, "Last-Event-ID");
	if (!hdr || !*hdr)
		hdr = http_query(r, "last_event_id");
	int64_t last = parse_last_id(hdr);
	if (last == -2)
		return http_fail(r, APP_E_PARAM, "'Last-Event-ID' must be an event id (digits)");
	pthread_mutex_lock(&hub.mu);
	bool up = hub.running && !hub.stopping;
	pthread_mutex_unlock(&hub.mu);
	if (!up)
		return http_fail(r, APP_E_UNAVAIL, "live events are not available on this server");
	if (!r->stream_daemon && r->conn_reused && redirect(r))
		return APP_OK;

	s = calloc(1, sizeof *s);
	if (!s)
		return APP_E_NOMEM;
	pthread_mutex_init(&s->mu, NULL);
	s->q = s->qin;
	s->qslots = QUEUE_INLINE;
	atomic_init(&s->refs, 2); /* the response's and the hub list's */
	s->conn = r->conn;
	s->stream_daemon = r->stream_daemon;
	s->cursor = last;
	s->state = ST_PENDING;
	/* no Last-Event-ID: from the last event committed now. The hub replays from there, so an event
	 * recorded while this stream joins its list is neither lost nor sent twice. */
	if (last < 0 && events_last_id(r->db, &s->cursor) != STORE_OK)
		s->cursor = -1; /* the hub reads it instead */
	memcpy(s->token_hash, r->session.token_hash, sizeof s->token_hash);
	s->created_after = time_now() - SESSION_MAX_SECONDS;
	rc = copy_grants(r, s);
	if (rc != APP_OK)
		goto out;
	/* the first bytes: how long a browser waits before reconnecting */
	pthread_mutex_lock(&s->mu);
	queue_locked(s, &hello_frame);
	pthread_mutex_unlock(&s->mu);

	/* the block is the response's own buffer, used only without chunked encoding (an HTTP/1.0
	 * client): chunked, libmicrohttpd has the reader fill its connection buffer directly */
	struct MHD_Response *resp =
	    MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, STREAM_BLOCK, stream_read, s, stream_free);
	if (!resp) {
		rc = APP_E_NOMEM;
		goto out;
	}
	metrics_streams_add(s->stream_daemon, 1);
	/* from here the response owns s: stream_free runs when it goes */
	unsigned timeout = (unsigned)(hub.heartbeat_ms * 3 / 1000);
	MHD_set_connection_option(r->conn, MHD_CONNECTION_OPTION_TIMEOUT, timeout < 3 ? 3u : timeout);
	http_header(r, "X-Accel-Buffering", "no");
	r->long_lived = true; /* fewer headers held, and the request's arena freed once this is queued */
	http_own_response(r, 200, "text/event-stream; charset=utf-8", resp);
	pthread_mutex_lock(&hub.mu);
	s->next = hub.head;
	if (hub.head)
		hub.head->prev = s;
	hub.head = s;
	hub.wake = true;
	pthread_cond_signal(&hub.cond);
	pthread_mutex_unlock(&hub.mu);
	return APP_OK;
out:
	if (s) {
		stream_unref(s);
		stream_unref(s);
	}
	return rc;
}
