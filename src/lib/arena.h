/*
 * arena.h: a per-request bump allocator. Everything allocated from it is freed at once by
 * arena_release when the response ends, so handler code rarely calls free.
 *
 * Allocation never fails quietly: arena_alloc returns NULL only when malloc does, and the caller
 * maps that to APP_E_NOMEM. The arena has a cap (bytes in all its chunks); past it allocation returns
 * NULL too, so one request cannot eat the machine. Not thread-safe: one arena, one request.
 */
#ifndef TIENGMO_ARENA_H
#define TIENGMO_ARENA_H
#include <stddef.h>

struct arena_chunk;
struct arena {
	struct arena_chunk *head;
	size_t used_total; /* bytes malloc'd for chunks */
	size_t cap;	   /* the most used_total may reach */
};

void arena_init(struct arena *a, size_t cap);
/* Frees every chunk; the arena can be used again afterwards. */
void arena_release(struct arena *a);
/* Returns zeroed memory aligned for any type, or NULL on exhaustion. Owned by the arena. */
void *arena_alloc(struct arena *a, size_t size);
/* Copies a string (or the first n bytes of it, then NUL) into the arena; NULL on exhaustion. */
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
