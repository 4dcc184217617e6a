/*
 * pg.c: the store API on PostgreSQL (libpq). Not implemented yet: the PostgreSQL issue fills it in.
 */
#include <stdio.h>

#include "store/store.h"

int store_pg_open(const char *conninfo, struct store **out, char *err, size_t errlen)
{
	(void)conninfo;
	*out = NULL;
	snprintf(err, errlen, "PostgreSQL is not supported by this build yet; use sqlite:PATH");
	return -1;
}
