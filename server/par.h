/*
 * par.h - one request's big arrays on several cores.
 *
 * Computing and printing a million numbers takes tens of milliseconds on one
 * core; both split cleanly into contiguous parts. Threads are created per
 * call (tens of microseconds), so this is only used from PAR_MIN elements
 * on, where that is noise, and small requests never pay for it.
 */
#ifndef ACTIVD_PAR_H
#define ACTIVD_PAR_H

#include <stddef.h>

#define PAR_MIN       (1u << 15) /* elements per part, at least */
#define PAR_MAX_PARTS 16

/* How many parts n elements deserve with `threads` cores: 1 for small n. */
unsigned par_parts(size_t n, unsigned threads);

/* fn(ctx, k) for k in [0, parts): parts-1 on new threads, one on the caller;
 * returns when all are done. A part whose thread cannot be created runs on
 * the caller. */
void par_run(void (*fn)(void *ctx, unsigned k), void *ctx, unsigned parts);

/* Part k of [0, n) split into `parts` pieces, boundaries on multiples of
 * `align` (a row length; 1 for elementwise). */
void par_slice(size_t n, size_t align, unsigned parts, unsigned k, size_t *begin, size_t *end);

#endif
