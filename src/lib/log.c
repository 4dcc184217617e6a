/*
 * log.c: formats and writes log lines (see log.h). One write(2) per line so threads do not interleave.
 */
#include "lib/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lib/buf.h"
#include "lib/timeutil.h"

static enum log_format g_fmt = LOG_TEXT;
static enum log_level g_min = LOG_INFO;
static const char *const level_names[] = {"debug", "info", "warn", "error"};

void log_setup(enum log_format fmt, enum log_level min)
{
	g_fmt = fmt;
	g_min = min;
}

static void json_str(struct buf *b, const char *s)
{
	buf_addc(b, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			buf_printf(b, "\\%c", *p);
		else if (*p < 0x20)
			buf_printf(b, "\\u%04x", *p);
		else
			buf_addc(b, (char)*p);
	}
	buf_addc(b, '"');
}

static void text_val(struct buf *b, const char *s)
{
	if (*s && !strpbrk(s, " \"=\n\t")) {
		buf_adds(b, s);
		return;
	}
	json_str(b, s);
}

static void emit(enum log_level lvl, const char *msg, va_list ap)
{
	struct buf b;
	char ts[40];
	buf_init(&b, 16384);
	time_format_rfc3339(time_now(), ts, sizeof ts);
	/* appends rather than buf_printf: one line per request is written, and printf is the slow part */
	if (g_fmt == LOG_JSON) {
		buf_adds(&b, "{\"time\":");
		json_str(&b, ts);
		buf_adds(&b, ",\"level\":\"");
		buf_adds(&b, level_names[lvl]);
		buf_adds(&b, "\",\"msg\":");
		json_str(&b, msg);
	} else {
		buf_adds(&b, ts);
		buf_addc(&b, ' ');
		buf_adds(&b, level_names[lvl]);
		buf_addc(&b, ' ');
		buf_adds(&b, msg);
	}
	for (;;) {
		const char *k = va_arg(ap, const char *);
		if (!k)
			break;
		const char *v = va_arg(ap, const char *);
		if (!v)
			v = "";
		if (g_fmt == LOG_JSON) {
			buf_addc(&b, ',');
			json_str(&b, k);
			buf_addc(&b, ':');
			json_str(&b, v);
		} else {
			buf_addc(&b, ' ');
			buf_adds(&b, k);
			buf_addc(&b, '=');
			text_val(&b, v);
		}
	}
	if (g_fmt == LOG_JSON)
		buf_addc(&b, '}');
	buf_addc(&b, '\n');
	if (b.err) { /* a line too long: say so instead of losing it silently */
		buf_reset(&b);
		buf_printf(&b, "%s %s (log line too long)\n", ts, msg);
	}
	ssize_t w = write(STDERR_FILENO, b.data, b.len);
	(void)w;
	buf_release(&b);
}

static void emit_va(enum log_level lvl, const char *msg, ...)
{
	va_list ap;
	va_start(ap, msg);
	emit(lvl, msg, ap);
	va_end(ap);
}

void log_kv(enum log_level lvl, const char *msg, ...)
{
	if (lvl < g_min)
		return;
	va_list ap;
	va_start(ap, msg);
	emit(lvl, msg, ap);
	va_end(ap);
}

void log_msg(enum log_level lvl, const char *fmt, ...)
{
	if (lvl < g_min)
		return;
	char line[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	emit_va(lvl, line, (const char *)NULL);
}
