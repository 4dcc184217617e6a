/*
 * api.h: every handler of the route table (src/http/router.c), one file per resource in src/api/.
 * Each has the shape of http.h: parse → validate → check permission → domain call → write JSON.
 */
#ifndef TIENGMO_API_H
#define TIENGMO_API_H
#include "http/http.h"

/* health.c */
int api_healthz(struct req *r);
int api_metrics(struct req *r);

/* session.c: login, logout, the current user, TOTP enrolment */
int api_session_create(struct req *r);
int api_session_delete(struct req *r);
int api_me(struct req *r);
int api_me_password(struct req *r);
int api_totp_begin(struct req *r);
int api_totp_confirm(struct req *r);
int api_totp_disable(struct req *r);

/* units.c */
int api_units_list(struct req *r);
int api_units_create(struct req *r);
int api_units_get(struct req *r);
int api_units_update(struct req *r);
int api_units_delete(struct req *r);
int api_units_import(struct req *r);
int api_public_units(struct req *r);

/* users.c */
int api_users_list(struct req *r);
int api_users_create(struct req *r);
int api_users_get(struct req *r);
int api_users_update(struct req *r);
int api_users_password(struct req *r);
int api_users_grant(struct req *r);
int api_users_revoke(struct req *r);
struct user_row;
/* Writes the User object of the API contract for u (its grants with unit names loaded here) as the
 * next value of w. Returns APP_OK, or APP_E_DB when the grants cannot be read. */
int api_user_json(struct req *r, struct jw *w, const struct user_row *u);

/* people.c */
int api_people_list(struct req *r);
int api_people_create(struct req *r);
int api_people_get(struct req *r);
int api_people_update(struct req *r);
int api_people_delete(struct req *r);
int api_people_reveal(struct req *r);
int api_people_import(struct req *r);

/* organisations.c */
int api_orgs_list(struct req *r);
int api_orgs_create(struct req *r);
int api_orgs_get(struct req *r);
int api_orgs_update(struct req *r);
int api_orgs_delete(struct req *r);

/* teams.c: teams, their members (with the rules' warnings), member import, the commune's summary */
int api_teams_list(struct req *r);
int api_teams_create(struct req *r);
int api_teams_summary(struct req *r);
int api_teams_get(struct req *r);
int api_teams_update(struct req *r);
int api_teams_delete(struct req *r);
int api_team_members_list(struct req *r);
int api_team_members_add(struct req *r);
int api_team_members_update(struct req *r);
int api_team_members_remove(struct req *r);
int api_team_members_import(struct req *r);

/* tips.c: public submission and follow-up by receipt; the officers' inbox, triage, replies, reveal,
 * files */
int api_public_tip_categories(struct req *r);
int api_public_tips_create(struct req *r);
int api_public_tips_lookup(struct req *r);
int api_public_tips_message(struct req *r);
int api_tips_list(struct req *r);
int api_tips_get(struct req *r);
int api_tips_update(struct req *r);
int api_tips_message(struct req *r);
int api_tips_reveal(struct req *r);
int api_tips_file(struct req *r);
/* Records the live event `name` (tip.created, tip.updated, tip.message) for tip `id` inside the
 * caller's open transaction: PERM_TIPS_READ, reach record, on the tip's unit; its data is the tip's id,
 * status, category, unit_id and created_at, never its text or identity. STORE_OK and *event_id (for
 * stream_announce after the commit), or a STORE_E_* code. */
int api_tips_record_event(struct req *r, const char *name, int64_t id, int64_t now, int64_t *event_id);
/* Scope helpers (scope.c, shared by the list handlers). api_scope_roots: perm_roots of the caller in an
 * arena array with room for one more entry (the roots of the unit subtrees that carry perm, none inside
 * another) and *all for an installation-wide grant. api_scope_path: the
 * subtree path to list — the ?unit_id= given (404 when the caller sees none of it), else the deepest
 * path holding every root (NULL for everything); rows must still be checked one by one. */
int api_scope_roots(struct req *r, enum perm perm, const char ***roots, int *nroots, bool *all);
int api_scope_path(struct req *r, enum perm perm, const char *unit_arg, const char **path);
/* The disjoint subtree roots a statistic of perm covers, in an arena array: the ?unit_id= asked for
 * (404 when the caller does not hold perm there) or every root of the caller ("/" for an
 * installation-wide grant). APP_OK, or the failure already answered (http_fail) or APP_E_NOMEM. */
int api_scope_stats_roots(struct req *r, enum perm perm, const char ***roots, int *nroots);
/* Audit (scope.c): appends the audit entry of a write inside the caller's open transaction (see
 * store/audit.h): `action` ("case.create") on record `id` of `entity` ("case"), with detail a JSON
 * object as text (NULL for "{}"; never a secret or personal data). api_audit names the signed-in
 * caller and keeps the request's address. api_audit_as names someone else: user_id and actor of a user
 * who is not (yet) the request's caller, such as one logging in, with the address kept; or user_id 0
 * and actor "public" or "open311" for someone without an account, whose address is not kept.
 * Both return STORE_OK or a STORE_E_* code (the caller then rolls its transaction back). */
int api_audit(struct req *r, const char *action, const char *entity, int64_t id, const char *detail);
int api_audit_as(struct req *r, int64_t user_id, const char *actor, const char *action, const char *entity,
		 int64_t id, const char *detail);
/* Reads ?name= as a date (YYYY-MM-DD, Vietnam's midnight; as an end, the next midnight) or an RFC 3339
 * time into *out (0 when absent); records a field error when malformed. */
int api_parse_period(struct req *r, const char *name, bool end, int64_t *out);

/* cases.c */
int api_cases_list(struct req *r);
int api_cases_create(struct req *r);
int api_cases_stats(struct req *r);
int api_cases_get(struct req *r);
int api_cases_update(struct req *r);
int api_cases_link_tip(struct req *r);

/* audit.c */
int api_audit_list(struct req *r);

/* mediation.c: mediation cases and their sessions, the team's yearly book, the statistics */
int api_mediation_list(struct req *r);
int api_mediation_create(struct req *r);
int api_mediation_get(struct req *r);
int api_mediation_update(struct req *r);
int api_mediation_delete(struct req *r);
int api_mediation_sessions(struct req *r);
int api_mediation_session_add(struct req *r);
int api_mediation_book(struct req *r);
int api_mediation_stats(struct req *r);

/* http/stream.c: GET /api/v1/stream, the live event stream (text/event-stream) */
int api_stream(struct req *r);

/* apikeys.c: Open311 API keys for installation admins (list, issue, revoke) */
int api_apikeys_list(struct req *r);
int api_apikeys_create(struct req *r);
int api_apikeys_revoke(struct req *r);

/* open311.c: Open311 GeoReport v2 at /open311/v2/ (each path ends in .xml or .json) */
int api_open311_discovery(struct req *r);
int api_open311_services(struct req *r);
int api_open311_service(struct req *r);
int api_open311_requests(struct req *r);
int api_open311_create(struct req *r);
int api_open311_request(struct req *r);
int api_open311_token(struct req *r);
int api_open311_unknown(struct req *r);

/* rosters.c, patrols.c: movement — duty shifts and week rosters, swaps, a member's duties, iCalendar
 * feed tokens and feeds; patrols with joint forces and check-ins; violation records; their statistics */
int api_shifts_list(struct req *r);
int api_shifts_create(struct req *r);
int api_team_joint_forces(struct req *r); /* the commune's organisations for a patrol (web patrols) */
int api_roster_get(struct req *r);
int api_roster_put(struct req *r);
int api_swaps_list(struct req *r);
int api_swaps_create(struct req *r);
int api_swaps_approve(struct req *r);
int api_swaps_refuse(struct req *r);
int api_me_duties(struct req *r);
int api_team_ical_list(struct req *r);
int api_team_ical_issue(struct req *r);
int api_team_ical_revoke(struct req *r);
int api_me_ical_list(struct req *r);
int api_me_ical_issue(struct req *r);
int api_me_ical_revoke(struct req *r);
int api_ical_team_feed(struct req *r);
int api_ical_member_feed(struct req *r);
int api_patrols_list(struct req *r);
int api_patrols_create(struct req *r);
int api_patrols_get(struct req *r);
int api_patrols_update(struct req *r);
int api_patrols_start(struct req *r);
int api_patrols_end(struct req *r);
int api_patrols_checkin(struct req *r);
int api_violation_kinds(struct req *r);
int api_violations_list(struct req *r);
int api_violations_create(struct req *r);
int api_violations_get(struct req *r);
int api_violations_update(struct req *r);
int api_violations_reveal(struct req *r);
int api_violations_photo_add(struct req *r);
int api_violations_photo_get(struct req *r);
int api_stats_patrols(struct req *r);

/* alarms.c, enrolments.c: the digital mõ — household enrolments (secret link, QR card), raising by a
 * household (Bearer token) or a member, the responders' list, detail and steps, duty, alarm kinds */
int api_enrolments_create(struct req *r);
int api_enrolments_list(struct req *r);
int api_enrolments_revoke(struct req *r);
int api_public_alarms_create(struct req *r);
int api_public_alarms_mine(struct req *r);
int api_public_alarm_kinds(struct req *r);
int api_alarms_create(struct req *r);
int api_alarms_list(struct req *r);
int api_alarms_get(struct req *r);
int api_alarms_ack(struct req *r);
int api_alarms_respond(struct req *r);
int api_alarms_resolve(struct req *r);
int api_duty_get(struct req *r);
int api_duty_put(struct req *r);
int api_alarm_kinds(struct req *r);
int api_alarm_kinds_update(struct req *r);
struct alarm_row;
/* Records the stream event `name` ("alarm.raised", …) for alarm a (its Alarm JSON, perm alarms.read,
 * area reach on its audience) inside the caller's open transaction, at now. STORE_OK and *event_id
 * (announce it after the commit), or a store error. Shared with the escalation worker. */
int api_alarm_event(struct store *db, const struct alarm_row *a, const char *name, int64_t now,
		    int64_t *event_id);

/* outreach.c, models.c: movement — outreach sessions (series, files), topics, models with their sites,
 * activities and evaluations, exemplars with commendations, and their statistics */
int api_outreach_sessions_list(struct req *r);
int api_outreach_sessions_create(struct req *r);
int api_outreach_sessions_series(struct req *r);
int api_outreach_sessions_get(struct req *r);
int api_outreach_sessions_update(struct req *r);
int api_outreach_sessions_delete(struct req *r);
int api_outreach_files_add(struct req *r);
int api_outreach_file_get(struct req *r);
int api_outreach_topics_list(struct req *r);
int api_outreach_topics_create(struct req *r);
int api_stats_outreach(struct req *r);
int api_models_list(struct req *r);
int api_models_create(struct req *r);
int api_models_get(struct req *r);
int api_models_update(struct req *r);
int api_models_delete(struct req *r);
int api_models_sites_add(struct req *r);
int api_models_activities_add(struct req *r);
int api_models_evaluations_add(struct req *r);
int api_stats_models(struct req *r);
int api_exemplars_list(struct req *r);
int api_exemplars_create(struct req *r);
int api_exemplars_get(struct req *r);
int api_exemplars_update(struct req *r);
int api_exemplars_delete(struct req *r);
int api_exemplars_commendations_add(struct req *r);
/* warnings.c, cap.c, webhooks.c: public warnings (issue, list, change, cancel; the public list), CAP 1.2
 * documents and Atom feeds under /cap/ (public, and restricted by a feed token), feed tokens and
 * webhooks for installation admins */
int api_warnings_list(struct req *r);
int api_warnings_create(struct req *r);
int api_warnings_get(struct req *r);
int api_warnings_update(struct req *r);
int api_warnings_cancel(struct req *r);
int api_public_warnings(struct req *r);
int api_cap_alert(struct req *r);
int api_cap_feed(struct req *r);
int api_cap_restricted_feed(struct req *r);
int api_cap_restricted_alert(struct req *r);
int api_feed_tokens_list(struct req *r);
int api_feed_tokens_create(struct req *r);
int api_feed_tokens_revoke(struct req *r);
int api_webhooks_list(struct req *r);
int api_webhooks_create(struct req *r);
int api_webhooks_delete(struct req *r);
int api_webhooks_deliveries(struct req *r);

#endif
