/*
 * mediation.h: the SQL of grassroots mediation — cases of a mediation team with their parties,
 * mediators (people who are members of the team) and sessions; the pages the API lists, the whole
 * year of one team that the book prints, and the counts the statistics group. The rules are
 * domain/mediation_rules.h's; permissions are the caller's (every row carries its team's unit path).
 *
 * The requester's and the parties' names and addresses are sealed here on the way in (crypto_seal with
 * the key file) and opened on the way out, so callers see plain text and the database never does; a
 * value that cannot be opened (another key file) fails the read with STORE_E_DB.
 *
 * Callers hold the transaction (and write the audit entry in it) for changes; nothing here starts one.
 * Strings returned are arena copies. Dates are "YYYY-MM-DD" text.
 */
#ifndef TIENGMO_STORE_MEDIATION_H
#define TIENGMO_STORE_MEDIATION_H
#include <stdbool.h>
#include <stdint.h>

#include "lib/arena.h"
#include "store/store.h"

#define MED_NAME_MAX 200
#define MED_ADDRESS_MAX 500
#define MED_TEXT_MAX 5000
#define MED_PARTIES_MAX 20
#define MED_MEDIATORS_MAX 20
#define MED_SESSIONS_MAX 100
#define MED_BOOK_MAX 5000 /* the most cases one team's book shows for a year */

struct med_party {
	const char *full_name;
	int birth_year; /* 0 when unknown */
	const char *address;
};

struct med_mediator {
	int64_t person_id;
	const char *full_name;
};

struct med_session {
	int64_t id;
	const char *held_on;
	const char *notes;
	int64_t created_at;
};

struct med_case {
	int64_t id;
	int64_t team_id;
	int64_t unit_id;
	int64_t commune_id;
	const char *team_name;
	const char *unit_path; /* the team's unit, for perm_on_team */
	int year;
	int number;
	const char *received_on;
	const char *requester;
	int kind;   /* mediation_kind_names index */
	int result; /* mediation_result_names index, -1 while open */
	const char *summary;
	const char *invited; /* NULL when none, as the other optional texts */
	const char *concluded_on;
	const char *agreement;
	const char *follow_up;
	const char *follow_up_on;
	const char *notes;
	int64_t created_by; /* 0 when unknown */
	int64_t created_at;
	int64_t updated_at;
	int nparties, nmediators, nsessions;
	struct med_party *parties;
	struct med_mediator *mediators;
	struct med_session *sessions; /* by day held */
};

/* The next free number in team_id's book for `year` (1 for the first case). STORE_OK or an error. */
int mediation_next_number(struct store *db, int64_t team_id, int year, int *number);
/* Inserts c with its parties and mediators (id, names of mediators, sessions and times are ignored;
 * team, unit, commune, year and number must be set). STORE_OK and *id, STORE_E_UNIQUE when the number
 * was taken meanwhile, STORE_E_NOMEM when no key file is loaded to seal with, or an error. */
int mediation_insert(struct store *db, const struct med_case *c, int64_t now, int64_t *id);
/* Replaces the case's fields (not team, creator or creation time) and, when `children` is set, its
 * parties and mediators. STORE_OK, STORE_DONE when there is none, or an error. */
int mediation_update(struct store *db, const struct med_case *c, bool children, int64_t now);
/* Deletes a case that has no session. STORE_OK, STORE_DONE when there is none, or an error. */
int mediation_delete(struct store *db, int64_t id);
/* Records a session. STORE_OK and *id, or an error. */
int mediation_session_insert(struct store *db, int64_t case_id, int64_t commune_id, const char *held_on,
			     const char *notes, int64_t created_by, int64_t now, int64_t *id);
/* One case with parties, mediators and sessions. STORE_ROW and *c, STORE_DONE, or an error. */
int mediation_get(struct store *db, struct arena *a, int64_t id, struct med_case *c);

struct mediation_query {
	const char *unit_path; /* subtree of the team's unit; NULL for all */
	int64_t team_id;       /* 0: any */
	int year;	       /* 0: any */
	const char *kind;      /* NULL or "": any */
	const char *result;    /* NULL or "": any; "open": none yet */
	int64_t after_id;
	int limit;
};
/* A page of cases by ascending id, each with parties, mediators and sessions. STORE_OK or an error. */
int mediation_list(struct store *db, struct arena *a, const struct mediation_query *q, struct med_case **out,
		   int *n);
/* Every case of team_id received in `year`, by number, with their children (at most MED_BOOK_MAX;
 * *more set when there were more). STORE_OK or an error. */
int mediation_book(struct store *db, struct arena *a, int64_t team_id, int year, struct med_case **out,
		   int *n, bool *more);

/* One group of the statistics: cases of a team, kind, result (-1: open) and month ("YYYY-MM"). */
struct med_count {
	int64_t team_id;
	const char *team_name;
	const char *unit_path;
	int kind;
	int result;
	char month[8];
	int64_t count;
};
/* The counts of the cases received in [from, to] (days, both included) whose team's unit lies in the
 * subtree `path`, grouped by team, kind, result and month, into an arena array. STORE_OK or an error. */
int mediation_counts(struct store *db, struct arena *a, const char *path, const char *from, const char *to,
		     struct med_count **out, int *n);

#endif
