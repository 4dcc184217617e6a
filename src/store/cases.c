/*
 * cases.c: the case queries of cases.h on the shared SQL of both engines; optional filters are bound
 * as values ('' or 0 for "any").
 */
#include "store/cases.h"

#include <stdio.h>
#include <string.h>

const char *const cases_category_names[] = {
    "crime", "social_evil", "traffic_accident", "fire", "dispute", "public_order", "epidemic", "other", NULL};
const char *const cases_source_names[] = {"tip", "patrol", "alarm", "walk_in", "referral", NULL};
const char *const cases_status_names[] = {"open", "investigating", "transferred", "closed", NULL};

int cases_insert(struct store *db, const struct case_row *c, int64_t now, int64_t *id)
{
	struct store_stmt *st;
	int rc = store_prepare(
	    db,
	    "INSERT INTO cases (unit_id, commune_id, category, occurred_at, place, source, status, "
	    "summary, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, "
	    "$10, $10) RETURNING id",
	    &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, c->unit_id);
	store_bind_i64(st, 2, c->commune_id);
	store_bind_text(st, 3, c->category);
	store_bind_i64(st, 4, c->occurred_at);
	store_bind_text(st, 5, c->place);
	store_bind_text(st, 6, c->source);
	store_bind_text(st, 7, c->status);
	store_bind_text(st, 8, c->summary);
	store_bind_opt_i64(st, 9, c->created_by);
	store_bind_i64(st, 10, now);
	rc = store_step_i64(st, id);
	if (rc == STORE_DONE)
		rc = STORE_E_DB;
	return rc == STORE_ROW ? STORE_OK : rc;
}

int cases_update(struct store *db, const struct case_row *c, int64_t now)
{
	struct store_stmt *st;
	int64_t got;
	int rc = store_prepare(
	    db,
	    "UPDATE cases SET unit_id = $2, commune_id = $3, category = $4, occurred_at = $5, "
	    "place = $6, source = $7, status = $8, summary = $9, updated_at = $10 WHERE id = $1 "
	    "RETURNING id",
	    &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, c->id);
	store_bind_i64(st, 2, c->unit_id);
	store_bind_i64(st, 3, c->commune_id);
	store_bind_text(st, 4, c->category);
	store_bind_i64(st, 5, c->occurred_at);
	store_bind_text(st, 6, c->place);
	store_bind_text(st, 7, c->source);
	store_bind_text(st, 8, c->status);
	store_bind_text(st, 9, c->summary);
	store_bind_i64(st, 10, now);
	rc = store_step_i64(st, &got);
	return rc == STORE_ROW ? STORE_OK : rc;
}

#define CASE_COLS                                                                                            \
	"c.id, c.unit_id, c.commune_id, u.path, c.category, c.occurred_at, c.place, c.source, c.status, "    \
	"c.summary, c.created_by, c.created_at, c.updated_at"
#define CASE_FROM " FROM cases c JOIN units u ON u.id = c.unit_id "

static int read_case(struct store_stmt *st, struct arena *a, struct case_row *c)
{
	bool ok = true;
	c->id = store_col_i64(st, 0);
	c->unit_id = store_col_i64(st, 1);
	c->commune_id = store_col_i64(st, 2);
	c->unit_path = store_col_dup(st, 3, a, &ok);
	c->category = store_col_dup(st, 4, a, &ok);
	c->occurred_at = store_col_i64(st, 5);
	c->place = store_col_dup(st, 6, a, &ok);
	c->source = store_col_dup(st, 7, a, &ok);
	c->status = store_col_dup(st, 8, a, &ok);
	c->summary = store_col_dup(st, 9, a, &ok);
	c->created_by = store_col_opt_i64(st, 10);
	c->created_at = store_col_i64(st, 11);
	c->updated_at = store_col_i64(st, 12);
	if (!c->unit_path || !c->category || !c->source || !c->status || !c->summary)
		ok = false;
	return ok ? STORE_OK : STORE_E_NOMEM;
}

int cases_get(struct store *db, struct arena *a, int64_t id, struct case_row *c)
{
	struct store_stmt *st;
	int rc = store_prepare(db, "SELECT " CASE_COLS CASE_FROM "WHERE c.id = $1", &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, id);
	rc = store_step(st);
	if (rc == STORE_ROW && read_case(st, a, c) != STORE_OK)
		rc = STORE_E_NOMEM;
	store_reset(st);
	return rc;
}

int cases_list(struct store *db, struct arena *a, const struct cases_query *q, struct case_row **out, int *n)
{
	struct store_stmt *st;
	int limit = q->limit > 0 ? q->limit : 1, rc, k = 0;
	const char *path = q->unit_path ? arena_printf(a, "%s%%", q->unit_path) : "%";
	*out = NULL;
	*n = 0;
	struct case_row *rows = arena_alloc(a, sizeof *rows * (size_t)limit);
	if (!rows || !path)
		return STORE_E_NOMEM;
	rc = store_prepare(
	    db,
	    "SELECT " CASE_COLS CASE_FROM
	    "WHERE c.id > $1 AND u.path LIKE $2 AND ($3 = '' OR c.status = $3) AND ($4 = '' OR "
	    "c.category = $4) AND ($5 = '' OR c.source = $5) AND c.occurred_at >= $6 AND c.occurred_at "
	    "< $7 ORDER BY c.id LIMIT $8",
	    &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, q->after_id);
	store_bind_text(st, 2, path);
	store_bind_text(st, 3, q->status ? q->status : "");
	store_bind_text(st, 4, q->category ? q->category : "");
	store_bind_text(st, 5, q->source ? q->source : "");
	store_bind_i64(st, 6, q->from ? q->from : INT64_MIN);
	store_bind_i64(st, 7, q->to ? q->to : INT64_MAX);
	store_bind_i64(st, 8, limit);
	while (k < limit && (rc = store_step(st)) == STORE_ROW) {
		if (read_case(st, a, &rows[k]) != STORE_OK) {
			rc = STORE_E_NOMEM;
			break;
		}
		k++;
	}
	store_reset(st);
	if (rc < 0)
		return rc;
	*out = rows;
	*n = k;
	return STORE_OK;
}

int cases_count_by_category(struct store *db, const char *unit_path, int64_t from, int64_t to,
			    int64_t *counts)
{
	struct store_stmt *st;
	char path[512];
	if (snprintf(path, sizeof path, "%s%%", unit_path ? unit_path : "") >= (int)sizeof path)
		return STORE_E_NOMEM;
	int rc =
	    store_prepare(db,
			  "SELECT c.category, COUNT(*) FROM cases c JOIN units u ON u.id = c.unit_id WHERE "
			  "u.path LIKE $1 AND c.occurred_at >= $2 AND c.occurred_at < $3 GROUP BY c.category",
			  &st);
	if (rc)
		return rc;
	store_bind_text(st, 1, path);
	store_bind_i64(st, 2, from);
	store_bind_i64(st, 3, to);
	while ((rc = store_step(st)) == STORE_ROW) {
		const char *cat = store_col_text(st, 0);
		for (int i = 0; cat && cases_category_names[i]; i++)
			if (strcmp(cat, cases_category_names[i]) == 0)
				counts[i] += store_col_i64(st, 1);
	}
	store_reset(st);
	return rc == STORE_DONE ? STORE_OK : rc;
}
