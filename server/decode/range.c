/*
 * range.c - x generated from a range: exactly numpy.arange(start, stop,
 * step) or numpy.linspace(start, stop, num), element for element.
 */
#include "decode/decode.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/bigmem.h"

int dec_range_fail(problem *p, const where *w, int k)
{
    dec_locate(p, w, range_fields[k].name, range_fields[k].len);
    return -1;
}

/* numpy.arange(start, stop, step): len = ceil((stop-start)/step), values
 * start + i*d with d = (start+step) - start, as numpy fills them. */
static int fill_arange(eval_req *e, const raw_range *r, const req_limits *lim, const where *w,
                       problem *p)
{
    double start = r->v[RANGE_START], step = r->v[RANGE_STEP];
    if (step == 0) {
        problem_set(p, P_INVALID_VALUE, "range step must not be 0");
        return dec_range_fail(p, w, RANGE_STEP);
    }
    double len = ceil((r->v[RANGE_STOP] - start) / step);
    if (!(len > 0)) len = 0;
    if (len > (double)lim->max_elements) {
        char a[NUMTEXT_MAX + 1];
        problem_set(p, P_TOO_LARGE, "range has %s elements; the limit is %zu", dec_num_str(len, a),
                    lim->max_elements);
        return dec_range_fail(p, w, RANGE_STEP);
    }
    size_t n = (size_t)len;
    e->x.v = big_malloc((n ? n : 1) * sizeof(double));
    if (!e->x.v) return problem_set(p, P_INTERNAL, "out of memory"), -1;
    double second = start + step, d = second - start;
    for (size_t i = 0; i < n; i++) e->x.v[i] = i == 0 ? start : i == 1 ? second : start + i * d;
    e->x.n = e->x.cap = n;
    e->x.ndim = 1;
    e->x.dims[0] = n;
    return 0;
}

/* numpy.linspace(start, stop, num): step = (stop-start)/(num-1), values
 * i*step + start, the last exactly stop (numpy's special cases included). */
static int fill_linspace(eval_req *e, const raw_range *r, const req_limits *lim, const where *w,
                         problem *p)
{
    double num = r->v[RANGE_NUM], start = r->v[RANGE_START], stop = r->v[RANGE_STOP];
    if (!(num >= 0) || num != floor(num)) {
        char a[NUMTEXT_MAX + 1];
        problem_set(p, P_INVALID_VALUE, "range num must be a whole number >= 0 (got %s)",
                    dec_num_str(num, a));
        return dec_range_fail(p, w, RANGE_NUM);
    }
    if (num > (double)lim->max_elements) {
        problem_set(p, P_TOO_LARGE, "range num %.0f exceeds the limit of %zu elements", num,
                    lim->max_elements);
        return dec_range_fail(p, w, RANGE_NUM);
    }
    size_t n = (size_t)num;
    e->x.v = big_malloc((n ? n : 1) * sizeof(double));
    if (!e->x.v) return problem_set(p, P_INTERNAL, "out of memory"), -1;
    double delta = stop - start, div = num - 1;
    double step = div > 0 ? delta / div : NAN;
    for (size_t i = 0; i < n; i++) {
        double y = (double)i;
        if (div <= 0)
            y = y * delta;
        else if (step == 0)
            y = y / div * delta;
        else
            y = y * step;
        e->x.v[i] = y + start;
    }
    if (n > 1) e->x.v[n - 1] = stop;
    e->x.n = e->x.cap = n;
    e->x.ndim = 1;
    e->x.dims[0] = n;
    return 0;
}

int dec_make_range(eval_req *e, const raw_range *r, const req_limits *lim, const where *w,
                   problem *p)
{
    for (int k = RANGE_START; k <= RANGE_STOP; k++) {
        if (!r->has[k]) {
            problem_set(p, P_MISSING_FIELD, "range needs %s", range_fields[k].name);
            return dec_range_fail(p, w, k);
        }
    }
    if (r->has[RANGE_STEP] && r->has[RANGE_NUM]) {
        problem_set(p, P_CONFLICTING_FIELDS,
                    "range takes step (numpy.arange) or num (numpy.linspace), not both");
        return dec_range_fail(p, w, RANGE_NUM);
    }
    if (!r->has[RANGE_STEP] && !r->has[RANGE_NUM]) {
        problem_set(p, P_MISSING_FIELD, "range needs step (numpy.arange) or num (numpy.linspace)");
        return dec_range_fail(p, w, RANGE_STEP);
    }
    for (int k = 0; k < RANGE_COUNT; k++) {
        if (r->has[k] && !isfinite(r->v[k])) {
            problem_set(p, P_INVALID_VALUE, "range %s must be a finite number",
                        range_fields[k].name);
            return dec_range_fail(p, w, k);
        }
    }
    e->from_range = 1;
    return r->has[RANGE_STEP] ? fill_arange(e, r, lim, w, p) : fill_linspace(e, r, lim, w, p);
}
