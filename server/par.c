/*
 * par.c - fork-join over threads created per call; see par.h.
 */
#include "par.h"

#include <pthread.h>

unsigned par_parts(size_t n, unsigned threads)
{
    size_t p = n / PAR_MIN;
    if (p > threads) p = threads;
    if (p > PAR_MAX_PARTS) p = PAR_MAX_PARTS;
    return p ? (unsigned)p : 1;
}

struct job {
    void (*fn)(void *, unsigned);
    void *ctx;
    unsigned k;
};

static void *trampoline(void *arg)
{
    struct job *j = arg;
    j->fn(j->ctx, j->k);
    return NULL;
}

void par_run(void (*fn)(void *ctx, unsigned k), void *ctx, unsigned parts)
{
    pthread_t t[PAR_MAX_PARTS];
    struct job jobs[PAR_MAX_PARTS];
    int started[PAR_MAX_PARTS] = {0};
    if (parts > PAR_MAX_PARTS) parts = PAR_MAX_PARTS;
    for (unsigned k = 1; k < parts; k++) {
        jobs[k] = (struct job){fn, ctx, k};
        started[k] = pthread_create(&t[k], NULL, trampoline, &jobs[k]) == 0;
    }
    fn(ctx, 0);
    for (unsigned k = 1; k < parts; k++) {
        if (started[k])
            pthread_join(t[k], NULL);
        else
            fn(ctx, k);
    }
}

void par_slice(size_t n, size_t align, unsigned parts, unsigned k, size_t *begin, size_t *end)
{
    size_t units = align ? n / align : n, a = align ? align : 1;
    *begin = units * k / parts * a;
    *end = k + 1 == parts ? n : units * (k + 1) / parts * a;
}
