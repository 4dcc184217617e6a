/*
 * alarms.h: the queries about the digital mõ — alarm kinds (with their gong patterns), household
 * enrolments (the secret link and QR card), the alarms themselves with their timeline of steps, and
 * the members' duty status and location (for "who is nearest").
 *
 * What is never here in clear: an enrolment's token (only its keyed hash, token_hash, is stored) and
 * the household's phone (phone_sealed, sealed by the caller with crypto_seal). Every alarm and
 * enrolment belongs to a unit (a block or a residential group) and carries its commune. An alarm's
 * audience is the path its events are announced to: its block's path, the commune's once escalated
 * (audience_path is updated in the same guarded UPDATE that escalates).
 *
 * Callers hold the transaction when they need one; nothing here starts one. Strings returned are
 * copied into the given arena. Nothing here logs. Rules (transitions, the merge window, distances)
 * live in domain/alarm_rules.h; this file only reads and writes.
 */
#ifndef TIENGMO_STORE_ALARMS_H
#define TIENGMO_STORE_ALARMS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/arena.h"
#include "store/store.h"

#define ALARM_NOTE_MAX 500    /* bytes */
#define ALARM_ADDRESS_MAX 500 /* bytes */
#define ENROLMENT_LABEL_MAX 200
#define GONG_PATTERN_MAX 32

/* ---- kinds ---- */

struct alarm_kind {
	const char *code; /* theft, robbery, fight, fire, medical, flood_storm, other */
	const char *name_vi;
	const char *name_en;
	const char *gong_pattern; /* "3-1": strike groups, played by the web app */
};
/* Every kind in display order into an arena array. STORE_OK or an error. */
int alarms_kinds(struct store *db, struct arena *a, struct alarm_kind **out, int *n);
/* One kind by code: STORE_ROW and *k, STORE_DONE when unknown, or an error. */
int alarms_kind_get(struct store *db, struct arena *a, const char *code, struct alarm_kind *k);
/* Sets a kind's gong pattern (validated by the caller). STORE_OK, STORE_DONE when unknown, or an error. */
int alarms_kind_set_pattern(struct store *db, const char *code, const char *pattern);

/* ---- enrolments ---- */

struct enrolment_row {
	int64_t id;
	int64_t unit_id;
	int64_t commune_id;
	const char *unit_path;
	const char *unit_name;
	const char *label;
	const char *phone_sealed; /* NULL when no phone was given */
	int64_t created_by;	  /* 0 when unknown */
	int64_t created_at;
	int64_t revoked_at; /* 0 while active */
};
/* Inserts an enrolment (id, path, name, revoked_at ignored). STORE_OK and *id; STORE_E_UNIQUE when the
 * token hash is taken (draw another token); or an error. */
int enrolments_insert(struct store *db, const struct enrolment_row *e, const char *token_hash, int64_t now,
		      int64_t *id);
/* One enrolment by id, or the active (not revoked) one with this token hash. STORE_ROW and *e,
 * STORE_DONE, or an error. */
int enrolments_get(struct store *db, struct arena *a, int64_t id, struct enrolment_row *e);
int enrolments_get_by_token(struct store *db, struct arena *a, const char *token_hash,
			    struct enrolment_row *e);
/* A page of enrolments of the subtree unit_path (NULL: every unit), ascending id after after_id.
 * STORE_OK or an error. */
int enrolments_list(struct store *db, struct arena *a, const char *unit_path, int64_t after_id, int limit,
		    struct enrolment_row **out, int *n);
/* Marks an enrolment revoked at now. STORE_OK, STORE_DONE when there is none or it is already revoked. */
int enrolments_revoke(struct store *db, int64_t id, int64_t now);

/* ---- alarms ---- */

struct alarm_row {
	int64_t id;
	int64_t commune_id;
	int64_t unit_id;
	const char *unit_path; /* the alarm's own unit (block or group) */
	const char *unit_name;
	const char *audience_path; /* the block's path; the commune's once escalated */
	int64_t enrolment_id;	   /* the household's enrolment, 0 when raised by a member */
	int64_t raised_by;	   /* the member's user id, 0 for a household */
	const char *kind;
	const char *note;    /* NULL when none */
	const char *address; /* NULL when none */
	bool has_location;
	double lat, lng;
	const char *status; /* raised, acknowledged, responding, resolved, false_alarm */
	int presses;
	int64_t raised_at;
	int64_t last_press_at;
	int64_t acknowledged_at; /* 0 when not yet (also for the times below) */
	int64_t responding_at;
	int64_t escalated_at;
	int64_t resolved_at; /* resolved or marked a false alarm */
	int eta_minutes;     /* of the latest response; -1 when none */
};

/* Inserts an alarm with status raised, one press, and its "raised" step (id, paths, name, status and
 * times ignored; commune_id, unit_id, audience_path and kind must be set). STORE_OK and *id; STORE_E_FK
 * for an unknown kind or unit; or an error. */
int alarms_insert(struct store *db, const struct alarm_row *a, int64_t now, int64_t *id);
/* One alarm. STORE_ROW and *out, STORE_DONE, or an error. */
int alarms_get(struct store *db, struct arena *a, int64_t id, struct alarm_row *out);
/* The open alarm (not resolved nor false) most recently pressed by this enrolment (enrolment_id > 0) or
 * this member (user_id > 0, member alarms only). STORE_ROW and *out, STORE_DONE, or an error. */
int alarms_open_of(struct store *db, struct arena *a, int64_t enrolment_id, int64_t user_id,
		   struct alarm_row *out);

struct alarms_query {
	const char *near_path; /* audiences within it or holding it; NULL for every alarm */
	bool open_only;	       /* raised, acknowledged or responding */
	int64_t before_id;     /* keyset, newest first: ids below this one; 0 from the newest */
	int64_t since;	       /* raised_at >= since; 0 for any */
	int limit;
};
/* A page of alarms, newest first. STORE_OK or an error. */
int alarms_list(struct store *db, struct arena *a, const struct alarms_query *q, struct alarm_row **out,
		int *n);

/* A second press: presses + 1, last_press_at = now. STORE_OK or STORE_DONE when the alarm is no longer
 * open. */
int alarms_press(struct store *db, int64_t id, int64_t now);
/* Moves an alarm from one of the statuses in `from` (a NULL-terminated list) to `to`, setting the
 * time column of the step (acknowledged_at, responding_at or resolved_at, each only when still unset;
 * a response also acknowledges). The guard makes two answering members race safely: STORE_OK when this
 * call moved it, STORE_DONE when its status was not in `from` any more. */
int alarms_transition(struct store *db, int64_t id, const char *const *from, const char *to, int64_t now);
/* Escalates one alarm to its commune: audience_path = the commune's path, escalated_at = now, only when
 * it is still raised, unacknowledged and not escalated (so that one instance of many does it).
 * STORE_OK when this call escalated it, STORE_DONE when not, or an error. */
int alarms_escalate(struct store *db, int64_t id, int64_t now);
/* Ids of alarms raised before `due_before`, still raised and not escalated, at most max, oldest
 * first. STORE_OK or an error. */
int alarms_due(struct store *db, int64_t due_before, int max, int64_t *ids, int *n);

/* ---- the timeline ---- */

struct alarm_step {
	int64_t id;
	int64_t at;
	const char *kind;  /* raised, pressed, acknowledged, responding, escalated, resolved, false_alarm */
	int64_t user_id;   /* 0 for the household or the system */
	const char *actor; /* the user's display name (else username); NULL for the household/system */
	int eta_minutes;   /* -1 when none */
	const char *note;  /* NULL when none */
};
/* Appends a step. STORE_OK or an error. */
int alarms_step_add(struct store *db, int64_t alarm_id, int64_t commune_id, const char *kind, int64_t user_id,
		    int eta_minutes, const char *note, int64_t now);
/* The whole timeline, oldest first, at most max. STORE_OK or an error. */
int alarms_steps(struct store *db, struct arena *a, int64_t alarm_id, int max, struct alarm_step **out,
		 int *n);

/* ---- duty ---- */

struct duty_row {
	int64_t user_id;
	bool on_duty;
	bool has_location;
	double lat, lng;
	int64_t updated_at; /* 0 when the user never set it */
};
/* The user's duty (on_duty false, updated_at 0 when never set). STORE_OK or an error. */
int duty_get(struct store *db, int64_t user_id, struct duty_row *d);
/* Sets the user's duty (insert or replace). STORE_OK or an error. */
int duty_set(struct store *db, const struct duty_row *d, int64_t now);

/* An on-duty member with a location and one of their grants (a member with several grants comes once
 * per grant: callers check the grant against the alarm's audience and keep the user once). */
struct duty_candidate {
	int64_t user_id;
	const char *name; /* display name, else username */
	double lat, lng;
	int64_t updated_at;
	const char *role; /* the grant's role */
	const char
	    *unit_path; /* the grant's unit path (a team grant's is its team's unit); NULL: everywhere */
};
/* The on-duty users with a location set at or after `since` and not disabled, with their grants whose unit
 * lies within `near_path` or holds it (installation-wide grants included), at most max rows. STORE_OK
 * or an error. */
int duty_candidates(struct store *db, struct arena *a, const char *near_path, int64_t since, int max,
		    struct duty_candidate **out, int *n);

#endif
