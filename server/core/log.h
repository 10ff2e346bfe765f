/*
 * log.h - what activd tells about itself: the access log (one line per
 * request on stdout, --log json|text|off), lifecycle events, and MHD's own
 * errors (stderr). The counters behind GET /metrics are the routes'
 * (routes/metrics.c, through http_app.completed).
 */
#ifndef ACTIVD_LOG_H
#define ACTIVD_LOG_H

#include <stdarg.h>

#include "core/http.h"

/* Start the log flusher; call once before serving. */
void log_init(const config *c);
/* Flush and stop; call once after the daemon stopped. */
void log_shutdown(void);

/* A request finished (ok: the response was sent in full). Called by the
 * completion callback on the request's thread. */
void log_request(const req *r, int ok);
void log_mhd_error(const char *fmt, va_list ap);
/* A lifecycle event ("listening", "draining", "stopped") as a log line. */
void log_event(const char *event, const char *detail);

#endif
