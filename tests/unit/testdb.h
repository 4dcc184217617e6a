/*
 * testdb.h: a fresh, empty database for the store and audit unit tests. The database is the one in
 * $TIENGMO_TEST_DB when set ("sqlite:PATH" or "postgres://…"), otherwise a SQLite file in a new
 * temporary directory. Every call starts from nothing: a SQLite file is deleted first, and on
 * PostgreSQL the public schema is DROPPED AND RECREATED — point TIENGMO_TEST_DB only at a scratch
 * database. Test-only.
 */
#ifndef TIENGMO_TESTDB_H
#define TIENGMO_TESTDB_H
#include "unit.h"

#include "store/store.h"

struct testdb {
	char dir[128]; /* the temporary directory, "" when the database came from the environment */
	char url[512];
	struct store *db;
};

/* Opens a second connection to the same database; fails the test when it cannot. */
static inline struct store *testdb_connect(const struct testdb *t)
{
	char err[256];
	struct store *db = NULL;
	if (store_open(t->url, &db, err, sizeof err) != 0)
		fail_msg("cannot open test database: %s", err);
	return db;
}

/* Fills t with a fresh, empty, unmigrated database and a connection to it. */
static inline void testdb_open(struct testdb *t)
{
	const char *env = getenv("TIENGMO_TEST_DB");
	memset(t, 0, sizeof *t);
	if (env && *env) {
		snprintf(t->url, sizeof t->url, "%s", env);
		if (strncmp(env, "sqlite:", 7) == 0) {
			char p[600];
			unlink(env + 7);
			snprintf(p, sizeof p, "%s-wal", env + 7);
			unlink(p);
			snprintf(p, sizeof p, "%s-shm", env + 7);
			unlink(p);
		}
	} else {
		unit_tmpdir(t->dir, sizeof t->dir);
		snprintf(t->url, sizeof t->url, "sqlite:%s/test.db", t->dir);
	}
	t->db = testdb_connect(t);
	if (store_engine_of(t->db) == STORE_PG &&
	    store_exec(t->db, "DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public") != STORE_OK)
		fail_msg("cannot empty the test database: %s", store_errmsg(t->db));
}

/* Fills t as testdb_open does, then applies every migration. */
static inline void testdb_open_migrated(struct testdb *t)
{
	char err[512];
	int applied = 0;
	testdb_open(t);
	if (store_migrate(t->db, &applied, err, sizeof err) != 0)
		fail_msg("migration failed: %s", err);
}

static inline void testdb_close(struct testdb *t)
{
	store_close(t->db);
	t->db = NULL;
	if (t->dir[0])
		unit_rmdir(t->dir);
}

#endif
