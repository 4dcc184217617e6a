/*
 * movement.c: the rules of movement.h (outreach, models, exemplars) — pure functions over a principal
 * and values; no HTTP, no SQL.
 */
#include "domain/movement.h"

#include <string.h>

#include "lib/vn.h"

bool movement_may_write(const struct principal *p, const char *unit_path, int64_t own_org,
			const int64_t *orgs, int norgs)
{
	bool own = false;
	for (int i = 0; own_org && i < norgs; i++)
		own = own || orgs[i] == own_org;
	for (int i = 0; i < p->ngrants; i++) {
		const struct grant *g = &p->grants[i];
		if (g->team_id || !perm_role_has(g->role, PERM_OUTREACH_WRITE))
			continue;
		if (g->unit_path && (!unit_path || !perm_path_within(unit_path, g->unit_path)))
			continue;
		if (g->role != ROLE_COORDINATOR || own)
			return true;
	}
	return false;
}

bool movement_may_add_topic(const struct principal *p)
{
	for (int i = 0; i < p->ngrants; i++)
		if (!p->grants[i].team_id && p->grants[i].role != ROLE_COORDINATOR &&
		    perm_role_has(p->grants[i].role, PERM_OUTREACH_WRITE))
			return true;
	return false;
}

int movement_series_times(int64_t first, int every_days, int count, int64_t *out)
{
	if (count < 1 || count > MOVEMENT_SERIES_MAX || every_days < 1 || every_days > 366)
		return -1;
	for (int i = 0; i < count; i++)
		out[i] = first + (int64_t)i * every_days * 86400;
	return 0;
}

bool movement_participants_ok(int64_t participants, int64_t audience_sum)
{
	return participants >= 0 && participants >= audience_sum;
}

int movement_topic_code(const char *name, char *out, size_t outlen)
{
	char folded[512];
	size_t k = 0;
	bool gap = false;
	if (outlen < 2 || vn_fold(name, folded, sizeof folded) < 0)
		return -1;
	size_t max = outlen - 1 < 48 ? outlen - 1 : 48;
	for (const char *c = folded; *c && k < max; c++) {
		char ch = *c;
		if (ch >= 'A' && ch <= 'Z')
			ch = (char)(ch - 'A' + 'a');
		if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')) {
			if (gap && k > 0 && k + 1 < max)
				out[k++] = '_';
			out[k++] = ch;
			gap = false;
		} else {
			gap = true;
		}
	}
	out[k] = '\0';
	return k ? 0 : -1;
}
