/*
 * alarm_rules.c: the alarm's state machine, merge window, escalation rule, area reach, gong patterns
 * and distances of alarm_rules.h.
 */
#include "domain/alarm_rules.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

const char *const alarm_status_names[] = {"raised",   "acknowledged", "responding",
					  "resolved", "false_alarm",  NULL};

int alarm_status_parse(const char *name)
{
	for (int i = 0; name && alarm_status_names[i]; i++)
		if (strcmp(alarm_status_names[i], name) == 0)
			return i;
	return -1;
}

bool alarm_is_open(enum alarm_status s)
{
	return s == ALARM_RAISED || s == ALARM_ACKNOWLEDGED || s == ALARM_RESPONDING;
}

int alarm_action_check(enum alarm_status from, enum alarm_action action, bool false_alarm,
		       enum alarm_status *to, char *why, size_t whylen)
{
	if ((unsigned)from >= ALARM_STATUS_COUNT) {
		snprintf(why, whylen, "the alarm's status is unknown");
		return 1;
	}
	if (!alarm_is_open(from)) {
		snprintf(why, whylen, "the alarm is already '%s'", alarm_status_names[from]);
		return 1;
	}
	switch (action) {
	case ALARM_ACT_ACK:
		if (from != ALARM_RAISED) {
			snprintf(why, whylen, "the alarm is already '%s'", alarm_status_names[from]);
			return 1;
		}
		*to = ALARM_ACKNOWLEDGED;
		return 0;
	case ALARM_ACT_RESPOND:
		*to = ALARM_RESPONDING;
		return 0;
	case ALARM_ACT_RESOLVE:
		*to = false_alarm ? ALARM_FALSE : ALARM_RESOLVED;
		return 0;
	}
	snprintf(why, whylen, "unknown action");
	return 1;
}

bool alarm_should_merge(enum alarm_status s, int64_t last_press_at, int64_t now)
{
	return alarm_is_open(s) && now >= last_press_at && now - last_press_at < ALARM_MERGE_WINDOW;
}

bool alarm_escalation_due(enum alarm_status s, bool escalated, int64_t raised_at, int64_t now, int64_t after)
{
	return s == ALARM_RAISED && !escalated && raised_at + after < now;
}

bool alarm_area_allows(const struct principal *p, enum perm perm, const char *audience_path)
{
	if (!p || p->user_id == 0 || !audience_path)
		return false;
	for (int i = 0; i < p->ngrants; i++) {
		const struct grant *g = &p->grants[i];
		if (!perm_role_has(g->role, perm))
			continue;
		if (!g->unit_path) {
			if (!g->team_id)
				return true; /* the whole installation */
			continue;
		}
		if (perm_path_within(audience_path, g->unit_path) ||
		    perm_path_within(g->unit_path, audience_path))
			return true;
	}
	return false;
}

bool alarm_gong_pattern_valid(const char *s)
{
	int groups = 0;
	if (!s || !*s)
		return false;
	for (;;) {
		if (*s < '1' || *s > '9')
			return false;
		s++;
		if (++groups > 8)
			return false;
		if (*s == '\0')
			return true;
		if (*s != '-')
			return false;
		s++;
	}
}

double alarm_distance_m(double lat1, double lng1, double lat2, double lng2)
{
	const double r = 6371008.8, rad = M_PI / 180.0;
	double dlat = (lat2 - lat1) * rad, dlng = (lng2 - lng1) * rad;
	double a =
	    sin(dlat / 2) * sin(dlat / 2) + cos(lat1 * rad) * cos(lat2 * rad) * sin(dlng / 2) * sin(dlng / 2);
	if (a > 1)
		a = 1;
	return 2 * r * asin(sqrt(a));
}

bool alarm_point_valid(double lat, double lng)
{
	return isfinite(lat) && isfinite(lng) && lat >= -90 && lat <= 90 && lng >= -180 && lng <= 180;
}

static bool nearer(const struct alarm_near *a, const struct alarm_near *b)
{
	return a->distance_m < b->distance_m || (a->distance_m == b->distance_m && a->user_id < b->user_id);
}

void alarm_nearest(const struct alarm_near *c, int n, int k, struct alarm_near *out, int *nout)
{
	int m = 0;
	if (k > ALARM_NEAREST)
		k = ALARM_NEAREST;
	for (int i = 0; i < n; i++) {
		struct alarm_near x = c[i];
		int at = -1;
		for (int j = 0; j < m; j++)
			if (out[j].user_id == x.user_id)
				at = j;
		if (at >= 0) { /* the same user again: keep the nearer entry */
			if (!nearer(&x, &out[at]))
				continue;
			for (int j = at; j + 1 < m; j++)
				out[j] = out[j + 1];
			m--;
		}
		/* a user whose entry fell off a full list cannot come back with a farther one: the k
		 * entries that pushed it off stay nearer */
		int pos = m;
		while (pos > 0 && nearer(&x, &out[pos - 1]))
			pos--;
		if (pos >= k)
			continue;
		if (m == k)
			m--;
		for (int j = m; j > pos; j--)
			out[j] = out[j - 1];
		out[pos] = x;
		m++;
	}
	*nout = m;
}
