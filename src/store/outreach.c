/*
 * outreach.c: the SQL of outreach.h on the shared subset of both engines. The only per-engine SQL is
 * the month bucketing of the statistics, through store/bucket.h. Optional filters are bound as values
 * ('' or 0 for "any").
 */
#include "store/outreach.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "store/bucket.h"

const char *const outreach_kind_names[] = {"propaganda", "campaign_launch", "training", "legal_consultation",
					   NULL};
const char *const outreach_audience_names[] = {"residents", "pupils", "teachers", "members", NULL};

/* Inserts the organisers, topics and audiences of s. */
static int insert_links(struct store *db, const struct outreach_session *s)
{
	struct store_stmt *st;
	int rc;
	for (int i = 0; i < s->norganisers; i++) {
		rc = store_prepare(
		    db,
		    "INSERT INTO outreach_organisers (session_id, organisation_id, commune_id) VALUES "
		    "($1, $2, $3)",
		    &st);
		if (rc)
			return rc;
		store_bind_i64(st, 1, s->id);
		store_bind_i64(st, 2, s->organisers[i].id);
		store_bind_i64(st, 3, s->commune_id);
		if ((rc = store_run(st)) != STORE_OK)
			return rc;
	}
	for (int i = 0; i < s->ntopics; i++) {
		rc = store_prepare(
		    db,
		    "INSERT INTO outreach_session_topics (session_id, topic, commune_id) VALUES ($1, $2, $3)",
		    &st);
		if (rc)
			return rc;
		store_bind_i64(st, 1, s->id);
		store_bind_text(st, 2, s->topics[i]);
		store_bind_i64(st, 3, s->commune_id);
		if ((rc = store_run(st)) != STORE_OK)
			return rc;
	}
	for (int i = 0; i < s->naudiences; i++) {
		rc = store_prepare(db,
				   "INSERT INTO outreach_audiences (session_id, grp, organisation_id, count, "
				   "commune_id) VALUES ($1, $2, $3, $4, $5)",
				   &st);
		if (rc)
			return rc;
		store_bind_i64(st, 1, s->id);
		store_bind_text(st, 2, s->audiences[i].group);
		store_bind_opt_i64(st, 3, s->audiences[i].organisation_id);
		store_bind_i64(st, 4, s->audiences[i].count);
		store_bind_i64(st, 5, s->commune_id);
		if ((rc = store_run(st)) != STORE_OK)
			return rc;
	}
	return STORE_OK;
}

static int delete_links(struct store *db, int64_t id)
{
	static const char *const sql[] = {
	    "DELETE FROM outreach_organisers WHERE session_id = $1",
	    "DELETE FROM outreach_session_topics WHERE session_id = $1",
	    "DELETE FROM outreach_audiences WHERE session_id = $1",
	};
	for (size_t i = 0; i < sizeof sql / sizeof sql[0]; i++) {
		struct store_stmt *st;
		int rc = store_prepare(db, sql[i], &st);
		if (rc)
			return rc;
		store_bind_i64(st, 1, id);
		if ((rc = store_run(st)) != STORE_OK)
			return rc;
	}
	return STORE_OK;
}

int outreach_session_insert(struct store *db, struct outreach_session *s, int64_t now)
{
	struct store_stmt *st;
	int rc = store_prepare(
	    db,
	    "INSERT INTO outreach_sessions (commune_id, unit_id, kind, held_at, place, "
	    "participants, notes, series_id, created_by, created_at, updated_at) VALUES ($1, $2, "
	    "$3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id",
	    &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, s->commune_id);
	store_bind_i64(st, 2, s->unit_id);
	store_bind_text(st, 3, s->kind);
	store_bind_i64(st, 4, s->held_at);
	store_bind_text(st, 5, s->place);
	store_bind_i64(st, 6, s->participants);
	store_bind_text(st, 7, s->notes);
	store_bind_opt_i64(st, 8, s->series_id);
	store_bind_opt_i64(st, 9, s->created_by);
	store_bind_i64(st, 10, now);
	rc = store_step_i64(st, &s->id);
	if (rc == STORE_DONE)
		return STORE_E_DB;
	if (rc != STORE_ROW)
		return rc;
	s->created_at = s->updated_at = now;
	return insert_links(db, s);
}

int outreach_session_update(struct store *db, const struct outreach_session *s, int64_t now)
{
	struct store_stmt *st;
	int rc =
	    store_prepare(db,
			  "UPDATE outreach_sessions SET unit_id = $2, kind = $3, held_at = $4, place = $5, "
			  "participants = $6, notes = $7, updated_at = $8 WHERE id = $1",
			  &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, s->id);
	store_bind_i64(st, 2, s->unit_id);
	store_bind_text(st, 3, s->kind);
	store_bind_i64(st, 4, s->held_at);
	store_bind_text(st, 5, s->place);
	store_bind_i64(st, 6, s->participants);
	store_bind_text(st, 7, s->notes);
	store_bind_i64(st, 8, now);
	if ((rc = store_run(st)) != STORE_OK)
		return rc;
	if ((rc = delete_links(db, s->id)) != STORE_OK)
		return rc;
	return insert_links(db, s);
}

int outreach_session_set_series(struct store *db, int64_t id, int64_t series_id)
{
	struct store_stmt *st;
	int rc = store_prepare(db, "UPDATE outreach_sessions SET series_id = $2 WHERE id = $1", &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, id);
	store_bind_i64(st, 2, series_id);
	return store_run(st);
}

int outreach_session_delete(struct store *db, int64_t id)
{
	struct store_stmt *st;
	int rc = delete_links(db, id);
	if (rc)
		return rc;
	rc = store_prepare(db, "DELETE FROM outreach_files WHERE session_id = $1", &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, id);
	if ((rc = store_run(st)) != STORE_OK)
		return rc;
	rc = store_prepare(db, "DELETE FROM outreach_sessions WHERE id = $1", &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, id);
	return store_run(st);
}

#define SESSION_COLS                                                                                         \
	"s.id, s.commune_id, s.unit_id, u.path, u.name, s.kind, s.held_at, s.place, s.participants, "        \
	"s.notes, "                                                                                          \
	"s.series_id, s.created_by, s.created_at, s.updated_at"
#define SESSION_FROM " FROM outreach_sessions s JOIN units u ON u.id = s.unit_id "

static int read_session(struct store_stmt *st, struct arena *a, struct outreach_session *s)
{
	memset(s, 0, sizeof *s);
	s->id = store_col_i64(st, 0);
	s->commune_id = store_col_i64(st, 1);
	s->unit_id = store_col_i64(st, 2);
	s->unit_path = store_col_dup(st, 3, a, NULL);
	s->unit_name = store_col_dup(st, 4, a, NULL);
	s->kind = store_col_dup(st, 5, a, NULL);
	s->held_at = store_col_i64(st, 6);
	s->place = store_col_dup(st, 7, a, NULL);
	s->participants = store_col_i64(st, 8);
	s->notes = store_col_dup(st, 9, a, NULL);
	s->series_id = store_col_opt_i64(st, 10);
	s->created_by = store_col_opt_i64(st, 11);
	s->created_at = store_col_i64(st, 12);
	s->updated_at = store_col_i64(st, 13);
	return s->unit_path && s->unit_name && s->kind ? STORE_OK : STORE_E_NOMEM;
}

int outreach_session_links(struct store *db, struct arena *a, struct outreach_session *s)
{
	struct store_stmt *st;
	int rc =
	    store_prepare(db,
			  "SELECT o.id, o.name FROM outreach_organisers x JOIN organisations o ON o.id = "
			  "x.organisation_id WHERE x.session_id = $1 ORDER BY o.id",
			  &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, s->id);
	s->norganisers = 0;
	while ((rc = store_step(st)) == STORE_ROW && s->norganisers < OUTREACH_ORGANISERS_MAX) {
		s->organisers[s->norganisers].id = store_col_i64(st, 0);
		s->organisers[s->norganisers++].name = store_col_dup(st, 1, a, NULL);
	}
	store_reset(st);
	if (rc < 0)
		return rc;
	rc = store_prepare(
	    db,
	    "SELECT x.topic FROM outreach_session_topics x JOIN outreach_topics t ON t.code = x.topic "
	    "WHERE x.session_id = $1 ORDER BY t.sort, t.code",
	    &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, s->id);
	s->ntopics = 0;
	while ((rc = store_step(st)) == STORE_ROW && s->ntopics < OUTREACH_TOPICS_MAX)
		s->topics[s->ntopics++] = store_col_dup(st, 0, a, NULL);
	store_reset(st);
	if (rc < 0)
		return rc;
	rc = store_prepare(db,
			   "SELECT grp, organisation_id, count FROM outreach_audiences WHERE session_id = $1 "
			   "ORDER BY grp, organisation_id",
			   &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, s->id);
	s->naudiences = 0;
	while ((rc = store_step(st)) == STORE_ROW && s->naudiences < OUTREACH_AUDIENCES_MAX) {
		struct outreach_audience *au = &s->audiences[s->naudiences++];
		au->group = store_col_dup(st, 0, a, NULL);
		au->organisation_id = store_col_opt_i64(st, 1);
		au->count = store_col_i64(st, 2);
	}
	store_reset(st);
	return rc < 0 ? rc : STORE_OK;
}

int outreach_session_get(struct store *db, struct arena *a, int64_t id, struct outreach_session *s)
{
	struct store_stmt *st;
	int rc = store_prepare(db, "SELECT " SESSION_COLS SESSION_FROM "WHERE s.id = $1", &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, id);
	rc = store_step(st);
	if (rc == STORE_ROW && read_session(st, a, s) != STORE_OK)
		rc = STORE_E_NOMEM;
	store_reset(st);
	if (rc != STORE_ROW)
		return rc;
	int lrc = outreach_session_links(db, a, s);
	return lrc ? lrc : STORE_ROW;
}

int outreach_sessions_list(struct store *db, struct arena *a, const struct outreach_query *q,
			   struct outreach_session **out, int *n)
{
	struct store_stmt *st;
	int limit = q->limit > 0 ? q->limit : 1, rc, k = 0;
	const char *path = q->unit_path ? arena_printf(a, "%s%%", q->unit_path) : "%";
	*out = NULL;
	*n = 0;
	struct outreach_session *rows = arena_alloc(a, sizeof *rows * (size_t)limit);
	if (!rows || !path)
		return STORE_E_NOMEM;
	/* newest first; the cursor is the last session of the previous page: (held_at, id) below it */
	rc = store_prepare(
	    db,
	    "SELECT " SESSION_COLS SESSION_FROM "WHERE u.path LIKE $2 AND s.held_at >= $3 AND s.held_at < $4 "
	    "AND (CAST($1 AS BIGINT) = 0 OR s.held_at < "
	    "(SELECT c.held_at FROM outreach_sessions c WHERE c.id = $1) OR (s.held_at = (SELECT c.held_at "
	    "FROM "
	    "outreach_sessions c WHERE c.id = $1) AND s.id < $1)) AND (CAST($5 AS BIGINT) = 0 OR EXISTS "
	    "(SELECT 1 FROM "
	    "outreach_organisers o WHERE o.session_id = s.id AND o.organisation_id = $5)) AND ($6 = '' OR "
	    "EXISTS (SELECT 1 FROM outreach_session_topics t WHERE t.session_id = s.id AND t.topic = $6)) "
	    "ORDER BY s.held_at DESC, s.id DESC LIMIT $7",
	    &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, q->after_id);
	store_bind_text(st, 2, path);
	store_bind_i64(st, 3, q->from ? q->from : INT64_MIN);
	store_bind_i64(st, 4, q->to ? q->to : INT64_MAX);
	store_bind_i64(st, 5, q->organisation_id);
	store_bind_text(st, 6, q->topic ? q->topic : "");
	store_bind_i64(st, 7, limit);
	while (k < limit && (rc = store_step(st)) == STORE_ROW) {
		if (read_session(st, a, &rows[k]) != STORE_OK) {
			rc = STORE_E_NOMEM;
			break;
		}
		k++;
	}
	store_reset(st);
	if (rc < 0)
		return rc;
	*out = rows;
	*n = k;
	return STORE_OK;
}

/* ---- topics ---- */

int outreach_topics_list(struct store *db, struct arena *a, int max, struct outreach_topic **out, int *n)
{
	struct store_stmt *st;
	struct outreach_topic *t = arena_alloc(a, sizeof *t * (size_t)(max > 0 ? max : 1));
	int rc, k = 0;
	if (!t)
		return STORE_E_NOMEM;
	rc = store_prepare(db, "SELECT code, name_vi, name_en FROM outreach_topics ORDER BY sort, code", &st);
	if (rc)
		return rc;
	while (k < max && (rc = store_step(st)) == STORE_ROW) {
		t[k].code = store_col_dup(st, 0, a, NULL);
		t[k].name_vi = store_col_dup(st, 1, a, NULL);
		t[k].name_en = store_col_dup(st, 2, a, NULL);
		k++;
	}
	store_reset(st);
	if (rc < 0)
		return rc;
	*out = t;
	*n = k;
	return STORE_OK;
}

int outreach_topic_insert(struct store *db, const char *code, const char *name_vi, const char *name_en,
			  int64_t now)
{
	struct store_stmt *st;
	int rc = store_prepare(
	    db,
	    "INSERT INTO outreach_topics (code, name_vi, name_en, sort, created_at) SELECT $1, $2, "
	    "$3, COALESCE(MAX(sort), 0) + 10, $4 FROM outreach_topics",
	    &st);
	if (rc)
		return rc;
	store_bind_text(st, 1, code);
	store_bind_text(st, 2, name_vi);
	store_bind_text(st, 3, name_en);
	store_bind_i64(st, 4, now);
	return store_run(st);
}

int outreach_topic_exists(struct store *db, const char *code)
{
	struct store_stmt *st;
	int64_t one;
	int rc = store_prepare(db, "SELECT 1 FROM outreach_topics WHERE code = $1", &st);
	if (rc)
		return rc;
	store_bind_text(st, 1, code);
	return store_step_i64(st, &one);
}

/* ---- files ---- */

int outreach_file_add(struct store *db, const struct outreach_file *f, int64_t commune_id, int64_t now,
		      int64_t *id)
{
	struct store_stmt *st;
	int rc =
	    store_prepare(db,
			  "INSERT INTO outreach_files (session_id, commune_id, role, sha256, mime, size, "
			  "created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
			  &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, f->session_id);
	store_bind_i64(st, 2, commune_id);
	store_bind_text(st, 3, f->role);
	store_bind_text(st, 4, f->sha256);
	store_bind_text(st, 5, f->mime);
	store_bind_i64(st, 6, f->size);
	store_bind_i64(st, 7, now);
	rc = store_step_i64(st, id);
	return rc == STORE_ROW ? STORE_OK : rc == STORE_DONE ? STORE_E_DB : rc;
}

static void read_file(struct store_stmt *st, struct arena *a, struct outreach_file *f)
{
	f->id = store_col_i64(st, 0);
	f->session_id = store_col_i64(st, 1);
	f->role = store_col_dup(st, 2, a, NULL);
	f->sha256 = store_col_dup(st, 3, a, NULL);
	f->mime = store_col_dup(st, 4, a, NULL);
	f->size = store_col_i64(st, 5);
	f->created_at = store_col_i64(st, 6);
}

int outreach_files_list(struct store *db, struct arena *a, int64_t session_id, int max,
			struct outreach_file **out, int *n)
{
	struct store_stmt *st;
	struct outreach_file *f = arena_alloc(a, sizeof *f * (size_t)(max > 0 ? max : 1));
	int rc, k = 0;
	if (!f)
		return STORE_E_NOMEM;
	rc = store_prepare(
	    db,
	    "SELECT id, session_id, role, sha256, mime, size, created_at FROM outreach_files WHERE "
	    "session_id = $1 ORDER BY id",
	    &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, session_id);
	while (k < max && (rc = store_step(st)) == STORE_ROW)
		read_file(st, a, &f[k++]);
	store_reset(st);
	if (rc < 0)
		return rc;
	*out = f;
	*n = k;
	return STORE_OK;
}

int outreach_file_get(struct store *db, struct arena *a, int64_t session_id, int64_t file_id,
		      struct outreach_file *f)
{
	struct store_stmt *st;
	int rc =
	    store_prepare(db,
			  "SELECT id, session_id, role, sha256, mime, size, created_at FROM outreach_files "
			  "WHERE session_id = $1 AND id = $2",
			  &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, session_id);
	store_bind_i64(st, 2, file_id);
	rc = store_step(st);
	if (rc == STORE_ROW)
		read_file(st, a, f);
	store_reset(st);
	return rc;
}

/* ---- statistics ---- */

/* Adds (sessions, participants) to the bucket `key` of bd, making it when new. */
static int bucket_add(struct arena *a, struct outreach_breakdown *bd, const char *key, int64_t id,
		      const char *name, int64_t sessions, int64_t participants)
{
	for (int i = 0; i < bd->n; i++)
		if (strcmp(bd->b[i].key, key) == 0) {
			bd->b[i].sessions += sessions;
			bd->b[i].participants += participants;
			return STORE_OK;
		}
	if (bd->n >= OUTREACH_BUCKETS_MAX)
		return STORE_OK; /* more distinct keys than a page shows: the rest are left out */
	struct outreach_bucket *b = &bd->b[bd->n];
	b->key = arena_strdup(a, key);
	b->name = name ? arena_strdup(a, name) : NULL;
	if (!b->key || (name && !b->name))
		return STORE_E_NOMEM;
	b->id = id;
	b->sessions = sessions;
	b->participants = participants;
	bd->n++;
	return STORE_OK;
}

/* The filter every statistic shares: sessions of the communes that meet the subtree (so that the
 * (commune_id, held_at) index serves the period), on units inside it, held in [$2, $3). $1 is the
 * subtree's LIKE pattern and $4 its path. */
#define STATS_WHERE                                                                                          \
	" WHERE s.commune_id IN (SELECT c.id FROM units c WHERE c.kind = 'commune' AND (c.path LIKE $1 OR "  \
	"$4 LIKE c.path || '%')) AND u.path LIKE $1 AND s.held_at >= $2 AND s.held_at < $3 "

static int run_breakdown(struct store *db, struct arena *a, const char *sql, const char *pattern,
			 const char *root, int64_t from, int64_t to, struct outreach_breakdown *bd,
			 bool keyed_by_id)
{
	struct store_stmt *st;
	int rc = store_prepare(db, sql, &st);
	if (rc)
		return rc;
	store_bind_text(st, 1, pattern);
	store_bind_i64(st, 2, from);
	store_bind_i64(st, 3, to);
	store_bind_text(st, 4, root);
	while ((rc = store_step(st)) == STORE_ROW) {
		char key[48];
		int64_t id = keyed_by_id ? store_col_i64(st, 0) : 0;
		const char *k = store_col_text(st, 0);
		if (keyed_by_id) {
			snprintf(key, sizeof key, "%" PRId64, id);
			k = key;
		}
		rc = bucket_add(a, bd, k ? k : "", id, store_col_text(st, 1), store_col_i64(st, 2),
				store_col_i64(st, 3));
		if (rc)
			break;
	}
	store_reset(st);
	return rc < 0 ? rc : STORE_OK;
}

int outreach_stats_add(struct store *db, struct arena *a, const char *root, int64_t from, int64_t to,
		       struct outreach_stats *out)
{
	struct store_stmt *st;
	const char *pattern = arena_printf(a, "%s%%", root);
	if (!pattern)
		return STORE_E_NOMEM;
	int rc =
	    store_prepare(db,
			  "SELECT COUNT(*), COALESCE(SUM(s.participants), 0) FROM outreach_sessions s JOIN "
			  "units u ON u.id = s.unit_id" STATS_WHERE,
			  &st);
	if (rc)
		return rc;
	store_bind_text(st, 1, pattern);
	store_bind_i64(st, 2, from);
	store_bind_i64(st, 3, to);
	store_bind_text(st, 4, root);
	rc = store_step(st);
	if (rc == STORE_ROW) {
		out->sessions += store_col_i64(st, 0);
		out->participants += store_col_i64(st, 1);
	}
	store_reset(st);
	if (rc < 0)
		return rc;
	rc = run_breakdown(
	    db, a,
	    "SELECT t.code, t.name_vi, COUNT(*), COALESCE(SUM(s.participants), 0) FROM "
	    "outreach_sessions s JOIN units u ON u.id = s.unit_id JOIN outreach_session_topics x ON "
	    "x.session_id = s.id JOIN outreach_topics t ON t.code = x.topic" STATS_WHERE
	    "GROUP BY t.code, t.name_vi, t.sort ORDER BY t.sort, t.code",
	    pattern, root, from, to, &out->by_topic, false);
	if (!rc)
		rc = run_breakdown(db, a,
				   "SELECT u.id, u.name, COUNT(*), COALESCE(SUM(s.participants), 0) FROM "
				   "outreach_sessions s JOIN units u ON u.id = s.unit_id" STATS_WHERE
				   "GROUP BY u.id, u.name ORDER BY u.id",
				   pattern, root, from, to, &out->by_unit, true);
	if (!rc)
		rc = run_breakdown(
		    db, a,
		    "SELECT o.id, o.name, COUNT(*), COALESCE(SUM(s.participants), 0) FROM "
		    "outreach_sessions s JOIN units u ON u.id = s.unit_id JOIN outreach_organisers x ON "
		    "x.session_id = s.id JOIN organisations o ON o.id = x.organisation_id" STATS_WHERE
		    "GROUP BY o.id, o.name ORDER BY o.id",
		    pattern, root, from, to, &out->by_organiser, true);
	if (!rc)
		rc = run_breakdown(
		    db, a,
		    STORE_BY_VN_MONTH(db, "SELECT ", "s.held_at",
				      " AS m, NULL, COUNT(*), COALESCE(SUM(s.participants), 0) FROM "
				      "outreach_sessions s JOIN units u ON u.id = s.unit_id" STATS_WHERE
				      "GROUP BY m ORDER BY m"),
		    pattern, root, from, to, &out->by_month, false);
	return rc;
}
