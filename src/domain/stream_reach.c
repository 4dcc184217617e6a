/*
 * stream_reach.c: the reach rule of stream_reach.h.
 */
#include "domain/stream_reach.h"

#include <stddef.h>

bool stream_reach_allows(const struct reach_grant *g, int n, enum perm perm, int reach,
			 const char *event_path)
{
	if (perm == PERM_PUBLIC || perm == PERM_LOGGED_IN)
		return true;
	for (int i = 0; i < n; i++) {
		if (!perm_role_has(g[i].role, perm))
			continue;
		if (!g[i].team && !g[i].path)
			return true;
		if (!g[i].path || !event_path || !*event_path)
			continue;
		if (reach == 0) {
			if (!g[i].team && perm_path_within(event_path, g[i].path))
				return true;
		} else if (perm_path_within(event_path, g[i].path) ||
			   perm_path_within(g[i].path, event_path)) {
			return true;
		}
	}
	return false;
}
