/*
 * serve.c (command): `tiengmo serve` opens and migrates the database, opens the event bus and starts
 * the live event hub (http/stream.h), then serves HTTP until SIGTERM/SIGINT, and stops them in turn.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "http/escalator.h"
#include "http/http.h"
#include "http/stream.h"
#include "http/webhooks.h"
#include "lib/log.h"
#include "store/bus.h"

/* Worker threads when --threads is not given, per core. On SQLite a handler that writes spends most
 * of its time waiting for the disk, and the batching (store/sqlite.c, "Batching") commits the
 * transactions in flight together: a batch can hold only as many as there are threads, and a
 * waiting thread is cheap (bench/submit.sh: see bench/RESULTS.md, "Durable tip submission"). On
 * PostgreSQL each thread holds a database connection and more threads did not write faster (the
 * same section), so it keeps one per core. */
#define THREADS_PER_CORE 16
#define THREADS_PER_CORE_PG 1
#define THREADS_MAX 256

static const struct cmd_opt serve_opts[] = {
    {"stream-heartbeat", required_argument,
     "seconds between heartbeats on event streams, default 15 (TIENGMO_STREAM_HEARTBEAT)"},
    {NULL, 0, NULL},
};

/* Reads a heartbeat in seconds (decimals allowed, 0.05 to 300) into *ms; -1 when malformed. */
static int parse_heartbeat(const char *v, int *ms)
{
	char *end;
	errno = 0;
	double s = strtod(v, &end);
	if (errno || end == v || *end || !(s >= 0.05 && s <= 300))
		return -1;
	*ms = (int)(s * 1000);
	return 0;
}

static int on_opt(const char *name, const char *value, void *ctx)
{
	if (strcmp(name, "stream-heartbeat") == 0 && parse_heartbeat(value, ctx) != 0) {
		cmd_error("--stream-heartbeat: '%s' is not a number of seconds between 0.05 and 300", value);
		return -1;
	}
	return 0;
}

int cmd_serve(int argc, char **argv)
{
	int first;
	int heartbeat_ms = 0;
	const char *env = getenv("TIENGMO_STREAM_HEARTBEAT");
	if (env && *env && parse_heartbeat(env, &heartbeat_ms) != 0) {
		cmd_error("TIENGMO_STREAM_HEARTBEAT: '%s' is not a number of seconds between 0.05 and 300",
			  env);
		return 2;
	}
	int rc = cmd_parse(argc, argv, "usage: tiengmo serve [flags]\n\nServes the web app and the API.",
			   serve_opts, on_opt, &heartbeat_ms, &first);
	if (rc)
		return rc > 0 ? 0 : 2;
	if (first < argc) {
		cmd_error("serve takes no arguments; see 'tiengmo serve --help'");
		return 2;
	}
	struct store *db;
	if (cmd_open(&db, true) != 0)
		return 1;
	int per_core = store_engine_of(db) == STORE_PG ? THREADS_PER_CORE_PG : THREADS_PER_CORE;
	store_close(db);
	store_set_default_url(cmd_config.db_url);
	/* the threads started below (bus, hub, workers) never take SIGTERM or SIGINT: http_serve waits
	 * for them with sigwait, and a thread with them unblocked would be killed by them instead */
	sigset_t stop;
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	struct bus *bus = NULL;
	char err[256];
	if (bus_open(cmd_config.db_url, &bus, err, sizeof err) != 0) {
		cmd_error("cannot open the event bus: %s", err);
		return 1;
	}
	if (stream_hub_start(bus, heartbeat_ms) != 0) {
		cmd_error("cannot start the live event hub");
		bus_close(bus);
		return 1;
	}
	if (escalator_start(cmd_config.alarm_escalate_after) != 0) {
		stream_hub_stop();
		bus_close(bus);
		return 1;
	}
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	int threads = cmd_config.threads;
	if (threads <= 0) {
		if (cores < 1)
			cores = 1;
		threads = cores >= THREADS_MAX / per_core ? THREADS_MAX : (int)cores * per_core;
	}
	struct http_options opt = {
	    .listen = cmd_config.listen,
	    .threads = threads,
	    .secure_cookies = cmd_config.secure_cookies,
	    .trusted_proxies = cmd_config.trusted_proxies,
	};
	webhooks_allow_http = cmd_config.allow_http_webhooks;
	if (webhooks_start() != 0)
		cmd_error("webhooks are off: their worker cannot start");
	rc = http_serve(&opt);
	webhooks_stop();
	escalator_stop();
	stream_hub_stop();
	bus_close(bus);
	return rc == 0 ? 0 : 1;
}
