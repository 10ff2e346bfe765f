/*
 * compute.c - computing and printing an eval_req's values on several
 * threads; see compute.h.
 */
#include "routes/compute.h"

#include <stdlib.h>
#include <string.h>

#include "core/bigmem.h"
#include "core/par.h"
#include "wire/tensor.h"

static size_t row_of(const js_numarray *x)
{
    return x->ndim ? x->dims[x->ndim - 1] : 1;
}

void calc_range(const calc *c, size_t a, size_t b)
{
    const eval_req *e = c->e;
    size_t w = eval_req_width(e);
    if (a == b) return; /* nothing (x may be NULL for []; NULL + 0 is UB) */
    const void *x = (const char *)c->x + a * w, *go = c->go ? (const char *)c->go + a * w : NULL;
    void *y = (char *)c->y + a * w;
    activ_compute(&e->params, eval_req_op(e), eval_req_dtype(e), x, go, y, b - a, c->row, NULL);
}

static void calc_part(void *ctx, unsigned k)
{
    const calc *c = ctx;
    size_t a, b;
    par_slice(c->e->x.n, c->row, c->parts, k, &a, &b);
    calc_range(c, a, b);
}

void calc_all(const eval_req *e, const void *x, const void *go, void *y, unsigned threads)
{
    size_t row = activ_kind_of(e->fn) == ACTIV_ROWWISE ? row_of(&e->x) : 1;
    calc c = {e, x, go, y, row, par_parts(e->x.n, threads)};
    par_run(calc_part, &c, c.parts, threads);
}

int calc_result_make(eval_req *e, unsigned threads, int defer, calc_result *res)
{
    size_t n = e->x.n, cap = n ? n : 1;
    memset(res, 0, sizeof *res);
    if (!e->f32) {
        double *y = e->x.v;
        if (e->from_range && !(y = res->owned[0] = big_malloc(cap * sizeof(double)))) return -1;
        if (!defer) calc_all(e, e->x.v, e->has_gout ? e->gout.v : NULL, y, threads);
        res->vals[0] = e->x.v;
        res->vals[1] = y;
        return 0;
    }
    /* float32: x and grad_output rounded to float once, computed in double
     * by the library, rounded once more */
    float *xf = res->owned[0] = big_malloc(cap * sizeof(float));
    float *yf = res->owned[1] = big_malloc(cap * sizeof(float));
    float *gf = e->has_gout ? res->owned[2] = big_malloc(cap * sizeof(float)) : NULL;
    if (!xf || !yf || (e->has_gout && !gf)) return -1;
    for (size_t i = 0; i < n; i++) xf[i] = (float)e->x.v[i];
    for (size_t i = 0; gf && i < n; i++) gf[i] = (float)e->gout.v[i];
    calc_all(e, xf, gf, yf, threads);
    res->vals[0] = xf;
    res->vals[1] = yf;
    return 0;
}

void calc_result_free(calc_result *res)
{
    for (int i = 0; i < 3; i++) free(res->owned[i]);
}

typedef struct print_job {
    const void *v;
    int f32;
    const js_numarray *s;
    obuf *out;
    unsigned parts;
    const calc *fused;
} print_job;

static void format_part(void *ctx, unsigned k)
{
    const print_job *j = ctx;
    size_t a, b;
    par_slice(j->s->n, 1, j->parts, k, &a, &b);
    if (j->fused) calc_range(j->fused, a, b);
    obuf *o = &j->out[k];
    if (ob_reserve(o, tensor_room(j->s, a, b)) != 0) return;
    o->len = (size_t)(tensor_elems(o->p, j->v, j->f32, j->s, a, b) - o->p);
}

void calc_print_parts(const void *v, int f32, const js_numarray *s, obuf *out, unsigned parts,
                      const calc *fused, unsigned threads)
{
    print_job j = {v, f32, s, out, parts, fused};
    par_run(format_part, &j, parts, threads);
}
