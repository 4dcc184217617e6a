/*
 * router.c: the one route table of tiengmo and the dispatch around it. Each route names its method,
 * path pattern, handler, the permission the router checks before calling it, and its body limit.
 * Dispatch: load the session → check the permission (401/403) → check CSRF on state-changing
 * requests → run the handler → write the error body if the handler failed.
 * No route is registered anywhere else.
 */
#include <string.h>
#include <strings.h>

#include "api/api.h"
#include "http/assets.h"
#include "http/auth.h"
#include "http/http.h"
#include "lib/crypto.h"

#define KB 1024
#define MB (1024 * 1024)

const struct route http_routes[] = {
    {"GET", "/healthz", api_healthz, PERM_PUBLIC, 0, 0},
    {"GET", "/metrics", api_metrics, PERM_PUBLIC, 0, 0},

    {"POST", "/api/v1/session", api_session_create, PERM_PUBLIC, 4 * KB, ROUTE_NO_CSRF},
    {"DELETE", "/api/v1/session", api_session_delete, PERM_LOGGED_IN, 0, 0},
    {"GET", "/api/v1/me", api_me, PERM_LOGGED_IN, 0, 0},
    {"POST", "/api/v1/me/password", api_me_password, PERM_LOGGED_IN, 4 * KB, 0},
    {"POST", "/api/v1/me/totp", api_totp_begin, PERM_LOGGED_IN, 1 * KB, 0},
    {"POST", "/api/v1/me/totp/confirm", api_totp_confirm, PERM_LOGGED_IN, 1 * KB, 0},
    {"DELETE", "/api/v1/me/totp", api_totp_disable, PERM_LOGGED_IN, 1 * KB, 0},

    {"GET", "/api/v1/units", api_units_list, PERM_UNITS_READ, 0, 0},
    {"POST", "/api/v1/units", api_units_create, PERM_UNITS_WRITE, 8 * KB, 0},
    {"POST", "/api/v1/units/import", api_units_import, PERM_UNITS_WRITE, 4 * MB, 0},
    {"GET", "/api/v1/units/{id}", api_units_get, PERM_UNITS_READ, 0, 0},
    {"PATCH", "/api/v1/units/{id}", api_units_update, PERM_UNITS_WRITE, 8 * KB, 0},
    {"DELETE", "/api/v1/units/{id}", api_units_delete, PERM_UNITS_WRITE, 0, 0},

    {"GET", "/api/v1/users", api_users_list, PERM_USERS_READ, 0, 0},
    {"POST", "/api/v1/users", api_users_create, PERM_USERS_WRITE, 8 * KB, 0},
    {"GET", "/api/v1/users/{id}", api_users_get, PERM_USERS_READ, 0, 0},
    {"PATCH", "/api/v1/users/{id}", api_users_update, PERM_USERS_WRITE, 8 * KB, 0},
    {"POST", "/api/v1/users/{id}/password", api_users_password, PERM_USERS_WRITE, 4 * KB, 0},
    {"POST", "/api/v1/users/{id}/grants", api_users_grant, PERM_USERS_WRITE, 4 * KB, 0},
    {"DELETE", "/api/v1/users/{id}/grants/{grant}", api_users_revoke, PERM_USERS_WRITE, 0, 0},

    {"GET", "/api/v1/people", api_people_list, PERM_PEOPLE_READ, 0, 0},
    {"POST", "/api/v1/people", api_people_create, PERM_PEOPLE_WRITE, 8 * KB, 0},
    {"POST", "/api/v1/people/import", api_people_import, PERM_PEOPLE_WRITE, 4 * MB, 0},
    {"GET", "/api/v1/people/{id}", api_people_get, PERM_PEOPLE_READ, 0, 0},
    {"PATCH", "/api/v1/people/{id}", api_people_update, PERM_PEOPLE_WRITE, 8 * KB, 0},
    {"DELETE", "/api/v1/people/{id}", api_people_delete, PERM_PEOPLE_WRITE, 0, 0},
    {"POST", "/api/v1/people/{id}/reveal", api_people_reveal, PERM_SENSITIVE, 4 * KB, 0},

    {"GET", "/api/v1/organisations", api_orgs_list, PERM_ORGS_READ, 0, 0},
    {"POST", "/api/v1/organisations", api_orgs_create, PERM_ORGS_WRITE, 8 * KB, 0},
    {"GET", "/api/v1/organisations/{id}", api_orgs_get, PERM_ORGS_READ, 0, 0},
    {"PATCH", "/api/v1/organisations/{id}", api_orgs_update, PERM_ORGS_WRITE, 8 * KB, 0},
    {"DELETE", "/api/v1/organisations/{id}", api_orgs_delete, PERM_ORGS_WRITE, 0, 0},

    /* literal paths (/summary, /import) before /{id} */
    {"GET", "/api/v1/teams", api_teams_list, PERM_TEAMS_READ, 0, 0},
    {"POST", "/api/v1/teams", api_teams_create, PERM_TEAMS_WRITE, 8 * KB, 0},
    {"GET", "/api/v1/teams/summary", api_teams_summary, PERM_TEAMS_READ, 0, 0},
    {"GET", "/api/v1/teams/{id}", api_teams_get, PERM_TEAMS_READ, 0, 0},
    {"PATCH", "/api/v1/teams/{id}", api_teams_update, PERM_TEAMS_WRITE, 8 * KB, 0},
    {"DELETE", "/api/v1/teams/{id}", api_teams_delete, PERM_TEAMS_WRITE, 0, 0},
    {"GET", "/api/v1/teams/{id}/members", api_team_members_list, PERM_TEAMS_READ, 0, 0},
    {"POST", "/api/v1/teams/{id}/members", api_team_members_add, PERM_TEAMS_WRITE, 4 * KB, 0},
    {"POST", "/api/v1/teams/{id}/members/import", api_team_members_import, PERM_TEAMS_WRITE, 1 * MB, 0},
    {"PATCH", "/api/v1/teams/{id}/members/{member}", api_team_members_update, PERM_TEAMS_WRITE, 4 * KB, 0},
    {"DELETE", "/api/v1/teams/{id}/members/{member}", api_team_members_remove, PERM_TEAMS_WRITE, 0, 0},

    {"GET", "/api/v1/audit", api_audit_list, PERM_AUDIT_READ, 0, 0},

    /* mediation (api/mediation.c): cases of a mediation team, their sessions, the yearly book, the
     * statistics; scope is the team (perm_on_team), checked in the handlers */
    {"GET", "/api/v1/mediation/cases", api_mediation_list, PERM_MEDIATION_READ, 0, 0},
    {"POST", "/api/v1/mediation/cases", api_mediation_create, PERM_MEDIATION_WRITE, 64 * KB, 0},
    {"GET", "/api/v1/mediation/cases/{id}", api_mediation_get, PERM_MEDIATION_READ, 0, 0},
    {"PATCH", "/api/v1/mediation/cases/{id}", api_mediation_update, PERM_MEDIATION_WRITE, 64 * KB, 0},
    {"DELETE", "/api/v1/mediation/cases/{id}", api_mediation_delete, PERM_MEDIATION_WRITE, 0, 0},
    {"GET", "/api/v1/mediation/cases/{id}/sessions", api_mediation_sessions, PERM_MEDIATION_READ, 0, 0},
    {"POST", "/api/v1/mediation/cases/{id}/sessions", api_mediation_session_add, PERM_MEDIATION_WRITE,
     16 * KB, 0},
    {"GET", "/api/v1/mediation/book", api_mediation_book, PERM_MEDIATION_READ, 0, 0},
    {"GET", "/api/v1/stats/mediation", api_mediation_stats, PERM_MEDIATION_READ, 0, 0},

    /* tips: public routes read no cookie and store nothing about the client; a tip with files is at
     * most 5 files of 10 MB plus its JSON */
    {"GET", "/api/v1/public/tip-categories", api_public_tip_categories, PERM_PUBLIC, 0, ROUTE_NO_CSRF},
    {"GET", "/api/v1/public/units", api_public_units, PERM_PUBLIC, 0, ROUTE_NO_CSRF},
    {"POST", "/api/v1/public/tips", api_public_tips_create, PERM_PUBLIC, 51 * MB, ROUTE_NO_CSRF},
    {"POST", "/api/v1/public/tips/lookup", api_public_tips_lookup, PERM_PUBLIC, 4 * KB, ROUTE_NO_CSRF},
    {"POST", "/api/v1/public/tips/messages", api_public_tips_message, PERM_PUBLIC, 8 * KB, ROUTE_NO_CSRF},
    {"GET", "/api/v1/tips", api_tips_list, PERM_TIPS_READ, 0, 0},
    {"GET", "/api/v1/tips/{id}", api_tips_get, PERM_TIPS_READ, 0, 0},
    {"PATCH", "/api/v1/tips/{id}", api_tips_update, PERM_TIPS_WRITE, 4 * KB, 0},
    {"POST", "/api/v1/tips/{id}/messages", api_tips_message, PERM_TIPS_WRITE, 8 * KB, 0},
    {"POST", "/api/v1/tips/{id}/reveal", api_tips_reveal, PERM_SENSITIVE, 4 * KB, 0},
    {"GET", "/api/v1/tips/{id}/files/{file}", api_tips_file, PERM_TIPS_READ, 0, 0},
    {"GET", "/api/v1/cases", api_cases_list, PERM_CASES_READ, 0, 0},
    {"POST", "/api/v1/cases", api_cases_create, PERM_CASES_WRITE, 16 * KB, 0},
    {"GET", "/api/v1/cases/stats", api_cases_stats, PERM_CASES_READ, 0, 0},
    {"GET", "/api/v1/cases/{id}", api_cases_get, PERM_CASES_READ, 0, 0},
    {"PATCH", "/api/v1/cases/{id}", api_cases_update, PERM_CASES_WRITE, 16 * KB, 0},
    {"POST", "/api/v1/cases/{id}/tips", api_cases_link_tip, PERM_CASES_WRITE, 1 * KB, 0},

    /* live events (http/stream.c): one Server-Sent Event stream per tab, filtered by the user's grants */
    {"GET", "/api/v1/stream", api_stream, PERM_LOGGED_IN, 0, 0},

    /* alarms, the digital mõ (api/alarms.c, api/enrolments.c): households raise with their link's Bearer
     * token (public routes read no cookie); members answer within their area (checked in the handler);
     * gong patterns are set by installation admins (checked in the handler) */
    {"POST", "/api/v1/enrolments", api_enrolments_create, PERM_ENROL, 4 * KB, 0},
    {"GET", "/api/v1/enrolments", api_enrolments_list, PERM_ENROL, 0, 0},
    {"DELETE", "/api/v1/enrolments/{id}", api_enrolments_revoke, PERM_ENROL, 0, 0},
    {"POST", "/api/v1/public/alarms", api_public_alarms_create, PERM_PUBLIC, 4 * KB, ROUTE_NO_CSRF},
    {"GET", "/api/v1/public/alarms/mine", api_public_alarms_mine, PERM_PUBLIC, 0, ROUTE_NO_CSRF},
    {"GET", "/api/v1/public/alarm-kinds", api_public_alarm_kinds, PERM_PUBLIC, 0, ROUTE_NO_CSRF},
    {"POST", "/api/v1/alarms", api_alarms_create, PERM_ALARMS_RAISE, 4 * KB, 0},
    {"GET", "/api/v1/alarms", api_alarms_list, PERM_ALARMS_READ, 0, 0},
    {"GET", "/api/v1/alarms/{id}", api_alarms_get, PERM_ALARMS_READ, 0, 0},
    {"POST", "/api/v1/alarms/{id}/ack", api_alarms_ack, PERM_ALARMS_RESPOND, 2 * KB, 0},
    {"POST", "/api/v1/alarms/{id}/respond", api_alarms_respond, PERM_ALARMS_RESPOND, 2 * KB, 0},
    {"POST", "/api/v1/alarms/{id}/resolve", api_alarms_resolve, PERM_ALARMS_RESPOND, 2 * KB, 0},
    {"GET", "/api/v1/me/duty", api_duty_get, PERM_ALARMS_RESPOND, 0, 0},
    {"PUT", "/api/v1/me/duty", api_duty_put, PERM_ALARMS_RESPOND, 1 * KB, 0},
    {"GET", "/api/v1/alarm-kinds", api_alarm_kinds, PERM_LOGGED_IN, 0, 0},
    {"PATCH", "/api/v1/alarm-kinds/{code}", api_alarm_kinds_update, PERM_USERS_WRITE, 1 * KB, 0},

    /* movement: rosters, swaps, patrols, check-in, violations, iCalendar (api/rosters.c, api/patrols.c);
     * team scope (perm_on_team) and a member's own person are checked in the handlers; the feeds are
     * public, their secret token is the key (no cookie read) */
    {"GET", "/api/v1/teams/{id}/shifts", api_shifts_list, PERM_PATROLS_READ, 0, 0},
    {"POST", "/api/v1/teams/{id}/shifts", api_shifts_create, PERM_PATROLS_WRITE, 2 * KB, 0},
    {"GET", "/api/v1/teams/{id}/joint-forces", api_team_joint_forces, PERM_PATROLS_READ, 0, 0},
    {"GET", "/api/v1/teams/{id}/roster", api_roster_get, PERM_PATROLS_READ, 0, 0},
    {"PUT", "/api/v1/teams/{id}/roster", api_roster_put, PERM_PATROLS_WRITE, 256 * KB, 0},
    {"GET", "/api/v1/teams/{id}/ical", api_team_ical_list, PERM_PATROLS_WRITE, 0, 0},
    {"POST", "/api/v1/teams/{id}/ical", api_team_ical_issue, PERM_PATROLS_WRITE, 1 * KB, 0},
    {"DELETE", "/api/v1/teams/{id}/ical/{link}", api_team_ical_revoke, PERM_PATROLS_WRITE, 0, 0},
    {"GET", "/api/v1/swaps", api_swaps_list, PERM_PATROLS_READ, 0, 0},
    {"POST", "/api/v1/swaps", api_swaps_create, PERM_PATROLS_READ, 2 * KB, 0},
    {"POST", "/api/v1/swaps/{id}/approve", api_swaps_approve, PERM_PATROLS_WRITE, 1 * KB, 0},
    {"POST", "/api/v1/swaps/{id}/refuse", api_swaps_refuse, PERM_PATROLS_WRITE, 1 * KB, 0},
    {"GET", "/api/v1/me/duties", api_me_duties, PERM_LOGGED_IN, 0, 0},
    {"GET", "/api/v1/me/ical", api_me_ical_list, PERM_LOGGED_IN, 0, 0},
    {"POST", "/api/v1/me/ical", api_me_ical_issue, PERM_LOGGED_IN, 1 * KB, 0},
    {"DELETE", "/api/v1/me/ical/{id}", api_me_ical_revoke, PERM_LOGGED_IN, 0, 0},
    {"GET", "/api/v1/patrols", api_patrols_list, PERM_PATROLS_READ, 0, 0},
    {"POST", "/api/v1/patrols", api_patrols_create, PERM_PATROLS_WRITE, 16 * KB, 0},
    {"GET", "/api/v1/patrols/{id}", api_patrols_get, PERM_PATROLS_READ, 0, 0},
    {"PATCH", "/api/v1/patrols/{id}", api_patrols_update, PERM_PATROLS_WRITE, 16 * KB, 0},
    {"POST", "/api/v1/patrols/{id}/start", api_patrols_start, PERM_PATROLS_WRITE, 1 * KB, 0},
    {"POST", "/api/v1/patrols/{id}/end", api_patrols_end, PERM_PATROLS_WRITE, 1 * KB, 0},
    {"POST", "/api/v1/patrols/{id}/checkin", api_patrols_checkin, PERM_CHECKIN, 1 * KB, 0},
    {"GET", "/api/v1/violation-kinds", api_violation_kinds, PERM_PATROLS_READ, 0, 0},
    {"GET", "/api/v1/violations", api_violations_list, PERM_PATROLS_READ, 0, 0},
    {"POST", "/api/v1/violations", api_violations_create, PERM_PATROLS_WRITE, 16 * KB, 0},
    {"GET", "/api/v1/violations/{id}", api_violations_get, PERM_PATROLS_READ, 0, 0},
    {"PATCH", "/api/v1/violations/{id}", api_violations_update, PERM_PATROLS_WRITE, 16 * KB, 0},
    {"POST", "/api/v1/violations/{id}/reveal", api_violations_reveal, PERM_SENSITIVE, 4 * KB, 0},
    {"POST", "/api/v1/violations/{id}/photos", api_violations_photo_add, PERM_PATROLS_WRITE, 10 * MB, 0},
    {"GET", "/api/v1/violations/{id}/photos/{file}", api_violations_photo_get, PERM_PATROLS_READ, 0, 0},
    {"GET", "/api/v1/stats/patrols", api_stats_patrols, PERM_PATROLS_READ, 0, 0},
    {"GET", "/ical/teams/{token}", api_ical_team_feed, PERM_PUBLIC, 0, ROUTE_NO_CSRF},
    {"GET", "/ical/members/{token}", api_ical_member_feed, PERM_PUBLIC, 0, ROUTE_NO_CSRF},

    /* Open311 API keys: installation admins only (checked in api/apikeys.c) */
    {"GET", "/api/v1/api-keys", api_apikeys_list, PERM_USERS_WRITE, 0, 0},
    {"POST", "/api/v1/api-keys", api_apikeys_create, PERM_USERS_WRITE, 4 * KB, 0},
    {"DELETE", "/api/v1/api-keys/{id}", api_apikeys_revoke, PERM_USERS_WRITE, 0, 0},

    /* Open311 GeoReport v2 (api/open311.c): public, no cookie read; {f} is ".xml" or ".json", {code},
     * {id} and {token} carry their extension too; POST needs an api_key in its form body */
    {"GET", "/open311/v2/discovery{f}", api_open311_discovery, PERM_PUBLIC, 0, ROUTE_NO_CSRF},
    {"GET", "/open311/v2/services{f}", api_open311_services, PERM_PUBLIC, 0, ROUTE_NO_CSRF},
    {"GET", "/open311/v2/services/{code}", api_open311_service, PERM_PUBLIC, 0, ROUTE_NO_CSRF},
    {"GET", "/open311/v2/requests{f}", api_open311_requests, PERM_PUBLIC, 0, ROUTE_NO_CSRF},
    {"POST", "/open311/v2/requests{f}", api_open311_create, PERM_PUBLIC, 64 * KB, ROUTE_NO_CSRF},
    {"GET", "/open311/v2/requests/{id}", api_open311_request, PERM_PUBLIC, 0, ROUTE_NO_CSRF},
    {"GET", "/open311/v2/tokens/{token}", api_open311_token, PERM_PUBLIC, 0, ROUTE_NO_CSRF},
    /* any other /open311/v2/NAME (no format, unknown resource): an Open311 404, not the web app */
    {"GET", "/open311/v2/{name}", api_open311_unknown, PERM_PUBLIC, 0, ROUTE_NO_CSRF},

    /* warnings, CAP 1.2, feed tokens, webhooks (api/warnings.c, api/cap.c, api/webhooks.c): officers
     * issue warnings; /cap/ is public XML read with no cookie ({id} is "warning-N.xml" or "alarm-N.xml",
     * an alarm needs a feed token; {token} of a feed ends in ".atom"); tokens and webhooks are for
     * installation admins (checked in the handlers) */
    {"GET", "/api/v1/warnings", api_warnings_list, PERM_UNITS_READ, 0, 0},
    {"POST", "/api/v1/warnings", api_warnings_create, PERM_WARNINGS_WRITE, 32 * KB, 0},
    {"GET", "/api/v1/warnings/{id}", api_warnings_get, PERM_UNITS_READ, 0, 0},
    {"PATCH", "/api/v1/warnings/{id}", api_warnings_update, PERM_WARNINGS_WRITE, 32 * KB, 0},
    {"POST", "/api/v1/warnings/{id}/cancel", api_warnings_cancel, PERM_WARNINGS_WRITE, 1 * KB, 0},
    {"GET", "/api/v1/public/warnings", api_public_warnings, PERM_PUBLIC, 0, ROUTE_NO_CSRF},
    {"GET", "/cap/alerts.atom", api_cap_feed, PERM_PUBLIC, 0, ROUTE_NO_CSRF},
    {"GET", "/cap/alerts/{id}", api_cap_alert, PERM_PUBLIC, 0, ROUTE_NO_CSRF},
    {"GET", "/cap/restricted/{token}", api_cap_restricted_feed, PERM_PUBLIC, 0, ROUTE_NO_CSRF},
    {"GET", "/cap/restricted/{token}/alerts/{id}", api_cap_restricted_alert, PERM_PUBLIC, 0, ROUTE_NO_CSRF},
    {"GET", "/api/v1/feed-tokens", api_feed_tokens_list, PERM_USERS_WRITE, 0, 0},
    {"POST", "/api/v1/feed-tokens", api_feed_tokens_create, PERM_USERS_WRITE, 4 * KB, 0},
    {"DELETE", "/api/v1/feed-tokens/{id}", api_feed_tokens_revoke, PERM_USERS_WRITE, 0, 0},
    {"GET", "/api/v1/webhooks", api_webhooks_list, PERM_USERS_WRITE, 0, 0},
    {"POST", "/api/v1/webhooks", api_webhooks_create, PERM_USERS_WRITE, 8 * KB, 0},
    {"DELETE", "/api/v1/webhooks/{id}", api_webhooks_delete, PERM_USERS_WRITE, 0, 0},
    {"GET", "/api/v1/webhooks/{id}/deliveries", api_webhooks_deliveries, PERM_USERS_WRITE, 0, 0},

    /* movement: outreach sessions, topics, models, exemplars and their statistics (api/outreach.c,
     * api/models.c); writes need outreach.write, and the handlers narrow a coordinator to their own
     * organisation's records (domain/movement.h) */
    {"GET", "/api/v1/outreach/sessions", api_outreach_sessions_list, PERM_MOVEMENT_READ, 0, 0},
    {"POST", "/api/v1/outreach/sessions", api_outreach_sessions_create, PERM_OUTREACH_WRITE, 32 * KB, 0},
    {"POST", "/api/v1/outreach/sessions/series", api_outreach_sessions_series, PERM_OUTREACH_WRITE, 32 * KB,
     0},
    {"GET", "/api/v1/outreach/sessions/{id}", api_outreach_sessions_get, PERM_MOVEMENT_READ, 0, 0},
    {"PATCH", "/api/v1/outreach/sessions/{id}", api_outreach_sessions_update, PERM_OUTREACH_WRITE, 32 * KB,
     0},
    {"DELETE", "/api/v1/outreach/sessions/{id}", api_outreach_sessions_delete, PERM_OUTREACH_WRITE, 0, 0},
    {"POST", "/api/v1/outreach/sessions/{id}/files", api_outreach_files_add, PERM_OUTREACH_WRITE, 10 * MB, 0},
    {"GET", "/api/v1/outreach/sessions/{id}/files/{file}", api_outreach_file_get, PERM_MOVEMENT_READ, 0, 0},
    {"GET", "/api/v1/outreach/topics", api_outreach_topics_list, PERM_MOVEMENT_READ, 0, 0},
    {"POST", "/api/v1/outreach/topics", api_outreach_topics_create, PERM_OUTREACH_WRITE, 4 * KB, 0},
    {"GET", "/api/v1/stats/outreach", api_stats_outreach, PERM_MOVEMENT_READ, 0, 0},
    {"GET", "/api/v1/models", api_models_list, PERM_MOVEMENT_READ, 0, 0},
    {"POST", "/api/v1/models", api_models_create, PERM_OUTREACH_WRITE, 16 * KB, 0},
    {"GET", "/api/v1/models/{id}", api_models_get, PERM_MOVEMENT_READ, 0, 0},
    {"PATCH", "/api/v1/models/{id}", api_models_update, PERM_OUTREACH_WRITE, 16 * KB, 0},
    {"DELETE", "/api/v1/models/{id}", api_models_delete, PERM_OUTREACH_WRITE, 0, 0},
    {"POST", "/api/v1/models/{id}/sites", api_models_sites_add, PERM_OUTREACH_WRITE, 4 * KB, 0},
    {"POST", "/api/v1/models/{id}/activities", api_models_activities_add, PERM_OUTREACH_WRITE, 8 * KB, 0},
    {"POST", "/api/v1/models/{id}/evaluations", api_models_evaluations_add, PERM_OUTREACH_WRITE, 8 * KB, 0},
    {"GET", "/api/v1/stats/models", api_stats_models, PERM_MOVEMENT_READ, 0, 0},
    {"GET", "/api/v1/exemplars", api_exemplars_list, PERM_MOVEMENT_READ, 0, 0},
    {"POST", "/api/v1/exemplars", api_exemplars_create, PERM_OUTREACH_WRITE, 16 * KB, 0},
    {"GET", "/api/v1/exemplars/{id}", api_exemplars_get, PERM_MOVEMENT_READ, 0, 0},
    {"PATCH", "/api/v1/exemplars/{id}", api_exemplars_update, PERM_OUTREACH_WRITE, 16 * KB, 0},
    {"DELETE", "/api/v1/exemplars/{id}", api_exemplars_delete, PERM_OUTREACH_WRITE, 0, 0},
    {"POST", "/api/v1/exemplars/{id}/commendations", api_exemplars_commendations_add, PERM_OUTREACH_WRITE,
     4 * KB, 0},

    /* The web app (assets.c): tried only when no route above has the path; never /api/. */
    {"GET", "*", assets_serve, PERM_PUBLIC, 0, ROUTE_FALLBACK},
};
const int http_nroutes = (int)(sizeof http_routes / sizeof http_routes[0]);

/* Matches one pattern against a path, capturing {names} into r->params (arena copies). */
static int match(struct req *r, const char *pattern, const char *path)
{
	int np = 0;
	const char *p = pattern, *s = path;
	while (*p && *s) {
		if (*p == '{') {
			const char *close = strchr(p, '}');
			const char *seg_end = strchr(s, '/');
			if (!seg_end)
				seg_end = s + strlen(s);
			if (seg_end == s || np >= HTTP_MAX_PARAMS)
				return 0;
			if (r)
				r->params[np] = arena_strndup(&r->arena, s, (size_t)(seg_end - s));
			np++;
			p = close + 1;
			s = seg_end;
			continue;
		}
		if (*p != *s)
			return 0;
		p++;
		s++;
	}
	return *p == '\0' && *s == '\0';
}

/* The fallback pattern "*" takes every path outside /api/ (/api itself, and any case of it, included). */
static int match_fallback(const char *path)
{
	return path[0] == '/' && strncasecmp(path, "/api/", 5) != 0 && strcasecmp(path, "/api") != 0;
}

int router_match(struct req *r, const char *method, const char *path)
{
	int path_found = 0;
	for (int pass = 0; pass < 2 && !path_found; pass++) {
		for (int i = 0; i < http_nroutes; i++) {
			const struct route *rt = &http_routes[i];
			int fallback = (rt->flags & ROUTE_FALLBACK) != 0;
			if (fallback != pass ||
			    !(fallback ? match_fallback(path) : match(NULL, rt->pattern, path)))
				continue;
			if (strcmp(rt->method, method) != 0 && !(fallback && strcmp(method, "HEAD") == 0)) {
				path_found = 1;
				continue;
			}
			if (!fallback)
				match(r, rt->pattern, path);
			r->route = rt;
			return i;
		}
	}
	return path_found ? -2 : -1;
}

static int state_changing(const char *method)
{
	return strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0 && strcmp(method, "OPTIONS") != 0;
}

void router_dispatch(struct req *r)
{
	int err;
	if (r->route_index == -1) {
		http_write_error(r, APP_E_NOTFOUND);
		return;
	}
	if (r->route_index == -2) {
		r->err_code = "method_not_allowed";
		r->err_msg = "this method is not allowed on this path";
		http_write_error(r, APP_E_PARAM);
		r->status = 405;
		return;
	}
	const struct route *rt = &http_routes[r->route_index];
	if (rt->flags & ROUTE_FALLBACK) { /* static files: no session, no database */
		err = rt->handler(r);
		if (err != APP_OK)
			http_write_error(r, err);
		return;
	}
	if (rt->perm != PERM_PUBLIC || (rt->flags & ROUTE_NO_CSRF) == 0) {
		r->db = store_thread();
		if (!r->db) {
			http_write_error(r, APP_E_UNAVAIL);
			return;
		}
		err = auth_load_session(r);
		if (err) {
			http_write_error(r, err);
			return;
		}
	}
	if (!perm_any(&r->user, rt->perm)) {
		if (r->user.user_id == 0) {
			r->err_msg = "log in first";
			http_write_error(r, APP_E_AUTH);
		} else {
			r->err_msg = "your role does not allow this";
			http_write_error(r, APP_E_FORBIDDEN);
		}
		return;
	}
	if (state_changing(r->method) && r->has_session && !(rt->flags & ROUTE_NO_CSRF)) {
		const char *tok = http_req_header(r, "X-CSRF-Token");
		if (!tok || !r->session.csrf_token || !crypto_str_equal(tok, r->session.csrf_token)) {
			r->err_code = "csrf";
			r->err_msg = "missing or wrong X-CSRF-Token header";
			http_write_error(r, APP_E_FORBIDDEN);
			return;
		}
	}
	if (!r->db && rt->handler != api_healthz && rt->handler != api_metrics) {
		r->db = store_thread();
		if (!r->db) {
			http_write_error(r, APP_E_UNAVAIL);
			return;
		}
	}
	err = rt->handler(r);
	if (err != APP_OK)
		http_write_error(r, err);
	else if (r->out.err) /* the response outgrew its buffer */
		http_write_error(r, APP_E_INTERNAL);
}
