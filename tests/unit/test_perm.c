/*
 * test_perm.c: who may do what, where (src/domain/perm.c) — the role table, unit subtrees, the
 * installation admin, team grants, and granting never above one's own role or outside one's scope.
 */
#include "unit.h"

#include "domain/perm.h"

/* Units: province 1 "/1/", commune 5 "/1/5/", block 23 "/1/5/23/", commune 50 "/1/50/". */
#define PROVINCE "/1/"
#define COMMUNE "/1/5/"
#define BLOCK "/1/5/23/"
#define OTHER_COMMUNE "/1/50/"

static struct principal user_with(struct grant *g, int n)
{
	struct principal p = {.user_id = 7, .username = "u", .display_name = "U", .ngrants = n, .grants = g};
	return p;
}

static void role_names_parse_both_ways(void **state)
{
	(void)state;
	for (int r = 0; r < ROLE_COUNT; r++)
		assert_int_equal(perm_role_parse(perm_role_names[r]), r);
	assert_null(perm_role_names[ROLE_COUNT]);
	assert_int_equal(perm_role_parse("superuser"), -1);
	assert_int_equal(perm_role_parse("Admin"), -1);
	assert_int_equal(perm_role_parse(""), -1);
}

static void role_table(void **state)
{
	(void)state;
	for (int p = 0; p < PERM_COUNT; p++)
		assert_true(perm_role_has(ROLE_ADMIN, p)); /* an admin may do everything */
	for (int r = 0; r < ROLE_COUNT; r++) {
		assert_true(perm_role_has(r, PERM_UNITS_READ));
		assert_true(perm_role_has(r, PERM_LOGGED_IN));
	}
	/* officers run the commune and see sensitive data, but do not manage accounts */
	assert_true(perm_role_has(ROLE_OFFICER, PERM_UNITS_WRITE));
	assert_true(perm_role_has(ROLE_OFFICER, PERM_USERS_READ));
	assert_true(perm_role_has(ROLE_OFFICER, PERM_SENSITIVE));
	assert_true(perm_role_has(ROLE_OFFICER, PERM_AUDIT_READ));
	assert_false(perm_role_has(ROLE_OFFICER, PERM_USERS_WRITE));
	/* nobody below an officer writes units, reads accounts or sees identities */
	const enum role lower[] = {ROLE_COORDINATOR, ROLE_TEAM_LEADER, ROLE_MEMBER, ROLE_VIEWER};
	const enum perm guarded[] = {PERM_UNITS_WRITE, PERM_USERS_READ, PERM_USERS_WRITE, PERM_AUDIT_READ,
				     PERM_SENSITIVE};
	for (size_t i = 0; i < 4; i++)
		for (size_t j = 0; j < 5; j++)
			assert_false(perm_role_has(lower[i], guarded[j]));
	/* out-of-range values are refused, not read past the table */
	assert_false(perm_role_has(ROLE_COUNT, PERM_UNITS_READ));
	assert_false(perm_role_has((enum role) - 1, PERM_UNITS_READ));
	assert_false(perm_role_has(ROLE_ADMIN, PERM_COUNT));
}

static void subtree_covers_descendants_only(void **state)
{
	(void)state;
	assert_true(perm_path_within(COMMUNE, COMMUNE));
	assert_true(perm_path_within(BLOCK, COMMUNE));
	assert_true(perm_path_within("/1/5/23/99/", COMMUNE));
	assert_false(perm_path_within(OTHER_COMMUNE, COMMUNE)); /* "/1/50/" is not under "/1/5/" */
	assert_false(perm_path_within("/1/50/7/", COMMUNE));
	assert_false(perm_path_within(PROVINCE, COMMUNE)); /* the parent is not in the subtree */
	assert_false(perm_path_within("/2/5/", COMMUNE));
	assert_false(perm_path_within(NULL, COMMUNE));
	assert_false(perm_path_within(COMMUNE, NULL));
	assert_false(perm_path_within(COMMUNE, ""));
}

static void anonymous_users_hold_only_public(void **state)
{
	(void)state;
	struct grant g[] = {{.id = 1, .role = ROLE_ADMIN}};
	struct principal anon = user_with(g, 1);
	anon.user_id = 0; /* not logged in, whatever the grants say */
	assert_true(perm_any(&anon, PERM_PUBLIC));
	assert_true(perm_any(NULL, PERM_PUBLIC));
	assert_false(perm_any(&anon, PERM_LOGGED_IN));
	assert_false(perm_any(&anon, PERM_UNITS_READ));
	assert_false(perm_on_unit(&anon, PERM_UNITS_READ, COMMUNE));
	assert_false(perm_on_unit(NULL, PERM_UNITS_READ, COMMUNE));
	assert_true(perm_on_unit(NULL, PERM_PUBLIC, COMMUNE));
}

static void unit_grant_reaches_its_subtree_only(void **state)
{
	(void)state;
	struct grant g[] = {{.id = 1, .role = ROLE_OFFICER, .unit_id = 5, .unit_path = COMMUNE}};
	struct principal officer = user_with(g, 1);
	assert_true(perm_on_unit(&officer, PERM_UNITS_WRITE, COMMUNE));
	assert_true(perm_on_unit(&officer, PERM_SENSITIVE, BLOCK));
	assert_false(perm_on_unit(&officer, PERM_UNITS_READ, OTHER_COMMUNE));
	assert_false(perm_on_unit(&officer, PERM_UNITS_READ, PROVINCE));
	assert_false(perm_on_unit(&officer, PERM_USERS_WRITE, BLOCK)); /* the role does not carry it */
	assert_true(perm_any(&officer, PERM_UNITS_WRITE));
	assert_false(perm_any(&officer, PERM_USERS_WRITE));
}

static void installation_admin_reaches_everything(void **state)
{
	(void)state;
	struct grant g[] = {{.id = 1, .role = ROLE_ADMIN, .unit_id = 0, .unit_path = NULL}};
	struct principal admin = user_with(g, 1);
	assert_true(perm_on_unit(&admin, PERM_USERS_WRITE, PROVINCE));
	assert_true(perm_on_unit(&admin, PERM_SENSITIVE, OTHER_COMMUNE));
	assert_true(perm_on_unit(&admin, PERM_UNITS_WRITE, "/9/99/999/"));
}

static void team_grant_does_not_reach_the_unit(void **state)
{
	(void)state;
	struct grant g[] = {
	    {.id = 1, .role = ROLE_TEAM_LEADER, .unit_id = 23, .unit_path = BLOCK, .team_id = 4}};
	struct principal leader = user_with(g, 1);
	assert_false(perm_on_unit(&leader, PERM_UNITS_READ, BLOCK));
	assert_true(perm_any(&leader, PERM_UNITS_READ)); /* the role itself still counts for the router */
	/* even an admin role granted on a team gives no power over units or accounts */
	struct grant ga[] = {{.id = 2, .role = ROLE_ADMIN, .unit_id = 23, .unit_path = BLOCK, .team_id = 4}};
	struct principal team_admin = user_with(ga, 1);
	assert_false(perm_on_unit(&team_admin, PERM_UNITS_WRITE, BLOCK));
	assert_false(perm_may_grant(&team_admin, ROLE_VIEWER, BLOCK));
}

static void several_grants_add_up(void **state)
{
	(void)state;
	struct grant g[] = {
	    {.id = 1, .role = ROLE_VIEWER, .unit_id = 1, .unit_path = PROVINCE},
	    {.id = 2, .role = ROLE_OFFICER, .unit_id = 5, .unit_path = COMMUNE},
	};
	struct principal p = user_with(g, 2);
	assert_true(perm_on_unit(&p, PERM_UNITS_READ, OTHER_COMMUNE)); /* viewer of the province */
	assert_false(perm_on_unit(&p, PERM_UNITS_WRITE, OTHER_COMMUNE));
	assert_true(perm_on_unit(&p, PERM_UNITS_WRITE, BLOCK)); /* officer of commune 5 */
}

static void grants_never_above_own_role_or_outside_scope(void **state)
{
	(void)state;
	struct grant g[] = {{.id = 1, .role = ROLE_ADMIN, .unit_id = 5, .unit_path = COMMUNE}};
	struct principal commune_admin = user_with(g, 1);
	assert_true(perm_may_grant(&commune_admin, ROLE_OFFICER, COMMUNE));
	assert_true(perm_may_grant(&commune_admin, ROLE_VIEWER, BLOCK));
	assert_true(perm_may_grant(&commune_admin, ROLE_ADMIN, BLOCK)); /* equal, not above */
	assert_false(perm_may_grant(&commune_admin, ROLE_OFFICER, OTHER_COMMUNE));
	assert_false(perm_may_grant(&commune_admin, ROLE_OFFICER, PROVINCE));
	assert_false(perm_may_grant(&commune_admin, ROLE_ADMIN, NULL)); /* never the whole installation */
	assert_false(perm_may_grant(&commune_admin, ROLE_COUNT, BLOCK));

	struct grant gi[] = {{.id = 2, .role = ROLE_ADMIN}};
	struct principal root = user_with(gi, 1);
	assert_true(perm_may_grant(&root, ROLE_ADMIN, NULL));
	assert_true(perm_may_grant(&root, ROLE_ADMIN, OTHER_COMMUNE));

	/* an officer cannot manage accounts, so cannot grant at all — not even a viewer */
	struct grant go[] = {{.id = 3, .role = ROLE_OFFICER, .unit_id = 5, .unit_path = COMMUNE}};
	struct principal officer = user_with(go, 1);
	for (int r = 0; r < ROLE_COUNT; r++)
		assert_false(perm_may_grant(&officer, r, BLOCK));
	assert_false(perm_may_grant(NULL, ROLE_VIEWER, BLOCK));
}

static void every_role_grants_at_most_itself(void **state)
{
	(void)state;
	/* for any grantor role that may manage accounts, granting a more powerful role fails */
	for (int mine = 0; mine < ROLE_COUNT; mine++) {
		struct grant g[] = {{.id = 1, .role = mine, .unit_id = 5, .unit_path = COMMUNE}};
		struct principal p = user_with(g, 1);
		for (int want = 0; want < ROLE_COUNT; want++) {
			bool may = perm_may_grant(&p, want, BLOCK);
			if (want < mine)
				assert_false(may);
			else
				assert_true(may == perm_role_has(mine, PERM_USERS_WRITE));
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(role_names_parse_both_ways),
	    cmocka_unit_test(role_table),
	    cmocka_unit_test(subtree_covers_descendants_only),
	    cmocka_unit_test(anonymous_users_hold_only_public),
	    cmocka_unit_test(unit_grant_reaches_its_subtree_only),
	    cmocka_unit_test(installation_admin_reaches_everything),
	    cmocka_unit_test(team_grant_does_not_reach_the_unit),
	    cmocka_unit_test(several_grants_add_up),
	    cmocka_unit_test(grants_never_above_own_role_or_outside_scope),
	    cmocka_unit_test(every_role_grants_at_most_itself),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
