/*
 * auth.c: the session cookie ↔ the logged-in user (see auth.h). Sliding expiry: a session used within
 * SESSION_IDLE_SECONDS stays alive, touched at most once a minute, up to SESSION_MAX_SECONDS. Read from
 * the database on every request, never cached (docs/internals/auth.md says why).
 */
#include "http/auth.h"

#include <microhttpd.h>
#include <stdio.h>
#include <string.h>

#include "lib/crypto.h"
#include "lib/timeutil.h"
#include "store/users.h"

int auth_load_grants(struct req *r, int64_t user_id)
{
	struct grant *g = NULL;
	int n = 0;
	if (users_grants(r->db, &r->arena, user_id, &g, &n) != STORE_OK)
		return APP_E_DB;
	r->user.grants = g;
	r->user.ngrants = n;
	return APP_OK;
}

int auth_load_session(struct req *r)
{
	const char *tok = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, SESSION_COOKIE);
	if (!tok || !*tok || strlen(tok) > 128)
		return APP_OK;
	char hash[CRYPTO_HASH_HEX];
	crypto_sha256_hex(tok, strlen(tok), hash);
	int64_t now = time_now();
	/* the session, its user and grants in one statement: one read snapshot, one WAL read lock */
	struct session_row s;
	int rc = sessions_load(r->db, &r->arena, hash, now, now - SESSION_MAX_SECONDS, &s);
	if (rc == STORE_DONE)
		return APP_OK;
	if (rc != STORE_ROW)
		return APP_E_DB;
	if (now - s.last_seen >= 60) {
		s.expires_at = now + SESSION_IDLE_SECONDS;
		sessions_touch(r->db, hash, now, s.expires_at);
	}
	r->user.user_id = s.user_id;
	r->user.username = s.username;
	r->user.display_name = s.display_name;
	r->user.grants = s.grants;
	r->user.ngrants = s.ngrants;
	memcpy(r->session.token_hash, hash, sizeof hash);
	r->session.csrf_token = s.csrf;
	r->session.expires_at = s.expires_at;
	r->has_session = true;
	return APP_OK;
}

static void set_cookie(struct req *r, const char *value, int64_t max_age)
{
	char *c =
	    arena_printf(&r->arena, "%s=%s; Path=/; Max-Age=%lld; HttpOnly; SameSite=Strict%s",
			 SESSION_COOKIE, value, (long long)max_age, http_secure_cookies ? "; Secure" : "");
	if (c)
		http_header(r, "Set-Cookie", c);
}

int auth_start_session(struct req *r, int64_t user_id)
{
	char tok[64], csrf[64], hash[CRYPTO_HASH_HEX];
	/* a new login never keeps the token the browser came with (session fixation) */
	const char *old = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, SESSION_COOKIE);
	if (old && *old && strlen(old) <= 128) {
		crypto_sha256_hex(old, strlen(old), hash);
		if (sessions_delete(r->db, hash) != STORE_OK)
			return APP_E_DB;
	}
	if (crypto_token(32, tok, sizeof tok) != 0 || crypto_token(32, csrf, sizeof csrf) != 0)
		return APP_E_INTERNAL;
	crypto_sha256_hex(tok, strlen(tok), hash);
	int64_t now = time_now();
	if (sessions_insert(r->db, hash, user_id, csrf, now, now + SESSION_IDLE_SECONDS) != STORE_OK)
		return APP_E_DB;
	set_cookie(r, tok, SESSION_MAX_SECONDS);
	memcpy(r->session.token_hash, hash, sizeof hash);
	r->session.csrf_token = arena_strdup(&r->arena, csrf);
	r->session.expires_at = now + SESSION_IDLE_SECONDS;
	r->has_session = true;
	return APP_OK;
}

int auth_end_session(struct req *r)
{
	if (r->has_session && sessions_delete(r->db, r->session.token_hash) != STORE_OK)
		return APP_E_DB;
	set_cookie(r, "", 0);
	r->has_session = false;
	return APP_OK;
}
