/*
 * vn.c: Vietnamese folding and name collation of vn.h, on ICU. Text goes UTF-8 → UTF-16 (which also
 * rejects ill-formed UTF-8) → ICU. Small inputs stay in stack buffers; larger ones use the heap.
 * Not for display: folded text and keys are for searching and sorting only.
 */
#include "lib/vn.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/ucol.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>

/* Inputs larger than this are refused (a fold is for a field, not a file). */
#define FOLD_MAX_INPUT (1 << 22)
/* A person's full name longer than this many bytes is refused. */
#define NAME_MAX_INPUT 1024

/* A UTF-16 buffer that starts on the stack and moves to the heap when it must grow. */
struct u16 {
	UChar *p;
	int32_t len;
	int32_t cap;
	UChar small[256];
};

static void u16_init(struct u16 *u)
{
	u->p = u->small;
	u->len = 0;
	u->cap = (int32_t)(sizeof u->small / sizeof u->small[0]);
}

static void u16_release(struct u16 *u)
{
	if (u->p != u->small)
		free(u->p);
	u16_init(u);
}

/* Makes room for n units (plus a NUL); returns 0 or -1 out of memory. Content is not kept. */
static int u16_reserve(struct u16 *u, int32_t n)
{
	if (n < u->cap)
		return 0;
	UChar *p = malloc(((size_t)n + 1) * sizeof *p);
	if (!p)
		return -1;
	if (u->p != u->small)
		free(u->p);
	u->p = p;
	u->cap = n + 1;
	return 0;
}

/* UTF-8 → UTF-16; -1 on ill-formed UTF-8 (overlong forms, surrogates, truncation) or no memory. */
static int from_utf8(struct u16 *u, const char *s, int32_t n)
{
	UErrorCode st = U_ZERO_ERROR;
	int32_t need = 0;
	u_strFromUTF8(u->p, u->cap, &need, s, n, &st);
	if (st == U_BUFFER_OVERFLOW_ERROR || st == U_STRING_NOT_TERMINATED_WARNING) {
		if (u16_reserve(u, need))
			return -1;
		st = U_ZERO_ERROR;
		u_strFromUTF8(u->p, u->cap, &need, s, n, &st);
	}
	if (U_FAILURE(st))
		return -1;
	u->len = need;
	return 0;
}

static int fold_case(struct u16 *dst, const struct u16 *src)
{
	UErrorCode st = U_ZERO_ERROR;
	int32_t need = u_strFoldCase(dst->p, dst->cap, src->p, src->len, U_FOLD_CASE_DEFAULT, &st);
	if (st == U_BUFFER_OVERFLOW_ERROR || st == U_STRING_NOT_TERMINATED_WARNING) {
		if (u16_reserve(dst, need))
			return -1;
		st = U_ZERO_ERROR;
		need = u_strFoldCase(dst->p, dst->cap, src->p, src->len, U_FOLD_CASE_DEFAULT, &st);
	}
	if (U_FAILURE(st))
		return -1;
	dst->len = need;
	return 0;
}

static int nfd(struct u16 *dst, const struct u16 *src)
{
	UErrorCode st = U_ZERO_ERROR;
	const UNormalizer2 *n2 = unorm2_getNFDInstance(&st);
	if (U_FAILURE(st))
		return -1;
	int32_t need = unorm2_normalize(n2, src->p, src->len, dst->p, dst->cap, &st);
	if (st == U_BUFFER_OVERFLOW_ERROR || st == U_STRING_NOT_TERMINATED_WARNING) {
		if (u16_reserve(dst, need))
			return -1;
		st = U_ZERO_ERROR;
		need = unorm2_normalize(n2, src->p, src->len, dst->p, dst->cap, &st);
	}
	if (U_FAILURE(st))
		return -1;
	dst->len = need;
	return 0;
}

/* Appends code point c as UTF-8 at out[*pos]; -1 when it (and a final NUL) would not fit. */
static int put_utf8(char *out, size_t outlen, size_t *pos, UChar32 c)
{
	unsigned char b[4];
	size_t n;
	if (c < 0x80) {
		b[0] = (unsigned char)c;
		n = 1;
	} else if (c < 0x800) {
		b[0] = (unsigned char)(0xc0 | (c >> 6));
		b[1] = (unsigned char)(0x80 | (c & 0x3f));
		n = 2;
	} else if (c < 0x10000) {
		b[0] = (unsigned char)(0xe0 | (c >> 12));
		b[1] = (unsigned char)(0x80 | ((c >> 6) & 0x3f));
		b[2] = (unsigned char)(0x80 | (c & 0x3f));
		n = 3;
	} else {
		b[0] = (unsigned char)(0xf0 | (c >> 18));
		b[1] = (unsigned char)(0x80 | ((c >> 12) & 0x3f));
		b[2] = (unsigned char)(0x80 | ((c >> 6) & 0x3f));
		b[3] = (unsigned char)(0x80 | (c & 0x3f));
		n = 4;
	}
	if (*pos + n >= outlen)
		return -1;
	memcpy(out + *pos, b, n);
	*pos += n;
	return 0;
}

int vn_fold(const char *in, char *out, size_t outlen)
{
	struct u16 a, b;
	int rc = -1;
	size_t pos = 0;
	u16_init(&a);
	u16_init(&b);
	if (!out || outlen == 0)
		return -1;
	out[0] = '\0';
	size_t inlen = strlen(in);
	if (inlen > FOLD_MAX_INPUT)
		goto out;
	if (from_utf8(&a, in, (int32_t)inlen) || fold_case(&b, &a) || nfd(&a, &b))
		goto out;

	int pending_space = 0;
	for (int32_t i = 0; i < a.len;) {
		UChar32 c;
		U16_NEXT(a.p, i, a.len, c);
		if (U_GET_GC_MASK(c) & U_GC_M_MASK)
			continue; /* tones, breve, circumflex, horn and every other combining mark */
		if (u_isUWhiteSpace(c)) {
			pending_space = pos > 0;
			continue;
		}
		if (c == 0x0111 ||
		    c == 0x00f0) /* đ (Đ folds to it); ð from Ð, which old keyboards type for Đ */
			c = 'd';
		if (pending_space) {
			if (put_utf8(out, outlen, &pos, ' '))
				goto out;
			pending_space = 0;
		}
		if (put_utf8(out, outlen, &pos, c))
			goto out;
	}
	out[pos] = '\0';
	rc = (int)pos;
out:
	if (rc < 0)
		out[0] = '\0';
	u16_release(&a);
	u16_release(&b);
	return rc;
}

/* The calling thread's "vi" collator. */
static pthread_key_t g_coll_key;
static pthread_once_t g_coll_once = PTHREAD_ONCE_INIT;

static void coll_close(void *p)
{
	ucol_close(p);
}

static void coll_make_key(void)
{
	pthread_key_create(&g_coll_key, coll_close);
}

static UCollator *thread_collator(void)
{
	pthread_once(&g_coll_once, coll_make_key);
	UCollator *c = pthread_getspecific(g_coll_key);
	if (c)
		return c;
	UErrorCode st = U_ZERO_ERROR;
	c = ucol_open("vi", &st);
	if (U_FAILURE(st) || st == U_USING_DEFAULT_WARNING) {
		/* without the Vietnamese tailoring the order would be silently wrong: refuse instead */
		ucol_close(c);
		return NULL;
	}
	ucol_setAttribute(c, UCOL_NORMALIZATION_MODE, UCOL_ON, &st);
	if (U_FAILURE(st) || pthread_setspecific(g_coll_key, c) != 0) {
		ucol_close(c);
		return NULL;
	}
	return c;
}

void vn_thread_release(void)
{
	pthread_once(&g_coll_once, coll_make_key);
	UCollator *c = pthread_getspecific(g_coll_key);
	if (c) {
		pthread_setspecific(g_coll_key, NULL);
		ucol_close(c);
	}
}

/* Appends ICU's sort key of s[0..n) (with its 0x00 terminator, so keys are prefix-free) to key. */
static int add_sortkey(UCollator *coll, const UChar *s, int32_t n, uint8_t *key, size_t cap, size_t *len)
{
	int32_t room = cap - *len > INT32_MAX ? INT32_MAX : (int32_t)(cap - *len);
	int32_t need = ucol_getSortKey(coll, s, n, key + *len, room);
	if (need <= 0 || need > room)
		return -1;
	*len += (size_t)need;
	return 0;
}

/* The raw key of a full name: sortkey(given name) ‖ sortkey(the other words, single-spaced).
 * Returns its length in bytes, or -1. */
static int name_sortkey(const char *name, uint8_t *key, size_t cap)
{
	struct u16 u, rest;
	int rc = -1;
	size_t len = 0;
	u16_init(&u);
	u16_init(&rest);
	size_t inlen = strlen(name);
	UCollator *coll = thread_collator();
	if (!coll || inlen > NAME_MAX_INPUT || from_utf8(&u, name, (int32_t)inlen) ||
	    u16_reserve(&rest, u.len))
		goto out;

	/* words: collapse whitespace; the last word is the given name, the others the rest */
	int32_t gstart = 0, gend = 0, i = 0;
	int pending_space = 0;
	rest.len = 0;
	while (i < u.len) {
		int32_t start = i;
		UChar32 c;
		U16_NEXT(u.p, i, u.len, c);
		if (u_isUWhiteSpace(c))
			continue;
		/* a word starts at `start`; find its end */
		int32_t end = i;
		while (end < u.len) {
			int32_t j = end;
			U16_NEXT(u.p, j, u.len, c);
			if (u_isUWhiteSpace(c))
				break;
			end = j;
		}
		if (gend > gstart) { /* the previous word was not the last one: it belongs to the rest */
			if (pending_space)
				rest.p[rest.len++] = ' ';
			memcpy(rest.p + rest.len, u.p + gstart, (size_t)(gend - gstart) * sizeof(UChar));
			rest.len += gend - gstart;
			pending_space = 1;
		}
		gstart = start;
		gend = end;
		i = end;
	}
	if (add_sortkey(coll, u.p + gstart, gend - gstart, key, cap, &len) ||
	    add_sortkey(coll, rest.p, rest.len, key, cap, &len))
		goto out;
	rc = (int)len;
out:
	u16_release(&u);
	u16_release(&rest);
	return rc;
}

int vn_name_key(const char *full_name, char *out, size_t outlen)
{
	static const char hex[] = "0123456789abcdef";
	uint8_t key[VN_NAME_KEY_MAX];
	if (!out || outlen == 0)
		return -1;
	out[0] = '\0';
	int n = name_sortkey(full_name, key, sizeof key);
	if (n < 0 || (size_t)n * 2 + 1 > outlen)
		return -1;
	for (int i = 0; i < n; i++) {
		out[2 * i] = hex[key[i] >> 4];
		out[2 * i + 1] = hex[key[i] & 15];
	}
	out[2 * n] = '\0';
	return 2 * n;
}

int vn_name_cmp(const char *a, const char *b)
{
	uint8_t ka[VN_NAME_KEY_MAX], kb[VN_NAME_KEY_MAX];
	int na = name_sortkey(a, ka, sizeof ka);
	int nb = name_sortkey(b, kb, sizeof kb);
	if (na < 0 || nb < 0) {
		if (na >= 0)
			return -1;
		if (nb >= 0)
			return 1;
		return strcmp(a, b);
	}
	int c = memcmp(ka, kb, (size_t)(na < nb ? na : nb));
	if (c)
		return c;
	return na < nb ? -1 : na > nb;
}
