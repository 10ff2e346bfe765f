/*
 * bench_numtext.c - what one number costs on the request path, text to
 * double (js_numarray) and double to text (numtext_f64), beside jansson
 * (json_loadb / json_dumps of the same array) and libc (strtod /
 * snprintf "%.17g"). Prints ns per number.
 *
 *   make bench-numtext            (build/tools/bench_numtext [seconds per cell])
 *
 * Workloads: the 800-number plot array np.arange(-10, 10, 0.025) as Python's
 * repr prints it ("-10.0, -9.975, ..."), and 1,000,000 uniform(-10, 10)
 * doubles written with 17 significant digits.
 */
#include <jansson.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "wire/jsonscan.h"
#include "wire/numtext.h"

typedef struct work {
    const char *name;
    double *v;
    size_t n;
    char *text; /* "[a, b, ...]" */
    size_t len;
    char **tok; /* start of each number in text, for strtod */
} work;

static double seconds_per_cell = 0.5;
static volatile double sink; /* keeps results alive */

/* Thread CPU time, not wall time: on a shared 2-core machine the wall clock
 * mostly measures the other processes. */
static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* ---- workloads ---------------------------------------------------------- */

/* Python repr: shortest digits, ".0" on integers (no exponents in range). */
static size_t python_repr(double v, char *out)
{
    size_t n = numtext_f64(v, out);
    if (!memchr(out, '.', n) && !memchr(out, 'e', n)) memcpy(out + n, ".0", 2), n += 2;
    return n;
}

static void build_text(work *w, int seventeen)
{
    w->text = malloc(w->n * 28 + 2);
    w->tok = malloc(w->n * sizeof *w->tok);
    char *p = w->text;
    *p++ = '[';
    for (size_t i = 0; i < w->n; i++) {
        if (i) *p++ = ',', *p++ = ' ';
        w->tok[i] = p;
        p += seventeen ? (size_t)sprintf(p, "%.17g", w->v[i]) : python_repr(w->v[i], p);
    }
    *p++ = ']';
    w->len = (size_t)(p - w->text);
}

static work plot_work(void)
{
    work w = {"plot 800 (repr)", malloc(800 * sizeof(double)), 800, 0, 0, 0};
    for (size_t i = 0; i < 800; i++) w.v[i] = -10 + 0.025 * (double)i;
    build_text(&w, 0);
    return w;
}

static work random_work(void)
{
    work w = {"1M uniform(-10,10) %.17g", malloc(1000000 * sizeof(double)), 1000000, 0, 0, 0};
    uint64_t s = 0x9E3779B97F4A7C15ull;
    for (size_t i = 0; i < w.n; i++) {
        s ^= s << 13, s ^= s >> 7, s ^= s << 17;
        w.v[i] = -10 + 20 * (double)(s >> 11) * 0x1p-53;
    }
    build_text(&w, 1);
    return w;
}

/* ---- one measurement per function ---------------------------------------- */

typedef void (*bench_fn)(const work *w);

/* Run fn repeatedly for about seconds_per_cell; ns per number of the best
 * of three runs (the machine is shared). */
static double measure(bench_fn fn, const work *w)
{
    double best = INFINITY;
    for (int r = 0; r < 3; r++) {
        size_t reps = 0;
        double t0 = now(), t;
        do {
            fn(w);
            reps++;
            t = now() - t0;
        } while (t < seconds_per_cell / 3);
        double ns = t * 1e9 / ((double)reps * (double)w->n);
        if (ns < best) best = ns;
    }
    return best;
}

static void parse_jsonscan(const work *w)
{
    js_cur c = {w->text, w->text, w->text + w->len};
    js_numarray a;
    memset(&a, 0, sizeof a);
    js_error err;
    js_fault f;
    if (js_numarray(&c, 0, &a, &err, &f) != JS_OK || a.n != w->n) abort();
    sink = a.v[a.n - 1];
    free(a.v);
}

static void parse_jansson(const work *w)
{
    json_error_t e;
    json_t *j = json_loadb(w->text, w->len, JSON_DECODE_ANY | JSON_DECODE_INT_AS_REAL, &e);
    if (!j || json_array_size(j) != w->n) abort();
    sink = json_real_value(json_array_get(j, 0));
    json_decref(j);
}

static void parse_strtod(const work *w)
{
    double s = 0;
    for (size_t i = 0; i < w->n; i++) s += strtod(w->tok[i], NULL);
    sink = s;
}

static char *outbuf;

static void print_numtext(const work *w)
{
    char *p = outbuf;
    *p++ = '[';
    for (size_t i = 0; i < w->n; i++) {
        if (i) *p++ = ',';
        p += numtext_f64(w->v[i], p);
    }
    *p++ = ']';
    sink = (double)(p - outbuf);
}

static void print_snprintf(const work *w)
{
    char *p = outbuf;
    *p++ = '[';
    for (size_t i = 0; i < w->n; i++) {
        if (i) *p++ = ',';
        p += snprintf(p, 32, "%.17g", w->v[i]);
    }
    *p++ = ']';
    sink = (double)(p - outbuf);
}

/* json_dumps of a prebuilt array: only the printing is timed. */
static json_t *dump_tree;

static void print_jansson(const work *w)
{
    (void)w;
    char *s = json_dumps(dump_tree, JSON_COMPACT);
    sink = (double)strlen(s);
    free(s);
}

static void row(const char *what, bench_fn fn, const work *a, const work *b)
{
    printf("| %-34s | %10.1f | %10.1f |\n", what, measure(fn, a), measure(fn, b));
    fflush(stdout);
}

static json_t *tree_of(const work *w)
{
    json_t *j = json_array();
    for (size_t i = 0; i < w->n; i++) json_array_append_new(j, json_real(w->v[i]));
    return j;
}

static void print_jansson_row(const work *a, const work *b)
{
    double r[2];
    const work *ws[2] = {a, b};
    for (int i = 0; i < 2; i++) {
        dump_tree = tree_of(ws[i]);
        r[i] = measure(print_jansson, ws[i]);
        json_decref(dump_tree);
    }
    printf("| %-34s | %10.1f | %10.1f |\n", "print: jansson json_dumps", r[0], r[1]);
}

int main(int argc, char **argv)
{
    if (argc > 1) seconds_per_cell = atof(argv[1]);
    work plot = plot_work(), rnd = random_work();
    outbuf = malloc(rnd.n * 32 + 2);
    printf("ns of CPU time per number (best of 3, ~%.1f s per cell)\n\n", seconds_per_cell);
    printf("| %-34s | %10s | %10s |\n", "", "plot 800", "1M random");
    printf("|%s|%s|%s|\n", "------------------------------------", "------------", "------------");
    row("parse: js_numarray (grammar+store)", parse_jsonscan, &plot, &rnd);
    row("parse: jansson json_loadb", parse_jansson, &plot, &rnd);
    row("parse: strtod only (no grammar)", parse_strtod, &plot, &rnd);
    row("print: numtext_f64", print_numtext, &plot, &rnd);
    print_jansson_row(&plot, &rnd);
    row("print: snprintf %.17g", print_snprintf, &plot, &rnd);
    return 0;
}
