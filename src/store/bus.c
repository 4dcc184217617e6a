/*
 * bus.c: the event bus of bus.h. On PostgreSQL, events travel as NOTIFY on one channel
 * (tiengmo_bus, payload "topic\npayload"); a listener thread owns its own connection, waits on its
 * socket and a stop pipe with poll(), and reconnects with a growing pause when the server goes away.
 * On SQLite, publish calls the subscribers directly. Subscribers sit in a fixed table under a
 * recursive mutex that is held while they run, so unsubscribe waits for a running callback and a
 * callback may itself publish.
 */
#include "store/bus.h"

#include <errno.h>
#include <fcntl.h>
#include <libpq-fe.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/log.h"

#define CHANNEL "tiengmo_bus"

struct sub {
	int used;
	char topic[BUS_TOPIC_MAX];
	bus_fn fn;
	void *ctx;
};

struct bus {
	int pg;
	char *url;
	pthread_mutex_t subs_lock; /* recursive; held while callbacks run */
	struct sub subs[BUS_SUBSCRIBERS_MAX];
	/* PostgreSQL only */
	pthread_mutex_t pub_lock;
	PGconn *pub;
	PGconn *listen;
	pthread_t thread;
	int thread_started;
	int stop_pipe[2];
};

static int valid_topic(const char *t, int allow_all)
{
	size_t n = t ? strlen(t) : 0;
	if (allow_all && n == 1 && t[0] == '*')
		return 1;
	if (n == 0 || n >= BUS_TOPIC_MAX)
		return 0;
	for (; *t; t++)
		if (!((*t >= 'a' && *t <= 'z') || (*t >= '0' && *t <= '9') || *t == '.' || *t == '_' ||
		      *t == '-'))
			return 0;
	return 1;
}

static void dispatch(struct bus *b, const char *topic, const char *payload)
{
	pthread_mutex_lock(&b->subs_lock);
	for (int i = 0; i < BUS_SUBSCRIBERS_MAX; i++) {
		struct sub *s = &b->subs[i];
		if (s->used && (strcmp(s->topic, "*") == 0 || strcmp(s->topic, topic) == 0))
			s->fn(topic, payload, s->ctx);
	}
	pthread_mutex_unlock(&b->subs_lock);
}

/* The connection's error with the password (if the URL has one) masked, newline trimmed. */
static void conn_error(const char *url, PGconn *c, char *err, size_t errlen)
{
	char *perr = NULL;
	snprintf(err, errlen, "%s", c ? PQerrorMessage(c) : "out of memory");
	size_t n = strlen(err);
	while (n && (err[n - 1] == '\n' || err[n - 1] == ' '))
		err[--n] = '\0';
	PQconninfoOption *opts = PQconninfoParse(url, &perr);
	for (PQconninfoOption *o = opts; o && o->keyword; o++) {
		if (strcmp(o->keyword, "password") != 0 || !o->val || !*o->val)
			continue;
		size_t len = strlen(o->val);
		for (char *p = strstr(err, o->val); p; p = strstr(p + len, o->val))
			memset(p, '*', len);
	}
	PQconninfoFree(opts);
	PQfreemem(perr);
}

/* Connects and starts listening; returns the connection or NULL with err filled. */
static PGconn *connect_listener(const char *url, char *err, size_t errlen)
{
	PGconn *c = PQconnectdb(url);
	if (!c || PQstatus(c) != CONNECTION_OK) {
		conn_error(url, c, err, errlen);
		PQfinish(c);
		return NULL;
	}
	PGresult *r = PQexec(c, "LISTEN " CHANNEL);
	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		conn_error(url, c, err, errlen);
		PQclear(r);
		PQfinish(c);
		return NULL;
	}
	PQclear(r);
	return c;
}

/* Hands every pending notification to the subscribers. */
static void drain(struct bus *b)
{
	PGnotify *n;
	while ((n = PQnotifies(b->listen)) != NULL) {
		char *nl = n->extra ? strchr(n->extra, '\n') : NULL;
		if (nl && strcmp(n->relname, CHANNEL) == 0) {
			*nl = '\0';
			if (valid_topic(n->extra, 0))
				dispatch(b, n->extra, nl + 1);
		}
		PQfreemem(n);
	}
}

/* Waits for the stop pipe up to ms milliseconds; returns 1 when asked to stop. */
static int wait_stop(struct bus *b, int ms)
{
	struct pollfd p = {.fd = b->stop_pipe[0], .events = POLLIN};
	return poll(&p, 1, ms) > 0;
}

static void *listener(void *arg)
{
	struct bus *b = arg;
	int pause_ms = 100;
	for (;;) {
		if (!b->listen) {
			char err[512];
			if (wait_stop(b, pause_ms))
				break;
			b->listen = connect_listener(b->url, err, sizeof err);
			if (!b->listen) {
				if (pause_ms < 5000)
					pause_ms *= 2;
				log_kv(LOG_WARN, "event bus cannot reconnect", "error", err, NULL);
				continue;
			}
			pause_ms = 100;
			log_msg(LOG_INFO, "event bus reconnected");
		}
		struct pollfd p[2] = {
		    {.fd = PQsocket(b->listen), .events = POLLIN},
		    {.fd = b->stop_pipe[0], .events = POLLIN},
		};
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[1].revents)
			break;
		if (!PQconsumeInput(b->listen) || PQstatus(b->listen) == CONNECTION_BAD) {
			char err[512];
			conn_error(b->url, b->listen, err, sizeof err);
			log_kv(LOG_WARN, "event bus lost its connection", "error", err, NULL);
			PQfinish(b->listen);
			b->listen = NULL;
			continue;
		}
		drain(b);
	}
	return NULL;
}

static void free_bus(struct bus *b)
{
	if (b->pg) {
		PQfinish(b->pub);
		PQfinish(b->listen);
		if (b->stop_pipe[0] >= 0)
			close(b->stop_pipe[0]);
		if (b->stop_pipe[1] >= 0)
			close(b->stop_pipe[1]);
		pthread_mutex_destroy(&b->pub_lock);
	}
	pthread_mutex_destroy(&b->subs_lock);
	free(b->url);
	free(b);
}

int bus_open(const char *url, struct bus **out, char *err, size_t errlen)
{
	*out = NULL;
	int pg = strncmp(url, "postgres://", 11) == 0 || strncmp(url, "postgresql://", 13) == 0;
	if (!pg && strncmp(url, "sqlite:", 7) != 0) {
		snprintf(err, errlen, "unknown database URL; expected sqlite:PATH or postgres://…");
		return -1;
	}
	struct bus *b = calloc(1, sizeof *b);
	if (!b || !(b->url = strdup(url))) {
		free(b);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	pthread_mutexattr_t attr;
	pthread_mutexattr_init(&attr);
	pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&b->subs_lock, &attr);
	pthread_mutexattr_destroy(&attr);
	b->pg = pg;
	if (!pg) {
		*out = b;
		return 0;
	}
	char why[512];
	pthread_mutex_init(&b->pub_lock, NULL);
	b->stop_pipe[0] = b->stop_pipe[1] = -1;
	if (pipe2(b->stop_pipe, O_CLOEXEC) != 0) {
		snprintf(err, errlen, "cannot start the event bus: %s", strerror(errno));
		goto fail;
	}
	b->pub = PQconnectdb(url);
	if (!b->pub || PQstatus(b->pub) != CONNECTION_OK) {
		conn_error(url, b->pub, why, sizeof why);
		snprintf(err, errlen, "the event bus cannot connect to the database: %s", why);
		goto fail;
	}
	/* listening before bus_open returns: nothing published afterwards is missed */
	b->listen = connect_listener(url, why, sizeof why);
	if (!b->listen) {
		snprintf(err, errlen, "the event bus cannot listen on the database: %s", why);
		goto fail;
	}
	if (pthread_create(&b->thread, NULL, listener, b) != 0) {
		snprintf(err, errlen, "cannot start the event bus thread");
		goto fail;
	}
	b->thread_started = 1;
	*out = b;
	return 0;
fail:
	free_bus(b);
	return -1;
}

void bus_close(struct bus *b)
{
	if (!b)
		return;
	if (b->thread_started) {
		ssize_t w;
		do
			w = write(b->stop_pipe[1], "x", 1);
		while (w < 0 && errno == EINTR);
		pthread_join(b->thread, NULL);
	}
	free_bus(b);
}

int bus_subscribe(struct bus *b, const char *topic, bus_fn fn, void *ctx)
{
	int id = -1;
	if (!valid_topic(topic, 1) || !fn)
		return -1;
	pthread_mutex_lock(&b->subs_lock);
	for (int i = 0; i < BUS_SUBSCRIBERS_MAX; i++) {
		if (!b->subs[i].used) {
			snprintf(b->subs[i].topic, sizeof b->subs[i].topic, "%s", topic);
			b->subs[i].fn = fn;
			b->subs[i].ctx = ctx;
			b->subs[i].used = 1;
			id = i;
			break;
		}
	}
	pthread_mutex_unlock(&b->subs_lock);
	return id;
}

void bus_unsubscribe(struct bus *b, int id)
{
	if (id < 0 || id >= BUS_SUBSCRIBERS_MAX)
		return;
	pthread_mutex_lock(&b->subs_lock);
	memset(&b->subs[id], 0, sizeof b->subs[id]);
	pthread_mutex_unlock(&b->subs_lock);
}

int bus_publish(struct bus *b, const char *topic, const char *payload)
{
	if (!payload)
		payload = "";
	if (!valid_topic(topic, 0) || strlen(payload) > BUS_PAYLOAD_MAX)
		return -1;
	if (!b->pg) {
		dispatch(b, topic, payload);
		return 0;
	}
	char msg[BUS_TOPIC_MAX + BUS_PAYLOAD_MAX + 2];
	snprintf(msg, sizeof msg, "%s\n%s", topic, payload);
	const char *params[2] = {CHANNEL, msg};
	int rc = -1;
	pthread_mutex_lock(&b->pub_lock);
	if (PQstatus(b->pub) == CONNECTION_BAD)
		PQreset(b->pub);
	PGresult *r = PQexecParams(b->pub, "SELECT pg_notify($1, $2)", 2, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(r) == PGRES_TUPLES_OK) {
		rc = 0;
	} else {
		char err[512];
		conn_error(b->url, b->pub, err, sizeof err);
		log_kv(LOG_WARN, "event bus cannot publish", "topic", topic, "error", err, NULL);
	}
	PQclear(r);
	pthread_mutex_unlock(&b->pub_lock);
	return rc;
}
