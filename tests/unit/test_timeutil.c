/*
 * test_timeutil.c: RFC 3339 at the edges (src/lib/timeutil.c) — what the API prints parses back to
 * the same instant, every offset is honoured, dates are midnight in Vietnam, and impossible dates or
 * malformed text are refused.
 */
#include "unit.h"

#include "lib/timeutil.h"

/* 2026-11-29T10:00:00Z */
#define T0 INT64_C(1795946400)

static int64_t parse_ok(const char *s)
{
	int64_t t = -12345;
	if (time_parse_rfc3339(s, &t) != 0)
		fail_msg("'%s' was refused", s);
	return t;
}

static void formats_with_the_vietnam_offset(void **state)
{
	(void)state;
	char out[40];
	assert_string_equal(time_format_rfc3339(T0, out, sizeof out), "2026-11-29T17:00:00+07:00");
	assert_string_equal(time_format_rfc3339(0, out, sizeof out), "1970-01-01T07:00:00+07:00");
	/* late evening UTC is already the next day in Vietnam */
	assert_string_equal(time_format_rfc3339(T0 + 8 * 3600, out, sizeof out), "2026-11-30T01:00:00+07:00");
}

/* Formatting is plain integer arithmetic (no gmtime): check it before 1970, on and around leap days,
 * at the turn of centuries and at the ends of the four-digit years, against values computed elsewhere
 * (Python's datetime with a +07:00 zone). */
static void formats_before_1970_and_leap_days(void **state)
{
	(void)state;
	static const struct {
		int64_t t;
		const char *text;
	} cases[] = {
	    {-1, "1970-01-01T06:59:59+07:00"},
	    {-25200, "1970-01-01T00:00:00+07:00"},
	    {-25201, "1969-12-31T23:59:59+07:00"},
	    {INT64_C(-310501504), "1960-02-29T12:34:56+07:00"},
	    {INT64_C(-310501504) + 86400, "1960-03-01T12:34:56+07:00"},
	    {INT64_C(-2203916400), "1900-03-01T00:00:00+07:00"},
	    {INT64_C(-2203916400) - 1, "1900-02-28T23:59:59+07:00"}, /* 1900 has no 29 February */
	    {INT64_C(-5364687600), "1800-01-01T00:00:00+07:00"},
	    {INT64_C(-62135622000), "0001-01-01T00:00:00+07:00"},
	    {INT64_C(951757200), "2000-02-29T00:00:00+07:00"},
	    {INT64_C(1709225999), "2024-02-29T23:59:59+07:00"},
	    {INT64_C(1709225999) + 1, "2024-03-01T00:00:00+07:00"},
	    {INT64_C(4107517200) - 1, "2100-02-28T23:59:59+07:00"}, /* nor has 2100 */
	    {INT64_C(253402275599), "9999-12-31T23:59:59+07:00"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char out[40];
		assert_string_equal(time_format_rfc3339(cases[i].t, out, sizeof out), cases[i].text);
		if (cases[i].t >= INT64_C(-5364687600)) { /* the parser takes years from 1800 */
			int64_t back;
			assert_int_equal(time_parse_rfc3339(out, &back), 0);
			assert_int_equal(back, cases[i].t);
		}
	}
	/* every day of a leap cycle and more round-trips, a second before and at midnight */
	for (int64_t day = -800; day < 2 * 1461; day++) {
		for (int k = 0; k < 2; k++) {
			int64_t t = INT64_C(946659600) + day * 86400 - k; /* 2000-01-01T00:00:00+07:00 */
			char out[40];
			int64_t back;
			time_format_rfc3339(t, out, sizeof out);
			assert_int_equal(time_parse_rfc3339(out, &back), 0);
			assert_int_equal(back, t);
		}
	}
}

static void round_trips(void **state)
{
	(void)state;
	const int64_t times[] = {0, T0, T0 + 1, 951782400 /* 2000-02-29 */, 4102444799 /* 2099-12-31 */};
	for (size_t i = 0; i < sizeof times / sizeof times[0]; i++) {
		char out[40];
		int64_t back;
		time_format_rfc3339(times[i], out, sizeof out);
		assert_int_equal(time_parse_rfc3339(out, &back), 0);
		assert_int_equal(back, times[i]);
	}
}

static void honours_z_and_every_offset(void **state)
{
	(void)state;
	assert_int_equal(parse_ok("2026-11-29T10:00:00Z"), T0);
	assert_int_equal(parse_ok("2026-11-29T10:00:00z"), T0);
	assert_int_equal(parse_ok("2026-11-29T17:00:00+07:00"), T0);
	assert_int_equal(parse_ok("2026-11-29T10:00:00+00:00"), T0);
	assert_int_equal(parse_ok("2026-11-29T04:30:00-05:30"), T0);
	assert_int_equal(parse_ok("2026-11-29T15:45:00+05:45"), T0);
	assert_int_equal(parse_ok("2026-11-30T00:00:00+14:00"), T0);
	assert_int_equal(parse_ok("2026-11-29t10:00:00Z"), T0);
	assert_int_equal(parse_ok("2026-11-29 10:00:00Z"), T0);
	assert_int_equal(parse_ok("2026-11-29T10:00:00.999Z"), T0); /* fractions are dropped */
	assert_int_equal(parse_ok("2026-11-29T17:00:00.5+07:00"), T0);
}

static void a_date_is_midnight_in_vietnam(void **state)
{
	(void)state;
	assert_int_equal(parse_ok("2026-11-29"), T0 - 17 * 3600);
	assert_int_equal(parse_ok("2026-11-29"), parse_ok("2026-11-29T00:00:00+07:00"));
	assert_int_equal(parse_ok("2024-02-29"), parse_ok("2024-02-28") + 86400); /* leap year */
	assert_int_equal(parse_ok("2000-02-29"), parse_ok("2000-03-01") - 86400);
}

static void refuses_impossible_and_malformed_times(void **state)
{
	(void)state;
	static const char *const bad[] = {
	    "2026-02-30", /* no such day */
	    "2026-02-29", /* not a leap year */
	    "1900-02-29", /* centuries are not leap years… */
	    "2026-04-31",
	    "2026-13-01",
	    "2026-00-10",
	    "2026-01-00",
	    "2026-1-01",
	    "26-01-01",
	    "2026/01/01",
	    "2026-01-01T25:00:00Z",
	    "2026-01-01T10:60:00Z",
	    "2026-01-01T10:00:61Z",
	    "2026-01-01T10:00:00", /* no offset */
	    "2026-01-01T10:00Z",   /* no seconds */
	    "2026-01-01T10:00:00+0700",
	    "2026-01-01T10:00:00+07",
	    "2026-01-01T10:00:00+24:00",
	    "2026-01-01T10:00:00+07:60",
	    "2026-01-01T10:00:00.Z",
	    "2026-01-01T10:00:00Zjunk",
	    "2026-01-01T10:00:00+07:00 ",
	    "2026-01-01 ",
	    "2026-01-01X10:00:00Z",
	    "",
	    "tomorrow",
	    "１２３４-01-01",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		int64_t t = 42;
		if (time_parse_rfc3339(bad[i], &t) != -1)
			fail_msg("'%s' was accepted", bad[i]);
		assert_int_equal(t, 42); /* untouched */
	}
	int64_t t;
	assert_int_equal(time_parse_rfc3339("2000-02-29", &t), 0); /* …but every 400th is */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(formats_with_the_vietnam_offset),
	    cmocka_unit_test(formats_before_1970_and_leap_days),
	    cmocka_unit_test(round_trips),
	    cmocka_unit_test(honours_z_and_every_offset),
	    cmocka_unit_test(a_date_is_midnight_in_vietnam),
	    cmocka_unit_test(refuses_impossible_and_malformed_times),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
