/*
 * store.h: the one statement API that every query in tiengmo goes through, implemented on SQLite
 * (sqlite.c, the default) and PostgreSQL (pg.c). Callers never see which engine runs.
 *
 * Queries are written once, in the SQL that both engines run, with numbered parameters $1, $2, …
 * (sqlite.c rewrites them to ?1, ?2). Times are integer Unix seconds (BIGINT), flags are 0/1 INTEGER,
 * new ids come back with RETURNING id. Bound parameters only: never build SQL from input.
 *
 * A connection (struct store) belongs to one thread at a time. store_prepare caches statements by the
 * address of their SQL text, so pass string literals (or other static strings): each statement is
 * prepared once per connection and reused. The returned statement is owned by the connection; the
 * caller steps it and must finish with store_reset (which also clears bindings) before the next use.
 *
 *     struct store_stmt *st;
 *     if (store_prepare(db, "SELECT name FROM units WHERE id = $1", &st)) goto out;
 *     store_bind_i64(st, 1, id);
 *     while ((rc = store_step(st)) == STORE_ROW) use(store_col_text(st, 0));
 *     store_reset(st);
 */
#ifndef TIENGMO_STORE_H
#define TIENGMO_STORE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct store;
struct store_stmt;

enum store_rc {
	STORE_OK = 0,
	STORE_ROW = 1,	     /* store_step: a row is ready */
	STORE_DONE = 2,	     /* store_step: no (more) rows */
	STORE_E_UNIQUE = -1, /* unique or primary key violated */
	STORE_E_FK = -2,     /* foreign key violated (still referenced, or missing parent) */
	STORE_E_BUSY = -3,   /* locked for longer than the busy timeout */
	STORE_E_DB = -4,     /* anything else; see store_errmsg */
	STORE_E_NOMEM = -5,
	STORE_E_CHECK = -6, /* NOT NULL or CHECK constraint violated */
};

enum store_engine { STORE_SQLITE, STORE_PG };

/* Opens a connection to "sqlite:PATH" or "postgres://…"/"postgresql://…". Returns 0 and *out, or
 * -1 with a message in err (never containing a password). */
int store_open(const char *url, struct store **out, char *err, size_t errlen);
void store_close(struct store *db);
enum store_engine store_engine_of(const struct store *db);
/* The last error message of this connection (for logs; holds no bound values). */
const char *store_errmsg(struct store *db);

/* Sets the URL that store_thread() connects to; call once before any thread uses it. */
void store_set_default_url(const char *url);
/* The calling thread's own connection to the default URL, opened on first use; NULL when the
 * database cannot be opened (logged). Closed by store_thread_release or at thread exit. */
struct store *store_thread(void);
void store_thread_release(void);

/* Prepares (or finds in the cache) sql; see the header comment for ownership. */
int store_prepare(struct store *db, const char *sql, struct store_stmt **out);
/* Binds parameter idx (1-based). Text is copied; NULL text binds SQL NULL. */
int store_bind_i64(struct store_stmt *st, int idx, int64_t v);
int store_bind_double(struct store_stmt *st, int idx, double v);
int store_bind_text(struct store_stmt *st, int idx, const char *s);
int store_bind_null(struct store_stmt *st, int idx);
/* Runs the statement or moves to its next row: STORE_ROW, STORE_DONE or an error. */
int store_step(struct store_stmt *st);
/* Columns are 0-based. Text stays valid until the next step or reset; NULL for SQL NULL. */
int64_t store_col_i64(struct store_stmt *st, int col);
double store_col_double(struct store_stmt *st, int col);
const char *store_col_text(struct store_stmt *st, int col);
int store_col_is_null(struct store_stmt *st, int col);
int store_col_count(struct store_stmt *st);
const char *store_col_name(struct store_stmt *st, int col);
/* Ends the current run and clears bindings, readying the statement for its next use. */
void store_reset(struct store_stmt *st);

/* Runs SQL text of one or more statements without parameters (migrations, pragmas). */
int store_exec(struct store *db, const char *sql);
/* Transactions: begin takes the write lock at once (BEGIN IMMEDIATE on SQLite), so two writers
 * never deadlock. Nested calls are an error. */
int store_begin(struct store *db);
int store_commit(struct store *db);
int store_rollback(struct store *db);

/* Convenience: runs a statement with up to one row of interest and returns its first column as an
 * integer in *out (STORE_ROW), or STORE_DONE when no row came back. Bindings must be set first; the
 * statement is reset afterwards. */
int store_step_i64(struct store_stmt *st, int64_t *out);
/* Runs a statement that returns no rows (or ignores them) and resets it: STORE_OK or an error. */
int store_run(struct store_stmt *st);

/* Optional columns and parameters, the same on every engine (store.c). An optional id or time is 0
 * in C and SQL NULL in the database; optional text is NULL in both. */
struct arena;
/* Copies text column col of the current row into arena a and returns the copy (owned by the arena),
 * or NULL for SQL NULL. When the copy cannot be made (the arena is exhausted or out of memory) it
 * returns NULL and sets *ok to false; it never sets *ok to true, so one flag can collect the failures
 * of a whole row. ok may be NULL when the caller does not distinguish a failed copy from SQL NULL. */
const char *store_col_dup(struct store_stmt *st, int col, struct arena *a, bool *ok);
/* Integer column col of the current row, or 0 for SQL NULL. */
int64_t store_col_opt_i64(struct store_stmt *st, int col);
/* Binds v to parameter idx (1-based), or SQL NULL when v is 0. Returns the bind's result. */
int store_bind_opt_i64(struct store_stmt *st, int idx, int64_t v);

/* Migrations (migrate.c): applies every embedded migration newer than the database's version, each in
 * its own transaction. Returns 0 and the number applied, or -1 with a message, among them a database
 * newer than this binary. Idempotent. */
int store_migrate(struct store *db, int *applied, char *err, size_t errlen);
/* The newest migration version this binary knows, and the database's current version (0 if none). */
int store_schema_version_known(enum store_engine e);
int store_schema_version(struct store *db, int *version);

/* Engine-internal: the vtable each engine fills. Callers use the functions above. */
struct store_ops {
	void (*close)(struct store *db);
	const char *(*errmsg)(struct store *db);
	int (*prepare)(struct store *db, const char *sql, struct store_stmt **out);
	int (*bind_i64)(struct store_stmt *st, int idx, int64_t v);
	int (*bind_double)(struct store_stmt *st, int idx, double v);
	int (*bind_text)(struct store_stmt *st, int idx, const char *s);
	int (*bind_null)(struct store_stmt *st, int idx);
	int (*step)(struct store_stmt *st);
	int64_t (*col_i64)(struct store_stmt *st, int col);
	double (*col_double)(struct store_stmt *st, int col);
	const char *(*col_text)(struct store_stmt *st, int col);
	int (*col_is_null)(struct store_stmt *st, int col);
	int (*col_count)(struct store_stmt *st);
	const char *(*col_name)(struct store_stmt *st, int col);
	void (*reset)(struct store_stmt *st);
	int (*exec)(struct store *db, const char *sql);
	int (*begin)(struct store *db);
	int (*commit)(struct store *db);
	int (*rollback)(struct store *db);
};

/* Every engine's connection starts with this header. */
struct store {
	const struct store_ops *ops;
	enum store_engine engine;
};
/* Every engine's statement starts with this header. */
struct store_stmt {
	struct store *db;
};

int store_sqlite_open(const char *path, struct store **out, char *err, size_t errlen);
int store_pg_open(const char *conninfo, struct store **out, char *err, size_t errlen);
/* SQLite only: the path of the database file, or NULL for another engine. Used by backup. */
const char *store_sqlite_path(struct store *db);
/* SQLite only: the underlying sqlite3 handle (for the online backup API), NULL otherwise. */
void *store_sqlite_handle(struct store *db);
/* SQLite only: registers sql (one statement without parameters, a static string that stays valid)
 * to run right before the COMMIT of every batch this process commits on SQLite (every store_begin
 * transaction, and every write outside one, is in a batch), inside its transaction and outside any
 * savepoint (sqlite.c, "Before each commit"). A statement this database has no tables for is
 * skipped; one that fails fails the batch. Idempotent for the same pointer; thread-safe. Returns 0,
 * or -1 when the table of such statements is full. */
int store_sqlite_before_commit(const char *sql);

#endif
