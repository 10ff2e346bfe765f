/*
 * lib_dump.c - a fingerprint of every result libactiv computes, to prove that
 * a change to the library kept its behaviour bit for bit.
 *
 *   make lib-dump                  writes build/lib-dump.bin
 *   build/tools/lib_dump > FILE    the same, anywhere; cmp two of them
 *
 * Every registry row is evaluated through the public API only: value, first
 * and second derivative, float64 and float32, with and without grad_output
 * (rowwise rows: their ACTIV_EORDER for the second), for the default
 * parameters, the generated parameter sets of the tests (ag_param_sets) and
 * hand-picked sets that switch the four-lane paths off (elu's alpha 1e-5
 * and 1e200, softplus's beta 1e-3 and 1e120, hardsigmoid off its defaults,
 * ...) or take the second derivatives' rescaling paths (alpha 1e300). The inputs: the test grid
 * (ag_grid), 100k random double bit patterns, 100k random float bit patterns, random values in
 * [-50, 50], NaN, infinities and subnormals. Elementwise rows are called on
 * arrays of 1000, on arrays whose lengths cycle through 1..40 (the vector
 * loops, their tails, the eight-wide loop), element by element, and in place
 * (output over x, output over grad_output); rowwise rows with many row
 * lengths, in place too.
 *
 * Each line of the output is one (row, parameter set, mode, call pattern)
 * and a 64-bit hash of every output's bits, every status and every `bad`
 * index of those calls: text, so diff names the line that moved. The
 * second derivatives' modes and the sets added with them come after the
 * older lines of each set and row, so those older lines keep their text
 * (grep -v on the new mode names, or on the new sets, gives the old dump).
 */
#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actgrid.h"
#include "activ.h"

/* ---- hashing ------------------------------------------------------------------ */

typedef struct hash {
    uint64_t h;
} hash;

static void mix(hash *s, uint64_t w)
{
    uint64_t h = s->h ^ (w * 0x9e3779b97f4a7c15ULL);
    h = (h << 31) | (h >> 33);
    s->h = h * 0xbf58476d1ce4e5b9ULL + 0x94d049bb133111ebULL;
}

static void mix_bytes(hash *s, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (; n >= 8; n -= 8, b += 8) {
        uint64_t w;
        memcpy(&w, b, 8);
        mix(s, w);
    }
    uint64_t w = 0;
    memcpy(&w, b, n);
    mix(s, w ^ ((uint64_t)n << 56));
}

static void mix_call(hash *s, activ_status st, size_t bad, size_t off)
{
    mix(s, (uint64_t)st);
    mix(s, bad == (size_t)-1 ? ~0ULL : (uint64_t)bad);
    mix(s, (uint64_t)off);
}

/* ---- deterministic inputs ----------------------------------------------------- */

static uint64_t rng = 0x243f6a8885a308d3ULL;

static uint64_t next(void) /* splitmix64 */
{
    uint64_t z = (rng += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static double uniform(double a, double b)
{
    return a + (b - a) * ((double)(next() >> 11) * 0x1p-53);
}

static double bits64(uint64_t b)
{
    double d;
    memcpy(&d, &b, sizeof d);
    return d;
}

static double bits32(uint32_t b)
{
    float f;
    memcpy(&f, &b, sizeof f);
    return f;
}

static void push_specials(ag_list *l)
{
    static const double pts[] = {
        0,         -0.0,       INFINITY,  -INFINITY,  DBL_MAX,   -DBL_MAX, DBL_MIN,  -DBL_MIN,
        0x1p-1074, -0x1p-1074, 0x1p-1030, -0x1p-1030, 0x1p-1022, FLT_MAX,  -FLT_MAX, FLT_MIN,
        0x1p-149,  -0x1p-149,  0x1p-130,  700.5,      -700.5,    745.1,    -745.1,   1e300,
        -1e300,    0x1p-8,     -0x1p-8,   0x1p-7,     0x1p-28,   0x1p-27,  1e-300,   -1e-300,
        0x1p-900,  -0x1p-900,  0x1p-901,  3,          -3,        6,        20,       40,
        -40,       10,         -30,       30,         -1.2785,   -1.1924,  -0.7518,  -0.7525,
        0.125,     -0.125};
    for (size_t i = 0; i < sizeof pts / sizeof pts[0]; i++) ag_push(l, pts[i]);
    ag_push(l, NAN);
    ag_push(l, -NAN);
    ag_push(l, bits64(0x7ff0000000000001ULL)); /* signalling NaN pattern */
    ag_push(l, bits64(0xfff8000000abcdefULL)); /* negative NaN with a payload */
    for (int i = 0; i < 200; i++) ag_push(l, bits64(next() & 0x800fffffffffffffULL)); /* subn. */
}

/* The x stream for one parameter set. */
static void make_inputs(const activ_params *p, ag_list *x)
{
    rng = 0x243f6a8885a308d3ULL;
    ag_grid(p, 1.0, x);
    for (int i = 0; i < 100000; i++) ag_push(x, bits64(next()));
    for (int i = 0; i < 100000; i++) ag_push(x, bits32((uint32_t)next()));
    for (int i = 0; i < 20000; i++) ag_push(x, uniform(-50, 50));
    push_specials(x);
}

/* grad_output: mostly moderate, now and then a special value. */
static void make_grad_output(size_t n, double *go)
{
    static const double sp[] = {0, -0.0, 1, INFINITY, -INFINITY, NAN, 1e308, -1e308, 1e-310, 3e38};
    rng = 0x13198a2e03707344ULL;
    for (size_t i = 0; i < n; i++)
        go[i] = i % 97 == 5 ? sp[(i / 97) % (sizeof sp / sizeof sp[0])] : uniform(-4, 4);
}

/* ---- evaluation ----------------------------------------------------------------- */

enum { V64, V32, G64, G64GO, G32, G32GO, H64, H64GO, H32, H32GO, NMODES };
static const char *const mode_name[NMODES] = {"value_f64", "value_f32", "grad_f64",  "vjp_f64",
                                              "grad_f32",  "vjp_f32",   "grad2_f64", "vjp2_f64",
                                              "grad2_f32", "vjp2_f32"};

/* The buffers of one parameter set: inputs, grad_output, outputs, scratch. */
typedef struct bufs {
    size_t n;
    double *x, *go, *y, *t;
    float *xf, *gof, *yf, *tf;
} bufs;

/* Inputs to one call: where the output goes relative to x and go. */
enum { SEPARATE, OVER_X, OVER_GO };

/* One call at [off, off + len) in `mode`; row: 0 for elementwise. */
static void call(const activ_params *p, const bufs *b, int mode, size_t off, size_t len, size_t row,
                 int alias, hash *hs)
{
    size_t bad = (size_t)-1;
    activ_status st = ACTIV_OK;
    double *y = b->y + off;
    float *yf = b->yf + off;
    const double *x = b->x + off, *go = b->go + off;
    const float *xf = b->xf + off, *gof = b->gof + off;
    int f32 = mode == V32 || mode == G32 || mode == G32GO || mode == H32 || mode == H32GO;
    int with_go = mode == G64GO || mode == G32GO || mode == H64GO || mode == H32GO;
    if (alias == OVER_X || (alias == OVER_GO && !with_go)) {
        if (f32)
            memcpy(b->tf + off, xf, len * sizeof *xf), xf = b->tf + off, yf = b->tf + off;
        else
            memcpy(b->t + off, x, len * sizeof *x), x = b->t + off, y = b->t + off;
    } else if (alias == OVER_GO) {
        if (f32)
            memcpy(b->tf + off, gof, len * sizeof *gof), gof = b->tf + off, yf = b->tf + off;
        else
            memcpy(b->t + off, go, len * sizeof *go), go = b->t + off, y = b->t + off;
    }
    switch (mode) {
    case V64:
        st = activ_eval(p, x, y, len, row, &bad);
        break;
    case V32:
        st = activ_eval_f32(p, xf, yf, len, row, &bad);
        break;
    case G64:
    case G64GO:
        st = activ_grad(p, x, with_go ? go : NULL, y, len, row, &bad);
        break;
    case G32:
    case G32GO:
        st = activ_grad_f32(p, xf, with_go ? gof : NULL, yf, len, row, &bad);
        break;
    case H64:
    case H64GO:
        st = activ_grad2(p, x, with_go ? go : NULL, y, len, row, &bad);
        break;
    case H32:
    case H32GO:
        st = activ_grad2_f32(p, xf, with_go ? gof : NULL, yf, len, row, &bad);
        break;
    }
    mix_call(hs, st, bad, off);
    if (st == ACTIV_OK || st == ACTIV_ERANGE) {
        if (f32)
            mix_bytes(hs, yf, len * sizeof *yf);
        else
            mix_bytes(hs, y, len * sizeof *y);
    }
}

static void print_params(const activ_params *p, FILE *out)
{
    const activ_fn *f = p->fn;
    fputc('[', out);
    for (size_t i = 0; i < activ_param_count(f); i++)
        fprintf(out, "%s%s=%a", i ? " " : "", activ_param_at(f, i)->name, activ_params_get(p, i));
    fputc(']', out);
}

static void line(const activ_params *p, size_t set, int mode, const char *pass, const hash *hs,
                 FILE *out)
{
    fprintf(out, "%s %zu ", activ_name(p->fn), set);
    print_params(p, out);
    fprintf(out, " %s %s %016" PRIx64 "\n", mode_name[mode], pass, hs->h);
}

/* Elementwise: every call pattern of the header comment. */
static void dump_elementwise(const activ_params *p, size_t set, const bufs *b, FILE *out)
{
    for (int mode = 0; mode < NMODES; mode++) {
        hash hs;
        size_t n = b->n, off, len;
        hs.h = 1;
        for (off = 0; off < n; off += 1000)
            call(p, b, mode, off, n - off < 1000 ? n - off : 1000, 0, SEPARATE, &hs);
        line(p, set, mode, "arrays_of_1000", &hs, out);
        for (int phase = 0; phase < 2; phase++) {
            hs.h = 1;
            for (off = 0, len = phase ? 23 : 1; off < n; off += len, len = len % 40 + 1)
                call(p, b, mode, off, n - off < len ? n - off : len, 0, SEPARATE, &hs);
            line(p, set, mode, phase ? "lengths_23_to_40_1_to_40" : "lengths_1_to_40", &hs, out);
        }
        hs.h = 1;
        for (off = 0; off < n; off++) call(p, b, mode, off, 1, 0, SEPARATE, &hs);
        line(p, set, mode, "one_by_one", &hs, out);
        hs.h = 1;
        for (off = 0; off < n; off += 1000)
            call(p, b, mode, off, n - off < 1000 ? n - off : 1000, 0, OVER_X, &hs);
        line(p, set, mode, "in_place_x_1000", &hs, out);
        hs.h = 1;
        for (off = 0, len = 5; off < n; off += len, len = len % 40 + 1)
            call(p, b, mode, off, n - off < len ? n - off : len, 0, OVER_GO, &hs);
        line(p, set, mode, "in_place_go_lengths_5_to_40", &hs, out);
    }
}

/* Rowwise: rows of many lengths, several rows a call; one row of n; in place. */
static void dump_rowwise(const activ_params *p, size_t set, const bufs *b, FILE *out)
{
    static const size_t rows[] = {1,  2,  3,  4,  5,  7,  8,  9,   12,
                                  15, 16, 17, 31, 33, 40, 64, 100, 1000};
    for (int mode = 0; mode < NMODES; mode++) {
        char pass[64];
        for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
            size_t R = rows[r], per = R >= 1000 ? R : R * (1000 / R), n = b->n / R * R;
            for (int alias = SEPARATE; alias <= OVER_GO; alias++) {
                if (alias != SEPARATE && R != 7 && R != 16 && R != 1000) continue;
                hash hs;
                hs.h = 1;
                for (size_t off = 0; off < n; off += per)
                    call(p, b, mode, off, n - off < per ? n - off : per, R, alias, &hs);
                snprintf(pass, sizeof pass, "rows_of_%zu%s", R,
                         alias == SEPARATE ? ""
                                           : (alias == OVER_X ? "_in_place_x" : "_in_place_go"));
                line(p, set, mode, pass, &hs, out);
            }
        }
        hash hs;
        hs.h = 1;
        for (size_t off = 0, len = 1; off < b->n; off += len, len = len % 40 + 1)
            call(p, b, mode, off, b->n - off < len ? b->n - off : len, 0, SEPARATE, &hs);
        line(p, set, mode, "one_row_lengths_1_to_40", &hs, out);
    }
}

static void dump_set(const activ_params *p, size_t set, FILE *out)
{
    ag_list xs = {0};
    make_inputs(p, &xs);
    bufs b = {.n = xs.n, .x = xs.v};
    b.go = malloc(b.n * sizeof *b.go);
    b.y = malloc(b.n * sizeof *b.y);
    b.t = malloc(b.n * sizeof *b.t);
    b.xf = malloc(b.n * sizeof *b.xf);
    b.gof = malloc(b.n * sizeof *b.gof);
    b.yf = malloc(b.n * sizeof *b.yf);
    b.tf = malloc(b.n * sizeof *b.tf);
    if (!b.go || !b.y || !b.t || !b.xf || !b.gof || !b.yf || !b.tf) abort();
    make_grad_output(b.n, b.go);
    for (size_t i = 0; i < b.n; i++) b.xf[i] = (float)b.x[i], b.gof[i] = (float)b.go[i];
    hash hin;
    hin.h = 1;
    mix_bytes(&hin, b.x, b.n * sizeof *b.x);
    fprintf(out, "%s %zu ", activ_name(p->fn), set);
    print_params(p, out);
    fprintf(out, " inputs %zu %016" PRIx64 "\n", b.n, hin.h);
    if (activ_kind_of(p->fn) == ACTIV_ROWWISE)
        dump_rowwise(p, set, &b, out);
    else
        dump_elementwise(p, set, &b, out);
    free(b.go), free(b.y), free(b.t), free(b.xf), free(b.gof), free(b.yf), free(b.tf);
    ag_free(&xs);
}

/* Parameter sets chosen by hand: a parameter of one row set to a value. */
static const struct {
    const char *fn, *param;
    double v;
    const char *choice;
} picked[] = {
    {"elu", "alpha", 1e-5, NULL},
    {"elu", "alpha", 1e200, NULL},
    {"elu", "alpha", -2, NULL},
    {"celu", "alpha", 1e-5, NULL},
    {"celu", "alpha", 1e200, NULL},
    {"celu", "alpha", -1.5, NULL},
    {"softplus", "beta", 1e-3, NULL},
    {"softplus", "beta", 1e120, NULL},
    {"softplus", "threshold", -5, NULL},
    {"hardsigmoid", "alpha", 0.2, NULL},
    {"hardsigmoid", "beta", 0.25, NULL},
    {"gelu", "approximate", 0, "tanh"},
    {"leaky_relu", "negative_slope", -2, NULL},
    {"prelu", "weight", 3, NULL},
    {"softshrink", "lambd", 0, NULL},
    {"hardshrink", "lambd", 3, NULL},
    /* added with the second derivatives (numbered after the ones above) */
    {"elu", "alpha", 1e300, NULL},
    {"celu", "alpha", -1e300, NULL},
    {"softplus", "beta", 1e300, NULL},
};

int main(int argc, char **argv)
{
    (void)argv;
    if (argc > 1) {
        fprintf(stderr, "usage: lib_dump > FILE\n");
        return 2;
    }
    FILE *out = stdout;
    for (size_t i = 0; i < activ_count(); i++) {
        const activ_fn *f = activ_at(i);
        activ_params sets[8];
        size_t n = ag_param_sets(f, sets, 6), s;
        for (s = 0; s < n; s++) dump_set(&sets[s], s, out);
        for (size_t k = 0; k < sizeof picked / sizeof picked[0]; k++) {
            if (strcmp(picked[k].fn, activ_name(f)) != 0) continue;
            activ_params p;
            activ_params_init(&p, f);
            const char *pn = picked[k].param;
            activ_status st = picked[k].choice
                                  ? activ_params_set_choice(&p, pn, strlen(pn), picked[k].choice,
                                                            strlen(picked[k].choice))
                                  : activ_params_set(&p, pn, strlen(pn), picked[k].v);
            if (st != ACTIV_OK || activ_params_check(&p, NULL) != ACTIV_OK) {
                fprintf(stderr, "lib_dump: %s %s: %s\n", picked[k].fn, pn, activ_strerror(st));
                return 1;
            }
            dump_set(&p, s++, out);
        }
    }
    return ferror(out) ? 1 : 0;
}
