/*
 * timeutil.c: conversions between Unix seconds and RFC 3339 text (see timeutil.h).
 */
#include "lib/timeutil.h"

#include <stdint.h>
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

/* Two digits of v (0..99) at p. */
static void put2(char *p, int v)
{
	p[0] = (char)('0' + v / 10);
	p[1] = (char)('0' + v % 10);
}

/* Howard Hinnant's civil_from_days: the proleptic Gregorian date of `days` since 1970-01-01, for any
 * day in int64 range divided by 400 years. No locks, no time zone database (gmtime_r takes glibc's
 * global time zone lock, which every worker thread would contend for). */
static void civil_from_days(int64_t days, int64_t *y, int *m, int *d)
{
	int64_t z = days + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;					     /* [0, 146096] */
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365; /* [0, 399] */
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);		     /* [0, 365] */
	int64_t mp = (5 * doy + 2) / 153;				     /* [0, 11], from March */
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

char *time_format_rfc3339(int64_t t, char *out, size_t outlen)
{
	if (outlen == 0)
		return out;
	/* beyond ±2^62 seconds the offset would overflow; no stored time comes near */
	int64_t local = t > INT64_MAX / 2 || t < INT64_MIN / 2 ? t : t + TIME_VN_OFFSET;
	int64_t days = local / 86400, sod = local % 86400;
	if (sod < 0) {
		sod += 86400;
		days--;
	}
	/* the times of one response mostly fall on a few days: remember the last one this thread saw */
	static _Thread_local int64_t memo_days = INT64_MIN, memo_y;
	static _Thread_local int memo_m, memo_d;
	if (days != memo_days) {
		civil_from_days(days, &memo_y, &memo_m, &memo_d);
		memo_days = days;
	}
	int64_t y = memo_y;
	int mo = memo_m, d = memo_d;
	int h = (int)(sod / 3600), mi = (int)(sod / 60 % 60), se = (int)(sod % 60);
	if (y < 0 || y > 9999 || outlen < 26) { /* rare: let snprintf render (or cut) it */
		snprintf(out, outlen, "%04lld-%02d-%02dT%02d:%02d:%02d+07:00", (long long)y, mo, d, h, mi,
			 se);
		return out;
	}
	put2(out, (int)(y / 100));
	put2(out + 2, (int)(y % 100));
	out[4] = '-';
	put2(out + 5, mo);
	out[7] = '-';
	put2(out + 8, d);
	out[10] = 'T';
	put2(out + 11, h);
	out[13] = ':';
	put2(out + 14, mi);
	out[16] = ':';
	put2(out + 17, se);
	memcpy(out + 19, "+07:00", 7);
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
