/*
 * outreach.c: the /api/v1/outreach endpoints — sessions (list with filters, record one, record a series
 * at once, read, change, delete), their files (photos and the sign-in sheet), the extendable list of
 * topics — and GET /api/v1/stats/outreach, the sessions and participants of a period by topic, unit,
 * organiser and month.
 *
 * Scope: a session lies on a unit; the caller sees the sessions of the subtrees where they hold
 * movement.read (others answer 404) and writes them as domain/movement.h says: admins and officers
 * any session of their units, a coordinator only the sessions their own organisation organises or
 * co-organises (403 otherwise). Every write is audited (outreach_session.create, .update, .delete,
 * .file; outreach_topic.create). Not for models and exemplars (models.c).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "domain/movement.h"
#include "lib/crypto.h"
#include "lib/media.h"
#include "lib/timeutil.h"
#include "store/audit.h"
#include "store/organisations.h"
#include "store/outreach.h"
#include "store/units.h"
#include "store/uploads.h"
#include "store/users.h"

#define OUTREACH_FILE_BYTES (10u << 20)
#define OUTREACH_FILES_MAX 40
#define OUTREACH_TOPICS_LIST_MAX 200

/* The organisation the caller speaks for (users.organisation_id), 0 when none. */
static int64_t own_org(struct req *r)
{
	struct user_row u;
	return users_get(r->db, &r->arena, r->user.user_id, &u) == STORE_ROW ? u.organisation_id : 0;
}

static bool may_write(struct req *r, const struct outreach_session *s)
{
	int64_t orgs[OUTREACH_ORGANISERS_MAX];
	for (int i = 0; i < s->norganisers; i++)
		orgs[i] = s->organisers[i].id;
	return movement_may_write(&r->user, s->unit_path, own_org(r), orgs, s->norganisers);
}

static int audit_session(struct req *r, const char *action, const struct outreach_session *s,
			 const char *extra)
{
	const char *detail = arena_printf(
	    &r->arena, "{\"unit_id\":%" PRId64 ",\"kind\":\"%s\",\"participants\":%" PRId64 "%s}", s->unit_id,
	    s->kind, s->participants, extra ? extra : "");
	return api_audit(r, action, "outreach_session", s->id, detail);
}

static void write_session(struct req *r, struct jw *w, const struct outreach_session *s, bool full)
{
	jw_obj(w);
	jw_kint(w, "id", s->id);
	jw_kint(w, "commune_id", s->commune_id);
	jw_kint(w, "unit_id", s->unit_id);
	jw_kstr(w, "unit_name", s->unit_name);
	jw_kstr(w, "kind", s->kind);
	jw_ktime(w, "held_at", s->held_at);
	jw_kstr(w, "place", s->place);
	jw_kint(w, "participants", s->participants);
	jw_kstr(w, "notes", s->notes);
	if (s->series_id)
		jw_kint(w, "series_id", s->series_id);
	else
		jw_knull(w, "series_id");
	jw_key(w, "organisers");
	jw_arr(w);
	for (int i = 0; i < s->norganisers; i++) {
		jw_obj(w);
		jw_kint(w, "id", s->organisers[i].id);
		jw_kstr(w, "name", s->organisers[i].name ? s->organisers[i].name : "");
		jw_end(w);
	}
	jw_end(w);
	jw_key(w, "topics");
	jw_arr(w);
	for (int i = 0; i < s->ntopics; i++)
		jw_str(w, s->topics[i]);
	jw_end(w);
	jw_key(w, "audiences");
	jw_arr(w);
	for (int i = 0; i < s->naudiences; i++) {
		jw_obj(w);
		jw_kstr(w, "group", s->audiences[i].group);
		if (s->audiences[i].organisation_id)
			jw_kint(w, "organisation_id", s->audiences[i].organisation_id);
		else
			jw_knull(w, "organisation_id");
		jw_kint(w, "count", s->audiences[i].count);
		jw_end(w);
	}
	jw_end(w);
	if (full) {
		struct outreach_file *f = NULL;
		int n = 0;
		outreach_files_list(r->db, &r->arena, s->id, OUTREACH_FILES_MAX, &f, &n);
		jw_key(w, "files");
		jw_arr(w);
		for (int i = 0; i < n; i++) {
			jw_obj(w);
			jw_kint(w, "id", f[i].id);
			jw_kstr(w, "role", f[i].role);
			jw_kstr(w, "mime", f[i].mime);
			jw_kint(w, "size", f[i].size);
			jw_ktime(w, "created_at", f[i].created_at);
			jw_end(w);
		}
		jw_end(w);
		jw_kbool(w, "can_edit", may_write(r, s));
	}
	jw_ktime(w, "created_at", s->created_at);
	jw_ktime(w, "updated_at", s->updated_at);
	jw_end(w);
}

static int answer_session(struct req *r, int status, int64_t id)
{
	struct outreach_session *s = arena_alloc(&r->arena, sizeof *s);
	if (!s)
		return APP_E_NOMEM;
	int rc = outreach_session_get(r->db, &r->arena, id, s);
	if (rc != STORE_ROW)
		return rc == STORE_DONE ? http_fail(r, APP_E_NOTFOUND, "no such session")
					: http_fail_store(r, rc);
	struct jw *w = http_json(r, status);
	jw_obj(w);
	jw_key(w, "data");
	write_session(r, w, s, true);
	jw_end(w);
	return APP_OK;
}

/* Loads the session of path capture 0 when the caller may read it (404 otherwise). */
static int load_visible(struct req *r, struct outreach_session **out)
{
	int64_t id;
	struct outreach_session *s = arena_alloc(&r->arena, sizeof *s);
	if (!s)
		return APP_E_NOMEM;
	int rc = http_param_id(r, 0, &id);
	if (rc)
		return http_fail(r, rc, "no such session");
	rc = outreach_session_get(r->db, &r->arena, id, s);
	if (rc < 0)
		return http_fail_store(r, rc);
	if (rc == STORE_DONE || !perm_on_unit(&r->user, PERM_MOVEMENT_READ, s->unit_path))
		return http_fail(r, APP_E_NOTFOUND, "no such session");
	*out = s;
	return APP_OK;
}

/* ---- reading a body into a session ---- */

static const char *const session_fields[] = {"unit_id",	     "kind",  "held_at",       "place",
					     "participants", "notes", "organiser_ids", "topics",
					     "audiences",    NULL};
static const char *const series_extra[] = {"dates", "first", "every_days", "count", NULL};

static bool is_known(const char *k, const char *const *a, const char *const *b)
{
	for (int i = 0; a && a[i]; i++)
		if (strcmp(k, a[i]) == 0)
			return true;
	for (int i = 0; b && b[i]; i++)
		if (strcmp(k, b[i]) == 0)
			return true;
	return false;
}

static int parse_time(const char *s, int64_t *t)
{
	return time_parse_rfc3339(s, t);
}

/*
 * Reads the fields of a session from o into s (create: unit_id, kind, organiser_ids and topics are
 * required; series: held_at is not read). Problems go to r->fields. *unit_id gets the unit asked for
 * (0 when absent); *has_participants whether a total was given.
 */
static void read_session(struct req *r, json_t *o, struct outreach_session *s, bool create, bool series,
			 int64_t *unit_id, bool *has_participants)
{
	struct field_errs *fe = &r->fields;
	const char *key;
	json_t *v;
	int flags = create ? JF_REQUIRED : JF_OPTIONAL;
	json_object_foreach(o, key, v)
	{
		if (!is_known(key, session_fields, series ? series_extra : NULL) ||
		    (series && strcmp(key, "held_at") == 0))
			field_err(fe, key, "is not a field of a session");
	}
	jf_int(o, "unit_id", flags, 1, ((int64_t)1 << 53) - 1, unit_id, fe);
	int k;
	if (jf_enum(o, "kind", flags, outreach_kind_names, &k, fe) == 1)
		s->kind = outreach_kind_names[k];
	const char *str;
	if (!series && jf_str(o, "held_at", flags, 40, &str, fe) == 1 && parse_time(str, &s->held_at) != 0)
		field_err(fe, "held_at", "must be an RFC 3339 time or a date (YYYY-MM-DD)");
	if (json_object_get(o, "place")) {
		int got = json_is_null(json_object_get(o, "place"))
			      ? 0
			      : jf_str(o, "place", JF_OPTIONAL, OUTREACH_PLACE_MAX, &str, fe);
		s->place = got == 1 && *str ? str : NULL;
	}
	if (json_object_get(o, "notes")) {
		int got = json_is_null(json_object_get(o, "notes"))
			      ? 0
			      : jf_str(o, "notes", JF_OPTIONAL, OUTREACH_NOTES_MAX, &str, fe);
		s->notes = got == 1 && *str ? str : NULL;
	}
	*has_participants = jf_int(o, "participants", JF_OPTIONAL, 0, 1000000, &s->participants, fe) == 1;

	json_t *a = json_object_get(o, "organiser_ids");
	if (a || create) {
		if (!json_is_array(a) || json_array_size(a) == 0 ||
		    json_array_size(a) > OUTREACH_ORGANISERS_MAX)
			field_err(fe, "organiser_ids", "must list 1 to 16 organisation ids");
		else {
			s->norganisers = 0;
			size_t i;
			json_t *x;
			json_array_foreach(a, i, x)
			{
				if (!json_is_integer(x) || json_integer_value(x) < 1) {
					field_err(fe, "organiser_ids", "must list organisation ids");
					break;
				}
				int64_t id = json_integer_value(x);
				bool dup = false;
				for (int j = 0; j < s->norganisers; j++)
					dup = dup || s->organisers[j].id == id;
				if (!dup)
					s->organisers[s->norganisers++] = (struct outreach_org){.id = id};
			}
		}
	}
	a = json_object_get(o, "topics");
	if (a || create) {
		if (!json_is_array(a) || json_array_size(a) == 0 || json_array_size(a) > OUTREACH_TOPICS_MAX)
			field_err(fe, "topics", "must list 1 to 16 topic codes");
		else {
			s->ntopics = 0;
			size_t i;
			json_t *x;
			json_array_foreach(a, i, x)
			{
				if (!json_is_string(x) || json_string_length(x) > 64) {
					field_err(fe, "topics", "must list topic codes");
					break;
				}
				const char *code = json_string_value(x);
				bool dup = false;
				for (int j = 0; j < s->ntopics; j++)
					dup = dup || strcmp(s->topics[j], code) == 0;
				if (!dup)
					s->topics[s->ntopics++] = arena_strdup(&r->arena, code);
			}
		}
	}
	a = json_object_get(o, "audiences");
	if (a) {
		if (!json_is_array(a) || json_array_size(a) > OUTREACH_AUDIENCES_MAX)
			field_err(fe, "audiences", "must list at most 16 audience groups");
		else {
			s->naudiences = 0;
			size_t i;
			json_t *x;
			json_array_foreach(a, i, x)
			{
				struct outreach_audience *au = &s->audiences[s->naudiences];
				struct field_errs sub = {0};
				int g = -1;
				int64_t count = 0, org = 0;
				if (!json_is_object(x) ||
				    jf_enum(x, "group", JF_REQUIRED, outreach_audience_names, &g, &sub) !=
					1 ||
				    jf_int(x, "count", JF_REQUIRED, 0, 1000000, &count, &sub) != 1 ||
				    (json_object_get(x, "organisation_id") &&
				     !json_is_null(json_object_get(x, "organisation_id")) &&
				     jf_int(x, "organisation_id", JF_OPTIONAL, 1, ((int64_t)1 << 53) - 1,
					    &org, &sub) != 1)) {
					field_err(fe, "audiences",
						  "each group needs 'group' (residents, pupils, teachers or "
						  "members) and 'count'");
					break;
				}
				if (org && strcmp(outreach_audience_names[g], "members") != 0) {
					field_err(fe, "audiences",
						  "only the group 'members' names an organisation");
					break;
				}
				au->group = outreach_audience_names[g];
				au->count = count;
				au->organisation_id = org;
				s->naudiences++;
			}
		}
	}
}

/* Checks what needs the database: the unit (422 unseen, not in a commune), organisers and topics (422
 * unknown or unseen). Fills s->commune_id, unit_path, unit_name and organiser names. */
static int resolve_session(struct req *r, struct outreach_session *s, int64_t unit_id)
{
	if (unit_id) {
		struct unit_row u;
		int rc = units_get(r->db, &r->arena, unit_id, &u);
		if (rc < 0)
			return http_fail_store(r, rc);
		if (rc == STORE_DONE || !u.commune_id || !perm_on_unit(&r->user, PERM_MOVEMENT_READ, u.path))
			field_err(&r->fields, "unit_id", "no such commune, block or group");
		else if (s->commune_id && u.commune_id != s->commune_id)
			field_err(&r->fields, "unit_id", "a session stays in its commune");
		else {
			s->unit_id = u.id;
			s->commune_id = u.commune_id;
			s->unit_path = u.path;
			s->unit_name = u.name;
		}
	}
	for (int i = 0; i < s->norganisers; i++) {
		struct org_row o;
		int rc = orgs_get(r->db, &r->arena, s->organisers[i].id, &o);
		if (rc < 0)
			return http_fail_store(r, rc);
		if (rc == STORE_DONE || !perm_on_unit(&r->user, PERM_ORGS_READ, o.unit_path)) {
			field_err(
			    &r->fields, "organiser_ids",
			    arena_printf(&r->arena, "no such organisation: %" PRId64, s->organisers[i].id));
			break;
		}
		s->organisers[i].name = o.name;
	}
	for (int i = 0; i < s->naudiences; i++) {
		if (!s->audiences[i].organisation_id)
			continue;
		struct org_row o;
		int rc = orgs_get(r->db, &r->arena, s->audiences[i].organisation_id, &o);
		if (rc < 0)
			return http_fail_store(r, rc);
		if (rc == STORE_DONE || !perm_on_unit(&r->user, PERM_ORGS_READ, o.unit_path)) {
			field_err(&r->fields, "audiences", "no such organisation");
			break;
		}
	}
	for (int i = 0; i < s->ntopics; i++) {
		int rc = outreach_topic_exists(r->db, s->topics[i]);
		if (rc < 0)
			return http_fail_store(r, rc);
		if (rc == STORE_DONE) {
			field_err(&r->fields, "topics",
				  arena_printf(&r->arena, "no such topic: '%s'", s->topics[i]));
			break;
		}
	}
	return APP_OK;
}

/* The participants: the total given (never below the sum of the audience groups), else that sum. */
static void settle_participants(struct req *r, struct outreach_session *s, bool given)
{
	int64_t sum = 0;
	for (int i = 0; i < s->naudiences; i++)
		sum += s->audiences[i].count;
	if (!given && s->naudiences)
		s->participants = sum;
	else if (!movement_participants_ok(s->participants, sum))
		field_err(&r->fields, "participants", "must not be below the sum of the audience groups");
}

/* ---- GET /api/v1/outreach/sessions ---- */

int api_outreach_sessions_list(struct req *r)
{
	struct outreach_query q = {0};
	int64_t cursor = 0;
	int limit = 50;
	int rc = http_page_args(r, &cursor, &limit);
	if (rc)
		return rc;
	const char *org = http_query(r, "organiser_id"), *topic = http_query(r, "topic");
	if (org && *org && http_parse_id(org, &q.organisation_id) != 0)
		field_err(&r->fields, "organiser_id", "must be an organisation id");
	if (topic && *topic) {
		if (strlen(topic) > 64)
			field_err(&r->fields, "topic", "is not a topic code");
		q.topic = topic;
	}
	api_parse_period(r, "from", false, &q.from);
	api_parse_period(r, "to", true, &q.to);
	if (r->fields.n)
		return http_fail(r, APP_E_PARAM, "malformed query");
	rc = api_scope_path(r, PERM_MOVEMENT_READ, http_query(r, "unit_id"), &q.unit_path);
	if (rc)
		return rc;
	bool all = q.unit_path == NULL || perm_on_unit(&r->user, PERM_MOVEMENT_READ, q.unit_path);
	struct outreach_session **page = arena_alloc(&r->arena, sizeof *page * (size_t)(limit + 1));
	int n = 0;
	if (!page)
		return APP_E_NOMEM;
	q.after_id = cursor;
	q.limit = limit + 1 < 50 ? 50 : limit + 1;
	for (;;) {
		struct outreach_session *batch;
		int nb;
		rc = outreach_sessions_list(r->db, &r->arena, &q, &batch, &nb);
		if (rc < 0)
			return http_fail_store(r, rc);
		for (int i = 0; i < nb && n <= limit; i++)
			if (all || perm_on_unit(&r->user, PERM_MOVEMENT_READ, batch[i].unit_path))
				page[n++] = &batch[i];
		if (nb < q.limit || n > limit)
			break;
		q.after_id = batch[nb - 1].id;
	}
	bool more = n > limit;
	if (more)
		n = limit;
	struct jw *w = http_json(r, 200);
	jw_obj(w);
	jw_key(w, "data");
	jw_arr(w);
	for (int i = 0; i < n; i++) {
		if ((rc = outreach_session_links(r->db, &r->arena, page[i])) != STORE_OK)
			return http_fail_store(r, rc);
		write_session(r, w, page[i], false);
	}
	jw_end(w);
	http_next_cursor(w, more ? page[n - 1]->id : 0);
	jw_end(w);
	return APP_OK;
}

/* ---- POST /api/v1/outreach/sessions and /series ---- */

/* Reads the dates of a series: "dates" (a list of times) or "first" + "every_days" + "count". */
static int read_series_times(struct req *r, json_t *o, int64_t *times, int *n)
{
	json_t *dates = json_object_get(o, "dates");
	*n = 0;
	if (dates) {
		if (!json_is_array(dates) || json_array_size(dates) == 0 ||
		    json_array_size(dates) > MOVEMENT_SERIES_MAX) {
			field_err(&r->fields, "dates", "must list 1 to 60 dates");
			return -1;
		}
		size_t i;
		json_t *x;
		json_array_foreach(dates, i, x)
		{
			if (!json_is_string(x) || parse_time(json_string_value(x), &times[*n]) != 0) {
				field_err(&r->fields, "dates",
					  "must list RFC 3339 times or dates (YYYY-MM-DD)");
				return -1;
			}
			(*n)++;
		}
		return 0;
	}
	const char *first = NULL;
	int64_t every = 7, count = 0;
	jf_str(o, "first", JF_REQUIRED, 40, &first, &r->fields);
	jf_int(o, "every_days", JF_OPTIONAL, 1, 366, &every, &r->fields);
	jf_int(o, "count", JF_REQUIRED, 1, MOVEMENT_SERIES_MAX, &count, &r->fields);
	int64_t t0 = 0;
	if (first && parse_time(first, &t0) != 0)
		field_err(&r->fields, "first", "must be an RFC 3339 time or a date (YYYY-MM-DD)");
	if (r->fields.n)
		return -1;
	if (movement_series_times(t0, (int)every, (int)count, times) != 0) {
		field_err(&r->fields, "count", "must be 1 to 60");
		return -1;
	}
	*n = (int)count;
	return 0;
}

static int create_sessions(struct req *r, bool series)
{
	json_t *body = NULL;
	struct outreach_session *s = arena_alloc(&r->arena, sizeof *s);
	int64_t unit_id = 0, now = time_now(), first_id = 0;
	int64_t times[MOVEMENT_SERIES_MAX], ids[MOVEMENT_SERIES_MAX];
	int ntimes = 1;
	bool given = false;
	if (!s)
		return APP_E_NOMEM;
	memset(s, 0, sizeof *s);
	int rc = http_json_body(r, &body);
	if (rc)
		return rc;
	read_session(r, body, s, true, series, &unit_id, &given);
	if (series)
		read_series_times(r, body, times, &ntimes);
	else
		times[0] = s->held_at;
	if (!r->fields.n)
		settle_participants(r, s, given);
	if (!r->fields.n && (rc = resolve_session(r, s, unit_id)) != APP_OK)
		goto out;
	if (r->fields.n) {
		rc = http_fail_fields(r, &r->fields);
		goto out;
	}
	if (!may_write(r, s)) {
		rc = http_fail(
		    r, APP_E_FORBIDDEN,
		    "you may record sessions only of your units, and as a coordinator only those your "
		    "organisation organises");
		goto out;
	}
	s->created_by = r->user.user_id;
	if ((rc = store_begin(r->db)) != STORE_OK) {
		rc = http_fail_store(r, rc);
		goto out;
	}
	for (int i = 0; i < ntimes && rc == STORE_OK; i++) {
		s->held_at = times[i];
		s->series_id = first_id;
		rc = outreach_session_insert(r->db, s, now);
		ids[i] = s->id;
		if (rc == STORE_OK && !first_id)
			first_id = s->id;
		if (rc == STORE_OK && series && i == 0)
			rc = outreach_session_set_series(r->db, s->id, s->id);
		if (rc == STORE_OK) {
			s->series_id = series ? first_id : 0;
			rc = audit_session(
			    r, "outreach_session.create", s,
			    series ? arena_printf(&r->arena, ",\"series_id\":%" PRId64, first_id) : NULL);
		}
	}
	if (rc == STORE_OK)
		rc = store_commit(r->db);
	else
		store_rollback(r->db);
	if (rc == STORE_E_FK) {
		rc = http_fail(r, APP_E_CONFLICT, "a unit, organisation or topic of the session is gone");
		goto out;
	}
	if (rc) {
		rc = http_fail_store(r, rc);
		goto out;
	}
	if (!series) {
		rc = answer_session(r, 201, s->id);
		goto out;
	}
	/* the series: every session created, in the order of its dates */
	struct jw *w = http_json(r, 201);
	jw_obj(w);
	jw_key(w, "data");
	jw_obj(w);
	jw_kint(w, "series_id", first_id);
	jw_kint(w, "count", ntimes);
	jw_key(w, "sessions");
	jw_arr(w);
	for (int i = 0; i < ntimes; i++) {
		int got = outreach_session_get(r->db, &r->arena, ids[i], s);
		if (got != STORE_ROW) {
			rc = http_fail_store(r, got < 0 ? got : STORE_E_DB);
			goto out;
		}
		write_session(r, w, s, false);
	}
	jw_end(w);
	jw_end(w);
	jw_end(w);
	rc = APP_OK;
out:
	json_decref(body);
	return rc;
}

int api_outreach_sessions_create(struct req *r)
{
	return create_sessions(r, false);
}

int api_outreach_sessions_series(struct req *r)
{
	return create_sessions(r, true);
}

/* ---- GET/PATCH/DELETE /api/v1/outreach/sessions/{id} ---- */

int api_outreach_sessions_get(struct req *r)
{
	struct outreach_session *s;
	int rc = load_visible(r, &s);
	if (rc)
		return rc;
	return answer_session(r, 200, s->id);
}

int api_outreach_sessions_update(struct req *r)
{
	json_t *body = NULL;
	struct outreach_session *s;
	int64_t unit_id = 0;
	bool given = false;
	int rc = load_visible(r, &s);
	if (rc)
		return rc;
	if (!may_write(r, s))
		return http_fail(r, APP_E_FORBIDDEN, "your organisation does not organise this session");
	rc = http_json_body(r, &body);
	if (rc)
		return rc;
	bool had_audiences = s->naudiences > 0;
	read_session(r, body, s, false, false, &unit_id, &given);
	if (!r->fields.n && (json_object_get(body, "audiences") || given || !had_audiences))
		settle_participants(r, s, given || !json_object_get(body, "audiences"));
	if (!r->fields.n && (rc = resolve_session(r, s, unit_id != s->unit_id ? unit_id : 0)) != APP_OK)
		goto out;
	if (r->fields.n) {
		rc = http_fail_fields(r, &r->fields);
		goto out;
	}
	if (!may_write(r, s)) {
		rc = http_fail(r, APP_E_FORBIDDEN, "the session would no longer be yours to keep");
		goto out;
	}
	if ((rc = store_begin(r->db)) != STORE_OK) {
		rc = http_fail_store(r, rc);
		goto out;
	}
	rc = outreach_session_update(r->db, s, time_now());
	if (rc == STORE_OK)
		rc = audit_session(r, "outreach_session.update", s, NULL);
	if (rc == STORE_OK)
		rc = store_commit(r->db);
	else
		store_rollback(r->db);
	rc = rc ? http_fail_store(r, rc) : answer_session(r, 200, s->id);
out:
	json_decref(body);
	return rc;
}

int api_outreach_sessions_delete(struct req *r)
{
	struct outreach_session *s;
	int rc = load_visible(r, &s);
	if (rc)
		return rc;
	if (!may_write(r, s))
		return http_fail(r, APP_E_FORBIDDEN, "your organisation does not organise this session");
	if ((rc = store_begin(r->db)) != STORE_OK)
		return http_fail_store(r, rc);
	rc = outreach_session_delete(r->db, s->id);
	if (rc == STORE_OK)
		rc = audit_session(r, "outreach_session.delete", s, NULL);
	if (rc == STORE_OK)
		rc = store_commit(r->db);
	else
		store_rollback(r->db);
	if (rc)
		return http_fail_store(r, rc);
	http_text(r, 204, NULL, "");
	return APP_OK;
}

/* ---- files: POST /api/v1/outreach/sessions/{id}/files?role=photo|sign_in, GET …/files/{file} ---- */

int api_outreach_files_add(struct req *r)
{
	struct outreach_session *s;
	char seen[128], sha[CRYPTO_HASH_HEX];
	unsigned char *clean = NULL;
	size_t clen = 0;
	bool created = false;
	int64_t fid = 0;
	int rc = load_visible(r, &s);
	if (rc)
		return rc;
	const char *role = http_query(r, "role");
	if (!role || (strcmp(role, "photo") != 0 && strcmp(role, "sign_in") != 0)) {
		field_err(&r->fields, "role", "must be photo or sign_in");
		return http_fail_fields(r, &r->fields);
	}
	if (!may_write(r, s))
		return http_fail(r, APP_E_FORBIDDEN, "your organisation does not organise this session");
	if (r->body.len == 0) {
		field_err(&r->fields, "file", "is empty");
		return http_fail_fields(r, &r->fields);
	}
	int kind = media_detect(r->body.data, r->body.len, seen, sizeof seen);
	if (kind < 0 ||
	    (kind != MEDIA_JPEG && kind != MEDIA_PNG && kind != MEDIA_WEBP && kind != MEDIA_PDF)) {
		field_err(&r->fields, "file", "must be a JPEG, PNG or WebP photo or a PDF");
		return http_fail_fields(r, &r->fields);
	}
	int srt = media_strip((enum media_kind)kind, (const unsigned char *)r->body.data, r->body.len, &clean,
			      &clen);
	if (srt == -4) /* libqpdf missing: loaded on first use (lib/media.h) */
		return http_fail(r, APP_E_UNAVAIL,
				 arena_printf(&r->arena,
					      "the file cannot be cleaned of its metadata: the server cannot "
					      "load '%s'; nothing was stored",
					      media_library((enum media_kind)kind)));
	if (srt != 0) {
		field_err(&r->fields, "file",
			  srt == -2 ? "is too large to clean" : "is damaged or cannot be cleaned");
		return http_fail_fields(r, &r->fields);
	}
	crypto_sha256_hex(clean, clen, sha);
	if (uploads_write(sha, clean, clen, &created) != 0) {
		free(clean);
		return http_fail(r, APP_E_INTERNAL, "the file cannot be stored");
	}
	free(clean);
	struct outreach_file f = {.session_id = s->id,
				  .role = role,
				  .sha256 = sha,
				  .mime = media_mime[kind],
				  .size = (int64_t)clen};
	if ((rc = store_begin(r->db)) == STORE_OK) {
		rc = outreach_file_add(r->db, &f, s->commune_id, time_now(), &fid);
		if (rc == STORE_OK)
			rc = audit_session(
			    r, "outreach_session.file", s,
			    arena_printf(&r->arena, ",\"file_id\":%" PRId64 ",\"role\":\"%s\"", fid, role));
		if (rc == STORE_OK)
			rc = store_commit(r->db);
		else
			store_rollback(r->db);
	}
	if (rc) {
		if (created)
			uploads_remove(sha);
		return http_fail_store(r, rc);
	}
	return answer_session(r, 201, s->id);
}

int api_outreach_file_get(struct req *r)
{
	struct outreach_session *s;
	struct outreach_file f;
	int64_t fid;
	char *data = NULL;
	size_t len = 0;
	int rc = load_visible(r, &s);
	if (rc)
		return rc;
	if (http_param_id(r, 1, &fid) != APP_OK)
		return http_fail(r, APP_E_NOTFOUND, "no such file");
	rc = outreach_file_get(r->db, &r->arena, s->id, fid, &f);
	if (rc < 0)
		return http_fail_store(r, rc);
	if (rc == STORE_DONE)
		return http_fail(r, APP_E_NOTFOUND, "no such file");
	if (uploads_read(f.sha256, OUTREACH_FILE_BYTES, &data, &len) != 0)
		return http_fail(r, APP_E_INTERNAL, "the stored file is missing or unreadable");
	int kind = MEDIA_PDF;
	for (int i = 0; media_mime[i]; i++)
		if (strcmp(media_mime[i], f.mime) == 0)
			kind = i;
	r->status = 200;
	r->content_type = media_mime[kind];
	buf_reset(&r->out);
	r->out.max = OUTREACH_FILE_BYTES;
	buf_add(&r->out, data, len);
	free(data);
	http_header(r, "Content-Disposition",
		    arena_printf(&r->arena, "%s; filename=\"session-%" PRId64 "-%" PRId64 ".%s\"",
				 kind == MEDIA_PDF ? "attachment" : "inline", s->id, f.id, media_ext[kind]));
	http_header(r, "Cache-Control", "private, no-store");
	return APP_OK;
}

/* ---- topics ---- */

static void write_topic(struct jw *w, const char *code, const char *vi, const char *en)
{
	jw_obj(w);
	jw_kstr(w, "code", code);
	jw_kstr(w, "name_vi", vi);
	jw_kstr(w, "name_en", en);
	jw_end(w);
}

int api_outreach_topics_list(struct req *r)
{
	struct outreach_topic *t;
	int n;
	int rc = outreach_topics_list(r->db, &r->arena, OUTREACH_TOPICS_LIST_MAX, &t, &n);
	if (rc)
		return http_fail_store(r, rc);
	struct jw *w = http_json(r, 200);
	jw_obj(w);
	jw_key(w, "data");
	jw_arr(w);
	for (int i = 0; i < n; i++)
		write_topic(w, t[i].code, t[i].name_vi, t[i].name_en);
	jw_end(w);
	jw_end(w);
	return APP_OK;
}

int api_outreach_topics_create(struct req *r)
{
	static const char *const known[] = {"name_vi", "name_en", NULL};
	json_t *body = NULL;
	const char *vi = NULL, *en = NULL;
	char code[64];
	int rc = http_json_body(r, &body);
	if (rc)
		return rc;
	if (jf_str(body, "name_vi", JF_REQUIRED, OUTREACH_TOPIC_NAME_MAX, &vi, &r->fields) == 1 &&
	    movement_topic_code(vi, code, sizeof code) != 0)
		field_err(&r->fields, "name_vi", "must hold letters or digits");
	jf_str(body, "name_en", JF_OPTIONAL, OUTREACH_TOPIC_NAME_MAX, &en, &r->fields);
	jf_no_unknown(body, known, &r->fields);
	if (r->fields.n) {
		rc = http_fail_fields(r, &r->fields);
		goto out;
	}
	if (!movement_may_add_topic(&r->user)) {
		rc = http_fail(r, APP_E_FORBIDDEN, "only officers and admins add topics");
		goto out;
	}
	if (!en || !*en)
		en = vi;
	if ((rc = store_begin(r->db)) != STORE_OK) {
		rc = http_fail_store(r, rc);
		goto out;
	}
	rc = outreach_topic_insert(r->db, code, vi, en, time_now());
	if (rc == STORE_OK) {
		struct audit_entry e = {.user_id = r->user.user_id,
					.actor = r->user.username,
					.address = r->addr,
					.action = "outreach_topic.create",
					.entity = "outreach_topic",
					.entity_id = code,
					.detail = "{}"};
		rc = audit_append(r->db, &e);
	}
	if (rc == STORE_OK)
		rc = store_commit(r->db);
	else
		store_rollback(r->db);
	if (rc == STORE_E_UNIQUE) {
		rc = http_fail(r, APP_E_CONFLICT,
			       arena_printf(&r->arena, "topic '%s' is already on the list", code));
		goto out;
	}
	if (rc) {
		rc = http_fail_store(r, rc);
		goto out;
	}
	struct jw *w = http_json(r, 201);
	jw_obj(w);
	jw_key(w, "data");
	write_topic(w, code, vi, en);
	jw_end(w);
	rc = APP_OK;
out:
	json_decref(body);
	return rc;
}

/* ---- GET /api/v1/stats/outreach ---- */

static int cmp_bucket_key(const void *a, const void *b)
{
	return strcmp(((const struct outreach_bucket *)a)->key, ((const struct outreach_bucket *)b)->key);
}

static void write_breakdown(struct jw *w, const char *name, const struct outreach_breakdown *bd,
			    const char *key_name, bool id_key)
{
	jw_key(w, name);
	jw_arr(w);
	for (int i = 0; i < bd->n; i++) {
		jw_obj(w);
		if (id_key)
			jw_kint(w, key_name, bd->b[i].id);
		else
			jw_kstr(w, key_name, bd->b[i].key);
		if (strcmp(key_name, "month") != 0)
			jw_kstr(w, "name", bd->b[i].name ? bd->b[i].name : "");
		jw_kint(w, "sessions", bd->b[i].sessions);
		jw_kint(w, "participants", bd->b[i].participants);
		jw_end(w);
	}
	jw_end(w);
}

int api_stats_outreach(struct req *r)
{
	int64_t from = 0, to = 0;
	api_parse_period(r, "from", false, &from);
	api_parse_period(r, "to", true, &to);
	if (!r->fields.n && from && to && to <= from)
		field_err(&r->fields, "to", "must be after 'from'");
	if (r->fields.n)
		return http_fail(r, APP_E_PARAM, "malformed query");
	const char **roots;
	int nroots;
	int rc = api_scope_stats_roots(r, PERM_MOVEMENT_READ, &roots, &nroots);
	if (rc)
		return rc;
	struct outreach_stats *st = arena_alloc(&r->arena, sizeof *st);
	if (!st)
		return APP_E_NOMEM;
	memset(st, 0, sizeof *st);
	for (int i = 0; i < nroots; i++)
		if ((rc = outreach_stats_add(r->db, &r->arena, roots[i], from ? from : INT64_MIN,
					     to ? to : INT64_MAX, st)) != STORE_OK)
			return http_fail_store(r, rc);
	qsort(st->by_month.b, (size_t)st->by_month.n, sizeof st->by_month.b[0], cmp_bucket_key);
	struct jw *w = http_json(r, 200);
	jw_obj(w);
	jw_key(w, "data");
	jw_obj(w);
	if (from)
		jw_ktime(w, "from", from);
	else
		jw_knull(w, "from");
	if (to)
		jw_ktime(w, "to", to);
	else
		jw_knull(w, "to");
	jw_kint(w, "sessions", st->sessions);
	jw_kint(w, "participants", st->participants);
	write_breakdown(w, "by_topic", &st->by_topic, "topic", false);
	write_breakdown(w, "by_unit", &st->by_unit, "unit_id", true);
	write_breakdown(w, "by_organiser", &st->by_organiser, "organisation_id", true);
	write_breakdown(w, "by_month", &st->by_month, "month", false);
	jw_end(w);
	jw_end(w);
	return APP_OK;
}
