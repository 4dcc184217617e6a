/*
 * movement.h: the rules of the movement's outreach and models that need neither HTTP nor SQL — who may
 * write a session, model or exemplar (a coordinator only their own organisation's), the dates of a
 * series entered at once, the participants of a session against its audience groups, and the code a
 * new topic gets from its name.
 */
#ifndef TIENGMO_DOMAIN_MOVEMENT_H
#define TIENGMO_DOMAIN_MOVEMENT_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/perm.h"

#define MOVEMENT_SERIES_MAX 60 /* sessions one series may create */

/*
 * May p write a record on the unit `unit_path` whose organisers (a session) or sponsor (a model: one
 * organisation) are orgs[0..norgs)? Only through a grant carrying PERM_OUTREACH_WRITE on that unit or
 * above it. An admin's or officer's grant allows any record; a coordinator's grant only one that their
 * own organisation `own_org` (users.organisation_id; 0 when the account has none) organises or
 * sponsors — sessions co-organised with others included.
 */
bool movement_may_write(const struct principal *p, const char *unit_path, int64_t own_org,
			const int64_t *orgs, int norgs);
/* Does p hold PERM_OUTREACH_WRITE anywhere through a role other than coordinator (admins and officers
 * add topics to the list)? */
bool movement_may_add_topic(const struct principal *p);

/*
 * The start times of a series: `count` sessions (1..MOVEMENT_SERIES_MAX) from `first`, `every_days`
 * apart (1..366). Writes them into out (room for count). Returns 0, or -1 when an argument is out of
 * range.
 */
int movement_series_times(int64_t first, int every_days, int count, int64_t *out);

/* Is `participants` consistent with audience groups summing to `audience_sum` (a total never below its
 * parts)? */
bool movement_participants_ok(int64_t participants, int64_t audience_sum);

/*
 * The code of a new topic from its Vietnamese name: folded (no tones, no đ), lowercase, runs of other
 * characters turned into one '_', at most 48 bytes ("An toàn thực phẩm" → "an_toan_thuc_pham").
 * Returns 0, or -1 when nothing of the name is left or the name cannot be folded.
 */
int movement_topic_code(const char *name, char *out, size_t outlen);

#endif
