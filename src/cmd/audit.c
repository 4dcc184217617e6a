/*
 * audit.c (command): `tiengmo audit verify` walks the whole audit chain (src/store/audit.c) and says
 * whether it is intact: exit 0 with the number of entries checked, exit 1 naming the first bad entry
 * (its seq and what is wrong), exit 2 for a usage error. Read-only: it never repairs anything and
 * does not migrate the database.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd/cmd.h"
#include "store/audit.h"

static const char usage[] =
    "usage: tiengmo audit verify [flags]\n\n"
    "Checks the audit log's hash chain from its first entry to the head. Exits 0 when every entry is\n"
    "intact, 1 naming the first entry that was altered, removed or reordered (or a cut tail), and 2\n"
    "on a usage error. Safe to run while the server is running.";

static int verify(void)
{
	struct store *db;
	int64_t count = 0, bad = 0;
	char why[256];
	int status = 1;
	char err[512];
	struct stat sb;
	const char *url = cmd_config.db_url;
	/* look, never create: opening a missing SQLite file would make an empty database */
	if (strncmp(url, "sqlite:", 7) == 0 && stat(url + 7, &sb) != 0) {
		cmd_error("there is no database at '%s': %s", url + 7, strerror(errno));
		return 1;
	}
	if (store_open(url, &db, err, sizeof err) != 0) {
		cmd_error("%s", err);
		return 1;
	}
	int version = 0;
	if (store_schema_version(db, &version) != STORE_OK || version == 0) {
		cmd_error("the database has no tiengmo schema yet; run 'tiengmo migrate' first");
		goto out;
	}
	int rc = audit_verify(db, &count, &bad, why, sizeof why);
	if (rc < 0) {
		cmd_error("cannot read the audit log: %s", store_errmsg(db));
		goto out;
	}
	if (rc > 0) {
		cmd_error("the audit log is broken at entry %" PRId64 ": %s", bad, why);
		printf("%" PRId64 " entr%s before entry %" PRId64
		       " verified; the log cannot be trusted from entry %" PRId64 " on\n",
		       count, count == 1 ? "y" : "ies", bad, bad);
		goto out;
	}
	printf("audit log intact: %" PRId64 " entr%s checked\n", count, count == 1 ? "y" : "ies");
	status = 0;
out:
	store_close(db);
	return status;
}

int cmd_audit(int argc, char **argv)
{
	int first;
	int rc = cmd_parse(argc, argv, usage, NULL, NULL, NULL, &first);
	if (rc)
		return rc > 0 ? 0 : 2;
	if (first >= argc) {
		cmd_error("audit needs a sub-command: 'tiengmo audit verify'");
		return 2;
	}
	const char *verb = argv[first];
	if (strcmp(verb, "verify") != 0) {
		cmd_error(
		    "'%s' is not an audit sub-command; the only one is 'verify' (see 'tiengmo audit --help')",
		    verb);
		return 2;
	}
	/* flags may come after the sub-command too: parse again without it */
	char *args[64];
	int nargs = 0;
	if (argc >= 64) {
		cmd_error("too many arguments for 'audit verify'");
		return 2;
	}
	for (int i = 0; i < argc && nargs < 63; i++)
		if (i != first)
			args[nargs++] = argv[i];
	args[nargs] = NULL;
	rc = cmd_parse(nargs, args, usage, NULL, NULL, NULL, &first);
	if (rc)
		return rc > 0 ? 0 : 2;
	if (first < nargs) {
		cmd_error("'audit verify' takes no arguments, got '%s'", args[first]);
		return 2;
	}
	return verify();
}
