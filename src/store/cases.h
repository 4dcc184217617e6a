/*
 * cases.h: the queries about cases (vụ việc) — what the station handles, whatever brought it in (a
 * tip, a patrol, an alarm, a walk-in, a referral) — and their counts by category and month for the
 * reports. Every case belongs to a unit and carries its commune; callers check permissions against
 * the unit's path, which every row read here carries. Tips are linked to a case through tips.case_id
 * (store/tips.h). Callers hold the transaction when they need one. Strings are arena copies.
 */
#ifndef TIENGMO_STORE_CASES_H
#define TIENGMO_STORE_CASES_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/arena.h"
#include "store/store.h"

#define CASE_SUMMARY_MAX 5000
#define CASE_PLACE_MAX 500

/* Names as the API and database spell them, NULL-terminated. */
extern const char *const cases_category_names[]; /* crime, social_evil, traffic_accident, fire, … */
extern const char *const cases_source_names[];	 /* tip, patrol, alarm, walk_in, referral */
extern const char *const cases_status_names[];	 /* open, investigating, transferred, closed */

struct case_row {
	int64_t id;
	int64_t unit_id;
	int64_t commune_id;
	const char *unit_path;
	const char *category;
	int64_t occurred_at;
	const char *place; /* NULL when not said */
	const char *source;
	const char *status;
	const char *summary;
	int64_t created_by; /* 0 when unknown */
	int64_t created_at;
	int64_t updated_at;
};

/* Inserts c (its id, path and times are ignored; commune_id must be set). STORE_OK and *id. */
int cases_insert(struct store *db, const struct case_row *c, int64_t now, int64_t *id);
/* Replaces every field but id, created_by and created_at. STORE_OK or STORE_DONE. */
int cases_update(struct store *db, const struct case_row *c, int64_t now);
/* One case. STORE_ROW and *c, STORE_DONE, or an error. */
int cases_get(struct store *db, struct arena *a, int64_t id, struct case_row *c);

struct cases_query {
	const char *unit_path;			/* subtree; NULL for all */
	const char *status, *category, *source; /* "" or NULL: any */
	int64_t from, to;			/* occurred_at in [from, to); 0 for open ends */
	int64_t after_id;
	int limit;
};
/* A page of cases by ascending id. STORE_OK or an error. */
int cases_list(struct store *db, struct arena *a, const struct cases_query *q, struct case_row **out, int *n);

/* Adds to counts[i] (indexed like cases_category_names) the cases of the subtree unit_path that
 * occurred in [from, to). STORE_OK or an error. */
int cases_count_by_category(struct store *db, const char *unit_path, int64_t from, int64_t to,
			    int64_t *counts);

#endif
