/*
 * demo_mediation.h: the demo's mediation step (`tiengmo demo`, src/cmd/demo.c): the year 2020 of the
 * ward's mediation teams.
 */
#ifndef TIENGMO_DEMO_MEDIATION_H
#define TIENGMO_DEMO_MEDIATION_H
#include <stdint.h>

#include "lib/arena.h"
#include "store/store.h"

/* Fills 2020 for every mediation team in the database: cases received through the year with their
 * parties, mediators from the team, sessions and results, each audited as actor "cli". Runs inside
 * the demo's transaction (needs the key file loaded, to seal names). Returns STORE_OK or a store
 * error; deterministic (the same cases on every load). */
int demo_mediation(struct store *db, struct arena *a, int64_t now);

#endif
