/*
 * test_store_durable.c: the SQLite group commit of src/store/sqlite.c keeps synchronous=FULL's
 * promise — a commit that store_commit (or a single statement's step) reported is on disk. A VFS shim
 * wrapped around SQLite's own records, for the WAL, how many bytes had been written when each fsync
 * started and marks them durable once the fsync returns. Writer threads commit rows (in transactions
 * and as single statements) and note each id once its commit has been reported; meanwhile "power
 * cuts" copy the database file and only the durable part of the WAL, as a crash would leave them.
 * Every copy, opened afresh, must hold every id that had been reported before the copy was made.
 * (Without the wait for the fsync — COMMIT alone under synchronous=NORMAL — the copies lose reported
 * rows and this test fails.) The writers' transactions also roll back now and then, and run a failing
 * statement before they commit: those rows must never appear, the others always.
 *
 * The batching of sqlite.c (concurrent transactions sharing one SQLite transaction, each member in
 * its own savepoint) is pinned deterministically: the shim can hold the WAL's fsync (a "gate"), and
 * while one commit waits at the gate the next batch stays open, so the test knows which transactions
 * share a batch ($TIENGMO_SQLITE_BATCH_MS keeps the batch from committing on age meanwhile). It checks
 * that members share one commit and read each other's writes, that a member's rollback and failing
 * statement undo only its own work, that a whole-transaction rollback by SQLite (a trigger's
 * RAISE(ROLLBACK)) fails every committed member of the batch, and that a COMMIT failing to write
 * the WAL (the shim fails the write) does the same, each leaving the store usable.
 * SQLite only; skipped when $TIENGMO_TEST_DB names another engine.
 */
#include "unit.h"

#include <pthread.h>
#include <stdbool.h>
#include <sqlite3.h>

#include "store/store.h"

/* ---- the shim: every file of the default VFS, the WAL's durable length tracked ---- */

struct shim_file {
	sqlite3_file base;
	int is_wal;
	sqlite3_file *real; /* follows this struct in the same allocation */
};

static sqlite3_vfs *g_real;
static sqlite3_vfs g_shim;
static pthread_mutex_t g_io = PTHREAD_MUTEX_INITIALIZER; /* WAL writes, fsync bookkeeping, copies */
static sqlite3_int64 g_wal_durable;			 /* bytes of the WAL that an fsync has made durable */
static int g_wal_commits;				 /* commit frames written to a WAL (under g_io) */
static int g_fail_wal; /* WAL writes fail with SQLITE_IOERR_WRITE (under g_io) */
static pthread_mutex_t g_gate_mu = PTHREAD_MUTEX_INITIALIZER; /* the gate: WAL fsyncs wait at it */
static pthread_cond_t g_gate_cv = PTHREAD_COND_INITIALIZER;
static int g_gate_closed, g_gate_waiting;

#define REAL(f) (((struct shim_file *)(f))->real)

static int x_close(sqlite3_file *f)
{
	int rc = REAL(f)->pMethods ? REAL(f)->pMethods->xClose(REAL(f)) : SQLITE_OK;
	return rc;
}
static int x_read(sqlite3_file *f, void *p, int n, sqlite3_int64 off)
{
	return REAL(f)->pMethods->xRead(REAL(f), p, n, off);
}
static int x_write(sqlite3_file *f, const void *p, int n, sqlite3_int64 off)
{
	struct shim_file *s = (struct shim_file *)f;
	if (!s->is_wal)
		return s->real->pMethods->xWrite(s->real, p, n, off);
	pthread_mutex_lock(&g_io);
	int rc = g_fail_wal ? SQLITE_IOERR_WRITE : s->real->pMethods->xWrite(s->real, p, n, off);
	const unsigned char *h = p; /* a frame header: page number, then the database size if a commit */
	if (rc == SQLITE_OK && n == 24 && off >= 32 && (h[4] | h[5] | h[6] | h[7]))
		g_wal_commits++;
	pthread_mutex_unlock(&g_io);
	return rc;
}
static int x_truncate(sqlite3_file *f, sqlite3_int64 size)
{
	return REAL(f)->pMethods->xTruncate(REAL(f), size);
}
static int x_sync(sqlite3_file *f, int flags)
{
	struct shim_file *s = (struct shim_file *)f;
	sqlite3_int64 size = 0;
	if (s->is_wal) {
		pthread_mutex_lock(&g_gate_mu);
		if (g_gate_closed) {
			g_gate_waiting++;
			pthread_cond_broadcast(&g_gate_cv);
			while (g_gate_closed)
				pthread_cond_wait(&g_gate_cv, &g_gate_mu);
			g_gate_waiting--;
		}
		pthread_mutex_unlock(&g_gate_mu);
		pthread_mutex_lock(&g_io);
		s->real->pMethods->xFileSize(s->real, &size); /* what the fsync is sure to cover */
		pthread_mutex_unlock(&g_io);
	}
	int rc = s->real->pMethods->xSync(s->real, flags);
	if (s->is_wal && rc == SQLITE_OK) {
		pthread_mutex_lock(&g_io);
		if (size > g_wal_durable)
			g_wal_durable = size;
		pthread_mutex_unlock(&g_io);
	}
	return rc;
}
static int x_file_size(sqlite3_file *f, sqlite3_int64 *size)
{
	return REAL(f)->pMethods->xFileSize(REAL(f), size);
}
static int x_lock(sqlite3_file *f, int l)
{
	return REAL(f)->pMethods->xLock(REAL(f), l);
}
static int x_unlock(sqlite3_file *f, int l)
{
	return REAL(f)->pMethods->xUnlock(REAL(f), l);
}
static int x_check_reserved(sqlite3_file *f, int *out)
{
	return REAL(f)->pMethods->xCheckReservedLock(REAL(f), out);
}
static int x_file_control(sqlite3_file *f, int op, void *arg)
{
	return REAL(f)->pMethods->xFileControl(REAL(f), op, arg);
}
static int x_sector_size(sqlite3_file *f)
{
	return REAL(f)->pMethods->xSectorSize(REAL(f));
}
static int x_device_chars(sqlite3_file *f)
{
	return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f));
}
static int x_shm_map(sqlite3_file *f, int pg, int sz, int extend, void volatile **pp)
{
	return REAL(f)->pMethods->xShmMap(REAL(f), pg, sz, extend, pp);
}
static int x_shm_lock(sqlite3_file *f, int offset, int n, int flags)
{
	return REAL(f)->pMethods->xShmLock(REAL(f), offset, n, flags);
}
static void x_shm_barrier(sqlite3_file *f)
{
	REAL(f)->pMethods->xShmBarrier(REAL(f));
}
static int x_shm_unmap(sqlite3_file *f, int del)
{
	return REAL(f)->pMethods->xShmUnmap(REAL(f), del);
}
static int x_fetch(sqlite3_file *f, sqlite3_int64 off, int n, void **pp)
{
	*pp = NULL; /* no memory-mapped reads through the shim */
	(void)f, (void)off, (void)n;
	return SQLITE_OK;
}
static int x_unfetch(sqlite3_file *f, sqlite3_int64 off, void *p)
{
	(void)f, (void)off, (void)p;
	return SQLITE_OK;
}

static const sqlite3_io_methods g_methods = {
    3,		x_close,       x_read,		 x_write,	 x_truncate,	x_sync,		x_file_size,
    x_lock,	x_unlock,      x_check_reserved, x_file_control, x_sector_size, x_device_chars, x_shm_map,
    x_shm_lock, x_shm_barrier, x_shm_unmap,	 x_fetch,	 x_unfetch,
};

static int shim_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags, int *out_flags)
{
	struct shim_file *s = (struct shim_file *)f;
	(void)vfs;
	s->real = (sqlite3_file *)(s + 1);
	s->is_wal = (flags & SQLITE_OPEN_WAL) != 0;
	int rc = g_real->xOpen(g_real, name, s->real, flags, out_flags);
	s->base.pMethods = s->real->pMethods ? &g_methods : NULL;
	return rc;
}
static int shim_delete(sqlite3_vfs *v, const char *n, int sync)
{
	(void)v;
	return g_real->xDelete(g_real, n, sync);
}
static int shim_access(sqlite3_vfs *v, const char *n, int flags, int *out)
{
	(void)v;
	return g_real->xAccess(g_real, n, flags, out);
}
static int shim_full_pathname(sqlite3_vfs *v, const char *n, int len, char *out)
{
	(void)v;
	return g_real->xFullPathname(g_real, n, len, out);
}
static int shim_randomness(sqlite3_vfs *v, int n, char *out)
{
	(void)v;
	return g_real->xRandomness(g_real, n, out);
}
static int shim_sleep(sqlite3_vfs *v, int us)
{
	(void)v;
	return g_real->xSleep(g_real, us);
}
static int shim_current_time(sqlite3_vfs *v, double *t)
{
	(void)v;
	return g_real->xCurrentTime(g_real, t);
}
static int shim_last_error(sqlite3_vfs *v, int n, char *out)
{
	(void)v;
	return g_real->xGetLastError(g_real, n, out);
}
static int shim_current_time64(sqlite3_vfs *v, sqlite3_int64 *t)
{
	(void)v;
	return g_real->xCurrentTimeInt64(g_real, t);
}

static void shim_install(void)
{
	if (g_real)
		return;
	g_real = sqlite3_vfs_find(NULL);
	assert_non_null(g_real);
	memset(&g_shim, 0, sizeof g_shim);
	g_shim.iVersion = 2;
	g_shim.szOsFile = (int)sizeof(struct shim_file) + g_real->szOsFile;
	g_shim.mxPathname = g_real->mxPathname;
	g_shim.zName = "durability-shim";
	g_shim.xOpen = shim_open;
	g_shim.xDelete = shim_delete;
	g_shim.xAccess = shim_access;
	g_shim.xFullPathname = shim_full_pathname;
	g_shim.xRandomness = shim_randomness;
	g_shim.xSleep = shim_sleep;
	g_shim.xCurrentTime = shim_current_time;
	g_shim.xGetLastError = shim_last_error;
	g_shim.xCurrentTimeInt64 = shim_current_time64;
	assert_int_equal(sqlite3_vfs_register(&g_shim, 1), SQLITE_OK); /* the default from now on */
}

/* ---- the writers and the power cuts ---- */

#define WRITERS 4
#define COMMITS 60 /* per writer: few enough that the WAL is never checkpointed and restarted */
#define CUTS 3

static char g_dir[128], g_url[256];
static pthread_mutex_t g_rep_mu = PTHREAD_MUTEX_INITIALIZER;
static int64_t g_reported[WRITERS * COMMITS];
static int g_nreported, g_failures;

/* Inserts row id (STORE_OK, or the error of the step). */
static int insert(struct store *db, int64_t id)
{
	struct store_stmt *st;
	int rc = store_prepare(db, "INSERT INTO t (id, v) VALUES ($1, $2)", &st);
	if (rc == STORE_OK) {
		store_bind_i64(st, 1, id);
		store_bind_text(st, 2, "a row that must survive a power cut once it is reported");
		rc = store_run(st);
	}
	return rc;
}

static void *writer(void *arg)
{
	int no = (int)(intptr_t)arg;
	char err[256];
	struct store *db = NULL;
	if (store_open(g_url, &db, err, sizeof err) != 0) {
		__atomic_add_fetch(&g_failures, 1, __ATOMIC_SEQ_CST);
		return NULL;
	}
	for (int i = 0; i < COMMITS; i++) {
		int64_t id = (int64_t)no * 1000 + i;
		bool single = (i % 3) == 2;	       /* every third one a statement outside a transaction */
		bool undone = !single && (i % 7) == 3; /* rolled back: must never appear */
		bool stumbles = (i % 5) == 1; /* a failing statement (a duplicate id) before its commit */
		int64_t row = undone ? -id : id;
		int rc = single ? STORE_OK : store_begin(db);
		if (rc == STORE_OK)
			rc = insert(db, row);
		if (rc == STORE_OK && stumbles && insert(db, row) != STORE_E_UNIQUE)
			rc = STORE_E_DB;
		if (!single && undone)
			rc = rc == STORE_OK ? store_rollback(db) : rc;
		else if (!single)
			rc = rc == STORE_OK ? store_commit(db) : (store_rollback(db), rc);
		if (rc != STORE_OK) {
			__atomic_add_fetch(&g_failures, 1, __ATOMIC_SEQ_CST);
			break;
		}
		if (undone)
			continue;
		pthread_mutex_lock(&g_rep_mu); /* reported: the caller was told "committed" */
		g_reported[g_nreported++] = id;
		pthread_mutex_unlock(&g_rep_mu);
	}
	store_close(db);
	return NULL;
}

static void copy_file(const char *from, const char *to, long limit)
{
	FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
	char buf[8192];
	long done = 0;
	assert_non_null(in);
	assert_non_null(out);
	while (limit < 0 || done < limit) {
		size_t want = sizeof buf;
		if (limit >= 0 && (long)want > limit - done)
			want = (size_t)(limit - done);
		size_t n = fread(buf, 1, want, in);
		if (n == 0)
			break;
		assert_int_equal(fwrite(buf, 1, n, out), n);
		done += (long)n;
	}
	fclose(in);
	fclose(out);
}

/* A power cut now: the database file and the durable part of the WAL, copied as image CUT; then every
 * id reported before the copy began must be in the image. Returns how many ids were checked. */
static int power_cut(int cut)
{
	int n;
	static int64_t ids[WRITERS * COMMITS];
	char db[300], wal[300], img[300], imgwal[300];
	pthread_mutex_lock(&g_rep_mu); /* first what was reported … */
	n = g_nreported;
	memcpy(ids, g_reported, sizeof ids[0] * (size_t)n);
	pthread_mutex_unlock(&g_rep_mu);
	snprintf(db, sizeof db, "%s/test.db", g_dir);
	snprintf(wal, sizeof wal, "%s/test.db-wal", g_dir);
	snprintf(img, sizeof img, "%s/cut%d.db", g_dir, cut);
	snprintf(imgwal, sizeof imgwal, "%s/cut%d.db-wal", g_dir, cut);
	pthread_mutex_lock(&g_io); /* … then what the disk holds */
	copy_file(db, img, -1);
	copy_file(wal, imgwal, (long)g_wal_durable);
	pthread_mutex_unlock(&g_io);

	sqlite3 *h = NULL;
	sqlite3_stmt *st = NULL;
	assert_int_equal(sqlite3_open_v2(img, &h, SQLITE_OPEN_READWRITE, g_real->zName), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(h, "SELECT COUNT(*) FROM t WHERE id < 0", -1, &st, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	if (sqlite3_column_int(st, 0) != 0)
		fail_msg("power cut %d: a rolled-back row is on disk", cut);
	sqlite3_finalize(st);
	assert_int_equal(sqlite3_prepare_v2(h, "SELECT 1 FROM t WHERE id = ?1", -1, &st, NULL), SQLITE_OK);
	for (int i = 0; i < n; i++) {
		sqlite3_bind_int64(st, 1, ids[i]);
		if (sqlite3_step(st) != SQLITE_ROW)
			fail_msg("power cut %d: row %lld was reported committed but is not on disk", cut,
				 (long long)ids[i]);
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	sqlite3_close(h);
	return n;
}

static void reported_commits_survive_a_power_cut(void **state)
{
	(void)state;
	const char *env = getenv("TIENGMO_TEST_DB");
	if (env && *env && strncmp(env, "sqlite:", 7) != 0)
		skip();
	shim_install();
	unit_tmpdir(g_dir, sizeof g_dir);
	snprintf(g_url, sizeof g_url, "sqlite:%s/test.db", g_dir);
	char err[256];
	struct store *db = NULL;
	assert_int_equal(store_open(g_url, &db, err, sizeof err), 0);
	assert_int_equal(store_exec(db, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)"),
			 STORE_OK);

	pthread_t th[WRITERS];
	for (int i = 0; i < WRITERS; i++)
		assert_int_equal(pthread_create(&th[i], NULL, writer, (void *)(intptr_t)i), 0);
	int checked = 0;
	for (int cut = 0; cut < CUTS; cut++) {
		int until = (cut + 1) * WRITERS * COMMITS / (CUTS + 1), n;
		do { /* wait for progress, then cut at once */
			pthread_mutex_lock(&g_rep_mu);
			n = g_nreported;
			pthread_mutex_unlock(&g_rep_mu);
			if (n < until && !__atomic_load_n(&g_failures, __ATOMIC_SEQ_CST))
				usleep(200);
		} while (n < until && !__atomic_load_n(&g_failures, __ATOMIC_SEQ_CST));
		checked += power_cut(cut);
	}
	for (int i = 0; i < WRITERS; i++)
		pthread_join(th[i], NULL);
	assert_int_equal(g_failures, 0);
	assert_true(checked > 0);
	checked = power_cut(CUTS); /* and after the last commit: all of them */
	assert_true(checked > WRITERS * COMMITS * 3 / 4);
	assert_true(checked < WRITERS * COMMITS); /* the rolled-back ones are not */

	struct store_stmt *st;
	int64_t rows = 0;
	assert_int_equal(store_prepare(db, "SELECT COUNT(*) FROM t", &st), STORE_OK);
	assert_int_equal(store_step_i64(st, &rows), STORE_ROW);
	assert_int_equal(rows, checked);
	store_close(db);
	unit_rmdir(g_dir);
}

/* ---- batches, pinned with the gate ---- */

static void gate_close(void)
{
	pthread_mutex_lock(&g_gate_mu);
	g_gate_closed = 1;
	pthread_mutex_unlock(&g_gate_mu);
}

static void gate_open(void)
{
	pthread_mutex_lock(&g_gate_mu);
	g_gate_closed = 0;
	pthread_cond_broadcast(&g_gate_cv);
	pthread_mutex_unlock(&g_gate_mu);
}

/* Waits until a WAL fsync is held at the gate. */
static void gate_wait_held(void)
{
	pthread_mutex_lock(&g_gate_mu);
	while (g_gate_waiting == 0)
		pthread_cond_wait(&g_gate_cv, &g_gate_mu);
	pthread_mutex_unlock(&g_gate_mu);
}

static int wal_commits(void)
{
	pthread_mutex_lock(&g_io);
	int n = g_wal_commits;
	pthread_mutex_unlock(&g_io);
	return n;
}

/* One client of the store in its own thread: a single statement inserting `id` (single), or a
 * transaction inserting it (after a failing duplicate of `dup` when dup > 0) and committing; `ready`
 * is set while the transaction holds the writer, before its commit. */
struct job {
	pthread_t th;
	int64_t id, dup;
	bool single;
	int rc; /* of the commit (or the single statement) */
	bool ready;
};
static pthread_mutex_t g_job_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t g_job_cv = PTHREAD_COND_INITIALIZER;

static void *job_run(void *arg)
{
	struct job *j = arg;
	char err[256];
	struct store *db = NULL;
	int rc = store_open(g_url, &db, err, sizeof err) == 0 ? STORE_OK : STORE_E_DB;
	if (rc == STORE_OK && !j->single)
		rc = store_begin(db);
	if (rc == STORE_OK && j->dup > 0 && insert(db, j->dup) != STORE_E_UNIQUE)
		rc = STORE_E_DB;
	if (rc == STORE_OK)
		rc = insert(db, j->id);
	pthread_mutex_lock(&g_job_mu);
	j->ready = true;
	pthread_cond_broadcast(&g_job_cv);
	pthread_mutex_unlock(&g_job_mu);
	if (!j->single)
		rc = rc == STORE_OK ? store_commit(db) : (store_rollback(db), rc);
	j->rc = rc;
	store_close(db);
	return NULL;
}

static void job_start(struct job *j, int64_t id, int64_t dup, bool single)
{
	*j = (struct job){.id = id, .dup = dup, .single = single, .rc = 99};
	assert_int_equal(pthread_create(&j->th, NULL, job_run, j), 0);
}

static void job_wait_ready(struct job *j)
{
	pthread_mutex_lock(&g_job_mu);
	while (!j->ready)
		pthread_cond_wait(&g_job_cv, &g_job_mu);
	pthread_mutex_unlock(&g_job_mu);
}

static int job_join(struct job *j)
{
	pthread_join(j->th, NULL);
	return j->rc;
}

/* Whether row id is visible to db (1 or 0). */
static int64_t has_row(struct store *db, int64_t id)
{
	struct store_stmt *st;
	int64_t n = -1;
	assert_int_equal(store_prepare(db, "SELECT COUNT(*) FROM t WHERE id = $1", &st), STORE_OK);
	store_bind_i64(st, 1, id);
	assert_int_equal(store_step_i64(st, &n), STORE_ROW);
	return n;
}

/* A commit held at the gate (a single statement), so that the next batch stays open until it opens. */
static void hold_the_disk(struct job *z, int64_t id)
{
	gate_close();
	job_start(z, id, 0, true);
	gate_wait_held();
}

static void batches_share_a_commit_and_fail_together(void **state)
{
	(void)state;
	const char *env = getenv("TIENGMO_TEST_DB");
	if (env && *env && strncmp(env, "sqlite:", 7) != 0)
		skip();
	shim_install();
	setenv("TIENGMO_SQLITE_BATCH_MS", "600000", 1); /* batches end by the rules, never by age */
	unit_tmpdir(g_dir, sizeof g_dir);
	snprintf(g_url, sizeof g_url, "sqlite:%s/batch.db", g_dir);
	char err[256];
	struct store *me = NULL, *other = NULL;
	assert_int_equal(store_open(g_url, &me, err, sizeof err), 0);
	assert_int_equal(store_open(g_url, &other, err, sizeof err), 0);
	assert_int_equal(store_exec(me, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL);"
					"CREATE TABLE boom (x INTEGER);"
					"CREATE TRIGGER boom_rolls_back BEFORE INSERT ON boom "
					"BEGIN SELECT RAISE(ROLLBACK, 'the whole transaction'); END;"),
			 STORE_OK);
	struct job z, a, b;
	struct store_stmt *st;

	/* 1. A commits into an open batch; I join it and see A's row (one SQLite transaction), which
	 * nobody outside sees yet; my rollback undoes only my row; B's failing statement only its
	 * own; then A, B and my rollback are one COMMIT. */
	hold_the_disk(&z, 1);
	int commits = wal_commits();
	job_start(&a, 2, 0, false);
	job_wait_ready(&a); /* A holds the writer: my begin waits for it and joins A's batch */
	assert_int_equal(store_begin(me), STORE_OK);
	assert_int_equal(has_row(me, 2), 1);
	assert_int_equal(has_row(other, 2), 0);
	assert_int_equal(insert(me, 3), STORE_OK);
	assert_int_equal(has_row(me, 3), 1);
	assert_int_equal(store_rollback(me), STORE_OK);
	job_start(&b, 4, 2, false); /* a duplicate of A's row first: STORE_E_UNIQUE, then row 4 */
	job_wait_ready(&b);
	gate_open();
	assert_int_equal(job_join(&z), STORE_OK);
	assert_int_equal(job_join(&a), STORE_OK);
	assert_int_equal(job_join(&b), STORE_OK);
	assert_int_equal(wal_commits() - commits, 1); /* A's and B's transactions: one commit */
	assert_int_equal(has_row(other, 1), 1);
	assert_int_equal(has_row(other, 2), 1);
	assert_int_equal(has_row(other, 3), 0);
	assert_int_equal(has_row(other, 4), 1);

	/* 2. SQLite rolls the whole transaction back under my statement: A and B, committed into the
	 * batch, are told so at once (the gate is still closed); my next statements and my commit fail;
	 * none of it is stored, and the next transaction works. */
	hold_the_disk(&z, 10);
	job_start(&a, 11, 0, false);
	job_wait_ready(&a);
	job_start(&b, 12, 0, false);
	job_wait_ready(&b);
	assert_int_equal(store_begin(me), STORE_OK);
	assert_int_equal(has_row(me, 11), 1);
	assert_int_equal(store_prepare(me, "INSERT INTO boom (x) VALUES (1)", &st), STORE_OK);
	assert_true(store_run(st) < 0);
	assert_int_equal(job_join(&a), STORE_E_DB);
	assert_int_equal(job_join(&b), STORE_E_DB);
	assert_true(insert(me, 13) < 0);
	assert_int_equal(store_commit(me), STORE_E_DB);
	gate_open();
	assert_int_equal(job_join(&z), STORE_OK);
	for (int64_t id = 11; id <= 13; id++)
		assert_int_equal(has_row(other, id), 0);
	/* statements prepared before store_begin run inside the transaction when stepped in it */
	struct store_stmt *early_read, *early_write;
	int64_t n = -1;
	assert_int_equal(store_prepare(me, "SELECT COUNT(*) FROM t WHERE id >= $1", &early_read), STORE_OK);
	assert_int_equal(
	    store_prepare(me, "INSERT INTO t (id, v) VALUES ($1, 'prepared early')", &early_write), STORE_OK);
	assert_int_equal(store_begin(me), STORE_OK);
	assert_int_equal(insert(me, 14), STORE_OK);
	store_bind_i64(early_read, 1, 14);
	assert_int_equal(store_step_i64(early_read, &n), STORE_ROW);
	assert_int_equal(n, 1); /* its own uncommitted row */
	store_bind_i64(early_write, 1, 15);
	assert_int_equal(store_run(early_write), STORE_OK);
	assert_int_equal(has_row(other, 15), 0);
	assert_int_equal(store_commit(me), STORE_OK);
	assert_int_equal(has_row(other, 10), 1);
	assert_int_equal(has_row(other, 14), 1);
	assert_int_equal(has_row(other, 15), 1);

	/* 3. The batch's COMMIT cannot write the WAL: both members get STORE_E_DB, nothing is stored,
	 * and once the disk works again so does the store. */
	hold_the_disk(&z, 20);
	job_start(&a, 21, 0, false);
	job_wait_ready(&a);
	job_start(&b, 22, 0, false);
	job_wait_ready(&b);
	pthread_mutex_lock(&g_io);
	g_fail_wal = 1;
	pthread_mutex_unlock(&g_io);
	gate_open();
	assert_int_equal(job_join(&z), STORE_OK);
	assert_int_equal(job_join(&a), STORE_E_DB);
	assert_int_equal(job_join(&b), STORE_E_DB);
	pthread_mutex_lock(&g_io);
	g_fail_wal = 0;
	pthread_mutex_unlock(&g_io);
	assert_int_equal(has_row(other, 20), 1);
	assert_int_equal(has_row(other, 21), 0);
	assert_int_equal(has_row(other, 22), 0);
	assert_int_equal(insert(me, 23), STORE_OK); /* a single statement, through a new batch */
	assert_int_equal(has_row(other, 23), 1);

	/* once SQLite has rolled the batch back, a store_exec in the member's transaction runs nothing
	 * (on the writer, now outside any transaction, it would commit on its own) */
	assert_int_equal(store_begin(me), STORE_OK);
	assert_int_equal(store_prepare(me, "INSERT INTO boom (x) VALUES (1)", &st), STORE_OK);
	assert_true(store_run(st) < 0);
	assert_int_equal(store_exec(me, "INSERT INTO t (id, v) VALUES (24, 'after the rollback')"),
			 STORE_E_DB);
	assert_int_equal(store_commit(me), STORE_E_DB);
	assert_int_equal(has_row(other, 24), 0);
	/* and a store_exec that makes SQLite roll the batch back fails the batch */
	assert_int_equal(store_begin(me), STORE_OK);
	assert_int_equal(insert(me, 25), STORE_OK);
	assert_true(store_exec(me, "INSERT INTO boom (x) VALUES (1)") < 0);
	assert_true(insert(me, 26) < 0);
	assert_int_equal(store_commit(me), STORE_E_DB);
	assert_int_equal(has_row(other, 25), 0);
	assert_int_equal(has_row(other, 26), 0);

	store_close(other);
	store_close(me);
	unsetenv("TIENGMO_SQLITE_BATCH_MS");
	unit_rmdir(g_dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(reported_commits_survive_a_power_cut),
	    cmocka_unit_test(batches_share_a_commit_and_fail_together),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
