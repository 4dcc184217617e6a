/*
 * crypto.h: everything secret goes through here, on libsodium: random tokens, SHA-256, password
 * hashing (Argon2id), and encryption at rest (secretbox) with the installation's key file.
 * Nothing here logs; callers must not log what they pass in or get out either.
 */
#ifndef TIENGMO_CRYPTO_H
#define TIENGMO_CRYPTO_H
#include <stddef.h>
#include <stdint.h>

#define CRYPTO_KEY_BYTES 32
#define CRYPTO_HASH_HEX 65 /* 64 hex digits + NUL */

/* Initialises libsodium; returns 0, or -1 when the library cannot start. Call once at start. */
int crypto_init(void);
/* Fills out with n random bytes. */
void crypto_random(void *out, size_t n);
/* Writes 2*n hex digits and a NUL into hex (at least 2*n+1 bytes). */
void crypto_hex(const void *bin, size_t n, char *hex);
/* A random token of `bytes` bytes as URL-safe base64 without padding into out; returns 0, -1 if small. */
int crypto_token(size_t bytes, char *out, size_t outlen);
/* SHA-256 of data as 64 hex digits into hex[CRYPTO_HASH_HEX]. */
void crypto_sha256_hex(const void *data, size_t len, char hex[CRYPTO_HASH_HEX]);
/* Compares two strings in constant time for equal lengths; returns 1 when equal. */
int crypto_str_equal(const char *a, const char *b);

/* Loads the key file, creating it (mode 0600, 32 random bytes as hex) when missing; refuses a key
 * file readable by group or others. Returns 0, or -1 with a message in err. */
int crypto_load_key(const char *path, char *err, size_t errlen);
/* Encrypts plain with the loaded key: out gets "v1:" + base64(nonce||box). Returns the length of out
 * (NUL-terminated), or -1 if out is too small or no key is loaded. */
int crypto_seal(const void *plain, size_t len, char *out, size_t outlen);
/* Reverses crypto_seal into out (NUL-terminated); returns the plain length or -1 when the text was
 * altered, sealed with another key, or out is too small. */
int crypto_open(const char *sealed, char *out, size_t outlen);
/* Keyed BLAKE2b (crypto_generichash) of data under a subkey derived from the loaded key, as 64 hex
 * digits into hex[CRYPTO_HASH_HEX]. `purpose` (e.g. "national_id") separates uses: the same data hashed
 * for two purposes gives unrelated values. Equal inputs give equal hashes on this installation only, so
 * a column of them finds duplicates without holding the data. Returns 0, or -1 when no key is loaded. */
int crypto_keyed_hash_hex(const char *purpose, const void *data, size_t len, char hex[CRYPTO_HASH_HEX]);
/* Upper bound of crypto_seal's output for a plain text of len bytes (with the NUL). */
size_t crypto_sealed_size(size_t len);

/* Argon2id hash of a password into out (at least 128 bytes). Returns 0, or -1 out of memory. */
int crypto_password_hash(const char *password, char *out, size_t outlen);
/* Returns 1 when password matches hash, 0 otherwise. */
int crypto_password_verify(const char *hash, const char *password);
/* A hash that no password matches, verified in the same time as a real one (for unknown users). */
const char *crypto_dummy_hash(void);

#endif
