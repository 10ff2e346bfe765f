/*
 * listen.c - listening socket and least-connections acceptor; see listen.h.
 */
#include "core/listen.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_DAEMONS 1024

/* Open connections per client address, for --max-connections-per-ip: a
 * chained hash table, touched only when that limit is on. */
typedef struct ip_entry {
    struct ip_entry *next;
    unsigned char addr[16];
    unsigned count;
} ip_entry;

#define IP_BUCKETS 1024

struct balancer {
    int fd;
    int wake[2]; /* a byte here stops the acceptor */
    pthread_t thread;
    int running;
    struct MHD_Daemon *const *daemons;
    unsigned n;
    atomic_uint conns[MAX_DAEMONS];
    atomic_uint total;
    unsigned max_total, max_per_ip;
    pthread_mutex_t lock; /* the ip table, and the wait for a free slot */
    pthread_cond_t slot_free;
    ip_entry *ips[IP_BUCKETS];
};

int lb_open(const char *addr, unsigned port, unsigned *bound_port, char *err, size_t errcap)
{
    struct sockaddr_storage ss;
    socklen_t len;
    memset(&ss, 0, sizeof ss);
    struct sockaddr_in *v4 = (struct sockaddr_in *)&ss;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&ss;
    if (inet_pton(AF_INET, addr, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons((uint16_t)port);
        len = sizeof *v4;
    } else if (inet_pton(AF_INET6, addr, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons((uint16_t)port);
        len = sizeof *v6;
    } else {
        snprintf(err, errcap, "'%s' is not an IPv4 or IPv6 address", addr);
        return -1;
    }
    int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;
    if (fd < 0) goto fail;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one); /* restart over TIME_WAIT */
    if (ss.ss_family == AF_INET6) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    if (bind(fd, (struct sockaddr *)&ss, len) != 0 || listen(fd, 1024) != 0) goto fail;
    if (getsockname(fd, (struct sockaddr *)&ss, &len) != 0) goto fail;
    *bound_port = ntohs(ss.ss_family == AF_INET ? v4->sin_port : v6->sin6_port);
    return fd;
fail:
    snprintf(err, errcap, "%s", strerror(errno));
    if (fd >= 0) close(fd);
    return -1;
}

/* The address bytes of a peer (IPv4 as the low 4 of 16). */
static void addr_key(const struct sockaddr *sa, unsigned char key[16])
{
    memset(key, 0, 16);
    if (sa->sa_family == AF_INET)
        memcpy(key, &((const struct sockaddr_in *)sa)->sin_addr, 4);
    else if (sa->sa_family == AF_INET6)
        memcpy(key, &((const struct sockaddr_in6 *)sa)->sin6_addr, 16);
}

static ip_entry **ip_slot(balancer *b, const unsigned char key[16])
{
    unsigned h = 2166136261u;
    for (int i = 0; i < 16; i++) h = (h ^ key[i]) * 16777619u;
    ip_entry **p = &b->ips[h % IP_BUCKETS];
    while (*p && memcmp((*p)->addr, key, 16) != 0) p = &(*p)->next;
    return p;
}

/* Count one more connection from sa; 0, or -1 over the per-address limit. */
static int ip_take(balancer *b, const struct sockaddr *sa)
{
    unsigned char key[16];
    int rc = 0;
    addr_key(sa, key);
    pthread_mutex_lock(&b->lock);
    ip_entry **p = ip_slot(b, key);
    if (!*p && (*p = calloc(1, sizeof **p)) != NULL) memcpy((*p)->addr, key, 16);
    if (!*p || (*p)->count >= b->max_per_ip)
        rc = -1;
    else
        (*p)->count++;
    pthread_mutex_unlock(&b->lock);
    return rc;
}

static void ip_release(balancer *b, const struct sockaddr *sa)
{
    unsigned char key[16];
    addr_key(sa, key);
    pthread_mutex_lock(&b->lock);
    ip_entry **p = ip_slot(b, key);
    if (*p && --(*p)->count == 0) {
        ip_entry *gone = *p;
        *p = gone->next;
        free(gone);
    }
    pthread_mutex_unlock(&b->lock);
}

static unsigned least_busy(balancer *b)
{
    unsigned best = 0, low = atomic_load(&b->conns[0]);
    for (unsigned i = 1; i < b->n; i++) {
        unsigned c = atomic_load(&b->conns[i]);
        if (c < low) low = c, best = i;
    }
    return best;
}

/* Wait while --max-connections are open; 0, or -1 when stopping. */
static int wait_for_slot(balancer *b)
{
    pthread_mutex_lock(&b->lock);
    while (atomic_load(&b->total) >= b->max_total && b->running) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += 100 * 1000 * 1000; /* recheck running now and then */
        if (ts.tv_nsec >= 1000000000) ts.tv_sec++, ts.tv_nsec -= 1000000000;
        pthread_cond_timedwait(&b->slot_free, &b->lock, &ts);
    }
    int rc = b->running ? 0 : -1;
    pthread_mutex_unlock(&b->lock);
    return rc;
}

static void hand_over(balancer *b, int fd, const struct sockaddr *sa, socklen_t len)
{
    if (b->max_per_ip && ip_take(b, sa) != 0) {
        close(fd);
        return;
    }
    unsigned d = least_busy(b);
    atomic_fetch_add(&b->conns[d], 1);
    atomic_fetch_add(&b->total, 1);
    /* MHD closes fd itself when it cannot take it */
    if (MHD_add_connection(b->daemons[d], fd, sa, len) != MHD_YES) {
        atomic_fetch_sub(&b->conns[d], 1);
        atomic_fetch_sub(&b->total, 1);
        if (b->max_per_ip) ip_release(b, sa);
    }
}

static void *accept_loop(void *arg)
{
    balancer *b = arg;
    struct pollfd p[2] = {{.fd = b->fd, .events = POLLIN}, {.fd = b->wake[0], .events = POLLIN}};
    while (wait_for_slot(b) == 0) {
        if (poll(p, 2, -1) < 0 && errno != EINTR) break;
        if (p[1].revents) break;
        if (!(p[0].revents & POLLIN)) continue;
        struct sockaddr_storage ss;
        socklen_t len = sizeof ss;
        int fd = accept4(b->fd, (struct sockaddr *)&ss, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EMFILE || errno == ENFILE) usleep(10 * 1000); /* out of fds: back off */
            continue;
        }
        hand_over(b, fd, (struct sockaddr *)&ss, len);
    }
    return NULL;
}

balancer *lb_start(int listen_fd, struct MHD_Daemon *const *daemons, unsigned n,
                   unsigned max_connections, unsigned max_per_ip)
{
    balancer *b = calloc(1, sizeof *b);
    if (!b || n == 0 || n > MAX_DAEMONS) goto fail;
    b->fd = listen_fd;
    b->daemons = daemons;
    b->n = n;
    b->max_total = max_connections;
    b->max_per_ip = max_per_ip;
    pthread_mutex_init(&b->lock, NULL);
    pthread_cond_init(&b->slot_free, NULL);
    if (pipe2(b->wake, O_CLOEXEC) != 0) goto fail;
    b->running = 1;
    if (pthread_create(&b->thread, NULL, accept_loop, b) == 0) return b;
    close(b->wake[0]);
    close(b->wake[1]);
fail:
    free(b);
    return NULL;
}

void lb_stop(balancer *b)
{
    if (!b || b->fd < 0) return;
    pthread_mutex_lock(&b->lock);
    b->running = 0;
    pthread_cond_broadcast(&b->slot_free);
    pthread_mutex_unlock(&b->lock);
    if (write(b->wake[1], "x", 1) != 1) { /* the pipe is empty: cannot fail */
    }
    pthread_join(b->thread, NULL);
    close(b->fd);
    b->fd = -1;
}

void lb_free(balancer *b)
{
    if (!b) return;
    lb_stop(b);
    close(b->wake[0]);
    close(b->wake[1]);
    for (unsigned i = 0; i < IP_BUCKETS; i++)
        for (ip_entry *e = b->ips[i], *next; e; e = next) next = e->next, free(e);
    pthread_cond_destroy(&b->slot_free);
    pthread_mutex_destroy(&b->lock);
    free(b);
}

void lb_notify(balancer *b, struct MHD_Connection *c, enum MHD_ConnectionNotificationCode code)
{
    if (!b || code != MHD_CONNECTION_NOTIFY_CLOSED) return;
    const union MHD_ConnectionInfo *di = MHD_get_connection_info(c, MHD_CONNECTION_INFO_DAEMON);
    for (unsigned i = 0; di && i < b->n; i++)
        if (b->daemons[i] == di->daemon) atomic_fetch_sub(&b->conns[i], 1);
    if (b->max_per_ip) {
        const union MHD_ConnectionInfo *ai =
            MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
        if (ai) ip_release(b, ai->client_addr);
    }
    if (atomic_fetch_sub(&b->total, 1) == b->max_total) {
        pthread_mutex_lock(&b->lock);
        pthread_cond_signal(&b->slot_free);
        pthread_mutex_unlock(&b->lock);
    }
}

unsigned lb_counts(const balancer *b, unsigned *out, unsigned cap)
{
    unsigned k = b->n < cap ? b->n : cap;
    for (unsigned i = 0; i < k; i++) out[i] = atomic_load(&b->conns[i]);
    return k;
}
