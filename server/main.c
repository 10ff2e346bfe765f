/*
 * main.c - activd: configuration, signals, serve, drain.
 *
 * Signals are blocked in every thread and taken synchronously with sigwait
 * here, so no handler runs in a pool thread and shutdown is ordinary code.
 */
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "config.h"
#include "http.h"
#include "observe.h"

static server srv;

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
    /* Big request buffers (bodies, arrays, answers) straight from mmap, and
     * back to the kernel when freed. glibc otherwise raises its mmap
     * threshold after the first big free, serves the next 16 MB arrays from
     * the heap and keeps them: RSS grew from 34 to 62 MB (peak 81) over
     * four 1e6-number requests. A fixed threshold turns that off. */
    mallopt(M_MMAP_THRESHOLD, 256 * 1024);
    signal(SIGPIPE, SIG_IGN);
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, NULL); /* inherited by MHD's threads */
    observe_init(&srv.cfg);
    if (http_start(&srv) != 0) {
        observe_shutdown();
        return 1;
    }
    char where[128];
    snprintf(where, sizeof where, "http://%s:%u (%u threads)", srv.cfg.bind, srv.port,
             srv.cfg.threads);
    observe_event("listening", where);
    fprintf(stderr, "activd: listening on %s\n", where);
    sigwait(&set, &sig);
    observe_event("draining", sig == SIGTERM ? "SIGTERM" : "SIGINT");
    http_drain_and_stop(&srv);
    observe_event("stopped", "drained");
    observe_shutdown();
    return 0;
}
