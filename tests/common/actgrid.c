/*
 * actgrid.c - parameter sets and input grids for the libactiv tests.
 */
#include "actgrid.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- parameter sets ----------------------------------------------------------- */

/* Candidate values tried for REAL parameters, in order; the specs' bounds
 * filter them. Moderate magnitudes: the reference must be able to evaluate
 * the textbook formulas (exp(beta*x) with beta*x <= threshold). */
static const double candidates[] = {0.2, 2.5, -0.7, 1.5, 0.05, -3, 4, 0.75, 10, -0.1};
#define NCAND (sizeof candidates / sizeof candidates[0])

static int set_generated(activ_params *p, const activ_fn *f, size_t s)
{
    activ_params_init(p, f);
    for (size_t i = 0; i < activ_param_count(f); i++) {
        const activ_param_spec *sp = activ_param_at(f, i);
        size_t len = strlen(sp->name);
        if (sp->type == ACTIV_PARAM_CHOICE) {
            size_t nc = 0;
            while (sp->choices[nc]) nc++;
            const char *c = sp->choices[s % nc];
            activ_params_set_choice(p, sp->name, len, c, strlen(c));
            continue;
        }
        /* the first candidate (from a set-dependent start) the spec accepts */
        int ok = 0;
        for (size_t k = 0; k < NCAND && !ok; k++)
            ok = activ_params_set(p, sp->name, len, candidates[(s * 3 + i * 2 + k) % NCAND]) ==
                 ACTIV_OK;
        if (!ok) return 0;
    }
    return activ_params_check(p, NULL) == ACTIV_OK;
}

static int same_set(const activ_params *a, const activ_params *b)
{
    for (size_t i = 0; i < activ_param_count(a->fn); i++)
        if (a->v[i] != b->v[i]) return 0;
    return 1;
}

size_t ag_param_sets(const activ_fn *f, activ_params *out, size_t max)
{
    size_t n = 0;
    if (max == 0) return 0;
    activ_params_init(&out[0], f);
    if (activ_params_check(&out[0], NULL) == ACTIV_OK) n++;
    if (activ_param_count(f) == 0) return n;
    for (size_t s = 1; s < 4 * max && n < max; s++) {
        activ_params p;
        if (!set_generated(&p, f, s)) continue;
        int dup = 0;
        for (size_t j = 0; j < n; j++) dup |= same_set(&p, &out[j]);
        if (!dup) out[n++] = p;
    }
    return n;
}

/* ---- lists ----------------------------------------------------------------------- */

void ag_push(ag_list *l, double x)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 1024;
        l->v = realloc(l->v, l->cap * sizeof *l->v);
        if (!l->v) abort();
    }
    l->v[l->n++] = x;
}

void ag_free(ag_list *l)
{
    free(l->v);
    memset(l, 0, sizeof *l);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    if (x < y) return -1;
    if (x > y) return 1;
    return signbit(y) - signbit(x); /* -0 before +0 */
}

void ag_unique(ag_list *l)
{
    qsort(l->v, l->n, sizeof *l->v, cmp_double);
    size_t k = 0;
    for (size_t i = 0; i < l->n; i++)
        if (k == 0 || cmp_double(&l->v[k - 1], &l->v[i]) != 0) l->v[k++] = l->v[i];
    l->n = k;
}

int ag_is_float(double x)
{
    return isfinite(x) && fabs(x) <= FLT_MAX && (double)(float)x == x;
}

void ag_push_around(ag_list *l, double x, int k)
{
    if (!isfinite(x)) return;
    ag_push(l, x);
    double up = x, dn = x;
    for (int i = 0; i < k; i++) {
        up = nextafter(up, INFINITY), dn = nextafter(dn, -INFINITY);
        if (isfinite(up)) ag_push(l, up);
        if (isfinite(dn)) ag_push(l, dn);
    }
    if (!ag_is_float(x)) return;
    float fu = (float)x, fd = (float)x;
    for (int i = 0; i < k; i++) {
        fu = nextafterf(fu, INFINITY), fd = nextafterf(fd, -INFINITY);
        if (isfinite(fu)) ag_push(l, fu);
        if (isfinite(fd)) ag_push(l, fd);
    }
}

/* ---- the grid ----------------------------------------------------------------------- */

static double from_bits(uint64_t b)
{
    double d;
    memcpy(&d, &b, sizeof d);
    return d;
}

static float from_bits_f(uint32_t b)
{
    float f;
    memcpy(&f, &b, sizeof f);
    return f;
}

/* n magnitudes spread evenly over the bit patterns of positive finite doubles
 * (so log-spaced, subnormals included), with scrambled mantissas, both signs;
 * the same for floats (which are doubles too, and test float32). */
static void log_grid(ag_list *l, size_t n)
{
    const uint64_t top = 0x7fefffffffffffffULL;
    const uint32_t topf = 0x7f7fffffU;
    for (size_t i = 1; i <= n; i++) {
        uint64_t b = top / n * i - (i * 0x9e3779b97f4a7c15ULL) % (top / n);
        uint32_t bf = (uint32_t)(topf / n * i - (i * 2654435761U) % (topf / n));
        double d = from_bits(b), f = from_bits_f(bf);
        ag_push(l, d), ag_push(l, -d), ag_push(l, f), ag_push(l, -f);
    }
}

/* n floats spread over [a, b], off the round numbers. */
static void lin_grid(ag_list *l, double a, double b, size_t n)
{
    for (size_t i = 0; i <= n; i++) {
        double t = a + (b - a) * ((double)i + 0.3819660112501051 * (double)(i % 7) / 7) / n;
        ag_push(l, (float)t);
    }
}

static void special_points(ag_list *l)
{
    static const double pts[] = {0,         1e-300,  20,       37,      709,       745,
                                 1e300,     1.7e308, DBL_MAX,  DBL_MIN, 0x1p-1074, 0x1p-1070,
                                 0x1p-1060, FLT_MIN, 0x1p-149, FLT_MAX, 1,         0.5,
                                 2,         3,       6,        19.1,    40,        710,
                                 744.44,    88.7,    103.9,    0x1p-26, 0x1p-30,   1e-10};
    for (size_t i = 0; i < sizeof pts / sizeof pts[0]; i++) {
        ag_push_around(l, pts[i], 3);
        ag_push_around(l, -pts[i], 3);
    }
    ag_push(l, -0.0);
}

/* Each kink's `at`, exactly, with neighbours. */
static void kink_points(const activ_params *p, ag_list *l)
{
    rx_env env;
    rx_env_init(&env, p);
    for (size_t i = 0; i < activ_kink_count(p->fn); i++) {
        char err[128];
        rx_expr *at = rx_parse(activ_kink_at(p->fn, i)->at, err, sizeof err);
        if (!at) continue;
        rx_value v;
        rx_eval(at, &env, 0, &v);
        if (v.status == RX_OK) ag_push_around(l, v.d, 4);
        rx_free(at);
    }
}

void ag_grid(const activ_params *p, double scale, ag_list *out)
{
    log_grid(out, (size_t)(2500 * scale));
    lin_grid(out, -40, 40, (size_t)(10000 * scale));
    lin_grid(out, -2, 2, (size_t)(3000 * scale));
    lin_grid(out, -1e-3, 1e-3, (size_t)(200 * scale));
    special_points(out);
    kink_points(p, out);
    ag_unique(out);
}

/* Bisect on doubles between a and b (f changes sign) down to adjacent doubles. */
static double bisect(const rx_expr *e, const rx_env *env, double a, double b, int sa)
{
    for (int it = 0; it < 200; it++) {
        double m = a + (b - a) / 2;
        if (m == a || m == b) break;
        rx_value v;
        rx_eval(e, env, m, &v);
        if (v.status != RX_OK) break;
        int sm = (v.d > 0) - (v.d < 0);
        if (sm == 0) return m;
        if (sm == sa)
            a = m;
        else
            b = m;
    }
    return a;
}

void ag_add_roots(const rx_expr *e, const rx_env *env, const ag_list *xs, const double *ref,
                  ag_list *out)
{
    for (size_t i = 1; i < xs->n; i++) {
        double a = xs->v[i - 1], b = xs->v[i];
        int sa = (ref[i - 1] > 0) - (ref[i - 1] < 0), sb = (ref[i] > 0) - (ref[i] < 0);
        if (sa == 0 || sb == 0 || sa == sb || fabs(b - a) > 1) continue;
        if (!isfinite(a) || !isfinite(b)) continue;
        double r = bisect(e, env, a, b, sa);
        ag_push_around(out, r, 12);
    }
}

/* ---- ranges --------------------------------------------------------------------------- */

static int eval_text(const char *s, size_t len, const rx_env *env, rx_value *v)
{
    char buf[256], err[128];
    if (len >= sizeof buf) return -1;
    memcpy(buf, s, len);
    buf[len] = 0;
    rx_expr *e = rx_parse(buf, err, sizeof err);
    if (!e) return -1;
    rx_eval(e, env, 0, v);
    rx_free(e);
    return v->status == RX_OK ? 0 : -1;
}

int ag_range(const char *text, const rx_env *env, rx_value *lo, rx_value *hi)
{
    size_t n = strlen(text);
    if (n < 5 || (text[0] != '(' && text[0] != '[') || (text[n - 1] != ')' && text[n - 1] != ']'))
        return -1;
    /* the comma at nesting depth 0 between the brackets */
    int depth = 0;
    size_t comma = 0;
    for (size_t i = 1; i + 1 < n && !comma; i++) {
        if (text[i] == '(') depth++;
        if (text[i] == ')') depth--;
        if (text[i] == ',' && depth == 0) comma = i;
    }
    if (!comma) return -1;
    if (eval_text(text + 1, comma - 1, env, lo)) return -1;
    return eval_text(text + comma + 1, n - comma - 2, env, hi);
}
