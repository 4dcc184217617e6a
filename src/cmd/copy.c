/*
 * copy.c (command): `tiengmo copy --from sqlite:PATH --to postgres://…` moves a whole installation
 * from its SQLite file to PostgreSQL when a ward joins a province's system. The target is migrated to
 * the same schema, then every table is copied in foreign-key order inside one PostgreSQL transaction
 * and verified before it commits: the row count and a content checksum of each table must match on
 * both sides (the checksum is order-independent, so neither engine's collation matters). Nothing is
 * written to the target unless every table verified; the source is only read, from one snapshot.
 *
 * The encryption key file is not in the database: the target installation needs the same key file.
 * Table and column names come from the source's own catalogue (checked to be plain lowercase names)
 * and are the only text put into SQL here; every value travels as a bound parameter.
 */
#include <inttypes.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"

#define MAX_TABLES 128
#define MAX_COLS 64
#define NAME_MAX_LEN 64

/* Tables that a migration fills with their first rows; the copy replaces them with the source's. */
static const char *const seeded_tables[] = {"audit_head",      "tip_categories",  "alarm_kinds",
					    "violation_kinds", "outreach_topics", NULL};

struct table {
	char name[NAME_MAX_LEN];
	int ncols;
	char cols[MAX_COLS][NAME_MAX_LEN];
	int is_real[MAX_COLS];	/* floating-point column: compared by value, not by spelling */
	int self_ref[MAX_COLS]; /* references its own table: filled in a second pass */
	int pk;			/* the single integer primary key column, or -1 */
	char deps[8][NAME_MAX_LEN];
	int ndeps;
	/* generated SQL; kept until both connections close, as store_prepare caches by address */
	char *sql_insert, *sql_select, *sql_any, *sql_maxid, *sql_update[MAX_COLS];
};

struct checksum {
	int64_t rows;
	uint64_t lane[4]; /* per-row SHA-256 digests summed lane by lane: independent of row order */
};

struct copy_opts {
	const char *from, *to;
};

static const char usage[] =
    "usage: tiengmo copy --from sqlite:PATH --to postgres://USER@HOST/DB\n\n"
    "Copies a whole tiengmo installation from its SQLite file into a new PostgreSQL database: the\n"
    "target is migrated, every table is copied in one transaction, and each table's row count and\n"
    "content checksum are verified on both sides before anything is committed. The source is only\n"
    "read. Copy the key file (--key-file) along with the data: encrypted fields stay encrypted.";

static const struct cmd_opt copy_opts_list[] = {
    {"from", required_argument, "the source installation, sqlite:PATH"},
    {"to", required_argument, "the target, a new postgres://… database"},
    {NULL, 0, NULL},
};

static int on_opt(const char *name, const char *value, void *ctx)
{
	struct copy_opts *o = ctx;
	if (strcmp(name, "from") == 0)
		o->from = value;
	else if (strcmp(name, "to") == 0)
		o->to = value;
	return 0;
}

static int plain_name(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n >= NAME_MAX_LEN)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
			return 0;
	return 1;
}

static int is_real_type(const char *decl)
{
	if (!decl)
		return 0;
	return strcasestr(decl, "REAL") || strcasestr(decl, "FLOA") || strcasestr(decl, "DOUB");
}

/* Reads the source's tables, columns and foreign keys. Returns the number of tables or -1. */
static int load_tables(sqlite3 *h, struct table *t, int max)
{
	sqlite3_stmt *s = NULL, *c = NULL, *f = NULL;
	int n = -1, k = 0;
	if (sqlite3_prepare_v2(
		h,
		/* pragma_table_list: real tables only, not a search index (virtual) nor its shadows nor
		 * its catch-up mark (tips_fts_mark, SQLite-only, migration 0013) */
		"SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table' AND name NOT "
		"LIKE 'sqlite\\_%' ESCAPE '\\' AND name NOT IN ('schema_migrations', 'tips_fts_mark') "
		"ORDER BY name",
		-1, &s, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(h, "SELECT name, type, pk FROM pragma_table_info(?1) ORDER BY cid", -1, &c,
			       NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(h, "SELECT \"table\", \"from\" FROM pragma_foreign_key_list(?1)", -1, &f,
			       NULL) != SQLITE_OK) {
		cmd_error("cannot read the source's tables: %s", sqlite3_errmsg(h));
		goto out;
	}
	while (sqlite3_step(s) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(s, 0);
		if (k == max) {
			cmd_error("the source has more than %d tables", max);
			goto out;
		}
		if (!name || !plain_name(name)) {
			cmd_error("the source has a table named '%s', which tiengmo never makes",
				  name ? name : "");
			goto out;
		}
		struct table *tb = &t[k++];
		memset(tb, 0, sizeof *tb);
		snprintf(tb->name, sizeof tb->name, "%s", name);
		tb->pk = -1;
		int npk = 0;
		sqlite3_bind_text(c, 1, name, -1, SQLITE_TRANSIENT);
		while (sqlite3_step(c) == SQLITE_ROW) {
			const char *col = (const char *)sqlite3_column_text(c, 0);
			const char *type = (const char *)sqlite3_column_text(c, 1);
			if (tb->ncols == MAX_COLS || !col || !plain_name(col)) {
				cmd_error("table '%s' has a column that cannot be copied ('%s')", name,
					  col ? col : "");
				goto out;
			}
			snprintf(tb->cols[tb->ncols], NAME_MAX_LEN, "%s", col);
			tb->is_real[tb->ncols] = is_real_type(type);
			if (sqlite3_column_int(c, 2) > 0) {
				npk++;
				if (type && strcasestr(type, "INT"))
					tb->pk = tb->ncols;
			}
			tb->ncols++;
		}
		sqlite3_reset(c);
		if (npk != 1)
			tb->pk = -1;
		sqlite3_bind_text(f, 1, name, -1, SQLITE_TRANSIENT);
		while (sqlite3_step(f) == SQLITE_ROW) {
			const char *parent = (const char *)sqlite3_column_text(f, 0);
			const char *from = (const char *)sqlite3_column_text(f, 1);
			if (!parent || !from)
				continue;
			if (strcmp(parent, name) == 0) {
				for (int i = 0; i < tb->ncols; i++)
					if (strcmp(tb->cols[i], from) == 0)
						tb->self_ref[i] = 1;
			} else if (tb->ndeps < 8) {
				snprintf(tb->deps[tb->ndeps++], NAME_MAX_LEN, "%s", parent);
			}
		}
		sqlite3_reset(f);
		if (tb->pk < 0)
			for (int i = 0; i < tb->ncols; i++)
				if (tb->self_ref[i]) {
					cmd_error("table '%s' refers to itself but has no integer key to "
						  "fill it by",
						  name);
					goto out;
				}
	}
	n = k;
out:
	sqlite3_finalize(s);
	sqlite3_finalize(c);
	sqlite3_finalize(f);
	return n;
}

/* Orders tables so that every table comes after the tables it refers to. Returns 0 or -1 (a cycle). */
static int order_tables(struct table *t, int n)
{
	struct table *sorted = calloc((size_t)n, sizeof *sorted);
	int *placed = calloc((size_t)n, sizeof *placed);
	int done = 0, rc = -1;
	if (!sorted || !placed)
		goto out;
	while (done < n) {
		int progress = 0;
		for (int i = 0; i < n; i++) {
			if (placed[i])
				continue;
			int ready = 1;
			for (int d = 0; d < t[i].ndeps && ready; d++)
				for (int j = 0; j < n; j++)
					if (!placed[j] && strcmp(t[j].name, t[i].deps[d]) == 0)
						ready = 0;
			if (ready) {
				sorted[done++] = t[i];
				placed[i] = 1;
				progress = 1;
			}
		}
		if (!progress) {
			cmd_error(
			    "the source's tables refer to each other in a cycle; cannot order the copy");
			goto out;
		}
	}
	memcpy(t, sorted, sizeof *t * (size_t)n);
	rc = 0;
out:
	free(sorted);
	free(placed);
	return rc;
}

static char *make_sql(struct table *t)
{
	char buf[8192];
	size_t off = 0;
	/* INSERT INTO "t" ("a", "b") VALUES ($1, $2) */
	off += (size_t)snprintf(buf + off, sizeof buf - off, "INSERT INTO \"%s\" (", t->name);
	for (int i = 0; i < t->ncols && off < sizeof buf; i++)
		off += (size_t)snprintf(buf + off, sizeof buf - off, "%s\"%s\"", i ? ", " : "", t->cols[i]);
	off += (size_t)snprintf(buf + off, off < sizeof buf ? sizeof buf - off : 0, ") VALUES (");
	for (int i = 0; i < t->ncols && off < sizeof buf; i++)
		off += (size_t)snprintf(buf + off, sizeof buf - off, "%s$%d", i ? ", " : "", i + 1);
	off += (size_t)snprintf(buf + off, off < sizeof buf ? sizeof buf - off : 0, ")");
	if (off >= sizeof buf)
		return NULL;
	t->sql_insert = strdup(buf);
	off = (size_t)snprintf(buf, sizeof buf, "SELECT ");
	for (int i = 0; i < t->ncols && off < sizeof buf; i++)
		off += (size_t)snprintf(buf + off, sizeof buf - off, "%s\"%s\"", i ? ", " : "", t->cols[i]);
	off += (size_t)snprintf(buf + off, off < sizeof buf ? sizeof buf - off : 0, " FROM \"%s\"", t->name);
	if (off >= sizeof buf)
		return NULL;
	t->sql_select = strdup(buf);
	snprintf(buf, sizeof buf, "SELECT 1 FROM \"%s\" LIMIT 1", t->name);
	t->sql_any = strdup(buf);
	if (t->pk >= 0) {
		snprintf(buf, sizeof buf, "SELECT COALESCE(MAX(\"%s\"), 0) FROM \"%s\"", t->cols[t->pk],
			 t->name);
		if (!(t->sql_maxid = strdup(buf)))
			return NULL;
	}
	for (int i = 0; i < t->ncols; i++) {
		if (!t->self_ref[i])
			continue;
		snprintf(buf, sizeof buf, "UPDATE \"%s\" SET \"%s\" = $1 WHERE \"%s\" = $2", t->name,
			 t->cols[i], t->cols[t->pk]);
		if (!(t->sql_update[i] = strdup(buf)))
			return NULL;
	}
	return t->sql_insert && t->sql_select && t->sql_any ? t->sql_insert : NULL;
}

static void free_sql(struct table *t)
{
	free(t->sql_insert);
	free(t->sql_select);
	free(t->sql_any);
	free(t->sql_maxid);
	for (int i = 0; i < MAX_COLS; i++)
		free(t->sql_update[i]);
}

/* Adds one value in its canonical spelling to a row digest: "N;" for NULL, else "<len>:<bytes>;". */
static void digest_value(crypto_hash_sha256_state *h, const char *v, size_t len)
{
	char head[32];
	if (!v) {
		crypto_hash_sha256_update(h, (const unsigned char *)"N;", 2);
		return;
	}
	int n = snprintf(head, sizeof head, "%zu:", len);
	crypto_hash_sha256_update(h, (const unsigned char *)head, (unsigned long long)n);
	crypto_hash_sha256_update(h, (const unsigned char *)v, len);
	crypto_hash_sha256_update(h, (const unsigned char *)";", 1);
}

static void digest_real(crypto_hash_sha256_state *h, double d)
{
	char tmp[40];
	snprintf(tmp, sizeof tmp, "%.17g", d);
	digest_value(h, tmp, strlen(tmp));
}

static void checksum_add(struct checksum *c, crypto_hash_sha256_state *h)
{
	unsigned char out[crypto_hash_sha256_BYTES];
	crypto_hash_sha256_final(h, out);
	for (int i = 0; i < 4; i++) {
		uint64_t v;
		memcpy(&v, out + 8 * i, 8);
		c->lane[i] += v;
	}
	c->rows++;
}

static void checksum_hex(const struct checksum *c, char out[17])
{
	snprintf(out, 17, "%016" PRIx64, c->lane[0] ^ c->lane[1] ^ c->lane[2] ^ c->lane[3]);
}

/* Binds source column col of s to parameter idx of st and adds it to the row digest. */
static int bind_from(struct store_stmt *st, int idx, sqlite3_stmt *s, int col, crypto_hash_sha256_state *h,
		     const char *table)
{
	char tmp[40];
	switch (sqlite3_column_type(s, col)) {
	case SQLITE_NULL:
		digest_value(h, NULL, 0);
		return store_bind_null(st, idx);
	case SQLITE_INTEGER: {
		int64_t v = sqlite3_column_int64(s, col);
		snprintf(tmp, sizeof tmp, "%" PRId64, v);
		digest_value(h, tmp, strlen(tmp));
		return store_bind_i64(st, idx, v);
	}
	case SQLITE_FLOAT: {
		double d = sqlite3_column_double(s, col);
		digest_real(h, d);
		return store_bind_double(st, idx, d);
	}
	case SQLITE_TEXT: {
		const char *v = (const char *)sqlite3_column_text(s, col);
		digest_value(h, v, (size_t)sqlite3_column_bytes(s, col));
		return store_bind_text(st, idx, v);
	}
	default:
		cmd_error("table '%s' holds binary data, which tiengmo never stores; not copied", table);
		return STORE_E_DB;
	}
}

/* Copies one table; fills src_sum with what was read. Returns 0 or -1 (reported). */
static int copy_rows(sqlite3 *h, struct store *dst, struct table *t, struct checksum *src_sum)
{
	sqlite3_stmt *s = NULL;
	struct store_stmt *ins, *up;
	int rc = -1, step;
	if (sqlite3_prepare_v2(h, t->sql_select, -1, &s, NULL) != SQLITE_OK) {
		cmd_error("cannot read table '%s' of the source: %s", t->name, sqlite3_errmsg(h));
		goto out;
	}
	/* first pass: every row, with references to the same table left empty */
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		crypto_hash_sha256_state hs;
		crypto_hash_sha256_init(&hs);
		if (store_prepare(dst, t->sql_insert, &ins) != STORE_OK) {
			cmd_error("cannot insert into '%s' on the target: %s", t->name, store_errmsg(dst));
			goto out;
		}
		for (int i = 0; i < t->ncols; i++) {
			if (bind_from(ins, i + 1, s, i, &hs, t->name) != STORE_OK) {
				store_reset(ins);
				goto out;
			}
			if (t->self_ref[i])
				store_bind_null(ins, i + 1);
		}
		checksum_add(src_sum, &hs);
		if (store_run(ins) != STORE_OK) {
			cmd_error("cannot insert a row into '%s' on the target: %s", t->name,
				  store_errmsg(dst));
			goto out;
		}
	}
	if (step != SQLITE_DONE) {
		cmd_error("cannot read table '%s' of the source: %s", t->name, sqlite3_errmsg(h));
		goto out;
	}
	/* second pass: the references to the same table, now that every row exists */
	for (int i = 0; i < t->ncols; i++) {
		if (!t->self_ref[i])
			continue;
		sqlite3_reset(s);
		while ((step = sqlite3_step(s)) == SQLITE_ROW) {
			if (sqlite3_column_type(s, i) == SQLITE_NULL)
				continue;
			if (store_prepare(dst, t->sql_update[i], &up) != STORE_OK) {
				cmd_error("cannot update '%s' on the target: %s", t->name, store_errmsg(dst));
				goto out;
			}
			store_bind_i64(up, 1, sqlite3_column_int64(s, i));
			store_bind_i64(up, 2, sqlite3_column_int64(s, t->pk));
			if (store_run(up) != STORE_OK) {
				cmd_error("cannot link rows of '%s' on the target: %s", t->name,
					  store_errmsg(dst));
				goto out;
			}
		}
		if (step != SQLITE_DONE) {
			cmd_error("cannot read table '%s' of the source: %s", t->name, sqlite3_errmsg(h));
			goto out;
		}
	}
	rc = 0;
out:
	sqlite3_finalize(s);
	return rc;
}

/* Reads the table back from the target into sum. Returns 0 or -1 (reported). */
static int target_checksum(struct store *dst, struct table *t, struct checksum *sum)
{
	struct store_stmt *st;
	int rc;
	if (store_prepare(dst, t->sql_select, &st) != STORE_OK) {
		cmd_error("cannot read '%s' back from the target: %s", t->name, store_errmsg(dst));
		return -1;
	}
	while ((rc = store_step(st)) == STORE_ROW) {
		crypto_hash_sha256_state hs;
		crypto_hash_sha256_init(&hs);
		for (int i = 0; i < t->ncols; i++) {
			const char *v = store_col_text(st, i);
			if (v && t->is_real[i])
				digest_real(&hs, strtod(v, NULL));
			else
				digest_value(&hs, v, v ? strlen(v) : 0);
		}
		checksum_add(sum, &hs);
	}
	store_reset(st);
	if (rc != STORE_DONE) {
		cmd_error("cannot read '%s' back from the target: %s", t->name, store_errmsg(dst));
		return -1;
	}
	return 0;
}

static int is_seeded(const char *name)
{
	for (const char *const *s = seeded_tables; *s; s++)
		if (strcmp(*s, name) == 0)
			return 1;
	return 0;
}

/* Checks that the target holds nothing but what migrations put there, and clears that. */
static int prepare_target(struct store *dst, struct table *t, int n)
{
	static const char sql_exists[] =
	    "SELECT COUNT(*) FROM pg_class c JOIN pg_namespace s ON s.oid = "
	    "c.relnamespace WHERE c.relname = $1 AND s.nspname = current_schema()";
	for (int i = 0; i < n; i++) {
		struct store_stmt *st;
		int64_t exists = 0;
		if (store_prepare(dst, sql_exists, &st) != STORE_OK)
			return -1;
		store_bind_text(st, 1, t[i].name);
		if (store_step_i64(st, &exists) != STORE_ROW || !exists) {
			cmd_error("the target has no table '%s': source and target are at different schema "
				  "versions",
				  t[i].name);
			return -1;
		}
		if (is_seeded(t[i].name)) {
			char sql[128]; /* store_exec caches nothing, so this text may live on the stack */
			snprintf(sql, sizeof sql, "DELETE FROM \"%s\"", t[i].name);
			if (store_exec(dst, sql) != STORE_OK) {
				cmd_error("cannot clear '%s' on the target: %s", t[i].name,
					  store_errmsg(dst));
				return -1;
			}
			continue;
		}
		if (store_prepare(dst, t[i].sql_any, &st) != STORE_OK) {
			cmd_error("cannot look into '%s' on the target: %s", t[i].name, store_errmsg(dst));
			return -1;
		}
		int rc = store_step(st);
		store_reset(st);
		if (rc == STORE_ROW) {
			cmd_error(
			    "the target already holds data (table '%s'); copy needs a new, empty database",
			    t[i].name);
			return -1;
		}
		if (rc != STORE_DONE) {
			cmd_error("cannot look into '%s' on the target: %s", t[i].name, store_errmsg(dst));
			return -1;
		}
	}
	return 0;
}

/* The largest id an AUTOINCREMENT table of the source ever handed out (deleted rows included), or 0. */
static int64_t source_sequence(sqlite3 *h, const char *table)
{
	sqlite3_stmt *s = NULL;
	int64_t v = 0;
	if (sqlite3_prepare_v2(h, "SELECT seq FROM sqlite_sequence WHERE name = ?1", -1, &s, NULL) ==
	    SQLITE_OK) {
		sqlite3_bind_text(s, 1, table, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(s) == SQLITE_ROW)
			v = sqlite3_column_int64(s, 0);
	}
	sqlite3_finalize(s); /* no sqlite_sequence at all: no AUTOINCREMENT table */
	return v;
}

/* After explicit ids went in, moves the table's identity sequence (if any) past the largest id the
 * source has used, so that no id is ever handed out twice. */
static int bump_identity(sqlite3 *h, struct store *dst, const struct table *t)
{
	static const char sql_setval[] = "SELECT setval(pg_get_serial_sequence($1, $2), $3, false)";
	struct store_stmt *st;
	int64_t max = 0;
	if (t->pk < 0)
		return 0;
	if (store_prepare(dst, t->sql_maxid, &st) != STORE_OK || store_step_i64(st, &max) != STORE_ROW)
		return -1;
	int64_t used = source_sequence(h, t->name);
	if (used > max)
		max = used;
	if (store_prepare(dst, sql_setval, &st) != STORE_OK)
		return -1;
	store_bind_text(st, 1, t->name);
	store_bind_text(st, 2, t->cols[t->pk]);
	store_bind_i64(st, 3, max + 1);
	return store_run(st) == STORE_OK ? 0 : -1;
}

static int run_copy(const char *from, const char *to)
{
	struct store *src = NULL, *dst = NULL;
	struct table *t = calloc(MAX_TABLES, sizeof *t);
	char err[512];
	int status = 1, n = 0, in_tx = 0, src_tx = 0;
	if (!t) {
		cmd_error("out of memory");
		return 1;
	}
	if (store_open(from, &src, err, sizeof err) != 0) {
		cmd_error("%s", err);
		goto out;
	}
	if (store_open(to, &dst, err, sizeof err) != 0) {
		cmd_error("%s", err);
		goto out;
	}
	sqlite3 *h = store_sqlite_handle(src);
	int version = 0, applied = 0;
	if (store_schema_version(src, &version) != STORE_OK || version == 0) {
		cmd_error("the source has no tiengmo schema; is '%s' a tiengmo database?", from + 7);
		goto out;
	}
	if (version != store_schema_version_known(STORE_SQLITE)) {
		cmd_error(
		    "the source is at schema version %d, this tiengmo at %d; run 'tiengmo migrate --db %s' "
		    "with this tiengmo first",
		    version, store_schema_version_known(STORE_SQLITE), from);
		goto out;
	}
	if (store_migrate(dst, &applied, err, sizeof err) != 0) {
		cmd_error("%s", err);
		goto out;
	}
	/* one read snapshot of the source for the whole copy (WAL lets the server keep writing) */
	if (store_exec(src, "BEGIN") != STORE_OK) {
		cmd_error("cannot read the source: %s", store_errmsg(src));
		goto out;
	}
	src_tx = 1;
	if ((n = load_tables(h, t, MAX_TABLES)) < 0 || order_tables(t, n) != 0)
		goto out;
	for (int i = 0; i < n; i++)
		if (!make_sql(&t[i])) {
			cmd_error("table '%s' has too many columns to copy", t[i].name);
			goto out;
		}
	if (store_begin(dst) != STORE_OK) {
		cmd_error("cannot start the copy on the target: %s", store_errmsg(dst));
		goto out;
	}
	in_tx = 1;
	if (prepare_target(dst, t, n) != 0)
		goto out;
	printf("copying %d tables from %s\n", n, from);
	int64_t total = 0;
	for (int i = 0; i < n; i++) {
		struct checksum a = {0}, b = {0};
		char ha[17], hb[17];
		if (copy_rows(h, dst, &t[i], &a) != 0 || target_checksum(dst, &t[i], &b) != 0)
			goto out;
		checksum_hex(&a, ha);
		checksum_hex(&b, hb);
		int same = a.rows == b.rows && memcmp(a.lane, b.lane, sizeof a.lane) == 0;
		printf("  %-24s %10" PRId64 " rows  checksum %s  %s\n", t[i].name, a.rows, ha,
		       same ? "verified" : "MISMATCH");
		if (!same) {
			cmd_error("table '%s' differs on the target (%" PRId64
				  " rows, checksum %s); nothing was copied",
				  t[i].name, b.rows, hb);
			goto out;
		}
		if (bump_identity(h, dst, &t[i]) != 0) {
			cmd_error("cannot move the id sequence of '%s' on the target: %s", t[i].name,
				  store_errmsg(dst));
			goto out;
		}
		total += a.rows;
	}
	if (store_commit(dst) != STORE_OK) {
		in_tx = 0;
		cmd_error("cannot commit the copy on the target: %s", store_errmsg(dst));
		goto out;
	}
	in_tx = 0;
	printf("copied %" PRId64 " rows in %d tables; every table verified\n", total, n);
	printf("use the same key file with the new database: encrypted fields were copied as they are\n");
	status = 0;
out:
	if (in_tx)
		store_rollback(dst);
	if (src_tx)
		store_exec(src, "ROLLBACK");
	store_close(src);
	store_close(dst);
	for (int i = 0; i < n; i++)
		free_sql(&t[i]);
	free(t);
	return status;
}

int cmd_copy(int argc, char **argv)
{
	struct copy_opts o = {0};
	int first;
	int rc = cmd_parse(argc, argv, usage, copy_opts_list, on_opt, &o, &first);
	if (rc)
		return rc > 0 ? 0 : 2;
	if (first < argc) {
		cmd_error("copy takes no arguments, only --from and --to; see 'tiengmo copy --help'");
		return 2;
	}
	if (!o.from || strncmp(o.from, "sqlite:", 7) != 0 || !o.from[7]) {
		cmd_error("--from must name the source as sqlite:PATH; see 'tiengmo copy --help'");
		return 2;
	}
	if (!o.to || (strncmp(o.to, "postgres://", 11) != 0 && strncmp(o.to, "postgresql://", 13) != 0)) {
		cmd_error("--to must name the target as postgres://…; see 'tiengmo copy --help'");
		return 2;
	}
	FILE *f = fopen(o.from + 7, "rb");
	if (!f) {
		cmd_error("there is no database at '%s'", o.from + 7);
		return 1;
	}
	fclose(f);
	return run_copy(o.from, o.to);
}
