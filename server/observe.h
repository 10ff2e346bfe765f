/*
 * observe.h - what activd tells about itself: the access log (one line per
 * request on stdout, --log json|text|off), MHD's own errors (stderr), and
 * the counters behind GET /metrics.
 */
#ifndef ACTIVD_OBSERVE_H
#define ACTIVD_OBSERVE_H

#include <stdarg.h>

#include "http.h"

/* Start the log flusher; call once before serving. */
void observe_init(const config *c);
/* Flush and stop; call once after the daemon stopped. */
void observe_shutdown(void);

/* A request finished (ok: the response was sent in full). Called by the
 * completion callback on the request's thread. */
void observe_request(const req *r, int ok);
void observe_mhd_error(const char *fmt, va_list ap);
/* A lifecycle event ("listening", "draining", "stopped") as a log line. */
void observe_event(const char *event, const char *detail);

#endif
