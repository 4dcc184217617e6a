/*
 * main.c: the tiengmo command. One table of subcommands (like git's commands[]); each lives in
 * src/cmd/NAME.c. `tiengmo --help` lists them, `tiengmo CMD --help` explains one.
 */
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"
#include "lib/crypto.h"

static const struct command {
	const char *name;
	cmd_fn fn;
	const char *summary;
} commands[] = {
    {"serve", cmd_serve, "serve the web app and the API"},
    {"migrate", cmd_migrate, "bring the database schema up to date"},
    {"demo", cmd_demo, "load the demo ward (phường Vĩnh Điện) into a new database"},
    {"user", cmd_user, "add, list, disable users and set passwords"},
    {"apikey", cmd_apikey, "add, list, revoke Open311 API keys"},
    {"backup", cmd_backup, "copy the live database to a file"},
    {"restore", cmd_restore, "restore a backup into an empty database"},
    {"audit", cmd_audit, "check the audit log's hash chain (audit verify)"},
    {"import", cmd_import, "import records from CSV (import units FILE)"},
    {"copy", cmd_copy, "copy a whole installation from SQLite to PostgreSQL, verified"},
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: tiengmo COMMAND [flags]\n\n"
		"tiengmo runs the movement \"Toàn dân bảo vệ an ninh Tổ quốc\" for a ward police station.\n\n"
		"commands:\n");
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(f, "  %-9s %s\n", commands[i].name, commands[i].summary);
	fprintf(
	    f,
	    "\n`tiengmo COMMAND --help` shows a command's flags. `tiengmo --version` prints the version.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
		printf("tiengmo %s\n", TIENGMO_VERSION);
		return 0;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return 0;
	}
	if (crypto_init() != 0) {
		fprintf(stderr, "tiengmo: libsodium cannot start\n");
		return 1;
	}
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "tiengmo: '%s' is not a tiengmo command; see 'tiengmo --help'\n", argv[1]);
	return 2;
}
