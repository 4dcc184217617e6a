/*
 * import.c (command): `tiengmo import units FILE` loads units from a CSV file with the header
 * `code,name,kind,parent_code`, all or nothing, through the same code as POST /api/v1/units/import
 * (units_import in store/units.c). The command line may add anything anywhere; every unit written is
 * audited with actor "cli". Later imports (people, team members) will sit beside `units` here.
 *
 * Exit status: 0 imported (or checked, with --dry-run), 1 the file has errors (each printed as
 * "line N: message", nothing written) or cannot be read, 2 a usage error.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"
#include "lib/arena.h"
#include "lib/buf.h"
#include "store/units.h"

#define IMPORT_FILE_MAX (16u << 20)

static const char *const usage_units =
    "usage: tiengmo import units [--dry-run] FILE\n\n"
    "Adds the units of a CSV file (UTF-8) whose header is code,name,kind,parent_code.\n"
    "kind is province, commune, block or group; parent_code is empty for a province and otherwise\n"
    "names a unit already in the database or on an earlier line. If any line is wrong, every error is\n"
    "printed as \"line N: message\" and nothing is imported. Use - as FILE to read standard input.";

static int on_opt(const char *name, const char *value, void *ctx)
{
	(void)value;
	if (strcmp(name, "dry-run") == 0)
		*(bool *)ctx = true;
	return 0;
}

/* Reads the whole file (at most IMPORT_FILE_MAX bytes) into b. Returns 0, or -1 after a message. */
static int read_file(const char *path, struct buf *b)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	char chunk[65536];
	size_t n;
	int rc = -1;
	if (!f) {
		cmd_error("cannot open '%s': %s", path, strerror(errno));
		return -1;
	}
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		if (buf_add(b, chunk, n) != BUF_OK) {
			cmd_error("'%s' is larger than %u MiB; split it into smaller files", path,
				  IMPORT_FILE_MAX >> 20);
			goto out;
		}
	}
	if (ferror(f)) {
		cmd_error("cannot read '%s': %s", path, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (f != stdin)
		fclose(f);
	return rc;
}

static int import_units(int argc, char **argv)
{
	static const struct cmd_opt opts[] = {
	    {"dry-run", no_argument, "check the file and show what would be imported; write nothing"},
	    {NULL, 0, NULL},
	};
	bool dry_run = false;
	int first, status = 1;
	struct store *db = NULL;
	struct buf file;
	struct arena a;
	struct unit_import imp = {.who = NULL, .actor = "cli", .address = ""};

	int rc = cmd_parse(argc, argv, usage_units, opts, on_opt, &dry_run, &first);
	if (rc)
		return rc > 0 ? 0 : 2;
	if (argc - first != 1) {
		cmd_error("import units takes one FILE; see 'tiengmo import units --help'");
		return 2;
	}
	const char *path = argv[first];
	buf_init(&file, IMPORT_FILE_MAX);
	arena_init(&a, (size_t)IMPORT_FILE_MAX * 8);
	if (read_file(path, &file) != 0)
		goto out;
	if (cmd_open(&db, true) != 0)
		goto out;

	imp.dry_run = dry_run;
	rc = units_import(db, &a, buf_str(&file), file.len, &imp);
	if (rc) {
		cmd_error("cannot import '%s': %s; nothing was imported", path,
			  rc == STORE_E_NOMEM ? "out of memory" : store_errmsg(db));
		goto out;
	}
	if (imp.nerrors_total) {
		for (int i = 0; i < imp.nerrors; i++) {
			if (imp.errors[i].line)
				fprintf(stderr, "line %d: %s\n", imp.errors[i].line, imp.errors[i].msg);
			else
				fprintf(stderr, "%s: %s\n", path, imp.errors[i].msg);
		}
		if (imp.nerrors_total > imp.nerrors)
			fprintf(stderr, "… and %d more errors\n", imp.nerrors_total - imp.nerrors);
		cmd_error("'%s' has %d error%s; nothing was imported", path, imp.nerrors_total,
			  imp.nerrors_total == 1 ? "" : "s");
		goto out;
	}
	if (dry_run)
		printf("'%s' is good: %d unit%s would be imported (dry run, nothing written)\n", path,
		       imp.nrows, imp.nrows == 1 ? "" : "s");
	else
		printf("imported %d unit%s from '%s'\n", imp.nrows, imp.nrows == 1 ? "" : "s", path);
	status = 0;
out:
	store_close(db);
	arena_release(&a);
	buf_release(&file);
	return status;
}

int cmd_import(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "units") == 0)
		return import_units(argc - 1, argv + 1);
	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		printf("usage: tiengmo import units [--dry-run] FILE\n\n"
		       "  units     units from CSV (code,name,kind,parent_code)\n\n"
		       "`tiengmo import units --help` shows the flags.\n");
		return 0;
	}
	if (argc < 2)
		cmd_error("import what? try 'tiengmo import units FILE'");
	else
		cmd_error("'%s' cannot be imported; try 'tiengmo import units FILE'", argv[1]);
	return 2;
}
