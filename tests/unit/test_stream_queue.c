/*
 * test_stream_queue.c: a stream's queue in src/http/stream.c without a socket — frames shared by
 * reference between streams, the ring that grows past its inline slots and gives its memory back once
 * drained, a reader that takes bytes in pieces smaller than a frame, and the 64 KiB limit that drops a
 * stream whose reader is too slow. (Delivery over HTTP is tests/api/70-stream.test.js.)
 */
#include "unit.h"

#include "http/stream.c"

static struct stream *new_stream(void)
{
	struct stream *s = calloc(1, sizeof *s);
	assert_non_null(s);
	pthread_mutex_init(&s->mu, NULL);
	s->q = s->qin;
	s->qslots = QUEUE_INLINE;
	atomic_init(&s->refs, 1);
	s->state = ST_LIVE;
	return s;
}

static bool put(struct stream *s, struct frame *f)
{
	pthread_mutex_lock(&s->mu);
	bool ok = queue_locked(s, f);
	pthread_mutex_unlock(&s->mu);
	return ok;
}

/* Reads everything queued, `piece` bytes at a time (never past the queue: an empty queue suspends). */
static size_t drain(struct stream *s, char *out, size_t cap, size_t piece)
{
	size_t n = 0;
	while (s->qlen && n < cap) {
		ssize_t k = stream_read(s, 0, out + n, piece < cap - n ? piece : cap - n);
		assert_true(k > 0);
		n += (size_t)k;
	}
	return n;
}

static void frames_are_shared_and_freed_by_the_last_reader(void **state)
{
	(void)state;
	struct stream *a = new_stream(), *b = new_stream();
	struct frame *f = frame_new("id: 1\nevent: tip.created\ndata: {}\n\n", 35);
	assert_non_null(f);
	assert_true(put(a, f));
	assert_true(put(b, f));
	assert_int_equal(atomic_load(&f->refs), 3); /* the caller's and one per queue */
	char out[64];
	assert_int_equal(drain(a, out, sizeof out, 10), 35);
	assert_memory_equal(out, "id: 1\nevent: tip.created\ndata: {}\n\n", 35);
	assert_int_equal(atomic_load(&f->refs), 2);
	assert_int_equal(drain(b, out, sizeof out, 64), 35);
	assert_int_equal(atomic_load(&f->refs), 1);
	frame_unref(f);
	stream_unref(a);
	stream_unref(b);
}

static void the_ring_grows_keeps_order_and_gives_its_memory_back(void **state)
{
	(void)state;
	struct stream *s = new_stream();
	char want[4096], got[4096];
	size_t wn = 0;
	assert_true(put(s, &hello_frame));
	memcpy(want, HELLO, sizeof HELLO - 1);
	wn += sizeof HELLO - 1;
	for (int i = 0; i < 40; i++) { /* ten times the inline slots */
		char text[64];
		int n =
		    snprintf(text, sizeof text, "id: %d\nevent: alarm.raised\ndata: {\"id\":%d}\n\n", i, i);
		struct frame *f = frame_new(text, (size_t)n);
		assert_non_null(f);
		assert_true(put(s, f));
		frame_unref(f); /* the queue holds the only reference now */
		memcpy(want + wn, text, (size_t)n);
		wn += (size_t)n;
	}
	assert_true(s->qslots > QUEUE_INLINE);
	assert_int_equal(s->qlen, wn);
	assert_int_equal(drain(s, got, sizeof got, 7), wn); /* pieces that split frames */
	assert_memory_equal(got, want, wn);
	assert_int_equal(s->qn, 0);
	assert_ptr_equal(s->q, s->qin); /* an idle stream holds no queue memory */
	stream_unref(s);
}

static void a_queue_past_64_kib_drops_the_stream(void **state)
{
	(void)state;
	struct stream *s = new_stream();
	static char big[4000];
	memset(big, 'x', sizeof big);
	struct frame *f = frame_new(big, sizeof big);
	assert_non_null(f);
	int fits = STREAM_QUEUE_MAX / (int)sizeof big, i = 0;
	for (; i < fits; i++)
		assert_true(put(s, f));
	assert_false(put(s, f)); /* the reader is too slow: dropped */
	assert_true(s->closed);
	assert_int_equal(s->qlen, 0);
	assert_int_equal(atomic_load(&f->refs), 1); /* the queue let go of every reference */
	char out[16];
	assert_int_equal(stream_read(s, 0, out, sizeof out), MHD_CONTENT_READER_END_OF_STREAM);
	assert_false(put(s, &beat_frame)); /* nothing more is queued on a dropped stream */
	frame_unref(f);
	stream_unref(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(frames_are_shared_and_freed_by_the_last_reader),
	    cmocka_unit_test(the_ring_grows_keeps_order_and_gives_its_memory_back),
	    cmocka_unit_test(a_queue_past_64_kib_drops_the_stream),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
