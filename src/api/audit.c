/*
 * audit.c: GET /api/v1/audit?entity=NAME&entity_id=ID — the history tab of
 * a record: the audit entries about it, oldest first, a page at a time (keyset on seq). The router has
 * already checked that the caller holds audit.read somewhere; this file checks it where the record lives:
 *   - a unit: audit.read on that unit's path (so on it or an ancestor);
 *   - a user: audit.read on a unit where that user holds a grant;
 *   - a person or an organisation: audit.read on its unit (once deleted, the unit its last entry names);
 *   - a team or a team member: audit.read on the team's unit (likewise);
 *   - a tip or a case: audit.read on its unit;
 *   - the movement's and the alarm's records (patrol, violation, swap, alarm, enrolment, warning,
 *     mediation_case, outreach_session, model, exemplar): audit.read on the unit_id their newest entry
 *     names (history_kinds below lists them all).
 * A deleted unit's history stays readable where the unit was (audit.read on its parent's subtree,
 * found through the parent_id its entries record); an installation admin sees every history. A
 * record the caller may not see answers 404, the same as one that does not exist. Not for verifying
 * the chain (tiengmo audit verify) or for writing entries (store/audit.c, inside each change's
 * transaction).
 */
#include <inttypes.h>
#include <string.h>

#include "api/api.h"
#include "store/audit.h"
#include "store/cases.h"
#include "store/organisations.h"
#include "store/people.h"
#include "store/teams.h"
#include "store/tips.h"
#include "store/users.h"

/* The records that have a history here, and where the right to read it is checked. */
enum history_where {
	ON_ITSELF,   /* a unit: audit.read on it (or, once deleted, where it was) */
	ON_USER,     /* a user: audit.read where the user holds a grant */
	ON_ITS_UNIT, /* anything else: audit.read on the record's unit (record_unit), or on the unit_id
		      * its newest entry names — every such record's audit detail carries its unit_id */
};
static const struct history_kind {
	const char *entity;
	enum history_where where;
} history_kinds[] = {
    {"unit", ON_ITSELF},
    {"user", ON_USER},
    {"person", ON_ITS_UNIT},
    {"organisation", ON_ITS_UNIT},
    {"team", ON_ITS_UNIT},
    {"team_member", ON_ITS_UNIT},
    {"tip", ON_ITS_UNIT},
    {"case", ON_ITS_UNIT},
    {"patrol", ON_ITS_UNIT},
    {"violation", ON_ITS_UNIT},
    {"swap", ON_ITS_UNIT},
    {"alarm", ON_ITS_UNIT},
    {"enrolment", ON_ITS_UNIT},
    {"warning", ON_ITS_UNIT},
    {"mediation_case", ON_ITS_UNIT},
    {"outreach_session", ON_ITS_UNIT},
    {"model", ON_ITS_UNIT},
    {"exemplar", ON_ITS_UNIT},
};
#define NHISTORY_KINDS ((int)(sizeof history_kinds / sizeof history_kinds[0]))

static const struct history_kind *history_kind_of(const char *entity)
{
	for (int i = 0; i < NHISTORY_KINDS; i++)
		if (strcmp(history_kinds[i].entity, entity) == 0)
			return &history_kinds[i];
	return NULL;
}

/* "must be one of 'unit', 'user', …" (arena). */
static const char *history_entities_msg(struct req *r)
{
	const char *msg = "must be one of";
	for (int i = 0; i < NHISTORY_KINDS && msg; i++)
		msg = arena_printf(&r->arena, "%s%s '%s'", msg, i ? "," : "", history_kinds[i].entity);
	return msg ? msg : "is not a record with a history";
}

/* Is the caller an installation admin for audit (a grant with no unit that carries audit.read)? */
static bool sees_everything(const struct req *r)
{
	return perm_on_unit(&r->user, PERM_AUDIT_READ, NULL);
}

/* May the caller read the history of unit `id`? Sets *ok. Returns STORE_OK or an error. */
static int may_see_unit(struct req *r, int64_t id, const char *id_text, bool *ok)
{
	const char *path = NULL;
	*ok = false;
	int rc = audit_unit_path(r->db, &r->arena, id, &path);
	if (rc < 0)
		return rc;
	if (rc == STORE_ROW) {
		*ok = perm_on_unit(&r->user, PERM_AUDIT_READ, path);
		return STORE_OK;
	}
	/* the unit is gone: its history stays readable where the unit was, that is to whoever holds
	 * audit.read on the path it had (its parent's path + its id; its entries name the parent) */
	if (sees_everything(r)) {
		rc = audit_exists(r->db, "unit", id_text);
		if (rc < 0)
			return rc;
		*ok = rc == STORE_ROW;
		return STORE_OK;
	}
	const char *detail = NULL;
	rc = audit_last_detail(r->db, &r->arena, "unit", id_text, &detail);
	if (rc < 0)
		return rc;
	if (rc == STORE_DONE)
		return STORE_OK;
	json_t *d = json_loads(detail, 0, NULL);
	json_t *parent = d ? json_object_get(d, "parent_id") : NULL;
	int64_t parent_id = json_is_integer(parent) ? (int64_t)json_integer_value(parent) : 0;
	json_decref(d);
	if (parent_id <= 0)
		return STORE_OK; /* a province: only an installation admin */
	rc = audit_unit_path(r->db, &r->arena, parent_id, &path);
	if (rc < 0)
		return rc;
	if (rc == STORE_ROW) {
		const char *was = arena_printf(&r->arena, "%s%" PRId64 "/", path, id);
		if (!was)
			return STORE_E_NOMEM;
		*ok = perm_on_unit(&r->user, PERM_AUDIT_READ, was);
	}
	return STORE_OK;
}

/* May the caller read the history of user `id`? Sets *ok. Returns STORE_OK or an error. */
static int may_see_user(struct req *r, int64_t id, bool *ok)
{
	struct user_row u;
	struct grant *g = NULL;
	int n = 0;
	*ok = false;
	int rc = users_get(r->db, &r->arena, id, &u);
	if (rc < 0)
		return rc;
	if (rc == STORE_DONE)
		return STORE_OK;
	if (sees_everything(r)) {
		*ok = true;
		return STORE_OK;
	}
	rc = users_grants(r->db, &r->arena, id, &g, &n);
	if (rc < 0)
		return rc;
	for (int i = 0; i < n && !*ok; i++)
		if (g[i].unit_path && perm_on_unit(&r->user, PERM_AUDIT_READ, g[i].unit_path))
			*ok = true;
	return STORE_OK;
}

/* The unit of a record that lives on one (person, organisation): STORE_ROW and *unit_id, STORE_DONE
 * when the record is gone, or an error. */
static int record_unit(struct req *r, const char *entity, int64_t id, int64_t *unit_id)
{
	int rc = STORE_DONE;
	if (strcmp(entity, "person") == 0) {
		struct person_row p;
		rc = people_get(r->db, &r->arena, id, &p);
		*unit_id = rc == STORE_ROW ? p.unit_id : 0;
	} else if (strcmp(entity, "organisation") == 0) {
		struct org_row o;
		rc = orgs_get(r->db, &r->arena, id, &o);
		*unit_id = rc == STORE_ROW ? o.unit_id : 0;
	} else if (strcmp(entity, "team") == 0 || strcmp(entity, "team_member") == 0) {
		struct team_row t;
		int64_t team_id = id;
		rc = strcmp(entity, "team") == 0 ? STORE_ROW : teams_member_team(r->db, id, &team_id);
		if (rc == STORE_ROW)
			rc = teams_get(r->db, &r->arena, team_id, &t);
		*unit_id = rc == STORE_ROW ? t.unit_id : 0;
	} else if (strcmp(entity, "tip") == 0) {
		struct tip_row t;
		rc = tips_get(r->db, &r->arena, id, &t);
		*unit_id = rc == STORE_ROW ? t.unit_id : 0;
	} else if (strcmp(entity, "case") == 0) {
		struct case_row c;
		rc = cases_get(r->db, &r->arena, id, &c);
		*unit_id = rc == STORE_ROW ? c.unit_id : 0;
	}
	return rc;
}

/* May the caller read the history of a record on a unit? audit.read on its unit; once the record is
 * gone, on the unit its newest entry names ("unit_id" in the detail). Sets *ok. */
static int may_see_on_unit(struct req *r, const char *entity, int64_t id, const char *id_text, bool *ok)
{
	int64_t unit_id = 0;
	const char *path = NULL;
	*ok = false;
	int rc = record_unit(r, entity, id, &unit_id);
	if (rc < 0)
		return rc;
	if (rc == STORE_DONE) {
		const char *detail = NULL;
		rc = audit_last_detail(r->db, &r->arena, entity, id_text, &detail);
		if (rc < 0)
			return rc;
		if (rc == STORE_DONE)
			return STORE_OK;
		if (sees_everything(r)) {
			*ok = true;
			return STORE_OK;
		}
		json_t *d = json_loads(detail, 0, NULL);
		json_t *u = d ? json_object_get(d, "unit_id") : NULL;
		unit_id = json_is_integer(u) ? (int64_t)json_integer_value(u) : 0;
		json_decref(d);
		if (unit_id <= 0)
			return STORE_OK;
	}
	rc = audit_unit_path(r->db, &r->arena, unit_id, &path);
	if (rc < 0)
		return rc;
	*ok = rc == STORE_ROW ? perm_on_unit(&r->user, PERM_AUDIT_READ, path) : sees_everything(r);
	return STORE_OK;
}

/* Writes the stored detail: it is a JSON object as text; anything else (an entry written by hand,
 * or damaged) is shown as {"unparsed": "<text>"} rather than breaking the response. */
static void write_detail(struct jw *w, const char *detail)
{
	json_error_t e;
	json_t *v = json_loads(detail, JSON_REJECT_DUPLICATES, &e);
	if (v && json_is_object(v)) {
		jw_raw(w, detail);
	} else {
		jw_obj(w);
		jw_kstr(w, "unparsed", detail);
		jw_end(w);
	}
	json_decref(v);
}

int api_audit_list(struct req *r)
{
	/* parse */
	const char *entity = http_query(r, "entity");
	const char *id_text = http_query(r, "entity_id");
	int64_t cursor = 0, id = 0;
	int limit = 50;
	int err = http_page_args(r, &cursor, &limit);
	if (err)
		return err;

	/* validate */
	const struct history_kind *kind = entity ? history_kind_of(entity) : NULL;
	if (!kind)
		field_err(&r->fields, "entity", history_entities_msg(r));
	if (!id_text || http_parse_id(id_text, &id) != 0)
		field_err(&r->fields, "entity_id", "must be the record's id, a positive whole number");
	if (r->fields.n)
		return http_fail(r, APP_E_PARAM, "say whose history: ?entity=NAME&entity_id=ID");
	bool is_unit = kind && kind->where == ON_ITSELF;
	bool on_unit = kind && kind->where == ON_ITS_UNIT;
	id_text = arena_printf(&r->arena, "%" PRId64, id); /* as entries store it: "7", never "007" */
	if (!id_text)
		return APP_E_NOMEM;

	/* check permission on the record itself */
	bool ok = false;
	int rc = on_unit   ? may_see_on_unit(r, entity, id, id_text, &ok)
		 : is_unit ? may_see_unit(r, id, id_text, &ok)
			   : may_see_user(r, id, &ok);
	if (rc < 0)
		return http_fail_store(r, rc);
	if (!ok)
		return http_fail(r, APP_E_NOTFOUND,
				 on_unit ? arena_printf(&r->arena, "no such %s", entity)
					 : (is_unit ? "no such unit" : "no such user"));

	/* domain call: one row more than the page tells whether another page follows */
	struct audit_row *rows = arena_alloc(&r->arena, sizeof *rows * (size_t)(limit + 1));
	int n = 0;
	if (!rows)
		return APP_E_NOMEM;
	rc = audit_list(r->db, &r->arena, entity, id_text, cursor, limit + 1, rows, &n);
	if (rc < 0)
		return http_fail_store(r, rc);
	bool more = n > limit;
	if (more)
		n = limit;

	/* write JSON */
	struct jw *w = http_json(r, 200);
	jw_obj(w);
	jw_key(w, "data");
	jw_arr(w);
	for (int i = 0; i < n; i++) {
		jw_obj(w);
		jw_kint(w, "seq", rows[i].seq);
		jw_ktime(w, "at", rows[i].at);
		jw_kstr(w, "actor", rows[i].actor);
		jw_kstr(w, "action", rows[i].action);
		jw_kstr(w, "entity", rows[i].entity);
		jw_kstr(w, "entity_id", rows[i].entity_id);
		jw_key(w, "detail");
		write_detail(w, rows[i].detail);
		jw_end(w);
	}
	jw_end(w);
	http_next_cursor(w, more ? rows[n - 1].seq : 0);
	jw_end(w);
	return APP_OK;
}
