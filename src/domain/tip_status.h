/*
 * tip_status.h: the triage state machine of a tip, as pure functions — no SQL, no HTTP.
 *
 *   new ──→ verifying ──→ forwarded | resolved | unfounded | duplicate
 *    └────────────────────────────────────────────────────→ duplicate
 *   forwarded ──→ resolved (the agency it went to reports back) | verifying (sent back)
 *   resolved | unfounded | duplicate ──→ verifying (reopened when something new comes in)
 *
 * A tip is verified before it is closed: new cannot jump to forwarded, resolved or unfounded. Only a
 * duplicate may be recognised at once, because seeing it takes no verification. A duplicate always
 * names the tip it repeats (duplicate_of); leaving the duplicate state clears it. Staying in the same
 * state is not a transition. Messages are in English, lowercase, and quote the states.
 */
#ifndef TIENGMO_TIP_STATUS_H
#define TIENGMO_TIP_STATUS_H
#include <stdbool.h>
#include <stddef.h>

enum tip_status {
	TIP_NEW,
	TIP_VERIFYING,
	TIP_FORWARDED,
	TIP_RESOLVED,
	TIP_UNFOUNDED,
	TIP_DUPLICATE,
	TIP_STATUS_COUNT
};

/* Status names as the API and database spell them, indexed by enum tip_status, NULL-terminated. */
extern const char *const tip_status_names[];
/* The status for a name, or -1 when unknown. */
int tip_status_parse(const char *name);
/* May a tip go from `from` to `to`? False for unknown values and for from == to. */
bool tip_status_allowed(enum tip_status from, enum tip_status to);
/*
 * Checks a change of status: from → to with duplicate_of (0: none) given for the new state. Returns 0
 * when allowed, else writes the reason into why (at most whylen bytes, NUL-terminated) and returns
 * 1 when the transition itself is refused (the API answers 409) or 2 when duplicate_of is missing
 * for a duplicate or given for another state (422).
 */
int tip_status_check(enum tip_status from, enum tip_status to, long long duplicate_of, char *why,
		     size_t whylen);

#endif
