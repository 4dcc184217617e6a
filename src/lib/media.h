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
 *   - MP4 (and QuickTime .mov, stored as MP4) and WebM: remuxed by libavformat into a new container
 *     with the audio and video streams only and no metadata (media_video.c): the GPS atom ©xyz, the
 *     udta/meta boxes, Matroska tags, other tracks and chapters go. The streams are not re-encoded.
 *   - PDF: the Info dictionary and every XMP /Metadata stream removed by libqpdf (media_pdf.c).
 * A file whose structure does not hold together (truncated, lengths past the end) is refused as damaged
 * rather than stored half-cleaned, and so is a video or PDF that cannot be rewritten (-3). FFmpeg and
 * libqpdf are loaded when the first video or PDF comes (lib/dl.h), not when the server starts; if one
 * cannot be loaded, that kind is refused (-4, media_library names it) and everything else works.
 * Nothing here touches HTTP, SQL or the disk.
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
 * -2 out of memory; -3 when a video or PDF cannot be rewritten without its metadata (e.g. a codec
 * MP4 cannot carry, a PDF that needs a password); -4 when the library that cleans this kind cannot be
 * loaded (not installed, or a different version: media_library names it, the log says why). */
int media_strip(enum media_kind kind, const unsigned char *data, size_t len, unsigned char **out,
		size_t *outlen);

/* The shared library (its SONAME, e.g. "libavformat.so.59", "libqpdf.so.29") that media_strip loads to
 * clean the given kind, for the message of a -4; NULL for the images, which need none. Static string. */
const char *media_library(enum media_kind kind);

/* The video and PDF cleaners behind media_strip (same returns; *out malloc'd). Thread-safe. */
int media_strip_video(enum media_kind kind, const unsigned char *data, size_t len, unsigned char **out,
		      size_t *outlen);
int media_strip_pdf(const unsigned char *data, size_t len, unsigned char **out, size_t *outlen);

#endif
