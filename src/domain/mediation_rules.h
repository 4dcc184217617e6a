/*
 * mediation_rules.h: the rules of a grassroots mediation case (hòa giải ở cơ sở, Law 35/2013/QH13)
 * and the tallies of the team's yearly book (Sổ theo dõi hoạt động hòa giải ở cơ sở, the Ministry of
 * Justice template: part II counts cases per mediator, per kind and per result). No HTTP and no SQL:
 * the API hands the facts of a case in and gets field errors back.
 *
 * Dates are "YYYY-MM-DD" text (Vietnam's calendar day). A case is received on a day; it may end with
 * a result (settled, not settled, withdrawn, transferred), which needs the day it was concluded. The
 * rules, each a field error (422):
 *   - a result needs concluded_on, and concluded_on needs a result;
 *   - no date before received_on (sessions, conclusion, follow-up), none after today;
 *   - a case settled or not settled was mediated: it needs at least one mediator and one session;
 *   - an agreement belongs to a settled case; a follow-up comes after a result.
 * A case may be deleted only while no session is recorded (the caller answers 409).
 */
#ifndef TIENGMO_MEDIATION_RULES_H
#define TIENGMO_MEDIATION_RULES_H
#include <stdbool.h>
#include <stdint.h>

#include "lib/json.h"

enum mediation_kind {
	MED_KIND_MARRIAGE_FAMILY,
	MED_KIND_LAND,
	MED_KIND_NEIGHBOURS,
	MED_KIND_CIVIL,
	MED_KIND_MINOR_VIOLATION,
	MED_KIND_OTHER,
	MED_KIND_COUNT
};

enum mediation_result {
	MED_RESULT_SETTLED,
	MED_RESULT_NOT_SETTLED,
	MED_RESULT_WITHDRAWN,
	MED_RESULT_TRANSFERRED,
	MED_RESULT_COUNT
};

/* Names as the API and database spell them, indexed by the enums, NULL-terminated. */
extern const char *const mediation_kind_names[];
extern const char *const mediation_result_names[];
/* The index of name in names (NULL-terminated), or -1. */
int mediation_name_index(const char *const *names, const char *name);

/* What the rules need of a case. Strings may be NULL (absent); result -1 when there is none. */
struct mediation_facts {
	const char *received_on;
	int result;
	const char *concluded_on;
	const char *agreement;
	const char *follow_up;
	const char *follow_up_on;
	int mediators;		   /* how many */
	int sessions;		   /* how many recorded */
	const char *first_session; /* the earliest session's day, NULL when none */
};

/* Checks f against the rules on `today`, recording a message per broken rule under the field's name
 * in fe. Returns true when every rule holds. Dates are assumed well-formed (team_date_valid). */
bool mediation_check(const struct mediation_facts *f, const char *today, struct field_errs *fe);
/* May a session held on `held_on` be recorded for a case received on `received_on` (neither before
 * it nor after today)? Records the error under "held_on" and returns false when not. */
bool mediation_session_check(const char *received_on, const char *held_on, const char *today,
			     struct field_errs *fe);

/* Part II of the book: counts per kind and per result (with the cases still open), and the share
 * settled among the cases concluded. */
struct mediation_tally {
	int64_t total;
	int64_t by_kind[MED_KIND_COUNT];
	int64_t by_result[MED_RESULT_COUNT];
	int64_t open; /* no result yet */
};
/* Adds n cases of one kind (index) and result (index, -1 while open) to t. */
void mediation_tally_add(struct mediation_tally *t, int kind, int result, int64_t n);
/* Settled cases over the cases with a result, in percent with one decimal (0 when none concluded). */
double mediation_success_rate(int64_t settled, int64_t concluded);

#endif
