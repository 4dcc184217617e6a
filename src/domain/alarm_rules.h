/*
 * alarm_rules.h: the rules of an alarm as pure functions — no SQL, no HTTP: its state machine, the
 * merge window for repeated presses, when it escalates, who may answer it (area reach), the gong
 * pattern's form, and the distances behind "the three nearest on-duty members".
 *
 *   raised ──→ acknowledged ──→ responding ──→ resolved | false_alarm
 *     │  └──────────────────────────↗ (a response also acknowledges)
 *     └──────────────────────────────────────→ resolved | false_alarm
 *   responding ──→ responding (another member is coming too, or a new ETA)
 *
 * An alarm still raised (nobody acknowledged it) escalates to its whole commune once; resolved and
 * false alarms are final. Messages are in English, lowercase, and quote the states.
 */
#ifndef TIENGMO_ALARM_RULES_H
#define TIENGMO_ALARM_RULES_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/perm.h"

#define ALARM_MERGE_WINDOW 60 /* seconds: a press this soon after the last one adds to the same alarm */
#define ALARM_NEAREST 3

enum alarm_status {
	ALARM_RAISED,
	ALARM_ACKNOWLEDGED,
	ALARM_RESPONDING,
	ALARM_RESOLVED,
	ALARM_FALSE,
	ALARM_STATUS_COUNT
};

enum alarm_action { ALARM_ACT_ACK, ALARM_ACT_RESPOND, ALARM_ACT_RESOLVE };

/* Status names as the API and database spell them, indexed by enum alarm_status, NULL-terminated. */
extern const char *const alarm_status_names[];
/* The status for a name, or -1 when unknown (NULL included). */
int alarm_status_parse(const char *name);
/* Is the alarm still open (raised, acknowledged or responding)? */
bool alarm_is_open(enum alarm_status s);
/*
 * May `action` be taken on an alarm in status `from`? Returns 0 and the new status in *to (for
 * ALARM_ACT_RESOLVE, false_alarm picks ALARM_FALSE), or 1 with the reason in why (at most whylen
 * bytes, NUL-terminated): the API answers 409.
 */
int alarm_action_check(enum alarm_status from, enum alarm_action action, bool false_alarm,
		       enum alarm_status *to, char *why, size_t whylen);
/* Does a press at `now` add to an alarm in status s last pressed at last_press_at (instead of raising a
 * new one)? Only while it is open and within ALARM_MERGE_WINDOW seconds of the last press. */
bool alarm_should_merge(enum alarm_status s, int64_t last_press_at, int64_t now);
/* Is an alarm raised at raised_at in status s, escalated or not, due to escalate at now after `after`
 * seconds? Only an unacknowledged (raised), unescalated one, once raised_at + after < now: times are
 * whole seconds, so this waits more than `after` real seconds (never less). */
bool alarm_escalation_due(enum alarm_status s, bool escalated, int64_t raised_at, int64_t now, int64_t after);
/* Does p hold `perm` with area reach on audience_path: through a grant (team grants included: their
 * unit_path is the team's unit) whose path holds the audience or lies inside it, or one on the whole
 * installation? So a member of the block answers its alarm, a member of another block only once the
 * alarm's audience is the commune. */
bool alarm_area_allows(const struct principal *p, enum perm perm, const char *audience_path);
/* Is s a gong pattern: 1 to 8 groups of 1 to 9 strikes, joined by '-' ("3-1", "5", "1-1-1")? */
bool alarm_gong_pattern_valid(const char *s);
/* The great-circle distance in metres between two points (degrees), by the haversine formula on a
 * sphere of radius 6,371,008.8 m. */
double alarm_distance_m(double lat1, double lng1, double lat2, double lng2);
/* Are lat/lng a point on Earth (-90..90, -180..180, finite)? */
bool alarm_point_valid(double lat, double lng);

/* One candidate for "nearest": who and how far. */
struct alarm_near {
	int64_t user_id;
	double distance_m;
};
/*
 * Keeps the k nearest of the candidates c[0..n) (each user once, the nearest of their entries) in
 * out[0..*nout), nearest first, ties by lower user id; k at most ALARM_NEAREST.
 */
void alarm_nearest(const struct alarm_near *c, int n, int k, struct alarm_near *out, int *nout);

#endif
