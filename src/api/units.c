/*
 * units.c: the /api/v1/units endpoints — list, create, read, rename, delete and CSV import of the tree
 * province → commune → block → group. The queries and the import itself are store/units.c's; this
 * file parses, validates, decides who may see and change what, and writes the JSON.
 *
 * Scope: a caller sees the subtrees of their grants that carry units.read (an installation admin sees
 * everything); a unit outside them answers 404 as if it did not exist. Changing a unit — creating,
 * renaming, deleting — needs units.write on its parent, and on the whole installation for a province.
 * Every change is audited in the transaction that makes it.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/api.h"
#include "lib/timeutil.h"
#include "store/units.h"

/* The path permissions for changing a unit are checked against: its parent's ("/1/5/" for
 * "/1/5/23/"), or "/" for a province, which only an installation-wide grant covers. Arena copy. */
static const char *parent_path(struct arena *a, const char *path)
{
	size_t n = strlen(path);
	if (n < 2)
		return "/";
	size_t i = n - 1; /* the trailing slash */
	while (i > 0 && path[i - 1] != '/')
		i--;
	return i <= 1 ? "/" : arena_strndup(a, path, i);
}

static void write_unit(struct jw *w, const struct unit_row *u)
{
	jw_obj(w);
	jw_kint(w, "id", u->id);
	if (u->parent_id)
		jw_kint(w, "parent_id", u->parent_id);
	else
		jw_knull(w, "parent_id");
	jw_kstr(w, "kind", units_kind_names[u->kind]);
	jw_kstr(w, "code", u->code);
	jw_kstr(w, "name", u->name);
	jw_ktime(w, "created_at", u->created_at);
	jw_ktime(w, "updated_at", u->updated_at);
	jw_end(w);
}

static int answer_unit(struct req *r, int status, const struct unit_row *u)
{
	struct jw *w = http_json(r, status);
	jw_obj(w);
	jw_key(w, "data");
	write_unit(w, u);
	jw_end(w);
	return APP_OK;
}

/* Loads unit {id} of the path if the caller may see it; else 404 (the same for absent and hidden). */
static int load_visible(struct req *r, struct unit_row *u)
{
	int64_t id;
	int rc = http_param_id(r, 0, &id);
	if (rc)
		return http_fail(r, rc, "no such unit");
	rc = units_get(r->db, &r->arena, id, u);
	if (rc < 0)
		return http_fail_store(r, rc);
	if (rc == STORE_DONE || !perm_on_unit(&r->user, PERM_UNITS_READ, u->path))
		return http_fail(r, APP_E_NOTFOUND, "no such unit");
	return APP_OK;
}

/* JSON detail for the audit log of a unit, in the arena ("{}" when out of memory). */
static const char *unit_detail(struct req *r, const struct unit_row *u, const struct unit_row *before)
{
	struct buf b;
	struct jw w;
	buf_init(&b, 4096);
	jw_init(&w, &b);
	jw_obj(&w);
	jw_kstr(&w, "code", u->code);
	jw_kstr(&w, "name", u->name);
	jw_kstr(&w, "kind", units_kind_names[u->kind]);
	if (u->parent_id)
		jw_kint(&w, "parent_id", u->parent_id);
	else
		jw_knull(&w, "parent_id");
	if (before) {
		jw_key(&w, "before");
		jw_obj(&w);
		jw_kstr(&w, "code", before->code);
		jw_kstr(&w, "name", before->name);
		jw_end(&w);
	}
	jw_end(&w);
	const char *out = b.err ? NULL : arena_strdup(&r->arena, buf_str(&b));
	buf_release(&b);
	return out ? out : "{}";
}

static int audit_unit(struct req *r, const char *action, const struct unit_row *u,
		      const struct unit_row *before)
{
	return api_audit(r, action, "unit", u->id, unit_detail(r, u, before));
}

/* ---- GET /api/v1/units ---- */

static int cmp_unit_id(const void *a, const void *b)
{
	int64_t x = ((const struct unit_row *)a)->id, y = ((const struct unit_row *)b)->id;
	return (x > y) - (x < y);
}

int api_units_list(struct req *r)
{
	int64_t cursor, parent_id = 0;
	int limit, n = 0, rc;
	struct unit_row *rows = NULL;
	const char *parent = http_query(r, "parent");

	rc = http_page_args(r, &cursor, &limit);
	if (rc)
		return rc;
	if (parent && http_parse_id(parent, &parent_id) != 0) {
		field_err(&r->fields, "parent", "must be a unit id");
		return http_fail(r, APP_E_PARAM, "malformed parent");
	}

	if (parent_id) {
		struct unit_row p;
		rc = units_get(r->db, &r->arena, parent_id, &p);
		if (rc < 0)
			return http_fail_store(r, rc);
		if (rc == STORE_DONE || !perm_on_unit(&r->user, PERM_UNITS_READ, p.path))
			return http_fail(r, APP_E_NOTFOUND, "no such unit");
		rc = units_children(r->db, &r->arena, parent_id, cursor, limit + 1, &rows, &n);
	} else {
		const char **roots;
		int nroots;
		bool all;
		rc = api_scope_roots(r, PERM_UNITS_READ, &roots, &nroots, &all);
		if (rc)
			return rc;
		if (all) {
			rc = units_all(r->db, &r->arena, cursor, limit + 1, &rows, &n);
		} else {
			/* each subtree's first limit+1 ids after the cursor; the page is the smallest of them
			 */
			rows = arena_alloc(&r->arena, sizeof *rows * (size_t)(limit + 1) *
							  (size_t)(nroots ? nroots : 1));
			if (!rows)
				return APP_E_NOMEM;
			rc = STORE_OK;
			for (int i = 0; i < nroots && rc == STORE_OK; i++) {
				struct unit_row *part;
				int np;
				rc = units_subtree(r->db, &r->arena, roots[i], cursor, limit + 1, &part, &np);
				if (rc == STORE_OK) {
					memcpy(rows + n, part, sizeof *rows * (size_t)np);
					n += np;
				}
			}
			if (nroots > 1)
				qsort(rows, (size_t)n, sizeof *rows, cmp_unit_id);
		}
	}
	if (rc < 0)
		return http_fail_store(r, rc);

	bool more = n > limit;
	if (more)
		n = limit;
	struct jw *w = http_json(r, 200);
	jw_obj(w);
	jw_key(w, "data");
	jw_arr(w);
	for (int i = 0; i < n; i++)
		write_unit(w, &rows[i]);
	jw_end(w);
	http_next_cursor(w, more ? rows[n - 1].id : 0);
	jw_end(w);
	return APP_OK;
}

/* ---- GET /api/v1/public/units ---- */

/* At most this many communes, blocks and groups in the public picker. */
#define PUBLIC_UNITS_MAX 5000

/* The block picker of the public tip page: every commune, block and group (id, kind, name, parent_id
 * and nothing else: no code, no path, no dates), in id order. No login; cacheable for five minutes. */
int api_public_units(struct req *r)
{
	struct unit_row *rows = NULL;
	int n = 0;
	int rc = units_all(r->db, &r->arena, 0, PUBLIC_UNITS_MAX, &rows, &n);
	if (rc < 0)
		return http_fail_store(r, rc);
	struct jw *w = http_json(r, 200);
	http_header(r, "Cache-Control", "public, max-age=300");
	jw_obj(w);
	jw_key(w, "data");
	jw_arr(w);
	for (int i = 0; i < n; i++) {
		if (rows[i].kind == UNIT_PROVINCE)
			continue;
		jw_obj(w);
		jw_kint(w, "id", rows[i].id);
		jw_kstr(w, "kind", units_kind_names[rows[i].kind]);
		jw_kstr(w, "name", rows[i].name);
		jw_kint(w, "parent_id", rows[i].parent_id);
		jw_end(w);
	}
	jw_end(w);
	jw_end(w);
	return APP_OK;
}

/* ---- POST /api/v1/units ---- */

static const char *const create_fields[] = {"parent_id", "kind", "code", "name", NULL};
static const char *const update_fields[] = {"code", "name", NULL};

/* Checks code and name once present (jf_str has checked type and length). */
static void check_code_name(const char *code, const char *name, struct field_errs *fe)
{
	if (code && !units_code_valid(code))
		field_err(fe, "code", "must be 1 to 32 letters, digits, '.', '_' or '-'");
	if (name && !units_name_valid(name))
		field_err(fe, "name", "must be 1 to 200 bytes of text without control characters");
}

int api_units_create(struct req *r)
{
	json_t *body = NULL;
	struct field_errs fe = {0};
	const char *code = NULL, *name = NULL;
	int64_t parent_id = 0;
	int kind = -1;
	struct unit_row parent, u;
	bool has_parent = false;
	int rc = http_json_body(r, &body);
	if (rc)
		return rc;

	/* validate */
	jf_no_unknown(body, create_fields, &fe);
	jf_int(body, "parent_id", JF_OPTIONAL, 1, ((int64_t)1 << 53) - 1, &parent_id, &fe);
	jf_enum(body, "kind", JF_REQUIRED, units_kind_names, &kind, &fe);
	jf_str(body, "code", JF_REQUIRED, UNIT_CODE_MAX, &code, &fe);
	jf_str(body, "name", JF_REQUIRED, UNIT_NAME_MAX, &name, &fe);
	check_code_name(code, name, &fe);
	if (kind == UNIT_PROVINCE && parent_id)
		field_err(&fe, "parent_id", "must be empty: a province has no parent");
	else if (kind > UNIT_PROVINCE && !parent_id)
		field_err(&fe, "parent_id",
			  arena_printf(&r->arena, "is required: %s", units_kind_rule(kind)));
	if (fe.n) {
		rc = http_fail_fields(r, &fe);
		goto out;
	}
	/* the parent, as far as the caller may see it */
	if (parent_id) {
		rc = units_get(r->db, &r->arena, parent_id, &parent);
		if (rc < 0) {
			rc = http_fail_store(r, rc);
			goto out;
		}
		if (rc == STORE_DONE || !perm_on_unit(&r->user, PERM_UNITS_READ, parent.path)) {
			field_err(&fe, "parent_id", "no such unit");
			rc = http_fail_fields(r, &fe);
			goto out;
		}
		has_parent = true;
	}
	/* check permission */
	if (!perm_on_unit(&r->user, PERM_UNITS_WRITE, has_parent ? parent.path : "/")) {
		rc = http_fail(r, APP_E_FORBIDDEN,
			       has_parent ? "you may not add units under this unit"
					  : "only an installation admin may add a province");
		goto out;
	}
	if (has_parent && !units_kind_fits(kind, (int)parent.kind)) {
		field_err(&fe, "kind",
			  arena_printf(&r->arena, "%s, but the parent is a %s", units_kind_rule(kind),
				       units_kind_names[parent.kind]));
		rc = http_fail_fields(r, &fe);
		goto out;
	}

	/* domain call */
	rc = store_begin(r->db);
	if (rc) {
		rc = http_fail_store(r, rc);
		goto out;
	}
	rc = units_insert(r->db, &r->arena, has_parent ? &parent : NULL, (enum unit_kind)kind, code, name,
			  time_now(), &u);
	if (rc == STORE_OK)
		rc = audit_unit(r, "unit.create", &u, NULL);
	if (rc == STORE_OK)
		rc = store_commit(r->db);
	else
		store_rollback(r->db);
	if (rc == STORE_E_UNIQUE) {
		rc =
		    http_fail(r, APP_E_CONFLICT, arena_printf(&r->arena, "code '%s' is already taken", code));
		goto out;
	}
	if (rc) {
		rc = http_fail_store(r, rc);
		goto out;
	}
	rc = answer_unit(r, 201, &u);
out:
	json_decref(body);
	return rc;
}

/* ---- GET /api/v1/units/{id} ---- */

int api_units_get(struct req *r)
{
	struct unit_row u;
	int rc = load_visible(r, &u);
	if (rc)
		return rc;
	return answer_unit(r, 200, &u);
}

/* ---- PATCH /api/v1/units/{id} ---- */

int api_units_update(struct req *r)
{
	json_t *body = NULL;
	struct field_errs fe = {0};
	const char *code = NULL, *name = NULL;
	struct unit_row u, before;
	int rc = load_visible(r, &u);
	if (rc)
		return rc;
	rc = http_json_body(r, &body);
	if (rc)
		return rc;

	jf_no_unknown(body, update_fields, &fe);
	jf_str(body, "code", JF_OPTIONAL, UNIT_CODE_MAX, &code, &fe);
	jf_str(body, "name", JF_OPTIONAL, UNIT_NAME_MAX, &name, &fe);
	check_code_name(code, name, &fe);
	if (fe.n) {
		rc = http_fail_fields(r, &fe);
		goto out;
	}
	if (!perm_on_unit(&r->user, PERM_UNITS_WRITE, parent_path(&r->arena, u.path))) {
		rc = http_fail(r, APP_E_FORBIDDEN, "your role may not change this unit");
		goto out;
	}
	if ((!code || strcmp(code, u.code) == 0) && (!name || strcmp(name, u.name) == 0)) {
		rc = answer_unit(r, 200, &u); /* nothing changes, nothing is written */
		goto out;
	}

	before = u;
	if (code)
		u.code = arena_strdup(&r->arena, code);
	if (name)
		u.name = arena_strdup(&r->arena, name);
	if (!u.code || !u.name) {
		rc = APP_E_NOMEM;
		goto out;
	}
	u.updated_at = time_now();
	rc = store_begin(r->db);
	if (rc) {
		rc = http_fail_store(r, rc);
		goto out;
	}
	rc = units_update(r->db, u.id, u.code, u.name, u.updated_at);
	if (rc == STORE_OK)
		rc = audit_unit(r, "unit.update", &u, &before);
	if (rc == STORE_OK)
		rc = store_commit(r->db);
	else
		store_rollback(r->db);
	if (rc == STORE_E_UNIQUE)
		rc = http_fail(r, APP_E_CONFLICT,
			       arena_printf(&r->arena, "code '%s' is already taken", u.code));
	else if (rc == STORE_DONE)
		rc = http_fail(r, APP_E_NOTFOUND, "no such unit");
	else if (rc)
		rc = http_fail_store(r, rc);
	else
		rc = answer_unit(r, 200, &u);
out:
	json_decref(body);
	return rc;
}

/* ---- DELETE /api/v1/units/{id} ---- */

int api_units_delete(struct req *r)
{
	struct unit_row u;
	const char *what = NULL;
	int rc = load_visible(r, &u);
	if (rc)
		return rc;
	if (!perm_on_unit(&r->user, PERM_UNITS_WRITE, parent_path(&r->arena, u.path)))
		return http_fail(r, APP_E_FORBIDDEN, "your role may not delete this unit");

	rc = store_begin(r->db);
	if (rc)
		return http_fail_store(r, rc);
	rc = units_holds(r->db, u.id, &what);
	if (rc == STORE_OK && what) {
		store_rollback(r->db);
		return http_fail(
		    r, APP_E_CONFLICT,
		    arena_printf(&r->arena, "unit '%s' still holds %s; remove them first", u.code, what));
	}
	if (rc == STORE_OK)
		rc = units_delete(r->db, u.id);
	if (rc == STORE_OK)
		rc = audit_unit(r, "unit.delete", &u, NULL);
	if (rc == STORE_OK)
		rc = store_commit(r->db);
	else
		store_rollback(r->db);
	if (rc == STORE_E_FK)
		return http_fail(
		    r, APP_E_CONFLICT,
		    arena_printf(&r->arena, "unit '%s' still holds records; remove them first", u.code));
	if (rc == STORE_DONE)
		return http_fail(r, APP_E_NOTFOUND, "no such unit");
	if (rc)
		return http_fail_store(r, rc);
	http_text(r, 204, NULL, "");
	return APP_OK;
}

/* ---- POST /api/v1/units/import ---- */

int api_units_import(struct req *r)
{
	struct unit_import imp = {
	    .who = &r->user,
	    .actor = r->user.username,
	    .address = r->addr,
	};
	const char *ct = http_req_header(r, "Content-Type");
	const char *dry = http_query(r, "dry_run");

	if (!ct || (strncasecmp(ct, "text/csv", 8) != 0 && strncasecmp(ct, "text/plain", 10) != 0))
		return http_fail(r, APP_E_PARAM, "send the file with Content-Type text/csv");
	if (dry && strcmp(dry, "0") != 0 && strcmp(dry, "1") != 0) {
		field_err(&r->fields, "dry_run", "must be 0 or 1");
		return http_fail(r, APP_E_PARAM, "malformed dry_run");
	}
	imp.dry_run = dry && strcmp(dry, "1") == 0;
	/* the permission on each parent is checked row by row inside units_import */
	int rc = units_import(r->db, &r->arena, buf_str(&r->body), r->body.len, &imp);
	if (rc)
		return http_fail_store(r, rc);
	if (imp.nerrors_total) {
		for (int i = 0; i < imp.nerrors; i++)
			if (!http_line_error(r, imp.errors[i].line, imp.errors[i].msg))
				break;
		return http_fail_import(r, imp.nerrors_total);
	}

	struct jw *w = http_json(r, imp.dry_run ? 200 : 201);
	jw_obj(w);
	jw_key(w, "data");
	jw_obj(w);
	jw_kbool(w, "dry_run", imp.dry_run);
	jw_kint(w, "count", imp.nrows);
	jw_key(w, "rows");
	jw_arr(w);
	for (int i = 0; i < imp.nrows; i++) {
		const struct unit_import_row *row = &imp.rows[i];
		jw_obj(w);
		jw_kint(w, "line", row->line);
		jw_kstr(w, "code", row->code);
		jw_kstr(w, "name", row->name);
		jw_kstr(w, "kind", units_kind_names[row->kind]);
		jw_kstr(w, "parent_code", row->parent_code);
		jw_end(w);
	}
	jw_end(w);
	jw_end(w);
	jw_end(w);
	return APP_OK;
}
