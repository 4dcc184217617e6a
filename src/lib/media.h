/*
 * media.h: what a citizen may upload with a tip, and its metadata removed before it is stored.
 *
 * The type is taken from the content with libmagic, never from the file name or the client's
 * Content-Type: only JPEG, PNG and WebP images, MP4 and WebM videos, and PDF are accepted.
 * media_strip then copies the file without the parts that can identify the sender:
 *   - JPEG: every APPn segment except APP0 (JFIF), APP2 (ICC colour profile) and APP14 (Adobe colour
 *     transform) — so APP1 (Exif with GPS, XMP), APP13 (IPTC) and the rest go — and COM segments; the
 *     bytes after EOI go too. The image data is copied untouched (no re-encoding). Exif orientation
 *     goes with APP1, so a phone photo may show turned.
 *   - PNG: the tEXt, zTXt, iTXt, eXIf and tIME chunks, and anything after IEND.
 *   - WebP: the EXIF and "XMP " chunks, with the VP8X flags and the RIFF size set to match.
 *   - MP4, WebM and PDF: copied as they are — their metadata is NOT removed yet.
 * A file whose structure does not hold together (truncated, lengths past the end) is refused as damaged
 * rather than stored half-cleaned. Nothing here touches HTTP, SQL or the disk.
 */
#ifndef TIENGMO_MEDIA_H
#define TIENGMO_MEDIA_H
#include <stddef.h>

enum media_kind { MEDIA_JPEG, MEDIA_PNG, MEDIA_WEBP, MEDIA_MP4, MEDIA_WEBM, MEDIA_PDF, MEDIA_KIND_COUNT };

/* MIME types indexed by enum media_kind ("image/jpeg", …), NULL-terminated. */
extern const char *const media_mime[];
/* File name extensions without the dot ("jpg", …), indexed by enum media_kind. */
extern const char *const media_ext[];

/* Finds the type of data from its content. Returns the kind, or -1 when it is not one of the accepted
 * types (the MIME type libmagic saw, e.g. "text/plain", is written into seen), or -2 when libmagic
 * cannot start (seen gets the reason). Thread-safe (one shared libmagic handle behind a lock). */
int media_detect(const void *data, size_t len, char *seen, size_t seenlen);

/* Copies data of the given kind without its metadata (see above) into *out (malloc'd, the caller
 * free()s it) and its length into *outlen. Returns 0; -1 when the file is damaged (nothing in *out);
 * -2 out of memory. */
int media_strip(enum media_kind kind, const unsigned char *data, size_t len, unsigned char **out,
		size_t *outlen);

#endif
