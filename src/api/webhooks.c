/*
 * webhooks.c: the admin endpoints for webhooks — register (the signing secret is in the 201 answer
 * only; it is stored sealed, since the worker needs it to sign), list, delete, and the recent delivery
 * attempts of one. Webhooks belong to the installation, so only an admin of the whole installation
 * manages them. Delivery itself is http/webhooks.c. Every change is audited; the secret never is.
 */
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "http/webhooks.h"
#include "lib/crypto.h"
#include "lib/timeutil.h"
#include "store/units.h"
#include "store/webhooks.h"

#define SECRET_BYTES 32
#define HOOK_LIST_MAX 200
#define DELIVERY_LIST_MAX 100
#define PATTERNS_MAX 20

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
	return http_fail(r, APP_E_FORBIDDEN, "only an admin of the whole installation manages webhooks");
}

static int audit_hook(struct req *r, const char *action, int64_t id, const char *url)
{
	struct buf b;
	buf_init(&b, WEBHOOK_URL_MAX * 2 + 32);
	buf_adds(&b, "{\"url\":");
	json_escape(&b, url, strlen(url));
	buf_adds(&b, "}");
	int rc = api_audit(r, action, "webhook", id, b.err ? "{}" : buf_str(&b));
	buf_release(&b);
	return rc;
}

static void write_events(struct jw *w, const char *events)
{
	jw_key(w, "events");
	jw_arr(w);
	for (const char *p = events; p && *p;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		jw_strn(w, p, len);
		p = end ? end + 1 : NULL;
	}
	jw_end(w);
}

static void write_hook_fields(struct jw *w, const struct webhook_row *h)
{
	jw_kint(w, "id", h->id);
	jw_kstr(w, "url", h->url);
	write_events(w, h->events);
	if (h->commune_id)
		jw_kint(w, "commune_id", h->commune_id);
	else
		jw_knull(w, "commune_id");
	jw_ktime(w, "created_at", h->created_at);
}

int api_webhooks_list(struct req *r)
{
	if (!installation_admin(r))
		return refuse(r);
	struct webhook_row *h;
	int n;
	int rc = webhooks_list(r->db, &r->arena, HOOK_LIST_MAX, &h, &n);
	if (rc)
		return http_fail_store(r, rc);
	struct jw *w = http_json(r, 200);
	jw_obj(w);
	jw_key(w, "data");
	jw_arr(w);
	for (int i = 0; i < n; i++) {
		jw_obj(w);
		write_hook_fields(w, &h[i]);
		jw_end(w);
	}
	jw_end(w);
	jw_end(w);
	return APP_OK;
}

/* Reads "events": "alarm.*" or a list of patterns, into a comma-separated arena string. */
static const char *read_events(struct req *r, json_t *body)
{
	json_t *v = json_object_get(body, "events");
	struct buf b;
	const char *out = NULL;
	if (!v) {
		field_err(&r->fields, "events", "is required");
		return NULL;
	}
	buf_init(&b, WEBHOOK_EVENTS_MAX);
	if (json_is_string(v)) {
		if (webhooks_pattern_valid(json_string_value(v)))
			buf_adds(&b, json_string_value(v));
	} else if (json_is_array(v) && json_array_size(v) > 0 && json_array_size(v) <= PATTERNS_MAX) {
		size_t i;
		json_t *e;
		json_array_foreach(v, i, e)
		{
			if (!json_is_string(e) || !webhooks_pattern_valid(json_string_value(e))) {
				buf_reset(&b);
				break;
			}
			if (i)
				buf_addc(&b, ',');
			buf_adds(&b, json_string_value(e));
		}
	}
	if (b.len && !b.err)
		out = arena_strdup(&r->arena, buf_str(&b));
	else
		field_err(&r->fields, "events",
			  "must be \"alarm.*\", \"warning.*\" or a list of up to 20 alarm.… or warning.… "
			  "event names");
	buf_release(&b);
	return out;
}

static const char *const hook_fields[] = {"url", "events", "commune_id", NULL};

int api_webhooks_create(struct req *r)
{
	json_t *body = NULL;
	const char *url = NULL, *events;
	int64_t commune_id = 0, id = 0, now = time_now();
	char secret[80];
	size_t sealed_len = crypto_sealed_size(sizeof secret);
	char *sealed = arena_alloc(&r->arena, sealed_len);
	struct unit_row u;
	secret[0] = '\0';
	if (!sealed)
		return APP_E_NOMEM;
	int rc = http_json_body(r, &body);
	if (rc)
		return rc;
	jf_no_unknown(body, hook_fields, &r->fields);
	if (jf_str(body, "url", JF_REQUIRED, WEBHOOK_URL_MAX, &url, &r->fields) == 1) {
		const char *why = webhooks_url_problem(url);
		if (why)
			field_err(&r->fields, "url", why);
	}
	events = read_events(r, body);
	jf_int(body, "commune_id", JF_OPTIONAL, 1, ((int64_t)1 << 53) - 1, &commune_id, &r->fields);
	if (r->fields.n) {
		rc = http_fail_fields(r, &r->fields);
		goto out;
	}
	if (!installation_admin(r)) {
		rc = refuse(r);
		goto out;
	}
	if (commune_id) {
		rc = units_get(r->db, &r->arena, commune_id, &u);
		if (rc < 0) {
			rc = http_fail_store(r, rc);
			goto out;
		}
		if (rc == STORE_DONE || u.kind != UNIT_COMMUNE) {
			field_err(&r->fields, "commune_id", "no such commune");
			rc = http_fail_fields(r, &r->fields);
			goto out;
		}
	}
	unsigned char raw[SECRET_BYTES];
	char b64[sodium_base64_ENCODED_LEN(SECRET_BYTES, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
	crypto_random(raw, sizeof raw);
	sodium_bin2base64(b64, sizeof b64, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	snprintf(secret, sizeof secret, "whsec_%s", b64);
	sodium_memzero(raw, sizeof raw);
	sodium_memzero(b64, sizeof b64);
	if (crypto_seal(secret, strlen(secret), sealed, sealed_len) < 0) {
		rc = http_fail(r, APP_E_INTERNAL, "the secret cannot be sealed (key file)");
		goto out;
	}
	struct webhook_row h = {.url = url,
				.events = events,
				.commune_id = commune_id,
				.secret_sealed = sealed,
				.created_by = r->user.user_id,
				.created_at = now};
	rc = store_begin(r->db);
	if (rc == STORE_OK)
		rc = webhooks_add(r->db, &h, now, &id);
	if (rc == STORE_OK)
		rc = audit_hook(r, "webhook.create", id, url);
	if (rc == STORE_OK)
		rc = store_commit(r->db);
	else
		store_rollback(r->db);
	if (rc) {
		rc = http_fail_store(r, rc);
		goto out;
	}
	h.id = id;
	struct jw *w = http_json(r, 201);
	jw_obj(w);
	jw_key(w, "data");
	jw_obj(w);
	write_hook_fields(w, &h);
	jw_kstr(w, "secret", secret);
	jw_end(w);
	jw_end(w);
	rc = APP_OK;
out:
	sodium_memzero(secret, sizeof secret);
	json_decref(body);
	return rc;
}

int api_webhooks_delete(struct req *r)
{
	int64_t id;
	struct webhook_row h;
	int rc = http_param_id(r, 0, &id);
	if (rc)
		return http_fail(r, rc, "no such webhook");
	if (!installation_admin(r))
		return refuse(r);
	rc = webhooks_get(r->db, &r->arena, id, &h);
	if (rc < 0)
		return http_fail_store(r, rc);
	if (rc == STORE_DONE)
		return http_fail(r, APP_E_NOTFOUND, "no such webhook");
	rc = store_begin(r->db);
	if (rc == STORE_OK)
		rc = webhooks_delete(r->db, id, time_now());
	if (rc == STORE_OK)
		rc = audit_hook(r, "webhook.delete", id, h.url);
	if (rc == STORE_OK)
		rc = store_commit(r->db);
	else
		store_rollback(r->db);
	if (rc == STORE_DONE)
		return http_fail(r, APP_E_NOTFOUND, "no such webhook");
	if (rc)
		return http_fail_store(r, rc);
	http_text(r, 204, NULL, "");
	return APP_OK;
}

int api_webhooks_deliveries(struct req *r)
{
	int64_t id;
	struct webhook_row h;
	int rc = http_param_id(r, 0, &id);
	if (rc)
		return http_fail(r, rc, "no such webhook");
	if (!installation_admin(r))
		return refuse(r);
	rc = webhooks_get(r->db, &r->arena, id, &h);
	if (rc < 0)
		return http_fail_store(r, rc);
	if (rc == STORE_DONE)
		return http_fail(r, APP_E_NOTFOUND, "no such webhook");
	struct delivery_row *d;
	int n;
	rc = deliveries_list(r->db, &r->arena, id, DELIVERY_LIST_MAX, &d, &n);
	if (rc)
		return http_fail_store(r, rc);
	struct jw *w = http_json(r, 200);
	jw_obj(w);
	jw_key(w, "data");
	jw_arr(w);
	for (int i = 0; i < n; i++) {
		jw_obj(w);
		jw_kint(w, "id", d[i].id);
		jw_kint(w, "event_id", d[i].event_id);
		jw_kstr(w, "event", d[i].event);
		jw_kstr(w, "status", d[i].status);
		jw_kint(w, "attempts", d[i].attempts);
		if (d[i].last_code)
			jw_kint(w, "http_code", d[i].last_code);
		else
			jw_knull(w, "http_code");
		jw_kstr(w, "last_error", d[i].last_error);
		if (d[i].next_try_at)
			jw_ktime(w, "next_try_at", d[i].next_try_at);
		else
			jw_knull(w, "next_try_at");
		jw_ktime(w, "created_at", d[i].created_at);
		jw_ktime(w, "updated_at", d[i].updated_at);
		jw_end(w);
	}
	jw_end(w);
	jw_end(w);
	return APP_OK;
}
