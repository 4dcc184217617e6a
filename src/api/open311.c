/*
 * open311.c: Open311 GeoReport v2 at /open311/v2/ — discovery, services, a service definition,
 * service requests (GET and POST), one request, and a token — each as .xml or .json, written through
 * export/open311.h. Errors are the spec's: a list of {code, description} with the HTTP status (404 for
 * what does not exist, 403 for a missing or bad api_key, 400 for the rest).
 *
 * Privacy decisions:
 * - Services list only public categories (tip_categories.is_public); a private (crime) category is
 *   accepted by POST but `services/{code}` answers 404 for it and no GET shows its requests.
 * - A published request carries its id, status (open: new, verifying, forwarded; closed: resolved,
 *   unfounded, duplicate), service code and name, requested and updated times, the name of the unit
 *   it was filed under (block level) as its address, and lat/long rounded to 3 decimals (about 110 m).
 *   Never the description, the address typed by the citizen, the identity, or the source.
 * - POST: email, first_name, last_name and phone make the tip identified (sealed like the web form's
 *   identity); without them it is anonymous. device_id, account_id, media_url and attributes are
 *   ignored. No client address is stored. The tip gets a receipt hash nobody knows (an Open311 client
 *   follows its request with the token, not with a receipt).
 * - Services are of type "batch": POST answers a token, `tokens/{token}` gives the request id. The
 *   token is the id and a keyed MAC of it, so only the poster can turn it into an id; nothing about
 *   it is stored.
 * - POST is limited per key: at most OPEN311_POSTS_PER_MINUTE requests stored in any minute, then 429
 *   with the Open311 error list and Retry-After. The count is kept in public_throttle under
 *   "open311_key:ID" (the key's row id, never the key), in the tip's own transaction.
 */
#include <inttypes.h>
#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/api.h"
#include "export/open311.h"
#include "http/stream.h"
#include "lib/crypto.h"
#include "lib/timeutil.h"
#include "store/apikeys.h"
#include "store/open311.h"
#include "store/tips.h"

#define O311_LIST_MAX 1000
#define O311_DEFAULT_DAYS 90
#define O311_DESCRIPTION_MAX 4000
#define O311_FIELD_MAX 200
#define TOKEN_MAC_HEX 24
#define OPEN311_POSTS_PER_MINUTE 60 /* stated in the 429 message and docs/open311.md */
#define OPEN311_POST_WINDOW 60
#define THROTTLE_FORGET 3600 /* the longest window kept in public_throttle (api/tips.c's hour) */
#define SERVICE_NOTICE                                                                                       \
	"Công an phường đã nhận tin và sẽ xác minh. / The ward police received the report "      \
	"and will verify it."

/* ---- format and answers ---- */

/* Splits a path capture "name.json" / "name.xml" (".json" for the fixed resources, whose routes end in
 * "{format}"): *xml set, the name without its extension returned ("" for the fixed resources); NULL
 * when the extension is neither. */
static char *split_format(struct req *r, const char *param, bool *xml)
{
	const char *dot = strrchr(param, '.');
	*xml = false;
	if (!dot)
		return NULL;
	if (strcmp(dot + 1, "xml") == 0)
		*xml = true;
	else if (strcmp(dot + 1, "json") != 0)
		return NULL;
	return arena_strndup(&r->arena, param, (size_t)(dot - param));
}

static struct o311w *begin(struct req *r, struct o311w *w, int status, bool xml)
{
	r->status = status;
	r->content_type = xml ? "text/xml; charset=utf-8" : "application/json; charset=utf-8";
	o311_init(w, &r->out, xml);
	return w;
}

/* Answers an Open311 error document with its HTTP status; APP_OK (the error is the answer). */
static int fail(struct req *r, bool xml, int status, const char *description)
{
	struct o311w w;
	o311_error(begin(r, &w, status, xml), status, description);
	return APP_OK;
}

/* A format-less or unknown-format path: 404 in JSON (the client said no format we know). */
static int no_format(struct req *r)
{
	return fail(r, false, 404, "unknown format: end the path with .xml or .json");
}

static int done(struct req *r)
{
	return r->out.err ? APP_E_INTERNAL : APP_OK;
}

/* Any other /open311/v2/NAME: 404, in XML when NAME ends in .xml (the spec's default format). */
int api_open311_unknown(struct req *r)
{
	const char *dot = strrchr(r->params[0], '.');
	return fail(r, dot && strcmp(dot, ".xml") == 0, 404,
		    "no such resource: use discovery, services, requests or tokens, ending in .xml or .json");
}

/* ---- GET discovery ---- */

int api_open311_discovery(struct req *r)
{
	bool xml;
	const char *name = split_format(r, r->params[0], &xml);
	if (!name || *name)
		return no_format(r);
	struct o311w w;
	begin(r, &w, 200, xml);
	o311_obj(&w, "discovery");
	o311_time(&w, "changeset",
		  1764374400); /* 2025-11-29: when this endpoint's description last changed */
	o311_str(&w, "contact", "Công an phường (ward police station)");
	o311_str(&w, "key_service", "API keys are issued by the station's administrators");
	o311_arr(&w, "endpoints");
	o311_obj(&w, "endpoint");
	o311_str(&w, "specification", "http://wiki.open311.org/GeoReport_v2");
	o311_str(&w, "url", "/open311/v2");
	o311_time(&w, "changeset", 1764374400);
	o311_str(&w, "type", "production");
	o311_arr(&w, "formats");
	o311_str(&w, "format", "text/xml");
	o311_str(&w, "format", "application/json");
	o311_end(&w);
	o311_end(&w);
	o311_end(&w);
	o311_end(&w);
	return done(r);
}

/* ---- services ---- */

static void write_service(struct o311w *w, const struct tip_category *c)
{
	o311_obj(w, "service");
	o311_str(w, "service_code", c->code);
	o311_str(w, "service_name", c->name_vi);
	o311_str(w, "description", c->name_en);
	o311_bool(w, "metadata", false);
	o311_str(w, "type", "batch");
	o311_str(w, "keywords", NULL);
	o311_str(w, "group", "an ninh trật tự");
	o311_end(w);
}

/* The category `code` into *out, NULL when there is none; its is_public says whether it may be listed.
 * STORE_OK or an error. */
static int find_category(struct req *r, const char *code, const struct tip_category **out)
{
	struct tip_category *c;
	int n;
	*out = NULL;
	int rc = tips_categories(r->db, &r->arena, &c, &n);
	if (rc)
		return rc;
	for (int i = 0; i < n; i++)
		if (strcmp(c[i].code, code) == 0)
			*out = &c[i];
	return STORE_OK;
}

int api_open311_services(struct req *r)
{
	bool xml;
	const char *name = split_format(r, r->params[0], &xml);
	if (!name || *name)
		return no_format(r);
	struct tip_category *c;
	int n;
	int rc = tips_categories(r->db, &r->arena, &c, &n);
	if (rc)
		return fail(r, xml, 400, "the service list cannot be read now; try again");
	struct o311w w;
	begin(r, &w, 200, xml);
	o311_arr(&w, "services");
	for (int i = 0; i < n; i++)
		if (c[i].is_public)
			write_service(&w, &c[i]);
	o311_end(&w);
	return done(r);
}

int api_open311_service(struct req *r)
{
	bool xml;
	const char *code = split_format(r, r->params[0], &xml);
	if (!code)
		return no_format(r);
	const struct tip_category *c;
	if (find_category(r, code, &c) != STORE_OK)
		return fail(r, xml, 400, "the service list cannot be read now; try again");
	if (!c || !c->is_public)
		return fail(r, xml, 404, "service_code not found");
	struct o311w w;
	begin(r, &w, 200, xml);
	o311_obj(&w, "service_definition");
	o311_str(&w, "service_code", c->code);
	o311_arr(&w, "attributes");
	o311_end(&w);
	o311_end(&w);
	return done(r);
}

/* ---- requests ---- */

static bool status_closed(const char *s)
{
	return strcmp(s, "resolved") == 0 || strcmp(s, "unfounded") == 0 || strcmp(s, "duplicate") == 0;
}

/* Rounds to 3 decimals (about 110 m): where, but not which house. */
static double coarse(double v)
{
	return round(v * 1000.0) / 1000.0;
}

static void write_request(struct req *r, struct o311w *w, const struct open311_row *t)
{
	o311_obj(w, "request");
	o311_str(w, "service_request_id", arena_printf(&r->arena, "%" PRId64, t->id));
	o311_str(w, "status", status_closed(t->status) ? "closed" : "open");
	o311_str(w, "service_code", t->category);
	o311_str(w, "service_name", t->category_name);
	o311_str(w, "agency_responsible", "Công an phường");
	o311_time(w, "requested_datetime", t->created_at);
	o311_time(w, "updated_datetime", t->updated_at);
	o311_str(w, "address", t->unit_name);
	if (t->has_location) {
		o311_num(w, "lat", coarse(t->lat));
		o311_num(w, "long", coarse(t->lng));
	}
	o311_end(w);
}

/* Reads an optional RFC 3339 query argument; -1 when present and malformed. */
static int query_time(struct req *r, const char *name, int64_t *out)
{
	const char *s = http_query(r, name);
	*out = 0;
	if (!s || !*s)
		return 0;
	return time_parse_rfc3339(s, out) == 0 ? 0 : -1;
}

/* The ?status= filter: "open", "closed" or both comma-separated (or absent). Returns 0 (open), 1
 * (closed), -1 (both), or -2 when malformed. */
static int status_filter(const char *s)
{
	bool open = false, closed = false;
	if (!s || !*s)
		return -1;
	while (*s) {
		const char *comma = strchr(s, ',');
		size_t len = comma ? (size_t)(comma - s) : strlen(s);
		if (len == 4 && strncmp(s, "open", 4) == 0)
			open = true;
		else if (len == 6 && strncmp(s, "closed", 6) == 0)
			closed = true;
		else
			return -2;
		s += len;
		if (*s == ',')
			s++;
	}
	return open && closed ? -1 : closed ? 1 : 0;
}

static int requests_list(struct req *r, bool xml)
{
	int64_t from, to;
	if (query_time(r, "start_date", &from) || query_time(r, "end_date", &to))
		return fail(r, xml, 400, "start_date and end_date must be ISO 8601 times with an offset");
	if (!from && !to)
		from = time_now() - (int64_t)O311_DEFAULT_DAYS * 86400;
	int closed = status_filter(http_query(r, "status"));
	if (closed == -2)
		return fail(r, xml, 400, "status must be open, closed or both separated by a comma");
	const char *code = http_query(r, "service_code");
	if (code && *code) {
		const struct tip_category *c;
		if (find_category(r, code, &c) != STORE_OK)
			return fail(r, xml, 400, "the service list cannot be read now; try again");
		if (!c || !c->is_public)
			return fail(r, xml, 404, "service_code not found");
	} else {
		code = NULL;
	}
	const char *ids = http_query(r, "service_request_id");
	struct open311_row *rows = NULL;
	int n = 0, rc;
	if (ids && *ids) { /* a comma-separated list: the other filters are ignored, as the spec says */
		rows = arena_alloc(&r->arena, sizeof *rows * 100);
		if (!rows)
			return APP_E_NOMEM;
		const char *p = ids;
		while (*p && n < 100) {
			const char *comma = strchr(p, ',');
			size_t len = comma ? (size_t)(comma - p) : strlen(p);
			char *one = arena_strndup(&r->arena, p, len);
			int64_t id;
			if (!one || http_parse_id(one, &id) != 0)
				return fail(r, xml, 400,
					    "service_request_id must be ids separated by commas");
			rc = open311_request(r->db, &r->arena, id, &rows[n]);
			if (rc < 0)
				return fail(r, xml, 400, "the requests cannot be read now; try again");
			if (rc == STORE_ROW)
				n++;
			p += len;
			if (*p == ',')
				p++;
		}
		closed = -1;
	} else {
		rc = open311_requests(r->db, &r->arena, code, closed, from, to, O311_LIST_MAX, &rows, &n);
		if (rc)
			return fail(r, xml, 400, "the requests cannot be read now; try again");
	}
	struct o311w w;
	begin(r, &w, 200, xml);
	o311_arr(&w, "service_requests");
	for (int i = 0; i < n; i++)
		write_request(r, &w, &rows[i]);
	o311_end(&w);
	return done(r);
}

int api_open311_requests(struct req *r)
{
	bool xml;
	const char *name = split_format(r, r->params[0], &xml);
	if (!name || *name)
		return no_format(r);
	return requests_list(r, xml);
}

int api_open311_request(struct req *r)
{
	bool xml;
	const char *idtext = split_format(r, r->params[0], &xml);
	int64_t id;
	if (!idtext)
		return no_format(r);
	if (http_parse_id(idtext, &id) != 0)
		return fail(r, xml, 404, "service_request_id not found");
	struct open311_row t;
	int rc = open311_request(r->db, &r->arena, id, &t);
	if (rc < 0)
		return fail(r, xml, 400, "the request cannot be read now; try again");
	if (rc != STORE_ROW)
		return fail(r, xml, 404, "service_request_id not found");
	struct o311w w;
	begin(r, &w, 200, xml);
	o311_arr(&w, "service_requests");
	write_request(r, &w, &t);
	o311_end(&w);
	return done(r);
}

/* ---- tokens ---- */

/* The token of request `id`: "<id>-<first 24 hex digits of a keyed MAC of the id>". */
static const char *token_of(struct req *r, int64_t id)
{
	char idt[24], mac[CRYPTO_HASH_HEX];
	snprintf(idt, sizeof idt, "%" PRId64, id);
	if (crypto_keyed_hash_hex("open311_token", idt, strlen(idt), mac) != 0)
		return NULL;
	mac[TOKEN_MAC_HEX] = '\0';
	return arena_printf(&r->arena, "%s-%s", idt, mac);
}

int api_open311_token(struct req *r)
{
	bool xml;
	const char *token = split_format(r, r->params[0], &xml);
	if (!token)
		return no_format(r);
	const char *dash = strchr(token, '-');
	int64_t id = 0;
	char *idt = dash ? arena_strndup(&r->arena, token, (size_t)(dash - token)) : NULL;
	if (!idt || http_parse_id(idt, &id) != 0)
		return fail(r, xml, 404, "token not found");
	const char *want = token_of(r, id);
	if (!want)
		return APP_E_INTERNAL;
	if (!crypto_str_equal(want, token))
		return fail(r, xml, 404, "token not found");
	struct o311w w;
	begin(r, &w, 200, xml);
	o311_arr(&w, "service_requests");
	o311_obj(&w, "request");
	o311_str(&w, "service_request_id", idt);
	o311_str(&w, "token", token);
	o311_end(&w);
	o311_end(&w);
	return done(r);
}

/* ---- POST requests ---- */

static int parse_coord(const char *s, double lo, double hi, double *out)
{
	char *end;
	if (!s)
		return -1;
	double v = strtod(s, &end);
	if (end == s || *end || !isfinite(v) || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

/* The installation's commune when it has exactly one: 1 and *id, 0 when none or several, -1 error. */
static int only_commune(struct req *r, int64_t *id)
{
	struct store_stmt *st;
	int rc, count = 0;
	rc = store_prepare(r->db, "SELECT id FROM units WHERE kind = 'commune' ORDER BY id LIMIT 2", &st);
	if (rc)
		return -1;
	while ((rc = store_step(st)) == STORE_ROW) {
		if (!count)
			*id = store_col_i64(st, 0);
		count++;
	}
	store_reset(st);
	if (rc < 0)
		return -1;
	return count == 1;
}

/* The identity JSON of the optional contact fields, or NULL when none was given (anonymous). Caller
 * frees. */
static char *identity_json(const struct o311_form *f)
{
	const char *first = o311_form_get(f, "first_name"), *last = o311_form_get(f, "last_name");
	const char *phone = o311_form_get(f, "phone"), *email = o311_form_get(f, "email");
	if (!first && !last && !phone && !email)
		return NULL;
	json_t *o = json_object();
	if (!o)
		return NULL;
	if (first || last) {
		char name[2 * O311_FIELD_MAX + 2];
		snprintf(name, sizeof name, "%s%s%s", first ? first : "", first && last ? " " : "",
			 last ? last : "");
		json_object_set_new(o, "name", json_string(name));
	}
	if (phone)
		json_object_set_new(o, "phone", json_string(phone));
	if (email)
		json_object_set_new(o, "email", json_string(email));
	char *s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	return s;
}

/* Is s valid UTF-8 (jansson checks it) without control characters (but for tab, newline and carriage
 * return when `multiline`)? */
static bool text_ok(const char *s, bool multiline)
{
	json_t *t = json_string(s);
	if (!t)
		return false;
	json_decref(t);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if ((*p < 0x20 && !(multiline && (*p == '\n' || *p == '\t' || *p == '\r'))) || *p == 0x7f)
			return false;
	return true;
}

/* Every value is UTF-8 text; only the description may hold line breaks and tabs. */
static bool form_text_ok(const struct o311_form *f)
{
	for (int i = 0; i < f->n; i++)
		if (!text_ok(f->name[i], false) ||
		    !text_ok(f->value[i], strcmp(f->name[i], "description") == 0))
			return false;
	return true;
}

static bool too_long(const struct o311_form *f, const char *name, size_t max)
{
	const char *v = o311_form_get(f, name);
	return v && strlen(v) > max;
}

/* The per-key limit of POST: 1 after answering 429 (with Retry-After) when the key stored
 * OPEN311_POSTS_PER_MINUTE requests in the last minute, 0 when it may post, -1 when the count cannot be
 * read. */
static int key_limited(struct req *r, bool xml, const char *tkey)
{
	int count = 0;
	int64_t oldest = 0, now = time_now();
	if (throttle_recent(r->db, tkey, now - OPEN311_POST_WINDOW + 1, OPEN311_POSTS_PER_MINUTE, &count,
			    &oldest) != STORE_OK)
		return -1;
	if (count < OPEN311_POSTS_PER_MINUTE)
		return 0;
	int64_t wait = oldest + OPEN311_POST_WINDOW - now;
	const char *v = arena_printf(&r->arena, "%" PRId64, wait < 1 ? (int64_t)1 : wait);
	if (v)
		http_header(r, "Retry-After", v);
	fail(r, xml, 429, "this api_key sent too many requests in the last minute; try again later");
	return 1;
}

int api_open311_create(struct req *r)
{
	bool xml;
	const char *name = split_format(r, r->params[0], &xml);
	struct o311_form f;
	char *identity = NULL, *sealed = NULL;
	int rc;
	if (!name || *name)
		return no_format(r);

	/* parse */
	const char *ct = http_req_header(r, "Content-Type");
	if (!ct || strncasecmp(ct, "application/x-www-form-urlencoded", 33) != 0)
		return fail(r, xml, 400, "send the request as application/x-www-form-urlencoded");
	if (o311_form_parse(&r->arena, buf_str(&r->body), r->body.len, &f) != 0)
		return fail(
		    r, xml, 400,
		    "the form body is malformed (a bad %-escape, a NUL byte, or more than 32 fields)");

	/* the key first: without one nothing else is looked at */
	const char *key = o311_form_get(&f, "api_key");
	char hash[CRYPTO_HASH_HEX];
	int64_t key_id = 0;
	if (!key || strlen(key) > O311_FIELD_MAX)
		return fail(r, xml, 403, "api_key was not provided");
	if (crypto_keyed_hash_hex("api_key", key, strlen(key), hash) != 0)
		return APP_E_INTERNAL;
	rc = apikeys_check(r->db, hash, &key_id);
	if (rc < 0)
		return fail(r, xml, 400, "the request cannot be processed now; try again");
	if (rc != STORE_ROW)
		return fail(r, xml, 403, "invalid api_key received: it is unknown or revoked");
	const char *tkey = arena_printf(&r->arena, "open311_key:%" PRId64, key_id);
	if (!tkey)
		return APP_E_NOMEM;
	rc = key_limited(r, xml, tkey);
	if (rc != 0)
		return rc < 0 ? fail(r, xml, 400, "the request cannot be processed now; try again") : APP_OK;

	/* validate */
	if (!form_text_ok(&f))
		return fail(r, xml, 400,
			    "every field must be UTF-8 text without control characters (line breaks only in "
			    "description)");
	const char *code = o311_form_get(&f, "service_code");
	if (!code)
		return fail(r, xml, 400, "service_code was not provided");
	const struct tip_category *cat;
	if (find_category(r, code, &cat) != STORE_OK)
		return fail(r, xml, 400, "the service list cannot be read now; try again");
	if (!cat)
		return fail(r, xml, 404, "service_code not found");
	struct tip_input in = {.category = cat->code, .anonymous = true, .source = "open311"};
	const char *lat = o311_form_get(&f, "lat"), *lng = o311_form_get(&f, "long");
	in.address = o311_form_get(&f, "address_string");
	if (lat || lng) {
		if (parse_coord(lat, -90, 90, &in.lat) || parse_coord(lng, -180, 180, &in.lng))
			return fail(r, xml, 400, "lat and long must both be sent, as WGS84 degrees");
		in.has_location = true;
	}
	if (!in.has_location && !in.address)
		return fail(r, xml, 400, "a location was not provided: send lat and long, or address_string");
	in.description = o311_form_get(&f, "description");
	if (!in.description)
		return fail(r, xml, 400, "description was not provided: say what happened");
	if (strlen(in.description) > O311_DESCRIPTION_MAX)
		return fail(r, xml, 400, "description is longer than 4000 bytes");
	if (too_long(&f, "address_string", TIP_ADDRESS_MAX) || too_long(&f, "first_name", O311_FIELD_MAX) ||
	    too_long(&f, "last_name", O311_FIELD_MAX) || too_long(&f, "phone", O311_FIELD_MAX) ||
	    too_long(&f, "email", O311_FIELD_MAX))
		return fail(r, xml, 400, "address_string, first_name, last_name, phone or email is too long");
	int64_t commune = 0;
	int one = only_commune(r, &commune);
	if (one < 0)
		return fail(r, xml, 400, "the request cannot be processed now; try again");
	if (!one)
		return fail(r, xml, 400, "this installation does not serve exactly one commune");
	in.unit_id = in.commune_id = commune;

	identity = identity_json(&f);
	if (identity) {
		size_t cap = crypto_sealed_size(strlen(identity));
		sealed = malloc(cap);
		if (!sealed || crypto_seal(identity, strlen(identity), sealed, cap) < 0) {
			rc = APP_E_INTERNAL;
			goto out;
		}
		in.anonymous = false;
		in.identity_sealed = sealed;
	}

	/* domain call: the tip with a receipt hash nobody holds, and the audit, in one transaction */
	int64_t id = 0, event_id = 0;
	for (int attempt = 0; attempt < 3; attempt++) {
		unsigned char secret[32];
		char rhash[CRYPTO_HASH_HEX];
		crypto_random(secret, sizeof secret);
		rc = crypto_keyed_hash_hex("tip_receipt", secret, sizeof secret, rhash);
		sodium_memzero(secret, sizeof secret);
		if (rc != 0) {
			rc = APP_E_INTERNAL;
			goto out;
		}
		in.receipt_hash = rhash;
		int64_t now = time_now();
		rc = store_begin(r->db);
		if (rc) {
			rc = fail(r, xml, 400, "the request cannot be processed now; try again");
			goto out;
		}
		rc = tips_insert(r->db, &in, now, &id);
		if (rc == STORE_OK) {
			const char *detail =
			    arena_printf(&r->arena,
					 "{\"api_key_id\":%" PRId64 ",\"category\":\"%s\","
					 "\"anonymous\":%s}",
					 key_id, in.category, in.anonymous ? "true" : "false");
			rc = detail ? api_audit_as(r, 0, "open311", "tip.submit", "tip", id, detail)
				    : STORE_E_NOMEM;
		}
		if (rc == STORE_OK)
			rc = throttle_add(r->db, tkey, now, now - THROTTLE_FORGET);
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
	if (rc == STORE_E_CHECK) {
		rc = fail(r, xml, 400, "description and address_string must be UTF-8 text");
		goto out;
	}
	if (rc) {
		rc = fail(r, xml, 400, "the request cannot be processed now; try again");
		goto out;
	}
	const char *token = token_of(r, id);
	if (!token) {
		rc = APP_E_INTERNAL;
		goto out;
	}
	struct o311w w;
	begin(r, &w, 200, xml);
	o311_arr(&w, "service_requests");
	o311_obj(&w, "request");
	o311_str(&w, "token", token);
	o311_str(&w, "service_notice", SERVICE_NOTICE);
	o311_str(&w, "account_id", NULL);
	o311_end(&w);
	o311_end(&w);
	rc = done(r);
out:
	if (identity) {
		sodium_memzero(identity, strlen(identity));
		free(identity);
	}
	free(sealed);
	return rc;
}
