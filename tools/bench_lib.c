/*
 * bench_lib.c - ns/element of every activation's value and derivative on
 * 1,000,000 float64 and float32 elements, beside a plain 1/(1+exp(-x)) loop;
 * then a second table of the second derivatives (activ_grad2[_f32], with
 * grad_output) of the elementwise rows.
 *
 *   make bench-lib                      every row
 *   build/tools/bench_lib gelu softmax  only the rows named (RUNS=n: best of n)
 *   BENCH_N=8000 RUNS=1 valgrind --tool=callgrind build/tools/bench_lib relu
 *                                       fewer elements (a multiple of 1000), e.g.
 *                                       to count instructions
 *
 * Inputs are spread over [-20, 20] (where the functions are not constant);
 * each figure is the best of several runs of process CPU time, to keep
 * noise from other processes on a shared machine out; the ratios are over
 * the naive loop (f64 columns over the double loop, f32 over the float one)
 * timed again before each row. gelu is timed in both forms (approximate
 * "none" and "tanh"). ORDER=1 or ORDER=2 prints only that table.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "activ.h"

#define NMAX 1000000
#define RUNS 7

static int runs = RUNS;
static size_t nel = NMAX;

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static double x64[NMAX], y64[NMAX], g64[NMAX];
static float x32[NMAX], y32[NMAX], g32[NMAX];

/* The baseline everyone writes first. */
static __attribute__((noinline)) void naive_sigmoid(void)
{
    for (size_t i = 0; i < nel; i++) y64[i] = 1 / (1 + exp(-x64[i]));
}

static __attribute__((noinline)) void naive_sigmoid_f(void)
{
    for (size_t i = 0; i < nel; i++) y32[i] = 1 / (1 + expf(-x32[i]));
}

typedef enum { V64, D64, V32, D32, E64, E32 } which;

static void run_once(const activ_params *p, which w)
{
    size_t row = activ_kind_of(p->fn) == ACTIV_ROWWISE ? 1000 : 0;
    switch (w) {
    case V64:
        activ_eval(p, x64, y64, nel, row, NULL);
        break;
    case D64:
        activ_grad(p, x64, x64, g64, nel, row, NULL);
        break;
    case V32:
        activ_eval_f32(p, x32, y32, nel, row, NULL);
        break;
    case D32:
        activ_grad_f32(p, x32, x32, g32, nel, row, NULL);
        break;
    case E64:
        activ_grad2(p, x64, x64, g64, nel, row, NULL);
        break;
    case E32:
        activ_grad2_f32(p, x32, x32, g32, nel, row, NULL);
        break;
    }
}

/* Best of RUNS, in ns per element. */
static double time_it(const activ_params *p, which w)
{
    double best = INFINITY;
    for (int r = 0; r < runs; r++) {
        double t = now();
        if (p)
            run_once(p, w);
        else if (w == V64)
            naive_sigmoid();
        else
            naive_sigmoid_f();
        t = now() - t;
        if (t < best) best = t;
    }
    return best * 1e9 / nel;
}

/* Bind f with valid parameters: defaults, or threshold's required ones. */
static int bind(activ_params *p, const activ_fn *f)
{
    activ_params_init(p, f);
    for (size_t i = 0; i < activ_param_count(f); i++) {
        const activ_param_spec *s = activ_param_at(f, i);
        if (s->flags & ACTIV_PARAM_REQUIRED) activ_params_set(p, s->name, strlen(s->name), 0.5);
    }
    return activ_params_check(p, NULL) == ACTIV_OK;
}

static int wanted(const char *name, int argc, char **argv)
{
    if (argc < 2) return 1;
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], name) == 0) return 1;
    return 0;
}

/* One row: the four timings, and each over the naive loop of its precision
 * timed right before the row (the shared machine's speed drifts over a run;
 * a ratio against a baseline taken a minute earlier would drift with it).
 * order 2: the two second-derivative timings instead. */
static void row(const char *label, const activ_params *p, int order)
{
    double n64 = time_it(NULL, V64), n32 = time_it(NULL, V32), t[4];
    if (order == 2) {
        t[0] = time_it(p, E64), t[1] = time_it(p, E32);
        printf("%-14s %8.2f %8.2f  %6.2f %6.2f\n", label, t[0], t[1], t[0] / n64, t[1] / n32);
        return;
    }
    for (int w = 0; w < 4; w++) t[w] = time_it(p, (which)w);
    printf("%-14s %8.2f %8.2f %8.2f %8.2f  %6.2f %6.2f %6.2f %6.2f\n", label, t[0], t[1], t[2],
           t[3], t[0] / n64, t[1] / n64, t[2] / n32, t[3] / n32);
}

/* One table: every row wanted (order 2: the elementwise ones). */
static void table(int order, int argc, char **argv)
{
    for (size_t i = 0; i < activ_count(); i++) {
        const activ_fn *f = activ_at(i);
        activ_params p;
        if (!wanted(activ_name(f), argc, argv) || !bind(&p, f)) continue;
        if (order == 2 && activ_kind_of(f) != ACTIV_ELEMENTWISE) continue;
        row(activ_name(f), &p, order);
        if (strcmp(activ_name(f), "gelu") == 0 &&
            activ_params_set_choice(&p, "approximate", 11, "tanh", 4) == ACTIV_OK)
            row("gelu(tanh)", &p, order);
    }
}

int main(int argc, char **argv)
{
    const char *r = getenv("RUNS");
    if (r && atoi(r) > 0) runs = atoi(r);
    const char *bn = getenv("BENCH_N");
    if (bn && atol(bn) >= 1000 && atol(bn) <= NMAX && atol(bn) % 1000 == 0) nel = (size_t)atol(bn);
    srand(1);
    for (size_t i = 0; i < nel; i++) {
        x64[i] = 40.0 * rand() / RAND_MAX - 20;
        x32[i] = (float)x64[i];
    }
    const char *o = getenv("ORDER");
    int only = o ? atoi(o) : 0;
    double base64 = time_it(NULL, V64), base32 = time_it(NULL, V32);
    if (only != 2) {
        printf("ns/element (CPU time), %zu elements, best of %d (rowwise: rows of 1000; derivative "
               "of rowwise = VJP)\n",
               nel, runs);
        printf("%-14s %8s %8s %8s %8s  %27s\n", "function", "f64", "f64'", "f32", "f32'",
               "over naive (f64 and f32)");
        printf("%-14s %8.2f %8s %8.2f %8s  %6s %6s %6s %6s\n", "naive sigmoid", base64, "", base32,
               "", "1.00", "", "1.00", "");
        table(1, argc, argv);
    }
    if (only != 1) {
        printf("%ssecond derivatives, ns/element (CPU time), %zu elements, best of %d, with "
               "grad_output\n",
               only == 2 ? "" : "\n", nel, runs);
        printf("%-14s %8s %8s  %13s\n", "function", "f64''", "f32''", "over naive");
        printf("%-14s %8.2f %8.2f  %6s %6s\n", "naive sigmoid", base64, base32, "1.00", "1.00");
        table(2, argc, argv);
    }
    return 0;
}
