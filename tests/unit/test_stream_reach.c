/*
 * test_stream_reach.c: who sees a live event (src/domain/stream_reach.c) — record reach (officers at
 * and above the record's unit), area reach (also the members whose grants lie inside it, team grants
 * through the team's unit), the permission, and a neighbouring commune that never sees anything.
 */
#include "unit.h"

#include "domain/stream_reach.h"

/* Province /1/, commune A /1/2/ with blocks /1/2/3/ and /1/2/4/, commune B /1/5/. */
static const struct reach_grant officer_a = {ROLE_OFFICER, "/1/2/", false};
static const struct reach_grant officer_b = {ROLE_OFFICER, "/1/5/", false};
static const struct reach_grant member_block3 = {ROLE_MEMBER, "/1/2/3/", false};
static const struct reach_grant team_block3 = {ROLE_MEMBER, "/1/2/3/", true};
static const struct reach_grant admin_all = {ROLE_ADMIN, NULL, false};

static void record_reach_is_the_record_rule(void **state)
{
	(void)state;
	assert_true(stream_reach_allows(&officer_a, 1, PERM_TIPS_READ, 0, "/1/2/3/"));
	assert_true(stream_reach_allows(&officer_a, 1, PERM_TIPS_READ, 0, "/1/2/"));
	assert_false(stream_reach_allows(&officer_b, 1, PERM_TIPS_READ, 0, "/1/2/3/"));
	/* a tip on the whole commune is not shown to a grant inside it */
	assert_false(stream_reach_allows(&member_block3, 1, PERM_ALARMS_READ, 0, "/1/2/"));
	/* team grants never see records by reach "record" */
	assert_false(stream_reach_allows(&team_block3, 1, PERM_ALARMS_READ, 0, "/1/2/3/"));
	/* the prefix must end on a unit boundary: /1/2/ is not within /1/2/3/ nor /1/23/ within /1/2/ */
	assert_false(stream_reach_allows(&officer_a, 1, PERM_TIPS_READ, 0, "/1/23/"));
}

static void area_reach_goes_down_as_well(void **state)
{
	(void)state;
	/* an escalated alarm on the commune reaches a member of block 3, by unit or team grant */
	assert_true(stream_reach_allows(&member_block3, 1, PERM_ALARMS_READ, 1, "/1/2/"));
	assert_true(stream_reach_allows(&team_block3, 1, PERM_ALARMS_READ, 1, "/1/2/"));
	assert_true(stream_reach_allows(&team_block3, 1, PERM_ALARMS_READ, 1, "/1/2/3/"));
	/* but a block 4 alarm does not reach block 3, nor commune B */
	assert_false(stream_reach_allows(&member_block3, 1, PERM_ALARMS_READ, 1, "/1/2/4/"));
	assert_false(stream_reach_allows(&officer_b, 1, PERM_ALARMS_READ, 1, "/1/2/4/"));
	assert_true(stream_reach_allows(&officer_a, 1, PERM_ALARMS_READ, 1, "/1/2/4/"));
}

static void permission_is_needed(void **state)
{
	(void)state;
	/* a member reads alarms, never the tip inbox */
	assert_false(stream_reach_allows(&member_block3, 1, PERM_TIPS_READ, 0, "/1/2/3/"));
	assert_false(stream_reach_allows(&member_block3, 1, PERM_TIPS_READ, 1, "/1/2/"));
	assert_false(stream_reach_allows(NULL, 0, PERM_TIPS_READ, 1, "/1/2/"));
}

static void admin_and_several_grants(void **state)
{
	(void)state;
	assert_true(stream_reach_allows(&admin_all, 1, PERM_TIPS_READ, 0, "/1/5/"));
	struct reach_grant two[] = {officer_b, member_block3};
	assert_true(stream_reach_allows(two, 2, PERM_TIPS_READ, 0, "/1/5/7/"));
	assert_true(stream_reach_allows(two, 2, PERM_ALARMS_READ, 1, "/1/2/3/"));
	assert_false(stream_reach_allows(two, 2, PERM_TIPS_READ, 0, "/1/2/3/"));
	/* an event without a path reaches only installation-wide grants */
	assert_false(stream_reach_allows(&officer_a, 1, PERM_TIPS_READ, 1, ""));
	assert_true(stream_reach_allows(&admin_all, 1, PERM_TIPS_READ, 1, ""));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(record_reach_is_the_record_rule),
	    cmocka_unit_test(area_reach_goes_down_as_well),
	    cmocka_unit_test(permission_is_needed),
	    cmocka_unit_test(admin_and_several_grants),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
