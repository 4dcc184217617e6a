/*
 * test_audit.c: the hash-chained audit log (src/store/audit.c) on a real database (SQLite on a
 * temporary file, or $TIENGMO_TEST_DB; see testdb.h). An intact chain verifies; altering, removing or
 * reordering any entry is caught and the first bad entry is named; a rolled-back change leaves no
 * entry; the database itself refuses updates and deletes.
 */
#include "unit.h"

#include <inttypes.h>

#include "store/audit.h"
#include "testdb.h"

static int setup(void **state)
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

static const struct audit_entry entries[] = {
    {0, "cli", "", "unit.create", "unit", "1", "{\"name\":\"Phường Vĩnh Điện\"}"},
    {2, "canbo.an", "10.0.0.7", "user.create", "user", "3", "{\"role\":\"officer\"}"},
    {2, "canbo.an", "10.0.0.7", "unit.update", "unit", "1", "{\"name\":\"Phường Vĩnh Điện (mới)\"}"},
};

/* Appends the three entries in one transaction. */
static void append_three(struct store *db)
{
	assert_int_equal(store_begin(db), STORE_OK);
	for (size_t i = 0; i < 3; i++)
		assert_int_equal(audit_append(db, &entries[i]), STORE_OK);
	assert_int_equal(store_commit(db), STORE_OK);
}

/* Lets raw SQL change the log, as an attacker with the database file could. */
static void drop_guards(struct store *db)
{
	if (store_engine_of(db) == STORE_PG)
		assert_int_equal(store_exec(db, "ALTER TABLE audit_log DISABLE TRIGGER USER"), STORE_OK);
	else
		assert_int_equal(
		    store_exec(db, "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete"),
		    STORE_OK);
}

static int verify(struct store *db, int64_t *count, int64_t *bad, char *why, size_t whylen)
{
	*count = -1;
	*bad = -1;
	return audit_verify(db, count, bad, why, whylen);
}

static void empty_log_verifies(void **state)
{
	struct testdb *t = *state;
	int64_t count, bad;
	char why[256];
	assert_int_equal(verify(t->db, &count, &bad, why, sizeof why), 0);
	assert_int_equal(count, 0);
}

static void intact_chain_verifies(void **state)
{
	struct testdb *t = *state;
	int64_t count, bad;
	char why[256] = "";
	append_three(t->db);
	assert_int_equal(verify(t->db, &count, &bad, why, sizeof why), 0);
	assert_int_equal(count, 3);
	/* entries are chained: each one carries the hash of the one before it */
	static const char sql[] = "SELECT seq, prev_hash, hash FROM audit_log ORDER BY seq";
	struct store_stmt *st;
	char prev[80] = "";
	int64_t seq = 0;
	assert_int_equal(store_prepare(t->db, sql, &st), STORE_OK);
	while (store_step(st) == STORE_ROW) {
		assert_int_equal(store_col_i64(st, 0), ++seq);
		if (seq > 1)
			assert_string_equal(store_col_text(st, 1), prev);
		snprintf(prev, sizeof prev, "%s", store_col_text(st, 2));
		assert_int_equal(strlen(prev), 64);
	}
	store_reset(st);
	assert_int_equal(seq, 3);
}

static void altered_entry_is_named(void **state)
{
	struct testdb *t = *state;
	int64_t count, bad;
	char why[256] = "";
	append_three(t->db);
	drop_guards(t->db);
	assert_int_equal(
	    store_exec(t->db, "UPDATE audit_log SET detail = '{\"role\":\"admin\"}' WHERE seq = 2"),
	    STORE_OK);
	assert_int_equal(verify(t->db, &count, &bad, why, sizeof why), 1);
	assert_int_equal(bad, 2);
	assert_non_null(strstr(why, "2"));
}

static void altered_actor_is_named(void **state)
{
	struct testdb *t = *state;
	int64_t count, bad;
	char why[256] = "";
	append_three(t->db);
	drop_guards(t->db);
	assert_int_equal(store_exec(t->db, "UPDATE audit_log SET actor = 'someone.else' WHERE seq = 3"),
			 STORE_OK);
	assert_int_equal(verify(t->db, &count, &bad, why, sizeof why), 1);
	assert_int_equal(bad, 3);
}

static void rehashed_entry_breaks_the_next_link(void **state)
{
	struct testdb *t = *state;
	int64_t count, bad;
	char why[256] = "";
	append_three(t->db);
	drop_guards(t->db);
	/* a forger who also replaces the entry's own hash is caught by the entry after it */
	assert_int_equal(store_exec(t->db,
				    "UPDATE audit_log SET detail = '{}', hash = "
				    "'1111111111111111111111111111111111111111111111111111111111111111' "
				    "WHERE seq = 1"),
			 STORE_OK);
	assert_int_equal(verify(t->db, &count, &bad, why, sizeof why), 1);
	assert_true(bad == 1 || bad == 2);
}

static void removed_entry_is_named(void **state)
{
	struct testdb *t = *state;
	int64_t count, bad;
	char why[256] = "";
	append_three(t->db);
	drop_guards(t->db);
	assert_int_equal(store_exec(t->db, "DELETE FROM audit_log WHERE seq = 2"), STORE_OK);
	assert_int_equal(verify(t->db, &count, &bad, why, sizeof why), 1);
	assert_int_equal(bad, 2);
}

static void removed_tail_is_caught(void **state)
{
	struct testdb *t = *state;
	int64_t count, bad;
	char why[256] = "";
	append_three(t->db);
	drop_guards(t->db);
	assert_int_equal(store_exec(t->db, "DELETE FROM audit_log WHERE seq = 3"), STORE_OK);
	assert_int_equal(verify(t->db, &count, &bad, why, sizeof why), 1);
	assert_int_equal(bad, 3);
}

static void reordered_entries_are_caught(void **state)
{
	struct testdb *t = *state;
	int64_t count, bad;
	char why[256] = "";
	append_three(t->db);
	drop_guards(t->db);
	assert_int_equal(store_exec(t->db, "UPDATE audit_log SET seq = 100 WHERE seq = 1; "
					   "UPDATE audit_log SET seq = 1 WHERE seq = 2; "
					   "UPDATE audit_log SET seq = 2 WHERE seq = 100"),
			 STORE_OK);
	assert_int_equal(verify(t->db, &count, &bad, why, sizeof why), 1);
	assert_int_equal(bad, 1);
}

static void rolled_back_change_leaves_no_entry(void **state)
{
	struct testdb *t = *state;
	int64_t count, bad;
	char why[256] = "";
	append_three(t->db);
	assert_int_equal(store_begin(t->db), STORE_OK);
	assert_int_equal(audit_append(t->db, &entries[0]), STORE_OK);
	assert_int_equal(store_rollback(t->db), STORE_OK);
	assert_int_equal(verify(t->db, &count, &bad, why, sizeof why), 0);
	assert_int_equal(count, 3);
	/* and the chain continues cleanly after it */
	assert_int_equal(store_begin(t->db), STORE_OK);
	assert_int_equal(audit_append(t->db, &entries[1]), STORE_OK);
	assert_int_equal(store_commit(t->db), STORE_OK);
	assert_int_equal(verify(t->db, &count, &bad, why, sizeof why), 0);
	assert_int_equal(count, 4);
}

static void database_refuses_updates_and_deletes(void **state)
{
	struct testdb *t = *state;
	int64_t count, bad;
	char why[256] = "";
	append_three(t->db);
	assert_int_not_equal(store_exec(t->db, "UPDATE audit_log SET detail = '{}' WHERE seq = 2"), STORE_OK);
	assert_int_not_equal(store_exec(t->db, "DELETE FROM audit_log WHERE seq = 3"), STORE_OK);
	assert_int_equal(verify(t->db, &count, &bad, why, sizeof why), 0);
	assert_int_equal(count, 3);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(empty_log_verifies),
	    T(intact_chain_verifies),
	    T(altered_entry_is_named),
	    T(altered_actor_is_named),
	    T(rehashed_entry_breaks_the_next_link),
	    T(removed_entry_is_named),
	    T(removed_tail_is_caught),
	    T(reordered_entries_are_caught),
	    T(rolled_back_change_leaves_no_entry),
	    T(database_refuses_updates_and_deletes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
