/*
 * bigmem.c - see bigmem.h.
 */
#include "core/bigmem.h"

#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>

#define HUGE (2u << 20)

/* The whole huge pages inside [p, p + n): glibc serves these sizes with
 * mmap, so the advice covers only this block's own mapping. */
static void advise(void *p, size_t n)
{
    if (!p || n < BIGMEM_MIN) return;
    uintptr_t a = ((uintptr_t)p + HUGE - 1) & ~(uintptr_t)(HUGE - 1);
    uintptr_t e = ((uintptr_t)p + n) & ~(uintptr_t)(HUGE - 1);
    if (e > a) madvise((void *)a, e - a, MADV_HUGEPAGE); /* advice only: errors are harmless */
}

void *big_malloc(size_t n)
{
    void *p = malloc(n);
    advise(p, n);
    return p;
}

void *big_realloc(void *p, size_t n)
{
    void *q = realloc(p, n);
    advise(q, n);
    return q;
}

/* ---- warming ------------------------------------------------------------- */

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23 /* Linux 5.14; older kernels say EINVAL and nothing is warmed */
#endif
#define WARM_MAX 4 /* helpers at once: more bodies than cores gain nothing */

static atomic_int warming;

/* The tail after the last huge-page boundary (4 KiB pages: up to 2 MiB of
 * separate faults), then whole huge pages from the end down, stopping a
 * page short of the writer so the two never fault the same page. */
static void *warm_run(void *arg)
{
    big_warm *w = arg;
    uintptr_t lo = (uintptr_t)w->p, hi = lo + w->n, e = hi & ~(uintptr_t)(HUGE - 1);
    if (e >= lo + 2 * HUGE && hi > e) madvise((void *)e, hi - e, MADV_POPULATE_WRITE);
    for (; e >= lo + 2 * HUGE && !atomic_load(&w->stop); e -= HUGE) {
        if (e - HUGE < lo + atomic_load_explicit(&w->filled, memory_order_relaxed) + HUGE) break;
        if (madvise((void *)(e - HUGE), HUGE, MADV_POPULATE_WRITE) != 0) break;
    }
    atomic_fetch_sub(&warming, 1);
    return NULL;
}

void big_warm_start(big_warm *w, void *p, size_t n)
{
    w->running = 0;
    if (!p || n < BIGMEM_MIN) return;
    if (atomic_fetch_add(&warming, 1) >= WARM_MAX) {
        atomic_fetch_sub(&warming, 1);
        return;
    }
    w->p = p;
    w->n = n;
    atomic_store(&w->filled, 0);
    atomic_store(&w->stop, 0);
    w->running = pthread_create(&w->thread, NULL, warm_run, w) == 0;
    if (!w->running) atomic_fetch_sub(&warming, 1);
}

void big_warm_stop(big_warm *w)
{
    if (!w->running) return;
    atomic_store(&w->stop, 1);
    pthread_join(w->thread, NULL);
    w->running = 0;
}
