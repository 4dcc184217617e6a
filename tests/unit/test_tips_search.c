/*
 * test_tips_search.c: the inbox's search (store/tips.c tips_list) on enough tips that every path of
 * the per-engine plans runs — on SQLite the trigram probes and the rarest-trigram AND, on PostgreSQL
 * the walk in id order, the longer walk and the trigram index past it — and still returns exactly what
 * the folded LIKE returns: the same tips, in the same order, page after page, newest first and oldest
 * first, alone and with a category filter. 4,000 tips over two blocks: a phrase in every tip, one in
 * three, one in 4 %, one in about 1 %, one in 5 tips, one in 6 (with LIKE's % and _), and none. On
 * PostgreSQL the rare searches reach the index with only their rarest pieces (pg_index_pattern):
 * overlapping pieces merged, pieces ending at a separator, texts with no piece at all. SQLite, or the engine
 * of $TIENGMO_TEST_DB (testdb.h).
 */
#include "unit.h"

#include <pthread.h>

#include "lib/arena.h"
#include "lib/vn.h"
#include "store/tips.h"
#include "testdb.h"

#define TIPS 4000

static int64_t g_commune, g_blocks[2];
static char *g_folded[TIPS + 1]; /* by id - g_first */
static const char *g_cat[TIPS + 1];
static int64_t g_ids[TIPS];

static int64_t add_unit(struct store *db, int64_t parent, const char *kind, const char *code)
{
	struct store_stmt *st;
	int64_t id = 0;
	assert_int_equal(store_prepare(db,
				       "INSERT INTO units (parent_id, kind, code, name, path, created_at, "
				       "updated_at) VALUES ($1, $2, $3, $3, '/', 1, 1) RETURNING id",
				       &st),
			 STORE_OK);
	store_bind_opt_i64(st, 1, parent);
	store_bind_text(st, 2, kind);
	store_bind_text(st, 3, code);
	assert_int_equal(store_step_i64(st, &id), STORE_ROW);
	return id;
}

static void set_path(struct store *db, int64_t id, const char *path, int64_t commune)
{
	struct store_stmt *st;
	assert_int_equal(store_prepare(db, "UPDATE units SET path = $2, commune_id = $3 WHERE id = $1", &st),
			 STORE_OK);
	store_bind_i64(st, 1, id);
	store_bind_text(st, 2, path);
	store_bind_i64(st, 3, commune);
	assert_int_equal(store_run(st), STORE_OK);
}

static int setup(void **state)
{
	struct testdb *t = calloc(1, sizeof *t);
	assert_non_null(t);
	testdb_open_migrated(t);
	struct store *db = t->db;
	char path[64];
	int64_t prov = add_unit(db, 0, "province", "P");
	g_commune = add_unit(db, prov, "commune", "C");
	snprintf(path, sizeof path, "/%lld/%lld/", (long long)prov, (long long)g_commune);
	set_path(db, g_commune, path, g_commune);
	for (int b = 0; b < 2; b++) {
		g_blocks[b] = add_unit(db, g_commune, "block", b ? "B2" : "B1");
		snprintf(path, sizeof path, "/%lld/%lld/%lld/", (long long)prov, (long long)g_commune,
			 (long long)g_blocks[b]);
		set_path(db, g_blocks[b], path, g_commune);
	}
	assert_int_equal(store_begin(db), STORE_OK);
	for (int i = 0; i < TIPS; i++) {
		char desc[256], hash[32], folded[512];
		/* every tip: "phản ánh"; one in three: a name; 1 in 25: a café; 1 in 97: "karaoke quá to";
		 * 5 tips: a plate; 6 tips: a code with LIKE's special characters */
		snprintf(desc, sizeof desc, "Người dân phản ánh %s ở ngõ %d%s%s%s%s.",
			 i % 97 == 5 ? "hát karaoke quá to" : "mất trộm xe máy", i % 50,
			 i % 3 == 0 ? ", ông Nguyễn Văn Đạt" : "", i % 25 == 3 ? ", gần quán cà phê" : "",
			 i % 800 == 7 ? ", xe biển số 92H1-04817" : "",
			 i % 700 == 11 ? ", mã A_7 giảm 50% (khuyến_mãi)" : "");
		snprintf(hash, sizeof hash, "search-%d", i);
		struct tip_input in = {
		    .unit_id = g_blocks[i % 2],
		    .commune_id = g_commune,
		    .category = i % 2 ? "noise" : "theft",
		    .description = desc,
		    .anonymous = true,
		    .receipt_hash = hash,
		    .source = "web",
		};
		assert_int_equal(tips_insert(db, &in, 1700000000 + i, &g_ids[i]), STORE_OK);
		assert_true(vn_fold(desc, folded, sizeof folded) >= 0);
		g_folded[i] = strdup(folded);
		g_cat[i] = in.category;
	}
	assert_int_equal(store_commit(db), STORE_OK);
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	struct testdb *t = *state;
	for (int i = 0; i < TIPS; i++)
		free(g_folded[i]);
	testdb_close(t);
	free(t);
	vn_thread_release();
	return 0;
}

/* Pages through tips_list for search (and category) and compares with the folded LIKE's answer. */
static void same_as_like(struct store *db, const char *search, const char *category, bool newest, int limit,
			 int expect_at_least)
{
	char folded[256];
	assert_true(vn_fold(search, folded, sizeof folded) >= 0);
	int64_t want[TIPS];
	int nwant = 0;
	for (int j = 0; j < TIPS; j++) {
		int i = newest ? TIPS - 1 - j : j;
		if (strstr(g_folded[i], folded) && (!category || strcmp(g_cat[i], category) == 0))
			want[nwant++] = g_ids[i];
	}
	assert_true(nwant >= expect_at_least);
	int got = 0, pages = 0;
	int64_t cursor = 0;
	for (;;) {
		struct arena a;
		struct tip_row *rows;
		int n = 0;
		arena_init(&a, 1u << 20);
		struct tips_query q = {.search = search,
				       .category = category,
				       .newest_first = newest,
				       .limit = limit,
				       .after_id = cursor};
		assert_int_equal(tips_list(db, &a, &q, &rows, &n), STORE_OK);
		for (int k = 0; k < n; k++) {
			if (got >= nwant || rows[k].id != want[got])
				fail_msg("'%s' (%s, %s): row %d is tip %lld, the LIKE says %lld", search,
					 category ? category : "any category",
					 newest ? "newest first" : "oldest first", got, (long long)rows[k].id,
					 got < nwant ? (long long)want[got] : -1LL);
			got++;
		}
		cursor = n ? rows[n - 1].id : 0;
		arena_release(&a);
		pages++;
		if (n < limit)
			break;
	}
	assert_int_equal(got, nwant);
	assert_true(pages >= 1);
}

static void common_words_fill_pages_in_order(void **state)
{
	struct testdb *t = *state;
	same_as_like(t->db, "phan anh", NULL, true, 50, TIPS); /* the first walk fills every page */
	same_as_like(t->db, "Nguyễn Văn Đạt", NULL, true, 50, TIPS / 3);
	same_as_like(t->db, "nguyen van dat", "noise", false, 40, TIPS / 6);
}

static void middle_and_rare_words_cross_the_walk(void **state)
{
	struct testdb *t = *state;
	same_as_like(t->db, "quán cà phê", NULL, true, 50, 150); /* 4 %: the walk goes on */
	same_as_like(t->db, "quan ca phe", "theft", true, 30, 75);
	same_as_like(t->db, "karaoke", NULL, true, 50, 40); /* about 1 %: the index past the first walk */
	same_as_like(t->db, "hát karaoke quá to", "noise", true, 7, 20);
	same_as_like(t->db, "karaoke qua", NULL, false, 50, 40);
	same_as_like(t->db, "92h1-04817", NULL, true, 50, 5); /* rare: the index past the first walk */
	same_as_like(t->db, "92H1-0481", NULL, true, 2, 5);
	same_as_like(t->db, "xe bien so 92h1", "noise", true, 50, 1);
	/* rare, with LIKE's special characters and pieces ending at '_', ' ', '(' */
	same_as_like(t->db, "mã A_7 giảm 50% (khuyến_mãi)", NULL, true, 50, 6);
	same_as_like(t->db, "a_7 giam 50%", NULL, false, 4, 6);
	same_as_like(t->db, "50% (khuyen", "noise", true, 50, 3);
	same_as_like(t->db, "khuyến_mãi", NULL, true, 2, 6);
}

static void no_match_is_an_empty_page(void **state)
{
	struct testdb *t = *state;
	same_as_like(t->db, "không có từ này", NULL, true, 50, 0);
	same_as_like(t->db, "karaoke nguyen", NULL, true, 50, 0);
	same_as_like(t->db, "ô x ý", NULL, true, 50, 0);	     /* no piece: the whole pattern */
	same_as_like(t->db, "dan dan phan anh", NULL, false, 50, 0); /* a piece twice */
	same_as_like(t->db, "50% giam", NULL, true, 50, 0);
}

/* Inserts a tip with description desc in a transaction of its own on db, committed (or rolled back
 * when !commit); returns its id. */
static int64_t submit(struct store *db, const char *desc, const char *hash, bool commit)
{
	struct tip_input in = {
	    .unit_id = g_blocks[0],
	    .commune_id = g_commune,
	    .category = "theft",
	    .description = desc,
	    .anonymous = true,
	    .receipt_hash = hash,
	    .source = "web",
	};
	int64_t id = 0;
	assert_int_equal(store_begin(db), STORE_OK);
	int rc = tips_insert(db, &in, 1800000000, &id);
	if (rc)
		fail_msg("tips_insert %d: %s", rc, store_errmsg(db));
	assert_int_equal(commit ? store_commit(db) : store_rollback(db), STORE_OK);
	return id;
}

/* The ids of the tips the inbox's search finds for text (at most 8), newest first. */
static int found(struct store *db, const char *text, int64_t *ids)
{
	struct arena a;
	struct tip_row *rows;
	int n = 0;
	arena_init(&a, 1u << 20);
	struct tips_query q = {.search = text, .newest_first = true, .limit = 8};
	int lrc = tips_list(db, &a, &q, &rows, &n);
	if (lrc)
		fail_msg("tips_list '%s' %d: %s", text, lrc, store_errmsg(db));
	for (int k = 0; k < n; k++)
		ids[k] = rows[k].id;
	arena_release(&a);
	return n;
}

/* SQLite: how many tips the full-text index itself holds for a folded word (the inbox's search also
 * re-checks the text, so only this tells an unindexed tip from one that is not there); -1 on
 * PostgreSQL. */
static int64_t indexed(struct store *db, const char *word)
{
	struct store_stmt *st;
	int64_t n = -1;
	if (store_engine_of(db) != STORE_SQLITE)
		return -1;
	assert_int_equal(store_prepare(db, "SELECT count(*) FROM tips_fts WHERE tips_fts MATCH $1", &st),
			 STORE_OK);
	char query[256] = "";
	size_t len = strlen(word), at = 0; /* the trigrams of word, all of them (detail=none: no phrases) */
	for (size_t i = 0; i + 3 <= len && at + 16 < sizeof query; i++)
		at +=
		    (size_t)snprintf(query + at, sizeof query - at, "%s\"%.3s\"", i ? " AND " : "", word + i);
	store_bind_text(st, 1, query);
	int rc = store_step_i64(st, &n);
	if (rc != STORE_ROW)
		fail_msg("the index for '%s': %s", word, store_errmsg(db));
	return n;
}

/* SQLite: the catch-up's mark (the highest tip id indexed) and the highest tip id; -1 on PostgreSQL. */
static void mark_and_max(struct store *db, int64_t *mark, int64_t *max)
{
	struct store_stmt *st;
	*mark = *max = -1;
	if (store_engine_of(db) != STORE_SQLITE)
		return;
	assert_int_equal(store_prepare(db, "SELECT last FROM tips_fts_mark WHERE id = 1", &st), STORE_OK);
	assert_int_equal(store_step_i64(st, mark), STORE_ROW);
	assert_int_equal(store_prepare(db, "SELECT MAX(id) FROM tips", &st), STORE_OK);
	assert_int_equal(store_step_i64(st, max), STORE_ROW);
}

static void a_tip_is_found_right_after_its_submission(void **state)
{
	struct testdb *t = *state;
	struct store *other = testdb_connect(t);
	int64_t ids[8], mark, max;
	int64_t id = submit(other, "Trộm chó ở xóm Vạn Xuân lúc nửa đêm", "fresh-1", true);
	/* another connection, as the inbox of another officer */
	assert_int_equal(found(t->db, "van xuan", ids), 1);
	assert_int_equal(ids[0], id);
	assert_int_equal(found(t->db, "Vạn Xuân", ids), 1);
	mark_and_max(t->db, &mark, &max);
	assert_int_equal(mark, max);
	assert_int_equal(mark, id == max ? id : -1);
	/* an autocommit insert outside store_begin is indexed as well */
	struct tip_input in = {.unit_id = g_blocks[1],
			       .commune_id = g_commune,
			       .category = "noise",
			       .description = "Loa kẹo kéo ồn ào ở hẻm Bạch Đằng",
			       .anonymous = true,
			       .receipt_hash = "fresh-2",
			       .source = "web"};
	int64_t id2 = 0;
	assert_int_equal(tips_insert(other, &in, 1800000001, &id2), STORE_OK);
	assert_int_equal(found(t->db, "bach dang", ids), 1);
	assert_int_equal(ids[0], id2);
	store_close(other);
}

#define THREADS 8
#define PER_THREAD 12

struct submitter {
	struct testdb *t;
	int n;
	int64_t ids[PER_THREAD];
};

static void *submit_many(void *arg)
{
	struct submitter *s = arg;
	struct store *db = testdb_connect(s->t);
	for (int i = 0; i < PER_THREAD; i++) {
		char desc[128], hash[32];
		snprintf(desc, sizeof desc, "Tin báo đồng loạt số qz%dk%dw ở chợ Hàn", s->n, i);
		snprintf(hash, sizeof hash, "batch-%d-%d", s->n, i);
		s->ids[i] = submit(db, desc, hash, true);
	}
	store_close(db);
	vn_thread_release();
	return NULL;
}

static void tips_submitted_together_are_all_found(void **state)
{
	struct testdb *t = *state;
	struct submitter subs[THREADS];
	pthread_t th[THREADS];
	for (int k = 0; k < THREADS; k++) {
		subs[k] = (struct submitter){.t = t, .n = k};
		assert_int_equal(pthread_create(&th[k], NULL, submit_many, &subs[k]), 0);
	}
	for (int k = 0; k < THREADS; k++)
		pthread_join(th[k], NULL);
	for (int k = 0; k < THREADS; k++) {
		for (int i = 0; i < PER_THREAD; i++) {
			char word[32];
			int64_t ids[8];
			snprintf(word, sizeof word, "qz%dk%dw", k, i);
			if (found(t->db, word, ids) != 1 || ids[0] != subs[k].ids[i])
				fail_msg("tip %lld ('%s') is not found", (long long)subs[k].ids[i], word);
			int64_t n = indexed(t->db, word);
			assert_true(n == 1 || n == -1); /* indexed once, not twice */
		}
	}
	int64_t ids[8], mark, max;
	assert_int_equal(found(t->db, "cho han", ids), 8); /* a page of them */
	mark_and_max(t->db, &mark, &max);
	assert_int_equal(mark, max);
}

static void a_rolled_back_tip_is_not_indexed_and_a_later_one_is(void **state)
{
	struct testdb *t = *state;
	struct store *other = testdb_connect(t);
	int64_t ids[8], mark, max;
	int64_t gone = submit(other, "Tin báo nhầm về vụ xtrollbackx", "gone-1", false);
	int64_t later = submit(other, "Tin báo sau về vụ xtlaterx", "later-1", true);
	assert_true(gone > 0 && later > 0);
	assert_int_equal(found(t->db, "xtrollbackx", ids), 0);
	assert_int_equal(found(t->db, "xtlaterx", ids), 1);
	assert_int_equal(ids[0], later);
	if (store_engine_of(t->db) == STORE_SQLITE) {
		assert_int_equal(indexed(t->db, "xtrollbackx"), 0);
		assert_int_equal(indexed(t->db, "xtlaterx"), 1);
		mark_and_max(t->db, &mark, &max);
		assert_int_equal(mark, later); /* the mark is the newest tip indexed, no further */
		assert_int_equal(max, later);
	}
	/* a rollback after the later tip leaves the mark where it is, and the next tip is found */
	submit(other, "Tin báo nhầm lần nữa xtagainx", "gone-2", false);
	int64_t next = submit(other, "Tin báo mới xtnextx", "next-1", true);
	assert_int_equal(found(t->db, "xtnextx", ids), 1);
	assert_int_equal(ids[0], next);
	assert_int_equal(found(t->db, "xtagainx", ids), 0);
	mark_and_max(t->db, &mark, &max);
	assert_int_equal(mark, max);
	store_close(other);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(common_words_fill_pages_in_order),
	    cmocka_unit_test(middle_and_rare_words_cross_the_walk),
	    cmocka_unit_test(no_match_is_an_empty_page),
	    cmocka_unit_test(a_tip_is_found_right_after_its_submission),
	    cmocka_unit_test(a_rolled_back_tip_is_not_indexed_and_a_later_one_is),
	    cmocka_unit_test(tips_submitted_together_are_all_found),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
