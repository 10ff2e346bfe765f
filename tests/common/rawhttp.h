/*
 * rawhttp.h - HTTP over plain sockets for the hostile, slow-client and
 * drain suites: what libcurl will not send (malformed request lines,
 * duplicate Content-Length, half-sent requests, stalled connections).
 */
#ifndef ACTIV_RAWHTTP_H
#define ACTIV_RAWHTTP_H

#include <stddef.h>

/* A connected TCP socket to 127.0.0.1:port (receive timeout 10 s), or -1. */
int raw_connect(unsigned port);
/* Send all of buf; 0, or -1 when the peer closed or reset. */
int raw_send(int fd, const void *buf, size_t len);
int raw_sends(int fd, const char *s);

typedef struct raw_resp {
    int status; /* 0 when no status line arrived */
    char *head; /* status line and headers, NUL-terminated */
    char *body; /* Content-Length bytes, NUL-terminated */
    size_t body_len;
    int closed;     /* the peer closed (or reset) the connection */
    double seconds; /* from the call to the end of the response */
} raw_resp;

/* Read one response (headers, then Content-Length bytes of body) within
 * timeout seconds. 0 when a whole response arrived; -1 otherwise (closed
 * and/or status 0 tell what happened). */
int raw_read(int fd, raw_resp *r, double timeout);
/* Wait until the peer closes the connection (read returns 0 or an error),
 * discarding what arrives. Seconds waited, or -1 after timeout. */
double raw_wait_closed(int fd, double timeout);
void raw_resp_free(raw_resp *r);

/* Connect, send, read one response, close. */
int raw_exchange(unsigned port, const void *req, size_t len, raw_resp *r, double timeout);

/* A header's value (case-insensitive name) from r->head into buf; NULL if
 * absent. */
const char *raw_header(const raw_resp *r, const char *name, char *buf, size_t cap);

/* Monotonic seconds. */
double raw_now(void);

/* Timing margins are multiplied by ACTIV_TEST_SLOWDOWN (default 1; the
 * valgrind run sets it), so slow instrumented daemons do not fail tests. */
double test_slowdown(void);

#endif
