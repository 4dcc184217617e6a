/*
 * arena.c: chunks of 8 KiB (or larger for a big allocation) chained in a list; see arena.h.
 */
#include "lib/arena.h"

#include <stdarg.h>
#include <stdalign.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct arena_chunk {
	struct arena_chunk *next;
	size_t size;
	size_t used;
	alignas(max_align_t) unsigned char mem[];
};

enum { CHUNK_DEFAULT = 8192 };

void arena_init(struct arena *a, size_t cap)
{
	a->head = NULL;
	a->used_total = 0;
	a->cap = cap;
}

void arena_release(struct arena *a)
{
	struct arena_chunk *c = a->head;
	while (c) {
		struct arena_chunk *next = c->next;
		free(c);
		c = next;
	}
	a->head = NULL;
	a->used_total = 0;
}

void *arena_alloc(struct arena *a, size_t size)
{
	const size_t align = alignof(max_align_t);
	if (size > ((size_t)1 << 40))
		return NULL;
	size = (size + align - 1) & ~(align - 1);
	if (size == 0)
		size = align;
	struct arena_chunk *c = a->head;
	if (!c || c->size - c->used < size) {
		size_t csize = size > CHUNK_DEFAULT ? size : CHUNK_DEFAULT;
		if (a->used_total + csize > a->cap)
			return NULL;
		c = malloc(sizeof *c + csize);
		if (!c)
			return NULL;
		c->size = csize;
		c->used = 0;
		c->next = a->head;
		a->head = c;
		a->used_total += csize;
	}
	void *p = c->mem + c->used;
	c->used += size;
	memset(p, 0, size);
	return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);
	if (!p)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	char *p = arena_alloc(a, (size_t)n + 1);
	if (!p)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}
