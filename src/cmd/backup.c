/*
 * backup.c (command): `tiengmo backup --out FILE` and `tiengmo restore --from FILE` for the SQLite
 * engine. Backup copies the live database with SQLite's online backup API, a few hundred pages per
 * step inside one read snapshot, so a running server keeps writing (WAL readers never block writers)
 * and the copy is consistent as of the moment it started. It writes a temporary file next to FILE,
 * checks it, fsyncs it and only then gives it FILE's name: a half-written backup never looks like a
 * backup. Restore copies a checked backup into an empty database and migrates it up.
 * Not for PostgreSQL: pg_dump and pg_restore do that job better, and both commands say so.
 * Neither touches the key file: it is not inside the database, and the operator keeps it apart.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "store/audit.h"

#define PAGES_PER_STEP 256

static int is_postgres(const char *url)
{
	return strncmp(url, "postgres://", 11) == 0 || strncmp(url, "postgresql://", 13) == 0;
}

/* The file path of a sqlite: URL, or NULL (with a message) for anything else. */
static const char *sqlite_path(const char *url)
{
	if (strncmp(url, "sqlite:", 7) == 0 && url[7])
		return url + 7;
	cmd_error("unknown database URL; expected sqlite:PATH");
	return NULL;
}

/* fsyncs a file or directory by path; returns 0 or -1 with errno set. */
static int fsync_path(const char *path, int dir)
{
	int fd = open(path, (dir ? O_RDONLY | O_DIRECTORY : O_RDONLY) | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int rc = fsync(fd);
	int saved = errno;
	close(fd);
	errno = saved;
	return rc;
}

/* One integer from a fixed query on a raw handle; -1 when the query fails. */
static int64_t query_i64(sqlite3 *h, const char *sql)
{
	sqlite3_stmt *s = NULL;
	int64_t v = -1;
	if (sqlite3_prepare_v2(h, sql, -1, &s, NULL) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
}

/* Runs PRAGMA quick_check; returns 0 when "ok", else -1 with the first complaint (or the error) in why. */
static int quick_check(sqlite3 *h, char *why, size_t whylen)
{
	sqlite3_stmt *s = NULL;
	int result = -1;
	int rc = sqlite3_prepare_v2(h, "PRAGMA quick_check", -1, &s, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		const char *msg = (const char *)sqlite3_column_text(s, 0);
		if (msg && strcmp(msg, "ok") == 0)
			result = 0;
		else
			snprintf(why, whylen, "%s", msg ? msg : "integrity check failed");
	} else {
		snprintf(why, whylen, "%s", sqlite3_errmsg(h));
	}
	sqlite3_finalize(s);
	return result;
}

/* Prints what a tiengmo database holds: "schema version 1, 3 units, 2 users, 9 audit entries". */
static void describe(sqlite3 *h, char *out, size_t outlen)
{
	snprintf(out, outlen,
		 "schema version %" PRId64 ", %" PRId64 " units, %" PRId64 " users, %" PRId64
		 " audit entries",
		 query_i64(h, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations"),
		 query_i64(h, "SELECT count(*) FROM units"), query_i64(h, "SELECT count(*) FROM users"),
		 query_i64(h, "SELECT count(*) FROM audit_log"));
}

/* ---- backup ---- */

struct backup_opts {
	const char *out;
	int force;
};

static int on_backup_opt(const char *name, const char *value, void *ctx)
{
	struct backup_opts *o = ctx;
	if (strcmp(name, "out") == 0)
		o->out = value;
	else if (strcmp(name, "force") == 0)
		o->force = 1;
	return 0;
}

static const struct cmd_opt backup_opts[] = {
    {"out", required_argument, "the backup file to write (required)"},
    {"force", no_argument, "overwrite FILE when it already exists"},
    {NULL, 0, NULL},
};

/* Copies src into the file at tmp, step by step inside one read snapshot of src. */
static int copy_online(sqlite3 *src, const char *tmp)
{
	sqlite3 *dst = NULL;
	sqlite3_backup *b = NULL;
	int rc, status = -1, in_snapshot = 0;
	char why[256];

	if (sqlite3_open_v2(tmp, &dst, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
		cmd_error("cannot open '%s': %s", tmp, dst ? sqlite3_errmsg(dst) : "out of memory");
		goto out;
	}
	/* one read transaction on the source across all steps: a consistent copy that never restarts,
	 * while the server's writers go on appending to the WAL */
	if (sqlite3_exec(src, "BEGIN", NULL, NULL, NULL) != SQLITE_OK ||
	    query_i64(src, "SELECT count(*) FROM sqlite_master") < 0) {
		cmd_error("cannot start reading the database: %s", sqlite3_errmsg(src));
		goto out;
	}
	in_snapshot = 1;
	b = sqlite3_backup_init(dst, "main", src, "main");
	if (!b) {
		cmd_error("cannot start the backup: %s", sqlite3_errmsg(dst));
		goto out;
	}
	do {
		rc = sqlite3_backup_step(b, PAGES_PER_STEP);
		if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
			sqlite3_sleep(20);
	} while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
	rc = sqlite3_backup_finish(b);
	b = NULL;
	if (rc != SQLITE_OK) {
		cmd_error("the backup failed: %s", sqlite3_errmsg(dst));
		goto out;
	}
	/* a backup is one self-contained file: no -wal or -shm beside it */
	if (sqlite3_exec(dst, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL) != SQLITE_OK) {
		cmd_error("cannot finish the backup file: %s", sqlite3_errmsg(dst));
		goto out;
	}
	if (quick_check(dst, why, sizeof why) != 0) {
		cmd_error("the backup file does not pass its integrity check: %s", why);
		goto out;
	}
	status = 0;
out:
	if (b)
		sqlite3_backup_finish(b);
	if (in_snapshot)
		sqlite3_exec(src, "ROLLBACK", NULL, NULL, NULL);
	if (dst && sqlite3_close(dst) != SQLITE_OK && status == 0) {
		cmd_error("cannot close the backup file: %s", sqlite3_errmsg(dst));
		status = -1;
	}
	return status;
}

/* Gives tmp the name out: without force, never over an existing file (link fails with EEXIST). */
static int publish(const char *tmp, const char *out, int force)
{
	if (!force) {
		if (link(tmp, out) == 0) {
			unlink(tmp);
			return 0;
		}
		if (errno == EEXIST) {
			cmd_error("'%s' already exists; pass --force to overwrite it", out);
			return -1;
		}
		/* a file system without hard links: check, then rename */
		struct stat sb;
		if (lstat(out, &sb) == 0) {
			cmd_error("'%s' already exists; pass --force to overwrite it", out);
			return -1;
		}
	}
	if (rename(tmp, out) != 0) {
		cmd_error("cannot rename the backup to '%s': %s", out, strerror(errno));
		return -1;
	}
	return 0;
}

int cmd_backup(int argc, char **argv)
{
	struct backup_opts o = {0};
	struct store *db = NULL;
	char tmp[4200] = "", dirbuf[4200], what[256];
	int first, status = 1, fd = -1;
	struct stat sb;

	int rc =
	    cmd_parse(argc, argv,
		      "usage: tiengmo backup --out FILE [--force] [flags]\n\n"
		      "Copies the SQLite database to FILE while the server keeps running (SQLite's online\n"
		      "backup). FILE appears only once the copy is complete and on disk. The key file is\n"
		      "not part of the backup: keep a copy of it apart. For PostgreSQL use pg_dump.",
		      backup_opts, on_backup_opt, &o, &first);
	if (rc)
		return rc > 0 ? 0 : 2;
	if (first < argc) {
		cmd_error("backup takes no arguments, got '%s'; see 'tiengmo backup --help'", argv[first]);
		return 2;
	}
	if (!o.out || !*o.out) {
		cmd_error("backup needs --out FILE; see 'tiengmo backup --help'");
		return 2;
	}
	if (is_postgres(cmd_config.db_url)) {
		cmd_error("'tiengmo backup' copies SQLite databases only; back up PostgreSQL with pg_dump "
			  "(for example: pg_dump --format=custom --file=FILE DBNAME)");
		return 1;
	}
	const char *path = sqlite_path(cmd_config.db_url);
	if (!path)
		return 2;
	if (stat(path, &sb) != 0) {
		cmd_error("there is no database at '%s': %s", path, strerror(errno));
		return 1;
	}
	if (!o.force && lstat(o.out, &sb) == 0) {
		cmd_error("'%s' already exists; pass --force to overwrite it", o.out);
		return 1;
	}
	char err[512];
	if (store_open(cmd_config.db_url, &db, err, sizeof err) != 0) {
		cmd_error("%s", err);
		return 1;
	}
	int version = 0;
	if (store_schema_version(db, &version) != STORE_OK || version == 0) {
		cmd_error("'%s' holds no tiengmo database (no schema version)", path);
		goto out;
	}

	snprintf(dirbuf, sizeof dirbuf, "%s", o.out);
	const char *dir = dirname(dirbuf);
	snprintf(tmp, sizeof tmp, "%s/.tiengmo-backup-XXXXXX", dir);
	fd = mkstemp(tmp); /* mode 0600: a backup holds personal data */
	if (fd < 0) {
		cmd_error("cannot create a temporary file in '%s': %s", dir, strerror(errno));
		tmp[0] = '\0';
		goto out;
	}
	close(fd);
	if (copy_online(store_sqlite_handle(db), tmp) != 0)
		goto out;
	if (fsync_path(tmp, 0) != 0) {
		cmd_error("cannot flush the backup to disk: %s", strerror(errno));
		goto out;
	}
	{
		sqlite3 *h = NULL;
		if (sqlite3_open_v2(tmp, &h, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK)
			describe(h, what, sizeof what);
		else
			snprintf(what, sizeof what, "?");
		sqlite3_close(h);
	}
	if (publish(tmp, o.out, o.force) != 0)
		goto out;
	tmp[0] = '\0';
	if (fsync_path(dir, 1) != 0) {
		cmd_error("cannot flush directory '%s': %s", dir, strerror(errno));
		goto out;
	}
	if (stat(o.out, &sb) != 0)
		sb.st_size = 0;
	printf("backed up '%s' to '%s' (%lld bytes; %s)\n", path, o.out, (long long)sb.st_size, what);
	printf("note: the key file '%s' is not inside the backup; keep a copy of it apart, since encrypted "
	       "fields cannot be read without it\n",
	       cmd_config.key_file);
	status = 0;
out:
	if (tmp[0])
		unlink(tmp);
	store_close(db);
	return status;
}

/* ---- restore ---- */

struct restore_opts {
	const char *from;
};

static int on_restore_opt(const char *name, const char *value, void *ctx)
{
	struct restore_opts *o = ctx;
	if (strcmp(name, "from") == 0)
		o->from = value;
	return 0;
}

static const struct cmd_opt restore_opts[] = {
    {"from", required_argument, "the backup file to restore (required)"},
    {NULL, 0, NULL},
};

/* Opens a backup read-only and checks that it is a sound tiengmo database this binary can migrate.
 * Returns 0 and *out with its schema version in *version, or -1 after printing why. */
static int open_backup(const char *file, sqlite3 **out, int64_t *version)
{
	sqlite3 *h = NULL;
	char why[256];
	struct stat sb;
	*out = NULL;
	if (stat(file, &sb) != 0) {
		cmd_error("cannot read '%s': %s", file, strerror(errno));
		return -1;
	}
	if (!S_ISREG(sb.st_mode)) {
		cmd_error("'%s' is not a regular file", file);
		return -1;
	}
	if (sqlite3_open_v2(file, &h, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		cmd_error("cannot open '%s': %s", file, h ? sqlite3_errmsg(h) : "out of memory");
		goto fail;
	}
	if (quick_check(h, why, sizeof why) != 0) {
		if (sqlite3_errcode(h) == SQLITE_NOTADB)
			cmd_error("'%s' is not a SQLite database, so not a tiengmo backup", file);
		else
			cmd_error("'%s' is damaged: %s", file, why);
		goto fail;
	}
	*version = query_i64(h, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
	if (*version <= 0 || query_i64(h, "SELECT count(*) FROM audit_head") < 0) {
		cmd_error("'%s' is a SQLite database but not a tiengmo backup (no tiengmo schema in it)",
			  file);
		goto fail;
	}
	int known = store_schema_version_known(STORE_SQLITE);
	if (*version > known) {
		cmd_error("'%s' is at schema version %" PRId64 " but this tiengmo knows only up to %d; "
			  "restore it with a newer tiengmo",
			  file, *version, known);
		goto fail;
	}
	*out = h;
	return 0;
fail:
	sqlite3_close(h);
	return -1;
}

/* Creates the directories leading to path's file (like mkdir -p of its dirname). */
static int make_parent_dirs(const char *path)
{
	char d[4200];
	snprintf(d, sizeof d, "%s", path);
	char *slash = strrchr(d, '/');
	if (!slash || slash == d)
		return 0;
	*slash = '\0';
	for (char *p = d + 1; *p; p++) {
		if (*p == '/') {
			*p = '\0';
			if (mkdir(d, 0750) != 0 && errno != EEXIST)
				return -1;
			*p = '/';
		}
	}
	if (mkdir(d, 0750) != 0 && errno != EEXIST)
		return -1;
	return 0;
}

/* Is the target database empty? Returns 0 when it is, or -1 after printing what it already holds. An
 * empty schema_migrations table (left by a command that only looked) counts as empty. */
static int check_empty(sqlite3 *h, const char *path)
{
	sqlite3_stmt *s = NULL;
	int result = 0;
	int64_t version = query_i64(h, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
	if (version > 0) {
		char what[256];
		describe(h, what, sizeof what);
		cmd_error("'%s' already holds a tiengmo database (%s); restore only into an empty database "
			  "(point --data-dir or --db at a new location)",
			  path, what);
		return -1;
	}
	if (sqlite3_prepare_v2(h,
			       "SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' "
			       "AND name <> 'schema_migrations' ORDER BY name",
			       -1, &s, NULL) != SQLITE_OK) {
		cmd_error("cannot read the schema of '%s': %s", path, sqlite3_errmsg(h));
		return -1;
	}
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		cmd_error(
		    "'%s' is not empty: it already has the %s '%s'; restore only into an empty database",
		    path, (const char *)sqlite3_column_text(s, 0), (const char *)sqlite3_column_text(s, 1));
		result = -1;
	} else if (rc != SQLITE_DONE) {
		cmd_error("cannot read the schema of '%s': %s", path, sqlite3_errmsg(h));
		result = -1;
	}
	sqlite3_finalize(s);
	return result;
}

int cmd_restore(int argc, char **argv)
{
	struct restore_opts o = {0};
	struct store *db = NULL;
	sqlite3 *src = NULL;
	sqlite3_backup *b = NULL;
	int64_t from_version = 0;
	int first, status = 1;
	char err[512], what[256];

	int rc = cmd_parse(
	    argc, argv,
	    "usage: tiengmo restore --from FILE [flags]\n\n"
	    "Restores a backup made by 'tiengmo backup' into an EMPTY database (the one --db or\n"
	    "--data-dir names), then migrates it to this tiengmo's schema. Refuses a database that\n"
	    "already holds anything. Copy the installation's key file beside it yourself.\n"
	    "For PostgreSQL use pg_restore.",
	    restore_opts, on_restore_opt, &o, &first);
	if (rc)
		return rc > 0 ? 0 : 2;
	if (first < argc) {
		cmd_error("restore takes no arguments, got '%s'; see 'tiengmo restore --help'", argv[first]);
		return 2;
	}
	if (!o.from || !*o.from) {
		cmd_error("restore needs --from FILE; see 'tiengmo restore --help'");
		return 2;
	}
	if (is_postgres(cmd_config.db_url)) {
		cmd_error(
		    "'tiengmo restore' restores SQLite backups only; restore PostgreSQL with pg_restore "
		    "(for example: pg_restore --dbname=DBNAME FILE) into an empty database, then run "
		    "'tiengmo migrate'");
		return 1;
	}
	const char *path = sqlite_path(cmd_config.db_url);
	if (!path)
		return 2;
	if (open_backup(o.from, &src, &from_version) != 0)
		return 1;
	struct stat a, t;
	if (stat(o.from, &a) == 0 && stat(path, &t) == 0 && a.st_dev == t.st_dev && a.st_ino == t.st_ino) {
		cmd_error("'%s' is the database itself; restore into another location", o.from);
		goto out;
	}
	if (make_parent_dirs(path) != 0) {
		cmd_error("cannot create the directory of '%s': %s", path, strerror(errno));
		goto out;
	}
	if (store_open(cmd_config.db_url, &db, err, sizeof err) != 0) {
		cmd_error("%s", err);
		goto out;
	}
	sqlite3 *dst = store_sqlite_handle(db);
	/* the write lock first, so nobody fills the database between the check and the copy */
	if (store_begin(db) != STORE_OK) {
		cmd_error("cannot lock '%s': %s", path, store_errmsg(db));
		goto out;
	}
	rc = check_empty(dst, path);
	store_rollback(db);
	if (rc != 0)
		goto out;
	b = sqlite3_backup_init(dst, "main", src, "main");
	if (!b) {
		cmd_error("cannot start the restore: %s", sqlite3_errmsg(dst));
		goto out;
	}
	do {
		rc = sqlite3_backup_step(b, -1);
		if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
			sqlite3_sleep(20);
	} while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
	rc = sqlite3_backup_finish(b);
	b = NULL;
	if (rc != SQLITE_OK) {
		cmd_error("the restore failed: %s", sqlite3_errmsg(dst));
		goto out;
	}
	/* on disk before we say so: the backup's pages bypass the store's commit wait (group commit), and
	 * a checkpoint syncs the WAL, copies it into the database file and syncs that too */
	if (sqlite3_wal_checkpoint_v2(dst, "main", SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL) != SQLITE_OK) {
		cmd_error("the restore could not be written to disk: %s", sqlite3_errmsg(dst));
		goto out;
	}
	describe(dst, what, sizeof what);
	printf("restored '%s' into '%s' (%s)\n", o.from, path, what);
	int applied = 0;
	if (store_migrate(db, &applied, err, sizeof err) != 0) {
		cmd_error("the backup was restored but migrating it failed: %s", err);
		goto out;
	}
	int now = 0;
	store_schema_version(db, &now);
	if (applied)
		printf("migrated from schema version %" PRId64 " to %d\n", from_version, now);
	else
		printf("schema is up to date at version %d\n", now);
	int64_t count = 0, bad = 0;
	char why[256];
	rc = audit_verify(db, &count, &bad, why, sizeof why);
	if (rc == 0)
		printf("audit log intact: %" PRId64 " entries checked\n", count);
	else if (rc > 0)
		printf("warning: the restored audit log is BROKEN at entry %" PRId64 ": %s\n", bad, why);
	printf("note: copy the installation's key file to '%s' before serving; encrypted fields cannot be "
	       "read without it\n",
	       cmd_config.key_file);
	status = 0;
out:
	if (b)
		sqlite3_backup_finish(b);
	sqlite3_close(src);
	store_close(db);
	return status;
}
