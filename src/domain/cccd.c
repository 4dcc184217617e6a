/*
 * cccd.c: the CCCD number rules of cccd.h — digits, province code, century-and-gender digit and the
 * birth year it implies. Pure functions, no storage, no logging.
 */
#include "domain/cccd.h"

#include <stdio.h>
#include <string.h>

int cccd_birth_year(const char *s)
{
	int century = (s[3] - '0') / 2; /* 0: 1900s, 1: 2000s, … */
	return 1900 + century * 100 + (s[4] - '0') * 10 + (s[5] - '0');
}

int cccd_female(const char *s)
{
	return (s[3] - '0') % 2;
}

int cccd_check(const char *s, const char *gender, int birth_year, char *msg, size_t msglen)
{
	size_t n = s ? strlen(s) : 0;
	if (n != CCCD_LEN) {
		snprintf(msg, msglen, "national id must be exactly 12 digits (it has %zu characters)", n);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9') {
			snprintf(msg, msglen,
				 "national id must be 12 digits, without letters, spaces or dots");
			return -1;
		}
	}
	int province = (s[0] - '0') * 100 + (s[1] - '0') * 10 + (s[2] - '0');
	if (province < 1 || province > 96) {
		snprintf(msg, msglen,
			 "national id must start with a province code from 001 to 096, not '%03d'", province);
		return -1;
	}
	int female = cccd_female(s);
	int year = cccd_birth_year(s);
	if (gender && (strcmp(gender, "male") == 0 || strcmp(gender, "female") == 0) &&
	    female != (strcmp(gender, "female") == 0)) {
		snprintf(msg, msglen, "national id's 4th digit (%c) is for a %s, but gender is '%s'", s[3],
			 female ? "woman" : "man", gender);
		return -1;
	}
	if (birth_year && year != birth_year) {
		snprintf(msg, msglen,
			 "national id's 4th to 6th digits say born in %d, but the birth year is %d", year,
			 birth_year);
		return -1;
	}
	return 0;
}
