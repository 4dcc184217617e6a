/*
 * test_movement.c: the movement's rules (src/domain/movement.c) — who writes a session, model or
 * exemplar (an officer any in their units, a coordinator only their own organisation's, co-organised
 * included, a viewer none), who adds topics, the dates of a series, participants against audience
 * groups, and a new topic's code from its Vietnamese name.
 */
#include "unit.h"

#include "domain/movement.h"

static const struct grant officer_g[] = {{.id = 1, .role = ROLE_OFFICER, .unit_id = 5, .unit_path = "/1/5/"}};
static const struct grant coord_g[] = {
    {.id = 2, .role = ROLE_COORDINATOR, .unit_id = 5, .unit_path = "/1/5/"}};
static const struct grant viewer_g[] = {{.id = 3, .role = ROLE_VIEWER, .unit_id = 5, .unit_path = "/1/5/"}};
static const struct grant admin_g[] = {{.id = 4, .role = ROLE_ADMIN, .unit_id = 0, .unit_path = NULL}};

static struct principal who(const struct grant *g, int n)
{
	struct principal p = {.user_id = 1, .username = "u", .ngrants = n, .grants = g};
	return p;
}

static void officers_write_any_record_of_their_units(void **state)
{
	(void)state;
	struct principal p = who(officer_g, 1);
	const int64_t orgs[] = {7};
	assert_true(movement_may_write(&p, "/1/5/23/", 0, orgs, 1));
	assert_true(movement_may_write(&p, "/1/5/", 0, NULL, 0));
	assert_false(movement_may_write(&p, "/1/6/", 0, orgs, 1)); /* another commune */
	struct principal a = who(admin_g, 1);
	assert_true(movement_may_write(&a, "/9/9/", 0, orgs, 1));
}

static void a_coordinator_writes_only_their_organisations_records(void **state)
{
	(void)state;
	struct principal p = who(coord_g, 1);
	const int64_t mine[] = {7}, co[] = {3, 7}, other[] = {3};
	assert_true(movement_may_write(&p, "/1/5/23/", 7, mine, 1));
	assert_true(movement_may_write(&p, "/1/5/23/", 7, co, 2)); /* co-organised */
	assert_false(movement_may_write(&p, "/1/5/23/", 7, other, 1));
	assert_false(movement_may_write(&p, "/1/5/23/", 0, mine, 1)); /* an account linked to none */
	assert_false(movement_may_write(&p, "/1/6/", 7, mine, 1));
	assert_false(movement_may_write(&p, "/1/5/", 7, NULL, 0)); /* a record of no organisation */
	struct principal v = who(viewer_g, 1);
	assert_false(movement_may_write(&v, "/1/5/", 7, mine, 1));
}

static void officers_and_admins_add_topics(void **state)
{
	(void)state;
	struct principal o = who(officer_g, 1), c = who(coord_g, 1), v = who(viewer_g, 1),
			 a = who(admin_g, 1);
	assert_true(movement_may_add_topic(&o));
	assert_true(movement_may_add_topic(&a));
	assert_false(movement_may_add_topic(&c));
	assert_false(movement_may_add_topic(&v));
}

static void series_times(void **state)
{
	(void)state;
	int64_t t[MOVEMENT_SERIES_MAX];
	assert_int_equal(movement_series_times(1000, 7, 3, t), 0);
	assert_int_equal(t[0], 1000);
	assert_int_equal(t[2], 1000 + 14 * 86400);
	assert_int_equal(movement_series_times(1000, 7, 0, t), -1);
	assert_int_equal(movement_series_times(1000, 7, MOVEMENT_SERIES_MAX + 1, t), -1);
	assert_int_equal(movement_series_times(1000, 0, 3, t), -1);
}

static void participants_never_below_the_groups(void **state)
{
	(void)state;
	assert_true(movement_participants_ok(52, 52));
	assert_true(movement_participants_ok(60, 52));
	assert_false(movement_participants_ok(51, 52));
	assert_false(movement_participants_ok(-1, 0));
}

static void topic_codes(void **state)
{
	(void)state;
	char code[64];
	assert_int_equal(movement_topic_code("An toàn thực phẩm", code, sizeof code), 0);
	assert_string_equal(code, "an_toan_thuc_pham");
	assert_int_equal(movement_topic_code("  Đường dây nóng -- 113 ", code, sizeof code), 0);
	assert_string_equal(code, "duong_day_nong_113");
	assert_int_equal(movement_topic_code("?!", code, sizeof code), -1);
	assert_int_equal(
	    movement_topic_code("Phòng chống tác hại của thuốc lá điện tử trong trường học và gia đình", code,
				sizeof code),
	    0);
	assert_true(strlen(code) <= 48);
	assert_true(code[strlen(code) - 1] != '_');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(officers_write_any_record_of_their_units),
	    cmocka_unit_test(a_coordinator_writes_only_their_organisations_records),
	    cmocka_unit_test(officers_and_admins_add_topics),
	    cmocka_unit_test(series_times),
	    cmocka_unit_test(participants_never_below_the_groups),
	    cmocka_unit_test(topic_codes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
