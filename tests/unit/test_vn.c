/*
 * test_vn.c: Vietnamese folding and name collation (src/lib/vn.c) over real names.
 */
#include "unit.h"

#include <pthread.h>

#include "lib/vn.h"

static void assert_fold(const char *in, const char *want)
{
	char out[256];
	int n = vn_fold(in, out, sizeof out);
	assert_int_equal(n, (int)strlen(want));
	assert_string_equal(out, want);
}

static void fold_removes_case_tones_and_marks(void **state)
{
	(void)state;
	assert_fold("Nguyễn Văn Đạt", "nguyen van dat");
	assert_fold("ĐÀ NẴNG", "da nang");
	assert_fold("Huỳnh Thị Ă", "huynh thi a");
	assert_fold("Phường Vĩnh Điện", "phuong vinh dien");
	/* every vowel with its own marks and all five tones */
	assert_fold("ăâêôơư ẮẰẲẴẶ ẤẦẨẪẬ ỨỪỬỮỰ ỚỜỞỠỢ đĐ", "aaeoou aaaaa aaaaa uuuuu ooooo dd");
	assert_fold("Tổ bảo vệ an ninh, trật tự", "to bao ve an ninh, trat tu");
	assert_fold("abc 123 x@y.vn", "abc 123 x@y.vn");
	assert_fold("\xc3\x90\xe1\xba\xa1t", "dat"); /* "Ðạt" typed with U+00D0 instead of Đ */
}

static void fold_accepts_decomposed_input(void **state)
{
	(void)state;
	/* "Nguyễn" typed as e + circumflex + tilde (as some phones send it) */
	assert_fold("Nguye\xcc\x82\xcc\x83n", "nguyen");
	/* "Đạt" with a combining dot below on the a */
	assert_fold("\xc4\x90"
		    "a\xcc\xa3t",
		    "dat");
}

static void fold_collapses_and_trims_whitespace(void **state)
{
	(void)state;
	assert_fold("  Trần\tThị \n Bình  ", "tran thi binh");
	assert_fold("Lê\xc2\xa0Văn\xe3\x80\x80"
		    "An",
		    "le van an"); /* no-break and ideographic spaces */
	assert_fold("", "");
	assert_fold(" \t\n ", "");
}

static void fold_lets_a_plain_query_find_a_name(void **state)
{
	(void)state;
	char doc[128], q[32];
	assert_true(vn_fold("Tin báo của Lê Văn Đạt, khối phố 3", doc, sizeof doc) > 0);
	assert_true(vn_fold("dat", q, sizeof q) > 0);
	assert_non_null(strstr(doc, q));
	assert_true(vn_fold("NGUYEN", q, sizeof q) > 0);
	assert_true(vn_fold("Nguyễn Thị Dung", doc, sizeof doc) > 0);
	assert_non_null(strstr(doc, q));
}

static void fold_rejects_invalid_utf8(void **state)
{
	(void)state;
	static const char *const bad[] = {
	    "\xc3\x28",	    /* second byte is not a continuation */
	    "Nguy\xe1\xbb", /* truncated at the end */
	    "\xc0\xaf",	    /* overlong "/" */
	    "\xed\xa0\x80", /* a UTF-16 surrogate encoded in UTF-8 */
	    "Đ\xff"
	    "at",		/* a byte that never appears in UTF-8 */
	    "\xf4\x90\x80\x80", /* above U+10FFFF */
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char out[64] = "untouched";
		assert_int_equal(vn_fold(bad[i], out, sizeof out), -1);
		assert_string_equal(out, "");
	}
}

static void fold_refuses_output_that_does_not_fit(void **state)
{
	(void)state;
	char out[8];
	assert_int_equal(vn_fold("Nguyễn", out, 6), -1); /* "nguyen" needs 7 bytes with the NUL */
	assert_string_equal(out, "");
	assert_int_equal(vn_fold("Nguyễn", out, 7), 6);
	assert_string_equal(out, "nguyen");
	assert_int_equal(vn_fold("a", out, 0), -1);
}

static int cmp_names(const void *a, const void *b)
{
	return vn_name_cmp(*(const char *const *)a, *(const char *const *)b);
}

static int cmp_keys(const void *a, const void *b)
{
	char ka[VN_NAME_KEY_MAX], kb[VN_NAME_KEY_MAX];
	assert_true(vn_name_key(*(const char *const *)a, ka, sizeof ka) > 0);
	assert_true(vn_name_key(*(const char *const *)b, kb, sizeof kb) > 0);
	return strcmp(ka, kb);
}

/* The expected order, shuffled in the input: by given name in Vietnamese alphabet order
 * (a < ă < â, d < đ), then by family and middle names. */
static const char *const sorted[] = {
    "Lê Văn An",     /* An … */
    "Nguyễn Văn An", /* … family name breaks the tie: L < N */
    "Hoàng Văn Ánh", /* "anh" after "an"; the tone is only a secondary difference */
    "Huỳnh Thị Ă",   /* ă after every a… */
    "Võ Thị Ân",     /* â after ă */
    "Đặng Văn Ba",   "Trần Thị Bình", "Phạm Thị Dung", "Lê Văn Đạt", /* đ after every d */
};

static void names_sort_by_given_name_in_vietnamese_order(void **state)
{
	(void)state;
	const char *a[] = {sorted[6], sorted[8], sorted[3], sorted[1], sorted[5],
			   sorted[0], sorted[7], sorted[4], sorted[2]};
	const size_t n = sizeof a / sizeof a[0];
	qsort(a, n, sizeof a[0], cmp_names);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(a[i], sorted[i]);
}

static void keys_sort_bytewise_like_names(void **state)
{
	(void)state;
	const char *a[] = {sorted[8], sorted[7], sorted[6], sorted[5], sorted[4],
			   sorted[3], sorted[2], sorted[1], sorted[0]};
	const size_t n = sizeof a / sizeof a[0];
	qsort(a, n, sizeof a[0], cmp_keys);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(a[i], sorted[i]);
}

static void vietnamese_letters_are_letters_of_their_own(void **state)
{
	(void)state;
	/* In a root (non-Vietnamese) collation "Đào" would come before "Duy" and "Ân" before "Anh". */
	assert_true(vn_name_cmp("Trần Văn Duy", "Nguyễn Thị Đào") < 0);
	assert_true(vn_name_cmp("Lê Văn Anh", "Võ Thị Ân") < 0);
	assert_true(vn_name_cmp("Phạm Văn Ơn", "Lê Văn Ông") > 0); /* o < ô < ơ */
	assert_true(vn_name_cmp("Lê Thị Ưng", "Lê Văn Uy") > 0);   /* u < ư */
}

static void given_name_decides_before_family_name(void **state)
{
	(void)state;
	/* the whole given name, tone included, is compared before the family name */
	assert_true(vn_name_cmp("Trần Văn Binh", "Lê Thị Bình") < 0);
	assert_true(vn_name_cmp("Nguyễn Thị An", "Nguyễn Văn An") < 0); /* middle name after family */
	assert_true(vn_name_cmp("An", "Nguyễn An") < 0);		/* one word: a given name alone */
	assert_true(vn_name_cmp("Lê Văn Đạt", "Lê Văn Đạt") == 0);
}

static void key_ignores_spacing_and_composition(void **state)
{
	(void)state;
	char k1[VN_NAME_KEY_MAX], k2[VN_NAME_KEY_MAX], k3[VN_NAME_KEY_MAX];
	int n = vn_name_key("Nguyễn Văn An", k1, sizeof k1);
	assert_true(n > 0);
	assert_int_equal((int)strlen(k1), n);
	assert_int_equal(strspn(k1, "0123456789abcdef"), (size_t)n);
	assert_int_equal(vn_name_key("  Nguyễn \t Văn  An ", k2, sizeof k2), n);
	assert_string_equal(k1, k2);
	assert_int_equal(vn_name_key("Nguye\xcc\x82\xcc\x83n Va\xcc\x86n An", k3, sizeof k3), n);
	assert_string_equal(k1, k3);
	/* a different name gets a different key */
	assert_true(vn_name_key("Nguyễn Văn Ăn", k2, sizeof k2) > 0);
	assert_string_not_equal(k1, k2);
}

static void key_rejects_invalid_utf8_and_small_buffers(void **state)
{
	(void)state;
	char k[VN_NAME_KEY_MAX] = "untouched";
	assert_int_equal(vn_name_key("L\xc3\x28 Văn An", k, sizeof k), -1);
	assert_string_equal(k, "");
	assert_int_equal(vn_name_key("Lê Văn An", k, 8), -1);
	assert_string_equal(k, "");
	/* a name without a key sorts after every name with one */
	assert_true(vn_name_cmp("\xff", "Lê Văn An") > 0);
	assert_true(vn_name_cmp("Lê Văn An", "\xff") < 0);
}

static void *key_in_thread(void *arg)
{
	char *k = arg;
	int n = vn_name_key("Hoàng Văn Ánh", k, VN_NAME_KEY_MAX);
	vn_thread_release();
	return n > 0 ? k : NULL;
}

static void each_thread_gets_the_same_keys(void **state)
{
	(void)state;
	char mine[VN_NAME_KEY_MAX], theirs[2][VN_NAME_KEY_MAX];
	pthread_t t[2];
	assert_true(vn_name_key("Hoàng Văn Ánh", mine, sizeof mine) > 0);
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&t[i], NULL, key_in_thread, theirs[i]), 0);
	for (int i = 0; i < 2; i++) {
		void *ret;
		assert_int_equal(pthread_join(t[i], &ret), 0);
		assert_non_null(ret);
		assert_string_equal(theirs[i], mine);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(fold_removes_case_tones_and_marks),
	    cmocka_unit_test(fold_accepts_decomposed_input),
	    cmocka_unit_test(fold_collapses_and_trims_whitespace),
	    cmocka_unit_test(fold_lets_a_plain_query_find_a_name),
	    cmocka_unit_test(fold_rejects_invalid_utf8),
	    cmocka_unit_test(fold_refuses_output_that_does_not_fit),
	    cmocka_unit_test(names_sort_by_given_name_in_vietnamese_order),
	    cmocka_unit_test(keys_sort_bytewise_like_names),
	    cmocka_unit_test(vietnamese_letters_are_letters_of_their_own),
	    cmocka_unit_test(given_name_decides_before_family_name),
	    cmocka_unit_test(key_ignores_spacing_and_composition),
	    cmocka_unit_test(key_rejects_invalid_utf8_and_small_buffers),
	    cmocka_unit_test(each_thread_gets_the_same_keys),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	vn_thread_release();
	return rc;
}
