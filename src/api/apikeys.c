/*
 * apikeys.c: the admin endpoints for Open311 API keys — list, issue (the key is in the 201 answer
 * only, and only its keyed hash is stored), revoke. Keys belong to the installation, so only an admin
 * of the whole installation manages them (others with users.write: 403). Every change is audited;
 * the key itself is never logged or audited.
 */
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "lib/crypto.h"
#include "lib/timeutil.h"
#include "store/apikeys.h"

#define APIKEY_BYTES 32
#define APIKEY_LIST_MAX 1000

/* Does the caller administer the whole installation? */
static bool installation_admin(const struct req *r)
{
	for (int i = 0; i < r->user.ngrants; i++) {
		const struct grant *g = &r->user.grants[i];
		if (g->role == ROLE_ADMIN && g->unit_id == 0 && g->team_id == 0)
			return true;
	}
	return false;
}

static int refuse(struct req *r)
{
	return http_fail(r, APP_E_FORBIDDEN, "only an admin of the whole installation manages API keys");
}

static int audit_key(struct req *r, const char *action, int64_t id, const char *name)
{
	struct buf b;
	buf_init(&b, 1024);
	buf_adds(&b, "{\"name\":\"");
	json_escape(&b, name, strlen(name));
	buf_adds(&b, "\"}");
	int rc = api_audit(r, action, "api_key", id, buf_str(&b));
	buf_release(&b);
	return rc;
}

static void write_key(struct jw *w, const struct apikey_row *k)
{
	jw_obj(w);
	jw_kint(w, "id", k->id);
	jw_kstr(w, "name", k->name);
	if (k->created_by)
		jw_kint(w, "created_by", k->created_by);
	else
		jw_knull(w, "created_by");
	jw_ktime(w, "created_at", k->created_at);
	if (k->revoked_at)
		jw_ktime(w, "revoked_at", k->revoked_at);
	else
		jw_knull(w, "revoked_at");
	jw_end(w);
}

int api_apikeys_list(struct req *r)
{
	if (!installation_admin(r))
		return refuse(r);
	struct apikey_row *k;
	int n;
	int rc = apikeys_list(r->db, &r->arena, APIKEY_LIST_MAX, &k, &n);
	if (rc)
		return http_fail_store(r, rc);
	struct jw *w = http_json(r, 200);
	jw_obj(w);
	jw_key(w, "data");
	jw_arr(w);
	for (int i = 0; i < n; i++)
		write_key(w, &k[i]);
	jw_end(w);
	jw_end(w);
	return APP_OK;
}

static const char *const create_fields[] = {"name", NULL};

int api_apikeys_create(struct req *r)
{
	json_t *body = NULL;
	const char *name = NULL;
	char key[96], hash[CRYPTO_HASH_HEX];
	int64_t id = 0, now = time_now();
	int rc = http_json_body(r, &body);
	if (rc)
		return rc;
	jf_no_unknown(body, create_fields, &r->fields);
	jf_str(body, "name", JF_REQUIRED, APIKEY_NAME_MAX, &name, &r->fields);
	if (r->fields.n) {
		rc = http_fail_fields(r, &r->fields);
		goto out;
	}
	if (!installation_admin(r)) {
		rc = refuse(r);
		goto out;
	}
	unsigned char raw[APIKEY_BYTES];
	char b64[sodium_base64_ENCODED_LEN(APIKEY_BYTES, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
	crypto_random(raw, sizeof raw);
	sodium_bin2base64(b64, sizeof b64, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	snprintf(key, sizeof key, "tm311_%s", b64);
	sodium_memzero(raw, sizeof raw);
	sodium_memzero(b64, sizeof b64);
	if (crypto_keyed_hash_hex("api_key", key, strlen(key), hash) != 0) {
		rc = http_fail(r, APP_E_INTERNAL, "the key cannot be hashed (key file)");
		goto out;
	}
	rc = store_begin(r->db);
	if (rc == STORE_OK)
		rc = apikeys_add(r->db, name, hash, r->user.user_id, now, &id);
	if (rc == STORE_OK)
		rc = audit_key(r, "api_key.create", id, name);
	if (rc == STORE_OK)
		rc = store_commit(r->db);
	else
		store_rollback(r->db);
	if (rc == STORE_E_UNIQUE) {
		field_err(&r->fields, "name", "an API key has this name already");
		rc = http_fail_fields(r, &r->fields);
		goto out;
	}
	if (rc) {
		rc = http_fail_store(r, rc);
		goto out;
	}
	struct apikey_row k = {.id = id, .name = name, .created_by = r->user.user_id, .created_at = now};
	struct jw *w = http_json(r, 201);
	jw_obj(w);
	jw_key(w, "data");
	jw_obj(w);
	jw_kint(w, "id", k.id);
	jw_kstr(w, "name", k.name);
	jw_kint(w, "created_by", k.created_by);
	jw_ktime(w, "created_at", k.created_at);
	jw_knull(w, "revoked_at");
	jw_kstr(w, "key", key);
	jw_end(w);
	jw_end(w);
	rc = APP_OK;
out:
	sodium_memzero(key, sizeof key);
	json_decref(body);
	return rc;
}

int api_apikeys_revoke(struct req *r)
{
	int64_t id, got = 0;
	int rc = http_param_id(r, 0, &id);
	if (rc)
		return rc;
	if (!installation_admin(r))
		return refuse(r);
	struct apikey_row *k;
	int n;
	const char *name = NULL;
	rc = apikeys_list(r->db, &r->arena, APIKEY_LIST_MAX, &k, &n);
	if (rc)
		return http_fail_store(r, rc);
	for (int i = 0; i < n; i++)
		if (k[i].id == id && !k[i].revoked_at)
			name = k[i].name;
	if (!name)
		return http_fail(r, APP_E_NOTFOUND, "no such active API key");
	rc = store_begin(r->db);
	if (rc == STORE_OK)
		rc = apikeys_revoke(r->db, id, NULL, time_now(), &got);
	if (rc == STORE_OK)
		rc = audit_key(r, "api_key.revoke", id, name);
	if (rc == STORE_OK)
		rc = store_commit(r->db);
	else
		store_rollback(r->db);
	if (rc == STORE_DONE)
		return http_fail(r, APP_E_NOTFOUND, "no such active API key");
	if (rc)
		return http_fail_store(r, rc);
	http_text(r, 204, NULL, "");
	return APP_OK;
}
