/*
 * test_team_rules.c: the rules of teams (src/domain/team_rules.c) — one leader and at most one deputy
 * of a security & order team, members 18 to 70 when appointed (at 17/18 and 70/71 on the very day),
 * a mediation team's leader, three mediators and a woman; past members ignored, unknown ages, the
 * age at appointment from a birth date or a birth year alone, and dates.
 */
#include "unit.h"

#include "domain/team_rules.h"

#define TODAY "2024-05-10"

static struct team_member_facts person(enum team_role role, enum team_gender g, const char *birth_date,
				       int birth_year, const char *from, const char *to)
{
	struct team_member_facts m = {
	    .role = role,
	    .gender = g,
	    .birth_date = birth_date,
	    .birth_year = birth_year,
	    .term_from = from,
	    .term_to = to,
	};
	return m;
}

/* A grown man appointed in 2020, serving. */
static struct team_member_facts man(enum team_role role)
{
	return person(role, TEAM_GENDER_MALE, "1980-03-04", 0, "2020-01-01", NULL);
}

static struct team_member_facts woman(enum team_role role)
{
	return person(role, TEAM_GENDER_FEMALE, NULL, 1975, "2020-01-01", NULL);
}

/* The warnings' codes joined by ',' ("" when none). */
static const char *codes(enum team_kind kind, const struct team_member_facts *m, int n)
{
	static char out[200];
	struct team_warning w[TEAM_WARNINGS_MAX];
	int nw = team_rules_check(kind, m, n, TODAY, w);
	out[0] = '\0';
	for (int i = 0; i < nw; i++) {
		size_t len = strlen(out);
		snprintf(out + len, sizeof out - len, "%s%s", i ? "," : "", w[i].code);
		assert_true(strlen(w[i].message) > 10); /* every warning says something */
	}
	return out;
}

static void security_team_needs_exactly_one_leader(void **state)
{
	(void)state;
	struct team_member_facts m[4] = {man(TEAM_ROLE_LEADER), man(TEAM_ROLE_DEPUTY), man(TEAM_ROLE_MEMBER),
					 man(TEAM_ROLE_LEADER)};
	assert_string_equal(codes(TEAM_SECURITY_ORDER, m, 3), "");
	assert_string_equal(codes(TEAM_SECURITY_ORDER, m, 4), "leader_count");	   /* two leaders */
	assert_string_equal(codes(TEAM_SECURITY_ORDER, m + 1, 2), "leader_count"); /* none */
	assert_string_equal(codes(TEAM_SECURITY_ORDER, m, 0), "leader_count");	   /* an empty team */

	struct team_warning w[TEAM_WARNINGS_MAX];
	assert_int_equal(team_rules_check(TEAM_SECURITY_ORDER, m, 4, TODAY, w), 1);
	assert_non_null(strstr(w[0].message, "2"));
	assert_non_null(strstr(w[0].message, "30/2023/QH15"));
}

static void security_team_has_at_most_one_deputy(void **state)
{
	(void)state;
	struct team_member_facts m[3] = {man(TEAM_ROLE_LEADER), man(TEAM_ROLE_DEPUTY), man(TEAM_ROLE_DEPUTY)};
	assert_string_equal(codes(TEAM_SECURITY_ORDER, m, 2), "");
	assert_string_equal(codes(TEAM_SECURITY_ORDER, m, 3), "deputy_count");
	/* a team with no deputy is fine */
	assert_string_equal(codes(TEAM_SECURITY_ORDER, m, 1), "");
}

static void security_members_are_18_to_70_on_the_day_of_appointment(void **state)
{
	(void)state;
	struct team_member_facts m[2] = {man(TEAM_ROLE_LEADER), man(TEAM_ROLE_MEMBER)};
	/* born 2002-06-15: 17 on 2020-06-14, 18 on 2020-06-15 */
	m[1] = person(TEAM_ROLE_MEMBER, TEAM_GENDER_MALE, "2002-06-15", 0, "2020-06-14", NULL);
	assert_string_equal(codes(TEAM_SECURITY_ORDER, m, 2), "member_age");
	m[1].term_from = "2020-06-15";
	assert_string_equal(codes(TEAM_SECURITY_ORDER, m, 2), "");
	/* born 1950-06-15: 70 on 2021-06-14, still 70 the day before turning 71, 71 on 2021-06-15 */
	m[1] = person(TEAM_ROLE_MEMBER, TEAM_GENDER_MALE, "1950-06-15", 0, "2021-06-14", NULL);
	assert_string_equal(codes(TEAM_SECURITY_ORDER, m, 2), "");
	m[1].term_from = "2021-06-15";
	assert_string_equal(codes(TEAM_SECURITY_ORDER, m, 2), "member_age");
	/* the age that counts is at appointment: a 72-year-old appointed at 65 is fine */
	m[1] = person(TEAM_ROLE_MEMBER, TEAM_GENDER_MALE, "1952-01-01", 0, "2017-02-01", NULL);
	assert_string_equal(codes(TEAM_SECURITY_ORDER, m, 2), "");
	/* the leader counts too, and the message says how many */
	m[0] = person(TEAM_ROLE_LEADER, TEAM_GENDER_MALE, "2010-01-01", 0, "2020-01-01", NULL);
	m[1] = person(TEAM_ROLE_MEMBER, TEAM_GENDER_MALE, "1940-01-01", 0, "2020-01-01", NULL);
	struct team_warning w[TEAM_WARNINGS_MAX];
	assert_int_equal(team_rules_check(TEAM_SECURITY_ORDER, m, 2, TODAY, w), 1);
	assert_string_equal(w[0].code, "member_age");
	assert_non_null(strstr(w[0].message, "2 members were"));
}

static void a_birth_year_alone_counts_from_1_july(void **state)
{
	(void)state;
	struct team_member_facts m[2] = {man(TEAM_ROLE_LEADER), man(TEAM_ROLE_MEMBER)};
	m[1] = person(TEAM_ROLE_MEMBER, TEAM_GENDER_MALE, NULL, 2002, "2020-06-30", NULL);
	assert_string_equal(codes(TEAM_SECURITY_ORDER, m, 2), "member_age"); /* 17 */
	m[1].term_from = "2020-07-01";
	assert_string_equal(codes(TEAM_SECURITY_ORDER, m, 2), ""); /* 18 */
	m[1] = person(TEAM_ROLE_MEMBER, TEAM_GENDER_MALE, NULL, 1950, "2021-06-30", NULL);
	assert_string_equal(codes(TEAM_SECURITY_ORDER, m, 2), ""); /* 70 */
	m[1].term_from = "2021-07-01";
	assert_string_equal(codes(TEAM_SECURITY_ORDER, m, 2), "member_age"); /* 71 */
}

static void unknown_age_breaks_no_rule(void **state)
{
	(void)state;
	struct team_member_facts m[2] = {man(TEAM_ROLE_LEADER), person(TEAM_ROLE_MEMBER, TEAM_GENDER_UNKNOWN,
								       NULL, 0, "2020-01-01", NULL)};
	assert_string_equal(codes(TEAM_SECURITY_ORDER, m, 2), "");
	int age = 99;
	assert_int_equal(team_age_at(NULL, 0, "2020-01-01", &age), -1);
	assert_int_equal(age, 99);
}

static void past_members_are_ignored(void **state)
{
	(void)state;
	/* a second leader whose term ended yesterday, a 17-year-old who left long ago */
	struct team_member_facts m[3] = {
	    man(TEAM_ROLE_LEADER),
	    person(TEAM_ROLE_LEADER, TEAM_GENDER_MALE, "1970-01-01", 0, "2019-01-01", "2024-05-09"),
	    person(TEAM_ROLE_MEMBER, TEAM_GENDER_MALE, "2005-01-01", 0, "2022-01-01", "2022-12-31"),
	};
	assert_string_equal(codes(TEAM_SECURITY_ORDER, m, 3), "");
	/* a term that ends today still counts */
	m[1].term_to = TODAY;
	assert_string_equal(codes(TEAM_SECURITY_ORDER, m, 3), "leader_count");
	assert_true(team_member_current(&m[1], TODAY));
	assert_false(team_member_current(&m[2], TODAY));
	/* the only leader left: the team has none */
	m[0].term_to = "2024-01-01";
	m[1].term_to = "2024-01-01";
	assert_string_equal(codes(TEAM_SECURITY_ORDER, m, 3), "leader_count");
}

static void mediation_team_needs_a_leader_three_mediators_and_a_woman(void **state)
{
	(void)state;
	struct team_member_facts m[4] = {man(TEAM_ROLE_LEADER), woman(TEAM_ROLE_MEMBER),
					 man(TEAM_ROLE_MEMBER), man(TEAM_ROLE_MEMBER)};
	assert_string_equal(codes(TEAM_MEDIATION, m, 3), "");
	assert_string_equal(codes(TEAM_MEDIATION, m, 2), "too_few_mediators");
	assert_string_equal(codes(TEAM_MEDIATION, m + 1, 3), "leader_missing");
	m[1] = man(TEAM_ROLE_MEMBER);
	assert_string_equal(codes(TEAM_MEDIATION, m, 4), "no_woman");
	assert_string_equal(codes(TEAM_MEDIATION, m, 0), "leader_missing,too_few_mediators,no_woman");
	/* a woman whose term ended does not count */
	m[1] = woman(TEAM_ROLE_MEMBER);
	assert_string_equal(codes(TEAM_MEDIATION, m, 4), "");
	m[1].term_to = "2023-12-31";
	assert_string_equal(codes(TEAM_MEDIATION, m, 4), "no_woman");
	/* a mediation team has no age rule, and two leaders break no rule of its law */
	m[1] = person(TEAM_ROLE_LEADER, TEAM_GENDER_FEMALE, "2010-01-01", 0, "2020-01-01", NULL);
	assert_string_equal(codes(TEAM_MEDIATION, m, 4), "");
}

static void other_kinds_have_no_rule(void **state)
{
	(void)state;
	struct team_member_facts m[1] = {
	    person(TEAM_ROLE_MEMBER, TEAM_GENDER_MALE, "2015-01-01", 0, "2020-01-01", NULL)};
	for (int k = TEAM_SELF_MANAGED; k < TEAM_KIND_COUNT; k++) {
		assert_string_equal(codes(k, m, 0), "");
		assert_string_equal(codes(k, m, 1), "");
	}
}

static void age_at_appointment(void **state)
{
	(void)state;
	int age;
	assert_int_equal(team_age_at("1990-05-10", 0, "2024-05-10", &age), 0);
	assert_int_equal(age, 34);
	assert_int_equal(team_age_at("1990-05-11", 0, "2024-05-10", &age), 0);
	assert_int_equal(age, 33);
	assert_int_equal(team_age_at("1990-12-31", 0, "2024-01-01", &age), 0);
	assert_int_equal(age, 33);
	/* the birth date wins over the year */
	assert_int_equal(team_age_at("1990-12-31", 1950, "2024-01-01", &age), 0);
	assert_int_equal(age, 33);
	/* 29 February: of age on 1 March in a common year, on 29 February in a leap year */
	assert_int_equal(team_age_at("2004-02-29", 0, "2022-02-28", &age), 0);
	assert_int_equal(age, 17);
	assert_int_equal(team_age_at("2004-02-29", 0, "2022-03-01", &age), 0);
	assert_int_equal(age, 18);
	assert_int_equal(team_age_at("2004-02-29", 0, "2024-02-29", &age), 0);
	assert_int_equal(age, 20);
	/* appointed before being born: negative, and so outside 18..70 */
	assert_int_equal(team_age_at("2020-01-02", 0, "2020-01-01", &age), 0);
	assert_int_equal(age, -1);
	/* malformed dates are not ages */
	assert_int_equal(team_age_at("1990-02-30", 0, "2024-01-01", &age), -1);
	assert_int_equal(team_age_at("1990-01-01", 0, "2024-1-01", &age), -1);
	assert_int_equal(team_age_at(NULL, 1990, "yesterday", &age), -1);
}

static void dates(void **state)
{
	(void)state;
	assert_true(team_date_valid("2024-02-29"));
	assert_true(team_date_valid("2000-02-29"));
	assert_false(team_date_valid("1900-02-29"));
	assert_false(team_date_valid("2023-02-29"));
	assert_false(team_date_valid("2023-04-31"));
	assert_false(team_date_valid("2023-13-01"));
	assert_false(team_date_valid("2023-00-10"));
	assert_false(team_date_valid("2023-01-00"));
	assert_false(team_date_valid("1899-12-31"));
	assert_false(team_date_valid("2023-01-01T00:00"));
	assert_false(team_date_valid("2023/01/01"));
	assert_false(team_date_valid("+023-01-01"));
	assert_false(team_date_valid(""));
	assert_false(team_date_valid(NULL));

	char d[11];
	/* 2024-05-09T17:00:00Z is midnight of the 10th in Vietnam; a second earlier is still the 9th */
	assert_string_equal(team_today(1715274000, d), "2024-05-10");
	assert_string_equal(team_today(1715273999, d), "2024-05-09");
}

static void names(void **state)
{
	(void)state;
	for (int k = 0; k < TEAM_KIND_COUNT; k++)
		assert_int_equal(team_name_index(team_kind_names, team_kind_names[k]), k);
	assert_null(team_kind_names[TEAM_KIND_COUNT]);
	assert_int_equal(team_name_index(team_role_names, "deputy"), TEAM_ROLE_DEPUTY);
	assert_int_equal(team_name_index(team_role_names, "Leader"), -1);
	assert_int_equal(team_name_index(team_role_names, NULL), -1);
	assert_int_equal(team_gender_parse("female"), TEAM_GENDER_FEMALE);
	assert_int_equal(team_gender_parse(NULL), TEAM_GENDER_UNKNOWN);
	assert_int_equal(team_gender_parse("f"), TEAM_GENDER_UNKNOWN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(security_team_needs_exactly_one_leader),
	    cmocka_unit_test(security_team_has_at_most_one_deputy),
	    cmocka_unit_test(security_members_are_18_to_70_on_the_day_of_appointment),
	    cmocka_unit_test(a_birth_year_alone_counts_from_1_july),
	    cmocka_unit_test(unknown_age_breaks_no_rule),
	    cmocka_unit_test(past_members_are_ignored),
	    cmocka_unit_test(mediation_team_needs_a_leader_three_mediators_and_a_woman),
	    cmocka_unit_test(other_kinds_have_no_rule),
	    cmocka_unit_test(age_at_appointment),
	    cmocka_unit_test(dates),
	    cmocka_unit_test(names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
