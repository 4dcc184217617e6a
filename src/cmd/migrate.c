/*
 * migrate.c (command): `tiengmo migrate` brings the schema up to date; safe to run any number of times.
 */
#include <stdio.h>

#include "cmd/cmd.h"

int cmd_migrate(int argc, char **argv)
{
	int first;
	int rc =
	    cmd_parse(argc, argv, "usage: tiengmo migrate [flags]\n\nApplies every pending schema migration.",
		      NULL, NULL, NULL, &first);
	if (rc)
		return rc > 0 ? 0 : 2;
	if (first < argc) {
		cmd_error("migrate takes no arguments; see 'tiengmo migrate --help'");
		return 2;
	}
	struct store *db;
	if (cmd_open(&db, false) != 0)
		return 1;
	char err[512];
	int applied = 0, before = 0;
	store_schema_version(db, &before);
	if (store_migrate(db, &applied, err, sizeof err) != 0) {
		cmd_error("%s", err);
		store_close(db);
		return 1;
	}
	int after = 0;
	store_schema_version(db, &after);
	if (applied)
		printf("migrated from schema version %d to %d (%d applied)\n", before, after, applied);
	else
		printf("schema is up to date at version %d\n", after);
	store_close(db);
	return 0;
}
