/*
 * fuzz_media.c: libFuzzer driver for media_strip (src/lib/media.h): the hand-written JPEG, PNG and
 * WebP strippers of media.c, and the video (libavformat remux, media_video.c) and PDF (libqpdf,
 * media_pdf.c) cleaners — an uploaded file from anyone on the internet reaches all of them.
 *
 * The first byte picks the kind (as media_detect would have), the rest is the file. Checked: the
 * return is one of media.h's (0, -1, -2, -3, -4); on 0 there is an output, and for the images (which are
 * only ever cut, never grown) it is no longer than the input; on failure there is none. Not for what the
 * route does with a refused file.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "lib/media.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what)
{
	fprintf(stderr, "fuzz_media: %s\n", what);
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	enum media_kind kind = (enum media_kind)(data[0] % MEDIA_KIND_COUNT);
	unsigned char *out = NULL;
	size_t outlen = 0;
	int rc = media_strip(kind, data + 1, size - 1, &out, &outlen);
	if (rc != 0 && rc != -1 && rc != -2 && rc != -3 && rc != -4)
		fail("an unknown return");
	if (rc == 0 && (!out || outlen == 0))
		fail("success without an output");
	if (rc != 0 && (out || outlen))
		fail("an output on failure");
	if (rc == 0 && kind <= MEDIA_WEBP && outlen > size - 1)
		fail("a stripped image grew");
	free(out);
	return 0;
}
