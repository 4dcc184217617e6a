/*
 * fuzz_csv.c: libFuzzer driver for the CSV reader every import uses (src/lib/csv.h: csvr_parse,
 * csvr_column, csvr_field).
 *
 * The input is an uploaded file. The first byte picks tight or roomy limits so that both the limit
 * errors and deep parses are reached. A parse that succeeds is checked against csv.h's promises
 * (rows within the limits, line numbers rising and inside the file, fields UTF-8 without NUL and not
 * all empty), then written back with every field quoted and parsed again: the second reading must give
 * the same fields. A parse that fails must say why. Not for what an import does with the rows.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/arena.h"
#include "lib/buf.h"
#include "lib/csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what)
{
	fprintf(stderr, "fuzz_csv: %s\n", what);
	abort();
}

/* Lines in the file as csv.h counts them: LF, CR, and CR LF each end one. */
static int count_lines(const char *s, size_t n)
{
	int lines = 1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n' || (s[i] == '\r' && (i + 1 == n || s[i + 1] != '\n')))
			lines++;
	}
	return lines;
}

static void check_table(const struct csvr_table *t, const struct csvr_limits *lim, int lines)
{
	if (t->nrows < 0 || t->nrows > lim->max_rows || (t->nrows && !t->rows))
		fail("row count outside the limits");
	int prev = 0;
	for (int i = 0; i < t->nrows; i++) {
		const struct csvr_row *row = &t->rows[i];
		if (row->line <= prev || row->line > lines)
			fail("row line numbers do not rise within the file");
		prev = row->line;
		if (row->n < 1 || row->n > lim->max_fields)
			fail("field count outside the limits");
		int blank = 1;
		for (int f = 0; f < row->n; f++) {
			const char *s = row->fields[f];
			size_t len = strlen(s);
			if (len > lim->max_field)
				fail("a field longer than the limit was accepted");
			if (!csvr_utf8_valid(s, len))
				fail("a field that is not UTF-8 was accepted");
			if (len)
				blank = 0;
			if (csvr_field(row, f) != s)
				fail("csvr_field does not return the field");
		}
		if (blank)
			fail("a blank row was kept");
		if (*csvr_field(row, row->n) || *csvr_field(row, -1))
			fail("csvr_field outside the row is not empty");
	}
	if (t->nrows > 0) {
		const struct csvr_row *h = &t->rows[0];
		for (int f = 0; f < h->n; f++) {
			int c = csvr_column(h, h->fields[f]);
			if (c < 0 || c > f || strcasecmp(h->fields[c], h->fields[f]) != 0)
				fail("csvr_column does not find a header field");
		}
	}
}

/* Writes the table back with every field quoted. */
static int write_back(const struct csvr_table *t, struct buf *b)
{
	for (int i = 0; i < t->nrows; i++) {
		for (int f = 0; f < t->rows[i].n; f++) {
			if (f)
				buf_addc(b, ',');
			buf_addc(b, '"');
			for (const char *p = t->rows[i].fields[f]; *p; p++) {
				if (*p == '"')
					buf_addc(b, '"');
				buf_addc(b, *p);
			}
			buf_addc(b, '"');
		}
		buf_adds(b, "\r\n");
	}
	return b->err;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct csvr_limits tight = {.max_field = 16, .max_fields = 4, .max_rows = 8};
	static const struct csvr_limits roomy = {.max_field = 4096, .max_fields = 64, .max_rows = 10000};
	if (size < 1)
		return 0;
	const struct csvr_limits *lim = data[0] & 1 ? &tight : &roomy;
	const char *text = (const char *)data + 1;
	size_t len = size - 1;

	struct arena a;
	arena_init(&a, 16u << 20);
	struct csvr_table t;
	int line = -1;
	char err[200] = "";
	if (csvr_parse(&a, text, len, lim, &t, &line, err, sizeof err) != 0) {
		if (!err[0])
			fail("csvr_parse failed without a message");
		if (line < 0 || line > count_lines(text, len))
			fail("csvr_parse failed on a line outside the file");
		arena_release(&a);
		return 0;
	}
	int lines = count_lines(text, len);
	if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
		lines = count_lines(text + 3, len - 3);
	check_table(&t, lim, lines);

	struct buf b;
	buf_init(&b, 4u << 20);
	if (write_back(&t, &b) == BUF_OK) {
		struct csvr_table t2;
		if (csvr_parse(&a, buf_str(&b), b.len, lim, &t2, &line, err, sizeof err) != 0) {
			fprintf(stderr, "second reading: line %d: %s\n", line, err);
			fail("the table written back does not parse");
		}
		if (t2.nrows != t.nrows)
			fail("the table written back has another number of rows");
		for (int i = 0; i < t.nrows; i++) {
			if (t2.rows[i].n != t.rows[i].n)
				fail("a row written back has another number of fields");
			for (int f = 0; f < t.rows[i].n; f++)
				if (strcmp(t2.rows[i].fields[f], t.rows[i].fields[f]) != 0)
					fail("a field written back reads differently");
		}
	}
	buf_release(&b);
	arena_release(&a);
	return 0;
}
