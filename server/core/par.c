/*
 * par.c - fork-join over threads created per call; see par.h.
 */
#include "core/par.h"

#include <pthread.h>
#include <stdatomic.h>

unsigned par_parts(size_t n, unsigned threads)
{
    size_t p = n / PAR_MIN, most = threads > 1 ? (size_t)threads * PAR_SPLIT : 1;
    if (p > most) p = most;
    if (p > PAR_MAX_PARTS) p = PAR_MAX_PARTS;
    return p ? (unsigned)p : 1;
}

struct crew {
    void (*fn)(void *, unsigned);
    void *ctx;
    unsigned parts;
    atomic_uint next;
};

static void work(struct crew *c)
{
    for (unsigned k; (k = atomic_fetch_add(&c->next, 1)) < c->parts;) c->fn(c->ctx, k);
}

static void *trampoline(void *arg)
{
    work(arg);
    return NULL;
}

void par_run(void (*fn)(void *ctx, unsigned k), void *ctx, unsigned parts, unsigned threads)
{
    pthread_t t[PAR_MAX_PARTS];
    struct crew c = {fn, ctx, parts, 0};
    unsigned helpers = 0, want = threads < parts ? threads : parts;
    if (want > PAR_MAX_PARTS) want = PAR_MAX_PARTS;
    while (helpers + 1 < want && pthread_create(&t[helpers], NULL, trampoline, &c) == 0) helpers++;
    work(&c);
    for (unsigned i = 0; i < helpers; i++) pthread_join(t[i], NULL);
}

void par_slice(size_t n, size_t align, unsigned parts, unsigned k, size_t *begin, size_t *end)
{
    size_t units = align ? n / align : n, a = align ? align : 1;
    *begin = units * k / parts * a;
    *end = k + 1 == parts ? n : units * (k + 1) / parts * a;
}
