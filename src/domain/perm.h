/*
 * perm.h: who may do what, where. A user holds grants: a role on a unit (and so on its whole subtree)
 * or on a team. A role carries a fixed set of permissions. Nothing here touches HTTP or SQL: the
 * router asks perm_any (does the user hold this permission anywhere?) before calling a handler, and the
 * handler asks perm_on_unit for the record's own unit.
 *
 * Unit paths are the materialised paths of the units table: "/1/5/23/". A grant on "/1/5/" covers
 * "/1/5/" and everything under it; a global admin grant (no unit) covers everything.
 */
#ifndef TIENGMO_PERM_H
#define TIENGMO_PERM_H
#include <stdbool.h>
#include <stdint.h>

enum role {
	ROLE_ADMIN,
	ROLE_OFFICER,
	ROLE_COORDINATOR,
	ROLE_TEAM_LEADER,
	ROLE_MEMBER,
	ROLE_VIEWER,
	ROLE_COUNT
};

enum perm {
	PERM_PUBLIC,	      /* anyone, no login */
	PERM_LOGGED_IN,	      /* any logged-in user */
	PERM_UNITS_READ,      /* see units */
	PERM_UNITS_WRITE,     /* create, rename, delete, import units */
	PERM_USERS_READ,      /* list users and their grants */
	PERM_USERS_WRITE,     /* create users, grant roles, reset passwords, disable */
	PERM_AUDIT_READ,      /* read the audit log of records */
	PERM_SENSITIVE,	      /* reveal sensitive personal data (audited) */
	PERM_PEOPLE_READ,     /* see people (national ids masked) */
	PERM_PEOPLE_WRITE,    /* add, edit, import people */
	PERM_ORGS_READ,	      /* see partner organisations */
	PERM_ORGS_WRITE,      /* add, edit organisations */
	PERM_TEAMS_READ,      /* see teams and their rosters */
	PERM_TEAMS_WRITE,     /* create teams, change rosters (members, roles, terms) */
	PERM_TIPS_READ,	      /* the tip inbox: tips, their timeline and files (never the identity) */
	PERM_TIPS_WRITE,      /* triage tips: status, assignment, case link, replies to the citizen */
	PERM_CASES_READ,      /* see cases and their counts */
	PERM_CASES_WRITE,     /* open and change cases, link tips to them */
	PERM_ALARMS_READ,     /* see alarms and receive them live (the event stream) */
	PERM_ALARMS_RAISE,    /* raise an alarm from the app */
	PERM_ALARMS_RESPOND,  /* acknowledge, respond to, resolve an alarm; share one's duty location */
	PERM_ENROL,	      /* enrol households for the alarm (secret link, QR card) and revoke them */
	PERM_WARNINGS_WRITE,  /* issue public warnings (CAP, public pages) */
	PERM_MOVEMENT_READ,   /* outreach sessions, models, exemplars and their statistics */
	PERM_OUTREACH_WRITE,  /* record sessions, models, exemplars (coordinators: their organisation's) */
	PERM_PATROLS_READ,    /* rosters, patrols, violation records */
	PERM_PATROLS_WRITE,   /* keep rosters, record patrols and violations (team leaders: their team's) */
	PERM_CHECKIN,	      /* check in on a patrol one is assigned to */
	PERM_MEDIATION_READ,  /* mediation cases and the mediation book */
	PERM_MEDIATION_WRITE, /* record mediation cases (team leaders: their team's) */
	PERM_COUNT
};

struct grant {
	int64_t id;
	enum role role;
	int64_t unit_id;       /* 0: the whole installation */
	const char *unit_path; /* "/1/5/" or NULL for the whole installation */
	int64_t team_id;       /* 0 when the grant is on a unit */
};

struct principal {
	int64_t user_id;
	const char *username;
	const char *display_name;
	int ngrants;
	const struct grant *grants;
};

/* Role names as the API and database spell them ("admin", "officer", …), indexed by enum role,
 * NULL-terminated. */
extern const char *const perm_role_names[];
/* Returns the role for a name, or -1 when unknown. */
int perm_role_parse(const char *name);
/* Does this role carry this permission? */
bool perm_role_has(enum role role, enum perm perm);
/* Does the user hold `perm` through any grant (anywhere)? PERM_PUBLIC is always true. */
bool perm_any(const struct principal *p, enum perm perm);
/* Does the user hold `perm` on the unit whose path is `unit_path`? */
bool perm_on_unit(const struct principal *p, enum perm perm, const char *unit_path);
/* Does the user hold `perm` on team `team_id` (whose unit path is `team_unit_path`): through a unit
 * grant on that unit or above it, or through a grant on the team itself? */
bool perm_on_team(const struct principal *p, enum perm perm, int64_t team_id, const char *team_unit_path);
/* Is `path` inside (or equal to) `root`? Both are materialised paths. */
bool perm_path_within(const char *path, const char *root);
/* The roots of the unit subtrees where p holds `perm` through unit grants (team grants do not count),
 * none inside another, into out (room for max; p->ngrants + 1 is always enough). Sets *all when a grant
 * covers the whole installation (that grant adds no root). Returns how many roots were written. */
int perm_roots(const struct principal *p, enum perm perm, const char **out, int max, bool *all);
/* May a user holding `grantor` give role `role` on `unit_path`? Only within the grantor's own scope,
 * and never a role above the grantor's own (an officer cannot create admins). */
bool perm_may_grant(const struct principal *grantor, enum role role, const char *unit_path);

#endif
