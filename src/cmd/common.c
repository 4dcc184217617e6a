/*
 * common.c: the flags every subcommand takes, their TIENGMO_* environment twins, and opening the
 * data directory, key file and database in one way for all commands (see cmd.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd/cmd.h"
#include "lib/crypto.h"
#include "lib/log.h"

struct config cmd_config;

void cmd_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("tiengmo: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

static const struct cmd_opt common_opts[] = {
    {"db", required_argument, "database: sqlite:PATH or postgres://… (TIENGMO_DB)"},
    {"listen", required_argument, "address:port to serve on, default 127.0.0.1:8080 (TIENGMO_LISTEN)"},
    {"data-dir", required_argument,
     "directory for the database, key and uploads, default data (TIENGMO_DATA_DIR)"},
    {"key-file", required_argument, "encryption key file, created 0600 when missing (TIENGMO_KEY_FILE)"},
    {"log-format", required_argument, "text or json (TIENGMO_LOG_FORMAT)"},
    {"secure-cookies", no_argument,
     "mark cookies Secure, for HTTPS behind a proxy (TIENGMO_SECURE_COOKIES=1)"},
    {"trusted-proxy", required_argument,
     "ADDR[,ADDR…] of reverse proxies whose X-Forwarded-For names the client (TIENGMO_TRUSTED_PROXY)"},
    {"threads", required_argument,
     "worker threads, default 16 per core on SQLite, 1 on PostgreSQL (TIENGMO_THREADS)"},
    {"alarm-escalate-after", required_argument,
     "seconds before an unacknowledged alarm reaches the whole commune, default 60 "
     "(TIENGMO_ALARM_ESCALATE_AFTER)"},
    {"allow-http-webhooks", no_argument,
     "accept http:// webhook URLs, not only https:// (TIENGMO_ALLOW_HTTP_WEBHOOKS=1)"},
    {"help", no_argument, "show this help"},
    {NULL, 0, NULL},
};

static int set_common(const char *name, const char *v)
{
	struct config *c = &cmd_config;
	if (strcmp(name, "db") == 0)
		snprintf(c->db_url, sizeof c->db_url, "%s", v);
	else if (strcmp(name, "listen") == 0)
		snprintf(c->listen, sizeof c->listen, "%s", v);
	else if (strcmp(name, "data-dir") == 0)
		snprintf(c->data_dir, sizeof c->data_dir, "%s", v);
	else if (strcmp(name, "key-file") == 0)
		snprintf(c->key_file, sizeof c->key_file, "%s", v);
	else if (strcmp(name, "log-format") == 0) {
		if (strcmp(v, "json") == 0)
			c->log_json = 1;
		else if (strcmp(v, "text") == 0)
			c->log_json = 0;
		else {
			cmd_error("--log-format must be 'text' or 'json', not '%s'", v);
			return -1;
		}
	} else if (strcmp(name, "secure-cookies") == 0)
		c->secure_cookies = !v || strcmp(v, "0") != 0;
	else if (strcmp(name, "trusted-proxy") == 0)
		snprintf(c->trusted_proxies, sizeof c->trusted_proxies, "%s", v);
	else if (strcmp(name, "threads") == 0) {
		char *end;
		long n = strtol(v, &end, 10);
		if (*end || n < 1 || n > 256) {
			cmd_error("--threads must be a number from 1 to 256, not '%s'", v);
			return -1;
		}
		c->threads = (int)n;
	} else if (strcmp(name, "allow-http-webhooks") == 0) {
		c->allow_http_webhooks = !v || strcmp(v, "0") != 0;
	} else if (strcmp(name, "alarm-escalate-after") == 0) {
		char *end;
		long n = strtol(v, &end, 10);
		if (*end || n < 1 || n > 86400) {
			cmd_error(
			    "--alarm-escalate-after must be a number of seconds from 1 to 86400, not '%s'",
			    v);
			return -1;
		}
		c->alarm_escalate_after = n;
	} else
		return 1;
	return 0;
}

static void print_usage(const char *usage, const struct cmd_opt *extra)
{
	printf("%s\n\nflags:\n", usage);
	for (const struct cmd_opt *o = extra; o && o->name; o++)
		printf("  --%-16s %s\n", o->name, o->help);
	for (const struct cmd_opt *o = common_opts; o->name; o++)
		printf("  --%-16s %s\n", o->name, o->help);
}

int cmd_parse(int argc, char **argv, const char *usage, const struct cmd_opt *extra,
	      int (*on_opt)(const char *name, const char *value, void *ctx), void *ctx, int *first_arg)
{
	struct config *c = &cmd_config;
	const char *e;
	memset(c, 0, sizeof *c);
	snprintf(c->listen, sizeof c->listen, "127.0.0.1:8080");
	snprintf(c->data_dir, sizeof c->data_dir, "data");
	c->alarm_escalate_after = 60;
	static const char *const env_names[][2] = {
	    {"db", "TIENGMO_DB"},
	    {"listen", "TIENGMO_LISTEN"},
	    {"data-dir", "TIENGMO_DATA_DIR"},
	    {"key-file", "TIENGMO_KEY_FILE"},
	    {"log-format", "TIENGMO_LOG_FORMAT"},
	    {"threads", "TIENGMO_THREADS"},
	    {"trusted-proxy", "TIENGMO_TRUSTED_PROXY"},
	    {"alarm-escalate-after", "TIENGMO_ALARM_ESCALATE_AFTER"},
	};
	for (size_t i = 0; i < sizeof env_names / sizeof env_names[0]; i++)
		if ((e = getenv(env_names[i][1])) && *e && set_common(env_names[i][0], e) < 0)
			return -1;
	if ((e = getenv("TIENGMO_SECURE_COOKIES")) && *e)
		c->secure_cookies = strcmp(e, "0") != 0;
	if ((e = getenv("TIENGMO_ALLOW_HTTP_WEBHOOKS")) && *e)
		c->allow_http_webhooks = strcmp(e, "0") != 0;

	struct option longopts[64];
	int n = 0;
	for (const struct cmd_opt *o = common_opts; o->name; o++)
		longopts[n++] = (struct option){o->name, o->has_arg, NULL, 0};
	for (const struct cmd_opt *o = extra; o && o->name && n < 63; o++)
		longopts[n++] = (struct option){o->name, o->has_arg, NULL, 0};
	longopts[n] = (struct option){NULL, 0, NULL, 0};

	optind = 1;
	opterr = 0;
	for (;;) {
		int idx = -1;
		int ch = getopt_long(argc, argv, "+h", longopts, &idx);
		if (ch == -1)
			break;
		if (ch == 'h' || (ch == 0 && strcmp(longopts[idx].name, "help") == 0)) {
			print_usage(usage, extra);
			return 1;
		}
		if (ch != 0) {
			const char *bad = argv[optind - 1];
			if (ch == ':' ||
			    (optopt == 0 && bad && strncmp(bad, "--", 2) == 0 && strchr(bad, '=') == NULL))
				cmd_error("'%s' is not a flag of '%s' or needs a value; see '%s --help'", bad,
					  argv[0], argv[0]);
			else
				cmd_error("'%s' is not a flag of '%s'; see '%s --help'", bad, argv[0],
					  argv[0]);
			return -1;
		}
		const char *name = longopts[idx].name;
		int rc = set_common(name, optarg);
		if (rc < 0)
			return -1;
		if (rc == 1 && on_opt && on_opt(name, optarg, ctx) != 0)
			return -1;
	}
	if (!c->db_url[0])
		snprintf(c->db_url, sizeof c->db_url, "sqlite:%.500s/tiengmo.db", c->data_dir);
	if (!c->key_file[0])
		snprintf(c->key_file, sizeof c->key_file, "%.500s/tiengmo.key", c->data_dir);
	log_setup(c->log_json ? LOG_JSON : LOG_TEXT, LOG_INFO);
	*first_arg = optind;
	return 0;
}

static int mkdir_p(const char *dir)
{
	char path[512];
	snprintf(path, sizeof path, "%s", dir);
	for (char *p = path + 1; *p; p++) {
		if (*p == '/') {
			*p = '\0';
			if (mkdir(path, 0750) != 0 && errno != EEXIST)
				return -1;
			*p = '/';
		}
	}
	if (mkdir(path, 0750) != 0 && errno != EEXIST)
		return -1;
	return 0;
}

int cmd_open(struct store **db, bool migrate)
{
	char err[512];
	*db = NULL;
	if (mkdir_p(cmd_config.data_dir) != 0) {
		cmd_error("cannot create data directory '%s': %s", cmd_config.data_dir, strerror(errno));
		return -1;
	}
	if (crypto_load_key(cmd_config.key_file, err, sizeof err) != 0) {
		cmd_error("%s", err);
		return -1;
	}
	if (store_open(cmd_config.db_url, db, err, sizeof err) != 0) {
		cmd_error("%s", err);
		return -1;
	}
	if (migrate) {
		int applied;
		if (store_migrate(*db, &applied, err, sizeof err) != 0) {
			cmd_error("%s", err);
			store_close(*db);
			*db = NULL;
			return -1;
		}
	}
	return 0;
}
