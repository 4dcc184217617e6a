/*
 * bus.h: the event bus that carries events (an alarm raised, a tip updated) between every tiengmo
 * instance that shares one database. On PostgreSQL it rides LISTEN/NOTIFY: a dedicated connection
 * listens on a thread of its own and hands each event to this process's subscribers, so an event
 * published by any instance reaches all of them, the publisher included. On SQLite there is one
 * instance, and publish hands the event to the subscribers at once, on the publisher's thread.
 *
 * Delivery is at most once and only to instances running at the time: a subscriber that needs the
 * events it missed (a reconnecting SSE client) replays them from the database. Not for large data:
 * a payload is at most BUS_PAYLOAD_MAX bytes (PostgreSQL's NOTIFY limit), typically a small JSON
 * object naming the record. Topics are short names of [a-z0-9._-].
 *
 *     struct bus *bus;
 *     if (bus_open(url, &bus, err, sizeof err)) fail(err);
 *     bus_subscribe(bus, "alarm", on_alarm, hub);      // on_alarm(topic, payload, hub)
 *     bus_publish(bus, "alarm", "{\"id\":42}");
 *     bus_close(bus);
 */
#ifndef TIENGMO_BUS_H
#define TIENGMO_BUS_H
#include <stddef.h>

#define BUS_PAYLOAD_MAX 7000
#define BUS_TOPIC_MAX 64
#define BUS_SUBSCRIBERS_MAX 64

struct bus;

/* A subscriber. Called on the bus's listener thread (PostgreSQL) or the publisher's thread (SQLite),
 * one event at a time; it must be quick (hand the event over, never block) and thread-safe. topic
 * and payload are valid only during the call. */
typedef void (*bus_fn)(const char *topic, const char *payload, void *ctx);

/* Opens the bus for the database at url ("sqlite:PATH" or "postgres://…"); on PostgreSQL it connects
 * twice (publishing, listening) and starts the listener thread, which reconnects by itself when the
 * server goes away. Returns 0 and *out (owned by the caller, freed by bus_close), or -1 with a
 * message in err that never holds a password. */
int bus_open(const char *url, struct bus **out, char *err, size_t errlen);
/* Stops the listener, closes the connections and frees the bus; no callback runs after it returns. */
void bus_close(struct bus *b);

/* Calls fn(topic, payload, ctx) for every event on topic ("*" for every topic). Returns an id for
 * bus_unsubscribe (>= 0), or -1 when BUS_SUBSCRIBERS_MAX are taken or the topic is not valid. */
int bus_subscribe(struct bus *b, const char *topic, bus_fn fn, void *ctx);
/* Removes subscriber id; once it returns, its callback is not running and will not run again. */
void bus_unsubscribe(struct bus *b, int id);

/* Publishes an event. Returns 0, or -1 for a topic that is not valid, a payload longer than
 * BUS_PAYLOAD_MAX or a database that cannot be reached (logged). Thread-safe. */
int bus_publish(struct bus *b, const char *topic, const char *payload);

#endif
