/*
 * test_dl.c: loading a library on first use (src/lib/dl.c): a library that is not there and a library
 * without one of the functions are refused with a message naming them, and can be tried again; a
 * library that is there fills every slot with a function that works; the SONAMEs meson read at build
 * time for the media cleaners (media_library) name libraries this machine can load.
 */
#include "unit.h"

#include <math.h>

#include "lib/dl.h"
#include "lib/media.h"

typedef double (*math_fn)(double);

static void a_missing_library_is_named(void **state)
{
	(void)state;
	math_fn f = NULL;
	const struct dl_sym syms[] = {{"cos", &f}, {NULL, NULL}};
	struct dl_lib lib = DL_LIB("libtiengmo-absent.so.0", syms);
	char why[256];
	assert_int_equal(dl_load(&lib, why, sizeof why), -1);
	assert_non_null(strstr(why, "cannot load 'libtiengmo-absent.so.0': "));
	assert_null(f);
	assert_int_equal(dl_load(&lib, why, sizeof why), -1); /* tried again, still missing */
	assert_int_equal(dl_load(&lib, NULL, 0), -1);	      /* no room for the reason: still refused */
	char tiny[8];
	assert_int_equal(dl_load(&lib, tiny, sizeof tiny), -1);
	assert_int_equal(strlen(tiny), sizeof tiny - 1); /* cut, terminated */
}

static void a_missing_function_is_named(void **state)
{
	(void)state;
	math_fn f = NULL, g = NULL;
	const struct dl_sym syms[] = {{"cos", &f}, {"tiengmo_no_such_function", &g}, {NULL, NULL}};
	struct dl_lib lib = DL_LIB("libm.so.6", syms);
	char why[256];
	assert_int_equal(dl_load(&lib, why, sizeof why), -1);
	assert_string_equal(why, "'libm.so.6' has no 'tiengmo_no_such_function'");
	assert_int_equal(lib.loaded, 0);
}

static void every_slot_is_filled_once(void **state)
{
	(void)state;
	math_fn c = NULL, s = NULL;
	const struct dl_sym syms[] = {{"cos", &c}, {"sqrt", &s}, {NULL, NULL}};
	struct dl_lib lib = DL_LIB("libm.so.6", syms);
	char why[256] = "x";
	assert_int_equal(dl_load(&lib, why, sizeof why), 0);
	assert_string_equal(why, "");
	assert_non_null(c);
	assert_non_null(s);
	assert_true(c(0.0) == 1.0);
	assert_true(s(81.0) == 9.0);
	c = NULL;
	assert_int_equal(dl_load(&lib, why, sizeof why), 0); /* loaded: the table is not read again */
	assert_null(c);
}

/* What meson wrote for the media cleaners is a SONAME this machine loads, with the entry points used. */
static void the_media_libraries_load(void **state)
{
	(void)state;
	assert_null(media_library(MEDIA_JPEG));
	assert_null(media_library(MEDIA_PNG));
	assert_null(media_library(MEDIA_WEBP));
	assert_string_equal(media_library(MEDIA_MP4), media_library(MEDIA_WEBM));
	assert_true(strncmp(media_library(MEDIA_MP4), "libavformat.so.", 15) == 0);
	assert_true(strncmp(media_library(MEDIA_PDF), "libqpdf.so.", 11) == 0);
	void (*f)(void) = NULL, (*g)(void) = NULL;
	const struct dl_sym av[] = {{"avformat_open_input", &f}, {NULL, NULL}};
	const struct dl_sym qp[] = {{"qpdf_init", &g}, {NULL, NULL}};
	struct dl_lib avlib = DL_LIB(media_library(MEDIA_MP4), av);
	struct dl_lib qplib = DL_LIB(media_library(MEDIA_PDF), qp);
	char why[512];
	assert_int_equal(dl_load(&avlib, why, sizeof why), 0);
	assert_int_equal(dl_load(&qplib, why, sizeof why), 0);
	assert_non_null(f);
	assert_non_null(g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(a_missing_library_is_named),
	    cmocka_unit_test(a_missing_function_is_named),
	    cmocka_unit_test(every_slot_is_filled_once),
	    cmocka_unit_test(the_media_libraries_load),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
