/*
 * app.h: the error values every layer returns. Functions return one of these; results travel through
 * out-parameters. http/errors.c is the one place that turns them into HTTP statuses and bodies.
 */
#ifndef TIENGMO_APP_H
#define TIENGMO_APP_H

enum app_err {
	APP_OK = 0,
	APP_E_PARAM,	 /* malformed input (400) */
	APP_E_INVALID,	 /* well-formed but invalid input (422) */
	APP_E_AUTH,	 /* not logged in / bad credentials (401) */
	APP_E_FORBIDDEN, /* logged in but not allowed (403) */
	APP_E_NOTFOUND,	 /* 404 */
	APP_E_CONFLICT,	 /* unique or still-referenced (409) */
	APP_E_TOOBIG,	 /* body or value too large (413) */
	APP_E_LIMIT,	 /* rate limited (429) */
	APP_E_UNAVAIL,	 /* shutting down, database busy (503) */
	APP_E_DB,	 /* database error (500) */
	APP_E_NOMEM,	 /* out of memory (500) */
	APP_E_INTERNAL,	 /* a bug (500) */
};

#endif
