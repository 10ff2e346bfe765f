/*
 * rowwise.c - softmax and log_softmax over one row.
 *
 * Both shift by the row maximum m so exp never overflows:
 *   softmax_i     = exp(x_i - m) / s,         s = sum_j exp(x_j - m) >= 1
 *   log_softmax_i = (x_i - m) - log(s)
 * Accuracy (kernels.h's approach): x_i - m is kept exactly (two_sum: rounded,
 * exp would multiply its error by |x_i - m|, up to 700), exp and the sums run
 * in double-double, each output is rounded once. log(s) is log1p of the sum
 * of the non-maximal terms, so a row dominated by its maximum keeps relative
 * accuracy (log_softmax of the maximum is -t, not a rounded 0). Both terms of
 * log_softmax are <= 0: no cancellation.
 * Derivatives are vector-Jacobian products (what autograd's backward
 * computes; the full Jacobian is n*n numbers):
 *   softmax:     g_i = y_i * (go_i - sum_j go_j y_j)
 *   log_softmax: g_i = go_i - softmax_i * sum_j go_j
 * with the sums in double-double. Each pass reads x_i and go_i before writing
 * out_i, and y is recomputed rather than stored, so x, go and the output may
 * alias and nothing is allocated. Rows whose maximum is +-Inf or NaN follow
 * IEEE arithmetic (and PyTorch): exp(x - m) is NaN there.
 */
#include <math.h>

#include "k_exp.h"
#include "registry.h"

/* See registry.c: the loops get an FMA copy chosen at load time. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && defined(__linux__)
#define ACTIV_FMA_CLONES __attribute__((target_clones("fma", "default")))
#else
#define ACTIV_FMA_CLONES
#endif

/* Row statistics: the maximum, how often it occurs, and the sum of the
 * other terms t = sum_{x_j < m} exp(x_j - m), so s = count + t. */
typedef struct row_stats {
    double m;
    double count;
    dd t;
} row_stats;

/* exp(x - m) with x - m exact; the exponent is kept for tiny terms. */
K_INLINE dde shifted_exp(double x, double m)
{
    dd d = two_sum(x, -m);
    if (d.hi < -1400) return (dde){0, 0, 0};
    return exp_dd(d.hi, d.lo);
}

K_INLINE dd s_of(const row_stats *st)
{
    return dd_add_d(st->t, st->count);
}

/* log(s) = log1p(t) for a single maximum: relative accuracy for tiny t. */
K_INLINE dd log_s(const row_stats *st)
{
    if (st->count == 1) return log1p_dd(st->t);
    dd s = s_of(st);
    return log_dd(s.hi, s.lo);
}

/* softmax_i = exp(x_i - m)/s, as dd with exponent. */
K_INLINE dde softmax_at(double x, const row_stats *st, dd s)
{
    dde e = shifted_exp(x, st->m);
    dd q = dd_div((dd){e.hi, e.lo}, s);
    return (dde){q.hi, q.lo, e.k};
}

/* A row with a non-finite maximum (or a NaN): plain IEEE arithmetic. */
K_INLINE double ieee_softmax(double x, double m, double s)
{
    return exp(x - m) / s;
}

#define ROW_BODY(T)                                                                                \
    static row_stats row_stats_##T(const T *x, size_t n)                                           \
    {                                                                                              \
        row_stats st = {-INFINITY, 0, {0, 0}};                                                     \
        for (size_t i = 0; i < n; i++)                                                             \
            if (x[i] > st.m || x[i] != x[i]) st.m = x[i];                                          \
        if (!isfinite(st.m)) return st;                                                            \
        for (size_t i = 0; i < n; i++) {                                                           \
            if (x[i] == st.m) {                                                                    \
                st.count += 1;                                                                     \
                continue;                                                                          \
            }                                                                                      \
            st.t = dd_add(st.t, dde_to_dd(shifted_exp(x[i], st.m)));                               \
        }                                                                                          \
        return st;                                                                                 \
    }                                                                                              \
    /* The plain sum for rows with a non-finite maximum (IEEE results). */                         \
    static double ieee_sum_##T(const T *x, size_t n, double m)                                     \
    {                                                                                              \
        double s = 0;                                                                              \
        for (size_t i = 0; i < n; i++) s += exp(x[i] - m);                                         \
        return s;                                                                                  \
    }

ROW_BODY(double)
ROW_BODY(float)

/* Record the first finite input whose result overflowed (see registry.h). */
#define ROW_OVF(bad, i, r, finite_in)                                                              \
    if (isinf(r) && (finite_in) && bad == n) bad = i

#define SOFTMAX(T, SUF)                                                                            \
    ACTIV_FMA_CLONES static size_t softmax_##SUF(const T *x, T *y, size_t n, const double *p)      \
    {                                                                                              \
        (void)p;                                                                                   \
        row_stats st = row_stats_##T(x, n);                                                        \
        if (!isfinite(st.m)) {                                                                     \
            double s = ieee_sum_##T(x, n, st.m);                                                   \
            for (size_t i = 0; i < n; i++) y[i] = (T)ieee_softmax(x[i], st.m, s);                  \
            return n;                                                                              \
        }                                                                                          \
        dd s = s_of(&st);                                                                          \
        for (size_t i = 0; i < n; i++) y[i] = (T)dde_round(softmax_at(x[i], &st, s));              \
        return n; /* in [0, 1]: cannot overflow */                                                 \
    }                                                                                              \
    ACTIV_FMA_CLONES static size_t softmax_vjp_##SUF(const T *x, const T *go, T *g, size_t n,      \
                                                     const double *p)                              \
    {                                                                                              \
        (void)p;                                                                                   \
        row_stats st = row_stats_##T(x, n);                                                        \
        size_t bad = n;                                                                            \
        if (!isfinite(st.m)) {                                                                     \
            double s = ieee_sum_##T(x, n, st.m), dot = 0;                                          \
            for (size_t i = 0; i < n; i++) dot += go[i] * ieee_softmax(x[i], st.m, s);             \
            for (size_t i = 0; i < n; i++)                                                         \
                g[i] = (T)(ieee_softmax(x[i], st.m, s) * (go[i] - dot));                           \
            return n;                                                                              \
        }                                                                                          \
        dd s = s_of(&st), dot = {0, 0};                                                            \
        for (size_t i = 0; i < n; i++)                                                             \
            dot = dd_add(dot, dd_mul_d(dde_to_dd(softmax_at(x[i], &st, s)), go[i]));               \
        for (size_t i = 0; i < n; i++) {                                                           \
            int fin = isfinite(x[i]) && isfinite(go[i]);                                           \
            dde yi = softmax_at(x[i], &st, s);                                                     \
            dd r = dd_mul((dd){yi.hi, yi.lo}, dd_add_d(dd_neg(dot), go[i]));                       \
            T out = (T)dd_scale(r.hi, r.lo, yi.k);                                                 \
            ROW_OVF(bad, i, out, fin);                                                             \
            g[i] = out;                                                                            \
        }                                                                                          \
        return bad;                                                                                \
    }                                                                                              \
    ACTIV_FMA_CLONES static size_t log_softmax_##SUF(const T *x, T *y, size_t n, const double *p)  \
    {                                                                                              \
        (void)p;                                                                                   \
        row_stats st = row_stats_##T(x, n);                                                        \
        if (!isfinite(st.m)) {                                                                     \
            double ls = log(ieee_sum_##T(x, n, st.m));                                             \
            for (size_t i = 0; i < n; i++) y[i] = (T)((x[i] - st.m) - ls);                         \
            return n;                                                                              \
        }                                                                                          \
        dd ls = log_s(&st);                                                                        \
        size_t bad = n;                                                                            \
        for (size_t i = 0; i < n; i++) {                                                           \
            int fin = isfinite(x[i]);                                                              \
            dd d = two_sum(x[i], -st.m); /* -Inf when x_i - m overflows (truly) */                 \
            T r = (T)(isinf(d.hi) ? d.hi : dd_round(dd_add(d, dd_neg(ls))));                       \
            ROW_OVF(bad, i, r, fin);                                                               \
            y[i] = r;                                                                              \
        }                                                                                          \
        return bad;                                                                                \
    }                                                                                              \
    ACTIV_FMA_CLONES static size_t log_softmax_vjp_##SUF(const T *x, const T *go, T *g, size_t n,  \
                                                         const double *p)                          \
    {                                                                                              \
        (void)p;                                                                                   \
        row_stats st = row_stats_##T(x, n);                                                        \
        size_t bad = n;                                                                            \
        dd sg = {0, 0};                                                                            \
        for (size_t i = 0; i < n; i++) sg = dd_add_d(sg, go[i]);                                   \
        if (!isfinite(st.m)) {                                                                     \
            double s = ieee_sum_##T(x, n, st.m);                                                   \
            for (size_t i = 0; i < n; i++)                                                         \
                g[i] = (T)(go[i] - ieee_softmax(x[i], st.m, s) * sg.hi);                           \
            return n;                                                                              \
        }                                                                                          \
        dd s = s_of(&st);                                                                          \
        for (size_t i = 0; i < n; i++) {                                                           \
            int fin = isfinite(x[i]) && isfinite(go[i]);                                           \
            dd pi = dde_to_dd(softmax_at(x[i], &st, s));                                           \
            T r = (T)dd_round(dd_add_d(dd_neg(dd_mul(pi, sg)), go[i]));                            \
            ROW_OVF(bad, i, r, fin);                                                               \
            g[i] = r;                                                                              \
        }                                                                                          \
        return bad;                                                                                \
    }

SOFTMAX(double, f64)
SOFTMAX(float, f32)

const struct activ_rw activ_softmax_rw = {softmax_f64, softmax_f32, softmax_vjp_f64,
                                          softmax_vjp_f32};
const struct activ_rw activ_log_softmax_rw = {log_softmax_f64, log_softmax_f32, log_softmax_vjp_f64,
                                              log_softmax_vjp_f32};
