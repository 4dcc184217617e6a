/*
 * organisations.c: the /api/v1/organisations endpoints — list (by unit subtree and kind, keyset on
 * id), create, read, edit and delete the ward's partner organisations. SQL is store/organisations.c's;
 * this file parses, validates, checks scope, audits ("organisation.create/update/delete", in the same
 * transaction as the change) and writes the JSON.
 *
 * Scope: orgs.read on the organisation's unit to see it (404 otherwise, as if absent), orgs.write there
 * to change it, and on the new unit when moving it.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "lib/timeutil.h"
#include "store/organisations.h"
#include "store/units.h"

static void write_org(struct jw *w, const struct org_row *o)
{
	jw_obj(w);
	jw_kint(w, "id", o->id);
	jw_kint(w, "unit_id", o->unit_id);
	jw_kstr(w, "kind", o->kind);
	jw_kstr(w, "name", o->name);
	jw_ktime(w, "created_at", o->created_at);
	jw_ktime(w, "updated_at", o->updated_at);
	jw_end(w);
}

static int answer_org(struct req *r, int status, const struct org_row *o)
{
	struct jw *w = http_json(r, status);
	jw_obj(w);
	jw_key(w, "data");
	write_org(w, o);
	jw_end(w);
	return APP_OK;
}

static int load_visible(struct req *r, struct org_row *o)
{
	int64_t id;
	int rc = http_param_id(r, 0, &id);
	if (rc)
		return http_fail(r, rc, "no such organisation");
	rc = orgs_get(r->db, &r->arena, id, o);
	if (rc < 0)
		return http_fail_store(r, rc);
	if (rc == STORE_DONE || !perm_on_unit(&r->user, PERM_ORGS_READ, o->unit_path))
		return http_fail(r, APP_E_NOTFOUND, "no such organisation");
	return APP_OK;
}

static int audit_org(struct req *r, const char *action, const struct org_row *o, const struct org_row *before)
{
	struct buf b;
	struct jw w;
	buf_init(&b, 4096);
	jw_init(&w, &b);
	jw_obj(&w);
	jw_kint(&w, "unit_id", o->unit_id);
	jw_kstr(&w, "kind", o->kind);
	jw_kstr(&w, "name", o->name);
	if (before) {
		jw_key(&w, "before");
		jw_obj(&w);
		jw_kint(&w, "unit_id", before->unit_id);
		jw_kstr(&w, "kind", before->kind);
		jw_kstr(&w, "name", before->name);
		jw_end(&w);
	}
	jw_end(&w);
	int rc = b.err ? STORE_E_NOMEM : api_audit(r, action, "organisation", o->id, buf_str(&b));
	buf_release(&b);
	return rc;
}

/* ---- GET /api/v1/organisations ---- */

int api_orgs_list(struct req *r)
{
	const char *unit_arg = http_query(r, "unit_id");
	const char *kind = http_query(r, "kind");
	const char *path = NULL;
	int64_t cursor, unit_id = 0;
	int limit, rc;

	/* parse and validate */
	rc = http_page_args(r, &cursor, &limit);
	if (rc)
		return rc;
	if (unit_arg && http_parse_id(unit_arg, &unit_id) != 0)
		field_err(&r->fields, "unit_id", "must be a unit id");
	if (kind && orgs_kind_parse(kind) < 0)
		field_err(&r->fields, "kind", "is not a kind of organisation");
	if (r->fields.n)
		return http_fail(r, APP_E_PARAM, "malformed query");

	/* scope: the unit asked for (seen in whole or in part), or everything the caller sees; NULL for
	 * the whole installation, where no row needs checking */
	rc = api_scope_path(r, PERM_ORGS_READ, unit_arg, &path);
	if (rc)
		return rc;
	bool all = !path;

	/* domain call: keep what the caller may see until the page and one more are found */
	struct org_row *page = arena_alloc(&r->arena, sizeof *page * (size_t)(limit + 1));
	int n = 0, batch_size = limit + 1 < 50 ? 50 : limit + 1;
	if (!page)
		return APP_E_NOMEM;
	for (;;) {
		struct org_row *batch;
		int nb;
		rc = orgs_list(r->db, &r->arena, path, kind, cursor, batch_size, &batch, &nb);
		if (rc < 0)
			return http_fail_store(r, rc);
		for (int i = 0; i < nb && n <= limit; i++)
			if (all || perm_on_unit(&r->user, PERM_ORGS_READ, batch[i].unit_path))
				page[n++] = batch[i];
		if (nb < batch_size || n > limit)
			break;
		cursor = batch[nb - 1].id;
	}

	bool more = n > limit;
	if (more)
		n = limit;
	struct jw *w = http_json(r, 200);
	jw_obj(w);
	jw_key(w, "data");
	jw_arr(w);
	for (int i = 0; i < n; i++)
		write_org(w, &page[i]);
	jw_end(w);
	http_next_cursor(w, more ? page[n - 1].id : 0);
	jw_end(w);
	return APP_OK;
}

/* ---- writes ---- */

static const char *const org_fields[] = {"unit_id", "kind", "name", NULL};

/* Is name 1–200 bytes without control characters and not only blanks? */
static bool name_ok(const char *s)
{
	size_t n = strlen(s);
	bool blank = true;
	if (n < 1 || n > ORG_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7f)
			return false;
		if (c != ' ')
			blank = false;
	}
	return !blank;
}

/* The unit an organisation is put on: 422 when the caller cannot see it, 403 when they may not write
 * there. */
static int writable_unit(struct req *r, int64_t unit_id)
{
	struct unit_row u;
	int rc = units_get(r->db, &r->arena, unit_id, &u);
	if (rc < 0)
		return http_fail_store(r, rc);
	if (rc == STORE_DONE || !perm_on_unit(&r->user, PERM_ORGS_READ, u.path)) {
		field_err(&r->fields, "unit_id", "no such unit");
		return http_fail_fields(r, &r->fields);
	}
	if (!perm_on_unit(&r->user, PERM_ORGS_WRITE, u.path))
		return http_fail(r, APP_E_FORBIDDEN, "you may not add or change organisations in this unit");
	return APP_OK;
}

static int write_fail(struct req *r, int rc)
{
	if (rc == STORE_E_FK) {
		field_err(&r->fields, "unit_id", "no such unit");
		return http_fail_fields(r, &r->fields);
	}
	if (rc == STORE_DONE)
		return http_fail(r, APP_E_NOTFOUND, "no such organisation");
	return http_fail_store(r, rc);
}

int api_orgs_create(struct req *r)
{
	json_t *body = NULL;
	int64_t unit_id = 0;
	int kind = -1;
	const char *name = NULL;
	struct org_row o;
	int rc = http_json_body(r, &body);
	if (rc)
		return rc;

	/* validate */
	jf_no_unknown(body, org_fields, &r->fields);
	jf_int(body, "unit_id", JF_REQUIRED, 1, ((int64_t)1 << 53) - 1, &unit_id, &r->fields);
	jf_enum(body, "kind", JF_REQUIRED, orgs_kind_names, &kind, &r->fields);
	if (jf_str(body, "name", JF_REQUIRED, ORG_NAME_MAX, &name, &r->fields) == 1 && !name_ok(name))
		field_err(&r->fields, "name", "must be 1 to 200 bytes of text without control characters");
	if (r->fields.n) {
		rc = http_fail_fields(r, &r->fields);
		goto out;
	}
	/* check permission */
	rc = writable_unit(r, unit_id);
	if (rc)
		goto out;

	/* domain call */
	rc = store_begin(r->db);
	if (rc) {
		rc = http_fail_store(r, rc);
		goto out;
	}
	rc = orgs_insert(r->db, &r->arena, unit_id, orgs_kind_names[kind], name, time_now(), &o);
	if (rc == STORE_OK)
		rc = audit_org(r, "organisation.create", &o, NULL);
	if (rc == STORE_OK)
		rc = store_commit(r->db);
	else
		store_rollback(r->db);
	rc = rc ? write_fail(r, rc) : answer_org(r, 201, &o);
out:
	json_decref(body);
	return rc;
}

int api_orgs_get(struct req *r)
{
	struct org_row o;
	int rc = load_visible(r, &o);
	if (rc)
		return rc;
	return answer_org(r, 200, &o);
}

int api_orgs_update(struct req *r)
{
	json_t *body = NULL;
	struct org_row o, before;
	int64_t unit_id;
	int kind = -1;
	const char *name = NULL;
	int rc = load_visible(r, &o);
	if (rc)
		return rc;
	rc = http_json_body(r, &body);
	if (rc)
		return rc;

	/* validate */
	unit_id = o.unit_id;
	jf_no_unknown(body, org_fields, &r->fields);
	if (json_object_get(body, "unit_id"))
		jf_int(body, "unit_id", JF_REQUIRED, 1, ((int64_t)1 << 53) - 1, &unit_id, &r->fields);
	if (json_object_get(body, "kind"))
		jf_enum(body, "kind", JF_REQUIRED, orgs_kind_names, &kind, &r->fields);
	if (json_object_get(body, "name") &&
	    jf_str(body, "name", JF_REQUIRED, ORG_NAME_MAX, &name, &r->fields) == 1 && !name_ok(name))
		field_err(&r->fields, "name", "must be 1 to 200 bytes of text without control characters");
	if (r->fields.n) {
		rc = http_fail_fields(r, &r->fields);
		goto out;
	}
	/* check permission: where it is, and where it goes */
	if (!perm_on_unit(&r->user, PERM_ORGS_WRITE, o.unit_path)) {
		rc = http_fail(r, APP_E_FORBIDDEN, "your role may not change this organisation");
		goto out;
	}
	if (unit_id != o.unit_id) {
		rc = writable_unit(r, unit_id);
		if (rc)
			goto out;
	}

	/* domain call */
	before = o;
	o.unit_id = unit_id;
	if (kind >= 0)
		o.kind = orgs_kind_names[kind];
	if (name)
		o.name = name;
	rc = store_begin(r->db);
	if (rc) {
		rc = http_fail_store(r, rc);
		goto out;
	}
	rc = orgs_update(r->db, o.id, o.unit_id, o.kind, o.name, time_now());
	if (rc == STORE_OK)
		rc = audit_org(r, "organisation.update", &o, &before);
	if (rc == STORE_OK)
		rc = store_commit(r->db);
	else
		store_rollback(r->db);
	if (rc) {
		rc = write_fail(r, rc);
		goto out;
	}
	rc = orgs_get(r->db, &r->arena, o.id, &o);
	rc = rc == STORE_ROW ? answer_org(r, 200, &o) : write_fail(r, rc);
out:
	json_decref(body);
	return rc;
}

int api_orgs_delete(struct req *r)
{
	struct org_row o;
	int rc = load_visible(r, &o);
	if (rc)
		return rc;
	if (!perm_on_unit(&r->user, PERM_ORGS_WRITE, o.unit_path))
		return http_fail(r, APP_E_FORBIDDEN, "your role may not delete this organisation");
	rc = store_begin(r->db);
	if (rc)
		return http_fail_store(r, rc);
	rc = orgs_delete(r->db, o.id);
	if (rc == STORE_OK)
		rc = audit_org(r, "organisation.delete", &o, NULL);
	if (rc == STORE_OK)
		rc = store_commit(r->db);
	else
		store_rollback(r->db);
	if (rc == STORE_E_FK)
		return http_fail(r, APP_E_CONFLICT,
				 "other records still refer to this organisation; remove them first");
	if (rc)
		return write_fail(r, rc);
	http_text(r, 204, NULL, "");
	return APP_OK;
}
