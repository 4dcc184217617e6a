/*
 * ical.c: the iCalendar writer of ical.h. A content line is built whole in a small buffer, then copied
 * out folded: a CRLF and one space before the octet that would pass 75 on a line, never inside a UTF-8
 * sequence (RFC 5545 3.1).
 */
#include "export/ical.h"

#include <string.h>
#include <time.h>

#define ICAL_LINE_OCTETS 75
#define ICAL_LINE_MAX 16384

void ical_escape_text(struct buf *b, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
		switch (*p) {
		case '\\':
			buf_adds(b, "\\\\");
			break;
		case ';':
			buf_adds(b, "\\;");
			break;
		case ',':
			buf_adds(b, "\\,");
			break;
		case '\r':
			if (p[1] != '\n')
				buf_adds(b, "\\n");
			break;
		case '\n':
			buf_adds(b, "\\n");
			break;
		default:
			if (*p >= 0x20 && *p != 0x7f)
				buf_addc(b, (char)*p);
		}
	}
}

void ical_line(struct buf *b, const char *name, const char *value)
{
	struct buf line;
	buf_init(&line, ICAL_LINE_MAX);
	buf_adds(&line, name);
	buf_addc(&line, ':');
	buf_adds(&line, value);
	if (line.err) {
		b->err = line.err;
		buf_release(&line);
		return;
	}
	const unsigned char *p = (const unsigned char *)buf_str(&line);
	size_t len = line.len, used = 0;
	for (size_t i = 0; i < len;) {
		size_t n = 1; /* the octets of this character */
		if (p[i] >= 0xf0)
			n = 4;
		else if (p[i] >= 0xe0)
			n = 3;
		else if (p[i] >= 0xc0)
			n = 2;
		if (i + n > len)
			n = len - i;
		if (used + n > ICAL_LINE_OCTETS) {
			buf_adds(b, "\r\n ");
			used = 1; /* the space that starts the continuation line */
		}
		buf_add(b, p + i, n);
		used += n;
		i += n;
	}
	buf_adds(b, "\r\n");
	buf_release(&line);
}

static void line_text(struct buf *b, const char *name, const char *text)
{
	struct buf v;
	buf_init(&v, ICAL_LINE_MAX);
	ical_escape_text(&v, text);
	if (v.err)
		b->err = v.err;
	else
		ical_line(b, name, buf_str(&v));
	buf_release(&v);
}

static void line_time(struct buf *b, const char *name, int64_t t)
{
	struct tm tm;
	char s[32];
	time_t tt = (time_t)t;
	if (!gmtime_r(&tt, &tm) || strftime(s, sizeof s, "%Y%m%dT%H%M%SZ", &tm) == 0) {
		b->err = BUF_E_TOOBIG;
		return;
	}
	ical_line(b, name, s);
}

void ical_begin(struct buf *b, const char *prodid, const char *name)
{
	ical_line(b, "BEGIN", "VCALENDAR");
	ical_line(b, "VERSION", "2.0");
	line_text(b, "PRODID", prodid);
	ical_line(b, "CALSCALE", "GREGORIAN");
	ical_line(b, "METHOD", "PUBLISH");
	line_text(b, "X-WR-CALNAME", name);
	ical_line(b, "X-WR-TIMEZONE", "Asia/Ho_Chi_Minh");
}

void ical_event(struct buf *b, const struct ical_event *e)
{
	ical_line(b, "BEGIN", "VEVENT");
	line_text(b, "UID", e->uid);
	line_time(b, "DTSTAMP", e->stamp);
	line_time(b, "DTSTART", e->start);
	line_time(b, "DTEND", e->end);
	line_text(b, "SUMMARY", e->summary);
	if (e->location && *e->location)
		line_text(b, "LOCATION", e->location);
	if (e->description && *e->description)
		line_text(b, "DESCRIPTION", e->description);
	if (e->status)
		ical_line(b, "STATUS", e->status);
	ical_line(b, "END", "VEVENT");
}

void ical_end(struct buf *b)
{
	ical_line(b, "END", "VCALENDAR");
}
