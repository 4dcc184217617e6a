/*
 * demo_patrols.c: the demo's patrols and violation records of 2020 and this week's roster (see
 * demo_patrols.h). Written in our own words from the ward's story in DESIGN §2: in April 2020, under
 * Directive 16, and again in the summer outbreak, the security teams walked the markets and main
 * streets with the police, the military command and the health station, reminding people to wear
 * masks, breaking up gatherings and closing shops that opened against the rules.
 */
#include "cmd/demo_patrols.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "domain/patrol_rules.h"
#include "lib/timeutil.h"
#include "store/audit.h"
#include "store/patrols.h"
#include "store/rosters.h"

#define DEMO_TEAMS 8
#define DEMO_PATROLS_PER_TEAM 6

static const char *const areas[] = {"Chợ Vĩnh Điện và các tuyến đường quanh chợ",
				    "Đường Hùng Vương – Trần Nhân Tông",
				    "Khu dân cư và các quán ăn, cà phê trên địa bàn",
				    "Bến xe và các điểm tập trung đông người",
				    "Các hẻm, kiệt trong khối phố",
				    "Tuyến Quốc lộ 1A qua phường"};

static const struct story {
	const char *kind, *action, *summary;
	int64_t fine;
} stories[] = {
    {"epidemic", "reminder", "Không đeo khẩu trang nơi công cộng; đã nhắc nhở, phát khẩu trang", 0},
    {"epidemic", "reminder", "Tụ tập trên 2 người ngoài phạm vi công sở; đã giải tán, nhắc nhở", 0},
    {"epidemic", "fine", "Quán cà phê mở cửa bán hàng trái quy định giãn cách xã hội", 2000000},
    {"epidemic", "reminder", "Cửa hàng không thiết yếu mở cửa; chủ cửa hàng cam kết đóng cửa", 0},
    {"epidemic", "fine", "Tái phạm tụ tập uống rượu nơi công cộng sau khi đã được nhắc nhở", 1000000},
    {"public_order", "reminder", "Gây mất trật tự nơi công cộng vào ban đêm", 0},
};

static const char *const basis_reminder = "Chỉ thị 16/CT-TTg ngày 31/3/2020 của Thủ tướng Chính phủ";
static const char *const basis_fine = "Chỉ thị 16/CT-TTg ngày 31/3/2020; Nghị định 176/2013/NĐ-CP về xử phạt "
				      "vi phạm hành chính trong lĩnh vực y tế";

static int audit(struct store *db, const char *action, const char *entity, int64_t id, int64_t unit_id)
{
	char sid[24], detail[64];
	snprintf(sid, sizeof sid, "%" PRId64, id);
	snprintf(detail, sizeof detail, "{\"unit_id\":%" PRId64 "}", unit_id);
	struct audit_entry e = {.user_id = 0,
				.actor = "cli",
				.address = "",
				.action = action,
				.entity = entity,
				.entity_id = sid,
				.detail = detail};
	return audit_append(db, &e);
}

static int first_org(struct store *db, const char *kind, int64_t commune_id, int64_t *id)
{
	struct store_stmt *st;
	*id = 0;
	int rc = store_prepare(
	    db,
	    "SELECT id FROM organisations WHERE kind = $1 AND (commune_id = $2 OR commune_id IS "
	    "NULL) ORDER BY id LIMIT 1",
	    &st);
	if (rc)
		return rc;
	store_bind_text(st, 1, kind);
	store_bind_i64(st, 2, commune_id);
	rc = store_step_i64(st, id);
	return rc < 0 ? rc : STORE_OK;
}

struct demo_team {
	int64_t id, unit_id, commune_id;
};

static int security_teams(struct store *db, struct demo_team *t, int max, int *n)
{
	struct store_stmt *st;
	int rc = store_prepare(db,
			       "SELECT id, unit_id, commune_id FROM teams WHERE kind = 'security_order' AND "
			       "commune_id IS NOT NULL ORDER BY id",
			       &st);
	*n = 0;
	if (rc)
		return rc;
	while (*n < max && (rc = store_step(st)) == STORE_ROW) {
		t[*n].id = store_col_i64(st, 0);
		t[*n].unit_id = store_col_i64(st, 1);
		t[*n].commune_id = store_col_i64(st, 2);
		(*n)++;
	}
	store_reset(st);
	return rc < 0 ? rc : STORE_OK;
}

/* The team of the "member" login's person, or 0. */
static int member_team(struct store *db, int64_t *team_id)
{
	struct store_stmt *st;
	*team_id = 0;
	int rc = store_prepare(
	    db,
	    "SELECT m.team_id FROM users u JOIN team_members m ON m.person_id = u.person_id JOIN "
	    "teams t ON t.id = m.team_id WHERE u.username = 'member' AND t.kind = 'security_order' "
	    "AND m.term_to IS NULL ORDER BY m.id LIMIT 1",
	    &st);
	if (rc)
		return rc;
	rc = store_step_i64(st, team_id);
	return rc < 0 ? rc : STORE_OK;
}

static int load_patrols(struct store *db, struct arena *a, const struct demo_team *teams, int nteams,
			int64_t now)
{
	int64_t police = 0, military = 0, health = 0;
	char day[16];
	int rc = first_org(db, "police", teams[0].commune_id, &police);
	if (rc == STORE_OK)
		rc = first_org(db, "military_command", teams[0].commune_id, &military);
	if (rc == STORE_OK)
		rc = first_org(db, "health_station", teams[0].commune_id, &health);
	int64_t orgs[3];
	int norgs = 0;
	if (police)
		orgs[norgs++] = police;
	if (military)
		orgs[norgs++] = military;
	if (health)
		orgs[norgs++] = health;
	int64_t apr1, aug1;
	roster_day_parse("2020-04-01", &apr1);
	roster_day_parse("2020-07-29", &aug1);
	for (int t = 0; rc == STORE_OK && t < nteams; t++) {
		struct member_brief *mb;
		int nmb;
		/* the members serving today (the demo appoints them as of its load) */
		rc = rosters_members(db, a, teams[t].id,
				     roster_day_format(roster_day_of(now), day, sizeof day), &mb, &nmb);
		for (int k = 0; rc == STORE_OK && k < DEMO_PATROLS_PER_TEAM; k++) {
			/* three walks in April (Directive 16, 1–22 April), three in the summer outbreak */
			int64_t d = (k < 3 ? apr1 + 2 + k * 6 : aug1 + (k - 3) * 5) + t % 3;
			int64_t start, end, id;
			roster_shift_times(d, 19 * 60 + 30 * (t % 2), 22 * 60, &start, &end);
			struct patrol_row p = {
			    .team_id = teams[t].id,
			    .unit_id = teams[t].unit_id,
			    .commune_id = teams[t].commune_id,
			    .area = areas[(t + k) % 6],
			    .planned_start = start,
			    .planned_end = end,
			    .findings = "Tuyên truyền, nhắc nhở người dân thực hiện giãn cách xã hội "
					"theo Chỉ thị 16"};
			int64_t people[3];
			int np = 0;
			for (int j = 0; j < nmb && np < 3; j++)
				people[np++] = mb[(j + k) % nmb].person_id;
			rc = patrols_insert(db, &p, now, &id);
			if (rc == STORE_OK)
				rc = patrols_set_forces(db, id, p.commune_id, orgs, norgs);
			if (rc == STORE_OK)
				rc = patrols_set_members(db, id, p.commune_id, people, np);
			if (rc == STORE_OK)
				rc = patrols_mark(db, id, 0, start);
			if (rc == STORE_OK)
				rc = patrols_mark(db, id, 1, end + 15 * 60);
			for (int j = 0; rc == STORE_OK && j < np; j++)
				if (j < 2 || k % 2 == 0)
					rc = patrols_checkin(db, id, people[j], start + 120 * (j + 1), false,
							     0, 0);
			if (rc == STORE_OK)
				rc = audit(db, "patrol.create", "patrol", id, p.unit_id);
			/* one or two records a walk */
			for (int v = 0; rc == STORE_OK && v < 1 + (k + t) % 2; v++) {
				const struct story *s = &stories[(t * 3 + k * 2 + v) % 6];
				int64_t vid;
				bool fine = strcmp(s->action, "fine") == 0;
				struct violation_row vr = {
				    .patrol_id = id,
				    .unit_id = p.unit_id,
				    .commune_id = p.commune_id,
				    .place = p.area,
				    .occurred_at = start + 1800 * (v + 1),
				    .kind = s->kind,
				    .legal_basis = fine ? basis_fine : basis_reminder,
				    .action = s->action,
				    .record_no =
					fine ? arena_printf(a, "%02d/BB-VPHC", t * 10 + k + 1) : NULL,
				    .fine_vnd = s->fine,
				    .summary = s->summary,
				};
				rc = violations_insert(db, &vr, NULL, now, &vid);
				if (rc == STORE_OK)
					rc = audit(db, "violation.create", "violation", vid, p.unit_id);
			}
		}
	}
	return rc;
}

static int load_roster(struct store *db, struct arena *a, const struct demo_team *t, int64_t now)
{
	int64_t ids[2] = {0, 0}, monday, today = roster_day_of(now);
	char week[16], day[16];
	struct member_brief *mb;
	int nmb;
	roster_week_format(today, week, sizeof week);
	roster_week_parse(week, &monday);
	int rc = rosters_shift_insert(db, t->id, t->commune_id, "Ca tối", 19 * 60, 23 * 60, now, &ids[0]);
	if (rc == STORE_OK)
		rc = rosters_shift_insert(db, t->id, t->commune_id, "Ca đêm", 23 * 60, 5 * 60, now, &ids[1]);
	if (rc == STORE_OK)
		rc = rosters_members(db, a, t->id, roster_day_format(monday, day, sizeof day), &mb, &nmb);
	for (int d = 0; rc == STORE_OK && nmb > 0 && d < 7; d++) {
		for (int s = 0; rc == STORE_OK && s < 2; s++) {
			for (int k = 0; rc == STORE_OK && k < 2 && k < nmb; k++) {
				struct slot_row sl = {.team_id = t->id,
						      .commune_id = t->commune_id,
						      .shift_id = ids[s],
						      .person_id = mb[(d * 2 + s + k * 3) % nmb].person_id,
						      .day = roster_day_format(monday + d, day, sizeof day)};
				int64_t id;
				roster_shift_times(monday + d, s ? 23 * 60 : 19 * 60, s ? 5 * 60 : 23 * 60,
						   &sl.starts_at, &sl.ends_at);
				rc = rosters_slot_insert(db, &sl, now, &id);
				if (rc == STORE_E_UNIQUE)
					rc = STORE_OK;
			}
		}
	}
	if (rc == STORE_OK)
		rc = audit(db, "roster.update", "team", t->id, t->unit_id);
	return rc;
}

int demo_patrols(struct store *db, struct arena *a, int64_t now)
{
	struct demo_team teams[DEMO_TEAMS], mine = {0};
	int n = 0;
	int64_t team_id = 0;
	int rc = security_teams(db, teams, DEMO_TEAMS, &n);
	if (rc || n == 0)
		return rc;
	rc = load_patrols(db, a, teams, n, now);
	if (rc == STORE_OK)
		rc = member_team(db, &team_id);
	if (rc)
		return rc;
	mine = teams[0];
	if (team_id) {
		struct store_stmt *st;
		rc = store_prepare(db, "SELECT unit_id, commune_id FROM teams WHERE id = $1", &st);
		if (rc)
			return rc;
		store_bind_i64(st, 1, team_id);
		if ((rc = store_step(st)) == STORE_ROW) {
			mine.id = team_id;
			mine.unit_id = store_col_i64(st, 0);
			mine.commune_id = store_col_i64(st, 1);
		}
		store_reset(st);
		if (rc < 0)
			return rc;
	}
	return load_roster(db, a, &mine, now);
}
