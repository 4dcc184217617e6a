/*
 * escalator.h: the background worker that escalates unanswered alarms to their whole commune. Started
 * by `tiengmo serve`; it has its own store connection and checks every second. Several instances may
 * share one PostgreSQL: the guarded UPDATE in alarms_escalate lets only one of them escalate an alarm.
 */
#ifndef TIENGMO_ESCALATOR_H
#define TIENGMO_ESCALATOR_H
#include <stdint.h>

#include "store/store.h"

/* Starts the worker: alarms still unacknowledged `after` seconds after they were raised escalate.
 * Returns 0, or -1 when the thread cannot start (logged). */
int escalator_start(int64_t after);
/* Stops the worker and waits for it (no-op when it is not running). */
void escalator_stop(void);
/* One pass at time now over db: escalates every due alarm (each in its own transaction: the guarded
 * update, its step, its audit entry and its alarm.escalated event, announced after the commit). Returns
 * how many this call escalated, or a STORE_E_* code. Used by the worker and the unit tests. */
int escalator_run_once(struct store *db, int64_t now, int64_t after);

#endif
