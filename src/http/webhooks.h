/*
 * webhooks.h: delivering alarm (and warning) events to the webhooks that admins register — a worker
 * thread of `tiengmo serve`, apart from the request threads and the live stream. The stream's listener
 * only wakes it (stream_listen); the worker then reads the new events from the events table, inserts
 * one delivery row per matching webhook (UNIQUE (webhook, event): of several instances only the one
 * whose insert wins delivers), and POSTs each with libcurl: a JSON body {"event","id","at","data"},
 * headers X-Tiengmo-Event, X-Tiengmo-Delivery and X-Tiengmo-Signature: sha256=HEX (HMAC-SHA256 of the
 * body under the webhook's secret). Failures are retried from the table with exponential backoff
 * (base × 1, 6, 24, 120, 720: 5 s … 1 h by default), six attempts in all, so retries survive a
 * restart. Timeouts 5 s; redirects are never followed; https only unless http is allowed.
 *
 * Also the rules the API shares with the worker: which URLs and event lists are acceptable, and
 * whether an event name matches a list.
 */
#ifndef TIENGMO_HTTP_WEBHOOKS_H
#define TIENGMO_HTTP_WEBHOOKS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define WEBHOOK_ATTEMPTS_MAX 6
#define WEBHOOK_SECRET_MAX 96

/* Set before webhooks_start (serve): allow http:// URLs (tests, a siren on the office LAN). */
extern bool webhooks_allow_http;

/* Starts the worker thread (once per process) on the default store URL. The retry base is
 * TIENGMO_WEBHOOK_RETRY_BASE_MS (default 5000). Returns 0, or -1 when the thread cannot start
 * (logged). */
int webhooks_start(void);
/* Stops the worker: an attempt in flight is abandoned (and retried later), the thread is joined. */
void webhooks_stop(void);

/* Is url acceptable for a webhook (absolute http(s) URL with a host, https unless allowed, no user
 * info, at most WEBHOOK_URL_MAX bytes)? NULL when it is, else a message for the client. */
const char *webhooks_url_problem(const char *url);
/* Is pattern one event name or "prefix.*" that webhooks may subscribe to (alarm.… or warning.…)? */
bool webhooks_pattern_valid(const char *pattern);
/* Does event `name` match the comma-separated list of patterns `events`? */
bool webhooks_match(const char *events, const char *name);
/* The signature header value "sha256=HEX" of body under secret into out (at least 72 bytes). */
void webhooks_sign(const char *secret, const char *body, size_t len, char *out, size_t outlen);

#endif
