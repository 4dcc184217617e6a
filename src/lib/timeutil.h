/*
 * timeutil.h: time as integer Unix seconds everywhere in the store; RFC 3339 with the Vietnam offset
 * (+07:00) at the edges. Vietnam has no daylight saving, so the offset is fixed.
 */
#ifndef TIENGMO_TIMEUTIL_H
#define TIENGMO_TIMEUTIL_H
#include <stddef.h>
#include <stdint.h>

#define TIME_VN_OFFSET (7 * 3600)

/* Current time in Unix seconds. */
int64_t time_now(void);
/* Monotonic nanoseconds, for measuring durations. */
uint64_t time_mono_ns(void);
/* Writes "2026-11-29T17:00:00+07:00" into out (at least 26 bytes); returns out. */
char *time_format_rfc3339(int64_t t, char *out, size_t outlen);
/* Parses RFC 3339 ("...Z" or "...+hh:mm", optional fraction) or a date "YYYY-MM-DD" (taken as
 * midnight in Vietnam). Returns 0 and sets *t, or -1 when malformed. */
int time_parse_rfc3339(const char *s, int64_t *t);

#endif
