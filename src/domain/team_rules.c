/*
 * team_rules.c: the rules of security & order teams and mediation teams over their members, and the
 * date arithmetic they need (see team_rules.h). Pure: no SQL, no HTTP, no allocation.
 */
#include "domain/team_rules.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

const char *const team_kind_names[] = {
    "security_order",  "mediation", "self_managed", "shock", "community_self_managed",
    "fire_prevention", NULL};
const char *const team_role_names[] = {"leader", "deputy", "member", NULL};

int team_name_index(const char *const *names, const char *name)
{
	if (!name)
		return -1;
	for (int i = 0; names[i]; i++)
		if (strcmp(names[i], name) == 0)
			return i;
	return -1;
}

enum team_gender team_gender_parse(const char *name)
{
	if (!name)
		return TEAM_GENDER_UNKNOWN;
	if (strcmp(name, "male") == 0)
		return TEAM_GENDER_MALE;
	if (strcmp(name, "female") == 0)
		return TEAM_GENDER_FEMALE;
	if (strcmp(name, "other") == 0)
		return TEAM_GENDER_OTHER;
	return TEAM_GENDER_UNKNOWN;
}

static bool leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Splits "YYYY-MM-DD" into its numbers; 0, or -1 when it is not a real date in 1900..2200. */
static int split_date(const char *s, int *y, int *m, int *d)
{
	static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	int v[3] = {0, 0, 0};
	const int start[3] = {0, 5, 8}, len[3] = {4, 2, 2};
	for (int k = 0; k < 3; k++)
		for (int i = 0; i < len[k]; i++) {
			char c = s[start[k] + i];
			if (c < '0' || c > '9')
				return -1;
			v[k] = v[k] * 10 + (c - '0');
		}
	if (v[0] < 1900 || v[0] > 2200 || v[1] < 1 || v[1] > 12 || v[2] < 1)
		return -1;
	int max = mdays[v[1] - 1] + (v[1] == 2 && leap(v[0]) ? 1 : 0);
	if (v[2] > max)
		return -1;
	*y = v[0];
	*m = v[1];
	*d = v[2];
	return 0;
}

bool team_date_valid(const char *s)
{
	int y, m, d;
	return split_date(s, &y, &m, &d) == 0;
}

char *team_today(int64_t now, char out[11])
{
	time_t local = (time_t)(now + 7 * 3600);
	struct tm tm;
	gmtime_r(&local, &tm);
	unsigned y = (unsigned)(tm.tm_year + 1900) % 10000u, m = (unsigned)(tm.tm_mon + 1) % 100u,
		 d = (unsigned)tm.tm_mday % 100u;
	snprintf(out, 11, "%04u-%02u-%02u", y, m, d);
	return out;
}

bool team_member_current(const struct team_member_facts *m, const char *today)
{
	return !m->term_to || !*m->term_to || strcmp(m->term_to, today) >= 0;
}

int team_age_at(const char *birth_date, int birth_year, const char *on, int *age)
{
	int by, bm, bd, y, m, d;
	if (split_date(on, &y, &m, &d) != 0)
		return -1;
	if (birth_date) {
		if (split_date(birth_date, &by, &bm, &bd) != 0)
			return -1;
	} else if (birth_year > 0) {
		by = birth_year;
		bm = 7;
		bd = 1;
	} else {
		return -1;
	}
	/* a 29 February birthday falls on 1 March in a common year */
	if (bm == 2 && bd == 29 && !leap(y)) {
		bm = 3;
		bd = 1;
	}
	int years = y - by;
	if (m < bm || (m == bm && d < bd))
		years--;
	*age = years;
	return 0;
}

/* The next free warning with `code`, or NULL when out is full. The caller writes its message. */
static char *add(struct team_warning *out, int *n, const char *code)
{
	if (*n >= TEAM_WARNINGS_MAX)
		return NULL;
	out[*n].code = code;
	out[*n].message[0] = '\0';
	return out[(*n)++].message;
}

#define MSG(code, ...)                                                                                       \
	do {                                                                                                 \
		char *msg_ = add(out, &nw, code);                                                            \
		if (msg_)                                                                                    \
			snprintf(msg_, TEAM_WARNING_MSG_MAX, __VA_ARGS__);                                   \
	} while (0)

int team_rules_check(enum team_kind kind, const struct team_member_facts *members, int n, const char *today,
		     struct team_warning out[TEAM_WARNINGS_MAX])
{
	int nw = 0, current = 0, leaders = 0, deputies = 0, women = 0, bad_age = 0;
	for (int i = 0; i < n; i++) {
		const struct team_member_facts *m = &members[i];
		if (!team_member_current(m, today))
			continue;
		current++;
		leaders += m->role == TEAM_ROLE_LEADER;
		deputies += m->role == TEAM_ROLE_DEPUTY;
		women += m->gender == TEAM_GENDER_FEMALE;
		int age;
		if (team_age_at(m->birth_date, m->birth_year, m->term_from, &age) == 0 &&
		    (age < 18 || age > 70))
			bad_age++;
	}
	switch (kind) {
	case TEAM_SECURITY_ORDER:
		if (leaders != 1)
			MSG("leader_count",
			    "a security and order team needs exactly one leader; it has %d (Law "
			    "30/2023/QH15)",
			    leaders);
		if (deputies > 1)
			MSG("deputy_count",
			    "a security and order team has at most one deputy; it has %d (Law 30/2023/QH15)",
			    deputies);
		if (bad_age)
			MSG("member_age",
			    "%d member%s aged under 18 or over 70 when appointed; members must be 18 to 70 "
			    "(Law 30/2023/QH15)",
			    bad_age, bad_age == 1 ? " was" : "s were");
		break;
	case TEAM_MEDIATION:
		if (leaders == 0)
			MSG("leader_missing", "a mediation team needs a leader (Law 35/2013/QH13 art. 12)");
		if (current < 3)
			MSG("too_few_mediators",
			    "a mediation team needs at least 3 mediators, the leader included; it has %d "
			    "(Law 35/2013/QH13 art. 12)",
			    current);
		if (women == 0)
			MSG("no_woman",
			    "a mediation team needs at least one woman among its mediators (Law 35/2013/QH13 "
			    "art. 12)");
		break;
	default:
		break;
	}
	return nw;
}
