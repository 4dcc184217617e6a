/*
 * test_csv.c: the CSV reader every import uses (src/lib/csv.c) — rows carry the line they start on
 * whatever the line endings, blank lines and quoted line breaks; limits and bad text fail on the right
 * line with a message. Also the unit rules the units import checks rows with (src/store/units.c).
 */
#include "unit.h"

#include "lib/csv.h"
#include "store/units.h"

static const struct csvr_limits roomy = {.max_field = 64, .max_fields = 8, .max_rows = 100};

static int parse(struct arena *a, const char *text, const struct csvr_limits *lim, struct csvr_table *t,
		 int *line, char *err)
{
	return csvr_parse(a, text, strlen(text), lim, t, line, err, 200);
}

static void rows_carry_their_starting_line(void **state)
{
	(void)state;
	struct arena a;
	struct csvr_table t;
	int line;
	char err[200];
	arena_init(&a, 1 << 20);
	/* BOM, CRLF, a blank line, a quoted field over two lines, a lone LF, blanks-only line, no final
	 * newline */
	const char *text = "\xEF\xBB\xBF"
			   "code,name\r\n"
			   "\r\n"
			   "A, Alpha \r\n"
			   "\"B\",\"multi\r\nline\"\r\n"
			   "\n"
			   "C,\"say \"\"hi\"\"\"\n"
			   "  ,  \n"
			   "D,Đạt";
	assert_int_equal(parse(&a, text, &roomy, &t, &line, err), 0);
	assert_int_equal(t.nrows, 5);
	int lines[] = {1, 3, 4, 7, 9};
	for (int i = 0; i < 5; i++)
		assert_int_equal(t.rows[i].line, lines[i]);
	assert_string_equal(t.rows[0].fields[0], "code");  /* the BOM is gone */
	assert_string_equal(t.rows[1].fields[1], "Alpha"); /* blanks around an unquoted field are gone */
	assert_string_equal(t.rows[2].fields[1], "multi\r\nline");
	assert_string_equal(t.rows[3].fields[1], "say \"hi\"");
	assert_string_equal(t.rows[4].fields[1], "Đạt");
	assert_int_equal(csvr_column(&t.rows[0], "NAME"), 1);
	assert_int_equal(csvr_column(&t.rows[0], "kind"), -1);
	assert_string_equal(csvr_field(&t.rows[1], 5), "");
	arena_release(&a);
}

static void old_mac_line_endings_count_too(void **state)
{
	(void)state;
	struct arena a;
	struct csvr_table t;
	int line;
	char err[200];
	arena_init(&a, 1 << 20);
	assert_int_equal(parse(&a, "a\rb\r\rc", &roomy, &t, &line, err), 0);
	assert_int_equal(t.nrows, 3);
	assert_int_equal(t.rows[2].line, 4);
	arena_release(&a);
}

static void bad_input_fails_on_its_line(void **state)
{
	(void)state;
	struct arena a;
	struct csvr_table t;
	int line;
	char err[200];
	struct csvr_limits tight = {.max_field = 5, .max_fields = 3, .max_rows = 3};
	arena_init(&a, 1 << 20);

	assert_int_equal(parse(&a, "a,b\n\nx,\"open\ny\n", &roomy, &t, &line, err), -1);
	assert_int_equal(line, 3);
	assert_non_null(strstr(err, "quote"));

	assert_int_equal(parse(&a, "a,b\nx,y\"z\n", &roomy, &t, &line, err), -1);
	assert_int_equal(line, 2);
	assert_non_null(strstr(err, "quote"));

	assert_int_equal(parse(&a, "a,b\nx,\xC3\x28\n", &roomy, &t, &line, err), -1);
	assert_int_equal(line, 2);
	assert_non_null(strstr(err, "UTF-8"));

	assert_int_equal(parse(&a, "a\nabcdef\n", &tight, &t, &line, err), -1);
	assert_int_equal(line, 2);
	assert_non_null(strstr(err, "longer than 5 bytes"));

	assert_int_equal(parse(&a, "a\nb\n\"abcdefghijklmnopqrstuvwxyz", &tight, &t, &line, err), -1);
	assert_int_equal(line, 3);

	assert_int_equal(parse(&a, "a,b,c,d\n", &tight, &t, &line, err), -1);
	assert_non_null(strstr(err, "more than 3 fields"));

	assert_int_equal(parse(&a, "a\nb\nc\nd\n", &tight, &t, &line, err), -1);
	assert_int_equal(line, 4);
	assert_non_null(strstr(err, "more than 3 rows"));

	assert_int_equal(csvr_parse(&a, "a,b\0c\n", 6, &roomy, &t, &line, err, sizeof err), -1);
	assert_non_null(strstr(err, "NUL"));
	arena_release(&a);
}

static void utf8_check_refuses_overlongs_and_surrogates(void **state)
{
	(void)state;
	assert_true(csvr_utf8_valid("Nguyễn Văn Đạt", strlen("Nguyễn Văn Đạt")));
	assert_false(csvr_utf8_valid("\xC0\xAF", 2));	      /* overlong '/' */
	assert_false(csvr_utf8_valid("\xED\xA0\x80", 3));     /* a surrogate */
	assert_false(csvr_utf8_valid("\xF4\x90\x80\x80", 4)); /* past U+10FFFF */
	assert_false(csvr_utf8_valid("\xE1\xBB", 2));	      /* cut short */
}

static void unit_rules(void **state)
{
	(void)state;
	assert_true(units_kind_fits(UNIT_PROVINCE, -1));
	assert_true(units_kind_fits(UNIT_COMMUNE, UNIT_PROVINCE));
	assert_true(units_kind_fits(UNIT_BLOCK, UNIT_COMMUNE));
	assert_true(units_kind_fits(UNIT_GROUP, UNIT_BLOCK));
	assert_false(units_kind_fits(UNIT_PROVINCE, UNIT_PROVINCE));
	assert_false(units_kind_fits(UNIT_BLOCK, UNIT_PROVINCE));
	assert_false(units_kind_fits(UNIT_GROUP, UNIT_COMMUNE));
	assert_false(units_kind_fits(UNIT_COMMUNE, -1));
	assert_int_equal(units_kind_parse("block"), UNIT_BLOCK);
	assert_int_equal(units_kind_parse("Block"), -1);

	assert_true(units_code_valid("20470-KP01_a.b"));
	assert_true(units_code_valid("12345678901234567890123456789012"));
	assert_false(units_code_valid("123456789012345678901234567890123"));
	assert_false(units_code_valid(""));
	assert_false(units_code_valid("a b"));
	assert_false(units_code_valid("Đ1"));

	assert_true(units_name_valid("Khối phố Nhị Dinh 1"));
	assert_false(units_name_valid(""));
	assert_false(units_name_valid("   "));
	assert_false(units_name_valid("tab\there"));
	char long_name[202];
	memset(long_name, 'n', 201);
	long_name[201] = '\0';
	assert_false(units_name_valid(long_name));
	long_name[200] = '\0';
	assert_true(units_name_valid(long_name));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(rows_carry_their_starting_line),
	    cmocka_unit_test(old_mac_line_endings_count_too),
	    cmocka_unit_test(bad_input_fails_on_its_line),
	    cmocka_unit_test(utf8_check_refuses_overlongs_and_surrogates),
	    cmocka_unit_test(unit_rules),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
