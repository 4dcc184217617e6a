/*
 * cap.c: the Common Alerting Protocol routes (outside /api, XML) and the feed tokens that open the
 * restricted ones.
 *
 *   GET /cap/alerts/warning-N.xml           a public warning as CAP 1.2, scope Public, open to all
 *                                           (Update after a change, Cancel once cancelled)
 *   GET /cap/alerts/alarm-N.xml             an alarm, scope Restricted: needs a feed token of the
 *                                           alarm's commune (Authorization: Bearer or ?token=); 404
 *                                           without one, with a revoked one, or another commune's
 *   GET /cap/alerts.atom                    the public warnings in force (never an alarm)
 *   GET /cap/restricted/TOKEN.atom          the open alarms and the warnings in force of the token's
 *                                           commune, alarms linking to the URL below
 *   GET /cap/restricted/TOKEN/alerts/ID.xml an alarm or a warning of the token's commune
 *
 * Feed tokens (POST/GET /api/v1/feed-tokens, DELETE /api/v1/feed-tokens/{id}) are issued and revoked
 * by admins of the whole installation; the token is in the 201 answer only and only its keyed hash is
 * stored. A token is a secret: it is never logged, audited or echoed in an error.
 */
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "export/cap.h"
#include "lib/crypto.h"
#include "lib/timeutil.h"
#include "store/alarms.h"
#include "store/audit.h"
#include "store/units.h"
#include "store/warnings.h"
#include "store/webhooks.h"

#define FEED_MAX 100
#define CAP_OUT_MAX (256 * 1024)
#define TOKEN_BYTES 32
#define TOKEN_LIST_MAX 1000
#define HOST_MAX 128

static const char restriction_vi[] =
    "Chỉ dành cho lực lượng bảo vệ an ninh, trật tự và các đối tác được cấp mã truy cập";

/* ---- the request's base URL and the sender name ---- */

/* The Host header if it is a plain host[:port] (else "localhost"), as an arena copy. */
static const char *host_of(struct req *r)
{
	const char *h = http_req_header(r, "Host");
	size_t n = h ? strlen(h) : 0;
	if (n == 0 || n > HOST_MAX)
		return "localhost";
	for (size_t i = 0; i < n; i++) {
		char c = h[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '-' || c == ':' || c == '[' || c == ']'))
			return "localhost";
	}
	return h;
}

static const char *base_url(struct req *r)
{
	return arena_printf(&r->arena, "%s://%s", http_secure_cookies ? "https" : "http", host_of(r));
}

/* The CAP sender: the host without its port, "tiengmo@" before it. */
static const char *sender_of(struct req *r)
{
	const char *h = host_of(r);
	const char *colon = h[0] == '[' ? strchr(h, ']') : strchr(h, ':');
	size_t n = colon && h[0] != '[' ? (size_t)(colon - h) : strlen(h);
	if (h[0] == '[' && colon)
		n = (size_t)(colon - h) + 1;
	return arena_printf(&r->arena, "tiengmo@%.*s", (int)n, h);
}

/* ---- documents ---- */

static const char *commune_name(struct req *r, int64_t commune_id)
{
	struct unit_row u;
	if (units_get(r->db, &r->arena, commune_id, &u) == STORE_ROW)
		return u.name;
	return NULL;
}

static const char *area_of(struct req *r, const char *unit_name, int64_t unit_id, int64_t commune_id)
{
	const char *c = unit_id != commune_id ? commune_name(r, commune_id) : NULL;
	return c ? arena_printf(&r->arena, "%s, %s", unit_name, c) : unit_name;
}

/* How many times warning id was changed (its warning.update audit entries); 0 on failure. */
static int warning_revision(struct req *r, int64_t id)
{
	struct audit_row rows[64];
	int n = 0, count = 0;
	int64_t after = 0;
	const char *idt = arena_printf(&r->arena, "%" PRId64, id);
	if (!idt)
		return 0;
	for (;;) {
		if (audit_list(r->db, &r->arena, "warning", idt, after, 64, rows, &n) != STORE_OK)
			return count;
		for (int i = 0; i < n; i++)
			count += strcmp(rows[i].action, "warning.update") == 0;
		if (n < 64)
			return count;
		after = rows[n - 1].seq;
	}
}

/* A warning as CAP: an Alert, then an Update after a change (identifier "-uN" for the Nth change), or a
 * Cancel once cancelled; both reference the original Alert. */
static void warning_alert(struct req *r, const struct warning_row *w, struct cap_alert *a)
{
	int64_t now = time_now();
	const char *sender = sender_of(r);
	const char *cn = commune_name(r, w->commune_id);
	char sent0[40];
	memset(a, 0, sizeof *a);
	a->sender = sender;
	a->status = "Actual";
	a->identifier = arena_printf(&r->arena, "tiengmo-warning-%" PRId64, w->id);
	a->sent = w->created_at;
	a->msg_type = "Alert";
	time_format_rfc3339(w->created_at, sent0, sizeof sent0);
	int revision = w->cancelled_at ? 0 : warning_revision(r, w->id);
	if (w->cancelled_at || revision > 0) {
		a->references = arena_printf(&r->arena, "%s,%s,%s", sender, a->identifier, sent0);
		a->msg_type = w->cancelled_at ? "Cancel" : "Update";
		a->sent = w->cancelled_at ? w->cancelled_at : w->updated_at;
		a->identifier =
		    w->cancelled_at
			? arena_printf(&r->arena, "tiengmo-warning-%" PRId64 "-cancel", w->id)
			: arena_printf(&r->arena, "tiengmo-warning-%" PRId64 "-u%d", w->id, revision);
	}
	if (w->cancelled_at)
		a->note = "Cảnh báo đã được hủy";
	bool over = w->cancelled_at || (w->expires_at && w->expires_at <= now);
	bool natural = strcmp(w->kind, "storm") == 0 || strcmp(w->kind, "flood") == 0 ||
		       strcmp(w->kind, "epidemic") == 0;
	struct cap_info *in = &a->info;
	in->category = cap_warning_category(w->kind);
	in->event = cap_warning_event(w->kind);
	in->response_type = w->cancelled_at ? "AllClear" : natural ? "Prepare" : "Monitor";
	in->urgency = over ? "Past" : w->effective_at > now ? "Expected" : "Immediate";
	in->severity = cap_severity(w->severity);
	in->certainty = natural ? "Likely" : "Observed";
	in->effective = w->effective_at;
	in->expires = w->expires_at;
	in->sender_name = cn ? arena_printf(&r->arena, "Công an %s", cn) : NULL;
	in->headline = w->title;
	in->description = w->body;
	in->instruction = w->instruction;
	/* the citizens' pages list the warnings in force under their own content */
	in->web = over ? NULL : arena_printf(&r->arena, "%s/gui-tin-bao", base_url(r));
	in->area_desc = area_of(r, w->unit_name, w->unit_id, w->commune_id);
	in->has_point = w->has_point;
	in->lat = w->lat;
	in->lng = w->lng;
	in->radius_km = w->radius_km;
}

static bool alarm_open(const struct alarm_row *x)
{
	return strcmp(x->status, "resolved") != 0 && strcmp(x->status, "false_alarm") != 0;
}

static int64_t alarm_changed_at(const struct alarm_row *x)
{
	int64_t t = x->last_press_at > x->raised_at ? x->last_press_at : x->raised_at;
	const int64_t steps[] = {x->acknowledged_at, x->responding_at, x->escalated_at, x->resolved_at};
	for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++)
		if (steps[i] > t)
			t = steps[i];
	return t;
}

static const char *alarm_status_vi(const char *s)
{
	if (strcmp(s, "raised") == 0)
		return "Đang chờ lực lượng tiếp nhận";
	if (strcmp(s, "acknowledged") == 0)
		return "Đã có người tiếp nhận";
	if (strcmp(s, "responding") == 0)
		return "Lực lượng đang đến";
	if (strcmp(s, "resolved") == 0)
		return "Đã xử lý xong";
	if (strcmp(s, "false_alarm") == 0)
		return "Báo động nhầm";
	return s;
}

/* An alarm as CAP, scope Restricted: an Alert while only raised, an Update as members answer, a Cancel
 * once resolved or found false. The household's phone is never in it. */
static void alarm_alert(struct req *r, const struct alarm_row *x, struct cap_alert *a)
{
	const char *sender = sender_of(r);
	const char *cn = commune_name(r, x->commune_id);
	struct alarm_kind k;
	char sent0[40];
	int64_t changed = alarm_changed_at(x);
	memset(a, 0, sizeof *a);
	a->sender = sender;
	a->status = "Actual";
	a->restricted = true;
	a->restriction = restriction_vi;
	a->identifier = arena_printf(&r->arena, "tiengmo-alarm-%" PRId64, x->id);
	a->sent = x->raised_at;
	a->msg_type = "Alert";
	time_format_rfc3339(x->raised_at, sent0, sizeof sent0);
	if (changed > x->raised_at || !alarm_open(x)) {
		a->references = arena_printf(&r->arena, "%s,%s,%s", sender, a->identifier, sent0);
		a->msg_type = alarm_open(x) ? "Update" : "Cancel";
		a->sent = changed;
		a->identifier =
		    arena_printf(&r->arena, "tiengmo-alarm-%" PRId64 "-u%" PRId64, x->id, changed);
	}
	a->note = alarm_status_vi(x->status);
	const char *event = cap_alarm_event(x->kind);
	if (alarms_kind_get(r->db, &r->arena, x->kind, &k) == STORE_ROW && k.name_vi)
		event = k.name_vi;
	struct cap_info *in = &a->info;
	in->category = cap_alarm_category(x->kind);
	in->event = event;
	in->response_type = alarm_open(x) ? "Execute" : "AllClear";
	in->urgency = alarm_open(x) ? "Immediate" : "Past";
	in->severity = strcmp(x->kind, "fire") == 0 ? "Extreme" : "Severe";
	in->certainty = "Likely";
	in->sender_name = cn ? arena_printf(&r->arena, "tiengmo — %s", cn) : NULL;
	in->headline = arena_printf(&r->arena, "Báo động %s: %s", event, x->unit_name ? x->unit_name : "");
	in->description = x->note || x->address
			      ? arena_printf(&r->arena, "%s%s%s", x->address ? x->address : "",
					     x->address && x->note ? ". " : "", x->note ? x->note : "")
			      : NULL;
	in->area_desc = area_of(r, x->unit_name ? x->unit_name : "", x->unit_id, x->commune_id);
	in->has_point = x->has_location;
	in->lat = x->lat;
	in->lng = x->lng;
	in->radius_km = 0.1;
}

static int send_xml(struct req *r, int rc, const struct buf *b, const char *type)
{
	if (rc != 0)
		return http_fail(r, APP_E_INTERNAL, "the document cannot be written");
	r->status = 200;
	r->content_type = type;
	buf_reset(&r->out);
	buf_add(&r->out, b->data ? b->data : "", b->len);
	http_header(r, "Cache-Control", "no-cache");
	return APP_OK;
}

/* ---- tokens ---- */

/* The commune of an unrevoked feed token: APP_OK and *commune_id, or 404. */
static int token_commune(struct req *r, const char *token, size_t len, int64_t *commune_id)
{
	char hash[CRYPTO_HASH_HEX];
	if (!token || len == 0 || len > 128)
		return http_fail(r, APP_E_NOTFOUND, "no such feed");
	if (crypto_keyed_hash_hex("feed_token", token, len, hash) != 0)
		return http_fail(r, APP_E_INTERNAL, "the token cannot be checked (key file)");
	int rc = feed_tokens_check(r->db, hash, commune_id);
	if (rc < 0)
		return http_fail_store(r, rc);
	return rc == STORE_ROW ? APP_OK : http_fail(r, APP_E_NOTFOUND, "no such feed");
}

/* The token a client sent with /cap/alerts/alarm-N.xml: Authorization: Bearer, else ?token=. */
static const char *request_token(struct req *r)
{
	const char *h = http_req_header(r, "Authorization");
	if (h && strncasecmp(h, "Bearer ", 7) == 0)
		return h + 7;
	return http_query(r, "token");
}

/* Parses "warning-12.xml" / "alarm-3.xml" (with the suffix) into its kind and id. */
static int parse_alert_id(const char *s, bool *alarm, int64_t *id)
{
	const char *num;
	if (strncmp(s, "warning-", 8) == 0) {
		*alarm = false;
		num = s + 8;
	} else if (strncmp(s, "alarm-", 6) == 0) {
		*alarm = true;
		num = s + 6;
	} else
		return -1;
	size_t n = strlen(num);
	if (n <= 4 || strcmp(num + n - 4, ".xml") != 0 || n - 4 > 20)
		return -1;
	char digits[24];
	snprintf(digits, sizeof digits, "%.*s", (int)(n - 4), num);
	return http_parse_id(digits, id);
}

/* Writes one alert; commune_id > 0: the caller holds a token of that commune (alarms allowed). */
static int serve_alert(struct req *r, const char *capture, int64_t commune_id)
{
	bool alarm;
	int64_t id;
	struct cap_alert a;
	struct buf b;
	if (parse_alert_id(capture, &alarm, &id) != 0)
		return http_fail(r, APP_E_NOTFOUND, "no such alert");
	if (alarm) {
		struct alarm_row x;
		if (!commune_id)
			return http_fail(r, APP_E_NOTFOUND, "no such alert");
		int rc = alarms_get(r->db, &r->arena, id, &x);
		if (rc < 0)
			return http_fail_store(r, rc);
		if (rc == STORE_DONE || x.commune_id != commune_id)
			return http_fail(r, APP_E_NOTFOUND, "no such alert");
		alarm_alert(r, &x, &a);
	} else {
		struct warning_row w;
		int rc = warnings_get(r->db, &r->arena, id, &w);
		if (rc < 0)
			return http_fail_store(r, rc);
		if (rc == STORE_DONE || (commune_id && w.commune_id != commune_id))
			return http_fail(r, APP_E_NOTFOUND, "no such alert");
		warning_alert(r, &w, &a);
	}
	buf_init(&b, CAP_OUT_MAX);
	int rc = send_xml(r, cap_write_alert(&a, &b), &b, CAP_CONTENT_TYPE);
	buf_release(&b);
	return rc;
}

/* ---- GET /cap/alerts/{id} ---- */

int api_cap_alert(struct req *r)
{
	const char *cap = r->params[0];
	int64_t commune_id = 0;
	if (strncmp(cap, "alarm-", 6) == 0) {
		const char *tok = request_token(r);
		int rc = token_commune(r, tok, tok ? strlen(tok) : 0, &commune_id);
		if (rc)
			return rc;
	}
	return serve_alert(r, cap, commune_id);
}

/* ---- GET /cap/restricted/{token}/alerts/{id} ---- */

int api_cap_restricted_alert(struct req *r)
{
	int64_t commune_id;
	int rc = token_commune(r, r->params[0], strlen(r->params[0]), &commune_id);
	return rc ? rc : serve_alert(r, r->params[1], commune_id);
}

/* ---- feeds ---- */

static void warning_entry(struct req *r, const struct warning_row *w, const char *base, struct cap_entry *e)
{
	e->id = arena_printf(&r->arena, "%s/cap/alerts/warning-%" PRId64 ".xml", base, w->id);
	e->link = e->id;
	e->title = w->title;
	e->summary = arena_printf(&r->arena, "%s — %s", cap_warning_event(w->kind), w->unit_name);
	e->updated = w->updated_at;
}

static int load_current_warnings(struct req *r, int64_t commune_id, struct warning_row **rows, int *n)
{
	struct warnings_query q = {.now = time_now(),
				   .current_only = true,
				   .newest_first = true,
				   .commune_id = commune_id,
				   .limit = FEED_MAX};
	int rc = warnings_list(r->db, &r->arena, &q, rows, n);
	return rc < 0 ? http_fail_store(r, rc) : APP_OK;
}

/* ---- GET /cap/alerts.atom ---- */

int api_cap_feed(struct req *r)
{
	struct warning_row *w;
	int n;
	const char *base = base_url(r);
	int rc = load_current_warnings(r, 0, &w, &n);
	if (rc)
		return rc;
	struct cap_entry *e = arena_alloc(&r->arena, sizeof *e * (size_t)(n ? n : 1));
	if (!e)
		return APP_E_NOMEM;
	int64_t updated = 0;
	for (int i = 0; i < n; i++) {
		warning_entry(r, &w[i], base, &e[i]);
		if (w[i].updated_at > updated)
			updated = w[i].updated_at;
	}
	const char *self = arena_printf(&r->arena, "%s/cap/alerts.atom", base);
	struct cap_feed f = {.id = self,
			     .title = "Cảnh báo công khai — tiengmo",
			     .self = self,
			     .author = "tiengmo",
			     .updated = updated ? updated : time_now()};
	struct buf b;
	buf_init(&b, CAP_OUT_MAX * 4);
	rc = send_xml(r, cap_write_feed(&f, e, n, &b), &b, ATOM_CONTENT_TYPE);
	buf_release(&b);
	return rc;
}

/* ---- GET /cap/restricted/{token}.atom ---- */

int api_cap_restricted_feed(struct req *r)
{
	const char *cap = r->params[0];
	size_t len = strlen(cap);
	int64_t commune_id;
	struct unit_row commune;
	if (len <= 5 || strcmp(cap + len - 5, ".atom") != 0)
		return http_fail(r, APP_E_NOTFOUND, "no such feed");
	int rc = token_commune(r, cap, len - 5, &commune_id);
	if (rc)
		return rc;
	const char *token = arena_strndup(&r->arena, cap, len - 5);
	const char *base = base_url(r);
	rc = units_get(r->db, &r->arena, commune_id, &commune);
	if (rc != STORE_ROW)
		return rc < 0 ? http_fail_store(r, rc) : http_fail(r, APP_E_NOTFOUND, "no such feed");
	struct warning_row *w;
	int nw;
	rc = load_current_warnings(r, commune_id, &w, &nw);
	if (rc)
		return rc;
	struct alarms_query q = {.near_path = commune.path, .open_only = true, .limit = FEED_MAX};
	struct alarm_row *al;
	int na;
	rc = alarms_list(r->db, &r->arena, &q, &al, &na);
	if (rc < 0)
		return http_fail_store(r, rc);
	struct cap_entry *e = arena_alloc(&r->arena, sizeof *e * (size_t)(na + nw + 1));
	if (!e || !token)
		return APP_E_NOMEM;
	int n = 0;
	int64_t updated = 0;
	for (int i = 0; i < na; i++) {
		if (al[i].commune_id != commune_id)
			continue;
		const char *event = cap_alarm_event(al[i].kind);
		e[n].id = arena_printf(&r->arena, "urn:tiengmo:%s:alarm-%" PRId64, sender_of(r), al[i].id);
		e[n].link = arena_printf(&r->arena, "%s/cap/restricted/%s/alerts/alarm-%" PRId64 ".xml", base,
					 token, al[i].id);
		e[n].title =
		    arena_printf(&r->arena, "Báo động %s: %s", event, al[i].unit_name ? al[i].unit_name : "");
		e[n].summary = alarm_status_vi(al[i].status);
		e[n].updated = alarm_changed_at(&al[i]);
		if (e[n].updated > updated)
			updated = e[n].updated;
		n++;
	}
	for (int i = 0; i < nw; i++) {
		warning_entry(r, &w[i], base, &e[n]);
		if (w[i].updated_at > updated)
			updated = w[i].updated_at;
		n++;
	}
	struct cap_feed f = {
	    .id = arena_printf(&r->arena, "urn:tiengmo:%s:restricted:%" PRId64, sender_of(r), commune_id),
	    .title = arena_printf(&r->arena, "Báo động và cảnh báo — %s", commune.name),
	    .author = "tiengmo",
	    .updated = updated ? updated : time_now()};
	struct buf b;
	buf_init(&b, CAP_OUT_MAX * 4);
	rc = send_xml(r, cap_write_feed(&f, e, n, &b), &b, ATOM_CONTENT_TYPE);
	buf_release(&b);
	return rc;
}

/* ---- feed tokens: /api/v1/feed-tokens ---- */

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
	return http_fail(r, APP_E_FORBIDDEN, "only an admin of the whole installation manages feed tokens");
}

static int audit_token(struct req *r, const char *action, int64_t id, int64_t commune_id)
{
	char detail[64];
	snprintf(detail, sizeof detail, "{\"commune_id\":%" PRId64 "}", commune_id);
	return api_audit(r, action, "feed_token", id, detail);
}

static void write_token(struct jw *w, const struct feed_token_row *t)
{
	jw_kint(w, "id", t->id);
	jw_kint(w, "commune_id", t->commune_id);
	jw_kstr(w, "name", t->name);
	jw_ktime(w, "created_at", t->created_at);
	if (t->revoked_at)
		jw_ktime(w, "revoked_at", t->revoked_at);
	else
		jw_knull(w, "revoked_at");
}

int api_feed_tokens_list(struct req *r)
{
	if (!installation_admin(r))
		return refuse(r);
	struct feed_token_row *t;
	int n;
	int rc = feed_tokens_list(r->db, &r->arena, TOKEN_LIST_MAX, &t, &n);
	if (rc)
		return http_fail_store(r, rc);
	struct jw *w = http_json(r, 200);
	jw_obj(w);
	jw_key(w, "data");
	jw_arr(w);
	for (int i = 0; i < n; i++) {
		jw_obj(w);
		write_token(w, &t[i]);
		jw_end(w);
	}
	jw_end(w);
	jw_end(w);
	return APP_OK;
}

static const char *const token_fields[] = {"commune_id", "name", NULL};

int api_feed_tokens_create(struct req *r)
{
	json_t *body = NULL;
	const char *name = NULL;
	int64_t commune_id = 0, id = 0, now = time_now();
	char token[80], hash[CRYPTO_HASH_HEX];
	struct unit_row u;
	int rc = http_json_body(r, &body);
	if (rc)
		return rc;
	jf_no_unknown(body, token_fields, &r->fields);
	jf_int(body, "commune_id", JF_REQUIRED, 1, ((int64_t)1 << 53) - 1, &commune_id, &r->fields);
	jf_str(body, "name", JF_REQUIRED, FEED_TOKEN_NAME_MAX, &name, &r->fields);
	if (r->fields.n) {
		rc = http_fail_fields(r, &r->fields);
		goto out;
	}
	if (!installation_admin(r)) {
		rc = refuse(r);
		goto out;
	}
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
	unsigned char raw[TOKEN_BYTES];
	char b64[sodium_base64_ENCODED_LEN(TOKEN_BYTES, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
	crypto_random(raw, sizeof raw);
	sodium_bin2base64(b64, sizeof b64, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	snprintf(token, sizeof token, "tmcap_%s", b64);
	sodium_memzero(raw, sizeof raw);
	sodium_memzero(b64, sizeof b64);
	if (crypto_keyed_hash_hex("feed_token", token, strlen(token), hash) != 0) {
		rc = http_fail(r, APP_E_INTERNAL, "the token cannot be hashed (key file)");
		goto out;
	}
	rc = store_begin(r->db);
	if (rc == STORE_OK)
		rc = feed_tokens_add(r->db, commune_id, name, hash, r->user.user_id, now, &id);
	if (rc == STORE_OK)
		rc = audit_token(r, "feed_token.create", id, commune_id);
	if (rc == STORE_OK)
		rc = store_commit(r->db);
	else
		store_rollback(r->db);
	if (rc) {
		rc = http_fail_store(r, rc);
		goto out;
	}
	struct feed_token_row t = {.id = id, .commune_id = commune_id, .name = name, .created_at = now};
	struct jw *w = http_json(r, 201);
	jw_obj(w);
	jw_key(w, "data");
	jw_obj(w);
	write_token(w, &t);
	jw_kstr(w, "token", token);
	jw_kstr(w, "feed_url", arena_printf(&r->arena, "/cap/restricted/%s.atom", token));
	jw_end(w);
	jw_end(w);
	rc = APP_OK;
out:
	sodium_memzero(token, sizeof token);
	json_decref(body);
	return rc;
}

int api_feed_tokens_revoke(struct req *r)
{
	int64_t id;
	int rc = http_param_id(r, 0, &id);
	if (rc)
		return http_fail(r, rc, "no such active feed token");
	if (!installation_admin(r))
		return refuse(r);
	struct feed_token_row *t;
	int n;
	int64_t commune_id = 0;
	rc = feed_tokens_list(r->db, &r->arena, TOKEN_LIST_MAX, &t, &n);
	if (rc)
		return http_fail_store(r, rc);
	for (int i = 0; i < n; i++)
		if (t[i].id == id && !t[i].revoked_at)
			commune_id = t[i].commune_id;
	if (!commune_id)
		return http_fail(r, APP_E_NOTFOUND, "no such active feed token");
	rc = store_begin(r->db);
	if (rc == STORE_OK)
		rc = feed_tokens_revoke(r->db, id, time_now());
	if (rc == STORE_OK)
		rc = audit_token(r, "feed_token.revoke", id, commune_id);
	if (rc == STORE_OK)
		rc = store_commit(r->db);
	else
		store_rollback(r->db);
	if (rc == STORE_DONE)
		return http_fail(r, APP_E_NOTFOUND, "no such active feed token");
	if (rc)
		return http_fail_store(r, rc);
	http_text(r, 204, NULL, "");
	return APP_OK;
}
