/*
 * unit.h: what every cmocka unit test includes — cmocka with the headers it needs before it, and a
 * few helpers for temporary files. Test-only; not linked into tiengmo.
 */
#ifndef TIENGMO_UNIT_H
#define TIENGMO_UNIT_H
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <dirent.h>

#include <cmocka.h>

/* Makes a fresh temporary directory into dir (at least 64 bytes); fails the test when it cannot. */
static inline void unit_tmpdir(char *dir, size_t len)
{
	const char *base = getenv("TMPDIR");
	snprintf(dir, len, "%s/tiengmo-unit-XXXXXX", base && *base ? base : "/tmp");
	assert_non_null(mkdtemp(dir));
}

/* Removes a temporary directory and the files in it (one level deep, as the tests make them). */
static inline void unit_rmdir(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		char path[512];
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		unlink(path);
	}
	closedir(d);
	rmdir(dir);
}

#endif
