/*
 * rosters.c: duty rosters — a team's shifts, the week grid (GET/PUT /api/v1/teams/{id}/roster?week=),
 * swaps asked by a member and decided by the leader (/api/v1/swaps), a member's own duties
 * (/api/v1/me/duties), and the iCalendar feeds: tokens issued and revoked by the leader (a team's) or by
 * the member (their own), and the feeds themselves at /ical/teams/{token}.ics and
 * /ical/members/{token}.ics (public: the token is the key; only its keyed hash is stored).
 *
 * Scope: a roster is read with patrols.read and kept with patrols.write on the team (perm_on_team: a
 * grant on its unit or above, or on the team itself); a team the caller may not read answers 404, a
 * visible one they may not change 403. A member (an account linked to a person, users.person_id) sees
 * and swaps their own duties. Every write is audited in its own transaction: roster.update and
 * shift.create (entity "team"), swap.request, swap.approve, swap.refuse (entity "swap"), ical.issue and
 * ical.revoke (entity "ical_token"; never the token).
 */
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "domain/patrol_rules.h"
#include "export/ical.h"
#include "lib/crypto.h"
#include "lib/timeutil.h"
#include "store/organisations.h"
#include "store/patrols.h"
#include "store/rosters.h"
#include "store/teams.h"
#include "store/units.h"

#define ID_MAX (((int64_t)1 << 53) - 1)
#define ICAL_TOKEN_BYTES 32
#define ICAL_WEEKS_BACK 8
#define ICAL_WEEKS_AHEAD 12
#define PATROL_FORCE_CHOICES_MAX 200

/* ---- shared helpers ---- */

/* Commits after a write that went well (rc STORE_OK), else rolls back; returns the store code. */
static int finish_tx(struct req *r, int rc)
{
	if (rc == STORE_OK)
		return store_commit(r->db);
	store_rollback(r->db);
	return rc;
}

static int my_person(struct req *r, int64_t *person_id)
{
	int rc = rosters_person_of_user(r->db, r->user.user_id, person_id);
	return rc ? http_fail_store(r, rc) : APP_OK;
}

/* Loads team `id` if the caller may read its roster (404 otherwise, the same for absent and hidden). */
static int team_by_id(struct req *r, int64_t id, struct team_row *t)
{
	int rc = teams_get(r->db, &r->arena, id, t);
	if (rc < 0)
		return http_fail_store(r, rc);
	if (rc == STORE_DONE || !perm_on_team(&r->user, PERM_PATROLS_READ, t->id, t->unit_path))
		return http_fail(r, APP_E_NOTFOUND, "no such team");
	return APP_OK;
}

static int load_team(struct req *r, struct team_row *t)
{
	int64_t id;
	if (http_param_id(r, 0, &id))
		return http_fail(r, APP_E_NOTFOUND, "no such team");
	return team_by_id(r, id, t);
}

static bool team_writable(struct req *r, const struct team_row *t)
{
	return perm_on_team(&r->user, PERM_PATROLS_WRITE, t->id, t->unit_path);
}

static void write_shift(struct jw *w, const struct shift_row *s)
{
	char a[8], b[8];
	jw_obj(w);
	jw_kint(w, "id", s->id);
	jw_kstr(w, "name", s->name);
	jw_kstr(w, "start", roster_hhmm_format(s->start_min, a, sizeof a));
	jw_kstr(w, "end", roster_hhmm_format(s->end_min, b, sizeof b));
	jw_end(w);
}

static void write_slot(struct jw *w, const struct slot_row *s, bool with_team)
{
	jw_obj(w);
	jw_kint(w, "id", s->id);
	jw_kstr(w, "day", s->day);
	jw_kint(w, "shift_id", s->shift_id);
	jw_kstr(w, "shift_name", s->shift_name);
	jw_kint(w, "person_id", s->person_id);
	jw_kstr(w, "full_name", s->full_name);
	jw_ktime(w, "starts_at", s->starts_at);
	jw_ktime(w, "ends_at", s->ends_at);
	if (with_team) {
		jw_kint(w, "team_id", s->team_id);
		jw_kstr(w, "team_name", s->team_name);
	}
	jw_end(w);
}

/* ---- shifts ---- */

int api_shifts_list(struct req *r)
{
	struct team_row t;
	struct shift_row *s;
	int n;
	int rc = load_team(r, &t);
	if (rc)
		return rc;
	rc = rosters_shifts(r->db, &r->arena, t.id, &s, &n);
	if (rc)
		return http_fail_store(r, rc);
	struct jw *w = http_json(r, 200);
	jw_obj(w);
	jw_key(w, "data");
	jw_arr(w);
	for (int i = 0; i < n; i++)
		write_shift(w, &s[i]);
	jw_end(w);
	jw_end(w);
	return APP_OK;
}

/* GET /api/v1/teams/{id}/joint-forces: the organisations of the team's commune, the choices for its
 * patrols' joint forces (a leader granted on a block does not otherwise see the commune's police or
 * military command). Read with patrols.read on the team, like its roster. */
int api_team_joint_forces(struct req *r)
{
	struct team_row t;
	struct unit_row c;
	struct org_row *o = NULL;
	int n = 0;
	int rc = load_team(r, &t);
	if (rc)
		return rc;
	if (t.commune_id) {
		rc = units_get(r->db, &r->arena, t.commune_id, &c); /* STORE_ROW when found */
		if (rc == STORE_ROW)
			rc = orgs_list(r->db, &r->arena, c.path, NULL, 0, PATROL_FORCE_CHOICES_MAX, &o, &n);
		if (rc != STORE_OK)
			return http_fail_store(r, rc == STORE_DONE ? STORE_E_DB : rc);
	}
	struct jw *w = http_json(r, 200);
	jw_obj(w);
	jw_key(w, "data");
	jw_arr(w);
	for (int i = 0; i < n; i++) {
		jw_obj(w);
		jw_kint(w, "id", o[i].id);
		jw_kstr(w, "kind", o[i].kind);
		jw_kstr(w, "name", o[i].name);
		jw_end(w);
	}
	jw_end(w);
	jw_end(w);
	return APP_OK;
}

static const char *const shift_fields[] = {"name", "start", "end", NULL};

int api_shifts_create(struct req *r)
{
	json_t *body = NULL;
	struct team_row t;
	struct shift_row s = {0};
	const char *a = NULL, *b = NULL;
	int64_t id = 0;
	int rc = load_team(r, &t);
	if (rc)
		return rc;
	rc = http_json_body(r, &body);
	if (rc)
		return rc;
	jf_no_unknown(body, shift_fields, &r->fields);
	jf_str(body, "name", JF_REQUIRED, SHIFT_NAME_MAX, &s.name, &r->fields);
	if (jf_str(body, "start", JF_REQUIRED, 5, &a, &r->fields) == 1 && roster_hhmm_parse(a, &s.start_min))
		field_err(&r->fields, "start", "must be a time HH:MM");
	if (jf_str(body, "end", JF_REQUIRED, 5, &b, &r->fields) == 1 && roster_hhmm_parse(b, &s.end_min))
		field_err(&r->fields, "end", "must be a time HH:MM");
	if (!r->fields.n && s.start_min == s.end_min)
		field_err(&r->fields, "end", "must differ from the start");
	if (r->fields.n) {
		rc = http_fail_fields(r, &r->fields);
		goto out;
	}
	if (!team_writable(r, &t)) {
		rc = http_fail(r, APP_E_FORBIDDEN, "your role may not change this team's shifts");
		goto out;
	}
	rc = store_begin(r->db);
	if (rc) {
		rc = http_fail_store(r, rc);
		goto out;
	}
	rc = rosters_shift_insert(r->db, t.id, t.commune_id, s.name, s.start_min, s.end_min, time_now(), &id);
	if (rc == STORE_OK)
		rc = api_audit(r, "shift.create", "team", t.id,
			       arena_printf(&r->arena, "{\"unit_id\":%" PRId64 ",\"shift_id\":%" PRId64 "}",
					    t.unit_id, id));
	rc = finish_tx(r, rc);
	if (rc) {
		rc = http_fail_store(r, rc);
		goto out;
	}
	s.id = id;
	s.team_id = t.id;
	struct jw *w = http_json(r, 201);
	jw_obj(w);
	jw_key(w, "data");
	write_shift(w, &s);
	jw_end(w);
	rc = APP_OK;
out:
	json_decref(body);
	return rc;
}

/* ---- the week grid ---- */

/* Reads ?week= (default: the week of today in Vietnam) into the Monday's day number and its name. */
static int week_arg(struct req *r, int64_t *monday, char week[16])
{
	const char *s = http_query(r, "week");
	if (s) {
		if (roster_week_parse(s, monday)) {
			field_err(&r->fields, "week", "must be an ISO week like 2026-W10");
			return http_fail(r, APP_E_PARAM, "malformed query");
		}
	} else {
		int64_t today = roster_day_of(time_now());
		char tmp[16];
		roster_week_format(today, tmp, sizeof tmp);
		roster_week_parse(tmp, monday);
	}
	roster_week_format(*monday, week, 16);
	return APP_OK;
}

static int answer_roster(struct req *r, const struct team_row *t, int64_t monday, const char *week)
{
	struct shift_row *sh;
	struct slot_row *sl;
	struct member_brief *mb;
	int nsh, nsl, nmb, rc;
	int64_t from, to, dummy;
	char day[16];
	roster_shift_times(monday, 0, 0, &from, &dummy);
	roster_shift_times(monday + 7, 0, 0, &to, &dummy);
	rc = rosters_shifts(r->db, &r->arena, t->id, &sh, &nsh);
	if (rc == STORE_OK)
		rc = rosters_slots(r->db, &r->arena, t->id, from, to, &sl, &nsl);
	if (rc == STORE_OK)
		rc = rosters_members(r->db, &r->arena, t->id, roster_day_format(monday + 6, day, sizeof day),
				     &mb, &nmb);
	if (rc)
		return http_fail_store(r, rc);
	struct jw *w = http_json(r, 200);
	jw_obj(w);
	jw_key(w, "data");
	jw_obj(w);
	jw_kint(w, "team_id", t->id);
	jw_kstr(w, "team_name", t->name);
	jw_kstr(w, "week", week);
	jw_kbool(w, "can_edit", team_writable(r, t));
	jw_key(w, "days");
	jw_arr(w);
	for (int i = 0; i < 7; i++)
		jw_str(w, roster_day_format(monday + i, day, sizeof day));
	jw_end(w);
	jw_key(w, "shifts");
	jw_arr(w);
	for (int i = 0; i < nsh; i++)
		write_shift(w, &sh[i]);
	jw_end(w);
	jw_key(w, "members");
	jw_arr(w);
	for (int i = 0; i < nmb; i++) {
		jw_obj(w);
		jw_kint(w, "person_id", mb[i].person_id);
		jw_kstr(w, "full_name", mb[i].full_name);
		jw_kstr(w, "role", mb[i].role);
		jw_end(w);
	}
	jw_end(w);
	jw_key(w, "slots");
	jw_arr(w);
	for (int i = 0; i < nsl; i++)
		write_slot(w, &sl[i], false);
	jw_end(w);
	jw_end(w);
	jw_end(w);
	return APP_OK;
}

int api_roster_get(struct req *r)
{
	struct team_row t;
	int64_t monday;
	char week[16];
	int rc = load_team(r, &t);
	if (rc)
		return rc;
	rc = week_arg(r, &monday, week);
	if (rc)
		return rc;
	return answer_roster(r, &t, monday, week);
}

static const char *const roster_fields[] = {"slots", NULL};
static const char *const slot_fields[] = {"day", "shift_id", "person_id", NULL};

struct want {
	int64_t day;
	int64_t shift_id;
	int64_t person_id;
	bool exists;
};

int api_roster_put(struct req *r)
{
	json_t *body = NULL;
	struct team_row t;
	struct shift_row *sh;
	struct slot_row *old;
	struct want *want = NULL;
	int64_t monday, from, to, dummy, now = time_now();
	int nsh, nold, nwant = 0, added = 0, removed = 0;
	char week[16], day[16];
	int rc = load_team(r, &t);
	if (rc)
		return rc;
	rc = week_arg(r, &monday, week);
	if (rc)
		return rc;
	rc = http_json_body(r, &body);
	if (rc)
		return rc;
	jf_no_unknown(body, roster_fields, &r->fields);
	json_t *arr = json_object_get(body, "slots");
	if (!json_is_array(arr))
		field_err(&r->fields, "slots", "must be an array of {day, shift_id, person_id}");
	else if (json_array_size(arr) > ROSTER_SLOTS_MAX / 2)
		field_err(&r->fields, "slots", "too many slots for one week");
	if (r->fields.n) {
		rc = http_fail_fields(r, &r->fields);
		goto out;
	}
	if (!team_writable(r, &t)) {
		rc = http_fail(r, APP_E_FORBIDDEN, "your role may not change this team's roster");
		goto out;
	}
	rc = rosters_shifts(r->db, &r->arena, t.id, &sh, &nsh);
	if (rc) {
		rc = http_fail_store(r, rc);
		goto out;
	}
	want = arena_alloc(&r->arena, sizeof *want * (json_array_size(arr) + 1));
	if (!want) {
		rc = APP_E_NOMEM;
		goto out;
	}
	/* validate every entry; the first bad one is named */
	size_t i;
	json_t *e;
	json_array_foreach(arr, i, e)
	{
		struct field_errs fe = {0};
		const char *ds = NULL;
		struct want wv = {0};
		const char *where = arena_printf(&r->arena, "slots[%zu]", i);
		if (!json_is_object(e)) {
			field_err(&r->fields, where, "must be an object {day, shift_id, person_id}");
			break;
		}
		jf_no_unknown(e, slot_fields, &fe);
		if (jf_str(e, "day", JF_REQUIRED, 10, &ds, &fe) == 1 &&
		    (roster_day_parse(ds, &wv.day) || wv.day < monday || wv.day >= monday + 7))
			field_err(&fe, "day", "must be a day of this week");
		jf_int(e, "shift_id", JF_REQUIRED, 1, ID_MAX, &wv.shift_id, &fe);
		jf_int(e, "person_id", JF_REQUIRED, 1, ID_MAX, &wv.person_id, &fe);
		bool known = false;
		for (int k = 0; !fe.n && k < nsh && !known; k++)
			known = sh[k].id == wv.shift_id;
		if (!fe.n && !known)
			field_err(&fe, "shift_id", "is not a shift of this team");
		if (!fe.n) {
			rc = rosters_is_member(r->db, t.id, wv.person_id,
					       roster_day_format(wv.day, day, sizeof day));
			if (rc < 0) {
				rc = http_fail_store(r, rc);
				goto out;
			}
			if (rc == STORE_DONE)
				field_err(&fe, "person_id", "is not a member of this team on that day");
		}
		for (int k = 0; !fe.n && k < nwant; k++)
			if (want[k].day == wv.day && want[k].shift_id == wv.shift_id &&
			    want[k].person_id == wv.person_id)
				field_err(&fe, "person_id", "is on this shift twice");
		if (fe.n) {
			field_err(&r->fields, where,
				  arena_printf(&r->arena, "'%s' %s", fe.field[0], fe.msg[0]));
			break;
		}
		want[nwant++] = wv;
	}
	if (r->fields.n) {
		rc = http_fail_fields(r, &r->fields);
		goto out;
	}
	roster_shift_times(monday, 0, 0, &from, &dummy);
	roster_shift_times(monday + 7, 0, 0, &to, &dummy);
	rc = store_begin(r->db);
	if (rc) {
		rc = http_fail_store(r, rc);
		goto out;
	}
	rc = rosters_slots(r->db, &r->arena, t.id, from, to, &old, &nold);
	for (int k = 0; rc == STORE_OK && k < nold; k++) {
		bool keep = false;
		int64_t od;
		roster_day_parse(old[k].day, &od);
		for (int j = 0; j < nwant && !keep; j++)
			if (want[j].day == od && want[j].shift_id == old[k].shift_id &&
			    want[j].person_id == old[k].person_id) {
				keep = true;
				want[j].exists = true;
			}
		if (!keep) {
			rc = rosters_slot_delete(r->db, old[k].id);
			removed++;
		}
	}
	for (int j = 0; rc == STORE_OK && j < nwant; j++) {
		if (want[j].exists)
			continue;
		struct slot_row s = {.team_id = t.id,
				     .commune_id = t.commune_id,
				     .shift_id = want[j].shift_id,
				     .person_id = want[j].person_id,
				     .day = roster_day_format(want[j].day, day, sizeof day)};
		for (int k = 0; k < nsh; k++)
			if (sh[k].id == s.shift_id)
				roster_shift_times(want[j].day, sh[k].start_min, sh[k].end_min, &s.starts_at,
						   &s.ends_at);
		int64_t id;
		rc = rosters_slot_insert(r->db, &s, now, &id);
		added++;
	}
	if (rc == STORE_OK)
		rc = api_audit(r, "roster.update", "team", t.id,
			       arena_printf(&r->arena,
					    "{\"unit_id\":%" PRId64
					    ",\"week\":\"%s\",\"added\":%d,\"removed\":%d}",
					    t.unit_id, week, added, removed));
	rc = finish_tx(r, rc);
	if (rc) {
		rc = http_fail_store(r, rc);
		goto out;
	}
	rc = answer_roster(r, &t, monday, week);
out:
	json_decref(body);
	return rc;
}

/* ---- swaps ---- */

static void write_swap(struct jw *w, const struct swap_row *s)
{
	jw_obj(w);
	jw_kint(w, "id", s->id);
	jw_kint(w, "team_id", s->team_id);
	jw_kint(w, "slot_id", s->slot_id);
	jw_kstr(w, "day", s->day);
	jw_kstr(w, "shift_name", s->shift_name);
	jw_ktime(w, "starts_at", s->starts_at);
	jw_ktime(w, "ends_at", s->ends_at);
	jw_kint(w, "from_person_id", s->from_person_id);
	jw_kstr(w, "from_name", s->from_name);
	jw_kint(w, "to_person_id", s->to_person_id);
	jw_kstr(w, "to_name", s->to_name);
	jw_kstr(w, "reason", s->reason);
	jw_kstr(w, "status", s->status);
	jw_ktime(w, "created_at", s->created_at);
	if (s->decided_at)
		jw_ktime(w, "decided_at", s->decided_at);
	else
		jw_knull(w, "decided_at");
	jw_end(w);
}

static int answer_swap(struct req *r, int status, int64_t id)
{
	struct swap_row s;
	int rc = rosters_swap_get(r->db, &r->arena, id, &s);
	if (rc != STORE_ROW)
		return http_fail_store(r, rc == STORE_DONE ? STORE_E_DB : rc);
	struct jw *w = http_json(r, status);
	jw_obj(w);
	jw_key(w, "data");
	write_swap(w, &s);
	jw_end(w);
	return APP_OK;
}

static const char *const swap_fields[] = {"slot_id", "to_person_id", "reason", NULL};

int api_swaps_create(struct req *r)
{
	json_t *body = NULL;
	struct slot_row s;
	struct team_row t;
	int64_t slot_id = 0, to_person = 0, me = 0, id = 0, now = time_now();
	const char *reason = NULL;
	int rc = http_json_body(r, &body);
	if (rc)
		return rc;
	jf_no_unknown(body, swap_fields, &r->fields);
	jf_int(body, "slot_id", JF_REQUIRED, 1, ID_MAX, &slot_id, &r->fields);
	jf_int(body, "to_person_id", JF_REQUIRED, 1, ID_MAX, &to_person, &r->fields);
	jf_str(body, "reason", JF_OPTIONAL, SWAP_REASON_MAX, &reason, &r->fields);
	if (r->fields.n) {
		rc = http_fail_fields(r, &r->fields);
		goto out;
	}
	rc = my_person(r, &me);
	if (rc)
		goto out;
	rc = rosters_slot_get(r->db, &r->arena, slot_id, &s);
	if (rc < 0) {
		rc = http_fail_store(r, rc);
		goto out;
	}
	if (rc == STORE_ROW)
		rc = teams_get(r->db, &r->arena, s.team_id, &t);
	if (rc < 0) {
		rc = http_fail_store(r, rc);
		goto out;
	}
	bool mine = rc == STORE_ROW && me && s.person_id == me;
	if (rc == STORE_DONE || (!mine && !perm_on_team(&r->user, PERM_PATROLS_READ, t.id, t.unit_path))) {
		field_err(&r->fields, "slot_id", "no such duty");
		rc = http_fail_fields(r, &r->fields);
		goto out;
	}
	if (!mine && !team_writable(r, &t)) {
		rc = http_fail(r, APP_E_FORBIDDEN,
			       "only the member on duty or the team's leader may ask to swap it");
		goto out;
	}
	if (to_person == s.person_id) {
		field_err(&r->fields, "to_person_id", "is already on this duty");
		rc = http_fail_fields(r, &r->fields);
		goto out;
	}
	rc = rosters_is_member(r->db, t.id, to_person, s.day);
	if (rc < 0) {
		rc = http_fail_store(r, rc);
		goto out;
	}
	if (rc == STORE_DONE) {
		field_err(&r->fields, "to_person_id", "is not a member of this team on that day");
		rc = http_fail_fields(r, &r->fields);
		goto out;
	}
	if (s.starts_at <= now) {
		rc = http_fail(r, APP_E_CONFLICT, "this duty has already begun: it can no longer be swapped");
		goto out;
	}
	rc = store_begin(r->db);
	if (rc) {
		rc = http_fail_store(r, rc);
		goto out;
	}
	rc = rosters_swap_pending(r->db, s.id);
	if (rc == STORE_ROW) {
		store_rollback(r->db);
		rc = http_fail(r, APP_E_CONFLICT, "a swap of this duty is already waiting for the leader");
		goto out;
	}
	if (rc == STORE_DONE)
		rc = rosters_swap_insert(r->db, &s, to_person, reason, r->user.user_id, now, &id);
	if (rc == STORE_OK)
		rc = api_audit(r, "swap.request", "swap", id,
			       arena_printf(&r->arena,
					    "{\"unit_id\":%" PRId64 ",\"team_id\":%" PRId64
					    ",\"slot_id\":%" PRId64 ",\"from_person_id\":%" PRId64
					    ",\"to_person_id\":%" PRId64 "}",
					    t.unit_id, t.id, s.id, s.person_id, to_person));
	rc = finish_tx(r, rc);
	if (rc) {
		rc = http_fail_store(r, rc);
		goto out;
	}
	rc = answer_swap(r, 201, id);
out:
	json_decref(body);
	return rc;
}

static int decide(struct req *r, bool approve)
{
	struct swap_row s;
	struct team_row t;
	int64_t id, me = 0, now = time_now();
	int rc = http_param_id(r, 0, &id);
	if (rc)
		return http_fail(r, APP_E_NOTFOUND, "no such swap");
	rc = my_person(r, &me);
	if (rc)
		return rc;
	rc = rosters_swap_get(r->db, &r->arena, id, &s);
	if (rc == STORE_ROW)
		rc = teams_get(r->db, &r->arena, s.team_id, &t);
	if (rc < 0)
		return http_fail_store(r, rc);
	bool mine = rc == STORE_ROW && me && (s.from_person_id == me || s.to_person_id == me);
	if (rc == STORE_DONE || (!mine && !perm_on_team(&r->user, PERM_PATROLS_READ, t.id, t.unit_path)))
		return http_fail(r, APP_E_NOTFOUND, "no such swap");
	if (!team_writable(r, &t))
		return http_fail(r, APP_E_FORBIDDEN, "only the team's leader decides swaps");
	if (strcmp(s.status, "pending") != 0)
		return http_fail(r, APP_E_CONFLICT,
				 arena_printf(&r->arena, "this swap was already %s", s.status));
	rc = store_begin(r->db);
	if (rc)
		return http_fail_store(r, rc);
	rc = rosters_swap_decide(r->db, s.id, approve ? "approved" : "refused", r->user.user_id, now);
	if (rc == STORE_DONE) {
		store_rollback(r->db);
		return http_fail(r, APP_E_CONFLICT, "this swap was already decided");
	}
	if (rc == STORE_OK && approve)
		rc = rosters_slot_set_person(r->db, s.slot_id, s.to_person_id);
	if (rc == STORE_E_UNIQUE) {
		store_rollback(r->db);
		return http_fail(r, APP_E_CONFLICT,
				 "the member asked to take over is already on this shift that day");
	}
	if (rc == STORE_OK)
		rc = api_audit(r, approve ? "swap.approve" : "swap.refuse", "swap", s.id,
			       arena_printf(&r->arena, "{\"unit_id\":%" PRId64 ",\"team_id\":%" PRId64 "}",
					    t.unit_id, t.id));
	rc = finish_tx(r, rc);
	if (rc)
		return http_fail_store(r, rc);
	return answer_swap(r, 200, s.id);
}

int api_swaps_approve(struct req *r)
{
	return decide(r, true);
}

int api_swaps_refuse(struct req *r)
{
	return decide(r, false);
}

int api_swaps_list(struct req *r)
{
	struct team_row t;
	struct swap_row *s;
	int64_t team_id = 0, me = 0;
	int n, rc;
	const char *ts = http_query(r, "team_id"), *status = http_query(r, "status");
	if (ts && http_parse_id(ts, &team_id))
		field_err(&r->fields, "team_id", "must be a team id");
	if (status && *status && strcmp(status, "pending") && strcmp(status, "approved") &&
	    strcmp(status, "refused"))
		field_err(&r->fields, "status", "must be pending, approved or refused");
	if (r->fields.n)
		return http_fail(r, APP_E_PARAM, "malformed query");
	if (team_id) {
		rc = team_by_id(r, team_id, &t);
		if (rc)
			return rc;
	} else {
		rc = my_person(r, &me);
		if (rc)
			return rc;
	}
	if (!team_id && !me)
		n = 0, s = NULL;
	else if ((rc = rosters_swaps_list(r->db, &r->arena, team_id, me, status, 200, &s, &n)))
		return http_fail_store(r, rc);
	struct jw *w = http_json(r, 200);
	jw_obj(w);
	jw_key(w, "data");
	jw_arr(w);
	for (int i = 0; i < n; i++)
		write_swap(w, &s[i]);
	jw_end(w);
	jw_end(w);
	return APP_OK;
}

/* ---- GET /api/v1/me/duties ---- */

int api_me_duties(struct req *r)
{
	int64_t me = 0, from = 0, to = 0, now = time_now();
	struct slot_row *sl = NULL;
	struct patrol_row *pa = NULL;
	int nsl = 0, npa = 0;
	api_parse_period(r, "from", false, &from);
	api_parse_period(r, "to", true, &to);
	if (r->fields.n)
		return http_fail(r, APP_E_PARAM, "malformed query");
	if (!from)
		from = now - 86400;
	if (!to)
		to = from + 15 * 86400;
	if (to <= from || to - from > 366 * 86400) {
		field_err(&r->fields, "to", "must be after 'from', within a year");
		return http_fail(r, APP_E_PARAM, "malformed query");
	}
	int rc = my_person(r, &me);
	if (rc)
		return rc;
	if (me) {
		struct patrols_query q = {
		    .person_id = me, .state = -1, .from = from - 86400, .to = to, .limit = 50};
		rc = rosters_slots_of_person(r->db, &r->arena, me, from, to, &sl, &nsl);
		if (rc == STORE_OK)
			rc = patrols_list(r->db, &r->arena, &q, &pa, &npa);
		if (rc)
			return http_fail_store(r, rc);
	}
	struct jw *w = http_json(r, 200);
	jw_obj(w);
	jw_key(w, "data");
	jw_obj(w);
	if (me)
		jw_kint(w, "person_id", me);
	else
		jw_knull(w, "person_id");
	jw_key(w, "duties");
	jw_arr(w);
	for (int i = 0; i < nsl; i++)
		write_slot(w, &sl[i], true);
	jw_end(w);
	jw_key(w, "patrols");
	jw_arr(w);
	for (int i = 0; i < npa; i++) {
		int64_t at = 0;
		rc = patrols_assignment(r->db, pa[i].id, me, &at);
		if (rc < 0)
			return http_fail_store(r, rc);
		jw_obj(w);
		jw_kint(w, "id", pa[i].id);
		jw_kint(w, "team_id", pa[i].team_id);
		jw_kstr(w, "team_name", pa[i].team_name);
		jw_kstr(w, "area", pa[i].area);
		jw_ktime(w, "planned_start", pa[i].planned_start);
		jw_ktime(w, "planned_end", pa[i].planned_end);
		jw_kstr(w, "state", patrol_state_names[patrol_state_of(pa[i].started_at, pa[i].ended_at)]);
		if (at)
			jw_ktime(w, "checked_in_at", at);
		else
			jw_knull(w, "checked_in_at");
		jw_end(w);
	}
	jw_end(w);
	jw_end(w);
	jw_end(w);
	return APP_OK;
}

/* ---- calendar tokens ---- */

static void write_token(struct jw *w, const struct ical_token_row *t)
{
	jw_obj(w);
	jw_kint(w, "id", t->id);
	jw_kstr(w, "kind", t->kind);
	jw_ktime(w, "created_at", t->created_at);
	if (t->revoked_at)
		jw_ktime(w, "revoked_at", t->revoked_at);
	else
		jw_knull(w, "revoked_at");
	jw_end(w);
}

static int answer_tokens(struct req *r, int64_t team_id, int64_t person_id)
{
	struct ical_token_row *t = NULL;
	int n = 0;
	if (team_id || person_id) {
		int rc = rosters_ical_list(r->db, team_id, person_id, &r->arena, &t, &n);
		if (rc)
			return http_fail_store(r, rc);
	}
	struct jw *w = http_json(r, 200);
	jw_obj(w);
	jw_key(w, "data");
	jw_arr(w);
	for (int i = 0; i < n; i++)
		write_token(w, &t[i]);
	jw_end(w);
	jw_end(w);
	return APP_OK;
}

/* Issues a token of kind for team_id or person_id and answers 201 with the token, once. */
static int issue(struct req *r, const char *kind, int64_t team_id, int64_t person_id, int64_t commune_id,
		 int64_t unit_id)
{
	char token[64], hash[CRYPTO_HASH_HEX];
	int64_t id = 0, now = time_now();
	if (crypto_token(ICAL_TOKEN_BYTES, token, sizeof token) ||
	    crypto_keyed_hash_hex("ical", token, strlen(token), hash))
		return http_fail(r, APP_E_INTERNAL, "cannot make a token");
	int rc = store_begin(r->db);
	if (rc)
		return http_fail_store(r, rc);
	rc =
	    rosters_ical_insert(r->db, kind, team_id, person_id, commune_id, hash, r->user.user_id, now, &id);
	if (rc == STORE_OK)
		rc = api_audit(
		    r, "ical.issue", "ical_token", id,
		    arena_printf(&r->arena, "{\"unit_id\":%" PRId64 ",\"kind\":\"%s\"}", unit_id, kind));
	rc = finish_tx(r, rc);
	if (rc)
		return http_fail_store(r, rc);
	struct ical_token_row t = {.id = id, .kind = kind, .created_at = now};
	struct jw *w = http_json(r, 201);
	jw_obj(w);
	jw_key(w, "data");
	jw_obj(w);
	jw_kint(w, "id", t.id);
	jw_kstr(w, "kind", t.kind);
	jw_ktime(w, "created_at", t.created_at);
	jw_knull(w, "revoked_at");
	jw_kstr(w, "token", token);
	jw_kstr(w, "path",
		arena_printf(&r->arena, "/ical/%s/%s.ics", strcmp(kind, "team") == 0 ? "teams" : "members",
			     token));
	jw_end(w);
	jw_end(w);
	sodium_memzero(token, sizeof token);
	return APP_OK;
}

static int revoke(struct req *r, int param, int64_t team_id, int64_t person_id, int64_t unit_id)
{
	struct ical_token_row t;
	int64_t id;
	if (http_param_id(r, param, &id))
		return http_fail(r, APP_E_NOTFOUND, "no such calendar link");
	int rc = rosters_ical_get(r->db, id, &t);
	if (rc < 0)
		return http_fail_store(r, rc);
	if (rc == STORE_DONE || (team_id && t.team_id != team_id) ||
	    (person_id && t.person_id != person_id) || t.revoked_at)
		return http_fail(r, APP_E_NOTFOUND, "no such calendar link");
	rc = store_begin(r->db);
	if (rc)
		return http_fail_store(r, rc);
	rc = rosters_ical_revoke(r->db, id, time_now());
	if (rc == STORE_OK)
		rc = api_audit(
		    r, "ical.revoke", "ical_token", id,
		    arena_printf(&r->arena, "{\"unit_id\":%" PRId64 ",\"kind\":\"%s\"}", unit_id, t.kind));
	rc = finish_tx(r, rc);
	if (rc)
		return http_fail_store(r, rc == STORE_DONE ? STORE_E_DB : rc);
	http_text(r, 204, NULL, "");
	return APP_OK;
}

int api_team_ical_list(struct req *r)
{
	struct team_row t;
	int rc = load_team(r, &t);
	if (rc)
		return rc;
	if (!team_writable(r, &t))
		return http_fail(r, APP_E_FORBIDDEN, "only the team's leader manages its calendar links");
	return answer_tokens(r, t.id, 0);
}

int api_team_ical_issue(struct req *r)
{
	struct team_row t;
	int rc = load_team(r, &t);
	if (rc)
		return rc;
	if (!team_writable(r, &t))
		return http_fail(r, APP_E_FORBIDDEN, "only the team's leader manages its calendar links");
	return issue(r, "team", t.id, 0, t.commune_id, t.unit_id);
}

int api_team_ical_revoke(struct req *r)
{
	struct team_row t;
	int rc = load_team(r, &t);
	if (rc)
		return rc;
	if (!team_writable(r, &t))
		return http_fail(r, APP_E_FORBIDDEN, "only the team's leader manages its calendar links");
	return revoke(r, 1, t.id, 0, t.unit_id);
}

/* The person of the caller and the commune of their People row, for their own calendar links. */
static int me_for_ical(struct req *r, int64_t *me, int64_t *commune_id, int64_t *unit_id)
{
	struct store_stmt *st;
	int rc = my_person(r, me);
	if (rc)
		return rc;
	if (!*me)
		return http_fail(
		    r, APP_E_CONFLICT,
		    "your account is not linked to a person of the register: ask an officer to link it");
	rc = store_prepare(r->db, "SELECT COALESCE(commune_id, 0), unit_id FROM people WHERE id = $1", &st);
	if (rc)
		return http_fail_store(r, rc);
	store_bind_i64(st, 1, *me);
	rc = store_step(st);
	if (rc == STORE_ROW) {
		*commune_id = store_col_i64(st, 0);
		*unit_id = store_col_i64(st, 1);
	}
	store_reset(st);
	return rc == STORE_ROW ? APP_OK : http_fail_store(r, rc == STORE_DONE ? STORE_E_DB : rc);
}

int api_me_ical_list(struct req *r)
{
	int64_t me = 0;
	int rc = my_person(r, &me);
	if (rc)
		return rc;
	return answer_tokens(r, 0, me);
}

int api_me_ical_issue(struct req *r)
{
	int64_t me = 0, commune_id = 0, unit_id = 0;
	int rc = me_for_ical(r, &me, &commune_id, &unit_id);
	if (rc)
		return rc;
	return issue(r, "member", 0, me, commune_id, unit_id);
}

int api_me_ical_revoke(struct req *r)
{
	int64_t me = 0;
	int rc = my_person(r, &me);
	if (rc)
		return rc;
	if (!me)
		return http_fail(r, APP_E_NOTFOUND, "no such calendar link");
	return revoke(r, 0, 0, me, 0);
}

/* ---- the feeds ---- */

/* Finds the valid token of kind named by path capture 0 ("TOKEN.ics"). 404 for anything else. */
static int feed_token(struct req *r, const char *kind, struct ical_token_row *t)
{
	const char *p = r->params[0];
	size_t len = p ? strlen(p) : 0;
	char hash[CRYPTO_HASH_HEX];
	if (len < 5 || len > 100 || strcmp(p + len - 4, ".ics") != 0)
		return http_fail(r, APP_E_NOTFOUND, "no such calendar");
	char *token = arena_strndup(&r->arena, p, len - 4);
	if (!token || crypto_keyed_hash_hex("ical", token, len - 4, hash))
		return http_fail(r, APP_E_NOTFOUND, "no such calendar");
	int rc = rosters_ical_find(r->db, kind, hash, t);
	if (rc < 0)
		return http_fail_store(r, rc);
	if (rc == STORE_DONE)
		return http_fail(r, APP_E_NOTFOUND, "no such calendar");
	return APP_OK;
}

static const char *time_hhmm_vn(struct req *r, int64_t t)
{
	char s[32];
	time_format_rfc3339(t, s, sizeof s); /* 2026-03-03T19:00:00+07:00 */
	return arena_strndup(&r->arena, s + 11, 5);
}

static void feed_slots(struct req *r, struct buf *b, const struct slot_row *sl, int n, bool names,
		       int64_t now)
{
	for (int i = 0; i < n; i++) {
		struct ical_event e = {
		    .uid = arena_printf(&r->arena, "slot-%" PRId64 "@tiengmo", sl[i].id),
		    .stamp = now,
		    .start = sl[i].starts_at,
		    .end = sl[i].ends_at,
		    .summary =
			names ? arena_printf(&r->arena, "Trực %s: %s", sl[i].shift_name, sl[i].full_name)
			      : arena_printf(&r->arena, "Trực %s – %s", sl[i].shift_name, sl[i].team_name),
		    .description =
			arena_printf(&r->arena, "%s, %s–%s", sl[i].team_name,
				     time_hhmm_vn(r, sl[i].starts_at), time_hhmm_vn(r, sl[i].ends_at)),
		    .status = "CONFIRMED",
		};
		ical_event(b, &e);
	}
}

static void feed_patrols(struct req *r, struct buf *b, const struct patrol_row *pa, int n, int64_t now)
{
	for (int i = 0; i < n; i++) {
		int64_t start = pa[i].started_at ? pa[i].started_at : pa[i].planned_start;
		int64_t end = pa[i].ended_at ? pa[i].ended_at : pa[i].planned_end;
		struct ical_event e = {
		    .uid = arena_printf(&r->arena, "patrol-%" PRId64 "@tiengmo", pa[i].id),
		    .stamp = now,
		    .start = start,
		    .end = end > start ? end : start + 3600,
		    .summary = arena_printf(&r->arena, "Tuần tra: %s", pa[i].area),
		    .location = pa[i].area,
		    .description = pa[i].team_name,
		    .status = "CONFIRMED",
		};
		ical_event(b, &e);
	}
}

static int send_feed(struct req *r, bool team, const struct ical_token_row *t)
{
	int64_t now = time_now(), from = now - ICAL_WEEKS_BACK * 7 * 86400,
		to = now + ICAL_WEEKS_AHEAD * 7 * 86400;
	struct slot_row *sl;
	struct patrol_row *pa;
	struct team_row tm;
	int nsl = 0, npa = 0, rc;
	const char *name;
	struct patrols_query q = {.state = -1, .from = from, .to = to, .limit = 500};
	if (team) {
		rc = teams_get(r->db, &r->arena, t->team_id, &tm);
		if (rc == STORE_DONE)
			return http_fail(r, APP_E_NOTFOUND, "no such calendar");
		if (rc < 0)
			return http_fail_store(r, rc);
		rc = rosters_slots(r->db, &r->arena, t->team_id, from, to, &sl, &nsl);
		q.team_id = t->team_id;
		name = arena_printf(&r->arena, "Lịch trực – %s", tm.name);
	} else {
		rc = rosters_slots_of_person(r->db, &r->arena, t->person_id, from, to, &sl, &nsl);
		q.person_id = t->person_id;
		name = "Lịch trực của tôi";
	}
	if (rc == STORE_OK)
		rc = patrols_list(r->db, &r->arena, &q, &pa, &npa);
	if (rc)
		return http_fail_store(r, rc);
	r->status = 200;
	r->content_type = "text/calendar; charset=utf-8";
	http_header(r, "Cache-Control", "private, max-age=300");
	buf_reset(&r->out);
	ical_begin(&r->out, "-//tiengmo//Lịch trực tuần tra//VI", name ? name : "tiengmo");
	feed_slots(r, &r->out, sl, nsl, team, now);
	feed_patrols(r, &r->out, pa, npa, now);
	ical_end(&r->out);
	if (r->out.err)
		return http_fail(r, APP_E_INTERNAL, "the calendar is too large");
	return APP_OK;
}

int api_ical_team_feed(struct req *r)
{
	struct ical_token_row t;
	int rc = feed_token(r, "team", &t);
	return rc ? rc : send_feed(r, true, &t);
}

int api_ical_member_feed(struct req *r)
{
	struct ical_token_row t;
	int rc = feed_token(r, "member", &t);
	return rc ? rc : send_feed(r, false, &t);
}
