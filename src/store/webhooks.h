/*
 * webhooks.h: the systems outside tiengmo that hear about alarms — feed tokens that open the
 * restricted CAP feed of one commune to a partner (only their keyed hash is stored), and webhooks
 * (an SMS gateway, a siren controller) with their deliveries. A delivery row exists once per webhook
 * and event (UNIQUE pair): the instance whose insert wins sends it, and its status and next_try_at
 * carry retries across restarts. Secrets are stored sealed (crypto_seal); callers seal and open them,
 * and never log them. Callers hold the transaction when they need one. Strings are arena copies.
 */
#ifndef TIENGMO_STORE_WEBHOOKS_H
#define TIENGMO_STORE_WEBHOOKS_H
#include <stdbool.h>
#include <stdint.h>

#include "lib/arena.h"
#include "store/store.h"

#define FEED_TOKEN_NAME_MAX 100
#define WEBHOOK_URL_MAX 2000
#define WEBHOOK_EVENTS_MAX 500

/* ---- feed tokens ---- */

struct feed_token_row {
	int64_t id;
	int64_t commune_id;
	const char *name;
	int64_t created_by; /* 0 when unknown */
	int64_t created_at;
	int64_t revoked_at; /* 0 while the token works */
};

/* Adds a token. STORE_OK and *id; STORE_E_UNIQUE when the hash is taken; or an error. */
int feed_tokens_add(struct store *db, int64_t commune_id, const char *name, const char *token_hash,
		    int64_t created_by, int64_t now, int64_t *id);
/* The unrevoked token with this hash: STORE_ROW and *commune_id, STORE_DONE when none, or an error. */
int feed_tokens_check(struct store *db, const char *token_hash, int64_t *commune_id);
/* Every token, oldest first, at most max, into an arena array. STORE_OK or an error. */
int feed_tokens_list(struct store *db, struct arena *a, int max, struct feed_token_row **out, int *n);
/* Revokes token id. STORE_OK, STORE_DONE when there is no such unrevoked token, or an error. */
int feed_tokens_revoke(struct store *db, int64_t id, int64_t now);

/* ---- webhooks ---- */

struct webhook_row {
	int64_t id;
	const char *url;
	const char *events;	   /* "alarm.*,warning.issued" */
	int64_t commune_id;	   /* 0: every commune */
	const char *secret_sealed; /* crypto_seal of the secret */
	int64_t created_by;
	int64_t created_at;
};

/* Adds a webhook. STORE_OK and *id, or an error. */
int webhooks_add(struct store *db, const struct webhook_row *w, int64_t now, int64_t *id);
/* The active webhooks, oldest first, at most max. STORE_OK or an error. */
int webhooks_list(struct store *db, struct arena *a, int max, struct webhook_row **out, int *n);
/* One active webhook. STORE_ROW and *w, STORE_DONE, or an error. */
int webhooks_get(struct store *db, struct arena *a, int64_t id, struct webhook_row *w);
/* Deletes (deactivates) webhook id; its pending deliveries are given up. STORE_OK, STORE_DONE when
 * there is no such active webhook, or an error. */
int webhooks_delete(struct store *db, int64_t id, int64_t now);

/* ---- deliveries ---- */

struct delivery_row {
	int64_t id;
	int64_t webhook_id;
	int64_t event_id;
	const char *event;
	const char *payload;
	const char *status; /* pending, delivered, failed */
	int attempts;
	int last_code; /* 0 when no HTTP status came back */
	const char *last_error;
	int64_t next_try_at; /* 0 once delivered or given up */
	int64_t created_at;
	int64_t updated_at;
};

/* Inserts the pending delivery of event_id to webhook_id unless one exists. STORE_OK and *id when this
 * call made it (so the caller delivers it), STORE_DONE when it existed already, or an error. */
int deliveries_add(struct store *db, int64_t webhook_id, int64_t event_id, const char *event,
		   int64_t commune_id, const char *payload, int64_t now, int64_t *id);
/* The ids of pending deliveries due at `now` (next_try_at <= now), oldest due first, at most max into
 * ids. STORE_OK and *n, or an error. */
int deliveries_due(struct store *db, int64_t now, int max, int64_t *ids, int *n);
/* Claims pending delivery id for this instance until `lease_until` (moving its next_try_at there) if it
 * is still due at now. STORE_OK when claimed, STORE_DONE when another instance has it or it is no
 * longer pending, or an error. */
int deliveries_claim(struct store *db, int64_t id, int64_t now, int64_t lease_until);
/* One delivery with its webhook's URL and sealed secret (arena copies; NULL when the webhook was
 * deleted). STORE_ROW, STORE_DONE, or an error. */
int deliveries_get(struct store *db, struct arena *a, int64_t id, struct delivery_row *d, const char **url,
		   const char **secret_sealed);
/* Records an attempt: status "delivered", "pending" (with next_try_at) or "failed", the HTTP code (0:
 * none) and an error text (NULL: none). STORE_OK or an error. */
int deliveries_record(struct store *db, int64_t id, const char *status, int attempts, int code,
		      const char *error, int64_t next_try_at, int64_t now);
/* The highest event id that has a delivery (0 when none). STORE_OK or an error. */
int deliveries_last_event(struct store *db, int64_t *event_id);
/* The newest deliveries of a webhook, at most max. STORE_OK or an error. */
int deliveries_list(struct store *db, struct arena *a, int64_t webhook_id, int max, struct delivery_row **out,
		    int *n);

#endif
