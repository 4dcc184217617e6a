/*
 * session.c: logging in and out, the current user, changing one's own password, and enrolling in
 * two-factor login (TOTP, RFC 6238, through liboath). The cookie and the sessions table are auth.c's;
 * this file decides who may have a session.
 *
 * Login answers an unknown user, a wrong password and a disabled account with the same 401 after the
 * same work (one Argon2id verification, against crypto_dummy_hash() when there is no user). Failed
 * attempts are counted per username and per client address in login_failures; past the limits the
 * answer is 429 with Retry-After, before any password is checked. Not for managing other users
 * (users.c).
 */
#include <liboath/oath.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "http/auth.h"
#include "lib/crypto.h"
#include "lib/timeutil.h"
#include "store/users.h"

#define LOGIN_WINDOW_SECONDS (15 * 60)
#define LOGIN_MAX_PER_USER 5
#define LOGIN_MAX_PER_ADDR 20
#define TOTP_SECRET_BYTES 20
#define TOTP_STEP 30
#define TOTP_DIGITS 6
#define TOTP_WINDOW 1 /* steps accepted on either side of now, for clock drift */

static pthread_once_t oath_once = PTHREAD_ONCE_INIT;
static int oath_ready;

static void oath_start(void)
{
	oath_ready = oath_init() == OATH_OK;
}

/* 204 No Content. */
static int no_content(struct req *r)
{
	http_text(r, 204, NULL, "");
	return APP_OK;
}

/* Commits when rc is APP_OK, else rolls back; returns the final app_err. */
static int finish_tx(struct req *r, int rc)
{
	if (rc == APP_OK && store_commit(r->db) == STORE_OK)
		return APP_OK;
	store_rollback(r->db);
	return rc == APP_OK ? APP_E_DB : rc;
}

/* The audit entry of a change to account user_id made by its own user (actor: the one logging in, or the
 * caller): APP_OK or APP_E_DB. */
static int audit(struct req *r, int64_t user_id, const char *actor, const char *action, const char *detail)
{
	return api_audit_as(r, user_id, actor, action, "user", user_id, detail) == STORE_OK ? APP_OK
											    : APP_E_DB;
}

static int fail_code(struct req *r, int err, const char *code, const char *msg)
{
	r->err_code = code;
	return http_fail(r, err, msg);
}

/* Is key over its limit? Then sets Retry-After (seconds until the oldest counted failure leaves the
 * window) and returns APP_E_LIMIT; APP_OK when not, APP_E_DB on failure. */
static int check_throttle(struct req *r, const char *key, int limit, int64_t now)
{
	int count = 0;
	int64_t oldest = 0;
	if (login_failures_recent(r->db, key, now - LOGIN_WINDOW_SECONDS + 1, limit, &count, &oldest) !=
	    STORE_OK)
		return APP_E_DB;
	if (count < limit)
		return APP_OK;
	int64_t wait = oldest + LOGIN_WINDOW_SECONDS - now;
	if (wait < 1)
		wait = 1;
	char *v = arena_printf(&r->arena, "%lld", (long long)wait);
	if (v)
		http_header(r, "Retry-After", v);
	return fail_code(r, APP_E_LIMIT, "rate_limited", "too many failed logins; try again later");
}

static int record_failure(struct req *r, const char *ukey, const char *akey, int64_t now)
{
	int64_t before = now - LOGIN_WINDOW_SECONDS;
	if (login_failures_add(r->db, ukey, now, before) != STORE_OK ||
	    login_failures_add(r->db, akey, now, before) != STORE_OK)
		return APP_E_DB;
	return APP_OK;
}

/* Checks a 6-digit code against a sealed secret. Returns 1 when it is valid now (± TOTP_WINDOW). */
static int totp_valid(const char *sealed, const char *code)
{
	char secret[64];
	if (!sealed || !code || strlen(code) != TOTP_DIGITS || strspn(code, "0123456789") != TOTP_DIGITS)
		return 0;
	pthread_once(&oath_once, oath_start);
	if (!oath_ready)
		return 0;
	int n = crypto_open(sealed, secret, sizeof secret);
	if (n <= 0)
		return 0;
	int rc = oath_totp_validate(secret, (size_t)n, (time_t)time_now(), TOTP_STEP,
				    OATH_TOTP_DEFAULT_START_TIME, TOTP_WINDOW, code);
	memset(secret, 0, sizeof secret);
	return rc >= 0;
}

/* Writes {"data":{"user":User,"csrf_token":…}} with status 200. */
static int write_me(struct req *r, const struct user_row *u)
{
	struct jw *w = http_json(r, 200);
	jw_obj(w);
	jw_key(w, "data");
	jw_obj(w);
	jw_key(w, "user");
	int rc = api_user_json(r, w, u);
	if (rc)
		return rc;
	jw_kstr(w, "csrf_token", r->session.csrf_token);
	jw_end(w);
	jw_end(w);
	return APP_OK;
}

int api_session_create(struct req *r)
{
	static const char *const known[] = {"username", "password", "totp", NULL};
	json_t *body = NULL;
	struct field_errs fe = {0};
	const char *username = NULL, *password = NULL, *totp = NULL;
	char name[72], ukey[LOGIN_KEY_MAX], akey[LOGIN_KEY_MAX];
	struct user_row u;
	int rc = http_json_body(r, &body);
	if (rc)
		return rc;
	rc = APP_E_INTERNAL;
	jf_str(body, "username", JF_REQUIRED, 64, &username, &fe);
	jf_str(body, "password", JF_REQUIRED, 256 * 4, &password, &fe);
	jf_str(body, "totp", JF_OPTIONAL, 16, &totp, &fe);
	jf_no_unknown(body, known, &fe);
	if (fe.n) {
		rc = http_fail_fields(r, &fe);
		goto out;
	}
	/* usernames are lowercase; fold the attempt so that case cannot dodge the per-username limit */
	size_t i;
	for (i = 0; username[i] && i < sizeof name - 1; i++)
		name[i] = (username[i] >= 'A' && username[i] <= 'Z') ? (char)(username[i] - 'A' + 'a')
								     : username[i];
	name[i] = '\0';
	login_key_user(name, ukey);
	login_key_addr(r->addr, akey);

	int64_t now = time_now();
	if ((rc = check_throttle(r, ukey, LOGIN_MAX_PER_USER, now)) != APP_OK ||
	    (rc = check_throttle(r, akey, LOGIN_MAX_PER_ADDR, now)) != APP_OK)
		goto out;

	int found = users_get_by_name(r->db, &r->arena, name, &u);
	if (found < 0) {
		rc = APP_E_DB;
		goto out;
	}
	/* the same Argon2id work whether or not the user exists or is disabled */
	int ok = crypto_password_verify(found == STORE_ROW ? u.password_hash : crypto_dummy_hash(), password);
	if (!ok || found != STORE_ROW || u.disabled) {
		if ((rc = record_failure(r, ukey, akey, now)) == APP_OK)
			rc = fail_code(r, APP_E_AUTH, "invalid_credentials", "wrong username or password");
		goto out;
	}
	if (u.totp_enabled) {
		if (!totp || !*totp) {
			rc = fail_code(r, APP_E_AUTH, "totp_required",
				       "enter the 6-digit code from your authenticator app");
			goto out;
		}
		if (!totp_valid(u.totp_secret, totp)) {
			if ((rc = record_failure(r, ukey, akey, now)) == APP_OK)
				rc = fail_code(r, APP_E_AUTH, "invalid_totp",
					       "the 6-digit code is wrong or has expired");
			goto out;
		}
	}

	if (store_begin(r->db) != STORE_OK) {
		rc = APP_E_DB;
		goto out;
	}
	rc = APP_E_DB;
	if (login_failures_clear(r->db, ukey) == STORE_OK &&
	    sessions_delete_expired(r->db, u.id, now) == STORE_OK)
		rc = auth_start_session(r, u.id);
	if (rc == APP_OK)
		rc = audit(r, u.id, u.username, "session.login", u.totp_enabled ? "{\"totp\":true}" : "{}");
	if ((rc = finish_tx(r, rc)) != APP_OK)
		goto out;
	r->user.user_id = u.id;
	r->user.username = u.username;
	rc = write_me(r, &u);
out:
	json_decref(body);
	return rc;
}

int api_session_delete(struct req *r)
{
	if (store_begin(r->db) != STORE_OK)
		return APP_E_DB;
	int rc = audit(r, r->user.user_id, r->user.username, "session.logout", "{}");
	if (rc == APP_OK)
		rc = auth_end_session(r);
	if ((rc = finish_tx(r, rc)) != APP_OK)
		return rc;
	return no_content(r);
}

int api_me(struct req *r)
{
	struct user_row u;
	int rc = users_get(r->db, &r->arena, r->user.user_id, &u);
	if (rc == STORE_DONE)
		return http_fail(r, APP_E_AUTH, "log in first");
	if (rc != STORE_ROW)
		return APP_E_DB;
	return write_me(r, &u);
}

int api_me_password(struct req *r)
{
	static const char *const known[] = {"current_password", "new_password", NULL};
	json_t *body = NULL;
	struct field_errs fe = {0};
	const char *cur = NULL, *next = NULL, *why;
	char hash[160];
	struct user_row u;
	int rc = http_json_body(r, &body);
	if (rc)
		return rc;
	jf_str(body, "current_password", JF_REQUIRED, 256 * 4, &cur, &fe);
	if (jf_str(body, "new_password", JF_REQUIRED, 256 * 4, &next, &fe) > 0 &&
	    (why = users_password_problem(next)))
		field_err(&fe, "new_password", why);
	jf_no_unknown(body, known, &fe);
	if (fe.n) {
		rc = http_fail_fields(r, &fe);
		goto out;
	}
	rc = users_get(r->db, &r->arena, r->user.user_id, &u);
	if (rc != STORE_ROW) {
		rc = rc == STORE_DONE ? http_fail(r, APP_E_AUTH, "log in first") : APP_E_DB;
		goto out;
	}
	if (!crypto_password_verify(u.password_hash, cur)) {
		field_err(&fe, "current_password", "is not your current password");
		rc = http_fail_fields(r, &fe);
		goto out;
	}
	if (crypto_password_hash(next, hash, sizeof hash) != 0) {
		rc = APP_E_NOMEM;
		goto out;
	}
	if (store_begin(r->db) != STORE_OK) {
		rc = APP_E_DB;
		goto out;
	}
	rc = APP_E_DB;
	if (users_set_password(r->db, u.id, hash, time_now()) == STORE_OK &&
	    sessions_delete_user_except(r->db, u.id, r->session.token_hash) == STORE_OK)
		rc = audit(r, u.id, r->user.username, "user.password", "{\"self\":true}");
	if ((rc = finish_tx(r, rc)) == APP_OK)
		rc = no_content(r);
out:
	json_decref(body);
	return rc;
}

/* Only admins and officers enrol (DESIGN §5: TOTP for officers). */
static bool may_use_totp(const struct principal *p)
{
	for (int i = 0; i < p->ngrants; i++)
		if (p->grants[i].role == ROLE_ADMIN || p->grants[i].role == ROLE_OFFICER)
			return true;
	return false;
}

/* Reads {"code": "123456"} from the body into *code; APP_OK or the error to return. */
static int read_code(struct req *r, json_t **body, const char **code)
{
	static const char *const known[] = {"code", NULL};
	struct field_errs fe = {0};
	int rc = http_json_body(r, body);
	if (rc)
		return rc;
	jf_str(*body, "code", JF_REQUIRED, 16, code, &fe);
	jf_no_unknown(*body, known, &fe);
	if (fe.n)
		return http_fail_fields(r, &fe);
	return APP_OK;
}

static int wrong_code(struct req *r)
{
	struct field_errs fe = {0};
	field_err(&fe, "code", "is not the current 6-digit code of your authenticator app");
	return http_fail_fields(r, &fe);
}

int api_totp_begin(struct req *r)
{
	unsigned char secret[TOTP_SECRET_BYTES];
	char sealed[128];
	char *b32 = NULL;
	size_t b32len = 0;
	struct user_row u;
	int rc = APP_E_INTERNAL;
	if (!may_use_totp(&r->user))
		return http_fail(r, APP_E_FORBIDDEN, "two-factor login is for admins and officers");
	int found = users_get(r->db, &r->arena, r->user.user_id, &u);
	if (found != STORE_ROW)
		return found == STORE_DONE ? http_fail(r, APP_E_AUTH, "log in first") : APP_E_DB;
	if (u.totp_enabled)
		return http_fail(r, APP_E_CONFLICT, "two-factor login is already on; turn it off first");
	pthread_once(&oath_once, oath_start);
	if (!oath_ready)
		return http_fail(r, APP_E_INTERNAL, "liboath cannot start");
	crypto_random(secret, sizeof secret);
	if (oath_base32_encode((const char *)secret, sizeof secret, &b32, &b32len) != OATH_OK ||
	    crypto_seal(secret, sizeof secret, sealed, sizeof sealed) < 0) {
		rc = http_fail(r, APP_E_INTERNAL, "cannot create a two-factor secret");
		goto out;
	}
	/* enrolment is pending until confirmed with a code: TOTP stays off, so login is unchanged */
	if (users_set_totp(r->db, u.id, sealed, false, time_now()) != STORE_OK) {
		rc = APP_E_DB;
		goto out;
	}
	char *url = arena_printf(
	    &r->arena,
	    "otpauth://totp/tiengmo:%s?secret=%s&issuer=tiengmo&algorithm=SHA1&digits=%d&period=%d",
	    u.username, b32, TOTP_DIGITS, TOTP_STEP);
	if (!url) {
		rc = APP_E_NOMEM;
		goto out;
	}
	struct jw *w = http_json(r, 200);
	jw_obj(w);
	jw_key(w, "data");
	jw_obj(w);
	jw_kstr(w, "secret", b32);
	jw_kstr(w, "otpauth_url", url);
	jw_end(w);
	jw_end(w);
	rc = APP_OK;
out:
	memset(secret, 0, sizeof secret);
	if (b32) {
		memset(b32, 0, b32len);
		free(b32);
	}
	return rc;
}

int api_totp_confirm(struct req *r)
{
	json_t *body = NULL;
	const char *code = NULL;
	struct user_row u;
	int rc = read_code(r, &body, &code);
	if (rc)
		goto out;
	if (!may_use_totp(&r->user)) {
		rc = http_fail(r, APP_E_FORBIDDEN, "two-factor login is for admins and officers");
		goto out;
	}
	int found = users_get(r->db, &r->arena, r->user.user_id, &u);
	if (found != STORE_ROW) {
		rc = found == STORE_DONE ? http_fail(r, APP_E_AUTH, "log in first") : APP_E_DB;
		goto out;
	}
	if (u.totp_enabled) {
		rc = http_fail(r, APP_E_CONFLICT, "two-factor login is already on");
		goto out;
	}
	if (!u.totp_secret) {
		rc = http_fail(r, APP_E_CONFLICT, "start enrolment first (POST /api/v1/me/totp)");
		goto out;
	}
	if (!totp_valid(u.totp_secret, code)) {
		rc = wrong_code(r);
		goto out;
	}
	if (store_begin(r->db) != STORE_OK) {
		rc = APP_E_DB;
		goto out;
	}
	rc = APP_E_DB;
	if (users_set_totp(r->db, u.id, u.totp_secret, true, time_now()) == STORE_OK)
		rc = audit(r, u.id, r->user.username, "totp.enable", "{}");
	if ((rc = finish_tx(r, rc)) != APP_OK)
		goto out;
	u.totp_enabled = true;
	struct jw *w = http_json(r, 200);
	jw_obj(w);
	jw_key(w, "data");
	jw_obj(w);
	jw_key(w, "user");
	if ((rc = api_user_json(r, w, &u)) != APP_OK)
		goto out;
	jw_end(w);
	jw_end(w);
out:
	json_decref(body);
	return rc;
}

int api_totp_disable(struct req *r)
{
	json_t *body = NULL;
	const char *code = NULL;
	struct user_row u;
	int rc = read_code(r, &body, &code);
	if (rc)
		goto out;
	int found = users_get(r->db, &r->arena, r->user.user_id, &u);
	if (found != STORE_ROW) {
		rc = found == STORE_DONE ? http_fail(r, APP_E_AUTH, "log in first") : APP_E_DB;
		goto out;
	}
	if (!u.totp_enabled) {
		rc = http_fail(r, APP_E_CONFLICT, "two-factor login is not on");
		goto out;
	}
	if (!totp_valid(u.totp_secret, code)) {
		rc = wrong_code(r);
		goto out;
	}
	if (store_begin(r->db) != STORE_OK) {
		rc = APP_E_DB;
		goto out;
	}
	rc = APP_E_DB;
	if (users_set_totp(r->db, u.id, NULL, false, time_now()) == STORE_OK)
		rc = audit(r, u.id, r->user.username, "totp.disable", "{}");
	if ((rc = finish_tx(r, rc)) == APP_OK)
		rc = no_content(r);
out:
	json_decref(body);
	return rc;
}
