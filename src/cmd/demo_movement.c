/*
 * demo_movement.c: the demo's movement step (`tiengmo demo`, src/cmd/demo.c) — 2020 in phường Vĩnh
 * Điện: 124 outreach sessions with 4,600 participants in all (24 of them the school-year campaign at
 * Trường THCS Quang Trung), the models and clubs of DESIGN §2 with their sites, activities and
 * evaluations (the Farmers' Union's "Nông dân với pháp luật" club: 52 legal consultations for 200
 * farmers), a few exemplars with commendations; and the links of the demo logins (the coordinator
 * speaks for the Fatherland Front committee; team_leader and member are people of Khối phố 1's
 * security & order team). Deterministic: the same records on every load. Written in our own words.
 *
 * Not for the other areas' demo data; runs inside the demo's transaction, each record audited as "cli".
 */
#include "cmd/demo_movement.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "store/audit.h"
#include "store/models.h"
#include "store/outreach.h"
#include "store/users.h"

#define DAY 86400
#define TOTAL_PARTICIPANTS 4600
#define SCHOOL_SESSIONS 24
#define OTHER_SESSIONS 100

/* Unix seconds of a Vietnamese local date and hour in 2020 (month 1..12, day 1..31). */
static int64_t vn_time(int month, int day, int hour)
{
	static const int before[] = {0, 31, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335}; /* 2020: leap */
	int64_t jan1 = 1577811600; /* 2020-01-01 00:00 +07:00 */
	return jan1 + (int64_t)(before[month - 1] + day - 1) * DAY + (int64_t)hour * 3600;
}

static int audit(struct store *db, const char *action, const char *entity, int64_t id)
{
	char idt[24];
	snprintf(idt, sizeof idt, "%" PRId64, id);
	struct audit_entry e = {.user_id = 0,
				.actor = "cli",
				.address = "",
				.action = action,
				.entity = entity,
				.entity_id = idt,
				.detail = "{\"via\":\"demo\"}"};
	return audit_append(db, &e);
}

/* The demo's own look-ups: one id by one text parameter (0 when none). */
static int64_t lookup(struct store *db, const char *sql, const char *arg)
{
	struct store_stmt *st;
	int64_t id = 0;
	if (store_prepare(db, sql, &st) != STORE_OK)
		return 0;
	store_bind_text(st, 1, arg);
	if (store_step_i64(st, &id) != STORE_ROW)
		id = 0;
	return id;
}

static int64_t org_id(struct store *db, const char *kind)
{
	return lookup(db, "SELECT id FROM organisations WHERE kind = $1 ORDER BY id LIMIT 1", kind);
}

static int64_t unit_id(struct store *db, const char *code)
{
	return lookup(db, "SELECT id FROM units WHERE code = $1", code);
}

/* The person of Khối phố 1's security & order team with this name. */
static int64_t team1_person(struct store *db, const char *name)
{
	return lookup(
	    db,
	    "SELECT p.id FROM people p JOIN team_members m ON m.person_id = p.id JOIN teams t ON t.id = "
	    "m.team_id JOIN units u ON u.id = t.unit_id WHERE p.full_name = $1 AND t.kind = "
	    "'security_order' AND u.code = '20470-KP01' ORDER BY p.id LIMIT 1",
	    name);
}

static int link_login(struct store *db, struct arena *a, const char *username, int64_t person, int64_t org,
		      int64_t now)
{
	struct user_row u;
	int rc = users_get_by_name(db, a, username, &u);
	if (rc == STORE_DONE || (!person && !org))
		return STORE_OK; /* a login or record the demo lacks: nothing to link */
	if (rc != STORE_ROW)
		return rc;
	rc = users_set_links(db, u.id, person ? person : -1, org ? org : -1, now);
	return rc ? rc : audit(db, "user.update", "user", u.id);
}

struct ids {
	int64_t commune, blocks[21];
	int64_t police, front, women, farmers, veterans, youth, school, health;
};

static int add_session(struct store *db, const struct ids *x, struct outreach_session *s, int64_t now)
{
	s->commune_id = x->commune;
	int rc = outreach_session_insert(db, s, now);
	return rc ? rc : audit(db, "outreach_session.create", "outreach_session", s->id);
}

/* The school's campaign: a session every week of the school year, for its pupils and teachers. */
static int school_campaign(struct store *db, const struct ids *x, int64_t now, int64_t *participants)
{
	static const char *const topic_sets[][3] = {
	    {"road_traffic", "drugs", NULL},	 {"online_fraud", "crime", NULL},
	    {"drugs", "weapons", NULL},		 {"road_traffic", "fire_explosion", NULL},
	    {"epidemics", "road_traffic", NULL}, {"trafficking", "drugs", NULL},
	};
	static const struct {
		int month, day;
	} dates[SCHOOL_SESSIONS] = {
	    {1, 6},  {1, 13}, {2, 17},	{3, 2},	  {5, 11},  {5, 18},  {6, 1},	{6, 8},
	    {9, 7},  {9, 14}, {9, 21},	{9, 28},  {10, 5},  {10, 12}, {10, 19}, {10, 26},
	    {11, 2}, {11, 9}, {11, 16}, {11, 23}, {11, 30}, {12, 7},  {12, 14}, {12, 21},
	};
	for (int i = 0; i < SCHOOL_SESSIONS; i++) {
		struct outreach_session s = {0};
		s.unit_id = x->commune;
		s.kind = i == 0 || i == 8 ? "campaign_launch" : "propaganda";
		s.held_at = vn_time(dates[i].month, dates[i].day, 14);
		s.place = "Trường THCS Quang Trung, hội trường và sân trường";
		s.notes = i == 0 ? "Phát động đợt tuyên truyền trong học kỳ II" : NULL;
		s.organisers[s.norganisers++].id = x->school;
		s.organisers[s.norganisers++].id = x->police;
		if (i % 2)
			s.organisers[s.norganisers++].id = x->youth;
		for (int k = 0; topic_sets[i % 6][k]; k++)
			s.topics[s.ntopics++] = topic_sets[i % 6][k];
		s.audiences[s.naudiences++] =
		    (struct outreach_audience){.group = "pupils", .count = 52 + (i % 4) * 2};
		s.audiences[s.naudiences++] = (struct outreach_audience){.group = "teachers", .count = 3};
		s.participants = 55 + (i % 4) * 2;
		*participants += s.participants;
		int rc = add_session(db, x, &s, now);
		if (rc)
			return rc;
	}
	return STORE_OK;
}

/* The other sessions: in the khối phố through the year, by the police with the unions. */
static int block_sessions(struct store *db, const struct ids *x, int64_t now, int64_t done)
{
	static const char *const topics[] = {"crime",	    "drugs",	 "road_traffic", "fire_explosion",
					     "weapons",	    "epidemics", "trafficking",	 "domestic_violence",
					     "online_fraud"};
	const int64_t partners[] = {x->front, x->women, x->farmers, x->veterans, x->youth, x->health};
	static const char *const kinds[] = {"propaganda",	  "propaganda", "propaganda",	  "training",
					    "legal_consultation", "propaganda", "campaign_launch"};
	int64_t left = TOTAL_PARTICIPANTS - done;
	for (int i = 0; i < OTHER_SESSIONS; i++) {
		struct outreach_session s = {0};
		int block = (i * 8) % 21;
		s.unit_id = x->blocks[block];
		s.kind = kinds[i % 7];
		s.held_at = vn_time(1 + (i * 12) / OTHER_SESSIONS, 1 + (i * 11) % 27, 19);
		s.place = "Nhà văn hóa khối phố";
		s.organisers[s.norganisers++].id = x->police;
		s.organisers[s.norganisers++].id = partners[i % 6];
		/* 2020: Covid-19 leads from March to September */
		int month = 1 + (i * 12) / OTHER_SESSIONS;
		s.topics[s.ntopics++] = month >= 3 && month <= 9 && i % 2 == 0 ? "epidemics" : topics[i % 9];
		if (strcmp(s.topics[0], topics[(i + 4) % 9]) != 0)
			s.topics[s.ntopics++] = topics[(i + 4) % 9];
		int64_t n = 28 + (i * 7) % 9; /* 28..36 */
		if (i == OTHER_SESSIONS - 1)
			n = left; /* the last brings the year to its total */
		left -= n;
		if (partners[i % 6] == x->women || partners[i % 6] == x->farmers) {
			int64_t members = n / 3;
			s.audiences[s.naudiences++] = (struct outreach_audience){
			    .group = "members", .organisation_id = partners[i % 6], .count = members};
			s.audiences[s.naudiences++] =
			    (struct outreach_audience){.group = "residents", .count = n - members};
		} else {
			s.audiences[s.naudiences++] =
			    (struct outreach_audience){.group = "residents", .count = n};
		}
		s.participants = n;
		int rc = add_session(db, x, &s, now);
		if (rc)
			return rc;
	}
	return STORE_OK;
}

struct demo_model {
	const char *kind, *name, *description;
	int sponsor;  /* index into the sponsor list of load_models */
	int sites[8]; /* block indexes (0-based), -1 ends; 99: the commune itself */
	int members[8];
	const char *activity;
	int nactivities, reached_each, cases_each;
	const char *rating;
};

static const struct demo_model models[] = {
    {"club",
     "Câu lạc bộ \"Nông dân với pháp luật\"",
     "Hội viên nông dân được tư vấn, giải đáp pháp luật về đất đai, hợp đồng, vay vốn mỗi tuần tại trụ sở "
     "Hội.",
     2,
     {8, 11, -1},
     {95, 105},
     "legal_consultation",
     52,
     4,
     1,
     "excellent"},
    {"club",
     "Câu lạc bộ \"Phụ nữ phòng, chống ma túy trong gia đình\"",
     "Chị em trao đổi cách nhận biết, giữ con em tránh xa ma túy; gặp mặt mỗi hai tháng.",
     1,
     {2, 9, -1},
     {35, 28},
     "meeting",
     6,
     30,
     0,
     "good"},
    {"club",
     "Câu lạc bộ \"Phòng, chống mua bán phụ nữ và trẻ em\"",
     "Tuyên truyền thủ đoạn lừa đi làm việc, kết hôn với người nước ngoài; hỗ trợ nạn nhân trở về.",
     1,
     {4, -1},
     {30},
     "propaganda",
     5,
     40,
     0,
     "good"},
    {"residential",
     "Mô hình \"Cựu chiến binh giúp đỡ, cảm hóa thanh thiếu niên chậm tiến\"",
     "Mỗi hội viên Cựu chiến binh nhận kèm cặp một thanh niên vi phạm pháp luật, giúp tìm việc làm.",
     3,
     {0, 6, 14, -1},
     {12, 10, 9},
     "reeducation",
     8,
     3,
     2,
     "excellent"},
    {"school",
     "Mô hình \"Cổng trường an toàn giao thông\"",
     "Đoàn viên thanh niên hướng dẫn học sinh qua đường, xếp xe đúng nơi quy định giờ tan học.",
     4,
     {99, -1},
     {24},
     "patrol",
     12,
     150,
     0,
     "good"},
    {"residential",
     "Mô hình \"Tiếng mõ dân phòng\"",
     "Mỗi cụm dân cư một chiếc mõ; khi có trộm cắp, cháy nổ, người dân đánh mõ báo động để cả xóm cùng ứng "
     "cứu.",
     0,
     {0, 1, 2, 3, 5, 7, -1},
     {40, 36, 38, 30, 33, 41},
     "meeting",
     4,
     60,
     3,
     "excellent"},
    {"residential",
     "Mô hình \"Đèn ngoài ngõ, mõ trong nhà\"",
     "Hộ gia đình thắp đèn trước ngõ ban đêm và giữ mõ trong nhà để báo động khi có sự việc.",
     0,
     {10, 12, 13, 15, 16, 17, 19, -1},
     {45, 38, 40, 36, 42, 39, 44},
     "meeting",
     3,
     80,
     0,
     "good"},
};

static int load_models(struct store *db, struct arena *a, const struct ids *x, int64_t now)
{
	const int64_t sponsors[] = {x->front, x->women, x->farmers, x->veterans, x->youth};
	for (size_t i = 0; i < sizeof models / sizeof models[0]; i++) {
		const struct demo_model *dm = &models[i];
		struct model_row m = {.commune_id = x->commune,
				      .unit_id = x->commune,
				      .kind = dm->kind,
				      .name = dm->name,
				      .description = dm->description,
				      .sponsor_id = sponsors[dm->sponsor]};
		int64_t id;
		int rc = models_insert(db, &m, now);
		if (!rc)
			rc = audit(db, "model.create", "model", m.id);
		for (int k = 0; !rc && k < 8 && dm->sites[k] >= 0; k++) {
			struct model_site s = {.unit_id =
						   dm->sites[k] == 99 ? x->commune : x->blocks[dm->sites[k]],
					       .started_at = vn_time(1 + k, 1, 0) - 365 * DAY * (k < 2),
					       .members = dm->members[k]};
			rc = models_site_add(db, m.id, x->commune, &s, now, &id);
		}
		for (int k = 0; !rc && k < dm->nactivities; k++) {
			int64_t reached = dm->reached_each;
			if (i == 0 && k >= 44)
				reached =
				    3; /* the club's 52 consultations reach 200 farmers: 44 × 4 + 8 × 3 */
			struct model_activity act = {
			    .held_at = vn_time(1 + (k * 12) / dm->nactivities, 1 + (k * 5) % 27, 8),
			    .kind = dm->activity,
			    .people_reached = reached,
			    .cases_handled = dm->cases_each,
			    .notes = NULL};
			rc = models_activity_add(db, m.id, x->commune, &act, now, &id);
		}
		if (!rc) {
			struct model_evaluation ev = {.period = "2020-H1", .rating = "good", .notes = NULL};
			rc = models_evaluation_add(db, m.id, x->commune, &ev, now, &id);
		}
		if (!rc) {
			struct model_evaluation ev = {.period = "2020",
						      .rating = dm->rating,
						      .notes = "Duy trì đều, được nhân dân đồng tình"};
			rc = models_evaluation_add(db, m.id, x->commune, &ev, now, &id);
		}
		if (rc)
			return rc;
	}
	(void)a;
	return STORE_OK;
}

static int load_exemplars(struct store *db, const struct ids *x, int64_t now)
{
	int64_t leader = team1_person(db, "Lê Văn Tâm");
	int64_t team =
	    lookup(db,
		   "SELECT t.id FROM teams t JOIN units u ON u.id = t.unit_id WHERE u.code = $1 AND t.kind = "
		   "'security_order' ORDER BY t.id LIMIT 1",
		   "20470-KP01");
	const struct {
		const char *kind;
		int64_t person, team, org, unit;
		const char *name, *achievement, *level, *decision;
		int month, day;
	} ex[] = {
	    {"person", leader, 0, 0, x->blocks[0], "Lê Văn Tâm",
	     "Tổ trưởng gương mẫu, cùng tổ phát hiện và giúp bắt giữ 3 vụ trộm cắp tài sản trong năm 2020",
	     "commune", "125/QĐ-UBND", 12, 28},
	    {"team", 0, team, 0, x->blocks[0], "Tổ bảo vệ an ninh, trật tự Khối phố 1",
	     "Duy trì tuần tra ban đêm suốt năm, khối phố không để xảy ra trọng án", "district",
	     "2150/QĐ-UBND", 12, 30},
	    {"organisation", 0, 0, x->farmers, x->commune, "Hội Nông dân phường Vĩnh Điện",
	     "Câu lạc bộ \"Nông dân với pháp luật\" hoạt động hiệu quả, hơn 50 buổi tư vấn cho hội viên",
	     "province", "3478/QĐ-UBND", 12, 15},
	};
	for (size_t i = 0; i < sizeof ex / sizeof ex[0]; i++) {
		struct exemplar_row e = {.commune_id = x->commune,
					 .unit_id = ex[i].unit,
					 .kind = ex[i].kind,
					 .person_id = ex[i].person,
					 .team_id = ex[i].team,
					 .organisation_id = ex[i].org,
					 .name = ex[i].name,
					 .achievement = ex[i].achievement};
		struct exemplar_commendation c = {.level = ex[i].level,
						  .awarded_at = vn_time(ex[i].month, ex[i].day, 8),
						  .decision_no = ex[i].decision};
		int64_t id;
		int rc = exemplars_insert(db, &e, now);
		if (!rc)
			rc = exemplars_commendation_add(db, e.id, x->commune, &c, now, &id);
		if (!rc)
			rc = audit(db, "exemplar.create", "exemplar", e.id);
		if (rc)
			return rc;
	}
	return STORE_OK;
}

int demo_movement(struct store *db, struct arena *a, int64_t now)
{
	struct ids x = {0};
	char code[32];
	x.commune = unit_id(db, "20470");
	for (int i = 0; i < 21; i++) {
		snprintf(code, sizeof code, "20470-KP%02d", i + 1);
		x.blocks[i] = unit_id(db, code);
	}
	x.police = org_id(db, "police");
	x.front = org_id(db, "fatherland_front");
	x.women = org_id(db, "womens_union");
	x.farmers = org_id(db, "farmers_union");
	x.veterans = org_id(db, "veterans_association");
	x.youth = org_id(db, "youth_union");
	x.school = org_id(db, "school");
	x.health = org_id(db, "health_station");
	if (!x.commune || !x.police || !x.front || !x.women || !x.farmers || !x.veterans || !x.youth ||
	    !x.school || !x.health)
		return STORE_E_DB; /* the earlier steps did not run */
	for (int i = 0; i < 21; i++)
		if (!x.blocks[i])
			return STORE_E_DB;

	int rc = link_login(db, a, "coordinator", 0, x.front, now);
	if (!rc)
		rc = link_login(db, a, "team_leader", team1_person(db, "Lê Văn Tâm"), 0, now);
	if (!rc)
		rc = link_login(db, a, "member", team1_person(db, "Phạm Văn Bình"), 0, now);
	int64_t participants = 0;
	if (!rc)
		rc = school_campaign(db, &x, now, &participants);
	if (!rc)
		rc = block_sessions(db, &x, now, participants);
	if (!rc)
		rc = load_models(db, a, &x, now);
	if (!rc)
		rc = load_exemplars(db, &x, now);
	return rc;
}
