/*
 * cases.c: the /api/v1/cases endpoints — list with filters, open, read (with the tips linked to it),
 * change, link a tip, and the counts by category and month that reports build on.
 *
 * Scope as for tips: a case belongs to a unit (commune, block or group); the caller sees the cases of
 * the subtrees where they hold cases.read (others answer 404) and changes them with cases.write (403
 * on a visible case). Officers and admins hold both; viewers neither (crime data is sensitive personal
 * data, Decree 13/2023 art. 2). Every write is audited as case.create, case.update or case.link_tip.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "lib/timeutil.h"
#include "store/cases.h"
#include "store/tips.h"
#include "store/units.h"

#define CASE_TIPS_MAX 200
#define STATS_MONTHS_MAX 60

static bool in_list(const char *s, const char *const *names)
{
	for (int i = 0; s && names[i]; i++)
		if (strcmp(s, names[i]) == 0)
			return true;
	return false;
}

static int audit_case(struct req *r, const char *action, int64_t id, int64_t unit_id, int64_t tip_id)
{
	char detail[96];
	if (tip_id)
		snprintf(detail, sizeof detail, "{\"unit_id\":%" PRId64 ",\"tip_id\":%" PRId64 "}", unit_id,
			 tip_id);
	else
		snprintf(detail, sizeof detail, "{\"unit_id\":%" PRId64 "}", unit_id);
	return api_audit(r, action, "case", id, detail);
}

static void write_case_fields(struct jw *w, const struct case_row *c)
{
	jw_kint(w, "id", c->id);
	jw_kint(w, "unit_id", c->unit_id);
	jw_kint(w, "commune_id", c->commune_id);
	jw_kstr(w, "category", c->category);
	jw_ktime(w, "occurred_at", c->occurred_at);
	jw_kstr(w, "place", c->place);
	jw_kstr(w, "source", c->source);
	jw_kstr(w, "status", c->status);
	jw_kstr(w, "summary", c->summary);
	jw_ktime(w, "created_at", c->created_at);
	jw_ktime(w, "updated_at", c->updated_at);
}

/* The case with its linked tips (id, category, status, received). */
static int answer_case(struct req *r, int status, const struct case_row *c)
{
	struct tip_row *t;
	int n;
	int rc = tips_of_case(r->db, &r->arena, c->id, CASE_TIPS_MAX, &t, &n);
	if (rc)
		return http_fail_store(r, rc);
	struct jw *w = http_json(r, status);
	jw_obj(w);
	jw_key(w, "data");
	jw_obj(w);
	write_case_fields(w, c);
	jw_key(w, "tips");
	jw_arr(w);
	for (int i = 0; i < n; i++) {
		if (!perm_on_unit(&r->user, PERM_TIPS_READ, t[i].unit_path))
			continue;
		jw_obj(w);
		jw_kint(w, "id", t[i].id);
		jw_kstr(w, "category", t[i].category);
		jw_kstr(w, "status", t[i].status);
		jw_ktime(w, "created_at", t[i].created_at);
		jw_end(w);
	}
	jw_end(w);
	jw_end(w);
	jw_end(w);
	return APP_OK;
}

static int load_visible(struct req *r, struct case_row *c)
{
	int64_t id;
	int rc = http_param_id(r, 0, &id);
	if (rc)
		return http_fail(r, rc, "no such case");
	rc = cases_get(r->db, &r->arena, id, c);
	if (rc < 0)
		return http_fail_store(r, rc);
	if (rc == STORE_DONE || !perm_on_unit(&r->user, PERM_CASES_READ, c->unit_path))
		return http_fail(r, APP_E_NOTFOUND, "no such case");
	return APP_OK;
}

/* ---- GET /api/v1/cases ---- */

int api_cases_list(struct req *r)
{
	struct cases_query q = {0};
	int64_t cursor = 0;
	int limit = 50;
	int rc = http_page_args(r, &cursor, &limit);
	if (rc)
		return rc;
	q.status = http_query(r, "status");
	q.category = http_query(r, "category");
	q.source = http_query(r, "source");
	if (q.status && *q.status && !in_list(q.status, cases_status_names))
		field_err(&r->fields, "status", "must be open, investigating, transferred or closed");
	if (q.category && *q.category && !in_list(q.category, cases_category_names))
		field_err(&r->fields, "category", "is not a case category");
	if (q.source && *q.source && !in_list(q.source, cases_source_names))
		field_err(&r->fields, "source", "must be tip, patrol, alarm, walk_in or referral");
	api_parse_period(r, "from", false, &q.from);
	api_parse_period(r, "to", true, &q.to);
	if (r->fields.n)
		return http_fail(r, APP_E_PARAM, "malformed query");
	rc = api_scope_path(r, PERM_CASES_READ, http_query(r, "unit_id"), &q.unit_path);
	if (rc)
		return rc;
	bool all = q.unit_path == NULL || perm_on_unit(&r->user, PERM_CASES_READ, q.unit_path);

	struct case_row *page = arena_alloc(&r->arena, sizeof *page * (size_t)(limit + 1));
	int n = 0;
	if (!page)
		return APP_E_NOMEM;
	q.after_id = cursor;
	q.limit = limit + 1 < 50 ? 50 : limit + 1;
	for (;;) {
		struct case_row *batch;
		int nb;
		rc = cases_list(r->db, &r->arena, &q, &batch, &nb);
		if (rc < 0)
			return http_fail_store(r, rc);
		for (int i = 0; i < nb && n <= limit; i++)
			if (all || perm_on_unit(&r->user, PERM_CASES_READ, batch[i].unit_path))
				page[n++] = batch[i];
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
		jw_obj(w);
		write_case_fields(w, &page[i]);
		jw_end(w);
	}
	jw_end(w);
	http_next_cursor(w, more ? page[n - 1].id : 0);
	jw_end(w);
	return APP_OK;
}

/* ---- reading a body into a case ---- */

static const char *const case_fields[] = {"unit_id", "category", "occurred_at", "place",
					  "source",  "status",	 "summary",	NULL};

static void read_case(struct req *r, json_t *o, struct case_row *c, bool create, int64_t *unit_id)
{
	struct field_errs *fe = &r->fields;
	const char *s;
	int64_t v;
	int flags = create ? JF_REQUIRED : JF_OPTIONAL;
	jf_no_unknown(o, case_fields, fe);
	if (jf_int(o, "unit_id", flags, 1, ((int64_t)1 << 53) - 1, &v, fe) == 1)
		*unit_id = v;
	int k;
	if (jf_enum(o, "category", flags, cases_category_names, &k, fe) == 1)
		c->category = cases_category_names[k];
	if (jf_enum(o, "source", flags, cases_source_names, &k, fe) == 1)
		c->source = cases_source_names[k];
	if (jf_enum(o, "status", JF_OPTIONAL, cases_status_names, &k, fe) == 1)
		c->status = cases_status_names[k];
	if (jf_str(o, "summary", flags, CASE_SUMMARY_MAX, &s, fe) == 1)
		c->summary = s;
	json_t *pl = json_object_get(o, "place");
	if (pl) {
		int got = jf_str(o, "place", JF_OPTIONAL, CASE_PLACE_MAX, &s, fe);
		c->place = got == 1 && *s ? s : NULL;
	}
	if (jf_str(o, "occurred_at", JF_OPTIONAL, 40, &s, fe) == 1) {
		if (time_parse_rfc3339(s, &c->occurred_at) != 0)
			field_err(fe, "occurred_at", "must be an RFC 3339 time or a date (YYYY-MM-DD)");
		else if (c->occurred_at > time_now() + 86400)
			field_err(fe, "occurred_at", "must not be in the future");
	}
}

/* Resolves the unit of a case for writing: 422 unseen or not in a commune, 403 not writable. */
static int case_unit(struct req *r, int64_t unit_id, struct unit_row *u)
{
	int rc = units_get(r->db, &r->arena, unit_id, u);
	if (rc < 0)
		return http_fail_store(r, rc);
	if (rc == STORE_DONE || !u->commune_id || !perm_on_unit(&r->user, PERM_CASES_READ, u->path)) {
		field_err(&r->fields, "unit_id", "no such commune, block or group");
		return http_fail_fields(r, &r->fields);
	}
	if (!perm_on_unit(&r->user, PERM_CASES_WRITE, u->path))
		return http_fail(r, APP_E_FORBIDDEN, "your role may not open or move cases in this unit");
	return APP_OK;
}

/* ---- POST /api/v1/cases ---- */

int api_cases_create(struct req *r)
{
	json_t *body = NULL;
	struct case_row c = {.status = "open"};
	struct unit_row u;
	int64_t unit_id = 0, id = 0, now = time_now();
	int rc = http_json_body(r, &body);
	if (rc)
		return rc;
	read_case(r, body, &c, true, &unit_id);
	if (r->fields.n) {
		rc = http_fail_fields(r, &r->fields);
		goto out;
	}
	rc = case_unit(r, unit_id, &u);
	if (rc)
		goto out;
	c.unit_id = u.id;
	c.commune_id = u.commune_id;
	c.created_by = r->user.user_id;
	if (!c.occurred_at)
		c.occurred_at = now;
	rc = store_begin(r->db);
	if (rc) {
		rc = http_fail_store(r, rc);
		goto out;
	}
	rc = cases_insert(r->db, &c, now, &id);
	if (rc == STORE_OK)
		rc = audit_case(r, "case.create", id, c.unit_id, 0);
	if (rc == STORE_OK)
		rc = store_commit(r->db);
	else
		store_rollback(r->db);
	if (rc) {
		rc = http_fail_store(r, rc);
		goto out;
	}
	rc = cases_get(r->db, &r->arena, id, &c);
	rc = rc == STORE_ROW ? answer_case(r, 201, &c) : http_fail_store(r, rc);
out:
	json_decref(body);
	return rc;
}

/* ---- GET/PATCH /api/v1/cases/{id} ---- */

int api_cases_get(struct req *r)
{
	struct case_row c;
	int rc = load_visible(r, &c);
	if (rc)
		return rc;
	return answer_case(r, 200, &c);
}

int api_cases_update(struct req *r)
{
	json_t *body = NULL;
	struct case_row c;
	struct unit_row u;
	int64_t unit_id = 0;
	int rc = load_visible(r, &c);
	if (rc)
		return rc;
	rc = http_json_body(r, &body);
	if (rc)
		return rc;
	read_case(r, body, &c, false, &unit_id);
	if (json_is_null(json_object_get(body, "summary")) || (c.summary && !*c.summary))
		field_err(&r->fields, "summary", "must not be empty");
	if (r->fields.n) {
		rc = http_fail_fields(r, &r->fields);
		goto out;
	}
	if (!perm_on_unit(&r->user, PERM_CASES_WRITE, c.unit_path)) {
		rc = http_fail(r, APP_E_FORBIDDEN, "your role may not change cases here");
		goto out;
	}
	if (unit_id && unit_id != c.unit_id) {
		rc = case_unit(r, unit_id, &u);
		if (rc)
			goto out;
		if (u.commune_id != c.commune_id) {
			field_err(&r->fields, "unit_id", "a case stays in its commune");
			rc = http_fail_fields(r, &r->fields);
			goto out;
		}
		c.unit_id = u.id;
	}
	rc = store_begin(r->db);
	if (rc) {
		rc = http_fail_store(r, rc);
		goto out;
	}
	rc = cases_update(r->db, &c, time_now());
	if (rc == STORE_OK)
		rc = audit_case(r, "case.update", c.id, c.unit_id, 0);
	if (rc == STORE_OK)
		rc = store_commit(r->db);
	else
		store_rollback(r->db);
	if (rc) {
		rc = http_fail_store(r, rc);
		goto out;
	}
	rc = cases_get(r->db, &r->arena, c.id, &c);
	rc = rc == STORE_ROW ? answer_case(r, 200, &c) : http_fail_store(r, rc);
out:
	json_decref(body);
	return rc;
}

/* ---- POST /api/v1/cases/{id}/tips ---- */

static const char *const link_fields[] = {"tip_id", NULL};

int api_cases_link_tip(struct req *r)
{
	json_t *body = NULL;
	struct case_row c;
	struct tip_row t;
	int64_t tip_id = 0, now = time_now();
	int rc = load_visible(r, &c);
	if (rc)
		return rc;
	rc = http_json_body(r, &body);
	if (rc)
		return rc;
	jf_no_unknown(body, link_fields, &r->fields);
	jf_int(body, "tip_id", JF_REQUIRED, 1, ((int64_t)1 << 53) - 1, &tip_id, &r->fields);
	if (r->fields.n) {
		rc = http_fail_fields(r, &r->fields);
		goto out;
	}
	if (!perm_on_unit(&r->user, PERM_CASES_WRITE, c.unit_path)) {
		rc = http_fail(r, APP_E_FORBIDDEN, "your role may not change cases here");
		goto out;
	}
	rc = tips_get(r->db, &r->arena, tip_id, &t);
	if (rc < 0) {
		rc = http_fail_store(r, rc);
		goto out;
	}
	if (rc == STORE_DONE || t.commune_id != c.commune_id ||
	    !perm_on_unit(&r->user, PERM_TIPS_READ, t.unit_path)) {
		field_err(&r->fields, "tip_id", "no such tip in this commune");
		rc = http_fail_fields(r, &r->fields);
		goto out;
	}
	if (!perm_on_unit(&r->user, PERM_TIPS_WRITE, t.unit_path)) {
		rc = http_fail(r, APP_E_FORBIDDEN, "your role may not change this tip");
		goto out;
	}
	if (t.case_id != c.id) {
		rc = store_begin(r->db);
		if (rc) {
			rc = http_fail_store(r, rc);
			goto out;
		}
		rc = tips_update(r->db, t.id, t.status, t.duplicate_of, t.assigned_to, c.id, now);
		if (rc == STORE_OK)
			rc = tips_event_add(r->db, t.id, t.commune_id, "case", r->user.user_id,
					    t.case_id ? arena_printf(&r->arena, "%" PRId64, t.case_id) : NULL,
					    arena_printf(&r->arena, "%" PRId64, c.id), now);
		if (rc == STORE_OK)
			rc = audit_case(r, "case.link_tip", c.id, c.unit_id, t.id);
		if (rc == STORE_OK)
			rc = store_commit(r->db);
		else
			store_rollback(r->db);
		if (rc) {
			rc = http_fail_store(r, rc);
			goto out;
		}
	}
	rc = answer_case(r, 200, &c);
out:
	json_decref(body);
	return rc;
}

/* ---- GET /api/v1/cases/stats ---- */

/* Days since 1970-01-01 of a civil date, and back (Howard Hinnant's algorithms). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int *m)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

/* The start (Unix seconds) of the Vietnamese month that holds t, and of the month after it. */
static void month_of(int64_t t, int64_t *start, int64_t *next, int64_t *year, int *month)
{
	int64_t local = t + TIME_VN_OFFSET;
	int64_t days = local >= 0 ? local / 86400 : (local - 86399) / 86400;
	civil_from_days(days, year, month);
	*start = days_from_civil(*year, *month, 1) * 86400 - TIME_VN_OFFSET;
	int64_t ny = *year + (*month == 12);
	int nm = *month == 12 ? 1 : *month + 1;
	*next = days_from_civil(ny, nm, 1) * 86400 - TIME_VN_OFFSET;
}

int api_cases_stats(struct req *r)
{
	int64_t from = 0, to = 0;
	api_parse_period(r, "from", false, &from);
	api_parse_period(r, "to", true, &to);
	if (!r->fields.n && (!http_query(r, "from") || !http_query(r, "to")))
		field_err(&r->fields, http_query(r, "from") ? "to" : "from", "is required (YYYY-MM-DD)");
	if (!r->fields.n && to <= from)
		field_err(&r->fields, "to", "must be after 'from'");
	if (!r->fields.n && (to - from) / 86400 > STATS_MONTHS_MAX * 31)
		field_err(&r->fields, "to", "a period is at most 5 years");
	if (r->fields.n)
		return http_fail(r, APP_E_PARAM, "malformed query");

	/* scope: the unit asked for, or every root the caller holds cases.read on (disjoint subtrees) */
	const char **roots;
	int nroots;
	int rc = api_scope_stats_roots(r, PERM_CASES_READ, &roots, &nroots);
	if (rc)
		return rc;

	int ncat = 0;
	while (cases_category_names[ncat])
		ncat++;
	struct jw *w = NULL;
	int64_t totals[16] = {0};
	int64_t start, next, year;
	int month;
	/* write the months as they are counted; any failure replaces the body with the error */
	w = http_json(r, 200);
	jw_obj(w);
	jw_key(w, "data");
	jw_obj(w);
	jw_ktime(w, "from", from);
	jw_ktime(w, "to", to);
	jw_key(w, "months");
	jw_arr(w);
	for (month_of(from, &start, &next, &year, &month); start < to;
	     month_of(next, &start, &next, &year, &month)) {
		int64_t counts[16] = {0};
		int64_t lo = start < from ? from : start, hi = next > to ? to : next;
		for (int i = 0; i < nroots; i++) {
			rc = cases_count_by_category(r->db, roots[i], lo, hi, counts);
			if (rc)
				return http_fail_store(r, rc);
		}
		jw_obj(w);
		jw_kstr(w, "month", arena_printf(&r->arena, "%04" PRId64 "-%02d", year, month));
		jw_key(w, "counts");
		jw_obj(w);
		int64_t sum = 0;
		for (int k = 0; k < ncat; k++) {
			jw_kint(w, cases_category_names[k], counts[k]);
			totals[k] += counts[k];
			sum += counts[k];
		}
		jw_end(w);
		jw_kint(w, "total", sum);
		jw_end(w);
	}
	jw_end(w);
	jw_key(w, "by_category");
	jw_obj(w);
	int64_t all_sum = 0;
	for (int k = 0; k < ncat; k++) {
		jw_kint(w, cases_category_names[k], totals[k]);
		all_sum += totals[k];
	}
	jw_end(w);
	jw_kint(w, "total", all_sum);
	jw_end(w);
	jw_end(w);
	return APP_OK;
}
