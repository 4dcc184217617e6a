/*
 * patrols.c: patrols (/api/v1/patrols: list with filters, plan, read, change, start, end, check in),
 * violation records (/api/v1/violations: list, record, read, change, reveal the violator's free-text
 * identity, photos) with their kinds (/api/v1/violation-kinds), and the statistics over both
 * (/api/v1/stats/patrols). The rules are domain/patrol_rules.h's, the SQL store/patrols.c's.
 *
 * Scope: a patrol belongs to a team; it is read with patrols.read on the team (perm_on_team) or by a
 * member assigned to it, and planned, changed, started and ended with patrols.write on the team (a team
 * leader: their own team's). Check-in needs the checkin permission, an account linked to a person
 * assigned to the patrol (403 otherwise) and the patrol open — started and not ended (409 otherwise).
 * A violation record belongs to a unit (the patrol's, or any unit for a standalone one) and is read and
 * written with patrols.read/patrols.write there. The violator's free-text identity (name, birth year,
 * address) is personal data: sealed with the key file (crypto_seal), never listed, and revealed only
 * through POST …/reveal with a reason to holders of the sensitive permission, audited.
 *
 * Every write is audited in its own transaction: patrol.create, patrol.update, patrol.start,
 * patrol.end, patrol.checkin (entity "patrol"); violation.create, violation.update, violation.reveal,
 * violation.photo (entity "violation"). Details carry unit_id and never the identity.
 */
#include <inttypes.h>
#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "domain/patrol_rules.h"
#include "lib/crypto.h"
#include "lib/media.h"
#include "lib/timeutil.h"
#include "store/organisations.h"
#include "store/patrols.h"
#include "store/people.h"
#include "store/rosters.h"
#include "store/teams.h"
#include "store/units.h"
#include "store/uploads.h"

#define ID_MAX (((int64_t)1 << 53) - 1)
#define REASON_MIN 5
#define REASON_MAX 500
#define IDENTITY_FIELD_MAX 300
#define PHOTO_BYTES (10u << 20)
#define FINE_MAX ((int64_t)10000000000) /* 10 billion VND: far above any administrative fine */

static int finish_tx(struct req *r, int rc)
{
	if (rc == STORE_OK)
		return store_commit(r->db);
	store_rollback(r->db);
	return rc;
}

static const char *unit_detail(struct req *r, int64_t unit_id)
{
	return arena_printf(&r->arena, "{\"unit_id\":%" PRId64 "}", unit_id);
}

/* Reads an RFC 3339 time field into *out; returns 1 when present and valid. */
static int jf_time(json_t *o, const char *key, int flags, int64_t *out, struct field_errs *fe)
{
	const char *s;
	int got = jf_str(o, key, flags, 40, &s, fe);
	if (got != 1)
		return got;
	if (time_parse_rfc3339(s, out)) {
		field_err(fe, key, "must be an RFC 3339 time");
		return -1;
	}
	return 1;
}

/* ---- patrols: JSON ---- */

static void write_patrol_fields(struct jw *w, const struct patrol_row *p)
{
	jw_kint(w, "id", p->id);
	jw_kint(w, "team_id", p->team_id);
	jw_kstr(w, "team_name", p->team_name);
	jw_kint(w, "unit_id", p->unit_id);
	jw_kint(w, "commune_id", p->commune_id);
	jw_kstr(w, "area", p->area);
	jw_ktime(w, "planned_start", p->planned_start);
	jw_ktime(w, "planned_end", p->planned_end);
	if (p->started_at)
		jw_ktime(w, "started_at", p->started_at);
	else
		jw_knull(w, "started_at");
	if (p->ended_at)
		jw_ktime(w, "ended_at", p->ended_at);
	else
		jw_knull(w, "ended_at");
	jw_kstr(w, "state", patrol_state_names[patrol_state_of(p->started_at, p->ended_at)]);
	jw_kstr(w, "findings", p->findings);
	jw_ktime(w, "created_at", p->created_at);
	jw_ktime(w, "updated_at", p->updated_at);
}

static int answer_patrol(struct req *r, int status, const struct patrol_row *p)
{
	struct patrol_force *f;
	struct patrol_member *m;
	int nf, nm;
	int64_t me = 0;
	int rc = patrols_forces(r->db, &r->arena, p->id, &f, &nf);
	if (rc == STORE_OK)
		rc = patrols_members(r->db, &r->arena, p->id, &m, &nm);
	if (rc == STORE_OK)
		rc = rosters_person_of_user(r->db, r->user.user_id, &me);
	if (rc)
		return http_fail_store(r, rc);
	struct jw *w = http_json(r, status);
	jw_obj(w);
	jw_key(w, "data");
	jw_obj(w);
	write_patrol_fields(w, p);
	jw_kbool(w, "can_edit", perm_on_team(&r->user, PERM_PATROLS_WRITE, p->team_id, p->unit_path));
	bool assigned = false;
	for (int i = 0; i < nm; i++)
		assigned = assigned || (me && m[i].person_id == me);
	jw_kbool(w, "assigned_to_me", assigned);
	jw_key(w, "forces");
	jw_arr(w);
	for (int i = 0; i < nf; i++) {
		jw_obj(w);
		jw_kint(w, "organisation_id", f[i].organisation_id);
		jw_kstr(w, "name", f[i].name);
		jw_kstr(w, "kind", f[i].kind);
		jw_end(w);
	}
	jw_end(w);
	jw_key(w, "members");
	jw_arr(w);
	for (int i = 0; i < nm; i++) {
		jw_obj(w);
		jw_kint(w, "person_id", m[i].person_id);
		jw_kstr(w, "full_name", m[i].full_name);
		if (m[i].checked_in_at)
			jw_ktime(w, "checked_in_at", m[i].checked_in_at);
		else
			jw_knull(w, "checked_in_at");
		if (m[i].has_location) {
			jw_key(w, "lat");
			jw_double(w, m[i].lat);
			jw_key(w, "lng");
			jw_double(w, m[i].lng);
		} else {
			jw_knull(w, "lat");
			jw_knull(w, "lng");
		}
		jw_end(w);
	}
	jw_end(w);
	jw_end(w);
	jw_end(w);
	return APP_OK;
}

/* Loads patrol {id} if the caller may read it (its team's reader, or a member assigned to it). */
static int load_patrol(struct req *r, struct patrol_row *p)
{
	int64_t id, me = 0, at;
	int rc = http_param_id(r, 0, &id);
	if (rc)
		return http_fail(r, APP_E_NOTFOUND, "no such patrol");
	rc = patrols_get(r->db, &r->arena, id, p);
	if (rc < 0)
		return http_fail_store(r, rc);
	if (rc == STORE_DONE)
		return http_fail(r, APP_E_NOTFOUND, "no such patrol");
	if (perm_on_team(&r->user, PERM_PATROLS_READ, p->team_id, p->unit_path))
		return APP_OK;
	rc = rosters_person_of_user(r->db, r->user.user_id, &me);
	if (rc)
		return http_fail_store(r, rc);
	rc = me ? patrols_assignment(r->db, p->id, me, &at) : STORE_DONE;
	if (rc < 0)
		return http_fail_store(r, rc);
	return rc == STORE_ROW ? APP_OK : http_fail(r, APP_E_NOTFOUND, "no such patrol");
}

/* ---- GET /api/v1/patrols ---- */

int api_patrols_list(struct req *r)
{
	struct patrols_query q = {.state = -1};
	int64_t cursor = 0;
	int limit = 50;
	int rc = http_page_args(r, &cursor, &limit);
	if (rc)
		return rc;
	const char *ts = http_query(r, "team_id"), *state = http_query(r, "state");
	if (ts && http_parse_id(ts, &q.team_id))
		field_err(&r->fields, "team_id", "must be a team id");
	if (state && *state) {
		q.state = -2;
		for (int i = 0; patrol_state_names[i]; i++)
			if (strcmp(state, patrol_state_names[i]) == 0)
				q.state = i;
		if (q.state == -2)
			field_err(&r->fields, "state", "must be planned, open or ended");
	}
	api_parse_period(r, "from", false, &q.from);
	api_parse_period(r, "to", true, &q.to);
	if (r->fields.n)
		return http_fail(r, APP_E_PARAM, "malformed query");
	if (q.team_id) {
		struct team_row t;
		rc = teams_get(r->db, &r->arena, q.team_id, &t);
		if (rc < 0)
			return http_fail_store(r, rc);
		if (rc == STORE_DONE || !perm_on_team(&r->user, PERM_PATROLS_READ, t.id, t.unit_path))
			return http_fail(r, APP_E_NOTFOUND, "no such team");
	} else {
		rc = api_scope_path(r, PERM_PATROLS_READ, http_query(r, "unit_id"), &q.unit_path);
		if (rc)
			return rc;
	}
	struct patrol_row *page = arena_alloc(&r->arena, sizeof *page * (size_t)(limit + 1));
	int n = 0;
	if (!page)
		return APP_E_NOMEM;
	q.before_id = cursor;
	q.limit = limit + 1 < 50 ? 50 : limit + 1;
	for (;;) {
		struct patrol_row *batch;
		int nb;
		rc = patrols_list(r->db, &r->arena, &q, &batch, &nb);
		if (rc < 0)
			return http_fail_store(r, rc);
		for (int i = 0; i < nb && n <= limit; i++)
			if (perm_on_team(&r->user, PERM_PATROLS_READ, batch[i].team_id, batch[i].unit_path))
				page[n++] = batch[i];
		if (nb < q.limit || n > limit)
			break;
		q.before_id = batch[nb - 1].id;
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
		write_patrol_fields(w, &page[i]);
		jw_end(w);
	}
	jw_end(w);
	http_next_cursor(w, more ? page[n - 1].id : 0);
	jw_end(w);
	return APP_OK;
}

/* ---- POST /api/v1/patrols, PATCH /api/v1/patrols/{id} ---- */

static const char *const patrol_fields[] = {"team_id",	"area",	  "planned_start", "planned_end",
					    "findings", "forces", "members",	   NULL};

/* Reads an array of ids (forces or members) into out (room for max); -1 after recording an error. */
static int read_ids(json_t *o, const char *key, int64_t *out, int max, int *n, struct field_errs *fe)
{
	json_t *a = json_object_get(o, key);
	*n = 0;
	if (!a)
		return 0;
	if (!json_is_array(a) || (int)json_array_size(a) > max) {
		field_err(fe, key, "must be an array of ids");
		return -1;
	}
	size_t i;
	json_t *v;
	json_array_foreach(a, i, v)
	{
		if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > ID_MAX) {
			field_err(fe, key, "must be an array of ids");
			return -1;
		}
		bool dup = false;
		for (int k = 0; k < *n; k++)
			dup = dup || out[k] == json_integer_value(v);
		if (!dup)
			out[(*n)++] = json_integer_value(v);
	}
	return 1;
}

/* Checks the organisations and people named belong to the commune (422 naming the field). */
static int check_refs(struct req *r, int64_t commune_id, const int64_t *orgs, int norgs,
		      const int64_t *people, int npeople)
{
	for (int i = 0; i < norgs; i++) {
		struct org_row o;
		int rc = orgs_get(r->db, &r->arena, orgs[i], &o);
		if (rc < 0)
			return http_fail_store(r, rc);
		if (rc == STORE_DONE || (o.commune_id && o.commune_id != commune_id)) {
			field_err(&r->fields, "forces",
				  arena_printf(&r->arena,
					       "organisation %" PRId64 " is not one of this commune",
					       orgs[i]));
			return http_fail_fields(r, &r->fields);
		}
	}
	for (int i = 0; i < npeople; i++) {
		struct person_row p;
		int rc = people_get(r->db, &r->arena, people[i], &p);
		if (rc < 0)
			return http_fail_store(r, rc);
		if (rc == STORE_DONE || p.commune_id != commune_id ||
		    !perm_on_unit(&r->user, PERM_PEOPLE_READ, p.unit_path)) {
			field_err(&r->fields, "members",
				  arena_printf(&r->arena, "person %" PRId64 " is not one of this commune",
					       people[i]));
			return http_fail_fields(r, &r->fields);
		}
	}
	return APP_OK;
}

int api_patrols_create(struct req *r)
{
	json_t *body = NULL;
	struct patrol_row p = {0};
	struct team_row t;
	int64_t orgs[PATROL_FORCES_MAX], people[PATROL_MEMBERS_MAX], id = 0, now = time_now();
	int norgs = 0, npeople = 0;
	int rc = http_json_body(r, &body);
	if (rc)
		return rc;
	struct field_errs *fe = &r->fields;
	jf_no_unknown(body, patrol_fields, fe);
	jf_int(body, "team_id", JF_REQUIRED, 1, ID_MAX, &p.team_id, fe);
	jf_str(body, "area", JF_REQUIRED, PATROL_AREA_MAX, &p.area, fe);
	jf_time(body, "planned_start", JF_REQUIRED, &p.planned_start, fe);
	jf_time(body, "planned_end", JF_REQUIRED, &p.planned_end, fe);
	jf_str(body, "findings", JF_OPTIONAL, PATROL_FINDINGS_MAX, &p.findings, fe);
	read_ids(body, "forces", orgs, PATROL_FORCES_MAX, &norgs, fe);
	read_ids(body, "members", people, PATROL_MEMBERS_MAX, &npeople, fe);
	if (p.planned_start && p.planned_end && p.planned_end <= p.planned_start)
		field_err(fe, "planned_end", "must be after the planned start");
	if (fe->n) {
		rc = http_fail_fields(r, fe);
		goto out;
	}
	rc = teams_get(r->db, &r->arena, p.team_id, &t);
	if (rc < 0) {
		rc = http_fail_store(r, rc);
		goto out;
	}
	if (rc == STORE_DONE || !perm_on_team(&r->user, PERM_PATROLS_READ, t.id, t.unit_path)) {
		field_err(fe, "team_id", "no such team");
		rc = http_fail_fields(r, fe);
		goto out;
	}
	if (!perm_on_team(&r->user, PERM_PATROLS_WRITE, t.id, t.unit_path)) {
		rc = http_fail(r, APP_E_FORBIDDEN, "your role may not plan this team's patrols");
		goto out;
	}
	rc = check_refs(r, t.commune_id, orgs, norgs, people, npeople);
	if (rc)
		goto out;
	p.unit_id = t.unit_id;
	p.commune_id = t.commune_id;
	p.created_by = r->user.user_id;
	rc = store_begin(r->db);
	if (rc) {
		rc = http_fail_store(r, rc);
		goto out;
	}
	rc = patrols_insert(r->db, &p, now, &id);
	if (rc == STORE_OK)
		rc = patrols_set_forces(r->db, id, p.commune_id, orgs, norgs);
	if (rc == STORE_OK)
		rc = patrols_set_members(r->db, id, p.commune_id, people, npeople);
	if (rc == STORE_OK)
		rc = api_audit(r, "patrol.create", "patrol", id, unit_detail(r, p.unit_id));
	rc = finish_tx(r, rc);
	if (rc) {
		rc = http_fail_store(r, rc);
		goto out;
	}
	rc = patrols_get(r->db, &r->arena, id, &p);
	rc = rc == STORE_ROW ? answer_patrol(r, 201, &p) : http_fail_store(r, rc);
out:
	json_decref(body);
	return rc;
}

int api_patrols_get(struct req *r)
{
	struct patrol_row p;
	int rc = load_patrol(r, &p);
	return rc ? rc : answer_patrol(r, 200, &p);
}

int api_patrols_update(struct req *r)
{
	json_t *body = NULL;
	struct patrol_row p;
	int64_t orgs[PATROL_FORCES_MAX], people[PATROL_MEMBERS_MAX], team_id = 0;
	int norgs = 0, npeople = 0, has_orgs, has_people;
	int rc = load_patrol(r, &p);
	if (rc)
		return rc;
	rc = http_json_body(r, &body);
	if (rc)
		return rc;
	struct field_errs *fe = &r->fields;
	jf_no_unknown(body, patrol_fields, fe);
	if (jf_int(body, "team_id", JF_OPTIONAL, 1, ID_MAX, &team_id, fe) == 1 && team_id != p.team_id)
		field_err(fe, "team_id", "a patrol stays with its team");
	if (json_object_get(body, "area"))
		jf_str(body, "area", JF_REQUIRED, PATROL_AREA_MAX, &p.area, fe);
	jf_time(body, "planned_start", JF_OPTIONAL, &p.planned_start, fe);
	jf_time(body, "planned_end", JF_OPTIONAL, &p.planned_end, fe);
	if (json_object_get(body, "findings")) {
		const char *f = NULL;
		jf_str(body, "findings", JF_OPTIONAL, PATROL_FINDINGS_MAX, &f, fe);
		p.findings = f && *f ? f : NULL;
	}
	has_orgs = read_ids(body, "forces", orgs, PATROL_FORCES_MAX, &norgs, fe);
	has_people = read_ids(body, "members", people, PATROL_MEMBERS_MAX, &npeople, fe);
	if (!fe->n && p.planned_end <= p.planned_start)
		field_err(fe, "planned_end", "must be after the planned start");
	if (fe->n) {
		rc = http_fail_fields(r, fe);
		goto out;
	}
	if (!perm_on_team(&r->user, PERM_PATROLS_WRITE, p.team_id, p.unit_path)) {
		rc = http_fail(r, APP_E_FORBIDDEN, "your role may not change this team's patrols");
		goto out;
	}
	rc = check_refs(r, p.commune_id, orgs, norgs, people, npeople);
	if (rc)
		goto out;
	rc = store_begin(r->db);
	if (rc) {
		rc = http_fail_store(r, rc);
		goto out;
	}
	rc = patrols_update(r->db, &p, time_now());
	if (rc == STORE_OK && has_orgs == 1)
		rc = patrols_set_forces(r->db, p.id, p.commune_id, orgs, norgs);
	if (rc == STORE_OK && has_people == 1)
		rc = patrols_set_members(r->db, p.id, p.commune_id, people, npeople);
	if (rc == STORE_OK)
		rc = api_audit(r, "patrol.update", "patrol", p.id, unit_detail(r, p.unit_id));
	rc = finish_tx(r, rc);
	if (rc) {
		rc = http_fail_store(r, rc);
		goto out;
	}
	rc = patrols_get(r->db, &r->arena, p.id, &p);
	rc = rc == STORE_ROW ? answer_patrol(r, 200, &p) : http_fail_store(r, rc);
out:
	json_decref(body);
	return rc;
}

/* ---- start, end ---- */

static int mark(struct req *r, int which)
{
	struct patrol_row p;
	int rc = load_patrol(r, &p);
	if (rc)
		return rc;
	if (!perm_on_team(&r->user, PERM_PATROLS_WRITE, p.team_id, p.unit_path))
		return http_fail(r, APP_E_FORBIDDEN,
				 which == 0 ? "only the team's leader starts its patrols"
					    : "only the team's leader ends its patrols");
	rc = store_begin(r->db);
	if (rc)
		return http_fail_store(r, rc);
	rc = patrols_mark(r->db, p.id, which, time_now());
	if (rc == STORE_DONE) {
		store_rollback(r->db);
		if (which == 0)
			return http_fail(r, APP_E_CONFLICT, "the patrol has already started");
		return http_fail(r, APP_E_CONFLICT,
				 p.ended_at ? "the patrol has already ended"
					    : "the patrol has not started yet");
	}
	if (rc == STORE_OK)
		rc = api_audit(r, which == 0 ? "patrol.start" : "patrol.end", "patrol", p.id,
			       unit_detail(r, p.unit_id));
	rc = finish_tx(r, rc);
	if (rc)
		return http_fail_store(r, rc);
	rc = patrols_get(r->db, &r->arena, p.id, &p);
	return rc == STORE_ROW ? answer_patrol(r, 200, &p) : http_fail_store(r, rc);
}

int api_patrols_start(struct req *r)
{
	return mark(r, 0);
}

int api_patrols_end(struct req *r)
{
	return mark(r, 1);
}

/* ---- POST /api/v1/patrols/{id}/checkin ---- */

static const char *const checkin_fields[] = {"lat", "lng", NULL};

static int read_coord(json_t *o, const char *key, double lim, double *out, struct field_errs *fe)
{
	json_t *v = json_object_get(o, key);
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_number(v) || !isfinite(json_number_value(v)) || fabs(json_number_value(v)) > lim) {
		field_err(fe, key,
			  lim > 90 ? "must be a longitude in degrees" : "must be a latitude in degrees");
		return -1;
	}
	*out = json_number_value(v);
	return 1;
}

int api_patrols_checkin(struct req *r)
{
	json_t *body = NULL;
	struct patrol_row p;
	int64_t me = 0, at = 0, now = time_now();
	double lat = 0, lng = 0;
	int64_t id;
	int rc = http_param_id(r, 0, &id);
	if (rc)
		return http_fail(r, APP_E_NOTFOUND, "no such patrol");
	if (r->body.len) {
		rc = http_json_body(r, &body);
		if (rc)
			return rc;
		jf_no_unknown(body, checkin_fields, &r->fields);
	}
	int gl = body ? read_coord(body, "lat", 90, &lat, &r->fields) : 0;
	int gn = body ? read_coord(body, "lng", 180, &lng, &r->fields) : 0;
	if (!r->fields.n && (gl == 1) != (gn == 1))
		field_err(&r->fields, gl == 1 ? "lng" : "lat", "give both lat and lng, or neither");
	if (r->fields.n) {
		rc = http_fail_fields(r, &r->fields);
		goto out;
	}
	rc = patrols_get(r->db, &r->arena, id, &p);
	if (rc < 0) {
		rc = http_fail_store(r, rc);
		goto out;
	}
	rc = rc == STORE_ROW ? rosters_person_of_user(r->db, r->user.user_id, &me) : STORE_DONE;
	if (rc == STORE_OK)
		rc = me ? patrols_assignment(r->db, id, me, &at) : STORE_DONE;
	if (rc < 0) {
		rc = http_fail_store(r, rc);
		goto out;
	}
	bool assigned = rc == STORE_ROW;
	bool visible =
	    assigned || (p.id && perm_on_team(&r->user, PERM_PATROLS_READ, p.team_id, p.unit_path));
	if (!p.id || !visible) {
		rc = http_fail(r, APP_E_NOTFOUND, "no such patrol");
		goto out;
	}
	enum checkin_verdict v =
	    patrol_checkin_verdict(me, assigned, patrol_state_of(p.started_at, p.ended_at));
	if (v != CHECKIN_OK) {
		rc = http_fail(
		    r, v == CHECKIN_NOT_STARTED || v == CHECKIN_ENDED ? APP_E_CONFLICT : APP_E_FORBIDDEN,
		    patrol_checkin_message(v));
		goto out;
	}
	if (!at) {
		rc = store_begin(r->db);
		if (rc) {
			rc = http_fail_store(r, rc);
			goto out;
		}
		rc = patrols_checkin(r->db, p.id, me, now, gl == 1, lat, lng);
		if (rc == STORE_OK)
			rc = api_audit(r, "patrol.checkin", "patrol", p.id,
				       arena_printf(&r->arena,
						    "{\"unit_id\":%" PRId64 ",\"person_id\":%" PRId64 "}",
						    p.unit_id, me));
		rc = finish_tx(r, rc);
		if (rc) {
			rc = http_fail_store(r, rc);
			goto out;
		}
	}
	rc = answer_patrol(r, 200, &p);
out:
	json_decref(body);
	return rc;
}

/* ---- violations ---- */

int api_violation_kinds(struct req *r)
{
	struct violation_kind *k;
	int n;
	int rc = violations_kinds(r->db, &r->arena, &k, &n);
	if (rc)
		return http_fail_store(r, rc);
	struct jw *w = http_json(r, 200);
	jw_obj(w);
	jw_key(w, "data");
	jw_arr(w);
	for (int i = 0; i < n; i++) {
		jw_obj(w);
		jw_kstr(w, "code", k[i].code);
		jw_kstr(w, "name_vi", k[i].name_vi);
		jw_kstr(w, "name_en", k[i].name_en);
		jw_end(w);
	}
	jw_end(w);
	jw_end(w);
	return APP_OK;
}

/* May the caller do perm on record v: on its unit, or on the team of its patrol? */
static bool violation_may(const struct req *r, enum perm perm, const struct violation_row *v)
{
	return perm_on_unit(&r->user, perm, v->unit_path) ||
	       (v->team_id && perm_on_team(&r->user, perm, v->team_id, v->team_unit_path));
}

static void write_violation_fields(struct jw *w, const struct violation_row *v)
{
	jw_kint(w, "id", v->id);
	if (v->patrol_id)
		jw_kint(w, "patrol_id", v->patrol_id);
	else
		jw_knull(w, "patrol_id");
	jw_kint(w, "unit_id", v->unit_id);
	jw_kint(w, "commune_id", v->commune_id);
	jw_kstr(w, "place", v->place);
	jw_ktime(w, "occurred_at", v->occurred_at);
	jw_kstr(w, "kind", v->kind);
	jw_kstr(w, "legal_basis", v->legal_basis);
	jw_kstr(w, "action", v->action);
	jw_kstr(w, "record_no", v->record_no);
	if (v->fine_vnd)
		jw_kint(w, "fine_vnd", v->fine_vnd);
	else
		jw_knull(w, "fine_vnd");
	if (v->person_id)
		jw_kint(w, "person_id", v->person_id);
	else
		jw_knull(w, "person_id");
	jw_kstr(w, "person_name", v->person_name);
	jw_kbool(w, "has_identity", v->has_identity);
	jw_kstr(w, "summary", v->summary);
	jw_ktime(w, "created_at", v->created_at);
	jw_ktime(w, "updated_at", v->updated_at);
}

static int answer_violation(struct req *r, int status, const struct violation_row *v)
{
	struct violation_file *f;
	int n;
	int rc = violations_files(r->db, &r->arena, v->id, &f, &n);
	if (rc)
		return http_fail_store(r, rc);
	struct jw *w = http_json(r, status);
	jw_obj(w);
	jw_key(w, "data");
	jw_obj(w);
	write_violation_fields(w, v);
	jw_kbool(w, "can_edit", violation_may(r, PERM_PATROLS_WRITE, v));
	jw_key(w, "photos");
	jw_arr(w);
	for (int i = 0; i < n; i++) {
		jw_obj(w);
		jw_kint(w, "id", f[i].id);
		jw_kstr(w, "mime", f[i].mime);
		jw_kint(w, "size", f[i].size);
		jw_kstr(w, "url",
			arena_printf(&r->arena, "/api/v1/violations/%" PRId64 "/photos/%" PRId64, v->id,
				     f[i].id));
		jw_end(w);
	}
	jw_end(w);
	jw_end(w);
	jw_end(w);
	return APP_OK;
}

static int load_violation(struct req *r, struct violation_row *v)
{
	int64_t id;
	if (http_param_id(r, 0, &id))
		return http_fail(r, APP_E_NOTFOUND, "no such violation record");
	int rc = violations_get(r->db, &r->arena, id, v);
	if (rc < 0)
		return http_fail_store(r, rc);
	if (rc == STORE_DONE || !violation_may(r, PERM_PATROLS_READ, v))
		return http_fail(r, APP_E_NOTFOUND, "no such violation record");
	return APP_OK;
}

int api_violations_list(struct req *r)
{
	struct violations_query q = {0};
	int64_t cursor = 0;
	int limit = 50;
	int rc = http_page_args(r, &cursor, &limit);
	if (rc)
		return rc;
	const char *ps = http_query(r, "patrol_id");
	if (ps && http_parse_id(ps, &q.patrol_id))
		field_err(&r->fields, "patrol_id", "must be a patrol id");
	q.kind = http_query(r, "kind");
	q.action = http_query(r, "action");
	int k;
	if (q.action && *q.action) {
		bool ok = false;
		for (k = 0; violation_action_names[k]; k++)
			ok = ok || strcmp(q.action, violation_action_names[k]) == 0;
		if (!ok)
			field_err(&r->fields, "action", "must be reminder, record, fine or referral");
	}
	api_parse_period(r, "from", false, &q.from);
	api_parse_period(r, "to", true, &q.to);
	if (r->fields.n)
		return http_fail(r, APP_E_PARAM, "malformed query");
	if (q.patrol_id) { /* a patrol's records: seen by its team's readers, checked row by row */
		struct patrol_row p;
		rc = patrols_get(r->db, &r->arena, q.patrol_id, &p);
		if (rc < 0)
			return http_fail_store(r, rc);
		if (rc == STORE_DONE || !perm_on_team(&r->user, PERM_PATROLS_READ, p.team_id, p.unit_path))
			return http_fail(r, APP_E_NOTFOUND, "no such patrol");
	} else {
		rc = api_scope_path(r, PERM_PATROLS_READ, http_query(r, "unit_id"), &q.unit_path);
		if (rc)
			return rc;
	}
	struct violation_row *page = arena_alloc(&r->arena, sizeof *page * (size_t)(limit + 1));
	int n = 0;
	if (!page)
		return APP_E_NOMEM;
	q.before_id = cursor;
	q.limit = limit + 1 < 50 ? 50 : limit + 1;
	for (;;) {
		struct violation_row *batch;
		int nb;
		rc = violations_list(r->db, &r->arena, &q, &batch, &nb);
		if (rc < 0)
			return http_fail_store(r, rc);
		for (int i = 0; i < nb && n <= limit; i++)
			if (violation_may(r, PERM_PATROLS_READ, &batch[i]))
				page[n++] = batch[i];
		if (nb < q.limit || n > limit)
			break;
		q.before_id = batch[nb - 1].id;
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
		write_violation_fields(w, &page[i]);
		jw_end(w);
	}
	jw_end(w);
	http_next_cursor(w, more ? page[n - 1].id : 0);
	jw_end(w);
	return APP_OK;
}

static const char *const violation_fields[] = {
    "patrol_id", "unit_id",  "place",	  "occurred_at", "kind",    "legal_basis", "action",
    "record_no", "fine_vnd", "person_id", "identity",	 "summary", NULL};
static const char *const identity_fields[] = {"name", "birth_year", "address", NULL};

/* Reads the fields of a record into v; the identity (an object) into *identity. */
static void read_violation(struct req *r, json_t *o, struct violation_row *v, bool create, json_t **identity)
{
	struct field_errs *fe = &r->fields;
	int flags = create ? JF_REQUIRED : JF_OPTIONAL;
	const char *s;
	int k;
	jf_no_unknown(o, violation_fields, fe);
	if (!create && json_object_get(o, "patrol_id"))
		field_err(fe, "patrol_id", "a record stays with its patrol");
	if (create)
		jf_int(o, "patrol_id", JF_OPTIONAL, 1, ID_MAX, &v->patrol_id, fe);
	jf_int(o, "unit_id", JF_OPTIONAL, 1, ID_MAX, &v->unit_id, fe);
	if (json_object_get(o, "place")) {
		s = NULL;
		jf_str(o, "place", JF_OPTIONAL, PATROL_AREA_MAX, &s, fe);
		v->place = s && *s ? s : NULL;
	}
	jf_time(o, "occurred_at", JF_OPTIONAL, &v->occurred_at, fe);
	jf_str(o, "kind", flags, 40, &v->kind, fe);
	/* the legal basis is what makes a record lawful: never empty */
	if (create || json_object_get(o, "legal_basis"))
		jf_str(o, "legal_basis", JF_REQUIRED, VIOLATION_TEXT_MAX, &v->legal_basis, fe);
	if (jf_enum(o, "action", flags, violation_action_names, &k, fe) == 1)
		v->action = violation_action_names[k];
	if (json_object_get(o, "record_no")) {
		s = NULL;
		jf_str(o, "record_no", JF_OPTIONAL, 100, &s, fe);
		v->record_no = s && *s ? s : NULL;
	}
	if (json_object_get(o, "fine_vnd")) {
		v->fine_vnd = 0;
		jf_int(o, "fine_vnd", JF_OPTIONAL, 1000, FINE_MAX, &v->fine_vnd, fe);
	}
	if (json_object_get(o, "person_id")) {
		v->person_id = 0;
		jf_int(o, "person_id", JF_OPTIONAL, 1, ID_MAX, &v->person_id, fe);
	}
	if (json_object_get(o, "summary")) {
		s = NULL;
		jf_str(o, "summary", JF_OPTIONAL, VIOLATION_TEXT_MAX, &s, fe);
		v->summary = s && *s ? s : NULL;
	}
	json_t *id = json_object_get(o, "identity");
	if (id && !json_is_null(id)) {
		struct field_errs ie = {0};
		const char *x;
		int64_t y;
		if (!json_is_object(id)) {
			field_err(fe, "identity", "must be an object {name, birth_year, address}");
		} else {
			jf_no_unknown(id, identity_fields, &ie);
			jf_str(id, "name", JF_REQUIRED, IDENTITY_FIELD_MAX, &x, &ie);
			jf_int(id, "birth_year", JF_OPTIONAL, 1900, 2100, &y, &ie);
			jf_str(id, "address", JF_OPTIONAL, IDENTITY_FIELD_MAX, &x, &ie);
			if (ie.n)
				field_err(fe, "identity",
					  arena_printf(&r->arena, "'%s' %s", ie.field[0], ie.msg[0]));
			else
				*identity = id;
		}
	}
}

/* The rules a whole record keeps (after a create or a change). */
static void check_violation(struct req *r, const struct violation_row *v, bool has_identity)
{
	int k = -1;
	for (int i = 0; v->action && violation_action_names[i]; i++)
		if (strcmp(v->action, violation_action_names[i]) == 0)
			k = i;
	if (k >= 0 && violation_needs_record_no(k) && !v->record_no)
		field_err(&r->fields, "record_no", "is required for a record or a fine");
	if (k >= 0 && violation_needs_fine(k) && !v->fine_vnd)
		field_err(&r->fields, "fine_vnd", "is required for a fine (in VND)");
	if (k >= 0 && !violation_needs_fine(k) && v->fine_vnd)
		field_err(&r->fields, "fine_vnd", "only a fine has an amount");
	if (v->person_id && has_identity)
		field_err(&r->fields, "identity",
			  "give a person of the register or a free-text identity, not both");
	if (v->occurred_at > time_now() + 86400)
		field_err(&r->fields, "occurred_at", "must not be in the future");
}

/* Seals the identity object as JSON text (arena). */
static int seal_identity(struct req *r, json_t *identity, const char **out)
{
	char *plain = json_dumps(identity, JSON_COMPACT);
	if (!plain)
		return APP_E_NOMEM;
	size_t cap = crypto_sealed_size(strlen(plain));
	char *sealed = arena_alloc(&r->arena, cap);
	int n = sealed ? crypto_seal(plain, strlen(plain), sealed, cap) : -1;
	sodium_memzero(plain, strlen(plain));
	free(plain);
	if (n < 0)
		return http_fail(r, APP_E_INTERNAL, "cannot seal the identity");
	*out = sealed;
	return APP_OK;
}

/* Resolves the unit of a record (422 unseen, 403 not writable). */
static int violation_unit(struct req *r, int64_t unit_id, struct unit_row *u)
{
	int rc = units_get(r->db, &r->arena, unit_id, u);
	if (rc < 0)
		return http_fail_store(r, rc);
	if (rc == STORE_DONE || !u->commune_id || !perm_on_unit(&r->user, PERM_PATROLS_READ, u->path)) {
		field_err(&r->fields, "unit_id", "no such commune, block or group");
		return http_fail_fields(r, &r->fields);
	}
	if (!perm_on_unit(&r->user, PERM_PATROLS_WRITE, u->path))
		return http_fail(r, APP_E_FORBIDDEN, "your role may not record violations in this unit");
	return APP_OK;
}

static int check_kind(struct req *r, const char *kind)
{
	struct violation_kind *k;
	int n;
	int rc = violations_kinds(r->db, &r->arena, &k, &n);
	if (rc)
		return http_fail_store(r, rc);
	for (int i = 0; i < n; i++)
		if (strcmp(k[i].code, kind) == 0)
			return APP_OK;
	field_err(&r->fields, "kind", "is not a violation kind");
	return http_fail_fields(r, &r->fields);
}

static int check_person(struct req *r, int64_t person_id, int64_t commune_id)
{
	struct person_row p;
	if (!person_id)
		return APP_OK;
	int rc = people_get(r->db, &r->arena, person_id, &p);
	if (rc < 0)
		return http_fail_store(r, rc);
	if (rc == STORE_DONE || p.commune_id != commune_id ||
	    !perm_on_unit(&r->user, PERM_PEOPLE_READ, p.unit_path)) {
		field_err(&r->fields, "person_id", "no such person in this commune");
		return http_fail_fields(r, &r->fields);
	}
	return APP_OK;
}

int api_violations_create(struct req *r)
{
	json_t *body = NULL, *identity = NULL;
	struct violation_row v = {0};
	struct unit_row u;
	const char *sealed = NULL;
	int64_t id = 0, now = time_now(), patrol_unit = 0;
	int rc = http_json_body(r, &body);
	if (rc)
		return rc;
	read_violation(r, body, &v, true, &identity);
	if (!r->fields.n)
		check_violation(r, &v, identity != NULL);
	if (!r->fields.n && !v.patrol_id && !v.unit_id)
		field_err(&r->fields, "unit_id", "is required for a record made outside a patrol");
	if (r->fields.n) {
		rc = http_fail_fields(r, &r->fields);
		goto out;
	}
	if (v.patrol_id) {
		struct patrol_row p;
		rc = patrols_get(r->db, &r->arena, v.patrol_id, &p);
		if (rc < 0) {
			rc = http_fail_store(r, rc);
			goto out;
		}
		if (rc == STORE_DONE || !perm_on_team(&r->user, PERM_PATROLS_READ, p.team_id, p.unit_path)) {
			field_err(&r->fields, "patrol_id", "no such patrol");
			rc = http_fail_fields(r, &r->fields);
			goto out;
		}
		if (!perm_on_team(&r->user, PERM_PATROLS_WRITE, p.team_id, p.unit_path)) {
			rc = http_fail(r, APP_E_FORBIDDEN,
				       "your role may not record violations on this patrol");
			goto out;
		}
		if (!v.unit_id)
			v.unit_id = p.unit_id;
		patrol_unit = p.unit_id;
		if (!v.occurred_at)
			v.occurred_at = p.started_at ? p.started_at : p.planned_start;
	}
	if (v.unit_id == patrol_unit) { /* the patrol's own unit: the team's writer may record there */
		rc = units_get(r->db, &r->arena, v.unit_id, &u);
		rc = rc == STORE_ROW ? APP_OK : http_fail_store(r, rc == STORE_DONE ? STORE_E_DB : rc);
	} else {
		rc = violation_unit(r, v.unit_id, &u);
	}
	if (rc)
		goto out;
	v.commune_id = u.commune_id;
	if (!v.occurred_at)
		v.occurred_at = now;
	rc = check_kind(r, v.kind);
	if (!rc)
		rc = check_person(r, v.person_id, v.commune_id);
	if (!rc && identity)
		rc = seal_identity(r, identity, &sealed);
	if (rc)
		goto out;
	v.created_by = r->user.user_id;
	rc = store_begin(r->db);
	if (rc) {
		rc = http_fail_store(r, rc);
		goto out;
	}
	rc = violations_insert(r->db, &v, sealed, now, &id);
	if (rc == STORE_OK)
		rc = api_audit(r, "violation.create", "violation", id, unit_detail(r, v.unit_id));
	rc = finish_tx(r, rc);
	if (rc) {
		rc = http_fail_store(r, rc);
		goto out;
	}
	rc = violations_get(r->db, &r->arena, id, &v);
	rc = rc == STORE_ROW ? answer_violation(r, 201, &v) : http_fail_store(r, rc);
out:
	json_decref(body);
	return rc;
}

int api_violations_get(struct req *r)
{
	struct violation_row v;
	int rc = load_violation(r, &v);
	return rc ? rc : answer_violation(r, 200, &v);
}

int api_violations_update(struct req *r)
{
	json_t *body = NULL, *identity = NULL;
	struct violation_row v;
	struct unit_row u;
	const char *sealed = NULL;
	int64_t unit_before;
	int rc = load_violation(r, &v);
	if (rc)
		return rc;
	unit_before = v.unit_id;
	rc = http_json_body(r, &body);
	if (rc)
		return rc;
	read_violation(r, body, &v, false, &identity);
	if (!r->fields.n)
		check_violation(r, &v,
				identity != NULL || (v.has_identity && !json_object_get(body, "identity")));
	if (r->fields.n) {
		rc = http_fail_fields(r, &r->fields);
		goto out;
	}
	if (!violation_may(r, PERM_PATROLS_WRITE, &v)) {
		rc = http_fail(r, APP_E_FORBIDDEN, "your role may not change violation records here");
		goto out;
	}
	if (v.unit_id != unit_before) {
		rc = violation_unit(r, v.unit_id, &u);
		if (rc)
			goto out;
		if (u.commune_id != v.commune_id) {
			field_err(&r->fields, "unit_id", "a record stays in its commune");
			rc = http_fail_fields(r, &r->fields);
			goto out;
		}
	}
	rc = check_kind(r, v.kind);
	if (!rc)
		rc = check_person(r, v.person_id, v.commune_id);
	if (!rc && identity)
		rc = seal_identity(r, identity, &sealed);
	if (rc)
		goto out;
	int64_t now = time_now();
	rc = store_begin(r->db);
	if (rc) {
		rc = http_fail_store(r, rc);
		goto out;
	}
	rc = violations_update(r->db, &v, now);
	if (rc == STORE_OK && json_object_get(body, "identity"))
		rc = violations_set_identity(r->db, v.id, sealed, now);
	if (rc == STORE_OK)
		rc = api_audit(r, "violation.update", "violation", v.id, unit_detail(r, v.unit_id));
	rc = finish_tx(r, rc);
	if (rc) {
		rc = http_fail_store(r, rc);
		goto out;
	}
	rc = violations_get(r->db, &r->arena, v.id, &v);
	rc = rc == STORE_ROW ? answer_violation(r, 200, &v) : http_fail_store(r, rc);
out:
	json_decref(body);
	return rc;
}

static bool reason_ok(const char *s)
{
	size_t chars = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if ((*p & 0xc0) != 0x80 && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
			chars++;
	return chars >= REASON_MIN;
}

static const char *const reveal_fields[] = {"reason", NULL};

int api_violations_reveal(struct req *r)
{
	json_t *body = NULL, *identity = NULL;
	struct violation_row v;
	const char *reason = NULL, *sealed = NULL;
	char *plain = NULL;
	size_t cap = 0;
	int rc = load_violation(r, &v);
	if (rc)
		return rc;
	rc = http_json_body(r, &body);
	if (rc)
		return rc;
	jf_no_unknown(body, reveal_fields, &r->fields);
	if (jf_str(body, "reason", JF_REQUIRED, REASON_MAX, &reason, &r->fields) == 1 && !reason_ok(reason))
		field_err(&r->fields, "reason", "say why you need the identity, in at least 5 characters");
	if (r->fields.n) {
		rc = http_fail_fields(r, &r->fields);
		goto out;
	}
	if (!perm_on_unit(&r->user, PERM_SENSITIVE, v.unit_path)) {
		rc = http_fail(r, APP_E_FORBIDDEN, "your role may not see who violators are here");
		goto out;
	}
	rc = violations_identity(r->db, &r->arena, v.id, &sealed);
	if (rc) {
		rc = http_fail_store(r, rc);
		goto out;
	}
	if (!sealed) {
		rc = http_fail(r, APP_E_NOTFOUND, "this record has no free-text identity");
		goto out;
	}
	cap = strlen(sealed) + 1;
	plain = malloc(cap);
	int n = plain ? crypto_open(sealed, plain, cap) : -1;
	identity = n > 0 ? json_loadb(plain, (size_t)n, 0, NULL) : NULL;
	if (!identity || !json_is_object(identity)) {
		rc = http_fail(r, APP_E_INTERNAL, "the stored identity cannot be opened with this key");
		goto out;
	}
	struct buf b;
	struct jw dw;
	buf_init(&b, 4096);
	jw_init(&dw, &b);
	jw_obj(&dw);
	jw_kint(&dw, "unit_id", v.unit_id);
	jw_kstr(&dw, "reason", reason);
	jw_end(&dw);
	rc = store_begin(r->db);
	if (rc == STORE_OK)
		rc = b.err ? STORE_E_NOMEM : api_audit(r, "violation.reveal", "violation", v.id, buf_str(&b));
	buf_release(&b);
	rc = finish_tx(r, rc);
	if (rc) {
		rc = http_fail_store(r, rc);
		goto out;
	}
	struct jw *w = http_json(r, 200);
	jw_obj(w);
	jw_key(w, "data");
	jw_obj(w);
	jw_key(w, "identity");
	jw_obj(w);
	json_t *nm = json_object_get(identity, "name"), *by = json_object_get(identity, "birth_year"),
	       *ad = json_object_get(identity, "address");
	jw_kstr(w, "name", json_is_string(nm) ? json_string_value(nm) : NULL);
	if (json_is_integer(by))
		jw_kint(w, "birth_year", json_integer_value(by));
	else
		jw_knull(w, "birth_year");
	jw_kstr(w, "address", json_is_string(ad) ? json_string_value(ad) : NULL);
	jw_end(w);
	jw_end(w);
	jw_end(w);
	rc = APP_OK;
out:
	if (plain) {
		sodium_memzero(plain, cap);
		free(plain);
	}
	json_decref(identity);
	json_decref(body);
	return rc;
}

/* ---- photos: POST the image itself as the body; GET one back ---- */

int api_violations_photo_add(struct req *r)
{
	struct violation_row v;
	struct violation_file *f;
	char seen[128], sha[CRYPTO_HASH_HEX];
	unsigned char *clean = NULL;
	size_t clean_len = 0;
	bool created = false;
	int64_t fid = 0;
	int nf;
	int rc = load_violation(r, &v);
	if (rc)
		return rc;
	if (!violation_may(r, PERM_PATROLS_WRITE, &v))
		return http_fail(r, APP_E_FORBIDDEN, "your role may not change violation records here");
	if (!r->body.len)
		return http_fail(r, APP_E_PARAM, "send the photo as the request body");
	rc = violations_files(r->db, &r->arena, v.id, &f, &nf);
	if (rc)
		return http_fail_store(r, rc);
	if (nf >= VIOLATION_FILES_MAX)
		return http_fail(r, APP_E_CONFLICT, "a record holds at most 10 photos");
	int kind = media_detect(r->body.data, r->body.len, seen, sizeof seen);
	if (kind < 0 || (kind != MEDIA_JPEG && kind != MEDIA_PNG && kind != MEDIA_WEBP)) {
		field_err(&r->fields, "file", "must be a JPEG, PNG or WebP photo");
		return http_fail_fields(r, &r->fields);
	}
	int s = media_strip((enum media_kind)kind, (const unsigned char *)r->body.data, r->body.len, &clean,
			    &clean_len);
	if (s != 0) {
		field_err(&r->fields, "file", s == -2 ? "out of memory" : "the photo is damaged");
		return http_fail_fields(r, &r->fields);
	}
	crypto_sha256_hex(clean, clean_len, sha);
	if (uploads_write(sha, clean, clean_len, &created) != 0) {
		free(clean);
		return http_fail(r, APP_E_INTERNAL, "the photo could not be stored");
	}
	rc = store_begin(r->db);
	if (rc == STORE_OK)
		rc = violations_file_add(r->db, v.id, v.commune_id, sha, media_mime[kind], (int64_t)clean_len,
					 time_now(), &fid);
	if (rc == STORE_OK)
		rc = api_audit(r, "violation.photo", "violation", v.id, unit_detail(r, v.unit_id));
	rc = finish_tx(r, rc);
	free(clean);
	if (rc) {
		if (created)
			uploads_remove(sha);
		return http_fail_store(r, rc);
	}
	return answer_violation(r, 201, &v);
}

int api_violations_photo_get(struct req *r)
{
	struct violation_row v;
	struct violation_file *f;
	int64_t fid;
	int nf, kind = -1;
	char *data = NULL;
	size_t len = 0;
	int rc = load_violation(r, &v);
	if (rc)
		return rc;
	if (http_param_id(r, 1, &fid))
		return http_fail(r, APP_E_NOTFOUND, "no such photo");
	rc = violations_files(r->db, &r->arena, v.id, &f, &nf);
	if (rc)
		return http_fail_store(r, rc);
	for (int i = 0; i < nf && kind < 0; i++)
		if (f[i].id == fid)
			for (int k = 0; media_mime[k]; k++)
				if (strcmp(media_mime[k], f[i].mime) == 0 &&
				    uploads_read(f[i].sha256, PHOTO_BYTES, &data, &len) == 0)
					kind = k;
	if (kind < 0)
		return http_fail(r, APP_E_NOTFOUND, "no such photo");
	r->status = 200;
	r->content_type = media_mime[kind];
	buf_reset(&r->out);
	r->out.max = PHOTO_BYTES;
	buf_add(&r->out, data, len);
	free(data);
	http_header(r, "Content-Disposition", "inline");
	http_header(r, "Cache-Control", "private, no-store");
	return APP_OK;
}

/* ---- GET /api/v1/stats/patrols ---- */

#define STATS_KEYS_MAX 64

struct group {
	int n;
	const char *key[STATS_KEYS_MAX];
	int64_t count[STATS_KEYS_MAX];
	int64_t sum[STATS_KEYS_MAX];
	struct arena *a;
};

static void add_group(void *ctx, const char *key, int64_t count, int64_t sum)
{
	struct group *g = ctx;
	for (int i = 0; i < g->n; i++)
		if (strcmp(g->key[i], key) == 0) {
			g->count[i] += count;
			g->sum[i] += sum;
			return;
		}
	if (g->n < STATS_KEYS_MAX) {
		g->key[g->n] = arena_strdup(g->a, key);
		if (!g->key[g->n])
			return;
		g->count[g->n] = count;
		g->sum[g->n++] = sum;
	}
}

static int cmp_keys(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

static void write_group(struct jw *w, const char *name, const char *keyname, struct group *g, bool sums)
{
	/* months sort by their text; other groups keep the engine's order (sorted too, for stable output) */
	int idx[STATS_KEYS_MAX];
	const char *keys[STATS_KEYS_MAX];
	for (int i = 0; i < g->n; i++)
		keys[i] = g->key[i];
	qsort(keys, (size_t)g->n, sizeof keys[0], cmp_keys);
	for (int i = 0; i < g->n; i++)
		for (int j = 0; j < g->n; j++)
			if (g->key[j] == keys[i])
				idx[i] = j;
	jw_key(w, name);
	jw_arr(w);
	for (int i = 0; i < g->n; i++) {
		jw_obj(w);
		jw_kstr(w, keyname, g->key[idx[i]]);
		jw_kint(w, "count", g->count[idx[i]]);
		if (sums)
			jw_kint(w, "fines_vnd", g->sum[idx[i]]);
		jw_end(w);
	}
	jw_end(w);
}

int api_stats_patrols(struct req *r)
{
	int64_t from = 0, to = 0;
	api_parse_period(r, "from", false, &from);
	api_parse_period(r, "to", true, &to);
	if (!r->fields.n && (!http_query(r, "from") || !http_query(r, "to")))
		field_err(&r->fields, http_query(r, "from") ? "to" : "from", "is required (YYYY-MM-DD)");
	if (!r->fields.n && to <= from)
		field_err(&r->fields, "to", "must be after 'from'");
	if (!r->fields.n && (to - from) / 86400 > 5 * 366)
		field_err(&r->fields, "to", "a period is at most 5 years");
	if (r->fields.n)
		return http_fail(r, APP_E_PARAM, "malformed query");
	const char **roots;
	int nroots;
	int rc = api_scope_stats_roots(r, PERM_PATROLS_READ, &roots, &nroots);
	if (rc)
		return rc;
	struct patrol_stats s = {0};
	struct group *g = arena_alloc(&r->arena, sizeof *g * 4);
	if (!g)
		return APP_E_NOMEM;
	for (int k = 0; k < 4; k++)
		g[k].a = &r->arena;
	for (int i = 0; i < nroots; i++) {
		rc = patrols_stats_totals(r->db, roots[i], from, to, &s);
		for (int k = 0; rc == STORE_OK && k < 4; k++)
			rc = patrols_stats_groups(r->db, k, roots[i], from, to, add_group, &g[k]);
		if (rc)
			return http_fail_store(r, rc);
	}
	struct jw *w = http_json(r, 200);
	jw_obj(w);
	jw_key(w, "data");
	jw_obj(w);
	jw_ktime(w, "from", from);
	jw_ktime(w, "to", to);
	jw_kint(w, "patrols", s.patrols);
	jw_kint(w, "patrols_ended", s.ended);
	jw_key(w, "hours");
	jw_double(w, (double)(s.minutes * 10 / 60) / 10.0);
	jw_kint(w, "checkins", s.checkins);
	jw_kint(w, "violations", s.violations);
	jw_kint(w, "fines_vnd", s.fines_vnd);
	write_group(w, "joint_forces", "kind", &g[0], false);
	write_group(w, "by_kind", "kind", &g[1], true);
	write_group(w, "by_action", "action", &g[2], true);
	write_group(w, "by_month", "month", &g[3], true);
	jw_end(w);
	jw_end(w);
	return APP_OK;
}
