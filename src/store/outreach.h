/*
 * outreach.h: the queries about outreach sessions (tuyên truyền, phát động, tập huấn, tư vấn pháp
 * luật) — a session with its organisers, topics, audience groups and files — the extendable list of
 * topics, and the statistics of a period. Every session lies on a unit (commune, block or group) and
 * rows carry the unit's path for permission checks (domain/perm.h); policy is the callers'.
 *
 * Callers hold the transaction and write the audit entry; nothing here starts one. Strings returned
 * are copied into the given arena.
 */
#ifndef TIENGMO_STORE_OUTREACH_H
#define TIENGMO_STORE_OUTREACH_H
#include <stdbool.h>
#include <stdint.h>

#include "lib/arena.h"
#include "store/store.h"

#define OUTREACH_PLACE_MAX 500
#define OUTREACH_NOTES_MAX 4000
#define OUTREACH_ORGANISERS_MAX 16
#define OUTREACH_TOPICS_MAX 16
#define OUTREACH_AUDIENCES_MAX 16
#define OUTREACH_TOPIC_NAME_MAX 200

/* Kind and audience group names as the API and database spell them, NULL-terminated. */
extern const char
    *const outreach_kind_names[]; /* propaganda, campaign_launch, training, legal_consultation */
extern const char *const outreach_audience_names[]; /* residents, pupils, teachers, members */

struct outreach_org {
	int64_t id;
	const char *name;
};

struct outreach_audience {
	const char *group;	 /* one of outreach_audience_names */
	int64_t organisation_id; /* whose members (group "members"); 0 otherwise */
	int64_t count;
};

struct outreach_session {
	int64_t id;
	int64_t commune_id;
	int64_t unit_id;
	const char *unit_path;
	const char *unit_name;
	const char *kind;
	int64_t held_at;
	const char *place; /* NULL when none */
	int64_t participants;
	const char *notes; /* NULL when none */
	int64_t series_id; /* 0 for a single session */
	int64_t created_by;
	int64_t created_at;
	int64_t updated_at;
	/* the links (outreach_session_links fills them; the caller fills them to insert) */
	int norganisers;
	struct outreach_org organisers[OUTREACH_ORGANISERS_MAX];
	int ntopics;
	const char *topics[OUTREACH_TOPICS_MAX]; /* topic codes */
	int naudiences;
	struct outreach_audience audiences[OUTREACH_AUDIENCES_MAX];
};

/* Inserts s (its fields and links; id, created_at and updated_at are set here). STORE_OK and s->id,
 * STORE_E_FK when a unit, organisation or topic does not exist, or another error. */
int outreach_session_insert(struct store *db, struct outreach_session *s, int64_t now);
/* Sets every field and replaces every link of session s->id. STORE_OK, STORE_E_FK, or an error. */
int outreach_session_update(struct store *db, const struct outreach_session *s, int64_t now);
/* Marks session id as part of the series whose first session is series_id. STORE_OK or an error. */
int outreach_session_set_series(struct store *db, int64_t id, int64_t series_id);
/* Deletes a session with its links and file rows. STORE_OK or an error. */
int outreach_session_delete(struct store *db, int64_t id);
/* Finds one session with its links. STORE_ROW and *s, STORE_DONE when none, or an error. */
int outreach_session_get(struct store *db, struct arena *a, int64_t id, struct outreach_session *s);
/* Loads the links (organisers with names, topics, audiences) of s->id into s. STORE_OK or an error. */
int outreach_session_links(struct store *db, struct arena *a, struct outreach_session *s);

struct outreach_query {
	const char *unit_path;	 /* subtree; NULL for everywhere */
	int64_t from, to;	 /* held_at in [from, to); 0 for open ends */
	int64_t organisation_id; /* 0: any */
	const char *topic;	 /* NULL: any */
	int64_t after_id;	 /* the cursor: the last session of the previous page, 0 for the first */
	int limit;
};
/* A page of sessions (without their links), the newest held first, after the cursor session.
 * STORE_OK with an arena array, or an error. */
int outreach_sessions_list(struct store *db, struct arena *a, const struct outreach_query *q,
			   struct outreach_session **out, int *n);

/* Topics. */
struct outreach_topic {
	const char *code;
	const char *name_vi;
	const char *name_en;
};
/* Every topic in its sort order (at most max). STORE_OK or an error. */
int outreach_topics_list(struct store *db, struct arena *a, int max, struct outreach_topic **out, int *n);
/* Adds a topic after the others. STORE_OK, STORE_E_UNIQUE when the code is taken, or an error. */
int outreach_topic_insert(struct store *db, const char *code, const char *name_vi, const char *name_en,
			  int64_t now);
/* Does the topic exist? STORE_ROW yes, STORE_DONE no, or an error. */
int outreach_topic_exists(struct store *db, const char *code);

/* Files (photos and the sign-in sheet). */
struct outreach_file {
	int64_t id;
	int64_t session_id;
	const char *role; /* "photo" | "sign_in" */
	const char *sha256;
	const char *mime;
	int64_t size;
	int64_t created_at;
};
int outreach_file_add(struct store *db, const struct outreach_file *f, int64_t commune_id, int64_t now,
		      int64_t *id);
/* The files of a session in id order (at most max). STORE_OK or an error. */
int outreach_files_list(struct store *db, struct arena *a, int64_t session_id, int max,
			struct outreach_file **out, int *n);
/* One file of a session. STORE_ROW, STORE_DONE, or an error. */
int outreach_file_get(struct store *db, struct arena *a, int64_t session_id, int64_t file_id,
		      struct outreach_file *f);

/* Statistics. A bucket of a breakdown: its key (topic code, unit or organisation id as text, or
 * "YYYY-MM"), its name, the sessions and their participants. */
struct outreach_bucket {
	const char *key;
	int64_t id; /* unit or organisation id; 0 for topics and months */
	const char *name;
	int64_t sessions;
	int64_t participants;
};
#define OUTREACH_BUCKETS_MAX 512
struct outreach_breakdown {
	int n;
	struct outreach_bucket b[OUTREACH_BUCKETS_MAX];
};
struct outreach_stats {
	int64_t sessions;
	int64_t participants;
	struct outreach_breakdown by_topic, by_unit, by_organiser, by_month;
};
/* Adds the sessions held in [from, to) on units of the subtree `root` ("/" for everything) to *st
 * (zero it first; call once per disjoint root). Aggregated in SQL on the (commune_id, held_at) index;
 * months are Vietnam's calendar months. STORE_OK or an error. */
int outreach_stats_add(struct store *db, struct arena *a, const char *root, int64_t from, int64_t to,
		       struct outreach_stats *st);

#endif
