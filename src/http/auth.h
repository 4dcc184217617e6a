/*
 * auth.h: sessions as the HTTP layer sees them. The browser holds a random 256-bit token in the
 * `tiengmo_session` cookie (HttpOnly, SameSite=Strict, Secure with --secure-cookies); the database
 * holds only its SHA-256, so a stolen database opens no session. Sessions live in the database so
 * that every instance of a multi-instance install honours them.
 * See docs/internals/auth.md for the whole model.
 */
#ifndef TIENGMO_AUTH_H
#define TIENGMO_AUTH_H
#include "http/http.h"

#define SESSION_COOKIE "tiengmo_session"
#define SESSION_IDLE_SECONDS (12 * 3600)    /* a session unused this long ends */
#define SESSION_MAX_SECONDS (7 * 24 * 3600) /* and none lives longer than this */

/* Reads the session cookie, if any, and fills r->user, r->session and r->has_session. A missing,
 * unknown or expired cookie leaves the request anonymous (APP_OK); a database failure returns
 * APP_E_DB. */
int auth_load_session(struct req *r);
/* Starts a session for user_id: stores it, sets the cookie on the response and fills r->session
 * (csrf_token in the arena). Must run inside the caller's transaction or alone. */
int auth_start_session(struct req *r, int64_t user_id);
/* Ends the current session (deletes it and clears the cookie). */
int auth_end_session(struct req *r);
/* Loads user_id's grants (with unit paths) into r->user from the database. */
int auth_load_grants(struct req *r, int64_t user_id);

#endif
