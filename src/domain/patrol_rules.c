/*
 * patrol_rules.c: the calendar arithmetic of rosters (ISO weeks, Vietnamese days, shift times) and the
 * patrol and violation rules of patrol_rules.h. No HTTP, no SQL, no clock: callers pass the times in.
 */
#include "domain/patrol_rules.h"

#include <stdio.h>
#include <string.h>

#include "lib/timeutil.h"

const char *const patrol_state_names[] = {"planned", "open", "ended", NULL};
const char *const violation_action_names[] = {"reminder", "record", "fine", "referral", NULL};

/* Days since 1970-01-01 of a civil date, and back (Howard Hinnant's algorithms). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

/* 0 = Monday … 6 = Sunday; day 0 (1970-01-01) was a Thursday. */
static int weekday(int64_t day)
{
	int64_t w = (day + 3) % 7;
	return (int)(w < 0 ? w + 7 : w);
}

/* The Monday of ISO week 1 of year y: the week holding 4 January. */
static int64_t week1_monday(int64_t y)
{
	int64_t jan4 = days_from_civil(y, 1, 4);
	return jan4 - weekday(jan4);
}

static bool digits(const char *s, int n)
{
	for (int i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

int roster_week_parse(const char *s, int64_t *monday)
{
	if (!s || strlen(s) != 8 || !digits(s, 4) || s[4] != '-' || s[5] != 'W' || !digits(s + 6, 2))
		return -1;
	int64_t y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	int w = (s[6] - '0') * 10 + (s[7] - '0');
	if (y < 2000 || y > 2100 || w < 1 || w > 53)
		return -1;
	int64_t start = week1_monday(y);
	int64_t weeks = (week1_monday(y + 1) - start) / 7;
	if (w > weeks)
		return -1;
	*monday = start + (int64_t)(w - 1) * 7;
	return 0;
}

void roster_week_format(int64_t day, char *out, size_t outlen)
{
	int64_t y;
	int m, d;
	int64_t thursday = day - weekday(day) + 3; /* the ISO year is the Thursday's year */
	civil_from_days(thursday, &y, &m, &d);
	int64_t w = (day - week1_monday(y)) / 7 + 1;
	snprintf(out, outlen, "%04d-W%02d", (int)y, (int)w);
}

char *roster_day_format(int64_t day, char *out, size_t outlen)
{
	int64_t y;
	int m, d;
	civil_from_days(day, &y, &m, &d);
	snprintf(out, outlen, "%04d-%02d-%02d", (int)y, m, d);
	return out;
}

int roster_day_parse(const char *s, int64_t *day)
{
	if (!s || strlen(s) != 10 || !digits(s, 4) || s[4] != '-' || !digits(s + 5, 2) || s[7] != '-' ||
	    !digits(s + 8, 2))
		return -1;
	int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	int m = (s[5] - '0') * 10 + (s[6] - '0');
	int d = (s[8] - '0') * 10 + (s[9] - '0');
	if (m < 1 || m > 12 || d < 1 || d > 31)
		return -1;
	int64_t z = days_from_civil(y, m, d);
	int64_t yy;
	int mm, dd;
	civil_from_days(z, &yy, &mm, &dd);
	if (mm != m || dd != d) /* 31 April and the like */
		return -1;
	*day = z;
	return 0;
}

int64_t roster_day_of(int64_t t)
{
	int64_t local = t + TIME_VN_OFFSET;
	return local >= 0 ? local / 86400 : (local - 86399) / 86400;
}

int roster_hhmm_parse(const char *s, int *minutes)
{
	if (!s || strlen(s) != 5 || !digits(s, 2) || s[2] != ':' || !digits(s + 3, 2))
		return -1;
	int h = (s[0] - '0') * 10 + (s[1] - '0');
	int m = (s[3] - '0') * 10 + (s[4] - '0');
	if (h > 23 || m > 59)
		return -1;
	*minutes = h * 60 + m;
	return 0;
}

char *roster_hhmm_format(int minutes, char *out, size_t outlen)
{
	snprintf(out, outlen, "%02d:%02d", (minutes / 60) % 24, minutes % 60);
	return out;
}

void roster_shift_times(int64_t day, int start_min, int end_min, int64_t *starts, int64_t *ends)
{
	int64_t midnight = day * 86400 - TIME_VN_OFFSET;
	*starts = midnight + (int64_t)start_min * 60;
	*ends = midnight + (int64_t)end_min * 60 + (end_min <= start_min ? 86400 : 0);
}

enum patrol_state patrol_state_of(int64_t started_at, int64_t ended_at)
{
	if (ended_at)
		return PATROL_ENDED;
	return started_at ? PATROL_OPEN : PATROL_PLANNED;
}

enum checkin_verdict patrol_checkin_verdict(int64_t person_id, bool assigned, enum patrol_state state)
{
	if (!person_id)
		return CHECKIN_NO_PERSON;
	if (!assigned)
		return CHECKIN_NOT_ASSIGNED;
	if (state == PATROL_PLANNED)
		return CHECKIN_NOT_STARTED;
	if (state == PATROL_ENDED)
		return CHECKIN_ENDED;
	return CHECKIN_OK;
}

const char *patrol_checkin_message(enum checkin_verdict v)
{
	switch (v) {
	case CHECKIN_NO_PERSON:
		return "your account is not linked to a person of the register: ask an officer to link it";
	case CHECKIN_NOT_ASSIGNED:
		return "you are not assigned to this patrol";
	case CHECKIN_NOT_STARTED:
		return "the patrol has not started yet: check in once the leader starts it";
	case CHECKIN_ENDED:
		return "the patrol has ended: check-in is closed";
	case CHECKIN_OK:
		break;
	}
	return "";
}

bool violation_needs_record_no(int action)
{
	return action == VIOLATION_RECORD || action == VIOLATION_FINE;
}

bool violation_needs_fine(int action)
{
	return action == VIOLATION_FINE;
}
