/*
 * test_store.c: the statement API (src/store/) on a real database — SQLite on a temporary file, or
 * the engine in $TIENGMO_TEST_DB (see testdb.h), so the same checks hold on PostgreSQL: migrations
 * apply once and refuse a newer schema, $N parameters bind by number, constraint errors map to their
 * codes, rollback leaves nothing, statements are cached, and RETURNING id gives new ids.
 */
#include "unit.h"

#include "lib/vn.h"
#include "testdb.h"

static int setup_empty(void **state)
{
	struct testdb *t = calloc(1, sizeof *t);
	assert_non_null(t);
	testdb_open(t);
	*state = t;
	return 0;
}

static int setup_migrated(void **state)
{
	struct testdb *t = calloc(1, sizeof *t);
	assert_non_null(t);
	testdb_open_migrated(t);
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	struct testdb *t = *state;
	if (t) {
		testdb_close(t);
		free(t);
	}
	return 0;
}

static const char sql_insert_unit[] =
    "INSERT INTO units (parent_id, kind, code, name, path, created_at, updated_at) "
    "VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id";
static const char sql_count_units[] = "SELECT COUNT(*) FROM units";
static const char sql_unit_by_id[] =
    "SELECT code, name, created_at, updated_at, parent_id FROM units WHERE id = $1";

/* Inserts a unit and returns the store code; *id gets the new id on success. */
static int insert_unit(struct store *db, int64_t parent, const char *kind, const char *code, const char *name,
		       int64_t *id)
{
	struct store_stmt *st;
	int rc = store_prepare(db, sql_insert_unit, &st);
	if (rc)
		return rc;
	store_bind_opt_i64(st, 1, parent);
	store_bind_text(st, 2, kind);
	store_bind_text(st, 3, code);
	store_bind_text(st, 4, name);
	store_bind_text(st, 5, "/");
	store_bind_i64(st, 6, 1795946400);
	int64_t got = 0;
	rc = store_step_i64(st, &got);
	if (rc == STORE_ROW) {
		*id = got;
		return STORE_OK;
	}
	return rc == STORE_DONE ? STORE_E_DB : rc;
}

static int64_t count_units(struct store *db)
{
	struct store_stmt *st;
	int64_t n = -1;
	assert_int_equal(store_prepare(db, sql_count_units, &st), STORE_OK);
	assert_int_equal(store_step_i64(st, &n), STORE_ROW);
	return n;
}

static void migrate_applies_once_and_is_idempotent(void **state)
{
	struct testdb *t = *state;
	char err[512] = "";
	int applied = -1, version = -1;
	int known = store_schema_version_known(store_engine_of(t->db));
	assert_true(known >= 1);
	assert_int_equal(store_migrate(t->db, &applied, err, sizeof err), 0);
	assert_int_equal(applied, known);
	assert_int_equal(store_schema_version(t->db, &version), STORE_OK);
	assert_int_equal(version, known);
	assert_int_equal(count_units(t->db), 0); /* the schema is there */
	/* again: nothing to do, nothing changes */
	assert_int_equal(store_migrate(t->db, &applied, err, sizeof err), 0);
	assert_int_equal(applied, 0);
	assert_int_equal(store_schema_version(t->db, &version), STORE_OK);
	assert_int_equal(version, known);
	/* and from another connection too */
	struct store *other = testdb_connect(t);
	assert_int_equal(store_migrate(other, &applied, err, sizeof err), 0);
	assert_int_equal(applied, 0);
	store_close(other);
}

static void empty_database_is_version_zero(void **state)
{
	struct testdb *t = *state;
	int version = -1;
	assert_int_equal(store_schema_version(t->db, &version), STORE_OK);
	assert_int_equal(version, 0);
}

static const char sql_future[] =
    "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)";

static void newer_schema_is_refused(void **state)
{
	struct testdb *t = *state;
	char err[512] = "";
	int applied = -1;
	int known = store_schema_version_known(store_engine_of(t->db));
	struct store_stmt *st;
	assert_int_equal(store_prepare(t->db, sql_future, &st), STORE_OK);
	store_bind_i64(st, 1, known + 1);
	store_bind_text(st, 2, "future.sql");
	store_bind_i64(st, 3, 0);
	assert_int_equal(store_run(st), STORE_OK);
	assert_int_equal(store_migrate(t->db, &applied, err, sizeof err), -1);
	assert_int_equal(applied, 0);
	assert_non_null(strstr(err, "upgrade tiengmo"));
	int version = 0;
	assert_int_equal(store_schema_version(t->db, &version), STORE_OK);
	assert_int_equal(version, known + 1);
}

static void parameters_bind_by_number_even_when_reused(void **state)
{
	struct testdb *t = *state;
	static const char sql[] = "INSERT INTO units (kind, code, name, path, created_at, updated_at) "
				  "VALUES ($2, $1, $1, $3, $4, $4) RETURNING id";
	struct store_stmt *st;
	int64_t id = 0;
	assert_int_equal(store_prepare(t->db, sql, &st), STORE_OK);
	store_bind_text(st, 1, "79-VD");
	store_bind_text(st, 2, "commune");
	store_bind_text(st, 3, "/1/");
	store_bind_i64(st, 4, 1795946400);
	assert_int_equal(store_step_i64(st, &id), STORE_ROW);
	assert_true(id > 0);
	assert_int_equal(store_prepare(t->db, sql_unit_by_id, &st), STORE_OK);
	store_bind_i64(st, 1, id);
	assert_int_equal(store_step(st), STORE_ROW);
	assert_string_equal(store_col_text(st, 0), "79-VD");
	assert_string_equal(store_col_text(st, 1), "79-VD");
	assert_int_equal(store_col_i64(st, 2), 1795946400);
	assert_int_equal(store_col_i64(st, 3), 1795946400);
	assert_true(store_col_is_null(st, 4));
	assert_null(store_col_text(st, 4));
	assert_int_equal(store_step(st), STORE_DONE);
	store_reset(st);
}

static void parameters_past_nine_and_in_literals(void **state)
{
	struct testdb *t = *state;
	static const char sql_many[] =
	    "SELECT COUNT(*) FROM units WHERE code IN ($1, $2, $3, $4, $5, $6, $7, "
	    "$8, $9, $10, $11)";
	static const char sql_literal[] = "SELECT '$1', name FROM units WHERE code = $1";
	int64_t id, n = -1;
	assert_int_equal(insert_unit(t->db, 0, "province", "P-11", "Quảng Nam", &id), STORE_OK);
	struct store_stmt *st;
	assert_int_equal(store_prepare(t->db, sql_many, &st), STORE_OK);
	for (int i = 1; i <= 10; i++)
		store_bind_text(st, i, "nope");
	store_bind_text(st, 11, "P-11"); /* only $11 matches: "$11" must not be read as "$1" then "1" */
	assert_int_equal(store_step_i64(st, &n), STORE_ROW);
	assert_int_equal(n, 1);
	assert_int_equal(store_prepare(t->db, sql_literal, &st), STORE_OK);
	store_bind_text(st, 1, "P-11");
	assert_int_equal(store_step(st), STORE_ROW);
	assert_string_equal(store_col_text(st, 0), "$1"); /* a literal stays a literal */
	assert_string_equal(store_col_text(st, 1), "Quảng Nam");
	store_reset(st);
}

static void unique_violation_is_store_e_unique(void **state)
{
	struct testdb *t = *state;
	int64_t id;
	assert_int_equal(insert_unit(t->db, 0, "province", "49", "Quảng Nam", &id), STORE_OK);
	assert_int_equal(insert_unit(t->db, 0, "province", "49", "Quảng Nam again", &id), STORE_E_UNIQUE);
	assert_int_equal(count_units(t->db), 1);
	/* the connection is still usable afterwards */
	assert_int_equal(insert_unit(t->db, 0, "province", "48", "Đà Nẵng", &id), STORE_OK);
	assert_int_equal(count_units(t->db), 2);
}

static void foreign_key_violation_is_store_e_fk(void **state)
{
	struct testdb *t = *state;
	int64_t parent, child;
	assert_int_equal(insert_unit(t->db, 987654, "commune", "20333", "Vĩnh Điện", &child), STORE_E_FK);
	assert_int_equal(count_units(t->db), 0);
	assert_int_equal(insert_unit(t->db, 0, "province", "49", "Quảng Nam", &parent), STORE_OK);
	assert_int_equal(insert_unit(t->db, parent, "commune", "20333", "Vĩnh Điện", &child), STORE_OK);
	/* a unit that still has children cannot go */
	static const char sql_delete[] = "DELETE FROM units WHERE id = $1";
	struct store_stmt *st;
	assert_int_equal(store_prepare(t->db, sql_delete, &st), STORE_OK);
	store_bind_i64(st, 1, parent);
	assert_int_equal(store_run(st), STORE_E_FK);
	assert_int_equal(count_units(t->db), 2);
}

static void check_violation_is_store_e_check(void **state)
{
	struct testdb *t = *state;
	int64_t id;
	assert_int_equal(insert_unit(t->db, 0, "city", "49", "Quảng Nam", &id), STORE_E_CHECK);
	assert_int_equal(insert_unit(t->db, 0, "province", "49", NULL, &id), STORE_E_CHECK); /* NOT NULL */
	assert_int_equal(count_units(t->db), 0);
}

static void rollback_leaves_nothing(void **state)
{
	struct testdb *t = *state;
	int64_t id;
	assert_int_equal(store_begin(t->db), STORE_OK);
	assert_int_equal(insert_unit(t->db, 0, "province", "49", "Quảng Nam", &id), STORE_OK);
	assert_int_equal(insert_unit(t->db, id, "commune", "20333", "Vĩnh Điện", &id), STORE_OK);
	assert_int_equal(count_units(t->db), 2); /* visible inside the transaction */
	assert_int_equal(store_rollback(t->db), STORE_OK);
	assert_int_equal(count_units(t->db), 0);
	/* after a failed statement inside a transaction, rollback still undoes the rest */
	assert_int_equal(store_begin(t->db), STORE_OK);
	assert_int_equal(insert_unit(t->db, 0, "province", "49", "Quảng Nam", &id), STORE_OK);
	assert_int_equal(insert_unit(t->db, 0, "province", "49", "Quảng Nam", &id), STORE_E_UNIQUE);
	assert_int_equal(store_rollback(t->db), STORE_OK);
	assert_int_equal(count_units(t->db), 0);
}

static void commit_is_seen_by_other_connections(void **state)
{
	struct testdb *t = *state;
	int64_t id;
	struct store *other = testdb_connect(t);
	assert_int_equal(store_begin(t->db), STORE_OK);
	assert_int_equal(store_begin(t->db), STORE_E_DB); /* no nesting */
	assert_int_equal(insert_unit(t->db, 0, "province", "49", "Quảng Nam", &id), STORE_OK);
	assert_int_equal(store_commit(t->db), STORE_OK);
	assert_int_equal(count_units(other), 1);
	store_close(other);
}

static void statement_cache_returns_the_same_statement(void **state)
{
	struct testdb *t = *state;
	struct store_stmt *a, *b;
	int64_t id1, id2;
	assert_int_equal(insert_unit(t->db, 0, "province", "49", "Quảng Nam", &id1), STORE_OK);
	assert_int_equal(insert_unit(t->db, 0, "province", "48", "Đà Nẵng", &id2), STORE_OK);
	assert_int_equal(store_prepare(t->db, sql_unit_by_id, &a), STORE_OK);
	store_bind_i64(a, 1, id1);
	assert_int_equal(store_step(a), STORE_ROW);
	assert_string_equal(store_col_text(a, 1), "Quảng Nam");
	store_reset(a);
	assert_int_equal(store_prepare(t->db, sql_unit_by_id, &b), STORE_OK);
	assert_ptr_equal(a, b);
	/* reused with new bindings, it answers for them */
	store_bind_i64(b, 1, id2);
	assert_int_equal(store_step(b), STORE_ROW);
	assert_string_equal(store_col_text(b, 1), "Đà Nẵng");
	store_reset(b);
	/* reset clears bindings: unbound, the parameter is NULL and matches nothing */
	assert_int_equal(store_prepare(t->db, sql_unit_by_id, &b), STORE_OK);
	assert_int_equal(store_step(b), STORE_DONE);
	store_reset(b);
}

static void returning_id_gives_new_distinct_ids(void **state)
{
	struct testdb *t = *state;
	int64_t ids[5];
	char code[16];
	for (int i = 0; i < 5; i++) {
		snprintf(code, sizeof code, "B%d", i);
		assert_int_equal(insert_unit(t->db, 0, "block", code, "Khối phố", &ids[i]), STORE_OK);
		assert_true(ids[i] > 0);
		for (int j = 0; j < i; j++)
			assert_true(ids[j] != ids[i]);
	}
	struct store_stmt *st;
	assert_int_equal(store_prepare(t->db, sql_unit_by_id, &st), STORE_OK);
	store_bind_i64(st, 1, ids[3]);
	assert_int_equal(store_step(st), STORE_ROW);
	assert_string_equal(store_col_text(st, 0), "B3");
	store_reset(st);
}

static void text_round_trips_and_no_row_is_done(void **state)
{
	struct testdb *t = *state;
	const char *name = "Phường Vĩnh Điện — \"Tiếng mõ\" 'dân phòng'; DROP TABLE units; --";
	int64_t id, n = 99;
	assert_int_equal(insert_unit(t->db, 0, "commune", "20333", name, &id), STORE_OK);
	struct store_stmt *st;
	assert_int_equal(store_prepare(t->db, sql_unit_by_id, &st), STORE_OK);
	store_bind_i64(st, 1, id);
	assert_int_equal(store_step(st), STORE_ROW);
	assert_string_equal(store_col_text(st, 1), name);
	assert_int_equal(store_col_count(st), 5);
	assert_string_equal(store_col_name(st, 1), "name");
	store_reset(st);
	assert_int_equal(count_units(t->db), 1);
	assert_int_equal(store_prepare(t->db, sql_unit_by_id, &st), STORE_OK);
	store_bind_i64(st, 1, id + 1000);
	assert_int_equal(store_step_i64(st, &n), STORE_DONE);
	assert_int_equal(n, 99); /* untouched */
}

static void bad_sql_and_bad_urls_are_errors(void **state)
{
	struct testdb *t = *state;
	static const char sql_bad[] = "SELEKT nothing FROM nowhere";
	struct store_stmt *st = NULL;
	assert_int_equal(store_prepare(t->db, sql_bad, &st), STORE_E_DB);
	assert_true(strlen(store_errmsg(t->db)) > 0);
	struct store *db = NULL;
	char err[256] = "";
	assert_int_equal(store_open("mysql://localhost/x", &db, err, sizeof err), -1);
	assert_null(db);
	assert_true(strlen(err) > 0);
	assert_int_equal(store_open("sqlite:/nonexistent-dir-tiengmo/x/y.db", &db, err, sizeof err), -1);
	assert_non_null(strstr(err, "/nonexistent-dir-tiengmo/x/y.db"));
}

static void name_keys_order_people_in_sql(void **state)
{
	struct testdb *t = *state;
	static const char sql_create[] =
	    "CREATE TEMPORARY TABLE people (name TEXT NOT NULL, name_key TEXT NOT NULL)";
	static const char sql_add[] = "INSERT INTO people (name, name_key) VALUES ($1, $2)";
	static const char sql_sorted[] = "SELECT name FROM people ORDER BY name_key";
	/* in Vietnamese order by given name, then family and middle names */
	static const char *const sorted[] = {
	    "Lê Văn An",   "Nguyễn Văn An", "Hoàng Văn Ánh", "Huỳnh Thị Ă", "Võ Thị Ân",
	    "Đặng Văn Ba", "Trần Thị Bình", "Phạm Thị Dung", "Lê Văn Đạt",
	};
	static const int order[] = {6, 8, 3, 1, 5, 0, 7, 4, 2};
	struct store_stmt *st;
	assert_int_equal(store_exec(t->db, sql_create), STORE_OK);
	for (int i = 0; i < 9; i++) {
		char key[VN_NAME_KEY_MAX];
		assert_true(vn_name_key(sorted[order[i]], key, sizeof key) > 0);
		assert_int_equal(store_prepare(t->db, sql_add, &st), STORE_OK);
		store_bind_text(st, 1, sorted[order[i]]);
		store_bind_text(st, 2, key);
		assert_int_equal(store_run(st), STORE_OK);
	}
	assert_int_equal(store_prepare(t->db, sql_sorted, &st), STORE_OK);
	for (int i = 0; i < 9; i++) {
		assert_int_equal(store_step(st), STORE_ROW);
		assert_string_equal(store_col_text(st, 0), sorted[i]);
	}
	assert_int_equal(store_step(st), STORE_DONE);
	store_reset(st);
	vn_thread_release();
}

#define T(f, s) cmocka_unit_test_setup_teardown(f, s, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(migrate_applies_once_and_is_idempotent, setup_empty),
	    T(empty_database_is_version_zero, setup_empty),
	    T(newer_schema_is_refused, setup_migrated),
	    T(parameters_bind_by_number_even_when_reused, setup_migrated),
	    T(parameters_past_nine_and_in_literals, setup_migrated),
	    T(unique_violation_is_store_e_unique, setup_migrated),
	    T(foreign_key_violation_is_store_e_fk, setup_migrated),
	    T(check_violation_is_store_e_check, setup_migrated),
	    T(rollback_leaves_nothing, setup_migrated),
	    T(commit_is_seen_by_other_connections, setup_migrated),
	    T(statement_cache_returns_the_same_statement, setup_migrated),
	    T(returning_id_gives_new_distinct_ids, setup_migrated),
	    T(text_round_trips_and_no_row_is_done, setup_migrated),
	    T(bad_sql_and_bad_urls_are_errors, setup_migrated),
	    T(name_keys_order_people_in_sql, setup_migrated),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
