/*
 * enrolments.c: the household enrolments of the alarm — enrol (a secret link and a printable QR card,
 * shown once), list, revoke. A household is enrolled on a block or a residential group by someone who
 * holds alarms.enrol there (officers, team leaders); the list shows the enrolments of the subtrees
 * where the caller holds it.
 *
 * The token (32 random bytes, URL-safe base64) is in the 201 answer only, inside the url's fragment
 * (/bao-dong#TOKEN) so that it never reaches a server log or a Referer; only its keyed hash is stored.
 * The contact phone is sealed with the key file and leaves only masked here (the alarm's detail gives
 * it to those who answer). Enrolling and revoking are audited with neither token nor phone.
 */
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "export/qr.h"
#include "lib/crypto.h"
#include "lib/timeutil.h"
#include "store/alarms.h"
#include "store/units.h"

#define TOKEN_BYTES 32
#define PHONE_MAX 20
#define QR_SVG_MAX (256u << 10)
#define ALARM_PAGE "/bao-dong#"

static const char *const enrol_fields[] = {"unit_id", "label", "phone", NULL};

/* Is s a phone number: 8 to 20 characters of digits, spaces, '+', '.', '-', '(', ')' with 8+ digits? */
static bool phone_valid(const char *s)
{
	int digits = 0;
	size_t n = strlen(s);
	if (n < 8 || n > PHONE_MAX)
		return false;
	for (const char *p = s; *p; p++) {
		if (*p >= '0' && *p <= '9')
			digits++;
		else if (!strchr(" +.-()", *p))
			return false;
	}
	return digits >= 8;
}

/* "•••••••789": the last three digits of the opened phone, NULL when none or unreadable. */
static const char *phone_masked(struct req *r, const char *sealed)
{
	char plain[64];
	if (!sealed)
		return NULL;
	int n = crypto_open(sealed, plain, sizeof plain);
	if (n < 0)
		return NULL;
	const char *last = n >= 3 ? plain + n - 3 : plain;
	char *m = arena_printf(&r->arena, "•••••••%s", last);
	sodium_memzero(plain, sizeof plain);
	return m;
}

static void enrolment_fields(struct req *r, struct jw *w, const struct enrolment_row *e)
{
	jw_kint(w, "id", e->id);
	jw_kint(w, "unit_id", e->unit_id);
	jw_kstr(w, "unit_name", e->unit_name);
	jw_kint(w, "commune_id", e->commune_id);
	jw_kstr(w, "label", e->label);
	jw_kstr(w, "phone_masked", phone_masked(r, e->phone_sealed));
	jw_ktime(w, "created_at", e->created_at);
	if (e->revoked_at)
		jw_ktime(w, "revoked_at", e->revoked_at);
	else
		jw_knull(w, "revoked_at");
}

static int audit_enrolment(struct req *r, const char *action, const struct enrolment_row *e)
{
	char detail[64];
	snprintf(detail, sizeof detail, "{\"unit_id\":%" PRId64 ",\"phone\":%s}", e->unit_id,
		 e->phone_sealed ? "true" : "false");
	return api_audit(r, action, "enrolment", e->id, detail);
}

/* ---- POST /api/v1/enrolments ---- */

int api_enrolments_create(struct req *r)
{
	json_t *body = NULL;
	struct enrolment_row e = {0};
	struct unit_row u;
	int64_t unit_id = 0, now = time_now();
	const char *label = NULL, *phone = NULL;
	char token[64], hash[CRYPTO_HASH_HEX];
	char *sealed = NULL;
	struct buf svg;
	buf_init(&svg, QR_SVG_MAX);
	int rc = http_json_body(r, &body);
	if (rc)
		goto out;
	jf_no_unknown(body, enrol_fields, &r->fields);
	jf_int(body, "unit_id", JF_REQUIRED, 1, ((int64_t)1 << 53) - 1, &unit_id, &r->fields);
	if (jf_str(body, "label", JF_REQUIRED, ENROLMENT_LABEL_MAX, &label, &r->fields) == 1 &&
	    !units_name_valid(label))
		field_err(&r->fields, "label", "must be text without control characters");
	if (jf_str(body, "phone", JF_OPTIONAL, PHONE_MAX, &phone, &r->fields) == 1) {
		if (!*phone)
			phone = NULL;
		else if (!phone_valid(phone))
			field_err(&r->fields, "phone", "must be a phone number (8 or more digits)");
	}
	if (r->fields.n) {
		rc = http_fail_fields(r, &r->fields);
		goto out;
	}
	rc = units_get(r->db, &r->arena, unit_id, &u);
	if (rc < 0) {
		rc = http_fail_store(r, rc);
		goto out;
	}
	if (rc == STORE_DONE || (u.kind != UNIT_BLOCK && u.kind != UNIT_GROUP) ||
	    !perm_on_unit(&r->user, PERM_UNITS_READ, u.path)) {
		field_err(&r->fields, "unit_id", "no such block or group");
		rc = http_fail_fields(r, &r->fields);
		goto out;
	}
	if (!perm_on_unit(&r->user, PERM_ENROL, u.path)) {
		rc = http_fail(r, APP_E_FORBIDDEN, "your role may not enrol households here");
		goto out;
	}
	if (phone) {
		size_t cap = crypto_sealed_size(strlen(phone));
		sealed = malloc(cap);
		if (!sealed || crypto_seal(phone, strlen(phone), sealed, cap) < 0) {
			rc = http_fail(r, APP_E_INTERNAL, "the phone cannot be sealed (encryption key)");
			goto out;
		}
	}
	e.unit_id = u.id;
	e.commune_id = u.commune_id;
	e.label = label;
	e.phone_sealed = sealed;
	e.created_by = r->user.user_id;
	for (int attempt = 0; attempt < 3; attempt++) {
		if (crypto_token(TOKEN_BYTES, token, sizeof token) != 0 ||
		    crypto_keyed_hash_hex("alarm_token", token, strlen(token), hash) != 0) {
			rc = http_fail(r, APP_E_INTERNAL, "the alarm link cannot be made (encryption key)");
			goto out;
		}
		rc = store_begin(r->db);
		if (rc) {
			rc = http_fail_store(r, rc);
			goto out;
		}
		rc = enrolments_insert(r->db, &e, hash, now, &e.id);
		if (rc == STORE_OK)
			rc = audit_enrolment(r, "enrolment.create", &e);
		if (rc == STORE_OK)
			rc = store_commit(r->db);
		else
			store_rollback(r->db);
		if (rc != STORE_E_UNIQUE)
			break;
	}
	if (rc) {
		rc = http_fail_store(r, rc);
		goto out;
	}
	const char *url = arena_printf(&r->arena, ALARM_PAGE "%s", token);
	if (!url || qr_svg(url, &svg) != 0) {
		rc = http_fail(r, APP_E_INTERNAL, "the QR card cannot be drawn");
		goto out;
	}
	e.unit_name = u.name;
	e.created_at = now;
	struct jw *w = http_json(r, 201);
	jw_obj(w);
	jw_key(w, "data");
	jw_obj(w);
	enrolment_fields(r, w, &e);
	jw_kstr(w, "token", token);
	jw_kstr(w, "url", url);
	jw_kstr(w, "qr_svg", buf_str(&svg));
	jw_end(w);
	jw_end(w);
	rc = APP_OK;
out:
	sodium_memzero(token, sizeof token);
	buf_release(&svg);
	free(sealed);
	json_decref(body);
	return rc;
}

/* ---- GET /api/v1/enrolments ---- */

int api_enrolments_list(struct req *r)
{
	int64_t cursor = 0;
	int limit = 50;
	const char *path;
	int rc = http_page_args(r, &cursor, &limit);
	if (rc)
		return rc;
	rc = api_scope_path(r, PERM_ENROL, http_query(r, "unit_id"), &path);
	if (rc)
		return rc;
	struct enrolment_row *page = arena_alloc(&r->arena, sizeof *page * (size_t)(limit + 1));
	int n = 0, batch_max = limit + 1 < 50 ? 50 : limit + 1;
	int64_t after = cursor;
	if (!page)
		return APP_E_NOMEM;
	for (;;) {
		struct enrolment_row *batch;
		int nb;
		rc = enrolments_list(r->db, &r->arena, path, after, batch_max, &batch, &nb);
		if (rc < 0)
			return http_fail_store(r, rc);
		for (int i = 0; i < nb && n <= limit; i++)
			if (perm_on_unit(&r->user, PERM_ENROL, batch[i].unit_path))
				page[n++] = batch[i];
		if (nb < batch_max || n > limit)
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
		enrolment_fields(r, w, &page[i]);
		jw_end(w);
	}
	jw_end(w);
	http_next_cursor(w, more ? page[n - 1].id : 0);
	jw_end(w);
	return APP_OK;
}

/* ---- DELETE /api/v1/enrolments/{id} ---- */

int api_enrolments_revoke(struct req *r)
{
	struct enrolment_row e;
	int64_t id, now = time_now();
	int rc = http_param_id(r, 0, &id);
	if (rc)
		return http_fail(r, rc, "no such enrolment");
	rc = enrolments_get(r->db, &r->arena, id, &e);
	if (rc < 0)
		return http_fail_store(r, rc);
	if (rc == STORE_DONE || !perm_on_unit(&r->user, PERM_ENROL, e.unit_path))
		return http_fail(r, APP_E_NOTFOUND, "no such enrolment");
	if (e.revoked_at)
		return http_fail(r, APP_E_CONFLICT, "the enrolment is already revoked");
	rc = store_begin(r->db);
	if (rc)
		return http_fail_store(r, rc);
	rc = enrolments_revoke(r->db, e.id, now);
	if (rc == STORE_OK)
		rc = audit_enrolment(r, "enrolment.revoke", &e);
	if (rc == STORE_OK)
		rc = store_commit(r->db);
	else
		store_rollback(r->db);
	if (rc == STORE_DONE)
		return http_fail(r, APP_E_CONFLICT, "the enrolment is already revoked");
	if (rc)
		return http_fail_store(r, rc);
	e.revoked_at = now;
	struct jw *w = http_json(r, 200);
	jw_obj(w);
	jw_key(w, "data");
	jw_obj(w);
	enrolment_fields(r, w, &e);
	jw_end(w);
	jw_end(w);
	return APP_OK;
}
