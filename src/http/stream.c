/*
 * stream.c: the live event hub of stream.h — recording events, announcing them over the bus, and
 * (below) fanning them out to the SSE streams of GET /api/v1/stream.
 */
#include "http/stream.h"

#include <jansson.h>
#include <pthread.h>
#include <string.h>

#include "store/events.h"

#define LISTENERS_MAX 16

static pthread_mutex_t g_listen_mu = PTHREAD_MUTEX_INITIALIZER;
static struct {
	stream_listener_fn fn;
	void *ctx;
} g_listeners[LISTENERS_MAX];
static int g_nlisteners;

static bool name_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n > STREAM_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || s[i] == '.' || s[i] == '_'))
			return false;
	return true;
}

static bool data_ok(const char *d)
{
	if (!d || strlen(d) > STREAM_DATA_MAX)
		return false;
	json_t *j = json_loads(d, JSON_REJECT_DUPLICATES, NULL);
	bool ok = j && json_is_object(j);
	json_decref(j);
	return ok;
}

int stream_record(struct store *db, const struct stream_event *e, int64_t now, int64_t *id)
{
	if (!e || !name_ok(e->name) || !data_ok(e->data) || !e->unit_path || !*e->unit_path ||
	    (e->reach != STREAM_REACH_RECORD && e->reach != STREAM_REACH_AREA) || e->perm >= PERM_COUNT)
		return STORE_E_CHECK;
	struct event_row row = {
	    .at = now,
	    .name = e->name,
	    .perm = (int)e->perm,
	    .reach = (int)e->reach,
	    .unit_path = e->unit_path,
	    .commune_id = e->commune_id,
	    .data = e->data,
	};
	return events_append(db, &row, id);
}

void stream_announce(int64_t id)
{
	(void)id; /* the hub arrives next */
}

int stream_listen(stream_listener_fn fn, void *ctx)
{
	int id = -1;
	pthread_mutex_lock(&g_listen_mu);
	if (g_nlisteners < LISTENERS_MAX) {
		g_listeners[g_nlisteners].fn = fn;
		g_listeners[g_nlisteners].ctx = ctx;
		id = g_nlisteners++;
	}
	pthread_mutex_unlock(&g_listen_mu);
	return id;
}
