/*
 * mediation_rules.c: the rules and book tallies of mediation_rules.h. Dates compare as text, which
 * for "YYYY-MM-DD" is calendar order.
 */
#include "domain/mediation_rules.h"

#include <math.h>
#include <string.h>

const char *const mediation_kind_names[] = {"marriage_family", "land",	"neighbours", "civil",
					    "minor_violation", "other", NULL};
const char *const mediation_result_names[] = {"settled", "not_settled", "withdrawn", "transferred", NULL};

int mediation_name_index(const char *const *names, const char *name)
{
	for (int i = 0; name && names[i]; i++)
		if (strcmp(names[i], name) == 0)
			return i;
	return -1;
}

static bool set(const char *s)
{
	return s && *s;
}

bool mediation_check(const struct mediation_facts *f, const char *today, struct field_errs *fe)
{
	int before = fe->n;
	bool has_result = f->result >= 0 && f->result < MED_RESULT_COUNT;
	if (set(f->received_on) && strcmp(f->received_on, today) > 0)
		field_err(fe, "received_on", "must not be in the future");
	if (has_result && !set(f->concluded_on))
		field_err(fe, "concluded_on", "is required with a result");
	if (!has_result && set(f->concluded_on))
		field_err(fe, "result", "is required with a conclusion date");
	if (set(f->concluded_on)) {
		if (set(f->received_on) && strcmp(f->concluded_on, f->received_on) < 0)
			field_err(fe, "concluded_on", "must not be before the day the case was received");
		else if (strcmp(f->concluded_on, today) > 0)
			field_err(fe, "concluded_on", "must not be in the future");
	}
	if (set(f->received_on) && set(f->first_session) && strcmp(f->first_session, f->received_on) < 0)
		field_err(fe, "received_on", "must not be after a session already held");
	if (has_result && (f->result == MED_RESULT_SETTLED || f->result == MED_RESULT_NOT_SETTLED)) {
		if (f->mediators < 1)
			field_err(fe, "mediator_ids", "a mediated case needs at least one mediator");
		if (f->sessions < 1)
			field_err(fe, "result", "record the mediation session before its result");
	}
	if (set(f->agreement) && f->result != MED_RESULT_SETTLED)
		field_err(fe, "agreement", "only a settled case has an agreement");
	if ((set(f->follow_up) || set(f->follow_up_on)) && !has_result)
		field_err(fe, "follow_up", "a follow-up comes after a result");
	if (set(f->follow_up_on) && set(f->concluded_on) && strcmp(f->follow_up_on, f->concluded_on) < 0)
		field_err(fe, "follow_up_on", "must not be before the conclusion");
	return fe->n == before;
}

bool mediation_session_check(const char *received_on, const char *held_on, const char *today,
			     struct field_errs *fe)
{
	if (strcmp(held_on, received_on) < 0) {
		field_err(fe, "held_on", "must not be before the day the case was received");
		return false;
	}
	if (strcmp(held_on, today) > 0) {
		field_err(fe, "held_on", "must not be in the future");
		return false;
	}
	return true;
}

void mediation_tally_add(struct mediation_tally *t, int kind, int result, int64_t n)
{
	t->total += n;
	if (kind >= 0 && kind < MED_KIND_COUNT)
		t->by_kind[kind] += n;
	if (result >= 0 && result < MED_RESULT_COUNT)
		t->by_result[result] += n;
	else
		t->open += n;
}

double mediation_success_rate(int64_t settled, int64_t concluded)
{
	if (concluded <= 0)
		return 0;
	return round(1000.0 * (double)settled / (double)concluded) / 10.0;
}
