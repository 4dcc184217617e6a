/*
 * rosters.h: the SQL of duty rosters — a team's shifts, the week grid's slots (one member on one shift
 * of one day), the swaps members ask for, and the secret-token iCalendar feeds of a team or a member.
 * The calendar arithmetic is domain/patrol_rules.h's; permissions are the caller's (every row read
 * here carries what the check needs). Callers hold the transaction when they change something and
 * write the audit entry in it. Strings are arena copies.
 */
#ifndef TIENGMO_STORE_ROSTERS_H
#define TIENGMO_STORE_ROSTERS_H
#include <stdbool.h>
#include <stdint.h>

#include "lib/arena.h"
#include "store/store.h"

#define SHIFT_NAME_MAX 100
#define ROSTER_SLOTS_MAX 2000 /* the most slots one query returns (a week of a big team, a feed) */
#define ROSTER_SHIFTS_MAX 50
#define SWAP_REASON_MAX 500

struct shift_row {
	int64_t id;
	int64_t team_id;
	const char *name;
	int start_min, end_min;
};

struct slot_row {
	int64_t id;
	int64_t team_id;
	int64_t commune_id;
	int64_t shift_id;
	int64_t person_id;
	const char *day;	/* "YYYY-MM-DD" */
	const char *full_name;	/* the member's */
	const char *shift_name; /* the shift's */
	const char *team_name;
	int64_t starts_at, ends_at;
};

struct swap_row {
	int64_t id;
	int64_t team_id;
	int64_t commune_id;
	int64_t slot_id;
	int64_t from_person_id, to_person_id;
	const char *from_name, *to_name;
	const char *reason; /* NULL when none */
	const char *status; /* pending | approved | refused */
	const char *day, *shift_name;
	int64_t starts_at, ends_at;
	int64_t created_at;
	int64_t decided_at; /* 0 while pending */
};

struct member_brief {
	int64_t person_id;
	const char *full_name;
	const char *role; /* leader | deputy | member */
};

/* The person the account user_id is (users.person_id): STORE_OK and *person_id (0 when none). */
int rosters_person_of_user(struct store *db, int64_t user_id, int64_t *person_id);

/* A team's shifts by start time. STORE_OK, *out (arena) and *n. */
int rosters_shifts(struct store *db, struct arena *a, int64_t team_id, struct shift_row **out, int *n);
/* Adds a shift. STORE_OK and *id. */
int rosters_shift_insert(struct store *db, int64_t team_id, int64_t commune_id, const char *name,
			 int start_min, int end_min, int64_t now, int64_t *id);

/* The members serving on day ("YYYY-MM-DD") of team_id, by name. STORE_OK, *out and *n. */
int rosters_members(struct store *db, struct arena *a, int64_t team_id, const char *day,
		    struct member_brief **out, int *n);
/* Is person_id a member of team_id serving on day? STORE_ROW when so, STORE_DONE when not. */
int rosters_is_member(struct store *db, int64_t team_id, int64_t person_id, const char *day);

/* A team's slots starting in [from, to), by time then name. STORE_OK, *out and *n (at most
 * ROSTER_SLOTS_MAX). */
int rosters_slots(struct store *db, struct arena *a, int64_t team_id, int64_t from, int64_t to,
		  struct slot_row **out, int *n);
/* A person's slots (every team) starting in [from, to). STORE_OK, *out and *n. */
int rosters_slots_of_person(struct store *db, struct arena *a, int64_t person_id, int64_t from, int64_t to,
			    struct slot_row **out, int *n);
/* One slot. STORE_ROW and *s, STORE_DONE, or an error. */
int rosters_slot_get(struct store *db, struct arena *a, int64_t id, struct slot_row *s);
/* Adds a slot (team, commune, shift, day, person and times of s). STORE_OK and *id; STORE_E_UNIQUE when
 * the person already holds that shift that day. */
int rosters_slot_insert(struct store *db, const struct slot_row *s, int64_t now, int64_t *id);
/* Removes a slot and the swaps asked about it. STORE_OK or an error. */
int rosters_slot_delete(struct store *db, int64_t id);
/* Hands a slot to another person. STORE_OK, STORE_E_UNIQUE when they already hold that shift that day. */
int rosters_slot_set_person(struct store *db, int64_t id, int64_t person_id);

/* Adds a pending swap of s to to_person_id. STORE_OK and *id. */
int rosters_swap_insert(struct store *db, const struct slot_row *s, int64_t to_person_id, const char *reason,
			int64_t user_id, int64_t now, int64_t *id);
/* One swap. STORE_ROW and *w, STORE_DONE, or an error. */
int rosters_swap_get(struct store *db, struct arena *a, int64_t id, struct swap_row *w);
/* Is a swap of slot_id pending? STORE_ROW when so, STORE_DONE when not. */
int rosters_swap_pending(struct store *db, int64_t slot_id);
/* Decides a pending swap: status "approved" or "refused". STORE_OK, STORE_DONE when it was not pending. */
int rosters_swap_decide(struct store *db, int64_t id, const char *status, int64_t user_id, int64_t now);
/* Swaps of team_id (0: any) that concern person_id (0: anyone) with status ("" any), newest first,
 * at most limit. STORE_OK, *out and *n. */
int rosters_swaps_list(struct store *db, struct arena *a, int64_t team_id, int64_t person_id,
		       const char *status, int limit, struct swap_row **out, int *n);

/* iCalendar feed tokens: kind "team" (team_id) or "member" (person_id); only the keyed hash is kept. */
struct ical_token_row {
	int64_t id;
	const char *kind;
	int64_t team_id;   /* 0 for a member's */
	int64_t person_id; /* 0 for a team's */
	int64_t commune_id;
	int64_t created_at;
	int64_t revoked_at; /* 0 while valid */
};
/* Adds a token. STORE_OK and *id. */
int rosters_ical_insert(struct store *db, const char *kind, int64_t team_id, int64_t person_id,
			int64_t commune_id, const char *token_hash, int64_t user_id, int64_t now,
			int64_t *id);
/* The valid (unrevoked) token of kind with this hash. STORE_ROW and *t, STORE_DONE, or an error. */
int rosters_ical_find(struct store *db, const char *kind, const char *token_hash, struct ical_token_row *t);
/* The tokens of a team (person_id 0) or a person (team_id 0), newest first, at most 50. */
int rosters_ical_list(struct store *db, int64_t team_id, int64_t person_id, struct arena *a,
		      struct ical_token_row **out, int *n);
/* One token by id. STORE_ROW, STORE_DONE or an error. */
int rosters_ical_get(struct store *db, int64_t id, struct ical_token_row *t);
/* Revokes a token. STORE_OK, STORE_DONE when it was already revoked or is not there. */
int rosters_ical_revoke(struct store *db, int64_t id, int64_t now);

#endif
