/*
 * models.c: the /api/v1/models endpoints — the movement's models and clubs (list by sponsor with
 * totals, create, read with their sites, activities and evaluations over time, change, delete, and add
 * a site, an activity or an evaluation), GET /api/v1/stats/models, and /api/v1/exemplars (điển hình
 * tiên tiến: a person, team or organisation with the achievement and its commendations).
 *
 * Scope as for outreach sessions (outreach.c): a model or exemplar lies on a unit; movement.read sees
 * it, and domain/movement.h decides who writes it — admins and officers any of their units, a
 * coordinator only the models their organisation sponsors and the exemplars of their organisation
 * (403 on another's). Every write is audited (model.*, exemplar.*).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "domain/movement.h"
#include "lib/timeutil.h"
#include "store/models.h"
#include "store/organisations.h"
#include "store/people.h"
#include "store/teams.h"
#include "store/units.h"
#include "store/users.h"

#define MODEL_ITEMS_MAX 500
#define ID_MAX (((int64_t)1 << 53) - 1)

static int64_t own_org(struct req *r)
{
	struct user_row u;
	return users_get(r->db, &r->arena, r->user.user_id, &u) == STORE_ROW ? u.organisation_id : 0;
}

/* Commits when rc is STORE_OK, else rolls back; returns the store code. */
static int finish(struct req *r, int rc)
{
	if (rc == STORE_OK)
		return store_commit(r->db);
	store_rollback(r->db);
	return rc;
}

/* Reads an optional text field: NULL for absent, null or "". */
static void opt_text(json_t *o, const char *key, size_t max, const char **out, struct field_errs *fe)
{
	const char *s = NULL;
	json_t *v = json_object_get(o, key);
	if (!v || json_is_null(v))
		return;
	if (jf_str(o, key, JF_OPTIONAL, max, &s, fe) == 1)
		*out = *s ? s : NULL;
}

/* Reads a required or optional time (RFC 3339 or YYYY-MM-DD). 1 read, 0 absent, -1 bad. */
static int read_time(json_t *o, const char *key, int flags, int64_t *out, struct field_errs *fe)
{
	const char *s;
	int got = jf_str(o, key, flags, 40, &s, fe);
	if (got != 1)
		return got;
	if (time_parse_rfc3339(s, out) != 0) {
		field_err(fe, key, "must be an RFC 3339 time or a date (YYYY-MM-DD)");
		return -1;
	}
	return 1;
}

/* The unit of a record: 422 when unseen or outside a commune (or another commune than `commune`). */
static int resolve_unit(struct req *r, int64_t unit_id, int64_t commune, struct unit_row *u)
{
	int rc = units_get(r->db, &r->arena, unit_id, u);
	if (rc < 0)
		return http_fail_store(r, rc);
	if (rc == STORE_DONE || !u->commune_id || !perm_on_unit(&r->user, PERM_MOVEMENT_READ, u->path) ||
	    (commune && u->commune_id != commune)) {
		field_err(&r->fields, "unit_id",
			  commune && rc == STORE_ROW && u->commune_id != commune
			      ? "must lie in the record's commune"
			      : "no such commune, block or group");
		return http_fail_fields(r, &r->fields);
	}
	return APP_OK;
}

/* An organisation the caller sees: 422 on `field` otherwise. */
static int resolve_org(struct req *r, const char *field, int64_t id, struct org_row *o)
{
	int rc = orgs_get(r->db, &r->arena, id, o);
	if (rc < 0)
		return http_fail_store(r, rc);
	if (rc == STORE_DONE || !perm_on_unit(&r->user, PERM_ORGS_READ, o->unit_path)) {
		field_err(&r->fields, field, "no such organisation");
		return http_fail_fields(r, &r->fields);
	}
	return APP_OK;
}

/* ================= models ================= */

static void write_model_fields(struct jw *w, const struct model_row *m)
{
	jw_kint(w, "id", m->id);
	jw_kint(w, "commune_id", m->commune_id);
	jw_kint(w, "unit_id", m->unit_id);
	jw_kstr(w, "unit_name", m->unit_name);
	jw_kstr(w, "kind", m->kind);
	jw_kstr(w, "name", m->name);
	jw_kstr(w, "description", m->description);
	jw_kint(w, "sponsor_id", m->sponsor_id);
	jw_kstr(w, "sponsor_name", m->sponsor_name);
	jw_key(w, "totals");
	jw_obj(w);
	jw_kint(w, "sites", m->sites);
	jw_kint(w, "members", m->members);
	jw_kint(w, "activities", m->activities);
	jw_kint(w, "people_reached", m->people_reached);
	jw_kint(w, "cases_handled", m->cases_handled);
	jw_end(w);
	jw_ktime(w, "created_at", m->created_at);
	jw_ktime(w, "updated_at", m->updated_at);
}

static bool may_write_model(struct req *r, const struct model_row *m)
{
	return movement_may_write(&r->user, m->unit_path, own_org(r), &m->sponsor_id, 1);
}

static int answer_model(struct req *r, int status, int64_t id)
{
	struct model_row m;
	struct model_site *s;
	struct model_activity *x;
	struct model_evaluation *e;
	int ns, nx, ne;
	int rc = models_get(r->db, &r->arena, id, &m);
	if (rc != STORE_ROW)
		return rc == STORE_DONE ? http_fail(r, APP_E_NOTFOUND, "no such model")
					: http_fail_store(r, rc);
	if ((rc = models_sites(r->db, &r->arena, id, MODEL_ITEMS_MAX, &s, &ns)) != STORE_OK ||
	    (rc = models_activities(r->db, &r->arena, id, MODEL_ITEMS_MAX, &x, &nx)) != STORE_OK ||
	    (rc = models_evaluations(r->db, &r->arena, id, MODEL_ITEMS_MAX, &e, &ne)) != STORE_OK)
		return http_fail_store(r, rc);
	struct jw *w = http_json(r, status);
	jw_obj(w);
	jw_key(w, "data");
	jw_obj(w);
	write_model_fields(w, &m);
	jw_kbool(w, "can_edit", may_write_model(r, &m));
	jw_key(w, "sites");
	jw_arr(w);
	for (int i = 0; i < ns; i++) {
		jw_obj(w);
		jw_kint(w, "id", s[i].id);
		jw_kint(w, "unit_id", s[i].unit_id);
		jw_kstr(w, "unit_name", s[i].unit_name ? s[i].unit_name : "");
		jw_ktime(w, "started_at", s[i].started_at);
		jw_kint(w, "members", s[i].members);
		jw_end(w);
	}
	jw_end(w);
	jw_key(w, "activities");
	jw_arr(w);
	for (int i = 0; i < nx; i++) {
		jw_obj(w);
		jw_kint(w, "id", x[i].id);
		jw_ktime(w, "held_at", x[i].held_at);
		jw_kstr(w, "kind", x[i].kind);
		jw_kint(w, "people_reached", x[i].people_reached);
		jw_kint(w, "cases_handled", x[i].cases_handled);
		jw_kstr(w, "notes", x[i].notes);
		jw_end(w);
	}
	jw_end(w);
	jw_key(w, "evaluations");
	jw_arr(w);
	for (int i = 0; i < ne; i++) {
		jw_obj(w);
		jw_kint(w, "id", e[i].id);
		jw_kstr(w, "period", e[i].period);
		jw_kstr(w, "rating", e[i].rating);
		jw_kstr(w, "notes", e[i].notes);
		jw_ktime(w, "created_at", e[i].created_at);
		jw_end(w);
	}
	jw_end(w);
	jw_end(w);
	jw_end(w);
	return APP_OK;
}

static int load_model(struct req *r, struct model_row *m)
{
	int64_t id;
	int rc = http_param_id(r, 0, &id);
	if (rc)
		return http_fail(r, rc, "no such model");
	rc = models_get(r->db, &r->arena, id, m);
	if (rc < 0)
		return http_fail_store(r, rc);
	if (rc == STORE_DONE || !perm_on_unit(&r->user, PERM_MOVEMENT_READ, m->unit_path))
		return http_fail(r, APP_E_NOTFOUND, "no such model");
	return APP_OK;
}

int api_models_list(struct req *r)
{
	int64_t cursor = 0, sponsor = 0;
	int limit = 50;
	const char *path;
	int rc = http_page_args(r, &cursor, &limit);
	if (rc)
		return rc;
	const char *sp = http_query(r, "sponsor_id");
	if (sp && *sp && http_parse_id(sp, &sponsor) != 0) {
		field_err(&r->fields, "sponsor_id", "must be an organisation id");
		return http_fail(r, APP_E_PARAM, "malformed query");
	}
	rc = api_scope_path(r, PERM_MOVEMENT_READ, http_query(r, "unit_id"), &path);
	if (rc)
		return rc;
	bool all = path == NULL || perm_on_unit(&r->user, PERM_MOVEMENT_READ, path);
	struct model_row **page = arena_alloc(&r->arena, sizeof *page * (size_t)(limit + 1));
	int n = 0;
	if (!page)
		return APP_E_NOMEM;
	int64_t after = cursor;
	int batch_size = limit + 1 < 50 ? 50 : limit + 1;
	for (;;) {
		struct model_row *batch;
		int nb;
		rc = models_list(r->db, &r->arena, path, sponsor, after, batch_size, &batch, &nb);
		if (rc < 0)
			return http_fail_store(r, rc);
		for (int i = 0; i < nb && n <= limit; i++)
			if (all || perm_on_unit(&r->user, PERM_MOVEMENT_READ, batch[i].unit_path))
				page[n++] = &batch[i];
		if (nb < batch_size || n > limit)
			break;
		after = batch[nb - 1].id;
	}
	bool more = n > limit;
	if (more)
		n = limit;
	struct jw *w = http_json(r, 200);
	jw_obj(w);
	jw_key(w, "data");
	jw_arr(w);
	for (int i = 0; i < n; i++) {
		jw_obj(w);
		write_model_fields(w, page[i]);
		jw_end(w);
	}
	jw_end(w);
	http_next_cursor(w, more ? page[n - 1]->id : 0);
	jw_end(w);
	return APP_OK;
}

static const char *const model_fields[] = {"unit_id", "kind", "name", "description", "sponsor_id", NULL};

/* Reads a model body into m; *unit_id and *sponsor get the ids given (0 when absent). */
static void read_model(struct req *r, json_t *o, struct model_row *m, bool create, int64_t *unit_id,
		       int64_t *sponsor)
{
	int flags = create ? JF_REQUIRED : JF_OPTIONAL, k;
	const char *s;
	jf_no_unknown(o, model_fields, &r->fields);
	jf_int(o, "unit_id", flags, 1, ID_MAX, unit_id, &r->fields);
	jf_int(o, "sponsor_id", flags, 1, ID_MAX, sponsor, &r->fields);
	if (jf_enum(o, "kind", flags, models_kind_names, &k, &r->fields) == 1)
		m->kind = models_kind_names[k];
	if (jf_str(o, "name", flags, MODEL_NAME_MAX, &s, &r->fields) == 1) {
		if (!*s)
			field_err(&r->fields, "name", "must not be empty");
		m->name = s;
	}
	if (json_object_get(o, "description")) {
		m->description = NULL;
		opt_text(o, "description", MODEL_TEXT_MAX, &m->description, &r->fields);
	}
}

static int apply_model_refs(struct req *r, struct model_row *m, int64_t unit_id, int64_t sponsor)
{
	int rc;
	if (unit_id) {
		struct unit_row u;
		if ((rc = resolve_unit(r, unit_id, m->commune_id, &u)) != APP_OK)
			return rc;
		m->unit_id = u.id;
		m->commune_id = u.commune_id;
		m->unit_path = u.path;
		m->unit_name = u.name;
	}
	if (sponsor) {
		struct org_row o;
		if ((rc = resolve_org(r, "sponsor_id", sponsor, &o)) != APP_OK)
			return rc;
		m->sponsor_id = o.id;
		m->sponsor_name = o.name;
	}
	return APP_OK;
}

int api_models_create(struct req *r)
{
	json_t *body = NULL;
	struct model_row m = {0};
	int64_t unit_id = 0, sponsor = 0;
	int rc = http_json_body(r, &body);
	if (rc)
		return rc;
	read_model(r, body, &m, true, &unit_id, &sponsor);
	if (r->fields.n) {
		rc = http_fail_fields(r, &r->fields);
		goto out;
	}
	if ((rc = apply_model_refs(r, &m, unit_id, sponsor)) != APP_OK)
		goto out;
	if (!may_write_model(r, &m)) {
		rc = http_fail(r, APP_E_FORBIDDEN, "you may keep only the models your organisation sponsors");
		goto out;
	}
	if ((rc = store_begin(r->db)) == STORE_OK) {
		rc = models_insert(r->db, &m, time_now());
		if (rc == STORE_OK)
			rc = api_audit(r, "model.create", "model", m.id,
				       arena_printf(&r->arena,
						    "{\"unit_id\":%" PRId64 ",\"sponsor_id\":%" PRId64 "}",
						    m.unit_id, m.sponsor_id));
		rc = finish(r, rc);
	}
	rc = rc ? http_fail_store(r, rc) : answer_model(r, 201, m.id);
out:
	json_decref(body);
	return rc;
}

int api_models_get(struct req *r)
{
	struct model_row m;
	int rc = load_model(r, &m);
	return rc ? rc : answer_model(r, 200, m.id);
}

int api_models_update(struct req *r)
{
	json_t *body = NULL;
	struct model_row m;
	int64_t unit_id = 0, sponsor = 0;
	int rc = load_model(r, &m);
	if (rc)
		return rc;
	if (!may_write_model(r, &m))
		return http_fail(r, APP_E_FORBIDDEN, "another organisation sponsors this model");
	if ((rc = http_json_body(r, &body)) != APP_OK)
		return rc;
	read_model(r, body, &m, false, &unit_id, &sponsor);
	if (r->fields.n) {
		rc = http_fail_fields(r, &r->fields);
		goto out;
	}
	if ((rc = apply_model_refs(r, &m, unit_id, sponsor)) != APP_OK)
		goto out;
	if (!may_write_model(r, &m)) {
		rc = http_fail(r, APP_E_FORBIDDEN, "the model would no longer be yours to keep");
		goto out;
	}
	if ((rc = store_begin(r->db)) == STORE_OK) {
		rc = models_update(r->db, &m, time_now());
		if (rc == STORE_OK)
			rc = api_audit(r, "model.update", "model", m.id,
				       arena_printf(&r->arena,
						    "{\"unit_id\":%" PRId64 ",\"sponsor_id\":%" PRId64 "}",
						    m.unit_id, m.sponsor_id));
		rc = finish(r, rc);
	}
	rc = rc ? http_fail_store(r, rc) : answer_model(r, 200, m.id);
out:
	json_decref(body);
	return rc;
}

int api_models_delete(struct req *r)
{
	struct model_row m;
	int rc = load_model(r, &m);
	if (rc)
		return rc;
	if (!may_write_model(r, &m))
		return http_fail(r, APP_E_FORBIDDEN, "another organisation sponsors this model");
	if ((rc = store_begin(r->db)) == STORE_OK) {
		rc = models_delete(r->db, m.id);
		if (rc == STORE_OK)
			rc = api_audit(r, "model.delete", "model", m.id, NULL);
		rc = finish(r, rc);
	}
	if (rc)
		return http_fail_store(r, rc);
	http_text(r, 204, NULL, "");
	return APP_OK;
}

/* The common head of the three "add an item" handlers: the model, writable, and the body. */
static int item_head(struct req *r, struct model_row *m, json_t **body)
{
	int rc = load_model(r, m);
	if (rc)
		return rc;
	if (!may_write_model(r, m))
		return http_fail(r, APP_E_FORBIDDEN, "another organisation sponsors this model");
	return http_json_body(r, body);
}

int api_models_sites_add(struct req *r)
{
	static const char *const known[] = {"unit_id", "started_at", "members", NULL};
	json_t *body = NULL;
	struct model_row m;
	struct model_site s = {0};
	struct unit_row u;
	int64_t id = 0;
	int rc = item_head(r, &m, &body);
	if (rc)
		return rc;
	jf_no_unknown(body, known, &r->fields);
	jf_int(body, "unit_id", JF_REQUIRED, 1, ID_MAX, &s.unit_id, &r->fields);
	read_time(body, "started_at", JF_REQUIRED, &s.started_at, &r->fields);
	jf_int(body, "members", JF_OPTIONAL, 0, 1000000, &s.members, &r->fields);
	if (r->fields.n) {
		rc = http_fail_fields(r, &r->fields);
		goto out;
	}
	if ((rc = resolve_unit(r, s.unit_id, m.commune_id, &u)) != APP_OK)
		goto out;
	if ((rc = store_begin(r->db)) == STORE_OK) {
		rc = models_site_add(r->db, m.id, m.commune_id, &s, time_now(), &id);
		if (rc == STORE_OK)
			rc = api_audit(r, "model.site_add", "model", m.id,
				       arena_printf(&r->arena,
						    "{\"site_id\":%" PRId64 ",\"unit_id\":%" PRId64 "}", id,
						    s.unit_id));
		rc = finish(r, rc);
	}
	rc = rc ? http_fail_store(r, rc) : answer_model(r, 201, m.id);
out:
	json_decref(body);
	return rc;
}

int api_models_activities_add(struct req *r)
{
	static const char *const known[] = {"held_at",	     "kind",  "people_reached",
					    "cases_handled", "notes", NULL};
	json_t *body = NULL;
	struct model_row m;
	struct model_activity x = {0};
	int64_t id = 0;
	int k;
	int rc = item_head(r, &m, &body);
	if (rc)
		return rc;
	jf_no_unknown(body, known, &r->fields);
	read_time(body, "held_at", JF_REQUIRED, &x.held_at, &r->fields);
	if (jf_enum(body, "kind", JF_REQUIRED, models_activity_names, &k, &r->fields) == 1)
		x.kind = models_activity_names[k];
	jf_int(body, "people_reached", JF_OPTIONAL, 0, 1000000, &x.people_reached, &r->fields);
	jf_int(body, "cases_handled", JF_OPTIONAL, 0, 1000000, &x.cases_handled, &r->fields);
	opt_text(body, "notes", MODEL_TEXT_MAX, &x.notes, &r->fields);
	if (r->fields.n) {
		rc = http_fail_fields(r, &r->fields);
		goto out;
	}
	if ((rc = store_begin(r->db)) == STORE_OK) {
		rc = models_activity_add(r->db, m.id, m.commune_id, &x, time_now(), &id);
		if (rc == STORE_OK)
			rc =
			    api_audit(r, "model.activity_add", "model", m.id,
				      arena_printf(&r->arena, "{\"activity_id\":%" PRId64 ",\"kind\":\"%s\"}",
						   id, x.kind));
		rc = finish(r, rc);
	}
	rc = rc ? http_fail_store(r, rc) : answer_model(r, 201, m.id);
out:
	json_decref(body);
	return rc;
}

/* "2020", "2020-H1".."H2", "2020-Q1".."Q4" or "2020-01".."12". */
static bool period_ok(const char *p)
{
	size_t n = strlen(p);
	for (int i = 0; i < 4; i++)
		if (p[i] < '0' || p[i] > '9')
			return false;
	if (n == 4)
		return true;
	if (n != 7 || p[4] != '-')
		return false;
	if (p[5] == 'H')
		return p[6] == '1' || p[6] == '2';
	if (p[5] == 'Q')
		return p[6] >= '1' && p[6] <= '4';
	return (p[5] == '0' && p[6] >= '1' && p[6] <= '9') || (p[5] == '1' && p[6] >= '0' && p[6] <= '2');
}

int api_models_evaluations_add(struct req *r)
{
	static const char *const known[] = {"period", "rating", "notes", NULL};
	json_t *body = NULL;
	struct model_row m;
	struct model_evaluation e = {0};
	int64_t id = 0;
	int k;
	int rc = item_head(r, &m, &body);
	if (rc)
		return rc;
	jf_no_unknown(body, known, &r->fields);
	if (jf_str(body, "period", JF_REQUIRED, 16, &e.period, &r->fields) == 1 && !period_ok(e.period))
		field_err(
		    &r->fields, "period",
		    "must be a year (2020), a half (2020-H1), a quarter (2020-Q3) or a month (2020-07)");
	if (jf_enum(body, "rating", JF_REQUIRED, models_rating_names, &k, &r->fields) == 1)
		e.rating = models_rating_names[k];
	opt_text(body, "notes", MODEL_TEXT_MAX, &e.notes, &r->fields);
	if (r->fields.n) {
		rc = http_fail_fields(r, &r->fields);
		goto out;
	}
	if ((rc = store_begin(r->db)) == STORE_OK) {
		rc = models_evaluation_add(r->db, m.id, m.commune_id, &e, time_now(), &id);
		if (rc == STORE_OK)
			rc = api_audit(r, "model.evaluate", "model", m.id,
				       arena_printf(&r->arena,
						    "{\"evaluation_id\":%" PRId64 ",\"rating\":\"%s\"}", id,
						    e.rating));
		rc = finish(r, rc);
	}
	rc = rc ? http_fail_store(r, rc) : answer_model(r, 201, m.id);
out:
	json_decref(body);
	return rc;
}

static void write_models_bucket(struct jw *w, const struct models_bucket *b, const char *key)
{
	jw_obj(w);
	if (strcmp(key, "sponsor_id") == 0) {
		int64_t id = 0;
		http_parse_id(b->key, &id);
		jw_kint(w, key, id);
		jw_kstr(w, "name", b->name ? b->name : "");
	} else {
		jw_kstr(w, key, b->key);
	}
	jw_kint(w, "models", b->models);
	jw_kint(w, "sites", b->sites);
	jw_kint(w, "activities", b->activities);
	jw_kint(w, "people_reached", b->people_reached);
	jw_kint(w, "cases_handled", b->cases_handled);
	jw_end(w);
}

int api_stats_models(struct req *r)
{
	int64_t from = 0, to = 0;
	api_parse_period(r, "from", false, &from);
	api_parse_period(r, "to", true, &to);
	if (!r->fields.n && from && to && to <= from)
		field_err(&r->fields, "to", "must be after 'from'");
	if (r->fields.n)
		return http_fail(r, APP_E_PARAM, "malformed query");
	const char **roots;
	int nroots;
	int rc = api_scope_stats_roots(r, PERM_MOVEMENT_READ, &roots, &nroots);
	if (rc)
		return rc;
	struct models_stats *st = arena_alloc(&r->arena, sizeof *st);
	if (!st)
		return APP_E_NOMEM;
	memset(st, 0, sizeof *st);
	for (int i = 0; i < nroots; i++)
		if ((rc = models_stats_add(r->db, &r->arena, roots[i], from ? from : INT64_MIN,
					   to ? to : INT64_MAX, st)) != STORE_OK)
			return http_fail_store(r, rc);
	struct jw *w = http_json(r, 200);
	jw_obj(w);
	jw_key(w, "data");
	jw_obj(w);
	if (from)
		jw_ktime(w, "from", from);
	else
		jw_knull(w, "from");
	if (to)
		jw_ktime(w, "to", to);
	else
		jw_knull(w, "to");
	jw_kint(w, "models", st->models);
	jw_kint(w, "sites", st->sites);
	jw_kint(w, "members", st->members);
	jw_kint(w, "activities", st->activities);
	jw_kint(w, "people_reached", st->people_reached);
	jw_kint(w, "cases_handled", st->cases_handled);
	jw_key(w, "by_sponsor");
	jw_arr(w);
	for (int i = 0; i < st->nsponsor; i++)
		write_models_bucket(w, &st->by_sponsor[i], "sponsor_id");
	jw_end(w);
	jw_key(w, "by_kind");
	jw_arr(w);
	for (int i = 0; i < st->nkind; i++)
		write_models_bucket(w, &st->by_kind[i], "kind");
	jw_end(w);
	jw_end(w);
	jw_end(w);
	return APP_OK;
}

/* ================= exemplars ================= */

static bool may_write_exemplar(struct req *r, const struct exemplar_row *e)
{
	return movement_may_write(&r->user, e->unit_path, own_org(r), &e->organisation_id,
				  e->organisation_id ? 1 : 0);
}

static void write_exemplar(struct req *r, struct jw *w, const struct exemplar_row *e)
{
	jw_obj(w);
	jw_kint(w, "id", e->id);
	jw_kint(w, "commune_id", e->commune_id);
	jw_kint(w, "unit_id", e->unit_id);
	jw_kstr(w, "unit_name", e->unit_name);
	jw_kstr(w, "kind", e->kind);
	int64_t ref = e->person_id ? e->person_id : e->team_id ? e->team_id : e->organisation_id;
	if (ref)
		jw_kint(w, "ref_id", ref);
	else
		jw_knull(w, "ref_id");
	jw_kstr(w, "name", e->name);
	jw_kstr(w, "achievement", e->achievement);
	jw_key(w, "commendations");
	jw_arr(w);
	for (int i = 0; i < e->ncommendations; i++) {
		jw_obj(w);
		jw_kint(w, "id", e->commendations[i].id);
		jw_kstr(w, "level", e->commendations[i].level);
		jw_ktime(w, "awarded_at", e->commendations[i].awarded_at);
		jw_kstr(w, "decision_no", e->commendations[i].decision_no);
		jw_end(w);
	}
	jw_end(w);
	jw_kbool(w, "can_edit", may_write_exemplar(r, e));
	jw_ktime(w, "created_at", e->created_at);
	jw_ktime(w, "updated_at", e->updated_at);
	jw_end(w);
}

static int answer_exemplar(struct req *r, int status, int64_t id)
{
	struct exemplar_row *e = arena_alloc(&r->arena, sizeof *e);
	if (!e)
		return APP_E_NOMEM;
	int rc = exemplars_get(r->db, &r->arena, id, e);
	if (rc != STORE_ROW)
		return rc == STORE_DONE ? http_fail(r, APP_E_NOTFOUND, "no such exemplar")
					: http_fail_store(r, rc);
	struct jw *w = http_json(r, status);
	jw_obj(w);
	jw_key(w, "data");
	write_exemplar(r, w, e);
	jw_end(w);
	return APP_OK;
}

static int load_exemplar(struct req *r, struct exemplar_row **out)
{
	int64_t id;
	struct exemplar_row *e = arena_alloc(&r->arena, sizeof *e);
	if (!e)
		return APP_E_NOMEM;
	int rc = http_param_id(r, 0, &id);
	if (rc)
		return http_fail(r, rc, "no such exemplar");
	rc = exemplars_get(r->db, &r->arena, id, e);
	if (rc < 0)
		return http_fail_store(r, rc);
	if (rc == STORE_DONE || !perm_on_unit(&r->user, PERM_MOVEMENT_READ, e->unit_path))
		return http_fail(r, APP_E_NOTFOUND, "no such exemplar");
	*out = e;
	return APP_OK;
}

int api_exemplars_list(struct req *r)
{
	int64_t cursor = 0;
	int limit = 50;
	const char *path;
	int rc = http_page_args(r, &cursor, &limit);
	if (rc)
		return rc;
	rc = api_scope_path(r, PERM_MOVEMENT_READ, http_query(r, "unit_id"), &path);
	if (rc)
		return rc;
	bool all = path == NULL || perm_on_unit(&r->user, PERM_MOVEMENT_READ, path);
	struct exemplar_row **page = arena_alloc(&r->arena, sizeof *page * (size_t)(limit + 1));
	int n = 0;
	if (!page)
		return APP_E_NOMEM;
	int64_t after = cursor;
	for (;;) {
		struct exemplar_row *batch;
		int nb;
		rc = exemplars_list(r->db, &r->arena, path, after, limit + 1, &batch, &nb);
		if (rc < 0)
			return http_fail_store(r, rc);
		for (int i = 0; i < nb && n <= limit; i++)
			if (all || perm_on_unit(&r->user, PERM_MOVEMENT_READ, batch[i].unit_path))
				page[n++] = &batch[i];
		if (nb < limit + 1 || n > limit)
			break;
		after = batch[nb - 1].id;
	}
	bool more = n > limit;
	if (more)
		n = limit;
	struct jw *w = http_json(r, 200);
	jw_obj(w);
	jw_key(w, "data");
	jw_arr(w);
	for (int i = 0; i < n; i++)
		write_exemplar(r, w, page[i]);
	jw_end(w);
	http_next_cursor(w, more ? page[n - 1]->id : 0);
	jw_end(w);
	return APP_OK;
}

static const char *const exemplar_fields[] = {"unit_id", "kind", "ref_id", "name", "achievement", NULL};

int api_exemplars_create(struct req *r)
{
	json_t *body = NULL;
	struct exemplar_row *e = arena_alloc(&r->arena, sizeof *e);
	struct unit_row u;
	int64_t unit_id = 0, ref = 0;
	int k = -1;
	if (!e)
		return APP_E_NOMEM;
	memset(e, 0, sizeof *e);
	int rc = http_json_body(r, &body);
	if (rc)
		return rc;
	jf_no_unknown(body, exemplar_fields, &r->fields);
	jf_int(body, "unit_id", JF_REQUIRED, 1, ID_MAX, &unit_id, &r->fields);
	if (jf_enum(body, "kind", JF_REQUIRED, exemplars_kind_names, &k, &r->fields) == 1)
		e->kind = exemplars_kind_names[k];
	jf_int(body, "ref_id", JF_OPTIONAL, 1, ID_MAX, &ref, &r->fields);
	opt_text(body, "name", MODEL_NAME_MAX, &e->name, &r->fields);
	if (jf_str(body, "achievement", JF_REQUIRED, MODEL_TEXT_MAX, &e->achievement, &r->fields) == 1 &&
	    !*e->achievement)
		field_err(&r->fields, "achievement", "must not be empty");
	if (!r->fields.n && !ref && !e->name)
		field_err(&r->fields, "name", "is required when 'ref_id' does not name a record");
	if (r->fields.n) {
		rc = http_fail_fields(r, &r->fields);
		goto out;
	}
	if ((rc = resolve_unit(r, unit_id, 0, &u)) != APP_OK)
		goto out;
	e->unit_id = u.id;
	e->commune_id = u.commune_id;
	e->unit_path = u.path;
	if (ref) {
		const char *name = NULL;
		bool seen = false;
		if (strcmp(e->kind, "person") == 0) {
			struct person_row p;
			rc = people_get(r->db, &r->arena, ref, &p);
			seen = rc == STORE_ROW && perm_on_unit(&r->user, PERM_PEOPLE_READ, p.unit_path);
			name = seen ? p.full_name : NULL;
			e->person_id = ref;
		} else if (strcmp(e->kind, "team") == 0) {
			struct team_row t;
			rc = teams_get(r->db, &r->arena, ref, &t);
			seen = rc == STORE_ROW && perm_on_unit(&r->user, PERM_TEAMS_READ, t.unit_path);
			name = seen ? t.name : NULL;
			e->team_id = ref;
		} else {
			struct org_row o;
			rc = orgs_get(r->db, &r->arena, ref, &o);
			seen = rc == STORE_ROW && perm_on_unit(&r->user, PERM_ORGS_READ, o.unit_path);
			name = seen ? o.name : NULL;
			e->organisation_id = ref;
		}
		if (rc < 0) {
			rc = http_fail_store(r, rc);
			goto out;
		}
		if (!seen) {
			field_err(&r->fields, "ref_id", "no such record of this kind");
			rc = http_fail_fields(r, &r->fields);
			goto out;
		}
		if (!e->name)
			e->name = name;
	}
	if (!may_write_exemplar(r, e)) {
		rc = http_fail(r, APP_E_FORBIDDEN, "you may record only your own organisation's exemplars");
		goto out;
	}
	if ((rc = store_begin(r->db)) == STORE_OK) {
		rc = exemplars_insert(r->db, e, time_now());
		if (rc == STORE_OK)
			rc = api_audit(r, "exemplar.create", "exemplar", e->id,
				       arena_printf(&r->arena, "{\"unit_id\":%" PRId64 ",\"kind\":\"%s\"}",
						    e->unit_id, e->kind));
		rc = finish(r, rc);
	}
	rc = rc ? http_fail_store(r, rc) : answer_exemplar(r, 201, e->id);
out:
	json_decref(body);
	return rc;
}

int api_exemplars_get(struct req *r)
{
	struct exemplar_row *e;
	int rc = load_exemplar(r, &e);
	return rc ? rc : answer_exemplar(r, 200, e->id);
}

int api_exemplars_update(struct req *r)
{
	static const char *const known[] = {"name", "achievement", NULL};
	json_t *body = NULL;
	struct exemplar_row *e;
	const char *s;
	int rc = load_exemplar(r, &e);
	if (rc)
		return rc;
	if (!may_write_exemplar(r, e))
		return http_fail(r, APP_E_FORBIDDEN, "this exemplar is another organisation's");
	if ((rc = http_json_body(r, &body)) != APP_OK)
		return rc;
	jf_no_unknown(body, known, &r->fields);
	if (jf_str(body, "name", JF_OPTIONAL, MODEL_NAME_MAX, &s, &r->fields) == 1) {
		if (!*s)
			field_err(&r->fields, "name", "must not be empty");
		e->name = s;
	}
	if (jf_str(body, "achievement", JF_OPTIONAL, MODEL_TEXT_MAX, &s, &r->fields) == 1) {
		if (!*s)
			field_err(&r->fields, "achievement", "must not be empty");
		e->achievement = s;
	}
	if (r->fields.n) {
		rc = http_fail_fields(r, &r->fields);
		goto out;
	}
	if ((rc = store_begin(r->db)) == STORE_OK) {
		rc = exemplars_update(r->db, e, time_now());
		if (rc == STORE_OK)
			rc = api_audit(r, "exemplar.update", "exemplar", e->id, NULL);
		rc = finish(r, rc);
	}
	rc = rc ? http_fail_store(r, rc) : answer_exemplar(r, 200, e->id);
out:
	json_decref(body);
	return rc;
}

int api_exemplars_delete(struct req *r)
{
	struct exemplar_row *e;
	int rc = load_exemplar(r, &e);
	if (rc)
		return rc;
	if (!may_write_exemplar(r, e))
		return http_fail(r, APP_E_FORBIDDEN, "this exemplar is another organisation's");
	if ((rc = store_begin(r->db)) == STORE_OK) {
		rc = exemplars_delete(r->db, e->id);
		if (rc == STORE_OK)
			rc = api_audit(r, "exemplar.delete", "exemplar", e->id, NULL);
		rc = finish(r, rc);
	}
	if (rc)
		return http_fail_store(r, rc);
	http_text(r, 204, NULL, "");
	return APP_OK;
}

int api_exemplars_commendations_add(struct req *r)
{
	static const char *const known[] = {"level", "awarded_at", "decision_no", NULL};
	json_t *body = NULL;
	struct exemplar_row *e;
	struct exemplar_commendation c = {0};
	int64_t id = 0;
	int k;
	int rc = load_exemplar(r, &e);
	if (rc)
		return rc;
	if (!may_write_exemplar(r, e))
		return http_fail(r, APP_E_FORBIDDEN, "this exemplar is another organisation's");
	if ((rc = http_json_body(r, &body)) != APP_OK)
		return rc;
	jf_no_unknown(body, known, &r->fields);
	if (jf_enum(body, "level", JF_REQUIRED, exemplars_level_names, &k, &r->fields) == 1)
		c.level = exemplars_level_names[k];
	read_time(body, "awarded_at", JF_REQUIRED, &c.awarded_at, &r->fields);
	opt_text(body, "decision_no", 100, &c.decision_no, &r->fields);
	if (r->fields.n) {
		rc = http_fail_fields(r, &r->fields);
		goto out;
	}
	if (e->ncommendations >= EXEMPLAR_COMMENDATIONS_MAX) {
		rc = http_fail(r, APP_E_CONFLICT, "an exemplar holds at most 32 commendations");
		goto out;
	}
	if ((rc = store_begin(r->db)) == STORE_OK) {
		rc = exemplars_commendation_add(r->db, e->id, e->commune_id, &c, time_now(), &id);
		if (rc == STORE_OK)
			rc = api_audit(r, "exemplar.commend", "exemplar", e->id,
				       arena_printf(&r->arena,
						    "{\"commendation_id\":%" PRId64 ",\"level\":\"%s\"}", id,
						    c.level));
		rc = finish(r, rc);
	}
	rc = rc ? http_fail_store(r, rc) : answer_exemplar(r, 201, e->id);
out:
	json_decref(body);
	return rc;
}
