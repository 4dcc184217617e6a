/*
 * timeutil.c: conversions between Unix seconds and RFC 3339 text (see timeutil.h).
 */
#include "lib/timeutil.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

int64_t time_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec;
}

uint64_t time_mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

char *time_format_rfc3339(int64_t t, char *out, size_t outlen)
{
	time_t local = (time_t)(t + TIME_VN_OFFSET);
	struct tm tm;
	gmtime_r(&local, &tm);
	snprintf(out, outlen, "%04d-%02d-%02dT%02d:%02d:%02d+07:00", tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	return out;
}

static int digits(const char *s, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

static int days_in_month(int y, int m)
{
	static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 && leap ? 29 : d[m - 1];
}

int time_parse_rfc3339(const char *s, int64_t *t)
{
	int y, mo, d, h = 0, mi = 0, se = 0, off = TIME_VN_OFFSET;
	size_t len = strlen(s);
	if (len < 10 || digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &mo) || s[7] != '-' ||
	    digits(s + 8, 2, &d))
		return -1;
	if (y < 1800 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo))
		return -1;
	const char *p = s + 10;
	if (*p) {
		if ((*p != 'T' && *p != 't' && *p != ' ') || strlen(p) < 9 || digits(p + 1, 2, &h) ||
		    p[3] != ':' || digits(p + 4, 2, &mi) || p[6] != ':' || digits(p + 7, 2, &se))
			return -1;
		if (h > 23 || mi > 59 || se > 60)
			return -1;
		p += 9;
		if (*p == '.') {
			p++;
			if (*p < '0' || *p > '9')
				return -1;
			while (*p >= '0' && *p <= '9')
				p++;
		}
		if (*p == 'Z' || *p == 'z') {
			off = 0;
			p++;
		} else if (*p == '+' || *p == '-') {
			int oh, om;
			if (strlen(p) != 6 || digits(p + 1, 2, &oh) || p[3] != ':' || digits(p + 4, 2, &om) ||
			    oh > 23 || om > 59)
				return -1;
			off = (oh * 3600 + om * 60) * (*p == '-' ? -1 : 1);
			p += 6;
		} else {
			return -1;
		}
		if (*p)
			return -1;
	}
	/* days from civil (Howard Hinnant's algorithm) */
	int yy = mo <= 2 ? y - 1 : y;
	int era = (yy >= 0 ? yy : yy - 399) / 400;
	int yoe = yy - era * 400;
	int doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	int64_t days = (int64_t)era * 146097 + doe - 719468;
	*t = days * 86400 + h * 3600 + mi * 60 + se - off;
	return 0;
}
