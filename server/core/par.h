/*
 * par.h - one request's big arrays on several cores.
 *
 * Computing and printing a million numbers takes tens of milliseconds on one
 * core; both split cleanly into contiguous parts. Threads are created per
 * call (tens of microseconds), so this is only used from PAR_MIN elements
 * on, where that is noise, and small requests never pay for it.
 *
 * There are more parts than threads (PAR_SPLIT per thread), and each thread
 * takes the next part when it finishes one: with one part per thread, a
 * thread that lost its core to another process held the whole request up
 * until it got it back, and the other core sat idle.
 */
#ifndef ACTIVD_PAR_H
#define ACTIVD_PAR_H

#include <stddef.h>

#define PAR_MIN       (1u << 15) /* elements per part, at least */
#define PAR_SPLIT     4          /* parts per thread */
#define PAR_MAX_PARTS 16

/* How many parts n elements deserve with `threads` cores: 1 for small n or
 * one thread. */
unsigned par_parts(size_t n, unsigned threads);

/* fn(ctx, k) once for every k in [0, parts), on the caller and up to
 * threads-1 new threads, each taking the next k until none is left;
 * returns when all are done. If no thread can be created, the caller runs
 * every part. */
void par_run(void (*fn)(void *ctx, unsigned k), void *ctx, unsigned parts, unsigned threads);

/* Part k of [0, n) split into `parts` pieces, boundaries on multiples of
 * `align` (a row length; 1 for elementwise). */
void par_slice(size_t n, size_t align, unsigned parts, unsigned k, size_t *begin, size_t *end);

#endif
