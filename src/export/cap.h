/*
 * cap.h: the Common Alerting Protocol 1.2 (OASIS) documents that tiengmo publishes — one <alert> per
 * public warning or alarm — and the Atom feed (RFC 4287) that lists them. Writers take plain structs
 * (no database, no HTTP) and write XML with libxml2's xmlTextWriter into a bounded struct buf; every
 * text is escaped, and characters that XML 1.0 cannot carry are dropped. Times are written as
 * "YYYY-MM-DDThh:mm:ss+07:00" (the schema's pattern; never "Z").
 *
 * Also here: how tiengmo's own vocabularies (warning kinds, alarm kinds, severities) map onto CAP's
 * enumerations, so the handlers that build documents share one mapping.
 */
#ifndef TIENGMO_EXPORT_CAP_H
#define TIENGMO_EXPORT_CAP_H
#include <stdbool.h>
#include <stdint.h>

#include "lib/buf.h"

#define CAP_NS "urn:oasis:names:tc:emergency:cap:1.2"
#define CAP_CONTENT_TYPE "application/cap+xml; charset=utf-8"
#define ATOM_CONTENT_TYPE "application/atom+xml; charset=utf-8"

/* One <info> block, in Vietnamese (language vi-VN). NULL strings and 0 times are left out. */
struct cap_info {
	const char *category;	   /* Geo, Met, Safety, Security, Rescue, Fire, Health, Other, … */
	const char *event;	   /* "Bão", "Cháy", … */
	const char *response_type; /* Shelter, Prepare, Monitor, AllClear, … or NULL */
	const char *urgency;	   /* Immediate, Expected, Future, Past, Unknown */
	const char *severity;	   /* Extreme, Severe, Moderate, Minor, Unknown */
	const char *certainty;	   /* Observed, Likely, Possible, Unlikely, Unknown */
	int64_t effective, expires;
	const char *sender_name;
	const char *headline;
	const char *description;
	const char *instruction;
	const char *web; /* an absolute URL */
	const char *area_desc;
	bool has_point; /* writes <circle>"lat,lng radius_km"</circle> */
	double lat, lng, radius_km;
};

struct cap_alert {
	const char *identifier; /* unique per message; no spaces, commas, '<' or '&' */
	const char *sender;	/* the same rules */
	int64_t sent;
	const char *status;	 /* Actual, Exercise, System, Test, Draft */
	const char *msg_type;	 /* Alert, Update, Cancel */
	bool restricted;	 /* scope Restricted with <restriction>, else Public */
	const char *restriction; /* required when restricted */
	const char *note;	 /* NULL: none */
	const char *references;	 /* "sender,identifier,sent" of the message updated or cancelled; NULL */
	struct cap_info info;
};

/* Writes a CAP 1.2 <alert> document (with its XML declaration) into out, emptied first. Returns 0, or
 * -1 when the writer failed or out is full (out->err then says which). */
int cap_write_alert(const struct cap_alert *a, struct buf *out);

/* The Atom feed: its own identity, and one entry per alert, each linking to the alert's CAP document
 * (rel="alternate", type application/cap+xml). */
struct cap_feed {
	const char *id;	   /* an absolute IRI: "urn:…" or a URL */
	const char *title; /* "Cảnh báo công khai" */
	const char *self;  /* the feed's own absolute URL */
	const char *author;
	int64_t updated;
};
struct cap_entry {
	const char *id; /* an absolute IRI */
	const char *title;
	const char *summary; /* NULL: none */
	const char *link;    /* the CAP document's URL */
	int64_t updated;
};
/* Writes the feed with n entries into out, emptied first. Returns 0 or -1 as cap_write_alert. */
int cap_write_feed(const struct cap_feed *f, const struct cap_entry *e, int n, struct buf *out);

/* Mappings (NULL-safe; an unknown name maps to "Other"/"Unknown"). */
/* The CAP category of a warning kind (storm, flood, scam_wave, wanted, epidemic, other). */
const char *cap_warning_category(const char *kind);
/* The Vietnamese event name of a warning kind ("Bão", "Lũ lụt", …). */
const char *cap_warning_event(const char *kind);
/* The CAP severity of tiengmo's severity (extreme, severe, moderate, minor). */
const char *cap_severity(const char *severity);
/* The CAP category and Vietnamese event name of an alarm kind (theft, robbery, fight, fire, medical,
 * flood_storm, other). */
const char *cap_alarm_category(const char *kind);
const char *cap_alarm_event(const char *kind);

#endif
