/*
 * users.c: the /api/v1/users endpoints — accounts, their grants, password resets, disabling — and the
 * User object that session.c shares (api_user_json).
 *
 * Scope: a caller sees a user when one of the user's grants lies on a unit the caller may read users
 * on (perm_on_unit with PERM_USERS_READ); an installation admin sees everyone. A caller changes a user
 * only when every grant the user holds is one the caller could have given (perm_may_grant), so a
 * commune admin never disables, renames or resets someone whose power reaches beyond that commune.
 * Invisible users answer 404; visible ones the caller may not change answer 403. Every write is
 * audited in its own transaction. Not for one's own password or TOTP (session.c).
 *
 * Team grants: team_leader, member and viewer may be given on one team instead of a unit (the roles
 * that make sense for the people of a team: the leader keeps its roster, members and viewers read
 * it); admin, officer and coordinator act on units and are refused on a team (422). A team grant is
 * stored with the team's unit in unit_id as well as team_id, so the scope rules above treat it as a
 * grant on that block or group (who sees the user, who may change or revoke it: perm_may_grant on the
 * team's unit), while perm.c gives it power over the team alone, never the unit.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "lib/crypto.h"
#include "lib/timeutil.h"
#include "store/organisations.h"
#include "store/people.h"
#include "store/teams.h"
#include "store/users.h"

#define MAX_SCOPE_ROOTS 16

/* Roles that may be given on a team rather than a unit (see the top of this file). */
static bool role_fits_team(enum role role)
{
	return role == ROLE_TEAM_LEADER || role == ROLE_MEMBER || role == ROLE_VIEWER;
}

/* The names of the teams of team grants, index by index (NULL for a unit grant), in an arena array.
 * APP_OK, or an app error for a database failure. */
static int team_names(struct req *r, const struct grant_row *g, int n, const char ***out)
{
	const char **names = arena_alloc(&r->arena, sizeof *names * (size_t)(n > 0 ? n : 1));
	if (!names)
		return APP_E_NOMEM;
	for (int i = 0; i < n; i++) {
		struct team_row t;
		names[i] = NULL;
		if (!g[i].team_id)
			continue;
		int rc = teams_get(r->db, &r->arena, g[i].team_id, &t);
		if (rc < 0)
			return APP_E_DB;
		if (rc == STORE_ROW)
			names[i] = t.name;
	}
	*out = names;
	return APP_OK;
}

static void write_grant(struct jw *w, const struct grant_row *g, const char *team_name)
{
	jw_obj(w);
	jw_kint(w, "id", g->id);
	jw_kstr(w, "role", perm_role_names[g->role]);
	if (g->unit_id)
		jw_kint(w, "unit_id", g->unit_id);
	else
		jw_knull(w, "unit_id");
	jw_kstr(w, "unit_name", g->unit_id ? g->unit_name : NULL);
	if (g->team_id)
		jw_kint(w, "team_id", g->team_id);
	else
		jw_knull(w, "team_id");
	jw_kstr(w, "team_name", g->team_id ? team_name : NULL);
	jw_end(w);
}

/* The names of the person and organisation an account is linked to, each only when the caller may read
 * it (NULL otherwise, and when there is no link). APP_OK, or an app error for a database failure. */
struct link_names {
	const char *person;
	const char *organisation;
};

static int link_names(struct req *r, const struct user_row *u, struct link_names *out)
{
	/* one's own links are always named (at login the caller's grants are not loaded yet) */
	bool self = r->user.user_id == 0 || r->user.user_id == u->id;
	out->person = out->organisation = NULL;
	if (u->person_id) {
		struct person_row p;
		int rc = people_get(r->db, &r->arena, u->person_id, &p);
		if (rc < 0)
			return APP_E_DB;
		if (rc == STORE_ROW && (self || perm_on_unit(&r->user, PERM_PEOPLE_READ, p.unit_path)))
			out->person = p.full_name;
	}
	if (u->organisation_id) {
		struct org_row o;
		int rc = orgs_get(r->db, &r->arena, u->organisation_id, &o);
		if (rc < 0)
			return APP_E_DB;
		if (rc == STORE_ROW && (self || perm_on_unit(&r->user, PERM_ORGS_READ, o.unit_path)))
			out->organisation = o.name;
	}
	return APP_OK;
}

static void write_link(struct jw *w, const char *id_key, int64_t id, const char *name_key, const char *name)
{
	if (id)
		jw_kint(w, id_key, id);
	else
		jw_knull(w, id_key);
	jw_kstr(w, name_key, id ? name : NULL);
}

static void write_user(struct jw *w, const struct user_row *u, const struct link_names *ln,
		       const struct grant_row *g, const char **teams, int n)
{
	jw_obj(w);
	jw_kint(w, "id", u->id);
	jw_kstr(w, "username", u->username);
	jw_kstr(w, "display_name", u->display_name ? u->display_name : "");
	jw_kbool(w, "disabled", u->disabled);
	jw_kbool(w, "totp_enabled", u->totp_enabled);
	jw_ktime(w, "created_at", u->created_at);
	write_link(w, "person_id", u->person_id, "person_name", ln->person);
	write_link(w, "organisation_id", u->organisation_id, "organisation_name", ln->organisation);
	jw_key(w, "grants");
	jw_arr(w);
	for (int i = 0; i < n; i++)
		write_grant(w, &g[i], teams[i]);
	jw_end(w);
	jw_end(w);
}

int api_user_json(struct req *r, struct jw *w, const struct user_row *u)
{
	struct grant_row *g = NULL;
	const char **teams = NULL;
	int n = 0;
	if (users_grant_rows(r->db, &r->arena, u->id, &g, &n) != STORE_OK)
		return APP_E_DB;
	struct link_names ln;
	int rc = team_names(r, g, n, &teams);
	if (!rc)
		rc = link_names(r, u, &ln);
	if (rc)
		return rc;
	write_user(w, u, &ln, g, teams, n);
	return APP_OK;
}

/* Reads the optional display_name field: at most 200 characters (Vietnamese letters take 2-3 bytes). */
static int read_display_name(json_t *body, const char **out, struct field_errs *fe)
{
	int rc = jf_str(body, "display_name", JF_OPTIONAL, 200 * 4, out, fe);
	if (rc <= 0)
		return rc;
	size_t chars = 0;
	for (const unsigned char *p = (const unsigned char *)*out; *p; p++)
		if ((*p & 0xC0) != 0x80)
			chars++;
	if (chars > 200) {
		field_err(fe, "display_name", "must be at most 200 characters long");
		return -1;
	}
	return 1;
}

/* May the caller see a user holding these grants? */
static bool may_see(const struct principal *p, const struct grant_row *g, int n)
{
	if (perm_on_unit(p, PERM_USERS_READ, NULL))
		return true; /* an installation-wide grant sees every user, even one without grants */
	for (int i = 0; i < n; i++)
		if (g[i].unit_path && perm_on_unit(p, PERM_USERS_READ, g[i].unit_path))
			return true;
	return false;
}

/* May the caller change a user holding these grants? Only when the caller could have given each. */
static bool may_change(const struct principal *p, const struct grant_row *g, int n)
{
	if (n == 0)
		return perm_on_unit(p, PERM_USERS_WRITE, NULL);
	for (int i = 0; i < n; i++)
		if (!perm_may_grant(p, g[i].role, g[i].unit_path))
			return false;
	return true;
}

struct target {
	struct user_row u;
	struct grant_row *g;
	const char **teams; /* team_names of g */
	int n;
	struct link_names ln;
};

/* Loads the user of path capture 0 when the caller may see them: APP_OK, 404, or a database error. */
static int load_target(struct req *r, struct target *t)
{
	int64_t id;
	int rc = http_param_id(r, 0, &id);
	if (rc)
		return http_fail(r, rc, "no such user");
	rc = users_get(r->db, &r->arena, id, &t->u);
	if (rc == STORE_DONE)
		return http_fail(r, APP_E_NOTFOUND, "no such user");
	if (rc != STORE_ROW || users_grant_rows(r->db, &r->arena, id, &t->g, &t->n) != STORE_OK)
		return APP_E_DB;
	if (!may_see(&r->user, t->g, t->n))
		return http_fail(r, APP_E_NOTFOUND, "no such user");
	rc = team_names(r, t->g, t->n, &t->teams);
	return rc ? rc : link_names(r, &t->u, &t->ln);
}

/* Commits when rc is APP_OK, else rolls back; returns the final app_err. */
static int finish_tx(struct req *r, int rc)
{
	if (rc == APP_OK && store_commit(r->db) == STORE_OK)
		return APP_OK;
	store_rollback(r->db);
	return rc == APP_OK ? APP_E_DB : rc;
}

/* The audit entry of the caller's change to account user_id: APP_OK or APP_E_DB. */
static int audit(struct req *r, int64_t user_id, const char *action, const char *detail)
{
	return api_audit(r, action, "user", user_id, detail) == STORE_OK ? APP_OK : APP_E_DB;
}

/* The audit detail of a grant: {"grant_id":…,"role":…,"unit_id":…|null}, with "team_id":… after
 * unit_id for a team grant. Arena string or NULL. */
static const char *grant_detail(struct req *r, int64_t grant_id, enum role role, int64_t unit_id,
				int64_t team_id)
{
	if (team_id)
		return arena_printf(&r->arena,
				    "{\"grant_id\":%" PRId64 ",\"role\":\"%s\",\"unit_id\":%" PRId64
				    ",\"team_id\":%" PRId64 "}",
				    grant_id, perm_role_names[role], unit_id, team_id);
	if (unit_id)
		return arena_printf(&r->arena,
				    "{\"grant_id\":%" PRId64 ",\"role\":\"%s\",\"unit_id\":%" PRId64 "}",
				    grant_id, perm_role_names[role], unit_id);
	return arena_printf(&r->arena, "{\"grant_id\":%" PRId64 ",\"role\":\"%s\",\"unit_id\":null}",
			    grant_id, perm_role_names[role]);
}

/*
 * Validates a role on a unit (0: the installation) that the caller wants to give. Unknown units and
 * units the caller cannot see are one answer (422, "no such unit"); a role or unit beyond the caller
 * is 403. *path gets the unit's path (NULL for the installation).
 */
static int check_grantable(struct req *r, enum role role, int64_t unit_id, const char **path)
{
	struct field_errs fe = {0};
	*path = NULL;
	if (!unit_id && role != ROLE_ADMIN) {
		field_err(&fe, "unit_id",
			  "is required for this role (only an admin may hold the whole installation)");
		return http_fail_fields(r, &fe);
	}
	if (unit_id) {
		int rc = users_unit_by_id(r->db, &r->arena, unit_id, path, NULL);
		if (rc < 0)
			return APP_E_DB;
		if (rc == STORE_DONE || !perm_on_unit(&r->user, PERM_UNITS_READ, *path)) {
			field_err(&fe, "unit_id", "no such unit");
			return http_fail_fields(r, &fe);
		}
	}
	if (!perm_may_grant(&r->user, role, *path))
		return http_fail(r, APP_E_FORBIDDEN,
				 unit_id ? "you may not give this role on this unit"
					 : "only an installation admin may give installation-wide roles");
	return APP_OK;
}

/*
 * Validates a role on a team that the caller wants to give: only team_leader, member and viewer (422
 * on role); unknown teams and teams the caller cannot see are one answer (422, "no such team"); a role
 * the caller may not give on the team's unit is 403. *team gets the team (arena strings).
 */
static int check_team_grantable(struct req *r, enum role role, int64_t team_id, struct team_row *team)
{
	struct field_errs fe = {0};
	if (!role_fits_team(role)) {
		field_err(&fe, "role",
			  "cannot be given on a team; give 'admin', 'officer' or 'coordinator' on a unit");
		return http_fail_fields(r, &fe);
	}
	int rc = teams_get(r->db, &r->arena, team_id, team);
	if (rc < 0)
		return APP_E_DB;
	if (rc == STORE_DONE || !perm_on_unit(&r->user, PERM_TEAMS_READ, team->unit_path)) {
		field_err(&fe, "team_id", "no such team");
		return http_fail_fields(r, &fe);
	}
	if (!perm_may_grant(&r->user, role, team->unit_path))
		return http_fail(r, APP_E_FORBIDDEN, "you may not give this role on this team");
	return APP_OK;
}

int api_users_list(struct req *r)
{
	int64_t cursor = 0;
	int limit = 50;
	int rc = http_page_args(r, &cursor, &limit);
	if (rc)
		return rc;

	/* the caller's scope: the roots of the subtrees where they may read users */
	const char *roots[MAX_SCOPE_ROOTS];
	int nroots = 0;
	bool all = false;
	for (int i = 0; i < r->user.ngrants; i++) {
		const struct grant *g = &r->user.grants[i];
		if (!perm_role_has(g->role, PERM_USERS_READ) || g->team_id)
			continue;
		if (!g->unit_path) {
			all = true;
			break;
		}
		bool covered = false;
		for (int k = 0; k < r->user.ngrants; k++) {
			const struct grant *o = &r->user.grants[k];
			if (k != i && o->unit_path && !o->team_id &&
			    perm_role_has(o->role, PERM_USERS_READ) &&
			    perm_path_within(g->unit_path, o->unit_path) &&
			    (strcmp(g->unit_path, o->unit_path) != 0 || k < i))
				covered = true;
		}
		if (!covered && nroots < MAX_SCOPE_ROOTS)
			roots[nroots++] = g->unit_path;
	}

	/* keyset on id: limit + 1 ids from each root, merged without duplicates */
	int64_t *ids = arena_alloc(&r->arena, sizeof *ids * (size_t)(limit + 1));
	int64_t *part = arena_alloc(&r->arena, sizeof *part * (size_t)(limit + 1));
	int64_t *merged = arena_alloc(&r->arena, sizeof *merged * (size_t)(2 * (limit + 1)));
	if (!ids || !part || !merged)
		return APP_E_NOMEM;
	int n = 0;
	if (all) {
		if (users_ids_all(r->db, cursor, limit + 1, ids, &n) != STORE_OK)
			return APP_E_DB;
	} else {
		for (int i = 0; i < nroots; i++) {
			int np = 0, a = 0, b = 0, m = 0;
			if (users_ids_in_scope(r->db, roots[i], cursor, limit + 1, part, &np) != STORE_OK)
				return APP_E_DB;
			while ((a < n || b < np) && m < limit + 1) {
				int64_t v;
				if (b >= np || (a < n && ids[a] < part[b]))
					v = ids[a++];
				else if (a >= n || part[b] < ids[a])
					v = part[b++];
				else {
					v = ids[a++];
					b++;
				}
				merged[m++] = v;
			}
			memcpy(ids, merged, sizeof *ids * (size_t)m);
			n = m;
		}
	}
	bool more = n > limit;
	if (more)
		n = limit;

	struct jw *w = http_json(r, 200);
	jw_obj(w);
	jw_key(w, "data");
	jw_arr(w);
	for (int i = 0; i < n; i++) {
		struct user_row u;
		int found = users_get(r->db, &r->arena, ids[i], &u);
		if (found == STORE_DONE)
			continue;
		if (found != STORE_ROW || (rc = api_user_json(r, w, &u)) != APP_OK)
			return APP_E_DB;
	}
	jw_end(w);
	http_next_cursor(w, more ? ids[n - 1] : 0);
	jw_end(w);
	return APP_OK;
}

int api_users_create(struct req *r)
{
	static const char *const known[] = {"username", "display_name", "password", "role", "unit_id", NULL};
	json_t *body = NULL;
	struct field_errs fe = {0};
	const char *username = NULL, *display = NULL, *password = NULL, *why, *path = NULL;
	int role = -1;
	int64_t unit_id = 0, uid = 0, gid = 0;
	char hash[160];
	int rc = http_json_body(r, &body);
	if (rc)
		return rc;
	if (jf_str(body, "username", JF_REQUIRED, 64, &username, &fe) > 0 &&
	    (why = users_username_problem(username)))
		field_err(&fe, "username", why);
	read_display_name(body, &display, &fe);
	if (jf_str(body, "password", JF_REQUIRED, 256 * 4, &password, &fe) > 0 &&
	    (why = users_password_problem(password)))
		field_err(&fe, "password", why);
	jf_enum(body, "role", JF_REQUIRED, perm_role_names, &role, &fe);
	jf_int(body, "unit_id", JF_OPTIONAL, 1, INT64_MAX, &unit_id, &fe);
	jf_no_unknown(body, known, &fe);
	if (fe.n) {
		rc = http_fail_fields(r, &fe);
		goto out;
	}
	if ((rc = check_grantable(r, (enum role)role, unit_id, &path)) != APP_OK)
		goto out;
	if (crypto_password_hash(password, hash, sizeof hash) != 0) {
		rc = APP_E_NOMEM;
		goto out;
	}
	if (store_begin(r->db) != STORE_OK) {
		rc = APP_E_DB;
		goto out;
	}
	int64_t now = time_now();
	int src = users_insert(r->db, username, display ? display : "", hash, now, &uid);
	if (src == STORE_E_UNIQUE) {
		store_rollback(r->db);
		field_err(&fe, "username", "is taken");
		r->err_msg = arena_printf(&r->arena, "username '%s' is taken", username);
		r->fields = fe;
		rc = APP_E_CONFLICT;
		goto out;
	}
	rc = APP_E_DB;
	if (src == STORE_OK &&
	    grants_insert(r->db, uid, (enum role)role, unit_id, 0, now, &gid) == STORE_OK) {
		const char *detail =
		    unit_id
			? arena_printf(&r->arena,
				       "{\"username\":\"%s\",\"role\":\"%s\",\"unit_id\":%" PRId64 "}",
				       username, perm_role_names[role], unit_id)
			: arena_printf(&r->arena, "{\"username\":\"%s\",\"role\":\"%s\",\"unit_id\":null}",
				       username, perm_role_names[role]);
		rc = detail ? audit(r, uid, "user.create", detail) : APP_E_NOMEM;
	}
	if ((rc = finish_tx(r, rc)) != APP_OK)
		goto out;
	struct user_row u;
	if (users_get(r->db, &r->arena, uid, &u) != STORE_ROW) {
		rc = APP_E_DB;
		goto out;
	}
	struct jw *w = http_json(r, 201);
	jw_obj(w);
	jw_key(w, "data");
	rc = api_user_json(r, w, &u);
	jw_end(w);
out:
	json_decref(body);
	return rc;
}

int api_users_get(struct req *r)
{
	struct target t;
	int rc = load_target(r, &t);
	if (rc)
		return rc;
	struct jw *w = http_json(r, 200);
	jw_obj(w);
	jw_key(w, "data");
	write_user(w, &t.u, &t.ln, t.g, t.teams, t.n);
	jw_end(w);
	return APP_OK;
}

/* Reads a link field of PATCH: absent (*out -1), null (0, unlink) or a positive id. */
static void read_link(json_t *body, const char *key, int64_t *out, struct field_errs *fe)
{
	json_t *v = json_object_get(body, key);
	*out = -1;
	if (!v)
		return;
	if (json_is_null(v)) {
		*out = 0;
		return;
	}
	if (jf_int(body, key, JF_OPTIONAL, 1, INT64_MAX, out, fe) <= 0)
		*out = -1;
}

/* Checks that the person and organisation to link exist and that the caller sees them (422 on the field
 * otherwise, the same answer for both). Sets *pname / *oname to their names. */
static int check_links(struct req *r, int64_t person_id, int64_t org_id, struct link_names *ln)
{
	struct field_errs fe = {0};
	if (person_id > 0) {
		struct person_row p;
		int rc = people_get(r->db, &r->arena, person_id, &p);
		if (rc < 0)
			return http_fail_store(r, rc);
		if (rc == STORE_DONE || !perm_on_unit(&r->user, PERM_PEOPLE_READ, p.unit_path))
			field_err(&fe, "person_id", "no such person");
		else
			ln->person = p.full_name;
	}
	if (org_id > 0) {
		struct org_row o;
		int rc = orgs_get(r->db, &r->arena, org_id, &o);
		if (rc < 0)
			return http_fail_store(r, rc);
		if (rc == STORE_DONE || !perm_on_unit(&r->user, PERM_ORGS_READ, o.unit_path))
			field_err(&fe, "organisation_id", "no such organisation");
		else
			ln->organisation = o.name;
	}
	return fe.n ? http_fail_fields(r, &fe) : APP_OK;
}

int api_users_update(struct req *r)
{
	static const char *const known[] = {"display_name", "disabled", "person_id", "organisation_id", NULL};
	json_t *body = NULL;
	struct field_errs fe = {0};
	const char *display = NULL;
	bool disabled = false;
	int64_t person_id, org_id;
	struct target t;
	int rc = http_json_body(r, &body);
	if (rc)
		return rc;
	read_display_name(body, &display, &fe);
	int has_disabled = jf_bool(body, "disabled", JF_OPTIONAL, &disabled, &fe);
	read_link(body, "person_id", &person_id, &fe);
	read_link(body, "organisation_id", &org_id, &fe);
	jf_no_unknown(body, known, &fe);
	if (fe.n) {
		rc = http_fail_fields(r, &fe);
		goto out;
	}
	if ((rc = load_target(r, &t)) != APP_OK)
		goto out;
	if (!may_change(&r->user, t.g, t.n)) {
		rc = http_fail(r, APP_E_FORBIDDEN, "this user holds roles beyond yours");
		goto out;
	}
	if ((rc = check_links(r, person_id, org_id, &t.ln)) != APP_OK)
		goto out;
	if (has_disabled > 0 && disabled && t.u.id == r->user.user_id) {
		field_err(&fe, "disabled", "you cannot disable your own account");
		rc = http_fail_fields(r, &fe);
		goto out;
	}
	bool disabling = has_disabled > 0 && disabled && !t.u.disabled;
	if (store_begin(r->db) != STORE_OK) {
		rc = APP_E_DB;
		goto out;
	}
	rc = APP_E_DB;
	int64_t now = time_now();
	int lrc =
	    person_id < 0 && org_id < 0 ? STORE_OK : users_set_links(r->db, t.u.id, person_id, org_id, now);
	if (lrc == STORE_E_UNIQUE) {
		store_rollback(r->db);
		rc = http_fail(r, APP_E_CONFLICT, "this person is already linked to another account");
		goto out;
	}
	if (lrc == STORE_OK &&
	    users_update(r->db, t.u.id, display, has_disabled > 0 ? (disabled ? 1 : 0) : -1, now) ==
		STORE_OK &&
	    (!disabling || sessions_delete_user(r->db, t.u.id) == STORE_OK)) {
		char pid[24] = "null", oid[24] = "null";
		if (person_id >= 0)
			snprintf(pid, sizeof pid, "%" PRId64, person_id);
		if (org_id >= 0)
			snprintf(oid, sizeof oid, "%" PRId64, org_id);
		const char *detail = arena_printf(
		    &r->arena, "{\"display_name\":%s,\"disabled\":%s%s%s%s%s}",
		    display ? "\"changed\"" : "null",
		    has_disabled > 0 ? (disabled ? "true" : "false") : "null",
		    person_id >= 0 ? ",\"person_id\":" : "", person_id >= 0 ? (person_id ? pid : "null") : "",
		    org_id >= 0 ? ",\"organisation_id\":" : "", org_id >= 0 ? (org_id ? oid : "null") : "");
		rc = detail ? audit(r, t.u.id, disabling ? "user.disable" : "user.update", detail)
			    : APP_E_NOMEM;
	}
	if ((rc = finish_tx(r, rc)) != APP_OK)
		goto out;
	if (person_id >= 0)
		t.u.person_id = person_id;
	if (org_id >= 0)
		t.u.organisation_id = org_id;
	if (display)
		t.u.display_name = arena_strdup(&r->arena, display);
	if (has_disabled > 0)
		t.u.disabled = disabled;
	struct jw *w = http_json(r, 200);
	jw_obj(w);
	jw_key(w, "data");
	write_user(w, &t.u, &t.ln, t.g, t.teams, t.n);
	jw_end(w);
out:
	json_decref(body);
	return rc;
}

int api_users_password(struct req *r)
{
	static const char *const known[] = {"password", NULL};
	json_t *body = NULL;
	struct field_errs fe = {0};
	const char *password = NULL, *why;
	char hash[160];
	struct target t;
	int rc = http_json_body(r, &body);
	if (rc)
		return rc;
	if (jf_str(body, "password", JF_REQUIRED, 256 * 4, &password, &fe) > 0 &&
	    (why = users_password_problem(password)))
		field_err(&fe, "password", why);
	jf_no_unknown(body, known, &fe);
	if (fe.n) {
		rc = http_fail_fields(r, &fe);
		goto out;
	}
	if ((rc = load_target(r, &t)) != APP_OK)
		goto out;
	if (!may_change(&r->user, t.g, t.n)) {
		rc = http_fail(r, APP_E_FORBIDDEN, "this user holds roles beyond yours");
		goto out;
	}
	if (crypto_password_hash(password, hash, sizeof hash) != 0) {
		rc = APP_E_NOMEM;
		goto out;
	}
	if (store_begin(r->db) != STORE_OK) {
		rc = APP_E_DB;
		goto out;
	}
	rc = APP_E_DB;
	/* their sessions end; resetting one's own keeps the session doing it */
	int drc = t.u.id == r->user.user_id
		      ? sessions_delete_user_except(r->db, t.u.id, r->session.token_hash)
		      : sessions_delete_user(r->db, t.u.id);
	if (users_set_password(r->db, t.u.id, hash, time_now()) == STORE_OK && drc == STORE_OK)
		rc = audit(r, t.u.id, "user.password", "{\"reset\":true}");
	if ((rc = finish_tx(r, rc)) == APP_OK) {
		http_text(r, 204, NULL, "");
		rc = APP_OK;
	}
out:
	json_decref(body);
	return rc;
}

int api_users_grant(struct req *r)
{
	static const char *const known[] = {"role", "unit_id", "team_id", NULL};
	json_t *body = NULL;
	struct field_errs fe = {0};
	int role = -1;
	int64_t unit_id = 0, team_id = 0, gid = 0;
	const char *path = NULL;
	struct target t;
	struct team_row team = {0};
	int rc = http_json_body(r, &body);
	if (rc)
		return rc;
	jf_enum(body, "role", JF_REQUIRED, perm_role_names, &role, &fe);
	int has_unit = jf_int(body, "unit_id", JF_OPTIONAL, 1, INT64_MAX, &unit_id, &fe);
	if (jf_int(body, "team_id", JF_OPTIONAL, 1, INT64_MAX, &team_id, &fe) > 0 && has_unit > 0)
		field_err(&fe, "team_id", "give either 'unit_id' or 'team_id', not both");
	jf_no_unknown(body, known, &fe);
	if (fe.n) {
		rc = http_fail_fields(r, &fe);
		goto out;
	}
	if ((rc = load_target(r, &t)) != APP_OK)
		goto out;
	int ex = STORE_DONE;
	if (team_id) {
		if ((rc = check_team_grantable(r, (enum role)role, team_id, &team)) != APP_OK)
			goto out;
		unit_id = team.unit_id; /* a team grant lies on the team's unit too (see the top) */
		for (int i = 0; i < t.n; i++)
			if (t.g[i].team_id == team_id && t.g[i].role == (enum role)role)
				ex = STORE_ROW;
	} else {
		if ((rc = check_grantable(r, (enum role)role, unit_id, &path)) != APP_OK)
			goto out;
		ex = grants_exists(r->db, t.u.id, (enum role)role, unit_id);
	}
	if (ex < 0) {
		rc = APP_E_DB;
		goto out;
	}
	if (ex == STORE_ROW) {
		rc = http_fail(r, APP_E_CONFLICT,
			       team_id ? "the user already holds this role on this team"
				       : "the user already holds this role on this unit");
		goto out;
	}
	if (store_begin(r->db) != STORE_OK) {
		rc = APP_E_DB;
		goto out;
	}
	rc = APP_E_DB;
	if (grants_insert(r->db, t.u.id, (enum role)role, unit_id, team_id, time_now(), &gid) == STORE_OK) {
		const char *detail = grant_detail(r, gid, (enum role)role, unit_id, team_id);
		rc = detail ? audit(r, t.u.id, "user.grant", detail) : APP_E_NOMEM;
	}
	if ((rc = finish_tx(r, rc)) != APP_OK)
		goto out;
	struct grant_row g;
	if (grants_get(r->db, &r->arena, gid, &g) != STORE_ROW) {
		rc = APP_E_DB;
		goto out;
	}
	struct jw *w = http_json(r, 201);
	jw_obj(w);
	jw_key(w, "data");
	write_grant(w, &g, team_id ? team.name : NULL);
	jw_end(w);
out:
	json_decref(body);
	return rc;
}

int api_users_revoke(struct req *r)
{
	struct target t;
	struct grant_row g;
	int64_t gid;
	int rc = load_target(r, &t);
	if (rc)
		return rc;
	if (http_param_id(r, 1, &gid) != APP_OK)
		return http_fail(r, APP_E_NOTFOUND, "no such grant");
	int found = grants_get(r->db, &r->arena, gid, &g);
	if (found < 0)
		return APP_E_DB;
	if (found == STORE_DONE || g.user_id != t.u.id)
		return http_fail(r, APP_E_NOTFOUND, "no such grant");
	if (!perm_may_grant(&r->user, g.role, g.unit_path))
		return http_fail(r, APP_E_FORBIDDEN, "this grant is beyond yours to take back");
	if (store_begin(r->db) != STORE_OK)
		return APP_E_DB;
	rc = APP_E_DB;
	if (grants_delete(r->db, gid) == STORE_OK) {
		const char *detail = grant_detail(r, gid, g.role, g.unit_id, g.team_id);
		rc = detail ? audit(r, t.u.id, "user.revoke", detail) : APP_E_NOMEM;
	}
	if ((rc = finish_tx(r, rc)) != APP_OK)
		return rc;
	http_text(r, 204, NULL, "");
	return APP_OK;
}
