/*
 * organisations.h: the ward's partner organisations — police, Fatherland Front committee, Women's
 * Union, Farmers' Union, Veterans' Association, Youth Union, schools, military command, health station
 * and others — each on a unit. Rows carry their unit's path for permission checks (domain/perm.h).
 * Callers hold the transaction and write the audit entry; strings returned are arena copies.
 */
#ifndef TIENGMO_STORE_ORGANISATIONS_H
#define TIENGMO_STORE_ORGANISATIONS_H
#include <stdbool.h>
#include <stdint.h>

#include "lib/arena.h"
#include "store/store.h"

#define ORG_NAME_MAX 200

/* Kind names as the API and database spell them, NULL-terminated. */
extern const char *const orgs_kind_names[];
/* The kind's index in orgs_kind_names, or -1 when unknown. */
int orgs_kind_parse(const char *name);

struct org_row {
	int64_t id;
	int64_t unit_id;
	int64_t commune_id; /* 0 when the unit has none */
	const char *unit_path;
	const char *kind;
	const char *name;
	int64_t created_at;
	int64_t updated_at;
};

/* Inserts an organisation on unit_id (commune_id taken from the unit). STORE_OK and *out, STORE_E_FK
 * when the unit does not exist, or another error. kind and name are the caller's to validate. */
int orgs_insert(struct store *db, struct arena *a, int64_t unit_id, const char *kind, const char *name,
		int64_t now, struct org_row *out);
/* Finds one. STORE_ROW and *out, STORE_DONE when there is none, or an error. */
int orgs_get(struct store *db, struct arena *a, int64_t id, struct org_row *out);
/* Sets unit, kind and name. STORE_OK, STORE_DONE when there is none, STORE_E_FK for a missing unit,
 * or another error. */
int orgs_update(struct store *db, int64_t id, int64_t unit_id, const char *kind, const char *name,
		int64_t now);
/* Deletes one. STORE_OK, STORE_DONE when there is none, STORE_E_FK while another record refers to it
 * (the caller answers 409), or another error. */
int orgs_delete(struct store *db, int64_t id);
/* A page in id order after `after`: organisations whose unit is in the subtree of unit_path (NULL:
 * everywhere) and of `kind` (NULL: any); at most limit rows into an arena array. STORE_OK or an
 * error. */
int orgs_list(struct store *db, struct arena *a, const char *unit_path, const char *kind, int64_t after,
	      int limit, struct org_row **out, int *n);

#endif
