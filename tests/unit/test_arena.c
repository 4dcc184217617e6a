/*
 * test_arena.c: the per-request arena (src/lib/arena.c) — its cap holds, memory is aligned and
 * zeroed, and the string helpers copy exactly.
 */
#include "unit.h"

#include <stdalign.h>

#include "lib/arena.h"

static void cap_is_respected(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a, 20000);
	assert_non_null(arena_alloc(&a, 8000)); /* first chunk: 8 KiB */
	assert_non_null(arena_alloc(&a, 8000)); /* second chunk: 16 KiB in all */
	assert_null(arena_alloc(&a, 8000));	/* a third would pass 20000 */
	assert_true(a.used_total <= a.cap);
	assert_null(arena_alloc(&a, 30000));	/* one allocation larger than the cap */
	assert_null(arena_alloc(&a, SIZE_MAX)); /* and one that would overflow the rounding */
	arena_release(&a);
	assert_int_equal(a.used_total, 0);
	assert_non_null(arena_alloc(&a, 8000)); /* usable again after release */
	arena_release(&a);
}

static void memory_is_aligned_and_zeroed(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a, 1 << 20);
	for (size_t size = 1; size < 100; size += 7) {
		unsigned char *p = arena_alloc(&a, size);
		assert_non_null(p);
		assert_int_equal((uintptr_t)p % alignof(max_align_t), 0);
		for (size_t i = 0; i < size; i++)
			assert_int_equal(p[i], 0);
		memset(p, 0xab, size);
	}
	/* a large block gets its own chunk, and is still aligned */
	unsigned char *big = arena_alloc(&a, 100000);
	assert_non_null(big);
	assert_int_equal((uintptr_t)big % alignof(max_align_t), 0);
	big[99999] = 1;
	arena_release(&a);
}

static void strdup_copies_exactly(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a, 1 << 20);
	char src[] = "Phường Vĩnh Điện";
	char *p = arena_strdup(&a, src);
	assert_string_equal(p, "Phường Vĩnh Điện");
	assert_ptr_not_equal(p, src);
	src[0] = 'X';
	assert_string_equal(p, "Phường Vĩnh Điện");
	assert_string_equal(arena_strndup(&a, "units/42/extra", 8), "units/42");
	assert_string_equal(arena_strdup(&a, ""), "");
	assert_string_equal(arena_printf(&a, "%s-%03d", "unit", 7), "unit-007");
	arena_release(&a);
}

static void strdup_fails_cleanly_at_the_cap(void **state)
{
	(void)state;
	struct arena a;
	char *big = malloc(20000);
	assert_non_null(big);
	memset(big, 'z', 19999);
	big[19999] = '\0';
	arena_init(&a, 10000);
	assert_null(arena_strdup(&a, big));
	assert_null(arena_printf(&a, "%s", big));
	assert_string_equal(arena_strdup(&a, "ok"), "ok");
	arena_release(&a);
	free(big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(cap_is_respected),
	    cmocka_unit_test(memory_is_aligned_and_zeroed),
	    cmocka_unit_test(strdup_copies_exactly),
	    cmocka_unit_test(strdup_fails_cleanly_at_the_cap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
