/*
 * metrics.c - request counters and latency histograms, Prometheus text.
 *
 * One fixed slot per row of route_table[] (the route pointer gives the
 * index, so no lookup and no string compare on the request path) plus one
 * for requests no route matched. Every counter is an atomic updated with
 * relaxed order: each is an independent monotonic count, and a scrape that
 * sees one increment before another is still a valid sample.
 */
#include "routes/metrics.h"

#include <jansson.h>
#include <stdatomic.h>
#include <stdio.h>

#include "core/version.h"
#include "routes/table.h"
#include "wire/numtext.h"

#define MET_SLOTS   (ROUTE_COUNT + 1) /* a slot per route, then "no route matched" */
#define MET_NONE    ROUTE_COUNT
#define MET_CLASSES 6 /* 1xx .. 5xx, and status 0: no response was queued */
#define MET_BUCKETS 16
#define ADD(x, v)   atomic_fetch_add_explicit(x, v, memory_order_relaxed)
#define LOAD(x)     atomic_load_explicit(x, memory_order_relaxed)

/* Upper bounds in seconds: from a small answer built from memory to a
 * 16 Mi-element body. */
static const double bucket_le[MET_BUCKETS] = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
                                              0.01,   0.025,   0.05,   0.1,   0.25,   0.5,
                                              1,      2.5,     5,      10};
static const char *const class_label[MET_CLASSES] = {"none", "1xx", "2xx", "3xx", "4xx", "5xx"};

typedef struct slot {
    atomic_ullong requests[MET_CLASSES];
    atomic_ullong bucket[MET_BUCKETS + 1]; /* not cumulative; the last is > 10 s */
    atomic_ullong sum_ns;
} slot;

static slot slots[MET_SLOTS];
static atomic_ullong elements_total, bytes_in_total, bytes_out_total, aborted_total;

static size_t slot_of(const req *r)
{
    return r->route ? (size_t)(r->route - route_table) : MET_NONE;
}

void metrics_completed(const req *r, int ok)
{
    slot *s = &slots[slot_of(r)];
    unsigned cls = r->status >= 100 && r->status < 600 ? r->status / 100 : 0;
    double secs = http_now() - r->t0;
    unsigned b = 0;
    while (b < MET_BUCKETS && secs > bucket_le[b]) b++;
    ADD(&s->requests[cls], 1);
    ADD(&s->bucket[b], 1);
    ADD(&s->sum_ns, secs > 0 ? (unsigned long long)(secs * 1e9) : 0);
    ADD(&elements_total, r->elements);
    ADD(&bytes_in_total, r->body.len);
    ADD(&bytes_out_total, r->bytes_out);
    if (!ok) ADD(&aborted_total, 1);
}

/* ---- exposition --------------------------------------------------------- */

static const char *slot_name(size_t i)
{
    return i == MET_NONE ? "none" : route_table[i].name;
}

static void put_num(obuf *b, double v)
{
    char t[NUMTEXT_MAX];
    ob_put(b, t, numtext_f64(v, t));
}

static void put_requests(obuf *b)
{
    ob_puts(b, "# HELP activd_requests_total HTTP requests answered, by route and status class.\n"
               "# TYPE activd_requests_total counter\n");
    for (size_t i = 0; i < MET_SLOTS; i++) {
        for (unsigned c = 0; c < MET_CLASSES; c++) {
            unsigned long long n = LOAD(&slots[i].requests[c]);
            if (n)
                ob_printf(b, "activd_requests_total{route=\"%s\",status=\"%s\"} %llu\n",
                          slot_name(i), class_label[c], n);
        }
    }
}

/* Buckets are read once each and summed here, so a scrape is always
 * cumulative and +Inf always equals _count, even while requests land. */
static void put_histogram(obuf *b, size_t i)
{
    unsigned long long cum = 0, sum_ns = LOAD(&slots[i].sum_ns);
    const char *name = slot_name(i);
    for (unsigned k = 0; k <= MET_BUCKETS; k++) {
        cum += LOAD(&slots[i].bucket[k]);
        if (k < MET_BUCKETS)
            ob_printf(b, "activd_request_duration_seconds_bucket{route=\"%s\",le=\"%g\"} %llu\n",
                      name, bucket_le[k], cum);
    }
    ob_printf(b, "activd_request_duration_seconds_bucket{route=\"%s\",le=\"+Inf\"} %llu\n", name,
              cum);
    ob_printf(b, "activd_request_duration_seconds_sum{route=\"%s\"} ", name);
    put_num(b, (double)sum_ns / 1e9);
    ob_printf(b, "\nactivd_request_duration_seconds_count{route=\"%s\"} %llu\n", name, cum);
}

static int slot_used(size_t i)
{
    for (unsigned k = 0; k <= MET_BUCKETS; k++)
        if (LOAD(&slots[i].bucket[k])) return 1;
    return 0;
}

static void put_counter(obuf *b, const char *name, const char *help, unsigned long long v)
{
    ob_printf(b, "# HELP %s %s\n# TYPE %s counter\n%s %llu\n", name, help, name, name, v);
}

enum MHD_Result route_metrics(req *r)
{
    obuf b = {0};
    http_stats st;
    http_get_stats(r->srv, &st);
    put_requests(&b);
    ob_puts(&b, "# HELP activd_request_duration_seconds Time from the request's headers to its "
                "completion, by route.\n"
                "# TYPE activd_request_duration_seconds histogram\n");
    for (size_t i = 0; i < MET_SLOTS; i++)
        if (slot_used(i)) put_histogram(&b, i);
    put_counter(&b, "activd_elements_total", "Numbers computed by /eval, /grad and /plot.",
                LOAD(&elements_total));
    put_counter(&b, "activd_bytes_in_total", "Request body bytes received.", LOAD(&bytes_in_total));
    put_counter(&b, "activd_bytes_out_total", "Response body bytes queued.",
                LOAD(&bytes_out_total));
    put_counter(&b, "activd_requests_aborted_total",
                "Requests whose connection ended before the response was sent in full.",
                LOAD(&aborted_total));
    ob_printf(&b,
              "# HELP activd_in_flight_requests Requests received and not yet completed "
              "(this scrape included).\n# TYPE activd_in_flight_requests gauge\n"
              "activd_in_flight_requests %ld\n",
              st.inflight);
    ob_puts(&b, "# HELP activd_open_connections Open connections per worker thread (the acceptor "
                "gives each new one to the least busy).\n# TYPE activd_open_connections gauge\n");
    for (unsigned i = 0; i < st.n_open; i++)
        ob_printf(&b, "activd_open_connections{worker=\"%u\"} %u\n", i, st.open[i]);
    ob_puts(&b, "# HELP activd_uptime_seconds Seconds since the daemon started serving.\n"
                "# TYPE activd_uptime_seconds gauge\nactivd_uptime_seconds ");
    put_num(&b, st.uptime);
    ob_printf(&b,
              "\n# HELP activd_build_info Versions this daemon was built with; always 1.\n"
              "# TYPE activd_build_info gauge\n"
              "activd_build_info{version=\"%s\",libactiv=\"%s\",libmicrohttpd=\"%s\","
              "jansson=\"%s\"} 1\n",
              ACTIVD_VERSION, activ_version(), MHD_get_version(), jansson_version_str());
    return http_send_obuf(r, 200, "text/plain; version=0.0.4; charset=utf-8", &b);
}
