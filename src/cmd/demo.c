/*
 * demo.c (command): `tiengmo demo [--if-new]` loads the demo ward — phường Vĩnh Điện in Quảng Nam —
 * into an empty database, so that a fresh install has something true-to-life to show: the unit tree
 * (province → ward → 21 khối phố → their tổ dân phố) and one login per role with a random password,
 * printed as a table and written to DATA_DIR/demo-logins.txt (mode 0600).
 *
 * Everything is written in one transaction and audited with actor "cli"; a failure leaves the database
 * as it was. The loaders run in the order of `steps` below: the units, the logins, the ward's partner
 * organisations, and its forces — one security & order team per khối phố (21) and 5 mediation teams,
 * with generated members (deterministic: the same names, births and phones on every load). Two teams
 * break a rule on purpose so that the warnings show: Khối phố 7's security & order team has a member
 * appointed at 72, and the mediation team of Khối phố Xuân Diệm has no woman. The team_leader login's
 * block (Khối phố 1) is led by that login's person, Lê Văn Tâm. Activities (DESIGN §2, "Facts to
 * reproduce in the demo data") come with their own issues and are added as further steps. Not for
 * test fixtures: tests build what they need themselves.
 *
 * Exit status: 0 loaded (or, with --if-new, skipped because the database has data), 1 refused or
 * failed, 2 a usage error.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "lib/buf.h"
#include "lib/crypto.h"
#include "lib/json.h"
#include "lib/timeutil.h"
#include "domain/team_rules.h"
#include "store/audit.h"
#include "store/organisations.h"
#include "store/people.h"
#include "store/teams.h"
#include "store/units.h"
#include "store/users.h"
#include "cmd/demo_mediation.h"
#include "cmd/demo_movement.h"
#include "cmd/demo_patrols.h"

#define DEMO_PASSWORD_BYTES 12 /* 16 characters of URL-safe base64 */

/* The ward's khối phố, in the order of their codes (20470-KP01 …). Names are plausible, not a record. */
static const char *const blocks[] = {
    "Khối phố 1",	    "Khối phố 2",	   "Khối phố 3",	  "Khối phố 4",
    "Khối phố 5",	    "Khối phố 6",	   "Khối phố 7",	  "Khối phố Thanh Hóa",
    "Khối phố Nhị Dinh 1",  "Khối phố Nhị Dinh 2", "Khối phố Nhị Dinh 3", "Khối phố Phước Lý",
    "Khối phố Trảng Nhật",  "Khối phố Lạc Thành",  "Khối phố Xuân Diệm",  "Khối phố Bình An",
    "Khối phố Hòa An",	    "Khối phố Cẩm Sa",	   "Khối phố Vĩnh Hòa",	  "Khối phố Phong Nhị",
    "Khối phố Đông Khương",
};
#define NBLOCKS ((int)(sizeof blocks / sizeof blocks[0]))

/* One login per role. unit: 'c' the ward, 'b' its first khối phố, 0 the whole installation. */
static const struct demo_login {
	const char *username;
	enum role role;
	char unit;
	const char *display_name;
} logins[] = {
    {"admin", ROLE_ADMIN, 0, "Quản trị hệ thống"},
    {"officer", ROLE_OFFICER, 'c', "Đại úy Nguyễn Văn Hùng"},
    {"coordinator", ROLE_COORDINATOR, 'c', "Trần Thị Lan (Ủy ban MTTQ phường)"},
    {"viewer", ROLE_VIEWER, 'c', "Võ Thị Hoa (Văn phòng UBND phường)"},
    {"team_leader", ROLE_TEAM_LEADER, 'b', "Lê Văn Tâm (Tổ trưởng Tổ BV ANTT)"},
    {"member", ROLE_MEMBER, 'b', "Phạm Văn Bình (Tổ viên Tổ BV ANTT)"},
};
#define NLOGINS ((int)(sizeof logins / sizeof logins[0]))

/* What the loaders share. */
struct demo {
	struct store *db;
	struct arena *a;
	int64_t now;
	struct unit_row province, commune, first_block;
	struct unit_row blocks[NBLOCKS];
	int nblocks, ngroups;
	int norgs, nsecurity, nmediation, nmembers;
	char passwords[NLOGINS][32];
	char hashes[NLOGINS][160];
};

static int audit_cli(struct store *db, const char *action, const char *entity, int64_t id, const char *detail)
{
	char sid[24];
	snprintf(sid, sizeof sid, "%" PRId64, id);
	struct audit_entry e = {
	    .user_id = 0,
	    .actor = "cli",
	    .address = "",
	    .action = action,
	    .entity = entity,
	    .entity_id = sid,
	    .detail = detail,
	};
	return audit_append(db, &e);
}

/* Inserts and audits one unit. */
static int add_unit(struct demo *d, const struct unit_row *parent, enum unit_kind kind, const char *code,
		    const char *name, struct unit_row *out)
{
	struct buf b;
	struct jw w;
	int rc = units_insert(d->db, d->a, parent, kind, code, name, d->now, out);
	if (rc)
		return rc;
	buf_init(&b, 4096);
	jw_init(&w, &b);
	jw_obj(&w);
	jw_kstr(&w, "code", code);
	jw_kstr(&w, "name", name);
	jw_kstr(&w, "kind", units_kind_names[kind]);
	if (parent)
		jw_kint(&w, "parent_id", parent->id);
	else
		jw_knull(&w, "parent_id");
	jw_kstr(&w, "via", "demo");
	jw_end(&w);
	rc = b.err ? STORE_E_NOMEM : audit_cli(d->db, "unit.create", "unit", out->id, buf_str(&b));
	buf_release(&b);
	return rc;
}

/* The tree: Quảng Nam → phường Vĩnh Điện → 21 khối phố → 2 or 3 tổ dân phố each. */
static int load_units(struct demo *d)
{
	int rc = add_unit(d, NULL, UNIT_PROVINCE, "49", "Tỉnh Quảng Nam", &d->province);
	if (!rc)
		rc = add_unit(d, &d->province, UNIT_COMMUNE, "20470", "Phường Vĩnh Điện", &d->commune);
	int group_no = 0;
	for (int i = 0; i < NBLOCKS && !rc; i++) {
		struct unit_row block, group;
		char code[UNIT_CODE_MAX + 1], name[UNIT_NAME_MAX + 1];
		snprintf(code, sizeof code, "20470-KP%02d", i + 1);
		rc = add_unit(d, &d->commune, UNIT_BLOCK, code, blocks[i], &block);
		if (rc)
			break;
		if (i == 0)
			d->first_block = block;
		d->blocks[i] = block;
		d->nblocks++;
		int ngroups = i % 3 == 0 ? 3 : 2;
		for (int g = 0; g < ngroups && !rc; g++) {
			snprintf(code, sizeof code, "20470-KP%02d-T%d", i + 1, g + 1);
			snprintf(name, sizeof name, "Tổ dân phố %d", ++group_no);
			rc = add_unit(d, &block, UNIT_GROUP, code, name, &group);
			d->ngroups += rc ? 0 : 1;
		}
	}
	return rc;
}

/* One account per role, with the passwords made beforehand (hashing is slow; not inside the lock). */
static int load_users(struct demo *d)
{
	for (int i = 0; i < NLOGINS; i++) {
		const struct demo_login *l = &logins[i];
		const struct unit_row *unit = l->unit == 'c'   ? &d->commune
					      : l->unit == 'b' ? &d->first_block
							       : NULL;
		int64_t uid, gid;
		char detail[256];
		int rc = users_insert(d->db, l->username, l->display_name, d->hashes[i], d->now, &uid);
		if (!rc)
			rc = grants_insert(d->db, uid, l->role, unit ? unit->id : 0, 0, d->now, &gid);
		if (rc)
			return rc;
		if (unit)
			snprintf(detail, sizeof detail,
				 "{\"username\":\"%s\",\"role\":\"%s\",\"unit_id\":%" PRId64
				 ",\"via\":\"demo\"}",
				 l->username, perm_role_names[l->role], unit->id);
		else
			snprintf(detail, sizeof detail,
				 "{\"username\":\"%s\",\"role\":\"%s\",\"unit_id\":null,\"via\":\"demo\"}",
				 l->username, perm_role_names[l->role]);
		rc = audit_cli(d->db, "user.create", "user", uid, detail);
		if (rc)
			return rc;
	}
	return STORE_OK;
}

/* ---- the ward's partner organisations (on the ward) ---- */

static const struct {
	const char *kind;
	const char *name;
} orgs[] = {
    {"police", "Công an phường Vĩnh Điện"},
    {"fatherland_front", "Ủy ban Mặt trận Tổ quốc Việt Nam phường Vĩnh Điện"},
    {"womens_union", "Hội Liên hiệp Phụ nữ phường Vĩnh Điện"},
    {"farmers_union", "Hội Nông dân phường Vĩnh Điện"},
    {"veterans_association", "Hội Cựu chiến binh phường Vĩnh Điện"},
    {"youth_union", "Đoàn Thanh niên Cộng sản Hồ Chí Minh phường Vĩnh Điện"},
    {"school", "Trường Trung học cơ sở Quang Trung"},
    {"military_command", "Ban Chỉ huy Quân sự phường Vĩnh Điện"},
    {"health_station", "Trạm Y tế phường Vĩnh Điện"},
};

/* Audits a demo record with the detail in b; releases b. */
static int audit_json(struct demo *d, const char *action, const char *entity, int64_t id, struct buf *b)
{
	int rc = b->err ? STORE_E_NOMEM : audit_cli(d->db, action, entity, id, buf_str(b));
	buf_release(b);
	return rc;
}

static int load_organisations(struct demo *d)
{
	for (size_t i = 0; i < sizeof orgs / sizeof orgs[0]; i++) {
		struct org_row o;
		struct buf b;
		struct jw w;
		int rc = orgs_insert(d->db, d->a, d->commune.id, orgs[i].kind, orgs[i].name, d->now, &o);
		if (rc)
			return rc;
		buf_init(&b, 1024);
		jw_init(&w, &b);
		jw_obj(&w);
		jw_kint(&w, "unit_id", d->commune.id);
		jw_kstr(&w, "kind", orgs[i].kind);
		jw_kstr(&w, "name", orgs[i].name);
		jw_kstr(&w, "via", "demo");
		jw_end(&w);
		rc = audit_json(d, "organisation.create", "organisation", o.id, &b);
		if (rc)
			return rc;
		d->norgs++;
	}
	return STORE_OK;
}

/* ---- the ward's forces: teams and their members ---- */

/* Common Vietnamese family, middle and given names, for generated members. */
static const char *const family_names[] = {
    "Nguyễn", "Nguyễn", "Nguyễn", "Trần", "Trần", "Lê",	 "Lê",	  "Phạm", "Huỳnh",  "Hoàng", "Phan",
    "Võ",     "Đặng",	"Bùi",	  "Đỗ",	  "Hồ",	  "Ngô", "Dương", "Lý",	  "Trương", "Đoàn",
};
static const char *const middle_men[] = {"Văn",	 "Văn",	 "Văn",	  "Hữu",   "Đức",
					 "Minh", "Công", "Quang", "Thanh", "Ngọc"};
static const char *const middle_women[] = {"Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Kim", "Mỹ"};
static const char *const given_men[] = {"An",	 "Bình",  "Cường", "Dũng",  "Đạt",   "Hải",  "Hiếu",
					"Hùng",	 "Khánh", "Long",  "Lộc",   "Nam",   "Phúc", "Quân",
					"Quang", "Sơn",	  "Tài",   "Thắng", "Trung", "Tuấn", "Việt",
					"Vinh",	 "Hòa",	  "Tín",   "Thành"};
static const char *const given_women[] = {"Anh",  "Hà",	  "Hạnh",  "Hoa",   "Hương", "Lan",
					  "Liên", "Linh", "Mai",   "Nga",   "Nhung", "Phương",
					  "Thảo", "Thủy", "Trang", "Tuyết", "Vân",   "Yến"};
static const char *const phone_prefixes[] = {"0905", "0935", "0914", "0978", "0343", "0763", "0888", "0702"};
#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* A fixed linear congruential sequence: the demo is the same on every load. */
static int pick(uint32_t *seed, int n)
{
	*seed = *seed * 1664525u + 1013904223u;
	return (int)((*seed >> 8) % (uint32_t)n);
}

/* The khối phố (by index) with a mediation team, and the two teams that break a rule on purpose. */
static const int mediation_blocks[] = {0, 4, 8, 14, 18};
#define AGE_BREAKER_BLOCK 6    /* Khối phố 7: a member appointed at 72 */
#define WOMAN_BREAKER_BLOCK 14 /* Khối phố Xuân Diệm's mediation team: only men */

static int add_team(struct demo *d, const struct unit_row *block, enum team_kind kind, const char *name,
		    struct team_row *t)
{
	struct buf b;
	struct jw w;
	int rc = teams_insert(d->db, d->a, block, kind, name, d->now, t);
	if (rc)
		return rc;
	buf_init(&b, 1024);
	jw_init(&w, &b);
	jw_obj(&w);
	jw_kint(&w, "unit_id", block->id);
	jw_kstr(&w, "kind", team_kind_names[kind]);
	jw_kstr(&w, "name", name);
	jw_kstr(&w, "via", "demo");
	jw_end(&w);
	return audit_json(d, "team.create", "team", t->id, &b);
}

/* What add_member makes of one person. full_name NULL: a generated name; birth_year 0: a year drawn
 * from [year_lo, year_lo + year_span). */
struct demo_member {
	enum team_role role;
	bool woman;
	const char *full_name;
	int birth_year, year_lo, year_span;
	const char *term_from;
};

/* One generated person of the block (audited "person.create"), appointed to team t (audited
 * "team_member.add"). */
static int add_member(struct demo *d, uint32_t *seed, const struct team_row *t, const struct unit_row *block,
		      const struct demo_member *dm)
{
	char name[128], birth[48], phone[48], address[UNIT_NAME_MAX + 40];
	struct person_row p;
	struct buf b;
	struct jw w;
	int64_t member_id;
	const char *full_name = dm->full_name;
	if (!full_name) {
		const char *family = family_names[pick(seed, COUNT(family_names))];
		const char *middle = dm->woman ? middle_women[pick(seed, COUNT(middle_women))]
					       : middle_men[pick(seed, COUNT(middle_men))];
		const char *given = dm->woman ? given_women[pick(seed, COUNT(given_women))]
					      : given_men[pick(seed, COUNT(given_men))];
		snprintf(name, sizeof name, "%s %s %s", family, middle, given);
		full_name = name;
	}
	int year = dm->birth_year ? dm->birth_year : dm->year_lo + pick(seed, dm->year_span);
	int month = 1 + pick(seed, 12), day = 1 + pick(seed, 28);
	snprintf(birth, sizeof birth, "%04d-%02d-%02d", year % 10000, month, day);
	snprintf(phone, sizeof phone, "%s%06d", phone_prefixes[pick(seed, COUNT(phone_prefixes))],
		 pick(seed, 1000000));
	snprintf(address, sizeof address, "%s, phường Vĩnh Điện", block->name);
	struct person_input in = {
	    .unit_id = block->id,
	    .full_name = full_name,
	    .gender = dm->woman ? "female" : "male",
	    .birth_date = birth,
	    .phone = phone,
	    .address = address,
	};
	int rc = people_insert(d->db, d->a, &in, d->now, &p);
	if (rc)
		return rc;
	buf_init(&b, 1024);
	jw_init(&w, &b);
	jw_obj(&w);
	jw_kint(&w, "unit_id", block->id);
	jw_kstr(&w, "via", "demo");
	jw_end(&w);
	rc = audit_json(d, "person.create", "person", p.id, &b);
	if (rc)
		return rc;
	rc = teams_member_insert(d->db, t, p.id, dm->role, dm->term_from, NULL, d->now, &member_id);
	if (rc)
		return rc;
	buf_init(&b, 1024);
	jw_init(&w, &b);
	jw_obj(&w);
	jw_kint(&w, "team_id", t->id);
	jw_kint(&w, "unit_id", t->unit_id);
	jw_kint(&w, "person_id", p.id);
	jw_kstr(&w, "role", team_role_names[dm->role]);
	jw_kstr(&w, "term_from", dm->term_from);
	jw_knull(&w, "term_to");
	jw_kstr(&w, "via", "demo");
	jw_end(&w);
	rc = audit_json(d, "team_member.add", "team_member", member_id, &b);
	d->nmembers += rc ? 0 : 1;
	return rc;
}

/* One security & order team per khối phố, appointed on 1 July 2024 when Law 30/2023/QH15 took effect: a
 * leader, a deputy and 3 to 6 members born 1962–1999; and 5 mediation teams: a leader and 3 to 6
 * mediators, women among them. */
static int load_teams(struct demo *d)
{
	uint32_t seed = 20470;
	int rc = STORE_OK;
	for (int i = 0; i < d->nblocks && !rc; i++) {
		const struct unit_row *block = &d->blocks[i];
		struct team_row t;
		char name[UNIT_NAME_MAX + 64];
		snprintf(name, sizeof name, "Tổ bảo vệ an ninh, trật tự %s", block->name);
		rc = add_team(d, block, TEAM_SECURITY_ORDER, name, &t);
		if (rc)
			break;
		d->nsecurity++;
		int n = 5 + pick(&seed, 4);
		for (int k = 0; k < n && !rc; k++) {
			struct demo_member dm = {
			    .role = k == 0   ? TEAM_ROLE_LEADER
				    : k == 1 ? TEAM_ROLE_DEPUTY
					     : TEAM_ROLE_MEMBER,
			    .woman = k > 1 && pick(&seed, 5) == 0,
			    .year_lo = 1962,
			    .year_span = 38,
			    .term_from = "2024-07-01",
			};
			if (i == 0 && k == 0)
				dm.full_name = "Lê Văn Tâm"; /* the team_leader login */
			if (i == 0 && k == 2) {
				dm.full_name = "Phạm Văn Bình"; /* the member login */
				dm.woman = false;
			}
			if (i == AGE_BREAKER_BLOCK && k == n - 1)
				dm.birth_year = 1951; /* over 70 on 1 July 2024: breaks the age rule */
			rc = add_member(d, &seed, &t, block, &dm);
		}
	}
	for (int m = 0; m < COUNT(mediation_blocks) && !rc; m++) {
		int i = mediation_blocks[m];
		if (i >= d->nblocks)
			break;
		const struct unit_row *block = &d->blocks[i];
		struct team_row t;
		char name[UNIT_NAME_MAX + 64];
		snprintf(name, sizeof name, "Tổ hòa giải %s", block->name);
		rc = add_team(d, block, TEAM_MEDIATION, name, &t);
		if (rc)
			break;
		d->nmediation++;
		int n = 4 + pick(&seed, 4);
		for (int k = 0; k < n && !rc; k++) {
			struct demo_member dm = {
			    .role = k == 0 ? TEAM_ROLE_LEADER : TEAM_ROLE_MEMBER,
			    .woman = i != WOMAN_BREAKER_BLOCK && (k == 1 || pick(&seed, 3) == 0),
			    .year_lo = 1955,
			    .year_span = 36,
			    .term_from = "2022-07-01",
			};
			rc = add_member(d, &seed, &t, block, &dm);
		}
	}
	return rc;
}

/* Mediation: 2020 for the 5 mediation teams (cmd/demo_mediation.c). */
static int load_mediation(struct demo *d)
{
	return demo_mediation(d->db, d->a, d->now);
}
/* Movement: 2020 outreach, models, exemplars and the logins' links (cmd/demo_movement.c). */
static int load_movement(struct demo *d)
{
	return demo_movement(d->db, d->a, d->now);
}
/* Patrols: 2020's joint Directive 16 patrols and violation records, this week's roster (cmd/demo_patrols.c).
 */
static int load_patrols(struct demo *d)
{
	return demo_patrols(d->db, d->a, d->now);
}

/* The loaders, in order. Later issues add theirs here: organisations, teams and their members, people,
 * outreach sessions, models and exemplars, tips, cases, patrols, mediation … (DESIGN §2). */
static const struct demo_step {
	const char *what;
	int (*load)(struct demo *d);
} steps[] = {
    {"units", load_units},
    {"users", load_users},
    {"organisations", load_organisations},
    {"teams", load_teams},
    {"mediation cases", load_mediation},
    {"outreach, models and exemplars", load_movement},
    {"patrols, violations and rosters", load_patrols},
};

/* Does the database already hold users or units? 1 yes, 0 no, -1 on failure. */
static int has_data(struct store *db)
{
	int64_t ids[1], units = 0;
	int n = 0;
	if (users_ids_all(db, 0, 1, ids, &n) != STORE_OK || units_count(db, &units) != STORE_OK)
		return -1;
	return n > 0 || units > 0;
}

/* The logins table, as printed and as written to the file. */
static void logins_table(const struct demo *d, struct buf *b)
{
	buf_printf(b, "%-12s  %-18s  %-12s  %s\n", "USERNAME", "PASSWORD", "ROLE", "UNIT");
	for (int i = 0; i < NLOGINS; i++) {
		const struct demo_login *l = &logins[i];
		const char *unit = l->unit == 'c'   ? d->commune.name
				   : l->unit == 'b' ? d->first_block.name
						    : "(the whole installation)";
		buf_printf(b, "%-12s  %-18s  %-12s  %s\n", l->username, d->passwords[i],
			   perm_role_names[l->role], unit);
	}
}

/* Writes text to DATA_DIR/demo-logins.txt readable by the owner only. 0, or -1 after a message. */
static int write_logins(const char *path, const struct buf *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		cmd_error("cannot write '%s': %s", path, strerror(errno));
		return -1;
	}
	int rc = -1;
	if (fchmod(fd, 0600) != 0) {
		cmd_error("cannot restrict '%s' to its owner: %s", path, strerror(errno));
		goto out;
	}
	size_t off = 0;
	while (off < text->len) {
		ssize_t w = write(fd, buf_str(text) + off, text->len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			cmd_error("cannot write '%s': %s", path, strerror(errno));
			goto out;
		}
		off += (size_t)w;
	}
	if (fsync(fd) != 0) {
		cmd_error("cannot write '%s': %s", path, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	close(fd);
	return rc;
}

static int on_opt(const char *name, const char *value, void *ctx)
{
	(void)value;
	if (strcmp(name, "if-new") == 0)
		*(bool *)ctx = true;
	return 0;
}

int cmd_demo(int argc, char **argv)
{
	static const struct cmd_opt opts[] = {
	    {"if-new", no_argument,
	     "load only into a database without users or units; else say so and exit 0"},
	    {NULL, 0, NULL},
	};
	bool if_new = false, in_tx = false, file_written = false;
	int first, status = 1, rc;
	struct store *db = NULL;
	struct arena a;
	struct demo d = {0};
	struct buf table;
	char path[600];

	rc = cmd_parse(
	    argc, argv,
	    "usage: tiengmo demo [--if-new] [flags]\n\n"
	    "Loads the demo ward, phường Vĩnh Điện (Quảng Nam), into an empty database: its 21 khối phố\n"
	    "and their tổ dân phố, its partner organisations, 21 security & order teams and 5 mediation\n"
	    "teams with their members, and one login per role with a random password, printed and written\n"
	    "to DATA_DIR/demo-logins.txt (readable only by you). Refuses a database that has data.",
	    opts, on_opt, &if_new, &first);
	if (rc)
		return rc > 0 ? 0 : 2;
	if (first < argc) {
		cmd_error("demo takes no arguments; see 'tiengmo demo --help'");
		return 2;
	}
	arena_init(&a, 16u << 20);
	buf_init(&table, 64 * 1024);
	snprintf(path, sizeof path, "%.500s/demo-logins.txt", cmd_config.data_dir);
	if (cmd_open(&db, true) != 0)
		goto out;

	int full = has_data(db);
	if (full < 0) {
		cmd_error("cannot read the database: %s", store_errmsg(db));
		goto out;
	}
	if (full) {
		if (if_new) {
			printf("the demo was not loaded: the database already has data\n");
			status = 0;
		} else {
			cmd_error("the database already has data; the demo loads only into a new database");
		}
		goto out;
	}

	d.db = db;
	d.a = &a;
	d.now = time_now();
	for (int i = 0; i < NLOGINS; i++) {
		if (crypto_token(DEMO_PASSWORD_BYTES, d.passwords[i], sizeof d.passwords[i]) != 0 ||
		    crypto_password_hash(d.passwords[i], d.hashes[i], sizeof d.hashes[i]) != 0) {
			cmd_error("cannot make the demo passwords: out of memory");
			goto out;
		}
	}

	if (store_begin(db) != STORE_OK) {
		cmd_error("cannot start a transaction: %s", store_errmsg(db));
		goto out;
	}
	in_tx = true;
	full = has_data(db); /* again, under the write lock */
	if (full != 0) {
		cmd_error(full < 0 ? "cannot read the database"
				   : "the database got data meanwhile; nothing was loaded");
		goto out;
	}
	for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
		rc = steps[i].load(&d);
		if (rc) {
			cmd_error("cannot load the demo %s: %s; nothing was loaded", steps[i].what,
				  rc == STORE_E_NOMEM ? "out of memory" : store_errmsg(db));
			goto out;
		}
	}
	logins_table(&d, &table);
	if (table.err) {
		cmd_error("cannot make the logins table: out of memory");
		goto out;
	}
	if (write_logins(path, &table) != 0)
		goto out;
	file_written = true;
	if (store_commit(db) != STORE_OK) {
		in_tx = false;
		cmd_error("cannot save the demo: %s; nothing was loaded", store_errmsg(db));
		goto out;
	}
	in_tx = false;

	printf("loaded the demo ward: %s (%s), %d khối phố, %d tổ dân phố, %d organisations, %d security & "
	       "order teams, %d mediation teams, %d members, %d logins\n\n",
	       d.commune.name, d.province.name, d.nblocks, d.ngroups, d.norgs, d.nsecurity, d.nmediation,
	       d.nmembers, NLOGINS);
	fputs(buf_str(&table), stdout);
	printf("\nthese logins are also in %s (readable only by you); change the passwords before real use\n",
	       path);
	status = 0;
out:
	if (in_tx)
		store_rollback(db);
	if (status != 0 && file_written)
		unlink(path);
	crypto_random(&d.passwords, sizeof d.passwords); /* overwrite the passwords */
	if (table.data)
		crypto_random(table.data, table.len);
	buf_release(&table);
	arena_release(&a);
	store_close(db);
	return status;
}
