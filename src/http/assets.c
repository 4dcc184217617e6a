/*
 * assets.c: serves the web app that web/build.mjs bundled and tools/embed.c compiled into the binary
 * (embed_web: index.html, assets/app-HASH.js and .css, assets/chunk-HASH.js and .css, each with a gzip -9
 * copy NAME.gz).
 *
 * One handler, the router's fallback for GET of any path outside /api/: "/" and every path that looks
 * like an app route (no dot in its last segment) get index.html, so deep links survive a reload; an
 * embedded file is served by its name; anything else with a dot is 404. Each response carries a strong
 * ETag (SHA-256 of the bytes sent, computed once at first use), honours If-None-Match with 304, sends
 * the gzip copy when Accept-Encoding allows it, and is cached for a year when its name carries a
 * content hash (everything under assets/) and revalidated every time otherwise (index.html).
 * Not for anything under /api/: those paths never reach this handler and stay JSON 404s.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http/assets.h"
#include "lib/crypto.h"
#include "lib/embed.h"

#define ETAG_MAX 48
#define MAX_ASSETS 256 /* files besides their .gz copies; index_assets skips any beyond */

struct asset {
	const struct embed_file *plain;
	const struct embed_file *gz; /* NULL when there is no precompressed copy */
	char etag[ETAG_MAX];	     /* "hex" of the plain bytes */
	char etag_gz[ETAG_MAX];	     /* "hex-gz" of the gzip bytes */
};

static struct asset g_assets[MAX_ASSETS];
static int g_nassets;
static pthread_once_t g_once = PTHREAD_ONCE_INIT;

static void make_etag(const struct embed_file *f, const char *suffix, char out[ETAG_MAX])
{
	char hex[CRYPTO_HASH_HEX];
	crypto_sha256_hex(f->data, f->len, hex);
	snprintf(out, ETAG_MAX, "\"%.32s%s\"", hex, suffix);
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Pairs each file with its NAME.gz copy and computes the ETags, once. */
static void index_assets(void)
{
	for (const struct embed_file *f = embed_web; f->name; f++) {
		if (ends_with(f->name, ".gz") || g_nassets >= MAX_ASSETS)
			continue;
		struct asset *a = &g_assets[g_nassets++];
		a->plain = f;
		make_etag(f, "", a->etag);
		size_t n = strlen(f->name);
		for (const struct embed_file *g = embed_web; g->name; g++) {
			if (strlen(g->name) == n + 3 && strncmp(g->name, f->name, n) == 0 &&
			    ends_with(g->name, ".gz")) {
				a->gz = g;
				make_etag(g, "-gz", a->etag_gz);
			}
		}
	}
}

static const struct asset *find_asset(const char *name)
{
	for (int i = 0; i < g_nassets; i++)
		if (strcmp(g_assets[i].plain->name, name) == 0)
			return &g_assets[i];
	return NULL;
}

static const char *content_type_of(const char *name)
{
	static const struct {
		const char *ext, *type;
	} types[] = {
	    {".html", "text/html; charset=utf-8"},
	    {".js", "text/javascript; charset=utf-8"},
	    {".css", "text/css; charset=utf-8"},
	    {".json", "application/json; charset=utf-8"},
	    {".svg", "image/svg+xml"},
	    {".png", "image/png"},
	    {".ico", "image/x-icon"},
	    {".woff2", "font/woff2"},
	    {".txt", "text/plain; charset=utf-8"},
	    {".webmanifest", "application/manifest+json"},
	};
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
		if (ends_with(name, types[i].ext))
			return types[i].type;
	return "application/octet-stream";
}

/* True when Accept-Encoding names gzip (or *) with a q-value above zero. */
static bool accepts_gzip(const char *ae)
{
	const char *p = ae;
	while (*p) {
		const char *end = strchr(p, ',');
		if (!end)
			end = p + strlen(p);
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		size_t len = strcspn(p, ",; \t");
		bool named = (len == 4 && strncasecmp(p, "gzip", 4) == 0) || (len == 1 && *p == '*');
		bool zero = false;
		const char *q = p + len;
		while (q < end && (*q == ' ' || *q == '\t' || *q == ';'))
			q++;
		if (q + 2 < end + 1 && (q[0] == 'q' || q[0] == 'Q') && q[1] == '=')
			zero = strtod(q + 2, NULL) <= 0.0;
		if (named && !zero)
			return true;
		p = *end ? end + 1 : end;
	}
	return false;
}

/* True when If-None-Match lists etag (weak comparison, as RFC 9110 asks for If-None-Match) or is "*". */
static bool etag_matches(const char *inm, const char *etag)
{
	size_t elen = strlen(etag);
	const char *p = inm;
	while (p && *p) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (*p == '*')
			return true;
		if (strncmp(p, "W/", 2) == 0)
			p += 2;
		if (strncmp(p, etag, elen) == 0 && (p[elen] == '\0' || p[elen] == ',' || p[elen] == ' '))
			return true;
		p = strchr(p, ',');
	}
	return false;
}

/* The embedded file a path names, or index.html for an app route; NULL for 404. */
static const struct asset *resolve(const char *path)
{
	if (path[0] != '/')
		return NULL;
	const char *name = path + 1;
	if (*name) {
		const struct asset *a = find_asset(name);
		if (a)
			return a;
	}
	const char *last = strrchr(path, '/');
	if (strchr(last, '.'))
		return NULL;
	return find_asset("index.html");
}

int assets_serve(struct req *r)
{
	pthread_once(&g_once, index_assets);
	const struct asset *a = resolve(r->path);
	if (!a)
		return http_fail(r, APP_E_NOTFOUND, "no such file");

	const char *ae = http_req_header(r, "Accept-Encoding");
	bool gz = a->gz && ae && accepts_gzip(ae);
	const struct embed_file *f = gz ? a->gz : a->plain;
	const char *etag = gz ? a->etag_gz : a->etag;
	bool hashed = strncmp(a->plain->name, "assets/", 7) == 0;

	http_header(r, "ETag", etag);
	http_header(r, "Vary", "Accept-Encoding");
	http_header(r, "Cache-Control", hashed ? "public, max-age=31536000, immutable" : "no-cache");
	r->content_type = content_type_of(a->plain->name);
	buf_reset(&r->out);
	const char *inm = http_req_header(r, "If-None-Match");
	if (inm && etag_matches(inm, etag)) {
		r->status = 304;
		return APP_OK;
	}
	if (gz)
		http_header(r, "Content-Encoding", "gzip");
	r->status = 200;
	if (buf_add(&r->out, f->data, f->len) != BUF_OK)
		return http_fail(r, APP_E_NOMEM, "file too large to send");
	return APP_OK;
}
