/*
 * http.h - the HTTP transport: libmicrohttpd daemons, per-request state,
 * routing, responses, lifecycle (ready, draining).
 *
 * The core knows no route: http_start takes the application (struct
 * http_app): the route table, a hook called when a request completes
 * (metrics) and a hook that renders the core's own errors (not found,
 * method not allowed, too large, unavailable, out of memory) as the
 * application's error documents.
 *
 * A request's life: MHD calls the access handler once with the headers
 * (http.c creates a `req`, finds the route, enforces --max-body from
 * Content-Length), once per body chunk (appended to req.body), then once at
 * the end, when the route's handler runs and queues exactly one response.
 * The completion callback logs the request, calls app.completed and frees
 * the req.
 */
#ifndef ACTIVD_HTTP_H
#define ACTIVD_HTTP_H

#include <microhttpd.h>
#include <stdatomic.h>
#include <stddef.h>

#include "core/body.h"
#include "core/config.h"
#include "core/obuf.h"

enum http_method {
    M_GET = 1,
    M_HEAD = 2,
    M_POST = 4,
    M_OPTIONS = 8,
    M_OTHER = 16 /* PUT, DELETE, ... */
};

enum server_state { STATE_STARTING = 0, STATE_READY = 1, STATE_DRAINING = 2 };

#define HTTP_MAX_THREADS 256

struct balancer;

typedef struct server {
    config cfg;
    struct MHD_Daemon *mhd[HTTP_MAX_THREADS]; /* one per thread, fed by lb */
    unsigned n_mhd;
    struct balancer *lb;
    const struct http_app *app;
    unsigned port; /* actual port (cfg.port may be 0) */
    _Atomic int state;
    atomic_long inflight; /* requests whose headers arrived and that are not complete */
    body_budget budget;   /* request bodies held now (--max-buffer) */
    double started;       /* monotonic seconds at start */
} server;

struct http_route;
struct http_app;

typedef struct req {
    server *srv;
    struct MHD_Connection *conn;
    const char *url; /* path without the query string, as MHD decoded it */
    const char *method_name;
    unsigned method;                /* enum http_method */
    const struct http_route *route; /* NULL: no route matched */
    body body;                      /* the request body (core/body.h); owned by the req */
    void *early;                    /* work a route's begin started on the arriving body, or NULL */
    void (*early_end)(void *early); /* stops, joins and frees it; called on completion */
    double t0;                      /* monotonic seconds when the headers arrived */
    unsigned status;
    size_t bytes_out;
    size_t elements;   /* numbers computed, for metrics */
    char id[65];       /* X-Request-ID, taken from the client or generated */
    const char *allow; /* Allow header for 405 / OPTIONS (static string) */
} req;

/* A route handler queues one response (with http_send and friends) and
 * returns its MHD_Result. */
typedef enum MHD_Result (*route_fn)(req *r);

struct http_route {
    const char *path; /* exact, or the prefix of a prefix route (ending in '/') */
    /* "" for an exact path; for a prefix route, the name of the rest of the
     * path as the API document writes it ("{name}"); the rest may not be
     * empty */
    const char *param;
    unsigned methods; /* M_GET and/or M_POST; HEAD comes with GET, OPTIONS with any */
    route_fn fn;
    const char *name; /* for metrics: "eval", "grad", ... */
    /* optional, for a POST with Content-Length: spare room wanted behind
     * the body in its buffer (core/body.h) */
    size_t (*spare)(struct req *r, size_t content_length);
    /* optional: called for such a POST once the buffer exists, before the
     * body arrives; may start work (req.early) */
    void (*begin)(struct req *r, size_t content_length);
};

/* The errors the core answers itself, before or instead of a route. */
enum http_fault {
    HTTP_NOT_FOUND,          /* no route matched */
    HTTP_METHOD_NOT_ALLOWED, /* the route lacks this method; r->allow is set */
    HTTP_TOO_LARGE,          /* the body is over --max-body */
    HTTP_UNAVAILABLE,        /* starting, draining, or --max-buffer spent */
    HTTP_NO_MEMORY           /* an answer could not be built: answer without allocating */
};

struct http_app {
    const struct http_route *routes; /* matched in order */
    size_t n_routes;
    /* A request finished (ok: the response was sent in full), on its
     * thread; called for every request that got a req, answered or not. */
    void (*completed)(const req *r, int ok);
    /* Required: queue the answer to a core error; detail is a sentence for
     * the client. */
    enum MHD_Result (*fault)(req *r, enum http_fault f, const char *detail);
};

/* Start serving app with s->cfg (binds, starts the threads). 0, or -1 with
 * one clear line on stderr. app must outlive the server. */
int http_start(server *s, const struct http_app *app);
/* SIGTERM: stop accepting, answer what was received, wait up to the drain
 * deadline, stop. */
void http_drain_and_stop(server *s);

/* What GET /metrics shows of the transport. */
typedef struct http_stats {
    long inflight;                   /* requests received and not completed */
    double uptime;                   /* seconds since serving started */
    unsigned n_open;                 /* entries of open */
    unsigned open[HTTP_MAX_THREADS]; /* open connections per worker thread */
} http_stats;

void http_get_stats(const server *s, http_stats *out);

/* ---- responses ---------------------------------------------------------- */

enum body_owner {
    BODY_STATIC, /* lives forever (string literals, embedded assets) */
    BODY_FREE    /* malloc'd: MHD frees it after sending */
};

/* Queue the one response of this request. Adds Content-Type, X-Request-ID,
 * CORS headers, Allow (when r->allow) and Connection: close while draining.
 * extra_headers: NULL or a NULL-terminated list of name, value pairs. */
enum MHD_Result http_send(req *r, unsigned status, const char *content_type, void *body, size_t len,
                          enum body_owner own, const char *const *extra_headers);
/* A response gathered from several buffers (big answers printed in parts):
 * MHD sends them in order without copying them together, then calls
 * free_cb(cls). */
enum MHD_Result http_send_iov(req *r, unsigned status, const char *content_type,
                              const struct MHD_IoVec *iov, unsigned n, void (*free_cb)(void *),
                              void *cls);
/* Same, taking the buffer of an obuf (the app's HTTP_NO_MEMORY answer if
 * it ran out of memory). */
enum MHD_Result http_send_obuf(req *r, unsigned status, const char *content_type, obuf *b);
/* JSON convenience: application/json. */
enum MHD_Result http_send_json(req *r, unsigned status, obuf *b);

/* Request header or query argument (NULL when absent). */
const char *http_header(req *r, const char *name);
const char *http_query(req *r, const char *name);
/* Whether the media type of a Content-Type value (parameters such as
 * charset ignored, case-insensitive) is type. */
int http_media_is(const char *content_type, const char *type);

/* Monotonic seconds. */
double http_now(void);

#endif
