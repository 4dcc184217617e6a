/*
 * store.c: the engine-neutral half of store.h — choosing the engine from the URL, the per-thread
 * connection, the calls that forward to the engine's vtable, and the helpers built on them (whole-
 * statement runs, optional columns and parameters).
 */
#include "store/store.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/arena.h"
#include "lib/log.h"

int store_open(const char *url, struct store **out, char *err, size_t errlen)
{
	*out = NULL;
	if (strncmp(url, "sqlite:", 7) == 0)
		return store_sqlite_open(url + 7, out, err, errlen);
	if (strncmp(url, "postgres://", 11) == 0 || strncmp(url, "postgresql://", 13) == 0)
		return store_pg_open(url, out, err, errlen);
	snprintf(err, errlen, "unknown database URL; expected sqlite:PATH or postgres://…");
	return -1;
}

void store_close(struct store *db)
{
	if (db)
		db->ops->close(db);
}

enum store_engine store_engine_of(const struct store *db)
{
	return db->engine;
}

const char *store_errmsg(struct store *db)
{
	return db->ops->errmsg(db);
}

static char *g_url;
static pthread_key_t g_key;
static pthread_once_t g_once = PTHREAD_ONCE_INIT;

static void thread_close(void *p)
{
	store_close(p);
}

static void make_key(void)
{
	pthread_key_create(&g_key, thread_close);
}

void store_set_default_url(const char *url)
{
	free(g_url);
	g_url = strdup(url);
	pthread_once(&g_once, make_key);
}

struct store *store_thread(void)
{
	pthread_once(&g_once, make_key);
	struct store *db = pthread_getspecific(g_key);
	if (db || !g_url)
		return db;
	char err[256];
	if (store_open(g_url, &db, err, sizeof err) != 0) {
		log_kv(LOG_ERROR, "cannot open database", "error", err, NULL);
		return NULL;
	}
	pthread_setspecific(g_key, db);
	return db;
}

void store_thread_release(void)
{
	pthread_once(&g_once, make_key);
	struct store *db = pthread_getspecific(g_key);
	if (db) {
		pthread_setspecific(g_key, NULL);
		store_close(db);
	}
}

int store_prepare(struct store *db, const char *sql, struct store_stmt **out)
{
	return db->ops->prepare(db, sql, out);
}

int store_bind_i64(struct store_stmt *st, int idx, int64_t v)
{
	return st->db->ops->bind_i64(st, idx, v);
}

int store_bind_double(struct store_stmt *st, int idx, double v)
{
	return st->db->ops->bind_double(st, idx, v);
}

int store_bind_text(struct store_stmt *st, int idx, const char *s)
{
	return st->db->ops->bind_text(st, idx, s);
}

int store_bind_null(struct store_stmt *st, int idx)
{
	return st->db->ops->bind_null(st, idx);
}

int store_step(struct store_stmt *st)
{
	return st->db->ops->step(st);
}

int64_t store_col_i64(struct store_stmt *st, int col)
{
	return st->db->ops->col_i64(st, col);
}

double store_col_double(struct store_stmt *st, int col)
{
	return st->db->ops->col_double(st, col);
}

const char *store_col_text(struct store_stmt *st, int col)
{
	return st->db->ops->col_text(st, col);
}

int store_col_is_null(struct store_stmt *st, int col)
{
	return st->db->ops->col_is_null(st, col);
}

int store_col_count(struct store_stmt *st)
{
	return st->db->ops->col_count(st);
}

const char *store_col_name(struct store_stmt *st, int col)
{
	return st->db->ops->col_name(st, col);
}

void store_reset(struct store_stmt *st)
{
	st->db->ops->reset(st);
}

int store_exec(struct store *db, const char *sql)
{
	return db->ops->exec(db, sql);
}

int store_begin(struct store *db)
{
	return db->ops->begin(db);
}

int store_commit(struct store *db)
{
	return db->ops->commit(db);
}

int store_rollback(struct store *db)
{
	return db->ops->rollback(db);
}

int store_step_i64(struct store_stmt *st, int64_t *out)
{
	int rc = store_step(st);
	if (rc == STORE_ROW)
		*out = store_col_i64(st, 0);
	store_reset(st);
	return rc;
}

int store_run(struct store_stmt *st)
{
	int rc;
	while ((rc = store_step(st)) == STORE_ROW)
		;
	store_reset(st);
	return rc == STORE_DONE ? STORE_OK : rc;
}

const char *store_col_dup(struct store_stmt *st, int col, struct arena *a, bool *ok)
{
	if (store_col_is_null(st, col))
		return NULL;
	const char *s = store_col_text(st, col);
	char *c = s ? arena_strdup(a, s) : NULL;
	if (!c && ok)
		*ok = false;
	return c;
}

int64_t store_col_opt_i64(struct store_stmt *st, int col)
{
	return store_col_is_null(st, col) ? 0 : store_col_i64(st, col);
}

int store_bind_opt_i64(struct store_stmt *st, int idx, int64_t v)
{
	return v ? store_bind_i64(st, idx, v) : store_bind_null(st, idx);
}
