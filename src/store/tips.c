/*
 * tips.c: the tip queries of tips.h on the shared SQL of both engines. Optional filters of the inbox
 * are bound as values ('' or 0 for "any") into one statement, so no SQL is ever built from input.
 */
#include "store/tips.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/vn.h"

static void bind_opt_text(struct store_stmt *st, int idx, const char *s)
{
	if (s)
		store_bind_text(st, idx, s);
	else
		store_bind_null(st, idx);
}

int tips_categories(struct store *db, struct arena *a, struct tip_category **out, int *n)
{
	struct store_stmt *st;
	int rc, k = 0, cap = 64;
	*out = NULL;
	*n = 0;
	struct tip_category *rows = arena_alloc(a, sizeof *rows * (size_t)cap);
	if (!rows)
		return STORE_E_NOMEM;
	rc = store_prepare(
	    db, "SELECT code, name_vi, name_en, is_public FROM tip_categories ORDER BY sort, code", &st);
	if (rc)
		return rc;
	while (k < cap && (rc = store_step(st)) == STORE_ROW) {
		bool ok = true;
		rows[k].code = store_col_dup(st, 0, a, &ok);
		rows[k].name_vi = store_col_dup(st, 1, a, &ok);
		rows[k].name_en = store_col_dup(st, 2, a, &ok);
		rows[k].is_public = store_col_i64(st, 3) != 0;
		if (!ok) {
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

int tips_category_known(struct store *db, const char *code, bool *known)
{
	struct store_stmt *st;
	int64_t one = 0;
	*known = false;
	int rc = store_prepare(db, "SELECT 1 FROM tip_categories WHERE code = $1", &st);
	if (rc)
		return rc;
	rc = store_bind_text(st, 1, code);
	if (rc == STORE_OK)
		rc = store_step_i64(st, &one);
	else
		store_reset(st);
	if (rc == STORE_ROW || rc == STORE_DONE) {
		*known = rc == STORE_ROW;
		rc = STORE_OK;
	}
	return rc;
}

/*
 * The full-text catch-up (SQLite; migration 0013): right before each commit, outside the batch's
 * savepoints, every tip past the mark goes into tips_fts and the mark moves to the newest tip, so a
 * batch of tips makes one FTS5 segment instead of one per tip, and a committed tip is always
 * indexed. Registered with sqlite.c before the first tip is inserted, so every path that inserts a
 * tip (the API, Open311, demo, bench) commits it through the catch-up; a process that inserts no
 * tips has nothing to catch up. The mark is the highest id indexed: ids only grow (AUTOINCREMENT),
 * and a rolled-back tip's id is simply absent.
 */
static const char fts_catchup_index[] =
    "INSERT INTO tips_fts (rowid, description_folded) SELECT id, description_folded FROM tips "
    "WHERE id > (SELECT last FROM tips_fts_mark WHERE id = 1) ORDER BY id";
static const char fts_catchup_mark[] =
    "UPDATE tips_fts_mark SET last = (SELECT MAX(id) FROM tips) WHERE id = 1 AND last < (SELECT "
    "MAX(id) FROM tips)";
static pthread_once_t fts_catchup_once = PTHREAD_ONCE_INIT;

static void fts_catchup_register(void)
{
	if (store_sqlite_before_commit(fts_catchup_index) != 0 ||
	    store_sqlite_before_commit(fts_catchup_mark) != 0)
		abort(); /* BUG: more statements registered than sqlite.c holds */
}

int tips_insert(struct store *db, const struct tip_input *in, int64_t now, int64_t *id)
{
	struct store_stmt *st;
	size_t cap = strlen(in->description) * 2 + 16;
	char *folded = malloc(cap);
	int rc = STORE_E_NOMEM;
	pthread_once(&fts_catchup_once, fts_catchup_register);
	if (!folded)
		goto out;
	if (vn_fold(in->description, folded, cap) < 0) {
		rc = STORE_E_CHECK;
		goto out;
	}
	rc = store_prepare(
	    db,
	    "INSERT INTO tips (unit_id, commune_id, category, description, description_folded, address, "
	    "lat, lng, occurred_at, anonymous, identity_sealed, receipt_hash, status, source, created_at, "
	    "updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'new', $13, $14, $14) "
	    "RETURNING id",
	    &st);
	if (rc)
		goto out;
	store_bind_i64(st, 1, in->unit_id);
	store_bind_i64(st, 2, in->commune_id);
	store_bind_text(st, 3, in->category);
	store_bind_text(st, 4, in->description);
	store_bind_text(st, 5, folded);
	bind_opt_text(st, 6, in->address);
	if (in->has_location) {
		store_bind_double(st, 7, in->lat);
		store_bind_double(st, 8, in->lng);
	} else {
		store_bind_null(st, 7);
		store_bind_null(st, 8);
	}
	store_bind_opt_i64(st, 9, in->occurred_at);
	store_bind_i64(st, 10, in->anonymous ? 1 : 0);
	bind_opt_text(st, 11, in->identity_sealed);
	store_bind_text(st, 12, in->receipt_hash);
	store_bind_text(st, 13, in->source);
	store_bind_i64(st, 14, now);
	rc = store_step_i64(st, id);
	if (rc == STORE_DONE)
		rc = STORE_E_DB;
	if (rc != STORE_ROW)
		goto out;
	rc = tips_event_add(db, *id, in->commune_id, "received", 0, NULL, "new", now);
out:
	free(folded);
	return rc;
}

#define TIP_COLS                                                                                             \
	"t.id, t.unit_id, t.commune_id, u.path, u.name, t.category, t.description, t.address, t.lat, "       \
	"t.lng, "                                                                                            \
	"t.occurred_at, t.anonymous, CASE WHEN t.identity_sealed IS NULL THEN 0 ELSE 1 END, t.status, "      \
	"t.duplicate_of, t.assigned_to, us.username, t.case_id, t.source, t.created_at, t.updated_at"
#define TIP_FROM " FROM tips t JOIN units u ON u.id = t.unit_id LEFT JOIN users us ON us.id = t.assigned_to "

static int read_tip(struct store_stmt *st, struct arena *a, struct tip_row *t)
{
	bool ok = true;
	t->id = store_col_i64(st, 0);
	t->unit_id = store_col_i64(st, 1);
	t->commune_id = store_col_i64(st, 2);
	t->unit_path = store_col_dup(st, 3, a, &ok);
	t->unit_name = store_col_dup(st, 4, a, &ok);
	t->category = store_col_dup(st, 5, a, &ok);
	t->description = store_col_dup(st, 6, a, &ok);
	t->address = store_col_dup(st, 7, a, &ok);
	t->has_location = !store_col_is_null(st, 8) && !store_col_is_null(st, 9);
	t->lat = t->has_location ? store_col_double(st, 8) : 0;
	t->lng = t->has_location ? store_col_double(st, 9) : 0;
	t->occurred_at = store_col_opt_i64(st, 10);
	t->anonymous = store_col_i64(st, 11) != 0;
	t->has_identity = store_col_i64(st, 12) != 0;
	t->status = store_col_dup(st, 13, a, &ok);
	t->duplicate_of = store_col_opt_i64(st, 14);
	t->assigned_to = store_col_opt_i64(st, 15);
	t->assigned_name = store_col_dup(st, 16, a, &ok);
	t->case_id = store_col_opt_i64(st, 17);
	t->source = store_col_dup(st, 18, a, &ok);
	t->created_at = store_col_i64(st, 19);
	t->updated_at = store_col_i64(st, 20);
	if (!t->unit_path)
		t->unit_path = "";
	if (!t->description)
		t->description = "";
	if (!t->status)
		t->status = "new";
	return ok ? STORE_OK : STORE_E_NOMEM;
}

static int get_one(struct store_stmt *st, struct arena *a, struct tip_row *t)
{
	int rc = store_step(st);
	if (rc == STORE_ROW && read_tip(st, a, t) != STORE_OK)
		rc = STORE_E_NOMEM;
	store_reset(st);
	return rc;
}

int tips_get(struct store *db, struct arena *a, int64_t id, struct tip_row *t)
{
	struct store_stmt *st;
	int rc = store_prepare(db, "SELECT " TIP_COLS TIP_FROM "WHERE t.id = $1", &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, id);
	return get_one(st, a, t);
}

int tips_get_by_receipt(struct store *db, struct arena *a, const char *receipt_hash, struct tip_row *t)
{
	struct store_stmt *st;
	int rc = store_prepare(db, "SELECT " TIP_COLS TIP_FROM "WHERE t.receipt_hash = $1", &st);
	if (rc)
		return rc;
	store_bind_text(st, 1, receipt_hash);
	return get_one(st, a, t);
}

int tips_identity(struct store *db, struct arena *a, int64_t id, const char **sealed)
{
	struct store_stmt *st;
	bool ok = true;
	*sealed = NULL;
	int rc = store_prepare(db, "SELECT identity_sealed FROM tips WHERE id = $1", &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, id);
	rc = store_step(st);
	if (rc == STORE_ROW)
		*sealed = store_col_dup(st, 0, a, &ok);
	store_reset(st);
	return ok ? rc : STORE_E_NOMEM;
}

/* The folded search text (arena), NULL when it is not UTF-8 or memory runs out. */
static char *search_folded(struct arena *a, const char *search)
{
	size_t cap = strlen(search) * 2 + 16;
	char *folded = arena_alloc(a, cap);
	if (!folded || vn_fold(search, folded, cap) < 0)
		return NULL;
	return folded;
}

/* The LIKE pattern for a folded search text: '%' + text with \, % and _ escaped + '%'. */
static char *search_pattern(struct arena *a, const char *folded)
{
	size_t n = strlen(folded);
	char *p = arena_alloc(a, n * 2 + 3);
	if (!p)
		return NULL;
	size_t k = 0;
	p[k++] = '%';
	for (size_t i = 0; i < n; i++) {
		if (folded[i] == '%' || folded[i] == '_' || folded[i] == '\\')
			p[k++] = '\\';
		p[k++] = folded[i];
	}
	p[k++] = '%';
	p[k] = '\0';
	return p;
}

/* Bytes of the UTF-8 character that starts at s (1 for a stray continuation byte). */
static size_t utf8_len(const char *s)
{
	unsigned char c = (unsigned char)*s;
	size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
	for (size_t i = 1; i < n; i++)
		if (!s[i])
			return i;
	return n;
}

#define TRIGRAMS_MAX 64 /* distinct trigrams kept from one search (the rest only narrow the LIKE) */

/* The distinct trigrams (three characters, as the trigram tokenizer cuts them) of a folded search
 * text, each as an FTS5 string: in double quotes, each '"' doubled. Returns how many (0 when memory
 * runs out or the text is shorter than three characters); at most max. */
static int search_trigram_list(struct arena *a, const char *folded, const char **out, int max)
{
	int n = 0;
	for (const char *s = folded; *s && n < max; s += utf8_len(s)) {
		const char *e = s;
		int chars = 0;
		while (chars < 3 && *e) {
			e += utf8_len(e);
			chars++;
		}
		if (chars < 3)
			break;
		char *t = arena_alloc(a, (size_t)(e - s) * 2 + 3), *p = t;
		if (!t)
			return 0;
		*p++ = '"';
		for (const char *c = s; c < e; c++) {
			if (*c == '"')
				*p++ = '"';
			*p++ = *c;
		}
		*p++ = '"';
		*p = '\0';
		bool seen = false;
		for (int i = 0; i < n && !seen; i++)
			seen = strcmp(out[i], t) == 0;
		if (!seen)
			out[n++] = t;
	}
	return n;
}

/* The FTS5 query "T1 AND T2 AND …" of n trigram strings (arena), NULL when memory runs out. */
static char *search_and(struct arena *a, const char *const *t, int n)
{
	size_t len = 1;
	for (int i = 0; i < n; i++)
		len += strlen(t[i]) + 5;
	char *p = arena_alloc(a, len);
	if (!p)
		return NULL;
	size_t k = 0;
	for (int i = 0; i < n; i++) {
		if (i) {
			memcpy(p + k, " AND ", 5);
			k += 5;
		}
		memcpy(p + k, t[i], strlen(t[i]));
		k += strlen(t[i]);
	}
	p[k] = '\0';
	return p;
}

static const char *tips_search_sql(enum store_engine e, int kind, bool newest_first);
enum { SEARCH_SCAN, SEARCH_INDEXED, SEARCH_PROBE, SEARCH_ID_RANGE, SEARCH_WALK, SEARCH_SAMPLE };

/*
 * The FTS5 query for a folded search text of three characters or more, on SQLite: the tips holding
 * its trigrams, a superset of those holding the text, which the LIKE then narrows. ANDing every
 * trigram makes FTS5 read every trigram's whole list when the page does not fill (a rare search, or
 * none at all): `khong co tu nay` read 13 lists of 55,000 to 870,000 entries, 100–170 ms. So when there
 * are more than three, each trigram's frequency is estimated by a probe that reads at most PROBE_ROWS
 * of its oldest entries (how far into the tips the PROBE_ROWS-th one lies; fewer than PROBE_ROWS: the
 * exact count; FTS5 reads a list forwards two to four times faster than backwards), and only the
 * rarest are ANDed: the next rarest joins while the candidates it is expected to
 * remove (independence assumed) cost more to check against the LIKE than its list costs to read.
 * Results are unchanged: the LIKE decides. NULL when memory runs out; a failed probe keeps them all.
 */
#define PROBE_ROWS 128
#define PROBES_MAX 16	   /* trigrams probed; past that, evenly spaced ones */
#define TERMS_MAX 6	   /* trigrams ANDed at most */
#define READ_VS_CHECK 50.0 /* checking a candidate row against the LIKE costs ~50 list entries read */

static char *search_match(struct store *db, struct arena *a, const char *folded)
{
	const char *t[TRIGRAMS_MAX];
	int n = search_trigram_list(a, folded, t, TRIGRAMS_MAX);
	if (n <= 3)
		return n ? search_and(a, t, n) : NULL;
	struct store_stmt *st;
	if (store_prepare(db, tips_search_sql(STORE_SQLITE, SEARCH_ID_RANGE, true), &st) != STORE_OK)
		return search_and(a, t, n);
	bool got = store_step(st) == STORE_ROW;
	int64_t oldest = got ? store_col_i64(st, 0) : 0, newest = got ? store_col_i64(st, 1) : 0;
	store_reset(st);
	double tips = (double)(newest - oldest + 1);
	if (newest <= 0 || tips < 1)
		return search_and(a, t, n);
	const char *probed[PROBES_MAX];
	double density[PROBES_MAX];
	int np = n < PROBES_MAX ? n : PROBES_MAX;
	for (int i = 0; i < np; i++) {
		probed[i] = t[(size_t)i * (size_t)n / (size_t)np];
		if (store_prepare(db, tips_search_sql(STORE_SQLITE, SEARCH_PROBE, true), &st) != STORE_OK)
			return search_and(a, t, n);
		store_bind_text(st, 1, probed[i]);
		store_bind_i64(st, 2, PROBE_ROWS);
		int rc = store_step(st);
		int64_t rows = rc == STORE_ROW ? store_col_i64(st, 0) : -1;
		int64_t last = rc == STORE_ROW ? store_col_i64(st, 1) : 0;
		store_reset(st);
		if (rows < 0)
			return search_and(a, t, n);
		density[i] = rows < PROBE_ROWS ? (double)rows / tips
					       : (double)PROBE_ROWS / (double)(last - oldest + 1);
		if (density[i] > 1)
			density[i] = 1;
	}
	for (int i = 1; i < np; i++) /* rarest first */
		for (int j = i; j > 0 && density[j] < density[j - 1]; j--) {
			double d = density[j];
			const char *p = probed[j];
			density[j] = density[j - 1];
			probed[j] = probed[j - 1];
			density[j - 1] = d;
			probed[j - 1] = p;
		}
	int k = 1;
	double candidates = density[0] * tips;
	while (k < np && k < TERMS_MAX && density[k] * tips < READ_VS_CHECK * candidates * (1 - density[k])) {
		candidates *= density[k];
		k++;
	}
	return search_and(a, probed, k);
}

/* Characters (UTF-8 code points) in s. */
static size_t utf8_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

/* $2 unit path prefix, $3 status, $4 category, [$5, $6) created_at, $7 the LIKE pattern ('' for any). */
#define LIST_FILTERS                                                                                         \
	" AND u.path LIKE $2 AND ($3 = '' OR t.status = $3) AND ($4 = '' OR t.category = $4)"                \
	" AND t.created_at >= $5 AND t.created_at < $6 AND ($7 = '' OR t.description_folded LIKE $7 ESCAPE " \
	"'\\')"

/* LIST_FILTERS for PostgreSQL's search statements (list_pg_search): $7 is the folded text itself,
 * found by strpos, which is the LIKE '%…%' of a deterministic collation (bytes) at a third of its cost
 * (11,000 rows walked: 4.0 against 6.4 ms, of which 3.5 reading them). */
#define PG_SEARCH_FILTERS                                                                                    \
	" AND u.path LIKE $2 AND ($3 = '' OR t.status = $3) AND ($4 = '' OR t.category = $4)"                \
	" AND t.created_at >= $5 AND t.created_at < $6 AND strpos(t.description_folded, $7) > 0"

/* LIST_FILTERS with the time range as +t.created_at: SQLite then walks the tips in id order. */
#define SCAN_FILTERS                                                                                         \
	" AND u.path LIKE $2 AND ($3 = '' OR t.status = $3) AND ($4 = '' OR t.category = $4)"                \
	" AND +t.created_at >= $5 AND +t.created_at < $6 AND ($7 = '' OR t.description_folded LIKE $7 "      \
	"ESCAPE '\\')"

/*
 * tips_search_sql: the inbox's statement, and the one place where the search differs per engine
 * (DESIGN §3: per-engine SQL only in migrations and a few named helpers). Parameters: $1 the keyset
 * cursor, $2–$7 LIST_FILTERS, $8 the limit, and on the indexed SQLite path $9 the FTS5 query.
 *   - PostgreSQL, a search of three characters or more: list_pg_search (a walk in id order, then the
 *     pg_trgm GIN index of migration 0009 given only the search's rarest pieces, pg_index_pattern, with
 *     the full LIKE after it); shorter searches: the scan.
 *   - SQLite, `indexed` (a search of three characters or more): the FTS5 trigram table tips_fts of
 *     migration 0009 drives the query (CROSS JOIN keeps it the outer loop) with every trigram of the
 *     search ANDed (search_trigrams; the index keeps no positions), walked in id order with the cursor
 *     as its own rowid bound, so a page of a common word stops after `limit` rows and a rare word reads
 *     only its few matches. The LIKE narrows the candidates: results are exactly the scan's.
 *   - otherwise (no search, or one or two characters, which trigrams cannot serve): the scan in id
 *     order with the LIKE, which stops at a full page. On SQLite the walk in id order is forced (CROSS
 *     JOIN, and unary + keeps tips_created out): with statistics the planner would otherwise start from
 *     the units, read every tip of the commune through tips_created and sort them all (1.8 s for a page
 *     over 200,000 tips, against under a millisecond).
 */
static const char *tips_search_sql(enum store_engine e, int kind, bool newest_first)
{
	static const char *const scan[2] = {
	    "SELECT " TIP_COLS TIP_FROM "WHERE t.id > $1" LIST_FILTERS " ORDER BY t.id LIMIT $8",
	    "SELECT " TIP_COLS TIP_FROM "WHERE t.id < $1" LIST_FILTERS " ORDER BY t.id DESC LIMIT $8",
	};
	static const char *const fts[2] = {
	    "SELECT " TIP_COLS " FROM tips_fts CROSS JOIN tips t ON t.id = tips_fts.rowid "
	    "JOIN units u ON u.id = t.unit_id LEFT JOIN users us ON us.id = t.assigned_to "
	    "WHERE tips_fts MATCH $9 AND tips_fts.rowid > $1" LIST_FILTERS
	    " ORDER BY tips_fts.rowid LIMIT $8",
	    "SELECT " TIP_COLS " FROM tips_fts CROSS JOIN tips t ON t.id = tips_fts.rowid "
	    "JOIN units u ON u.id = t.unit_id LEFT JOIN users us ON us.id = t.assigned_to "
	    "WHERE tips_fts MATCH $9 AND tips_fts.rowid < $1" LIST_FILTERS
	    " ORDER BY tips_fts.rowid DESC LIMIT $8",
	};
	static const char *const sqlite_scan[2] = {
	    "SELECT " TIP_COLS " FROM tips t CROSS JOIN units u ON u.id = t.unit_id "
	    "LEFT JOIN users us ON us.id = t.assigned_to WHERE t.id > $1" SCAN_FILTERS
	    " ORDER BY t.id LIMIT $8",
	    "SELECT " TIP_COLS " FROM tips t CROSS JOIN units u ON u.id = t.unit_id "
	    "LEFT JOIN users us ON us.id = t.assigned_to WHERE t.id < $1" SCAN_FILTERS
	    " ORDER BY t.id DESC LIMIT $8",
	};
	/* PostgreSQL, a search of three characters or more (tips_list_pg_search): */
	static const char *const pg_walk[2] = {
	    /* those rows, up to the window's last id $9, in id order and filtered in the primary key's
	     * scan (a LIMIT subquery instead cost three times as much per row: 12 against 4 ms for
	     * 8,000 rows, its Subquery Scan filtering every row again) */
	    "SELECT " TIP_COLS TIP_FROM "WHERE t.id > $1 AND t.id <= $9" PG_SEARCH_FILTERS
	    " ORDER BY t.id LIMIT $8",
	    "SELECT " TIP_COLS TIP_FROM "WHERE t.id < $1 AND t.id >= $9" PG_SEARCH_FILTERS
	    " ORDER BY t.id DESC LIMIT $8",
	};
	static const char *const pg_gin[2] = {
	    /* every match past the cursor through the trigram index, which is given the rare pieces $9
	     * (pg_index_pattern); the folded text $7 of PG_SEARCH_FILTERS decides */
	    "SELECT " TIP_COLS " FROM (SELECT * FROM tips WHERE description_folded LIKE $9 ESCAPE '\\' "
	    "AND id + 0 > $1 OFFSET 0) t JOIN units u ON u.id = t.unit_id "
	    "LEFT JOIN users us ON us.id = t.assigned_to WHERE t.id > $1" PG_SEARCH_FILTERS
	    " ORDER BY t.id LIMIT $8",
	    "SELECT " TIP_COLS " FROM (SELECT * FROM tips WHERE description_folded LIKE $9 ESCAPE '\\' "
	    "AND id + 0 < $1 OFFSET 0) t JOIN units u ON u.id = t.unit_id "
	    "LEFT JOIN users us ON us.id = t.assigned_to WHERE t.id < $1" PG_SEARCH_FILTERS
	    " ORDER BY t.id DESC LIMIT $8",
	};
	int o = newest_first ? 1 : 0;
	switch (kind) {
	case SEARCH_PROBE: /* SQLite: how many of a trigram's oldest $2 entries, and the newest of them */
		return "SELECT COUNT(*), MAX(rowid) FROM (SELECT rowid FROM tips_fts WHERE tips_fts MATCH $1 "
		       "ORDER BY rowid LIMIT $2)";
	case SEARCH_ID_RANGE:
		/* two subqueries: one MIN and one MAX each read one end of the primary key (together, in
		 * one SELECT, SQLite scans the table) */
		return "SELECT COALESCE((SELECT MIN(id) FROM tips), 0), COALESCE((SELECT MAX(id) FROM tips), "
		       "0)";
	case SEARCH_SAMPLE: /* PostgreSQL: the newest $1 tips' folded text (pg_index_pattern) */
		return "SELECT description_folded FROM tips ORDER BY id DESC LIMIT $1";
	case SEARCH_WALK:
		return pg_walk[o];
	case SEARCH_INDEXED:
		return e == STORE_SQLITE ? fts[o] : pg_gin[o];
	default:
		return e == STORE_SQLITE ? sqlite_scan[o] : scan[o];
	}
}

/* The filters of a page, bound alike into every statement of tips_search_sql. */
struct list_args {
	const struct tips_query *q;
	const char *path, *pattern;
	struct tip_row *rows;
	int limit, k; /* rows wanted, rows so far */
};

/* Runs statement sql with $1 = cursor and, when extra_text or extra_i64 > 0, $9 = it; appends its rows
 * to l->rows up to l->limit. STORE_OK or an error. */
static int list_run(struct store *db, struct arena *a, const char *sql, struct list_args *l, int64_t cursor,
		    const char *extra_text, int64_t extra_i64)
{
	struct store_stmt *st;
	const struct tips_query *q = l->q;
	int rc = store_prepare(db, sql, &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, cursor);
	store_bind_text(st, 2, l->path);
	store_bind_text(st, 3, q->status ? q->status : "");
	store_bind_text(st, 4, q->category ? q->category : "");
	store_bind_i64(st, 5, q->from);
	store_bind_i64(st, 6, q->to ? q->to : INT64_MAX);
	store_bind_text(st, 7, l->pattern);
	store_bind_i64(st, 8, l->limit - l->k);
	if (extra_text)
		store_bind_text(st, 9, extra_text);
	else if (extra_i64 > 0)
		store_bind_i64(st, 9, extra_i64);
	while (l->k < l->limit && (rc = store_step(st)) == STORE_ROW) {
		if (read_tip(st, a, &l->rows[l->k]) != STORE_OK) {
			rc = STORE_E_NOMEM;
			break;
		}
		l->k++;
	}
	store_reset(st);
	return rc < 0 ? rc : STORE_OK;
}

/*
 * The pattern that PostgreSQL's trigram index is asked for, for a folded search text: a few of its
 * rarest pieces, '%P1%P2%…%', which every tip holding the text also matches (the pieces are taken in
 * their order in the text, overlapping ones merged), so the index finds a superset and the full LIKE
 * decides (store/tips.c pg_gin: the pieces in the GIN scan, the LIKE after it). The index ANDs the
 * posting lists of every pg_trgm trigram of its pattern, and for a whole search some of them are in
 * most tips (`  c`, `  t`, `ong` …): `khong co tu nay` read 2,800 pages of lists (~100 ms) to find
 * nothing, where `hon`, `tu ` and `nay` alone (6 to 14 % of the tips each) already leave no candidate.
 *
 * A piece is three bytes of the text that give pg_trgm exactly one trigram whatever the database's
 * locale: three ASCII letters or digits (`hon`), or two and a following ASCII separator (`tu `, the end
 * of a word; not % _ \, which LIKE escapes). pg_trgm keeps no counts, so each piece's share of the tips
 * is estimated from the newest SAMPLE_ROWS tips (read once per search, ~1 ms), and the pieces are
 * chosen greedily: first the rarest, then while the next one's list (share × tips entries to read) costs
 * less than the candidates it is expected to remove (each fetched and re-checked: LIST_VS_CHECK entries
 * read cost as much). The expected candidates come from the sample itself while it still holds
 * SAMPLE_JOINT_MIN tips with every chosen piece (so `kar`, `ara`, `aok` of karaoke, always together,
 * count once), else from independence. Returns the full pattern when the text has no piece (short
 * words, other scripts) or the sample cannot be read; NULL when memory runs out.
 */
#define SAMPLE_ROWS 1000
#define SAMPLE_JOINT_MIN 5
#define PIECES_MAX 64
#define CHOSEN_MAX 6
#define LIST_VS_CHECK 200.0

static bool ascii_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static bool ascii_separator(char c)
{
	return c > 0 && c < 0x7f && !ascii_alnum(c) && c != '%' && c != '_' && c != '\\';
}

/* Rows of the sample (bitset bits) present in both a and b. */
static int sample_joint(const uint64_t *a, const uint64_t *b, uint64_t *out, int words)
{
	int n = 0;
	for (int w = 0; w < words; w++) {
		out[w] = a[w] & b[w];
		n += __builtin_popcountll(out[w]);
	}
	return n;
}

static const char *pg_index_pattern(struct store *db, struct arena *a, const char *folded, const char *full)
{
	size_t len = strlen(folded);
	size_t at[PIECES_MAX];
	int n = 0;
	for (size_t i = 0; i + 3 <= len && n < PIECES_MAX; i++) {
		if (!ascii_alnum(folded[i]) || !ascii_alnum(folded[i + 1]) ||
		    !(ascii_alnum(folded[i + 2]) || ascii_separator(folded[i + 2])))
			continue;
		bool seen = false; /* the same three bytes once: the sample counts them once */
		for (int k = 0; k < n && !seen; k++)
			seen = memcmp(folded + at[k], folded + i, 3) == 0;
		if (!seen)
			at[n++] = i;
	}
	if (n == 0)
		return full;

	/* the sample: which of its rows hold each piece (one bitset per piece) */
	enum { WORDS = (SAMPLE_ROWS + 63) / 64 };
	uint64_t *rows = arena_alloc(a, sizeof *rows * WORDS * (size_t)(n + 2));
	if (!rows)
		return NULL;
	memset(rows, 0, sizeof *rows * WORDS * (size_t)(n + 2));
	uint64_t *cand = rows + (size_t)n * WORDS, *next = cand + WORDS;
	int count[PIECES_MAX] = {0}, sampled = 0, rc;
	struct store_stmt *st;
	if (store_prepare(db, tips_search_sql(STORE_PG, SEARCH_ID_RANGE, true), &st) != STORE_OK)
		return full;
	rc = store_step(st);
	double tips = rc == STORE_ROW ? (double)(store_col_i64(st, 1) - store_col_i64(st, 0) + 1) : 0;
	store_reset(st);
	if (tips < 1 || store_prepare(db, tips_search_sql(STORE_PG, SEARCH_SAMPLE, true), &st) != STORE_OK)
		return full;
	store_bind_i64(st, 1, SAMPLE_ROWS);
	while (sampled < SAMPLE_ROWS && (rc = store_step(st)) == STORE_ROW) {
		const char *text = store_col_text(st, 0);
		size_t tl = text ? strlen(text) : 0;
		for (int k = 0; k < n; k++)
			if (tl && memmem(text, tl, folded + at[k], 3)) {
				rows[(size_t)k * WORDS + (size_t)sampled / 64] |= 1ull << (sampled % 64);
				count[k]++;
			}
		sampled++;
	}
	store_reset(st);
	if (rc < 0 || sampled == 0)
		return full;

	/* greedy: the rarest piece, then each that pays for its list */
	bool chosen[PIECES_MAX] = {false};
	int nchosen = 0, joint = sampled;
	double expect = tips;
	for (int w = 0; w < WORDS; w++)
		cand[w] = ~0ull;
	while (nchosen < CHOSEN_MAX) {
		int best = -1, best_joint = 0;
		double best_gain = 0, best_expect = 0;
		for (int k = 0; k < n; k++) {
			if (chosen[k])
				continue;
			double share = (count[k] ? (double)count[k] : 0.5) / (double)sampled;
			int j = sample_joint(cand, rows + (size_t)k * WORDS, next, WORDS);
			double after = joint >= SAMPLE_JOINT_MIN
					   ? (j ? (double)j : 0.5) / (double)sampled * tips
					   : expect * share;
			double gain = (expect - after) * LIST_VS_CHECK - share * tips;
			if (nchosen == 0)
				gain = 1.0 / share; /* the first: the rarest */
			if (gain > best_gain) {
				best = k;
				best_gain = gain;
				best_expect = after;
				best_joint = j;
			}
		}
		if (best < 0)
			break;
		chosen[best] = true;
		nchosen++;
		expect = best_expect;
		joint = best_joint;
		sample_joint(cand, rows + (size_t)best * WORDS, cand, WORDS);
	}

	/* '%' + the chosen pieces in text order, overlapping ones merged into one span + '%' */
	char *p = arena_alloc(a, len * 2 + 3), *o = p;
	if (!p)
		return NULL;
	*o++ = '%';
	size_t span_from = 0, span_to = 0; /* [from, to) of the open span; to == 0: none */
	for (size_t i = 0; i + 3 <= len; i++) {
		bool take = false;
		for (int k = 0; k < n && !take; k++)
			take = chosen[k] && at[k] == i;
		if (!take)
			continue;
		if (span_to && i < span_to) {
			span_to = i + 3;
			continue;
		}
		if (span_to) {
			memcpy(o, folded + span_from, span_to - span_from);
			o += span_to - span_from;
			*o++ = '%';
		}
		span_from = i;
		span_to = i + 3;
	}
	if (span_to) {
		memcpy(o, folded + span_from, span_to - span_from);
		o += span_to - span_from;
		*o++ = '%';
	}
	*o = '\0';
	return p;
}

/*
 * A search of three characters or more on PostgreSQL. The GIN trigram index finds a rare word's few
 * tips at once, but for a word in thousands of tips the planner took the bitmap scan, which fetches
 * every match from the heap and sorts them all for the newest 50 (1–2 s for `karaoke` at 1,000,000
 * tips), where walking the newest tips in id order would stop after a few thousand rows. So:
 *   1. walk the WALK_FIRST tips next to the cursor in id order (the primary key only), with every
 *      filter; a page that fills here is a common word's, done in a millisecond or two;
 *   2. otherwise the hits so far give the search's share of the tips: while walking on until the page
 *      is expected full (twice over, for luck) reads fewer rows than FETCH_VS_WALK times the matches
 *      the index would fetch, walk that far and look again (with only one or two hits, which say
 *      little, first eight times as far as so far), up to WALK_MAX rows in all; no hit at all: step 3;
 *   3. whatever is still missing comes from the GIN index past the walked rows (a rare search: few
 *      matches to fetch and sort), asked only for the search's rarest pieces (pg_index_pattern; the
 *      full LIKE re-checks its candidates). `id + 0` keeps the cursor out of the index scan, else the
 *      planner ANDs a bitmap of every older id (a million) into it.
 * Each step starts where the previous one ended (a window is a range of ids: the first from the newest
 * id, SEARCH_ID_RANGE), so the page holds exactly the rows of the one LIKE query, in the same order.
 * Oldest-first pages walk once. Measured at 1,000,000 tips: a walked row costs ~0.4 µs (strpos, the
 * filter in the primary key's scan), a match fetched by the index ~10 µs.
 */
#define WALK_FIRST 1000
#define WALK_MAX 50000
#define FETCH_VS_WALK 10.0

static int list_pg_search(struct store *db, struct arena *a, struct list_args *l, const char *folded)
{
	const struct tips_query *q = l->q;
	int64_t cursor = q->after_id ? q->after_id : (q->newest_first ? INT64_MAX : 0), walk = WALK_FIRST;
	int64_t walked_all = 0, hits_all = 0;
	const char *like = l->pattern;
	struct store_stmt *st;
	int rc = store_prepare(db, tips_search_sql(STORE_PG, SEARCH_ID_RANGE, true), &st);
	if (rc)
		return rc;
	rc = store_step(st);
	int64_t oldest = rc == STORE_ROW ? store_col_i64(st, 0) : 0,
		newest = rc == STORE_ROW ? store_col_i64(st, 1) : 0;
	store_reset(st);
	if (rc < 0)
		return rc;
	if (newest <= 0)
		return STORE_OK; /* no tips */
	if (q->newest_first && cursor > newest + 1)
		cursor = newest + 1;
	else if (!q->newest_first && cursor < oldest - 1)
		cursor = oldest - 1;
	l->pattern = folded; /* $7 of PG_SEARCH_FILTERS */
	for (;;) {
		/* the window: walk ids past the cursor, up to its edge (ids are dense: a gap only makes a
		 * window hold fewer tips) */
		int64_t edge, walked;
		bool last;
		if (q->newest_first) {
			if (cursor <= oldest)
				return STORE_OK; /* no tips beyond the cursor */
			edge = cursor - walk > oldest ? cursor - walk : oldest;
			walked = cursor - edge;
			last = edge == oldest;
		} else {
			if (cursor >= newest)
				return STORE_OK;
			edge = cursor + walk < newest ? cursor + walk : newest;
			walked = edge - cursor;
			last = edge == newest;
		}
		int before = l->k;
		rc = list_run(db, a, tips_search_sql(STORE_PG, SEARCH_WALK, q->newest_first), l, cursor, NULL,
			      edge);
		if (rc || l->k == l->limit || last)
			return rc; /* full, or no tips beyond the walked ones */
		cursor = edge;
		walked_all += walked;
		hits_all += l->k - before;
		if (!q->newest_first || hits_all == 0)
			break; /* none in the newest rows: a rare search, the index's */
		double share = (double)hits_all / (double)walked_all;
		double need = 2.0 * (double)(l->limit - l->k) / share;
		if (hits_all < 3 && need > 8.0 * (double)walked_all)
			need = 8.0 * (double)walked_all; /* one or two hits say little: look further first */
		else if (need > FETCH_VS_WALK * share * (double)(cursor - oldest))
			break;
		if ((double)walked_all + need > WALK_MAX)
			need = WALK_MAX - (double)walked_all;
		if (need < 1)
			break;
		walk = need < WALK_FIRST ? WALK_FIRST : (int64_t)need;
	}
	const char *pieces = pg_index_pattern(db, a, folded, like);
	if (!pieces)
		return STORE_E_NOMEM;
	return list_run(db, a, tips_search_sql(STORE_PG, SEARCH_INDEXED, q->newest_first), l, cursor, pieces,
			0);
}

int tips_list(struct store *db, struct arena *a, const struct tips_query *q, struct tip_row **out, int *n)
{
	int limit = q->limit > 0 ? q->limit : 1, rc;
	const char *path = q->unit_path ? arena_printf(a, "%s%%", q->unit_path) : "%";
	const char *pattern = "", *match = NULL, *folded = NULL;
	bool indexed = false; /* three characters or more: the trigram index serves the search */
	enum store_engine engine = store_engine_of(db);
	*out = NULL;
	*n = 0;
	if (!path)
		return STORE_E_NOMEM;
	if (q->search && *q->search) {
		folded = search_folded(a, q->search);
		if (!folded)
			return STORE_E_CHECK;
		if (*folded) { /* only blanks: no filter */
			pattern = search_pattern(a, folded);
			if (!pattern)
				return STORE_E_NOMEM;
			indexed = utf8_chars(folded) >= 3;
			if (engine == STORE_SQLITE && indexed) {
				match = search_match(db, a, folded);
				if (!match)
					return STORE_E_NOMEM;
			}
		}
	}
	struct list_args l = {.q = q, .path = path, .pattern = pattern, .limit = limit};
	l.rows = arena_alloc(a, sizeof *l.rows * (size_t)limit);
	if (!l.rows)
		return STORE_E_NOMEM;
	if (engine == STORE_PG && indexed)
		rc = list_pg_search(db, a, &l, folded);
	else
		rc = list_run(db, a,
			      tips_search_sql(engine, match ? SEARCH_INDEXED : SEARCH_SCAN, q->newest_first),
			      &l, q->after_id ? q->after_id : (q->newest_first ? INT64_MAX : 0), match, 0);
	if (rc)
		return rc;
	*out = l.rows;
	*n = l.k;
	return STORE_OK;
}

int tips_update(struct store *db, int64_t id, const char *status, int64_t duplicate_of, int64_t assigned_to,
		int64_t case_id, int64_t now)
{
	struct store_stmt *st;
	int64_t got = 0;
	int rc =
	    store_prepare(db,
			  "UPDATE tips SET status = $2, duplicate_of = $3, assigned_to = $4, case_id = $5, "
			  "updated_at = $6 WHERE id = $1 RETURNING id",
			  &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, id);
	store_bind_text(st, 2, status);
	store_bind_opt_i64(st, 3, duplicate_of);
	store_bind_opt_i64(st, 4, assigned_to);
	store_bind_opt_i64(st, 5, case_id);
	store_bind_i64(st, 6, now);
	rc = store_step_i64(st, &got);
	return rc == STORE_ROW ? STORE_OK : rc;
}

int tips_event_add(struct store *db, int64_t tip_id, int64_t commune_id, const char *kind, int64_t user_id,
		   const char *from_value, const char *to_value, int64_t now)
{
	struct store_stmt *st;
	int rc = store_prepare(
	    db,
	    "INSERT INTO tip_events (tip_id, commune_id, at, kind, user_id, from_value, to_value) "
	    "VALUES ($1, $2, $3, $4, $5, $6, $7)",
	    &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, tip_id);
	store_bind_i64(st, 2, commune_id);
	store_bind_i64(st, 3, now);
	store_bind_text(st, 4, kind);
	store_bind_opt_i64(st, 5, user_id);
	bind_opt_text(st, 6, from_value);
	bind_opt_text(st, 7, to_value);
	return store_run(st);
}

int tips_events(struct store *db, struct arena *a, int64_t tip_id, int max, struct tip_event **out, int *n)
{
	struct store_stmt *st;
	int rc, k = 0;
	*out = NULL;
	*n = 0;
	struct tip_event *rows = arena_alloc(a, sizeof *rows * (size_t)(max > 0 ? max : 1));
	if (!rows)
		return STORE_E_NOMEM;
	rc = store_prepare(
	    db,
	    "SELECT e.id, e.at, e.kind, e.user_id, us.username, e.from_value, e.to_value FROM tip_events e "
	    "LEFT JOIN users us ON us.id = e.user_id WHERE e.tip_id = $1 ORDER BY e.id LIMIT $2",
	    &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, tip_id);
	store_bind_i64(st, 2, max);
	while (k < max && (rc = store_step(st)) == STORE_ROW) {
		bool ok = true;
		rows[k].id = store_col_i64(st, 0);
		rows[k].at = store_col_i64(st, 1);
		rows[k].kind = store_col_dup(st, 2, a, &ok);
		rows[k].user_id = store_col_opt_i64(st, 3);
		rows[k].actor = store_col_dup(st, 4, a, &ok);
		rows[k].from_value = store_col_dup(st, 5, a, &ok);
		rows[k].to_value = store_col_dup(st, 6, a, &ok);
		if (!ok) {
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

int tips_message_add(struct store *db, int64_t tip_id, int64_t commune_id, const char *author,
		     int64_t user_id, const char *body, int64_t now, int64_t *id)
{
	struct store_stmt *st;
	int rc =
	    store_prepare(db,
			  "INSERT INTO tip_messages (tip_id, commune_id, author, user_id, body, created_at) "
			  "VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
			  &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, tip_id);
	store_bind_i64(st, 2, commune_id);
	store_bind_text(st, 3, author);
	store_bind_opt_i64(st, 4, user_id);
	store_bind_text(st, 5, body);
	store_bind_i64(st, 6, now);
	rc = store_step_i64(st, id);
	if (rc == STORE_DONE)
		rc = STORE_E_DB;
	if (rc != STORE_ROW)
		return rc;
	return tips_event_add(db, tip_id, commune_id, "message", user_id, NULL, author, now);
}

int tips_messages(struct store *db, struct arena *a, int64_t tip_id, int max, struct tip_message **out,
		  int *n)
{
	struct store_stmt *st;
	int rc, k = 0;
	*out = NULL;
	*n = 0;
	struct tip_message *rows = arena_alloc(a, sizeof *rows * (size_t)(max > 0 ? max : 1));
	if (!rows)
		return STORE_E_NOMEM;
	rc = store_prepare(
	    db,
	    "SELECT m.id, m.author, m.user_id, us.username, m.body, m.created_at FROM tip_messages m "
	    "LEFT JOIN users us ON us.id = m.user_id WHERE m.tip_id = $1 ORDER BY m.id LIMIT $2",
	    &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, tip_id);
	store_bind_i64(st, 2, max);
	while (k < max && (rc = store_step(st)) == STORE_ROW) {
		bool ok = true;
		rows[k].id = store_col_i64(st, 0);
		rows[k].author = store_col_dup(st, 1, a, &ok);
		rows[k].user_id = store_col_opt_i64(st, 2);
		rows[k].actor = store_col_dup(st, 3, a, &ok);
		rows[k].body = store_col_dup(st, 4, a, &ok);
		rows[k].created_at = store_col_i64(st, 5);
		if (!ok) {
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

int tips_file_add(struct store *db, int64_t tip_id, int64_t commune_id, const char *sha256, const char *mime,
		  int64_t size, int64_t now, int64_t *id)
{
	struct store_stmt *st;
	int rc = store_prepare(db,
			       "INSERT INTO tip_files (tip_id, commune_id, sha256, mime, size, created_at) "
			       "VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
			       &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, tip_id);
	store_bind_i64(st, 2, commune_id);
	store_bind_text(st, 3, sha256);
	store_bind_text(st, 4, mime);
	store_bind_i64(st, 5, size);
	store_bind_i64(st, 6, now);
	rc = store_step_i64(st, id);
	if (rc == STORE_DONE)
		rc = STORE_E_DB;
	return rc == STORE_ROW ? STORE_OK : rc;
}

static int read_file_row(struct store_stmt *st, struct arena *a, struct tip_file *f)
{
	bool ok = true;
	f->id = store_col_i64(st, 0);
	f->tip_id = store_col_i64(st, 1);
	f->sha256 = store_col_dup(st, 2, a, &ok);
	f->mime = store_col_dup(st, 3, a, &ok);
	f->size = store_col_i64(st, 4);
	f->created_at = store_col_i64(st, 5);
	if (!f->sha256 || !f->mime)
		ok = false;
	return ok ? STORE_OK : STORE_E_NOMEM;
}

int tips_files(struct store *db, struct arena *a, int64_t tip_id, int max, struct tip_file **out, int *n)
{
	struct store_stmt *st;
	int rc, k = 0;
	*out = NULL;
	*n = 0;
	struct tip_file *rows = arena_alloc(a, sizeof *rows * (size_t)(max > 0 ? max : 1));
	if (!rows)
		return STORE_E_NOMEM;
	rc = store_prepare(
	    db,
	    "SELECT id, tip_id, sha256, mime, size, created_at FROM tip_files WHERE tip_id = $1 "
	    "ORDER BY id LIMIT $2",
	    &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, tip_id);
	store_bind_i64(st, 2, max);
	while (k < max && (rc = store_step(st)) == STORE_ROW) {
		if (read_file_row(st, a, &rows[k]) != STORE_OK) {
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

int tips_file_get(struct store *db, struct arena *a, int64_t tip_id, int64_t file_id, struct tip_file *f)
{
	struct store_stmt *st;
	int rc = store_prepare(
	    db,
	    "SELECT id, tip_id, sha256, mime, size, created_at FROM tip_files WHERE id = $1 AND "
	    "tip_id = $2",
	    &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, file_id);
	store_bind_i64(st, 2, tip_id);
	rc = store_step(st);
	if (rc == STORE_ROW && read_file_row(st, a, f) != STORE_OK)
		rc = STORE_E_NOMEM;
	store_reset(st);
	return rc;
}

int tips_of_case(struct store *db, struct arena *a, int64_t case_id, int max, struct tip_row **out, int *n)
{
	struct store_stmt *st;
	int rc, k = 0;
	*out = NULL;
	*n = 0;
	struct tip_row *rows = arena_alloc(a, sizeof *rows * (size_t)(max > 0 ? max : 1));
	if (!rows)
		return STORE_E_NOMEM;
	rc =
	    store_prepare(db, "SELECT " TIP_COLS TIP_FROM "WHERE t.case_id = $1 ORDER BY t.id LIMIT $2", &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, case_id);
	store_bind_i64(st, 2, max);
	while (k < max && (rc = store_step(st)) == STORE_ROW) {
		if (read_tip(st, a, &rows[k]) != STORE_OK) {
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

int throttle_recent(struct store *db, const char *key, int64_t since, int limit, int *count, int64_t *oldest)
{
	struct store_stmt *st;
	*count = 0;
	*oldest = 0;
	/* the newest `limit` entries in the window; the oldest of them decides when one leaves it */
	int rc = store_prepare(
	    db, "SELECT at FROM public_throttle WHERE key = $1 AND at >= $2 ORDER BY at DESC LIMIT $3", &st);
	if (rc)
		return rc;
	store_bind_text(st, 1, key);
	store_bind_i64(st, 2, since);
	store_bind_i64(st, 3, limit);
	while ((rc = store_step(st)) == STORE_ROW) {
		*oldest = store_col_i64(st, 0);
		(*count)++;
	}
	store_reset(st);
	return rc == STORE_DONE ? STORE_OK : rc;
}

int throttle_add(struct store *db, const char *key, int64_t now, int64_t before)
{
	struct store_stmt *st;
	/* every key's old entries, so that addresses seen once leave no trace after the window */
	int rc = store_prepare(db, "DELETE FROM public_throttle WHERE at < $1", &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, before);
	rc = store_run(st);
	if (rc)
		return rc;
	rc = store_prepare(db, "INSERT INTO public_throttle (key, at) VALUES ($1, $2)", &st);
	if (rc)
		return rc;
	store_bind_text(st, 1, key);
	store_bind_i64(st, 2, now);
	return store_run(st);
}
