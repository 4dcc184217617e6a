/*
 * alarms.c: the alarm endpoints — raising (a household with its secret link's Bearer token, or a
 * logged-in member), the household's view of its open alarm, the responders' list and detail (with
 * the timeline and the three nearest on-duty members), the steps (acknowledge, respond with an ETA,
 * resolve or mark a false alarm), a member's duty status and location, and the alarm kinds with their
 * gong patterns. The escalation worker (http/escalator.c) records its step through api_alarm_event.
 *
 * Scope is the area rule of domain/alarm_rules.h on the alarm's audience (its block; its commune once
 * escalated): a member of the block sees and answers it, a member of another block only once it has
 * escalated; anyone else gets 404. Every step is audited and recorded as a stream event in its own
 * transaction, and announced after the commit. Presses within the merge window add to the open alarm
 * (200 with the same alarm) and do not count against the rate limits; new alarms count per enrolment
 * (or member) and per keyed hash of the client address (never the address). The household's phone
 * leaves only in the detail, to those who may answer the alarm.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "api/api.h"
#include "domain/alarm_rules.h"
#include "http/stream.h"
#include "lib/crypto.h"
#include "lib/timeutil.h"
#include "store/alarms.h"
#include "store/audit.h"
#include "store/tips.h"
#include "store/units.h"

#define THROTTLE_WINDOW 3600
#define ALARMS_PER_ENROLMENT 6 /* new alarms per hour from one household (merged presses do not count) */
#define ALARMS_PER_MEMBER 20   /* new alarms per hour from one member */
#define ALARMS_PER_ADDRESS 20  /* new alarms per hour from one client address (keyed hash) */
#define STEPS_MAX 200
#define ETA_MAX 720
#define DUTY_FRESH (12 * 3600) /* a duty location older than this is not used for "nearest" */
#define CANDIDATES_MAX 2000
#define PHONE_MAX 128

static const char *const raise_fields[] = {"kind", "note", "lat", "lng", "unit_id", NULL};

/* ---- JSON ---- */

static const char *source_of(const struct alarm_row *a)
{
	return a->enrolment_id ? "household" : "member";
}

static void ktime_or_null(struct jw *w, const char *k, int64_t t)
{
	if (t)
		jw_ktime(w, k, t);
	else
		jw_knull(w, k);
}

/* The fields of the Alarm object into the open object of w. */
static void alarm_fields(struct jw *w, const struct alarm_row *a)
{
	jw_kint(w, "id", a->id);
	jw_kstr(w, "kind", a->kind);
	jw_kstr(w, "status", a->status);
	jw_kstr(w, "note", a->note);
	jw_kint(w, "unit_id", a->unit_id);
	jw_kstr(w, "unit_name", a->unit_name);
	jw_kint(w, "commune_id", a->commune_id);
	jw_kbool(w, "escalated", a->escalated_at != 0);
	if (a->has_location) {
		jw_key(w, "lat");
		jw_double(w, a->lat);
		jw_key(w, "lng");
		jw_double(w, a->lng);
	} else {
		jw_knull(w, "lat");
		jw_knull(w, "lng");
	}
	jw_kstr(w, "address", a->address);
	jw_kint(w, "presses", a->presses);
	jw_kstr(w, "source", source_of(a));
	jw_ktime(w, "raised_at", a->raised_at);
	ktime_or_null(w, "acknowledged_at", a->acknowledged_at);
	ktime_or_null(w, "responding_at", a->responding_at);
	ktime_or_null(w, "escalated_at", a->escalated_at);
	ktime_or_null(w, "resolved_at", a->resolved_at);
	jw_kbool(w, "false_alarm", strcmp(a->status, "false_alarm") == 0);
	if (a->eta_minutes >= 0)
		jw_kint(w, "eta_minutes", a->eta_minutes);
	else
		jw_knull(w, "eta_minutes");
}

int api_alarm_event(struct store *db, const struct alarm_row *a, const char *name, int64_t now,
		    int64_t *event_id)
{
	struct buf b;
	struct jw w;
	int rc = STORE_E_NOMEM;
	buf_init(&b, STREAM_DATA_MAX);
	jw_init(&w, &b);
	jw_obj(&w);
	alarm_fields(&w, a);
	jw_end(&w);
	if (!b.err) {
		struct stream_event e = {
		    .name = name,
		    .perm = PERM_ALARMS_READ,
		    .reach = STREAM_REACH_AREA,
		    .unit_path = a->audience_path,
		    .commune_id = a->commune_id,
		    .data = buf_str(&b),
		};
		rc = stream_record(db, &e, now, event_id);
	}
	buf_release(&b);
	return rc;
}

static void write_steps(struct jw *w, const struct alarm_step *s, int n, bool names)
{
	jw_key(w, "steps");
	jw_arr(w);
	for (int i = 0; i < n; i++) {
		jw_obj(w);
		jw_ktime(w, "at", s[i].at);
		jw_kstr(w, "kind", s[i].kind);
		if (names) {
			if (s[i].user_id)
				jw_kint(w, "user_id", s[i].user_id);
			else
				jw_knull(w, "user_id");
			jw_kstr(w, "actor", s[i].actor);
		}
		if (s[i].eta_minutes >= 0)
			jw_kint(w, "eta_minutes", s[i].eta_minutes);
		else
			jw_knull(w, "eta_minutes");
		jw_kstr(w, "note", s[i].note);
		jw_end(w);
	}
	jw_end(w);
}

/* 200/201 with {"data": Alarm}. */
static int answer_alarm(struct req *r, int status, const struct alarm_row *a)
{
	struct jw *w = http_json(r, status);
	jw_obj(w);
	jw_key(w, "data");
	jw_obj(w);
	alarm_fields(w, a);
	jw_end(w);
	jw_end(w);
	return APP_OK;
}

/* ---- helpers ---- */

/* The audit entry of an alarm's step: a household's press has no account behind it. */
static int audit_alarm(struct req *r, bool household, const char *action, int64_t id, const char *detail)
{
	return household ? api_audit_as(r, 0, "public", action, "alarm", id, detail)
			 : api_audit(r, action, "alarm", id, detail);
}

static const char *throttle_key(struct req *r, const char *what, int64_t id)
{
	char h[CRYPTO_HASH_HEX];
	if (id)
		return arena_printf(&r->arena, "%s:%" PRId64, what, id);
	if (crypto_keyed_hash_hex("client_address", r->addr, strlen(r->addr), h) != 0)
		return NULL;
	return arena_printf(&r->arena, "%s:%s", what, h);
}

/* APP_E_LIMIT (429 with Retry-After) when key has `limit` entries in the last hour; APP_OK when not. */
static int throttled(struct req *r, const char *key, int limit, const char *msg)
{
	int count = 0;
	int64_t oldest = 0, now = time_now();
	if (!key)
		return http_fail(r, APP_E_INTERNAL, "the rate limit cannot be keyed (encryption key)");
	int rc = throttle_recent(r->db, key, now - THROTTLE_WINDOW + 1, limit, &count, &oldest);
	if (rc)
		return http_fail_store(r, rc);
	if (count < limit)
		return APP_OK;
	int64_t wait = oldest + THROTTLE_WINDOW - now;
	char *v = arena_printf(&r->arena, "%" PRId64, wait < 1 ? (int64_t)1 : wait);
	if (v)
		http_header(r, "Retry-After", v);
	r->err_code = "rate_limited";
	return http_fail(r, APP_E_LIMIT, msg);
}

/* Does p hold perm through a grant (team grants included) whose unit holds unit_path? */
static bool holds_over(const struct principal *p, enum perm perm, const char *unit_path)
{
	for (int i = 0; i < p->ngrants; i++) {
		const struct grant *g = &p->grants[i];
		if (!perm_role_has(g->role, perm))
			continue;
		if (!g->unit_path ? !g->team_id : perm_path_within(unit_path, g->unit_path))
			return true;
	}
	return false;
}

/* The block's path for a block or group unit: the path up to and including the block's id. */
static const char *block_path(struct req *r, const struct unit_row *u)
{
	if (u->kind == UNIT_BLOCK)
		return u->path;
	/* a group "/1/5/23/40/": drop the last id */
	size_t n = strlen(u->path);
	if (n < 2)
		return u->path;
	size_t k = n - 1;
	while (k > 0 && u->path[k - 1] != '/')
		k--;
	return arena_strndup(&r->arena, u->path, k);
}

/* The household's enrolment from "Authorization: Bearer TOKEN": APP_OK, or 401 (same message for an
 * unknown and a revoked token). */
static int household(struct req *r, struct enrolment_row *e)
{
	const char *h = http_req_header(r, "Authorization");
	char hash[CRYPTO_HASH_HEX];
	r->err_code = NULL;
	if (!h || strncasecmp(h, "Bearer ", 7) != 0 || !h[7] || strlen(h + 7) > 128)
		return http_fail(r, APP_E_AUTH, "unknown or revoked alarm link");
	if (crypto_keyed_hash_hex("alarm_token", h + 7, strlen(h + 7), hash) != 0)
		return http_fail(r, APP_E_INTERNAL, "the alarm link cannot be checked (encryption key)");
	int rc = enrolments_get_by_token(r->db, &r->arena, hash, e);
	if (rc < 0)
		return http_fail_store(r, rc);
	if (rc == STORE_DONE)
		return http_fail(r, APP_E_AUTH, "unknown or revoked alarm link");
	return APP_OK;
}

/* ---- raising ---- */

struct raise {
	const struct enrolment_row *enrolment; /* the household, or NULL for a member */
	struct unit_row unit;
	const char *kind;
	const char *note;
	bool has_location;
	double lat, lng;
};

/* Reads kind, note, lat, lng (and unit_id for members) from o. */
static void read_raise(struct req *r, json_t *o, struct raise *in, bool member, int64_t *unit_id)
{
	struct field_errs *fe = &r->fields;
	const char *s;
	int64_t v;
	jf_no_unknown(o, member ? raise_fields : (const char *const[]){"kind", "note", "lat", "lng", NULL},
		      fe);
	if (jf_str(o, "kind", JF_REQUIRED, 32, &s, fe) == 1)
		in->kind = s;
	if (jf_str(o, "note", JF_OPTIONAL, ALARM_NOTE_MAX, &s, fe) == 1 && *s)
		in->note = s;
	if (member && jf_int(o, "unit_id", JF_OPTIONAL, 1, ((int64_t)1 << 53) - 1, &v, fe) == 1)
		*unit_id = v;
	json_t *lat = json_object_get(o, "lat"), *lng = json_object_get(o, "lng");
	bool has_lat = lat && !json_is_null(lat), has_lng = lng && !json_is_null(lng);
	if (has_lat != has_lng)
		field_err(fe, has_lat ? "lng" : "lat", "give both lat and lng, or neither");
	else if (has_lat) {
		if (!json_is_number(lat) || !json_is_number(lng) ||
		    !alarm_point_valid(json_number_value(lat), json_number_value(lng)))
			field_err(fe, "lat", "lat and lng must be a point in degrees (-90..90, -180..180)");
		else {
			in->has_location = true;
			in->lat = json_number_value(lat);
			in->lng = json_number_value(lng);
		}
	}
}

/* The alarm's household phone (opened), for responders; NULL when none. */
static const char *household_phone(struct req *r, int64_t enrolment_id, const char **label)
{
	struct enrolment_row e;
	*label = NULL;
	if (!enrolment_id || enrolments_get(r->db, &r->arena, enrolment_id, &e) != STORE_ROW)
		return NULL;
	*label = e.label;
	if (!e.phone_sealed)
		return NULL;
	char *out = arena_alloc(&r->arena, PHONE_MAX);
	if (!out || crypto_open(e.phone_sealed, out, PHONE_MAX) < 0)
		return NULL;
	return out;
}

/* Raises (or, within the merge window, presses again) and answers 201 or 200. */
static int do_raise(struct req *r, struct raise *in)
{
	struct alarm_row a, open;
	struct alarm_kind kind;
	int64_t now = time_now(), id = 0, event_id = 0;
	bool hh = in->enrolment != NULL;
	int rc = alarms_kind_get(r->db, &r->arena, in->kind, &kind);
	if (rc < 0)
		return http_fail_store(r, rc);
	if (rc == STORE_DONE) {
		field_err(&r->fields, "kind", "is not an alarm kind (GET /api/v1/public/alarm-kinds)");
		return http_fail_fields(r, &r->fields);
	}

	/* a press within the merge window adds to the open alarm */
	rc = alarms_open_of(r->db, &r->arena, hh ? in->enrolment->id : 0, hh ? 0 : r->user.user_id, &open);
	if (rc < 0)
		return http_fail_store(r, rc);
	if (rc == STORE_ROW &&
	    alarm_should_merge((enum alarm_status)alarm_status_parse(open.status), open.last_press_at, now)) {
		rc = store_begin(r->db);
		if (rc)
			return http_fail_store(r, rc);
		rc = alarms_press(r->db, open.id, now);
		if (rc == STORE_OK)
			rc = alarms_step_add(r->db, open.id, open.commune_id, "pressed",
					     hh ? 0 : r->user.user_id, -1,
					     strcmp(open.kind, in->kind) ? in->kind : NULL, now);
		if (rc == STORE_OK)
			rc = audit_alarm(r, hh, "alarm.press", open.id,
					 arena_printf(&r->arena, "{\"unit_id\":%" PRId64 "}", open.unit_id));
		if (rc == STORE_OK)
			rc = store_commit(r->db);
		else
			store_rollback(r->db);
		if (rc == STORE_OK) {
			rc = alarms_get(r->db, &r->arena, open.id, &open);
			return rc == STORE_ROW ? answer_alarm(r, 200, &open) : http_fail_store(r, rc);
		}
		if (rc != STORE_DONE) /* DONE: it closed meanwhile, so this press raises a new alarm */
			return http_fail_store(r, rc);
	}

	/* rate limits for a new alarm */
	const char *skey = hh ? throttle_key(r, "alarm_enrolment", in->enrolment->id)
			      : throttle_key(r, "alarm_member", r->user.user_id);
	const char *akey = hh ? throttle_key(r, "alarm_address", 0) : NULL;
	rc = throttled(r, skey, hh ? ALARMS_PER_ENROLMENT : ALARMS_PER_MEMBER,
		       "too many alarms from this link; call the police on 113");
	if (!rc && hh)
		rc = throttled(r, akey, ALARMS_PER_ADDRESS,
			       "too many alarms from this connection; call the police on 113");
	if (rc)
		return rc;

	memset(&a, 0, sizeof a);
	a.commune_id = in->unit.commune_id;
	a.unit_id = in->unit.id;
	a.audience_path = block_path(r, &in->unit);
	a.enrolment_id = hh ? in->enrolment->id : 0;
	a.raised_by = hh ? 0 : r->user.user_id;
	a.kind = kind.code;
	a.note = in->note;
	a.has_location = in->has_location;
	a.lat = in->lat;
	a.lng = in->lng;
	a.address =
	    hh ? arena_printf(&r->arena, "%s, %s", in->enrolment->label, in->unit.name) : in->unit.name;
	if (!a.audience_path || !a.address)
		return APP_E_NOMEM;
	if (strlen(a.address) > ALARM_ADDRESS_MAX)
		a.address = arena_strndup(&r->arena, a.address, ALARM_ADDRESS_MAX);

	rc = store_begin(r->db);
	if (rc)
		return http_fail_store(r, rc);
	rc = alarms_insert(r->db, &a, now, &id);
	if (rc == STORE_OK)
		rc = audit_alarm(r, hh, "alarm.raise", id,
				 arena_printf(&r->arena,
					      "{\"unit_id\":%" PRId64 ",\"kind\":\"%s\",\"source\":\"%s\"}",
					      a.unit_id, a.kind, hh ? "household" : "member"));
	if (rc == STORE_OK)
		rc = throttle_add(r->db, skey, now, now - THROTTLE_WINDOW);
	if (rc == STORE_OK && hh)
		rc = throttle_add(r->db, akey, now, now - THROTTLE_WINDOW);
	if (rc == STORE_OK)
		rc = alarms_get(r->db, &r->arena, id, &a) == STORE_ROW ? STORE_OK : STORE_E_DB;
	if (rc == STORE_OK)
		rc = api_alarm_event(r->db, &a, "alarm.raised", now, &event_id);
	if (rc == STORE_OK)
		rc = store_commit(r->db);
	else
		store_rollback(r->db);
	if (rc)
		return http_fail_store(r, rc);
	stream_announce(event_id);
	return answer_alarm(r, 201, &a);
}

/* ---- POST /api/v1/public/alarms ---- */

int api_public_alarms_create(struct req *r)
{
	json_t *body = NULL;
	struct enrolment_row e;
	struct raise in = {0};
	int rc = household(r, &e);
	if (rc)
		return rc;
	rc = http_json_body(r, &body);
	if (rc)
		return rc;
	read_raise(r, body, &in, false, NULL);
	if (r->fields.n) {
		rc = http_fail_fields(r, &r->fields);
		goto out;
	}
	rc = units_get(r->db, &r->arena, e.unit_id, &in.unit);
	if (rc != STORE_ROW) {
		rc = rc < 0 ? http_fail_store(r, rc)
			    : http_fail(r, APP_E_AUTH, "unknown or revoked alarm link");
		goto out;
	}
	in.enrolment = &e;
	rc = do_raise(r, &in);
out:
	json_decref(body);
	return rc;
}

/* ---- GET /api/v1/public/alarms/mine ---- */

int api_public_alarms_mine(struct req *r)
{
	struct enrolment_row e;
	struct alarm_row a;
	struct alarm_step *s = NULL;
	int n = 0;
	int rc = household(r, &e);
	if (rc)
		return rc;
	rc = alarms_open_of(r->db, &r->arena, e.id, 0, &a);
	if (rc < 0)
		return http_fail_store(r, rc);
	bool open = rc == STORE_ROW;
	if (open && (rc = alarms_steps(r->db, &r->arena, a.id, STEPS_MAX, &s, &n)) != STORE_OK)
		return http_fail_store(r, rc);
	struct jw *w = http_json(r, 200);
	jw_obj(w);
	jw_key(w, "data");
	if (open) {
		jw_obj(w);
		alarm_fields(w, &a);
		write_steps(w, s, n, false); /* the household sees what happens, not who */
		jw_end(w);
	} else {
		jw_null(w);
	}
	jw_end(w);
	return APP_OK;
}

/* ---- POST /api/v1/alarms ---- */

int api_alarms_create(struct req *r)
{
	json_t *body = NULL;
	struct raise in = {0};
	int64_t unit_id = 0;
	int rc = http_json_body(r, &body);
	if (rc)
		return rc;
	read_raise(r, body, &in, true, &unit_id);
	if (r->fields.n) {
		rc = http_fail_fields(r, &r->fields);
		goto out;
	}
	if (!unit_id) { /* the one block or group the member's raising grant is on */
		int found = 0;
		for (int i = 0; i < r->user.ngrants; i++) {
			const struct grant *g = &r->user.grants[i];
			if (perm_role_has(g->role, PERM_ALARMS_RAISE) && g->unit_id &&
			    g->unit_id != unit_id) {
				unit_id = g->unit_id;
				found++;
			}
		}
		if (found != 1)
			unit_id = 0;
	}
	if (!unit_id) {
		field_err(&r->fields, "unit_id", "is required: say which block or group the alarm is for");
		rc = http_fail_fields(r, &r->fields);
		goto out;
	}
	rc = units_get(r->db, &r->arena, unit_id, &in.unit);
	if (rc < 0) {
		rc = http_fail_store(r, rc);
		goto out;
	}
	if (rc == STORE_DONE || (in.unit.kind != UNIT_BLOCK && in.unit.kind != UNIT_GROUP) ||
	    !holds_over(&r->user, PERM_ALARMS_RAISE, in.unit.path)) {
		field_err(&r->fields, "unit_id", "no such block or group where you may raise alarms");
		rc = http_fail_fields(r, &r->fields);
		goto out;
	}
	rc = do_raise(r, &in);
out:
	json_decref(body);
	return rc;
}

/* ---- GET /api/v1/alarms ---- */

/* The deepest path holding every grant path that carries perm (team grants included); NULL when a
 * grant covers the installation; "/0/" when none. */
static const char *near_path(struct req *r, enum perm perm)
{
	const char *first = NULL;
	size_t len = 0;
	for (int i = 0; i < r->user.ngrants; i++) {
		const struct grant *g = &r->user.grants[i];
		if (!perm_role_has(g->role, perm))
			continue;
		if (!g->unit_path) {
			if (!g->team_id)
				return NULL;
			continue;
		}
		if (!first) {
			first = g->unit_path;
			len = strlen(first);
			continue;
		}
		size_t k = 0;
		while (k < len && g->unit_path[k] && g->unit_path[k] == first[k])
			k++;
		len = k;
	}
	if (!first)
		return "/0/";
	while (len > 0 && first[len - 1] != '/')
		len--;
	return arena_strndup(&r->arena, first, len ? len : 1);
}

int api_alarms_list(struct req *r)
{
	struct alarms_query q = {0};
	int64_t cursor = 0;
	int limit = 50;
	int rc = http_page_args(r, &cursor, &limit);
	if (rc)
		return rc;
	const char *status = http_query(r, "status");
	if (status && *status && strcmp(status, "open") != 0 && strcmp(status, "all") != 0) {
		field_err(&r->fields, "status", "must be open or all");
		return http_fail(r, APP_E_PARAM, "malformed query");
	}
	q.open_only = status && strcmp(status, "open") == 0;
	q.near_path = near_path(r, PERM_ALARMS_READ);
	struct alarm_row *page = arena_alloc(&r->arena, sizeof *page * (size_t)(limit + 1));
	int n = 0;
	if (!page)
		return APP_E_NOMEM;
	q.before_id = cursor;
	q.limit = limit + 1 < 50 ? 50 : limit + 1;
	for (;;) {
		struct alarm_row *batch;
		int nb;
		rc = alarms_list(r->db, &r->arena, &q, &batch, &nb);
		if (rc < 0)
			return http_fail_store(r, rc);
		for (int i = 0; i < nb && n <= limit; i++)
			if (alarm_area_allows(&r->user, PERM_ALARMS_READ, batch[i].audience_path))
				page[n++] = batch[i];
		if (nb < q.limit || n > limit)
			break;
		q.before_id = batch[nb - 1].id;
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
		alarm_fields(w, &page[i]);
		jw_end(w);
	}
	jw_end(w);
	http_next_cursor(w, more ? page[n - 1].id : 0);
	jw_end(w);
	return APP_OK;
}

/* ---- GET /api/v1/alarms/{id} ---- */

static int load_visible(struct req *r, struct alarm_row *a)
{
	int64_t id;
	int rc = http_param_id(r, 0, &id);
	if (rc)
		return http_fail(r, rc, "no such alarm");
	rc = alarms_get(r->db, &r->arena, id, a);
	if (rc < 0)
		return http_fail_store(r, rc);
	if (rc == STORE_DONE || !alarm_area_allows(&r->user, PERM_ALARMS_READ, a->audience_path))
		return http_fail(r, APP_E_NOTFOUND, "no such alarm");
	return APP_OK;
}

/* The nearest on-duty members who may answer a (none when it has no location). */
static int write_nearest(struct req *r, struct jw *w, const struct alarm_row *a)
{
	struct duty_candidate *c = NULL;
	int n = 0, k = 0, rc;
	struct alarm_near best[ALARM_NEAREST];
	jw_key(w, "nearest");
	jw_arr(w);
	if (a->has_location) {
		rc = duty_candidates(r->db, &r->arena, a->audience_path, time_now() - DUTY_FRESH,
				     CANDIDATES_MAX, &c, &n);
		if (rc)
			return rc;
		struct alarm_near *near = arena_alloc(&r->arena, sizeof *near * (size_t)(n ? n : 1));
		int m = 0;
		if (!near)
			return STORE_E_NOMEM;
		for (int i = 0; i < n; i++) {
			int role = perm_role_parse(c[i].role);
			if (role < 0 || !perm_role_has((enum role)role, PERM_ALARMS_RESPOND))
				continue;
			near[m].user_id = c[i].user_id;
			near[m].distance_m = alarm_distance_m(a->lat, a->lng, c[i].lat, c[i].lng);
			m++;
		}
		alarm_nearest(near, m, ALARM_NEAREST, best, &k);
		for (int j = 0; j < k; j++) {
			const struct duty_candidate *who = NULL;
			for (int i = 0; i < n && !who; i++)
				if (c[i].user_id == best[j].user_id)
					who = &c[i];
			jw_obj(w);
			jw_kint(w, "user_id", best[j].user_id);
			jw_kstr(w, "name", who ? who->name : NULL);
			jw_kint(w, "distance_m", (int64_t)(best[j].distance_m + 0.5));
			jw_ktime(w, "updated_at", who ? who->updated_at : 0);
			jw_end(w);
		}
	}
	jw_end(w);
	return STORE_OK;
}

/* 200 with the Alarm, its steps, the nearest members and (for responders, a household's alarm) the
 * household's label and phone. */
static int answer_detail(struct req *r, const struct alarm_row *a)
{
	struct alarm_step *s;
	int n;
	int rc = alarms_steps(r->db, &r->arena, a->id, STEPS_MAX, &s, &n);
	if (rc)
		return http_fail_store(r, rc);
	struct jw *w = http_json(r, 200);
	jw_obj(w);
	jw_key(w, "data");
	jw_obj(w);
	alarm_fields(w, a);
	write_steps(w, s, n, true);
	rc = write_nearest(r, w, a);
	if (rc)
		return http_fail_store(r, rc);
	if (a->enrolment_id && alarm_area_allows(&r->user, PERM_ALARMS_RESPOND, a->audience_path)) {
		const char *label;
		const char *phone = household_phone(r, a->enrolment_id, &label);
		jw_key(w, "household");
		jw_obj(w);
		jw_kint(w, "enrolment_id", a->enrolment_id);
		jw_kstr(w, "label", label);
		jw_kstr(w, "phone", phone);
		jw_end(w);
	}
	jw_end(w);
	jw_end(w);
	return APP_OK;
}

int api_alarms_get(struct req *r)
{
	struct alarm_row a;
	int rc = load_visible(r, &a);
	if (rc)
		return rc;
	return answer_detail(r, &a);
}

/* ---- POST /api/v1/alarms/{id}/ack|respond|resolve ---- */

static const char *const from_ack[] = {"raised", NULL};
static const char *const from_open[] = {"raised", "acknowledged", "responding", NULL};

static int step(struct req *r, enum alarm_action action)
{
	json_t *body = NULL;
	struct alarm_row a;
	int64_t eta = -1, now = time_now(), event_id = 0;
	bool false_alarm = false;
	const char *note = NULL;
	enum alarm_status to;
	char why[96];
	int rc = load_visible(r, &a);
	if (rc)
		return rc;
	if (r->body.len > 0) {
		rc = http_json_body(r, &body);
		if (rc)
			return rc;
		static const char *const ack_fields[] = {"note", NULL};
		static const char *const respond_fields[] = {"eta_minutes", "note", NULL};
		static const char *const resolve_fields[] = {"false_alarm", "note", NULL};
		jf_no_unknown(body,
			      action == ALARM_ACT_ACK	    ? ack_fields
			      : action == ALARM_ACT_RESPOND ? respond_fields
							    : resolve_fields,
			      &r->fields);
		if (action == ALARM_ACT_RESPOND)
			jf_int(body, "eta_minutes", JF_OPTIONAL, 0, ETA_MAX, &eta, &r->fields);
		if (action == ALARM_ACT_RESOLVE)
			jf_bool(body, "false_alarm", JF_OPTIONAL, &false_alarm, &r->fields);
		if (jf_str(body, "note", JF_OPTIONAL, ALARM_NOTE_MAX, &note, &r->fields) == 1 && !*note)
			note = NULL;
		if (r->fields.n) {
			rc = http_fail_fields(r, &r->fields);
			goto out;
		}
	}
	if (!alarm_area_allows(&r->user, PERM_ALARMS_RESPOND, a.audience_path)) {
		rc = http_fail(r, APP_E_FORBIDDEN, "your role may not answer this alarm");
		goto out;
	}
	if (alarm_action_check((enum alarm_status)alarm_status_parse(a.status), action, false_alarm, &to, why,
			       sizeof why)) {
		rc = http_fail(r, APP_E_CONFLICT, arena_strdup(&r->arena, why));
		goto out;
	}
	static const char *const event_names[] = {"alarm.acknowledged", "alarm.responding", "alarm.resolved"};
	static const char *const actions[] = {"alarm.acknowledge", "alarm.respond", "alarm.resolve"};
	rc = store_begin(r->db);
	if (rc) {
		rc = http_fail_store(r, rc);
		goto out;
	}
	rc = alarms_transition(r->db, a.id, action == ALARM_ACT_ACK ? from_ack : from_open,
			       alarm_status_names[to], now);
	if (rc == STORE_OK)
		rc = alarms_step_add(r->db, a.id, a.commune_id, alarm_status_names[to], r->user.user_id,
				     (int)eta, note, now);
	if (rc == STORE_OK)
		rc = audit_alarm(r, false, actions[action], a.id,
				 arena_printf(&r->arena, "{\"unit_id\":%" PRId64 ",\"status\":\"%s\"}",
					      a.unit_id, alarm_status_names[to]));
	if (rc == STORE_OK)
		rc = alarms_get(r->db, &r->arena, a.id, &a) == STORE_ROW ? STORE_OK : STORE_E_DB;
	if (rc == STORE_OK)
		rc = api_alarm_event(r->db, &a, event_names[action], now, &event_id);
	if (rc == STORE_OK)
		rc = store_commit(r->db);
	else
		store_rollback(r->db);
	if (rc == STORE_DONE) { /* another member moved it first */
		rc = alarms_get(r->db, &r->arena, a.id, &a);
		rc =
		    http_fail(r, APP_E_CONFLICT,
			      rc == STORE_ROW ? arena_printf(&r->arena, "the alarm is already '%s'", a.status)
					      : "the alarm changed meanwhile");
		goto out;
	}
	if (rc) {
		rc = http_fail_store(r, rc);
		goto out;
	}
	stream_announce(event_id);
	rc = answer_detail(r, &a);
out:
	json_decref(body);
	return rc;
}

int api_alarms_ack(struct req *r)
{
	return step(r, ALARM_ACT_ACK);
}

int api_alarms_respond(struct req *r)
{
	return step(r, ALARM_ACT_RESPOND);
}

int api_alarms_resolve(struct req *r)
{
	return step(r, ALARM_ACT_RESOLVE);
}

/* ---- /api/v1/me/duty ---- */

static int answer_duty(struct req *r, const struct duty_row *d)
{
	struct jw *w = http_json(r, 200);
	jw_obj(w);
	jw_key(w, "data");
	jw_obj(w);
	jw_kbool(w, "on_duty", d->on_duty);
	if (d->has_location) {
		jw_key(w, "lat");
		jw_double(w, d->lat);
		jw_key(w, "lng");
		jw_double(w, d->lng);
	} else {
		jw_knull(w, "lat");
		jw_knull(w, "lng");
	}
	ktime_or_null(w, "updated_at", d->updated_at);
	jw_end(w);
	jw_end(w);
	return APP_OK;
}

int api_duty_get(struct req *r)
{
	struct duty_row d;
	int rc = duty_get(r->db, r->user.user_id, &d);
	if (rc)
		return http_fail_store(r, rc);
	return answer_duty(r, &d);
}

int api_duty_put(struct req *r)
{
	static const char *const fields[] = {"on_duty", "lat", "lng", NULL};
	json_t *body = NULL;
	struct duty_row d = {.user_id = r->user.user_id};
	int64_t now = time_now();
	int rc = http_json_body(r, &body);
	if (rc)
		return rc;
	jf_no_unknown(body, fields, &r->fields);
	jf_bool(body, "on_duty", JF_REQUIRED, &d.on_duty, &r->fields);
	json_t *lat = json_object_get(body, "lat"), *lng = json_object_get(body, "lng");
	bool has_lat = lat && !json_is_null(lat), has_lng = lng && !json_is_null(lng);
	if (has_lat != has_lng)
		field_err(&r->fields, has_lat ? "lng" : "lat", "give both lat and lng, or neither");
	else if (has_lat) {
		if (!json_is_number(lat) || !json_is_number(lng) ||
		    !alarm_point_valid(json_number_value(lat), json_number_value(lng)))
			field_err(&r->fields, "lat",
				  "lat and lng must be a point in degrees (-90..90, -180..180)");
		else if (d.on_duty) { /* an off-duty member's whereabouts are not kept */
			d.has_location = true;
			d.lat = json_number_value(lat);
			d.lng = json_number_value(lng);
		}
	}
	if (r->fields.n) {
		rc = http_fail_fields(r, &r->fields);
		goto out;
	}
	rc = store_begin(r->db);
	if (rc) {
		rc = http_fail_store(r, rc);
		goto out;
	}
	rc = duty_set(r->db, &d, now);
	if (rc == STORE_OK)
		rc = api_audit(r, "duty.update", "user", r->user.user_id,
			       d.on_duty ? "{\"on_duty\":true}" : "{\"on_duty\":false}");
	if (rc == STORE_OK)
		rc = store_commit(r->db);
	else
		store_rollback(r->db);
	if (rc) {
		rc = http_fail_store(r, rc);
		goto out;
	}
	d.updated_at = now;
	rc = answer_duty(r, &d);
out:
	json_decref(body);
	return rc;
}

/* ---- alarm kinds ---- */

static int answer_kinds(struct req *r)
{
	struct alarm_kind *k;
	int n;
	int rc = alarms_kinds(r->db, &r->arena, &k, &n);
	if (rc)
		return http_fail_store(r, rc);
	struct jw *w = http_json(r, 200);
	jw_obj(w);
	jw_key(w, "data");
	jw_arr(w);
	for (int i = 0; i < n; i++) {
		jw_obj(w);
		jw_kstr(w, "code", k[i].code);
		jw_kstr(w, "name_vi", k[i].name_vi);
		jw_kstr(w, "name_en", k[i].name_en);
		jw_kstr(w, "gong_pattern", k[i].gong_pattern);
		jw_end(w);
	}
	jw_end(w);
	jw_end(w);
	return APP_OK;
}

int api_alarm_kinds(struct req *r)
{
	return answer_kinds(r);
}

int api_public_alarm_kinds(struct req *r)
{
	return answer_kinds(r);
}

int api_alarm_kinds_update(struct req *r)
{
	static const char *const fields[] = {"gong_pattern", NULL};
	json_t *body = NULL;
	const char *pattern = NULL;
	const char *code = r->params[0];
	struct alarm_kind k;
	bool admin = false;
	for (int i = 0; i < r->user.ngrants; i++)
		admin = admin || (r->user.grants[i].role == ROLE_ADMIN && !r->user.grants[i].unit_id &&
				  !r->user.grants[i].team_id);
	int rc = alarms_kind_get(r->db, &r->arena, code, &k);
	if (rc < 0)
		return http_fail_store(r, rc);
	if (rc == STORE_DONE)
		return http_fail(r, APP_E_NOTFOUND, "no such alarm kind");
	if (!admin)
		return http_fail(r, APP_E_FORBIDDEN,
				 "only an admin of the whole installation sets gong patterns");
	rc = http_json_body(r, &body);
	if (rc)
		return rc;
	jf_no_unknown(body, fields, &r->fields);
	if (jf_str(body, "gong_pattern", JF_REQUIRED, GONG_PATTERN_MAX, &pattern, &r->fields) == 1 &&
	    !alarm_gong_pattern_valid(pattern))
		field_err(&r->fields, "gong_pattern",
			  "must be groups of 1 to 9 strikes joined by '-', such as '3-1'");
	if (r->fields.n) {
		rc = http_fail_fields(r, &r->fields);
		goto out;
	}
	rc = store_begin(r->db);
	if (rc) {
		rc = http_fail_store(r, rc);
		goto out;
	}
	rc = alarms_kind_set_pattern(r->db, k.code, pattern);
	if (rc == STORE_OK) {
		struct audit_entry e = {
		    .user_id = r->user.user_id,
		    .actor = r->user.username,
		    .address = r->addr,
		    .action = "alarm_kind.update",
		    .entity = "alarm_kind",
		    .entity_id = k.code,
		    .detail = arena_printf(&r->arena, "{\"gong_pattern\":\"%s\"}", pattern),
		};
		rc = e.detail ? audit_append(r->db, &e) : STORE_E_NOMEM;
	}
	if (rc == STORE_OK)
		rc = store_commit(r->db);
	else
		store_rollback(r->db);
	if (rc) {
		rc = http_fail_store(r, rc);
		goto out;
	}
	struct jw *w = http_json(r, 200);
	jw_obj(w);
	jw_key(w, "data");
	jw_obj(w);
	jw_kstr(w, "code", k.code);
	jw_kstr(w, "name_vi", k.name_vi);
	jw_kstr(w, "name_en", k.name_en);
	jw_kstr(w, "gong_pattern", pattern);
	jw_end(w);
	jw_end(w);
	rc = APP_OK;
out:
	json_decref(body);
	return rc;
}
