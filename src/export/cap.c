/*
 * cap.c: CAP 1.2 <alert> documents and their Atom feed, written with libxml2's xmlTextWriter (see
 * cap.h). Element order follows the schema's sequences (cap12.xsd); optional elements with no value
 * are left out. Not for reading CAP: tiengmo only publishes it.
 */
#include <libxml/xmlwriter.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "export/cap.h"
#include "lib/timeutil.h"

#define ATOM_NS "http://www.w3.org/2005/Atom"
#define CAP_TEXT_MAX (64 * 1024)

static pthread_once_t xml_once = PTHREAD_ONCE_INIT;

static void xml_init(void)
{
	xmlInitParser();
}

/* Copies s without the characters XML 1.0 cannot carry (C0 controls but tab, LF, CR). The caller
 * frees the copy. Input is UTF-8 (JSON bodies are checked by jansson), so only bytes < 0x20 matter. */
static char *xml_clean(const char *s)
{
	size_t n = strnlen(s, CAP_TEXT_MAX);
	char *out = malloc(n + 1), *o = out;
	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 || c == '\t' || c == '\n' || c == '\r')
			*o++ = (char)c;
	}
	*o = '\0';
	return out;
}

/* Writes <name>text</name>; NULL text writes nothing. Returns < 0 on failure. */
static int el(xmlTextWriterPtr w, const char *name, const char *text)
{
	if (!text)
		return 0;
	char *clean = xml_clean(text);
	if (!clean)
		return -1;
	int rc = xmlTextWriterWriteElement(w, BAD_CAST name, BAD_CAST clean);
	free(clean);
	return rc;
}

static int el_time(xmlTextWriterPtr w, const char *name, int64_t t)
{
	char ts[40];
	if (!t)
		return 0;
	time_format_rfc3339(t, ts, sizeof ts);
	return el(w, name, ts);
}

/* Hands the writer's buffer to out. */
static int finish(xmlTextWriterPtr w, xmlBufferPtr xb, int rc, struct buf *out)
{
	if (rc >= 0)
		rc = xmlTextWriterEndDocument(w);
	xmlFreeTextWriter(w);
	if (rc >= 0) {
		buf_add(out, xmlBufferContent(xb), (size_t)xmlBufferLength(xb));
		if (out->err)
			rc = -1;
	}
	xmlBufferFree(xb);
	return rc < 0 ? -1 : 0;
}

static int start(xmlTextWriterPtr *w, xmlBufferPtr *xb, struct buf *out)
{
	pthread_once(&xml_once, xml_init);
	buf_reset(out);
	*xb = xmlBufferCreate();
	if (!*xb)
		return -1;
	*w = xmlNewTextWriterMemory(*xb, 0);
	if (!*w) {
		xmlBufferFree(*xb);
		*xb = NULL;
		return -1;
	}
	xmlTextWriterSetIndent(*w, 1);
	xmlTextWriterSetIndentString(*w, BAD_CAST "  ");
	return xmlTextWriterStartDocument(*w, "1.0", "UTF-8", NULL);
}

static int write_info(xmlTextWriterPtr w, const struct cap_info *in)
{
	int rc = xmlTextWriterStartElement(w, BAD_CAST "info");
	if (rc >= 0)
		rc = el(w, "language", "vi-VN");
	if (rc >= 0)
		rc = el(w, "category", in->category ? in->category : "Other");
	if (rc >= 0)
		rc = el(w, "event", in->event ? in->event : "Cảnh báo");
	if (rc >= 0)
		rc = el(w, "responseType", in->response_type);
	if (rc >= 0)
		rc = el(w, "urgency", in->urgency ? in->urgency : "Unknown");
	if (rc >= 0)
		rc = el(w, "severity", in->severity ? in->severity : "Unknown");
	if (rc >= 0)
		rc = el(w, "certainty", in->certainty ? in->certainty : "Unknown");
	if (rc >= 0)
		rc = el_time(w, "effective", in->effective);
	if (rc >= 0)
		rc = el_time(w, "expires", in->expires);
	if (rc >= 0)
		rc = el(w, "senderName", in->sender_name);
	if (rc >= 0)
		rc = el(w, "headline", in->headline);
	if (rc >= 0)
		rc = el(w, "description", in->description);
	if (rc >= 0)
		rc = el(w, "instruction", in->instruction);
	if (rc >= 0)
		rc = el(w, "web", in->web);
	if (rc >= 0 && in->area_desc) {
		rc = xmlTextWriterStartElement(w, BAD_CAST "area");
		if (rc >= 0)
			rc = el(w, "areaDesc", in->area_desc);
		if (rc >= 0 && in->has_point) {
			char circle[96];
			snprintf(circle, sizeof circle, "%.6f,%.6f %.3f", in->lat, in->lng,
				 in->radius_km > 0 ? in->radius_km : 0.0);
			rc = el(w, "circle", circle);
		}
		if (rc >= 0)
			rc = xmlTextWriterEndElement(w);
	}
	if (rc >= 0)
		rc = xmlTextWriterEndElement(w);
	return rc;
}

int cap_write_alert(const struct cap_alert *a, struct buf *out)
{
	xmlTextWriterPtr w = NULL;
	xmlBufferPtr xb = NULL;
	int rc = start(&w, &xb, out);
	if (!w)
		return -1;
	if (rc >= 0)
		rc = xmlTextWriterStartElementNS(w, NULL, BAD_CAST "alert", BAD_CAST CAP_NS);
	if (rc >= 0)
		rc = el(w, "identifier", a->identifier);
	if (rc >= 0)
		rc = el(w, "sender", a->sender);
	if (rc >= 0)
		rc = el_time(w, "sent", a->sent);
	if (rc >= 0)
		rc = el(w, "status", a->status ? a->status : "Actual");
	if (rc >= 0)
		rc = el(w, "msgType", a->msg_type ? a->msg_type : "Alert");
	if (rc >= 0)
		rc = el(w, "scope", a->restricted ? "Restricted" : "Public");
	if (rc >= 0 && a->restricted)
		rc = el(w, "restriction", a->restriction ? a->restriction : "restricted");
	if (rc >= 0)
		rc = el(w, "note", a->note);
	if (rc >= 0)
		rc = el(w, "references", a->references);
	if (rc >= 0)
		rc = write_info(w, &a->info);
	if (rc >= 0)
		rc = xmlTextWriterEndElement(w);
	return finish(w, xb, rc, out);
}

int cap_write_feed(const struct cap_feed *f, const struct cap_entry *e, int n, struct buf *out)
{
	xmlTextWriterPtr w = NULL;
	xmlBufferPtr xb = NULL;
	int rc = start(&w, &xb, out);
	if (!w)
		return -1;
	if (rc >= 0)
		rc = xmlTextWriterStartElementNS(w, NULL, BAD_CAST "feed", BAD_CAST ATOM_NS);
	if (rc >= 0)
		rc = xmlTextWriterWriteAttribute(w, BAD_CAST "xml:lang", BAD_CAST "vi");
	if (rc >= 0)
		rc = el(w, "id", f->id);
	if (rc >= 0)
		rc = el(w, "title", f->title);
	if (rc >= 0)
		rc = el_time(w, "updated", f->updated);
	if (rc >= 0 && f->self) {
		rc = xmlTextWriterStartElement(w, BAD_CAST "link");
		if (rc >= 0)
			rc = xmlTextWriterWriteAttribute(w, BAD_CAST "rel", BAD_CAST "self");
		if (rc >= 0)
			rc = xmlTextWriterWriteAttribute(w, BAD_CAST "href", BAD_CAST f->self);
		if (rc >= 0)
			rc = xmlTextWriterEndElement(w);
	}
	if (rc >= 0) {
		rc = xmlTextWriterStartElement(w, BAD_CAST "author");
		if (rc >= 0)
			rc = el(w, "name", f->author ? f->author : "tiengmo");
		if (rc >= 0)
			rc = xmlTextWriterEndElement(w);
	}
	for (int i = 0; rc >= 0 && i < n; i++) {
		rc = xmlTextWriterStartElement(w, BAD_CAST "entry");
		if (rc >= 0)
			rc = el(w, "id", e[i].id);
		if (rc >= 0)
			rc = el(w, "title", e[i].title);
		if (rc >= 0)
			rc = el_time(w, "updated", e[i].updated);
		if (rc >= 0)
			rc = el(w, "summary", e[i].summary);
		if (rc >= 0) {
			rc = xmlTextWriterStartElement(w, BAD_CAST "link");
			if (rc >= 0)
				rc = xmlTextWriterWriteAttribute(w, BAD_CAST "rel", BAD_CAST "alternate");
			if (rc >= 0)
				rc = xmlTextWriterWriteAttribute(w, BAD_CAST "type",
								 BAD_CAST "application/cap+xml");
			if (rc >= 0)
				rc = xmlTextWriterWriteAttribute(w, BAD_CAST "href", BAD_CAST e[i].link);
			if (rc >= 0)
				rc = xmlTextWriterEndElement(w);
		}
		if (rc >= 0)
			rc = xmlTextWriterEndElement(w);
	}
	if (rc >= 0)
		rc = xmlTextWriterEndElement(w);
	return finish(w, xb, rc, out);
}

/* ---- vocabularies ---- */

struct map {
	const char *from, *a, *b;
};

static const struct map *lookup(const struct map *m, const char *name)
{
	for (; m->from; m++)
		if (name && strcmp(m->from, name) == 0)
			return m;
	return m; /* the terminator carries the defaults */
}

static const struct map warning_kinds[] = {
    {"storm", "Met", "Bão, áp thấp nhiệt đới"},
    {"flood", "Met", "Lũ lụt, ngập úng"},
    {"scam_wave", "Security", "Lừa đảo qua điện thoại, mạng"},
    {"wanted", "Security", "Truy nã"},
    {"epidemic", "Health", "Dịch bệnh"},
    {NULL, "Other", "Cảnh báo"},
};

static const struct map alarm_kinds[] = {
    {"theft", "Security", "Trộm cắp"},
    {"robbery", "Security", "Cướp"},
    {"fight", "Security", "Đánh nhau, gây rối"},
    {"fire", "Fire", "Cháy"},
    {"medical", "Health", "Cấp cứu y tế"},
    {"flood_storm", "Met", "Lũ lụt, bão"},
    {NULL, "Safety", "Báo động"},
};

static const struct map severities[] = {
    {"extreme", "Extreme", NULL}, {"severe", "Severe", NULL}, {"moderate", "Moderate", NULL},
    {"minor", "Minor", NULL},	  {NULL, "Unknown", NULL},
};

const char *cap_warning_category(const char *kind)
{
	return lookup(warning_kinds, kind)->a;
}

const char *cap_warning_event(const char *kind)
{
	return lookup(warning_kinds, kind)->b;
}

const char *cap_severity(const char *severity)
{
	return lookup(severities, severity)->a;
}

const char *cap_alarm_category(const char *kind)
{
	return lookup(alarm_kinds, kind)->a;
}

const char *cap_alarm_event(const char *kind)
{
	return lookup(alarm_kinds, kind)->b;
}
