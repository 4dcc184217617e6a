/*
 * models.h: the queries about the movement's models (mô hình: clubs, teams, residential and school
 * models) — their sites (replication is adding sites), activities and periodic evaluations — and the
 * exemplars (điển hình tiên tiến) with their commendations, plus the models' statistics. Rows carry
 * their unit's path for permission checks; policy is the callers'.
 *
 * Callers hold the transaction and write the audit entry; nothing here starts one. Strings returned
 * are copied into the given arena.
 */
#ifndef TIENGMO_STORE_MODELS_H
#define TIENGMO_STORE_MODELS_H
#include <stdbool.h>
#include <stdint.h>

#include "lib/arena.h"
#include "store/store.h"

#define MODEL_NAME_MAX 300
#define MODEL_TEXT_MAX 4000

extern const char *const models_kind_names[];	  /* club, team, residential, school */
extern const char *const models_activity_names[]; /* legal_consultation, meeting, propaganda, … */
extern const char *const models_rating_names[];	  /* excellent, good, fair, weak */
extern const char *const exemplars_kind_names[];  /* person, team, organisation */
extern const char *const exemplars_level_names[]; /* commune, district, province, ministry */

struct model_row {
	int64_t id;
	int64_t commune_id;
	int64_t unit_id;
	const char *unit_path;
	const char *unit_name;
	const char *kind;
	const char *name;
	const char *description; /* NULL when none */
	int64_t sponsor_id;
	const char *sponsor_name;
	int64_t created_at;
	int64_t updated_at;
	/* totals over the model's sites and activities */
	int64_t sites;
	int64_t members;
	int64_t activities;
	int64_t people_reached;
	int64_t cases_handled;
};

/* Inserts m (id set here). STORE_OK, STORE_E_FK for a missing unit or sponsor, or an error. */
int models_insert(struct store *db, struct model_row *m, int64_t now);
/* Sets unit, kind, name, description and sponsor of m->id. STORE_OK or an error. */
int models_update(struct store *db, const struct model_row *m, int64_t now);
/* Deletes a model with its sites, activities and evaluations. STORE_OK or an error. */
int models_delete(struct store *db, int64_t id);
/* One model with its totals. STORE_ROW, STORE_DONE, or an error. */
int models_get(struct store *db, struct arena *a, int64_t id, struct model_row *m);
/* Models of the subtree unit_path (NULL: everywhere) and sponsor (0: any), with totals, by sponsor then
 * id, after id `after` in that order's id, at most limit. STORE_OK with an arena array, or an error. */
int models_list(struct store *db, struct arena *a, const char *unit_path, int64_t sponsor_id, int64_t after,
		int limit, struct model_row **out, int *n);

struct model_site {
	int64_t id;
	int64_t unit_id;
	const char *unit_name;
	int64_t started_at;
	int64_t members;
};
struct model_activity {
	int64_t id;
	int64_t held_at;
	const char *kind;
	int64_t people_reached;
	int64_t cases_handled;
	const char *notes;
};
struct model_evaluation {
	int64_t id;
	const char *period;
	const char *rating;
	const char *notes;
	int64_t created_at;
};
int models_site_add(struct store *db, int64_t model_id, int64_t commune_id, const struct model_site *s,
		    int64_t now, int64_t *id);
int models_activity_add(struct store *db, int64_t model_id, int64_t commune_id,
			const struct model_activity *x, int64_t now, int64_t *id);
int models_evaluation_add(struct store *db, int64_t model_id, int64_t commune_id,
			  const struct model_evaluation *e, int64_t now, int64_t *id);
/* The sites (by start), activities (newest first) and evaluations (oldest first) of a model, at most
 * max of each. STORE_OK or an error. */
int models_sites(struct store *db, struct arena *a, int64_t model_id, int max, struct model_site **out,
		 int *n);
int models_activities(struct store *db, struct arena *a, int64_t model_id, int max,
		      struct model_activity **out, int *n);
int models_evaluations(struct store *db, struct arena *a, int64_t model_id, int max,
		       struct model_evaluation **out, int *n);

/* Statistics of the models in the subtree `root` ("/" for all): how many models and sites (started
 * before `to`), and the activities held in [from, to) with the people they reached. */
struct models_bucket {
	const char *key;
	const char *name;
	int64_t models, sites, activities, people_reached, cases_handled;
};
#define MODELS_BUCKETS_MAX 256
struct models_stats {
	int64_t models, sites, members, activities, people_reached, cases_handled;
	int nsponsor, nkind;
	struct models_bucket by_sponsor[MODELS_BUCKETS_MAX];
	struct models_bucket by_kind[8];
};
/* Adds the subtree's figures to *st (zero it first; once per disjoint root). STORE_OK or an error. */
int models_stats_add(struct store *db, struct arena *a, const char *root, int64_t from, int64_t to,
		     struct models_stats *st);

/* Exemplars. */
struct exemplar_commendation {
	int64_t id;
	const char *level;
	int64_t awarded_at;
	const char *decision_no; /* NULL when none */
};
#define EXEMPLAR_COMMENDATIONS_MAX 32
struct exemplar_row {
	int64_t id;
	int64_t commune_id;
	int64_t unit_id;
	const char *unit_path;
	const char *unit_name;
	const char *kind;
	int64_t person_id, team_id, organisation_id; /* the one the kind names; 0 for the others */
	const char *name;
	const char *achievement;
	int64_t created_at;
	int64_t updated_at;
	int ncommendations;
	struct exemplar_commendation commendations[EXEMPLAR_COMMENDATIONS_MAX];
};
int exemplars_insert(struct store *db, struct exemplar_row *e, int64_t now);
int exemplars_update(struct store *db, const struct exemplar_row *e, int64_t now);
int exemplars_delete(struct store *db, int64_t id);
/* One exemplar with its commendations. STORE_ROW, STORE_DONE, or an error. */
int exemplars_get(struct store *db, struct arena *a, int64_t id, struct exemplar_row *e);
/* A page by id of the subtree unit_path (NULL: all), with commendations. STORE_OK or an error. */
int exemplars_list(struct store *db, struct arena *a, const char *unit_path, int64_t after, int limit,
		   struct exemplar_row **out, int *n);
int exemplars_commendation_add(struct store *db, int64_t exemplar_id, int64_t commune_id,
			       const struct exemplar_commendation *c, int64_t now, int64_t *id);

#endif
