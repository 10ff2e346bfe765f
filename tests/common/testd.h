/*
 * testd.h - integration-test helpers: run the real activd on a free port and
 * talk to it with libcurl.
 */
#ifndef ACTIV_TESTD_H
#define ACTIV_TESTD_H

#include <jansson.h>
#include <stddef.h>
#include <sys/types.h>

typedef struct testd {
    pid_t pid;
    unsigned port;
    char base[64];     /* "http://127.0.0.1:PORT" */
    char log_path[96]; /* the daemon's stdout+stderr */
} testd;

/* Start ACTIVD_BIN (default build/activd) with --bind 127.0.0.1 --port <free>
 * plus extra args (NULL-terminated, may be NULL) and wait until /healthz
 * answers. 0 or -1. */
int testd_start(testd *d, const char *const *extra_args);
/* Send sig, wait up to timeout seconds for exit; returns the exit status
 * (or 128+signal), -1 on timeout (then SIGKILLs). */
int testd_stop(testd *d, int sig, double timeout, double *seconds);
/* A port nothing listens on right now. */
unsigned testd_free_port(void);

typedef struct http_resp {
    long status;
    char *body;
    size_t len;
    char *headers; /* raw header block, NUL-terminated */
    double seconds;
} http_resp;

/* One request. path is appended to d->base ("/eval?x=1"). ctype NULL: no
 * Content-Type header. extra: NULL-terminated "Name: value" lines or NULL.
 * Returns the curl result code (0 = a response arrived). */
int http_do(const testd *d, const char *method, const char *path, const char *ctype,
            const void *body, size_t len, const char *const *extra, http_resp *out);
/* Shorthands: POST JSON text, GET. */
int http_post_json(const testd *d, const char *path, const char *json, http_resp *out);
int http_get(const testd *d, const char *path, http_resp *out);

/* Value of a response header (case-insensitive), copied into buf; NULL if
 * absent. */
const char *resp_header(const http_resp *r, const char *name, char *buf, size_t cap);
/* The body parsed as JSON (jansson, NULL if not JSON); caller decrefs. */
json_t *resp_json(const http_resp *r);
void http_resp_free(http_resp *r);

/* The daemon's resident set size in kB, from /proc; -1 if unknown. */
long testd_rss_kb(const testd *d);

#endif
