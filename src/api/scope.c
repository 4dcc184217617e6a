/*
 * scope.c: the helpers every handler in src/api/ shares.
 *
 * Scope: which units a list handler may show — the roots of the caller's visible subtrees for a
 * permission, and the one subtree path a list query is narrowed to (the ?unit_id= asked for, or the
 * deepest path holding every root). Rows must still be checked one by one with perm_on_unit: the path
 * only narrows the query. A statistic instead sums over disjoint roots: the unit asked for, or each
 * root of the caller.
 *
 * Audit: the one way a handler writes its audit entry (who, from where, what, on which record), so
 * that the entries of every resource name their author the same way. What goes into the detail stays
 * with each resource.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "store/audit.h"
#include "store/units.h"

int api_scope_roots(struct req *r, enum perm perm, const char ***roots, int *nroots, bool *all)
{
	int max = r->user.ngrants + 1;
	const char **out = arena_alloc(&r->arena, sizeof *out * (size_t)max);
	*all = false;
	if (!out)
		return APP_E_NOMEM;
	*nroots = perm_roots(&r->user, perm, out, max, all);
	*roots = out;
	return APP_OK;
}

int api_scope_path(struct req *r, enum perm perm, const char *unit_arg, const char **path)
{
	const char **roots;
	int nroots, rc;
	bool all;
	int64_t unit_id = 0;
	*path = NULL;
	if (unit_arg && http_parse_id(unit_arg, &unit_id) != 0) {
		field_err(&r->fields, "unit_id", "must be a unit id");
		return http_fail(r, APP_E_PARAM, "malformed query");
	}
	rc = api_scope_roots(r, perm, &roots, &nroots, &all);
	if (rc)
		return rc;
	if (unit_id) {
		struct unit_row u;
		rc = units_get(r->db, &r->arena, unit_id, &u);
		if (rc < 0)
			return http_fail_store(r, rc);
		bool seen = rc == STORE_ROW && (all || perm_on_unit(&r->user, perm, u.path));
		for (int i = 0; rc == STORE_ROW && !seen && i < nroots; i++)
			seen = perm_path_within(roots[i], u.path);
		if (!seen)
			return http_fail(r, APP_E_NOTFOUND, "no such unit");
		*path = u.path;
		return APP_OK;
	}
	if (all)
		return APP_OK;
	if (nroots == 0) {
		*path = "/0/"; /* no unit: nothing to see */
		return APP_OK;
	}
	/* the deepest path that holds every root; rows are then filtered one by one */
	size_t len = strlen(roots[0]);
	for (int i = 1; i < nroots; i++) {
		size_t k = 0;
		while (k < len && roots[i][k] && roots[i][k] == roots[0][k])
			k++;
		len = k;
	}
	while (len > 0 && roots[0][len - 1] != '/')
		len--;
	*path = arena_strndup(&r->arena, roots[0], len ? len : 1);
	return *path ? APP_OK : APP_E_NOMEM;
}

int api_scope_stats_roots(struct req *r, enum perm perm, const char ***roots, int *nroots)
{
	bool all;
	const char *unit_arg = http_query(r, "unit_id");
	if (unit_arg) {
		const char *path;
		int rc = api_scope_path(r, perm, unit_arg, &path);
		if (rc)
			return rc;
		if (!perm_on_unit(&r->user, perm, path))
			return http_fail(r, APP_E_NOTFOUND, "no such unit");
		*roots = arena_alloc(&r->arena, sizeof **roots);
		if (!*roots)
			return APP_E_NOMEM;
		(*roots)[0] = path;
		*nroots = 1;
		return APP_OK;
	}
	int rc = api_scope_roots(r, perm, roots, nroots, &all);
	if (rc)
		return rc;
	if (all) {
		(*roots)[0] = "/";
		*nroots = 1;
	}
	return APP_OK;
}

/* Appends the entry; address NULL keeps none. */
static int append(struct req *r, int64_t user_id, const char *actor, const char *address, const char *action,
		  const char *entity, int64_t id, const char *detail)
{
	char idt[24];
	snprintf(idt, sizeof idt, "%" PRId64, id);
	struct audit_entry e = {
	    .user_id = user_id,
	    .actor = actor,
	    .address = address ? address : "",
	    .action = action,
	    .entity = entity,
	    .entity_id = idt,
	    .detail = detail ? detail : "{}",
	};
	return audit_append(r->db, &e);
}

int api_audit(struct req *r, const char *action, const char *entity, int64_t id, const char *detail)
{
	return append(r, r->user.user_id, r->user.username, r->addr, action, entity, id, detail);
}

int api_audit_as(struct req *r, int64_t user_id, const char *actor, const char *action, const char *entity,
		 int64_t id, const char *detail)
{
	return append(r, user_id, actor, user_id ? r->addr : NULL, action, entity, id, detail);
}
