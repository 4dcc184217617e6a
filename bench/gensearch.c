/*
 * gensearch.c: the data of the search benchmark (bench/search.sh). It writes COUNT realistic
 * Vietnamese tips into a tiengmo database through the product's own store (tips_insert, so the folded
 * column and the search index are made exactly as the server makes them): reporters, family and given
 * names with their tones (Nguyễn, Đạt, Đặng …), places of a ward, what happened by category, times of
 * day, and one licence plate in five (92H1-NNNNN: each plate is rare, so a plate is a rare search).
 * Tips go to the commune's blocks in turn, over the two years before now, oldest first, 5,000 to a
 * transaction. The database must be migrated and hold a commune with blocks (bench/search.sh makes
 * them through the API). Not part of the product; built by meson as bench-gensearch (not by default).
 *
 * Usage: bench-gensearch sqlite:PATH|postgres://… COUNT
 * Prints the number of tips written; exits 1 with a message on any failure.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/store.h"
#include "store/tips.h"

#define BATCH 5000
#define BLOCKS_MAX 256
#define SPAN (2 * 365 * 86400LL)

static const char *const family[] = {"Nguyễn", "Trần", "Lê",  "Phạm", "Hoàng", "Huỳnh", "Phan",	 "Vũ",
				     "Võ",     "Đặng", "Bùi", "Đỗ",   "Hồ",    "Ngô",	"Dương", "Lý"};
static const char *const middle[] = {"Văn", "Thị", "Minh", "Quang", "Ngọc", "Hữu", "Thanh", "Đức"};
static const char *const given[] = {"Đạt",  "Lan", "Hùng", "Hoa",  "Tuấn", "Ngọc", "Bình",  "Thu",  "Huy",
				    "Phúc", "Mai", "Long", "Dũng", "Hạnh", "Sơn",  "Trang", "Khoa", "Yến"};
static const char *const place[] = {"ngõ 5 đường Trần Phú",
				    "kiệt 12 Hùng Vương",
				    "chợ Vĩnh Điện",
				    "bãi cỏ ven sông Vĩnh Điện",
				    "quán cà phê đầu ngõ",
				    "cổng trường THCS Quang Trung",
				    "cầu Vĩnh Điện",
				    "khu tập thể cũ",
				    "nhà văn hóa khối phố",
				    "bến xe buýt Điện Bàn",
				    "tiệm cầm đồ đường Mẹ Thứ",
				    "bãi đất trống sau chùa",
				    "hẻm 34 Nguyễn Du",
				    "quán nhậu đường Phan Thành Tài",
				    "khu trọ công nhân",
				    "sân bóng khối phố"};
static const char *const when[] = {"lúc khoảng 23 giờ", "rạng sáng nay", "chiều tối qua",     "trưa hôm qua",
				   "nhiều đêm liền",	"vào cuối tuần", "khoảng 2 giờ sáng", "sáng sớm"};
struct cat {
	const char *code;
	const char *what[4];
};
static const struct cat cats[] = {
    {"theft",
     {"bị mất trộm xe máy", "thấy đối tượng lạ trèo tường vào nhà", "bị giật túi xách",
      "bị kẻ gian cạy cửa lấy tài sản"}},
    {"drugs",
     {"có nhóm thanh niên tụ tập sử dụng ma túy", "nghi có người mua bán ma túy",
      "thấy bơm kim tiêm vứt bừa bãi", "có mùi lạ nghi hút cần sa"}},
    {"gambling",
     {"có người tổ chức đánh bạc", "có điểm ghi lô đề", "nhóm người tụ tập đá gà ăn tiền",
      "có sới bạc trong nhà kho"}},
    {"violence",
     {"hai nhóm thanh niên đánh nhau", "có người say rượu gây rối", "chồng đánh vợ nhiều lần",
      "nhóm đối tượng mang hung khí"}},
    {"noise", {"hát karaoke quá to", "mở nhạc ầm ĩ", "xưởng mộc làm ồn ban đêm", "tổ chức tiệc gây ồn"}},
    {"obstruction",
     {"lấn chiếm vỉa hè bán hàng", "đậu ô tô chắn lối đi", "đổ vật liệu xây dựng ra đường",
      "dựng rạp cưới chiếm lòng đường"}},
    {"unlit_alley",
     {"đèn đường hỏng nhiều ngày", "ngõ tối không có đèn", "cột đèn bị đổ", "bóng đèn chập chờn"}},
    {"fire_hazard",
     {"câu móc điện không an toàn", "bình gas rò rỉ", "đốt rác gần bãi xe", "dây điện chằng chịt"}},
    {"other",
     {"có người lạ hỏi thăm nhà dân", "nhận cuộc gọi giả danh công an", "chó thả rông cắn người",
      "cây lớn sắp đổ"}},
};

static uint64_t rng = 88172645463325252ULL;

static unsigned pick(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

#define PICK(a) (a[pick(sizeof a / sizeof a[0])])

static void describe(char *out, size_t cap, const struct cat *c)
{
	char name[96], plate[48] = "";
	snprintf(name, sizeof name, "%s %s %s", PICK(family), PICK(middle), PICK(given));
	if (pick(5) == 0)
		snprintf(plate, sizeof plate, " Xe biển số 92H1-%05u.", pick(100000));
	switch (pick(3)) {
	case 0:
		snprintf(out, cap, "Người dân phản ánh %s tại %s %s.%s", c->what[pick(4)], PICK(place),
			 PICK(when), plate);
		break;
	case 1:
		snprintf(out, cap, "Ông %s báo %s ở %s, %s.%s Đề nghị công an phường kiểm tra.", name,
			 c->what[pick(4)], PICK(place), PICK(when), plate);
		break;
	default:
		snprintf(out, cap, "Tại %s %s %s; nghi liên quan đến %s, nhà ở %s.%s", PICK(place),
			 PICK(when), c->what[pick(4)], name, PICK(place), plate);
	}
}

int main(int argc, char **argv)
{
	char err[256], desc[600], hash[32];
	struct store *db = NULL;
	struct store_stmt *st;
	int64_t blocks[BLOCKS_MAX], commune = 0;
	int nblocks = 0, rc = 1, applied;
	long count = argc == 3 ? strtol(argv[2], NULL, 10) : 0;
	if (count <= 0) {
		fprintf(stderr, "usage: bench-gensearch sqlite:PATH|postgres://… COUNT\n");
		return 2;
	}
	if (store_open(argv[1], &db, err, sizeof err) != 0 ||
	    store_migrate(db, &applied, err, sizeof err) != 0) {
		fprintf(stderr, "bench-gensearch: %s\n", err);
		goto out;
	}
	if (store_prepare(db, "SELECT id, commune_id FROM units WHERE kind = 'block' ORDER BY id", &st))
		goto db;
	while (nblocks < BLOCKS_MAX && store_step(st) == STORE_ROW) {
		blocks[nblocks++] = store_col_i64(st, 0);
		commune = store_col_i64(st, 1);
	}
	store_reset(st);
	if (!nblocks) {
		fprintf(stderr, "bench-gensearch: the database has no blocks\n");
		goto out;
	}
	int64_t start = (int64_t)time(NULL) - SPAN;
	for (long i = 0; i < count; i++) {
		if (i % BATCH == 0 && store_begin(db))
			goto db;
		const struct cat *c = &cats[pick(sizeof cats / sizeof cats[0])];
		describe(desc, sizeof desc, c);
		snprintf(hash, sizeof hash, "bench-%ld", i);
		struct tip_input in = {
		    .unit_id = blocks[i % nblocks],
		    .commune_id = commune,
		    .category = c->code,
		    .description = desc,
		    .anonymous = true,
		    .receipt_hash = hash,
		    .source = "web",
		};
		int64_t id;
		if (tips_insert(db, &in, start + (int64_t)((double)SPAN * (double)i / (double)count), &id))
			goto db;
		if ((i + 1) % BATCH == 0 || i + 1 == count) {
			if (store_commit(db))
				goto db;
			if ((i + 1) % 100000 == 0)
				fprintf(stderr, "bench-gensearch: %ld tips\n", i + 1);
		}
	}
	printf("%ld\n", count);
	rc = 0;
	goto out;
db:
	fprintf(stderr, "bench-gensearch: %s\n", store_errmsg(db));
out:
	if (db)
		store_close(db);
	return rc;
}
