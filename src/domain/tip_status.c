/*
 * tip_status.c: the transition table of tip_status.h and the messages that explain a refusal.
 */
#include "domain/tip_status.h"

#include <stdio.h>
#include <string.h>

const char *const tip_status_names[] = {"new",	     "verifying", "forwarded", "resolved",
					"unfounded", "duplicate", NULL};

/* allowed[from][to] */
static const bool allowed[TIP_STATUS_COUNT][TIP_STATUS_COUNT] = {
    [TIP_NEW] = {[TIP_VERIFYING] = true, [TIP_DUPLICATE] = true},
    [TIP_VERIFYING] =
	{[TIP_FORWARDED] = true, [TIP_RESOLVED] = true, [TIP_UNFOUNDED] = true, [TIP_DUPLICATE] = true},
    [TIP_FORWARDED] = {[TIP_RESOLVED] = true, [TIP_VERIFYING] = true},
    [TIP_RESOLVED] = {[TIP_VERIFYING] = true},
    [TIP_UNFOUNDED] = {[TIP_VERIFYING] = true},
    [TIP_DUPLICATE] = {[TIP_VERIFYING] = true},
};

int tip_status_parse(const char *name)
{
	if (!name)
		return -1;
	for (int i = 0; tip_status_names[i]; i++)
		if (strcmp(tip_status_names[i], name) == 0)
			return i;
	return -1;
}

bool tip_status_allowed(enum tip_status from, enum tip_status to)
{
	if ((unsigned)from >= TIP_STATUS_COUNT || (unsigned)to >= TIP_STATUS_COUNT)
		return false;
	return allowed[from][to];
}

int tip_status_check(enum tip_status from, enum tip_status to, long long duplicate_of, char *why,
		     size_t whylen)
{
	if ((unsigned)from >= TIP_STATUS_COUNT || (unsigned)to >= TIP_STATUS_COUNT) {
		snprintf(why, whylen, "unknown status");
		return 1;
	}
	if (!tip_status_allowed(from, to)) {
		if (from == to)
			snprintf(why, whylen, "the tip is already '%s'", tip_status_names[to]);
		else if (from == TIP_NEW)
			snprintf(why, whylen,
				 "a tip cannot go from 'new' to '%s'; set it to 'verifying' first",
				 tip_status_names[to]);
		else
			snprintf(why, whylen, "a tip cannot go from '%s' to '%s'", tip_status_names[from],
				 tip_status_names[to]);
		return 1;
	}
	if (to == TIP_DUPLICATE && duplicate_of <= 0) {
		snprintf(why, whylen, "say which tip this one repeats ('duplicate_of')");
		return 2;
	}
	if (to != TIP_DUPLICATE && duplicate_of > 0) {
		snprintf(why, whylen, "'duplicate_of' goes only with the status 'duplicate'");
		return 2;
	}
	return 0;
}
