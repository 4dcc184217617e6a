/*
 * units.c: SQL for the tree of units and the CSV import of units (see units.h). Shared SQL for both
 * engines. A subtree is `path LIKE '/1/5/%'`: paths hold only digits and slashes, so the pattern has
 * no wildcard but its last character. Permission rules are domain/perm.c's; this file only asks them.
 */
#include "store/units.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "lib/buf.h"
#include "lib/csv.h"
#include "lib/json.h"
#include "lib/timeutil.h"
#include "store/audit.h"

const char *const units_kind_names[] = {"province", "commune", "block", "group", NULL};

int units_kind_parse(const char *name)
{
	for (int i = 0; units_kind_names[i]; i++)
		if (strcmp(units_kind_names[i], name) == 0)
			return i;
	return -1;
}

bool units_kind_fits(int kind, int parent_kind)
{
	if (kind < 0 || kind >= UNIT_KIND_COUNT)
		return false;
	if (kind == UNIT_PROVINCE)
		return parent_kind == -1;
	return parent_kind == kind - 1;
}

const char *units_kind_rule(int kind)
{
	switch (kind) {
	case UNIT_PROVINCE:
		return "a province has no parent";
	case UNIT_COMMUNE:
		return "a commune must be under a province";
	case UNIT_BLOCK:
		return "a block must be under a commune";
	case UNIT_GROUP:
		return "a group must be under a block";
	default:
		return "kind must be province, commune, block or group";
	}
}

bool units_code_valid(const char *code)
{
	size_t n = code ? strlen(code) : 0;
	if (n < 1 || n > UNIT_CODE_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = code[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '_' || c == '-'))
			return false;
	}
	return true;
}

bool units_name_valid(const char *name)
{
	size_t n = name ? strlen(name) : 0;
	bool blank = true;
	if (n < 1 || n > UNIT_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];
		if (c < 0x20 || c == 0x7f)
			return false;
		if (c != ' ')
			blank = false;
	}
	return !blank;
}

/* ---- queries ---- */

#define UNIT_COLS "id, parent_id, kind, code, name, path, commune_id, created_at, updated_at"

static const char *dup(struct arena *a, const char *s)
{
	return arena_strdup(a, s ? s : "");
}

static int read_unit(struct store_stmt *st, struct arena *a, struct unit_row *u)
{
	int kind = units_kind_parse(store_col_text(st, 2) ? store_col_text(st, 2) : "");
	u->id = store_col_i64(st, 0);
	u->parent_id = store_col_opt_i64(st, 1);
	u->kind = kind < 0 ? UNIT_GROUP : (enum unit_kind)kind;
	u->code = dup(a, store_col_text(st, 3));
	u->name = dup(a, store_col_text(st, 4));
	u->path = dup(a, store_col_text(st, 5));
	u->commune_id = store_col_opt_i64(st, 6);
	u->created_at = store_col_i64(st, 7);
	u->updated_at = store_col_i64(st, 8);
	return u->code && u->name && u->path ? STORE_OK : STORE_E_NOMEM;
}

/* Steps st for one row into *u: STORE_ROW, STORE_DONE or an error; resets st. */
static int one_unit(struct store_stmt *st, struct arena *a, struct unit_row *u)
{
	int rc = store_step(st);
	if (rc == STORE_ROW && read_unit(st, a, u) != STORE_OK)
		rc = STORE_E_NOMEM;
	store_reset(st);
	return rc;
}

/* Steps st for up to limit rows into an arena array; resets st. */
static int many_units(struct store_stmt *st, struct arena *a, int limit, struct unit_row **out, int *n)
{
	int rc, k = 0;
	struct unit_row *rows = arena_alloc(a, sizeof *rows * (size_t)(limit > 0 ? limit : 1));
	*out = NULL;
	*n = 0;
	if (!rows) {
		store_reset(st);
		return STORE_E_NOMEM;
	}
	while (k < limit && (rc = store_step(st)) == STORE_ROW) {
		if (read_unit(st, a, &rows[k]) != STORE_OK) {
			rc = STORE_E_NOMEM;
			break;
		}
		k++;
	}
	if (k == limit)
		rc = STORE_DONE;
	store_reset(st);
	if (rc < 0)
		return rc;
	*out = rows;
	*n = k;
	return STORE_OK;
}

int units_get(struct store *db, struct arena *a, int64_t id, struct unit_row *u)
{
	struct store_stmt *st;
	int rc = store_prepare(db, "SELECT " UNIT_COLS " FROM units WHERE id = $1", &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, id);
	return one_unit(st, a, u);
}

int units_get_by_code(struct store *db, struct arena *a, const char *code, struct unit_row *u)
{
	struct store_stmt *st;
	int rc = store_prepare(db, "SELECT " UNIT_COLS " FROM units WHERE code = $1", &st);
	if (rc)
		return rc;
	store_bind_text(st, 1, code);
	return one_unit(st, a, u);
}

int units_children(struct store *db, struct arena *a, int64_t parent_id, int64_t after, int limit,
		   struct unit_row **out, int *n)
{
	struct store_stmt *st;
	int rc = store_prepare(
	    db, "SELECT " UNIT_COLS " FROM units WHERE parent_id = $1 AND id > $2 ORDER BY id LIMIT $3", &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, parent_id);
	store_bind_i64(st, 2, after);
	store_bind_i64(st, 3, limit);
	return many_units(st, a, limit, out, n);
}

int units_subtree(struct store *db, struct arena *a, const char *path, int64_t after, int limit,
		  struct unit_row **out, int *n)
{
	struct store_stmt *st;
	char pattern[512];
	if (snprintf(pattern, sizeof pattern, "%s%%", path) >= (int)sizeof pattern)
		return STORE_E_DB;
	int rc = store_prepare(
	    db, "SELECT " UNIT_COLS " FROM units WHERE path LIKE $1 AND id > $2 ORDER BY id LIMIT $3", &st);
	if (rc)
		return rc;
	store_bind_text(st, 1, pattern);
	store_bind_i64(st, 2, after);
	store_bind_i64(st, 3, limit);
	return many_units(st, a, limit, out, n);
}

int units_all(struct store *db, struct arena *a, int64_t after, int limit, struct unit_row **out, int *n)
{
	struct store_stmt *st;
	int rc = store_prepare(db, "SELECT " UNIT_COLS " FROM units WHERE id > $1 ORDER BY id LIMIT $2", &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, after);
	store_bind_i64(st, 2, limit);
	return many_units(st, a, limit, out, n);
}

int units_insert(struct store *db, struct arena *a, const struct unit_row *parent, enum unit_kind kind,
		 const char *code, const char *name, int64_t now, struct unit_row *u)
{
	struct store_stmt *st;
	int64_t id = 0;
	int rc =
	    store_prepare(db,
			  "INSERT INTO units (parent_id, kind, code, name, path, commune_id, created_at, "
			  "updated_at) VALUES ($1, $2, $3, $4, '', NULL, $5, $5) RETURNING id",
			  &st);
	if (rc)
		return rc;
	if (parent)
		store_bind_i64(st, 1, parent->id);
	else
		store_bind_null(st, 1);
	store_bind_text(st, 2, units_kind_names[kind]);
	store_bind_text(st, 3, code);
	store_bind_text(st, 4, name);
	store_bind_i64(st, 5, now);
	rc = store_step_i64(st, &id);
	if (rc != STORE_ROW)
		return rc < 0 ? rc : STORE_E_DB;

	char *path = arena_printf(a, "%s%" PRId64 "/", parent ? parent->path : "/", id);
	if (!path)
		return STORE_E_NOMEM;
	int64_t commune =
	    kind == UNIT_COMMUNE ? id : (parent && kind != UNIT_PROVINCE ? parent->commune_id : 0);
	rc = store_prepare(db, "UPDATE units SET path = $2, commune_id = $3 WHERE id = $1", &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, id);
	store_bind_text(st, 2, path);
	store_bind_opt_i64(st, 3, commune);
	rc = store_run(st);
	if (rc)
		return rc;
	*u = (struct unit_row){
	    .id = id,
	    .parent_id = parent ? parent->id : 0,
	    .kind = kind,
	    .code = arena_strdup(a, code),
	    .name = arena_strdup(a, name),
	    .path = path,
	    .commune_id = commune,
	    .created_at = now,
	    .updated_at = now,
	};
	return u->code && u->name ? STORE_OK : STORE_E_NOMEM;
}

int units_update(struct store *db, int64_t id, const char *code, const char *name, int64_t now)
{
	struct store_stmt *st;
	int64_t got;
	int rc = store_prepare(
	    db, "UPDATE units SET code = $2, name = $3, updated_at = $4 WHERE id = $1 RETURNING id", &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, id);
	store_bind_text(st, 2, code);
	store_bind_text(st, 3, name);
	store_bind_i64(st, 4, now);
	rc = store_step_i64(st, &got);
	return rc == STORE_ROW ? STORE_OK : rc;
}

int units_holds(struct store *db, int64_t id, const char **what)
{
	static const struct {
		const char *sql;
		const char *what;
	} checks[] = {
	    {"SELECT 1 FROM units WHERE parent_id = $1 LIMIT 1", "child units"},
	    {"SELECT 1 FROM grants WHERE unit_id = $1 LIMIT 1", "user grants"},
	};
	*what = NULL;
	for (size_t i = 0; i < sizeof checks / sizeof checks[0]; i++) {
		struct store_stmt *st;
		int64_t one;
		int rc = store_prepare(db, checks[i].sql, &st);
		if (rc)
			return rc;
		store_bind_i64(st, 1, id);
		rc = store_step_i64(st, &one);
		if (rc < 0)
			return rc;
		if (rc == STORE_ROW) {
			*what = checks[i].what;
			return STORE_OK;
		}
	}
	return STORE_OK;
}

int units_delete(struct store *db, int64_t id)
{
	struct store_stmt *st;
	int64_t got;
	int rc = store_prepare(db, "DELETE FROM units WHERE id = $1 RETURNING id", &st);
	if (rc)
		return rc;
	store_bind_i64(st, 1, id);
	rc = store_step_i64(st, &got);
	return rc == STORE_ROW ? STORE_OK : rc;
}

int units_count(struct store *db, int64_t *n)
{
	struct store_stmt *st;
	int rc = store_prepare(db, "SELECT COUNT(*) FROM units", &st);
	if (rc)
		return rc;
	rc = store_step_i64(st, n);
	return rc == STORE_ROW ? STORE_OK : (rc < 0 ? rc : STORE_E_DB);
}

/* ---- CSV import ---- */

enum { COL_CODE, COL_NAME, COL_KIND, COL_PARENT, NCOLS };
static const char *const col_names[NCOLS] = {"code", "name", "kind", "parent_code"};

/* What the checking pass learns about a row, beyond struct unit_import_row. */
struct row_state {
	bool ok;		   /* every field of the row is well-formed */
	int parent_row;		   /* index of the parent in the file, or -1 */
	struct unit_row parent_db; /* the parent from the database when parent_row is -1 and it has one */
	struct unit_row written;   /* after insertion */
};

/* Codes of the file → first row index; open addressing, size a power of two. */
struct code_map {
	int *slot; /* row index + 1; 0 empty */
	size_t mask;
};

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

/* Returns the row index holding code, or -1; inserts `row` when absent and row >= 0. */
static int map_find_or_add(struct code_map *m, struct unit_import_row *rows, const char *code, int row)
{
	for (size_t i = hash_str(code) & m->mask;; i = (i + 1) & m->mask) {
		if (!m->slot[i]) {
			if (row >= 0)
				m->slot[i] = row + 1;
			return -1;
		}
		if (strcmp(rows[m->slot[i] - 1].code, code) == 0)
			return m->slot[i] - 1;
	}
}

static void add_error(struct unit_import *imp, struct arena *a, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void add_error(struct unit_import *imp, struct arena *a, int line, const char *fmt, ...)
{
	char msg[300];
	va_list ap;
	imp->nerrors_total++;
	if (imp->nerrors >= UNIT_IMPORT_MAX_ERRORS)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	const char *copy = arena_strdup(a, msg);
	imp->errors[imp->nerrors++] = (struct csvr_error){.line = line, .msg = copy ? copy : "error"};
}

#define Q(s) csvr_quote_len(s), (s)

/* May `who` add a province? Only a grant over the whole installation covers the root "/". */
static bool is_installation_admin(const struct principal *who)
{
	return perm_on_unit(who, PERM_UNITS_WRITE, "/");
}

/* Reads the header row into col[]; records errors. Returns true when every column is there once. */
static bool read_header(struct unit_import *imp, struct arena *a, const struct csvr_row *h, int col[NCOLS])
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
			add_error(imp, a, h->line,
				  "unknown column '%.*s'; the header must be code,name,kind,parent_code",
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
			add_error(imp, a, h->line,
				  "missing column '%s'; the header must be code,name,kind,parent_code",
				  col_names[c]);
			ok = false;
		}
	}
	return ok;
}

/* First pass over one data row: the fields on their own. */
static void check_fields(struct unit_import *imp, struct arena *a, const struct csvr_row *row, int ncols,
			 const int col[NCOLS], struct unit_import_row *out, struct row_state *rs)
{
	rs->ok = false;
	rs->parent_row = -1;
	out->line = row->line;
	out->code = csvr_field(row, col[COL_CODE]);
	out->name = csvr_field(row, col[COL_NAME]);
	out->parent_code = csvr_field(row, col[COL_PARENT]);
	if (!*out->parent_code)
		out->parent_code = NULL;
	const char *kind = csvr_field(row, col[COL_KIND]);
	int k = units_kind_parse(kind);
	out->kind = k < 0 ? UNIT_GROUP : (enum unit_kind)k;

	if (row->n != ncols) {
		add_error(imp, a, row->line, "this line has %d fields but the header has %d", row->n, ncols);
		return;
	}
	bool ok = true;
	if (!*out->code) {
		add_error(imp, a, row->line, "code is empty");
		ok = false;
	} else if (!units_code_valid(out->code)) {
		add_error(imp, a, row->line, "code '%.*s' must be 1 to %d letters, digits, '.', '_' or '-'",
			  Q(out->code), UNIT_CODE_MAX);
		ok = false;
	}
	if (!*out->name) {
		add_error(imp, a, row->line, "name is empty");
		ok = false;
	} else if (!units_name_valid(out->name)) {
		add_error(imp, a, row->line, "name must be 1 to %d bytes of text without control characters",
			  UNIT_NAME_MAX);
		ok = false;
	}
	if (k < 0) {
		add_error(imp, a, row->line, "kind '%.*s' must be province, commune, block or group",
			  Q(kind));
		ok = false;
	}
	if (out->parent_code && !units_code_valid(out->parent_code)) {
		add_error(imp, a, row->line, "parent_code '%.*s' is not a unit code", Q(out->parent_code));
		ok = false;
	}
	rs->ok = ok;
}

/* Second pass over one well-formed row: uniqueness, parent, hierarchy, permission. */
static int check_links(struct store *db, struct unit_import *imp, struct arena *a, struct code_map *map,
		       int i, struct row_state *rs)
{
	struct unit_import_row *r = &imp->rows[i];
	struct unit_row found;
	int first = map_find_or_add(map, imp->rows, r->code, -1);
	int rc;

	if (first >= 0 && first != i) {
		add_error(imp, a, r->line, "code '%s' is already on line %d", r->code, imp->rows[first].line);
		return STORE_OK;
	}
	rc = units_get_by_code(db, a, r->code, &found);
	if (rc < 0)
		return rc;
	if (rc == STORE_ROW) {
		add_error(imp, a, r->line, "code '%s' already exists", r->code);
		return STORE_OK;
	}
	if (r->kind == UNIT_PROVINCE) {
		if (r->parent_code)
			add_error(imp, a, r->line, "a province has no parent; leave parent_code empty");
		else if (imp->who && !is_installation_admin(imp->who))
			add_error(imp, a, r->line, "only an installation admin may add a province");
		return STORE_OK;
	}
	if (!r->parent_code) {
		add_error(imp, a, r->line, "parent_code is empty; %s", units_kind_rule(r->kind));
		return STORE_OK;
	}
	int p = map_find_or_add(map, imp->rows, r->parent_code, -1);
	int parent_kind;
	if (p >= 0) {
		if (p >= i) {
			add_error(imp, a, r->line, "parent '%s' is on line %d; put it before this line",
				  r->parent_code, imp->rows[p].line);
			return STORE_OK;
		}
		if (!rs[p].ok)
			return STORE_OK; /* the parent's own line already has an error */
		rs[i].parent_row = p;
		parent_kind = (int)imp->rows[p].kind;
	} else {
		rc = units_get_by_code(db, a, r->parent_code, &rs[i].parent_db);
		if (rc < 0)
			return rc;
		if (rc == STORE_DONE ||
		    (imp->who && !perm_on_unit(imp->who, PERM_UNITS_READ, rs[i].parent_db.path))) {
			add_error(imp, a, r->line, "no unit has code '%s', in this file or already",
				  r->parent_code);
			return STORE_OK;
		}
		if (imp->who && !perm_on_unit(imp->who, PERM_UNITS_WRITE, rs[i].parent_db.path)) {
			add_error(imp, a, r->line, "you may not add units under '%s'", r->parent_code);
			return STORE_OK;
		}
		parent_kind = (int)rs[i].parent_db.kind;
	}
	if (!units_kind_fits((int)r->kind, parent_kind))
		add_error(imp, a, r->line, "%s, but '%s' is a %s", units_kind_rule(r->kind), r->parent_code,
			  units_kind_names[parent_kind]);
	return STORE_OK;
}

/* Writes the audit entry of one imported unit. */
static int audit_row(struct store *db, struct unit_import *imp, const struct unit_import_row *r,
		     const struct unit_row *u)
{
	struct buf b;
	struct jw w;
	char id[24];
	int rc;
	buf_init(&b, 4096);
	jw_init(&w, &b);
	jw_obj(&w);
	jw_kstr(&w, "code", u->code);
	jw_kstr(&w, "name", u->name);
	jw_kstr(&w, "kind", units_kind_names[u->kind]);
	if (u->parent_id)
		jw_kint(&w, "parent_id", u->parent_id);
	else
		jw_knull(&w, "parent_id");
	jw_kint(&w, "line", r->line);
	jw_end(&w);
	snprintf(id, sizeof id, "%" PRId64, u->id);
	if (b.err) {
		buf_release(&b);
		return STORE_E_NOMEM;
	}
	struct audit_entry e = {
	    .user_id = imp->who ? imp->who->user_id : 0,
	    .actor = imp->actor,
	    .address = imp->address,
	    .action = "unit.import",
	    .entity = "unit",
	    .entity_id = id,
	    .detail = buf_str(&b),
	};
	rc = audit_append(db, &e);
	buf_release(&b);
	return rc;
}

int units_import(struct store *db, struct arena *a, const char *data, size_t len, struct unit_import *imp)
{
	int rc = STORE_E_NOMEM;
	bool in_tx = false;
	struct csvr_table t;
	struct csvr_limits lim = {.max_field = 1024, .max_fields = 16, .max_rows = UNIT_IMPORT_MAX_ROWS + 1};
	int col[NCOLS];
	int err_line;
	char err[200];
	struct row_state *rs = NULL;

	imp->nrows = imp->nerrors = imp->nerrors_total = 0;
	imp->rows = NULL;
	imp->errors = arena_alloc(a, sizeof *imp->errors * UNIT_IMPORT_MAX_ERRORS);
	if (!imp->errors)
		goto out;

	if (csvr_parse(a, data, len, &lim, &t, &err_line, err, sizeof err) != 0) {
		add_error(imp, a, err_line, "%s", err);
		rc = STORE_OK;
		goto out;
	}
	if (t.nrows == 0) {
		add_error(imp, a, 0,
			  "the file is empty; it needs the header line code,name,kind,parent_code");
		rc = STORE_OK;
		goto out;
	}
	if (!read_header(imp, a, &t.rows[0], col)) {
		rc = STORE_OK;
		goto out;
	}
	if (t.nrows == 1) {
		add_error(imp, a, 0, "the file has no units after its header line");
		rc = STORE_OK;
		goto out;
	}

	int n = t.nrows - 1;
	size_t cap = 16;
	while (cap < (size_t)n * 2)
		cap *= 2;
	struct code_map map = {.slot = arena_alloc(a, sizeof(int) * cap), .mask = cap - 1};
	imp->rows = arena_alloc(a, sizeof *imp->rows * (size_t)n);
	rs = arena_alloc(a, sizeof *rs * (size_t)n);
	if (!map.slot || !imp->rows || !rs)
		goto out;
	imp->nrows = n;
	for (int i = 0; i < n; i++) {
		check_fields(imp, a, &t.rows[i + 1], t.rows[0].n, col, &imp->rows[i], &rs[i]);
		if (rs[i].ok)
			map_find_or_add(&map, imp->rows, imp->rows[i].code, i);
	}

	/* From here on the database is read; hold the write lock so what was checked stays true. */
	if (!imp->dry_run) {
		rc = store_begin(db);
		if (rc)
			goto out;
		in_tx = true;
	}
	for (int i = 0; i < n; i++) {
		if (!rs[i].ok)
			continue;
		rc = check_links(db, imp, a, &map, i, rs);
		if (rc < 0)
			goto out;
	}
	if (imp->nerrors_total || imp->dry_run) {
		rc = STORE_OK;
		goto out;
	}

	int64_t now = time_now();
	for (int i = 0; i < n; i++) {
		struct unit_import_row *r = &imp->rows[i];
		const struct unit_row *parent = NULL;
		if (rs[i].parent_row >= 0)
			parent = &rs[rs[i].parent_row].written;
		else if (r->parent_code)
			parent = &rs[i].parent_db;
		rc = units_insert(db, a, parent, r->kind, r->code, r->name, now, &rs[i].written);
		if (rc)
			goto out;
		r->id = rs[i].written.id;
		rc = audit_row(db, imp, r, &rs[i].written);
		if (rc)
			goto out;
	}
	rc = store_commit(db);
	in_tx = false;
out:
	if (in_tx)
		store_rollback(db);
	csvr_errors_sort(imp->errors, imp->nerrors);
	return rc;
}
