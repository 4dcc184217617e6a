/*
 * units.h: the tree of units — province → commune (the tenant: one police station) → block →
 * residential group — and the queries about it, plus the CSV import that both the API and the
 * command line use. Every unit carries its materialised path ("/1/5/23/": ids from the root), which
 * is what permissions are checked against (domain/perm.h), and its commune's id.
 *
 * Callers hold the transaction when they need one; nothing here starts one except units_import, which
 * is all or nothing by itself. Strings returned are copied into the given arena.
 */
#ifndef TIENGMO_STORE_UNITS_H
#define TIENGMO_STORE_UNITS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/perm.h"
#include "lib/arena.h"
#include "lib/csv.h"
#include "store/store.h"

enum unit_kind { UNIT_PROVINCE, UNIT_COMMUNE, UNIT_BLOCK, UNIT_GROUP, UNIT_KIND_COUNT };

#define UNIT_CODE_MAX 32
#define UNIT_NAME_MAX 200

struct unit_row {
	int64_t id;
	int64_t parent_id; /* 0 for a province */
	enum unit_kind kind;
	const char *code;
	const char *name;
	const char *path;   /* "/1/5/23/" */
	int64_t commune_id; /* 0 for a province */
	int64_t created_at;
	int64_t updated_at;
};

/* Kind names as the API and database spell them, indexed by enum unit_kind, NULL-terminated. */
extern const char *const units_kind_names[];
/* The kind for a name, or -1 when unknown. */
int units_kind_parse(const char *name);
/* May a unit of `kind` sit under a parent of `parent_kind` (-1: no parent)? A province has no parent,
 * a commune sits under a province, a block under a commune, a group under a block. */
bool units_kind_fits(int kind, int parent_kind);
/* A sentence for why `kind` may not sit there, e.g. "a block must be under a commune". Static text. */
const char *units_kind_rule(int kind);
/* Is code 1–32 characters of [A-Za-z0-9._-]? */
bool units_code_valid(const char *code);
/* Is name 1–200 bytes, without control characters and not only blanks? (UTF-8 validity is the
 * reader's: jansson or the CSV reader.) */
bool units_name_valid(const char *name);

/* Finds a unit by id or code. STORE_ROW and *u (arena strings), STORE_DONE when there is none, or an
 * error. */
int units_get(struct store *db, struct arena *a, int64_t id, struct unit_row *u);
int units_get_by_code(struct store *db, struct arena *a, const char *code, struct unit_row *u);

/*
 * Pages of units, ascending id after `after` (0 from the start), at most `limit` rows, into an arena
 * array. units_children: the children of parent_id. units_subtree: the units whose path starts with
 * `path` (the unit itself included). units_all: every unit. Return STORE_OK or an error.
 */
int units_children(struct store *db, struct arena *a, int64_t parent_id, int64_t after, int limit,
		   struct unit_row **out, int *n);
int units_subtree(struct store *db, struct arena *a, const char *path, int64_t after, int limit,
		  struct unit_row **out, int *n);
int units_all(struct store *db, struct arena *a, int64_t after, int limit, struct unit_row **out, int *n);

/*
 * Inserts a unit under parent (NULL for a province), computing its path and commune. The caller has
 * validated kind, code and name. Returns STORE_OK and fills *u (arena strings), STORE_E_UNIQUE when
 * the code is taken, or another error.
 */
int units_insert(struct store *db, struct arena *a, const struct unit_row *parent, enum unit_kind kind,
		 const char *code, const char *name, int64_t now, struct unit_row *u);
/* Sets name and code. STORE_OK, STORE_DONE when there is no such unit, STORE_E_UNIQUE when the code is
 * taken, or another error. */
int units_update(struct store *db, int64_t id, const char *code, const char *name, int64_t now);
/* Does the unit hold anything (children or grants)? STORE_OK with *what set to a phrase ("child
 * units", "user grants") or NULL when it holds nothing; or an error. */
int units_holds(struct store *db, int64_t id, const char **what);
/* Deletes a unit. STORE_OK, STORE_DONE when there is none, STORE_E_FK when another record still
 * refers to it (the caller answers 409), or another error. */
int units_delete(struct store *db, int64_t id);
/* How many units there are (STORE_OK and *n). */
int units_count(struct store *db, int64_t *n);

/* One unit of an import file, as read and checked. */
struct unit_import_row {
	int line;
	const char *code;
	const char *name;
	enum unit_kind kind;
	const char *parent_code; /* NULL for a province */
	int64_t id;		 /* set when written */
};

/* One problem of an import file. */
struct unit_import {
	/* in */
	const struct principal *who; /* NULL: the command line, which may do anything */
	const char *actor;	     /* for the audit log: a username or "cli" */
	const char *address;	     /* client address, "" from the command line */
	bool dry_run;		     /* check everything, write nothing */
	/* out */
	int nrows;
	struct unit_import_row *rows;
	int nerrors; /* at most UNIT_IMPORT_MAX_ERRORS are kept; nerrors_total counts them all */
	int nerrors_total;
	struct csvr_error *errors;
};

#define UNIT_IMPORT_MAX_ROWS 50000
#define UNIT_IMPORT_MAX_ERRORS 1000

/*
 * Imports units from a CSV file (header `code,name,kind,parent_code` in any column order, UTF-8,
 * optional BOM). Every row is checked first — fields, kind hierarchy, codes unique in the file and in
 * the database, parents earlier in the file or in the database, and, when `who` is set, PERM_UNITS_WRITE
 * on every database parent (provinces need an installation admin). If anything is wrong nothing is
 * written and the errors are in imp->errors with their line numbers; otherwise (and unless dry_run)
 * every unit is inserted and audited ("unit.import") in one transaction, which this function begins
 * and ends. Allocates from a.
 * Returns STORE_OK (check imp->nerrors_total: 0 means imported), or a store error (nothing written).
 */
int units_import(struct store *db, struct arena *a, const char *data, size_t len, struct unit_import *imp);

#endif
