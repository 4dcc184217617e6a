/*
 * sqlite.c: the store API on SQLite. One connection per thread; WAL and synchronous=FULL so that an
 * acknowledged write survives a power cut; a busy timeout so that concurrent writers wait instead of
 * failing; BEGIN IMMEDIATE for transactions so that two writers never deadlock on lock upgrade.
 * Statements are cached per connection, keyed by the address of their SQL text.
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

struct sq_db {
	struct store base;
	sqlite3 *h;
	char *path;
	struct sq_stmt *cache[CACHE_SLOTS]; /* open addressing on the SQL pointer */
	int in_tx;
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

static int sq_commit(struct store *db)
{
	struct sq_db *d = (struct sq_db *)db;
	int rc = sq_exec(db, "COMMIT");
	if (rc != STORE_OK)
		sq_exec(db, "ROLLBACK");
	writer_release(d);
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
	const char *setup = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
			    "PRAGMA temp_store=MEMORY; PRAGMA cache_size=-16000;";
	char *msg = NULL;
	if (sqlite3_exec(d->h, setup, NULL, NULL, &msg) != SQLITE_OK) {
		snprintf(err, errlen, "cannot set up database '%s': %s", path, msg ? msg : "?");
		sqlite3_free(msg);
		sqlite3_close_v2(d->h);
		free(d->path);
		free(d);
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
	return db->engine == STORE_SQLITE ? ((struct sq_db *)db)->h : NULL;
}
