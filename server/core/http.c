/*
 * http.c - libmicrohttpd glue: the access handler, responses, CORS,
 * request ids, start and drain.
 *
 * Threading: one MHD daemon (poll) per --threads, fed by the acceptor in
 * listen.c; a request is handled start to end on its daemon's thread (big
 * arrays borrow helper threads, par.c), so a req needs no locks.
 * Server-wide counters are atomics.
 */
#include "core/http.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "core/deadline.h"
#include "core/listen.h"
#include "core/log.h"

double http_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

const char *http_header(req *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

const char *http_query(req *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

int http_media_is(const char *ct, const char *type)
{
    size_t n = strlen(type);
    if (strncasecmp(ct, type, n) != 0) return 0;
    ct += n;
    while (*ct == ' ' || *ct == '\t') ct++;
    return *ct == 0 || *ct == ';';
}

/* ---- request ids -------------------------------------------------------- */

/* A client's X-Request-ID is kept when it is 1..64 characters of
 * [A-Za-z0-9._:-]; anything else is replaced, so ids are safe in logs. */
static int id_ok(const char *s)
{
    size_t n = 0;
    for (; s[n]; n++) {
        char c = s[n];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == ':' || c == '-'))
            return 0;
        if (n == 64) return 0;
    }
    return n > 0;
}

/* 16 hex digits: a per-process random prefix mixed with a counter through
 * splitmix64, unique per process and unpredictable enough for tracing. */
static unsigned long long id_seed; /* set once in http_start, before any thread */

static void new_id(char *out)
{
    static atomic_ullong counter;
    unsigned long long z = id_seed + atomic_fetch_add(&counter, 1) * 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    static const char hex[] = "0123456789abcdef";
    for (int i = 15; i >= 0; i--, z >>= 4) out[i] = hex[z & 15];
    out[16] = 0;
}

/* ---- CORS ----------------------------------------------------------------- */

/* Access-Control-Request-Headers is echoed back only if it is a plain list
 * of header-name tokens (RFC 9110 tchar), commas and spaces. */
static int token_list_ok(const char *s)
{
    static const char extra[] = "!#$%&'*+-.^_`|~, ";
    if (!*s || strlen(s) > 512) return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              strchr(extra, *s)))
            return 0;
    return 1;
}

/* The origin to echo in Access-Control-Allow-Origin, or NULL. */
static const char *cors_origin(req *r)
{
    const config *c = &r->srv->cfg;
    if (c->n_origins == 0) return NULL;
    const char *origin = http_header(r, "Origin");
    if (!origin) return NULL;
    for (unsigned i = 0; i < c->n_origins; i++) {
        if (strcmp(c->cors_origins[i], "*") == 0) return "*";
        if (strcmp(c->cors_origins[i], origin) == 0) return origin;
    }
    return NULL;
}

static void add_cors(req *r, struct MHD_Response *resp)
{
    const char *origin = cors_origin(r);
    if (!origin) return;
    MHD_add_response_header(resp, "Access-Control-Allow-Origin", origin);
    if (strcmp(origin, "*") != 0) MHD_add_response_header(resp, "Vary", "Origin");
    MHD_add_response_header(resp, "Access-Control-Expose-Headers", "X-Request-ID");
    if (r->method == M_OPTIONS) {
        MHD_add_response_header(resp, "Access-Control-Allow-Methods", r->allow ? r->allow : "");
        const char *h = http_header(r, "Access-Control-Request-Headers");
        MHD_add_response_header(resp, "Access-Control-Allow-Headers",
                                h && token_list_ok(h) ? h : "Content-Type, X-Request-ID");
        MHD_add_response_header(resp, "Access-Control-Max-Age", "600");
    }
}

/* ---- responses ------------------------------------------------------------ */

/* Headers every response gets, then queue it (one response per request). */
static enum MHD_Result queue(req *r, unsigned status, const char *content_type,
                             struct MHD_Response *resp, size_t len,
                             const char *const *extra_headers)
{
    if (content_type) MHD_add_response_header(resp, "Content-Type", content_type);
    MHD_add_response_header(resp, "X-Request-ID", r->id);
    if (r->allow) MHD_add_response_header(resp, "Allow", r->allow);
    if (status >= 400) MHD_add_response_header(resp, "Cache-Control", "no-store");
    for (const char *const *h = extra_headers; h && h[0]; h += 2)
        MHD_add_response_header(resp, h[0], h[1]);
    add_cors(r, resp);
    if (atomic_load(&r->srv->state) == STATE_DRAINING)
        MHD_add_response_header(resp, "Connection", "close");
    if (status == 503) MHD_add_response_header(resp, "Retry-After", "1");
    r->status = status;
    r->bytes_out = len;
    enum MHD_Result ret = MHD_queue_response(r->conn, status, resp);
    MHD_destroy_response(resp);
    return ret;
}

enum MHD_Result http_send(req *r, unsigned status, const char *content_type, void *body, size_t len,
                          enum body_owner own, const char *const *extra_headers)
{
    struct MHD_Response *resp = MHD_create_response_from_buffer(
        len, body, own == BODY_FREE ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
    if (!resp) {
        if (own == BODY_FREE) free(body);
        return MHD_NO;
    }
    return queue(r, status, content_type, resp, len, extra_headers);
}

enum MHD_Result http_send_iov(req *r, unsigned status, const char *content_type,
                              const struct MHD_IoVec *iov, unsigned n, void (*free_cb)(void *),
                              void *cls)
{
    size_t len = 0;
    for (unsigned i = 0; i < n; i++) len += iov[i].iov_len;
    struct MHD_Response *resp = MHD_create_response_from_iovec(iov, n, free_cb, cls);
    if (!resp) {
        free_cb(cls);
        return MHD_NO;
    }
    return queue(r, status, content_type, resp, len, NULL);
}

/* A core error, answered by the application's fault hook. */
static enum MHD_Result fault(req *r, enum http_fault f, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static enum MHD_Result fault(req *r, enum http_fault f, const char *fmt, ...)
{
    char detail[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    return r->srv->app->fault(r, f, detail);
}

enum MHD_Result http_send_obuf(req *r, unsigned status, const char *content_type, obuf *b)
{
    size_t len;
    char *p = ob_take(b, &len);
    if (!p) return fault(r, HTTP_NO_MEMORY, "out of memory");
    return http_send(r, status, content_type, p, len, BODY_FREE, NULL);
}

enum MHD_Result http_send_json(req *r, unsigned status, obuf *b)
{
    return http_send_obuf(r, status, "application/json", b);
}

/* ---- routing -------------------------------------------------------------- */

static unsigned method_of(const char *m)
{
    if (strcmp(m, "GET") == 0) return M_GET;
    if (strcmp(m, "POST") == 0) return M_POST;
    if (strcmp(m, "HEAD") == 0) return M_HEAD;
    if (strcmp(m, "OPTIONS") == 0) return M_OPTIONS;
    return M_OTHER;
}

/* The Allow header of a route: its methods, HEAD with GET, and OPTIONS,
 * which every route answers. */
static const char *allow_of(unsigned methods)
{
    static const char *const allow[4] = {"OPTIONS", "GET, HEAD, OPTIONS", "POST, OPTIONS",
                                         "GET, HEAD, POST, OPTIONS"};
    return allow[((methods & M_GET) ? 1 : 0) | ((methods & M_POST) ? 2 : 0)];
}

static const struct http_route *find_route(const struct http_app *app, const char *url)
{
    for (size_t i = 0; i < app->n_routes; i++) {
        const struct http_route *rt = &app->routes[i];
        size_t n = strlen(rt->path);
        if (rt->param[0] ? strncmp(url, rt->path, n) == 0 && url[n] : strcmp(url, rt->path) == 0)
            return rt;
    }
    return NULL;
}

/* The final call: the body is complete; run the handler. */
static enum MHD_Result dispatch(req *r)
{
    const struct http_route *rt = r->route;
    deadline_received(r->conn);
    if (!rt) return fault(r, HTTP_NOT_FOUND, "no resource at %s", r->url);
    r->allow = allow_of(rt->methods);
    if (r->method == M_OPTIONS) return http_send(r, 204, NULL, "", 0, BODY_STATIC, NULL);
    unsigned m = r->method == M_HEAD ? M_GET : r->method;
    if (!(rt->methods & m))
        return fault(r, HTTP_METHOD_NOT_ALLOWED, "%s does not support %s; allowed: %s", r->url,
                     r->method_name, r->allow);
    r->allow = NULL;
    if (r->body.too_large)
        return fault(r, HTTP_TOO_LARGE, "request body exceeds the limit of %zu bytes",
                     r->srv->cfg.max_body);
    return rt->fn(r);
}

/* Counts Content-Length headers whose value differs from the first. */
struct cl_count {
    unsigned *n;
    const char **first;
};

static enum MHD_Result count_length(void *cls, enum MHD_ValueKind kind, const char *key,
                                    const char *value)
{
    struct cl_count *cc = cls;
    (void)kind;
    if (strcasecmp(key, "Content-Length") != 0) return MHD_YES;
    if (!*cc->first)
        *cc->first = value, *cc->n = 1;
    else if (strcmp(*cc->first, value ? value : "") != 0)
        ++*cc->n;
    return MHD_YES;
}

/* Spare room the route asks for behind the body (eval_spare). */
static size_t spare_room(req *r, size_t n)
{
    const struct http_route *rt = r->route;
    return rt && rt->spare && r->method == M_POST ? rt->spare(r, n) : 0;
}

/* First call: headers only. Returning without queueing keeps keep-alive
 * (queueing here makes MHD close the connection), except for answers that
 * must not read the body: 413 from Content-Length and 503 while draining. */
static enum MHD_Result on_headers(server *s, struct MHD_Connection *c, const char *url,
                                  const char *method, void **con_cls)
{
    req *r = calloc(1, sizeof *r);
    if (!r) return MHD_NO;
    r->srv = s;
    r->conn = c;
    r->url = url;
    r->method_name = method;
    r->method = method_of(method);
    r->t0 = http_now();
    r->route = find_route(s->app, url);
    const char *id = http_header(r, "X-Request-ID");
    if (id && id_ok(id))
        snprintf(r->id, sizeof r->id, "%s", id);
    else
        new_id(r->id);
    *con_cls = r;
    atomic_fetch_add(&s->inflight, 1);

    if (atomic_load(&s->state) != STATE_READY)
        return fault(r, HTTP_UNAVAILABLE, "the server is %s",
                     atomic_load(&s->state) == STATE_DRAINING ? "shutting down" : "starting");
    /* Content-Length given twice with different values is a framing
     * attack (request smuggling through a proxy that reads the other one);
     * libmicrohttpd 0.9.75 takes the first, so close instead. */
    unsigned n_cl = 0;
    const char *first_cl = NULL;
    MHD_get_connection_values(c, MHD_HEADER_KIND, count_length,
                              &(struct cl_count){&n_cl, &first_cl});
    if (n_cl > 1) return MHD_NO;
    const char *cl = http_header(r, "Content-Length");
    unsigned long long n = cl ? strtoull(cl, NULL, 10) : 0;
    if (n > s->cfg.max_body)
        return fault(r, HTTP_TOO_LARGE, "Content-Length %llu exceeds the limit of %zu bytes", n,
                     s->cfg.max_body);
    if (n == 0) return MHD_YES; /* no body, or a chunked one: body_append allocates */
    enum body_result br = body_open(&r->body, &s->budget, (size_t)n, spare_room(r, (size_t)n));
    if (br == BODY_BUSY)
        return fault(r, HTTP_UNAVAILABLE,
                     "too much request data in flight (--max-buffer %zu bytes); "
                     "retry shortly",
                     s->cfg.max_buffer);
    if (br == BODY_NOMEM) return MHD_NO;
    if (r->route && r->route->begin && r->method == M_POST) r->route->begin(r, (size_t)n);
    return MHD_YES;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload,
                                  size_t *upload_size, void **con_cls)
{
    (void)version;
    req *r = *con_cls;
    if (!r) return on_headers(cls, c, url, method, con_cls);
    if (*upload_size) {
        /* Over --max-body mid-upload (only a chunked body gets here: a
         * Content-Length over it was answered 413 before the body). MHD
         * 0.9.75 cannot queue a response before the body is complete, so
         * close the connection now rather than read the rest. */
        if (body_append(&r->body, &r->srv->budget, upload, *upload_size, r->srv->cfg.max_body) !=
                BODY_OK ||
            r->body.too_large)
            return MHD_NO;
        *upload_size = 0;
        return MHD_YES;
    }
    if (body_received(&r->body) != BODY_OK) return MHD_NO;
    return dispatch(r);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    server *s = cls;
    req *r = *con_cls;
    deadline_done(c);
    if (!r) return;
    int ok = toe == MHD_REQUEST_TERMINATED_COMPLETED_OK;
    log_request(r, ok);
    if (s->app->completed) s->app->completed(r, ok);
    if (r->early_end) r->early_end(r->early); /* before the body it reads goes */
    body_free(&r->body, &s->budget);
    free(r);
    *con_cls = NULL;
    atomic_fetch_sub(&s->inflight, 1);
}

/* ---- lifecycle ------------------------------------------------------------ */

/* While starting, MHD's messages are kept (the last one) and folded into
 * activd's single startup-failure line; afterwards they go to stderr. */
static _Atomic int mhd_started;
static char mhd_last[256];

static void log_mhd(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    if (atomic_load(&mhd_started)) {
        log_mhd_error(fmt, ap);
        return;
    }
    vsnprintf(mhd_last, sizeof mhd_last, fmt, ap);
    mhd_last[strcspn(mhd_last, "\r\n")] = 0;
}

/* Per-connection buffer of MHD: it bounds the request line plus headers,
 * and half of it is the read buffer for body chunks, so a bigger one
 * receives a big body in fewer reads. MHD zeroes the buffer between
 * requests, which costs every small request; 64 KiB received big bodies
 * faster than 16 KiB with small requests as fast, and 1 MiB made small
 * requests slower and RSS under load far larger (docs/performance.md).
 * Header blocks may be about half of it. */
#define CONN_MEMORY (64 * 1024)

/* Every connection's open and close: the request deadline's bookkeeping and
 * the balancer's counts. */
static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                          enum MHD_ConnectionNotificationCode code)
{
    server *s = cls;
    deadline_notify(NULL, c, socket_context, code);
    lb_notify(s->lb, c, code);
}

/* One MHD daemon per thread, without a listening socket: the balancer
 * (listen.c) accepts and hands connections over, and enforces
 * --max-connections itself. MHD's own limit gets slack: it still counts a
 * connection for a moment after notifying its close, and a new connection
 * handed over in that moment was refused (seen with --threads 1).
 *
 * poll(), not epoll: libmicrohttpd 0.9.75 drains epoll in batches of 128
 * and, after a full batch, calls epoll_wait again with the full timeout
 * while the (edge-triggered) events it already took wait unprocessed; with
 * 256 connections ready at once every one of them stalled until --timeout
 * (tests/integration/test_slow.c busy_256_keepalive). poll has no such
 * loop, and was as fast at 32 connections (docs/performance.md). */
#define DAEMON_SLACK 64
static struct MHD_Daemon *start_daemon(server *s)
{
    const config *c = &s->cfg;
    return MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL | MHD_USE_ITC | MHD_USE_NO_LISTEN_SOCKET |
            MHD_USE_ERROR_LOG,
        0, NULL, NULL, on_request, s, MHD_OPTION_EXTERNAL_LOGGER, log_mhd, NULL,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, s, MHD_OPTION_NOTIFY_CONNECTION, on_connection,
        s, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)c->timeout, MHD_OPTION_CONNECTION_LIMIT,
        (unsigned)c->max_connections + DAEMON_SLACK, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
        (size_t)CONN_MEMORY, MHD_OPTION_END);
}

static void stop_daemons(server *s)
{
    for (unsigned i = 0; i < s->n_mhd; i++) MHD_stop_daemon(s->mhd[i]);
    s->n_mhd = 0;
}

int http_start(server *s, const struct http_app *app)
{
    const config *c = &s->cfg;
    char err[160];
    int fd = lb_open(c->bind, c->port, &s->port, err, sizeof err);
    if (fd < 0) {
        fprintf(stderr, "activd: cannot listen on %s:%u: %s\n", c->bind, c->port, err);
        return -1;
    }
    s->app = app;
    s->started = http_now();
    s->budget.max = c->max_buffer;
    id_seed = (unsigned long long)time(NULL) * 2654435761u ^ (unsigned long long)getpid() << 32;
    unsigned n = c->threads < HTTP_MAX_THREADS ? c->threads : HTTP_MAX_THREADS;
    for (s->n_mhd = 0; s->n_mhd < n; s->n_mhd++) {
        if (!(s->mhd[s->n_mhd] = start_daemon(s))) {
            fprintf(stderr, "activd: cannot start libmicrohttpd: %s\n",
                    mhd_last[0] ? mhd_last : "unknown reason");
            goto fail;
        }
    }
    atomic_store(&mhd_started, 1);
    if (deadline_start(c->request_timeout) != 0) {
        fprintf(stderr, "activd: cannot start the request-deadline thread\n");
        goto fail;
    }
    s->lb = lb_start(fd, s->mhd, s->n_mhd, c->max_connections, c->max_connections_per_ip);
    if (!s->lb) {
        fprintf(stderr, "activd: cannot start the accepting thread\n");
        deadline_stop();
        goto fail;
    }
    atomic_store(&s->state, STATE_READY);
    return 0;
fail:
    stop_daemons(s);
    close(fd);
    return -1;
}

void http_drain_and_stop(server *s)
{
    atomic_store(&s->state, STATE_DRAINING);
    lb_stop(s->lb); /* the listening socket closes: new connections are refused */
    double deadline = http_now() + s->cfg.drain_timeout;
    while (atomic_load(&s->inflight) > 0 && http_now() < deadline) usleep(10 * 1000);
    stop_daemons(s);
    lb_free(s->lb);
    s->lb = NULL;
    deadline_stop();
}

void http_get_stats(const server *s, http_stats *out)
{
    out->inflight = atomic_load(&s->inflight);
    out->uptime = http_now() - s->started;
    out->n_open = s->lb ? lb_counts(s->lb, out->open, HTTP_MAX_THREADS) : 0;
}
