/*
 * teams.c: SQL for teams and their members (see teams.h), in the SQL both engines run. A subtree is
 * `units.path LIKE '/1/5/%'` as in store/units.c. An optional kind filter is `($2 = '' OR kind = $2)`
 * so that one prepared statement serves both. People are read here only through joins; they are
 * written by store/people.c.
 */
#include "store/teams.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static const char *dup(struct arena *a, const char *s, bool *ok)
{
	if (!s)
		return NULL;
	const char *c = arena_strdup(a, s);
	if (!c)
		*ok = false;
	return c;
}

/* The LIKE pattern of a subtree into out; -1 when it does not fit. */
static int subtree(const char *path, char *out, size_t outlen)
{
	int n = snprintf(out, outlen, "%s%%", path ? path : "/");
	return n < 0 || (size_t)n >= outlen ? -1 : 0;
}

static const char *kind_arg(int kind)
{
	return kind >= 0 && kind < TEAM_KIND_COUNT ? team_kind_names[kind] : "";
}

struct team_member_facts teams_member_facts(const struct member_row *m)
{
	struct team_member_facts f = {
	    .role = m->role,
	    .gender = team_gender_parse(m->gender),
	    .birth_date = m->birth_date,
	    .birth_year = m->birth_year,
	    .term_from = m->term_from,
	    .term_to = m->term_to,
	};
	return f;
}

/* ---- teams ---- */

#define TEAM_COLS "t.id, t.unit_id, t.commune_id, u.name, u.path, t.kind, t.name, t.created_at, t.updated_at"

static int read_team(struct store_stmt *st, struct arena *a, struct team_row *t)
{
	bool ok = true;
	int kind = team_name_index(team_kind_names, store_col_text(st, 5));
	t->id = store_col_i64(st, 0);
	t->unit_id = store_col_i64(st, 1);
	t->commune_id = store_col_opt_i64(st, 2);
	t->unit_name = dup(a, store_col_text(st, 3), &ok);
	t->unit_path = dup(a, store_col_text(st, 4), &ok);
	t->kind = kind < 0 ? TEAM_SELF_MANAGED : (enum team_kind)kind;
	t->name = dup(a, store_col_text(st, 6), &ok);
	t->created_at = store_col_i64(st, 7);
	t->updated_at = store_col_i64(st, 8);
	return ok && t->unit_path && t->name ? STORE_OK : STORE_E_NOMEM;
}

int teams_get(struct store *db, struct arena *a, int64_t id, struct team_row *t)
{
	struct store_stmt *st;
	int rc = store_prepare(
	    db, "SELECT " TEAM_COLS " FROM teams t JOIN units u ON u.id = t.unit_id WHERE t.id = $1", &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, id);
	rc = store_step(st);
	if (rc == STORE_ROW && read_team(st, a, t) != STORE_OK)
		rc = STORE_E_NOMEM;
	store_reset(st);
	return rc;
}

int teams_kind_taken(struct store *db, int64_t unit_id, enum team_kind kind, int64_t except)
{
	struct store_stmt *st;
	int64_t one;
	int rc = store_prepare(
	    db, "SELECT 1 FROM teams WHERE unit_id = $1 AND kind = $2 AND id <> $3 LIMIT 1", &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, unit_id);
	store_bind_text(st, 2, team_kind_names[kind]);
	store_bind_i64(st, 3, except);
	return store_step_i64(st, &one);
}

int teams_insert(struct store *db, struct arena *a, const struct unit_row *unit, enum team_kind kind,
		 const char *name, int64_t now, struct team_row *t)
{
	struct store_stmt *st;
	int64_t id = 0;
	int rc = store_prepare(db,
			       "INSERT INTO teams (unit_id, commune_id, kind, name, created_at, updated_at) "
			       "VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
			       &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, unit->id);
	store_bind_opt_i64(st, 2, unit->commune_id);
	store_bind_text(st, 3, team_kind_names[kind]);
	store_bind_text(st, 4, name);
	store_bind_i64(st, 5, now);
	rc = store_step_i64(st, &id);
	if (rc != STORE_ROW)
		return rc < 0 ? rc : STORE_E_DB;
	*t = (struct team_row){
	    .id = id,
	    .unit_id = unit->id,
	    .commune_id = unit->commune_id,
	    .unit_name = arena_strdup(a, unit->name),
	    .unit_path = arena_strdup(a, unit->path),
	    .kind = kind,
	    .name = arena_strdup(a, name),
	    .created_at = now,
	    .updated_at = now,
	};
	return t->unit_name && t->unit_path && t->name ? STORE_OK : STORE_E_NOMEM;
}

int teams_rename(struct store *db, int64_t id, const char *name, int64_t now)
{
	struct store_stmt *st;
	int64_t got;
	int rc =
	    store_prepare(db, "UPDATE teams SET name = $2, updated_at = $3 WHERE id = $1 RETURNING id", &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, id);
	store_bind_text(st, 2, name);
	store_bind_i64(st, 3, now);
	rc = store_step_i64(st, &got);
	return rc == STORE_ROW ? STORE_OK : rc;
}

int teams_holds(struct store *db, int64_t id, const char **what)
{
	static const struct {
		const char *sql;
		const char *what;
	} checks[] = {
	    {"SELECT 1 FROM team_members WHERE team_id = $1 LIMIT 1", "members"},
	    {"SELECT 1 FROM grants WHERE team_id = $1 LIMIT 1", "user grants"},
	};
	*what = NULL;
	for (size_t i = 0; i < sizeof checks / sizeof checks[0]; i++) {
		struct store_stmt *st;
		int64_t one;
		int rc = store_prepare(db, checks[i].sql, &st);
		if (rc)
			return rc;
		store_bind_i64(st, 1, id);
		rc = store_step_i64(st, &one);
		if (rc < 0)
			return rc;
		if (rc == STORE_ROW) {
			*what = checks[i].what;
			return STORE_OK;
		}
	}
	return STORE_OK;
}

int teams_delete(struct store *db, int64_t id)
{
	struct store_stmt *st;
	int64_t got;
	int rc = store_prepare(db, "DELETE FROM teams WHERE id = $1 RETURNING id", &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, id);
	rc = store_step_i64(st, &got);
	return rc == STORE_ROW ? STORE_OK : rc;
}

int teams_list(struct store *db, struct arena *a, const char *path, int kind, int64_t after, int limit,
	       struct team_row **out, int *n)
{
	struct store_stmt *st;
	char pattern[512];
	int rc, k = 0;
	*out = NULL;
	*n = 0;
	if (subtree(path, pattern, sizeof pattern))
		return STORE_E_DB;
	struct team_row *rows = arena_alloc(a, sizeof *rows * (size_t)(limit > 0 ? limit : 1));
	if (!rows)
		return STORE_E_NOMEM;
	rc = store_prepare(
	    db,
	    "SELECT " TEAM_COLS " FROM teams t JOIN units u ON u.id = t.unit_id "
	    "WHERE u.path LIKE $1 AND ($2 = '' OR t.kind = $2) AND t.id > $3 ORDER BY t.id LIMIT $4",
	    &st);
	if (rc)
		return rc;
	store_bind_text(st, 1, pattern);
	store_bind_text(st, 2, kind_arg(kind));
	store_bind_i64(st, 3, after);
	store_bind_i64(st, 4, limit);
	while (k < limit && (rc = store_step(st)) == STORE_ROW) {
		if (read_team(st, a, &rows[k]) != STORE_OK) {
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

/* Reads rows of (team_id, role, gender, birth_date, birth_year, term_from, term_to) into an arena
 * array that grows by doubling; resets st. */
static int read_facts(struct store_stmt *st, struct arena *a, struct team_fact_row **out, int *n)
{
	int rc, k = 0, cap = 64;
	struct team_fact_row *rows = arena_alloc(a, sizeof *rows * (size_t)cap);
	*out = NULL;
	*n = 0;
	if (!rows) {
		store_reset(st);
		return STORE_E_NOMEM;
	}
	while ((rc = store_step(st)) == STORE_ROW) {
		if (k == cap) {
			struct team_fact_row *bigger = arena_alloc(a, sizeof *rows * (size_t)cap * 2);
			if (!bigger) {
				rc = STORE_E_NOMEM;
				break;
			}
			memcpy(bigger, rows, sizeof *rows * (size_t)cap);
			rows = bigger;
			cap *= 2;
		}
		bool ok = true;
		struct team_fact_row *r = &rows[k];
		int role = team_name_index(team_role_names, store_col_text(st, 1));
		r->team_id = store_col_i64(st, 0);
		r->f.role = role < 0 ? TEAM_ROLE_MEMBER : (enum team_role)role;
		r->f.gender = team_gender_parse(store_col_text(st, 2));
		r->f.birth_date = dup(a, store_col_text(st, 3), &ok);
		r->f.birth_year = (int)store_col_opt_i64(st, 4);
		r->f.term_from = dup(a, store_col_text(st, 5), &ok);
		r->f.term_to = dup(a, store_col_text(st, 6), &ok);
		if (!ok || !r->f.term_from) {
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

#define FACT_COLS "m.team_id, m.role, p.gender, p.birth_date, p.birth_year, m.term_from, m.term_to"

int teams_page_facts(struct store *db, struct arena *a, const char *path, int kind, int64_t after,
		     int64_t upto, const char *today, struct team_fact_row **out, int *n)
{
	struct store_stmt *st;
	char pattern[512];
	if (subtree(path, pattern, sizeof pattern))
		return STORE_E_DB;
	int rc =
	    store_prepare(db,
			  "SELECT " FACT_COLS " FROM team_members m JOIN teams t ON t.id = m.team_id "
			  "JOIN units u ON u.id = t.unit_id JOIN people p ON p.id = m.person_id "
			  "WHERE u.path LIKE $1 AND ($2 = '' OR t.kind = $2) AND t.id > $3 AND t.id <= $4 "
			  "AND (m.term_to IS NULL OR m.term_to >= $5) ORDER BY m.team_id, m.id",
			  &st);
	if (rc)
		return rc;
	store_bind_text(st, 1, pattern);
	store_bind_text(st, 2, kind_arg(kind));
	store_bind_i64(st, 3, after);
	store_bind_i64(st, 4, upto);
	store_bind_text(st, 5, today);
	return read_facts(st, a, out, n);
}

/* ---- members ---- */

#define MEMBER_COLS                                                                                          \
	"m.id, m.team_id, m.person_id, p.full_name, p.gender, p.birth_date, p.birth_year, m.role, "          \
	"m.term_from, m.term_to, m.created_at, m.updated_at"

static int read_member(struct store_stmt *st, struct arena *a, struct member_row *m)
{
	bool ok = true;
	int role = team_name_index(team_role_names, store_col_text(st, 7));
	m->id = store_col_i64(st, 0);
	m->team_id = store_col_i64(st, 1);
	m->person_id = store_col_i64(st, 2);
	m->full_name = dup(a, store_col_text(st, 3), &ok);
	m->gender = dup(a, store_col_text(st, 4), &ok);
	m->birth_date = dup(a, store_col_text(st, 5), &ok);
	m->birth_year = (int)store_col_opt_i64(st, 6);
	m->role = role < 0 ? TEAM_ROLE_MEMBER : (enum team_role)role;
	m->term_from = dup(a, store_col_text(st, 8), &ok);
	m->term_to = dup(a, store_col_text(st, 9), &ok);
	m->created_at = store_col_i64(st, 10);
	m->updated_at = store_col_i64(st, 11);
	return ok && m->full_name && m->term_from ? STORE_OK : STORE_E_NOMEM;
}

int teams_members(struct store *db, struct arena *a, int64_t team_id, const char *today,
		  struct member_row **out, int *n)
{
	struct store_stmt *st;
	int rc, k = 0, cap = 16;
	struct member_row *rows = arena_alloc(a, sizeof *rows * (size_t)cap);
	*out = NULL;
	*n = 0;
	if (!rows)
		return STORE_E_NOMEM;
	rc = store_prepare(
	    db,
	    "SELECT " MEMBER_COLS " FROM team_members m JOIN people p ON p.id = m.person_id "
	    "WHERE m.team_id = $1 AND ($2 = '' OR m.term_to IS NULL OR m.term_to >= $2) "
	    "ORDER BY CASE m.role WHEN 'leader' THEN 0 WHEN 'deputy' THEN 1 ELSE 2 END, p.name_key, "
	    "m.id LIMIT 2000",
	    &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, team_id);
	store_bind_text(st, 2, today ? today : "");
	while (k < TEAM_MEMBERS_MAX && (rc = store_step(st)) == STORE_ROW) {
		if (k == cap) {
			struct member_row *bigger = arena_alloc(a, sizeof *rows * (size_t)cap * 2);
			if (!bigger) {
				rc = STORE_E_NOMEM;
				break;
			}
			memcpy(bigger, rows, sizeof *rows * (size_t)cap);
			rows = bigger;
			cap *= 2;
		}
		if (read_member(st, a, &rows[k]) != STORE_OK) {
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

int teams_member_get(struct store *db, struct arena *a, int64_t team_id, int64_t member_id,
		     struct member_row *m)
{
	struct store_stmt *st;
	int rc =
	    store_prepare(db,
			  "SELECT " MEMBER_COLS " FROM team_members m JOIN people p ON p.id = m.person_id "
			  "WHERE m.id = $1 AND m.team_id = $2",
			  &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, member_id);
	store_bind_i64(st, 2, team_id);
	rc = store_step(st);
	if (rc == STORE_ROW && read_member(st, a, m) != STORE_OK)
		rc = STORE_E_NOMEM;
	store_reset(st);
	return rc;
}

int teams_member_overlaps(struct store *db, int64_t team_id, int64_t person_id, int64_t except,
			  const char *from, const char *to)
{
	struct store_stmt *st;
	int64_t one;
	int rc =
	    store_prepare(db,
			  "SELECT 1 FROM team_members WHERE team_id = $1 AND person_id = $2 AND id <> $3 "
			  "AND term_from <= $4 AND (term_to IS NULL OR term_to >= $5) LIMIT 1",
			  &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, team_id);
	store_bind_i64(st, 2, person_id);
	store_bind_i64(st, 3, except);
	store_bind_text(st, 4, to ? to : "9999-12-31");
	store_bind_text(st, 5, from);
	return store_step_i64(st, &one);
}

int teams_member_insert(struct store *db, const struct team_row *t, int64_t person_id, enum team_role role,
			const char *from, const char *to, int64_t now, int64_t *id)
{
	struct store_stmt *st;
	int rc = store_prepare(
	    db,
	    "INSERT INTO team_members (team_id, person_id, commune_id, role, term_from, term_to, "
	    "created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
	    &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, t->id);
	store_bind_i64(st, 2, person_id);
	store_bind_opt_i64(st, 3, t->commune_id);
	store_bind_text(st, 4, team_role_names[role]);
	store_bind_text(st, 5, from);
	store_bind_text(st, 6, to); /* NULL binds SQL NULL */
	store_bind_i64(st, 7, now);
	rc = store_step_i64(st, id);
	return rc == STORE_ROW ? STORE_OK : (rc < 0 ? rc : STORE_E_DB);
}

int teams_member_update(struct store *db, int64_t member_id, enum team_role role, const char *from,
			const char *to, int64_t now)
{
	struct store_stmt *st;
	int64_t got;
	int rc =
	    store_prepare(db,
			  "UPDATE team_members SET role = $2, term_from = $3, term_to = $4, updated_at = $5 "
			  "WHERE id = $1 RETURNING id",
			  &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, member_id);
	store_bind_text(st, 2, team_role_names[role]);
	store_bind_text(st, 3, from);
	store_bind_text(st, 4, to);
	store_bind_i64(st, 5, now);
	rc = store_step_i64(st, &got);
	return rc == STORE_ROW ? STORE_OK : rc;
}

int teams_member_delete(struct store *db, int64_t member_id)
{
	struct store_stmt *st;
	int64_t got;
	int rc = store_prepare(db, "DELETE FROM team_members WHERE id = $1 RETURNING id", &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, member_id);
	rc = store_step_i64(st, &got);
	return rc == STORE_ROW ? STORE_OK : rc;
}

int teams_unit_path(struct store *db, struct arena *a, int64_t team_id, const char **path)
{
	struct store_stmt *st;
	int rc = store_prepare(
	    db, "SELECT u.path FROM teams t JOIN units u ON u.id = t.unit_id WHERE t.id = $1", &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, team_id);
	rc = store_step(st);
	if (rc == STORE_ROW) {
		*path = arena_strdup(a, store_col_text(st, 0) ? store_col_text(st, 0) : "");
		if (!*path)
			rc = STORE_E_NOMEM;
	}
	store_reset(st);
	return rc;
}

int teams_member_team(struct store *db, int64_t member_id, int64_t *team_id)
{
	struct store_stmt *st;
	int rc = store_prepare(db, "SELECT team_id FROM team_members WHERE id = $1", &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, member_id);
	return store_step_i64(st, team_id);
}

/* ---- summary ---- */

int teams_summary(struct store *db, struct arena *a, const char *path, const char *today,
		  struct team_block_row **blocks, int *nblocks, struct team_fact_row **facts, int *nfacts)
{
	struct store_stmt *st;
	char pattern[512];
	int rc, k = 0, cap = 64;
	*blocks = NULL;
	*nblocks = 0;
	if (subtree(path, pattern, sizeof pattern))
		return STORE_E_DB;
	struct team_block_row *rows = arena_alloc(a, sizeof *rows * (size_t)cap);
	if (!rows)
		return STORE_E_NOMEM;
	/* every block in the subtree, or the block holding it (a group), with the teams on the block or
	 * its groups that lie in the subtree; blocks without teams come back once with NULL team columns */
	rc = store_prepare(db,
			   "SELECT b.id, b.name, t.id, t.name, t.kind FROM units b "
			   "LEFT JOIN units u ON (u.id = b.id OR u.parent_id = b.id) AND u.path LIKE $1 "
			   "LEFT JOIN teams t ON t.unit_id = u.id "
			   "WHERE b.kind = 'block' AND (b.path LIKE $1 OR $2 LIKE (b.path || '%')) "
			   "ORDER BY b.id, t.id",
			   &st);
	if (rc)
		return rc;
	store_bind_text(st, 1, pattern);
	store_bind_text(st, 2, path);
	while ((rc = store_step(st)) == STORE_ROW) {
		int64_t block_id = store_col_i64(st, 0);
		bool no_team = store_col_is_null(st, 2);
		/* one row per block without teams; skip the empty rows of a block that has some */
		if (no_team && k > 0 && rows[k - 1].block_id == block_id)
			continue;
		if (!no_team && k > 0 && rows[k - 1].block_id == block_id && rows[k - 1].team_id == 0)
			k--; /* an empty row came first (SQLite sorts NULL first): replace it */
		if (k == cap) {
			struct team_block_row *bigger = arena_alloc(a, sizeof *rows * (size_t)cap * 2);
			if (!bigger) {
				rc = STORE_E_NOMEM;
				break;
			}
			memcpy(bigger, rows, sizeof *rows * (size_t)cap);
			rows = bigger;
			cap *= 2;
		}
		bool ok = true;
		struct team_block_row *r = &rows[k];
		r->block_id = block_id;
		r->block_name = dup(a, store_col_text(st, 1), &ok);
		r->team_id = no_team ? 0 : store_col_i64(st, 2);
		r->team_name = no_team ? NULL : dup(a, store_col_text(st, 3), &ok);
		int kind = no_team ? 0 : team_name_index(team_kind_names, store_col_text(st, 4));
		r->kind = kind < 0 ? TEAM_SELF_MANAGED : (enum team_kind)kind;
		if (!ok || !r->block_name) {
			rc = STORE_E_NOMEM;
			break;
		}
		k++;
	}
	store_reset(st);
	if (rc < 0)
		return rc;
	*blocks = rows;
	*nblocks = k;

	rc = store_prepare(
	    db,
	    "SELECT " FACT_COLS " FROM team_members m JOIN teams t ON t.id = m.team_id "
	    "JOIN units u ON u.id = t.unit_id JOIN people p ON p.id = m.person_id "
	    "WHERE u.path LIKE $1 AND (m.term_to IS NULL OR m.term_to >= $2) ORDER BY m.team_id, m.id",
	    &st);
	if (rc)
		return rc;
	store_bind_text(st, 1, pattern);
	store_bind_text(st, 2, today);
	return read_facts(st, a, facts, nfacts);
}
