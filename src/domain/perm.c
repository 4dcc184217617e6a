/*
 * perm.c: the role × permission table and the unit-subtree checks of perm.h.
 */
#include "domain/perm.h"

#include <string.h>

const char *const perm_role_names[] = {"admin",	 "officer", "coordinator", "team_leader",
				       "member", "viewer",  NULL};

/* What each role may do. Scope comes from the grant: a role on a unit reaches that unit's subtree. */
#define ALL_READ                                                                                             \
	[PERM_PUBLIC] = true, [PERM_LOGGED_IN] = true, [PERM_UNITS_READ] = true, [PERM_PEOPLE_READ] = true,  \
	[PERM_ORGS_READ] = true, [PERM_TEAMS_READ] = true, [PERM_MOVEMENT_READ] = true
/* Tips and cases are police work (crime data is sensitive personal data, Decree 13/2023 art. 2): only
 * officers and admins read or write them; a viewer sees their counts in reports, not the records. */
#define TIPS_CASES                                                                                           \
	[PERM_TIPS_READ] = true, [PERM_TIPS_WRITE] = true, [PERM_CASES_READ] = true, [PERM_CASES_WRITE] = true
/* The alarm: everyone who answers it (members on duty, their leaders, the police). */
#define ALARMS [PERM_ALARMS_READ] = true, [PERM_ALARMS_RAISE] = true, [PERM_ALARMS_RESPOND] = true
/* The forces' own books: patrols and violation records, mediation cases (parties are personal data). */
#define BOOKS_READ [PERM_PATROLS_READ] = true, [PERM_MEDIATION_READ] = true
#define BOOKS_WRITE [PERM_PATROLS_WRITE] = true, [PERM_MEDIATION_WRITE] = true, [PERM_CHECKIN] = true
static const bool table[ROLE_COUNT][PERM_COUNT] = {
    [ROLE_ADMIN] = {ALL_READ, [PERM_UNITS_WRITE] = true, [PERM_USERS_READ] = true, [PERM_USERS_WRITE] = true,
		    [PERM_AUDIT_READ] = true, [PERM_SENSITIVE] = true, [PERM_PEOPLE_WRITE] = true,
		    [PERM_ORGS_WRITE] = true, [PERM_TEAMS_WRITE] = true, TIPS_CASES,
		    ALARMS, [PERM_ENROL] = true, [PERM_WARNINGS_WRITE] = true, [PERM_OUTREACH_WRITE] = true,
		    BOOKS_READ, BOOKS_WRITE},
    [ROLE_OFFICER] = {ALL_READ, [PERM_UNITS_WRITE] = true, [PERM_USERS_READ] = true, [PERM_AUDIT_READ] = true,
		      [PERM_SENSITIVE] = true, [PERM_PEOPLE_WRITE] = true, [PERM_ORGS_WRITE] = true,
		      [PERM_TEAMS_WRITE] = true, TIPS_CASES,
		      ALARMS, [PERM_ENROL] = true, [PERM_WARNINGS_WRITE] = true, [PERM_OUTREACH_WRITE] = true,
		      BOOKS_READ, BOOKS_WRITE},
    [ROLE_COORDINATOR] = {ALL_READ, [PERM_ORGS_WRITE] = true, [PERM_OUTREACH_WRITE] = true},
    [ROLE_TEAM_LEADER] = {ALL_READ, [PERM_PEOPLE_WRITE] = true, [PERM_TEAMS_WRITE] = true,
			  ALARMS, [PERM_ENROL] = true, BOOKS_READ, BOOKS_WRITE},
    [ROLE_MEMBER] = {ALL_READ, ALARMS, BOOKS_READ, [PERM_CHECKIN] = true},
    [ROLE_VIEWER] = {ALL_READ, BOOKS_READ},
};

int perm_role_parse(const char *name)
{
	for (int i = 0; perm_role_names[i]; i++)
		if (strcmp(perm_role_names[i], name) == 0)
			return i;
	return -1;
}

bool perm_role_has(enum role role, enum perm perm)
{
	if ((unsigned)role >= ROLE_COUNT || (unsigned)perm >= PERM_COUNT)
		return false;
	return table[role][perm];
}

bool perm_any(const struct principal *p, enum perm perm)
{
	if (perm == PERM_PUBLIC)
		return true;
	if (!p || p->user_id == 0)
		return false;
	if (perm == PERM_LOGGED_IN)
		return true;
	for (int i = 0; i < p->ngrants; i++)
		if (perm_role_has(p->grants[i].role, perm))
			return true;
	return false;
}

bool perm_path_within(const char *path, const char *root)
{
	if (!path || !root)
		return false;
	size_t n = strlen(root);
	return n > 0 && strncmp(path, root, n) == 0;
}

bool perm_on_unit(const struct principal *p, enum perm perm, const char *unit_path)
{
	if (perm == PERM_PUBLIC)
		return true;
	if (!p || p->user_id == 0)
		return false;
	for (int i = 0; i < p->ngrants; i++) {
		const struct grant *g = &p->grants[i];
		if (!perm_role_has(g->role, perm))
			continue;
		if (g->team_id)
			continue; /* a team grant reaches the team's records, not the unit's */
		if (!g->unit_path || perm_path_within(unit_path, g->unit_path))
			return true;
	}
	return false;
}

bool perm_on_team(const struct principal *p, enum perm perm, int64_t team_id, const char *team_unit_path)
{
	if (perm_on_unit(p, perm, team_unit_path))
		return true;
	if (!p || p->user_id == 0 || team_id == 0)
		return false;
	for (int i = 0; i < p->ngrants; i++) {
		const struct grant *g = &p->grants[i];
		if (g->team_id == team_id && perm_role_has(g->role, perm))
			return true;
	}
	return false;
}

int perm_roots(const struct principal *p, enum perm perm, const char **out, int max, bool *all)
{
	int n = 0;
	*all = false;
	if (!p)
		return 0;
	for (int i = 0; i < p->ngrants; i++) {
		const struct grant *g = &p->grants[i];
		if (g->team_id || !perm_role_has(g->role, perm))
			continue;
		if (!g->unit_path) {
			*all = true;
			continue;
		}
		bool covered = false;
		for (int k = 0; k < n && !covered; k++)
			covered = perm_path_within(g->unit_path, out[k]);
		if (covered)
			continue;
		int kept = 0; /* drop the roots this one covers */
		for (int k = 0; k < n; k++)
			if (!perm_path_within(out[k], g->unit_path))
				out[kept++] = out[k];
		n = kept;
		if (n < max)
			out[n++] = g->unit_path;
	}
	return n;
}

bool perm_may_grant(const struct principal *grantor, enum role role, const char *unit_path)
{
	if (!grantor || (unsigned)role >= ROLE_COUNT)
		return false;
	for (int i = 0; i < grantor->ngrants; i++) {
		const struct grant *g = &grantor->grants[i];
		if (!perm_role_has(g->role, PERM_USERS_WRITE) || g->team_id)
			continue;
		if (role < g->role)
			continue; /* never grant above your own role (lower enum value = more power) */
		if (!g->unit_path)
			return true; /* installation admin */
		if (unit_path && perm_path_within(unit_path, g->unit_path))
			return true;
	}
	return false;
}
