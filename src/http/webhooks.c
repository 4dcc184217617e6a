/*
 * webhooks.c: the webhook delivery worker of webhooks.h. One thread per process: it sleeps until the
 * live stream's listener signals an event (or a short poll interval passes), turns the new alarm and
 * warning events of the events table into delivery rows, then sends the deliveries that are due. The
 * request threads and the stream never wait for it: the listener only sets a flag and signals.
 *
 * A delivery is claimed (its next_try_at moved a minute ahead) before it is sent, so that of several
 * instances only one sends it at a time, and one that dies mid-attempt leaves it to be retried. The
 * secret is opened from its sealed form for each attempt and wiped afterwards; it is never logged.
 */
#include "http/webhooks.h"

#include <curl/curl.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http/stream.h"
#include "lib/arena.h"
#include "lib/buf.h"
#include "lib/crypto.h"
#include "lib/json.h"
#include "lib/log.h"
#include "lib/timeutil.h"
#include "store/events.h"
#include "store/webhooks.h"

#define DUE_BATCH 32
#define EVENT_BATCH 200
#define EVENT_MAX_AGE 3600 /* an event older than an hour (say, after a long outage) is not sent */
#define CLAIM_LEASE 60	   /* seconds another instance waits before taking over an attempt */
#define TIMEOUT_MS 5000L
#define PAYLOAD_MAX (STREAM_DATA_MAX + 512)
#define HOOKS_MAX 200

bool webhooks_allow_http;

static pthread_t g_thread;
static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t g_cond;
static bool g_started, g_wake;
static atomic_bool g_stop;
static long g_base_ms = 5000;

/* ---- rules shared with the API ---- */

const char *webhooks_url_problem(const char *url)
{
	const char *msg = NULL;
	char *scheme = NULL, *host = NULL, *user = NULL;
	if (!url || !*url || strlen(url) > WEBHOOK_URL_MAX)
		return "must be a URL of at most 2000 bytes";
	CURLU *u = curl_url();
	if (!u)
		return "cannot be checked now";
	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK || !host || !*host)
		msg = "must be an absolute URL with a host";
	else if (strcasecmp(scheme, "https") != 0 &&
		 !(webhooks_allow_http && strcasecmp(scheme, "http") == 0))
		msg = webhooks_allow_http ? "must be an http or https URL" : "must be an https URL";
	else if (curl_url_get(u, CURLUPART_USER, &user, 0) == CURLUE_OK && user)
		msg = "must not carry a user name or password";
	for (const char *p = url; !msg && *p; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f)
			msg = "must not contain spaces or control characters";
	curl_free(scheme);
	curl_free(host);
	curl_free(user);
	curl_url_cleanup(u);
	return msg;
}

bool webhooks_pattern_valid(const char *p)
{
	size_t n = p ? strlen(p) : 0;
	if (n < 3 || n > STREAM_NAME_MAX)
		return false;
	if (strncmp(p, "alarm.", 6) != 0 && strncmp(p, "warning.", 8) != 0)
		return false;
	const char *dot = strchr(p, '.');
	if (strcmp(dot + 1, "*") == 0)
		return true;
	if (!dot[1])
		return false;
	for (const char *c = p; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || *c == '.' || *c == '_'))
			return false;
	return true;
}

bool webhooks_match(const char *events, const char *name)
{
	size_t nl = strlen(name);
	for (const char *p = events; p && *p;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		if (len >= 2 && p[len - 1] == '*' && p[len - 2] == '.') {
			if (nl > len - 1 && strncmp(p, name, len - 1) == 0)
				return true;
		} else if (len == nl && strncmp(p, name, len) == 0)
			return true;
		p = end ? end + 1 : NULL;
	}
	return false;
}

void webhooks_sign(const char *secret, const char *body, size_t len, char *out, size_t outlen)
{
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	char hex[2 * crypto_auth_hmacsha256_BYTES + 1];
	crypto_auth_hmacsha256_state st;
	crypto_auth_hmacsha256_init(&st, (const unsigned char *)secret, strlen(secret));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)body, len);
	crypto_auth_hmacsha256_final(&st, mac);
	sodium_memzero(&st, sizeof st);
	crypto_hex(mac, sizeof mac, hex);
	snprintf(out, outlen, "sha256=%s", hex);
}

/* ---- the listener: never blocks ---- */

static void on_event(const struct stream_event *e, void *ctx)
{
	(void)ctx;
	if (strncmp(e->name, "alarm.", 6) != 0 && strncmp(e->name, "warning.", 8) != 0)
		return;
	pthread_mutex_lock(&g_mu);
	g_wake = true;
	pthread_cond_signal(&g_cond);
	pthread_mutex_unlock(&g_mu);
}

/* ---- events into deliveries ---- */

struct pending_event {
	int64_t id, at, commune_id;
	char name[STREAM_NAME_MAX + 1];
	char *data;
};

struct event_batch {
	struct pending_event ev[EVENT_BATCH];
	int n;
};

static int collect(const struct event_row *e, void *ctx)
{
	struct event_batch *b = ctx;
	if (b->n >= EVENT_BATCH)
		return 1;
	struct pending_event *p = &b->ev[b->n];
	p->id = e->id;
	p->at = e->at;
	p->commune_id = e->commune_id;
	snprintf(p->name, sizeof p->name, "%s", e->name ? e->name : "");
	p->data = strdup(e->data ? e->data : "{}");
	if (p->data)
		b->n++;
	return 0;
}

/* Inserts the deliveries of one event (the body is built once per event). */
static void fan_out(struct store *db, const struct pending_event *e, const struct webhook_row *hooks,
		    int nhooks, int64_t now)
{
	struct buf body;
	char at[40];
	buf_init(&body, PAYLOAD_MAX);
	buf_adds(&body, "{\"event\":");
	json_escape(&body, e->name, strlen(e->name));
	buf_printf(&body, ",\"id\":%" PRId64 ",\"at\":\"%s\",\"data\":", e->id,
		   time_format_rfc3339(e->at, at, sizeof at));
	buf_adds(&body, e->data);
	buf_addc(&body, '}');
	if (body.err) {
		char ids[24];
		snprintf(ids, sizeof ids, "%" PRId64, e->id);
		log_kv(LOG_WARN, "webhook payload too large", "event_id", ids, NULL);
		goto out;
	}
	for (int i = 0; i < nhooks; i++) {
		const struct webhook_row *h = &hooks[i];
		if (!webhooks_match(h->events, e->name) ||
		    (h->commune_id && h->commune_id != e->commune_id) || e->at < h->created_at)
			continue;
		int64_t id;
		int rc = deliveries_add(db, h->id, e->id, e->name, e->commune_id, buf_str(&body), now, &id);
		if (rc < 0)
			log_kv(LOG_WARN, "webhook delivery not recorded", "error", store_errmsg(db), NULL);
	}
out:
	buf_release(&body);
}

/* Reads the events after *last and records their deliveries; moves *last on. */
static void scan_events(struct store *db, int64_t *last)
{
	struct event_batch *b = malloc(sizeof *b);
	if (!b)
		return;
	for (;;) {
		int n = 0;
		b->n = 0;
		int rc = events_after(db, *last, EVENT_BATCH, collect, b, &n);
		if (rc < 0 || b->n == 0) {
			if (rc < 0)
				log_kv(LOG_WARN, "webhooks cannot read events", "error", store_errmsg(db),
				       NULL);
			break;
		}
		struct arena a;
		arena_init(&a, 1 << 20);
		struct webhook_row *hooks = NULL;
		int nhooks = 0;
		int64_t now = time_now();
		bool any = false;
		for (int i = 0; i < b->n; i++)
			if ((strncmp(b->ev[i].name, "alarm.", 6) == 0 ||
			     strncmp(b->ev[i].name, "warning.", 8) == 0) &&
			    b->ev[i].at >= now - EVENT_MAX_AGE)
				any = true;
		if (any && webhooks_list(db, &a, HOOKS_MAX, &hooks, &nhooks) < 0)
			log_kv(LOG_WARN, "webhooks cannot be listed", "error", store_errmsg(db), NULL);
		for (int i = 0; i < b->n; i++) {
			if (nhooks && b->ev[i].at >= now - EVENT_MAX_AGE)
				fan_out(db, &b->ev[i], hooks, nhooks, now);
			*last = b->ev[i].id;
			free(b->ev[i].data);
		}
		arena_release(&a);
		if (b->n < EVENT_BATCH)
			break;
	}
	free(b);
}

/* ---- sending ---- */

static size_t discard(char *p, size_t size, size_t n, void *ctx)
{
	(void)p;
	(void)ctx;
	return size * n;
}

static int abort_on_stop(void *ctx, curl_off_t a, curl_off_t b, curl_off_t c, curl_off_t d)
{
	(void)ctx;
	(void)a;
	(void)b;
	(void)c;
	(void)d;
	return atomic_load(&g_stop) ? 1 : 0;
}

/* POSTs body to url; returns the HTTP status (0 when none came back) and a short error in err. */
static long post(const char *url, const char *event, int64_t delivery_id, const char *body, const char *sig,
		 char *err, size_t errlen)
{
	long code = 0;
	char h_event[96], h_delivery[64], h_sig[128];
	struct curl_slist *hdrs = NULL;
	CURL *c = curl_easy_init();
	err[0] = '\0';
	if (!c) {
		snprintf(err, errlen, "out of memory");
		return 0;
	}
	snprintf(h_event, sizeof h_event, "X-Tiengmo-Event: %s", event);
	snprintf(h_delivery, sizeof h_delivery, "X-Tiengmo-Delivery: %" PRId64, delivery_id);
	snprintf(h_sig, sizeof h_sig, "X-Tiengmo-Signature: %s", sig);
	hdrs = curl_slist_append(hdrs, "Content-Type: application/json");
	hdrs = curl_slist_append(hdrs, "User-Agent: tiengmo-webhooks/" TIENGMO_VERSION);
	hdrs = curl_slist_append(hdrs, h_event);
	hdrs = curl_slist_append(hdrs, h_delivery);
	hdrs = curl_slist_append(hdrs, h_sig);
	hdrs = curl_slist_append(hdrs, "Expect:");
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, webhooks_allow_http ? "http,https" : "https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, TIMEOUT_MS);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, TIMEOUT_MS);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(body));
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, abort_on_stop);
	CURLcode rc = curl_easy_perform(c);
	if (rc == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	else
		snprintf(err, errlen, "%s", curl_easy_strerror(rc));
	curl_slist_free_all(hdrs);
	curl_easy_cleanup(c);
	return code;
}

/* The wait before attempt k+1 after k failed attempts (k >= 1), in seconds, rounded up. */
static int64_t backoff(int k)
{
	static const int factor[] = {1, 6, 24, 120, 720};
	int i = k - 1 < 0 ? 0 : (k - 1 > 4 ? 4 : k - 1);
	int64_t ms = (int64_t)g_base_ms * factor[i];
	return (ms + 999) / 1000;
}

static void attempt(struct store *db, int64_t id)
{
	struct arena a;
	struct delivery_row d;
	const char *url = NULL, *sealed = NULL;
	char secret[WEBHOOK_SECRET_MAX + 1], sig[96], err[CURL_ERROR_SIZE + 32], ids[24];
	int64_t now = time_now();
	arena_init(&a, 1 << 20);
	snprintf(ids, sizeof ids, "%" PRId64, id);
	if (deliveries_claim(db, id, now, now + CLAIM_LEASE) != STORE_OK)
		goto out; /* another instance has it, or it is done */
	if (deliveries_get(db, &a, id, &d, &url, &sealed) != STORE_ROW)
		goto out;
	if (!url || !sealed) {
		deliveries_record(db, id, "failed", d.attempts, 0, "webhook deleted", 0, now);
		goto out;
	}
	if (crypto_open(sealed, secret, sizeof secret) < 0) {
		deliveries_record(db, id, "failed", d.attempts, 0, "the secret cannot be opened (key file)",
				  0, now);
		log_kv(LOG_ERROR, "webhook secret cannot be opened", "delivery", ids, NULL);
		goto out;
	}
	webhooks_sign(secret, d.payload, strlen(d.payload), sig, sizeof sig);
	sodium_memzero(secret, sizeof secret);
	long code = post(url, d.event, id, d.payload, sig, err, sizeof err);
	int attempts = d.attempts + 1;
	now = time_now();
	if (code >= 200 && code < 300) {
		deliveries_record(db, id, "delivered", attempts, (int)code, NULL, 0, now);
	} else {
		char why[CURL_ERROR_SIZE + 48];
		if (code)
			snprintf(why, sizeof why, "the endpoint answered %ld", code);
		else
			snprintf(why, sizeof why, "%s", err[0] ? err : "no answer");
		bool give_up = attempts >= WEBHOOK_ATTEMPTS_MAX;
		deliveries_record(db, id, give_up ? "failed" : "pending", attempts, (int)code, why,
				  give_up ? 0 : now + backoff(attempts), now);
		char codes[24], atts[16];
		snprintf(codes, sizeof codes, "%ld", code);
		snprintf(atts, sizeof atts, "%d", attempts);
		log_kv(LOG_WARN, give_up ? "webhook delivery failed; giving up" : "webhook delivery failed",
		       "delivery", ids, "code", codes, "attempts", atts, NULL);
	}
out:
	arena_release(&a);
}

static void send_due(struct store *db)
{
	int64_t ids[DUE_BATCH];
	int n = 0;
	do {
		if (deliveries_due(db, time_now(), DUE_BATCH, ids, &n) < 0) {
			log_kv(LOG_WARN, "webhooks cannot read deliveries", "error", store_errmsg(db), NULL);
			return;
		}
		for (int i = 0; i < n && !atomic_load(&g_stop); i++)
			attempt(db, ids[i]);
	} while (n == DUE_BATCH && !atomic_load(&g_stop));
}

/* ---- the thread ---- */

static void *worker(void *arg)
{
	(void)arg;
	struct store *db = NULL;
	int64_t last = -1;
	long poll_ms = g_base_ms < 1000 ? 200 : 1000;
	while (!atomic_load(&g_stop)) {
		if (!db)
			db = store_thread();
		if (db && last < 0) {
			int64_t from_deliveries = 0, from_events = 0;
			if (deliveries_last_event(db, &from_deliveries) == STORE_OK &&
			    events_last_id(db, &from_events) == STORE_OK)
				last = from_deliveries > 0 && from_deliveries < from_events ? from_deliveries
											    : from_events;
		}
		if (db && last >= 0) {
			scan_events(db, &last);
			send_due(db);
		}
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_nsec += (poll_ms % 1000) * 1000000L;
		ts.tv_sec += poll_ms / 1000 + ts.tv_nsec / 1000000000L;
		ts.tv_nsec %= 1000000000L;
		pthread_mutex_lock(&g_mu);
		while (!g_wake && !atomic_load(&g_stop))
			if (pthread_cond_timedwait(&g_cond, &g_mu, &ts) != 0)
				break;
		g_wake = false;
		pthread_mutex_unlock(&g_mu);
	}
	store_thread_release();
	return NULL;
}

int webhooks_start(void)
{
	if (g_started)
		return 0;
	const char *e = getenv("TIENGMO_WEBHOOK_RETRY_BASE_MS");
	if (e && *e) {
		char *end;
		long v = strtol(e, &end, 10);
		if (*end || v < 1 || v > 3600000) {
			log_kv(LOG_ERROR, "TIENGMO_WEBHOOK_RETRY_BASE_MS must be 1..3600000", NULL);
			return -1;
		}
		g_base_ms = v;
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		log_kv(LOG_ERROR, "libcurl cannot start; webhooks are off", NULL);
		return -1;
	}
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&g_cond, &ca);
	pthread_condattr_destroy(&ca);
	atomic_store(&g_stop, false);
	/* the worker never takes a signal: SIGTERM and SIGINT belong to the server's sigwait */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	int made = pthread_create(&g_thread, NULL, worker, NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (made != 0) {
		log_kv(LOG_ERROR, "the webhook worker cannot start", NULL);
		curl_global_cleanup();
		return -1;
	}
	if (stream_listen(on_event, NULL) < 0)
		log_kv(LOG_WARN, "webhooks poll the events table (no listener slot left)", NULL);
	g_started = true;
	return 0;
}

void webhooks_stop(void)
{
	if (!g_started)
		return;
	pthread_mutex_lock(&g_mu);
	atomic_store(&g_stop, true);
	pthread_cond_signal(&g_cond);
	pthread_mutex_unlock(&g_mu);
	pthread_join(g_thread, NULL);
	curl_global_cleanup();
	g_started = false;
}
