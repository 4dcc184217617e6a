/*
 * tips.c: the tip endpoints. Public (no login, no cookie read, nothing about the client stored or
 * logged): the categories, submitting a tip (JSON, or multipart/form-data with a `tip` part and up to 5
 * `files`), and following it with the receipt — its status and messages, and writing back. Officers:
 * the inbox (filters, tone-free search, keyset pages), a tip with its timeline, messages and files,
 * triage through the state machine (domain/tip_status.h), replies, the audited identity reveal, and the
 * files themselves.
 *
 * Privacy: the receipt (16 random digits) is shown once in the 201 answer and stored only as a keyed
 * hash; the identity is sealed (crypto_seal) and leaves only through POST …/reveal, audited with its
 * reason. Rate limits count per keyed hash of the client address in the database (public_throttle),
 * never the address; public actions are audited with actor "public" and no address. Tips that name no
 * unit go to the installation's only commune; with several communes a unit_id is required.
 */
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/api.h"
#include "domain/tip_status.h"
#include "http/stream.h"
#include "lib/crypto.h"
#include "lib/media.h"
#include "lib/timeutil.h"
#include "store/cases.h"
#include "store/tips.h"
#include "store/units.h"
#include "store/uploads.h"
#include "store/users.h"

#define TIP_FILES_MAX 5
#define TIP_FILE_BYTES (10u << 20)
#define TIP_JSON_MAX (64u << 10)
#define RECEIPT_DIGITS 16
#define REASON_MIN 5
#define REASON_MAX 500
#define THROTTLE_WINDOW 3600
#define SUBMIT_PER_HOUR 30	 /* per client address; mobile carriers put many people behind one */
#define LOOKUP_FAILS_PER_HOUR 10 /* wrong receipts per client address: 10 guesses an hour in 10^16 */
#define MESSAGES_PER_HOUR 20
#define TIMELINE_MAX 500
#define MESSAGES_MAX 500

static const char *id_text(struct req *r, int64_t id)
{
	return arena_printf(&r->arena, "%" PRId64, id);
}

int api_tips_record_event(struct req *r, const char *name, int64_t id, int64_t now, int64_t *event_id)
{
	struct tip_row t;
	int rc = tips_get(r->db, &r->arena, id, &t);
	if (rc != STORE_ROW)
		return rc == STORE_DONE ? STORE_E_DB : rc;
	struct buf b;
	struct jw w;
	buf_init(&b, 1024);
	jw_init(&w, &b);
	jw_obj(&w);
	jw_kint(&w, "id", t.id);
	jw_kstr(&w, "status", t.status);
	jw_kstr(&w, "category", t.category);
	jw_kint(&w, "unit_id", t.unit_id);
	jw_ktime(&w, "created_at", t.created_at);
	jw_end(&w);
	rc = b.err ? STORE_E_NOMEM
		   : stream_record(r->db,
				   &(struct stream_event){.name = name,
							  .perm = PERM_TIPS_READ,
							  .reach = STREAM_REACH_RECORD,
							  .unit_path = t.unit_path,
							  .commune_id = t.commune_id,
							  .data = buf_str(&b)},
				   now, event_id);
	buf_release(&b);
	return rc;
}

int api_parse_period(struct req *r, const char *name, bool end, int64_t *out)
{
	const char *s = http_query(r, name);
	*out = 0;
	if (!s || !*s)
		return APP_OK;
	if (time_parse_rfc3339(s, out) != 0) {
		field_err(&r->fields, name, "must be a date (YYYY-MM-DD) or an RFC 3339 time");
		return APP_E_PARAM;
	}
	if (end && strlen(s) == 10)
		*out += 86400; /* a date as the end takes in the whole day */
	return APP_OK;
}

/* ---- rate limits ---- */

/* The throttle key for `what` and the client address: what + ":" + keyed hash (never the address). */
static const char *throttle_key(struct req *r, const char *what)
{
	char h[CRYPTO_HASH_HEX];
	if (crypto_keyed_hash_hex("client_address", r->addr, strlen(r->addr), h) != 0)
		return NULL;
	return arena_printf(&r->arena, "%s:%s", what, h);
}

/* APP_E_LIMIT with Retry-After when key has `limit` entries in the window; APP_OK when not. */
static int throttled(struct req *r, const char *key, int limit, const char *msg)
{
	int count = 0;
	int64_t oldest = 0, now = time_now();
	if (!key)
		return APP_E_INTERNAL;
	int rc = throttle_recent(r->db, key, now - THROTTLE_WINDOW + 1, limit, &count, &oldest);
	if (rc)
		return http_fail_store(r, rc);
	if (count < limit)
		return APP_OK;
	int64_t wait = oldest + THROTTLE_WINDOW - now;
	char *v = arena_printf(&r->arena, "%" PRId64, wait < 1 ? (int64_t)1 : wait);
	if (v)
		http_header(r, "Retry-After", v);
	r->err_code = "rate_limited";
	return http_fail(r, APP_E_LIMIT, msg);
}

static const char submit_limited[] = "too many tips from this connection; try again later";

/* Records one count of key in its own transaction (a refused look-up changes nothing else). */
static int count_alone(struct req *r, const char *key)
{
	int64_t now = time_now();
	int rc = store_begin(r->db);
	if (rc)
		return rc;
	rc = throttle_add(r->db, key, now, now - THROTTLE_WINDOW);
	if (rc == STORE_OK)
		rc = store_commit(r->db);
	else
		store_rollback(r->db);
	return rc;
}

/* ---- audit ---- */

static int audit_tip(struct req *r, bool public_actor, const char *action, int64_t id, const char *detail)
{
	return public_actor ? api_audit_as(r, 0, "public", action, "tip", id, detail)
			    : api_audit(r, action, "tip", id, detail);
}

/* ---- GET /api/v1/public/tip-categories ---- */

int api_public_tip_categories(struct req *r)
{
	struct tip_category *c;
	int n;
	int rc = tips_categories(r->db, &r->arena, &c, &n);
	if (rc)
		return http_fail_store(r, rc);
	struct jw *w = http_json(r, 200);
	http_header(r, "Cache-Control", "public, max-age=300");
	jw_obj(w);
	jw_key(w, "data");
	jw_arr(w);
	for (int i = 0; i < n; i++) {
		jw_obj(w);
		jw_kstr(w, "code", c[i].code);
		jw_kstr(w, "name", c[i].name_vi);
		jw_kstr(w, "name_en", c[i].name_en);
		jw_kbool(w, "public", c[i].is_public);
		jw_end(w);
	}
	jw_end(w);
	jw_end(w);
	return APP_OK;
}

/* ---- multipart/form-data ---- */

struct part {
	const char *name;     /* arena */
	const char *filename; /* arena, NULL when not a file; shown in messages only, never stored */
	const char *data;     /* into the request body */
	size_t len;
};

#define PARTS_MAX 16
#define PART_HEADERS_MAX 8192

/* The value of parameter `key` in a header value such as `form-data; name="tip"; filename="a.jpg"`
 * (arena copy; NULL when absent). Quoted values may hold backslash escapes. */
static const char *header_param(struct arena *a, const char *v, size_t vlen, const char *key)
{
	size_t klen = strlen(key), i = 0;
	while (i < vlen) {
		while (i < vlen && v[i] != ';')
			i++;
		if (i >= vlen)
			break;
		i++;
		while (i < vlen && (v[i] == ' ' || v[i] == '\t'))
			i++;
		if (vlen - i > klen && strncasecmp(v + i, key, klen) == 0 && v[i + klen] == '=') {
			i += klen + 1;
			char *out = arena_alloc(a, vlen - i + 1);
			size_t o = 0;
			if (!out)
				return NULL;
			if (i < vlen && v[i] == '"') {
				for (i++; i < vlen && v[i] != '"'; i++) {
					if (v[i] == '\\' && i + 1 < vlen)
						i++;
					out[o++] = v[i];
				}
			} else {
				while (i < vlen && v[i] != ';' && v[i] != ' ')
					out[o++] = v[i++];
			}
			out[o] = '\0';
			return out;
		}
	}
	return NULL;
}

/* Splits a multipart/form-data body into parts. Returns APP_OK, or an error with its message. */
static int multipart_parse(struct req *r, const char *ctype, struct part *parts, int *nparts)
{
	const char *bd = header_param(&r->arena, ctype, strlen(ctype), "boundary");
	const char *body = r->body.data ? r->body.data : "";
	size_t blen = r->body.len;
	*nparts = 0;
	if (!bd || !*bd || strlen(bd) > 200)
		return http_fail(r, APP_E_PARAM, "the multipart body has no boundary");
	char *delim = arena_printf(&r->arena, "\r\n--%s", bd);
	if (!delim)
		return APP_E_NOMEM;
	size_t dlen = strlen(delim);
	/* the first delimiter may open the body (without the CRLF before it) */
	const char *p;
	if (blen >= dlen - 2 && memcmp(body, delim + 2, dlen - 2) == 0)
		p = body + dlen - 2;
	else {
		p = memmem(body, blen, delim, dlen);
		if (!p)
			return http_fail(r, APP_E_PARAM, "the multipart body has no parts");
		p += dlen;
	}
	const char *end = body + blen;
	for (;;) {
		if (end - p >= 2 && p[0] == '-' && p[1] == '-')
			return APP_OK; /* the closing delimiter */
		if (end - p < 2 || p[0] != '\r' || p[1] != '\n')
			return http_fail(r, APP_E_PARAM, "the multipart body is malformed");
		p += 2;
		if (*nparts == PARTS_MAX)
			return http_fail(r, APP_E_PARAM, "the multipart body has too many parts");
		size_t room = (size_t)(end - p) < PART_HEADERS_MAX ? (size_t)(end - p) : PART_HEADERS_MAX;
		const char *hend = memmem(p, room, "\r\n\r\n", 4);
		if (!hend)
			return http_fail(r, APP_E_PARAM,
					 "a part of the multipart body has no end to its headers");
		struct part *pt = &parts[*nparts];
		memset(pt, 0, sizeof *pt);
		for (const char *line = p; line < hend;) {
			const char *eol = memmem(line, (size_t)(hend - line) + 2, "\r\n", 2);
			if (!eol)
				eol = hend;
			size_t llen = (size_t)(eol - line);
			if (llen > 20 && strncasecmp(line, "Content-Disposition:", 20) == 0) {
				pt->name = header_param(&r->arena, line + 20, llen - 20, "name");
				pt->filename = header_param(&r->arena, line + 20, llen - 20, "filename");
			}
			line = eol + 2;
		}
		if (!pt->name)
			return http_fail(r, APP_E_PARAM, "a part of the multipart body has no name");
		pt->data = hend + 4;
		const char *next = memmem(pt->data, (size_t)(end - pt->data), delim, dlen);
		if (!next)
			return http_fail(r, APP_E_PARAM,
					 "the multipart body ends before its closing boundary");
		pt->len = (size_t)(next - pt->data);
		(*nparts)++;
		p = next + dlen;
	}
}

/* A file name fit for an error message: at most 80 bytes, whole UTF-8 characters, no control
 * characters or quotes. */
static const char *shown_name(struct req *r, const char *name, int index)
{
	if (!name || !*name)
		return arena_printf(&r->arena, "file %d", index + 1);
	size_t n = strlen(name);
	if (n > 80) {
		n = 80;
		while (n > 0 && ((unsigned char)name[n] & 0xC0) == 0x80)
			n--;
	}
	char *s = arena_strndup(&r->arena, name, n);
	if (!s)
		return "file";
	for (char *c = s; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == '\'' || *c == '"' || *c == 0x7f)
			*c = '_';
	return s;
}

/* ---- POST /api/v1/public/tips ---- */

struct upload {
	enum media_kind kind;
	unsigned char *data; /* stripped copy, malloc'd */
	size_t len;
	char sha[CRYPTO_HASH_HEX];
	bool created;
};

/* Removes the stored files this request created (a tip that failed after writing them). */
static void remove_created(struct upload *up, int nup)
{
	for (int i = 0; i < nup; i++)
		if (up[i].created) {
			uploads_remove(up[i].sha);
			up[i].created = false;
		}
}

static const char *const tip_fields[] = {"category", "description", "unit_id",	 "address",  "lat",
					 "lng",	     "occurred_at", "anonymous", "identity", NULL};
static const char *const identity_fields[] = {"name", "phone", "national_id", "address", NULL};

/* Is s free of control characters other than newline and tab? */
static bool text_clean(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if ((*p < 0x20 && *p != '\n' && *p != '\t' && *p != '\r') || *p == 0x7f)
			return false;
	return true;
}

/* Reads and checks the tip's JSON into in; the identity JSON text (to seal) into *identity. */
static void read_tip(struct req *r, json_t *o, struct tip_input *in, int64_t *unit_id, char **identity)
{
	struct field_errs *fe = &r->fields;
	const char *s;
	int64_t v;
	*identity = NULL;
	jf_no_unknown(o, tip_fields, fe);
	jf_str(o, "category", JF_REQUIRED, 64, &in->category, fe);
	if (jf_str(o, "description", JF_REQUIRED, TIP_DESCRIPTION_MAX, &in->description, fe) == 1 &&
	    !text_clean(in->description))
		field_err(fe, "description", "must not hold control characters");
	if (jf_int(o, "unit_id", JF_OPTIONAL, 1, ((int64_t)1 << 53) - 1, &v, fe) == 1)
		*unit_id = v;
	if (jf_str(o, "address", JF_OPTIONAL, TIP_ADDRESS_MAX, &s, fe) == 1 && *s) {
		if (!text_clean(s))
			field_err(fe, "address", "must not hold control characters");
		in->address = s;
	}
	json_t *lat = json_object_get(o, "lat"), *lng = json_object_get(o, "lng");
	bool has_lat = lat && !json_is_null(lat), has_lng = lng && !json_is_null(lng);
	if (has_lat != has_lng) {
		field_err(fe, has_lat ? "lng" : "lat", "give both lat and lng, or neither");
	} else if (has_lat) {
		if (!json_is_number(lat) || json_number_value(lat) < -90 || json_number_value(lat) > 90)
			field_err(fe, "lat", "must be a latitude from -90 to 90");
		if (!json_is_number(lng) || json_number_value(lng) < -180 || json_number_value(lng) > 180)
			field_err(fe, "lng", "must be a longitude from -180 to 180");
		in->has_location = true;
		in->lat = json_number_value(lat);
		in->lng = json_number_value(lng);
	}
	if (jf_str(o, "occurred_at", JF_OPTIONAL, 40, &s, fe) == 1) {
		if (time_parse_rfc3339(s, &in->occurred_at) != 0)
			field_err(fe, "occurred_at", "must be an RFC 3339 time or a date (YYYY-MM-DD)");
		else if (in->occurred_at > time_now() + 86400)
			field_err(fe, "occurred_at", "must not be in the future");
		else if (in->occurred_at < 946684800)
			field_err(fe, "occurred_at", "must be after the year 2000");
	}
	bool anon = true;
	if (jf_bool(o, "anonymous", JF_OPTIONAL, &anon, fe) >= 0)
		in->anonymous = anon;
	json_t *id = json_object_get(o, "identity");
	if (id && !json_is_null(id)) {
		if (!json_is_object(id)) {
			field_err(fe, "identity", "must be an object with name, phone, national_id, address");
			return;
		}
		if (anon) {
			field_err(fe, "identity",
				  "an anonymous tip carries no identity; set anonymous to false");
			return;
		}
		struct field_errs sub = {0};
		jf_no_unknown(id, identity_fields, &sub);
		json_t *clean = json_object();
		static const size_t maxlen[] = {200, 32, 20, TIP_ADDRESS_MAX};
		for (int i = 0; identity_fields[i]; i++) {
			const char *val;
			if (jf_str(id, identity_fields[i], JF_OPTIONAL, maxlen[i], &val, &sub) == 1 && *val) {
				if (!text_clean(val))
					field_err(&sub, identity_fields[i],
						  "must not hold control characters");
				json_object_set_new(clean, identity_fields[i], json_string(val));
			}
		}
		for (int i = 0; i < sub.n; i++)
			field_err(fe, arena_printf(&r->arena, "identity.%s", sub.field[i]), sub.msg[i]);
		if (sub.n == 0 && json_object_size(clean) == 0)
			field_err(fe, "identity",
				  "give at least one way to reach you, or send the tip anonymously");
		if (sub.n == 0 && json_object_size(clean) > 0)
			*identity = json_dumps(clean, JSON_COMPACT | JSON_SORT_KEYS);
		json_decref(clean);
	} else if (!anon) {
		field_err(fe, "identity", "give at least one way to reach you, or send the tip anonymously");
	}
}

/* Sets in->unit_id and in->commune_id: the unit given (a commune, block or group), else the only
 * commune of the installation. */
static int resolve_unit(struct req *r, int64_t unit_id, struct tip_input *in)
{
	struct unit_row u;
	int rc;
	if (unit_id) {
		rc = units_get(r->db, &r->arena, unit_id, &u);
		if (rc < 0)
			return http_fail_store(r, rc);
		if (rc == STORE_DONE || u.kind == UNIT_PROVINCE || !u.commune_id) {
			field_err(&r->fields, "unit_id", "no such commune, block or group");
			return http_fail_fields(r, &r->fields);
		}
		in->unit_id = u.id;
		in->commune_id = u.commune_id;
		return APP_OK;
	}
	struct store_stmt *st;
	int64_t first = 0, count = 0;
	rc = store_prepare(r->db, "SELECT id FROM units WHERE kind = 'commune' ORDER BY id LIMIT 2", &st);
	if (rc)
		return http_fail_store(r, rc);
	while ((rc = store_step(st)) == STORE_ROW) {
		if (!count)
			first = store_col_i64(st, 0);
		count++;
	}
	store_reset(st);
	if (rc < 0)
		return http_fail_store(r, rc);
	if (count != 1) {
		field_err(&r->fields, "unit_id",
			  count ? "choose your commune or block: this installation serves several communes"
				: "this installation has no commune yet");
		return http_fail_fields(r, &r->fields);
	}
	in->unit_id = first;
	in->commune_id = first;
	return APP_OK;
}

/* Checks the tip's category against the list and resolves its unit (resolve_unit). APP_OK, or the
 * failure already answered (422 naming the field, or the store's error). */
static int check_refs(struct req *r, int64_t unit_id, struct tip_input *in)
{
	bool known = false;
	int rc = tips_category_known(r->db, in->category, &known);
	if (rc)
		return http_fail_store(r, rc);
	if (!known) {
		field_err(&r->fields, "category",
			  "is not a tip category (GET /api/v1/public/tip-categories)");
		return http_fail_fields(r, &r->fields);
	}
	return resolve_unit(r, unit_id, in);
}

/* Detects and strips each file part; the first bad one fails the request naming it. */
static int take_files(struct req *r, const struct part *parts, int nparts, struct upload *up, int *nup)
{
	int k = 0;
	for (int i = 0; i < nparts; i++) {
		if (strcmp(parts[i].name, "files") != 0)
			continue;
		const char *shown = shown_name(r, parts[i].filename, k);
		if (k == TIP_FILES_MAX) {
			field_err(&r->fields, "files", "send at most 5 files");
			return http_fail(r, APP_E_INVALID, "too many files: at most 5");
		}
		if (parts[i].len > TIP_FILE_BYTES) {
			r->err_code = "too_large";
			return http_fail(
			    r, APP_E_TOOBIG,
			    arena_printf(&r->arena, "'%s' is larger than 10 MB; nothing was stored", shown));
		}
		if (parts[i].len == 0) {
			field_err(&r->fields, "files", arena_printf(&r->arena, "'%s' is empty", shown));
			return http_fail(r, APP_E_INVALID, arena_printf(&r->arena, "'%s' is empty", shown));
		}
		char seen[128];
		int kind = media_detect(parts[i].data, parts[i].len, seen, sizeof seen);
		if (kind == -2)
			return http_fail(r, APP_E_INTERNAL, "the server cannot tell file types (libmagic)");
		if (kind < 0) {
			const char *msg =
			    arena_printf(&r->arena,
					 "'%s' is not a photo (JPEG, PNG, WebP), a video (MP4, WebM) or a "
					 "PDF: its content is %s; nothing was stored",
					 shown, seen);
			field_err(&r->fields, "files", msg);
			return http_fail(r, APP_E_INVALID, msg);
		}
		int s = media_strip((enum media_kind)kind, (const unsigned char *)parts[i].data, parts[i].len,
				    &up[k].data, &up[k].len);
		if (s == -2)
			return APP_E_NOMEM;
		if (s == -4) /* FFmpeg or libqpdf missing: loaded on first use (lib/media.h) */
			return http_fail(r, APP_E_UNAVAIL,
					 arena_printf(&r->arena,
						      "'%s' cannot be cleaned of its metadata: the server "
						      "cannot load '%s'; nothing was stored",
						      shown, media_library((enum media_kind)kind)));
		if (s == -3) {
			const char *msg =
			    arena_printf(&r->arena,
					 "'%s' cannot be cleaned of its metadata (place, author); "
					 "nothing was stored",
					 shown);
			field_err(&r->fields, "files", msg);
			return http_fail(r, APP_E_INVALID, msg);
		}
		if (s != 0) {
			const char *msg = arena_printf(&r->arena,
						       "'%s' is damaged (its %s structure does not hold "
						       "together); nothing was stored",
						       shown, media_mime[kind]);
			field_err(&r->fields, "files", msg);
			return http_fail(r, APP_E_INVALID, msg);
		}
		up[k].kind = (enum media_kind)kind;
		crypto_sha256_hex(up[k].data, up[k].len, up[k].sha);
		*nup = ++k;
	}
	return APP_OK;
}

/* 16 random digits into digits (17 bytes) and "dddd dddd dddd dddd" into shown (20 bytes). */
static void new_receipt(char digits[RECEIPT_DIGITS + 1], char shown[RECEIPT_DIGITS + 4])
{
	int o = 0;
	for (int i = 0; i < RECEIPT_DIGITS; i++) {
		digits[i] = (char)('0' + randombytes_uniform(10));
		if (i && i % 4 == 0)
			shown[o++] = ' ';
		shown[o++] = digits[i];
	}
	digits[RECEIPT_DIGITS] = '\0';
	shown[o] = '\0';
}

/* The receipt's 16 digits from what the citizen typed (spaces and dashes allowed); -1 when malformed. */
static int receipt_digits(const char *s, char digits[RECEIPT_DIGITS + 1])
{
	int n = 0;
	for (; *s; s++) {
		if (*s == ' ' || *s == '-')
			continue;
		if (*s < '0' || *s > '9' || n == RECEIPT_DIGITS)
			return -1;
		digits[n++] = *s;
	}
	digits[n] = '\0';
	return n == RECEIPT_DIGITS ? 0 : -1;
}

int api_public_tips_create(struct req *r)
{
	json_t *body = NULL;
	struct part parts[PARTS_MAX];
	struct upload up[TIP_FILES_MAX];
	int nparts = 0, nup = 0, rc;
	struct tip_input in = {.anonymous = true, .source = "web"};
	int64_t unit_id = 0, id = 0, event_id = 0;
	char *identity = NULL, *sealed = NULL;
	char digits[RECEIPT_DIGITS + 1], shown[RECEIPT_DIGITS + 4], hash[CRYPTO_HASH_HEX];
	memset(up, 0, sizeof up);

	/* the submission limit is answered first: a refused client gets 429 whatever it sent. A tip
	 * without files counts it inside its transaction, on the batch's writer, whose page cache is
	 * warm (this thread's own connection re-reads every page after each batch's commit); one with
	 * files before writing them; a request refused earlier at `out` */
	const char *skey = throttle_key(r, "tip_submit");
	bool limit_checked = false;

	/* parse: JSON, or multipart with a `tip` part and `files` parts */
	const char *ct = http_req_header(r, "Content-Type");
	if (ct && strncasecmp(ct, "multipart/form-data", 19) == 0) {
		rc = multipart_parse(r, ct, parts, &nparts);
		if (rc)
			goto out;
		const struct part *tip = NULL;
		for (int i = 0; i < nparts; i++) {
			if (strcmp(parts[i].name, "tip") == 0 && !tip)
				tip = &parts[i];
			else if (strcmp(parts[i].name, "files") != 0) {
				rc = http_fail(r, APP_E_PARAM,
					       arena_printf(&r->arena,
							    "unknown part '%s': send 'tip' and 'files'",
							    shown_name(r, parts[i].name, i)));
				goto out;
			}
		}
		if (!tip || tip->len > TIP_JSON_MAX) {
			rc = http_fail(r, APP_E_PARAM,
				       tip ? "the 'tip' part is too large"
					   : "the multipart body has no 'tip' part with the tip's JSON");
			goto out;
		}
		char err[200];
		body = json_parse_body(tip->data, tip->len, err, sizeof err);
		if (!body) {
			r->err_code = "malformed_json";
			rc = http_fail(r, APP_E_PARAM, arena_printf(&r->arena, "the 'tip' part: %s", err));
			goto out;
		}
	} else if (!ct || strncasecmp(ct, "application/json", 16) == 0) {
		if (r->body.len > TIP_JSON_MAX) {
			rc = http_fail(r, APP_E_TOOBIG, "a tip without files is at most 64 KB");
			goto out;
		}
		rc = http_json_body(r, &body);
		if (rc)
			goto out;
	} else {
		rc = http_fail(r, APP_E_PARAM, "send the tip as application/json or multipart/form-data");
		goto out;
	}

	/* validate */
	read_tip(r, body, &in, &unit_id, &identity);
	if (r->fields.n) {
		rc = http_fail_fields(r, &r->fields);
		goto out;
	}
	/* the category and the unit are checked before the files (a refused tip writes none); a tip
	 * without files has them checked inside its transaction instead, on the batch's writer, whose page
	 * cache is warm: this thread's own connection re-reads every page after each batch's commit */
	bool has_files = false;
	for (int i = 0; i < nparts; i++)
		has_files = has_files || strcmp(parts[i].name, "files") == 0;
	if (has_files) {
		limit_checked = true;
		rc = throttled(r, skey, SUBMIT_PER_HOUR, submit_limited);
		if (rc == APP_OK)
			rc = check_refs(r, unit_id, &in);
		if (rc)
			goto out;
	}
	rc = take_files(r, parts, nparts, up, &nup);
	if (rc)
		goto out;
	if (identity) {
		size_t cap = crypto_sealed_size(strlen(identity));
		sealed = malloc(cap);
		if (!sealed || crypto_seal(identity, strlen(identity), sealed, cap) < 0) {
			rc = http_fail(r, APP_E_INTERNAL, "the identity cannot be sealed (encryption key)");
			goto out;
		}
		in.identity_sealed = sealed;
	}

	/* the files first, outside the transaction (a transaction that waits for the disk holds back every
	 * other write of the batch it shares: see store/sqlite.c); content-addressed, so a file already
	 * stored is shared, and only the files this request created are removed if the tip fails */
	for (int i = 0; rc == STORE_OK && i < nup; i++)
		if (uploads_write(up[i].sha, up[i].data, up[i].len, &up[i].created) != 0)
			rc = STORE_E_DB;

	/* domain call: tip, file records, audit and the submission count in one transaction */
	for (int attempt = 0; rc == STORE_OK && attempt < 3; attempt++) {
		int64_t now = time_now();
		new_receipt(digits, shown);
		if (crypto_keyed_hash_hex("tip_receipt", digits, RECEIPT_DIGITS, hash) != 0) {
			remove_created(up, nup);
			rc = http_fail(r, APP_E_INTERNAL, "the receipt cannot be hashed (encryption key)");
			goto out;
		}
		in.receipt_hash = hash;
		rc = store_begin(r->db);
		if (rc) {
			rc = http_fail_store(r, rc);
			goto out;
		}
		if (!limit_checked) {
			limit_checked = true;
			rc = throttled(r, skey, SUBMIT_PER_HOUR, submit_limited);
			if (rc == APP_OK)
				rc = check_refs(r, unit_id, &in); /* answers a refusal itself */
			if (rc) {
				store_rollback(r->db);
				goto out;
			}
		}
		rc = tips_insert(r->db, &in, now, &id);
		for (int i = 0; rc == STORE_OK && i < nup; i++) {
			int64_t fid;
			rc = tips_file_add(r->db, id, in.commune_id, up[i].sha, media_mime[up[i].kind],
					   (int64_t)up[i].len, now, &fid);
		}
		if (rc == STORE_OK) {
			const char *detail =
			    arena_printf(&r->arena,
					 "{\"unit_id\":%" PRId64 ",\"category\":\"%s\",\"anonymous\":%s,"
					 "\"files\":%d}",
					 in.unit_id, in.category, in.anonymous ? "true" : "false", nup);
			rc = detail ? audit_tip(r, true, "tip.submit", id, detail) : STORE_E_NOMEM;
		}
		if (rc == STORE_OK)
			rc = throttle_add(r->db, skey, now, now - THROTTLE_WINDOW);
		if (rc == STORE_OK)
			rc = api_tips_record_event(r, "tip.created", id, now, &event_id);
		if (rc == STORE_OK)
			rc = store_commit(r->db);
		else
			store_rollback(r->db);
		if (rc == STORE_OK)
			stream_announce(event_id);
		if (rc != STORE_E_UNIQUE)
			break;
	}
	if (rc != STORE_OK)
		remove_created(up, nup);
	if (rc == STORE_E_CHECK) {
		field_err(&r->fields, "description", "must be UTF-8 text");
		rc = http_fail_fields(r, &r->fields);
		goto out;
	}
	if (rc) {
		rc = http_fail_store(r, rc);
		goto out;
	}

	struct jw *w = http_json(r, 201);
	jw_obj(w);
	jw_key(w, "data");
	jw_obj(w);
	jw_kint(w, "id", id);
	jw_kstr(w, "receipt", shown);
	jw_kstr(w, "status", "new");
	jw_kint(w, "files", nup);
	jw_ktime(w, "created_at", time_now());
	jw_end(w);
	jw_end(w);
	rc = APP_OK;
out:
	if (rc != APP_OK && !limit_checked) { /* refused before the limit was looked at */
		const char *msg = r->err_msg, *code = r->err_code;
		r->err_msg = NULL;
		r->err_code = NULL;
		int lim = throttled(r, skey, SUBMIT_PER_HOUR, submit_limited);
		if (lim != APP_OK) {
			r->fields.n = 0;
			rc = lim;
		} else {
			r->err_msg = msg;
			r->err_code = code;
		}
	}
	sodium_memzero(digits, sizeof digits);
	for (int i = 0; i < TIP_FILES_MAX; i++)
		free(up[i].data);
	if (identity) {
		sodium_memzero(identity, strlen(identity));
		free(identity);
	}
	free(sealed);
	json_decref(body);
	return rc;
}

/* ---- the receipt routes ---- */

/* Reads {"receipt", …} and finds its tip. A wrong or malformed receipt counts against the client's
 * look-ups (429 past the limit, checked first). APP_OK and *t when found. */
static int tip_by_receipt(struct req *r, json_t *body, struct tip_row *t)
{
	const char *receipt = NULL;
	char digits[RECEIPT_DIGITS + 1], hash[CRYPTO_HASH_HEX];
	const char *fkey = throttle_key(r, "tip_lookup_fail");
	int rc = throttled(r, fkey, LOOKUP_FAILS_PER_HOUR,
			   "too many wrong receipts from this connection; try again later");
	if (rc)
		return rc;
	if (jf_str(body, "receipt", JF_REQUIRED, 64, &receipt, &r->fields) != 1)
		return http_fail_fields(r, &r->fields);
	if (receipt_digits(receipt, digits) != 0) {
		count_alone(r, fkey);
		field_err(&r->fields, "receipt", "must be the 16 digits of your receipt");
		return http_fail_fields(r, &r->fields);
	}
	rc = crypto_keyed_hash_hex("tip_receipt", digits, RECEIPT_DIGITS, hash);
	sodium_memzero(digits, sizeof digits);
	if (rc != 0)
		return http_fail(r, APP_E_INTERNAL, "the receipt cannot be hashed (encryption key)");
	rc = tips_get_by_receipt(r->db, &r->arena, hash, t);
	if (rc < 0)
		return http_fail_store(r, rc);
	if (rc == STORE_DONE) {
		rc = count_alone(r, fkey);
		if (rc)
			return http_fail_store(r, rc);
		return http_fail(r, APP_E_NOTFOUND, "no tip has this receipt; check the 16 digits");
	}
	return APP_OK;
}

static void write_public_message(struct jw *w, const struct tip_message *m)
{
	jw_obj(w);
	jw_kstr(w, "author", m->author);
	jw_kstr(w, "body", m->body);
	jw_ktime(w, "created_at", m->created_at);
	jw_end(w);
}

static const char *const lookup_fields[] = {"receipt", NULL};
static const char *const message_fields[] = {"receipt", "body", NULL};

int api_public_tips_lookup(struct req *r)
{
	json_t *body = NULL;
	struct tip_row t;
	struct tip_message *m;
	int n;
	int rc = http_json_body(r, &body);
	if (rc)
		return rc;
	jf_no_unknown(body, lookup_fields, &r->fields);
	if (r->fields.n) {
		rc = http_fail_fields(r, &r->fields);
		goto out;
	}
	rc = tip_by_receipt(r, body, &t);
	if (rc)
		goto out;
	rc = tips_messages(r->db, &r->arena, t.id, MESSAGES_MAX, &m, &n);
	if (rc) {
		rc = http_fail_store(r, rc);
		goto out;
	}
	struct jw *w = http_json(r, 200);
	jw_obj(w);
	jw_key(w, "data");
	jw_obj(w);
	jw_kstr(w, "category", t.category);
	jw_kstr(w, "status", t.status);
	jw_ktime(w, "created_at", t.created_at);
	jw_ktime(w, "updated_at", t.updated_at);
	jw_key(w, "messages");
	jw_arr(w);
	for (int i = 0; i < n; i++)
		write_public_message(w, &m[i]);
	jw_end(w);
	jw_end(w);
	jw_end(w);
	rc = APP_OK;
out:
	json_decref(body);
	return rc;
}

int api_public_tips_message(struct req *r)
{
	json_t *body = NULL;
	struct tip_row t;
	const char *text = NULL;
	int64_t mid = 0, now = time_now(), event_id = 0;
	int rc = http_json_body(r, &body);
	if (rc)
		return rc;
	jf_no_unknown(body, message_fields, &r->fields);
	if (jf_str(body, "body", JF_REQUIRED, TIP_MESSAGE_MAX, &text, &r->fields) == 1 && !text_clean(text))
		field_err(&r->fields, "body", "must not hold control characters");
	if (r->fields.n) {
		rc = http_fail_fields(r, &r->fields);
		goto out;
	}
	const char *mkey = throttle_key(r, "tip_message");
	rc = throttled(r, mkey, MESSAGES_PER_HOUR, "too many messages from this connection; try again later");
	if (rc)
		goto out;
	rc = tip_by_receipt(r, body, &t);
	if (rc)
		goto out;
	rc = store_begin(r->db);
	if (rc) {
		rc = http_fail_store(r, rc);
		goto out;
	}
	rc = tips_message_add(r->db, t.id, t.commune_id, "citizen", 0, text, now, &mid);
	if (rc == STORE_OK)
		rc = audit_tip(r, true, "tip.citizen_message", t.id, "{}");
	if (rc == STORE_OK)
		rc = throttle_add(r->db, mkey, now, now - THROTTLE_WINDOW);
	if (rc == STORE_OK)
		rc = api_tips_record_event(r, "tip.message", t.id, now, &event_id);
	if (rc == STORE_OK)
		rc = store_commit(r->db);
	else
		store_rollback(r->db);
	if (rc == STORE_OK)
		stream_announce(event_id);
	if (rc) {
		rc = http_fail_store(r, rc);
		goto out;
	}
	struct tip_message m = {.id = mid, .author = "citizen", .body = text, .created_at = now};
	struct jw *w = http_json(r, 201);
	jw_obj(w);
	jw_key(w, "data");
	write_public_message(w, &m);
	jw_end(w);
	rc = APP_OK;
out:
	json_decref(body);
	return rc;
}

/* ---- officers ---- */

/* The fields of a tip as officers see it (never the identity), into an open object. */
static void write_tip_fields(struct jw *w, const struct tip_row *t)
{
	jw_kint(w, "id", t->id);
	jw_kint(w, "unit_id", t->unit_id);
	jw_kstr(w, "unit_name", t->unit_name);
	jw_kint(w, "commune_id", t->commune_id);
	jw_kstr(w, "category", t->category);
	jw_kstr(w, "description", t->description);
	jw_kstr(w, "address", t->address);
	if (t->has_location) {
		jw_key(w, "lat");
		jw_double(w, t->lat);
		jw_key(w, "lng");
		jw_double(w, t->lng);
	} else {
		jw_knull(w, "lat");
		jw_knull(w, "lng");
	}
	if (t->occurred_at)
		jw_ktime(w, "occurred_at", t->occurred_at);
	else
		jw_knull(w, "occurred_at");
	jw_kbool(w, "anonymous", t->anonymous);
	jw_kbool(w, "has_identity", t->has_identity);
	jw_kstr(w, "status", t->status);
	if (t->duplicate_of)
		jw_kint(w, "duplicate_of", t->duplicate_of);
	else
		jw_knull(w, "duplicate_of");
	if (t->assigned_to)
		jw_kint(w, "assigned_to", t->assigned_to);
	else
		jw_knull(w, "assigned_to");
	jw_kstr(w, "assigned_username", t->assigned_name);
	if (t->case_id)
		jw_kint(w, "case_id", t->case_id);
	else
		jw_knull(w, "case_id");
	jw_kstr(w, "source", t->source);
	jw_ktime(w, "created_at", t->created_at);
	jw_ktime(w, "updated_at", t->updated_at);
}

static void write_tip(struct jw *w, const struct tip_row *t)
{
	jw_obj(w);
	write_tip_fields(w, t);
	jw_end(w);
}

/* Loads tip {id} of the path if the caller may read it; else 404 (absent and hidden alike). */
static int load_visible(struct req *r, struct tip_row *t)
{
	int64_t id;
	int rc = http_param_id(r, 0, &id);
	if (rc)
		return http_fail(r, rc, "no such tip");
	rc = tips_get(r->db, &r->arena, id, t);
	if (rc < 0)
		return http_fail_store(r, rc);
	if (rc == STORE_DONE || !perm_on_unit(&r->user, PERM_TIPS_READ, t->unit_path))
		return http_fail(r, APP_E_NOTFOUND, "no such tip");
	return APP_OK;
}

int api_tips_list(struct req *r)
{
	struct tips_query q = {0};
	const char *status = http_query(r, "status"), *category = http_query(r, "category");
	const char *search = http_query(r, "q"), *order = http_query(r, "order");
	int64_t cursor = 0;
	int limit = 50, rc;

	/* parse and validate */
	rc = http_page_args(r, &cursor, &limit);
	if (rc)
		return rc;
	if (status && *status && tip_status_parse(status) < 0)
		field_err(&r->fields, "status",
			  "must be new, verifying, forwarded, resolved, unfounded or duplicate");
	if (category && strlen(category) > 64)
		field_err(&r->fields, "category", "is not a tip category");
	if (search && strlen(search) > 200)
		field_err(&r->fields, "q", "must be at most 200 bytes of text");
	if (order && strcmp(order, "oldest") != 0 && strcmp(order, "newest") != 0)
		field_err(&r->fields, "order", "must be 'oldest' or 'newest'");
	api_parse_period(r, "from", false, &q.from);
	api_parse_period(r, "to", true, &q.to);
	if (r->fields.n)
		return http_fail(r, APP_E_PARAM, "malformed query");

	/* scope */
	rc = api_scope_path(r, PERM_TIPS_READ, http_query(r, "unit_id"), &q.unit_path);
	if (rc)
		return rc;
	bool all = q.unit_path == NULL || perm_on_unit(&r->user, PERM_TIPS_READ, q.unit_path);
	q.status = status;
	q.category = category;
	q.search = search;
	q.newest_first = order && strcmp(order, "newest") == 0;
	q.after_id = cursor;

	/* domain call: keep the rows the caller may see until the page and one more are found */
	struct tip_row *page = arena_alloc(&r->arena, sizeof *page * (size_t)(limit + 1));
	int n = 0;
	if (!page)
		return APP_E_NOMEM;
	q.limit = limit + 1 < 50 ? 50 : limit + 1;
	for (;;) {
		struct tip_row *batch;
		int nb;
		rc = tips_list(r->db, &r->arena, &q, &batch, &nb);
		if (rc == STORE_E_CHECK) {
			field_err(&r->fields, "q", "must be UTF-8 text");
			return http_fail(r, APP_E_PARAM, "malformed query");
		}
		if (rc < 0)
			return http_fail_store(r, rc);
		for (int i = 0; i < nb && n <= limit; i++)
			if (all || perm_on_unit(&r->user, PERM_TIPS_READ, batch[i].unit_path))
				page[n++] = batch[i];
		if (nb < q.limit || n > limit)
			break;
		q.after_id = batch[nb - 1].id;
	}
	bool more = n > limit;
	if (more)
		n = limit;
	struct jw *w = http_json(r, 200);
	jw_obj(w);
	jw_key(w, "data");
	jw_arr(w);
	for (int i = 0; i < n; i++)
		write_tip(w, &page[i]);
	jw_end(w);
	http_next_cursor(w, more ? page[n - 1].id : 0);
	jw_end(w);
	return APP_OK;
}

/* The whole tip for officers: the tip, its files, messages and timeline. */
static int answer_detail(struct req *r, int status, const struct tip_row *t)
{
	struct tip_file *f;
	struct tip_message *m;
	struct tip_event *e;
	int nf, nm, ne, rc;
	if ((rc = tips_files(r->db, &r->arena, t->id, TIP_FILES_MAX * 4, &f, &nf)) != STORE_OK ||
	    (rc = tips_messages(r->db, &r->arena, t->id, MESSAGES_MAX, &m, &nm)) != STORE_OK ||
	    (rc = tips_events(r->db, &r->arena, t->id, TIMELINE_MAX, &e, &ne)) != STORE_OK)
		return http_fail_store(r, rc);
	struct jw *w = http_json(r, status);
	jw_obj(w);
	jw_key(w, "data");
	jw_obj(w);
	write_tip_fields(w, t);
	jw_key(w, "files");
	jw_arr(w);
	for (int i = 0; i < nf; i++) {
		jw_obj(w);
		jw_kint(w, "id", f[i].id);
		jw_kstr(w, "mime", f[i].mime);
		jw_kint(w, "size", f[i].size);
		jw_kstr(w, "url",
			arena_printf(&r->arena, "/api/v1/tips/%" PRId64 "/files/%" PRId64, t->id, f[i].id));
		jw_ktime(w, "created_at", f[i].created_at);
		jw_end(w);
	}
	jw_end(w);
	jw_key(w, "messages");
	jw_arr(w);
	for (int i = 0; i < nm; i++) {
		jw_obj(w);
		jw_kint(w, "id", m[i].id);
		jw_kstr(w, "author", m[i].author);
		jw_kstr(w, "username", m[i].actor);
		jw_kstr(w, "body", m[i].body);
		jw_ktime(w, "created_at", m[i].created_at);
		jw_end(w);
	}
	jw_end(w);
	jw_key(w, "timeline");
	jw_arr(w);
	for (int i = 0; i < ne; i++) {
		jw_obj(w);
		jw_kint(w, "id", e[i].id);
		jw_ktime(w, "at", e[i].at);
		jw_kstr(w, "kind", e[i].kind);
		jw_kstr(w, "username", e[i].actor);
		jw_kstr(w, "from", e[i].from_value);
		jw_kstr(w, "to", e[i].to_value);
		jw_end(w);
	}
	jw_end(w);
	jw_end(w);
	jw_end(w);
	return APP_OK;
}

int api_tips_get(struct req *r)
{
	struct tip_row t;
	int rc = load_visible(r, &t);
	if (rc)
		return rc;
	return answer_detail(r, 200, &t);
}

static const char *const patch_fields[] = {"status", "assigned_to", "duplicate_of", "case_id", NULL};

/* Reads an id-or-null field: 1 and *v (0 for null) when present, 0 when absent, -1 after an error. */
static int id_or_null(json_t *o, const char *key, int64_t *v, struct field_errs *fe)
{
	json_t *j = json_object_get(o, key);
	if (!j)
		return 0;
	if (json_is_null(j)) {
		*v = 0;
		return 1;
	}
	return jf_int(o, key, JF_REQUIRED, 1, ((int64_t)1 << 53) - 1, v, fe) == 1 ? 1 : -1;
}

/* May user `uid` work on tips of `path`? Sets *ok. */
static int assignee_ok(struct req *r, int64_t uid, const char *path, const char **name, bool *ok)
{
	struct user_row u;
	struct grant *g;
	int n;
	*ok = false;
	int rc = users_get(r->db, &r->arena, uid, &u);
	if (rc < 0)
		return rc;
	if (rc == STORE_DONE || u.disabled)
		return STORE_OK;
	rc = users_grants(r->db, &r->arena, uid, &g, &n);
	if (rc < 0)
		return rc;
	struct principal p = {.user_id = uid, .username = u.username, .ngrants = n, .grants = g};
	*ok = perm_on_unit(&p, PERM_TIPS_WRITE, path);
	*name = u.username;
	return STORE_OK;
}

int api_tips_update(struct req *r)
{
	json_t *body = NULL;
	struct tip_row t;
	const char *status_s = NULL;
	int64_t assigned = 0, dup = 0, case_id = 0, event_id = 0;
	char why[200];
	int rc = load_visible(r, &t);
	if (rc)
		return rc;
	rc = http_json_body(r, &body);
	if (rc)
		return rc;

	/* parse */
	jf_no_unknown(body, patch_fields, &r->fields);
	int has_status = jf_str(body, "status", JF_OPTIONAL, 32, &status_s, &r->fields);
	int has_assigned = id_or_null(body, "assigned_to", &assigned, &r->fields);
	int has_dup = id_or_null(body, "duplicate_of", &dup, &r->fields);
	int has_case = id_or_null(body, "case_id", &case_id, &r->fields);
	int from = tip_status_parse(t.status), to = from;
	if (has_status == 1 && (to = tip_status_parse(status_s)) < 0)
		field_err(&r->fields, "status",
			  "must be new, verifying, forwarded, resolved, unfounded or duplicate");
	if (r->fields.n) {
		rc = http_fail_fields(r, &r->fields);
		goto out;
	}
	/* check permission */
	if (!perm_on_unit(&r->user, PERM_TIPS_WRITE, t.unit_path)) {
		rc = http_fail(r, APP_E_FORBIDDEN, "your role may not change tips here");
		goto out;
	}
	/* validate: the state machine, then the records named */
	if (!has_dup)
		dup = to == TIP_DUPLICATE ? t.duplicate_of : 0;
	if (to != from) {
		int c = tip_status_check(from, to, dup, why, sizeof why);
		if (c == 1) {
			r->err_code = "conflict";
			rc = http_fail(r, APP_E_CONFLICT, arena_strdup(&r->arena, why));
			goto out;
		}
		if (c == 2) {
			field_err(&r->fields, "duplicate_of", arena_strdup(&r->arena, why));
			rc = http_fail_fields(r, &r->fields);
			goto out;
		}
	} else if ((to == TIP_DUPLICATE) != (dup != 0)) {
		field_err(&r->fields, "duplicate_of",
			  to == TIP_DUPLICATE ? "a duplicate must name the tip it repeats"
					      : "'duplicate_of' goes only with the status 'duplicate'");
		rc = http_fail_fields(r, &r->fields);
		goto out;
	}
	if (dup && dup != t.duplicate_of) {
		struct tip_row o;
		rc = dup == t.id ? STORE_DONE : tips_get(r->db, &r->arena, dup, &o);
		if (rc < 0) {
			rc = http_fail_store(r, rc);
			goto out;
		}
		if (rc == STORE_DONE || o.commune_id != t.commune_id ||
		    !perm_on_unit(&r->user, PERM_TIPS_READ, o.unit_path))
			field_err(&r->fields, "duplicate_of",
				  dup == t.id ? "a tip cannot repeat itself" : "no such tip in this commune");
	}
	const char *assignee = NULL;
	if (has_assigned == 1 && assigned && assigned != t.assigned_to) {
		bool ok;
		rc = assignee_ok(r, assigned, t.unit_path, &assignee, &ok);
		if (rc < 0) {
			rc = http_fail_store(r, rc);
			goto out;
		}
		if (!ok)
			field_err(&r->fields, "assigned_to", "is not a user who may work on tips here");
	}
	if (has_case == 1 && case_id && case_id != t.case_id) {
		struct case_row c;
		rc = cases_get(r->db, &r->arena, case_id, &c);
		if (rc < 0) {
			rc = http_fail_store(r, rc);
			goto out;
		}
		if (rc == STORE_DONE || c.commune_id != t.commune_id ||
		    !perm_on_unit(&r->user, PERM_CASES_READ, c.unit_path))
			field_err(&r->fields, "case_id", "no such case in this commune");
	}
	if (r->fields.n) {
		rc = http_fail_fields(r, &r->fields);
		goto out;
	}
	if (has_assigned != 1)
		assigned = t.assigned_to;
	if (has_case != 1)
		case_id = t.case_id;

	/* domain call: the change, its timeline events and the audit entry together */
	int64_t now = time_now();
	rc = store_begin(r->db);
	if (rc) {
		rc = http_fail_store(r, rc);
		goto out;
	}
	rc = tips_update(r->db, t.id, tip_status_names[to], dup, assigned, case_id, now);
	if (rc == STORE_OK && to != from)
		rc = tips_event_add(r->db, t.id, t.commune_id, "status", r->user.user_id,
				    tip_status_names[from], tip_status_names[to], now);
	if (rc == STORE_OK && assigned != t.assigned_to)
		rc = tips_event_add(r->db, t.id, t.commune_id, "assigned", r->user.user_id, t.assigned_name,
				    assignee, now);
	if (rc == STORE_OK && case_id != t.case_id)
		rc = tips_event_add(r->db, t.id, t.commune_id, "case", r->user.user_id,
				    t.case_id ? id_text(r, t.case_id) : NULL,
				    case_id ? id_text(r, case_id) : NULL, now);
	if (rc == STORE_OK) {
		const char *detail =
		    arena_printf(&r->arena,
				 "{\"unit_id\":%" PRId64 ",\"status\":\"%s\",\"duplicate_of\":%" PRId64
				 ",\"assigned_to\":%" PRId64 ",\"case_id\":%" PRId64 "}",
				 t.unit_id, tip_status_names[to], dup, assigned, case_id);
		rc = detail ? audit_tip(r, false, "tip.update", t.id, detail) : STORE_E_NOMEM;
	}
	if (rc == STORE_OK)
		rc = api_tips_record_event(r, "tip.updated", t.id, now, &event_id);
	if (rc == STORE_OK)
		rc = store_commit(r->db);
	else
		store_rollback(r->db);
	if (rc == STORE_OK)
		stream_announce(event_id);
	if (rc == STORE_E_FK) {
		rc = http_fail(r, APP_E_CONFLICT,
			       "a record named here was removed meanwhile; reload and try again");
		goto out;
	}
	if (rc) {
		rc = http_fail_store(r, rc);
		goto out;
	}
	rc = tips_get(r->db, &r->arena, t.id, &t);
	if (rc != STORE_ROW) {
		rc = http_fail_store(r, rc);
		goto out;
	}
	rc = answer_detail(r, 200, &t);
out:
	json_decref(body);
	return rc;
}

static const char *const reply_fields[] = {"body", NULL};

int api_tips_message(struct req *r)
{
	json_t *body = NULL;
	struct tip_row t;
	const char *text = NULL;
	int64_t mid = 0, now = time_now();
	int rc = load_visible(r, &t);
	if (rc)
		return rc;
	rc = http_json_body(r, &body);
	if (rc)
		return rc;
	jf_no_unknown(body, reply_fields, &r->fields);
	if (jf_str(body, "body", JF_REQUIRED, TIP_MESSAGE_MAX, &text, &r->fields) == 1 && !text_clean(text))
		field_err(&r->fields, "body", "must not hold control characters");
	if (r->fields.n) {
		rc = http_fail_fields(r, &r->fields);
		goto out;
	}
	if (!perm_on_unit(&r->user, PERM_TIPS_WRITE, t.unit_path)) {
		rc = http_fail(r, APP_E_FORBIDDEN, "your role may not answer tips here");
		goto out;
	}
	rc = store_begin(r->db);
	if (rc) {
		rc = http_fail_store(r, rc);
		goto out;
	}
	rc = tips_message_add(r->db, t.id, t.commune_id, "officer", r->user.user_id, text, now, &mid);
	if (rc == STORE_OK)
		rc = audit_tip(r, false, "tip.message", t.id,
			       arena_printf(&r->arena, "{\"unit_id\":%" PRId64 "}", t.unit_id));
	if (rc == STORE_OK)
		rc = store_commit(r->db);
	else
		store_rollback(r->db);
	if (rc) {
		rc = http_fail_store(r, rc);
		goto out;
	}
	struct jw *w = http_json(r, 201);
	jw_obj(w);
	jw_key(w, "data");
	jw_obj(w);
	jw_kint(w, "id", mid);
	jw_kstr(w, "author", "officer");
	jw_kstr(w, "username", r->user.username);
	jw_kstr(w, "body", text);
	jw_ktime(w, "created_at", now);
	jw_end(w);
	jw_end(w);
	rc = APP_OK;
out:
	json_decref(body);
	return rc;
}

static const char *const reveal_fields[] = {"reason", NULL};

/* Is s at least REASON_MIN characters once blanks at both ends are left out? */
static bool reason_ok(const char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	size_t n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r'))
		n--;
	size_t chars = 0;
	for (size_t i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			chars++;
	return chars >= REASON_MIN;
}

int api_tips_reveal(struct req *r)
{
	json_t *body = NULL, *identity = NULL;
	struct tip_row t;
	const char *reason = NULL, *sealed = NULL;
	char *plain = NULL;
	int rc = load_visible(r, &t);
	if (rc)
		return rc;
	rc = http_json_body(r, &body);
	if (rc)
		return rc;
	jf_no_unknown(body, reveal_fields, &r->fields);
	if (jf_str(body, "reason", JF_REQUIRED, REASON_MAX, &reason, &r->fields) == 1 && !reason_ok(reason))
		field_err(&r->fields, "reason", "say why you need the identity, in at least 5 characters");
	if (r->fields.n) {
		rc = http_fail_fields(r, &r->fields);
		goto out;
	}
	if (!perm_on_unit(&r->user, PERM_SENSITIVE, t.unit_path)) {
		rc = http_fail(r, APP_E_FORBIDDEN, "your role may not see who sent tips here");
		goto out;
	}
	rc = tips_identity(r->db, &r->arena, t.id, &sealed);
	if (rc < 0) {
		rc = http_fail_store(r, rc);
		goto out;
	}
	if (!sealed) {
		rc = http_fail(r, APP_E_NOTFOUND, "this tip is anonymous: no identity was given");
		goto out;
	}
	size_t cap = strlen(sealed) + 1;
	plain = malloc(cap);
	int n = plain ? crypto_open(sealed, plain, cap) : -1;
	identity = n > 0 ? json_loadb(plain, (size_t)n, 0, NULL) : NULL;
	if (!identity || !json_is_object(identity)) {
		rc = http_fail(r, APP_E_INTERNAL, "the stored identity cannot be opened with this key");
		goto out;
	}
	/* record the reveal; the identity leaves only once that is committed */
	int64_t now = time_now();
	rc = store_begin(r->db);
	if (rc) {
		rc = http_fail_store(r, rc);
		goto out;
	}
	struct buf b;
	struct jw dw;
	buf_init(&b, 4096);
	jw_init(&dw, &b);
	jw_obj(&dw);
	jw_kint(&dw, "unit_id", t.unit_id);
	jw_kstr(&dw, "reason", reason);
	jw_end(&dw);
	rc = b.err ? STORE_E_NOMEM : audit_tip(r, false, "tip.reveal", t.id, buf_str(&b));
	buf_release(&b);
	if (rc == STORE_OK)
		rc = tips_event_add(r->db, t.id, t.commune_id, "reveal", r->user.user_id, NULL, NULL, now);
	if (rc == STORE_OK)
		rc = store_commit(r->db);
	else
		store_rollback(r->db);
	if (rc) {
		rc = http_fail_store(r, rc);
		goto out;
	}
	struct jw *w = http_json(r, 200);
	jw_obj(w);
	jw_key(w, "data");
	jw_obj(w);
	jw_key(w, "identity");
	jw_obj(w);
	for (int i = 0; identity_fields[i]; i++) {
		json_t *v = json_object_get(identity, identity_fields[i]);
		jw_kstr(w, identity_fields[i], json_is_string(v) ? json_string_value(v) : NULL);
	}
	jw_end(w);
	jw_end(w);
	jw_end(w);
	rc = APP_OK;
out:
	if (plain) {
		sodium_memzero(plain, strlen(sealed ? sealed : "") + 1);
		free(plain);
	}
	json_decref(identity);
	json_decref(body);
	return rc;
}

int api_tips_file(struct req *r)
{
	struct tip_row t;
	struct tip_file f;
	int64_t fid;
	char *data = NULL;
	size_t len = 0;
	int rc = load_visible(r, &t);
	if (rc)
		return rc;
	if (http_param_id(r, 1, &fid) != APP_OK)
		return http_fail(r, APP_E_NOTFOUND, "no such file");
	rc = tips_file_get(r->db, &r->arena, t.id, fid, &f);
	if (rc < 0)
		return http_fail_store(r, rc);
	if (rc == STORE_DONE)
		return http_fail(r, APP_E_NOTFOUND, "no such file");
	rc = uploads_read(f.sha256, TIP_FILE_BYTES, &data, &len);
	if (rc != 0)
		return http_fail(r, APP_E_INTERNAL, "the stored file is missing or unreadable");
	int kind = MEDIA_PDF;
	for (int i = 0; media_mime[i]; i++)
		if (strcmp(media_mime[i], f.mime) == 0)
			kind = i;
	r->status = 200;
	r->content_type = media_mime[kind];
	buf_reset(&r->out);
	r->out.max = TIP_FILE_BYTES;
	buf_add(&r->out, data, len);
	free(data);
	/* a PDF is downloaded, never shown in the app's own origin */
	http_header(r, "Content-Disposition",
		    arena_printf(&r->arena, "%s; filename=\"tip-%" PRId64 "-%" PRId64 ".%s\"",
				 kind == MEDIA_PDF ? "attachment" : "inline", t.id, f.id, media_ext[kind]));
	http_header(r, "Cache-Control", "private, no-store");
	return APP_OK;
}
