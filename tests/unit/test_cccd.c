/*
 * test_cccd.c: the CCCD number rules (src/domain/cccd.c) at their boundaries — length and digits,
 * province codes 001 and 096 in, 000 and 097 out, the century-and-gender digit against gender and
 * birth year in each century, and messages that never quote the whole number.
 */
#include "unit.h"

#include "domain/cccd.h"

static char msg[160];

static int ok(const char *s, const char *gender, int year)
{
	msg[0] = '\0';
	return cccd_check(s, gender, year, msg, sizeof msg) == 0;
}

static void length_and_digits(void **state)
{
	(void)state;
	assert_true(ok("049080001234", NULL, 0));
	assert_false(ok("04908000123", NULL, 0));
	assert_string_equal(msg, "national id must be exactly 12 digits (it has 11 characters)");
	assert_false(ok("0490800012345", NULL, 0));
	assert_false(ok("", NULL, 0));
	assert_false(ok(NULL, NULL, 0));
	assert_false(ok("04908000123x", NULL, 0));
	assert_false(ok("049 80001234", NULL, 0));
	assert_false(ok("０49080001234", NULL, 0)); /* a full-width digit is not a digit */
}

static void province_codes(void **state)
{
	(void)state;
	assert_true(ok("001080001234", NULL, 0));
	assert_true(ok("096080001234", NULL, 0));
	assert_false(ok("000080001234", NULL, 0));
	assert_non_null(strstr(msg, "province code from 001 to 096"));
	assert_false(ok("097080001234", NULL, 0));
	assert_false(ok("999080001234", NULL, 0));
}

static void century_and_gender(void **state)
{
	(void)state;
	/* 0/1: 1900s man/woman, 2/3: 2000s, 4/5: 2100s */
	assert_true(ok("049080001234", "male", 1980));
	assert_false(ok("049080001234", "female", 1980));
	assert_non_null(strstr(msg, "4th digit"));
	assert_true(ok("049185001234", "female", 1985));
	assert_false(ok("049185001234", "male", 1985));
	assert_true(ok("049201001234", "male", 2001));
	assert_true(ok("049305001234", "female", 2005));
	assert_false(ok("049305001234", "female", 1905));
	assert_non_null(strstr(msg, "born in 2005"));
	assert_true(ok("049400001234", "male", 2100));
	assert_true(ok("049599001234", "female", 2199));
	/* gender "other" or unknown, and an unknown year, are not checked */
	assert_true(ok("049185001234", "other", 0));
	assert_true(ok("049185001234", NULL, 0));
	assert_false(ok("049080001234", NULL, 1981));
	assert_int_equal(cccd_birth_year("049080001234"), 1980);
	assert_int_equal(cccd_birth_year("049399001234"), 2099);
	assert_int_equal(cccd_female("049399001234"), 1);
	assert_int_equal(cccd_female("049200001234"), 0);
}

static void messages_never_quote_the_number(void **state)
{
	(void)state;
	const char *bad[] = {"049080001234", "049185001234", "097080001234"};
	assert_false(ok(bad[0], "female", 0));
	assert_null(strstr(msg, bad[0]));
	assert_false(ok(bad[1], "male", 1985));
	assert_null(strstr(msg, bad[1]));
	assert_false(ok(bad[2], NULL, 0));
	assert_null(strstr(msg, bad[2]));
	assert_null(strstr(msg, "001234"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(length_and_digits),
	    cmocka_unit_test(province_codes),
	    cmocka_unit_test(century_and_gender),
	    cmocka_unit_test(messages_never_quote_the_number),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
