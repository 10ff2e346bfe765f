/*
 * bigmem.c - see bigmem.h.
 */
#include "bigmem.h"

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
