/*
 * crypto.c: libsodium behind crypto.h. The key lives in locked memory for the life of the process.
 */
#include "lib/crypto.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static unsigned char g_key[CRYPTO_KEY_BYTES];
static int g_key_loaded;
static char g_dummy[crypto_pwhash_STRBYTES];
static pthread_once_t g_dummy_once = PTHREAD_ONCE_INIT;

int crypto_init(void)
{
	return sodium_init() < 0 ? -1 : 0;
}

void crypto_random(void *out, size_t n)
{
	randombytes_buf(out, n);
}

void crypto_hex(const void *bin, size_t n, char *hex)
{
	sodium_bin2hex(hex, 2 * n + 1, bin, n);
}

int crypto_token(size_t bytes, char *out, size_t outlen)
{
	unsigned char raw[64];
	if (bytes > sizeof raw ||
	    outlen < sodium_base64_ENCODED_LEN(bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING))
		return -1;
	randombytes_buf(raw, bytes);
	sodium_bin2base64(out, outlen, raw, bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof raw);
	return 0;
}

void crypto_sha256_hex(const void *data, size_t len, char hex[CRYPTO_HASH_HEX])
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, data, len);
	sodium_bin2hex(hex, CRYPTO_HASH_HEX, h, sizeof h);
}

int crypto_str_equal(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la != lb)
		return 0;
	return sodium_memcmp(a, b, la) == 0;
}

int crypto_load_key(const char *path, char *err, size_t errlen)
{
	char hex[2 * CRYPTO_KEY_BYTES + 2];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT) {
		unsigned char k[CRYPTO_KEY_BYTES];
		randombytes_buf(k, sizeof k);
		sodium_bin2hex(hex, sizeof hex, k, sizeof k);
		sodium_memzero(k, sizeof k);
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd < 0) {
			snprintf(err, errlen, "cannot create key file '%s': %s", path, strerror(errno));
			return -1;
		}
		size_t n = strlen(hex);
		hex[n++] = '\n';
		if (write(fd, hex, n) != (ssize_t)n || fsync(fd) != 0) {
			snprintf(err, errlen, "cannot write key file '%s': %s", path, strerror(errno));
			close(fd);
			return -1;
		}
		close(fd);
		fd = open(path, O_RDONLY | O_CLOEXEC);
	}
	if (fd < 0) {
		snprintf(err, errlen, "cannot open key file '%s': %s", path, strerror(errno));
		return -1;
	}
	struct stat st;
	if (fstat(fd, &st) == 0 && (st.st_mode & 077)) {
		snprintf(err, errlen, "key file '%s' is readable by others (mode %03o); run chmod 600", path,
			 (unsigned)(st.st_mode & 0777));
		close(fd);
		return -1;
	}
	ssize_t n = read(fd, hex, sizeof hex - 1);
	close(fd);
	if (n < 2 * CRYPTO_KEY_BYTES) {
		snprintf(err, errlen, "key file '%s' is too short", path);
		return -1;
	}
	hex[n] = '\0';
	size_t got = 0;
	unsigned char k[CRYPTO_KEY_BYTES]; /* decode aside: a bad file must not clobber the key in use */
	if (sodium_hex2bin(k, sizeof k, hex, (size_t)n, "\n\r ", &got, NULL) != 0 ||
	    got != CRYPTO_KEY_BYTES) {
		sodium_memzero(k, sizeof k);
		sodium_memzero(hex, sizeof hex);
		snprintf(err, errlen, "key file '%s' does not hold a 64-digit hex key", path);
		return -1;
	}
	memcpy(g_key, k, sizeof g_key);
	sodium_memzero(k, sizeof k);
	sodium_memzero(hex, sizeof hex);
	sodium_mlock(g_key, sizeof g_key);
	g_key_loaded = 1;
	return 0;
}

size_t crypto_sealed_size(size_t len)
{
	size_t raw = crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + len;
	return 3 + sodium_base64_ENCODED_LEN(raw, sodium_base64_VARIANT_ORIGINAL);
}

int crypto_seal(const void *plain, size_t len, char *out, size_t outlen)
{
	if (!g_key_loaded || outlen < crypto_sealed_size(len) || len > (1u << 24))
		return -1;
	size_t rawlen = crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + len;
	unsigned char *raw = sodium_malloc(rawlen);
	if (!raw)
		return -1;
	randombytes_buf(raw, crypto_secretbox_NONCEBYTES);
	crypto_secretbox_easy(raw + crypto_secretbox_NONCEBYTES, plain, len, raw, g_key);
	memcpy(out, "v1:", 3);
	sodium_bin2base64(out + 3, outlen - 3, raw, rawlen, sodium_base64_VARIANT_ORIGINAL);
	sodium_free(raw);
	return (int)strlen(out);
}

int crypto_open(const char *sealed, char *out, size_t outlen)
{
	if (!g_key_loaded || strncmp(sealed, "v1:", 3) != 0)
		return -1;
	size_t b64len = strlen(sealed + 3);
	size_t rawcap = b64len / 4 * 3 + 3;
	unsigned char *raw = sodium_malloc(rawcap);
	if (!raw)
		return -1;
	size_t rawlen = 0;
	int rc = -1;
	if (sodium_base642bin(raw, rawcap, sealed + 3, b64len, NULL, &rawlen, NULL,
			      sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    rawlen < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES)
		goto out;
	size_t plen = rawlen - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES;
	if (plen + 1 > outlen)
		goto out;
	if (crypto_secretbox_open_easy((unsigned char *)out, raw + crypto_secretbox_NONCEBYTES,
				       rawlen - crypto_secretbox_NONCEBYTES, raw, g_key) != 0)
		goto out;
	out[plen] = '\0';
	rc = (int)plen;
out:
	sodium_free(raw);
	return rc;
}

int crypto_keyed_hash_hex(const char *purpose, const void *data, size_t len, char hex[CRYPTO_HASH_HEX])
{
	unsigned char sub[crypto_generichash_KEYBYTES];
	unsigned char h[32];
	crypto_generichash_state st;
	if (!g_key_loaded)
		return -1;
	crypto_kdf_derive_from_key(sub, sizeof sub, 1, "tm-hash1", g_key);
	crypto_generichash_init(&st, sub, sizeof sub, sizeof h);
	crypto_generichash_update(&st, (const unsigned char *)purpose, strlen(purpose) + 1);
	crypto_generichash_update(&st, data, len);
	crypto_generichash_final(&st, h, sizeof h);
	sodium_memzero(sub, sizeof sub);
	sodium_memzero(&st, sizeof st);
	crypto_hex(h, sizeof h, hex);
	return 0;
}

int crypto_password_hash(const char *password, char *out, size_t outlen)
{
	if (outlen < crypto_pwhash_STRBYTES)
		return -1;
	return crypto_pwhash_str(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
				 crypto_pwhash_MEMLIMIT_INTERACTIVE) == 0
		   ? 0
		   : -1;
}

int crypto_password_verify(const char *hash, const char *password)
{
	return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

static void make_dummy(void)
{
	char pw[32];
	crypto_token(16, pw, sizeof pw);
	crypto_password_hash(pw, g_dummy, sizeof g_dummy);
}

const char *crypto_dummy_hash(void)
{
	pthread_once(&g_dummy_once, make_dummy);
	return g_dummy;
}
