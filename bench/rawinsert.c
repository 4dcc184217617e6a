/*
 * rawinsert.c: the yardstick for tiengmo's durable writes (DESIGN §6: a durable write ≥ 70 % of raw
 * inserts with the same durability). It inserts rows shaped like a unit (parent, kind, code, name,
 * path, commune, two times; the same sizes as bench/write.lua's POST bodies) into a table of its own,
 * one transaction per row, from THREADS connections for SECONDS, and prints
 *
 *     <inserts per second> <p50 ms> <p99 ms> <inserts>
 *
 * Durability is the product's: on SQLite WAL with synchronous=FULL (each commit fsyncs the WAL), a
 * busy timeout and BEGIN IMMEDIATE, as src/store/sqlite.c opens its connections; on PostgreSQL
 * synchronous_commit=on (the server must run with fsync=on — bench/http.sh starts one so). No HTTP, no
 * session, no audit entry: this is what the engine alone can do.
 *
 * Not part of the product; bench/http.sh builds it with cc. Usage:
 *     rawinsert sqlite:PATH|postgres://… SECONDS THREADS [PAD]
 * PAD (bench/submit.sh) adds that many bytes to each row's name, to match a bigger row (a tip).
 */
#include <inttypes.h>
#include <libpq-fe.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define THREADS_MAX 64
#define SAMPLES_MAX (1 << 21) /* latencies kept per thread; beyond, counted but not sampled */

struct worker {
	pthread_t th;
	int no;
	const char *url;
	int64_t done;
	int64_t nsamples;
	double *lat_ms;
	int failed;
};

static atomic_int stop;
static int pad; /* extra bytes in each row's name (argv[4]) */
#define PAD_MAX 4096

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int is_pg(const char *url)
{
	return strncmp(url, "postgres://", 11) == 0 || strncmp(url, "postgresql://", 13) == 0;
}

static const char create_sql[] =
    "CREATE TABLE bench_raw (id BIGINT PRIMARY KEY, parent_id BIGINT, kind TEXT NOT NULL, "
    "code TEXT NOT NULL UNIQUE, name TEXT NOT NULL, path TEXT NOT NULL, commune_id BIGINT, "
    "created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL)";
static const char insert_sql[] =
    "INSERT INTO bench_raw (id, parent_id, kind, code, name, path, commune_id, created_at, updated_at) "
    "VALUES ($1, 3, 'group', $2, $3, $4, 2, $5, $5)";

/* The row's values: a unique id and code, a name and path of the sizes the API bench sends. */
static void row_of(int worker, int64_t n, int64_t *id, char *code, size_t codelen, char *name, size_t namelen,
		   char *path, size_t pathlen)
{
	*id = (int64_t)(worker + 1) * 1000000000 + n;
	snprintf(code, codelen, "R%d-%" PRId64, worker, n);
	int k = snprintf(name, namelen, "Tổ dân phố %" PRId64 " khối %d", n, worker + 1);
	for (int i = 0; i < pad && k >= 0 && (size_t)k + 1 < namelen; i++)
		name[k++] = (char)('a' + i % 26);
	if (k >= 0 && (size_t)k < namelen)
		name[k] = '\0';
	snprintf(path, pathlen, "/1/2/%d/%" PRId64 "/", worker + 3, *id);
}

static void *run_sqlite(void *arg)
{
	struct worker *w = arg;
	sqlite3 *h = NULL;
	sqlite3_stmt *st = NULL;
	const char *path = w->url + strlen("sqlite:");
	w->failed = 1;
	if (sqlite3_open(path, &h) != SQLITE_OK)
		goto out;
	sqlite3_busy_timeout(h, 10000);
	if (sqlite3_exec(h, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL", NULL, NULL, NULL) !=
	    SQLITE_OK)
		goto out;
	if (sqlite3_prepare_v2(h, insert_sql, -1, &st, NULL) != SQLITE_OK)
		goto out;
	for (int64_t n = 0; !atomic_load(&stop); n++) {
		char code[64], name[96 + PAD_MAX], pth[96];
		int64_t id;
		row_of(w->no, n, &id, code, sizeof code, name, sizeof name, pth, sizeof pth);
		double t0 = now_ms();
		if (sqlite3_exec(h, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
			goto out;
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_text(st, 2, code, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 3, name, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 4, pth, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 5, (int64_t)time(NULL));
		int rc = sqlite3_step(st);
		sqlite3_reset(st);
		if (rc != SQLITE_DONE || sqlite3_exec(h, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
			goto out;
		if (w->nsamples < SAMPLES_MAX)
			w->lat_ms[w->nsamples++] = now_ms() - t0;
		w->done++;
	}
	w->failed = 0;
out:
	if (w->failed)
		fprintf(stderr, "rawinsert: sqlite worker %d: %s\n", w->no,
			h ? sqlite3_errmsg(h) : "cannot open");
	sqlite3_finalize(st);
	sqlite3_close(h);
	return NULL;
}

static void *run_pg(void *arg)
{
	struct worker *w = arg;
	PGconn *c = PQconnectdb(w->url);
	PGresult *r = NULL;
	w->failed = 1;
	if (PQstatus(c) != CONNECTION_OK)
		goto out;
	r = PQexec(c, "SET synchronous_commit = on");
	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		goto out;
	PQclear(r);
	r = PQprepare(c, "ins", insert_sql, 0, NULL);
	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		goto out;
	PQclear(r);
	r = NULL;
	for (int64_t n = 0; !atomic_load(&stop); n++) {
		char sid[32], code[64], name[96 + PAD_MAX], pth[96], ts[32];
		int64_t id;
		row_of(w->no, n, &id, code, sizeof code, name, sizeof name, pth, sizeof pth);
		snprintf(sid, sizeof sid, "%" PRId64, id);
		snprintf(ts, sizeof ts, "%" PRId64, (int64_t)time(NULL));
		const char *vals[5] = {sid, code, name, pth, ts};
		double t0 = now_ms();
		r = PQexecPrepared(c, "ins", 5, vals, NULL, NULL, 0); /* autocommit: one transaction */
		if (PQresultStatus(r) != PGRES_COMMAND_OK)
			goto out;
		PQclear(r);
		r = NULL;
		if (w->nsamples < SAMPLES_MAX)
			w->lat_ms[w->nsamples++] = now_ms() - t0;
		w->done++;
	}
	w->failed = 0;
out:
	if (w->failed)
		fprintf(stderr, "rawinsert: postgres worker %d: %s\n", w->no, PQerrorMessage(c));
	PQclear(r);
	PQfinish(c);
	return NULL;
}

/* Creates the table afresh on the engine of url; returns 0 or -1 with a message on stderr. */
static int prepare_table(const char *url)
{
	int rc = -1;
	if (is_pg(url)) {
		PGconn *c = PQconnectdb(url);
		PGresult *r = NULL;
		if (PQstatus(c) == CONNECTION_OK) {
			PQclear(PQexec(c, "SET client_min_messages = warning"));
			PQclear(PQexec(c, "DROP TABLE IF EXISTS bench_raw"));
			r = PQexec(c, create_sql);
			rc = PQresultStatus(r) == PGRES_COMMAND_OK ? 0 : -1;
		}
		if (rc)
			fprintf(stderr, "rawinsert: %s", PQerrorMessage(c));
		PQclear(r);
		PQfinish(c);
	} else {
		sqlite3 *h = NULL;
		if (sqlite3_open(url + strlen("sqlite:"), &h) == SQLITE_OK &&
		    sqlite3_exec(h, "PRAGMA journal_mode=WAL; DROP TABLE IF EXISTS bench_raw", NULL, NULL,
				 NULL) == SQLITE_OK &&
		    sqlite3_exec(h, create_sql, NULL, NULL, NULL) == SQLITE_OK)
			rc = 0;
		if (rc)
			fprintf(stderr, "rawinsert: %s\n", h ? sqlite3_errmsg(h) : "cannot open");
		sqlite3_close(h);
	}
	return rc;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	if (argc == 5) {
		pad = (int)strtol(argv[4], NULL, 10);
		if (pad < 0 || pad > PAD_MAX)
			pad = 0;
	}
	if ((argc != 4 && argc != 5) || (strncmp(argv[1], "sqlite:", 7) != 0 && !is_pg(argv[1]))) {
		fprintf(stderr, "usage: rawinsert sqlite:PATH|postgres://… SECONDS THREADS\n");
		return 2;
	}
	const char *url = argv[1];
	long secs = strtol(argv[2], NULL, 10), nthreads = strtol(argv[3], NULL, 10);
	if (secs < 1 || secs > 3600 || nthreads < 1 || nthreads > THREADS_MAX) {
		fprintf(stderr, "rawinsert: SECONDS must be 1-3600 and THREADS 1-%d\n", THREADS_MAX);
		return 2;
	}
	if (prepare_table(url))
		return 1;

	struct worker w[THREADS_MAX] = {0};
	for (int i = 0; i < nthreads; i++) {
		w[i].no = i;
		w[i].url = url;
		w[i].lat_ms = malloc(sizeof(double) * SAMPLES_MAX);
		if (!w[i].lat_ms) {
			fprintf(stderr, "rawinsert: out of memory\n");
			return 1;
		}
	}
	double t0 = now_ms();
	for (int i = 0; i < nthreads; i++)
		pthread_create(&w[i].th, NULL, is_pg(url) ? run_pg : run_sqlite, &w[i]);
	sleep((unsigned)secs);
	atomic_store(&stop, 1);
	int failed = 0;
	int64_t done = 0, nsamples = 0;
	for (int i = 0; i < nthreads; i++) {
		pthread_join(w[i].th, NULL);
		failed |= w[i].failed;
		done += w[i].done;
		nsamples += w[i].nsamples;
	}
	double elapsed_s = (now_ms() - t0) / 1e3;
	if (failed || nsamples == 0)
		return 1;

	double *all = malloc(sizeof(double) * (size_t)nsamples);
	if (!all)
		return 1;
	int64_t k = 0;
	for (int i = 0; i < nthreads; i++) {
		memcpy(all + k, w[i].lat_ms, sizeof(double) * (size_t)w[i].nsamples);
		k += w[i].nsamples;
		free(w[i].lat_ms);
	}
	qsort(all, (size_t)nsamples, sizeof(double), cmp_double);
	printf("%.0f %.2f %.2f %" PRId64 "\n", (double)done / elapsed_s, all[nsamples / 2],
	       all[(int64_t)((double)nsamples * 0.99)], done);
	free(all);
	return 0;
}
