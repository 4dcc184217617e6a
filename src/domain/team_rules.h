/*
 * team_rules.h: the rules a team must keep, as pure functions — no SQL, no HTTP. Given a team's kind,
 * its members (role, gender, birth date or year, term) and today's date, team_rules_check says which
 * rules the team breaks, as the warnings of the forces API (docs/openapi.yaml, Warning):
 *
 *   security_order (Law 30/2023/QH15): leader_count — not exactly one current leader;
 *     deputy_count — more than one current deputy; member_age — a current member aged under 18 or
 *     over 70 on the day of appointment (term_from).
 *   mediation (Law 35/2013/QH13 art. 12): leader_missing — no current leader; too_few_mediators —
 *     fewer than 3 current members, the leader included; no_woman — no current member is a woman.
 *   Other kinds have no rule here.
 *
 * A member is current when term_to is absent or on or after today; past members are ignored. A member
 * whose age cannot be told (no birth date or year) breaks no age rule. Dates are "YYYY-MM-DD" text.
 * Nothing here allocates; messages are in English (the web app shows its own text per code).
 */
#ifndef TIENGMO_TEAM_RULES_H
#define TIENGMO_TEAM_RULES_H
#include <stdbool.h>
#include <stdint.h>

enum team_kind {
	TEAM_SECURITY_ORDER,
	TEAM_MEDIATION,
	TEAM_SELF_MANAGED,
	TEAM_SHOCK,
	TEAM_COMMUNITY_SELF_MANAGED,
	TEAM_FIRE_PREVENTION,
	TEAM_KIND_COUNT
};
enum team_role { TEAM_ROLE_LEADER, TEAM_ROLE_DEPUTY, TEAM_ROLE_MEMBER, TEAM_ROLE_COUNT };
enum team_gender { TEAM_GENDER_UNKNOWN, TEAM_GENDER_MALE, TEAM_GENDER_FEMALE, TEAM_GENDER_OTHER };

/* Names as the API and database spell them, indexed by the enums, NULL-terminated. */
extern const char *const team_kind_names[];
extern const char *const team_role_names[];
/* The index of name in a NULL-terminated list of names, or -1 (also for NULL). */
int team_name_index(const char *const *names, const char *name);
/* The gender for "male", "female", "other"; TEAM_GENDER_UNKNOWN for NULL or anything else. */
enum team_gender team_gender_parse(const char *name);

/* What the rules need to know of one membership. Strings are borrowed. */
struct team_member_facts {
	enum team_role role;
	enum team_gender gender;
	const char *birth_date; /* "YYYY-MM-DD" or NULL */
	int birth_year;		/* 0 when unknown; ignored when birth_date is set */
	const char *term_from;	/* "YYYY-MM-DD", the day of appointment */
	const char *term_to;	/* "YYYY-MM-DD" or NULL while serving */
};

#define TEAM_WARNINGS_MAX 4
#define TEAM_WARNING_MSG_MAX 160

struct team_warning {
	const char *code; /* static text: "leader_count", … */
	char message[TEAM_WARNING_MSG_MAX];
};

/* Is s a real calendar date "YYYY-MM-DD" with a year in 1900..2200? */
bool team_date_valid(const char *s);
/* Writes today's date in Vietnam (UTC+7) for Unix time `now` into out as "YYYY-MM-DD"; returns out. */
char *team_today(int64_t now, char out[11]);
/* Is the member serving on `today` (term_to absent or >= today)? */
bool team_member_current(const struct team_member_facts *m, const char *today);
/*
 * The age in whole years on `on` of someone born on birth_date ("YYYY-MM-DD"), or, when only the year
 * is known (birth_date NULL, birth_year > 0), born on 1 July of birth_year. Someone born on 29 February
 * comes of age on 1 March in a common year. Returns 0 and *age (negative when `on` is before the
 * birth), or -1 when the birth is unknown or a date is malformed.
 */
int team_age_at(const char *birth_date, int birth_year, const char *on, int *age);
/*
 * Checks the team's rules over its n members on `today`. Writes at most TEAM_WARNINGS_MAX warnings
 * into out, in the order of the list in the header comment, and returns how many. Never fails.
 */
int team_rules_check(enum team_kind kind, const struct team_member_facts *members, int n, const char *today,
		     struct team_warning out[TEAM_WARNINGS_MAX]);

#endif
