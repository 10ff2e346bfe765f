/*
 * metrics.h - Prometheus counters behind GET /metrics.
 *
 * metrics_completed is the core's completion hook (http_app.completed): it
 * runs once per finished request, on the request's MHD thread, a handful of relaxed atomic
 * increments into fixed arrays indexed by route and status class, no locks, no allocation. The text
 * is only built when /metrics is scraped.
 */
#ifndef ACTIVD_METRICS_H
#define ACTIVD_METRICS_H

#include "core/http.h"

/* Count a finished request (ok: the response was sent in full). */
void metrics_completed(const req *r, int ok);

/* GET /metrics: text/plain; version=0.0.4 (Prometheus exposition format). */
enum MHD_Result route_metrics(req *r);

#endif
