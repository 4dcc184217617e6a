/*
 * mediation.c: the /api/v1/mediation endpoints — a mediation team's cases (hòa giải ở cơ sở) from
 * receipt to result with their sessions, the team's yearly book (Sổ theo dõi hoạt động hòa giải ở cơ
 * sở: part I one row per case, part II totals per mediator, kind and result), and the statistics at
 * /api/v1/stats/mediation. The SQL is store/mediation.c's, the rules domain/mediation_rules.c's; this
 * file parses, validates, decides who may see and change what, audits, and writes the JSON.
 *
 * Scope: a case belongs to its mediation team. It is read with mediation.read and changed with
 * mediation.write on the team (perm_on_team: a grant on the team's unit or above it, or on the team
 * itself — so a team leader writes their own team's cases and a member reads them). A case the caller
 * may not read answers 404; a visible one they may not change 403.
 *
 * The requester's and the parties' names and addresses are personal data: readable to those who read
 * the case (they are in the paper book too), sealed at rest by the store, and never written to the
 * log or to an audit detail, which carries only team, unit, year and number. Every change is audited
 * in its own transaction: mediation_case.create, .update, .delete and .session.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "domain/mediation_rules.h"
#include "domain/team_rules.h"
#include "lib/timeutil.h"
#include "store/mediation.h"
#include "store/teams.h"
#include "store/units.h"

#define ID_MAX (((int64_t)1 << 53) - 1)
#define STATS_MONTHS_MAX 60
#define NUMBER_TRIES 3 /* a number taken by a concurrent writer: try the next one */

static bool may(const struct req *r, enum perm perm, int64_t team_id, const char *unit_path)
{
	return perm_on_team(&r->user, perm, team_id, unit_path);
}

static const char *today_of(struct req *r)
{
	char d[11];
	const char *s = arena_strdup(&r->arena, team_today(time_now(), d));
	return s ? s : "9999-12-31";
}

static int year_of(const char *date)
{
	return (int)strtol(date, NULL, 10);
}

/* ---- scope ---- */

/*
 * The roots of what the caller reads: the unit subtrees of their mediation.read grants and the units
 * of the teams they hold it on directly, none inside another; *all for an installation-wide grant.
 */
static int read_roots(struct req *r, const char ***roots, int *n, bool *all)
{
	int rc = api_scope_roots(r, PERM_MEDIATION_READ, roots, n, all);
	if (rc || *all)
		return rc;
	const char **out = arena_alloc(&r->arena, sizeof *out * (size_t)(*n + r->user.ngrants + 1));
	if (!out)
		return APP_E_NOMEM;
	memcpy(out, *roots, sizeof *out * (size_t)*n);
	int k = *n;
	for (int i = 0; i < r->user.ngrants; i++) {
		const struct grant *g = &r->user.grants[i];
		struct team_row t;
		if (!g->team_id || !perm_role_has(g->role, PERM_MEDIATION_READ))
			continue;
		rc = teams_get(r->db, &r->arena, g->team_id, &t);
		if (rc < 0)
			return http_fail_store(r, rc);
		if (rc != STORE_ROW)
			continue;
		bool covered = false;
		for (int j = 0; j < k && !covered; j++)
			covered = perm_path_within(t.unit_path, out[j]);
		if (covered)
			continue;
		int kept = 0;
		for (int j = 0; j < k; j++)
			if (!perm_path_within(out[j], t.unit_path))
				out[kept++] = out[j];
		k = kept;
		out[k++] = t.unit_path;
	}
	*roots = out;
	*n = k;
	return APP_OK;
}

/* The deepest path holding every root (NULL: everything; "/0/": nothing). */
static const char *common_path(struct req *r, const char **roots, int n, bool all)
{
	if (all)
		return NULL;
	if (n == 0)
		return "/0/";
	size_t len = strlen(roots[0]);
	for (int i = 1; i < n; i++) {
		size_t k = 0;
		while (k < len && roots[i][k] && roots[i][k] == roots[0][k])
			k++;
		len = k;
	}
	while (len > 0 && roots[0][len - 1] != '/')
		len--;
	return arena_strndup(&r->arena, roots[0], len ? len : 1);
}

/* ---- JSON ---- */

static void write_opt_date_or_text(struct jw *w, const char *k, const char *s)
{
	if (s && *s)
		jw_kstr(w, k, s);
	else
		jw_knull(w, k);
}

static void write_case(struct jw *w, const struct med_case *c)
{
	jw_obj(w);
	jw_kint(w, "id", c->id);
	jw_kint(w, "team_id", c->team_id);
	jw_kstr(w, "team_name", c->team_name);
	jw_kint(w, "unit_id", c->unit_id);
	jw_kint(w, "commune_id", c->commune_id);
	jw_kint(w, "year", c->year);
	jw_kint(w, "number", c->number);
	jw_kstr(w, "received_on", c->received_on);
	jw_kstr(w, "requester", c->requester);
	jw_kstr(w, "kind", mediation_kind_names[c->kind]);
	jw_kstr(w, "summary", c->summary);
	jw_key(w, "parties");
	jw_arr(w);
	for (int i = 0; i < c->nparties; i++) {
		jw_obj(w);
		jw_kstr(w, "full_name", c->parties[i].full_name);
		if (c->parties[i].birth_year)
			jw_kint(w, "birth_year", c->parties[i].birth_year);
		else
			jw_knull(w, "birth_year");
		write_opt_date_or_text(w, "address", c->parties[i].address);
		jw_end(w);
	}
	jw_end(w);
	jw_key(w, "mediators");
	jw_arr(w);
	for (int i = 0; i < c->nmediators; i++) {
		jw_obj(w);
		jw_kint(w, "person_id", c->mediators[i].person_id);
		jw_kstr(w, "full_name", c->mediators[i].full_name);
		jw_end(w);
	}
	jw_end(w);
	write_opt_date_or_text(w, "invited", c->invited);
	jw_key(w, "sessions");
	jw_arr(w);
	for (int i = 0; i < c->nsessions; i++) {
		jw_obj(w);
		jw_kint(w, "id", c->sessions[i].id);
		jw_kstr(w, "held_on", c->sessions[i].held_on);
		jw_kstr(w, "notes", c->sessions[i].notes);
		jw_ktime(w, "created_at", c->sessions[i].created_at);
		jw_end(w);
	}
	jw_end(w);
	if (c->result >= 0)
		jw_kstr(w, "result", mediation_result_names[c->result]);
	else
		jw_knull(w, "result");
	write_opt_date_or_text(w, "concluded_on", c->concluded_on);
	write_opt_date_or_text(w, "agreement", c->agreement);
	write_opt_date_or_text(w, "follow_up", c->follow_up);
	write_opt_date_or_text(w, "follow_up_on", c->follow_up_on);
	write_opt_date_or_text(w, "notes", c->notes);
	jw_ktime(w, "created_at", c->created_at);
	jw_ktime(w, "updated_at", c->updated_at);
	jw_end(w);
}

static int answer_case(struct req *r, int status, int64_t id)
{
	struct med_case c;
	int rc = mediation_get(r->db, &r->arena, id, &c);
	if (rc != STORE_ROW)
		return http_fail_store(r, rc == STORE_DONE ? STORE_E_DB : rc);
	struct jw *w = http_json(r, status);
	jw_obj(w);
	jw_key(w, "data");
	write_case(w, &c);
	jw_end(w);
	return APP_OK;
}

/* ---- audit: team, unit, year and number only (never names) ---- */

static int audit_case(struct req *r, const char *action, const struct med_case *c, int64_t session_id)
{
	char detail[192];
	if (session_id)
		snprintf(detail, sizeof detail,
			 "{\"team_id\":%" PRId64 ",\"unit_id\":%" PRId64 ",\"year\":%d,\"number\":%d,"
			 "\"session_id\":%" PRId64 "}",
			 c->team_id, c->unit_id, c->year, c->number, session_id);
	else
		snprintf(detail, sizeof detail,
			 "{\"team_id\":%" PRId64 ",\"unit_id\":%" PRId64 ",\"year\":%d,\"number\":%d}",
			 c->team_id, c->unit_id, c->year, c->number);
	return api_audit(r, action, "mediation_case", c->id, detail);
}

/* ---- reading a body ---- */

static const char *const case_fields[] = {
    "team_id",	 "received_on",	 "requester",	 "kind",   "summary",
    "parties",	 "mediator_ids", "invited",	 "result", "concluded_on",
    "agreement", "follow_up",	 "follow_up_on", "notes",  NULL};
static const char *const party_fields[] = {"full_name", "birth_year", "address", NULL};

/* A date field: 1 set (valid), 0 absent, -1 error; null clears it when `clear` is given. */
static int read_date(struct req *r, json_t *o, const char *key, int flags, const char **out)
{
	const char *s;
	int got = jf_str(o, key, flags, 10, &s, &r->fields);
	if (got == 1 && !team_date_valid(s)) {
		field_err(&r->fields, key, "must be a date YYYY-MM-DD");
		return -1;
	}
	if (got == 1)
		*out = s;
	else if (got == 0 && json_is_null(json_object_get(o, key)))
		*out = NULL;
	return got;
}

/* An optional text: "" or null clears it. */
static void read_text(struct req *r, json_t *o, const char *key, size_t max, const char **out)
{
	const char *s;
	json_t *v = json_object_get(o, key);
	if (!v)
		return;
	if (json_is_null(v)) {
		*out = NULL;
		return;
	}
	if (jf_str(o, key, JF_OPTIONAL, max, &s, &r->fields) == 1)
		*out = *s ? s : NULL;
}

static void read_parties(struct req *r, json_t *arr, struct med_case *c)
{
	struct field_errs *fe = &r->fields;
	size_t n = json_array_size(arr);
	if (!json_is_array(arr) || n < 1 || n > MED_PARTIES_MAX) {
		field_err(fe, "parties", "must be a list of 1 to 20 parties");
		return;
	}
	c->parties = arena_alloc(&r->arena, sizeof *c->parties * n);
	if (!c->parties) {
		field_err(fe, "parties", "out of memory");
		return;
	}
	c->nparties = (int)n;
	int max_year = year_of(today_of(r));
	for (size_t i = 0; i < n; i++) {
		json_t *p = json_array_get(arr, i);
		struct med_party *m = &c->parties[i];
		const char *s;
		int64_t v;
		memset(m, 0, sizeof *m);
		if (!json_is_object(p)) {
			field_err(fe, "parties", "each party must be an object");
			return;
		}
		struct field_errs pe = {0};
		jf_no_unknown(p, party_fields, &pe);
		if (jf_str(p, "full_name", JF_REQUIRED, MED_NAME_MAX, &s, &pe) == 1)
			m->full_name = s;
		if (jf_int(p, "birth_year", JF_OPTIONAL, 1900, max_year, &v, &pe) == 1)
			m->birth_year = (int)v;
		if (jf_str(p, "address", JF_OPTIONAL, MED_ADDRESS_MAX, &s, &pe) == 1)
			m->address = *s ? s : NULL;
		for (int k = 0; k < pe.n; k++)
			field_err(fe, arena_printf(&r->arena, "parties[%zu].%s", i, pe.field[k]), pe.msg[k]);
	}
}

static void read_mediator_ids(struct req *r, json_t *arr, struct med_case *c)
{
	size_t n = json_array_size(arr);
	if (!json_is_array(arr) || n > MED_MEDIATORS_MAX) {
		field_err(&r->fields, "mediator_ids", "must be a list of at most 20 person ids");
		return;
	}
	c->mediators = arena_alloc(&r->arena, sizeof *c->mediators * (n ? n : 1));
	if (!c->mediators) {
		field_err(&r->fields, "mediator_ids", "out of memory");
		return;
	}
	c->nmediators = 0;
	for (size_t i = 0; i < n; i++) {
		json_t *v = json_array_get(arr, i);
		json_int_t id = json_is_integer(v) ? json_integer_value(v) : 0;
		if (id < 1 || id > ID_MAX) {
			field_err(&r->fields, "mediator_ids", "must be a list of person ids");
			return;
		}
		for (int k = 0; k < c->nmediators; k++)
			if (c->mediators[k].person_id == id) {
				field_err(&r->fields, "mediator_ids", "names a mediator twice");
				return;
			}
		c->mediators[c->nmediators].person_id = id;
		c->mediators[c->nmediators].full_name = NULL;
		c->nmediators++;
	}
}

/* Reads the body into c (create: required fields must be there). *team_id gets a given team_id. */
static void read_case(struct req *r, json_t *o, struct med_case *c, bool create, int64_t *team_id,
		      bool *children)
{
	struct field_errs *fe = &r->fields;
	int flags = create ? JF_REQUIRED : JF_OPTIONAL;
	const char *s;
	int64_t v;
	int k;
	jf_no_unknown(o, case_fields, fe);
	if (jf_int(o, "team_id", flags, 1, ID_MAX, &v, fe) == 1)
		*team_id = v;
	if (read_date(r, o, "received_on", flags, &s) == 1)
		c->received_on = s;
	if (jf_str(o, "requester", flags, MED_NAME_MAX, &s, fe) == 1)
		c->requester = s;
	if (jf_enum(o, "kind", flags, mediation_kind_names, &k, fe) == 1)
		c->kind = k;
	if (jf_str(o, "summary", flags, MED_TEXT_MAX, &s, fe) == 1)
		c->summary = s;
	if (!create)
		for (const char *const *f =
			 (const char *const[]){"received_on", "requester", "kind", "summary", NULL};
		     *f; f++)
			if (json_is_null(json_object_get(o, *f)) ||
			    (json_is_string(json_object_get(o, *f)) &&
			     !*json_string_value(json_object_get(o, *f))))
				field_err(fe, *f, "must not be empty");
	json_t *p = json_object_get(o, "parties");
	if (p || create) {
		read_parties(r, p, c);
		*children = true;
	}
	json_t *m = json_object_get(o, "mediator_ids");
	if (m) {
		read_mediator_ids(r, m, c);
		*children = true;
	}
	read_text(r, o, "invited", MED_TEXT_MAX, &c->invited);
	read_text(r, o, "agreement", MED_TEXT_MAX, &c->agreement);
	read_text(r, o, "follow_up", MED_TEXT_MAX, &c->follow_up);
	read_text(r, o, "notes", MED_TEXT_MAX, &c->notes);
	json_t *res = json_object_get(o, "result");
	if (res && json_is_null(res))
		c->result = -1;
	else if (jf_enum(o, "result", JF_OPTIONAL, mediation_result_names, &k, fe) == 1)
		c->result = k;
	read_date(r, o, "concluded_on", JF_OPTIONAL, &c->concluded_on);
	read_date(r, o, "follow_up_on", JF_OPTIONAL, &c->follow_up_on);
}

/* The team of a new case: 422 when unseen or not a mediation team, 403 when not writable. */
static int case_team(struct req *r, int64_t team_id, struct team_row *t)
{
	int rc = teams_get(r->db, &r->arena, team_id, t);
	if (rc < 0)
		return http_fail_store(r, rc);
	if (rc == STORE_DONE || !may(r, PERM_MEDIATION_READ, t->id, t->unit_path) ||
	    t->kind != TEAM_MEDIATION || !t->commune_id) {
		field_err(&r->fields, "team_id", "no such mediation team");
		return http_fail_fields(r, &r->fields);
	}
	if (!may(r, PERM_MEDIATION_WRITE, t->id, t->unit_path))
		return http_fail(r, APP_E_FORBIDDEN, "your role may not record this team's mediation cases");
	return APP_OK;
}

/* Every mediator must be a member of the team (any term); fills their names. */
static int check_mediators(struct req *r, int64_t team_id, struct med_case *c)
{
	struct member_row *m;
	int n;
	if (c->nmediators == 0)
		return APP_OK;
	int rc = teams_members(r->db, &r->arena, team_id, NULL, &m, &n);
	if (rc)
		return http_fail_store(r, rc);
	for (int i = 0; i < c->nmediators; i++) {
		const char *name = NULL;
		for (int k = 0; k < n && !name; k++)
			if (m[k].person_id == c->mediators[i].person_id)
				name = m[k].full_name;
		if (!name) {
			field_err(&r->fields, "mediator_ids", "every mediator must be a member of the team");
			return http_fail_fields(r, &r->fields);
		}
		c->mediators[i].full_name = name;
	}
	return APP_OK;
}

static int check_rules(struct req *r, const struct med_case *c)
{
	struct mediation_facts f = {
	    .received_on = c->received_on,
	    .result = c->result,
	    .concluded_on = c->concluded_on,
	    .agreement = c->agreement,
	    .follow_up = c->follow_up,
	    .follow_up_on = c->follow_up_on,
	    .mediators = c->nmediators,
	    .sessions = c->nsessions,
	    .first_session = c->nsessions ? c->sessions[0].held_on : NULL,
	};
	if (!mediation_check(&f, today_of(r), &r->fields))
		return http_fail_fields(r, &r->fields);
	return APP_OK;
}

/* Runs the insert or update of c in a transaction with its audit entry, numbering it first when
 * `renumber`; retries when a concurrent writer took the number. */
static int save_case(struct req *r, struct med_case *c, bool create, bool renumber, bool children)
{
	int rc = STORE_E_UNIQUE;
	int64_t now = time_now();
	for (int attempt = 0; attempt < NUMBER_TRIES && rc == STORE_E_UNIQUE; attempt++) {
		rc = store_begin(r->db);
		if (rc)
			break;
		if (renumber)
			rc = mediation_next_number(r->db, c->team_id, c->year, &c->number);
		if (rc == STORE_OK)
			rc = create ? mediation_insert(r->db, c, now, &c->id)
				    : mediation_update(r->db, c, children, now);
		if (rc == STORE_OK)
			rc = audit_case(r, create ? "mediation_case.create" : "mediation_case.update", c, 0);
		if (rc == STORE_OK)
			rc = store_commit(r->db);
		else
			store_rollback(r->db);
	}
	return rc;
}

/* ---- GET /api/v1/mediation/cases ---- */

static int load_visible(struct req *r, struct med_case *c)
{
	int64_t id;
	int rc = http_param_id(r, 0, &id);
	if (rc)
		return http_fail(r, rc, "no such mediation case");
	rc = mediation_get(r->db, &r->arena, id, c);
	if (rc < 0)
		return http_fail_store(r, rc);
	if (rc == STORE_DONE || !may(r, PERM_MEDIATION_READ, c->team_id, c->unit_path))
		return http_fail(r, APP_E_NOTFOUND, "no such mediation case");
	return APP_OK;
}

/* ?name= as an id (0 when absent); a field error when malformed. */
static int64_t query_id(struct req *r, const char *name)
{
	const char *s = http_query(r, name);
	int64_t v = 0;
	if (s && http_parse_id(s, &v) != 0)
		field_err(&r->fields, name, "must be an id");
	return v;
}

static int query_year(struct req *r, bool required)
{
	const char *s = http_query(r, "year");
	char *end = NULL;
	long y = s ? strtol(s, &end, 10) : 0;
	if (!s && required)
		field_err(&r->fields, "year", "is required");
	else if (s && (!*s || *end || y < 1900 || y > 2200))
		field_err(&r->fields, "year", "must be a year (1900-2200)");
	return (int)y;
}

int api_mediation_list(struct req *r)
{
	struct mediation_query q = {0};
	int64_t cursor = 0;
	int limit = 50, k;
	int rc = http_page_args(r, &cursor, &limit);
	if (rc)
		return rc;
	q.team_id = query_id(r, "team_id");
	q.year = query_year(r, false);
	q.kind = http_query(r, "kind");
	q.result = http_query(r, "result");
	if (q.kind && *q.kind && (k = mediation_name_index(mediation_kind_names, q.kind)) < 0)
		field_err(&r->fields, "kind", "is not a kind of mediation case");
	if (q.result && *q.result && strcmp(q.result, "open") != 0 &&
	    mediation_name_index(mediation_result_names, q.result) < 0)
		field_err(&r->fields, "result",
			  "must be open, settled, not_settled, withdrawn or transferred");
	if (r->fields.n)
		return http_fail(r, APP_E_PARAM, "malformed query");
	const char **roots;
	int nroots;
	bool all;
	rc = read_roots(r, &roots, &nroots, &all);
	if (rc)
		return rc;
	q.unit_path = common_path(r, roots, nroots, all);
	if (!all && !q.unit_path)
		return APP_E_NOMEM;

	struct med_case *page = arena_alloc(&r->arena, sizeof *page * (size_t)(limit + 1));
	int n = 0;
	if (!page)
		return APP_E_NOMEM;
	q.after_id = cursor;
	q.limit = limit + 1 < 50 ? 50 : limit + 1;
	for (;;) {
		struct med_case *batch;
		int nb;
		rc = mediation_list(r->db, &r->arena, &q, &batch, &nb);
		if (rc < 0)
			return http_fail_store(r, rc);
		for (int i = 0; i < nb && n <= limit; i++)
			if (may(r, PERM_MEDIATION_READ, batch[i].team_id, batch[i].unit_path))
				page[n++] = batch[i];
		if (nb < q.limit || n > limit)
			break;
		q.after_id = batch[nb - 1].id;
	}
	bool more = n > limit;
	if (more)
		n = limit;
	struct jw *w = http_json(r, 200);
	jw_obj(w);
	jw_key(w, "data");
	jw_arr(w);
	for (int i = 0; i < n; i++)
		write_case(w, &page[i]);
	jw_end(w);
	http_next_cursor(w, more ? page[n - 1].id : 0);
	jw_end(w);
	return APP_OK;
}

/* ---- POST /api/v1/mediation/cases ---- */

int api_mediation_create(struct req *r)
{
	json_t *body = NULL;
	struct med_case c;
	struct team_row t;
	int64_t team_id = 0;
	bool children = false;
	memset(&c, 0, sizeof c);
	c.result = -1;
	int rc = http_json_body(r, &body);
	if (rc)
		return rc;
	read_case(r, body, &c, true, &team_id, &children);
	if (r->fields.n) {
		rc = http_fail_fields(r, &r->fields);
		goto out;
	}
	rc = case_team(r, team_id, &t);
	if (rc)
		goto out;
	rc = check_mediators(r, t.id, &c);
	if (rc)
		goto out;
	rc = check_rules(r, &c);
	if (rc)
		goto out;
	c.team_id = t.id;
	c.unit_id = t.unit_id;
	c.commune_id = t.commune_id;
	c.year = year_of(c.received_on);
	c.created_by = r->user.user_id;
	rc = save_case(r, &c, true, true, true);
	if (rc) {
		rc = http_fail_store(r, rc);
		goto out;
	}
	rc = answer_case(r, 201, c.id);
out:
	json_decref(body);
	return rc;
}

/* ---- GET/PATCH/DELETE /api/v1/mediation/cases/{id} ---- */

int api_mediation_get(struct req *r)
{
	struct med_case c;
	int rc = load_visible(r, &c);
	if (rc)
		return rc;
	struct jw *w = http_json(r, 200);
	jw_obj(w);
	jw_key(w, "data");
	write_case(w, &c);
	jw_end(w);
	return APP_OK;
}

int api_mediation_update(struct req *r)
{
	json_t *body = NULL;
	struct med_case c;
	int64_t team_id = 0;
	bool children = false;
	int rc = load_visible(r, &c);
	if (rc)
		return rc;
	int old_year = c.year;
	rc = http_json_body(r, &body);
	if (rc)
		return rc;
	read_case(r, body, &c, false, &team_id, &children);
	if (!r->fields.n && team_id && team_id != c.team_id)
		field_err(&r->fields, "team_id", "a case stays with the team that received it");
	if (r->fields.n) {
		rc = http_fail_fields(r, &r->fields);
		goto out;
	}
	if (!may(r, PERM_MEDIATION_WRITE, c.team_id, c.unit_path)) {
		rc = http_fail(r, APP_E_FORBIDDEN, "your role may not change this team's mediation cases");
		goto out;
	}
	if (json_object_get(body, "mediator_ids")) {
		rc = check_mediators(r, c.team_id, &c);
		if (rc)
			goto out;
	}
	rc = check_rules(r, &c);
	if (rc)
		goto out;
	c.year = year_of(c.received_on);
	rc = save_case(r, &c, false, c.year != old_year, children);
	if (rc) {
		rc = http_fail_store(r, rc == STORE_DONE ? STORE_E_DB : rc);
		goto out;
	}
	rc = answer_case(r, 200, c.id);
out:
	json_decref(body);
	return rc;
}

int api_mediation_delete(struct req *r)
{
	struct med_case c;
	int rc = load_visible(r, &c);
	if (rc)
		return rc;
	if (!may(r, PERM_MEDIATION_WRITE, c.team_id, c.unit_path))
		return http_fail(r, APP_E_FORBIDDEN, "your role may not change this team's mediation cases");
	if (c.nsessions > 0)
		return http_fail(r, APP_E_CONFLICT, "a case with a recorded session is kept in the book");
	rc = store_begin(r->db);
	if (rc)
		return http_fail_store(r, rc);
	rc = mediation_delete(r->db, c.id);
	if (rc == STORE_OK)
		rc = audit_case(r, "mediation_case.delete", &c, 0);
	if (rc == STORE_OK)
		rc = store_commit(r->db);
	else
		store_rollback(r->db);
	if (rc == STORE_DONE)
		return http_fail(r, APP_E_CONFLICT, "a case with a recorded session is kept in the book");
	if (rc)
		return http_fail_store(r, rc);
	http_text(r, 204, NULL, "");
	return APP_OK;
}

/* ---- GET/POST /api/v1/mediation/cases/{id}/sessions ---- */

static void write_sessions(struct jw *w, const struct med_case *c)
{
	jw_arr(w);
	for (int i = 0; i < c->nsessions; i++) {
		jw_obj(w);
		jw_kint(w, "id", c->sessions[i].id);
		jw_kstr(w, "held_on", c->sessions[i].held_on);
		jw_kstr(w, "notes", c->sessions[i].notes);
		jw_ktime(w, "created_at", c->sessions[i].created_at);
		jw_end(w);
	}
	jw_end(w);
}

int api_mediation_sessions(struct req *r)
{
	struct med_case c;
	int rc = load_visible(r, &c);
	if (rc)
		return rc;
	struct jw *w = http_json(r, 200);
	jw_obj(w);
	jw_key(w, "data");
	write_sessions(w, &c);
	jw_end(w);
	return APP_OK;
}

static const char *const session_fields[] = {"held_on", "notes", NULL};

int api_mediation_session_add(struct req *r)
{
	json_t *body = NULL;
	struct med_case c;
	const char *held_on = NULL, *notes = NULL;
	int64_t sid = 0;
	int rc = load_visible(r, &c);
	if (rc)
		return rc;
	rc = http_json_body(r, &body);
	if (rc)
		return rc;
	jf_no_unknown(body, session_fields, &r->fields);
	read_date(r, body, "held_on", JF_REQUIRED, &held_on);
	jf_str(body, "notes", JF_REQUIRED, MED_TEXT_MAX, &notes, &r->fields);
	if (!r->fields.n && held_on)
		mediation_session_check(c.received_on, held_on, today_of(r), &r->fields);
	if (!r->fields.n && c.concluded_on && strcmp(held_on, c.concluded_on) > 0)
		field_err(&r->fields, "held_on", "must not be after the case was concluded");
	if (r->fields.n) {
		rc = http_fail_fields(r, &r->fields);
		goto out;
	}
	if (!may(r, PERM_MEDIATION_WRITE, c.team_id, c.unit_path)) {
		rc = http_fail(r, APP_E_FORBIDDEN, "your role may not change this team's mediation cases");
		goto out;
	}
	if (c.nsessions >= MED_SESSIONS_MAX) {
		rc = http_fail(r, APP_E_CONFLICT, "a case holds at most 100 sessions");
		goto out;
	}
	rc = store_begin(r->db);
	if (rc) {
		rc = http_fail_store(r, rc);
		goto out;
	}
	rc = mediation_session_insert(r->db, c.id, c.commune_id, held_on, notes, r->user.user_id, time_now(),
				      &sid);
	if (rc == STORE_OK)
		rc = audit_case(r, "mediation_case.session", &c, sid);
	if (rc == STORE_OK)
		rc = store_commit(r->db);
	else
		store_rollback(r->db);
	if (rc) {
		rc = http_fail_store(r, rc);
		goto out;
	}
	rc = answer_case(r, 201, c.id);
out:
	json_decref(body);
	return rc;
}

/* ---- GET /api/v1/mediation/book ---- */

/* Part II's row of one mediator. */
struct mediator_total {
	int64_t person_id;
	const char *full_name;
	int64_t cases, settled;
};

static void write_counts(struct jw *w, const char *const *names, const int64_t *counts, int n)
{
	jw_obj(w);
	for (int i = 0; i < n; i++)
		jw_kint(w, names[i], counts[i]);
	jw_end(w);
}

int api_mediation_book(struct req *r)
{
	struct team_row t;
	struct unit_row commune;
	int64_t team_id = query_id(r, "team_id");
	int year = query_year(r, true);
	if (!team_id && !r->fields.n)
		field_err(&r->fields, "team_id", "is required");
	if (r->fields.n)
		return http_fail(r, APP_E_PARAM, "malformed query");
	int rc = teams_get(r->db, &r->arena, team_id, &t);
	if (rc < 0)
		return http_fail_store(r, rc);
	if (rc == STORE_DONE || t.kind != TEAM_MEDIATION || !may(r, PERM_MEDIATION_READ, t.id, t.unit_path))
		return http_fail(r, APP_E_NOTFOUND, "no such mediation team");
	rc = t.commune_id ? units_get(r->db, &r->arena, t.commune_id, &commune) : STORE_DONE;
	if (rc < 0)
		return http_fail_store(r, rc);
	const char *commune_name = rc == STORE_ROW ? commune.name : NULL;

	struct med_case *cases;
	int n;
	bool more;
	rc = mediation_book(r->db, &r->arena, t.id, year, &cases, &n, &more);
	if (rc)
		return http_fail_store(r, rc);

	/* part II */
	struct mediation_tally tally = {0};
	struct mediator_total *mt = NULL;
	int nmt = 0, cap = 0;
	for (int i = 0; i < n; i++) {
		const struct med_case *c = &cases[i];
		mediation_tally_add(&tally, c->kind, c->result, 1);
		for (int k = 0; k < c->nmediators; k++) {
			int j = 0;
			while (j < nmt && mt[j].person_id != c->mediators[k].person_id)
				j++;
			if (j == nmt) {
				if (nmt == cap) {
					int ncap = cap ? cap * 2 : 16;
					struct mediator_total *g =
					    arena_alloc(&r->arena, sizeof *g * (size_t)ncap);
					if (!g)
						return APP_E_NOMEM;
					if (nmt)
						memcpy(g, mt, sizeof *g * (size_t)nmt);
					mt = g;
					cap = ncap;
				}
				mt[nmt++] = (struct mediator_total){c->mediators[k].person_id,
								    c->mediators[k].full_name, 0, 0};
			}
			mt[j].cases++;
			mt[j].settled += c->result == MED_RESULT_SETTLED;
		}
	}

	struct jw *w = http_json(r, 200);
	jw_obj(w);
	jw_key(w, "data");
	jw_obj(w);
	jw_key(w, "team");
	jw_obj(w);
	jw_kint(w, "id", t.id);
	jw_kstr(w, "name", t.name);
	jw_kint(w, "unit_id", t.unit_id);
	jw_kstr(w, "unit_name", t.unit_name);
	jw_kstr(w, "commune_name", commune_name);
	jw_end(w);
	jw_kint(w, "year", year);
	jw_kbool(w, "truncated", more);
	jw_key(w, "cases");
	jw_arr(w);
	for (int i = 0; i < n; i++)
		write_case(w, &cases[i]);
	jw_end(w);
	jw_key(w, "totals");
	jw_obj(w);
	jw_kint(w, "total", tally.total);
	jw_key(w, "by_kind");
	write_counts(w, mediation_kind_names, tally.by_kind, MED_KIND_COUNT);
	jw_key(w, "by_result");
	jw_obj(w);
	for (int i = 0; i < MED_RESULT_COUNT; i++)
		jw_kint(w, mediation_result_names[i], tally.by_result[i]);
	jw_kint(w, "open", tally.open);
	jw_end(w);
	jw_key(w, "by_mediator");
	jw_arr(w);
	for (int i = 0; i < nmt; i++) {
		jw_obj(w);
		jw_kint(w, "person_id", mt[i].person_id);
		jw_kstr(w, "full_name", mt[i].full_name);
		jw_kint(w, "cases", mt[i].cases);
		jw_kint(w, "settled", mt[i].settled);
		jw_end(w);
	}
	jw_end(w);
	jw_end(w);
	jw_end(w);
	jw_end(w);
	return APP_OK;
}

/* ---- GET /api/v1/stats/mediation ---- */

struct team_total {
	int64_t team_id;
	const char *name;
	int64_t total, settled;
};

/* The month index of "YYYY-MM" counted from the month of `from` ("YYYY-MM-DD"), or -1. */
static int month_index(const char *from, const char *month)
{
	int y0 = year_of(from), m0 = (int)strtol(from + 5, NULL, 10);
	int y = year_of(month), m = strlen(month) >= 7 ? (int)strtol(month + 5, NULL, 10) : 0;
	if (m < 1 || m > 12)
		return -1;
	return (y - y0) * 12 + (m - m0);
}

int api_mediation_stats(struct req *r)
{
	const char *from = http_query(r, "from"), *to = http_query(r, "to");
	if (!from || !team_date_valid(from))
		field_err(&r->fields, "from", "is required (YYYY-MM-DD)");
	if (!to || !team_date_valid(to))
		field_err(&r->fields, "to", "is required (YYYY-MM-DD)");
	if (!r->fields.n && strcmp(to, from) < 0)
		field_err(&r->fields, "to", "must not be before 'from'");
	int nmonths = r->fields.n ? 0 : month_index(from, to) + 1;
	if (!r->fields.n && nmonths > STATS_MONTHS_MAX)
		field_err(&r->fields, "to", "a period is at most 5 years");
	if (r->fields.n)
		return http_fail(r, APP_E_PARAM, "malformed query");

	const char **roots;
	int nroots, rc;
	bool all;
	const char *unit_arg = http_query(r, "unit_id");
	if (unit_arg) {
		const char *path;
		rc = api_scope_path(r, PERM_MEDIATION_READ, unit_arg, &path);
		if (rc)
			return rc;
		roots = arena_alloc(&r->arena, sizeof *roots);
		if (!roots)
			return APP_E_NOMEM;
		roots[0] = path;
		nroots = 1;
	} else {
		rc = read_roots(r, &roots, &nroots, &all);
		if (rc)
			return rc;
		if (all) {
			roots[0] = "/";
			nroots = 1;
		}
	}

	struct mediation_tally tally = {0};
	int64_t *month_total = arena_alloc(&r->arena, sizeof(int64_t) * (size_t)nmonths * 2);
	struct team_total *tt = NULL;
	int ntt = 0, cap = 0;
	if (!month_total)
		return APP_E_NOMEM;
	memset(month_total, 0, sizeof(int64_t) * (size_t)nmonths * 2);
	for (int i = 0; i < nroots; i++) {
		struct med_count *rows;
		int n;
		rc = mediation_counts(r->db, &r->arena, roots[i], from, to, &rows, &n);
		if (rc)
			return http_fail_store(r, rc);
		for (int k = 0; k < n; k++) {
			const struct med_count *g = &rows[k];
			if (!may(r, PERM_MEDIATION_READ, g->team_id, g->unit_path))
				continue;
			bool settled = g->result == MED_RESULT_SETTLED;
			mediation_tally_add(&tally, g->kind, g->result, g->count);
			int mi = month_index(from, g->month);
			if (mi >= 0 && mi < nmonths) {
				month_total[2 * mi] += g->count;
				month_total[2 * mi + 1] += settled ? g->count : 0;
			}
			int j = 0;
			while (j < ntt && tt[j].team_id != g->team_id)
				j++;
			if (j == ntt) {
				if (ntt == cap) {
					int ncap = cap ? cap * 2 : 16;
					struct team_total *x =
					    arena_alloc(&r->arena, sizeof *x * (size_t)ncap);
					if (!x)
						return APP_E_NOMEM;
					if (ntt)
						memcpy(x, tt, sizeof *x * (size_t)ntt);
					tt = x;
					cap = ncap;
				}
				tt[ntt++] = (struct team_total){g->team_id, g->team_name, 0, 0};
			}
			tt[j].total += g->count;
			tt[j].settled += settled ? g->count : 0;
		}
	}
	int64_t concluded = tally.total - tally.open;

	struct jw *w = http_json(r, 200);
	jw_obj(w);
	jw_key(w, "data");
	jw_obj(w);
	jw_kstr(w, "from", from);
	jw_kstr(w, "to", to);
	jw_kint(w, "cases", tally.total);
	jw_kint(w, "concluded", concluded);
	jw_kint(w, "settled", tally.by_result[MED_RESULT_SETTLED]);
	jw_key(w, "success_rate");
	jw_double(w, mediation_success_rate(tally.by_result[MED_RESULT_SETTLED], concluded));
	jw_key(w, "by_kind");
	write_counts(w, mediation_kind_names, tally.by_kind, MED_KIND_COUNT);
	jw_key(w, "by_result");
	jw_obj(w);
	for (int i = 0; i < MED_RESULT_COUNT; i++)
		jw_kint(w, mediation_result_names[i], tally.by_result[i]);
	jw_kint(w, "open", tally.open);
	jw_end(w);
	jw_key(w, "by_team");
	jw_arr(w);
	for (int i = 0; i < ntt; i++) {
		jw_obj(w);
		jw_kint(w, "team_id", tt[i].team_id);
		jw_kstr(w, "team_name", tt[i].name);
		jw_kint(w, "cases", tt[i].total);
		jw_kint(w, "settled", tt[i].settled);
		jw_end(w);
	}
	jw_end(w);
	jw_key(w, "by_month");
	jw_arr(w);
	int y = year_of(from), m = (int)strtol(from + 5, NULL, 10);
	for (int i = 0; i < nmonths; i++) {
		jw_obj(w);
		jw_kstr(w, "month", arena_printf(&r->arena, "%04d-%02d", y, m));
		jw_kint(w, "cases", month_total[2 * i]);
		jw_kint(w, "settled", month_total[2 * i + 1]);
		jw_end(w);
		if (++m > 12) {
			m = 1;
			y++;
		}
	}
	jw_end(w);
	jw_end(w);
	jw_end(w);
	return APP_OK;
}
