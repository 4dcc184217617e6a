/*
 * stream_reach.h: who sees a live event — the rule of http/stream.h as a pure function of a user's
 * grants and the event's permission, reach and unit path. No HTTP, no SQL: the hub resolves a team
 * grant's unit path (the team's unit) before asking.
 */
#ifndef TIENGMO_STREAM_REACH_H
#define TIENGMO_STREAM_REACH_H
#include <stdbool.h>
#include <stdint.h>

#include "domain/perm.h"

/* A grant as the rule needs it: the role and the unit path it covers (for a team grant, the team's
 * unit; NULL for a grant on the whole installation). */
struct reach_grant {
	enum role role;
	const char *path;
	bool team; /* a grant on a team, not on a unit */
};

/* May a holder of grants g[0..n) see an event needing `perm` with reach `reach` (0 record, 1 area) on
 * the unit path `event_path`?
 *   record: some unit grant carrying perm covers event_path (P within G), team grants never;
 *   area:   some grant carrying perm, team grants included, has P within G or G within P.
 * A grant on the whole installation (path NULL, not a team) covers everything. An event with no path
 * reaches only such grants. */
bool stream_reach_allows(const struct reach_grant *g, int n, enum perm perm, int reach,
			 const char *event_path);

#endif
