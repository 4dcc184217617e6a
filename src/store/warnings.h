/*
 * warnings.h: public warnings (cảnh báo) — a storm coming, a wave of phone scams, a wanted notice —
 * that officers issue for their commune or a block of it, and that the public pages and the CAP 1.2
 * feeds show while they are in force (not cancelled, not expired). Every row carries its unit's path
 * for permission checks and its commune. Callers hold the transaction when they need one. Strings
 * returned are arena copies.
 */
#ifndef TIENGMO_STORE_WARNINGS_H
#define TIENGMO_STORE_WARNINGS_H
#include <stdbool.h>
#include <stdint.h>

#include "lib/arena.h"
#include "store/store.h"

#define WARNING_TITLE_MAX 200
#define WARNING_BODY_MAX 5000
#define WARNING_INSTRUCTION_MAX 2000

/* Names as the API and database spell them, NULL-terminated. */
extern const char *const warnings_kind_names[];	    /* storm, flood, scam_wave, wanted, epidemic, other */
extern const char *const warnings_severity_names[]; /* extreme, severe, moderate, minor */

struct warning_row {
	int64_t id;
	int64_t unit_id;
	int64_t commune_id;
	const char *unit_path; /* read only */
	const char *unit_name; /* read only: the area's name */
	const char *kind;
	const char *title;
	const char *body;
	const char *instruction; /* NULL when none */
	const char *severity;
	bool has_point;
	double lat, lng, radius_km;
	int64_t effective_at;
	int64_t expires_at; /* 0: until cancelled */
	int64_t created_by; /* 0 when unknown */
	int64_t created_at;
	int64_t updated_at;
	int64_t cancelled_at; /* 0 while in force */
};

/* Inserts w (id, path, name, times ignored; commune_id must be set). STORE_OK and *id, or an error. */
int warnings_insert(struct store *db, const struct warning_row *w, int64_t now, int64_t *id);
/* Replaces the content fields (unit, kind, texts, severity, point, effective, expires). STORE_OK,
 * STORE_DONE when there is no such warning still in force, or an error. */
int warnings_update(struct store *db, const struct warning_row *w, int64_t now);
/* Cancels warning id. STORE_OK, STORE_DONE when there is none not yet cancelled, or an error. */
int warnings_cancel(struct store *db, int64_t id, int64_t by, int64_t now);
/* One warning. STORE_ROW and *w, STORE_DONE, or an error. */
int warnings_get(struct store *db, struct arena *a, int64_t id, struct warning_row *w);

struct warnings_query {
	const char *unit_path; /* subtree; NULL for all */
	int64_t commune_id;    /* 0 for any */
	bool current_only;     /* not cancelled and not expired at `now` */
	int64_t now;
	int64_t after_id; /* keyset: ids below this when descending, above when ascending */
	bool newest_first;
	int limit;
};
/* A page of warnings. STORE_OK and *out (arena array of *n), or an error. */
int warnings_list(struct store *db, struct arena *a, const struct warnings_query *q, struct warning_row **out,
		  int *n);

#endif
