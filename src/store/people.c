/*
 * people.c: SQL and checks for people (see people.h), in the SQL both engines run. Names are keyed
 * (vn_name_key) and folded (vn_fold) here, on every insert and update, so that callers cannot store a
 * row whose order or search text disagrees with its name. National ids are sealed and hashed here and
 * opened only by people_national_id. Permission rules are domain/perm.c's; the CSV import asks them.
 */
#include "store/people.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "domain/cccd.h"
#include "lib/buf.h"
#include "lib/crypto.h"
#include "lib/csv.h"
#include "lib/timeutil.h"
#include "lib/vn.h"
#include "store/audit.h"
#include "store/units.h"

const char *const people_gender_names[] = {"male", "female", "other", NULL};

/* ---- checks ---- */

static bool is_gender(const char *g)
{
	for (int i = 0; people_gender_names[i]; i++)
		if (strcmp(people_gender_names[i], g) == 0)
			return true;
	return false;
}

/* Is s 1..max bytes without control characters and not only blanks? */
static bool text_ok(const char *s, size_t max)
{
	size_t n = strlen(s);
	bool blank = true;
	if (n < 1 || n > max)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7f)
			return false;
		if (c != ' ')
			blank = false;
	}
	return !blank;
}

/* Is d exactly "YYYY-MM-DD" and a real day? */
static bool date_ok(const char *d)
{
	int64_t t;
	if (strlen(d) != 10 || d[4] != '-' || d[7] != '-')
		return false;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (d[i] < '0' || d[i] > '9'))
			return false;
	return time_parse_rfc3339(d, &t) == 0;
}

static int year_of(const char *date)
{
	return (date[0] - '0') * 1000 + (date[1] - '0') * 100 + (date[2] - '0') * 10 + (date[3] - '0');
}

/* Phone: digits, '+' (first only) and spaces; 8 to 15 digits. */
static bool phone_ok(const char *p)
{
	int digits = 0;
	if (strlen(p) > PERSON_PHONE_MAX)
		return false;
	for (size_t i = 0; p[i]; i++) {
		if (p[i] >= '0' && p[i] <= '9')
			digits++;
		else if (p[i] == '+' && digits == 0 && i == strspn(p, " "))
			continue;
		else if (p[i] != ' ')
			return false;
	}
	return digits >= 8 && digits <= 15;
}

int people_check(struct arena *a, const struct person_input *in, const char *today, struct field_errs *fe)
{
	int before = fe->n;
	int this_year = year_of(today);
	int byear = in->birth_year;
	bool date_valid = false;

	if (!in->full_name || !*in->full_name)
		field_err(fe, "full_name", "is required");
	else if (!text_ok(in->full_name, PERSON_NAME_MAX))
		field_err(fe, "full_name", "must be 1 to 200 bytes of text without control characters");
	if (in->gender && !is_gender(in->gender))
		field_err(fe, "gender", "must be male, female or other");
	if (in->birth_date) {
		if (!date_ok(in->birth_date))
			field_err(fe, "birth_date", "must be a real date written YYYY-MM-DD");
		else if (strcmp(in->birth_date, today) > 0)
			field_err(fe, "birth_date", "must not be in the future");
		else if (year_of(in->birth_date) < 1900)
			field_err(fe, "birth_date", "must be in 1900 or later");
		else
			date_valid = true;
	}
	if (in->birth_year && (in->birth_year < 1900 || in->birth_year > this_year)) {
		field_err(fe, "birth_year", arena_printf(a, "must be from 1900 to %d", this_year));
		byear = 0;
	} else if (in->birth_year && date_valid && in->birth_year != year_of(in->birth_date)) {
		field_err(fe, "birth_year", "must be the year of birth_date (or left out)");
		byear = 0;
	}
	if (date_valid && !byear)
		byear = year_of(in->birth_date);
	if (in->phone && !phone_ok(in->phone))
		field_err(fe, "phone", "must be 8 to 15 digits, with an optional leading '+' and spaces");
	if (in->address && strlen(in->address) > PERSON_ADDRESS_MAX)
		field_err(fe, "address", "must be at most 500 bytes");
	else if (in->address && *in->address && !text_ok(in->address, PERSON_ADDRESS_MAX))
		field_err(fe, "address", "must be text without control characters");
	if (in->national_id) {
		char msg[200];
		const char *g = in->gender && is_gender(in->gender) ? in->gender : NULL;
		if (cccd_check(in->national_id, g, byear, msg, sizeof msg) != 0) {
			const char *m = arena_strdup(a, msg);
			field_err(fe, "national_id", m ? m : "is not a valid national id");
		} else if (cccd_birth_year(in->national_id) > this_year) {
			field_err(fe, "national_id",
				  "national id's 4th to 6th digits give a birth year in the future");
		}
	}
	return fe->n - before;
}

void people_mask(const char *last4, char *out, size_t outlen)
{
	snprintf(out, outlen, "••••••••%s", last4 ? last4 : "");
}

/* ---- rows ---- */

#define PERSON_COLS                                                                                          \
	"p.id, p.unit_id, p.commune_id, u.path, p.full_name, p.name_key, p.gender, p.birth_date, "           \
	"p.birth_year, p.phone, p.address, p.national_id_last4, p.created_at, p.updated_at"

static int read_person(struct store_stmt *st, struct arena *a, struct person_row *p)
{
	bool ok = true;
	p->id = store_col_i64(st, 0);
	p->unit_id = store_col_i64(st, 1);
	p->commune_id = store_col_opt_i64(st, 2);
	p->unit_path = store_col_dup(st, 3, a, &ok);
	p->full_name = store_col_dup(st, 4, a, &ok);
	p->name_key = store_col_dup(st, 5, a, &ok);
	p->gender = store_col_dup(st, 6, a, &ok);
	p->birth_date = store_col_dup(st, 7, a, &ok);
	p->birth_year = (int)store_col_opt_i64(st, 8);
	p->phone = store_col_dup(st, 9, a, &ok);
	p->address = store_col_dup(st, 10, a, &ok);
	p->national_id_last4 = store_col_dup(st, 11, a, &ok);
	p->created_at = store_col_i64(st, 12);
	p->updated_at = store_col_i64(st, 13);
	if (!p->unit_path)
		p->unit_path = "";
	if (!p->full_name)
		p->full_name = "";
	if (!p->name_key)
		p->name_key = "";
	return ok ? STORE_OK : STORE_E_NOMEM;
}

int people_get(struct store *db, struct arena *a, int64_t id, struct person_row *out)
{
	struct store_stmt *st;
	int rc = store_prepare(
	    db, "SELECT " PERSON_COLS " FROM people p JOIN units u ON u.id = p.unit_id WHERE p.id = $1", &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, id);
	rc = store_step(st);
	if (rc == STORE_ROW && read_person(st, a, out) != STORE_OK)
		rc = STORE_E_NOMEM;
	store_reset(st);
	return rc;
}

/* The derived columns of a person: name key and folded name, sealed id, its last 4 and its hash. */
struct derived {
	char key[VN_NAME_KEY_MAX];
	char folded[PERSON_NAME_MAX * 2 + 8];
	char sealed[128];
	char last4[5];
	char hash[CRYPTO_HASH_HEX];
	int birth_year;
	int64_t commune_id;
};

static int derive(struct store *db, const struct person_input *in, struct derived *d)
{
	struct store_stmt *st;
	int rc;
	if (vn_name_key(in->full_name, d->key, sizeof d->key) < 0 ||
	    vn_fold(in->full_name, d->folded, sizeof d->folded) < 0)
		return STORE_E_CHECK;
	d->birth_year = in->birth_year;
	if (in->birth_date && strlen(in->birth_date) >= 4)
		d->birth_year = year_of(in->birth_date);
	d->sealed[0] = d->last4[0] = d->hash[0] = '\0';
	if (in->national_id && !in->keep_national_id) {
		size_t n = strlen(in->national_id);
		if (n < 4 || crypto_seal(in->national_id, n, d->sealed, sizeof d->sealed) < 0 ||
		    crypto_keyed_hash_hex("national_id", in->national_id, n, d->hash) != 0)
			return STORE_E_CHECK;
		memcpy(d->last4, in->national_id + n - 4, 5);
	}
	rc = store_prepare(db, "SELECT commune_id FROM units WHERE id = $1", &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, in->unit_id);
	rc = store_step(st);
	if (rc == STORE_ROW)
		d->commune_id = store_col_opt_i64(st, 0);
	store_reset(st);
	if (rc == STORE_DONE)
		return STORE_E_FK;
	return rc == STORE_ROW ? STORE_OK : rc;
}

static void bind_opt_text(struct store_stmt *st, int idx, const char *s)
{
	if (s && *s)
		store_bind_text(st, idx, s);
	else
		store_bind_null(st, idx);
}

int people_insert(struct store *db, struct arena *a, const struct person_input *in, int64_t now,
		  struct person_row *out)
{
	struct store_stmt *st;
	int64_t id = 0;
	struct derived *d = arena_alloc(a, sizeof *d);
	int rc;
	if (!d)
		return STORE_E_NOMEM;
	rc = derive(db, in, d);
	if (rc)
		goto out;
	rc = store_prepare(
	    db,
	    "INSERT INTO people (unit_id, commune_id, full_name, name_key, name_folded, gender, "
	    "birth_date, birth_year, phone, address, national_id_sealed, national_id_last4, "
	    "national_id_hash, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, "
	    "$9, $10, $11, $12, $13, $14, $14) RETURNING id",
	    &st);
	if (rc)
		goto out;
	store_bind_i64(st, 1, in->unit_id);
	store_bind_opt_i64(st, 2, d->commune_id);
	store_bind_text(st, 3, in->full_name);
	store_bind_text(st, 4, d->key);
	store_bind_text(st, 5, d->folded);
	bind_opt_text(st, 6, in->gender);
	bind_opt_text(st, 7, in->birth_date);
	store_bind_opt_i64(st, 8, d->birth_year);
	bind_opt_text(st, 9, in->phone);
	bind_opt_text(st, 10, in->address);
	bind_opt_text(st, 11, d->sealed);
	bind_opt_text(st, 12, d->last4);
	bind_opt_text(st, 13, d->hash);
	store_bind_i64(st, 14, now);
	rc = store_step_i64(st, &id);
	if (rc != STORE_ROW) {
		rc = rc < 0 ? rc : STORE_E_DB;
		goto out;
	}
	rc = people_get(db, a, id, out);
	rc = rc == STORE_ROW ? STORE_OK : (rc < 0 ? rc : STORE_E_DB);
out:
	sodium_memzero(d, sizeof *d);
	return rc;
}

int people_update(struct store *db, int64_t id, const struct person_input *in, int64_t now)
{
	struct store_stmt *st;
	struct derived d;
	int64_t got;
	int rc = derive(db, in, &d);
	if (rc)
		goto out;
	if (in->keep_national_id)
		rc = store_prepare(
		    db,
		    "UPDATE people SET unit_id = $2, commune_id = $3, full_name = $4, name_key = $5, "
		    "name_folded = $6, gender = $7, birth_date = $8, birth_year = $9, phone = $10, "
		    "address = $11, updated_at = $12 WHERE id = $1 RETURNING id",
		    &st);
	else
		rc = store_prepare(
		    db,
		    "UPDATE people SET unit_id = $2, commune_id = $3, full_name = $4, name_key = $5, "
		    "name_folded = $6, gender = $7, birth_date = $8, birth_year = $9, phone = $10, "
		    "address = $11, updated_at = $12, national_id_sealed = $13, "
		    "national_id_last4 = $14, national_id_hash = $15 WHERE id = $1 RETURNING id",
		    &st);
	if (rc)
		goto out;
	store_bind_i64(st, 1, id);
	store_bind_i64(st, 2, in->unit_id);
	store_bind_opt_i64(st, 3, d.commune_id);
	store_bind_text(st, 4, in->full_name);
	store_bind_text(st, 5, d.key);
	store_bind_text(st, 6, d.folded);
	bind_opt_text(st, 7, in->gender);
	bind_opt_text(st, 8, in->birth_date);
	store_bind_opt_i64(st, 9, d.birth_year);
	bind_opt_text(st, 10, in->phone);
	bind_opt_text(st, 11, in->address);
	store_bind_i64(st, 12, now);
	if (!in->keep_national_id) {
		bind_opt_text(st, 13, d.sealed);
		bind_opt_text(st, 14, d.last4);
		bind_opt_text(st, 15, d.hash);
	}
	rc = store_step_i64(st, &got);
	if (rc == STORE_ROW)
		rc = STORE_OK;
out:
	sodium_memzero(&d, sizeof d);
	return rc;
}

int people_delete(struct store *db, int64_t id)
{
	struct store_stmt *st;
	int64_t got;
	int rc = store_prepare(db, "DELETE FROM people WHERE id = $1 RETURNING id", &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, id);
	rc = store_step_i64(st, &got);
	return rc == STORE_ROW ? STORE_OK : rc;
}

int people_national_id(struct store *db, int64_t id, char *out, size_t outlen)
{
	struct store_stmt *st;
	int rc = store_prepare(db, "SELECT national_id_sealed FROM people WHERE id = $1", &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, id);
	if (outlen)
		out[0] = '\0';
	rc = store_step(st);
	if (rc == STORE_ROW && !store_col_is_null(st, 0)) {
		const char *sealed = store_col_text(st, 0);
		if (!sealed || crypto_open(sealed, out, outlen) < 0) {
			if (outlen)
				sodium_memzero(out, outlen);
			rc = STORE_E_CHECK;
		}
	}
	store_reset(st);
	return rc;
}

/* ---- lists ---- */

/* The LIKE pattern for a folded search text: '%' + text with \, % and _ escaped + '%'. */
static char *search_pattern(struct arena *a, const char *search)
{
	char folded[PERSON_NAME_MAX * 2 + 8];
	if (vn_fold(search, folded, sizeof folded) < 0)
		return NULL;
	size_t n = strlen(folded);
	char *p = arena_alloc(a, n * 2 + 3);
	if (!p)
		return NULL;
	size_t k = 0;
	p[k++] = '%';
	for (size_t i = 0; i < n; i++) {
		if (folded[i] == '%' || folded[i] == '_' || folded[i] == '\\')
			p[k++] = '\\';
		p[k++] = folded[i];
	}
	p[k++] = '%';
	p[k] = '\0';
	return p;
}

#define LIST_FROM " FROM people p JOIN units u ON u.id = p.unit_id WHERE "
#define LIST_KEYSET "(p.name_key > $1 OR (p.name_key = $1 AND p.id > $2))"
#define LIST_ORDER " ORDER BY p.name_key, p.id LIMIT $3"

int people_list(struct store *db, struct arena *a, const struct people_query *q, struct person_row **out,
		int *n)
{
	static const char *const sql[4] = {
	    "SELECT " PERSON_COLS LIST_FROM LIST_KEYSET LIST_ORDER,
	    "SELECT " PERSON_COLS LIST_FROM LIST_KEYSET " AND u.path LIKE $4" LIST_ORDER,
	    "SELECT " PERSON_COLS LIST_FROM LIST_KEYSET " AND p.name_folded LIKE $4 ESCAPE '\\'" LIST_ORDER,
	    "SELECT " PERSON_COLS LIST_FROM LIST_KEYSET
	    " AND u.path LIKE $4 AND p.name_folded LIKE $5 ESCAPE '\\'" LIST_ORDER,
	};
	struct store_stmt *st;
	char *path_pat = NULL, *name_pat = NULL;
	int limit = q->limit > 0 ? q->limit : 1;
	int variant = 0, rc, k = 0;

	*out = NULL;
	*n = 0;
	if (q->unit_path) {
		path_pat = arena_printf(a, "%s%%", q->unit_path);
		if (!path_pat)
			return STORE_E_NOMEM;
		variant |= 1;
	}
	if (q->search && *q->search) {
		name_pat = search_pattern(a, q->search);
		if (!name_pat)
			return STORE_E_CHECK;
		variant |= 2;
	}
	struct person_row *rows = arena_alloc(a, sizeof *rows * (size_t)limit);
	if (!rows)
		return STORE_E_NOMEM;
	rc = store_prepare(db, sql[variant], &st);
	if (rc)
		return rc;
	/* $1..$3 the keyset and limit, then the path pattern and the name pattern, numbered in that order
	 * (PostgreSQL wants no gaps in the numbering). */
	store_bind_text(st, 1, q->after_key ? q->after_key : "");
	store_bind_i64(st, 2, q->after_key ? q->after_id : 0);
	store_bind_i64(st, 3, limit);
	if (path_pat)
		store_bind_text(st, 4, path_pat);
	if (name_pat)
		store_bind_text(st, path_pat ? 5 : 4, name_pat);
	while (k < limit && (rc = store_step(st)) == STORE_ROW) {
		if (read_person(st, a, &rows[k]) != STORE_OK) {
			rc = STORE_E_NOMEM;
			break;
		}
		k++;
	}
	if (k == limit && rc == STORE_ROW)
		rc = STORE_DONE;
	store_reset(st);
	if (rc < 0)
		return rc;
	*out = rows;
	*n = k;
	return STORE_OK;
}

int people_cursor_encode(const struct person_row *p, char *out, size_t outlen)
{
	char raw[VN_NAME_KEY_MAX + 32];
	int len = snprintf(raw, sizeof raw, "%s|%" PRId64, p->name_key, p->id);
	if (len < 0 || (size_t)len >= sizeof raw ||
	    outlen < sodium_base64_ENCODED_LEN((size_t)len, sodium_base64_VARIANT_URLSAFE_NO_PADDING))
		return -1;
	sodium_bin2base64(out, outlen, (const unsigned char *)raw, (size_t)len,
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return 0;
}

int people_cursor_decode(struct arena *a, const char *s, const char **key, int64_t *id)
{
	unsigned char raw[VN_NAME_KEY_MAX + 32];
	size_t len = 0;
	size_t slen = strlen(s);
	if (slen == 0 || slen > sizeof raw * 4 / 3 ||
	    sodium_base642bin(raw, sizeof raw - 1, s, slen, NULL, &len, NULL,
			      sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0)
		return -1;
	raw[len] = '\0';
	char *bar = memchr(raw, '|', len);
	if (!bar || bar == (char *)raw)
		return -1;
	for (char *c = (char *)raw; c < bar; c++)
		if (!((*c >= '0' && *c <= '9') || (*c >= 'a' && *c <= 'f')))
			return -1;
	char *end = NULL;
	const char *digits = bar + 1;
	if (*digits < '1' || *digits > '9' || strlen(digits) > 16)
		return -1;
	long long v = strtoll(digits, &end, 10);
	if (!end || *end || v <= 0)
		return -1;
	*key = arena_strndup(a, (const char *)raw, (size_t)(bar - (char *)raw));
	*id = v;
	return *key ? 0 : -1;
}

/* ---- CSV import ---- */

enum { COL_NAME, COL_GENDER, COL_BDATE, COL_BYEAR, COL_PHONE, COL_ADDRESS, COL_NATID, COL_UNIT, NCOLS };
static const char *const col_names[NCOLS] = {"full_name", "gender",  "birth_date",  "birth_year",
					     "phone",	  "address", "national_id", "unit_code"};
#define HEADER_TEXT "full_name,gender,birth_date,birth_year,phone,address,national_id,unit_code"

static void add_error(struct person_import *imp, struct arena *a, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void add_error(struct person_import *imp, struct arena *a, int line, const char *fmt, ...)
{
	char msg[300];
	va_list ap;
	imp->nerrors_total++;
	if (imp->nerrors >= PERSON_IMPORT_MAX_ERRORS)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	const char *copy = arena_strdup(a, msg);
	imp->errors[imp->nerrors++] = (struct csvr_error){.line = line, .msg = copy ? copy : "error"};
}

#define Q(s) csvr_quote_len(s), (s)

static bool read_header(struct person_import *imp, struct arena *a, const struct csvr_row *h, int col[NCOLS])
{
	bool ok = true;
	for (int c = 0; c < NCOLS; c++)
		col[c] = -1;
	for (int i = 0; i < h->n; i++) {
		int known = -1;
		for (int c = 0; c < NCOLS; c++)
			if (strcasecmp(h->fields[i], col_names[c]) == 0)
				known = c;
		if (known < 0) {
			add_error(imp, a, h->line, "unknown column '%.*s'; the header must be " HEADER_TEXT,
				  Q(h->fields[i]));
			ok = false;
		} else if (col[known] >= 0) {
			add_error(imp, a, h->line, "column '%s' appears twice", col_names[known]);
			ok = false;
		} else {
			col[known] = i;
		}
	}
	for (int c = 0; c < NCOLS; c++) {
		if (col[c] < 0) {
			add_error(imp, a, h->line, "missing column '%s'; the header must be " HEADER_TEXT,
				  col_names[c]);
			ok = false;
		}
	}
	return ok;
}

static const char *opt_field(const struct csvr_row *row, int i)
{
	const char *s = csvr_field(row, i);
	return *s ? s : NULL;
}

/* First pass over one data row: the fields on their own. Returns true when they are well-formed. */
static bool check_row(struct person_import *imp, struct arena *a, const struct csvr_row *row, int ncols,
		      const int col[NCOLS], struct person_import_row *out)
{
	struct field_errs fe = {0};
	out->line = row->line;
	out->in = (struct person_input){
	    .full_name = csvr_field(row, col[COL_NAME]),
	    .gender = opt_field(row, col[COL_GENDER]),
	    .birth_date = opt_field(row, col[COL_BDATE]),
	    .phone = opt_field(row, col[COL_PHONE]),
	    .address = opt_field(row, col[COL_ADDRESS]),
	    .national_id = opt_field(row, col[COL_NATID]),
	};
	out->unit_code = csvr_field(row, col[COL_UNIT]);
	if (row->n != ncols) {
		add_error(imp, a, row->line, "this line has %d fields but the header has %d", row->n, ncols);
		return false;
	}
	bool ok = true;
	const char *by = opt_field(row, col[COL_BYEAR]);
	if (by) {
		char *end = NULL;
		long v = strlen(by) <= 4 ? strtol(by, &end, 10) : -1;
		if (v <= 0 || !end || *end) {
			add_error(imp, a, row->line, "birth_year '%.*s' must be a year such as 1985", Q(by));
			ok = false;
		} else {
			out->in.birth_year = (int)v;
		}
	}
	if (people_check(a, &out->in, imp->today, &fe) > 0) {
		for (int i = 0; i < fe.n; i++)
			add_error(imp, a, row->line, "%s %s", fe.field[i], fe.msg[i]);
		ok = false;
	}
	if (!*out->unit_code) {
		add_error(imp, a, row->line, "unit_code is empty");
		ok = false;
	}
	return ok;
}

static int audit_row(struct store *db, struct person_import *imp, const struct person_import_row *r)
{
	struct buf b;
	struct jw w;
	char id[24];
	int rc;
	buf_init(&b, 4096);
	jw_init(&w, &b);
	jw_obj(&w);
	jw_kint(&w, "unit_id", r->in.unit_id);
	jw_kstr(&w, "unit_code", r->unit_code);
	jw_kint(&w, "line", r->line);
	jw_end(&w);
	snprintf(id, sizeof id, "%" PRId64, r->id);
	if (b.err) {
		buf_release(&b);
		return STORE_E_NOMEM;
	}
	struct audit_entry e = {
	    .user_id = imp->who ? imp->who->user_id : 0,
	    .actor = imp->actor,
	    .address = imp->address,
	    .action = "person.import",
	    .entity = "person",
	    .entity_id = id,
	    .detail = buf_str(&b),
	};
	rc = audit_append(db, &e);
	buf_release(&b);
	return rc;
}

/* Does another person already hold this national id? STORE_ROW when so, STORE_DONE when not. */
static int national_id_taken(struct store *db, const char *hash)
{
	struct store_stmt *st;
	int64_t one;
	int rc = store_prepare(db, "SELECT 1 FROM people WHERE national_id_hash = $1", &st);
	if (rc)
		return rc;
	store_bind_text(st, 1, hash);
	return store_step_i64(st, &one);
}

int people_national_id_taken(struct store *db, const char *national_id)
{
	char hash[CRYPTO_HASH_HEX];
	if (crypto_keyed_hash_hex("national_id", national_id, strlen(national_id), hash) != 0)
		return STORE_E_CHECK;
	return national_id_taken(db, hash);
}

/* qsort_r comparator: row indices by their hash, then by position (so the first line comes first). */
static int cmp_by_hash(const void *x, const void *y, void *arg)
{
	const char(*hashes)[CRYPTO_HASH_HEX] = arg;
	int i = *(const int *)x, j = *(const int *)y;
	int c = strcmp(hashes[i], hashes[j]);
	return c ? c : (i > j) - (i < j);
}

/* Reports every row whose national id is on an earlier line of the file: rows sorted by hash, then
 * each run of equal hashes names its first line. STORE_OK or STORE_E_NOMEM. */
static int same_numbers(struct person_import *imp, struct arena *a, char (*hashes)[CRYPTO_HASH_HEX], int n)
{
	int *order = arena_alloc(a, sizeof *order * (size_t)n);
	int k = 0;
	if (!order)
		return STORE_E_NOMEM;
	for (int i = 0; i < n; i++)
		if (hashes[i][0])
			order[k++] = i;
	qsort_r(order, (size_t)k, sizeof *order, cmp_by_hash, hashes);
	for (int x = 1, first = 0; x < k; x++) {
		if (strcmp(hashes[order[x]], hashes[order[first]]) != 0) {
			first = x;
			continue;
		}
		add_error(imp, a, imp->rows[order[x]].line, "national_id is the same as on line %d",
			  imp->rows[order[first]].line);
	}
	return STORE_OK;
}

int people_import(struct store *db, struct arena *a, const char *data, size_t len, struct person_import *imp)
{
	int rc = STORE_E_NOMEM;
	bool in_tx = false;
	struct csvr_table t;
	struct csvr_limits lim = {
	    .max_field = 1024, .max_fields = 16, .max_rows = PERSON_IMPORT_MAX_ROWS + 1};
	int col[NCOLS];
	int err_line;
	char err[200];
	bool *ok = NULL;
	char(*hashes)[CRYPTO_HASH_HEX] = NULL;

	imp->nrows = imp->nerrors = imp->nerrors_total = 0;
	imp->rows = NULL;
	imp->errors = arena_alloc(a, sizeof *imp->errors * PERSON_IMPORT_MAX_ERRORS);
	if (!imp->errors)
		goto out;

	if (csvr_parse(a, data, len, &lim, &t, &err_line, err, sizeof err) != 0) {
		add_error(imp, a, err_line, "%s", err);
		rc = STORE_OK;
		goto out;
	}
	if (t.nrows == 0) {
		add_error(imp, a, 0, "the file is empty; it needs the header line " HEADER_TEXT);
		rc = STORE_OK;
		goto out;
	}
	if (!read_header(imp, a, &t.rows[0], col)) {
		rc = STORE_OK;
		goto out;
	}
	if (t.nrows == 1) {
		add_error(imp, a, 0, "the file has no people after its header line");
		rc = STORE_OK;
		goto out;
	}

	int n = t.nrows - 1;
	imp->rows = arena_alloc(a, sizeof *imp->rows * (size_t)n);
	ok = arena_alloc(a, sizeof *ok * (size_t)n);
	hashes = arena_alloc(a, sizeof *hashes * (size_t)n);
	if (!imp->rows || !ok || !hashes)
		goto out;
	imp->nrows = n;
	for (int i = 0; i < n; i++)
		ok[i] = check_row(imp, a, &t.rows[i + 1], t.rows[0].n, col, &imp->rows[i]);

	/* From here on the database is read; hold the write lock so what was checked stays true. */
	if (!imp->dry_run) {
		rc = store_begin(db);
		if (rc)
			goto out;
		in_tx = true;
	}
	for (int i = 0; i < n; i++) {
		struct person_import_row *r = &imp->rows[i];
		struct unit_row u;
		hashes[i][0] = '\0';
		if (!ok[i])
			continue;
		rc = units_get_by_code(db, a, r->unit_code, &u);
		if (rc < 0)
			goto out;
		if (rc == STORE_DONE || (imp->who && !perm_on_unit(imp->who, PERM_PEOPLE_READ, u.path))) {
			add_error(imp, a, r->line, "no unit has code '%.*s'", Q(r->unit_code));
		} else if (imp->who && !perm_on_unit(imp->who, PERM_PEOPLE_WRITE, u.path)) {
			add_error(imp, a, r->line, "you may not add people to '%.*s'", Q(r->unit_code));
		} else {
			r->in.unit_id = u.id;
		}
		if (!r->in.national_id)
			continue;
		if (crypto_keyed_hash_hex("national_id", r->in.national_id, strlen(r->in.national_id),
					  hashes[i]) != 0) {
			rc = STORE_E_CHECK;
			goto out;
		}
		rc = national_id_taken(db, hashes[i]);
		if (rc < 0)
			goto out;
		if (rc == STORE_ROW)
			add_error(imp, a, r->line, "national_id belongs to a person already on file");
	}
	rc = same_numbers(imp, a, hashes, n);
	if (rc)
		goto out;
	if (imp->nerrors_total || imp->dry_run) {
		rc = STORE_OK;
		goto out;
	}

	int64_t now = time_now();
	for (int i = 0; i < n; i++) {
		struct person_import_row *r = &imp->rows[i];
		struct person_row p;
		rc = people_insert(db, a, &r->in, now, &p);
		if (rc)
			goto out;
		r->id = p.id;
		rc = audit_row(db, imp, r);
		if (rc)
			goto out;
	}
	rc = store_commit(db);
	in_tx = false;
out:
	if (in_tx)
		store_rollback(db);
	if (hashes && imp->nrows)
		sodium_memzero(hashes, sizeof *hashes * (size_t)imp->nrows);
	csvr_errors_sort(imp->errors, imp->nerrors);
	return rc;
}
