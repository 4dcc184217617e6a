/*
 * escalator.c: the escalation worker of escalator.h — a thread that wakes every second (or at once on
 * stop), asks for the alarms due and escalates each one that no other instance has escalated first.
 */
#include "http/escalator.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#include "api/api.h"
#include "http/stream.h"
#include "lib/arena.h"
#include "lib/log.h"
#include "lib/timeutil.h"
#include "store/alarms.h"
#include "store/audit.h"

#define DUE_MAX 100

static pthread_t g_thread;
static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t g_cond;
static bool g_running, g_stop;
static int64_t g_after;

/* Escalates alarm id (guarded): 1 when this call did, 0 when not, or a STORE_E_* code. */
static int escalate_one(struct store *db, struct arena *a, int64_t id, int64_t now)
{
	struct alarm_row row;
	int64_t event_id = 0;
	char idt[24];
	snprintf(idt, sizeof idt, "%" PRId64, id);
	int rc = store_begin(db);
	if (rc)
		return rc;
	rc = alarms_escalate(db, id, now);
	if (rc == STORE_OK)
		rc = alarms_get(db, a, id, &row) == STORE_ROW ? STORE_OK : STORE_E_DB;
	if (rc == STORE_OK)
		rc = alarms_step_add(db, id, row.commune_id, "escalated", 0, -1, NULL, now);
	if (rc == STORE_OK) {
		struct audit_entry e = {
		    .user_id = 0,
		    .actor = "system",
		    .address = "",
		    .action = "alarm.escalate",
		    .entity = "alarm",
		    .entity_id = idt,
		    .detail = "{}",
		};
		rc = audit_append(db, &e);
	}
	if (rc == STORE_OK)
		rc = api_alarm_event(db, &row, "alarm.escalated", now, &event_id);
	if (rc == STORE_OK)
		rc = store_commit(db);
	else
		store_rollback(db);
	if (rc == STORE_DONE)
		return 0; /* acknowledged, or escalated by another instance, meanwhile */
	if (rc)
		return rc;
	stream_announce(event_id);
	return 1;
}

int escalator_run_once(struct store *db, int64_t now, int64_t after)
{
	int64_t ids[DUE_MAX];
	int n = 0, done = 0;
	struct arena a;
	int rc = alarms_due(db, now - after, DUE_MAX, ids, &n);
	if (rc)
		return rc;
	arena_init(&a, 1u << 20);
	for (int i = 0; i < n; i++) {
		rc = escalate_one(db, &a, ids[i], now);
		if (rc < 0)
			break;
		done += rc;
	}
	arena_release(&a);
	return rc < 0 ? rc : done;
}

static void *run(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&g_mu);
	while (!g_stop) {
		pthread_mutex_unlock(&g_mu);
		struct store *db = store_thread();
		if (db) {
			int rc = escalator_run_once(db, time_now(), g_after);
			if (rc < 0)
				log_kv(LOG_WARN, "alarm escalation failed", "error", store_errmsg(db), NULL);
		}
		struct timespec until;
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_sec += 1;
		pthread_mutex_lock(&g_mu);
		while (!g_stop && pthread_cond_timedwait(&g_cond, &g_mu, &until) != ETIMEDOUT)
			;
	}
	pthread_mutex_unlock(&g_mu);
	store_thread_release();
	return NULL;
}

int escalator_start(int64_t after)
{
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&g_cond, &ca);
	pthread_condattr_destroy(&ca);
	g_after = after;
	g_stop = false;
	if (pthread_create(&g_thread, NULL, run, NULL) != 0) {
		log_msg(LOG_ERROR, "the alarm escalation worker cannot start");
		return -1;
	}
	g_running = true;
	return 0;
}

void escalator_stop(void)
{
	if (!g_running)
		return;
	pthread_mutex_lock(&g_mu);
	g_stop = true;
	pthread_cond_signal(&g_cond);
	pthread_mutex_unlock(&g_mu);
	pthread_join(g_thread, NULL);
	pthread_cond_destroy(&g_cond);
	g_running = false;
}
