/*
 * teams.h: the SQL of teams and their members — a team (security & order, mediation, …) belongs to a
 * block or a residential group; a member is a person (store/people.h) with a role and a term. The
 * rules a team must keep are domain/team_rules.h's; this file only reads what they need, in as few
 * queries as a page or a summary allows (never one query per team).
 *
 * Callers hold the transaction (and write the audit entry in it) when they change something; nothing
 * here starts one. Strings returned are copied into the given arena. Dates are "YYYY-MM-DD" text.
 */
#ifndef TIENGMO_STORE_TEAMS_H
#define TIENGMO_STORE_TEAMS_H
#include <stdbool.h>
#include <stdint.h>

#include "domain/team_rules.h"
#include "lib/arena.h"
#include "store/store.h"
#include "store/units.h"

#define TEAM_NAME_MAX 200
#define TEAM_MEMBERS_MAX 2000 /* the most members (past ones included) a roster shows */

struct team_row {
	int64_t id;
	int64_t unit_id;
	int64_t commune_id; /* 0 when the unit has none */
	const char *unit_name;
	const char *unit_path; /* for perm_on_unit */
	enum team_kind kind;
	const char *name;
	int64_t created_at;
	int64_t updated_at;
};

struct member_row {
	int64_t id;
	int64_t team_id;
	int64_t person_id;
	const char *full_name;
	const char *gender;	/* "male" | "female" | "other" | NULL */
	const char *birth_date; /* NULL when only the year (or nothing) is known */
	int birth_year;		/* 0 when unknown */
	enum team_role role;
	const char *term_from;
	const char *term_to; /* NULL while serving */
	int64_t created_at;
	int64_t updated_at;
};

/* What the rules need of one current membership, with its team. */
struct team_fact_row {
	int64_t team_id;
	struct team_member_facts f; /* arena strings */
};

/* The facts of a member row (borrows its strings). */
struct team_member_facts teams_member_facts(const struct member_row *m);

/* Finds a team (with its unit's name and path). STORE_ROW, STORE_DONE when there is none, or an error. */
int teams_get(struct store *db, struct arena *a, int64_t id, struct team_row *t);
/* Is there a team of `kind` on unit_id other than `except` (0: none)? STORE_ROW when so, STORE_DONE
 * when not, or an error. */
int teams_kind_taken(struct store *db, int64_t unit_id, enum team_kind kind, int64_t except);
/* Inserts a team on `unit` (a block or group; the caller has checked). STORE_OK and *t, or an error. */
int teams_insert(struct store *db, struct arena *a, const struct unit_row *unit, enum team_kind kind,
		 const char *name, int64_t now, struct team_row *t);
/* Renames a team. STORE_OK, STORE_DONE when there is none, or an error. */
int teams_rename(struct store *db, int64_t id, const char *name, int64_t now);
/* Does the team hold anything (members, past ones included, or user grants)? STORE_OK with *what a
 * phrase or NULL; or an error. */
int teams_holds(struct store *db, int64_t id, const char **what);
/* Deletes a team. STORE_OK, STORE_DONE when there is none, STORE_E_FK while referenced, or an error. */
int teams_delete(struct store *db, int64_t id);

/*
 * A page of teams whose unit lies in the subtree `path` ("/1/5/"), of `kind` (-1: any), with id after
 * `after`, ascending, at most `limit` rows into an arena array. STORE_OK, or an error.
 */
int teams_list(struct store *db, struct arena *a, const char *path, int kind, int64_t after, int limit,
	       struct team_row **out, int *n);
/*
 * The current memberships (term_to NULL or >= today) of the teams teams_list would return for the same
 * path and kind with ids in (after, upto], ordered by team id: one query for a whole page. STORE_OK and
 * an arena array, or an error.
 */
int teams_page_facts(struct store *db, struct arena *a, const char *path, int kind, int64_t after,
		     int64_t upto, const char *today, struct team_fact_row **out, int *n);

/* The members of a team in roster order (leader, deputy, members; then by Vietnamese name), only the
 * current ones when `today` is given, all when it is NULL; at most TEAM_MEMBERS_MAX. STORE_OK and an
 * arena array, or an error. */
int teams_members(struct store *db, struct arena *a, int64_t team_id, const char *today,
		  struct member_row **out, int *n);
/* One membership of a team. STORE_ROW, STORE_DONE when the team has no such member, or an error. */
int teams_member_get(struct store *db, struct arena *a, int64_t team_id, int64_t member_id,
		     struct member_row *m);
/* Does person_id hold another membership of team_id (not member `except`) whose term overlaps
 * [from, to] (to NULL: open)? STORE_ROW when so, STORE_DONE when not, or an error. */
int teams_member_overlaps(struct store *db, int64_t team_id, int64_t person_id, int64_t except,
			  const char *from, const char *to);
/* Adds a membership. STORE_OK and *id, STORE_E_FK when the team or person is gone, or an error. */
int teams_member_insert(struct store *db, const struct team_row *t, int64_t person_id, enum team_role role,
			const char *from, const char *to, int64_t now, int64_t *id);
/* Sets role and term of a membership. STORE_OK, STORE_DONE when there is none, or an error. */
int teams_member_update(struct store *db, int64_t member_id, enum team_role role, const char *from,
			const char *to, int64_t now);
/* Removes a membership. STORE_OK, STORE_DONE when there is none, or an error. */
int teams_member_delete(struct store *db, int64_t member_id);

/* For the audit history: the unit path of team_id (STORE_ROW and *path, STORE_DONE when gone), and the
 * team of a membership (STORE_ROW and *team_id, STORE_DONE when gone). */
int teams_unit_path(struct store *db, struct arena *a, int64_t team_id, const char **path);
int teams_member_team(struct store *db, int64_t member_id, int64_t *team_id);

/* One row of a summary: a block, and one of the teams on it or its groups (team_id 0: none). */
struct team_block_row {
	int64_t block_id;
	const char *block_name;
	int64_t team_id;
	const char *team_name;
	enum team_kind kind;
};

/*
 * The summary of the subtree `path` in two queries: every block of the subtree (or holding the
 * subtree, when path is a group) with the teams on it or its groups inside the subtree, ordered by
 * block then team id (*blocks); and the current memberships of those teams, ordered by team id
 * (*facts). STORE_OK and arena arrays, or an error.
 */
int teams_summary(struct store *db, struct arena *a, const char *path, const char *today,
		  struct team_block_row **blocks, int *nblocks, struct team_fact_row **facts, int *nfacts);

#endif
