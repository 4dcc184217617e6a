/*
 * open311.c: the queries of open311.h — tips of public categories, joined with their category's
 * name and their unit's name, never a column that could identify the tipster.
 */
#include <string.h>

#include "store/open311.h"

#define COLS                                                                                                 \
	"SELECT t.id, t.category, c.name_vi, t.status, u.name, t.lat, t.lng, t.created_at, "                 \
	"t.updated_at FROM tips t JOIN tip_categories c ON c.code = t.category AND c.is_public = 1 "         \
	"JOIN units u ON u.id = t.unit_id "

static const char *dup(struct arena *a, struct store_stmt *st, int col, bool *ok)
{
	const char *s = store_col_text(st, col);
	if (!s)
		return NULL;
	char *d = arena_strndup(a, s, strlen(s));
	if (!d)
		*ok = false;
	return d;
}

static bool read_row(struct arena *a, struct store_stmt *st, struct open311_row *r)
{
	bool ok = true;
	r->id = store_col_i64(st, 0);
	r->category = dup(a, st, 1, &ok);
	r->category_name = dup(a, st, 2, &ok);
	r->status = dup(a, st, 3, &ok);
	r->unit_name = dup(a, st, 4, &ok);
	r->has_location = !store_col_is_null(st, 5) && !store_col_is_null(st, 6);
	r->lat = r->has_location ? store_col_double(st, 5) : 0;
	r->lng = r->has_location ? store_col_double(st, 6) : 0;
	r->created_at = store_col_i64(st, 7);
	r->updated_at = store_col_i64(st, 8);
	return ok;
}

int open311_requests(struct store *db, struct arena *a, const char *category, int closed, int64_t from,
		     int64_t to, int max, struct open311_row **out, int *n)
{
	struct store_stmt *st;
	int rc, k = 0;
	*out = NULL;
	*n = 0;
	struct open311_row *rows = arena_alloc(a, sizeof *rows * (size_t)(max > 0 ? max : 1));
	if (!rows)
		return STORE_E_NOMEM;
	rc = store_prepare(db,
			   COLS "WHERE ($1 = '' OR t.category = $1) AND t.created_at >= $2 AND "
				"t.created_at < $3 AND ($5 < 0 OR ($5 = 1) = (t.status IN ('resolved', "
				"'unfounded', 'duplicate'))) ORDER BY t.id DESC LIMIT $4",
			   &st);
	if (rc)
		return rc;
	store_bind_text(st, 1, category ? category : "");
	store_bind_i64(st, 2, from);
	store_bind_i64(st, 3, to ? to : INT64_MAX);
	store_bind_i64(st, 4, max);
	store_bind_i64(st, 5, closed);
	while (k < max && (rc = store_step(st)) == STORE_ROW) {
		if (!read_row(a, st, &rows[k])) {
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

int open311_request(struct store *db, struct arena *a, int64_t id, struct open311_row *row)
{
	struct store_stmt *st;
	int rc = store_prepare(db, COLS "WHERE t.id = $1", &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, id);
	rc = store_step(st);
	if (rc == STORE_ROW && !read_row(a, st, row))
		rc = STORE_E_NOMEM;
	store_reset(st);
	return rc;
}
