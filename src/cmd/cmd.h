/*
 * cmd.h: what every subcommand shares — the common flags and their TIENGMO_* environment twins, and
 * opening the database and key file the same way everywhere. One file per subcommand in src/cmd/;
 * the table of subcommands is in src/main.c.
 */
#ifndef TIENGMO_CMD_H
#define TIENGMO_CMD_H
#include <getopt.h>
#include <stdbool.h>

#include "store/store.h"

struct config {
	char db_url[1024];	   /* --db / TIENGMO_DB, default sqlite:DATA_DIR/tiengmo.db */
	char listen[256];	   /* --listen / TIENGMO_LISTEN, default 127.0.0.1:8080 */
	char data_dir[512];	   /* --data-dir / TIENGMO_DATA_DIR, default data */
	char key_file[1024];	   /* --key-file / TIENGMO_KEY_FILE, default DATA_DIR/tiengmo.key */
	int log_json;		   /* --log-format json / TIENGMO_LOG_FORMAT */
	bool secure_cookies;	   /* --secure-cookies / TIENGMO_SECURE_COOKIES=1 */
	char trusted_proxies[512]; /* --trusted-proxy / TIENGMO_TRUSTED_PROXY: "ADDR[,ADDR…]" */
	int threads;		   /* --threads / TIENGMO_THREADS, default: one per core */
	long alarm_escalate_after; /* --alarm-escalate-after / TIENGMO_ALARM_ESCALATE_AFTER, seconds, default
				      60 */
	bool allow_http_webhooks;  /* --allow-http-webhooks / TIENGMO_ALLOW_HTTP_WEBHOOKS=1: http:// webhook
				      URLs */
};

/* A subcommand: argv[0] is its own name. Returns the process exit status. */
typedef int (*cmd_fn)(int argc, char **argv);

struct cmd_opt {
	const char *name; /* long option name without "--" */
	int has_arg;	  /* no_argument or required_argument */
	const char *help; /* one line for --help */
};

/*
 * Parses argv for the common flags plus the command's own `extra` options (NULL-terminated by a
 * {NULL} entry). Calls on_opt(name, value, ctx) for each extra option met. Prints usage for --help
 * (returns 1: caller exits 0) and a clear error for an unknown flag (returns -1: caller exits 2).
 * Returns 0 when parsing went well; *first_arg is the index of the first positional argument.
 */
int cmd_parse(int argc, char **argv, const char *usage, const struct cmd_opt *extra,
	      int (*on_opt)(const char *name, const char *value, void *ctx), void *ctx, int *first_arg);

/* The configuration as the flags and environment left it. */
extern struct config cmd_config;

/* Creates the data directory when missing, loads (or creates) the key file, opens the database and
 * migrates it when `migrate` is set. Returns 0 and *db, or prints the reason and returns -1. */
int cmd_open(struct store **db, bool migrate);
/* Prints "tiengmo: " + message to stderr. */
void cmd_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

int cmd_serve(int argc, char **argv);
int cmd_migrate(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_user(int argc, char **argv);
int cmd_apikey(int argc, char **argv);
int cmd_backup(int argc, char **argv);
int cmd_restore(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_copy(int argc, char **argv);

#endif
