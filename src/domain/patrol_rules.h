/*
 * patrol_rules.h: the rules of duty rosters, patrols and violation records that need neither HTTP nor
 * SQL — ISO weeks ("2026-W10") and their days, a shift's times on a day in Vietnam, a patrol's state
 * (planned → open → ended) and who may check in, and what a violation record's action requires.
 * Days are counted from 1970-01-01 (Vietnam's calendar); times are Unix seconds.
 */
#ifndef TIENGMO_PATROL_RULES_H
#define TIENGMO_PATROL_RULES_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Parses an ISO 8601 week "YYYY-Www" (W01–W53, and W53 only in a year that has one) into the day
 * number of its Monday. Returns 0, or -1 when malformed or out of range (years 2000–2100). */
int roster_week_parse(const char *s, int64_t *monday);
/* Writes the ISO week holding day number `day` as "YYYY-Www" into out (at least 9 bytes). */
void roster_week_format(int64_t day, char *out, size_t outlen);
/* Writes day number `day` as "YYYY-MM-DD" into out (at least 11 bytes); returns out. */
char *roster_day_format(int64_t day, char *out, size_t outlen);
/* Parses "YYYY-MM-DD" into a day number. Returns 0, or -1 when malformed. */
int roster_day_parse(const char *s, int64_t *day);
/* The day number (in Vietnam) of Unix time t. */
int64_t roster_day_of(int64_t t);
/* Parses "HH:MM" (00:00–23:59) into minutes after midnight. Returns 0 or -1. */
int roster_hhmm_parse(const char *s, int *minutes);
/* Writes minutes after midnight as "HH:MM" into out (at least 6 bytes); returns out. */
char *roster_hhmm_format(int minutes, char *out, size_t outlen);
/* The Unix times a shift [start_min, end_min) covers on day `day` in Vietnam; an end at or before the
 * start runs into the next day. */
void roster_shift_times(int64_t day, int start_min, int end_min, int64_t *starts, int64_t *ends);

enum patrol_state { PATROL_PLANNED, PATROL_OPEN, PATROL_ENDED };
/* "planned", "open", "ended", indexed by enum patrol_state, NULL-terminated. */
extern const char *const patrol_state_names[];
/* The state of a patrol from its actual times (0 when not yet). */
enum patrol_state patrol_state_of(int64_t started_at, int64_t ended_at);

enum checkin_verdict {
	CHECKIN_OK,
	CHECKIN_NO_PERSON,    /* the account is not linked to a person of the People register */
	CHECKIN_NOT_ASSIGNED, /* the person is not among the patrol's members */
	CHECKIN_NOT_STARTED,  /* the patrol has not started */
	CHECKIN_ENDED,	      /* the patrol has ended */
};
/* May a user linked to person_id (0: none) check in on a patrol in `state`, given whether the person is
 * assigned to it? Assignment is judged before the state: a stranger learns nothing about the patrol. */
enum checkin_verdict patrol_checkin_verdict(int64_t person_id, bool assigned, enum patrol_state state);
/* The message of a refused check-in (lowercase, no period). */
const char *patrol_checkin_message(enum checkin_verdict v);

/* Violation actions as the API and database spell them: reminder, record, fine, referral. */
extern const char *const violation_action_names[];
enum violation_action { VIOLATION_REMINDER, VIOLATION_RECORD, VIOLATION_FINE, VIOLATION_REFERRAL };
/* The fields an action requires: the record's number (record, fine) and the fine's amount (fine). */
bool violation_needs_record_no(int action);
bool violation_needs_fine(int action);

#endif
