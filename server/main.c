/*
 * main.c - activd: wires the layers (configuration, the route table and
 * the hooks the core calls) and handles signals: serve, then drain.
 *
 * Signals are blocked in every thread and taken synchronously with sigwait
 * here, so no handler runs in a pool thread and shutdown is ordinary code.
 */
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "core/http.h"
#include "core/log.h"
#include "routes/metrics.h"
#include "routes/problems.h"
#include "routes/table.h"

static server srv;
static const struct http_app app = {route_table, ROUTE_COUNT, metrics_completed, problem_fault};

/* --sched batch, before any thread starts (threads inherit the policy).
 * SCHED_BATCH threads keep their fair share of CPU but a wake-up does not
 * preempt the task running on that CPU. Each request wakes a worker, and
 * when clients share the CPUs (a proxy or load generator on the host) the
 * preemptions cost more than the requests: small requests are served
 * faster, big ones the same (docs/performance.md). Not fatal: a sandbox
 * may refuse it, and the default policy still works. */
static void set_sched(const config *c)
{
    if (c->sched != SCHED_POLICY_BATCH) return;
    struct sched_param sp = {0};
    if (sched_setscheduler(0, SCHED_BATCH, &sp) != 0)
        fprintf(stderr, "activd: --sched batch: %s; using the normal policy\n", strerror(errno));
}

int main(int argc, char **argv)
{
    sigset_t set;
    int sig = 0;
    switch (config_parse(&srv.cfg, argc, argv)) {
    case CONFIG_EXIT_OK:
        return 0;
    case CONFIG_EXIT_USAGE:
        return 2;
    case CONFIG_RUN:
        break;
    }
    set_sched(&srv.cfg);
    /* Big request buffers (bodies, arrays, answers) straight from mmap, and
     * back to the kernel when freed. glibc otherwise raises its mmap
     * threshold after the first big free, serves the next big arrays from
     * the heap and keeps them, and RSS grows request after request
     * (docs/performance.md). A fixed threshold turns that off. */
    mallopt(M_MMAP_THRESHOLD, 256 * 1024);
    signal(SIGPIPE, SIG_IGN);
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, NULL); /* inherited by MHD's threads */
    if (problems_init() != 0) {
        fprintf(stderr, "activd: out of memory\n");
        return 1;
    }
    log_init(&srv.cfg);
    if (http_start(&srv, &app) != 0) {
        log_shutdown();
        return 1;
    }
    char where[128];
    snprintf(where, sizeof where, "http://%s:%u (%u threads)", srv.cfg.bind, srv.port,
             srv.cfg.threads);
    log_event("listening", where);
    fprintf(stderr, "activd: listening on %s\n", where);
    sigwait(&set, &sig);
    log_event("draining", sig == SIGTERM ? "SIGTERM" : "SIGINT");
    http_drain_and_stop(&srv);
    log_event("stopped", "drained");
    log_shutdown();
    return 0;
}
