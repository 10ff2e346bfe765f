/*
 * bigmem.h - big request buffers: huge pages, and faulting them in ahead of
 * the writer.
 *
 * First touching fresh memory costs a page fault per 4 KiB page, and on the
 * VMs this runs on a 1e6-number JSON request, whose body, array and answer
 * come to ~48 MB, paid tens of milliseconds in faults alone. Asking for
 * huge pages (MADV_HUGEPAGE; Debian's THP setting is "madvise") makes it
 * one fault per 2 MiB, several times cheaper. Freed memory still goes back
 * to the kernel. Small buffers are left alone.
 *
 * Memory the guest has not touched for a while costs far more on a VM that
 * reports free pages to its host (Firecracker with virtio-balloon free page
 * reporting): the host backs each page again on first touch, and a big
 * body arrived several times slower, the receiving thread busy faulting.
 * big_warm faults a body in on another thread while it arrives. The
 * figures: docs/performance.md.
 */
#ifndef ACTIVD_BIGMEM_H
#define ACTIVD_BIGMEM_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>

#define BIGMEM_MIN (4u << 20) /* below this, the advice is not worth a syscall */

/* malloc / realloc, advising huge pages for blocks of BIGMEM_MIN or more. */
void *big_malloc(size_t n);
void *big_realloc(void *p, size_t n);

/* A buffer being filled from its start (a request body arriving), faulted
 * in from its end by a helper thread until the two meet. Zero-initialise;
 * the helper only faults pages in (MADV_POPULATE_WRITE) and never writes,
 * so the writer needs no lock, only to report its progress. */
typedef struct big_warm {
    char *p;
    size_t n;
    atomic_size_t filled; /* bytes the writer has written from p */
    atomic_int stop;
    pthread_t thread;
    int running;
} big_warm;

/* Start warming [p, p + n) when n is at least BIGMEM_MIN and few others are
 * warming; otherwise (or if no thread can be made) do nothing. */
void big_warm_start(big_warm *w, void *p, size_t n);
/* Release: a thread that loads filled with acquire may read [p, p + filled). */
static inline void big_warm_filled(big_warm *w, size_t filled)
{
    atomic_store_explicit(&w->filled, filled, memory_order_release);
}
/* Stop and join the helper; a no-op if none runs. Call before freeing p. */
void big_warm_stop(big_warm *w);

#endif
