/*
 * test_tip_status.c: the tip triage state machine (src/domain/tip_status.c) — every allowed step,
 * every refused one, the duplicate rule and the names.
 */
#include "unit.h"

#include "domain/tip_status.h"

static void names_round_trip(void **state)
{
	(void)state;
	for (int i = 0; i < TIP_STATUS_COUNT; i++)
		assert_int_equal(tip_status_parse(tip_status_names[i]), i);
	assert_null(tip_status_names[TIP_STATUS_COUNT]);
	assert_int_equal(tip_status_parse("closed"), -1);
	assert_int_equal(tip_status_parse("New"), -1);
	assert_int_equal(tip_status_parse(""), -1);
	assert_int_equal(tip_status_parse(NULL), -1);
}

/* The whole table, written out: each row lists the states reachable from one state. */
static void the_table(void **state)
{
	(void)state;
	static const char *const expect[TIP_STATUS_COUNT] = {
	    [TIP_NEW] = "verifying,duplicate",
	    [TIP_VERIFYING] = "forwarded,resolved,unfounded,duplicate",
	    [TIP_FORWARDED] = "verifying,resolved",
	    [TIP_RESOLVED] = "verifying",
	    [TIP_UNFOUNDED] = "verifying",
	    [TIP_DUPLICATE] = "verifying",
	};
	for (int from = 0; from < TIP_STATUS_COUNT; from++) {
		for (int to = 0; to < TIP_STATUS_COUNT; to++) {
			const char *list = expect[from];
			const char *name = tip_status_names[to];
			size_t n = strlen(name);
			bool listed = false;
			for (const char *p = list; (p = strstr(p, name)) != NULL; p += n)
				if ((p == list || p[-1] == ',') && (p[n] == ',' || p[n] == '\0'))
					listed = true;
			if (tip_status_allowed(from, to) != listed)
				fail_msg("%s -> %s: expected %s", tip_status_names[from], name,
					 listed ? "allowed" : "refused");
		}
	}
}

static void new_must_be_verified_first(void **state)
{
	(void)state;
	char why[200];
	assert_int_equal(tip_status_check(TIP_NEW, TIP_RESOLVED, 0, why, sizeof why), 1);
	assert_string_equal(why, "a tip cannot go from 'new' to 'resolved'; set it to 'verifying' first");
	assert_int_equal(tip_status_check(TIP_NEW, TIP_FORWARDED, 0, why, sizeof why), 1);
	assert_int_equal(tip_status_check(TIP_NEW, TIP_UNFOUNDED, 0, why, sizeof why), 1);
	assert_int_equal(tip_status_check(TIP_NEW, TIP_VERIFYING, 0, why, sizeof why), 0);
}

static void refusals_name_both_states(void **state)
{
	(void)state;
	char why[200];
	assert_int_equal(tip_status_check(TIP_RESOLVED, TIP_FORWARDED, 0, why, sizeof why), 1);
	assert_string_equal(why, "a tip cannot go from 'resolved' to 'forwarded'");
	assert_int_equal(tip_status_check(TIP_VERIFYING, TIP_NEW, 0, why, sizeof why), 1);
	assert_string_equal(why, "a tip cannot go from 'verifying' to 'new'");
	assert_int_equal(tip_status_check(TIP_VERIFYING, TIP_VERIFYING, 0, why, sizeof why), 1);
	assert_string_equal(why, "the tip is already 'verifying'");
	assert_int_equal(tip_status_check(7, TIP_NEW, 0, why, sizeof why), 1);
	assert_false(tip_status_allowed(TIP_NEW, 99));
}

static void duplicate_needs_its_original(void **state)
{
	(void)state;
	char why[200];
	assert_int_equal(tip_status_check(TIP_VERIFYING, TIP_DUPLICATE, 0, why, sizeof why), 2);
	assert_string_equal(why, "say which tip this one repeats ('duplicate_of')");
	assert_int_equal(tip_status_check(TIP_NEW, TIP_DUPLICATE, 12, why, sizeof why), 0);
	assert_int_equal(tip_status_check(TIP_VERIFYING, TIP_DUPLICATE, 3, why, sizeof why), 0);
	/* duplicate_of with another state is refused; the transition check comes first */
	assert_int_equal(tip_status_check(TIP_VERIFYING, TIP_RESOLVED, 3, why, sizeof why), 2);
	assert_string_equal(why, "'duplicate_of' goes only with the status 'duplicate'");
	assert_int_equal(tip_status_check(TIP_NEW, TIP_RESOLVED, 3, why, sizeof why), 1);
	/* a duplicate reopened leaves the duplicate state without an original */
	assert_int_equal(tip_status_check(TIP_DUPLICATE, TIP_VERIFYING, 0, why, sizeof why), 0);
}

static void short_buffer_is_terminated(void **state)
{
	(void)state;
	char why[8];
	assert_int_equal(tip_status_check(TIP_NEW, TIP_RESOLVED, 0, why, sizeof why), 1);
	assert_int_equal(strlen(why), 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(names_round_trip),
	    cmocka_unit_test(the_table),
	    cmocka_unit_test(new_must_be_verified_first),
	    cmocka_unit_test(refusals_name_both_states),
	    cmocka_unit_test(duplicate_needs_its_original),
	    cmocka_unit_test(short_buffer_is_terminated),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
