/*
 * warnings.c: the queries of warnings.h over the warnings table (migration 0008), joined to units for
 * the area's path and name.
 */
#include <string.h>

#include "store/warnings.h"

const char *const warnings_kind_names[] = {"storm",    "flood", "scam_wave", "wanted",
					   "epidemic", "other", NULL};
const char *const warnings_severity_names[] = {"extreme", "severe", "moderate", "minor", NULL};

#define WARNING_COLS                                                                                         \
	"w.id, w.unit_id, w.commune_id, u.path, u.name, w.kind, w.title, w.body, w.instruction, "            \
	"w.severity, "                                                                                       \
	"w.lat, w.lng, w.radius_km, w.effective_at, w.expires_at, w.created_by, w.created_at, "              \
	"w.updated_at, w.cancelled_at "
#define WARNING_FROM "FROM warnings w JOIN units u ON u.id = w.unit_id "

static const char *dup(struct arena *a, const char *s, int *bad)
{
	if (!s)
		return NULL;
	char *c = arena_strdup(a, s);
	if (!c)
		*bad = 1;
	return c;
}

static int read_warning(struct store_stmt *st, struct arena *a, struct warning_row *w)
{
	int bad = 0;
	memset(w, 0, sizeof *w);
	w->id = store_col_i64(st, 0);
	w->unit_id = store_col_i64(st, 1);
	w->commune_id = store_col_i64(st, 2);
	w->unit_path = dup(a, store_col_text(st, 3), &bad);
	w->unit_name = dup(a, store_col_text(st, 4), &bad);
	w->kind = dup(a, store_col_text(st, 5), &bad);
	w->title = dup(a, store_col_text(st, 6), &bad);
	w->body = dup(a, store_col_text(st, 7), &bad);
	w->instruction = dup(a, store_col_text(st, 8), &bad);
	w->severity = dup(a, store_col_text(st, 9), &bad);
	w->has_point = !store_col_is_null(st, 10) && !store_col_is_null(st, 11);
	if (w->has_point) {
		w->lat = store_col_double(st, 10);
		w->lng = store_col_double(st, 11);
		w->radius_km = store_col_is_null(st, 12) ? 0 : store_col_double(st, 12);
	}
	w->effective_at = store_col_i64(st, 13);
	w->expires_at = store_col_opt_i64(st, 14);
	w->created_by = store_col_opt_i64(st, 15);
	w->created_at = store_col_i64(st, 16);
	w->updated_at = store_col_i64(st, 17);
	w->cancelled_at = store_col_opt_i64(st, 18);
	return bad ? STORE_E_NOMEM : STORE_OK;
}

/* Binds the content fields at $1..$12 in the order of the INSERT and UPDATE below. */
static void bind_content(struct store_stmt *st, const struct warning_row *w)
{
	store_bind_i64(st, 1, w->unit_id);
	store_bind_i64(st, 2, w->commune_id);
	store_bind_text(st, 3, w->kind);
	store_bind_text(st, 4, w->title);
	store_bind_text(st, 5, w->body);
	store_bind_text(st, 6, w->instruction);
	store_bind_text(st, 7, w->severity);
	if (w->has_point) {
		store_bind_double(st, 8, w->lat);
		store_bind_double(st, 9, w->lng);
		store_bind_double(st, 10, w->radius_km);
	} else {
		store_bind_null(st, 8);
		store_bind_null(st, 9);
		store_bind_null(st, 10);
	}
	store_bind_i64(st, 11, w->effective_at);
	store_bind_opt_i64(st, 12, w->expires_at);
}

int warnings_insert(struct store *db, const struct warning_row *w, int64_t now, int64_t *id)
{
	struct store_stmt *st;
	int rc =
	    store_prepare(db,
			  "INSERT INTO warnings (unit_id, commune_id, kind, title, body, instruction, "
			  "severity, lat, lng, radius_km, effective_at, expires_at, created_by, created_at, "
			  "updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, "
			  "$14) RETURNING id",
			  &st);
	if (rc)
		return rc;
	bind_content(st, w);
	store_bind_opt_i64(st, 13, w->created_by);
	store_bind_i64(st, 14, now);
	rc = store_step_i64(st, id);
	return rc == STORE_ROW ? STORE_OK : (rc == STORE_DONE ? STORE_E_DB : rc);
}

int warnings_update(struct store *db, const struct warning_row *w, int64_t now)
{
	struct store_stmt *st;
	int64_t got;
	int rc =
	    store_prepare(db,
			  "UPDATE warnings SET unit_id = $1, commune_id = $2, kind = $3, title = $4, body = "
			  "$5, instruction = $6, severity = $7, lat = $8, lng = $9, radius_km = $10, "
			  "effective_at = $11, expires_at = $12, updated_at = $13 WHERE id = $14 AND "
			  "cancelled_at IS NULL RETURNING id",
			  &st);
	if (rc)
		return rc;
	bind_content(st, w);
	store_bind_i64(st, 13, now);
	store_bind_i64(st, 14, w->id);
	rc = store_step_i64(st, &got);
	return rc == STORE_ROW ? STORE_OK : rc;
}

int warnings_cancel(struct store *db, int64_t id, int64_t by, int64_t now)
{
	struct store_stmt *st;
	int64_t got;
	int rc =
	    store_prepare(db,
			  "UPDATE warnings SET cancelled_at = $1, cancelled_by = $2, updated_at = $1 WHERE "
			  "id = $3 AND cancelled_at IS NULL RETURNING id",
			  &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, now);
	store_bind_opt_i64(st, 2, by);
	store_bind_i64(st, 3, id);
	rc = store_step_i64(st, &got);
	return rc == STORE_ROW ? STORE_OK : rc;
}

int warnings_get(struct store *db, struct arena *a, int64_t id, struct warning_row *w)
{
	struct store_stmt *st;
	int rc = store_prepare(db, "SELECT " WARNING_COLS WARNING_FROM "WHERE w.id = $1", &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, id);
	rc = store_step(st);
	if (rc == STORE_ROW && read_warning(st, a, w) != STORE_OK)
		rc = STORE_E_NOMEM;
	store_reset(st);
	return rc;
}

int warnings_list(struct store *db, struct arena *a, const struct warnings_query *q, struct warning_row **out,
		  int *n)
{
	struct store_stmt *st;
	int limit = q->limit > 0 ? q->limit : 1, rc, k = 0;
	const char *path = q->unit_path ? arena_printf(a, "%s%%", q->unit_path) : "%";
	*out = NULL;
	*n = 0;
	struct warning_row *rows = arena_alloc(a, sizeof *rows * (size_t)limit);
	if (!rows || !path)
		return STORE_E_NOMEM;
		/* the same filters both ways; only the order and the keyset side differ */
#define WARNING_WHERE                                                                                        \
	"WHERE u.path LIKE $2 AND ($3 = 0 OR w.commune_id = $3) AND ($4 = 0 OR (w.cancelled_at IS NULL AND " \
	"(w.expires_at IS NULL OR w.expires_at > $5))) "
	if (q->newest_first)
		rc = store_prepare(db,
				   "SELECT " WARNING_COLS WARNING_FROM WARNING_WHERE
				   "AND w.id < $1 ORDER BY w.id DESC LIMIT $6",
				   &st);
	else
		rc = store_prepare(db,
				   "SELECT " WARNING_COLS WARNING_FROM WARNING_WHERE
				   "AND w.id > $1 ORDER BY w.id LIMIT $6",
				   &st);
#undef WARNING_WHERE
	if (rc)
		return rc;
	store_bind_i64(st, 1, q->newest_first && !q->after_id ? INT64_MAX : q->after_id);
	store_bind_text(st, 2, path);
	store_bind_i64(st, 3, q->commune_id);
	store_bind_i64(st, 4, q->current_only ? 1 : 0);
	store_bind_i64(st, 5, q->now);
	store_bind_i64(st, 6, limit);
	while (k < limit && (rc = store_step(st)) == STORE_ROW) {
		if (read_warning(st, a, &rows[k]) != STORE_OK) {
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
