/*
 * teams.c: the /api/v1/teams endpoints — teams (security & order, mediation, self-managed, shock,
 * community self-managed, fire prevention) on blocks and residential groups, their members with role
 * and term, the CSV import of members, and the commune's summary. The SQL is store/teams.c's, the
 * rules domain/team_rules.c's (every Team and roster answer carries its `warnings`); this file parses,
 * validates, decides who may see and change what, audits, and writes the JSON.
 *
 * Scope: a team is read with teams.read and changed with teams.write on its unit (perm_on_unit on the
 * unit's path, so on the block or group, or any unit above it), or through a grant on the team itself.
 * A team the caller may not read answers 404, as if it did not exist; a visible team the caller may
 * not change answers 403. Lists reach the subtrees of the caller's unit grants.
 *
 * Rules kept here rather than warned about: a team's unit is a block or a group (422); a block or group
 * has at most one security & order team (Law 30/2023/QH15; 409); a member is a person of the team's
 * commune whom the caller may see (422 otherwise) — a block's team often takes a neighbour from the
 * next block, but never someone from another commune; one person holds at most one membership of a
 * team at a time (overlapping terms: 409); a team with members, past ones included, is not deleted
 * (409; end the terms or remove the members first).
 *
 * Every change is audited in the transaction that makes it: entity "team" (team.create, team.update,
 * team.delete) and "team_member" (team_member.add, team_member.update, team_member.remove,
 * team_member.import, with person.import for the people an import creates). Details carry unit_id so
 * that a deleted record's history stays readable where it was (api/audit.c).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/api.h"
#include "domain/team_rules.h"
#include "lib/csv.h"
#include "lib/timeutil.h"
#include "store/people.h"
#include "store/teams.h"
#include "store/units.h"

#define ID_MAX (((int64_t)1 << 53) - 1)

/* May the caller do `perm` on team t: through its unit, or through a grant on the team itself? */
static bool team_may(const struct req *r, enum perm perm, const struct team_row *t)
{
	return perm_on_team(&r->user, perm, t->id, t->unit_path);
}

/* Loads team {id} (path capture 0) if the caller may read it; else 404, the same for absent and hidden. */
static int load_team(struct req *r, struct team_row *t)
{
	int64_t id;
	int rc = http_param_id(r, 0, &id);
	if (rc)
		return http_fail(r, rc, "no such team");
	rc = teams_get(r->db, &r->arena, id, t);
	if (rc < 0)
		return http_fail_store(r, rc);
	if (rc == STORE_DONE || !team_may(r, PERM_TEAMS_READ, t))
		return http_fail(r, APP_E_NOTFOUND, "no such team");
	return APP_OK;
}

/* Today's date in Vietnam into the arena ("" when out of memory, which no comparison matches). */
static const char *today_of(struct req *r)
{
	char d[11];
	const char *s = arena_strdup(&r->arena, team_today(time_now(), d));
	return s ? s : "";
}

/* ---- JSON ---- */

struct team_state {
	int members; /* current */
	int nw;
	struct team_warning w[TEAM_WARNINGS_MAX];
};

static void write_warnings(struct jw *w, const struct team_state *s)
{
	jw_arr(w);
	for (int i = 0; i < s->nw; i++) {
		jw_obj(w);
		jw_kstr(w, "code", s->w[i].code);
		jw_kstr(w, "message", s->w[i].message);
		jw_end(w);
	}
	jw_end(w);
}

static void write_team(struct jw *w, const struct team_row *t, const struct team_state *s)
{
	jw_obj(w);
	jw_kint(w, "id", t->id);
	jw_kint(w, "unit_id", t->unit_id);
	jw_kstr(w, "unit_name", t->unit_name);
	jw_kstr(w, "kind", team_kind_names[t->kind]);
	jw_kstr(w, "name", t->name);
	jw_kint(w, "member_count", s->members);
	jw_key(w, "warnings");
	write_warnings(w, s);
	jw_ktime(w, "created_at", t->created_at);
	jw_ktime(w, "updated_at", t->updated_at);
	jw_end(w);
}

static void write_member(struct jw *w, const struct member_row *m)
{
	int age;
	jw_obj(w);
	jw_kint(w, "id", m->id);
	jw_kint(w, "team_id", m->team_id);
	jw_kint(w, "person_id", m->person_id);
	jw_kstr(w, "full_name", m->full_name);
	jw_kstr(w, "gender", m->gender);
	if (m->birth_year)
		jw_kint(w, "birth_year", m->birth_year);
	else
		jw_knull(w, "birth_year");
	jw_kstr(w, "role", team_role_names[m->role]);
	jw_kstr(w, "term_from", m->term_from);
	jw_kstr(w, "term_to", m->term_to);
	if (team_age_at(m->birth_date, m->birth_year, m->term_from, &age) == 0)
		jw_kint(w, "age_at_appointment", age);
	else
		jw_knull(w, "age_at_appointment");
	jw_end(w);
}

/* The rules over n facts (past ones are skipped by the rules themselves). */
static void state_of(enum team_kind kind, const struct team_member_facts *f, int n, const char *today,
		     struct team_state *s)
{
	s->members = 0;
	for (int i = 0; i < n; i++)
		s->members += team_member_current(&f[i], today);
	s->nw = team_rules_check(kind, f, n, today, s->w);
}

/* The team's current members (or all, with all) and its state. */
static int load_roster(struct req *r, const struct team_row *t, bool all, const char *today,
		       struct member_row **m, int *n, struct team_state *s)
{
	int rc = teams_members(r->db, &r->arena, t->id, all ? NULL : today, m, n);
	if (rc)
		return rc;
	struct team_member_facts *f = arena_alloc(&r->arena, sizeof *f * (size_t)(*n ? *n : 1));
	if (!f)
		return STORE_E_NOMEM;
	for (int i = 0; i < *n; i++)
		f[i] = teams_member_facts(&(*m)[i]);
	state_of(t->kind, f, *n, today, s);
	return STORE_OK;
}

/* ---- audit ---- */

static const char *detail_text(struct req *r, struct buf *b)
{
	const char *out = b->err ? NULL : arena_strdup(&r->arena, buf_str(b));
	buf_release(b);
	return out ? out : "{}";
}

static int audit_team(struct req *r, const char *action, const struct team_row *t, const char *before_name)
{
	struct buf b;
	struct jw w;
	buf_init(&b, 4096);
	jw_init(&w, &b);
	jw_obj(&w);
	jw_kint(&w, "unit_id", t->unit_id);
	jw_kstr(&w, "kind", team_kind_names[t->kind]);
	jw_kstr(&w, "name", t->name);
	if (before_name) {
		jw_key(&w, "before");
		jw_obj(&w);
		jw_kstr(&w, "name", before_name);
		jw_end(&w);
	}
	jw_end(&w);
	return api_audit(r, action, "team", t->id, detail_text(r, &b));
}

static void member_terms(struct jw *w, enum team_role role, const char *from, const char *to)
{
	jw_kstr(w, "role", team_role_names[role]);
	jw_kstr(w, "term_from", from);
	jw_kstr(w, "term_to", to);
}

/* A membership's audit entry; `before` (may be NULL) is the membership as it was; line > 0 for an import. */
static int audit_member(struct req *r, const char *action, const struct team_row *t, int64_t member_id,
			int64_t person_id, enum team_role role, const char *from, const char *to,
			const struct member_row *before, int line)
{
	struct buf b;
	struct jw w;
	buf_init(&b, 4096);
	jw_init(&w, &b);
	jw_obj(&w);
	jw_kint(&w, "team_id", t->id);
	jw_kint(&w, "unit_id", t->unit_id);
	jw_kint(&w, "person_id", person_id);
	member_terms(&w, role, from, to);
	if (before) {
		jw_key(&w, "before");
		jw_obj(&w);
		member_terms(&w, before->role, before->term_from, before->term_to);
		jw_end(&w);
	}
	if (line > 0)
		jw_kint(&w, "line", line);
	jw_end(&w);
	return api_audit(r, action, "team_member", member_id, detail_text(r, &b));
}

/* ---- GET /api/v1/teams ---- */

static int cmp_team_id(const void *a, const void *b)
{
	int64_t x = ((const struct team_row *)a)->id, y = ((const struct team_row *)b)->id;
	return (x > y) - (x < y);
}

static int cmp_fact_team(const void *a, const void *b)
{
	int64_t x = ((const struct team_fact_row *)a)->team_id,
		y = ((const struct team_fact_row *)b)->team_id;
	return (x > y) - (x < y);
}

/* The index of the first fact of team_id in facts sorted by team (n when none). */
static int first_fact(const struct team_fact_row *facts, int n, int64_t team_id)
{
	int lo = 0, hi = n;
	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;
		if (facts[mid].team_id < team_id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The state of team (id, kind) from facts sorted by team. APP_OK, or APP_E_NOMEM. */
static int state_from_facts(struct arena *a, const struct team_fact_row *facts, int n, int64_t id,
			    enum team_kind kind, const char *today, struct team_state *s)
{
	int i = first_fact(facts, n, id), j = i;
	while (j < n && facts[j].team_id == id)
		j++;
	struct team_member_facts *f = arena_alloc(a, sizeof *f * (size_t)(j > i ? j - i : 1));
	if (!f)
		return APP_E_NOMEM;
	for (int k = i; k < j; k++)
		f[k - i] = facts[k].f;
	state_of(kind, f, j - i, today, s);
	return APP_OK;
}

/* Parses ?kind= into *kind (-1 when absent); 400 with fields when unknown. */
static int kind_arg(struct req *r, int *kind)
{
	const char *k = http_query(r, "kind");
	*kind = -1;
	if (!k)
		return APP_OK;
	*kind = team_name_index(team_kind_names, k);
	if (*kind < 0) {
		field_err(&r->fields, "kind",
			  "must be security_order, mediation, self_managed, shock, community_self_managed or "
			  "fire_prevention");
		return http_fail(r, APP_E_PARAM, "malformed kind");
	}
	return APP_OK;
}

/* Parses ?unit_id= and loads that unit if the caller may see its teams: APP_OK with *u->id > 0, APP_OK
 * with u->id 0 when absent and !required, 400 when malformed or missing, 404 when hidden. */
static int unit_arg(struct req *r, bool required, struct unit_row *u)
{
	const char *s = http_query(r, "unit_id");
	int64_t id = 0;
	u->id = 0;
	if (!s && !required)
		return APP_OK;
	if (!s || http_parse_id(s, &id) != 0) {
		field_err(&r->fields, "unit_id", "must be a unit id");
		return http_fail(r, APP_E_PARAM, s ? "malformed unit_id" : "say which unit: ?unit_id=ID");
	}
	int rc = units_get(r->db, &r->arena, id, u);
	if (rc < 0)
		return http_fail_store(r, rc);
	if (rc == STORE_DONE || !perm_on_unit(&r->user, PERM_TEAMS_READ, u->path)) {
		u->id = 0;
		return http_fail(r, APP_E_NOTFOUND, "no such unit");
	}
	return APP_OK;
}

int api_teams_list(struct req *r)
{
	int64_t cursor;
	int limit, kind, rc, n = 0, nroots = 0;
	const char **roots = NULL;
	bool all = false;
	struct unit_row unit;
	struct team_row *rows = NULL;

	/* parse and validate */
	rc = http_page_args(r, &cursor, &limit);
	if (!rc)
		rc = kind_arg(r, &kind);
	if (!rc)
		rc = unit_arg(r, false, &unit);
	if (rc)
		return rc;

	/* scope: the unit asked for, or every subtree the caller may read */
	if (unit.id) {
		roots = arena_alloc(&r->arena, sizeof *roots);
		if (!roots)
			return APP_E_NOMEM;
		roots[0] = unit.path;
		nroots = 1;
	} else {
		/* team grants reach their team (GET /teams/{id}) but are not listed here */
		rc = api_scope_roots(r, PERM_TEAMS_READ, &roots, &nroots, &all);
		if (rc)
			return rc;
		if (all) {
			roots[0] = "/";
			nroots = 1;
		}
	}

	/* each subtree's first limit+1 teams after the cursor; the page is the smallest of them */
	rows = arena_alloc(&r->arena, sizeof *rows * (size_t)(limit + 1) * (size_t)(nroots ? nroots : 1));
	if (!rows)
		return APP_E_NOMEM;
	for (int i = 0; i < nroots; i++) {
		struct team_row *part;
		int np;
		rc = teams_list(r->db, &r->arena, roots[i], kind, cursor, limit + 1, &part, &np);
		if (rc)
			return http_fail_store(r, rc);
		memcpy(rows + n, part, sizeof *rows * (size_t)np);
		n += np;
	}
	if (nroots > 1)
		qsort(rows, (size_t)n, sizeof *rows, cmp_team_id);
	bool more = n > limit;
	if (more)
		n = limit;

	/* the page's current members, one query per subtree, for counts and warnings */
	const char *today = today_of(r);
	struct team_fact_row *facts = NULL;
	int nfacts = 0;
	if (n > 0) {
		for (int i = 0; i < nroots; i++) {
			struct team_fact_row *part;
			int np;
			rc = teams_page_facts(r->db, &r->arena, roots[i], kind, cursor, rows[n - 1].id, today,
					      &part, &np);
			if (rc)
				return http_fail_store(r, rc);
			if (!facts) {
				facts = part;
				nfacts = np;
				continue;
			}
			struct team_fact_row *both =
			    arena_alloc(&r->arena, sizeof *both * (size_t)(nfacts + np + 1));
			if (!both)
				return APP_E_NOMEM;
			memcpy(both, facts, sizeof *both * (size_t)nfacts);
			memcpy(both + nfacts, part, sizeof *both * (size_t)np);
			facts = both;
			nfacts += np;
		}
		if (nroots > 1)
			qsort(facts, (size_t)nfacts, sizeof *facts, cmp_fact_team);
	}

	struct team_state *s = arena_alloc(&r->arena, sizeof *s * (size_t)(n ? n : 1));
	if (!s)
		return APP_E_NOMEM;
	for (int i = 0; i < n; i++)
		if (state_from_facts(&r->arena, facts, nfacts, rows[i].id, rows[i].kind, today, &s[i]))
			return APP_E_NOMEM;

	struct jw *w = http_json(r, 200);
	jw_obj(w);
	jw_key(w, "data");
	jw_arr(w);
	for (int i = 0; i < n; i++)
		write_team(w, &rows[i], &s[i]);
	jw_end(w);
	http_next_cursor(w, more ? rows[n - 1].id : 0);
	jw_end(w);
	return APP_OK;
}

/* ---- POST /api/v1/teams ---- */

static const char *const create_fields[] = {"unit_id", "kind", "name", NULL};
static const char *const update_fields[] = {"name", NULL};

static void check_name(const char *name, struct field_errs *fe)
{
	if (name && !units_name_valid(name))
		field_err(fe, "name", "must be 1 to 200 bytes of text without control characters");
}

static int answer_team(struct req *r, int status, const struct team_row *t, const struct team_state *s)
{
	struct jw *w = http_json(r, status);
	jw_obj(w);
	jw_key(w, "data");
	write_team(w, t, s);
	jw_end(w);
	return APP_OK;
}

int api_teams_create(struct req *r)
{
	json_t *body = NULL;
	struct field_errs fe = {0};
	const char *name = NULL;
	int64_t unit_id = 0;
	int kind = -1;
	struct unit_row unit;
	struct team_row t;
	struct team_state s;
	int rc = http_json_body(r, &body);
	if (rc)
		return rc;

	/* validate */
	jf_no_unknown(body, create_fields, &fe);
	jf_int(body, "unit_id", JF_REQUIRED, 1, ID_MAX, &unit_id, &fe);
	jf_enum(body, "kind", JF_REQUIRED, team_kind_names, &kind, &fe);
	jf_str(body, "name", JF_REQUIRED, TEAM_NAME_MAX, &name, &fe);
	check_name(name, &fe);
	if (fe.n) {
		rc = http_fail_fields(r, &fe);
		goto out;
	}
	rc = units_get(r->db, &r->arena, unit_id, &unit);
	if (rc < 0) {
		rc = http_fail_store(r, rc);
		goto out;
	}
	if (rc == STORE_DONE || !perm_on_unit(&r->user, PERM_TEAMS_READ, unit.path)) {
		field_err(&fe, "unit_id", "no such unit");
		rc = http_fail_fields(r, &fe);
		goto out;
	}
	if (unit.kind != UNIT_BLOCK && unit.kind != UNIT_GROUP) {
		field_err(&fe, "unit_id",
			  arena_printf(&r->arena, "must be a block or a residential group, not a %s",
				       units_kind_names[unit.kind]));
		rc = http_fail_fields(r, &fe);
		goto out;
	}
	/* check permission */
	if (!perm_on_unit(&r->user, PERM_TEAMS_WRITE, unit.path)) {
		rc = http_fail(r, APP_E_FORBIDDEN, "your role may not add teams to this unit");
		goto out;
	}

	/* domain call */
	rc = store_begin(r->db);
	if (rc) {
		rc = http_fail_store(r, rc);
		goto out;
	}
	if (kind == TEAM_SECURITY_ORDER) {
		rc = teams_kind_taken(r->db, unit.id, TEAM_SECURITY_ORDER, 0);
		if (rc == STORE_ROW) {
			store_rollback(r->db);
			rc = http_fail(
			    r, APP_E_CONFLICT,
			    arena_printf(&r->arena,
					 "'%s' already has a security and order team; a block or group "
					 "has one (Law 30/2023/QH15)",
					 unit.name));
			goto out;
		}
		rc = rc == STORE_DONE ? STORE_OK : rc;
	}
	if (rc == STORE_OK)
		rc = teams_insert(r->db, &r->arena, &unit, (enum team_kind)kind, name, time_now(), &t);
	if (rc == STORE_OK)
		rc = audit_team(r, "team.create", &t, NULL);
	if (rc == STORE_OK)
		rc = store_commit(r->db);
	else
		store_rollback(r->db);
	if (rc) {
		rc = http_fail_store(r, rc);
		goto out;
	}
	state_of(t.kind, NULL, 0, today_of(r), &s);
	rc = answer_team(r, 201, &t, &s);
out:
	json_decref(body);
	return rc;
}

/* ---- GET /api/v1/teams/{id} ---- */

int api_teams_get(struct req *r)
{
	struct team_row t;
	struct member_row *m;
	struct team_state s;
	int n;
	int rc = load_team(r, &t);
	if (rc)
		return rc;
	rc = load_roster(r, &t, false, today_of(r), &m, &n, &s);
	if (rc)
		return http_fail_store(r, rc);
	return answer_team(r, 200, &t, &s);
}

/* ---- PATCH /api/v1/teams/{id} ---- */

int api_teams_update(struct req *r)
{
	json_t *body = NULL;
	struct field_errs fe = {0};
	const char *name = NULL, *before;
	struct team_row t;
	struct member_row *m;
	struct team_state s;
	int n;
	int rc = load_team(r, &t);
	if (rc)
		return rc;
	rc = http_json_body(r, &body);
	if (rc)
		return rc;

	jf_no_unknown(body, update_fields, &fe);
	jf_str(body, "name", JF_OPTIONAL, TEAM_NAME_MAX, &name, &fe);
	check_name(name, &fe);
	if (fe.n) {
		rc = http_fail_fields(r, &fe);
		goto out;
	}
	if (!team_may(r, PERM_TEAMS_WRITE, &t)) {
		rc = http_fail(r, APP_E_FORBIDDEN, "your role may not change this team");
		goto out;
	}
	if (name && strcmp(name, t.name) != 0) {
		before = t.name;
		t.name = arena_strdup(&r->arena, name);
		if (!t.name) {
			rc = APP_E_NOMEM;
			goto out;
		}
		t.updated_at = time_now();
		rc = store_begin(r->db);
		if (rc) {
			rc = http_fail_store(r, rc);
			goto out;
		}
		rc = teams_rename(r->db, t.id, t.name, t.updated_at);
		if (rc == STORE_OK)
			rc = audit_team(r, "team.update", &t, before);
		if (rc == STORE_OK)
			rc = store_commit(r->db);
		else
			store_rollback(r->db);
		if (rc == STORE_DONE) {
			rc = http_fail(r, APP_E_NOTFOUND, "no such team");
			goto out;
		}
		if (rc) {
			rc = http_fail_store(r, rc);
			goto out;
		}
	}
	rc = load_roster(r, &t, false, today_of(r), &m, &n, &s);
	rc = rc ? http_fail_store(r, rc) : answer_team(r, 200, &t, &s);
out:
	json_decref(body);
	return rc;
}

/* ---- DELETE /api/v1/teams/{id} ---- */

int api_teams_delete(struct req *r)
{
	struct team_row t;
	const char *what = NULL;
	int rc = load_team(r, &t);
	if (rc)
		return rc;
	if (!team_may(r, PERM_TEAMS_WRITE, &t))
		return http_fail(r, APP_E_FORBIDDEN, "your role may not delete this team");

	rc = store_begin(r->db);
	if (rc)
		return http_fail_store(r, rc);
	rc = teams_holds(r->db, t.id, &what);
	if (rc == STORE_OK && what) {
		store_rollback(r->db);
		return http_fail(
		    r, APP_E_CONFLICT,
		    arena_printf(&r->arena, "team '%s' still has %s; remove them first", t.name, what));
	}
	if (rc == STORE_OK)
		rc = teams_delete(r->db, t.id);
	if (rc == STORE_OK)
		rc = audit_team(r, "team.delete", &t, NULL);
	if (rc == STORE_OK)
		rc = store_commit(r->db);
	else
		store_rollback(r->db);
	if (rc == STORE_E_FK)
		return http_fail(
		    r, APP_E_CONFLICT,
		    arena_printf(&r->arena, "team '%s' still has records; remove them first", t.name));
	if (rc == STORE_DONE)
		return http_fail(r, APP_E_NOTFOUND, "no such team");
	if (rc)
		return http_fail_store(r, rc);
	http_text(r, 204, NULL, "");
	return APP_OK;
}

/* ---- GET /api/v1/teams/{id}/members ---- */

int api_team_members_list(struct req *r)
{
	struct team_row t;
	struct member_row *m;
	struct team_state s;
	int n;
	const char *all = http_query(r, "all");
	int rc = load_team(r, &t);
	if (rc)
		return rc;
	if (all && strcmp(all, "0") != 0 && strcmp(all, "1") != 0) {
		field_err(&r->fields, "all", "must be 0 or 1");
		return http_fail(r, APP_E_PARAM, "malformed all");
	}
	rc = load_roster(r, &t, all && strcmp(all, "1") == 0, today_of(r), &m, &n, &s);
	if (rc)
		return http_fail_store(r, rc);
	struct jw *w = http_json(r, 200);
	jw_obj(w);
	jw_key(w, "data");
	jw_arr(w);
	for (int i = 0; i < n; i++)
		write_member(w, &m[i]);
	jw_end(w);
	jw_key(w, "warnings");
	write_warnings(w, &s);
	jw_end(w);
	return APP_OK;
}

/* ---- POST /api/v1/teams/{id}/members ---- */

static const char *const member_fields[] = {"person_id", "role", "term_from", "term_to", NULL};
static const char *const member_update_fields[] = {"role", "term_from", "term_to", NULL};

/* Checks a term: both dates real, to not before from. Records errors in fe. */
static void check_term(const char *from, const char *to, struct field_errs *fe)
{
	if (from && !team_date_valid(from))
		field_err(fe, "term_from", "must be a date YYYY-MM-DD");
	if (to && !team_date_valid(to))
		field_err(fe, "term_to", "must be a date YYYY-MM-DD");
	else if (from && to && team_date_valid(from) && strcmp(to, from) < 0)
		field_err(fe, "term_to", "must not be before term_from");
}

/* Answers a membership and the team's warnings after a change. */
static int answer_member(struct req *r, int status, const struct team_row *t, int64_t member_id)
{
	struct member_row m, *all;
	struct team_state s;
	int n;
	int rc = teams_member_get(r->db, &r->arena, t->id, member_id, &m);
	if (rc == STORE_ROW)
		rc = load_roster(r, t, false, today_of(r), &all, &n, &s);
	if (rc == STORE_DONE)
		return http_fail(r, APP_E_NOTFOUND, "no such member");
	if (rc)
		return http_fail_store(r, rc);
	struct jw *w = http_json(r, status);
	jw_obj(w);
	jw_key(w, "data");
	write_member(w, &m);
	jw_key(w, "warnings");
	write_warnings(w, &s);
	jw_end(w);
	return APP_OK;
}

static int overlap_conflict(struct req *r)
{
	return http_fail(
	    r, APP_E_CONFLICT,
	    "this person is already on the team for part of this term; end that membership first");
}

int api_team_members_add(struct req *r)
{
	json_t *body = NULL;
	struct field_errs fe = {0};
	const char *from = NULL, *to = NULL;
	int64_t person_id = 0, member_id = 0;
	int role = -1;
	struct team_row t;
	struct person_row p;
	int rc = load_team(r, &t);
	if (rc)
		return rc;
	rc = http_json_body(r, &body);
	if (rc)
		return rc;

	/* validate */
	jf_no_unknown(body, member_fields, &fe);
	jf_int(body, "person_id", JF_REQUIRED, 1, ID_MAX, &person_id, &fe);
	jf_enum(body, "role", JF_REQUIRED, team_role_names, &role, &fe);
	jf_str(body, "term_from", JF_REQUIRED, 10, &from, &fe);
	jf_str(body, "term_to", JF_OPTIONAL, 10, &to, &fe);
	check_term(from, to, &fe);
	if (fe.n) {
		rc = http_fail_fields(r, &fe);
		goto out;
	}
	/* check permission */
	if (!team_may(r, PERM_TEAMS_WRITE, &t)) {
		rc = http_fail(r, APP_E_FORBIDDEN, "your role may not change this team's members");
		goto out;
	}
	/* the person: one the caller may see, of the team's commune */
	rc = people_get(r->db, &r->arena, person_id, &p);
	if (rc < 0) {
		rc = http_fail_store(r, rc);
		goto out;
	}
	if (rc == STORE_DONE || !perm_on_unit(&r->user, PERM_PEOPLE_READ, p.unit_path)) {
		field_err(&fe, "person_id", "no such person");
		rc = http_fail_fields(r, &fe);
		goto out;
	}
	if (p.commune_id != t.commune_id) {
		field_err(&fe, "person_id", "must be a person of the team's commune");
		rc = http_fail_fields(r, &fe);
		goto out;
	}

	/* domain call */
	rc = store_begin(r->db);
	if (rc) {
		rc = http_fail_store(r, rc);
		goto out;
	}
	rc = teams_member_overlaps(r->db, t.id, person_id, 0, from, to);
	if (rc == STORE_ROW) {
		store_rollback(r->db);
		rc = overlap_conflict(r);
		goto out;
	}
	if (rc == STORE_DONE)
		rc = teams_member_insert(r->db, &t, person_id, (enum team_role)role, from, to, time_now(),
					 &member_id);
	if (rc == STORE_OK)
		rc = audit_member(r, "team_member.add", &t, member_id, person_id, (enum team_role)role, from,
				  to, NULL, 0);
	if (rc == STORE_OK)
		rc = store_commit(r->db);
	else
		store_rollback(r->db);
	if (rc == STORE_E_FK) {
		rc = http_fail(r, APP_E_CONFLICT, "the team or the person was removed meanwhile");
		goto out;
	}
	if (rc) {
		rc = http_fail_store(r, rc);
		goto out;
	}
	rc = answer_member(r, 201, &t, member_id);
out:
	json_decref(body);
	return rc;
}

/* ---- PATCH /api/v1/teams/{id}/members/{member} ---- */

/* Loads the team and its member {member} (path capture 1): 404 for either. */
static int load_member(struct req *r, struct team_row *t, struct member_row *m)
{
	int64_t member_id;
	int rc = load_team(r, t);
	if (rc)
		return rc;
	rc = http_param_id(r, 1, &member_id);
	if (rc)
		return http_fail(r, rc, "no such member");
	rc = teams_member_get(r->db, &r->arena, t->id, member_id, m);
	if (rc < 0)
		return http_fail_store(r, rc);
	if (rc == STORE_DONE)
		return http_fail(r, APP_E_NOTFOUND, "no such member");
	return APP_OK;
}

int api_team_members_update(struct req *r)
{
	json_t *body = NULL;
	struct field_errs fe = {0};
	const char *from = NULL, *to = NULL;
	int role = -1;
	struct team_row t;
	struct member_row m;
	int rc = load_member(r, &t, &m);
	if (rc)
		return rc;
	rc = http_json_body(r, &body);
	if (rc)
		return rc;

	/* validate: term_to null ends nothing, it reopens the term */
	jf_no_unknown(body, member_update_fields, &fe);
	jf_enum(body, "role", JF_OPTIONAL, team_role_names, &role, &fe);
	jf_str(body, "term_from", JF_OPTIONAL, 10, &from, &fe);
	int has_to = jf_str(body, "term_to", JF_OPTIONAL, 10, &to, &fe);
	bool clear_to = has_to == 0 && json_is_null(json_object_get(body, "term_to"));
	enum team_role new_role = role >= 0 ? (enum team_role)role : m.role;
	const char *new_from = from ? from : m.term_from;
	const char *new_to = has_to == 1 ? to : (clear_to ? NULL : m.term_to);
	if (!fe.n)
		check_term(new_from, new_to, &fe);
	if (fe.n) {
		rc = http_fail_fields(r, &fe);
		goto out;
	}
	if (!team_may(r, PERM_TEAMS_WRITE, &t)) {
		rc = http_fail(r, APP_E_FORBIDDEN, "your role may not change this team's members");
		goto out;
	}
	bool same_to = (!new_to && !m.term_to) || (new_to && m.term_to && strcmp(new_to, m.term_to) == 0);
	if (new_role == m.role && strcmp(new_from, m.term_from) == 0 && same_to) {
		rc = answer_member(r, 200, &t, m.id); /* nothing changes, nothing is written */
		goto out;
	}

	rc = store_begin(r->db);
	if (rc) {
		rc = http_fail_store(r, rc);
		goto out;
	}
	rc = teams_member_overlaps(r->db, t.id, m.person_id, m.id, new_from, new_to);
	if (rc == STORE_ROW) {
		store_rollback(r->db);
		rc = overlap_conflict(r);
		goto out;
	}
	if (rc == STORE_DONE)
		rc = teams_member_update(r->db, m.id, new_role, new_from, new_to, time_now());
	if (rc == STORE_OK)
		rc = audit_member(r, "team_member.update", &t, m.id, m.person_id, new_role, new_from, new_to,
				  &m, 0);
	if (rc == STORE_OK)
		rc = store_commit(r->db);
	else
		store_rollback(r->db);
	if (rc == STORE_DONE) {
		rc = http_fail(r, APP_E_NOTFOUND, "no such member");
		goto out;
	}
	if (rc) {
		rc = http_fail_store(r, rc);
		goto out;
	}
	rc = answer_member(r, 200, &t, m.id);
out:
	json_decref(body);
	return rc;
}

/* ---- DELETE /api/v1/teams/{id}/members/{member} ---- */

int api_team_members_remove(struct req *r)
{
	struct team_row t;
	struct member_row m, *all;
	struct team_state s;
	int n;
	int rc = load_member(r, &t, &m);
	if (rc)
		return rc;
	if (!team_may(r, PERM_TEAMS_WRITE, &t))
		return http_fail(r, APP_E_FORBIDDEN, "your role may not change this team's members");
	rc = store_begin(r->db);
	if (rc)
		return http_fail_store(r, rc);
	rc = teams_member_delete(r->db, m.id);
	if (rc == STORE_OK)
		rc = audit_member(r, "team_member.remove", &t, m.id, m.person_id, m.role, m.term_from,
				  m.term_to, NULL, 0);
	if (rc == STORE_OK)
		rc = store_commit(r->db);
	else
		store_rollback(r->db);
	if (rc == STORE_DONE)
		return http_fail(r, APP_E_NOTFOUND, "no such member");
	if (rc)
		return http_fail_store(r, rc);
	rc = load_roster(r, &t, false, today_of(r), &all, &n, &s);
	if (rc)
		return http_fail_store(r, rc);
	struct jw *w = http_json(r, 200);
	jw_obj(w);
	jw_key(w, "data");
	jw_obj(w);
	jw_key(w, "warnings");
	write_warnings(w, &s);
	jw_end(w);
	jw_end(w);
	return APP_OK;
}

/* ---- POST /api/v1/teams/{id}/members/import ---- */

#define IMPORT_MAX_ROWS 2000
#define IMPORT_MAX_ERRORS 200

enum {
	COL_NAME,
	COL_GENDER,
	COL_BDATE,
	COL_BYEAR,
	COL_PHONE,
	COL_NATID,
	COL_ROLE,
	COL_FROM,
	COL_ADDRESS, /* optional from here on */
	COL_TO,
	NCOLS
};
#define NREQUIRED COL_ADDRESS
static const char *const col_names[NCOLS] = {"full_name",   "gender", "birth_date", "birth_year", "phone",
					     "national_id", "role",   "term_from",  "address",	  "term_to"};
#define HEADER_TEXT "full_name,gender,birth_date,birth_year,phone,national_id,role,term_from"

struct import_row {
	int line;
	struct person_input in;
	enum team_role role;
	const char *from, *to;
	bool ok;
	int64_t person_id, member_id;
};

struct import_errors {
	int n, total;
	struct csvr_error err[IMPORT_MAX_ERRORS];
};

static void import_error(struct import_errors *e, int line, const char *msg)
{
	e->total++;
	if (e->n >= IMPORT_MAX_ERRORS)
		return;
	e->err[e->n++] = (struct csvr_error){.line = line, .msg = msg ? msg : "error"};
}

static const char *opt_field(const struct csvr_row *row, int i)
{
	if (i < 0)
		return NULL;
	const char *s = csvr_field(row, i);
	return *s ? s : NULL;
}

static bool read_header(struct req *r, struct import_errors *e, const struct csvr_row *h, int col[NCOLS])
{
	bool ok = true;
	for (int c = 0; c < NCOLS; c++)
		col[c] = -1;
	for (int i = 0; i < h->n; i++) {
		int known = -1;
		for (int c = 0; c < NCOLS; c++)
			if (strcasecmp(h->fields[i], col_names[c]) == 0)
				known = c;
		if (known < 0) {
			import_error(e, h->line,
				     arena_printf(&r->arena,
						  "unknown column '%.*s'; the header is " HEADER_TEXT
						  " (address and term_to may follow)",
						  csvr_quote_len(h->fields[i]), h->fields[i]));
			ok = false;
		} else if (col[known] >= 0) {
			import_error(e, h->line,
				     arena_printf(&r->arena, "column '%s' appears twice", col_names[known]));
			ok = false;
		} else {
			col[known] = i;
		}
	}
	for (int c = 0; c < NREQUIRED; c++) {
		if (col[c] < 0) {
			import_error(e, h->line,
				     arena_printf(&r->arena,
						  "missing column '%s'; the header is " HEADER_TEXT,
						  col_names[c]));
			ok = false;
		}
	}
	return ok;
}

/* The fields of one data row on their own. */
static void check_import_row(struct req *r, struct import_errors *e, const struct csvr_row *row, int ncols,
			     const int col[NCOLS], const struct team_row *t, const char *today,
			     struct import_row *out)
{
	struct field_errs fe = {0};
	int before = e->total;
	out->line = row->line;
	out->in = (struct person_input){
	    .unit_id = t->unit_id,
	    .full_name = csvr_field(row, col[COL_NAME]),
	    .gender = opt_field(row, col[COL_GENDER]),
	    .birth_date = opt_field(row, col[COL_BDATE]),
	    .phone = opt_field(row, col[COL_PHONE]),
	    .address = opt_field(row, col[COL_ADDRESS]),
	    .national_id = opt_field(row, col[COL_NATID]),
	};
	out->from = csvr_field(row, col[COL_FROM]);
	out->to = opt_field(row, col[COL_TO]);
	out->ok = false;
	if (row->n != ncols) {
		import_error(
		    e, row->line,
		    arena_printf(&r->arena, "this line has %d fields but the header has %d", row->n, ncols));
		return;
	}
	const char *by = opt_field(row, col[COL_BYEAR]);
	if (by) {
		char *end = NULL;
		long v = strlen(by) <= 4 ? strtol(by, &end, 10) : -1;
		if (v <= 0 || !end || *end)
			import_error(e, row->line,
				     arena_printf(&r->arena, "birth_year '%.*s' must be a year such as 1985",
						  csvr_quote_len(by), by));
		else
			out->in.birth_year = (int)v;
	}
	if (people_check(&r->arena, &out->in, today, &fe) > 0)
		for (int i = 0; i < fe.n; i++)
			import_error(e, row->line, arena_printf(&r->arena, "%s %s", fe.field[i], fe.msg[i]));
	const char *role = csvr_field(row, col[COL_ROLE]);
	int k = team_name_index(team_role_names, role);
	if (k < 0)
		import_error(e, row->line,
			     arena_printf(&r->arena, "role '%.*s' must be leader, deputy or member",
					  csvr_quote_len(role), role));
	out->role = k < 0 ? TEAM_ROLE_MEMBER : (enum team_role)k;
	if (!*out->from)
		import_error(e, row->line, "term_from is empty");
	else if (!team_date_valid(out->from))
		import_error(e, row->line,
			     arena_printf(&r->arena, "term_from '%.*s' must be a date YYYY-MM-DD",
					  csvr_quote_len(out->from), out->from));
	if (out->to && !team_date_valid(out->to))
		import_error(e, row->line,
			     arena_printf(&r->arena, "term_to '%.*s' must be a date YYYY-MM-DD",
					  csvr_quote_len(out->to), out->to));
	else if (out->to && team_date_valid(out->from) && strcmp(out->to, out->from) < 0)
		import_error(e, row->line, "term_to must not be before term_from");
	out->ok = e->total == before;
}

/* Puts the errors into r->fields, one entry per line ("line 3", or "file"), as many as fit. */
static void import_fields(struct req *r, struct import_errors *e)
{
	csvr_errors_sort(e->err, e->n);
	for (int i = 0; i < e->n; i++)
		if (!http_line_error(r, e->err[i].line, e->err[i].msg))
			break;
}

/* Checks the national ids against each other and the database. */
static int check_national_ids(struct req *r, struct import_errors *e, struct import_row *rows, int n)
{
	for (int i = 0; i < n; i++) {
		if (!rows[i].ok || !rows[i].in.national_id)
			continue;
		for (int j = 0; j < i; j++) {
			if (rows[j].ok && rows[j].in.national_id &&
			    strcmp(rows[j].in.national_id, rows[i].in.national_id) == 0) {
				import_error(e, rows[i].line,
					     arena_printf(&r->arena, "national_id is the same as on line %d",
							  rows[j].line));
				rows[i].ok = false;
				break;
			}
		}
		if (!rows[i].ok)
			continue;
		int rc = people_national_id_taken(r->db, rows[i].in.national_id);
		if (rc < 0)
			return rc;
		if (rc == STORE_ROW) {
			import_error(e, rows[i].line, "national_id belongs to a person already on file");
			rows[i].ok = false;
		}
	}
	return STORE_OK;
}

/* Writes the people and memberships of the file, audited, inside the caller's transaction. */
static int import_write(struct req *r, const struct team_row *t, struct import_row *rows, int n)
{
	int64_t now = time_now();
	for (int i = 0; i < n; i++) {
		struct import_row *row = &rows[i];
		struct person_row p;
		struct buf b;
		struct jw w;
		int rc = people_insert(r->db, &r->arena, &row->in, now, &p);
		if (rc)
			return rc;
		row->person_id = p.id;
		buf_init(&b, 1024);
		jw_init(&w, &b);
		jw_obj(&w);
		jw_kint(&w, "unit_id", t->unit_id);
		jw_kint(&w, "team_id", t->id);
		jw_kint(&w, "line", row->line);
		jw_kstr(&w, "via", "team_member.import");
		jw_end(&w);
		rc = api_audit(r, "person.import", "person", p.id, detail_text(r, &b));
		if (!rc)
			rc = teams_member_insert(r->db, t, p.id, row->role, row->from, row->to, now,
						 &row->member_id);
		if (!rc)
			rc = audit_member(r, "team_member.import", t, row->member_id, p.id, row->role,
					  row->from, row->to, NULL, row->line);
		if (rc)
			return rc;
	}
	return STORE_OK;
}

int api_team_members_import(struct req *r)
{
	struct team_row t;
	struct import_errors *e = arena_alloc(&r->arena, sizeof *e);
	struct csvr_table tab;
	struct csvr_limits lim = {
	    .max_field = 1024, .max_fields = NCOLS + 2, .max_rows = IMPORT_MAX_ROWS + 1};
	int col[NCOLS], err_line, n = 0;
	char err[200];
	struct import_row *rows = NULL;
	bool in_tx = false;
	const char *ct = http_req_header(r, "Content-Type");
	const char *dry = http_query(r, "dry_run");
	const char *today = today_of(r);
	int rc = load_team(r, &t);
	if (rc)
		return rc;
	if (!e)
		return APP_E_NOMEM;

	/* parse */
	if (!ct || (strncasecmp(ct, "text/csv", 8) != 0 && strncasecmp(ct, "text/plain", 10) != 0))
		return http_fail(r, APP_E_PARAM, "send the file with Content-Type text/csv");
	if (dry && strcmp(dry, "0") != 0 && strcmp(dry, "1") != 0) {
		field_err(&r->fields, "dry_run", "must be 0 or 1");
		return http_fail(r, APP_E_PARAM, "malformed dry_run");
	}
	bool dry_run = dry && strcmp(dry, "1") == 0;
	/* check permission: the team's members and the people of its unit */
	if (!team_may(r, PERM_TEAMS_WRITE, &t) || !perm_on_unit(&r->user, PERM_PEOPLE_WRITE, t.unit_path))
		return http_fail(r, APP_E_FORBIDDEN, "your role may not add people and members to this team");

	/* validate */
	if (csvr_parse(&r->arena, buf_str(&r->body), r->body.len, &lim, &tab, &err_line, err, sizeof err) !=
	    0) {
		import_error(e, err_line, arena_strdup(&r->arena, err));
	} else if (tab.nrows == 0) {
		import_error(e, 0, "the file is empty; it needs the header line " HEADER_TEXT);
	} else if (read_header(r, e, &tab.rows[0], col)) {
		n = tab.nrows - 1;
		if (n == 0)
			import_error(e, 0, "the file has no members after its header line");
		rows = arena_alloc(&r->arena, sizeof *rows * (size_t)(n ? n : 1));
		if (!rows)
			return APP_E_NOMEM;
		for (int i = 0; i < n; i++)
			check_import_row(r, e, &tab.rows[i + 1], tab.rows[0].n, col, &t, today, &rows[i]);
	}
	if (rows) {
		/* from here on the database is read: when the file is about to be written, hold the write
		 * lock so that what was checked stays true */
		if (!dry_run && !e->total) {
			rc = store_begin(r->db);
			if (rc)
				return http_fail_store(r, rc);
			in_tx = true;
		}
		rc = check_national_ids(r, e, rows, n);
		if (rc)
			goto fail;
	}
	if (e->total) {
		if (in_tx)
			store_rollback(r->db);
		import_fields(r, e);
		return http_fail_import(r, e->total);
	}

	/* domain call */
	if (!dry_run) {
		rc = import_write(r, &t, rows, n);
		if (!rc)
			rc = store_commit(r->db);
		in_tx = false;
		if (rc) {
			store_rollback(r->db);
			return rc == STORE_E_UNIQUE
				   ? http_fail(r, APP_E_CONFLICT,
					       "a national id of the file was added meanwhile; "
					       "nothing was imported")
				   : http_fail_store(r, rc);
		}
	}

	/* the warnings the team has (or would have) with these members */
	struct member_row *m;
	int nm;
	rc = teams_members(r->db, &r->arena, t.id, today, &m, &nm);
	if (rc)
		return http_fail_store(r, rc);
	int nf = nm + (dry_run ? n : 0);
	struct team_member_facts *f = arena_alloc(&r->arena, sizeof *f * (size_t)(nf ? nf : 1));
	if (!f)
		return APP_E_NOMEM;
	for (int i = 0; i < nm; i++)
		f[i] = teams_member_facts(&m[i]);
	for (int i = 0; dry_run && i < n; i++)
		f[nm + i] = (struct team_member_facts){
		    .role = rows[i].role,
		    .gender = team_gender_parse(rows[i].in.gender),
		    .birth_date = rows[i].in.birth_date,
		    .birth_year = rows[i].in.birth_year,
		    .term_from = rows[i].from,
		    .term_to = rows[i].to,
		};
	struct team_state s;
	state_of(t.kind, f, nf, today, &s);

	struct jw *w = http_json(r, dry_run ? 200 : 201);
	jw_obj(w);
	jw_key(w, "data");
	jw_obj(w);
	jw_kbool(w, "dry_run", dry_run);
	jw_kint(w, "count", n);
	jw_key(w, "rows");
	jw_arr(w);
	for (int i = 0; i < n; i++) {
		int age;
		jw_obj(w);
		jw_kint(w, "line", rows[i].line);
		jw_kstr(w, "full_name", rows[i].in.full_name);
		jw_kstr(w, "role", team_role_names[rows[i].role]);
		jw_kstr(w, "term_from", rows[i].from);
		jw_kstr(w, "term_to", rows[i].to);
		if (team_age_at(rows[i].in.birth_date, rows[i].in.birth_year, rows[i].from, &age) == 0)
			jw_kint(w, "age_at_appointment", age);
		else
			jw_knull(w, "age_at_appointment");
		if (dry_run) {
			jw_knull(w, "person_id");
			jw_knull(w, "member_id");
		} else {
			jw_kint(w, "person_id", rows[i].person_id);
			jw_kint(w, "member_id", rows[i].member_id);
		}
		jw_end(w);
	}
	jw_end(w);
	jw_key(w, "warnings");
	write_warnings(w, &s);
	jw_end(w);
	jw_end(w);
	return APP_OK;
fail:
	if (in_tx)
		store_rollback(r->db);
	return http_fail_store(r, rc);
}

/* ---- GET /api/v1/teams/summary ---- */

int api_teams_summary(struct req *r)
{
	struct unit_row unit;
	struct team_block_row *b;
	struct team_fact_row *facts;
	int nb, nf;
	int rc = unit_arg(r, true, &unit);
	if (rc)
		return rc;
	const char *today = today_of(r);
	rc = teams_summary(r->db, &r->arena, unit.path, today, &b, &nb, &facts, &nf);
	if (rc)
		return http_fail_store(r, rc);

	struct team_state *s = arena_alloc(&r->arena, sizeof *s * (size_t)(nb ? nb : 1));
	if (!s)
		return APP_E_NOMEM;
	int kind_teams[TEAM_KIND_COUNT] = {0}, kind_members[TEAM_KIND_COUNT] = {0}, breaking = 0;
	for (int i = 0; i < nb; i++) {
		if (!b[i].team_id)
			continue;
		if (state_from_facts(&r->arena, facts, nf, b[i].team_id, b[i].kind, today, &s[i]))
			return APP_E_NOMEM;
		kind_teams[b[i].kind]++;
		kind_members[b[i].kind] += s[i].members;
		breaking += s[i].nw > 0;
	}

	struct jw *w = http_json(r, 200);
	jw_obj(w);
	jw_key(w, "data");
	jw_obj(w);
	jw_key(w, "by_kind");
	jw_arr(w);
	for (int k = 0; k < TEAM_KIND_COUNT; k++) {
		jw_obj(w);
		jw_kstr(w, "kind", team_kind_names[k]);
		jw_kint(w, "teams", kind_teams[k]);
		jw_kint(w, "members", kind_members[k]);
		jw_end(w);
	}
	jw_end(w);
	jw_key(w, "by_block");
	jw_arr(w);
	for (int i = 0; i < nb; i++) {
		if (i == 0 || b[i].block_id != b[i - 1].block_id) {
			if (i > 0) {
				jw_end(w); /* teams */
				jw_end(w); /* block */
			}
			jw_obj(w);
			jw_kint(w, "unit_id", b[i].block_id);
			jw_kstr(w, "unit_name", b[i].block_name);
			jw_key(w, "teams");
			jw_arr(w);
		}
		if (!b[i].team_id)
			continue;
		jw_obj(w);
		jw_kint(w, "id", b[i].team_id);
		jw_kstr(w, "name", b[i].team_name);
		jw_kstr(w, "kind", team_kind_names[b[i].kind]);
		jw_kint(w, "member_count", s[i].members);
		jw_key(w, "warnings");
		write_warnings(w, &s[i]);
		jw_end(w);
	}
	if (nb > 0) {
		jw_end(w);
		jw_end(w);
	}
	jw_end(w);
	jw_kint(w, "breaking", breaking);
	jw_end(w);
	jw_end(w);
	return APP_OK;
}
