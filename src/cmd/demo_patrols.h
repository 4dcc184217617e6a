/*
 * demo_patrols.h: the demo's patrol step (`tiengmo demo`, src/cmd/demo.c): the joint Directive 16
 * patrols of 2020 with their violation records, and this week's duty roster of the member login's team.
 */
#ifndef TIENGMO_DEMO_PATROLS_H
#define TIENGMO_DEMO_PATROLS_H
#include <stdint.h>

#include "lib/arena.h"
#include "store/store.h"

/* Fills 2020's joint patrols on Covid-19 Directive 16 (police, military command, health station with
 * several security & order teams) with check-ins and violation records (masks, gatherings, shops open
 * against the rules; reminders and fines), and the current week's roster (two shifts) of the team of
 * the "member" login (else the first security team) so that login sees its duties. Each record is
 * audited as actor "cli". Runs inside the demo's transaction. Returns STORE_OK or a store error;
 * deterministic apart from the current week. */
int demo_patrols(struct store *db, struct arena *a, int64_t now);

#endif
