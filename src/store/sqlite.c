/*
 * sqlite.c: the store API on SQLite. One connection per thread; WAL, and group commit so that an
 * acknowledged write survives a power cut (every commit returns only once an fsync of the WAL that
 * covers it has finished; see "Group commit" below); a busy timeout so that concurrent writers wait
 * instead of failing; BEGIN IMMEDIATE for transactions so that two writers never deadlock on lock
 * upgrade. Statements are cached per connection, keyed by the address of their SQL text.
 * Not for SQL dialect differences: queries are shared with pg.c (see store.h).
 */
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"

#define CACHE_SLOTS 512

struct sq_stmt {
	struct store_stmt base;
	sqlite3_stmt *s;
	const char *key; /* the caller's SQL pointer */
};

struct sq_group;

struct sq_db {
	struct store base;
	sqlite3 *h;
	char *path;
	struct sq_stmt *cache[CACHE_SLOTS]; /* open addressing on the SQL pointer */
	int in_tx;
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

static void writer_release(struct sq_db *d);
static void group_release(struct sq_group *g);

static void sq_close(struct store *db)
{
	struct sq_db *d = (struct sq_db *)db;
	if (d->in_tx) {
		sqlite3_exec(d->h, "ROLLBACK", NULL, NULL, NULL);
		writer_release(d);
	}
	for (int i = 0; i < CACHE_SLOTS; i++) {
		if (d->cache[i]) {
			sqlite3_finalize(d->cache[i]->s);
			free(d->cache[i]);
		}
	}
	sqlite3_close_v2(d->h);
	group_release(d->group);
	free(d->path);
	free(d);
}

static const char *sq_errmsg(struct store *db)
{
	return sqlite3_errmsg(((struct sq_db *)db)->h);
}

static int sq_prepare(struct store *db, const char *sql, struct store_stmt **out)
{
	struct sq_db *d = (struct sq_db *)db;
	size_t h = ((uintptr_t)sql >> 3) % CACHE_SLOTS;
	for (size_t probe = 0; probe < CACHE_SLOTS; probe++) {
		size_t i = (h + probe) % CACHE_SLOTS;
		struct sq_stmt *c = d->cache[i];
		if (c && c->key == sql) {
			sqlite3_reset(c->s);
			sqlite3_clear_bindings(c->s);
			*out = &c->base;
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
			st->base.db = db;
			st->s = s;
			st->key = sql;
			d->cache[i] = st;
			*out = &st->base;
			return STORE_OK;
		}
	}
	return STORE_E_NOMEM; /* the cache is full: more distinct statements than slots */
}

#define S(st) (((struct sq_stmt *)(st))->s)
#define D(st) ((struct sq_db *)(st)->db)

static int sq_bind_i64(struct store_stmt *st, int idx, int64_t v)
{
	return map_rc(D(st), sqlite3_bind_int64(S(st), idx, v));
}

static int sq_bind_double(struct store_stmt *st, int idx, double v)
{
	return map_rc(D(st), sqlite3_bind_double(S(st), idx, v));
}

static int sq_bind_text(struct store_stmt *st, int idx, const char *s)
{
	if (!s)
		return map_rc(D(st), sqlite3_bind_null(S(st), idx));
	return map_rc(D(st), sqlite3_bind_text(S(st), idx, s, -1, SQLITE_TRANSIENT));
}

static int sq_bind_null(struct store_stmt *st, int idx)
{
	return map_rc(D(st), sqlite3_bind_null(S(st), idx));
}

static int sq_step(struct store_stmt *st)
{
	return map_rc(D(st), sqlite3_step(S(st)));
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

static void sq_reset(struct store_stmt *st)
{
	sqlite3_reset(S(st));
	sqlite3_clear_bindings(S(st));
}

static int sq_exec(struct store *db, const char *sql)
{
	struct sq_db *d = (struct sq_db *)db;
	return map_rc(d, sqlite3_exec(d->h, sql, NULL, NULL, NULL));
}

/*
 * SQLite lets one writer in at a time. Between processes it makes the others wait by sleeping and
 * retrying (the busy timeout), up to 100 ms a nap: under load a writer sleeps long after the lock is
 * free, and durable writes crawl with a p99 near a second. Within this process, writers therefore queue
 * on this mutex first and are woken the moment the previous one commits; the busy timeout remains for
 * other processes (the command line). The mutex is held from store_begin to commit or rollback; a
 * writer that cannot get it within the busy timeout gets STORE_E_BUSY, so a bug that leaves a
 * transaction open shows as errors, not as a hang.
 */
static pthread_mutex_t g_writer = PTHREAD_MUTEX_INITIALIZER;
#define WRITER_WAIT_SECONDS 10

static void writer_release(struct sq_db *d)
{
	if (d->in_tx) {
		d->in_tx = 0;
		pthread_mutex_unlock(&g_writer);
	}
}

static int sq_begin(struct store *db)
{
	struct sq_db *d = (struct sq_db *)db;
	if (d->in_tx)
		return STORE_E_DB;
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += WRITER_WAIT_SECONDS;
	if (pthread_mutex_timedlock(&g_writer, &until) != 0)
		return STORE_E_BUSY;
	d->in_tx = 1;
	int rc = sq_exec(db, "BEGIN IMMEDIATE");
	if (rc != STORE_OK)
		writer_release(d);
	return rc;
}

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
 * its fsync are covered by the next one, which one of them leads. The write lock (g_writer) is
 * released before the wait, so the next transaction runs while the disk works, and one fsync serves
 * every commit that was waiting. A failed fsync is final: that commit and every later one report
 * STORE_E_DB (the kernel may have dropped the pages; retrying could report lost data as durable).
 * What differs from FULL: another connection may read a commit a moment before it is durable (its
 * writer has not been answered yet); a later commit is never durable without it (the WAL is one
 * sequence). Groups are per database path, shared by the connections of this process.
 */
struct sq_group {
	struct sq_group *next;
	char *path;
	int refs;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	uint64_t written; /* commits numbered so far (all of them written to the WAL) */
	uint64_t durable; /* every commit up to this number is on disk */
	int syncing;	  /* a leader's fsync is running */
	int failed;	  /* an fsync failed: nothing later is reported durable */
};

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
			g->next = g_groups;
			g_groups = g;
		}
	}
	pthread_mutex_unlock(&g_groups_mu);
	return g;
}

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
		pthread_mutex_destroy(&g->mu);
		pthread_cond_destroy(&g->cv);
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

/* Waits until this connection's last commit is durable, leading the fsync when none runs. 0, or -1
 * when an fsync failed. */
static int group_wait(struct sq_db *d)
{
	struct sq_group *g = d->group;
	uint64_t mine = d->pending;
	int rc;
	d->pending = 0;
	if (!mine)
		return 0;
	pthread_mutex_lock(&g->mu);
	while (!g->failed && g->durable < mine) {
		if (g->syncing) {
			pthread_cond_wait(&g->cv, &g->mu);
			continue;
		}
		g->syncing = 1;
		uint64_t target = g->written; /* >= mine: these commits' frames are all written */
		pthread_mutex_unlock(&g->mu);
		int failed = wal_sync(d);
		pthread_mutex_lock(&g->mu);
		g->syncing = 0;
		if (failed)
			g->failed = 1;
		else if (target > g->durable)
			g->durable = target;
		pthread_cond_broadcast(&g->cv);
	}
	rc = g->durable >= mine ? 0 : -1;
	pthread_mutex_unlock(&g->mu);
	return rc;
}

/* SQLite's WAL hook: called after every commit of this connection that wrote frames, SQLite's write
 * lock already released. Numbers the commit and, for a statement outside store_begin (autocommit),
 * waits for durability here so that its step returns only then, and checkpoints as SQLite's default
 * hook would; sq_commit waits itself after letting the next writer in (g_writer), and checkpoints
 * then, so that the copy into the database file does not hold up the next transaction. */
static int wal_hook(void *arg, sqlite3 *h, const char *name, int pages)
{
	struct sq_db *d = arg;
	struct sq_group *g = d->group;
	pthread_mutex_lock(&g->mu);
	d->pending = ++g->written;
	pthread_mutex_unlock(&g->mu);
	if (pages >= CHECKPOINT_PAGES && d->in_tx)
		d->checkpoint_due =
		    1; /* after the write lock is released: the next writer goes on meanwhile */
	else if (pages >= CHECKPOINT_PAGES)
		sqlite3_wal_checkpoint_v2(h, name, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
	if (!d->in_tx && group_wait(d) != 0)
		return SQLITE_IOERR_FSYNC;
	return SQLITE_OK;
}

static int sq_commit(struct store *db)
{
	struct sq_db *d = (struct sq_db *)db;
	int rc = sq_exec(db, "COMMIT");
	if (rc != STORE_OK) {
		sq_exec(db, "ROLLBACK");
		d->pending = 0;
	}
	writer_release(d);
	if (rc == STORE_OK && group_wait(d) != 0)
		rc = STORE_E_DB;
	if (d->checkpoint_due) {
		d->checkpoint_due = 0;
		sqlite3_wal_checkpoint_v2(d->h, "main", SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
	}
	return rc;
}

static int sq_rollback(struct store *db)
{
	struct sq_db *d = (struct sq_db *)db;
	int rc = sq_exec(db, "ROLLBACK");
	writer_release(d);
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

int store_sqlite_open(const char *path, struct store **out, char *err, size_t errlen)
{
	struct sq_db *d = calloc(1, sizeof *d);
	if (!d) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	d->base.ops = &sq_ops;
	d->base.engine = STORE_SQLITE;
	d->path = strdup(path);
	int rc = sqlite3_open_v2(
	    path, &d->h,
	    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE, NULL);
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "cannot open database '%s': %s", path,
			 d->h ? sqlite3_errmsg(d->h) : sqlite3_errstr(rc));
		sqlite3_close_v2(d->h);
		free(d->path);
		free(d);
		return -1;
	}
	sqlite3_extended_result_codes(d->h, 1);
	sqlite3_busy_timeout(d->h, 10000);
	/* synchronous=NORMAL with the group commit above: each commit is still fsynced before it returns */
	const char *setup = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
			    "PRAGMA temp_store=MEMORY; PRAGMA cache_size=-16000;";
	char *msg = NULL;
	d->group = d->path ? group_get(d->path) : NULL;
	if (!d->group || sqlite3_exec(d->h, setup, NULL, NULL, &msg) != SQLITE_OK) {
		snprintf(err, errlen, "cannot set up database '%s': %s", path,
			 msg	    ? msg
			 : d->group ? "?"
				    : "out of memory");
		sqlite3_free(msg);
		sqlite3_close_v2(d->h);
		group_release(d->group);
		free(d->path);
		free(d);
		return -1;
	}
	sqlite3_wal_hook(d->h, wal_hook, d);
	*out = &d->base;
	return 0;
}

const char *store_sqlite_path(struct store *db)
{
	return db->engine == STORE_SQLITE ? ((struct sq_db *)db)->path : NULL;
}

void *store_sqlite_handle(struct store *db)
{
	return db->engine == STORE_SQLITE ? ((struct sq_db *)db)->h : NULL;
}
