/*
 * test_buf.c: the bounded buffer (src/lib/buf.c) — its maximum holds and a refused append changes
 * nothing.
 */
#include "unit.h"

#include "lib/buf.h"

static void append_past_max_fails_and_keeps_content(void **state)
{
	(void)state;
	struct buf b;
	buf_init(&b, 10);
	assert_int_equal(buf_adds(&b, "tiengmo"), BUF_OK);
	assert_int_equal(buf_adds(&b, "-mo!"), BUF_E_TOOBIG); /* 7 + 4 > 10 */
	assert_string_equal(buf_str(&b), "tiengmo");
	assert_int_equal(b.len, 7);
	assert_int_equal(b.err, BUF_E_TOOBIG);	       /* sticky */
	assert_int_equal(buf_adds(&b, "123"), BUF_OK); /* exactly up to the maximum still fits */
	assert_string_equal(buf_str(&b), "tiengmo123");
	assert_int_equal(buf_addc(&b, 'x'), BUF_E_TOOBIG);
	assert_string_equal(buf_str(&b), "tiengmo123");
	assert_int_equal(b.err, BUF_E_TOOBIG);
	buf_reset(&b);
	assert_int_equal(b.err, BUF_OK);
	assert_string_equal(buf_str(&b), "");
	buf_release(&b);
}

static void huge_length_does_not_wrap(void **state)
{
	(void)state;
	struct buf b;
	buf_init(&b, 100);
	assert_int_equal(buf_adds(&b, "ab"), BUF_OK);
	assert_int_equal(buf_add(&b, "x", SIZE_MAX), BUF_E_TOOBIG);
	assert_int_equal(buf_add(&b, "x", SIZE_MAX - 1), BUF_E_TOOBIG);
	assert_string_equal(buf_str(&b), "ab");
	buf_release(&b);
}

static void printf_grows_past_the_small_buffer(void **state)
{
	(void)state;
	struct buf b;
	char big[1000];
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	buf_init(&b, 4096);
	assert_int_equal(buf_printf(&b, "%s=%d;", "id", 42), BUF_OK);
	assert_int_equal(buf_printf(&b, "[%s]", big), BUF_OK); /* longer than printf's stack buffer */
	assert_int_equal(b.len, 6 + 1001);
	assert_int_equal(strlen(buf_str(&b)), b.len);
	assert_memory_equal(buf_str(&b), "id=42;[xxx", 10);
	assert_int_equal(buf_str(&b)[b.len - 1], ']');
	buf_release(&b);
}

static void printf_past_max_fails_and_keeps_content(void **state)
{
	(void)state;
	struct buf b;
	char big[600];
	memset(big, 'y', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	buf_init(&b, 300);
	assert_int_equal(buf_printf(&b, "%s", "head"), BUF_OK);
	assert_int_equal(buf_printf(&b, "%s", big), BUF_E_TOOBIG);
	assert_string_equal(buf_str(&b), "head");
	/* a long printf that still fits goes in whole */
	assert_int_equal(buf_printf(&b, "%0290d", 7), BUF_OK);
	assert_int_equal(b.len, 294);
	assert_int_equal(buf_str(&b)[293], '7');
	assert_int_equal(buf_printf(&b, "%0300d", 7), BUF_E_TOOBIG);
	assert_int_equal(b.len, 294);
	buf_release(&b);
}

static void empty_buffer_reads_as_empty_string(void **state)
{
	(void)state;
	struct buf b;
	size_t len = 99;
	buf_init(&b, 16);
	assert_string_equal(buf_str(&b), "");
	assert_null(buf_detach(&b, &len));
	assert_int_equal(len, 0);
	assert_int_equal(buf_adds(&b, "mõ"), BUF_OK);
	char *p = buf_detach(&b, &len);
	assert_string_equal(p, "mõ");
	assert_int_equal(len, 3);
	assert_string_equal(buf_str(&b), ""); /* re-initialised, same maximum */
	assert_int_equal(b.max, 16);
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(append_past_max_fails_and_keeps_content),
	    cmocka_unit_test(huge_length_does_not_wrap),
	    cmocka_unit_test(printf_grows_past_the_small_buffer),
	    cmocka_unit_test(printf_past_max_fails_and_keeps_content),
	    cmocka_unit_test(empty_buffer_reads_as_empty_string),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
