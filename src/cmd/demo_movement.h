/*
 * demo_movement.h: the demo's movement step (`tiengmo demo`, src/cmd/demo.c): 2020 of the ward's
 * outreach sessions, models and clubs, exemplars, and the links of the demo logins.
 */
#ifndef TIENGMO_DEMO_MOVEMENT_H
#define TIENGMO_DEMO_MOVEMENT_H
#include <stdint.h>

#include "lib/arena.h"
#include "store/store.h"

/* Fills 2020 for phường Vĩnh Điện (code 20470, loaded by the earlier steps): outreach sessions, models
 * with sites, activities and evaluations, exemplars with commendations, each audited as actor "cli";
 * links the coordinator login to the Fatherland Front committee and the team_leader and member logins
 * to their people of Khối phố 1's security & order team. Runs inside the demo's transaction. Returns
 * STORE_OK or a store error (STORE_E_DB when the ward or its organisations are missing); deterministic. */
int demo_movement(struct store *db, struct arena *a, int64_t now);

#endif
