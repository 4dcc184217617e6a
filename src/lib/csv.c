/*
 * csv.c: the CSV reader of csv.h on libcsv. libcsv does the quoting; this file numbers the lines,
 * bounds what one file may make us hold, checks the text is UTF-8, and copies rows into the arena.
 *
 * Line numbers: libcsv is run with CSV_REPALL_NL, so every unquoted CR or LF ends a (possibly empty)
 * row. The reader keeps the line the current row starts on; at each row end it moves past the
 * terminator (a CR followed by LF counts once) and past the newlines that quoted fields of the row
 * contained. Input is fed in small chunks so that one endless field is caught at its limit.
 */
#include "lib/csv.h"

#include <csv.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum { FEED_CHUNK = 4096 };

struct reader {
	struct arena *a;
	const struct csvr_limits *lim;
	struct csvr_row *rows; /* malloc'd while reading, copied into the arena at the end */
	int nrows, caprows;
	const char **cur; /* the fields of the row being read (lim->max_fields slots) */
	int ncur;
	bool cur_blank; /* every field of the current row so far is empty */
	int line;	/* where the current row starts */
	int row_nl;	/* newlines inside quoted fields of the current row */
	bool prev_cr;	/* the last terminator was a CR (so a LF right after it is the same line break) */
	bool failed;
	int err_line;
	char msg[160];
};

static void fail(struct reader *r, int line, const char *msg)
{
	if (r->failed)
		return;
	r->failed = true;
	r->err_line = line;
	snprintf(r->msg, sizeof r->msg, "%s", msg);
}

int csvr_utf8_valid(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;
	while (i < n) {
		unsigned char c = s[i];
		if (c < 0x80) {
			i++;
			continue;
		}
		int len;
		uint32_t cp;
		if (c >= 0xc2 && c <= 0xdf) {
			len = 2;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			len = 3;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			len = 4;
			cp = c & 0x07;
		} else {
			return 0;
		}
		if (n - i < (size_t)len)
			return 0;
		for (int k = 1; k < len; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += (size_t)len;
	}
	return 1;
}

static void on_field(void *s, size_t len, void *data)
{
	struct reader *r = data;
	const char *text = s ? s : "";
	if (r->failed)
		return;
	if (len > r->lim->max_field) {
		char m[96];
		snprintf(m, sizeof m, "a field is longer than %zu bytes", r->lim->max_field);
		fail(r, r->line, m);
		return;
	}
	if (r->ncur >= r->lim->max_fields) {
		char m[96];
		snprintf(m, sizeof m, "a row has more than %d fields", r->lim->max_fields);
		fail(r, r->line, m);
		return;
	}
	if (memchr(text, '\0', len)) {
		fail(r, r->line, "the file contains a NUL byte");
		return;
	}
	if (!csvr_utf8_valid(text, len)) {
		fail(r, r->line, "the text is not valid UTF-8; save the file as CSV UTF-8");
		return;
	}
	for (size_t i = 0; i < len; i++) /* LF, CR LF and a lone CR each end a line */
		if (text[i] == '\n' || (text[i] == '\r' && (i + 1 == len || text[i + 1] != '\n')))
			r->row_nl++;
	const char *copy = arena_strndup(r->a, text, len);
	if (!copy) {
		fail(r, r->line, "the file is too large to read");
		return;
	}
	if (len)
		r->cur_blank = false;
	r->cur[r->ncur++] = copy;
}

static void on_row(int c, void *data)
{
	struct reader *r = data;
	if (r->failed)
		return;
	if (r->ncur > 0 && !r->cur_blank) {
		if (r->nrows >= r->lim->max_rows) {
			char m[96];
			snprintf(m, sizeof m, "the file has more than %d rows", r->lim->max_rows);
			fail(r, r->line, m);
			return;
		}
		if (r->nrows == r->caprows) {
			int cap = r->caprows ? r->caprows * 2 : 64;
			struct csvr_row *rows = realloc(r->rows, sizeof *rows * (size_t)cap);
			if (!rows) {
				fail(r, r->line, "out of memory");
				return;
			}
			r->rows = rows;
			r->caprows = cap;
		}
		const char **fields = arena_alloc(r->a, sizeof *fields * (size_t)r->ncur);
		if (!fields) {
			fail(r, r->line, "the file is too large to read");
			return;
		}
		memcpy(fields, r->cur, sizeof *fields * (size_t)r->ncur);
		r->rows[r->nrows++] = (struct csvr_row){.line = r->line, .n = r->ncur, .fields = fields};
	}
	bool lf_after_cr = c == '\n' && r->prev_cr && r->ncur == 0;
	if ((c == '\n' || c == '\r') && !lf_after_cr)
		r->line++;
	r->line += r->row_nl;
	r->prev_cr = c == '\r';
	r->row_nl = 0;
	r->ncur = 0;
	r->cur_blank = true;
}

int csvr_parse(struct arena *a, const char *data, size_t len, const struct csvr_limits *lim,
	       struct csvr_table *out, int *err_line, char *err, size_t errlen)
{
	int rc = -1;
	struct csv_parser p;
	bool parser_ready = false;
	struct reader r = {.a = a, .lim = lim, .line = 1, .cur_blank = true};

	*err_line = 0;
	out->nrows = 0;
	out->rows = NULL;
	if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
		data += 3;
		len -= 3;
	}
	r.cur = calloc((size_t)lim->max_fields, sizeof *r.cur);
	if (!r.cur) {
		fail(&r, 0, "out of memory");
		goto out;
	}
	if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_REPALL_NL | CSV_APPEND_NULL) != 0) {
		fail(&r, 0, "out of memory");
		goto out;
	}
	parser_ready = true;
	for (size_t off = 0; off < len && !r.failed;) {
		size_t n = len - off < FEED_CHUNK ? len - off : FEED_CHUNK;
		size_t used = csv_parse(&p, data + off, n, on_field, on_row, &r);
		if (used != n) {
			if (csv_error(&p) == CSV_EPARSE)
				fail(&r, r.line,
				     "a quote is misplaced: quote a field that holds commas, quotes or "
				     "line breaks, and double the quotes inside it");
			else
				fail(&r, r.line, "out of memory");
			break;
		}
		/* a quoted field still open: stop it at its limit rather than at the end of the input */
		if (csv_get_buffer_size(&p) > lim->max_field + 2 * FEED_CHUNK) {
			char m[96];
			snprintf(m, sizeof m, "a field is longer than %zu bytes", lim->max_field);
			fail(&r, r.line, m);
		}
		off += n;
	}
	if (!r.failed && csv_fini(&p, on_field, on_row, &r) != 0)
		fail(&r, r.line, "a quoted field is never closed: a quote is missing");
	if (r.failed)
		goto out;
	out->rows = arena_alloc(a, sizeof *out->rows * (size_t)(r.nrows ? r.nrows : 1));
	if (!out->rows) {
		fail(&r, 0, "the file is too large to read");
		goto out;
	}
	if (r.nrows)
		memcpy(out->rows, r.rows, sizeof *out->rows * (size_t)r.nrows);
	out->nrows = r.nrows;
	rc = 0;
out:
	if (parser_ready)
		csv_free(&p);
	free(r.rows);
	free(r.cur);
	if (rc != 0) {
		*err_line = r.err_line;
		snprintf(err, errlen, "%s", r.msg);
	}
	return rc;
}

int csvr_column(const struct csvr_row *header, const char *name)
{
	for (int i = 0; i < header->n; i++)
		if (strcasecmp(header->fields[i], name) == 0)
			return i;
	return -1;
}

const char *csvr_field(const struct csvr_row *row, int i)
{
	return i >= 0 && i < row->n ? row->fields[i] : "";
}

void csvr_errors_sort(struct csvr_error *e, int n)
{
	for (int i = 1; i < n; i++) {
		struct csvr_error x = e[i];
		int j = i;
		while (j > 0 && e[j - 1].line > x.line) {
			e[j] = e[j - 1];
			j--;
		}
		e[j] = x;
	}
}

int csvr_quote_len(const char *s)
{
	size_t n = strlen(s);
	if (n <= 40)
		return (int)n;
	n = 40;
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	return (int)n;
}
