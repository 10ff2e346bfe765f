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
#include "k_vec.h"
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

/*
 * Four elements at a time where the CPU has AVX2 and FMA (k_vec.h): the
 * shifted exps of the sum pass and softmax's outputs, bit for bit what the
 * scalar steps give (lanes with x - m < -690, whose results may be
 * subnormal, and NaN lanes are left to the scalar steps).
 */
#ifdef K_HAVE_VEC
static int row_vec(size_t n)
{
    return n >= 8 && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}

/* e[l] = dde_to_dd(shifted_exp(x[l], m)); returns the lanes not done. */
KV_FN static int exp4(const double *xd, double m, dd e[4])
{
    vdd d = v_two_sum(_mm256_loadu_pd(xd), v_set(-m));
    v4 ok = _mm256_cmp_pd(d.hi, v_set(-690), _CMP_GE_OQ);
    vdd r = v_exp(_mm256_and_pd(d.hi, ok), _mm256_and_pd(d.lo, ok));
    double hi[4], lo[4];
    _mm256_storeu_pd(hi, r.hi);
    _mm256_storeu_pd(lo, r.lo);
    for (int l = 0; l < 4; l++) e[l] = (dd){hi[l], lo[l]};
    return ~_mm256_movemask_pd(ok) & 15;
}

/* q[l] = dde_to_dd(softmax_at(x[l])) as four lanes; ok: the lanes done. Down
 * to x - m = -600 the division's remainder is still normal, so dividing the
 * scaled exp gives the scalar steps' bits. */
KV_FN static vdd softmax_v(const double *xd, double m, dd s, v4 *ok)
{
    vdd d = v_two_sum(_mm256_loadu_pd(xd), v_set(-m));
    *ok = _mm256_cmp_pd(d.hi, v_set(-600), _CMP_GE_OQ);
    vdd e = v_exp(_mm256_and_pd(d.hi, *ok), _mm256_and_pd(d.lo, *ok));
    return v_dd_div(e, (vdd){v_set(s.hi), v_set(s.lo)});
}

/* y[l] = dde_round(softmax_at(x[l])); returns the lanes not done. */
KV_FN static int softmax4(const double *xd, double m, dd s, double y[4])
{
    v4 ok;
    _mm256_storeu_pd(y, v_round(softmax_v(xd, m, s, &ok)));
    return ~_mm256_movemask_pd(ok) & 15;
}

/* q[l] = dde_to_dd(softmax_at(x[l])); returns the lanes not done. */
KV_FN static int softmax4dd(const double *xd, double m, dd s, dd q[4])
{
    v4 ok;
    vdd r = softmax_v(xd, m, s, &ok);
    double hi[4], lo[4];
    _mm256_storeu_pd(hi, r.hi);
    _mm256_storeu_pd(lo, r.lo);
    for (int l = 0; l < 4; l++) q[l] = (dd){hi[l], lo[l]};
    return ~_mm256_movemask_pd(ok) & 15;
}
#else
static int row_vec(size_t n)
{
    (void)n;
    return 0;
}
#endif

/* Add the shifted exp of xv (or count it as a maximum) to the partial sum
 * t: four partial sums (element i into t[i % 4]) break the dependency chain
 * of one running double-double sum, the same way on every path. */
K_INLINE void row_add(row_stats *st, dd *t, double xv, const dd *e)
{
    if (xv == st->m) {
        st->count += 1;
        return;
    }
    *t = dd_add(*t, e ? *e : dde_to_dd(shifted_exp(xv, st->m)));
}

/* softmax_i as a dd (exact scaling of softmax_at). */
K_INLINE dd softmax_dd(double x, const row_stats *st, dd s)
{
    return dde_to_dd(softmax_at(x, st, s));
}

/* One VJP output y_i*(go_i - dot), rounded once; q: y_i from the four-lane
 * path (a scaled dd), used when the product is far from the subnormals so it
 * rounds exactly as the scalar steps do. */
K_INLINE double vjp_at(double x, double go, const row_stats *st, dd s, dd dot, const dd *q)
{
    dd diff = dd_add_d(dd_neg(dot), go);
    if (q) {
        dd r = dd_mul(*q, diff);
        if (fabs(r.hi) >= 0x1p-900 && fabs(r.hi) <= 0x1p900) return dd_round(r);
    }
    dde yi = softmax_at(x, st, s);
    dd r = dd_mul((dd){yi.hi, yi.lo}, diff);
    return dd_scale(r.hi, r.lo, yi.k);
}

#define ROW_BODY(T)                                                                                \
    static row_stats row_stats_##T(const T *x, size_t n)                                           \
    {                                                                                              \
        row_stats st = {-INFINITY, 0, {0, 0}};                                                     \
        for (size_t i = 0; i < n; i++)                                                             \
            if (x[i] > st.m || x[i] != x[i]) st.m = x[i];                                          \
        if (!isfinite(st.m)) return st;                                                            \
        size_t i = 0;                                                                              \
        dd t[4] = {{0, 0}, {0, 0}, {0, 0}, {0, 0}};                                                \
        if (row_vec(n))                                                                            \
            for (; i + 4 <= n; i += 4) {                                                           \
                double xd[4] = {x[i], x[i + 1], x[i + 2], x[i + 3]};                               \
                dd e[4];                                                                           \
                int redo = exp4(xd, st.m, e);                                                      \
                for (int l = 0; l < 4; l++)                                                        \
                    row_add(&st, &t[l], xd[l], redo >> l & 1 ? NULL : &e[l]);                      \
            }                                                                                      \
        for (; i < n; i++) row_add(&st, &t[i & 3], x[i], NULL);                                    \
        st.t = dd_add(dd_add(t[0], t[1]), dd_add(t[2], t[3]));                                     \
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
        size_t i = 0;                                                                              \
        if (row_vec(n))                                                                            \
            for (; i + 4 <= n; i += 4) {                                                           \
                double xd[4] = {x[i], x[i + 1], x[i + 2], x[i + 3]}, yv[4];                        \
                int redo = softmax4(xd, st.m, s, yv);                                              \
                for (int l = 0; l < 4; l++)                                                        \
                    y[i + l] = (T)(redo >> l & 1 ? dde_round(softmax_at(xd[l], &st, s)) : yv[l]);  \
            }                                                                                      \
        for (; i < n; i++) y[i] = (T)dde_round(softmax_at(x[i], &st, s));                          \
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
        dd s = s_of(&st), dp[4] = {{0, 0}, {0, 0}, {0, 0}, {0, 0}}, q[4];                          \
        size_t i = 0;                                                                              \
        if (row_vec(n))                                                                            \
            for (; i + 4 <= n; i += 4) {                                                           \
                double xd[4] = {x[i], x[i + 1], x[i + 2], x[i + 3]};                               \
                int redo = softmax4dd(xd, st.m, s, q);                                             \
                for (int l = 0; l < 4; l++)                                                        \
                    dp[l] =                                                                        \
                        dd_add(dp[l], dd_mul_d(redo >> l & 1 ? softmax_dd(xd[l], &st, s) : q[l],   \
                                               go[i + l]));                                        \
            }                                                                                      \
        for (; i < n; i++)                                                                         \
            dp[i & 3] = dd_add(dp[i & 3], dd_mul_d(softmax_dd(x[i], &st, s), go[i]));              \
        dd dot = dd_add(dd_add(dp[0], dp[1]), dd_add(dp[2], dp[3]));                               \
        i = 0;                                                                                     \
        if (row_vec(n))                                                                            \
            for (; i + 4 <= n; i += 4) {                                                           \
                double xd[4] = {x[i], x[i + 1], x[i + 2], x[i + 3]};                               \
                double gd[4] = {go[i], go[i + 1], go[i + 2], go[i + 3]};                           \
                int redo = softmax4dd(xd, st.m, s, q);                                             \
                for (int l = 0; l < 4; l++) {                                                      \
                    T out = (T)vjp_at(xd[l], gd[l], &st, s, dot, redo >> l & 1 ? NULL : &q[l]);    \
                    ROW_OVF(bad, i + l, out, isfinite(xd[l]) && isfinite(gd[l]));                  \
                    g[i + l] = out;                                                                \
                }                                                                                  \
            }                                                                                      \
        for (; i < n; i++) {                                                                       \
            T out = (T)vjp_at(x[i], go[i], &st, s, dot, NULL);                                     \
            ROW_OVF(bad, i, out, isfinite(x[i]) && isfinite(go[i]));                               \
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
        dd sp[4] = {{0, 0}, {0, 0}, {0, 0}, {0, 0}}, q[4];                                         \
        for (size_t i = 0; i < n; i++) sp[i & 3] = dd_add_d(sp[i & 3], go[i]);                     \
        dd sg = dd_add(dd_add(sp[0], sp[1]), dd_add(sp[2], sp[3]));                                \
        if (!isfinite(st.m)) {                                                                     \
            double s = ieee_sum_##T(x, n, st.m);                                                   \
            for (size_t i = 0; i < n; i++)                                                         \
                g[i] = (T)(go[i] - ieee_softmax(x[i], st.m, s) * sg.hi);                           \
            return n;                                                                              \
        }                                                                                          \
        dd s = s_of(&st);                                                                          \
        size_t i = 0;                                                                              \
        if (row_vec(n))                                                                            \
            for (; i + 4 <= n; i += 4) {                                                           \
                double xd[4] = {x[i], x[i + 1], x[i + 2], x[i + 3]};                               \
                double gd[4] = {go[i], go[i + 1], go[i + 2], go[i + 3]};                           \
                int redo = softmax4dd(xd, st.m, s, q);                                             \
                for (int l = 0; l < 4; l++) {                                                      \
                    dd pl = redo >> l & 1 ? softmax_dd(xd[l], &st, s) : q[l];                      \
                    T r = (T)dd_round(dd_add_d(dd_neg(dd_mul(pl, sg)), gd[l]));                    \
                    ROW_OVF(bad, i + l, r, isfinite(xd[l]) && isfinite(gd[l]));                    \
                    g[i + l] = r;                                                                  \
                }                                                                                  \
            }                                                                                      \
        for (; i < n; i++) {                                                                       \
            dd pi = softmax_dd(x[i], &st, s);                                                      \
            T r = (T)dd_round(dd_add_d(dd_neg(dd_mul(pi, sg)), go[i]));                            \
            ROW_OVF(bad, i, r, isfinite(x[i]) && isfinite(go[i]));                                 \
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
