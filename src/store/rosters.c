/*
 * rosters.c: the roster, swap and calendar-token queries of rosters.h on the shared SQL of both
 * engines. Optional filters are bound as values (0 or '' for "any").
 */
#include "store/rosters.h"

#include <string.h>

int rosters_person_of_user(struct store *db, int64_t user_id, int64_t *person_id)
{
	struct store_stmt *st;
	*person_id = 0;
	int rc =
	    store_prepare(db, "SELECT person_id FROM users WHERE id = $1 AND person_id IS NOT NULL", &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, user_id);
	rc = store_step_i64(st, person_id);
	return rc < 0 ? rc : STORE_OK;
}

int rosters_shifts(struct store *db, struct arena *a, int64_t team_id, struct shift_row **out, int *n)
{
	struct store_stmt *st;
	bool ok = true;
	int rc, k = 0;
	struct shift_row *rows = arena_alloc(a, sizeof *rows * ROSTER_SHIFTS_MAX);
	*n = 0;
	if (!rows)
		return STORE_E_NOMEM;
	rc = store_prepare(db,
			   "SELECT id, team_id, name, start_min, end_min FROM duty_shifts WHERE team_id = $1 "
			   "ORDER BY start_min, id",
			   &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, team_id);
	while (k < ROSTER_SHIFTS_MAX && (rc = store_step(st)) == STORE_ROW) {
		rows[k].id = store_col_i64(st, 0);
		rows[k].team_id = store_col_i64(st, 1);
		rows[k].name = store_col_dup(st, 2, a, &ok);
		rows[k].start_min = (int)store_col_i64(st, 3);
		rows[k].end_min = (int)store_col_i64(st, 4);
		k++;
	}
	store_reset(st);
	if (rc < 0)
		return rc;
	*out = rows;
	*n = k;
	return ok ? STORE_OK : STORE_E_NOMEM;
}

int rosters_shift_insert(struct store *db, int64_t team_id, int64_t commune_id, const char *name,
			 int start_min, int end_min, int64_t now, int64_t *id)
{
	struct store_stmt *st;
	int rc = store_prepare(
	    db,
	    "INSERT INTO duty_shifts (team_id, commune_id, name, start_min, end_min, created_at) "
	    "VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
	    &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, team_id);
	store_bind_i64(st, 2, commune_id);
	store_bind_text(st, 3, name);
	store_bind_i64(st, 4, start_min);
	store_bind_i64(st, 5, end_min);
	store_bind_i64(st, 6, now);
	rc = store_step_i64(st, id);
	return rc == STORE_ROW ? STORE_OK : (rc == STORE_DONE ? STORE_E_DB : rc);
}

int rosters_members(struct store *db, struct arena *a, int64_t team_id, const char *day,
		    struct member_brief **out, int *n)
{
	struct store_stmt *st;
	bool ok = true;
	int rc, k = 0, cap = 500;
	struct member_brief *rows = arena_alloc(a, sizeof *rows * (size_t)cap);
	*n = 0;
	if (!rows)
		return STORE_E_NOMEM;
	rc = store_prepare(
	    db,
	    "SELECT m.person_id, p.full_name, m.role FROM team_members m JOIN people p ON p.id = "
	    "m.person_id WHERE m.team_id = $1 AND m.term_from <= $2 AND (m.term_to IS NULL OR "
	    "m.term_to >= $2) ORDER BY p.name_key, m.person_id",
	    &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, team_id);
	store_bind_text(st, 2, day);
	while (k < cap && (rc = store_step(st)) == STORE_ROW) {
		rows[k].person_id = store_col_i64(st, 0);
		rows[k].full_name = store_col_dup(st, 1, a, &ok);
		rows[k].role = store_col_dup(st, 2, a, &ok);
		k++;
	}
	store_reset(st);
	if (rc < 0)
		return rc;
	*out = rows;
	*n = k;
	return ok ? STORE_OK : STORE_E_NOMEM;
}

int rosters_is_member(struct store *db, int64_t team_id, int64_t person_id, const char *day)
{
	struct store_stmt *st;
	int64_t one;
	int rc = store_prepare(
	    db,
	    "SELECT 1 FROM team_members WHERE team_id = $1 AND person_id = $2 AND term_from <= $3 "
	    "AND (term_to IS NULL OR term_to >= $3)",
	    &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, team_id);
	store_bind_i64(st, 2, person_id);
	store_bind_text(st, 3, day);
	return store_step_i64(st, &one);
}

#define SLOT_COLS                                                                                            \
	"s.id, s.team_id, s.commune_id, s.shift_id, s.person_id, s.day, p.full_name, f.name, t.name, "       \
	"s.starts_at, s.ends_at"
#define SLOT_FROM                                                                                            \
	" FROM duty_slots s JOIN people p ON p.id = s.person_id JOIN duty_shifts f ON f.id = s.shift_id "    \
	"JOIN teams t ON t.id = s.team_id "

static bool read_slot(struct store_stmt *st, struct arena *a, struct slot_row *s)
{
	bool ok = true;
	s->id = store_col_i64(st, 0);
	s->team_id = store_col_i64(st, 1);
	s->commune_id = store_col_i64(st, 2);
	s->shift_id = store_col_i64(st, 3);
	s->person_id = store_col_i64(st, 4);
	s->day = store_col_dup(st, 5, a, &ok);
	s->full_name = store_col_dup(st, 6, a, &ok);
	s->shift_name = store_col_dup(st, 7, a, &ok);
	s->team_name = store_col_dup(st, 8, a, &ok);
	s->starts_at = store_col_i64(st, 9);
	s->ends_at = store_col_i64(st, 10);
	return ok;
}

static int read_slots(struct store_stmt *st, struct arena *a, struct slot_row **out, int *n)
{
	int rc, k = 0;
	bool ok = true;
	struct slot_row *rows = arena_alloc(a, sizeof *rows * ROSTER_SLOTS_MAX);
	*n = 0;
	if (!rows) {
		store_reset(st);
		return STORE_E_NOMEM;
	}
	while (k < ROSTER_SLOTS_MAX && (rc = store_step(st)) == STORE_ROW) {
		if (!read_slot(st, a, &rows[k]))
			ok = false;
		k++;
	}
	if (k == ROSTER_SLOTS_MAX)
		rc = STORE_DONE;
	store_reset(st);
	if (rc < 0)
		return rc;
	*out = rows;
	*n = k;
	return ok ? STORE_OK : STORE_E_NOMEM;
}

int rosters_slots(struct store *db, struct arena *a, int64_t team_id, int64_t from, int64_t to,
		  struct slot_row **out, int *n)
{
	struct store_stmt *st;
	int rc = store_prepare(db,
			       "SELECT " SLOT_COLS SLOT_FROM "WHERE s.team_id = $1 AND s.starts_at >= $2 AND "
			       "s.starts_at < $3 ORDER BY s.starts_at, p.name_key, s.id",
			       &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, team_id);
	store_bind_i64(st, 2, from);
	store_bind_i64(st, 3, to);
	return read_slots(st, a, out, n);
}

int rosters_slots_of_person(struct store *db, struct arena *a, int64_t person_id, int64_t from, int64_t to,
			    struct slot_row **out, int *n)
{
	struct store_stmt *st;
	int rc =
	    store_prepare(db,
			  "SELECT " SLOT_COLS SLOT_FROM "WHERE s.person_id = $1 AND s.starts_at >= $2 AND "
			  "s.starts_at < $3 ORDER BY s.starts_at, s.id",
			  &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, person_id);
	store_bind_i64(st, 2, from);
	store_bind_i64(st, 3, to);
	return read_slots(st, a, out, n);
}

int rosters_slot_get(struct store *db, struct arena *a, int64_t id, struct slot_row *s)
{
	struct store_stmt *st;
	int rc = store_prepare(db, "SELECT " SLOT_COLS SLOT_FROM "WHERE s.id = $1", &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, id);
	rc = store_step(st);
	if (rc == STORE_ROW && !read_slot(st, a, s))
		rc = STORE_E_NOMEM;
	store_reset(st);
	return rc;
}

int rosters_slot_insert(struct store *db, const struct slot_row *s, int64_t now, int64_t *id)
{
	struct store_stmt *st;
	int rc =
	    store_prepare(db,
			  "INSERT INTO duty_slots (team_id, commune_id, shift_id, day, person_id, starts_at, "
			  "ends_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
			  &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, s->team_id);
	store_bind_i64(st, 2, s->commune_id);
	store_bind_i64(st, 3, s->shift_id);
	store_bind_text(st, 4, s->day);
	store_bind_i64(st, 5, s->person_id);
	store_bind_i64(st, 6, s->starts_at);
	store_bind_i64(st, 7, s->ends_at);
	store_bind_i64(st, 8, now);
	rc = store_step_i64(st, id);
	return rc == STORE_ROW ? STORE_OK : (rc == STORE_DONE ? STORE_E_DB : rc);
}

int rosters_slot_delete(struct store *db, int64_t id)
{
	struct store_stmt *st;
	int rc = store_prepare(db, "DELETE FROM duty_swaps WHERE slot_id = $1", &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, id);
	rc = store_run(st);
	if (rc)
		return rc;
	rc = store_prepare(db, "DELETE FROM duty_slots WHERE id = $1", &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, id);
	return store_run(st);
}

int rosters_slot_set_person(struct store *db, int64_t id, int64_t person_id)
{
	struct store_stmt *st;
	int rc = store_prepare(db, "UPDATE duty_slots SET person_id = $2 WHERE id = $1", &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, id);
	store_bind_i64(st, 2, person_id);
	return store_run(st);
}

int rosters_swap_insert(struct store *db, const struct slot_row *s, int64_t to_person_id, const char *reason,
			int64_t user_id, int64_t now, int64_t *id)
{
	struct store_stmt *st;
	int rc = store_prepare(
	    db,
	    "INSERT INTO duty_swaps (team_id, commune_id, slot_id, from_person_id, to_person_id, "
	    "reason, status, requested_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, 'pending', "
	    "$7, $8) RETURNING id",
	    &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, s->team_id);
	store_bind_i64(st, 2, s->commune_id);
	store_bind_i64(st, 3, s->id);
	store_bind_i64(st, 4, s->person_id);
	store_bind_i64(st, 5, to_person_id);
	store_bind_text(st, 6, reason);
	store_bind_i64(st, 7, user_id);
	store_bind_i64(st, 8, now);
	rc = store_step_i64(st, id);
	return rc == STORE_ROW ? STORE_OK : (rc == STORE_DONE ? STORE_E_DB : rc);
}

#define SWAP_COLS                                                                                            \
	"w.id, w.team_id, w.commune_id, w.slot_id, w.from_person_id, w.to_person_id, pf.full_name, "         \
	"pt.full_name, w.reason, w.status, s.day, f.name, s.starts_at, s.ends_at, w.created_at, "            \
	"w.decided_at"
#define SWAP_FROM                                                                                            \
	" FROM duty_swaps w JOIN duty_slots s ON s.id = w.slot_id JOIN duty_shifts f ON f.id = s.shift_id "  \
	"JOIN people pf ON pf.id = w.from_person_id JOIN people pt ON pt.id = w.to_person_id "

static bool read_swap(struct store_stmt *st, struct arena *a, struct swap_row *w)
{
	bool ok = true;
	w->id = store_col_i64(st, 0);
	w->team_id = store_col_i64(st, 1);
	w->commune_id = store_col_i64(st, 2);
	w->slot_id = store_col_i64(st, 3);
	w->from_person_id = store_col_i64(st, 4);
	w->to_person_id = store_col_i64(st, 5);
	w->from_name = store_col_dup(st, 6, a, &ok);
	w->to_name = store_col_dup(st, 7, a, &ok);
	w->reason = store_col_dup(st, 8, a, &ok);
	w->status = store_col_dup(st, 9, a, &ok);
	w->day = store_col_dup(st, 10, a, &ok);
	w->shift_name = store_col_dup(st, 11, a, &ok);
	w->starts_at = store_col_i64(st, 12);
	w->ends_at = store_col_i64(st, 13);
	w->created_at = store_col_i64(st, 14);
	w->decided_at = store_col_opt_i64(st, 15);
	return ok;
}

int rosters_swap_get(struct store *db, struct arena *a, int64_t id, struct swap_row *w)
{
	struct store_stmt *st;
	int rc = store_prepare(db, "SELECT " SWAP_COLS SWAP_FROM "WHERE w.id = $1", &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, id);
	rc = store_step(st);
	if (rc == STORE_ROW && !read_swap(st, a, w))
		rc = STORE_E_NOMEM;
	store_reset(st);
	return rc;
}

int rosters_swap_pending(struct store *db, int64_t slot_id)
{
	struct store_stmt *st;
	int64_t one;
	int rc = store_prepare(db, "SELECT 1 FROM duty_swaps WHERE slot_id = $1 AND status = 'pending'", &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, slot_id);
	return store_step_i64(st, &one);
}

int rosters_swap_decide(struct store *db, int64_t id, const char *status, int64_t user_id, int64_t now)
{
	struct store_stmt *st;
	int64_t got;
	int rc =
	    store_prepare(db,
			  "UPDATE duty_swaps SET status = $2, decided_by = $3, decided_at = $4 WHERE id = $1 "
			  "AND status = 'pending' RETURNING id",
			  &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, id);
	store_bind_text(st, 2, status);
	store_bind_i64(st, 3, user_id);
	store_bind_i64(st, 4, now);
	rc = store_step_i64(st, &got);
	return rc == STORE_ROW ? STORE_OK : rc;
}

int rosters_swaps_list(struct store *db, struct arena *a, int64_t team_id, int64_t person_id,
		       const char *status, int limit, struct swap_row **out, int *n)
{
	struct store_stmt *st;
	int rc, k = 0;
	bool ok = true;
	struct swap_row *rows = arena_alloc(a, sizeof *rows * (size_t)(limit > 0 ? limit : 1));
	*n = 0;
	if (!rows)
		return STORE_E_NOMEM;
	rc = store_prepare(db,
			   "SELECT " SWAP_COLS SWAP_FROM
			   "WHERE ($1 = 0 OR w.team_id = $1) AND ($2 = 0 OR w.from_person_id = $2 OR "
			   "w.to_person_id = $2) AND ($3 = '' OR w.status = $3) ORDER BY w.id DESC LIMIT $4",
			   &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, team_id);
	store_bind_i64(st, 2, person_id);
	store_bind_text(st, 3, status ? status : "");
	store_bind_i64(st, 4, limit);
	while (k < limit && (rc = store_step(st)) == STORE_ROW) {
		if (!read_swap(st, a, &rows[k]))
			ok = false;
		k++;
	}
	store_reset(st);
	if (rc < 0)
		return rc;
	*out = rows;
	*n = k;
	return ok ? STORE_OK : STORE_E_NOMEM;
}

int rosters_ical_insert(struct store *db, const char *kind, int64_t team_id, int64_t person_id,
			int64_t commune_id, const char *token_hash, int64_t user_id, int64_t now, int64_t *id)
{
	struct store_stmt *st;
	int rc = store_prepare(
	    db,
	    "INSERT INTO ical_tokens (kind, team_id, person_id, commune_id, token_hash, created_by, "
	    "created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
	    &st);
	if (rc)
		return rc;
	store_bind_text(st, 1, kind);
	store_bind_opt_i64(st, 2, team_id);
	store_bind_opt_i64(st, 3, person_id);
	store_bind_i64(st, 4, commune_id);
	store_bind_text(st, 5, token_hash);
	store_bind_i64(st, 6, user_id);
	store_bind_i64(st, 7, now);
	rc = store_step_i64(st, id);
	return rc == STORE_ROW ? STORE_OK : (rc == STORE_DONE ? STORE_E_DB : rc);
}

#define ICAL_COLS "id, kind, team_id, person_id, commune_id, created_at, revoked_at"

static void read_token(struct store_stmt *st, struct ical_token_row *t)
{
	t->id = store_col_i64(st, 0);
	const char *k = store_col_text(st, 1);
	t->kind = k && strcmp(k, "team") == 0 ? "team" : "member";
	t->team_id = store_col_opt_i64(st, 2);
	t->person_id = store_col_opt_i64(st, 3);
	t->commune_id = store_col_i64(st, 4);
	t->created_at = store_col_i64(st, 5);
	t->revoked_at = store_col_opt_i64(st, 6);
}

int rosters_ical_find(struct store *db, const char *kind, const char *token_hash, struct ical_token_row *t)
{
	struct store_stmt *st;
	int rc =
	    store_prepare(db,
			  "SELECT " ICAL_COLS " FROM ical_tokens WHERE token_hash = $1 AND kind = $2 AND "
			  "revoked_at IS NULL",
			  &st);
	if (rc)
		return rc;
	store_bind_text(st, 1, token_hash);
	store_bind_text(st, 2, kind);
	rc = store_step(st);
	if (rc == STORE_ROW)
		read_token(st, t);
	store_reset(st);
	return rc;
}

int rosters_ical_list(struct store *db, int64_t team_id, int64_t person_id, struct arena *a,
		      struct ical_token_row **out, int *n)
{
	struct store_stmt *st;
	int rc, k = 0;
	struct ical_token_row *rows = arena_alloc(a, sizeof *rows * 50);
	*n = 0;
	if (!rows)
		return STORE_E_NOMEM;
	rc = store_prepare(db,
			   "SELECT " ICAL_COLS
			   " FROM ical_tokens WHERE ($1 = 0 OR (kind = 'team' AND team_id = $1)) "
			   "AND ($2 = 0 OR (kind = 'member' AND person_id = $2)) ORDER BY id DESC LIMIT 50",
			   &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, team_id);
	store_bind_i64(st, 2, person_id);
	while (k < 50 && (rc = store_step(st)) == STORE_ROW)
		read_token(st, &rows[k++]);
	store_reset(st);
	if (rc < 0)
		return rc;
	*out = rows;
	*n = k;
	return STORE_OK;
}

int rosters_ical_get(struct store *db, int64_t id, struct ical_token_row *t)
{
	struct store_stmt *st;
	int rc = store_prepare(db, "SELECT " ICAL_COLS " FROM ical_tokens WHERE id = $1", &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, id);
	rc = store_step(st);
	if (rc == STORE_ROW)
		read_token(st, t);
	store_reset(st);
	return rc;
}

int rosters_ical_revoke(struct store *db, int64_t id, int64_t now)
{
	struct store_stmt *st;
	int64_t got;
	int rc = store_prepare(
	    db, "UPDATE ical_tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL RETURNING id",
	    &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, id);
	store_bind_i64(st, 2, now);
	rc = store_step_i64(st, &got);
	return rc == STORE_ROW ? STORE_OK : rc;
}
