/*
 * people.h: the persons tiengmo needs to know (team members now; parties, violators and informants
 * later) and the queries about them, plus the CSV import of people. Every person belongs to a unit;
 * permissions are checked by callers against the unit's path, which every row carries.
 *
 * Names: besides full_name each row stores name_key (vn_name_key: Vietnamese order, given name first)
 * and name_folded (vn_fold: no tones, no đ) so that lists sort and search the same way on both engines.
 * National id (CCCD): never stored in clear — sealed with the installation key (crypto_seal), its last
 * 4 digits kept for the mask, and a keyed hash (crypto_keyed_hash_hex) kept unique so that a duplicate
 * is found without opening anything. Nothing here logs a name or a number.
 *
 * Callers hold the transaction when they need one (and write the audit entry in it); nothing here
 * starts one except people_import, which is all or nothing by itself. Strings returned are copied into
 * the given arena.
 */
#ifndef TIENGMO_STORE_PEOPLE_H
#define TIENGMO_STORE_PEOPLE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/perm.h"
#include "lib/arena.h"
#include "lib/csv.h"
#include "lib/json.h"
#include "store/store.h"

#define PERSON_NAME_MAX 200    /* bytes of full_name */
#define PERSON_ADDRESS_MAX 500 /* bytes of address */
#define PERSON_PHONE_MAX 32    /* bytes of phone as written */
#define PERSON_NATIONAL_ID_LEN 12

/* Gender names as the API and database spell them, NULL-terminated. */
extern const char *const people_gender_names[]; /* "male", "female", "other" */

/* A person as read back (arena strings; NULL where the column is NULL). */
struct person_row {
	int64_t id;
	int64_t unit_id;
	int64_t commune_id;    /* 0 when the unit has none */
	const char *unit_path; /* the unit's materialised path, for perm_on_unit */
	const char *full_name;
	const char *name_key;	/* for the list cursor */
	const char *gender;	/* "male" | "female" | "other" | NULL */
	const char *birth_date; /* "YYYY-MM-DD" | NULL */
	int birth_year;		/* 0 when unknown */
	const char *phone;
	const char *address;
	const char *national_id_last4; /* NULL when no national id is on file */
	int64_t created_at;
	int64_t updated_at;
};

/* What a caller gives to insert or update a person. Validate it with people_check first. */
struct person_input {
	int64_t unit_id;
	const char *full_name;	 /* required */
	const char *gender;	 /* "male" | "female" | "other" | NULL */
	const char *birth_date;	 /* "YYYY-MM-DD" | NULL; when set, birth_year is taken from it */
	int birth_year;		 /* 0 when unknown */
	const char *phone;	 /* NULL for none */
	const char *address;	 /* NULL for none */
	const char *national_id; /* 12 digits in clear, or NULL for none */
	bool keep_national_id;	 /* people_update only: leave the stored number as it is */
};

/*
 * Checks every field of in (except unit_id, which the caller resolves): full_name 1–200 bytes without
 * control characters; gender one of people_gender_names; birth_date a real date not after `today`
 * ("YYYY-MM-DD", Vietnam's date); birth_year 1900..today's year (and equal to birth_date's year when
 * both are given); phone 8–15 digits with optional '+' and spaces; address at most 500 bytes; the
 * national id a valid CCCD consistent with gender and birth year (domain/cccd.h). Each problem is
 * recorded in fe under the field's API name with a message (static or in a). Returns the number of
 * problems.
 */
int people_check(struct arena *a, const struct person_input *in, const char *today, struct field_errs *fe);

/* Masks a national id's last 4 digits for display: "••••••••1234" into out (at least 40 bytes). */
void people_mask(const char *last4, char *out, size_t outlen);

/*
 * Inserts a person: computes name_key, name_folded and commune_id (from the unit), seals the national
 * id. Returns STORE_OK and fills *out (arena strings), STORE_E_UNIQUE when another person has this
 * national id, STORE_E_FK when the unit does not exist, STORE_E_CHECK when the name cannot be keyed
 * (not UTF-8, too long) or no key is loaded to seal with, or another store error.
 */
int people_insert(struct store *db, struct arena *a, const struct person_input *in, int64_t now,
		  struct person_row *out);

/* Finds a person by id. STORE_ROW and *out (arena strings), STORE_DONE when there is none, or an
 * error. */
int people_get(struct store *db, struct arena *a, int64_t id, struct person_row *out);

/*
 * Replaces every field of person id with in (unit_id included; the national id is kept when
 * in->keep_national_id). Returns STORE_OK, STORE_DONE when there is no such person, STORE_E_UNIQUE when
 * another person has the national id, STORE_E_FK when the unit does not exist, STORE_E_CHECK as for
 * people_insert, or another error.
 */
int people_update(struct store *db, int64_t id, const struct person_input *in, int64_t now);

/* Deletes a person. STORE_OK, STORE_DONE when there is none, STORE_E_FK while a team still lists them
 * (the caller answers 409), or another error. */
int people_delete(struct store *db, int64_t id);

/* Opens the sealed national id of person id into out (at least 16 bytes). STORE_ROW with out set
 * ("" when none is on file), STORE_DONE when there is no such person, STORE_E_CHECK when the stored
 * value cannot be opened (another key), or another error. The caller audits the reveal. */
int people_national_id(struct store *db, int64_t id, char *out, size_t outlen);

/* Does a person already hold this national id (12 digits in clear)? STORE_ROW when so, STORE_DONE when
 * not, STORE_E_CHECK when no key is loaded to hash with, or an error. (Used by the team member import.) */
int people_national_id_taken(struct store *db, const char *national_id);

/* A page request: people in the subtree of unit_path (NULL: everywhere), whose folded name contains
 * the folded `search` (NULL or "": any), after the cursor (after_key NULL: from the start). */
struct people_query {
	const char *unit_path;
	const char *search;
	const char *after_key;
	int64_t after_id;
	int limit;
};

/* One page in Vietnamese name order ((name_key, id) ascending), at most q->limit rows into an arena
 * array. Returns STORE_OK with *out and *n, STORE_E_CHECK when the search text is not UTF-8, or an
 * error. */
int people_list(struct store *db, struct arena *a, const struct people_query *q, struct person_row **out,
		int *n);

/* The opaque list cursor for the row (base64url of "name_key|id") into out; returns 0, or -1 when out
 * is too small (needs about 4/3 of VN_NAME_KEY_MAX + 32). */
int people_cursor_encode(const struct person_row *p, char *out, size_t outlen);
/* Reverses people_cursor_encode: *key (arena copy) and *id. Returns 0, or -1 when s is not a cursor
 * this server made (malformed base64, no separator, bad key or id). */
int people_cursor_decode(struct arena *a, const char *s, const char **key, int64_t *id);

/* One person of an import file, as read and checked. */
struct person_import_row {
	int line;
	struct person_input in;
	const char *unit_code;
	int64_t id; /* set when written */
};

/* One problem of an import file (line 0: the file as a whole). */
struct person_import {
	/* in */
	const struct principal *who; /* NULL: the command line, which may do anything */
	const char *actor;	     /* for the audit log */
	const char *address;	     /* client address, "" from the command line */
	const char *today;	     /* "YYYY-MM-DD" in Vietnam, for the birth date checks */
	bool dry_run;		     /* check everything, write nothing */
	/* out */
	int nrows;
	struct person_import_row *rows;
	int nerrors; /* at most PERSON_IMPORT_MAX_ERRORS kept; nerrors_total counts them all */
	int nerrors_total;
	struct csvr_error *errors;
};

#define PERSON_IMPORT_MAX_ROWS 20000
#define PERSON_IMPORT_MAX_ERRORS 1000

/*
 * Imports people from a CSV file (header full_name,gender,birth_date,birth_year,phone,address,
 * national_id,unit_code in any order; UTF-8, optional BOM). Every row is checked first — the fields
 * (people_check), the unit code exists and, when `who` is set, PERM_PEOPLE_WRITE on it, national ids
 * unique in the file and in the database. If anything is wrong nothing is written and the errors are in
 * imp->errors with their line numbers; otherwise (unless dry_run) every person is inserted and audited
 * ("person.import") in one transaction, which this function begins and ends. Allocates from a.
 * Returns STORE_OK (check imp->nerrors_total: 0 means imported), or a store error (nothing written).
 */
int people_import(struct store *db, struct arena *a, const char *data, size_t len, struct person_import *imp);

#endif
