/*
 * test_bus.c: the event bus (src/store/bus.c) on the engine of testdb.h. On PostgreSQL two buses on
 * one database stand for two tiengmo instances: an event published on one reaches the other's
 * subscribers (and the publisher's own), by topic, in order, and not after unsubscribing. On SQLite
 * there is one instance and publish hands the event over at once. Bad topics and oversized payloads
 * are refused on both. Waiting is bounded by a generous deadline; nothing asserts how fast.
 */
#include "unit.h"

#include <pthread.h>
#include <time.h>

#include "store/bus.h"
#include "testdb.h"

#define MAX_SEEN 16

/* What one subscriber has received, for the test thread to wait on. */
struct inbox {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int n;
	char topic[MAX_SEEN][BUS_TOPIC_MAX];
	char payload[MAX_SEEN][256];
};

static void inbox_init(struct inbox *b)
{
	memset(b, 0, sizeof *b);
	pthread_mutex_init(&b->lock, NULL);
	pthread_cond_init(&b->cond, NULL);
}

static void inbox_release(struct inbox *b)
{
	pthread_mutex_destroy(&b->lock);
	pthread_cond_destroy(&b->cond);
}

static void on_event(const char *topic, const char *payload, void *ctx)
{
	struct inbox *b = ctx;
	pthread_mutex_lock(&b->lock);
	if (b->n < MAX_SEEN) {
		snprintf(b->topic[b->n], sizeof b->topic[0], "%s", topic);
		snprintf(b->payload[b->n], sizeof b->payload[0], "%s", payload);
		b->n++;
	}
	pthread_cond_broadcast(&b->cond);
	pthread_mutex_unlock(&b->lock);
}

/* Waits until the inbox holds at least n events or 10 seconds pass; returns how many it holds. */
static int wait_for(struct inbox *b, int n)
{
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 10;
	pthread_mutex_lock(&b->lock);
	while (b->n < n)
		if (pthread_cond_timedwait(&b->cond, &b->lock, &until) != 0)
			break;
	int got = b->n;
	pthread_mutex_unlock(&b->lock);
	return got;
}

static int count(struct inbox *b)
{
	pthread_mutex_lock(&b->lock);
	int n = b->n;
	pthread_mutex_unlock(&b->lock);
	return n;
}

struct fixture {
	struct testdb db;
	struct bus *a, *b; /* two instances on PostgreSQL; b == a on SQLite */
	int pg;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	char err[512];
	assert_non_null(f);
	testdb_open(&f->db);
	f->pg = store_engine_of(f->db.db) == STORE_PG;
	if (bus_open(f->db.url, &f->a, err, sizeof err) != 0)
		fail_msg("bus_open: %s", err);
	f->b = f->a;
	if (f->pg && bus_open(f->db.url, &f->b, err, sizeof err) != 0)
		fail_msg("bus_open (second instance): %s", err);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	if (f->b != f->a)
		bus_close(f->b);
	bus_close(f->a);
	testdb_close(&f->db);
	free(f);
	return 0;
}

static void event_reaches_the_other_instance_and_the_publisher(void **state)
{
	struct fixture *f = *state;
	struct inbox there, here;
	inbox_init(&there);
	inbox_init(&here);
	assert_true(bus_subscribe(f->b, "alarm", on_event, &there) >= 0);
	assert_true(bus_subscribe(f->a, "alarm", on_event, &here) >= 0);
	assert_int_equal(bus_publish(f->a, "alarm", "{\"id\":42,\"kind\":\"cháy\"}"), 0);
	assert_int_equal(wait_for(&there, 1), 1);
	assert_string_equal(there.topic[0], "alarm");
	assert_string_equal(there.payload[0], "{\"id\":42,\"kind\":\"cháy\"}");
	if (f->pg) /* on SQLite the two inboxes are subscribers of the same bus: here got it too */
		assert_int_equal(wait_for(&here, 1), 1);
	assert_string_equal(here.payload[0], "{\"id\":42,\"kind\":\"cháy\"}");
	inbox_release(&there);
	inbox_release(&here);
}

static void subscribers_get_only_their_topic_in_order(void **state)
{
	struct fixture *f = *state;
	struct inbox alarms, all;
	inbox_init(&alarms);
	inbox_init(&all);
	assert_true(bus_subscribe(f->b, "alarm", on_event, &alarms) >= 0);
	assert_true(bus_subscribe(f->b, "*", on_event, &all) >= 0);
	assert_int_equal(bus_publish(f->a, "tip.updated", "7"), 0);
	assert_int_equal(bus_publish(f->a, "alarm", "1"), 0);
	assert_int_equal(bus_publish(f->a, "alarm", "2"), 0);
	assert_int_equal(bus_publish(f->a, "tip.updated", ""), 0);
	assert_int_equal(wait_for(&all, 4), 4);
	assert_string_equal(all.topic[0], "tip.updated");
	assert_string_equal(all.payload[0], "7");
	assert_string_equal(all.payload[1], "1");
	assert_string_equal(all.payload[2], "2");
	assert_string_equal(all.payload[3], "");
	/* "all" saw the last event, so the alarm subscriber has seen everything it will */
	assert_int_equal(count(&alarms), 2);
	assert_string_equal(alarms.payload[0], "1");
	assert_string_equal(alarms.payload[1], "2");
	inbox_release(&alarms);
	inbox_release(&all);
}

static void unsubscribed_callback_is_not_called(void **state)
{
	struct fixture *f = *state;
	struct inbox gone, marker;
	inbox_init(&gone);
	inbox_init(&marker);
	int id = bus_subscribe(f->b, "alarm", on_event, &gone);
	assert_true(id >= 0);
	assert_true(bus_subscribe(f->b, "marker", on_event, &marker) >= 0);
	bus_unsubscribe(f->b, id);
	assert_int_equal(bus_publish(f->a, "alarm", "after"), 0);
	assert_int_equal(bus_publish(f->a, "marker", "done"), 0);
	assert_int_equal(wait_for(&marker, 1), 1); /* events arrive in order: the alarm came before */
	assert_int_equal(count(&gone), 0);
	inbox_release(&gone);
	inbox_release(&marker);
}

static void bad_topics_and_oversized_payloads_are_refused(void **state)
{
	struct fixture *f = *state;
	struct inbox all;
	static char big[BUS_PAYLOAD_MAX + 2];
	inbox_init(&all);
	memset(big, 'x', sizeof big - 1);
	assert_true(bus_subscribe(f->b, "*", on_event, &all) >= 0);
	assert_int_equal(bus_publish(f->a, "", "x"), -1);
	assert_int_equal(bus_publish(f->a, "Alarm", "x"), -1);
	assert_int_equal(bus_publish(f->a, "alarm\nfake", "x"), -1);
	assert_int_equal(bus_publish(f->a, "*", "x"), -1);
	assert_int_equal(bus_publish(f->a, "alarm", big), -1);
	assert_int_equal(bus_subscribe(f->b, "has space", on_event, &all), -1);
	big[BUS_PAYLOAD_MAX] = '\0'; /* exactly the limit goes through */
	assert_int_equal(bus_publish(f->a, "alarm", big), 0);
	assert_int_equal(wait_for(&all, 1), 1);
	assert_int_equal(count(&all), 1);
	inbox_release(&all);
}

static void unreachable_database_is_an_error_without_the_password(void **state)
{
	(void)state;
	struct bus *b = NULL;
	char err[512];
	assert_int_equal(bus_open("postgresql://tiengmo:s3cr3t-pw@127.0.0.1:1/none?connect_timeout=2", &b,
				  err, sizeof err),
			 -1);
	assert_null(b);
	assert_non_null(strstr(err, "event bus"));
	assert_null(strstr(err, "s3cr3t-pw"));
	assert_int_equal(bus_open("mysql://x", &b, err, sizeof err), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(event_reaches_the_other_instance_and_the_publisher, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(subscribers_get_only_their_topic_in_order, setup, teardown),
	    cmocka_unit_test_setup_teardown(unsubscribed_callback_is_not_called, setup, teardown),
	    cmocka_unit_test_setup_teardown(bad_topics_and_oversized_payloads_are_refused, setup, teardown),
	    cmocka_unit_test(unreachable_database_is_an_error_without_the_password),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
