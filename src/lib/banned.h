/*
 * banned.h: functions that are easy to misuse and have safer replacements here.
 * Included by every translation unit of tiengmo (meson passes -include); using one is a compile error.
 * Use buf_printf / snprintf, strtoll with an end check (util_parse_i64), and gmtime_r / localtime_r.
 */
#ifndef TIENGMO_BANNED_H
#define TIENGMO_BANNED_H

#define BANNED(func) sorry_##func##_is_a_banned_function

#undef strcpy
#define strcpy(x, y) BANNED(strcpy)
#undef strcat
#define strcat(x, y) BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) BANNED(strncpy)
#undef sprintf
#define sprintf(...) BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) BANNED(vsprintf)
#undef strtok
#define strtok(x, y) BANNED(strtok)
#undef atoi
#define atoi(x) BANNED(atoi)
#undef atol
#define atol(x) BANNED(atol)
#undef gmtime
#define gmtime(t) BANNED(gmtime)
#undef localtime
#define localtime(t) BANNED(localtime)

#endif
