/*
 * sqlite.c: the store API on SQLite. One connection per thread; WAL, and group commit so that an
 * acknowledged write survives a power cut (every commit returns only once an fsync of the WAL that
 * covers it has finished; see "Group commit" below); a busy timeout so that concurrent writers wait
 * instead of failing; BEGIN IMMEDIATE for transactions so that two writers never deadlock on lock
 * upgrade; and transaction batching, so that the concurrent transactions of the process share one
 * SQLite transaction on one writer connection and write the pages they have in common once (see
 * "Batching" below). Statements are cached per connection, keyed by the address of their SQL text.
 * Not for SQL dialect differences: queries are shared with pg.c (see store.h).
 */
#include <errno.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"

#define CACHE_SLOTS 512

/* A parameter's value as bound on a caller's statement, kept so that a run moved to the writer's
 * twin can bind it there (see bind_keep). */
struct sq_val {
	int type; /* SQLITE_NULL (unbound or NULL), SQLITE_INTEGER, SQLITE_FLOAT, SQLITE_TEXT */
	int64_t i;
	double d;
	char *s; /* owned */
};

struct sq_stmt {
	struct store_stmt base;
	sqlite3_stmt *s;
	const char *key;	  /* the caller's SQL pointer */
	struct sq_stmt *redirect; /* the writer's twin running this statement's current run, or NULL */
	int routed;		  /* that run is a write outside store_begin, in a batch of its own */
	struct sq_val *vals;	  /* a caller's statement: its bound values, [nvals], or NULL */
	int nvals;
};

struct sq_group;

struct sq_db {
	struct store base;
	sqlite3 *h;
	char *path;
	struct sq_stmt *cache[CACHE_SLOTS]; /* open addressing on the SQL pointer */
	int in_tx;		/* a member of the open batch: its statements run on the group's writer */
	int is_writer;		/* the group's writer connection (never handed to a caller) */
	int broken;		/* writer: SQLite rolled the whole batch back; its members' statements fail */
	struct sq_group *group; /* the group commit of this database file (shared) */
	uint64_t pending;	/* the number of this connection's last commit not yet known durable, or 0 */
	int checkpoint_due; /* the WAL grew past CHECKPOINT_PAGES in a transaction: sq_commit checkpoints */
};

static int map_rc(struct sq_db *d, int rc)
{
	(void)d;
	switch (rc & 0xff) {
	case SQLITE_OK:
		return STORE_OK;
	case SQLITE_ROW:
		return STORE_ROW;
	case SQLITE_DONE:
		return STORE_DONE;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return STORE_E_BUSY;
	case SQLITE_NOMEM:
		return STORE_E_NOMEM;
	case SQLITE_CONSTRAINT:
		if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY)
			return STORE_E_UNIQUE;
		if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
			return STORE_E_FK;
		return STORE_E_CHECK;
	default:
		return STORE_E_DB;
	}
}

/* Rewrites $N parameters to ?N outside string literals and quoted names. */
static char *rewrite_params(const char *sql)
{
	size_t n = strlen(sql);
	char *out = malloc(n + 1);
	if (!out)
		return NULL;
	char quote = 0;
	for (size_t i = 0; i <= n; i++) {
		char c = sql[i];
		if (quote) {
			if (c == quote)
				quote = 0;
		} else if (c == '\'' || c == '"') {
			quote = c;
		} else if (c == '$' && sql[i + 1] >= '0' && sql[i + 1] <= '9') {
			c = '?';
		}
		out[i] = c;
	}
	return out;
}

struct sq_batch;

/*
 * Group commit. With synchronous=FULL every COMMIT fsyncs the WAL while it holds the write lock: the
 * next writer waits for the disk, and every transaction pays for its own fsync. Connections here run
 * with synchronous=NORMAL instead (in WAL mode the only difference is that COMMIT does not fsync; the
 * WAL header and checkpoints are synced the same) and this code restores FULL's promise: a commit —
 * of a store_begin transaction or of a single statement outside one — returns only after an fsync of
 * the WAL that started after its frames were written has finished. The commits of one database file
 * are numbered in the order they reach the WAL (in the WAL hook, right after SQLite wrote them);
 * whoever waits first becomes the leader, notes the newest number, syncs the WAL through its own
 * connection's file and marks everything up to that number durable; the commits that arrived during
 * its fsync are covered by the next one, which one of them leads. The writer is released before the
 * wait, so the next transaction runs while the disk works, and one fsync serves every commit that was
 * waiting. A failed fsync is final: that commit and every later one report STORE_E_DB (the kernel may
 * have dropped the pages; retrying could report lost data as durable). What differs from FULL:
 * another connection may read a commit a moment before it is durable (its writer has not been
 * answered yet); a later commit is never durable without it (the WAL is one sequence). Groups are per
 * database path, shared by the connections of this process.
 *
 * Batching. Group commit shares the fsync but not the writing: a public tip writes ~28 WAL pages (the
 * row, 7 index leaves, FTS5's segment, the audit log and its head, the event, the throttle row,
 * sqlite_sequence), most of them pages that the next tip changes again. So the store_begin …
 * store_commit transactions of the process do not each get a SQLite transaction: they are *members*
 * of a *batch*, one SQLite transaction (BEGIN IMMEDIATE) on the group's own writer connection, each
 * member inside its own SAVEPOINT, and the batch commits once; a page the members share is written to
 * the WAL once per batch. How it keeps the callers' semantics:
 *
 * - One member at a time holds the writer (`held`, the process's write lock; waiting for it is
 *   bounded by WRITER_WAIT_SECONDS, then STORE_E_BUSY). While a connection is a member, every one of
 *   its calls — prepare (the writer has its own statement cache), step, exec, errmsg,
 *   store_sqlite_handle — goes to the writer, so it reads its own writes and the earlier members'.
 * - store_rollback is ROLLBACK TO + RELEASE of the member's savepoint: the others' work stays.
 * - store_commit RELEASEs the savepoint, leaves the writer and then waits until its batch has been
 *   committed and that commit is durable (the group commit above): it returns STORE_OK only then.
 *   When SQLite rolled the whole transaction back (SQLITE_FULL, IOERR, NOMEM…: autocommit turns on
 *   under a member), the batch is failed: every member that had committed into it gets STORE_E_DB,
 *   the member at work gets STORE_E_DB for every later statement and its commit, and the next member
 *   starts a new batch. A failed COMMIT fails the batch the same way.
 * - When a batch commits (batch_due): when it has BATCH_MAX members or is BATCH_MS old, or when
 *   nobody waits to join it and no fsync runs — during an fsync a commit would only wait for the next
 *   one, so the batch stays open for more members and commits when the fsync ends (group_wait wakes
 *   one of its members). The thread that commits a batch also syncs it (group commit) and wakes its
 *   members once, when it is durable or failed.
 * - Nothing hangs: the member leaving the writer commits the batch when it is due, or when nobody
 *   would be left to do so (no committed member waits for it and nobody waits to join); a committed
 *   member waiting for its batch takes the free writer and commits the batch itself when it is due,
 *   and wakes at the batch's BATCH_MS age at the latest. A batch thus holds at most as many members
 *   as transactions are in flight (the server's threads) and ends within BATCH_MS of its start
 *   ($TIENGMO_SQLITE_BATCH_MS replaces BATCH_MS, for tests that hold a batch open).
 * - Cost: one SAVEPOINT and RELEASE per transaction. FTS5 writes its pending terms out at every
 *   savepoint and statement journal (SQLite 3.40), so a full-text index written inside the members
 *   would get a segment per member: the tips' index is written once per batch instead, right before
 *   its COMMIT ("Before each commit" below).
 * - A write outside store_begin (the session touch) is not left to fight the batch
 *   with SQLite's busy handler (which sleeps 1–100 ms at a time): sq_step routes it through the batch
 *   as a member of its own (its statement's twin on the writer, the bindings moved over), committing
 *   when the statement finishes — at its last step, or at its reset for an INSERT … RETURNING whose
 *   caller reads one row, which is when SQLite itself would commit it.
 * - A statement prepared before store_begin (on the caller's own connection) and stepped inside the
 *   transaction runs as its twin on the writer too, until its reset.
 * The WAL hook numbers the batch's COMMIT like any commit; its checkpoint runs on a member's own
 * connection after the writer is released.
 */
struct sq_group {
	struct sq_group *next;
	char *path;
	int refs;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	uint64_t written; /* commits numbered so far (all of them written to the WAL) */
	uint64_t durable; /* every commit up to this number is on disk */
	int syncing;	  /* a leader's fsync is running (written under mu; read atomically) */
	int failed;	  /* an fsync failed: nothing later is reported durable */
	/* batching, under bmu */
	pthread_mutex_t bmu;
	pthread_cond_t begin_cv; /* the writer was released: one thread waiting to begin may take it */
	struct sq_db *writer;	 /* opened on the first store_begin; closed with the group */
	int held;		 /* a thread holds the writer */
	int waiting;		 /* threads waiting in store_begin for the writer */
	struct sq_batch *open;	 /* the batch in the writer's transaction, or NULL */
	double batch_ms;	 /* BATCH_MS, or $TIENGMO_SQLITE_BATCH_MS (tests hold a batch open) */
};

enum { BATCH_OPEN, BATCH_WRITTEN, BATCH_DURABLE, BATCH_FAILED };

struct sq_batch {
	int refs;    /* the group's while open (then its committer's), one per committed member waiting */
	int members; /* joined so far */
	int state; /* BATCH_OPEN → WRITTEN (committed) → DURABLE, or FAILED (rolled back, fsync failed) */
	uint64_t wal;		 /* the group commit number of its COMMIT (0: it wrote nothing) */
	struct timespec started; /* CLOCK_MONOTONIC */
	pthread_cond_t cv;	 /* its members wait here (under bmu) */
};

#define BATCH_MAX 64
#define BATCH_MS 5
#define WRITER_WAIT_SECONDS 10

static pthread_mutex_t g_groups_mu = PTHREAD_MUTEX_INITIALIZER;
static struct sq_group *g_groups;

/* Pages in the WAL past which a commit checkpoints (SQLite's own default, which the hook replaces). */
#define CHECKPOINT_PAGES 1000

/* The group of path, made or shared (refcounted); NULL when memory runs out. */
static struct sq_group *group_get(const char *path)
{
	struct sq_group *g;
	pthread_mutex_lock(&g_groups_mu);
	for (g = g_groups; g; g = g->next)
		if (strcmp(g->path, path) == 0)
			break;
	if (g) {
		g->refs++;
	} else if ((g = calloc(1, sizeof *g)) != NULL) {
		g->path = strdup(path);
		if (!g->path) {
			free(g);
			g = NULL;
		} else {
			g->refs = 1;
			pthread_mutex_init(&g->mu, NULL);
			pthread_cond_init(&g->cv, NULL);
			pthread_mutex_init(&g->bmu, NULL);
			pthread_cond_init(&g->begin_cv, NULL);
			const char *ms = getenv("TIENGMO_SQLITE_BATCH_MS");
			double v = ms ? strtod(ms, NULL) : 0;
			g->batch_ms = v > 0 && v <= 600000 ? v : BATCH_MS;
			g->next = g_groups;
			g_groups = g;
		}
	}
	pthread_mutex_unlock(&g_groups_mu);
	return g;
}

static void conn_free(struct sq_db *d);
static void bind_forget(struct sq_stmt *q);
static void batch_unref(struct sq_batch *b);

static void group_release(struct sq_group *g)
{
	if (!g)
		return;
	pthread_mutex_lock(&g_groups_mu);
	if (--g->refs == 0) {
		struct sq_group **p = &g_groups;
		while (*p != g)
			p = &(*p)->next;
		*p = g->next;
		if (g->writer) {
			if (!sqlite3_get_autocommit(g->writer->h))
				sqlite3_exec(g->writer->h, "ROLLBACK", NULL, NULL, NULL);
			conn_free(g->writer);
		}
		if (g->open) /* an empty batch nobody ended: no member can be left */
			batch_unref(g->open);
		pthread_mutex_destroy(&g->mu);
		pthread_cond_destroy(&g->cv);
		pthread_mutex_destroy(&g->bmu);
		pthread_cond_destroy(&g->begin_cv);
		free(g->path);
		free(g);
	}
	pthread_mutex_unlock(&g_groups_mu);
}

/* fsyncs the WAL through this connection's own file object (SQLite's VFS: fdatasync on Linux, as
 * synchronous=FULL does); 0 or -1. */
static int wal_sync(struct sq_db *d)
{
	sqlite3_file *f = NULL;
	if (sqlite3_file_control(d->h, "main", SQLITE_FCNTL_JOURNAL_POINTER, &f) != SQLITE_OK || !f ||
	    !f->pMethods)
		return -1;
	return f->pMethods->xSync(f, SQLITE_SYNC_NORMAL) == SQLITE_OK ? 0 : -1;
}

/* Waits until commit number `mine` (0: none) is durable, leading the fsync through d when none
 * runs. 0, or -1 when an fsync failed. */
static int group_wait(struct sq_db *d, uint64_t mine)
{
	struct sq_group *g = d->group;
	int rc, synced = 0;
	if (!mine)
		return 0;
	pthread_mutex_lock(&g->mu);
	while (!g->failed && g->durable < mine) {
		if (__atomic_load_n(&g->syncing, __ATOMIC_RELAXED)) {
			pthread_cond_wait(&g->cv, &g->mu);
			continue;
		}
		__atomic_store_n(&g->syncing, 1, __ATOMIC_RELAXED);
		uint64_t target = g->written; /* >= mine: these commits' frames are all written */
		pthread_mutex_unlock(&g->mu);
		int failed = wal_sync(d);
		pthread_mutex_lock(&g->mu);
		__atomic_store_n(&g->syncing, 0, __ATOMIC_RELAXED);
		if (failed)
			g->failed = 1;
		else if (target > g->durable)
			g->durable = target;
		pthread_cond_broadcast(&g->cv);
		synced = 1;
	}
	rc = g->durable >= mine ? 0 : -1;
	pthread_mutex_unlock(&g->mu);
	if (synced) { /* the disk is free: a batch left open for it may commit now (batch_await) */
		pthread_mutex_lock(&g->bmu);
		if (g->open && !g->held)
			pthread_cond_signal(&g->open->cv);
		pthread_mutex_unlock(&g->bmu);
	}
	return rc;
}

/* SQLite's WAL hook: called after every commit of this connection that wrote frames, SQLite's write
 * lock already released. Numbers the commit. On the writer (a batch's COMMIT) that is all: the
 * members wait for durability themselves, and a due checkpoint runs on a member's own connection
 * once the writer is released. For a statement outside store_begin on a caller's connection (rare:
 * sq_step routes writes through the batch; a store_exec, a migration's first table) it waits for
 * durability here, so that its step returns only then, and checkpoints as SQLite's default hook
 * would. */
static int wal_hook(void *arg, sqlite3 *h, const char *name, int pages)
{
	struct sq_db *d = arg;
	struct sq_group *g = d->group;
	pthread_mutex_lock(&g->mu);
	d->pending = ++g->written;
	pthread_mutex_unlock(&g->mu);
	if (d->is_writer) {
		if (pages >= CHECKPOINT_PAGES)
			d->checkpoint_due = 1;
		return SQLITE_OK;
	}
	if (pages >= CHECKPOINT_PAGES)
		sqlite3_wal_checkpoint_v2(h, name, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
	uint64_t mine = d->pending;
	d->pending = 0;
	return group_wait(d, mine) != 0 ? SQLITE_IOERR_FSYNC : SQLITE_OK;
}

static int conn_open(const char *path, struct sq_group *g, int is_writer, struct sq_db **out, char *err,
		     size_t errlen);

/* The connection a call of d runs on: the writer while d is a member of a batch. */
static struct sq_db *tx_conn(struct sq_db *d)
{
	return d->in_tx ? d->group->writer : d;
}

static double ms_since(const struct timespec *t)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t->tv_sec) * 1e3 + (double)(now.tv_nsec - t->tv_nsec) / 1e6;
}

/* An absolute CLOCK_REALTIME deadline `ms` from now, for pthread_cond_timedwait. */
static struct timespec deadline_in(double ms)
{
	struct timespec t;
	clock_gettime(CLOCK_REALTIME, &t);
	long ns = t.tv_nsec + (long)(ms * 1e6);
	t.tv_sec += ns / 1000000000L;
	t.tv_nsec = ns % 1000000000L;
	return t;
}

/* Whether the open batch b should commit now (under bmu): it is full or BATCH_MS old, or nobody
 * waits to join it and the disk is idle. While an fsync runs, a commit would only wait for the next
 * one: the batch stays open for more members, and commits when that fsync ends (group_wait wakes a
 * member waiting for it). */
static int batch_due(struct sq_group *g, struct sq_batch *b)
{
	return b->members >= BATCH_MAX || ms_since(&b->started) >= g->batch_ms ||
	       (g->waiting == 0 && !__atomic_load_n(&g->syncing, __ATOMIC_RELAXED));
}

/* Drops one reference to b; the last frees it. Under bmu. */
static void batch_unref(struct sq_batch *b)
{
	if (--b->refs == 0) {
		pthread_cond_destroy(&b->cv);
		free(b);
	}
}

static int cache_prepare(struct sq_db *d, const char *sql, struct sq_stmt **out);
static int writer_step(struct sq_db *w, sqlite3_stmt *s);

/* Runs one of the writer's transaction-control statements (a string literal: prepared once, cached
 * like any statement, since parsing them for every transaction costs more than running them). */
static int writer_run(struct sq_db *w, const char *sql)
{
	struct sq_stmt *q;
	int rc = cache_prepare(w, sql, &q);
	if (rc)
		return rc;
	rc = map_rc(w, sqlite3_step(q->s));
	sqlite3_reset(q->s);
	return rc == STORE_DONE ? STORE_OK : rc;
}

/* Takes the writer, opening it on first use: STORE_OK, STORE_E_BUSY after WRITER_WAIT_SECONDS, or
 * STORE_E_DB when it cannot be opened. */
static int writer_take(struct sq_group *g)
{
	int rc = STORE_OK;
	pthread_mutex_lock(&g->bmu);
	if (!g->writer) {
		char err[256];
		if (conn_open(g->path, g, 1, &g->writer, err, sizeof err) != 0) {
			g->writer = NULL;
			rc = STORE_E_DB;
			goto out;
		}
	}
	if (g->held) {
		struct timespec until = deadline_in(WRITER_WAIT_SECONDS * 1e3);
		g->waiting++;
		while (g->held) {
			if (pthread_cond_timedwait(&g->begin_cv, &g->bmu, &until) == ETIMEDOUT && g->held) {
				g->waiting--;
				rc = STORE_E_BUSY;
				goto out;
			}
		}
		g->waiting--;
	}
	g->held = 1;
out:
	pthread_mutex_unlock(&g->bmu);
	return rc;
}

/* Releases the writer: wakes one thread waiting to begin, or else a member waiting for the open
 * batch (it commits it if due). Returns 1, keeping the writer, when the open batch would be left with
 * nobody to commit it — no committed member awaits it and nobody waits to begin (a waiter that gave
 * up after member_end counted it): the caller commits it (batch_commit) and gives the writer again. */
static int writer_give(struct sq_group *g)
{
	int orphan = 0;
	pthread_mutex_lock(&g->bmu);
	if (!g->waiting && g->open && g->open->refs == 1) {
		orphan = 1;
	} else {
		g->held = 0;
		if (g->waiting)
			pthread_cond_signal(&g->begin_cv);
		else if (g->open)
			pthread_cond_signal(&g->open->cv);
	}
	pthread_mutex_unlock(&g->bmu);
	return orphan;
}

/* Closes the open batch with `state` (BATCH_WRITTEN or BATCH_FAILED; a failed one wakes its members)
 * and returns it with the open reference, which now belongs to the caller. Under bmu. */
static struct sq_batch *batch_close(struct sq_group *g, int state, uint64_t wal)
{
	struct sq_batch *b = g->open;
	g->open = NULL;
	b->state = state;
	b->wal = wal;
	if (state == BATCH_FAILED)
		pthread_cond_broadcast(&b->cv);
	return b;
}

/*
 * Before each commit. Statements that a store module registers (store_sqlite_before_commit) run on
 * the writer right before every batch's COMMIT, after the last member released its savepoint: in the
 * batch's transaction, outside any savepoint, once per batch. The tips' full-text catch-up (store/
 * tips.c) is one: FTS5 writes its pending terms out at every savepoint, so indexing each tip in its
 * member's savepoint (a trigger) wrote a segment per tip; indexed here, a batch's tips make one. A
 * statement whose tables this database does not have (not migrated yet, a test's own schema) fails
 * to prepare and is skipped; one that fails to run fails the batch, so nothing is committed without
 * it. Registered once per process and never removed; read under no lock (the count is published
 * after its entry).
 */
#define BEFORE_COMMIT_MAX 8
static const char *g_before_commit[BEFORE_COMMIT_MAX];
static int g_before_commit_n;
static pthread_mutex_t g_before_commit_mu = PTHREAD_MUTEX_INITIALIZER;

int store_sqlite_before_commit(const char *sql)
{
	int rc = -1;
	pthread_mutex_lock(&g_before_commit_mu);
	int n = __atomic_load_n(&g_before_commit_n, __ATOMIC_RELAXED);
	for (int i = 0; i < n; i++)
		if (g_before_commit[i] == sql) {
			rc = 0;
			goto out;
		}
	if (n < BEFORE_COMMIT_MAX) {
		g_before_commit[n] = sql;
		__atomic_store_n(&g_before_commit_n, n + 1, __ATOMIC_RELEASE);
		rc = 0;
	}
out:
	pthread_mutex_unlock(&g_before_commit_mu);
	return rc;
}

/* Runs the registered statements on the writer w (see above): STORE_OK or the failing one's error. */
static int before_commit(struct sq_db *w)
{
	int n = __atomic_load_n(&g_before_commit_n, __ATOMIC_ACQUIRE);
	for (int i = 0; i < n; i++) {
		struct sq_stmt *q;
		int rc = cache_prepare(w, g_before_commit[i], &q);
		if (rc == STORE_E_DB)
			continue; /* this database has no such table */
		if (rc)
			return rc;
		rc = writer_step(w, q->s);
		sqlite3_reset(q->s);
		if (rc != STORE_DONE && rc != STORE_ROW)
			return rc;
	}
	return STORE_OK;
}

/* Commits the open batch; the caller holds the writer. Returns the batch (with a reference, for
 * batch_sync) or NULL when none was open. A due checkpoint is handed to d (a caller's own
 * connection), which runs it after the writer is released. */
static struct sq_batch *batch_commit(struct sq_group *g, struct sq_db *d)
{
	struct sq_db *w = g->writer;
	int ok = !w->broken && before_commit(w) == STORE_OK && writer_run(w, "COMMIT") == STORE_OK;
	if (!ok && !sqlite3_get_autocommit(w->h))
		sqlite3_exec(w->h, "ROLLBACK", NULL, NULL, NULL);
	uint64_t wal = ok ? w->pending : 0;
	struct sq_batch *b = NULL;
	w->pending = 0;
	if (w->checkpoint_due) {
		w->checkpoint_due = 0;
		d->checkpoint_due = 1;
	}
	pthread_mutex_lock(&g->bmu);
	if (g->open)
		b = batch_close(g, ok ? BATCH_WRITTEN : BATCH_FAILED, wal);
	pthread_mutex_unlock(&g->bmu);
	return b;
}

/* Makes the batch that d committed durable (group commit, through d's own connection), tells its
 * members, and drops the reference batch_commit gave. Called after the writer is released. */
static void batch_sync(struct sq_db *d, struct sq_batch *b)
{
	struct sq_group *g = d->group;
	int failed = b->state == BATCH_WRITTEN && group_wait(d, b->wal) != 0;
	pthread_mutex_lock(&g->bmu);
	if (b->state == BATCH_WRITTEN)
		b->state = failed ? BATCH_FAILED : BATCH_DURABLE;
	pthread_cond_broadcast(&b->cv);
	batch_unref(b);
	pthread_mutex_unlock(&g->bmu);
}

/* Notes that SQLite rolled the writer's whole transaction back under a member: the batch fails now
 * (its committed members get STORE_E_DB) and the member's remaining statements fail. */
static void writer_broke(struct sq_db *w)
{
	struct sq_group *g = w->group;
	w->broken = 1;
	pthread_mutex_lock(&g->bmu);
	if (g->open)
		batch_unref(batch_close(g, BATCH_FAILED, 0));
	pthread_mutex_unlock(&g->bmu);
}

/* Waits until batch b, which d committed into, is durable or failed; commits (and syncs) b itself
 * when it is still open, the writer is free and b is due (batch_due), waking at b's BATCH_MS age at
 * the latest. Drops d's reference to b. STORE_OK or STORE_E_DB. */
static int batch_await(struct sq_db *d, struct sq_batch *b)
{
	struct sq_group *g = d->group;
	pthread_mutex_lock(&g->bmu);
	while (b->state == BATCH_OPEN || b->state == BATCH_WRITTEN) {
		if (b->state == BATCH_WRITTEN) { /* its committer syncs it */
			pthread_cond_wait(&b->cv, &g->bmu);
			continue;
		}
		double age = ms_since(&b->started); /* b is g->open */
		if (!g->held && batch_due(g, b)) {
			g->held = 1;
			pthread_mutex_unlock(&g->bmu);
			struct sq_batch *c = batch_commit(g, d);
			writer_give(g); /* the batch is closed: it gives */
			if (c)
				batch_sync(d, c);
			pthread_mutex_lock(&g->bmu);
			continue;
		}
		struct timespec until = deadline_in(age < g->batch_ms ? g->batch_ms - age + 0.1 : 1.0);
		pthread_cond_timedwait(&b->cv, &g->bmu, &until);
	}
	int state = b->state;
	batch_unref(b);
	pthread_mutex_unlock(&g->bmu);
	return state == BATCH_DURABLE ? STORE_OK : STORE_E_DB;
}

/* Resets every statement of the writer still running (a member's un-reset SELECT, say), so that
 * neither the savepoint's end nor the batch's COMMIT fails on it. */
static void writer_reset_busy(struct sq_db *w)
{
	for (sqlite3_stmt *s = sqlite3_next_stmt(w->h, NULL); s; s = sqlite3_next_stmt(w->h, s))
		if (sqlite3_stmt_busy(s))
			sqlite3_reset(s);
}

static int sq_exec(struct store *db, const char *sql);
static int member_end(struct sq_db *d, int commit);

/* Joins the open batch, or opens one: the writer taken, a savepoint set. */
static int sq_begin(struct store *db)
{
	struct sq_db *d = (struct sq_db *)db;
	struct sq_group *g = d->group;
	if (d->in_tx || d->is_writer)
		return STORE_E_DB;
	int rc = writer_take(g);
	if (rc)
		return rc;
	struct sq_db *w = g->writer;
	if (!g->open) {
		struct sq_batch *b = calloc(1, sizeof *b);
		rc = b ? writer_run(w, "BEGIN IMMEDIATE") : STORE_E_NOMEM;
		if (rc) {
			free(b);
			writer_give(g); /* no batch is open: it gives */
			return rc;
		}
		b->refs = 1;
		pthread_cond_init(&b->cv, NULL);
		clock_gettime(CLOCK_MONOTONIC, &b->started);
		w->broken = 0;
		pthread_mutex_lock(&g->bmu);
		g->open = b;
		pthread_mutex_unlock(&g->bmu);
	}
	pthread_mutex_lock(&g->bmu);
	g->open->members++;
	pthread_mutex_unlock(&g->bmu);
	d->in_tx = 1;
	rc = writer_run(w, "SAVEPOINT member");
	if (rc) {
		if (sqlite3_get_autocommit(w->h))
			writer_broke(w);
		member_end(d, 0); /* leaves the writer, ending the batch if nobody else would */
	}
	return rc;
}

/* Ends d's membership: its savepoint released (commit) or undone, the writer left — committing the
 * batch when nobody waits to begin or it is full or old — and, for a commit, the batch's outcome
 * and durability awaited. */
static int member_end(struct sq_db *d, int commit)
{
	struct sq_group *g = d->group;
	struct sq_db *w = g->writer;
	struct sq_batch *mine = NULL;
	int rc = STORE_OK;
	if (!d->in_tx)
		return STORE_E_DB;
	writer_reset_busy(w);
	if (w->broken) {
		rc = commit ? STORE_E_DB : STORE_OK;
	} else if (commit) {
		rc = writer_run(w, "RELEASE member");
	}
	if (!w->broken && (!commit || rc != STORE_OK) && !sqlite3_get_autocommit(w->h)) {
		int r2 = writer_run(w, "ROLLBACK TO member");
		if (r2 == STORE_OK)
			r2 = writer_run(w, "RELEASE member");
		if (!commit)
			rc = r2;
		if (r2 != STORE_OK) { /* the member's work could not be undone alone: the batch fails whole */
			if (!sqlite3_get_autocommit(w->h))
				sqlite3_exec(w->h, "ROLLBACK", NULL, NULL, NULL);
			writer_broke(w);
			rc = STORE_E_DB;
		}
	}
	if (!w->broken && sqlite3_get_autocommit(w->h)) {
		writer_broke(w); /* SQLite rolled the whole transaction back */
		if (commit)
			rc = STORE_E_DB;
	}
	pthread_mutex_lock(&g->bmu);
	struct sq_batch *b = g->open;
	if (b && commit && rc == STORE_OK) {
		b->refs++;
		mine = b;
	}
	/* due, or nobody would be left to commit it: no committed member awaits it, nobody waits to join */
	int end = b && (batch_due(g, b) || (b->refs == 1 && g->waiting == 0));
	pthread_mutex_unlock(&g->bmu);
	struct sq_batch *ended = NULL;
	if (end)
		ended = batch_commit(g, d);
	d->in_tx = 0;
	if (writer_give(g)) { /* left with nobody to commit it after all */
		ended = batch_commit(g, d);
		writer_give(g);
	}
	if (ended)
		batch_sync(d, ended);
	if (mine)
		rc = batch_await(d, mine);
	if (d->checkpoint_due) {
		d->checkpoint_due = 0;
		sqlite3_wal_checkpoint_v2(d->h, "main", SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
	}
	return rc;
}

static int sq_commit(struct store *db)
{
	return member_end((struct sq_db *)db, 1);
}

static int sq_rollback(struct store *db)
{
	return member_end((struct sq_db *)db, 0);
}

/* Frees a connection: its statements and its handle (not its group). */
static void conn_free(struct sq_db *d)
{
	for (int i = 0; i < CACHE_SLOTS; i++) {
		if (d->cache[i]) {
			sqlite3_finalize(d->cache[i]->s);
			bind_forget(d->cache[i]);
			free(d->cache[i]->vals);
			free(d->cache[i]);
		}
	}
	sqlite3_close_v2(d->h);
	free(d->path);
	free(d);
}

static void sq_close(struct store *db)
{
	struct sq_db *d = (struct sq_db *)db;
	struct sq_group *g = d->group;
	if (d->in_tx)
		member_end(d, 0);
	conn_free(d);
	group_release(g);
}

static const char *sq_errmsg(struct store *db)
{
	return sqlite3_errmsg(tx_conn((struct sq_db *)db)->h);
}

static void stmt_reset(struct sq_stmt *q);

/* Prepares (or finds) sql in d's own cache. */
static int cache_prepare(struct sq_db *d, const char *sql, struct sq_stmt **out)
{
	size_t h = ((uintptr_t)sql >> 3) % CACHE_SLOTS;
	for (size_t probe = 0; probe < CACHE_SLOTS; probe++) {
		size_t i = (h + probe) % CACHE_SLOTS;
		struct sq_stmt *c = d->cache[i];
		if (c && c->key == sql) {
			stmt_reset(c);
			*out = c;
			return STORE_OK;
		}
		if (!c) {
			char *text = rewrite_params(sql);
			if (!text)
				return STORE_E_NOMEM;
			sqlite3_stmt *s = NULL;
			int rc = sqlite3_prepare_v3(d->h, text, -1, SQLITE_PREPARE_PERSISTENT, &s, NULL);
			free(text);
			if (rc != SQLITE_OK)
				return map_rc(d, rc);
			struct sq_stmt *st = calloc(1, sizeof *st);
			if (!st) {
				sqlite3_finalize(s);
				return STORE_E_NOMEM;
			}
			st->base.db = &d->base;
			st->s = s;
			st->key = sql;
			d->cache[i] = st;
			*out = st;
			return STORE_OK;
		}
	}
	return STORE_E_NOMEM; /* the cache is full: more distinct statements than slots */
}

static int sq_prepare(struct store *db, const char *sql, struct store_stmt **out)
{
	struct sq_stmt *q = NULL;
	int rc = cache_prepare(tx_conn((struct sq_db *)db), sql, &q);
	if (rc == STORE_OK)
		*out = &q->base;
	return rc;
}

/* The SQLite statement that answers for st: its writer twin while a routed write runs. */
static sqlite3_stmt *S(struct store_stmt *st)
{
	struct sq_stmt *q = (struct sq_stmt *)st;
	return q->redirect ? q->redirect->s : q->s;
}
#define D(st) ((struct sq_db *)(st)->db)

/*
 * Bound values of a caller's statement. A run that moves to the writer (a routed write, a twin) needs
 * the caller's bindings on the writer's statement. sqlite3_transfer_bindings cannot do that: it
 * requires both statements to be of one connection, and across two it moved values allocated by the
 * caller's connection (its lookaside) into the writer's statement, which freed or reused them later
 * under the wrong connection — after the caller's connection closed, a use after free. So the binds
 * of a caller's own statement (not the writer's, not while redirected) are also kept here, and
 * bind_onto binds them on the twin. Cleared at every reset.
 */
static struct sq_val *bind_keep(struct store_stmt *st, int idx)
{
	struct sq_stmt *q = (struct sq_stmt *)st;
	if (q->redirect || D(st)->is_writer)
		return NULL;
	if (!q->vals) {
		int n = sqlite3_bind_parameter_count(q->s);
		if (n <= 0 || !(q->vals = calloc((size_t)n, sizeof *q->vals)))
			return NULL;
		q->nvals = n;
	}
	if (idx < 1 || idx > q->nvals)
		return NULL;
	struct sq_val *v = &q->vals[idx - 1];
	free(v->s);
	memset(v, 0, sizeof *v);
	return v;
}

/* Forgets q's kept values (at its reset). */
static void bind_forget(struct sq_stmt *q)
{
	for (int i = 0; i < q->nvals; i++) {
		free(q->vals[i].s);
		memset(&q->vals[i], 0, sizeof q->vals[i]);
	}
}

/* Binds q's kept values on t (the writer's twin, bindings cleared): STORE_OK or an error. */
static int bind_onto(struct sq_stmt *q, struct sq_stmt *t)
{
	int rc = SQLITE_OK;
	if (sqlite3_bind_parameter_count(t->s) != sqlite3_bind_parameter_count(q->s))
		return STORE_E_DB;
	for (int i = 0; i < q->nvals && rc == SQLITE_OK; i++) {
		const struct sq_val *v = &q->vals[i];
		if (v->type == SQLITE_INTEGER)
			rc = sqlite3_bind_int64(t->s, i + 1, v->i);
		else if (v->type == SQLITE_FLOAT)
			rc = sqlite3_bind_double(t->s, i + 1, v->d);
		else if (v->type == SQLITE_TEXT)
			rc = sqlite3_bind_text(t->s, i + 1, v->s, -1, SQLITE_TRANSIENT);
	}
	return rc == SQLITE_OK ? STORE_OK : map_rc(D(&t->base), rc);
}

static int sq_bind_i64(struct store_stmt *st, int idx, int64_t v)
{
	struct sq_val *k = bind_keep(st, idx);
	if (k) {
		k->type = SQLITE_INTEGER;
		k->i = v;
	}
	return map_rc(D(st), sqlite3_bind_int64(S(st), idx, v));
}

static int sq_bind_double(struct store_stmt *st, int idx, double v)
{
	struct sq_val *k = bind_keep(st, idx);
	if (k) {
		k->type = SQLITE_FLOAT;
		k->d = v;
	}
	return map_rc(D(st), sqlite3_bind_double(S(st), idx, v));
}

static int sq_bind_text(struct store_stmt *st, int idx, const char *s)
{
	struct sq_val *k = bind_keep(st, idx);
	if (!s)
		return map_rc(D(st), sqlite3_bind_null(S(st), idx));
	if (k) {
		if (!(k->s = strdup(s)))
			return STORE_E_NOMEM;
		k->type = SQLITE_TEXT;
	}
	return map_rc(D(st), sqlite3_bind_text(S(st), idx, s, -1, SQLITE_TRANSIENT));
}

static int sq_bind_null(struct store_stmt *st, int idx)
{
	bind_keep(st, idx);
	return map_rc(D(st), sqlite3_bind_null(S(st), idx));
}

/* Ends a routed write of q (see "Batching") whose twin's last step gave src: the twin reset, the
 * member's savepoint committed (awaiting durability) on success or undone on failure. Returns the
 * step's result, or the commit's error. */
static int routed_finish(struct sq_db *d, struct sq_stmt *q, int src)
{
	struct sq_stmt *w = q->redirect;
	int rc = map_rc(d, src);
	q->redirect = NULL;
	if (rc < 0 && sqlite3_get_autocommit(d->group->writer->h) && !d->group->writer->broken)
		writer_broke(d->group->writer);
	sqlite3_reset(w->s);
	sqlite3_clear_bindings(w->s);
	if (rc < 0) {
		member_end(d, 0);
		return rc;
	}
	int c = member_end(d, 1);
	return c != STORE_OK ? c : rc;
}

/* Runs a write statement of d outside store_begin as a member of the batch: STORE_ROW (the twin
 * stays on until the last step or the reset), STORE_DONE once durable, or an error. A statement the
 * writer cannot prepare (it writes a TEMP table of d's own) runs on d as before. */
static int routed_step(struct sq_db *d, struct sq_stmt *q)
{
	int rc = sq_begin(&d->base);
	if (rc)
		return rc;
	struct sq_stmt *w = NULL;
	rc = cache_prepare(d->group->writer, q->key, &w);
	if (rc != STORE_OK) {
		member_end(d, 0);
		return map_rc(d, sqlite3_step(q->s));
	}
	if (bind_onto(q, w) != STORE_OK) {
		sqlite3_clear_bindings(w->s);
		member_end(d, 0);
		return STORE_E_DB;
	}
	q->redirect = w;
	q->routed = 1;
	int s = sqlite3_step(w->s);
	if (s == SQLITE_ROW)
		return STORE_ROW;
	return routed_finish(d, q, s);
}

/* Steps s, a statement of the writer w, for the member holding it: STORE_E_DB without running it
 * once SQLite has rolled the batch back, and the batch failed when this step made SQLite do so. */
static int writer_step(struct sq_db *w, sqlite3_stmt *s)
{
	if (w->broken)
		return STORE_E_DB;
	int r = sqlite3_step(s);
	if (r != SQLITE_ROW && r != SQLITE_DONE && sqlite3_get_autocommit(w->h))
		writer_broke(w);
	return map_rc(w, r);
}

/* A statement of d's own connection, prepared before store_begin, stepped while d is a member: the
 * run goes to its twin on the writer (the bindings moved over), inside the transaction, until the
 * reset. */
static int twin_step(struct sq_db *d, struct sq_stmt *q)
{
	struct sq_db *w = d->group->writer;
	struct sq_stmt *t = NULL;
	int rc = cache_prepare(w, q->key, &t);
	if (rc)
		return rc;
	if (bind_onto(q, t) != STORE_OK) {
		sqlite3_clear_bindings(t->s);
		return STORE_E_DB;
	}
	q->redirect = t;
	q->routed = 0;
	return writer_step(w, t->s);
}

static int sq_step(struct store_stmt *st)
{
	struct sq_stmt *q = (struct sq_stmt *)st;
	struct sq_db *d = D(st);
	if (q->redirect && q->routed) {
		int s = sqlite3_step(q->redirect->s);
		return s == SQLITE_ROW ? STORE_ROW : routed_finish(d, q, s);
	}
	if (q->redirect)
		return writer_step(d->group->writer, q->redirect->s);
	if (d->is_writer)
		return writer_step(d, q->s);
	if (d->in_tx && !sqlite3_stmt_busy(q->s))
		return twin_step(d, q);
	/* a write with RETURNING is not routed: its caller reads a row before the statement ends, so the
	 * member's commit would come at the reset, which cannot report a failure; it runs on d as before
	 * batching (waiting for SQLite's write lock, durable through the WAL hook) */
	if (!d->in_tx && !sqlite3_stmt_readonly(q->s) && !sqlite3_stmt_busy(q->s) &&
	    sqlite3_column_count(q->s) == 0 && sqlite3_get_autocommit(d->h))
		return routed_step(d, q);
	return map_rc(d, sqlite3_step(q->s));
}

static int64_t sq_col_i64(struct store_stmt *st, int col)
{
	return sqlite3_column_int64(S(st), col);
}

static double sq_col_double(struct store_stmt *st, int col)
{
	return sqlite3_column_double(S(st), col);
}

static const char *sq_col_text(struct store_stmt *st, int col)
{
	return (const char *)sqlite3_column_text(S(st), col);
}

static int sq_col_is_null(struct store_stmt *st, int col)
{
	return sqlite3_column_type(S(st), col) == SQLITE_NULL;
}

static int sq_col_count(struct store_stmt *st)
{
	return sqlite3_column_count(S(st));
}

static const char *sq_col_name(struct store_stmt *st, int col)
{
	return sqlite3_column_name(S(st), col);
}

/* Resets q; a routed write still running (its caller read one row) commits here, as SQLite would
 * commit it at this reset outside a batch. */
static void stmt_reset(struct sq_stmt *q)
{
	if (q->redirect && q->routed) {
		routed_finish(D(&q->base), q, SQLITE_DONE);
	} else if (q->redirect) {
		sqlite3_reset(q->redirect->s);
		sqlite3_clear_bindings(q->redirect->s);
		q->redirect = NULL;
	}
	sqlite3_reset(q->s);
	sqlite3_clear_bindings(q->s);
	bind_forget(q);
}

static void sq_reset(struct store_stmt *st)
{
	stmt_reset((struct sq_stmt *)st);
}

/* Runs sql. Inside a transaction it runs on the writer, and like a step (writer_step) it refuses to
 * run once SQLite has rolled the batch back, and fails the batch when it made SQLite do so. */
static int sq_exec(struct store *db, const char *sql)
{
	struct sq_db *own = (struct sq_db *)db;
	struct sq_db *d = tx_conn(own);
	if (own->in_tx && d->broken)
		return STORE_E_DB;
	int rc = map_rc(d, sqlite3_exec(d->h, sql, NULL, NULL, NULL));
	if (own->in_tx && sqlite3_get_autocommit(d->h)) {
		writer_broke(d);
		rc = STORE_E_DB;
	}
	return rc;
}

static const struct store_ops sq_ops = {
    .close = sq_close,
    .errmsg = sq_errmsg,
    .prepare = sq_prepare,
    .bind_i64 = sq_bind_i64,
    .bind_double = sq_bind_double,
    .bind_text = sq_bind_text,
    .bind_null = sq_bind_null,
    .step = sq_step,
    .col_i64 = sq_col_i64,
    .col_double = sq_col_double,
    .col_text = sq_col_text,
    .col_is_null = sq_col_is_null,
    .col_count = sq_col_count,
    .col_name = sq_col_name,
    .reset = sq_reset,
    .exec = sq_exec,
    .begin = sq_begin,
    .commit = sq_commit,
    .rollback = sq_rollback,
};

/* Opens a connection to path in group g (a caller's, or the group's writer): 0 and *out, or -1 with
 * a message in err. Takes no reference to g. */
static int conn_open(const char *path, struct sq_group *g, int is_writer, struct sq_db **out, char *err,
		     size_t errlen)
{
	struct sq_db *d = calloc(1, sizeof *d);
	if (!d || !(d->path = strdup(path))) {
		free(d);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	d->base.ops = &sq_ops;
	d->base.engine = STORE_SQLITE;
	d->group = g;
	d->is_writer = is_writer;
	int rc = sqlite3_open_v2(
	    path, &d->h,
	    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE, NULL);
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "cannot open database '%s': %s", path,
			 d->h ? sqlite3_errmsg(d->h) : sqlite3_errstr(rc));
		conn_free(d);
		return -1;
	}
	sqlite3_extended_result_codes(d->h, 1);
	sqlite3_busy_timeout(d->h, 10000);
	/* synchronous=NORMAL with the group commit above: each commit is still fsynced before it returns */
	const char *setup = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
			    "PRAGMA temp_store=MEMORY; PRAGMA cache_size=-16000;";
	char *msg = NULL;
	if (sqlite3_exec(d->h, setup, NULL, NULL, &msg) != SQLITE_OK) {
		snprintf(err, errlen, "cannot set up database '%s': %s", path, msg ? msg : "?");
		sqlite3_free(msg);
		conn_free(d);
		return -1;
	}
	sqlite3_wal_hook(d->h, wal_hook, d);
	*out = d;
	return 0;
}

/* Before SQLite's first use: no memory statistics, whose global mutex every allocation of every
 * connection would take (the server's threads contend on it). Too late when SQLite is already
 * initialised (a test registered a VFS first): then it stays as it is. */
static void sqlite_config(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

int store_sqlite_open(const char *path, struct store **out, char *err, size_t errlen)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, sqlite_config);
	struct sq_group *g = group_get(path);
	struct sq_db *d = NULL;
	if (!g) {
		snprintf(err, errlen, "cannot set up database '%s': out of memory", path);
		return -1;
	}
	if (conn_open(path, g, 0, &d, err, errlen) != 0) {
		group_release(g);
		return -1;
	}
	*out = &d->base;
	return 0;
}

const char *store_sqlite_path(struct store *db)
{
	return db->engine == STORE_SQLITE ? ((struct sq_db *)db)->path : NULL;
}

void *store_sqlite_handle(struct store *db)
{
	return db->engine == STORE_SQLITE ? tx_conn((struct sq_db *)db)->h : NULL;
}
