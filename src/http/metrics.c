/*
 * metrics.c: counters for /metrics in the Prometheus text format — requests by route and status, a
 * latency histogram, database errors and event streams (open, by daemon; redirected; dropped).
 * Lock-free: relaxed atomic adds.
 */
#include <stdatomic.h>
#include <stdio.h>

#include "http/http.h"

#define MAX_ROUTES 256
static const int status_codes[] = {200, 201, 204, 304, 307, 400, 401, 403, 404,
				   405, 409, 413, 422, 429, 499, 500, 503};
#define NSTATUS (int)(sizeof status_codes / sizeof status_codes[0])
static const double buckets[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};
#define NBUCKETS (int)(sizeof buckets / sizeof buckets[0])

/* index MAX_ROUTES-1 holds requests that matched no route; NSTATUS holds other statuses */
static atomic_ullong g_requests[MAX_ROUTES][NSTATUS + 1];
static atomic_ullong g_hist[NBUCKETS + 1];
static atomic_ullong g_hist_sum_us;
static atomic_ullong g_hist_count;
static atomic_ullong g_db_errors;
static atomic_llong g_streams, g_streams_small; /* all open streams; those on the stream daemon */
static atomic_ullong g_stream_redirects, g_stream_drops;

void metrics_observe(int route_index, int status, uint64_t nanos)
{
	int ri = route_index >= 0 && route_index < MAX_ROUTES - 1 ? route_index : MAX_ROUTES - 1;
	int si = NSTATUS;
	for (int i = 0; i < NSTATUS; i++)
		if (status_codes[i] == status)
			si = i;
	atomic_fetch_add_explicit(&g_requests[ri][si], 1, memory_order_relaxed);
	double secs = (double)nanos / 1e9;
	int b = NBUCKETS;
	for (int i = 0; i < NBUCKETS; i++)
		if (secs <= buckets[i]) {
			b = i;
			break;
		}
	atomic_fetch_add_explicit(&g_hist[b], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&g_hist_sum_us, nanos / 1000, memory_order_relaxed);
	atomic_fetch_add_explicit(&g_hist_count, 1, memory_order_relaxed);
}

void metrics_db_error(void)
{
	atomic_fetch_add_explicit(&g_db_errors, 1, memory_order_relaxed);
}

void metrics_streams_add(bool stream_daemon, int delta)
{
	atomic_fetch_add_explicit(&g_streams, delta, memory_order_relaxed);
	if (stream_daemon)
		atomic_fetch_add_explicit(&g_streams_small, delta, memory_order_relaxed);
}

void metrics_stream_redirected(void)
{
	atomic_fetch_add_explicit(&g_stream_redirects, 1, memory_order_relaxed);
}

void metrics_stream_dropped(void)
{
	atomic_fetch_add_explicit(&g_stream_drops, 1, memory_order_relaxed);
}

void metrics_write(struct buf *b)
{
	buf_adds(b, "# HELP tiengmo_http_requests_total HTTP requests by route and status.\n"
		    "# TYPE tiengmo_http_requests_total counter\n");
	for (int r = 0; r < MAX_ROUTES; r++) {
		if (r >= http_nroutes && r != MAX_ROUTES - 1)
			continue;
		const char *method = r == MAX_ROUTES - 1 ? "" : http_routes[r].method;
		const char *pattern = r == MAX_ROUTES - 1 ? "(none)" : http_routes[r].pattern;
		for (int s = 0; s <= NSTATUS; s++) {
			unsigned long long n = atomic_load_explicit(&g_requests[r][s], memory_order_relaxed);
			if (!n)
				continue;
			if (s < NSTATUS)
				buf_printf(b,
					   "tiengmo_http_requests_total{method=\"%s\",route=\"%s\",status=\"%"
					   "d\"} %llu\n",
					   method, pattern, status_codes[s], n);
			else
				buf_printf(b,
					   "tiengmo_http_requests_total{method=\"%s\",route=\"%s\",status="
					   "\"other\"} %llu\n",
					   method, pattern, n);
		}
	}
	buf_adds(b, "# HELP tiengmo_http_request_duration_seconds Time from request start to response end.\n"
		    "# TYPE tiengmo_http_request_duration_seconds histogram\n");
	unsigned long long cum = 0;
	for (int i = 0; i < NBUCKETS; i++) {
		cum += atomic_load_explicit(&g_hist[i], memory_order_relaxed);
		buf_printf(b, "tiengmo_http_request_duration_seconds_bucket{le=\"%g\"} %llu\n", buckets[i],
			   cum);
	}
	cum += atomic_load_explicit(&g_hist[NBUCKETS], memory_order_relaxed);
	buf_printf(b, "tiengmo_http_request_duration_seconds_bucket{le=\"+Inf\"} %llu\n", cum);
	buf_printf(b, "tiengmo_http_request_duration_seconds_sum %.6f\n",
		   (double)atomic_load_explicit(&g_hist_sum_us, memory_order_relaxed) / 1e6);
	buf_printf(b, "tiengmo_http_request_duration_seconds_count %llu\n",
		   atomic_load_explicit(&g_hist_count, memory_order_relaxed));
	buf_printf(b,
		   "# HELP tiengmo_db_errors_total Database errors answered with 500.\n"
		   "# TYPE tiengmo_db_errors_total counter\ntiengmo_db_errors_total %llu\n",
		   atomic_load_explicit(&g_db_errors, memory_order_relaxed));
	buf_printf(b,
		   "# HELP tiengmo_open_streams Event streams open now.\n"
		   "# TYPE tiengmo_open_streams gauge\ntiengmo_open_streams %lld\n",
		   atomic_load_explicit(&g_streams, memory_order_relaxed));
	long long all = atomic_load_explicit(&g_streams, memory_order_relaxed);
	long long small = atomic_load_explicit(&g_streams_small, memory_order_relaxed);
	buf_printf(b,
		   "# HELP tiengmo_open_streams_by_daemon Event streams open now, by the daemon serving them "
		   "(stream: the small-pool one).\n"
		   "# TYPE tiengmo_open_streams_by_daemon gauge\n"
		   "tiengmo_open_streams_by_daemon{daemon=\"stream\"} %lld\n"
		   "tiengmo_open_streams_by_daemon{daemon=\"main\"} %lld\n",
		   small, all - small);
	buf_printf(
	    b,
	    "# HELP tiengmo_stream_redirects_total Stream requests on a reused connection sent to a new "
	    "one (307).\n"
	    "# TYPE tiengmo_stream_redirects_total counter\ntiengmo_stream_redirects_total %llu\n",
	    atomic_load_explicit(&g_stream_redirects, memory_order_relaxed));
	buf_printf(b,
		   "# HELP tiengmo_streams_dropped_total Streams ended with events undelivered (the client "
		   "replays them on reconnecting).\n"
		   "# TYPE tiengmo_streams_dropped_total counter\ntiengmo_streams_dropped_total %llu\n",
		   atomic_load_explicit(&g_stream_drops, memory_order_relaxed));
}
