/*
 * test_crypto.c: secrets at rest and passwords (src/lib/crypto.c) — sealed data opens only unaltered
 * and under its own key, the key file is private, password hashes verify only the right password.
 */
#include "unit.h"

#include <sys/stat.h>

#include "lib/crypto.h"

static char g_dir[128];
static char g_key_path[256];

static int setup(void **state)
{
	(void)state;
	if (crypto_init() != 0)
		return -1;
	unit_tmpdir(g_dir, sizeof g_dir);
	snprintf(g_key_path, sizeof g_key_path, "%s/tiengmo.key", g_dir);
	char err[256];
	if (crypto_load_key(g_key_path, err, sizeof err) != 0) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unit_rmdir(g_dir);
	return 0;
}

static void key_file_is_created_private(void **state)
{
	(void)state;
	struct stat st;
	assert_int_equal(stat(g_key_path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	/* loading it again reads the same key: what was sealed still opens */
	char sealed[256], plain[64], err[256];
	assert_true(crypto_seal("CCCD 001203004567", 17, sealed, sizeof sealed) > 0);
	assert_int_equal(crypto_load_key(g_key_path, err, sizeof err), 0);
	assert_int_equal(crypto_open(sealed, plain, sizeof plain), 17);
	assert_string_equal(plain, "CCCD 001203004567");
}

static void key_file_readable_by_others_is_refused(void **state)
{
	(void)state;
	char path[256], err[256] = "";
	snprintf(path, sizeof path, "%s/shared.key", g_dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n", f);
	fclose(f);
	assert_int_equal(chmod(path, 0644), 0);
	assert_int_equal(crypto_load_key(path, err, sizeof err), -1);
	assert_non_null(strstr(err, "shared.key"));
	assert_non_null(strstr(err, "chmod 600"));
	assert_int_equal(chmod(path, 0640), 0);
	assert_int_equal(crypto_load_key(path, err, sizeof err), -1);
	/* the key in use is still the one loaded before */
	char sealed[128], plain[16];
	assert_true(crypto_seal("x", 1, sealed, sizeof sealed) > 0);
	assert_int_equal(crypto_open(sealed, plain, sizeof plain), 1);
}

static void malformed_key_file_is_refused(void **state)
{
	(void)state;
	char path[256], err[256] = "";
	snprintf(path, sizeof path, "%s/short.key", g_dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("not a key at all, but long enough to be read as if it were a key file!!\n", f);
	fclose(f);
	assert_int_equal(chmod(path, 0600), 0);
	assert_int_equal(crypto_load_key(path, err, sizeof err), -1);
	assert_non_null(strstr(err, "hex"));
}

static void failed_key_load_keeps_the_key_in_use(void **state)
{
	(void)state;
	char path[256], err[256], sealed[128], plain[32];
	assert_true(crypto_seal("hộ 12", strlen("hộ 12"), sealed, sizeof sealed) > 0);
	/* starts like a key, then stops being hex */
	snprintf(path, sizeof path, "%s/half.key", g_dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("ffeeddccbbaa99887766554433221100ffeeddccbbaa9988zzzzzzzzzzzzzzzz\n", f);
	fclose(f);
	assert_int_equal(chmod(path, 0600), 0);
	assert_int_equal(crypto_load_key(path, err, sizeof err), -1);
	assert_int_equal(crypto_open(sealed, plain, sizeof plain), (int)strlen("hộ 12"));
	assert_string_equal(plain, "hộ 12");
}

static void seal_and_open_round_trip(void **state)
{
	(void)state;
	const char *secret = "Nguyễn Văn Đạt, 0905 123 456, tổ 7";
	size_t len = strlen(secret);
	char sealed[512], again[512], plain[128];
	assert_true(crypto_sealed_size(len) <= sizeof sealed);
	int n = crypto_seal(secret, len, sealed, sizeof sealed);
	assert_int_equal(n, (int)strlen(sealed));
	assert_memory_equal(sealed, "v1:", 3);
	assert_null(strstr(sealed, "Nguy")); /* not readable in the database */
	assert_int_equal(crypto_open(sealed, plain, sizeof plain), (int)len);
	assert_string_equal(plain, secret);
	/* a fresh nonce each time: the same text never seals the same way twice */
	assert_true(crypto_seal(secret, len, again, sizeof again) > 0);
	assert_string_not_equal(sealed, again);
	/* an empty text round-trips too */
	assert_true(crypto_seal("", 0, sealed, sizeof sealed) > 0);
	assert_int_equal(crypto_open(sealed, plain, sizeof plain), 0);
	assert_string_equal(plain, "");
}

static void altered_ciphertext_is_refused(void **state)
{
	(void)state;
	char sealed[256], copy[256], plain[64];
	assert_true(crypto_seal("informant: Trần Thị Bình", strlen("informant: Trần Thị Bình"), sealed,
				sizeof sealed) > 0);
	size_t n = strlen(sealed);
	for (size_t i = 3; i < n - 2; i += 5) { /* change one character anywhere in the body */
		memcpy(copy, sealed, n + 1);
		copy[i] = copy[i] == 'A' ? 'B' : 'A';
		assert_int_equal(crypto_open(copy, plain, sizeof plain), -1);
	}
	memcpy(copy, sealed, n + 1);
	copy[n - 8] = '\0'; /* cut short */
	assert_int_equal(crypto_open(copy, plain, sizeof plain), -1);
	memcpy(copy, sealed, n + 1);
	copy[1] = '2'; /* unknown version */
	assert_int_equal(crypto_open(copy, plain, sizeof plain), -1);
	assert_int_equal(crypto_open("v1:", plain, sizeof plain), -1);
	assert_int_equal(crypto_open("v1:!!!!", plain, sizeof plain), -1);
	assert_int_equal(crypto_open("plain text", plain, sizeof plain), -1);
	/* the untouched text still opens */
	assert_true(crypto_open(sealed, plain, sizeof plain) > 0);
}

static void small_buffers_are_refused(void **state)
{
	(void)state;
	char sealed[256], plain[8];
	const char *text = "0123456789abcdef";
	assert_int_equal(crypto_seal(text, 16, sealed, crypto_sealed_size(16) - 1), -1);
	assert_true(crypto_seal(text, 16, sealed, sizeof sealed) > 0);
	assert_int_equal(crypto_open(sealed, plain, sizeof plain), -1); /* 16 bytes do not fit in 8 */
}

static void text_sealed_under_another_key_does_not_open(void **state)
{
	(void)state;
	char sealed[256], plain[64], err[256], other[256];
	assert_true(crypto_seal("Lê Văn An", strlen("Lê Văn An"), sealed, sizeof sealed) > 0);
	snprintf(other, sizeof other, "%s/other.key", g_dir);
	assert_int_equal(crypto_load_key(other, err, sizeof err), 0); /* a new, different key */
	assert_int_equal(crypto_open(sealed, plain, sizeof plain), -1);
	assert_int_equal(crypto_load_key(g_key_path, err, sizeof err), 0);
	assert_true(crypto_open(sealed, plain, sizeof plain) > 0);
	assert_string_equal(plain, "Lê Văn An");
}

static void password_hash_verifies_only_the_password(void **state)
{
	(void)state;
	char hash[256], hash2[256];
	assert_int_equal(crypto_password_hash("Mật khẩu đủ dài 2026", hash, sizeof hash), 0);
	assert_memory_equal(hash, "$argon2id$", 10);
	assert_null(strstr(hash, "2026"));
	assert_int_equal(crypto_password_verify(hash, "Mật khẩu đủ dài 2026"), 1);
	assert_int_equal(crypto_password_verify(hash, "mật khẩu đủ dài 2026"), 0);
	assert_int_equal(crypto_password_verify(hash, "Mật khẩu đủ dài 202"), 0);
	assert_int_equal(crypto_password_verify(hash, ""), 0);
	/* salted: the same password hashes differently */
	assert_int_equal(crypto_password_hash("Mật khẩu đủ dài 2026", hash2, sizeof hash2), 0);
	assert_string_not_equal(hash, hash2);
	assert_int_equal(crypto_password_hash("x", hash2, 16), -1);
	/* the dummy hash matches nothing, not even the empty password */
	assert_int_equal(crypto_password_verify(crypto_dummy_hash(), ""), 0);
	assert_int_equal(crypto_password_verify(crypto_dummy_hash(), "admin"), 0);
}

static void tokens_and_hashes(void **state)
{
	(void)state;
	char a[64], b[64], h[CRYPTO_HASH_HEX];
	assert_int_equal(crypto_token(32, a, sizeof a), 0);
	assert_int_equal(crypto_token(32, b, sizeof b), 0);
	assert_int_equal(strlen(a), 43); /* 256 bits, URL-safe base64 without padding */
	assert_int_equal(strspn(a, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"), 43);
	assert_string_not_equal(a, b);
	assert_int_equal(crypto_token(32, a, 40), -1);
	crypto_sha256_hex("abc", 3, h);
	assert_string_equal(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	assert_int_equal(crypto_str_equal("csrf-token", "csrf-token"), 1);
	assert_int_equal(crypto_str_equal("csrf-token", "csrf-tokem"), 0);
	assert_int_equal(crypto_str_equal("csrf-token", "csrf-token2"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(key_file_is_created_private),
	    cmocka_unit_test(key_file_readable_by_others_is_refused),
	    cmocka_unit_test(malformed_key_file_is_refused),
	    cmocka_unit_test(failed_key_load_keeps_the_key_in_use),
	    cmocka_unit_test(seal_and_open_round_trip),
	    cmocka_unit_test(altered_ciphertext_is_refused),
	    cmocka_unit_test(small_buffers_are_refused),
	    cmocka_unit_test(text_sealed_under_another_key_does_not_open),
	    cmocka_unit_test(password_hash_verifies_only_the_password),
	    cmocka_unit_test(tokens_and_hashes),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
