/*
 * buf.c: the bounded growable buffer of buf.h. Growth doubles up to the maximum. Appends that fit in
 * the memory already allocated take a short path (one comparison and a memcpy): JSON responses are
 * built from many small appends.
 */
#include "lib/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void buf_init(struct buf *b, size_t max)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max;
	b->err = BUF_OK;
}

void buf_release(struct buf *b)
{
	free(b->data);
	buf_init(b, b->max);
}

void buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
	b->err = BUF_OK;
}

__attribute__((noinline)) static int grow(struct buf *b, size_t need)
{
	if (need > b->max) {
		b->err = b->err ? b->err : BUF_E_TOOBIG;
		return BUF_E_TOOBIG;
	}
	if (need + 1 <= b->cap)
		return BUF_OK;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < need + 1)
		cap *= 2;
	if (cap > b->max + 1)
		cap = b->max + 1;
	char *p = realloc(b->data, cap);
	if (!p) {
		b->err = b->err ? b->err : BUF_E_NOMEM;
		return BUF_E_NOMEM;
	}
	b->data = p;
	b->cap = cap;
	return BUF_OK;
}

int buf_add(struct buf *b, const void *data, size_t len)
{
	/* cap > len + len_added implies len_added fits below max too: cap never exceeds max + 1 */
	if (len < b->cap - b->len) {
		memcpy(b->data + b->len, data, len);
		b->len += len;
		b->data[b->len] = '\0';
		return BUF_OK;
	}
	if (len > b->max || b->len > b->max - len) {
		b->err = b->err ? b->err : BUF_E_TOOBIG;
		return BUF_E_TOOBIG;
	}
	int rc = grow(b, b->len + len);
	if (rc)
		return rc;
	if (len)
		memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
	return BUF_OK;
}

int buf_adds(struct buf *b, const char *s)
{
	return buf_add(b, s, strlen(s));
}

int buf_addc(struct buf *b, char c)
{
	if (b->cap - b->len > 1) {
		b->data[b->len++] = c;
		b->data[b->len] = '\0';
		return BUF_OK;
	}
	return buf_add(b, &c, 1);
}

int buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	char small[256];
	int n = vsnprintf(small, sizeof small, fmt, ap);
	if (n < 0) {
		va_end(ap2);
		return BUF_E_NOMEM;
	}
	int rc;
	if ((size_t)n < sizeof small) {
		rc = buf_add(b, small, (size_t)n);
	} else {
		rc = grow(b, b->len + (size_t)n);
		if (!rc) {
			vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap2);
			b->len += (size_t)n;
		}
	}
	va_end(ap2);
	return rc;
}

int buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = buf_vprintf(b, fmt, ap);
	va_end(ap);
	return rc;
}

const char *buf_str(const struct buf *b)
{
	return b->data ? b->data : "";
}

char *buf_detach(struct buf *b, size_t *len)
{
	char *p = b->data;
	if (len)
		*len = b->len;
	buf_init(b, b->max);
	return p;
}
