/*
 * media_pdf.c: a PDF without its metadata, through libqpdf's C API (Debian's qpdf). The document
 * Information dictionary (/Info in the trailer: Author, Creator, Producer, dates, …) goes, and so does
 * every /Metadata entry (the XMP streams of the catalogue, of pages and of images), and /PieceInfo (an
 * application's private data). Encryption is removed (a PDF that needs a password to open is refused).
 * Streams are copied without decoding them (no decompression bombs), the /ID is made from the new
 * content. To reach every object, the file is written once (qpdf renumbers the objects it keeps from 1
 * to /Size), read back and swept by number, then written again. libqpdf (C++) is not linked: lib/dl.c
 * loads it when the first PDF is cleaned, and every function used is called through the table `qp`
 * below. Nothing here touches HTTP, SQL or disk.
 */
#include <qpdf/qpdf-c.h>
#include <stdlib.h>
#include <string.h>

#include "lib/dl.h"
#include "lib/log.h"
#include "lib/media.h"

/* The functions of qpdf's C API used here: X(function). */
#define QPDF_FUNCS(X)                                                                                        \
	X(qpdf_init)                                                                                         \
	X(qpdf_cleanup)                                                                                      \
	X(qpdf_silence_errors)                                                                               \
	X(qpdf_set_suppress_warnings)                                                                        \
	X(qpdf_read_memory)                                                                                  \
	X(qpdf_has_error)                                                                                    \
	X(qpdf_init_write_memory)                                                                            \
	X(qpdf_set_preserve_encryption)                                                                      \
	X(qpdf_set_decode_level)                                                                             \
	X(qpdf_set_deterministic_ID)                                                                         \
	X(qpdf_write)                                                                                        \
	X(qpdf_get_buffer_length)                                                                            \
	X(qpdf_get_buffer)                                                                                   \
	X(qpdf_get_trailer)                                                                                  \
	X(qpdf_get_root)                                                                                     \
	X(qpdf_get_object_by_id)                                                                             \
	X(qpdf_oh_release_all)                                                                               \
	X(qpdf_oh_is_stream)                                                                                 \
	X(qpdf_oh_get_dict)                                                                                  \
	X(qpdf_oh_is_dictionary)                                                                             \
	X(qpdf_oh_is_integer)                                                                                \
	X(qpdf_oh_get_int_value_as_int)                                                                      \
	X(qpdf_oh_get_key)                                                                                   \
	X(qpdf_oh_remove_key)

/* qp.f points to libqpdf's f once pdf_load has succeeded. */
#define QP_FIELD(f) __typeof__(f) *f;
static struct {
	QPDF_FUNCS(QP_FIELD)
} qp;
#undef QP_FIELD

#define QP_SYM(f) {#f, &qp.f},
static const struct dl_sym qpdf_syms[] = {QPDF_FUNCS(QP_SYM){NULL, NULL}};
#undef QP_SYM

static struct dl_lib qpdf_lib = DL_LIB(TIENGMO_QPDF_SONAME, qpdf_syms);

/* Loads libqpdf if it is not yet. 0, or -1 with the reason logged (uploads of PDFs are rare, and an
 * operator must see why they are refused). */
static int pdf_load(void)
{
	char why[512];
	if (dl_load(&qpdf_lib, why, sizeof why) == 0)
		return 0;
	log_kv(LOG_ERROR, "PDFs cannot be cleaned of their metadata", "library", qpdf_lib.soname, "reason",
	       why, NULL);
	return -1;
}

#define PDF_OBJECTS_MAX 2000000 /* a 10 MB file holds fewer */

static void quiet(qpdf_data q)
{
	qp.qpdf_silence_errors(q);
	qp.qpdf_set_suppress_warnings(q, QPDF_TRUE);
}

/* Writes q into a malloc'd copy. 0, -1 when qpdf fails, -2 out of memory. */
static int write_copy(qpdf_data q, unsigned char **out, size_t *outlen)
{
	if (qp.qpdf_init_write_memory(q) & QPDF_ERRORS)
		return -1;
	qp.qpdf_set_preserve_encryption(q, QPDF_FALSE);
	qp.qpdf_set_decode_level(q, qpdf_dl_none);
	qp.qpdf_set_deterministic_ID(q, QPDF_TRUE);
	if (qp.qpdf_write(q) & QPDF_ERRORS)
		return -1;
	size_t n = qp.qpdf_get_buffer_length(q);
	const unsigned char *b = qp.qpdf_get_buffer(q);
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
	if (qp.qpdf_oh_is_stream(q, oh))
		oh = qp.qpdf_oh_get_dict(q, oh);
	if (!qp.qpdf_oh_is_dictionary(q, oh))
		return;
	qp.qpdf_oh_remove_key(q, oh, "/Metadata");
	qp.qpdf_oh_remove_key(q, oh, "/PieceInfo");
}

/* One pass: read data, drop /Info and every /Metadata reached (all objects when `all`), write. */
static int pass(const unsigned char *data, size_t len, int all, unsigned char **out, size_t *outlen)
{
	int rc = -1;
	qpdf_data q = qp.qpdf_init();
	if (!q)
		return -2;
	quiet(q);
	if (qp.qpdf_read_memory(q, "upload.pdf", (const char *)data, (unsigned long long)len, "") &
	    QPDF_ERRORS)
		goto out;
	qpdf_oh trailer = qp.qpdf_get_trailer(q);
	qp.qpdf_oh_remove_key(q, trailer, "/Info");
	sweep(q, qp.qpdf_get_root(q));
	if (all) {
		qpdf_oh size = qp.qpdf_oh_get_key(q, trailer, "/Size");
		int n = qp.qpdf_oh_is_integer(q, size) ? qp.qpdf_oh_get_int_value_as_int(q, size) : 0;
		if (n < 0 || n > PDF_OBJECTS_MAX)
			goto out;
		for (int id = 1; id < n; id++) {
			sweep(q, qp.qpdf_get_object_by_id(q, id, 0));
			if (id % 1024 == 0) {
				qp.qpdf_oh_release_all(q);
				trailer = qp.qpdf_get_trailer(q);
			}
		}
	}
	if (qp.qpdf_has_error(q))
		goto out;
	rc = write_copy(q, out, outlen);
out:
	qp.qpdf_cleanup(&q);
	return rc;
}

int media_strip_pdf(const unsigned char *data, size_t len, unsigned char **out, size_t *outlen)
{
	unsigned char *first = NULL;
	size_t firstlen = 0;
	*out = NULL;
	*outlen = 0;
	if (pdf_load() != 0)
		return -4;
	int rc = pass(data, len, 0, &first, &firstlen);
	if (rc == 0)
		rc = pass(first, firstlen, 1, out, outlen);
	free(first);
	if (rc == -1)
		rc = -3;
	return rc;
}
