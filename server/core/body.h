/*
 * body.h - the request body's buffer: one allocation, counted in the
 * --max-buffer budget, that holds the body as it arrives and, once the
 * route has decoded it, becomes the memory of its answer.
 *
 * Layout, from the start of the buffer (p):
 *
 *   [0, len)             the body as received
 *   [len]                a NUL, so text decoders may read one past the end
 *   [len + 1, text)      padding to the next 64-byte boundary:
 *                        text = BODY_TEXT_END(len)
 *   [text, cap)          spare room (body_spare): what the route asked for
 *                        when the body's length was known (http_route.spare),
 *                        faulted in together with the body; or the unused
 *                        rest of a buffer grown for a chunked body
 *
 * Why answers go there: on the VMs activd runs on, touching fresh memory
 * costs a page fault per page, far more when the host has taken the
 * guest's free pages back (docs/performance.md). The body's pages are
 * in memory already (written by the upload, or faulted in ahead of it by
 * big_warm), so a big request whose decoder puts its array in the spare
 * room and whose answer is printed over the dead text and the rest of the
 * spare room (body_stretches) touches no fresh memory after the upload.
 *
 * A body is owned by its req and freed on completion, unless a route
 * took the buffer for its response (body_take).
 */
#ifndef ACTIVD_BODY_H
#define ACTIVD_BODY_H

#include <stdatomic.h>
#include <stddef.h>

#include "core/bigmem.h"

#define BODY_TEXT_END(len) (((len) + 64) & ~(size_t)63)

/* Bytes of request bodies held at once, all connections together
 * (--max-buffer): with 1000 connections each allowed a 64 MiB body, the
 * per-request limits alone would let clients make the daemon hold 64 GiB. */
typedef struct body_budget {
    atomic_size_t held;
    size_t max;
} body_budget;

typedef struct body {
    char *p;         /* NULL until the first byte or body_open; owned */
    size_t len, cap; /* bytes received; bytes allocated */
    size_t reserved; /* counted in the budget for this body */
    int too_large;   /* crossed the limit body_append was given */
    big_warm warm;   /* faults a big buffer in while the body arrives */
} body;

enum body_result { BODY_OK = 0, BODY_BUSY = -1 /* budget spent */, BODY_NOMEM = -2 };

/* A body of known length n > 0 (Content-Length), with `spare` bytes of
 * spare room behind it when the budget can take them too (else none). */
enum body_result body_open(body *b, body_budget *g, size_t n, size_t spare);
/* Append a chunk. Past `max` bytes in all, the body is marked too_large and
 * the data dropped. BODY_OK, or BODY_BUSY / BODY_NOMEM when it could not
 * grow (the connection is best closed, as over the limit). */
enum body_result body_append(body *b, body_budget *g, const char *data, size_t n, size_t max);
/* The upload is over: stop warming; a request without a body gets an
 * empty one (""), so p is never NULL after this. BODY_OK or BODY_NOMEM. */
enum body_result body_received(body *b);
/* Give the budget back and free the buffer (if it was not taken). */
void body_free(body *b, body_budget *g);

/* How many bytes the writer has stored so far: a thread that loads it with
 * acquire may read that much of p while the body arrives. */
static inline const atomic_size_t *body_progress(const body *b)
{
    return &b->warm.filled;
}

/* The spare room [BODY_TEXT_END(len), cap), or NULL (*room 0) if none. */
void *body_spare(const body *b, size_t *room);

/* Free stretches of a decoded body's buffer, where the answer's pieces may
 * go: all of it, or the two around [used, used + used_len), which the
 * decoder put in the spare room. */
typedef struct body_stretches {
    char *base;
    size_t at[2], end[2];
    unsigned i;
} body_stretches;

body_stretches body_free_stretches(const body *b, const void *used, size_t used_len);
/* n bytes from the first stretch with room for them (pieces are taken in
 * order, so a stretch is not gone back to), or NULL. */
char *body_stretch(body_stretches *s, size_t n);

/* The buffer, handed over (the caller frees it with free()); the body is
 * left empty. */
char *body_take(body *b);

#endif
