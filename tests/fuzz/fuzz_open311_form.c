/*
 * fuzz_open311_form.c: libFuzzer driver for the Open311 POST body parser (o311_form_parse in
 * src/export/open311.c) and the XML escaper its answers go through.
 *
 * Every parse that succeeds is checked against open311.h's promises: at most O311_FORM_FIELDS_MAX
 * fields, no name or value longer than the input, and encoding each field back (every byte as %XX)
 * and parsing that gives the same fields. Every input is also escaped for XML, and the result must
 * hold no '<', '>' or '"' and no control character but tab, newline and carriage return.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export/open311.h"
#include "lib/arena.h"
#include "lib/buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define INPUT_MAX 8192

static void fail(const char *what)
{
	fprintf(stderr, "fuzz_open311_form: %s\n", what);
	abort();
}

static void encode(struct buf *b, const char *s)
{
	for (; *s; s++)
		buf_printf(b, "%%%02X", (unsigned char)*s);
}

static void check_round_trip(struct arena *a, const struct o311_form *f, size_t size)
{
	struct buf b;
	struct o311_form g;
	if (f->n > O311_FORM_FIELDS_MAX)
		fail("too many fields");
	buf_init(&b, (size_t)INPUT_MAX * 8);
	for (int i = 0; i < f->n; i++) {
		if (strlen(f->name[i]) > size || strlen(f->value[i]) > size)
			fail("a field longer than the input");
		if (!*f->name[i] && !*f->value[i])
			continue; /* "=" alone: an empty name and value, which encode to nothing */
		if (b.len)
			buf_addc(&b, '&');
		encode(&b, f->name[i]);
		buf_addc(&b, '=');
		encode(&b, f->value[i]);
	}
	if (b.err)
		fail("the re-encoding does not fit");
	if (o311_form_parse(a, buf_str(&b), b.len, &g) != 0)
		fail("the re-encoded form does not parse");
	int k = 0;
	for (int i = 0; i < f->n; i++) {
		if (!*f->name[i] && !*f->value[i])
			continue;
		if (k >= g.n || strcmp(f->name[i], g.name[k]) != 0 || strcmp(f->value[i], g.value[k]) != 0)
			fail("the re-encoded form parses to other fields");
		k++;
	}
	if (k != g.n)
		fail("the re-encoded form has other fields");
	buf_release(&b);
}

static void check_escape(const char *s)
{
	struct buf b;
	buf_init(&b, (size_t)INPUT_MAX * 8);
	o311_xml_escape(&b, s);
	for (const unsigned char *p = (const unsigned char *)buf_str(&b); *p; p++)
		if (*p == '<' || *p == '>' || *p == '"' ||
		    (*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r'))
			fail("the XML escape let a special character through");
	buf_release(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > INPUT_MAX)
		return 0;
	struct arena a;
	struct o311_form f;
	arena_init(&a, 1 << 20);
	if (o311_form_parse(&a, (const char *)data, size, &f) == 0)
		check_round_trip(&a, &f, size);
	char *text = malloc(size + 1);
	if (text) {
		memcpy(text, data, size);
		text[size] = '\0';
		check_escape(text);
		free(text);
	}
	arena_release(&a);
	return 0;
}
