/*
 * people.c: the /api/v1/people endpoints — list (Vietnamese name order, search without tones), create,
 * read, edit, delete, reveal of the national id, and CSV import. The queries, name keys and sealing are
 * store/people.c's; the CCCD rules domain/cccd.c's; this file parses, validates, decides who may see
 * and change what, audits, and writes the JSON.
 *
 * Scope: a caller sees the people of the units under their grants that carry people.read; a person
 * elsewhere answers 404 as if absent. Writing needs people.write on the person's unit (and on the new
 * unit when moving them). The national id is never in a list or a read: only its last 4 digits, masked;
 * the full number comes back from POST …/reveal alone, for people.sensitive on the person's unit, with
 * a reason that is audited (the reason and who asked — never the number). Audit details of people hold
 * the unit and the names of the fields that changed, not their values: the audit log is kept forever.
 */
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/api.h"
#include "domain/cccd.h"
#include "lib/timeutil.h"
#include "store/people.h"
#include "store/units.h"

#define REASON_MIN 5
#define REASON_MAX 500
#define PEOPLE_CURSOR_MAX 1500

/* Today in Vietnam as "YYYY-MM-DD" into out (at least 11 bytes). */
static void today_vn(char *out, size_t outlen)
{
	char t[40];
	time_format_rfc3339(time_now(), t, sizeof t);
	snprintf(out, outlen, "%.10s", t);
}

static void write_person(struct jw *w, const struct person_row *p)
{
	char mask[48];
	jw_obj(w);
	jw_kint(w, "id", p->id);
	jw_kint(w, "unit_id", p->unit_id);
	jw_kstr(w, "full_name", p->full_name);
	jw_kstr(w, "gender", p->gender);
	jw_kstr(w, "birth_date", p->birth_date);
	if (p->birth_year)
		jw_kint(w, "birth_year", p->birth_year);
	else
		jw_knull(w, "birth_year");
	jw_kstr(w, "phone", p->phone);
	jw_kstr(w, "address", p->address);
	if (p->national_id_last4) {
		people_mask(p->national_id_last4, mask, sizeof mask);
		jw_kstr(w, "national_id_masked", mask);
	} else {
		jw_knull(w, "national_id_masked");
	}
	jw_ktime(w, "created_at", p->created_at);
	jw_ktime(w, "updated_at", p->updated_at);
	jw_end(w);
}

static int answer_person(struct req *r, int status, const struct person_row *p)
{
	struct jw *w = http_json(r, status);
	jw_obj(w);
	jw_key(w, "data");
	write_person(w, p);
	jw_end(w);
	return APP_OK;
}

/* Loads person {id} of the path if the caller may see it; else 404 (the same for absent and hidden). */
static int load_visible(struct req *r, struct person_row *p)
{
	int64_t id;
	int rc = http_param_id(r, 0, &id);
	if (rc)
		return http_fail(r, rc, "no such person");
	rc = people_get(r->db, &r->arena, id, p);
	if (rc < 0)
		return http_fail_store(r, rc);
	if (rc == STORE_DONE || !perm_on_unit(&r->user, PERM_PEOPLE_READ, p->unit_path))
		return http_fail(r, APP_E_NOTFOUND, "no such person");
	return APP_OK;
}

/* Appends one audit entry about person id: detail {"unit_id", "fields"?: [names], "reason"?}. */
static int audit_person(struct req *r, const char *action, int64_t id, int64_t unit_id,
			const char *const *fields, int nfields, const char *reason)
{
	struct buf b;
	struct jw w;
	buf_init(&b, 4096);
	jw_init(&w, &b);
	jw_obj(&w);
	jw_kint(&w, "unit_id", unit_id);
	if (fields) {
		jw_key(&w, "fields");
		jw_arr(&w);
		for (int i = 0; i < nfields; i++)
			jw_str(&w, fields[i]);
		jw_end(&w);
	}
	if (reason)
		jw_kstr(&w, "reason", reason);
	jw_end(&w);
	int rc = b.err ? STORE_E_NOMEM : api_audit(r, action, "person", id, buf_str(&b));
	buf_release(&b);
	return rc;
}

/* ---- GET /api/v1/people ---- */

int api_people_list(struct req *r)
{
	const char *unit_arg = http_query(r, "unit_id");
	const char *search = http_query(r, "q");
	const char *cursor = http_query(r, "cursor");
	const char *limit_arg = http_query(r, "limit");
	int64_t unit_id = 0;
	int limit = 50;
	struct people_query q = {0};
	int rc;

	/* parse and validate */
	if (unit_arg && http_parse_id(unit_arg, &unit_id) != 0)
		field_err(&r->fields, "unit_id", "must be a unit id");
	if (limit_arg && http_parse_limit(limit_arg, &limit) != 0)
		field_err(&r->fields, "limit", "must be a whole number from 1 to 200");
	if (cursor && *cursor && people_cursor_decode(&r->arena, cursor, &q.after_key, &q.after_id) != 0)
		field_err(&r->fields, "cursor", "is not a cursor this server gave out");
	if (search && strlen(search) > PERSON_NAME_MAX)
		field_err(&r->fields, "q", "must be at most 200 bytes of text");
	if (r->fields.n)
		return http_fail(r, APP_E_PARAM, "malformed query");

	/* scope: the unit asked for (seen in whole or in part), or everything the caller sees */
	rc = api_scope_path(r, PERM_PEOPLE_READ, unit_arg, &q.unit_path);
	if (rc)
		return rc;
	bool all = !q.unit_path; /* the whole installation: no row needs checking */
	q.search = search;

	/* domain call: keep the rows the caller may see until the page and one more are found */
	struct person_row *page = arena_alloc(&r->arena, sizeof *page * (size_t)(limit + 1));
	int n = 0;
	if (!page)
		return APP_E_NOMEM;
	q.limit = limit + 1 < 50 ? 50 : limit + 1;
	for (;;) {
		struct person_row *batch;
		int nb;
		rc = people_list(r->db, &r->arena, &q, &batch, &nb);
		if (rc == STORE_E_CHECK) {
			field_err(&r->fields, "q", "must be UTF-8 text");
			return http_fail(r, APP_E_PARAM, "malformed query");
		}
		if (rc < 0)
			return http_fail_store(r, rc);
		for (int i = 0; i < nb && n <= limit; i++)
			if (all || perm_on_unit(&r->user, PERM_PEOPLE_READ, batch[i].unit_path))
				page[n++] = batch[i];
		if (nb < q.limit || n > limit)
			break;
		q.after_key = batch[nb - 1].name_key;
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
		write_person(w, &page[i]);
	jw_end(w);
	if (more) {
		char next[PEOPLE_CURSOR_MAX];
		if (people_cursor_encode(&page[n - 1], next, sizeof next) != 0)
			return APP_E_INTERNAL;
		jw_kstr(w, "next_cursor", next);
	} else {
		jw_knull(w, "next_cursor");
	}
	jw_end(w);
	return APP_OK;
}

/* ---- reading a body into a person ---- */

static const char *const person_fields[] = {"unit_id", "full_name", "gender",	   "birth_date", "birth_year",
					    "phone",   "address",   "national_id", NULL};

/*
 * Reads the fields present in body over *in (create: in starts empty; update: in holds the stored
 * values). A field sent as null clears it. Names of the fields given go to given[] (*ngiven).
 */
static void read_person_body(json_t *body, struct person_input *in, bool create, const char **given,
			     int *ngiven, struct field_errs *fe)
{
	int64_t v;
	*ngiven = 0;
	jf_no_unknown(body, person_fields, fe);
	for (int i = 0; person_fields[i]; i++)
		if (json_object_get(body, person_fields[i]))
			given[(*ngiven)++] = person_fields[i];

	if (json_object_get(body, "unit_id") || create) {
		if (jf_int(body, "unit_id", JF_REQUIRED, 1, ((int64_t)1 << 53) - 1, &v, fe) == 1)
			in->unit_id = v;
	}
	if (json_object_get(body, "full_name") || create) {
		const char *s = NULL;
		if (jf_str(body, "full_name", JF_REQUIRED, PERSON_NAME_MAX, &s, fe) == 1)
			in->full_name = s;
		else if (!create)
			in->full_name = "";
	}
	static const char *const opt_text[] = {"gender", "birth_date", "phone", "address", "national_id"};
	const char **dest[] = {&in->gender, &in->birth_date, &in->phone, &in->address, &in->national_id};
	static const size_t maxlen[] = {16, 10, PERSON_PHONE_MAX, PERSON_ADDRESS_MAX, 64};
	for (size_t i = 0; i < sizeof opt_text / sizeof opt_text[0]; i++) {
		json_t *j = json_object_get(body, opt_text[i]);
		if (!j)
			continue;
		const char *s = NULL;
		int got = jf_str(body, opt_text[i], JF_OPTIONAL, maxlen[i], &s, fe);
		if (got == 1 && *s)
			*dest[i] = s;
		else if (got == 0 || (got == 1 && !*s))
			*dest[i] = NULL; /* null or "" clears */
		if (i == 4)
			in->keep_national_id = false;
	}
	json_t *by = json_object_get(body, "birth_year");
	if (by) {
		if (json_is_null(by))
			in->birth_year = 0;
		else if (jf_int(body, "birth_year", JF_OPTIONAL, 1, 9999, &v, fe) == 1)
			in->birth_year = (int)v;
		else
			in->birth_year = 0;
	}
}

/* Resolves in->unit_id for writing: 422 when the caller cannot see it, 403 when they may not write
 * there. Fills *u. */
static int writable_unit(struct req *r, int64_t unit_id, struct unit_row *u)
{
	int rc = units_get(r->db, &r->arena, unit_id, u);
	if (rc < 0)
		return http_fail_store(r, rc);
	if (rc == STORE_DONE || !perm_on_unit(&r->user, PERM_PEOPLE_READ, u->path)) {
		field_err(&r->fields, "unit_id", "no such unit");
		return http_fail_fields(r, &r->fields);
	}
	if (!perm_on_unit(&r->user, PERM_PEOPLE_WRITE, u->path))
		return http_fail(r, APP_E_FORBIDDEN, "you may not add or change people in this unit");
	return APP_OK;
}

static int write_fail(struct req *r, int rc)
{
	if (rc == STORE_E_UNIQUE) {
		field_err(&r->fields, "national_id", "belongs to another person already on file");
		r->err_code = "conflict";
		return http_fail(r, APP_E_CONFLICT, "another person has this national id");
	}
	if (rc == STORE_E_FK) {
		field_err(&r->fields, "unit_id", "no such unit");
		return http_fail_fields(r, &r->fields);
	}
	if (rc == STORE_E_CHECK)
		return http_fail(r, APP_E_INTERNAL,
				 "the person cannot be stored (name key or encryption key)");
	if (rc == STORE_DONE)
		return http_fail(r, APP_E_NOTFOUND, "no such person");
	return http_fail_store(r, rc);
}

/* ---- POST /api/v1/people ---- */

int api_people_create(struct req *r)
{
	json_t *body = NULL;
	struct person_input in = {0};
	const char *given[16];
	int ngiven;
	char today[16];
	struct unit_row u;
	struct person_row p;
	int rc = http_json_body(r, &body);
	if (rc)
		return rc;

	/* validate */
	today_vn(today, sizeof today);
	read_person_body(body, &in, true, given, &ngiven, &r->fields);
	if (r->fields.n == 0)
		people_check(&r->arena, &in, today, &r->fields);
	if (r->fields.n) {
		rc = http_fail_fields(r, &r->fields);
		goto out;
	}
	/* check permission */
	rc = writable_unit(r, in.unit_id, &u);
	if (rc)
		goto out;

	/* domain call */
	rc = store_begin(r->db);
	if (rc) {
		rc = http_fail_store(r, rc);
		goto out;
	}
	rc = people_insert(r->db, &r->arena, &in, time_now(), &p);
	if (rc == STORE_OK)
		rc = audit_person(r, "person.create", p.id, p.unit_id, given, ngiven, NULL);
	if (rc == STORE_OK)
		rc = store_commit(r->db);
	else
		store_rollback(r->db);
	rc = rc ? write_fail(r, rc) : answer_person(r, 201, &p);
out:
	json_decref(body);
	return rc;
}

/* ---- GET /api/v1/people/{id} ---- */

int api_people_get(struct req *r)
{
	struct person_row p;
	int rc = load_visible(r, &p);
	if (rc)
		return rc;
	return answer_person(r, 200, &p);
}

/* ---- PATCH /api/v1/people/{id} ---- */

int api_people_update(struct req *r)
{
	json_t *body = NULL;
	struct person_row p;
	struct unit_row u;
	const char *given[16];
	int ngiven;
	char today[16];
	char stored[32] = "";
	int rc = load_visible(r, &p);
	if (rc)
		return rc;
	rc = http_json_body(r, &body);
	if (rc)
		return rc;

	/* the stored values, overwritten by what the body gives */
	struct person_input in = {
	    .unit_id = p.unit_id,
	    .full_name = p.full_name,
	    .gender = p.gender,
	    .birth_date = p.birth_date,
	    .birth_year = p.birth_year,
	    .phone = p.phone,
	    .address = p.address,
	    .keep_national_id = true,
	};
	today_vn(today, sizeof today);
	read_person_body(body, &in, false, given, &ngiven, &r->fields);
	if (json_object_get(body, "birth_date") && !json_object_get(body, "birth_year") && in.birth_date)
		in.birth_year = 0; /* a new date brings its own year */
	if (r->fields.n == 0)
		people_check(&r->arena, &in, today, &r->fields);
	if (r->fields.n) {
		rc = http_fail_fields(r, &r->fields);
		goto out;
	}
	/* check permission: on the person's unit, and on the new one when moving them */
	if (!perm_on_unit(&r->user, PERM_PEOPLE_WRITE, p.unit_path)) {
		rc = http_fail(r, APP_E_FORBIDDEN, "your role may not change this person");
		goto out;
	}
	if (in.unit_id != p.unit_id) {
		rc = writable_unit(r, in.unit_id, &u);
		if (rc)
			goto out;
	}
	/* a kept national id must still agree with a changed gender or birth year */
	if (in.keep_national_id && p.national_id_last4 &&
	    (json_object_get(body, "gender") || json_object_get(body, "birth_date") ||
	     json_object_get(body, "birth_year"))) {
		rc = people_national_id(r->db, p.id, stored, sizeof stored);
		char msg[200];
		int year = in.birth_year ? in.birth_year
					 : (in.birth_date ? (int)strtol(in.birth_date, NULL, 10) : 0);
		if (rc == STORE_ROW && *stored && cccd_check(stored, in.gender, year, msg, sizeof msg) != 0) {
			field_err(&r->fields, "national_id",
				  arena_printf(&r->arena, "on file disagrees: %s", msg));
			sodium_memzero(stored, sizeof stored);
			rc = http_fail_fields(r, &r->fields);
			goto out;
		}
		sodium_memzero(stored, sizeof stored);
		if (rc < 0 && rc != STORE_E_CHECK) {
			rc = http_fail_store(r, rc);
			goto out;
		}
	}

	/* domain call */
	rc = store_begin(r->db);
	if (rc) {
		rc = http_fail_store(r, rc);
		goto out;
	}
	rc = people_update(r->db, p.id, &in, time_now());
	if (rc == STORE_OK)
		rc = audit_person(r, "person.update", p.id, in.unit_id, given, ngiven, NULL);
	if (rc == STORE_OK)
		rc = store_commit(r->db);
	else
		store_rollback(r->db);
	if (rc) {
		rc = write_fail(r, rc);
		goto out;
	}
	rc = people_get(r->db, &r->arena, p.id, &p);
	rc = rc == STORE_ROW ? answer_person(r, 200, &p) : write_fail(r, rc);
out:
	json_decref(body);
	return rc;
}

/* ---- DELETE /api/v1/people/{id} ---- */

int api_people_delete(struct req *r)
{
	struct person_row p;
	int rc = load_visible(r, &p);
	if (rc)
		return rc;
	if (!perm_on_unit(&r->user, PERM_PEOPLE_WRITE, p.unit_path))
		return http_fail(r, APP_E_FORBIDDEN, "your role may not delete this person");
	rc = store_begin(r->db);
	if (rc)
		return http_fail_store(r, rc);
	rc = people_delete(r->db, p.id);
	if (rc == STORE_OK)
		rc = audit_person(r, "person.delete", p.id, p.unit_id, NULL, 0, NULL);
	if (rc == STORE_OK)
		rc = store_commit(r->db);
	else
		store_rollback(r->db);
	if (rc == STORE_E_FK)
		return http_fail(r, APP_E_CONFLICT,
				 "this person is on a team; remove them from the team first");
	if (rc)
		return write_fail(r, rc);
	http_text(r, 204, NULL, "");
	return APP_OK;
}

/* ---- POST /api/v1/people/{id}/reveal ---- */

static const char *const reveal_fields[] = {"reason", NULL};

/* Is s at least REASON_MIN characters once blanks at both ends are left out? */
static bool reason_ok(const char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	size_t n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r'))
		n--;
	size_t chars = 0;
	for (size_t i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			chars++;
	return chars >= REASON_MIN;
}

int api_people_reveal(struct req *r)
{
	json_t *body = NULL;
	const char *reason = NULL;
	char number[32] = "";
	struct person_row p;
	int rc = load_visible(r, &p);
	if (rc)
		return rc;
	rc = http_json_body(r, &body);
	if (rc)
		return rc;

	/* validate */
	jf_no_unknown(body, reveal_fields, &r->fields);
	if (jf_str(body, "reason", JF_REQUIRED, REASON_MAX, &reason, &r->fields) == 1 && !reason_ok(reason))
		field_err(&r->fields, "reason", "say why you need the number, in at least 5 characters");
	if (r->fields.n) {
		rc = http_fail_fields(r, &r->fields);
		goto out;
	}
	/* check permission */
	if (!perm_on_unit(&r->user, PERM_SENSITIVE, p.unit_path)) {
		rc = http_fail(r, APP_E_FORBIDDEN, "your role may not see national ids here");
		goto out;
	}
	if (!p.national_id_last4) {
		rc = http_fail(r, APP_E_NOTFOUND, "no national id is on file for this person");
		goto out;
	}
	/* domain call: open it, then record the reveal; the number leaves only once that is committed */
	rc = people_national_id(r->db, p.id, number, sizeof number);
	if (rc == STORE_DONE) {
		rc = http_fail(r, APP_E_NOTFOUND, "no such person");
		goto out;
	}
	if (rc == STORE_E_CHECK || (rc == STORE_ROW && !*number)) {
		rc = http_fail(r, APP_E_INTERNAL, "the stored national id cannot be opened with this key");
		goto out;
	}
	if (rc < 0) {
		rc = http_fail_store(r, rc);
		goto out;
	}
	rc = store_begin(r->db);
	if (rc) {
		rc = http_fail_store(r, rc);
		goto out;
	}
	rc = audit_person(r, "person.reveal", p.id, p.unit_id, NULL, 0, reason);
	if (rc == STORE_OK)
		rc = store_commit(r->db);
	else
		store_rollback(r->db);
	if (rc) {
		rc = http_fail_store(r, rc);
		goto out;
	}
	struct jw *w = http_json(r, 200);
	http_header(r, "Cache-Control", "no-store");
	jw_obj(w);
	jw_key(w, "data");
	jw_obj(w);
	jw_kstr(w, "national_id", number);
	jw_end(w);
	jw_end(w);
	rc = APP_OK;
out:
	sodium_memzero(number, sizeof number);
	json_decref(body);
	return rc;
}

/* ---- POST /api/v1/people/import ---- */

int api_people_import(struct req *r)
{
	char today[16];
	struct person_import imp = {
	    .who = &r->user,
	    .actor = r->user.username,
	    .address = r->addr,
	    .today = today,
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
	today_vn(today, sizeof today);
	/* the permission on each unit is checked row by row inside people_import */
	int rc = people_import(r->db, &r->arena, buf_str(&r->body), r->body.len, &imp);
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
		const struct person_import_row *row = &imp.rows[i];
		char mask[48];
		jw_obj(w);
		jw_kint(w, "line", row->line);
		if (row->id)
			jw_kint(w, "id", row->id);
		else
			jw_knull(w, "id");
		jw_kstr(w, "full_name", row->in.full_name);
		jw_kstr(w, "unit_code", row->unit_code);
		jw_kstr(w, "gender", row->in.gender);
		if (row->in.birth_year || row->in.birth_date)
			jw_kint(w, "birth_year",
				row->in.birth_year ? row->in.birth_year
						   : (int)strtol(row->in.birth_date, NULL, 10));
		else
			jw_knull(w, "birth_year");
		if (row->in.national_id) {
			people_mask(row->in.national_id + strlen(row->in.national_id) - 4, mask, sizeof mask);
			jw_kstr(w, "national_id_masked", mask);
		} else {
			jw_knull(w, "national_id_masked");
		}
		jw_end(w);
	}
	jw_end(w);
	jw_end(w);
	jw_end(w);
	return APP_OK;
}
