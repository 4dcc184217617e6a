/*
 * migrate.c: applies the numbered migrations embedded in the binary (src/store/migrations/ENGINE/
 * NNNN_name.sql), each in its own transaction, recording them in schema_migrations. A database whose
 * version is newer than the binary's is refused: an old binary must not write to a newer schema.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/embed.h"
#include "lib/timeutil.h"
#include "store/store.h"

/* The engine's folder in the embedded names. */
static const char *prefix_of(enum store_engine e)
{
	return e == STORE_PG ? "pg/" : "sqlite/";
}

/* The version of a migration of engine e, or -1 when the file belongs to the other engine. */
static int version_of(enum store_engine e, const char *name)
{
	const char *prefix = prefix_of(e);
	if (strncmp(name, prefix, strlen(prefix)) != 0)
		return -1;
	const char *base = name + strlen(prefix);
	int v = 0;
	for (int i = 0; i < 4; i++) {
		if (base[i] < '0' || base[i] > '9')
			return -1;
		v = v * 10 + (base[i] - '0');
	}
	return v;
}

int store_schema_version_known(enum store_engine e)
{
	int max = 0;
	for (const struct embed_file *f = embed_migrations; f->name; f++)
		if (version_of(e, f->name) > max)
			max = version_of(e, f->name);
	return max;
}

static const char sql_create[] =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)";
static const char sql_max[] = "SELECT COALESCE(MAX(version), 0) FROM schema_migrations";
static const char sql_record[] =
    "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)";

int store_schema_version(struct store *db, int *version)
{
	struct store_stmt *st;
	int64_t v = 0;
	int rc = store_exec(db, sql_create);
	if (rc)
		return rc;
	rc = store_prepare(db, sql_max, &st);
	if (rc)
		return rc;
	rc = store_step_i64(st, &v);
	if (rc != STORE_ROW)
		return rc < 0 ? rc : STORE_E_DB;
	*version = (int)v;
	return STORE_OK;
}

int store_migrate(struct store *db, int *applied, char *err, size_t errlen)
{
	int current = 0;
	*applied = 0;
	if (store_schema_version(db, &current) != STORE_OK) {
		snprintf(err, errlen, "cannot read the schema version: %s", store_errmsg(db));
		return -1;
	}
	int known = store_schema_version_known(store_engine_of(db));
	if (current > known) {
		snprintf(err, errlen,
			 "the database is at schema version %d but this tiengmo knows only up to %d; "
			 "upgrade tiengmo before using this database",
			 current, known);
		return -1;
	}
	/* apply in version order; the embedded list is sorted by meson, but do not rely on it */
	for (int v = current + 1; v <= known; v++) {
		const struct embed_file *m = NULL;
		for (const struct embed_file *f = embed_migrations; f->name; f++)
			if (version_of(store_engine_of(db), f->name) == v)
				m = f;
		if (!m)
			continue;
		struct store_stmt *st;
		if (store_begin(db) != STORE_OK) {
			snprintf(err, errlen, "cannot begin migration %s: %s", m->name, store_errmsg(db));
			return -1;
		}
		if (store_exec(db, (const char *)m->data) != STORE_OK) {
			snprintf(err, errlen, "migration %s failed: %s", m->name, store_errmsg(db));
			store_rollback(db);
			return -1;
		}
		if (store_prepare(db, sql_record, &st) != STORE_OK) {
			snprintf(err, errlen, "cannot record migration %s: %s", m->name, store_errmsg(db));
			store_rollback(db);
			return -1;
		}
		store_bind_i64(st, 1, v);
		store_bind_text(st, 2, m->name);
		store_bind_i64(st, 3, time_now());
		if (store_run(st) != STORE_OK || store_commit(db) != STORE_OK) {
			snprintf(err, errlen, "cannot record migration %s: %s", m->name, store_errmsg(db));
			store_rollback(db);
			return -1;
		}
		(*applied)++;
	}
	return 0;
}
