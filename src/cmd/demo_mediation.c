/*
 * demo_mediation.c: the mediation part of `tiengmo demo` — a year (2020) of grassroots mediation for
 * every mediation team the demo made: 6 to 9 cases per team spread over the months, of the kinds a
 * ward sees most (neighbours' quarrels, family matters, land boundaries, small debts), mostly
 * settled, some not settled, withdrawn or sent on to the authorities, a few still open at the end of
 * the year; each with two parties (names and addresses sealed by the store), one or two mediators of
 * the team, its sessions, and the agreement of a settled case. The texts are short, plausible and
 * invented. Deterministic: a fixed seed. Not for tests: tests build their own cases.
 */
#include "cmd/demo_mediation.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "domain/mediation_rules.h"
#include "store/audit.h"
#include "store/mediation.h"
#include "store/teams.h"

#define YEAR 2020

static int pick(uint32_t *seed, int n)
{
	*seed = *seed * 1664525u + 1013904223u;
	return (int)((*seed >> 8) % (uint32_t)n);
}

/* One story per kind: the main content, the agreement when settled. */
static const struct story {
	enum mediation_kind kind;
	const char *summary;
	const char *agreement;
} stories[] = {
    {MED_KIND_NEIGHBOURS, "Nước thải sinh hoạt của hộ bên cạnh chảy tràn sang sân nhà",
     "Hộ gây ngập làm rãnh thoát nước riêng trong 15 ngày"},
    {MED_KIND_NEIGHBOURS, "Mở loa karaoke lớn sau 22 giờ, hai gia đình lời qua tiếng lại",
     "Không hát karaoke sau 22 giờ, giữ âm lượng vừa phải"},
    {MED_KIND_NEIGHBOURS, "Cây trồng sát ranh giới, rễ làm nứt tường nhà bên cạnh",
     "Chặt bỏ cây, chia đôi chi phí sửa tường"},
    {MED_KIND_MARRIAGE_FAMILY, "Vợ chồng mâu thuẫn kéo dài về chi tiêu trong gia đình",
     "Hai vợ chồng thống nhất cách chi tiêu, đoàn tụ, không đơn ly hôn"},
    {MED_KIND_MARRIAGE_FAMILY, "Anh em trong gia đình không thống nhất việc chăm sóc mẹ già",
     "Các con luân phiên chăm sóc mẹ, mỗi người góp tiền hằng tháng"},
    {MED_KIND_LAND, "Tranh chấp lối đi chung giữa hai thửa đất liền kề",
     "Giữ lối đi chung rộng 1,5 m, không xây lấn"},
    {MED_KIND_LAND, "Hàng rào xây lấn sang đất nhà bên cạnh khoảng 0,4 m",
     "Dời hàng rào về đúng mốc giới theo bản đồ địa chính"},
    {MED_KIND_CIVIL, "Vay tiền mua xe máy, quá hạn chưa trả",
     "Bên vay trả dần trong 6 tháng, mỗi tháng một phần bằng nhau"},
    {MED_KIND_CIVIL, "Thuê nhà trả trước, chủ nhà đòi lại nhà trước hạn",
     "Chủ nhà hoàn lại tiền thuê các tháng còn lại"},
    {MED_KIND_MINOR_VIOLATION, "Thanh niên hai khối phố xô xát nhẹ sau trận bóng đá",
     "Hai bên xin lỗi nhau, gia đình cam kết nhắc nhở con em"},
    {MED_KIND_OTHER, "Chó thả rông cắn gia cầm của hộ bên cạnh",
     "Chủ chó bồi thường gia cầm và nuôi nhốt chó"},
};
#define NSTORIES ((int)(sizeof stories / sizeof stories[0]))

static const char *const family[] = {"Nguyễn", "Trần", "Lê",   "Phạm", "Huỳnh",
				     "Võ",     "Phan", "Đặng", "Bùi",  "Đỗ"};
static const char *const middle_m[] = {"Văn", "Đình", "Công", "Minh"};
static const char *const middle_f[] = {"Thị", "Thị", "Ngọc", "Thu"};
static const char *const given_m[] = {"Hùng", "Dũng",  "Tuấn",	"Phúc", "Lộc",
				      "Sang", "Thành", "Quang", "Khoa"};
static const char *const given_f[] = {"Lan", "Hoa", "Mai", "Hạnh", "Thảo", "Nga", "Yến", "Trang", "Liên"};
#define N(x) ((int)(sizeof(x) / sizeof(x)[0]))

static const char *person_name(struct arena *a, uint32_t *seed)
{
	bool woman = pick(seed, 2);
	return arena_printf(a, "%s %s %s", family[pick(seed, N(family))],
			    woman ? middle_f[pick(seed, N(middle_f))] : middle_m[pick(seed, N(middle_m))],
			    woman ? given_f[pick(seed, N(given_f))] : given_m[pick(seed, N(given_m))]);
}

/* The day `day` of the year (0-based, within 2020) as "YYYY-MM-DD" in the arena. */
static const char *day_of_year(struct arena *a, int day)
{
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}; /* 2020 is a leap year */
	int m = 0;
	while (m < 11 && day >= mdays[m])
		day -= mdays[m++];
	if (day >= mdays[m])
		day = mdays[m] - 1;
	return arena_printf(a, "%04d-%02d-%02d", YEAR, m + 1, day + 1);
}

static int audit_case(struct store *db, const struct med_case *c)
{
	char sid[24], detail[160];
	snprintf(sid, sizeof sid, "%" PRId64, c->id);
	snprintf(detail, sizeof detail,
		 "{\"team_id\":%" PRId64 ",\"unit_id\":%" PRId64 ",\"year\":%d,\"number\":%d}", c->team_id,
		 c->unit_id, c->year, c->number);
	struct audit_entry e = {.user_id = 0,
				.actor = "cli",
				.address = "",
				.action = "mediation_case.create",
				.entity = "mediation_case",
				.entity_id = sid,
				.detail = detail};
	return audit_append(db, &e);
}

/* One team's year. */
static int load_team(struct store *db, struct arena *a, const struct team_row *t, int64_t now, uint32_t *seed)
{
	struct member_row *m;
	int nm, rc = teams_members(db, a, t->id, NULL, &m, &nm);
	if (rc || nm == 0)
		return rc;
	int ncases = 6 + pick(seed, 4);
	for (int k = 0; k < ncases && rc == STORE_OK; k++) {
		const struct story *s = &stories[pick(seed, NSTORIES)];
		int received = k * (350 / ncases) + pick(seed, 20);
		struct med_party parties[2];
		struct med_mediator mediators[2];
		struct med_case c;
		memset(&c, 0, sizeof c);
		for (int p = 0; p < 2; p++) {
			parties[p].full_name = person_name(a, seed);
			parties[p].birth_year = 1950 + pick(seed, 50);
			parties[p].address = arena_printf(a, "Tổ %d, %s", 1 + pick(seed, 6), t->unit_name);
			if (!parties[p].full_name || !parties[p].address)
				return STORE_E_NOMEM;
		}
		mediators[0].person_id = m[0].person_id; /* the leader takes part in every case */
		c.nmediators = 1;
		if (nm > 1 && pick(seed, 2))
			mediators[c.nmediators++].person_id = m[1 + pick(seed, nm - 1)].person_id;
		/* mostly settled; the last case of the year is still open */
		int roll = pick(seed, 20);
		c.result = k == ncases - 1 && received > 330 ? -1
			   : roll < 15			     ? MED_RESULT_SETTLED
			   : roll < 17			     ? MED_RESULT_NOT_SETTLED
			   : roll < 19			     ? MED_RESULT_WITHDRAWN
							     : MED_RESULT_TRANSFERRED;
		int held = received + 2 + pick(seed, 10);
		c.team_id = t->id;
		c.unit_id = t->unit_id;
		c.commune_id = t->commune_id;
		c.year = YEAR;
		c.number = k + 1;
		c.received_on = day_of_year(a, received);
		c.requester = parties[0].full_name;
		c.kind = s->kind;
		c.summary = s->summary;
		c.parties = parties;
		c.nparties = 2;
		c.mediators = mediators;
		if (c.result >= 0) {
			c.concluded_on =
			    day_of_year(a, c.result == MED_RESULT_WITHDRAWN ? received + 1 : held);
			if (c.result == MED_RESULT_SETTLED) {
				c.agreement = s->agreement;
				if (pick(seed, 2)) {
					c.follow_up =
					    "Tổ hòa giải kiểm tra: các bên đã thực hiện đúng thỏa thuận";
					c.follow_up_on = day_of_year(a, held + 30);
				}
			}
			if (c.result == MED_RESULT_TRANSFERRED)
				c.notes = "Chuyển Công an phường xem xét theo thẩm quyền";
		}
		c.created_by = 0;
		rc = mediation_insert(db, &c, now, &c.id);
		if (rc == STORE_OK)
			rc = audit_case(db, &c);
		if (rc == STORE_OK &&
		    (c.result == MED_RESULT_SETTLED || c.result == MED_RESULT_NOT_SETTLED)) {
			int64_t sid;
			rc = mediation_session_insert(
			    db, c.id, c.commune_id, day_of_year(a, held),
			    "Các bên trình bày ý kiến; hòa giải viên phân tích quy định pháp "
			    "luật, phong tục tập quán tốt đẹp",
			    0, now, &sid);
		}
	}
	return rc;
}

int demo_mediation(struct store *db, struct arena *a, int64_t now)
{
	struct team_row *teams;
	int n, rc = teams_list(db, a, NULL, TEAM_MEDIATION, 0, 100, &teams, &n);
	uint32_t seed = 352020;
	for (int i = 0; i < n && rc == STORE_OK; i++)
		rc = load_team(db, a, &teams[i], now, &seed);
	return rc;
}
