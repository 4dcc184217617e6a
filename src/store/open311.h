/*
 * open311.h: the public view of tips that Open311 GET requests shows. Only tips of public categories
 * (tip_categories.is_public = 1) are ever read here; a tip of a private category is "not found". A row
 * carries nothing that could identify a tipster: no description, no address typed by the citizen, no
 * identity, no source — only the category, the triage status, the times, the unit's name (block level)
 * and the location, which callers round before they publish it. Strings are arena copies.
 */
#ifndef TIENGMO_STORE_OPEN311_H
#define TIENGMO_STORE_OPEN311_H
#include <stdbool.h>
#include <stdint.h>

#include "lib/arena.h"
#include "store/store.h"

struct open311_row {
	int64_t id;
	const char *category;
	const char *category_name;
	const char *status; /* the tip's triage status */
	const char *unit_name;
	bool has_location;
	double lat, lng;
	int64_t created_at;
	int64_t updated_at;
};

/* Public tips, newest first: of `category` (NULL: any public one), closed (1: resolved, unfounded or
 * duplicate; 0: the others; -1: both), created in [from, to) (0: open end), at most `max`. STORE_OK or
 * an error. */
int open311_requests(struct store *db, struct arena *a, const char *category, int closed, int64_t from,
		     int64_t to, int max, struct open311_row **out, int *n);
/* One public tip. STORE_ROW and *row, STORE_DONE when absent or private, or an error. */
int open311_request(struct store *db, struct arena *a, int64_t id, struct open311_row *row);

#endif
