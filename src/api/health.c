/*
 * health.c: GET /healthz (is the server up?) and GET /metrics (Prometheus text). Both public and
 * cheap: neither touches the database, so a load balancer's probes cost almost nothing.
 */
#include "api/api.h"

int api_healthz(struct req *r)
{
	static struct http_constant ok;
	http_constant(r, &ok, 200, "application/json; charset=utf-8", "{\"status\":\"ok\"}");
	return APP_OK;
}

int api_metrics(struct req *r)
{
	http_text(r, 200, "text/plain; version=0.0.4; charset=utf-8", "");
	metrics_write(&r->out);
	return APP_OK;
}
