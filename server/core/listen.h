/*
 * listen.h - the listening socket, and the acceptor that hands each new
 * connection to the least busy of activd's libmicrohttpd daemons.
 *
 * Why not MHD's own thread pool: there, whichever pool thread wakes first
 * accepts, so a client that opens its connections all at once (wrk, a
 * connection pool, nginx's keep-alive upstreams) can land 3:1 on two
 * threads, and one core idles while the other queues: the rate changed
 * from one start to the next by the luck of the draw (docs/performance.md).
 * Here there is one MHD daemon per thread
 * and one acceptor that always picks the daemon with the fewest open
 * connections. The acceptor also enforces --max-connections (by waiting, so
 * clients queue in the kernel's backlog) and --max-connections-per-ip (by
 * closing at once), which MHD would otherwise count per daemon.
 */
#ifndef ACTIVD_LISTEN_H
#define ACTIVD_LISTEN_H

#include <microhttpd.h>
#include <stddef.h>

typedef struct balancer balancer;

/* Bind and listen on addr:port (numeric IPv4 or IPv6). Returns the socket
 * and sets *bound_port (useful with port 0), or -1 with a reason in err. */
int lb_open(const char *addr, unsigned port, unsigned *bound_port, char *err, size_t errcap);

/* Start accepting on listen_fd for the n daemons (started with
 * MHD_USE_NO_LISTEN_SOCKET | MHD_USE_ITC). max_per_ip 0: no limit. NULL if
 * the thread cannot start. */
balancer *lb_start(int listen_fd, struct MHD_Daemon *const *daemons, unsigned n,
                   unsigned max_connections, unsigned max_per_ip);

/* Stop accepting and close the listening socket: from then on new
 * connections are refused. Open connections are untouched. */
void lb_stop(balancer *b);
void lb_free(balancer *b);

/* Call from every daemon's MHD_OPTION_NOTIFY_CONNECTION callback: a closed
 * connection frees its daemon's slot and its address's. */
void lb_notify(balancer *b, struct MHD_Connection *c, enum MHD_ConnectionNotificationCode code);

/* Open connections per daemon, for tests and metrics (writes min(n, cap)). */
unsigned lb_counts(const balancer *b, unsigned *out, unsigned cap);

#endif
