/*
 * test_store_durable.c: the SQLite group commit of src/store/sqlite.c keeps synchronous=FULL's
 * promise — a commit that store_commit (or a single statement's step) reported is on disk. A VFS shim
 * wrapped around SQLite's own records, for the WAL, how many bytes had been written when each fsync
 * started and marks them durable once the fsync returns. Writer threads commit rows (in transactions
 * and as single statements) and note each id once its commit has been reported; meanwhile "power
 * cuts" copy the database file and only the durable part of the WAL, as a crash would leave them.
 * Every copy, opened afresh, must hold every id that had been reported before the copy was made.
 * (Without the wait for the fsync — COMMIT alone under synchronous=NORMAL — the copies lose reported
 * rows and this test fails.) SQLite only; skipped when $TIENGMO_TEST_DB names another engine.
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
	int rc = s->real->pMethods->xWrite(s->real, p, n, off);
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
		bool single = (i % 3) == 2; /* every third one a statement outside a transaction */
		struct store_stmt *st;
		int rc = single ? STORE_OK : store_begin(db);
		if (rc == STORE_OK)
			rc = store_prepare(db, "INSERT INTO t (id, v) VALUES ($1, $2)", &st);
		if (rc == STORE_OK) {
			store_bind_i64(st, 1, id);
			store_bind_text(st, 2, "a row that must survive a power cut once it is reported");
			rc = store_run(st);
		}
		if (!single)
			rc = rc == STORE_OK ? store_commit(db) : (store_rollback(db), rc);
		if (rc != STORE_OK) {
			__atomic_add_fetch(&g_failures, 1, __ATOMIC_SEQ_CST);
			break;
		}
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
	assert_int_equal(checked, WRITERS * COMMITS);

	struct store_stmt *st;
	int64_t rows = 0;
	assert_int_equal(store_prepare(db, "SELECT COUNT(*) FROM t", &st), STORE_OK);
	assert_int_equal(store_step_i64(st, &rows), STORE_ROW);
	assert_int_equal(rows, WRITERS * COMMITS);
	store_close(db);
	unit_rmdir(g_dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(reported_commits_survive_a_power_cut),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
