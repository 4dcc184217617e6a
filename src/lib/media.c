/*
 * media.c: libmagic detection and the metadata strippers of media.h. Each stripper walks the
 * container's own framing (JPEG markers, PNG chunks, RIFF chunks) with every length checked against
 * the end of the input before it is used, and writes into a buffer as large as the input (a stripped
 * file is never larger).
 */
#include "lib/media.h"

#include <magic.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const media_mime[] = {"image/jpeg", "image/png",	   "image/webp", "video/mp4",
				  "video/webm", "application/pdf", NULL};
const char *const media_ext[] = {"jpg", "png", "webp", "mp4", "webm", "pdf", NULL};

static pthread_mutex_t magic_lock = PTHREAD_MUTEX_INITIALIZER;
static magic_t magic_handle;

int media_detect(const void *data, size_t len, char *seen, size_t seenlen)
{
	int rc = -2;
	snprintf(seen, seenlen, "unknown");
	pthread_mutex_lock(&magic_lock);
	if (!magic_handle) {
		magic_t m = magic_open(MAGIC_MIME_TYPE | MAGIC_ERROR | MAGIC_NO_CHECK_COMPRESS |
				       MAGIC_NO_CHECK_TAR | MAGIC_NO_CHECK_ELF);
		if (m && magic_load(m, NULL) == 0) {
			magic_handle = m;
		} else {
			snprintf(seen, seenlen, "libmagic cannot load its database");
			if (m)
				magic_close(m);
			goto out;
		}
	}
	const char *mime = magic_buffer(magic_handle, data, len);
	if (!mime) {
		snprintf(seen, seenlen, "unknown");
		rc = -1;
		goto out;
	}
	snprintf(seen, seenlen, "%s", mime);
	rc = -1;
	for (int i = 0; media_mime[i]; i++)
		if (strcmp(mime, media_mime[i]) == 0)
			rc = i;
	if (rc == -1 && (strcmp(mime, "video/x-m4v") == 0 || strcmp(mime, "video/quicktime") == 0))
		rc = MEDIA_MP4; /* an MP4 whose brand is M4V, or a QuickTime .mov: remuxed into MP4 */
out:
	pthread_mutex_unlock(&magic_lock);
	return rc;
}

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

/* JPEG: keep a marker segment? APP0, APP2 and APP14 stay; every other APPn and COM go. */
static int jpeg_keep(unsigned char m)
{
	if (m == 0xFE)
		return 0;
	if (m >= 0xE0 && m <= 0xEF)
		return m == 0xE0 || m == 0xE2 || m == 0xEE;
	return 1;
}

static int strip_jpeg(const unsigned char *in, size_t len, unsigned char *out, size_t *outlen)
{
	size_t i = 2, o = 0;
	if (len < 4 || in[0] != 0xFF || in[1] != 0xD8)
		return -1;
	out[o++] = 0xFF;
	out[o++] = 0xD8;
	for (;;) {
		if (i >= len || in[i] != 0xFF)
			return -1;
		while (i < len && in[i] == 0xFF) /* fill bytes */
			i++;
		if (i >= len)
			return -1;
		unsigned char m = in[i++];
		if (m == 0xD9) { /* EOI: the end; anything after it is dropped */
			out[o++] = 0xFF;
			out[o++] = 0xD9;
			*outlen = o;
			return 0;
		}
		if (m == 0x00 || m == 0xD8)
			return -1;
		if (m == 0x01 || (m >= 0xD0 && m <= 0xD7)) { /* markers without a length */
			out[o++] = 0xFF;
			out[o++] = m;
			continue;
		}
		if (len - i < 2)
			return -1;
		size_t seglen = (size_t)in[i] << 8 | in[i + 1];
		if (seglen < 2 || seglen > len - i)
			return -1;
		if (jpeg_keep(m)) {
			out[o++] = 0xFF;
			out[o++] = m;
			memcpy(out + o, in + i, seglen);
			o += seglen;
		}
		i += seglen;
		if (m != 0xDA)
			continue;
		/* SOS: entropy-coded data up to the next marker that is neither a stuffed 00 nor RSTn */
		size_t start = i;
		while (i + 1 < len) {
			if (in[i] == 0xFF && in[i + 1] != 0x00 && in[i + 1] != 0xFF &&
			    !(in[i + 1] >= 0xD0 && in[i + 1] <= 0xD7))
				break;
			i++;
		}
		if (i + 1 >= len)
			return -1;
		memcpy(out + o, in + start, i - start);
		o += i - start;
	}
}

static int strip_png(const unsigned char *in, size_t len, unsigned char *out, size_t *outlen)
{
	static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
	static const char *const drop[] = {"tEXt", "zTXt", "iTXt", "eXIf", "tIME", NULL};
	size_t i = 8, o = 8;
	if (len < 8 || memcmp(in, sig, 8) != 0)
		return -1;
	memcpy(out, sig, 8);
	while (len - i >= 12) {
		uint32_t n = be32(in + i);
		if (n > 0x7fffffffu || (size_t)n > len - i - 12)
			return -1;
		size_t whole = (size_t)n + 12;
		int keep = 1;
		for (int k = 0; drop[k]; k++)
			if (memcmp(in + i + 4, drop[k], 4) == 0)
				keep = 0;
		if (keep) {
			memcpy(out + o, in + i, whole);
			o += whole;
		}
		int end = memcmp(in + i + 4, "IEND", 4) == 0;
		i += whole;
		if (end) {
			*outlen = o;
			return 0;
		}
	}
	return -1;
}

static int strip_webp(const unsigned char *in, size_t len, unsigned char *out, size_t *outlen)
{
	size_t o = 12;
	if (len < 20 || memcmp(in, "RIFF", 4) != 0 || memcmp(in + 8, "WEBP", 4) != 0)
		return -1;
	uint32_t riff = le32(in + 4);
	if (riff < 4 || (size_t)riff > len - 8)
		return -1;
	size_t end = 8 + (size_t)riff, i = 12;
	memcpy(out, in, 12);
	while (i < end) {
		if (end - i < 8)
			return -1;
		size_t n = le32(in + i + 4);
		if (n > end - i - 8)
			return -1;
		size_t whole = 8 + n + (n & 1);
		if (whole > end - i) /* a last odd chunk may lack its padding byte */
			whole = end - i;
		if (memcmp(in + i, "EXIF", 4) != 0 && memcmp(in + i, "XMP ", 4) != 0) {
			memcpy(out + o, in + i, whole);
			if (memcmp(in + i, "VP8X", 4) == 0 && n >= 1)
				out[o + 8] &= (unsigned char)~(0x08 | 0x04); /* no Exif, no XMP */
			o += whole;
		}
		i += whole;
	}
	uint32_t size = (uint32_t)(o - 8);
	out[4] = (unsigned char)(size & 0xff);
	out[5] = (unsigned char)(size >> 8 & 0xff);
	out[6] = (unsigned char)(size >> 16 & 0xff);
	out[7] = (unsigned char)(size >> 24 & 0xff);
	*outlen = o;
	return 0;
}

int media_strip(enum media_kind kind, const unsigned char *data, size_t len, unsigned char **out,
		size_t *outlen)
{
	int rc = -1;
	*out = NULL;
	*outlen = 0;
	unsigned char *buf = malloc(len ? len : 1);
	if (!buf)
		return -2;
	switch (kind) {
	case MEDIA_JPEG:
		rc = strip_jpeg(data, len, buf, outlen);
		break;
	case MEDIA_PNG:
		rc = strip_png(data, len, buf, outlen);
		break;
	case MEDIA_WEBP:
		rc = strip_webp(data, len, buf, outlen);
		break;
	case MEDIA_MP4:
	case MEDIA_WEBM:
		free(buf);
		return media_strip_video(kind, data, len, out, outlen);
	case MEDIA_PDF:
		free(buf);
		return media_strip_pdf(data, len, out, outlen);
	default:
		rc = -1;
	}
	if (rc != 0) {
		free(buf);
		*outlen = 0;
		return rc;
	}
	*out = buf;
	return 0;
}

const char *media_library(enum media_kind kind)
{
	switch (kind) {
	case MEDIA_MP4:
	case MEDIA_WEBM:
		return TIENGMO_AVFORMAT_SONAME;
	case MEDIA_PDF:
		return TIENGMO_QPDF_SONAME;
	default:
		return NULL;
	}
}
