/*
 * deadline.c - watchdog for the whole-request deadline; see deadline.h.
 */
#include "core/deadline.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

typedef struct conn {
    struct conn *prev, *next;
    int fd;
    _Atomic double ready_since; /* waiting for a request since then; < 0 while processing */
    int cut;
} conn;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static conn head = {&head, &head, -1, -1.0, 0};
static pthread_t watchdog;
static atomic_int running;
static double limit;
static atomic_ulong cutoffs;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void *watch(void *arg)
{
    (void)arg;
    while (atomic_load(&running)) {
        usleep(250 * 1000);
        double t = now();
        pthread_mutex_lock(&lock);
        for (conn *c = head.next; c != &head; c = c->next) {
            double since = atomic_load(&c->ready_since);
            if (c->cut || since < 0 || t - since <= limit) continue;
            shutdown(c->fd, SHUT_RDWR);
            c->cut = 1;
            atomic_fetch_add(&cutoffs, 1);
        }
        pthread_mutex_unlock(&lock);
    }
    return NULL;
}

int deadline_start(unsigned seconds)
{
    limit = seconds;
    atomic_store(&running, 1);
    if (pthread_create(&watchdog, NULL, watch, NULL) == 0) return 0;
    atomic_store(&running, 0);
    return -1;
}

void deadline_stop(void)
{
    if (!atomic_exchange(&running, 0)) return;
    pthread_join(watchdog, NULL);
}

void deadline_notify(void *cls, struct MHD_Connection *mc, void **socket_context,
                     enum MHD_ConnectionNotificationCode code)
{
    (void)cls;
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *info =
            MHD_get_connection_info(mc, MHD_CONNECTION_INFO_CONNECTION_FD);
        conn *c = calloc(1, sizeof *c);
        *socket_context = c;
        if (!c || !info) return;
        c->fd = info->connect_fd;
        c->ready_since = now();
        pthread_mutex_lock(&lock);
        c->next = head.next;
        c->prev = &head;
        head.next->prev = c;
        head.next = c;
        pthread_mutex_unlock(&lock);
    } else if (*socket_context) {
        conn *c = *socket_context;
        pthread_mutex_lock(&lock);
        if (c->next) {
            c->prev->next = c->next;
            c->next->prev = c->prev;
        }
        pthread_mutex_unlock(&lock);
        free(c);
        *socket_context = NULL;
    }
}

static void set_ready(struct MHD_Connection *mc, double since)
{
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(mc, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    conn *c = info ? info->socket_context : NULL;
    /* no lock: c lives until MHD_CONNECTION_NOTIFY_CLOSED, after this */
    if (c) atomic_store(&c->ready_since, since);
}

void deadline_received(struct MHD_Connection *mc)
{
    set_ready(mc, -1);
}

void deadline_done(struct MHD_Connection *mc)
{
    set_ready(mc, now());
}

unsigned long deadline_cutoffs(void)
{
    return atomic_load(&cutoffs);
}
