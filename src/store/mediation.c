/*
 * mediation.c: the SQL of mediation.h in the SQL both engines run. A subtree is `units.path LIKE
 * '/1/5/%'`; optional filters are bound as values ('' or 0 for "any") so that one prepared statement
 * serves every combination. Months are substr(received_on, 1, 7) of the text dates, the same on both
 * engines, so no per-engine bucketing is needed. Children (parties, mediators, sessions) of a page or a
 * book are read in three queries over the id range of its cases, never one query per case.
 */
#include "store/mediation.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/mediation_rules.h"
#include "lib/crypto.h"

static void bind_opt(struct store_stmt *st, int idx, const char *s)
{
	if (s && *s)
		store_bind_text(st, idx, s);
	else
		store_bind_null(st, idx);
}

/* Seals s into a malloc'd string (the caller frees), NULL when s is NULL; *ok cleared on failure. */
static char *seal(const char *s, bool *ok)
{
	if (!s || !*s)
		return NULL;
	size_t len = strlen(s), cap = crypto_sealed_size(len);
	char *out = malloc(cap);
	if (!out || crypto_seal(s, len, out, cap) < 0) {
		free(out);
		*ok = false;
		return NULL;
	}
	return out;
}

/* Opens column col (sealed text) into an arena string; NULL for SQL NULL; *ok cleared on failure. */
static const char *unseal(struct arena *a, struct store_stmt *st, int col, bool *ok)
{
	const char *s = store_col_text(st, col);
	if (!s || store_col_is_null(st, col))
		return NULL;
	size_t cap = strlen(s) + 1;
	char *out = arena_alloc(a, cap);
	if (!out || crypto_open(s, out, cap) < 0) {
		*ok = false;
		return NULL;
	}
	return out;
}

int mediation_next_number(struct store *db, int64_t team_id, int year, int *number)
{
	struct store_stmt *st;
	int64_t max = 0;
	int rc = store_prepare(
	    db, "SELECT COALESCE(MAX(number), 0) FROM mediation_cases WHERE team_id = $1 AND year = $2", &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, team_id);
	store_bind_i64(st, 2, year);
	rc = store_step_i64(st, &max);
	if (rc != STORE_ROW)
		return rc == STORE_DONE ? STORE_E_DB : rc;
	*number = (int)max + 1;
	return STORE_OK;
}

/* Writes the parties and mediators of c (after deleting the old ones when `replace`). */
static int write_children(struct store *db, const struct med_case *c, bool replace)
{
	struct store_stmt *st;
	int rc;
	if (replace) {
		if ((rc = store_prepare(db, "DELETE FROM mediation_parties WHERE case_id = $1", &st)))
			return rc;
		store_bind_i64(st, 1, c->id);
		if ((rc = store_run(st)))
			return rc;
		if ((rc = store_prepare(db, "DELETE FROM mediation_mediators WHERE case_id = $1", &st)))
			return rc;
		store_bind_i64(st, 1, c->id);
		if ((rc = store_run(st)))
			return rc;
	}
	for (int i = 0; i < c->nparties; i++) {
		bool ok = true;
		char *name = seal(c->parties[i].full_name, &ok);
		char *address = seal(c->parties[i].address, &ok);
		rc = ok ? store_prepare(
			      db,
			      "INSERT INTO mediation_parties (case_id, commune_id, position, name_sealed, "
			      "birth_year, address_sealed) VALUES ($1, $2, $3, $4, $5, $6)",
			      &st)
			: STORE_E_NOMEM;
		if (rc == STORE_OK) {
			store_bind_i64(st, 1, c->id);
			store_bind_i64(st, 2, c->commune_id);
			store_bind_i64(st, 3, i + 1);
			store_bind_text(st, 4, name);
			store_bind_opt_i64(st, 5, c->parties[i].birth_year);
			bind_opt(st, 6, address);
			rc = store_run(st);
		}
		free(name);
		free(address);
		if (rc)
			return rc;
	}
	for (int i = 0; i < c->nmediators; i++) {
		rc = store_prepare(
		    db,
		    "INSERT INTO mediation_mediators (case_id, commune_id, person_id) VALUES ($1, "
		    "$2, $3)",
		    &st);
		if (rc)
			return rc;
		store_bind_i64(st, 1, c->id);
		store_bind_i64(st, 2, c->commune_id);
		store_bind_i64(st, 3, c->mediators[i].person_id);
		if ((rc = store_run(st)))
			return rc;
	}
	return STORE_OK;
}

int mediation_insert(struct store *db, const struct med_case *c, int64_t now, int64_t *id)
{
	struct store_stmt *st;
	bool ok = true;
	char *requester = seal(c->requester, &ok);
	int rc = ok ? store_prepare(
			  db,
			  "INSERT INTO mediation_cases (team_id, unit_id, commune_id, year, number, "
			  "received_on, requester_sealed, kind, summary, invited, result, concluded_on, "
			  "agreement, follow_up, follow_up_on, notes, created_by, created_at, updated_at) "
			  "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, "
			  "$16, $17, $18, $18) RETURNING id",
			  &st)
		    : STORE_E_NOMEM;
	if (rc)
		goto out;
	store_bind_i64(st, 1, c->team_id);
	store_bind_i64(st, 2, c->unit_id);
	store_bind_i64(st, 3, c->commune_id);
	store_bind_i64(st, 4, c->year);
	store_bind_i64(st, 5, c->number);
	store_bind_text(st, 6, c->received_on);
	store_bind_text(st, 7, requester);
	store_bind_text(st, 8, mediation_kind_names[c->kind]);
	store_bind_text(st, 9, c->summary);
	bind_opt(st, 10, c->invited);
	bind_opt(st, 11, c->result >= 0 ? mediation_result_names[c->result] : NULL);
	bind_opt(st, 12, c->concluded_on);
	bind_opt(st, 13, c->agreement);
	bind_opt(st, 14, c->follow_up);
	bind_opt(st, 15, c->follow_up_on);
	bind_opt(st, 16, c->notes);
	store_bind_opt_i64(st, 17, c->created_by);
	store_bind_i64(st, 18, now);
	rc = store_step_i64(st, id);
	if (rc == STORE_DONE)
		rc = STORE_E_DB;
	if (rc != STORE_ROW)
		goto out;
	struct med_case with_id = *c;
	with_id.id = *id;
	rc = write_children(db, &with_id, false);
out:
	free(requester);
	return rc;
}

int mediation_update(struct store *db, const struct med_case *c, bool children, int64_t now)
{
	struct store_stmt *st;
	int64_t got;
	bool ok = true;
	char *requester = seal(c->requester, &ok);
	int rc =
	    ok ? store_prepare(db,
			       "UPDATE mediation_cases SET year = $2, number = $3, received_on = $4, "
			       "requester_sealed = $5, kind = $6, summary = $7, invited = $8, result = $9, "
			       "concluded_on = $10, agreement = $11, follow_up = $12, follow_up_on = $13, "
			       "notes = $14, updated_at = $15 WHERE id = $1 RETURNING id",
			       &st)
	       : STORE_E_NOMEM;
	if (rc)
		goto out;
	store_bind_i64(st, 1, c->id);
	store_bind_i64(st, 2, c->year);
	store_bind_i64(st, 3, c->number);
	store_bind_text(st, 4, c->received_on);
	store_bind_text(st, 5, requester);
	store_bind_text(st, 6, mediation_kind_names[c->kind]);
	store_bind_text(st, 7, c->summary);
	bind_opt(st, 8, c->invited);
	bind_opt(st, 9, c->result >= 0 ? mediation_result_names[c->result] : NULL);
	bind_opt(st, 10, c->concluded_on);
	bind_opt(st, 11, c->agreement);
	bind_opt(st, 12, c->follow_up);
	bind_opt(st, 13, c->follow_up_on);
	bind_opt(st, 14, c->notes);
	store_bind_i64(st, 15, now);
	rc = store_step_i64(st, &got);
	if (rc != STORE_ROW)
		goto out;
	rc = children ? write_children(db, c, true) : STORE_OK;
out:
	free(requester);
	return rc;
}

int mediation_delete(struct store *db, int64_t id)
{
	static const char *const sql[] = {
	    "DELETE FROM mediation_parties WHERE case_id = $1",
	    "DELETE FROM mediation_mediators WHERE case_id = $1",
	    ("DELETE FROM mediation_cases WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM mediation_sessions s "
	     "WHERE s.case_id = $1) RETURNING id"),
	};
	struct store_stmt *st;
	int64_t got;
	int rc;
	for (int i = 0; i < 2; i++) {
		if ((rc = store_prepare(db, sql[i], &st)))
			return rc;
		store_bind_i64(st, 1, id);
		if ((rc = store_run(st)))
			return rc;
	}
	if ((rc = store_prepare(db, sql[2], &st)))
		return rc;
	store_bind_i64(st, 1, id);
	rc = store_step_i64(st, &got);
	return rc == STORE_ROW ? STORE_OK : rc;
}

int mediation_session_insert(struct store *db, int64_t case_id, int64_t commune_id, const char *held_on,
			     const char *notes, int64_t created_by, int64_t now, int64_t *id)
{
	struct store_stmt *st;
	int rc =
	    store_prepare(db,
			  "INSERT INTO mediation_sessions (case_id, commune_id, held_on, notes, created_by, "
			  "created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
			  &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, case_id);
	store_bind_i64(st, 2, commune_id);
	store_bind_text(st, 3, held_on);
	store_bind_text(st, 4, notes);
	store_bind_opt_i64(st, 5, created_by);
	store_bind_i64(st, 6, now);
	rc = store_step_i64(st, id);
	if (rc == STORE_DONE)
		rc = STORE_E_DB;
	return rc == STORE_ROW ? STORE_OK : rc;
}

/* ---- reading ---- */

#define CASE_COLS                                                                                            \
	"c.id, c.team_id, c.unit_id, c.commune_id, t.name, u.path, c.year, c.number, c.received_on, "        \
	"c.requester_sealed, c.kind, c.result, c.summary, c.invited, c.concluded_on, c.agreement, "          \
	"c.follow_up, c.follow_up_on, c.notes, c.created_by, c.created_at, c.updated_at"
#define CASE_FROM " FROM mediation_cases c JOIN teams t ON t.id = c.team_id JOIN units u ON u.id = c.unit_id "

static int read_case(struct store_stmt *st, struct arena *a, struct med_case *c)
{
	bool ok = true;
	memset(c, 0, sizeof *c);
	c->id = store_col_i64(st, 0);
	c->team_id = store_col_i64(st, 1);
	c->unit_id = store_col_i64(st, 2);
	c->commune_id = store_col_i64(st, 3);
	c->team_name = store_col_dup(st, 4, a, &ok);
	c->unit_path = store_col_dup(st, 5, a, &ok);
	c->year = (int)store_col_i64(st, 6);
	c->number = (int)store_col_i64(st, 7);
	c->received_on = store_col_dup(st, 8, a, &ok);
	c->requester = unseal(a, st, 9, &ok);
	c->kind = mediation_name_index(mediation_kind_names, store_col_text(st, 10));
	c->result = store_col_is_null(st, 11)
			? -1
			: mediation_name_index(mediation_result_names, store_col_text(st, 11));
	c->summary = store_col_dup(st, 12, a, &ok);
	c->invited = store_col_dup(st, 13, a, &ok);
	c->concluded_on = store_col_dup(st, 14, a, &ok);
	c->agreement = store_col_dup(st, 15, a, &ok);
	c->follow_up = store_col_dup(st, 16, a, &ok);
	c->follow_up_on = store_col_dup(st, 17, a, &ok);
	c->notes = store_col_dup(st, 18, a, &ok);
	c->created_by = store_col_opt_i64(st, 19);
	c->created_at = store_col_i64(st, 20);
	c->updated_at = store_col_i64(st, 21);
	if (c->kind < 0)
		c->kind = MED_KIND_OTHER;
	if (!ok || !c->team_name || !c->unit_path || !c->received_on || !c->requester || !c->summary)
		return STORE_E_DB; /* out of memory, or sealed with another key file */
	return STORE_OK;
}

/* Cases by id, for attaching children: the position of id in the sorted index, or -1. */
struct by_id {
	int64_t id;
	struct med_case *c;
};

static int cmp_by_id(const void *x, const void *y)
{
	int64_t a = ((const struct by_id *)x)->id, b = ((const struct by_id *)y)->id;
	return a < b ? -1 : a > b;
}

static struct med_case *find_case(struct by_id *idx, int n, int64_t id)
{
	struct by_id key = {.id = id};
	struct by_id *hit = bsearch(&key, idx, (size_t)n, sizeof *idx, cmp_by_id);
	return hit ? hit->c : NULL;
}

/* Runs a child query over the id range and counts (pass 0) or fills (pass 1) each case's children. */
enum child { CHILD_PARTIES, CHILD_MEDIATORS, CHILD_SESSIONS };

static const char *const child_sql[] = {
    "SELECT x.case_id, x.name_sealed, x.birth_year, x.address_sealed FROM mediation_parties x JOIN "
    "mediation_cases c ON c.id = x.case_id WHERE x.case_id >= $1 AND x.case_id <= $2 AND (c.team_id = $3 OR "
    "$3 = 0) ORDER BY x.case_id, x.position",
    "SELECT x.case_id, x.person_id, p.full_name FROM mediation_mediators x JOIN mediation_cases c ON "
    "c.id = x.case_id JOIN people p ON p.id = x.person_id WHERE x.case_id >= $1 AND x.case_id <= $2 AND "
    "(c.team_id = $3 OR $3 = 0) ORDER BY x.case_id, p.name_key, x.id",
    "SELECT x.case_id, x.id, x.held_on, x.notes, x.created_at FROM mediation_sessions x JOIN "
    "mediation_cases c ON c.id = x.case_id WHERE x.case_id >= $1 AND x.case_id <= $2 AND (c.team_id = $3 OR "
    "$3 = 0) ORDER BY x.case_id, x.held_on, x.id",
};

static int load_child(struct store *db, struct arena *a, enum child which, struct by_id *idx, int n,
		      int64_t team_id)
{
	struct store_stmt *st;
	int rc = store_prepare(db, child_sql[which], &st);
	if (rc)
		return rc;
	for (int pass = 0; pass < 2; pass++) {
		if (pass == 1) { /* allocate what pass 0 counted */
			for (int i = 0; i < n; i++) {
				struct med_case *c = idx[i].c;
				int k = which == CHILD_PARTIES	   ? c->nparties
					: which == CHILD_MEDIATORS ? c->nmediators
								   : c->nsessions;
				size_t sz = which == CHILD_PARTIES     ? sizeof *c->parties
					    : which == CHILD_MEDIATORS ? sizeof *c->mediators
								       : sizeof *c->sessions;
				void *p = k ? arena_alloc(a, sz * (size_t)k) : NULL;
				if (k && !p)
					return STORE_E_NOMEM;
				if (which == CHILD_PARTIES)
					c->parties = p, c->nparties = 0;
				else if (which == CHILD_MEDIATORS)
					c->mediators = p, c->nmediators = 0;
				else
					c->sessions = p, c->nsessions = 0;
			}
		}
		store_bind_i64(st, 1, idx[0].id);
		store_bind_i64(st, 2, idx[n - 1].id);
		store_bind_i64(st, 3, team_id);
		while ((rc = store_step(st)) == STORE_ROW) {
			struct med_case *c = find_case(idx, n, store_col_i64(st, 0));
			bool ok = true;
			if (!c)
				continue;
			if (which == CHILD_PARTIES) {
				if (pass == 1) {
					struct med_party *p = &c->parties[c->nparties];
					p->full_name = unseal(a, st, 1, &ok);
					p->birth_year = (int)store_col_opt_i64(st, 2);
					p->address = unseal(a, st, 3, &ok);
					if (!p->full_name)
						ok = false;
				}
				c->nparties++;
			} else if (which == CHILD_MEDIATORS) {
				if (pass == 1) {
					struct med_mediator *m = &c->mediators[c->nmediators];
					m->person_id = store_col_i64(st, 1);
					m->full_name = store_col_dup(st, 2, a, &ok);
				}
				c->nmediators++;
			} else {
				if (pass == 1) {
					struct med_session *s = &c->sessions[c->nsessions];
					s->id = store_col_i64(st, 1);
					s->held_on = store_col_dup(st, 2, a, &ok);
					s->notes = store_col_dup(st, 3, a, &ok);
					s->created_at = store_col_i64(st, 4);
				}
				c->nsessions++;
			}
			if (!ok) {
				rc = STORE_E_DB;
				break;
			}
		}
		store_reset(st);
		if (rc != STORE_DONE)
			return rc;
	}
	return STORE_OK;
}

/* Loads the children of cases[0..n) (any order) in three queries. */
static int load_children(struct store *db, struct arena *a, struct med_case *cases, int n, int64_t team_id)
{
	if (n == 0)
		return STORE_OK;
	struct by_id *idx = arena_alloc(a, sizeof *idx * (size_t)n);
	if (!idx)
		return STORE_E_NOMEM;
	for (int i = 0; i < n; i++) {
		idx[i].id = cases[i].id;
		idx[i].c = &cases[i];
	}
	qsort(idx, (size_t)n, sizeof *idx, cmp_by_id);
	int rc = STORE_OK;
	for (int w = CHILD_PARTIES; w <= CHILD_SESSIONS && rc == STORE_OK; w++)
		rc = load_child(db, a, (enum child)w, idx, n, team_id);
	return rc;
}

int mediation_get(struct store *db, struct arena *a, int64_t id, struct med_case *c)
{
	struct store_stmt *st;
	int rc = store_prepare(db, "SELECT " CASE_COLS CASE_FROM "WHERE c.id = $1", &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, id);
	rc = store_step(st);
	if (rc == STORE_ROW) {
		int r2 = read_case(st, a, c);
		if (r2)
			rc = r2;
	}
	store_reset(st);
	if (rc == STORE_ROW) {
		int r2 = load_children(db, a, c, 1, c->team_id);
		if (r2)
			rc = r2;
	}
	return rc;
}

/* Steps st into an arena array of up to `limit` cases. */
static int read_cases(struct store_stmt *st, struct arena *a, int limit, struct med_case **out, int *n)
{
	int rc, k = 0;
	struct med_case *rows = arena_alloc(a, sizeof *rows * (size_t)(limit > 0 ? limit : 1));
	*out = NULL;
	*n = 0;
	if (!rows) {
		store_reset(st);
		return STORE_E_NOMEM;
	}
	while (k < limit && (rc = store_step(st)) == STORE_ROW) {
		int r2 = read_case(st, a, &rows[k]);
		if (r2) {
			rc = r2;
			break;
		}
		k++;
	}
	if (k == limit)
		rc = STORE_DONE;
	store_reset(st);
	if (rc != STORE_DONE)
		return rc;
	*out = rows;
	*n = k;
	return STORE_OK;
}

int mediation_list(struct store *db, struct arena *a, const struct mediation_query *q, struct med_case **out,
		   int *n)
{
	struct store_stmt *st;
	int limit = q->limit > 0 ? q->limit : 1;
	const char *path = q->unit_path ? arena_printf(a, "%s%%", q->unit_path) : "%";
	const char *result = q->result ? q->result : "";
	if (!path)
		return STORE_E_NOMEM;
	int rc =
	    store_prepare(db,
			  "SELECT " CASE_COLS CASE_FROM
			  "WHERE c.id > $1 AND u.path LIKE $2 AND (c.team_id = $3 OR $3 = 0) AND ($4 = 0 "
			  "OR c.year = $4) AND ($5 = '' OR c.kind = $5) AND ($6 = '' OR ($6 = 'open' AND "
			  "c.result IS NULL) OR c.result = $6) ORDER BY c.id LIMIT $7",
			  &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, q->after_id);
	store_bind_text(st, 2, path);
	store_bind_i64(st, 3, q->team_id);
	store_bind_i64(st, 4, q->year);
	store_bind_text(st, 5, q->kind ? q->kind : "");
	store_bind_text(st, 6, result);
	store_bind_i64(st, 7, limit);
	rc = read_cases(st, a, limit, out, n);
	if (rc)
		return rc;
	return load_children(db, a, *out, *n, q->team_id);
}

int mediation_book(struct store *db, struct arena *a, int64_t team_id, int year, struct med_case **out,
		   int *n, bool *more)
{
	struct store_stmt *st;
	int rc = store_prepare(db,
			       "SELECT " CASE_COLS CASE_FROM
			       "WHERE c.team_id = $1 AND c.year = $2 ORDER BY c.number LIMIT $3",
			       &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, team_id);
	store_bind_i64(st, 2, year);
	store_bind_i64(st, 3, MED_BOOK_MAX + 1);
	rc = read_cases(st, a, MED_BOOK_MAX + 1, out, n);
	if (rc)
		return rc;
	*more = *n > MED_BOOK_MAX;
	if (*more)
		*n = MED_BOOK_MAX;
	return load_children(db, a, *out, *n, team_id);
}

int mediation_counts(struct store *db, struct arena *a, const char *path, const char *from, const char *to,
		     struct med_count **out, int *n)
{
	struct store_stmt *st;
	char like[512];
	int rc, k = 0, cap = 64;
	*out = NULL;
	*n = 0;
	if (snprintf(like, sizeof like, "%s%%", path ? path : "/") >= (int)sizeof like)
		return STORE_E_NOMEM;
	struct med_count *rows = arena_alloc(a, sizeof *rows * (size_t)cap);
	if (!rows)
		return STORE_E_NOMEM;
	rc = store_prepare(
	    db,
	    "SELECT c.team_id, t.name, u.path, c.kind, c.result, substr(c.received_on, 1, 7), "
	    "COUNT(*) FROM mediation_cases c JOIN units u ON u.id = c.unit_id JOIN teams t ON t.id "
	    "= c.team_id WHERE u.path LIKE $1 AND c.received_on >= $2 AND c.received_on <= $3 "
	    "GROUP BY c.team_id, t.name, u.path, c.kind, c.result, substr(c.received_on, 1, 7) "
	    "ORDER BY c.team_id",
	    &st);
	if (rc)
		return rc;
	store_bind_text(st, 1, like);
	store_bind_text(st, 2, from);
	store_bind_text(st, 3, to);
	while ((rc = store_step(st)) == STORE_ROW) {
		bool ok = true;
		if (k == cap) {
			struct med_count *more = arena_alloc(a, sizeof *rows * (size_t)cap * 2);
			if (!more) {
				rc = STORE_E_NOMEM;
				break;
			}
			memcpy(more, rows, sizeof *rows * (size_t)cap);
			rows = more;
			cap *= 2;
		}
		struct med_count *r = &rows[k];
		r->team_id = store_col_i64(st, 0);
		r->team_name = store_col_dup(st, 1, a, &ok);
		r->unit_path = store_col_dup(st, 2, a, &ok);
		r->kind = mediation_name_index(mediation_kind_names, store_col_text(st, 3));
		r->result = store_col_is_null(st, 4)
				? -1
				: mediation_name_index(mediation_result_names, store_col_text(st, 4));
		snprintf(r->month, sizeof r->month, "%s", store_col_text(st, 5) ? store_col_text(st, 5) : "");
		r->count = store_col_i64(st, 6);
		if (!ok) {
			rc = STORE_E_NOMEM;
			break;
		}
		k++;
	}
	store_reset(st);
	if (rc != STORE_DONE)
		return rc;
	*out = rows;
	*n = k;
	return STORE_OK;
}
