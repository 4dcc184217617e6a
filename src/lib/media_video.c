/*
 * media_video.c: MP4/QuickTime and WebM videos without their metadata, by remuxing them with
 * libavformat (Debian's FFmpeg): the audio and video streams are copied packet by packet, untouched (no
 * re-encoding), into a new container that carries none of the old one's metadata — the `udta` atoms
 * (©xyz with the GPS position, ©day, make, model, encoder), the `meta` box, Matroska tags, chapters,
 * attachments — and none of its other streams (timed metadata tracks such as Apple's location track,
 * subtitles, data). The output is written bit-exact (no "Lavf" encoder tag, no creation time).
 * The input's demuxer is chosen from its kind, never probed. FFmpeg is not linked: libavformat,
 * libavcodec and libavutil are loaded by lib/dl.c when the first video is cleaned (their ~100 codec
 * libraries would otherwise take ~17 MiB of every idle server), and every function used here is called
 * through the table `av` below. What is not for here: detection (media.c) and images and PDF (media.c,
 * media_pdf.c).
 */
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/avutil.h>
#include <libavutil/display.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/dl.h"
#include "lib/log.h"
#include "lib/media.h"

#define IO_BUF 65536
#define OUT_SLACK (1u << 20) /* the remuxed file may be a little larger than the input */

/* The input, read through a custom AVIOContext. */
struct in_mem {
	const unsigned char *data;
	size_t len, pos;
};

/* The output: a growable buffer with a position (the MP4 muxer seeks back to write sizes). */
struct out_mem {
	unsigned char *data;
	size_t len, cap, pos, max;
	int failed;
};

static int in_read(void *opaque, uint8_t *buf, int n)
{
	struct in_mem *m = opaque;
	if (m->pos >= m->len)
		return AVERROR_EOF;
	size_t k = m->len - m->pos < (size_t)n ? m->len - m->pos : (size_t)n;
	memcpy(buf, m->data + m->pos, k);
	m->pos += k;
	return (int)k;
}

static int64_t in_seek(void *opaque, int64_t off, int whence)
{
	struct in_mem *m = opaque;
	int64_t base;
	switch (whence & ~AVSEEK_FORCE) {
	case AVSEEK_SIZE:
		return (int64_t)m->len;
	case SEEK_SET:
		base = 0;
		break;
	case SEEK_CUR:
		base = (int64_t)m->pos;
		break;
	case SEEK_END:
		base = (int64_t)m->len;
		break;
	default:
		return -1;
	}
	if (off > INT64_MAX - base || base + off < 0 || (uint64_t)(base + off) > m->len)
		return -1;
	m->pos = (size_t)(base + off);
	return base + off;
}

#if LIBAVFORMAT_VERSION_MAJOR >= 61
static int out_write(void *opaque, const uint8_t *buf, int n)
#else
static int out_write(void *opaque, uint8_t *buf, int n)
#endif
{
	struct out_mem *m = opaque;
	if (n < 0 || m->pos > m->max || (size_t)n > m->max - m->pos) {
		m->failed = 1;
		return AVERROR(ENOSPC);
	}
	size_t end = m->pos + (size_t)n;
	if (end > m->cap) {
		size_t cap = m->cap ? m->cap : IO_BUF;
		while (cap < end)
			cap *= 2;
		if (cap > m->max)
			cap = m->max;
		unsigned char *d = realloc(m->data, cap);
		if (!d) {
			m->failed = 1;
			return AVERROR(ENOMEM);
		}
		m->data = d;
		m->cap = cap;
	}
	if (m->pos > m->len) /* a seek past the end: the gap reads as zeros */
		memset(m->data + m->len, 0, m->pos - m->len);
	memcpy(m->data + m->pos, buf, (size_t)n);
	m->pos = end;
	if (end > m->len)
		m->len = end;
	return n;
}

static int64_t out_seek(void *opaque, int64_t off, int whence)
{
	struct out_mem *m = opaque;
	int64_t base;
	switch (whence & ~AVSEEK_FORCE) {
	case AVSEEK_SIZE:
		return (int64_t)m->len;
	case SEEK_SET:
		base = 0;
		break;
	case SEEK_CUR:
		base = (int64_t)m->pos;
		break;
	case SEEK_END:
		base = (int64_t)m->len;
		break;
	default:
		return -1;
	}
	if (off > INT64_MAX - base || base + off < 0 || (uint64_t)(base + off) > m->max)
		return -1;
	m->pos = (size_t)(base + off);
	return base + off;
}

/* The FFmpeg functions used here, one list per library: X(function). */
#if LIBAVFORMAT_VERSION_MAJOR < 60
#define AVFORMAT_SIDE_DATA(X) X(av_stream_get_side_data) X(av_stream_new_side_data)
#else
#define AVFORMAT_SIDE_DATA(X)
#endif
#define AVFORMAT_FUNCS(X)                                                                                    \
	X(av_find_input_format)                                                                              \
	X(avio_alloc_context)                                                                                \
	X(avio_context_free)                                                                                 \
	X(avio_flush)                                                                                        \
	X(avformat_alloc_context)                                                                            \
	X(avformat_free_context)                                                                             \
	X(avformat_open_input)                                                                               \
	X(avformat_close_input)                                                                              \
	X(avformat_find_stream_info)                                                                         \
	X(avformat_alloc_output_context2)                                                                    \
	X(avformat_query_codec)                                                                              \
	X(avformat_new_stream)                                                                               \
	X(avformat_write_header)                                                                             \
	X(av_read_frame)                                                                                     \
	X(av_interleaved_write_frame)                                                                        \
	X(av_write_trailer)                                                                                  \
	AVFORMAT_SIDE_DATA(X)
#define AVCODEC_FUNCS(X)                                                                                     \
	X(avcodec_parameters_copy)                                                                           \
	X(av_packet_alloc)                                                                                   \
	X(av_packet_free)                                                                                    \
	X(av_packet_unref)                                                                                   \
	X(av_packet_rescale_ts)                                                                              \
	X(av_packet_free_side_data)
#define AVUTIL_FUNCS(X) X(av_log_set_level) X(av_malloc) X(av_free) X(av_freep)

/* av.f points to FFmpeg's f once video_load has succeeded. */
#define AV_FIELD(f) __typeof__(f) *f;
static struct {
	AVFORMAT_FUNCS(AV_FIELD)
	AVCODEC_FUNCS(AV_FIELD)
	AVUTIL_FUNCS(AV_FIELD)
} av;
#undef AV_FIELD

#define AV_SYM(f) {#f, &av.f},
static const struct dl_sym avformat_syms[] = {AVFORMAT_FUNCS(AV_SYM){NULL, NULL}};
static const struct dl_sym avcodec_syms[] = {AVCODEC_FUNCS(AV_SYM){NULL, NULL}};
static const struct dl_sym avutil_syms[] = {AVUTIL_FUNCS(AV_SYM){NULL, NULL}};
#undef AV_SYM

/* libavutil first: the others need it (and load it themselves, as their own dependency) */
static struct dl_lib av_libs[] = {
    DL_LIB(TIENGMO_AVUTIL_SONAME, avutil_syms),
    DL_LIB(TIENGMO_AVCODEC_SONAME, avcodec_syms),
    DL_LIB(TIENGMO_AVFORMAT_SONAME, avformat_syms),
};

static pthread_once_t quiet_once = PTHREAD_ONCE_INIT;

static void quiet(void)
{
	av.av_log_set_level(AV_LOG_QUIET); /* nothing about an upload reaches the log */
}

/* Loads FFmpeg if it is not yet. 0, or -1 with the library that failed and why logged (on every
 * failing call: videos are rare, and an operator must see why they are refused). */
static int video_load(void)
{
	char why[512];
	for (size_t i = 0; i < sizeof av_libs / sizeof av_libs[0]; i++) {
		if (dl_load(&av_libs[i], why, sizeof why) != 0) {
			log_kv(LOG_ERROR, "videos cannot be cleaned of their metadata", "library",
			       av_libs[i].soname, "reason", why, NULL);
			return -1;
		}
	}
	pthread_once(&quiet_once, quiet);
	return 0;
}

/* Copies the rotation of a phone video (the display matrix), the one side datum worth keeping. */
static void copy_rotation(const AVStream *is, AVStream *os)
{
#if LIBAVFORMAT_VERSION_MAJOR < 60
	size_t size = 0;
	const uint8_t *m = av.av_stream_get_side_data(is, AV_PKT_DATA_DISPLAYMATRIX, &size);
	if (m && size >= 9 * sizeof(int32_t)) {
		uint8_t *d = av.av_stream_new_side_data(os, AV_PKT_DATA_DISPLAYMATRIX, 9 * sizeof(int32_t));
		if (d)
			memcpy(d, m, 9 * sizeof(int32_t));
	}
#else
	(void)is;
	(void)os;
#endif
}

int media_strip_video(enum media_kind kind, const unsigned char *data, size_t len, unsigned char **out,
		      size_t *outlen)
{
	int rc = -3;
	struct in_mem in = {.data = data, .len = len};
	struct out_mem om = {.max = len > SIZE_MAX / 2 - OUT_SLACK ? 0 : len * 2 + OUT_SLACK};
	AVFormatContext *ic = NULL, *oc = NULL;
	AVIOContext *ipb = NULL, *opb = NULL;
	AVPacket *pkt = NULL;
	int *map = NULL;
	int header_written = 0, opened = 0;
	*out = NULL;
	*outlen = 0;
	if (kind != MEDIA_MP4 && kind != MEDIA_WEBM)
		return -1;
	if (video_load() != 0)
		return -4;

	const AVInputFormat *ifmt = av.av_find_input_format(kind == MEDIA_WEBM ? "matroska" : "mov");
	const char *ofmt = kind == MEDIA_WEBM ? "webm" : "mp4";
	unsigned char *ibuf = av.av_malloc(IO_BUF);
	if (!ifmt || !ibuf) {
		av.av_free(ibuf);
		rc = ifmt ? -2 : -3;
		goto out;
	}
	ipb = av.avio_alloc_context(ibuf, IO_BUF, 0, &in, in_read, NULL, in_seek);
	ic = av.avformat_alloc_context();
	if (!ipb || !ic) {
		if (!ipb)
			av.av_free(ibuf);
		rc = -2;
		goto out;
	}
	ic->pb = ipb;
	ic->flags |= AVFMT_FLAG_CUSTOM_IO;
	if (av.avformat_open_input(&ic, NULL, ifmt, NULL) < 0) { /* frees ic on failure */
		ic = NULL;
		rc = -1;
		goto out;
	}
	opened = 1;
	/* fills what the container's headers leave to the codec (e.g. MPEG-4 Part 2 dimensions) */
	if (av.avformat_find_stream_info(ic, NULL) < 0) {
		rc = -1;
		goto out;
	}
	if (av.avformat_alloc_output_context2(&oc, NULL, ofmt, NULL) < 0 || !oc) {
		rc = -2;
		goto out;
	}
	oc->flags |= AVFMT_FLAG_BITEXACT;
	map = calloc(ic->nb_streams ? ic->nb_streams : 1, sizeof *map);
	if (!map) {
		rc = -2;
		goto out;
	}
	int kept = 0;
	for (unsigned i = 0; i < ic->nb_streams; i++) {
		AVStream *is = ic->streams[i];
		enum AVMediaType t = is->codecpar->codec_type;
		map[i] = -1;
		if ((t != AVMEDIA_TYPE_VIDEO && t != AVMEDIA_TYPE_AUDIO) ||
		    (is->disposition & AV_DISPOSITION_ATTACHED_PIC))
			continue;
		if (av.avformat_query_codec(oc->oformat, is->codecpar->codec_id, FF_COMPLIANCE_NORMAL) != 1)
			continue; /* the container cannot carry it: dropped, and refused below if nothing is
				     left */
		AVStream *os = av.avformat_new_stream(oc, NULL);
		if (!os || av.avcodec_parameters_copy(os->codecpar, is->codecpar) < 0) {
			rc = -2;
			goto out;
		}
		os->codecpar->codec_tag = 0;
		os->time_base = is->time_base;
		copy_rotation(is, os);
		map[i] = kept++;
	}
	if (!kept) {
		rc = -3;
		goto out;
	}
	unsigned char *obuf = av.av_malloc(IO_BUF);
	if (!obuf) {
		rc = -2;
		goto out;
	}
	opb = av.avio_alloc_context(obuf, IO_BUF, 1, &om, NULL, out_write, out_seek);
	if (!opb) {
		av.av_free(obuf);
		rc = -2;
		goto out;
	}
	oc->pb = opb;
	oc->flags |= AVFMT_FLAG_CUSTOM_IO;
	if (av.avformat_write_header(oc, NULL) < 0)
		goto out;
	header_written = 1;
	pkt = av.av_packet_alloc();
	if (!pkt) {
		rc = -2;
		goto out;
	}
	for (;;) {
		int e = av.av_read_frame(ic, pkt);
		if (e == AVERROR_EOF)
			break;
		if (e < 0) {
			rc = -1;
			goto out;
		}
		if (pkt->stream_index < 0 || (unsigned)pkt->stream_index >= ic->nb_streams ||
		    map[pkt->stream_index] < 0) {
			av.av_packet_unref(pkt);
			continue;
		}
		AVStream *is = ic->streams[pkt->stream_index];
		AVStream *os = oc->streams[map[pkt->stream_index]];
		av.av_packet_rescale_ts(pkt, is->time_base, os->time_base);
		pkt->stream_index = map[pkt->stream_index];
		pkt->pos = -1;
		/* side data of a packet may hold metadata too (e.g. Matroska's BlockAdditions): none kept */
		av.av_packet_free_side_data(pkt);
		if (av.av_interleaved_write_frame(oc, pkt) < 0) /* takes the packet's reference */
			goto out;
	}
	if (av.av_write_trailer(oc) < 0)
		goto out;
	header_written = 0;
	av.avio_flush(opb);
	if (om.failed || om.len == 0)
		goto out;
	*out = om.data;
	*outlen = om.len;
	om.data = NULL;
	rc = 0;
out:
	if (header_written)
		av.av_write_trailer(oc); /* frees the muxer's private state; the output is dropped */
	av.av_packet_free(&pkt);
	if (oc)
		av.avformat_free_context(oc);
	if (opb) {
		av.av_freep(&opb->buffer);
		av.avio_context_free(&opb);
	}
	if (ic && opened)
		av.avformat_close_input(&ic);
	else if (ic)
		av.avformat_free_context(ic);
	if (ipb) {
		av.av_freep(&ipb->buffer);
		av.avio_context_free(&ipb);
	}
	free(map);
	free(om.data);
	return rc;
}
