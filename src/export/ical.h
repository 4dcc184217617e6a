/*
 * ical.h: an iCalendar (RFC 5545) writer for calendar feeds — duty rosters and patrols today, outreach
 * calendars later. It writes one VCALENDAR with PRODID, VERSION, CALSCALE, METHOD:PUBLISH and a
 * calendar name, then VEVENTs; times are written in UTC ("…Z"), so no VTIMEZONE is needed and every
 * client shows them in its own zone. Text values are escaped (backslash, ';', ',', line breaks) and
 * every content line is folded at 75 octets without splitting a UTF-8 sequence; lines end in CRLF.
 * It writes into a bounded struct buf (its error sticks there); nothing here touches HTTP or SQL.
 */
#ifndef TIENGMO_ICAL_H
#define TIENGMO_ICAL_H
#include <stdint.h>

#include "lib/buf.h"

struct ical_event {
	const char *uid;	 /* globally unique and stable: "slot-12@tiengmo" */
	int64_t stamp;		 /* DTSTAMP: when this version of the event was made */
	int64_t start, end;	 /* DTSTART, DTEND (Unix seconds) */
	const char *summary;	 /* the title, UTF-8 */
	const char *location;	 /* NULL: none */
	const char *description; /* NULL: none; line breaks allowed */
	const char *status;	 /* NULL, or "CONFIRMED", "TENTATIVE", "CANCELLED" */
};

/* Starts a calendar: prodid like "-//tiengmo//Lịch trực//VI", name the calendar's display name. */
void ical_begin(struct buf *b, const char *prodid, const char *name);
/* Writes one VEVENT. */
void ical_event(struct buf *b, const struct ical_event *e);
/* Ends the calendar. */
void ical_end(struct buf *b);
/* Writes one content line "NAME:VALUE" (VALUE already escaped as its type needs), folded, with CRLF. */
void ical_line(struct buf *b, const char *name, const char *value);
/* Escapes a TEXT value (RFC 5545 3.3.11) onto b; control characters other than line breaks are dropped. */
void ical_escape_text(struct buf *b, const char *s);

#endif
