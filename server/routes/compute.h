/*
 * compute.h - the /eval speed path: an eval_req's values computed with
 * libactiv and printed, on several threads for big arrays.
 *
 * Computing and printing a million numbers takes tens of milliseconds on
 * one core; both split into contiguous parts (core/par.h). For a rowwise
 * function (softmax) parts are whole rows, so rows are never split;
 * elementwise ones are cut anywhere (cut at rows, a 1-D array was one row
 * and ran on one thread). Arrays are float or double as e->f32 says.
 */
#ifndef ACTIVD_COMPUTE_H
#define ACTIVD_COMPUTE_H

#include <stddef.h>

#include "core/obuf.h"
#include "decode/request.h"

/* y = f(x), or grad_output * f'(x) (f''(x) with order 2), over e's shape. */
typedef struct calc {
    const eval_req *e;
    const void *x, *go; /* go: grad_output, or NULL */
    void *y;            /* may be x */
    size_t row;         /* the row length for a rowwise function, else 1 */
    unsigned parts;     /* for calc_all */
} calc;

/* Elements [a, b) of c (whole rows for a rowwise function). */
void calc_range(const calc *c, size_t a, size_t b);
/* All of e's elements, in parts on up to `threads` threads. */
void calc_all(const eval_req *e, const void *x, const void *go, void *y, unsigned threads);

/* The values to answer with: vals[0] is x (echoed for ranges), vals[1] the
 * result, both float or double as e->f32 says. float64 results overwrite x
 * unless x is echoed; float32 ones are x rounded to float once, computed in
 * double by the library and rounded once more. */
typedef struct calc_result {
    const void *vals[2];
    void *owned[3];
} calc_result;

/* Compute e into res. With defer (float64 in place only, elementwise) the
 * values are left for calc_print_parts to compute (its `fused`). 0, or -1
 * out of memory; calc_result_free either way. */
int calc_result_make(eval_req *e, unsigned threads, int defer, calc_result *res);
void calc_result_free(calc_result *res);

/* The tensor (v, f32, shape s) in `parts` slices printed on several
 * threads, slice k appended to out[k] (which may lend memory: core/body.h).
 * With `fused`, each slice is computed first by the thread that prints
 * it, so there is one fork-join instead of two and the numbers are still
 * in cache. */
void calc_print_parts(const void *v, int f32, const js_numarray *s, obuf *out, unsigned parts,
                      const calc *fused, unsigned threads);

#endif
