/*
 * deadline.h - the whole-request deadline (--request-timeout).
 *
 * MHD's idle timeout (--timeout) is reset by every byte, so a client that
 * trickles one header byte per second would hold a connection forever. Each
 * connection here carries the time it became ready for its next request
 * (accepted, or its previous response finished); a watchdog thread shuts
 * down the socket of any connection that has not delivered a complete
 * request within the deadline. MHD then sees the socket fail and closes it
 * itself, so the descriptor is never closed twice. Time spent computing and
 * sending a response does not count: slow downloads are MHD's idle timeout's
 * business.
 */
#ifndef ACTIVD_DEADLINE_H
#define ACTIVD_DEADLINE_H

#include <microhttpd.h>

/* Start the watchdog (deadline in seconds). 0 or -1. */
int deadline_start(unsigned seconds);
void deadline_stop(void);

/* MHD_OPTION_NOTIFY_CONNECTION callback. */
void deadline_notify(void *cls, struct MHD_Connection *c, void **socket_context,
                     enum MHD_ConnectionNotificationCode code);

/* The request on c was fully received / its response is done. */
void deadline_received(struct MHD_Connection *c);
void deadline_done(struct MHD_Connection *c);

/* Connections cut off so far (for tests and metrics). */
unsigned long deadline_cutoffs(void);

#endif
