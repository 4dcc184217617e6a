/*
 * media_pdf.c: a PDF without its metadata, through libqpdf's C API (Debian's qpdf). The document
 * Information dictionary (/Info in the trailer: Author, Creator, Producer, dates, …) goes, and so does
 * every /Metadata entry (the XMP streams of the catalogue, of pages and of images), and /PieceInfo (an
 * application's private data). Encryption is removed (a PDF that needs a password to open is refused).
 * Streams are copied without decoding them (no decompression bombs), the /ID is made from the new
 * content. To reach every object, the file is written once (qpdf renumbers the objects it keeps from 1
 * to /Size), read back and swept by number, then written again. Nothing here touches HTTP, SQL or disk.
 */
#include <qpdf/qpdf-c.h>
#include <stdlib.h>
#include <string.h>

#include "lib/media.h"

#define PDF_OBJECTS_MAX 2000000 /* a 10 MB file holds fewer */

static void quiet(qpdf_data q)
{
	qpdf_silence_errors(q);
	qpdf_set_suppress_warnings(q, QPDF_TRUE);
}

/* Writes q into a malloc'd copy. 0, -1 when qpdf fails, -2 out of memory. */
static int write_copy(qpdf_data q, unsigned char **out, size_t *outlen)
{
	if (qpdf_init_write_memory(q) & QPDF_ERRORS)
		return -1;
	qpdf_set_preserve_encryption(q, QPDF_FALSE);
	qpdf_set_decode_level(q, qpdf_dl_none);
	qpdf_set_deterministic_ID(q, QPDF_TRUE);
	if (qpdf_write(q) & QPDF_ERRORS)
		return -1;
	size_t n = qpdf_get_buffer_length(q);
	const unsigned char *b = qpdf_get_buffer(q);
	if (!b || n == 0)
		return -1;
	*out = malloc(n);
	if (!*out)
		return -2;
	memcpy(*out, b, n);
	*outlen = n;
	return 0;
}

/* Removes the metadata keys from one object (a dictionary, or a stream's dictionary). */
static void sweep(qpdf_data q, qpdf_oh oh)
{
	if (qpdf_oh_is_stream(q, oh))
		oh = qpdf_oh_get_dict(q, oh);
	if (!qpdf_oh_is_dictionary(q, oh))
		return;
	qpdf_oh_remove_key(q, oh, "/Metadata");
	qpdf_oh_remove_key(q, oh, "/PieceInfo");
}

/* One pass: read data, drop /Info and every /Metadata reached (all objects when `all`), write. */
static int pass(const unsigned char *data, size_t len, int all, unsigned char **out, size_t *outlen)
{
	int rc = -1;
	qpdf_data q = qpdf_init();
	if (!q)
		return -2;
	quiet(q);
	if (qpdf_read_memory(q, "upload.pdf", (const char *)data, (unsigned long long)len, "") & QPDF_ERRORS)
		goto out;
	qpdf_oh trailer = qpdf_get_trailer(q);
	qpdf_oh_remove_key(q, trailer, "/Info");
	sweep(q, qpdf_get_root(q));
	if (all) {
		qpdf_oh size = qpdf_oh_get_key(q, trailer, "/Size");
		int n = qpdf_oh_is_integer(q, size) ? qpdf_oh_get_int_value_as_int(q, size) : 0;
		if (n < 0 || n > PDF_OBJECTS_MAX)
			goto out;
		for (int id = 1; id < n; id++) {
			sweep(q, qpdf_get_object_by_id(q, id, 0));
			if (id % 1024 == 0) {
				qpdf_oh_release_all(q);
				trailer = qpdf_get_trailer(q);
			}
		}
	}
	if (qpdf_has_error(q))
		goto out;
	rc = write_copy(q, out, outlen);
out:
	qpdf_cleanup(&q);
	return rc;
}

int media_strip_pdf(const unsigned char *data, size_t len, unsigned char **out, size_t *outlen)
{
	unsigned char *first = NULL;
	size_t firstlen = 0;
	*out = NULL;
	*outlen = 0;
	int rc = pass(data, len, 0, &first, &firstlen);
	if (rc == 0)
		rc = pass(first, firstlen, 1, out, outlen);
	free(first);
	if (rc == -1)
		rc = -3;
	return rc;
}
