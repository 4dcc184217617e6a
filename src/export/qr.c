/*
 * qr.c: the SVG writer of qr.h over libqrencode. Dark modules become "M x y h1v1h-1z" squares of one
 * path (runs on a row joined into one rectangle, which keeps a card's SVG small).
 */
#include "export/qr.h"

#include <qrencode.h>
#include <string.h>

#define QUIET 4

int qr_svg(const char *text, struct buf *b)
{
	int rc = -1;
	QRcode *q = QRcode_encodeString8bit(text, 0, QR_ECLEVEL_M);
	if (!q)
		goto out;
	int w = q->width, size = w + 2 * QUIET;
	buf_printf(
	    b,
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" shape-rendering=\"crispEdges\">"
	    "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/><path fill=\"#000\" d=\"",
	    size, size, size, size);
	for (int y = 0; y < w; y++) {
		for (int x = 0; x < w;) {
			if (!(q->data[y * w + x] & 1)) {
				x++;
				continue;
			}
			int run = 1;
			while (x + run < w && (q->data[y * w + x + run] & 1))
				run++;
			buf_printf(b, "M%d %dh%dv1h-%dz", x + QUIET, y + QUIET, run, run);
			x += run;
		}
	}
	buf_adds(b, "\"/></svg>");
	rc = b->err ? -1 : 0;
out:
	if (q)
		QRcode_free(q);
	return rc;
}
