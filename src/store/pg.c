/*
 * pg.c: the store API of store.h on PostgreSQL (libpq), for a province or the country where several
 * tiengmo instances share one database. One connection per thread (store_thread), as on SQLite.
 *
 * Statements are prepared once per connection with PQprepare, cached by the address of their SQL
 * text like sqlite.c, and named tm1, tm2, … per connection. Parameters travel as text (int64 in
 * decimal, double as %.17g, SQL NULL) and results come back as text, which the column getters parse;
 * PostgreSQL takes the shared $N parameters natively and infers their types from context, so a bare
 * parameter with no context needs a cast in the query. Errors map by SQLSTATE onto store.h's codes.
 * Transactions run at READ COMMITTED: the writers that must serialise (the audit chain) lock a row.
 * Not for SQL dialect differences (they live in migrations) and not for the event bus (bus.c).
 */
#include <errno.h>
#include <inttypes.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"

#define CACHE_SLOTS 512
#define MAX_PARAMS 256

struct pg_stmt {
	struct store_stmt base;
	const char *key; /* the caller's SQL pointer */
	char name[16];	 /* the server-side prepared statement's name */
	unsigned gen;	 /* the connection generation it was prepared on */
	int nparams;
	char **vals;	/* nparams bound values (owned), NULL for SQL NULL */
	PGresult *desc; /* PQdescribePrepared: column names and count before a run */
	PGresult *res;	/* the current run's rows */
	int row;	/* the current row of res, -1 before the first */
	int ran;
};

struct pg_db {
	struct store base;
	PGconn *c;
	struct pg_stmt *cache[CACHE_SLOTS]; /* open addressing on the SQL pointer */
	unsigned next_name;
	unsigned gen; /* bumped when the connection is re-established: statements re-prepare */
	int in_tx;
	int tx_lost; /* the connection dropped inside the open transaction */
	char err[512];
};

/* Run on every new connection: wait for a lock as long as SQLite's busy timeout, then report
 * STORE_E_BUSY (55P03); keep notices such as "already exists, skipping" out of the way. */
#define SESSION_SETUP "SET lock_timeout = '10s'; SET client_min_messages = warning"

#define PS(st) ((struct pg_stmt *)(st))
#define PD(st) ((struct pg_db *)(st)->db)

/* Maps a failed result's SQLSTATE to a store code. */
static int map_state(const char *state)
{
	if (!state)
		return STORE_E_DB;
	if (strcmp(state, "23505") == 0)
		return STORE_E_UNIQUE;
	if (strcmp(state, "23503") == 0)
		return STORE_E_FK;
	if (strcmp(state, "23502") == 0 || strcmp(state, "23514") == 0)
		return STORE_E_CHECK;
	if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 || strcmp(state, "55P03") == 0)
		return STORE_E_BUSY;
	if (strcmp(state, "53200") == 0) /* out_of_memory */
		return STORE_E_NOMEM;
	return STORE_E_DB;
}

/* Keeps the error message of result r (or of the connection) for store_errmsg, trimmed of its newline. */
static void keep_error(struct pg_db *d, const PGresult *r)
{
	const char *m = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	if (!m || !*m)
		m = PQerrorMessage(d->c);
	snprintf(d->err, sizeof d->err, "%s", m && *m ? m : "unknown PostgreSQL error");
	size_t n = strlen(d->err);
	while (n && (d->err[n - 1] == '\n' || d->err[n - 1] == ' '))
		d->err[--n] = '\0';
}

/* When the server went away (restart, failover, idle timeout), reconnects so that the next call
 * works; the failed call itself is never retried, since it may have run. Statements re-prepare on
 * their next use, and a transaction in progress is marked failed so that its commit reports it. */
static void revive(struct pg_db *d)
{
	if (PQstatus(d->c) != CONNECTION_BAD)
		return;
	if (d->in_tx)
		d->tx_lost = 1;
	PQreset(d->c);
	d->gen++;
	if (PQstatus(d->c) == CONNECTION_OK)
		PQclear(PQexec(d->c, SESSION_SETUP));
}

/* Checks a result: STORE_OK for a command or rows, otherwise keeps the message and maps the error.
 * Does not clear r. */
static int check(struct pg_db *d, const PGresult *r)
{
	int rc = STORE_OK;
	if (!r) {
		keep_error(d, NULL);
		rc = PQstatus(d->c) == CONNECTION_BAD ? STORE_E_DB : STORE_E_NOMEM;
	} else {
		switch (PQresultStatus(r)) {
		case PGRES_COMMAND_OK:
		case PGRES_TUPLES_OK:
		case PGRES_EMPTY_QUERY:
			return STORE_OK;
		default:
			keep_error(d, r);
			rc = map_state(PQresultErrorField(r, PG_DIAG_SQLSTATE));
		}
	}
	revive(d);
	return rc;
}

static void stmt_clear(struct pg_stmt *s)
{
	PQclear(s->res);
	s->res = NULL;
	s->row = -1;
	s->ran = 0;
	for (int i = 0; i < s->nparams; i++) {
		free(s->vals[i]);
		s->vals[i] = NULL;
	}
}

static void stmt_free(struct pg_stmt *s)
{
	stmt_clear(s);
	PQclear(s->desc);
	free(s->vals);
	free(s);
}

static void pg_close(struct store *db)
{
	struct pg_db *d = (struct pg_db *)db;
	for (int i = 0; i < CACHE_SLOTS; i++)
		if (d->cache[i])
			stmt_free(d->cache[i]);
	PQfinish(d->c);
	free(d);
}

static const char *pg_errmsg(struct store *db)
{
	struct pg_db *d = (struct pg_db *)db;
	return d->err[0] ? d->err : "no error";
}

/* Prepares s on the server under a fresh name and reads its parameter count and columns. */
static int server_prepare(struct pg_db *d, struct pg_stmt *s)
{
	snprintf(s->name, sizeof s->name, "tm%u", ++d->next_name);
	PGresult *r = PQprepare(d->c, s->name, s->key, 0, NULL);
	int rc = check(d, r);
	PQclear(r);
	if (rc)
		return rc;
	r = PQdescribePrepared(d->c, s->name);
	rc = check(d, r);
	if (rc) {
		PQclear(r);
		return rc;
	}
	int n = PQnparams(r);
	if (n > MAX_PARAMS) {
		PQclear(r);
		snprintf(d->err, sizeof d->err, "a statement has %d parameters; at most %d are allowed", n,
			 MAX_PARAMS);
		return STORE_E_DB;
	}
	if (n > s->nparams) {
		char **v = realloc(s->vals, sizeof *v * (size_t)n);
		if (!v) {
			PQclear(r);
			return STORE_E_NOMEM;
		}
		for (int i = s->nparams; i < n; i++)
			v[i] = NULL;
		s->vals = v;
	}
	s->nparams = n;
	PQclear(s->desc);
	s->desc = r;
	s->gen = d->gen;
	return STORE_OK;
}

static int pg_prepare(struct store *db, const char *sql, struct store_stmt **out)
{
	struct pg_db *d = (struct pg_db *)db;
	size_t h = ((uintptr_t)sql >> 3) % CACHE_SLOTS;
	for (size_t probe = 0; probe < CACHE_SLOTS; probe++) {
		size_t i = (h + probe) % CACHE_SLOTS;
		struct pg_stmt *c = d->cache[i];
		if (c && c->key == sql) {
			stmt_clear(c);
			if (c->gen != d->gen) {
				int rc = server_prepare(d, c);
				if (rc)
					return rc;
			}
			*out = &c->base;
			return STORE_OK;
		}
		if (!c) {
			struct pg_stmt *s = calloc(1, sizeof *s);
			if (!s)
				return STORE_E_NOMEM;
			s->base.db = db;
			s->key = sql;
			s->row = -1;
			int rc = server_prepare(d, s);
			if (rc) {
				stmt_free(s);
				return rc;
			}
			d->cache[i] = s;
			*out = &s->base;
			return STORE_OK;
		}
	}
	snprintf(d->err, sizeof d->err, "the statement cache is full (%d statements)", CACHE_SLOTS);
	return STORE_E_NOMEM;
}

/* Stores the text of parameter idx (1-based), taking ownership of v (NULL binds SQL NULL). */
static int bind_owned(struct store_stmt *st, int idx, char *v)
{
	struct pg_stmt *s = PS(st);
	if (idx < 1 || idx > s->nparams) {
		free(v);
		snprintf(PD(st)->err, sizeof PD(st)->err,
			 "parameter $%d is out of range (the statement has %d)", idx, s->nparams);
		return STORE_E_DB;
	}
	free(s->vals[idx - 1]);
	s->vals[idx - 1] = v;
	return STORE_OK;
}

static int pg_bind_i64(struct store_stmt *st, int idx, int64_t v)
{
	char tmp[24];
	snprintf(tmp, sizeof tmp, "%" PRId64, v);
	char *c = strdup(tmp);
	return c ? bind_owned(st, idx, c) : STORE_E_NOMEM;
}

static int pg_bind_double(struct store_stmt *st, int idx, double v)
{
	char tmp[40];
	snprintf(tmp, sizeof tmp, "%.17g", v);
	char *c = strdup(tmp);
	return c ? bind_owned(st, idx, c) : STORE_E_NOMEM;
}

static int pg_bind_text(struct store_stmt *st, int idx, const char *v)
{
	if (!v)
		return bind_owned(st, idx, NULL);
	char *c = strdup(v);
	return c ? bind_owned(st, idx, c) : STORE_E_NOMEM;
}

static int pg_bind_null(struct store_stmt *st, int idx)
{
	return bind_owned(st, idx, NULL);
}

static PGresult *run(struct pg_db *d, struct pg_stmt *s)
{
	return PQexecPrepared(d->c, s->name, s->nparams, (const char *const *)s->vals, NULL, NULL, 0);
}

static int pg_step(struct store_stmt *st)
{
	struct pg_stmt *s = PS(st);
	struct pg_db *d = PD(st);
	if (!s->ran) {
		s->ran = 1;
		s->row = -1;
		PGresult *r = run(d, s);
		int rc = check(d, r);
		if (rc) {
			PQclear(r);
			return rc;
		}
		s->res = r;
	}
	if (!s->res)
		return STORE_DONE;
	if (s->row + 1 < PQntuples(s->res)) {
		s->row++;
		return STORE_ROW;
	}
	s->row = PQntuples(s->res);
	return STORE_DONE;
}

/* The current row's value of col, or NULL when there is no such value or it is SQL NULL. */
static const char *value(struct pg_stmt *s, int col)
{
	if (!s->res || s->row < 0 || s->row >= PQntuples(s->res) || col < 0 || col >= PQnfields(s->res))
		return NULL;
	if (PQgetisnull(s->res, s->row, col))
		return NULL;
	return PQgetvalue(s->res, s->row, col);
}

static int64_t pg_col_i64(struct store_stmt *st, int col)
{
	const char *v = value(PS(st), col);
	if (!v)
		return 0;
	if (v[0] == 't' && v[1] == '\0') /* a boolean expression */
		return 1;
	if (v[0] == 'f' && v[1] == '\0')
		return 0;
	errno = 0;
	char *end;
	long long n = strtoll(v, &end, 10);
	if (*end == '.' || *end == 'e' || *end == 'E') /* numeric or floating result, as SQLite truncates */
		return (int64_t)strtod(v, NULL);
	return (int64_t)n;
}

static double pg_col_double(struct store_stmt *st, int col)
{
	const char *v = value(PS(st), col);
	return v ? strtod(v, NULL) : 0.0;
}

static const char *pg_col_text(struct store_stmt *st, int col)
{
	return value(PS(st), col);
}

static int pg_col_is_null(struct store_stmt *st, int col)
{
	struct pg_stmt *s = PS(st);
	if (!s->res || s->row < 0 || s->row >= PQntuples(s->res) || col < 0 || col >= PQnfields(s->res))
		return 1;
	return PQgetisnull(s->res, s->row, col);
}

static int pg_col_count(struct store_stmt *st)
{
	struct pg_stmt *s = PS(st);
	const PGresult *r = s->res ? s->res : s->desc;
	return r ? PQnfields(r) : 0;
}

static const char *pg_col_name(struct store_stmt *st, int col)
{
	struct pg_stmt *s = PS(st);
	const PGresult *r = s->res ? s->res : s->desc;
	if (!r || col < 0 || col >= PQnfields(r))
		return NULL;
	return PQfname(r, col);
}

static void pg_reset(struct store_stmt *st)
{
	stmt_clear(PS(st));
}

/* Runs text without parameters; *tag receives the command tag of the last statement when asked. */
static int exec_text(struct pg_db *d, const char *sql, char *tag, size_t taglen)
{
	PGresult *r = PQexec(d->c, sql);
	int rc = check(d, r);
	if (rc == STORE_OK && tag)
		snprintf(tag, taglen, "%s", PQcmdStatus(r));
	PQclear(r);
	return rc;
}

static int pg_exec(struct store *db, const char *sql)
{
	return exec_text((struct pg_db *)db, sql, NULL, 0);
}

static int pg_begin(struct store *db)
{
	struct pg_db *d = (struct pg_db *)db;
	if (d->in_tx) {
		snprintf(d->err, sizeof d->err, "a transaction is already open on this connection");
		return STORE_E_DB;
	}
	int rc = exec_text(d, "BEGIN", NULL, 0);
	if (rc == STORE_OK)
		d->in_tx = 1;
	d->tx_lost = 0;
	return rc;
}

static int pg_commit(struct store *db)
{
	struct pg_db *d = (struct pg_db *)db;
	char tag[32] = "";
	if (d->tx_lost) {
		/* the server went away mid-transaction: nothing of it was written */
		snprintf(d->err, sizeof d->err, "the connection was lost during the transaction");
		d->in_tx = d->tx_lost = 0;
		if (PQtransactionStatus(d->c) != PQTRANS_IDLE)
			exec_text(d, "ROLLBACK", NULL, 0);
		return STORE_E_DB;
	}
	int rc = exec_text(d, "COMMIT", tag, sizeof tag);
	/* COMMIT of a transaction that failed earlier succeeds as ROLLBACK: nothing was written */
	if (rc == STORE_OK && strcmp(tag, "ROLLBACK") == 0) {
		snprintf(d->err, sizeof d->err, "the transaction failed earlier and was rolled back");
		rc = STORE_E_DB;
	}
	if (rc != STORE_OK && PQtransactionStatus(d->c) != PQTRANS_IDLE)
		exec_text(d, "ROLLBACK", NULL, 0);
	d->in_tx = d->tx_lost = 0;
	return rc;
}

static int pg_rollback(struct store *db)
{
	struct pg_db *d = (struct pg_db *)db;
	int lost = d->tx_lost;
	d->in_tx = d->tx_lost = 0;
	int rc = exec_text(d, "ROLLBACK", NULL, 0);
	return lost ? STORE_OK : rc;
}

static const struct store_ops pg_ops = {
    .close = pg_close,
    .errmsg = pg_errmsg,
    .prepare = pg_prepare,
    .bind_i64 = pg_bind_i64,
    .bind_double = pg_bind_double,
    .bind_text = pg_bind_text,
    .bind_null = pg_bind_null,
    .step = pg_step,
    .col_i64 = pg_col_i64,
    .col_double = pg_col_double,
    .col_text = pg_col_text,
    .col_is_null = pg_col_is_null,
    .col_count = pg_col_count,
    .col_name = pg_col_name,
    .reset = pg_reset,
    .exec = pg_exec,
    .begin = pg_begin,
    .commit = pg_commit,
    .rollback = pg_rollback,
};

/* Notices (such as "relation already exists, skipping") are not errors; keep them off stderr. */
static void quiet_notice(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

/* Replaces every occurrence of secret in s (in place) with asterisks. */
static void scrub(char *s, const char *secret)
{
	size_t n = secret ? strlen(secret) : 0;
	if (!n)
		return;
	for (char *p = strstr(s, secret); p; p = strstr(p + n, secret))
		memset(p, '*', n);
}

/* Describes the target for messages: "database 'D' on 'HOST'" without user or password. */
static void describe(const char *url, char *out, size_t outlen, char *password, size_t pwlen)
{
	char *perr = NULL;
	const char *host = NULL, *dbname = NULL;
	PQconninfoOption *opts = PQconninfoParse(url, &perr);
	password[0] = '\0';
	if (opts) {
		for (PQconninfoOption *o = opts; o->keyword; o++) {
			if (!o->val)
				continue;
			if (strcmp(o->keyword, "host") == 0)
				host = o->val;
			else if (strcmp(o->keyword, "dbname") == 0)
				dbname = o->val;
			else if (strcmp(o->keyword, "password") == 0)
				snprintf(password, pwlen, "%s", o->val);
		}
	}
	if (!opts)
		snprintf(out, outlen, "the PostgreSQL URL (it cannot be parsed)");
	else
		snprintf(out, outlen, "PostgreSQL database '%s' on '%s'", dbname ? dbname : "(default)",
			 host && *host ? host : "(default host)");
	PQfreemem(perr);
	PQconninfoFree(opts);
}

int store_pg_open(const char *conninfo, struct store **out, char *err, size_t errlen)
{
	char what[512], password[256];
	*out = NULL;
	describe(conninfo, what, sizeof what, password, sizeof password);
	struct pg_db *d = calloc(1, sizeof *d);
	if (!d) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	d->base.ops = &pg_ops;
	d->base.engine = STORE_PG;
	d->c = PQconnectdb(conninfo);
	if (!d->c || PQstatus(d->c) != CONNECTION_OK) {
		snprintf(d->err, sizeof d->err, "%s", d->c ? PQerrorMessage(d->c) : "out of memory");
		size_t n = strlen(d->err);
		while (n && (d->err[n - 1] == '\n' || d->err[n - 1] == ' '))
			d->err[--n] = '\0';
		scrub(d->err, password);
		snprintf(err, errlen, "cannot connect to %s: %s", what, d->err);
		PQfinish(d->c);
		free(d);
		explicit_bzero(password, sizeof password);
		return -1;
	}
	explicit_bzero(password, sizeof password);
	PQsetNoticeProcessor(d->c, quiet_notice, NULL);
	if (exec_text(d, SESSION_SETUP, NULL, 0) != STORE_OK) {
		snprintf(err, errlen, "cannot set up %s: %s", what, d->err);
		PQfinish(d->c);
		free(d);
		return -1;
	}
	*out = &d->base;
	return 0;
}
