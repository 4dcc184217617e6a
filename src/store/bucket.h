/*
 * bucket.h: the one place where the engines' date functions differ — the Vietnamese calendar month
 * ("YYYY-MM", at +07:00) of a Unix-seconds column, for GROUP BY in statistics. Everything else in
 * tiengmo's SQL is the shared subset; a statement that buckets by month is written once with
 * STORE_BY_VN_MONTH, which expands to two string literals (one per engine) and picks the one for db:
 *
 *     const char *sql = STORE_BY_VN_MONTH(db, "SELECT ", "v.occurred_at",
 *                                         " AS m, COUNT(*) FROM violations v … GROUP BY m");
 *
 * Both are literals, so store_prepare's cache (keyed by the SQL's address) keeps working.
 */
#ifndef TIENGMO_STORE_BUCKET_H
#define TIENGMO_STORE_BUCKET_H
#include "store/store.h"

#define STORE_VN_MONTH_SQLITE(col) "strftime('%Y-%m', (" col ") + 25200, 'unixepoch')"
#define STORE_VN_MONTH_PG(col) "to_char(to_timestamp((" col ") + 25200) AT TIME ZONE 'UTC', 'YYYY-MM')"
/* The statement head + month(col) + tail for db's engine (a string literal either way). */
#define STORE_BY_VN_MONTH(db, head, col, tail)                                                               \
	(store_engine_of(db) == STORE_PG ? head STORE_VN_MONTH_PG(col) tail                                  \
					 : head STORE_VN_MONTH_SQLITE(col) tail)

#endif
