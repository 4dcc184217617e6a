/*
 * vn.h: Vietnamese text on ICU — folding for search and collation of people's names.
 *
 * Folding turns "  Nguyễn   Văn ĐẠT " into "nguyen van dat": case folded, tones and every other
 * combining mark removed (ă â ê ô ơ ư lose their marks too), đ/Đ → d (and Ð, U+00D0, which some
 * keyboards and old encodings produce for Đ), whitespace runs collapsed to one space and trimmed.
 * Store the folded text next to the original and search the folded column with a folded query, so
 * "dat" finds "Đạt" on both engines without engine-specific SQL.
 *
 * Name keys order people the Vietnamese way: by given name (the last word), then by the rest (family
 * and middle names, as written), each compared in Vietnamese alphabet order (ICU's "vi" collation:
 * a < ă < â < b < c < d < đ < e < ê < … with tones as secondary differences). A key is lowercase hex of
 * ICU sort keys, so plain byte comparison (memcmp, strcmp, ORDER BY on a TEXT column with binary
 * collation on SQLite or COLLATE "C" on PostgreSQL) gives the same order as vn_name_cmp. Keys are only
 * comparable with keys made by the same ICU version: recompute stored keys after an ICU upgrade.
 *
 * Threads: ICU collators must not be shared between threads, so each thread opens its own "vi"
 * collator on first use; it is closed when the thread exits (or by vn_thread_release). Folding uses
 * only ICU's shared, immutable normalizer and is safe from any thread.
 */
#ifndef TIENGMO_VN_H
#define TIENGMO_VN_H
#include <stddef.h>

/* A size for name key buffers: the key of any name up to 200 bytes of UTF-8 fits (keys take
 * about three hex digits per byte of name). */
#define VN_NAME_KEY_MAX 1024

/* Folds the NUL-terminated UTF-8 text `in` into out (NUL-terminated). Returns the length of out in
 * bytes, or -1 when `in` is not valid UTF-8 or the folded text (with its NUL) does not fit in outlen;
 * out is then "" (when outlen > 0). */
int vn_fold(const char *in, char *out, size_t outlen);

/* Writes the sort key of the person's full name ("Nguyễn Văn An") into out as lowercase hex,
 * NUL-terminated. Returns the key's length, or -1 when the name is not valid UTF-8, is too long, the
 * key does not fit in outlen, or the thread's collator cannot be opened; out is then "". Whitespace
 * is collapsed first, so "Lê  Văn An" and "Lê Văn An" get the same key, as do composed and decomposed
 * spellings. */
int vn_name_key(const char *full_name, char *out, size_t outlen);

/* Compares two full names as their keys would: <0, 0 or >0. A name without a key (invalid UTF-8, too
 * long) sorts after every name with one; two such names compare bytewise. */
int vn_name_cmp(const char *a, const char *b);

/* Closes the calling thread's collator now (it is also closed at thread exit). Optional. */
void vn_thread_release(void);

#endif
