/*
 * csv.h: reading an uploaded CSV file into rows, each with the line number it starts on, so that an
 * import can answer "line 7: …". It wraps libcsv (RFC 4180 quoting, strict mode) and adds what every
 * tiengmo import needs: a UTF-8 check, an optional byte-order mark, bounded field sizes and counts,
 * and blank lines skipped. It knows nothing about columns or records: callers map the header
 * (csvr_column) and validate fields themselves. Not for writing CSV (that is src/export/).
 */
#ifndef TIENGMO_LIB_CSV_H
#define TIENGMO_LIB_CSV_H
#include <stddef.h>

#include "lib/arena.h"

struct csvr_row {
	int line; /* physical line the row starts on, 1-based */
	int n;	  /* number of fields */
	const char *
	    *fields; /* NUL-terminated UTF-8, leading and trailing blanks of unquoted fields removed */
};

struct csvr_table {
	int nrows; /* rows[0] is the header when the file has one */
	struct csvr_row *rows;
};

struct csvr_limits {
	size_t max_field; /* bytes in one field */
	int max_fields;	  /* fields in one row */
	int max_rows;	  /* rows in the file, the header included */
};

/*
 * Parses data (len bytes; a leading UTF-8 BOM is skipped) into *out; everything is allocated from a.
 * Rows whose fields are all empty are skipped. Returns 0, or -1 with *err_line (0 when not tied to a
 * line) and a lowercase message in err: a quote left open or misplaced, a field or row too large, too
 * many rows, a NUL byte, text that is not UTF-8, or the arena exhausted.
 */
int csvr_parse(struct arena *a, const char *data, size_t len, const struct csvr_limits *lim,
	       struct csvr_table *out, int *err_line, char *err, size_t errlen);

/* Index of the header field equal to name (ASCII case-insensitive), or -1. */
int csvr_column(const struct csvr_row *header, const char *name);

/* Field i of row, or "" when the row is shorter. */
const char *csvr_field(const struct csvr_row *row, int i);

/* One error of an import, on a line of the file (0 for the file as a whole). */
struct csvr_error {
	int line;
	const char *msg;
};
/* Orders errors by line, keeping the order of each line's own (stable; lists are short). */
void csvr_errors_sort(struct csvr_error *e, int n);
/* How many bytes of a value from the file to quote in a message: at most 40, never half a
 * character. Use as printf("%.*s", csvr_quote_len(s), s). */
int csvr_quote_len(const char *s);

/* Is s (n bytes) well-formed UTF-8 (no overlongs, surrogates or code points past U+10FFFF)? */
int csvr_utf8_valid(const char *s, size_t n);

#endif
