/*
 * patrols.h: the SQL of patrols (planned and actual times, area, findings), their joint forces
 * (organisations) and members with their check-ins, the violation records (biên bản) made on a patrol
 * or on their own with their photos, and the statistics over both. Permissions are the caller's: every
 * row read here carries the path of its unit. Callers hold the transaction when they change something
 * and write the audit entry in it. Strings are arena copies.
 */
#ifndef TIENGMO_STORE_PATROLS_H
#define TIENGMO_STORE_PATROLS_H
#include <stdbool.h>
#include <stdint.h>

#include "lib/arena.h"
#include "store/store.h"

#define PATROL_AREA_MAX 500
#define PATROL_FINDINGS_MAX 5000
#define PATROL_FORCES_MAX 20
#define PATROL_MEMBERS_MAX 100
#define VIOLATION_TEXT_MAX 2000
#define VIOLATION_FILES_MAX 10

struct patrol_row {
	int64_t id;
	int64_t team_id;
	const char *team_name;
	int64_t unit_id;
	const char *unit_path;
	int64_t commune_id;
	const char *area;
	int64_t planned_start, planned_end;
	int64_t started_at, ended_at; /* 0 when not yet */
	const char *findings;	      /* NULL when none */
	int64_t created_by;
	int64_t created_at, updated_at;
};

struct patrol_force {
	int64_t organisation_id;
	const char *name;
	const char *kind;
};

struct patrol_member {
	int64_t person_id;
	const char *full_name;
	int64_t checked_in_at; /* 0 when not checked in */
	bool has_location;
	double lat, lng;
};

/* Inserts p (its id and times ignored). STORE_OK and *id. */
int patrols_insert(struct store *db, const struct patrol_row *p, int64_t now, int64_t *id);
/* Writes area, planned times and findings of p. STORE_OK or an error. */
int patrols_update(struct store *db, const struct patrol_row *p, int64_t now);
/* Sets started_at (which = 0) or ended_at (which = 1) when it is still unset. STORE_OK, STORE_DONE when
 * it was already set. */
int patrols_mark(struct store *db, int64_t id, int which, int64_t at);
/* One patrol. STORE_ROW and *p, STORE_DONE, or an error. */
int patrols_get(struct store *db, struct arena *a, int64_t id, struct patrol_row *p);

struct patrols_query {
	const char *unit_path; /* subtree; NULL for all */
	int64_t team_id;       /* 0: any */
	int64_t person_id;     /* 0: any; else only patrols this person is assigned to */
	int state;	       /* -1 any, else enum patrol_state */
	int64_t from, to;      /* planned_start in [from, to); 0 for open ends */
	int64_t before_id;     /* keyset: ids below this (0: from the newest) */
	int limit;
};
/* A page of patrols by descending id. STORE_OK, *out and *n. */
int patrols_list(struct store *db, struct arena *a, const struct patrols_query *q, struct patrol_row **out,
		 int *n);

/* The joint forces of a patrol. STORE_OK, *out (arena, at most PATROL_FORCES_MAX) and *n. */
int patrols_forces(struct store *db, struct arena *a, int64_t id, struct patrol_force **out, int *n);
/* Replaces the joint forces with the organisation ids given. STORE_OK, STORE_E_FK for an unknown one. */
int patrols_set_forces(struct store *db, int64_t id, int64_t commune_id, const int64_t *orgs, int n);
/* The members of a patrol with their check-ins, by name. STORE_OK, *out and *n. */
int patrols_members(struct store *db, struct arena *a, int64_t id, struct patrol_member **out, int *n);
/* Replaces the members with the people given, keeping the check-ins of those who stay. */
int patrols_set_members(struct store *db, int64_t id, int64_t commune_id, const int64_t *people, int n);
/* Is person_id assigned to patrol id? STORE_ROW with *checked_in_at (0: not yet), STORE_DONE when not. */
int patrols_assignment(struct store *db, int64_t id, int64_t person_id, int64_t *checked_in_at);
/* Records a check-in (the first one stands). STORE_OK or an error. */
int patrols_checkin(struct store *db, int64_t id, int64_t person_id, int64_t at, bool has_location,
		    double lat, double lng);

/* Violation records. identity_sealed is the crypto_seal'd free-text identity (NULL when none). */
struct violation_row {
	int64_t id;
	int64_t patrol_id; /* 0 for a standalone record */
	int64_t unit_id;
	const char *unit_path;
	int64_t commune_id;
	const char *place;
	int64_t occurred_at;
	const char *kind;
	const char *legal_basis;
	const char *action;
	const char *record_no; /* NULL when none */
	int64_t fine_vnd;      /* 0 when none */
	int64_t person_id;     /* 0 when the violator is not in People */
	const char *person_name;
	bool has_identity;
	const char *summary;
	int64_t created_by;
	int64_t created_at, updated_at;
	int64_t team_id;	    /* the patrol's team, 0 for a standalone record */
	const char *team_unit_path; /* that team's unit path (perm_on_team), NULL for a standalone record */
};

struct violation_kind {
	const char *code, *name_vi, *name_en;
};
/* The kinds, in their order. STORE_OK, *out and *n. */
int violations_kinds(struct store *db, struct arena *a, struct violation_kind **out, int *n);

/* Inserts v with its sealed identity (NULL: none). STORE_OK and *id; STORE_E_FK for an unknown kind. */
int violations_insert(struct store *db, const struct violation_row *v, const char *identity_sealed,
		      int64_t now, int64_t *id);
/* Writes every field but the identity, id and creation. STORE_OK or an error. */
int violations_update(struct store *db, const struct violation_row *v, int64_t now);
/* Replaces the sealed identity (NULL clears it). */
int violations_set_identity(struct store *db, int64_t id, const char *identity_sealed, int64_t now);
/* One record. STORE_ROW and *v, STORE_DONE, or an error. */
int violations_get(struct store *db, struct arena *a, int64_t id, struct violation_row *v);
/* The sealed identity of a record (NULL when none). STORE_OK or an error. */
int violations_identity(struct store *db, struct arena *a, int64_t id, const char **sealed);

struct violations_query {
	const char *unit_path; /* subtree; NULL for all */
	int64_t patrol_id;     /* 0: any */
	const char *kind, *action;
	int64_t from, to;
	int64_t before_id;
	int limit;
};
/* A page of records by descending id. STORE_OK, *out and *n. */
int violations_list(struct store *db, struct arena *a, const struct violations_query *q,
		    struct violation_row **out, int *n);

struct violation_file {
	int64_t id;
	const char *sha256;
	const char *mime;
	int64_t size;
	int64_t created_at;
};
/* Adds a photo. STORE_OK and *id. */
int violations_file_add(struct store *db, int64_t violation_id, int64_t commune_id, const char *sha256,
			const char *mime, int64_t size, int64_t now, int64_t *id);
/* The photos of a record. STORE_OK, *out (at most VIOLATION_FILES_MAX) and *n. */
int violations_files(struct store *db, struct arena *a, int64_t violation_id, struct violation_file **out,
		     int *n);

/* Statistics over the subtree unit_path (a root: disjoint from other calls' roots) and [from, to). */
struct patrol_stats {
	int64_t patrols, ended, minutes, checkins, violations, fines_vnd;
};
/* Adds the subtree's patrol and violation totals into *s. */
int patrols_stats_totals(struct store *db, const char *unit_path, int64_t from, int64_t to,
			 struct patrol_stats *s);
/* Calls fn(ctx, key, count, sum) for each group: what = 0 joint forces by organisation kind (patrols),
 * 1 violations by kind, 2 by action (sum: fines), 3 by month "YYYY-MM" (sum: fines). */
int patrols_stats_groups(struct store *db, int what, const char *unit_path, int64_t from, int64_t to,
			 void (*fn)(void *ctx, const char *key, int64_t count, int64_t sum), void *ctx);

#endif
