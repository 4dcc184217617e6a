/*
 * models.c: the SQL of models.h (models, their sites, activities and evaluations; exemplars and their
 * commendations; the models' statistics) on the shared subset of both engines.
 */
#include "store/models.h"

#include <string.h>

const char *const models_kind_names[] = {"club", "team", "residential", "school", NULL};
const char *const models_activity_names[] = {
    "legal_consultation", "meeting", "propaganda", "patrol", "support", "reeducation", "other", NULL};
const char *const models_rating_names[] = {"excellent", "good", "fair", "weak", NULL};
const char *const exemplars_kind_names[] = {"person", "team", "organisation", NULL};
const char *const exemplars_level_names[] = {"commune", "district", "province", "ministry", NULL};

/* Runs an INSERT … RETURNING id. */
static int insert_id(struct store_stmt *st, int64_t *id)
{
	int64_t got = 0;
	int rc = store_step_i64(st, &got);
	if (id)
		*id = got;
	return rc == STORE_ROW ? STORE_OK : rc == STORE_DONE ? STORE_E_DB : rc;
}

/* Runs a statement with one id parameter. */
static int run_id(struct store *db, const char *sql, int64_t id)
{
	struct store_stmt *st;
	int rc = store_prepare(db, sql, &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, id);
	return store_run(st);
}

int models_insert(struct store *db, struct model_row *m, int64_t now)
{
	struct store_stmt *st;
	int rc =
	    store_prepare(db,
			  "INSERT INTO models (commune_id, unit_id, kind, name, description, sponsor_id, "
			  "created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
			  &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, m->commune_id);
	store_bind_i64(st, 2, m->unit_id);
	store_bind_text(st, 3, m->kind);
	store_bind_text(st, 4, m->name);
	store_bind_text(st, 5, m->description);
	store_bind_i64(st, 6, m->sponsor_id);
	store_bind_i64(st, 7, now);
	return insert_id(st, &m->id);
}

int models_update(struct store *db, const struct model_row *m, int64_t now)
{
	struct store_stmt *st;
	int rc = store_prepare(
	    db,
	    "UPDATE models SET unit_id = $2, kind = $3, name = $4, description = $5, sponsor_id = "
	    "$6, updated_at = $7 WHERE id = $1",
	    &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, m->id);
	store_bind_i64(st, 2, m->unit_id);
	store_bind_text(st, 3, m->kind);
	store_bind_text(st, 4, m->name);
	store_bind_text(st, 5, m->description);
	store_bind_i64(st, 6, m->sponsor_id);
	store_bind_i64(st, 7, now);
	return store_run(st);
}

int models_delete(struct store *db, int64_t id)
{
	int rc = run_id(db, "DELETE FROM model_sites WHERE model_id = $1", id);
	if (!rc)
		rc = run_id(db, "DELETE FROM model_activities WHERE model_id = $1", id);
	if (!rc)
		rc = run_id(db, "DELETE FROM model_evaluations WHERE model_id = $1", id);
	if (!rc)
		rc = run_id(db, "DELETE FROM models WHERE id = $1", id);
	return rc;
}

#define MODEL_COLS                                                                                           \
	"m.id, m.commune_id, m.unit_id, u.path, u.name, m.kind, m.name, m.description, m.sponsor_id, "       \
	"o.name, "                                                                                           \
	"m.created_at, m.updated_at, (SELECT COUNT(*) FROM model_sites x WHERE x.model_id = m.id), (SELECT " \
	"COALESCE(SUM(x.members), 0) FROM model_sites x WHERE x.model_id = m.id), (SELECT COUNT(*) FROM "    \
	"model_activities y WHERE y.model_id = m.id), (SELECT COALESCE(SUM(y.people_reached), 0) FROM "      \
	"model_activities y WHERE y.model_id = m.id), (SELECT COALESCE(SUM(y.cases_handled), 0) FROM "       \
	"model_activities y WHERE y.model_id = m.id)"
#define MODEL_FROM                                                                                           \
	" FROM models m JOIN units u ON u.id = m.unit_id JOIN organisations o ON o.id = m.sponsor_id "

static int read_model(struct store_stmt *st, struct arena *a, struct model_row *m)
{
	m->id = store_col_i64(st, 0);
	m->commune_id = store_col_i64(st, 1);
	m->unit_id = store_col_i64(st, 2);
	m->unit_path = store_col_dup(st, 3, a, NULL);
	m->unit_name = store_col_dup(st, 4, a, NULL);
	m->kind = store_col_dup(st, 5, a, NULL);
	m->name = store_col_dup(st, 6, a, NULL);
	m->description = store_col_dup(st, 7, a, NULL);
	m->sponsor_id = store_col_i64(st, 8);
	m->sponsor_name = store_col_dup(st, 9, a, NULL);
	m->created_at = store_col_i64(st, 10);
	m->updated_at = store_col_i64(st, 11);
	m->sites = store_col_i64(st, 12);
	m->members = store_col_i64(st, 13);
	m->activities = store_col_i64(st, 14);
	m->people_reached = store_col_i64(st, 15);
	m->cases_handled = store_col_i64(st, 16);
	return m->unit_path && m->kind && m->name && m->sponsor_name ? STORE_OK : STORE_E_NOMEM;
}

int models_get(struct store *db, struct arena *a, int64_t id, struct model_row *m)
{
	struct store_stmt *st;
	int rc = store_prepare(db, "SELECT " MODEL_COLS MODEL_FROM "WHERE m.id = $1", &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, id);
	rc = store_step(st);
	if (rc == STORE_ROW && read_model(st, a, m) != STORE_OK)
		rc = STORE_E_NOMEM;
	store_reset(st);
	return rc;
}

int models_list(struct store *db, struct arena *a, const char *unit_path, int64_t sponsor_id, int64_t after,
		int limit, struct model_row **out, int *n)
{
	struct store_stmt *st;
	const char *path = unit_path ? arena_printf(a, "%s%%", unit_path) : "%";
	struct model_row *rows = arena_alloc(a, sizeof *rows * (size_t)(limit > 0 ? limit : 1));
	int rc, k = 0;
	if (!rows || !path)
		return STORE_E_NOMEM;
	rc = store_prepare(
	    db,
	    "SELECT " MODEL_COLS MODEL_FROM
	    "WHERE m.id > $1 AND u.path LIKE $2 AND (CAST($3 AS BIGINT) = 0 OR m.sponsor_id = $3) "
	    "ORDER BY m.id LIMIT $4",
	    &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, after);
	store_bind_text(st, 2, path);
	store_bind_i64(st, 3, sponsor_id);
	store_bind_i64(st, 4, limit);
	while (k < limit && (rc = store_step(st)) == STORE_ROW) {
		if (read_model(st, a, &rows[k]) != STORE_OK) {
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

int models_site_add(struct store *db, int64_t model_id, int64_t commune_id, const struct model_site *s,
		    int64_t now, int64_t *id)
{
	struct store_stmt *st;
	int rc = store_prepare(db,
			       "INSERT INTO model_sites (model_id, commune_id, unit_id, started_at, members, "
			       "created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
			       &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, model_id);
	store_bind_i64(st, 2, commune_id);
	store_bind_i64(st, 3, s->unit_id);
	store_bind_i64(st, 4, s->started_at);
	store_bind_i64(st, 5, s->members);
	store_bind_i64(st, 6, now);
	return insert_id(st, id);
}

int models_activity_add(struct store *db, int64_t model_id, int64_t commune_id,
			const struct model_activity *x, int64_t now, int64_t *id)
{
	struct store_stmt *st;
	int rc = store_prepare(
	    db,
	    "INSERT INTO model_activities (model_id, commune_id, held_at, kind, people_reached, "
	    "cases_handled, notes, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
	    &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, model_id);
	store_bind_i64(st, 2, commune_id);
	store_bind_i64(st, 3, x->held_at);
	store_bind_text(st, 4, x->kind);
	store_bind_i64(st, 5, x->people_reached);
	store_bind_i64(st, 6, x->cases_handled);
	store_bind_text(st, 7, x->notes);
	store_bind_i64(st, 8, now);
	return insert_id(st, id);
}

int models_evaluation_add(struct store *db, int64_t model_id, int64_t commune_id,
			  const struct model_evaluation *e, int64_t now, int64_t *id)
{
	struct store_stmt *st;
	int rc = store_prepare(db,
			       "INSERT INTO model_evaluations (model_id, commune_id, period, rating, notes, "
			       "created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
			       &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, model_id);
	store_bind_i64(st, 2, commune_id);
	store_bind_text(st, 3, e->period);
	store_bind_text(st, 4, e->rating);
	store_bind_text(st, 5, e->notes);
	store_bind_i64(st, 6, now);
	return insert_id(st, id);
}

int models_sites(struct store *db, struct arena *a, int64_t model_id, int max, struct model_site **out,
		 int *n)
{
	struct store_stmt *st;
	struct model_site *r = arena_alloc(a, sizeof *r * (size_t)(max > 0 ? max : 1));
	int rc, k = 0;
	if (!r)
		return STORE_E_NOMEM;
	rc = store_prepare(
	    db,
	    "SELECT s.id, s.unit_id, u.name, s.started_at, s.members FROM model_sites s JOIN units u "
	    "ON u.id = s.unit_id WHERE s.model_id = $1 ORDER BY s.started_at, s.id",
	    &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, model_id);
	while (k < max && (rc = store_step(st)) == STORE_ROW) {
		r[k].id = store_col_i64(st, 0);
		r[k].unit_id = store_col_i64(st, 1);
		r[k].unit_name = store_col_dup(st, 2, a, NULL);
		r[k].started_at = store_col_i64(st, 3);
		r[k].members = store_col_i64(st, 4);
		k++;
	}
	store_reset(st);
	if (rc < 0)
		return rc;
	*out = r;
	*n = k;
	return STORE_OK;
}

int models_activities(struct store *db, struct arena *a, int64_t model_id, int max,
		      struct model_activity **out, int *n)
{
	struct store_stmt *st;
	struct model_activity *r = arena_alloc(a, sizeof *r * (size_t)(max > 0 ? max : 1));
	int rc, k = 0;
	if (!r)
		return STORE_E_NOMEM;
	rc = store_prepare(
	    db,
	    "SELECT id, held_at, kind, people_reached, cases_handled, notes FROM model_activities "
	    "WHERE model_id = $1 ORDER BY held_at DESC, id DESC",
	    &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, model_id);
	while (k < max && (rc = store_step(st)) == STORE_ROW) {
		r[k].id = store_col_i64(st, 0);
		r[k].held_at = store_col_i64(st, 1);
		r[k].kind = store_col_dup(st, 2, a, NULL);
		r[k].people_reached = store_col_i64(st, 3);
		r[k].cases_handled = store_col_i64(st, 4);
		r[k].notes = store_col_dup(st, 5, a, NULL);
		k++;
	}
	store_reset(st);
	if (rc < 0)
		return rc;
	*out = r;
	*n = k;
	return STORE_OK;
}

int models_evaluations(struct store *db, struct arena *a, int64_t model_id, int max,
		       struct model_evaluation **out, int *n)
{
	struct store_stmt *st;
	struct model_evaluation *r = arena_alloc(a, sizeof *r * (size_t)(max > 0 ? max : 1));
	int rc, k = 0;
	if (!r)
		return STORE_E_NOMEM;
	rc = store_prepare(
	    db,
	    "SELECT id, period, rating, notes, created_at FROM model_evaluations WHERE model_id = $1 "
	    "ORDER BY period, id",
	    &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, model_id);
	while (k < max && (rc = store_step(st)) == STORE_ROW) {
		r[k].id = store_col_i64(st, 0);
		r[k].period = store_col_dup(st, 1, a, NULL);
		r[k].rating = store_col_dup(st, 2, a, NULL);
		r[k].notes = store_col_dup(st, 3, a, NULL);
		r[k].created_at = store_col_i64(st, 4);
		k++;
	}
	store_reset(st);
	if (rc < 0)
		return rc;
	*out = r;
	*n = k;
	return STORE_OK;
}

/* ---- statistics ---- */

static struct models_bucket *bucket(struct arena *a, struct models_bucket *b, int *n, int max,
				    const char *key, const char *name)
{
	for (int i = 0; i < *n; i++)
		if (strcmp(b[i].key, key) == 0)
			return &b[i];
	if (*n >= max)
		return NULL;
	struct models_bucket *x = &b[(*n)++];
	memset(x, 0, sizeof *x);
	x->key = arena_strdup(a, key);
	x->name = name ? arena_strdup(a, name) : NULL;
	return x->key ? x : NULL;
}

/* The models of the communes meeting the subtree, on units inside it ($1 pattern, $2 the path). */
#define MODELS_IN                                                                                            \
	" FROM models m JOIN units u ON u.id = m.unit_id JOIN organisations o ON o.id = m.sponsor_id WHERE " \
	"m.commune_id IN (SELECT c.id FROM units c WHERE c.kind = 'commune' AND (c.path LIKE $1 OR $2 LIKE " \
	"c.path || '%')) AND u.path LIKE $1 "

int models_stats_add(struct store *db, struct arena *a, const char *root, int64_t from, int64_t to,
		     struct models_stats *out)
{
	struct store_stmt *st;
	const char *pattern = arena_printf(a, "%s%%", root);
	if (!pattern)
		return STORE_E_NOMEM;
	/* per model: sites started before `to`, their members, activities in the period */
	int rc = store_prepare(
	    db,
	    "SELECT m.kind, CAST(m.sponsor_id AS TEXT), o.name, (SELECT COUNT(*) FROM model_sites x WHERE "
	    "x.model_id = m.id AND x.started_at < $4), (SELECT COALESCE(SUM(x.members), 0) FROM model_sites "
	    "x "
	    "WHERE x.model_id = m.id AND x.started_at < $4), (SELECT COUNT(*) FROM model_activities y WHERE "
	    "y.model_id = m.id AND y.held_at >= $3 AND y.held_at < $4), (SELECT "
	    "COALESCE(SUM(y.people_reached), "
	    "0) FROM model_activities y WHERE y.model_id = m.id AND y.held_at >= $3 AND y.held_at < $4), "
	    "(SELECT "
	    "COALESCE(SUM(y.cases_handled), 0) FROM model_activities y WHERE y.model_id = m.id AND y.held_at "
	    ">= "
	    "$3 AND y.held_at < $4)" MODELS_IN "ORDER BY m.sponsor_id, m.id",
	    &st);
	if (rc)
		return rc;
	store_bind_text(st, 1, pattern);
	store_bind_text(st, 2, root);
	store_bind_i64(st, 3, from);
	store_bind_i64(st, 4, to);
	while ((rc = store_step(st)) == STORE_ROW) {
		int64_t v[5];
		for (int i = 0; i < 5; i++)
			v[i] = store_col_i64(st, 3 + i);
		struct models_bucket *bs = bucket(a, out->by_sponsor, &out->nsponsor, MODELS_BUCKETS_MAX,
						  store_col_text(st, 1), store_col_text(st, 2));
		struct models_bucket *bk =
		    bucket(a, out->by_kind, &out->nkind, 8, store_col_text(st, 0), NULL);
		struct models_bucket *bb[2] = {bs, bk};
		for (int k = 0; k < 2; k++) {
			if (!bb[k])
				continue;
			bb[k]->models++;
			bb[k]->sites += v[0];
			bb[k]->activities += v[2];
			bb[k]->people_reached += v[3];
			bb[k]->cases_handled += v[4];
		}
		out->models++;
		out->sites += v[0];
		out->members += v[1];
		out->activities += v[2];
		out->people_reached += v[3];
		out->cases_handled += v[4];
	}
	store_reset(st);
	return rc < 0 ? rc : STORE_OK;
}

/* ---- exemplars ---- */

int exemplars_insert(struct store *db, struct exemplar_row *e, int64_t now)
{
	struct store_stmt *st;
	int rc = store_prepare(
	    db,
	    "INSERT INTO exemplars (commune_id, unit_id, kind, person_id, team_id, organisation_id, "
	    "name, achievement, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, "
	    "$9, $9) RETURNING id",
	    &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, e->commune_id);
	store_bind_i64(st, 2, e->unit_id);
	store_bind_text(st, 3, e->kind);
	store_bind_opt_i64(st, 4, e->person_id);
	store_bind_opt_i64(st, 5, e->team_id);
	store_bind_opt_i64(st, 6, e->organisation_id);
	store_bind_text(st, 7, e->name);
	store_bind_text(st, 8, e->achievement);
	store_bind_i64(st, 9, now);
	return insert_id(st, &e->id);
}

int exemplars_update(struct store *db, const struct exemplar_row *e, int64_t now)
{
	struct store_stmt *st;
	int rc =
	    store_prepare(db,
			  "UPDATE exemplars SET unit_id = $2, name = $3, achievement = $4, updated_at = $5 "
			  "WHERE id = $1",
			  &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, e->id);
	store_bind_i64(st, 2, e->unit_id);
	store_bind_text(st, 3, e->name);
	store_bind_text(st, 4, e->achievement);
	store_bind_i64(st, 5, now);
	return store_run(st);
}

int exemplars_delete(struct store *db, int64_t id)
{
	int rc = run_id(db, "DELETE FROM exemplar_commendations WHERE exemplar_id = $1", id);
	return rc ? rc : run_id(db, "DELETE FROM exemplars WHERE id = $1", id);
}

static int load_commendations(struct store *db, struct arena *a, struct exemplar_row *e)
{
	struct store_stmt *st;
	int rc = store_prepare(db,
			       "SELECT id, level, awarded_at, decision_no FROM exemplar_commendations WHERE "
			       "exemplar_id = $1 ORDER BY awarded_at, id",
			       &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, e->id);
	e->ncommendations = 0;
	while ((rc = store_step(st)) == STORE_ROW && e->ncommendations < EXEMPLAR_COMMENDATIONS_MAX) {
		struct exemplar_commendation *c = &e->commendations[e->ncommendations++];
		c->id = store_col_i64(st, 0);
		c->level = store_col_dup(st, 1, a, NULL);
		c->awarded_at = store_col_i64(st, 2);
		c->decision_no = store_col_dup(st, 3, a, NULL);
	}
	store_reset(st);
	return rc < 0 ? rc : STORE_OK;
}

#define EXEMPLAR_COLS                                                                                        \
	"e.id, e.commune_id, e.unit_id, u.path, u.name, e.kind, e.person_id, e.team_id, e.organisation_id, " \
	"e.name, e.achievement, e.created_at, e.updated_at FROM exemplars e JOIN units u ON u.id = "         \
	"e.unit_id "

static int read_exemplar(struct store_stmt *st, struct arena *a, struct exemplar_row *e)
{
	memset(e, 0, sizeof *e);
	e->id = store_col_i64(st, 0);
	e->commune_id = store_col_i64(st, 1);
	e->unit_id = store_col_i64(st, 2);
	e->unit_path = store_col_dup(st, 3, a, NULL);
	e->unit_name = store_col_dup(st, 4, a, NULL);
	e->kind = store_col_dup(st, 5, a, NULL);
	e->person_id = store_col_opt_i64(st, 6);
	e->team_id = store_col_opt_i64(st, 7);
	e->organisation_id = store_col_opt_i64(st, 8);
	e->name = store_col_dup(st, 9, a, NULL);
	e->achievement = store_col_dup(st, 10, a, NULL);
	e->created_at = store_col_i64(st, 11);
	e->updated_at = store_col_i64(st, 12);
	return e->unit_path && e->kind && e->name && e->achievement ? STORE_OK : STORE_E_NOMEM;
}

int exemplars_get(struct store *db, struct arena *a, int64_t id, struct exemplar_row *e)
{
	struct store_stmt *st;
	int rc = store_prepare(db, "SELECT " EXEMPLAR_COLS "WHERE e.id = $1", &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, id);
	rc = store_step(st);
	if (rc == STORE_ROW && read_exemplar(st, a, e) != STORE_OK)
		rc = STORE_E_NOMEM;
	store_reset(st);
	if (rc != STORE_ROW)
		return rc;
	int lrc = load_commendations(db, a, e);
	return lrc ? lrc : STORE_ROW;
}

int exemplars_list(struct store *db, struct arena *a, const char *unit_path, int64_t after, int limit,
		   struct exemplar_row **out, int *n)
{
	struct store_stmt *st;
	const char *path = unit_path ? arena_printf(a, "%s%%", unit_path) : "%";
	struct exemplar_row *rows = arena_alloc(a, sizeof *rows * (size_t)(limit > 0 ? limit : 1));
	int rc, k = 0;
	if (!rows || !path)
		return STORE_E_NOMEM;
	rc = store_prepare(
	    db, "SELECT " EXEMPLAR_COLS "WHERE e.id > $1 AND u.path LIKE $2 ORDER BY e.id LIMIT $3", &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, after);
	store_bind_text(st, 2, path);
	store_bind_i64(st, 3, limit);
	while (k < limit && (rc = store_step(st)) == STORE_ROW) {
		if (read_exemplar(st, a, &rows[k]) != STORE_OK) {
			rc = STORE_E_NOMEM;
			break;
		}
		k++;
	}
	store_reset(st);
	if (rc < 0)
		return rc;
	for (int i = 0; i < k; i++)
		if ((rc = load_commendations(db, a, &rows[i])) != STORE_OK)
			return rc;
	*out = rows;
	*n = k;
	return STORE_OK;
}

int exemplars_commendation_add(struct store *db, int64_t exemplar_id, int64_t commune_id,
			       const struct exemplar_commendation *c, int64_t now, int64_t *id)
{
	struct store_stmt *st;
	int rc =
	    store_prepare(db,
			  "INSERT INTO exemplar_commendations (exemplar_id, commune_id, level, awarded_at, "
			  "decision_no, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
			  &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, exemplar_id);
	store_bind_i64(st, 2, commune_id);
	store_bind_text(st, 3, c->level);
	store_bind_i64(st, 4, c->awarded_at);
	store_bind_text(st, 5, c->decision_no);
	store_bind_i64(st, 6, now);
	return insert_id(st, id);
}
