/*
 * test_alarm_rules.c: the alarm's rules (src/domain/alarm_rules.c) — every action from every status,
 * the 60-second merge window, the escalation rule, area reach between blocks, gong patterns, the
 * haversine distance and the three nearest members.
 */
#include "unit.h"

#include "domain/alarm_rules.h"

static void names_round_trip(void **state)
{
	(void)state;
	for (int i = 0; i < ALARM_STATUS_COUNT; i++)
		assert_int_equal(alarm_status_parse(alarm_status_names[i]), i);
	assert_null(alarm_status_names[ALARM_STATUS_COUNT]);
	assert_int_equal(alarm_status_parse("open"), -1);
	assert_int_equal(alarm_status_parse(NULL), -1);
}

/* Each action from each status: the status it leads to, or '-' for a refusal. */
static void the_table(void **state)
{
	(void)state;
	/* rows: raised, acknowledged, responding, resolved, false_alarm; columns: ack, respond, resolve,
	 * resolve as a false alarm */
	static const char *const expect[ALARM_STATUS_COUNT][4] = {
	    {"acknowledged", "responding", "resolved", "false_alarm"},
	    {"-", "responding", "resolved", "false_alarm"},
	    {"-", "responding", "resolved", "false_alarm"},
	    {"-", "-", "-", "-"},
	    {"-", "-", "-", "-"},
	};
	for (int from = 0; from < ALARM_STATUS_COUNT; from++) {
		for (int col = 0; col < 4; col++) {
			enum alarm_action act = col == 0   ? ALARM_ACT_ACK
						: col == 1 ? ALARM_ACT_RESPOND
							   : ALARM_ACT_RESOLVE;
			enum alarm_status to = ALARM_RAISED;
			char why[96] = "";
			int rc =
			    alarm_action_check((enum alarm_status)from, act, col == 3, &to, why, sizeof why);
			if (strcmp(expect[from][col], "-") == 0) {
				assert_int_equal(rc, 1);
				assert_non_null(strstr(why, "already"));
			} else {
				assert_int_equal(rc, 0);
				assert_string_equal(alarm_status_names[to], expect[from][col]);
			}
		}
	}
}

static void refusal_names_the_status(void **state)
{
	(void)state;
	enum alarm_status to;
	char why[96];
	assert_int_equal(alarm_action_check(ALARM_RESOLVED, ALARM_ACT_RESPOND, false, &to, why, sizeof why),
			 1);
	assert_string_equal(why, "the alarm is already 'resolved'");
	assert_int_equal(alarm_action_check(ALARM_RESPONDING, ALARM_ACT_ACK, false, &to, why, sizeof why), 1);
	assert_string_equal(why, "the alarm is already 'responding'");
}

static void merge_window(void **state)
{
	(void)state;
	assert_true(alarm_should_merge(ALARM_RAISED, 1000, 1000));
	assert_true(alarm_should_merge(ALARM_RAISED, 1000, 1059));
	assert_false(alarm_should_merge(ALARM_RAISED, 1000, 1060));
	assert_true(alarm_should_merge(ALARM_RESPONDING, 1000, 1030));
	assert_false(alarm_should_merge(ALARM_RESOLVED, 1000, 1001));
	assert_false(alarm_should_merge(ALARM_FALSE, 1000, 1001));
	assert_false(alarm_should_merge(ALARM_RAISED, 1000, 999)); /* a clock going back is no merge */
}

static void escalation(void **state)
{
	(void)state;
	assert_false(alarm_escalation_due(ALARM_RAISED, false, 1000, 1060, 60)); /* maybe only 60.0 s */
	assert_true(alarm_escalation_due(ALARM_RAISED, false, 1000, 1061, 60));
	assert_false(alarm_escalation_due(ALARM_RAISED, true, 1000, 5000, 60));
	assert_false(alarm_escalation_due(ALARM_ACKNOWLEDGED, false, 1000, 5000, 60));
	assert_false(alarm_escalation_due(ALARM_RESOLVED, false, 1000, 5000, 60));
}

static void area_reach(void **state)
{
	(void)state;
	struct grant block_a = {.id = 1, .role = ROLE_MEMBER, .unit_id = 23, .unit_path = "/1/5/23/"};
	struct grant team_b = {
	    .id = 2, .role = ROLE_MEMBER, .unit_id = 24, .unit_path = "/1/5/24/", .team_id = 9};
	struct grant officer = {.id = 3, .role = ROLE_OFFICER, .unit_id = 5, .unit_path = "/1/5/"};
	struct grant viewer = {.id = 4, .role = ROLE_VIEWER, .unit_id = 5, .unit_path = "/1/5/"};
	struct grant admin = {.id = 5, .role = ROLE_ADMIN};
	struct principal a = {.user_id = 1, .ngrants = 1, .grants = &block_a};
	struct principal b = {.user_id = 2, .ngrants = 1, .grants = &team_b};
	struct principal o = {.user_id = 3, .ngrants = 1, .grants = &officer};
	struct principal v = {.user_id = 4, .ngrants = 1, .grants = &viewer};
	struct principal g = {.user_id = 5, .ngrants = 1, .grants = &admin};
	/* block A's alarm */
	assert_true(alarm_area_allows(&a, PERM_ALARMS_RESPOND, "/1/5/23/"));
	assert_false(alarm_area_allows(&b, PERM_ALARMS_RESPOND, "/1/5/23/"));
	assert_true(alarm_area_allows(&o, PERM_ALARMS_RESPOND, "/1/5/23/"));
	assert_false(alarm_area_allows(&v, PERM_ALARMS_READ, "/1/5/23/"));
	assert_true(alarm_area_allows(&g, PERM_ALARMS_RESPOND, "/1/5/23/"));
	/* escalated to the commune: block B's team member answers too */
	assert_true(alarm_area_allows(&b, PERM_ALARMS_RESPOND, "/1/5/"));
	/* another commune stays out; "/1/5/2" must not pass as a prefix of "/1/5/23/" */
	assert_false(alarm_area_allows(&a, PERM_ALARMS_RESPOND, "/1/6/"));
	struct grant near = {.id = 6, .role = ROLE_MEMBER, .unit_id = 2, .unit_path = "/1/5/2/"};
	struct principal n = {.user_id = 6, .ngrants = 1, .grants = &near};
	assert_false(alarm_area_allows(&n, PERM_ALARMS_RESPOND, "/1/5/23/"));
	struct principal nobody = {0};
	assert_false(alarm_area_allows(&nobody, PERM_ALARMS_READ, "/1/5/23/"));
}

static void gong_patterns(void **state)
{
	(void)state;
	assert_true(alarm_gong_pattern_valid("3-1"));
	assert_true(alarm_gong_pattern_valid("5"));
	assert_true(alarm_gong_pattern_valid("1-1-1-1-1-1-1-1"));
	assert_false(alarm_gong_pattern_valid("1-1-1-1-1-1-1-1-1"));
	assert_false(alarm_gong_pattern_valid(""));
	assert_false(alarm_gong_pattern_valid(NULL));
	assert_false(alarm_gong_pattern_valid("0"));
	assert_false(alarm_gong_pattern_valid("3-"));
	assert_false(alarm_gong_pattern_valid("-3"));
	assert_false(alarm_gong_pattern_valid("10"));
	assert_false(alarm_gong_pattern_valid("3--1"));
	assert_false(alarm_gong_pattern_valid("3 1"));
}

static void haversine(void **state)
{
	(void)state;
	assert_true(alarm_distance_m(15.88, 108.33, 15.88, 108.33) < 1e-6);
	/* one minute of arc along a meridian is about 1853 m on this sphere */
	double d = alarm_distance_m(15.0, 108.0, 15.0 + 1.0 / 60, 108.0);
	assert_true(d > 1852 && d < 1854);
	/* Hà Nội (Hoàn Kiếm) to Hồ Chí Minh City (Bến Thành): about 1,138 km */
	d = alarm_distance_m(21.0285, 105.8542, 10.7725, 106.6980);
	assert_true(d > 1130e3 && d < 1145e3);
	/* antipodes: half the circumference */
	d = alarm_distance_m(0, 0, 0, 180);
	assert_true(d > 20015e3 && d < 20016e3);
	assert_true(alarm_point_valid(15.88, 108.33));
	assert_false(alarm_point_valid(91, 0));
	assert_false(alarm_point_valid(0, -180.5));
}

static void nearest_three(void **state)
{
	(void)state;
	struct alarm_near c[] = {
	    {.user_id = 7, .distance_m = 900},	{.user_id = 3, .distance_m = 50},
	    {.user_id = 5, .distance_m = 400},	{.user_id = 3, .distance_m = 700},
	    {.user_id = 9, .distance_m = 400},	{.user_id = 7, .distance_m = 10},
	    {.user_id = 4, .distance_m = 5000},
	};
	struct alarm_near out[ALARM_NEAREST];
	int n = -1;
	alarm_nearest(c, (int)(sizeof c / sizeof c[0]), 3, out, &n);
	assert_int_equal(n, 3);
	assert_int_equal(out[0].user_id, 7); /* its nearer entry counts */
	assert_true(out[0].distance_m == 10);
	assert_int_equal(out[1].user_id, 3);
	assert_int_equal(out[2].user_id, 5); /* tie at 400 m: the lower id */
	alarm_nearest(c, 1, 3, out, &n);
	assert_int_equal(n, 1);
	alarm_nearest(c, 0, 3, out, &n);
	assert_int_equal(n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(names_round_trip),
	    cmocka_unit_test(the_table),
	    cmocka_unit_test(refusal_names_the_status),
	    cmocka_unit_test(merge_window),
	    cmocka_unit_test(escalation),
	    cmocka_unit_test(area_reach),
	    cmocka_unit_test(gong_patterns),
	    cmocka_unit_test(haversine),
	    cmocka_unit_test(nearest_three),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
