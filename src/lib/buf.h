/*
 * buf.h: a growable byte buffer with a hard maximum size (like curl's dynbuf).
 *
 * Every buffer is given its maximum at init; an append that would pass it fails with BUF_E_TOOBIG and
 * leaves the buffer unchanged, so a client can never make the server grow without bound. The content
 * is always NUL-terminated. Not for binary-safe framing: it is a byte string with a length.
 *
 * Lifetime: buf_init → appends → buf_release (frees the memory; the buf can be reused after init).
 * buf_detach hands the memory to the caller, who frees it with free().
 */
#ifndef TIENGMO_BUF_H
#define TIENGMO_BUF_H
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

enum { BUF_OK = 0, BUF_E_TOOBIG = -1, BUF_E_NOMEM = -2 };

struct buf {
	char *data; /* NUL-terminated; NULL until the first append */
	size_t len;
	size_t cap;
	size_t max; /* the most `len` may ever be */
	int err;    /* first error seen (sticky), BUF_OK if none */
};

void buf_init(struct buf *b, size_t max);
void buf_release(struct buf *b);
/* Empties the buffer, keeping its memory and clearing the sticky error. */
void buf_reset(struct buf *b);
/* Each returns BUF_OK, BUF_E_TOOBIG or BUF_E_NOMEM; an error also sticks in b->err. */
int buf_add(struct buf *b, const void *data, size_t len);
int buf_adds(struct buf *b, const char *s);
int buf_addc(struct buf *b, char c);
int buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int buf_vprintf(struct buf *b, const char *fmt, va_list ap);
/* Returns the data (never NULL: "" when empty). */
const char *buf_str(const struct buf *b);
/* Hands the data to the caller (malloc'd, NUL-terminated; NULL if empty) and re-inits b. */
char *buf_detach(struct buf *b, size_t *len);

#endif
