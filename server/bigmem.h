/*
 * bigmem.h - big request buffers in transparent huge pages.
 *
 * First touching fresh memory costs a page fault per 4 KiB page, and on the
 * VMs this runs on that is ~0.7 us a page: 14.5 ms to first-touch 20 MB
 * (measured with mmap + memset). A 1e6-number JSON request, whose body,
 * array and answer come to ~48 MB, paid tens of milliseconds in faults
 * alone. Asking for huge pages (MADV_HUGEPAGE; Debian's THP setting is
 * "madvise") makes it one fault per 2 MiB: 2 ms for the same 20 MB. Freed
 * memory still goes back to the kernel. Small buffers are left alone.
 */
#ifndef ACTIVD_BIGMEM_H
#define ACTIVD_BIGMEM_H

#include <stddef.h>

#define BIGMEM_MIN (4u << 20) /* below this, the advice is not worth a syscall */

/* malloc / realloc, advising huge pages for blocks of BIGMEM_MIN or more. */
void *big_malloc(size_t n);
void *big_realloc(void *p, size_t n);

#endif
