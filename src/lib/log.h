/*
 * log.h: the one logger. Lines go to stderr as text ("2026-11-29T10:00:00+07:00 info msg k=v") or as
 * one JSON object per line (--log-format json). Callers pass key/value pairs; never pass a password,
 * session token, receipt, national id or a tipster's address: nothing here redacts for you.
 */
#ifndef TIENGMO_LOG_H
#define TIENGMO_LOG_H

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };
enum log_format { LOG_TEXT, LOG_JSON };

void log_setup(enum log_format fmt, enum log_level min);
/* Logs msg with NULL-terminated key, value string pairs: log_kv(LOG_INFO, "started", "port", "8080", NULL).
 */
void log_kv(enum log_level lvl, const char *msg, ...) __attribute__((sentinel));
/* printf-style convenience for messages without fields. */
void log_msg(enum log_level lvl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
