/*
 * fn/softmax.c - softmax and log_softmax over one row (the rowwise functions).
 *
 * Both shift by the row maximum m so exp never overflows:
 *   softmax_i     = exp(x_i - m) / s,         s = sum_j exp(x_j - m) >= 1
 *   log_softmax_i = (x_i - m) - log(s)
 * Accuracy (the elementwise kernels' approach): x_i - m is kept exactly (two_sum: rounded,
 * exp would multiply its error by |x_i - m|, up to 700), exp and the sums run
 * in double-double, each output is rounded once. log(s) is log1p of the sum
 * of the non-maximal terms, so a row dominated by its maximum keeps relative
 * accuracy (log_softmax of the maximum is -t, not a rounded 0). Both terms of
 * log_softmax are <= 0: no cancellation.
 * Derivatives are vector-Jacobian products (what autograd's backward
 * computes; the full Jacobian is n*n numbers):
 *   softmax:     g_i = y_i * (go_i - dot),  dot = sum_j go_j y_j = D/s,
 *                D = sum_j go_j exp(x_j - m)
 *   log_softmax: g_i = go_i - exp(x_i - m) * K,  K = (sum_j go_j)/s
 * with the sums in double-double. D is summed in the same pass as s, so each
 * element's exp is computed twice (once for the sums, once for its output),
 * not three times; D/s has the error of one more dd division (2^-104), far
 * inside the documented 2^-60. Should D overflow (go_j near DBL_MAX), dot is
 * summed from the y_j instead.
 * Passes: the maximum; the sums; the outputs. Each reads x_i and go_i before
 * writing out_i, and y is recomputed rather than stored, so x, go and the
 * output may alias and nothing is allocated. Rows whose maximum is +-Inf or
 * NaN follow IEEE arithmetic (and PyTorch): exp(x - m) is NaN there.
 * Where the CPU has AVX2 and FMA the passes run on four lanes (num/vec.h),
 * element i in lane i % 4, the same partial sums as the scalar steps; lanes
 * whose terms may be subnormal (x - m < -690 in the sums, -600 in the
 * outputs, products below 2^-900) are done by the scalar steps.
 *
 * Every row function is written once for both element types: its `f32`
 * argument says whether the arrays hold float (1) or double (0). The
 * functions are inlined into the written-out entry points at the end of
 * each section (and the per-type helpers _f64/_f32), where f32 is a
 * constant, so each compiles to the code of its own type.
 */
#include <math.h>

#include "loops.h"
#include "num/plain.h"
#include "num/vexp.h"
#include "registry.h"

/* Row statistics: the maximum, how often it occurs, the sum of the other
 * terms t = sum_{x_j < m} exp(x_j - m) (so s = count + t), and on request
 * D = sum_j go_j exp(x_j - m) and sg = sum_j go_j. */
typedef struct row_stats {
    double m;
    double count;
    dd t, D, sg;
} row_stats;

/* WANT_PLAIN: the exps in plain double (exp_p, 2^-50) where a float32
 * output needs no more (softmax's values); the sums stay dd. */
enum { WANT_D = 1, WANT_SG = 2, WANT_PLAIN = 4 };

/* Partial sums: element i goes to partial i % 8 (breaks the dependency
 * chain of one running dd sum into eight, two four-lane accumulators; the
 * same partials on every path). */
typedef struct row_acc {
    dd t[8], D[8], sg[8];
    double count;
} row_acc;

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

/* softmax_i as a dd (exact scaling of softmax_at). */
K_INLINE dd softmax_dd(double x, const row_stats *st, dd s)
{
    return dde_to_dd(softmax_at(x, st, s));
}

/* A row with a non-finite maximum (or a NaN): plain IEEE arithmetic. */
K_INLINE double ieee_softmax(double x, double m, double s)
{
    return exp(x - m) / s;
}

/* One element's share of the sums (scalar steps; partial l = i % 8). */
K_INLINE void acc_add(row_acc *a, int l, double m, double xv, double gv, int want)
{
    dd e = {1, 0};
    if (xv == m)
        a->count += 1;
    else
        e = dde_to_dd(shifted_exp(xv, m)), a->t[l] = dd_add(a->t[l], e);
    if (want & WANT_D) a->D[l] = dd_add(a->D[l], dd_mul_d(e, gv));
    if (want & WANT_SG) a->sg[l] = dd_add_d(a->sg[l], gv);
}

K_INLINE dd sum4(const dd v[4])
{
    return dd_add(dd_add(v[0], v[1]), dd_add(v[2], v[3]));
}

K_INLINE dd sum8(const dd v[8])
{
    return dd_add(sum4(v), sum4(v + 4));
}

/* One VJP output y_i*(go_i - dot) from the scalar steps, rounded once. */
K_INLINE double vjp_at(double x, double go, const row_stats *st, dd s, dd dot)
{
    dd diff = dd_add_d(dd_neg(dot), go);
    dde yi = softmax_at(x, st, s);
    dd r = dd_mul((dd){yi.hi, yi.lo}, diff);
    return dd_scale(r.hi, r.lo, yi.k);
}

/* One log_softmax VJP output go_i - softmax_i*sg = go_i - exp(x_i - m)*K,
 * K = sg/s (one dd product per element instead of a division and a
 * product), rounded once. */
K_INLINE double lvjp_at(double x, double go, double m, dd K)
{
    return dd_round(dd_add_d(dd_neg(dd_mul(dde_to_dd(shifted_exp(x, m)), K)), go));
}

/* One log_softmax output (x_i - m) - log(s); -Inf when x_i - m overflows (truly). */
K_INLINE double lsm_at(double x, double m, dd ls)
{
    dd d = two_sum(x, -m);
    return isinf(d.hi) ? d.hi : dd_round(dd_add(d, dd_neg(ls)));
}

/* Element i of a row of double or float (f32), as a double. */
K_INLINE double ld1(const void *a, size_t i, int f32)
{
    return f32 ? (double)((const float *)a)[i] : ((const double *)a)[i];
}

/* a[i] = v, rounded to float when f32. */
K_INLINE void st1(void *a, size_t i, double v, int f32)
{
    if (f32)
        ((float *)a)[i] = (float)v;
    else
        ((double *)a)[i] = v;
}

/* v as the row's type would hold it (rounded to float when f32): 1 when
 * that is +-Inf. */
K_INLINE int inf_as(double v, int f32)
{
    return f32 ? isinf((float)v) : isinf(v);
}

/* ---- four-lane passes ---------------------------------------------------- */
#ifdef K_HAVE_VEC
static int row_vec(size_t n)
{
    return n >= 8 && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}

/* Elements i .. i+3 of a row of double or float, as doubles. */
KV v4 ld4(const void *p, size_t i, int f32)
{
    if (f32) return _mm256_cvtps_pd(_mm_loadu_ps((const float *)p + i));
    return _mm256_loadu_pd((const double *)p + i);
}

/* Store four results; returns the mask of lanes that are +-Inf as stored. */
KV int st4(void *p, size_t i, v4 r, int f32)
{
    if (f32) {
        __m128 f = _mm256_cvtpd_ps(r);
        _mm_storeu_ps((float *)p + i, f);
        __m128 a = _mm_andnot_ps(_mm_set1_ps(-0.0f), f);
        return _mm_movemask_ps(_mm_cmp_ps(a, _mm_set1_ps(INFINITY), _CMP_EQ_OQ));
    }
    _mm256_storeu_pd((double *)p + i, r);
    return _mm256_movemask_pd(_mm256_cmp_pd(v_abs(r), v_set(INFINITY), _CMP_EQ_OQ));
}

/* Lanes where x (and go) are finite. */
KV int finite4(v4 x, v4 g)
{
    v4 inf = v_set(INFINITY);
    return _mm256_movemask_pd(_mm256_and_pd(_mm256_cmp_pd(v_abs(x), inf, _CMP_LT_OQ),
                                            _mm256_cmp_pd(v_abs(g), inf, _CMP_LT_OQ)));
}

KV vdd v_bcast(dd a)
{
    return (vdd){v_set(a.hi), v_set(a.lo)};
}

/* exp(x - m) for lanes with x - m >= cut as a scaled dd (v_exp gives
 * dde_to_dd(shifted_exp)'s bits there); *ok: those lanes. */
KV vdd exp_shift4(v4 xv, double m, double cut, int *ok)
{
    vdd d = v_two_sum(xv, v_set(-m));
    v4 okv = _mm256_cmp_pd(d.hi, v_set(cut), _CMP_GE_OQ);
    *ok = _mm256_movemask_pd(okv);
    return v_exp(_mm256_and_pd(d.hi, okv), _mm256_and_pd(d.lo, okv));
}

/* exp_shift4 on two groups, their steps interleaved (num/vexp.h's vw_exp). */
KV void exp_shift8(const v4 *xv, double m, double cut, vdd *e, int *ok)
{
    v4 dh[2], dl[2];
    KV_EACH(2, {
        vdd d = v_two_sum(xv[h], v_set(-m));
        v4 okv = _mm256_cmp_pd(d.hi, v_set(cut), _CMP_GE_OQ);
        ok[h] = _mm256_movemask_pd(okv);
        dh[h] = _mm256_and_pd(d.hi, okv), dl[h] = _mm256_and_pd(d.lo, okv);
    });
    vw_exp(2, dh, dl, e);
}

/* The same in plain double (num/plain.h's exp_p, the rounding of x - m carried
 * as the factor 1 + d.lo): relative error below 2^-50, for float32 outputs
 * that need no more (the softmax VJP's y_i). Returned as (e, 0). */
KV void exp_shift8_p(const v4 *xv, double m, double cut, vdd *e, int *ok)
{
    v4 dh[2], dl[2], r[2];
    KV_EACH(2, {
        vdd d = v_two_sum(xv[h], v_set(-m));
        v4 okv = _mm256_cmp_pd(d.hi, v_set(cut), _CMP_GE_OQ);
        ok[h] = _mm256_movemask_pd(okv);
        dh[h] = _mm256_and_pd(d.hi, okv), dl[h] = _mm256_and_pd(d.lo, okv);
    });
    vw_exp_p(2, dh, r);
    KV_EACH(2, e[h] = (vdd){_mm256_fmadd_pd(r[h], dl[h], r[h]), v_set(0)};);
}

KV vdd exp_shift4_p(v4 xv, double m, double cut, int *ok)
{
    vdd d = v_two_sum(xv, v_set(-m));
    v4 okv = _mm256_cmp_pd(d.hi, v_set(cut), _CMP_GE_OQ), r, dh = _mm256_and_pd(d.hi, okv);
    *ok = _mm256_movemask_pd(okv);
    vw_exp_p(1, &dh, &r);
    return (vdd){_mm256_fmadd_pd(r, _mm256_and_pd(d.lo, okv), r), v_set(0)};
}

KV void v_lanes(vdd v, dd out[4])
{
    double hi[4], lo[4];
    _mm256_storeu_pd(hi, v.hi);
    _mm256_storeu_pd(lo, v.lo);
    for (int l = 0; l < 4; l++) out[l] = (dd){hi[l], lo[l]};
}

KV vdd v_from_lanes(const dd in[4])
{
    return (vdd){_mm256_setr_pd(in[0].hi, in[1].hi, in[2].hi, in[3].hi),
                 _mm256_setr_pd(in[0].lo, in[1].lo, in[2].lo, in[3].lo)};
}

/* One group's share of the sums (row_sums_v): scalar exps for the lanes
 * exp_shift4 left, then the lane-wise dd sums. */
#define SUMS_STEP(t, D, sg, xv, gv, e_, ok_)                                                       \
    do {                                                                                           \
        vdd ev_ = (e_);                                                                            \
        if (__builtin_expect((ok_) != 15, 0)) {                                                    \
            double xs[4];                                                                          \
            dd es[4];                                                                              \
            _mm256_storeu_pd(xs, xv);                                                              \
            v_lanes(ev_, es);                                                                      \
            for (int l = 0; l < 4; l++)                                                            \
                if (!((ok_) >> l & 1)) es[l] = dde_to_dd(shifted_exp(xs[l], m));                   \
            ev_ = v_from_lanes(es);                                                                \
        }                                                                                          \
        v4 ismax = _mm256_cmp_pd(xv, v_set(m), _CMP_EQ_OQ); /* there e = (1, 0) */                 \
        cnt = cnt + _mm256_and_pd(ismax, v_set(1));                                                \
        t = v_select(ismax, t, v_dd_add(t, ev_));                                                  \
        if (want & WANT_D) D = v_dd_add(D, v_dd_mul_d(ev_, gv));                                   \
        if (want & WANT_SG) sg = v_dd_add_d(sg, gv);                                               \
    } while (0)

/* The exps of the output passes: in dd for float64 outputs, in plain double
 * (exp_p) for float32 ones. */
KV void exp_shift8_for(const v4 *xv, double m, double cut, vdd *e, int *ok, int f32)
{
    if (f32)
        exp_shift8_p(xv, m, cut, e, ok);
    else
        exp_shift8(xv, m, cut, e, ok);
}

KV vdd exp_shift4_for(v4 xv, double m, double cut, int *ok, int f32)
{
    return f32 ? exp_shift4_p(xv, m, cut, ok) : exp_shift4(xv, m, cut, ok);
}

/* The output passes: eight elements (two groups, exps interleaved) at a
 * time, then four; STEP(i, xv, gv, e, ok) finishes one group: e = exp(x - m)
 * on the lanes in ok, the others redone by the scalar steps. */
#define OUT_LOOP(HAS_G, cut, STEP)                                                                 \
    do {                                                                                           \
        size_t i = 0;                                                                              \
        for (; i + 8 <= n4; i += 8) {                                                              \
            v4 xv[2] = {ld4(x, i, f32), ld4(x, i + 4, f32)}, gv[2] = {v_set(0), v_set(0)};         \
            if (HAS_G) gv[0] = ld4(go, i, f32), gv[1] = ld4(go, i + 4, f32);                       \
            vdd e[2];                                                                              \
            int ok[2];                                                                             \
            exp_shift8_for(xv, m, cut, e, ok, f32);                                                \
            STEP(i, xv[0], gv[0], e[0], ok[0]);                                                    \
            STEP(i + 4, xv[1], gv[1], e[1], ok[1]);                                                \
        }                                                                                          \
        for (; i < n4; i += 4) {                                                                   \
            v4 xv = ld4(x, i, f32), gv = HAS_G ? ld4(go, i, f32) : v_set(0);                       \
            int ok;                                                                                \
            vdd e = exp_shift4_for(xv, m, cut, &ok, f32);                                          \
            STEP(i, xv, gv, e, ok);                                                                \
        }                                                                                          \
    } while (0)

/* Lanes not in ok: r's lane from the scalar expression SCALAR(xs[l], gs[l]). */
#define REDO_LANES(r, ok, xv, gv, SCALAR)                                                          \
    do {                                                                                           \
        if (__builtin_expect((ok) != 15, 0)) {                                                     \
            double xs[4], gs[4], rs[4];                                                            \
            _mm256_storeu_pd(xs, xv);                                                              \
            _mm256_storeu_pd(gs, gv);                                                              \
            _mm256_storeu_pd(rs, r);                                                               \
            for (int l = 0; l < 4; l++)                                                            \
                if (!((ok) >> l & 1)) rs[l] = SCALAR(xs[l], gs[l]);                                \
            r = _mm256_loadu_pd(rs);                                                               \
        }                                                                                          \
    } while (0)

/* Store; note the first lane that overflowed from finite inputs. */
#define STORE_OVF(out, i, r, xv, gv)                                                               \
    do {                                                                                           \
        int inf_ = st4(out, i, r, f32) & finite4(xv, gv);                                          \
        if (__builtin_expect(inf_ != 0, 0) && bad == n4) bad = (i) + (size_t)__builtin_ctz(inf_);  \
    } while (0)

#define SM_SCALAR(xl, gl)   dde_round(softmax_at(xl, st, s))
#define VJP_SCALAR(xl, gl)  vjp_at(xl, gl, st, s, dot)
#define LVJP_SCALAR(xl, gl) lvjp_at(xl, gl, m, K)

/* The maximum of x[0..n) (NaN if there is one). */
KV double row_max_vec(const void *x, size_t n, int f32)
{
    v4 mx = v_set(-INFINITY), nan = v_set(0);
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        v4 xv = ld4(x, i, f32);
        mx = _mm256_max_pd(mx, xv);
        nan = _mm256_or_pd(nan, _mm256_cmp_pd(xv, xv, _CMP_UNORD_Q));
    }
    double v[4], m = -INFINITY;
    _mm256_storeu_pd(v, mx);
    for (int l = 0; l < 4; l++) m = v[l] > m ? v[l] : m;
    for (; i < n; i++)
        if (ld1(x, i, f32) > m || ld1(x, i, f32) != ld1(x, i, f32)) m = ld1(x, i, f32);
    return _mm256_movemask_pd(nan) ? NAN : m;
}

/* The sums over x[0..n4), n4 a multiple of 4, into the partials of a. */
KV void row_sums_vec(const void *x, const void *go, size_t n4, double m, int want, row_acc *a,
                     int f32)
{
    vdd t[2] = {{v_set(0), v_set(0)}, {v_set(0), v_set(0)}}, D[2] = {t[0], t[0]};
    vdd sg[2] = {t[0], t[0]};
    v4 cnt = v_set(0);
    size_t i = 0;
    for (; i + 8 <= n4; i += 8) {
        v4 xv[2] = {ld4(x, i, f32), ld4(x, i + 4, f32)}, gv[2] = {v_set(0), v_set(0)};
        if (want & (WANT_D | WANT_SG)) gv[0] = ld4(go, i, f32), gv[1] = ld4(go, i + 4, f32);
        vdd e[2];
        int ok[2];
        if (want & WANT_PLAIN)
            exp_shift8_p(xv, m, -690, e, ok);
        else
            exp_shift8(xv, m, -690, e, ok);
        SUMS_STEP(t[0], D[0], sg[0], xv[0], gv[0], e[0], ok[0]);
        SUMS_STEP(t[1], D[1], sg[1], xv[1], gv[1], e[1], ok[1]);
    }
    for (; i < n4; i += 4) {
        v4 xv = ld4(x, i, f32), gv = want & (WANT_D | WANT_SG) ? ld4(go, i, f32) : v_set(0);
        int ok;
        vdd e = want & WANT_PLAIN ? exp_shift4_p(xv, m, -690, &ok) : exp_shift4(xv, m, -690, &ok);
        SUMS_STEP(t[0], D[0], sg[0], xv, gv, e, ok);
    }
    double c[4];
    _mm256_storeu_pd(c, cnt);
    a->count += (c[0] + c[1]) + (c[2] + c[3]);
    for (int h = 0; h < 2; h++) {
        v_lanes(t[h], a->t + 4 * h);
        v_lanes(D[h], a->D + 4 * h);
        v_lanes(sg[h], a->sg + 4 * h);
    }
}

KV_FN static double row_max_vec_f64(const double *x, size_t n)
{
    return row_max_vec(x, n, 0);
}

KV_FN static double row_max_vec_f32(const float *x, size_t n)
{
    return row_max_vec(x, n, 1);
}

KV_FN static void row_sums_vec_f64(const double *x, const double *go, size_t n4, double m, int want,
                                   row_acc *a)
{
    row_sums_vec(x, go, n4, m, want, a, 0);
}

KV_FN static void row_sums_vec_f32(const float *x, const float *go, size_t n4, double m, int want,
                                   row_acc *a)
{
    row_sums_vec(x, go, n4, m, want, a, 1);
}
#else
static int row_vec(size_t n)
{
    (void)n;
    return 0;
}
#endif

/* ---- row statistics -------------------------------------------------------- */

/* Record the first finite input whose result overflowed (see registry.h). */
#define ROW_OVF(bad, i, is_inf, finite_in)                                                         \
    if ((is_inf) && (finite_in) && bad == n) bad = i

K_INLINE double row_max(const void *x, size_t n, int vec, int f32)
{
#ifdef K_HAVE_VEC
    if (vec) return f32 ? row_max_vec_f32(x, n) : row_max_vec_f64(x, n);
#endif
    (void)vec;
    double m = -INFINITY;
    for (size_t i = 0; i < n; i++)
        if (ld1(x, i, f32) > m || ld1(x, i, f32) != ld1(x, i, f32)) m = ld1(x, i, f32);
    return m;
}

/* The maximum and (for a finite one) the sums; go only with want. */
K_INLINE row_stats row_stats_of(const void *x, const void *go, size_t n, int want, int vec, int f32)
{
    row_stats st = {row_max(x, n, vec, f32), 0, {0, 0}, {0, 0}, {0, 0}};
    if (!isfinite(st.m)) return st;
    row_acc a;
    for (int l = 0; l < 8; l++) a.t[l] = a.D[l] = a.sg[l] = (dd){0, 0};
    a.count = 0;
    size_t i = 0;
#ifdef K_HAVE_VEC
    if (vec) {
        i = n & ~(size_t)3;
        if (f32)
            row_sums_vec_f32(x, go, i, st.m, want, &a);
        else
            row_sums_vec_f64(x, go, i, st.m, want, &a);
    }
#endif
    for (; i < n; i++)
        acc_add(&a, (int)(i & 7), st.m, ld1(x, i, f32),
                want & (WANT_D | WANT_SG) ? ld1(go, i, f32) : 0, want);
    st.count = a.count;
    st.t = sum8(a.t);
    st.D = sum8(a.D);
    st.sg = sum8(a.sg);
    return st;
}

/* Compiled once per type, not into every entry point. */
static row_stats row_stats_f64(const double *x, const double *go, size_t n, int want, int vec)
{
    return row_stats_of(x, go, n, want, vec, 0);
}

static row_stats row_stats_f32(const float *x, const float *go, size_t n, int want, int vec)
{
    return row_stats_of(x, go, n, want, vec, 1);
}

K_INLINE row_stats row_stats_for(const void *x, const void *go, size_t n, int want, int vec,
                                 int f32)
{
    return f32 ? row_stats_f32(x, go, n, want, vec) : row_stats_f64(x, go, n, want, vec);
}

/* The plain sum for rows with a non-finite maximum (IEEE results). */
K_INLINE double ieee_sum(const void *x, size_t n, double m, int f32)
{
    double s = 0;
    for (size_t i = 0; i < n; i++) s += exp(ld1(x, i, f32) - m);
    return s;
}

/* ---- softmax --------------------------------------------------------------------- */

#ifdef K_HAVE_VEC
/* softmax_i = e/s: in dd for float64 outputs; for float32 ones e from
 * exp_p times 1/s.hi (2^-49). */
#define SOFTMAX_STEP(i, xv, gv, e, ok)                                                             \
    do {                                                                                           \
        v4 r_;                                                                                     \
        if (f32)                                                                                   \
            r_ = e.hi * RS;                                                                        \
        else                                                                                       \
            r_ = v_round(v_dd_div(e, S));                                                          \
        REDO_LANES(r_, ok, xv, gv, SM_SCALAR);                                                     \
        st4(y, i, r_, f32);                                                                        \
    } while (0)

/* softmax outputs over [0, n4) (in [0, 1]: nothing to report). */
KV void softmax_out_vec(const void *x, void *y, size_t n4, const row_stats *st, dd s, int f32)
{
    vdd S = v_bcast(s);
    v4 RS = v_set(1 / s.hi);
    const void *go = x; /* no grad_output: OUT_LOOP does not read it */
    double m = st->m;
    OUT_LOOP(0, -600, SOFTMAX_STEP);
    (void)S, (void)RS;
}

/* y_i*(go_i - dot): in double-double for float64 outputs, products below
 * 2^-900 or above 2^900 (rounding as dd_scale does) to the scalar steps. For
 * float32 outputs y_i = e*(1/s.hi) with e from exp_p and the product in plain
 * double (relative error below 2^-49, while the difference go_i - dot, where
 * the cancellation is, is still the dd one rounded once); no range to leave
 * there (a float result far from 2^+-900 is a double rounded once more). */
#define VJP_STEP_F64(i, xv, gv, e, ok)                                                             \
    do {                                                                                           \
        vdd p_ = v_dd_mul(v_dd_div(e, S), v_dd_add_d(mdot, gv));                                   \
        v4 r_ = v_round(p_), ap_ = v_abs(p_.hi);                                                   \
        int ok_ = (ok)&_mm256_movemask_pd(                                                         \
            _mm256_and_pd(_mm256_cmp_pd(ap_, v_set(0x1p-900), _CMP_GE_OQ),                         \
                          _mm256_cmp_pd(ap_, v_set(0x1p900), _CMP_LE_OQ)));                        \
        REDO_LANES(r_, ok_, xv, gv, VJP_SCALAR);                                                   \
        STORE_OVF(g, i, r_, xv, gv);                                                               \
    } while (0)
#define VJP_STEP_F32(i, xv, gv, e, ok)                                                             \
    do {                                                                                           \
        v4 r_ = (e.hi * RS) * v_round(v_dd_add_d(mdot, gv));                                       \
        REDO_LANES(r_, ok, xv, gv, VJP_SCALAR);                                                    \
        STORE_OVF(g, i, r_, xv, gv);                                                               \
    } while (0)
#define VJP_STEP(i, xv, gv, e, ok)                                                                 \
    do {                                                                                           \
        if (f32)                                                                                   \
            VJP_STEP_F32(i, xv, gv, e, ok);                                                        \
        else                                                                                       \
            VJP_STEP_F64(i, xv, gv, e, ok);                                                        \
    } while (0)

/* softmax VJP outputs over [0, n4); returns the first overflow or n4. */
KV size_t softmax_vjp_out_vec(const void *x, const void *go, void *g, size_t n4,
                              const row_stats *st, dd s, dd dot, int f32)
{
    vdd S = v_bcast(s), mdot = v_bcast(dd_neg(dot));
    v4 RS = v_set(1 / s.hi);
    (void)S, (void)RS;
    size_t bad = n4;
    double m = st->m;
    OUT_LOOP(1, -600, VJP_STEP);
    return bad;
}

KV_FN static void softmax_out_vec_f64(const double *x, double *y, size_t n4, const row_stats *st,
                                      dd s)
{
    softmax_out_vec(x, y, n4, st, s, 0);
}

KV_FN static void softmax_out_vec_f32(const float *x, float *y, size_t n4, const row_stats *st,
                                      dd s)
{
    softmax_out_vec(x, y, n4, st, s, 1);
}

KV_FN static size_t softmax_vjp_out_vec_f64(const double *x, const double *go, double *g, size_t n4,
                                            const row_stats *st, dd s, dd dot)
{
    return softmax_vjp_out_vec(x, go, g, n4, st, s, dot, 0);
}

KV_FN static size_t softmax_vjp_out_vec_f32(const float *x, const float *go, float *g, size_t n4,
                                            const row_stats *st, dd s, dd dot)
{
    return softmax_vjp_out_vec(x, go, g, n4, st, s, dot, 1);
}
#endif

/* dot = sum go_j y_j = D/s; from the y_j themselves should D overflow. */
K_INLINE dd row_dot_of(const void *x, const void *go, size_t n, const row_stats *st, dd s, int f32)
{
    if (isfinite(st->D.hi)) return dd_div(st->D, s);
    dd dp[4] = {{0, 0}, {0, 0}, {0, 0}, {0, 0}};
    for (size_t i = 0; i < n; i++)
        dp[i & 3] = dd_add(dp[i & 3], dd_mul_d(softmax_dd(ld1(x, i, f32), st, s), ld1(go, i, f32)));
    return sum4(dp);
}

/* Compiled once per type, not into every entry point. */
static dd row_dot_f64(const double *x, const double *go, size_t n, const row_stats *st, dd s)
{
    return row_dot_of(x, go, n, st, s, 0);
}

static dd row_dot_f32(const float *x, const float *go, size_t n, const row_stats *st, dd s)
{
    return row_dot_of(x, go, n, st, s, 1);
}

K_INLINE size_t softmax_value_rows(const void *x, void *y, size_t n, int f32)
{
    int vec = row_vec(n);
    row_stats st = row_stats_for(x, NULL, n, f32 ? WANT_PLAIN : 0, vec, f32);
    if (!isfinite(st.m)) {
        double s = ieee_sum(x, n, st.m, f32);
        for (size_t i = 0; i < n; i++) st1(y, i, ieee_softmax(ld1(x, i, f32), st.m, s), f32);
        return n;
    }
    dd s = s_of(&st);
    size_t i = 0;
#ifdef K_HAVE_VEC
    if (vec) {
        i = n & ~(size_t)3;
        if (f32)
            softmax_out_vec_f32(x, y, i, &st, s);
        else
            softmax_out_vec_f64(x, y, i, &st, s);
    }
#endif
    for (; i < n; i++) st1(y, i, dde_round(softmax_at(ld1(x, i, f32), &st, s)), f32);
    return n; /* in [0, 1]: cannot overflow */
}

K_INLINE size_t softmax_vjp_rows(const void *x, const void *go, void *g, size_t n, int f32)
{
    int vec = row_vec(n);
    row_stats st = row_stats_for(x, go, n, WANT_D, vec, f32);
    size_t bad = n, i = 0;
    if (!isfinite(st.m)) {
        double s = ieee_sum(x, n, st.m, f32), dot = 0;
        for (size_t i = 0; i < n; i++)
            dot += ld1(go, i, f32) * ieee_softmax(ld1(x, i, f32), st.m, s);
        for (size_t i = 0; i < n; i++)
            st1(g, i, ieee_softmax(ld1(x, i, f32), st.m, s) * (ld1(go, i, f32) - dot), f32);
        return n;
    }
    dd s = s_of(&st);
    dd dot = f32 ? row_dot_f32(x, go, n, &st, s) : row_dot_f64(x, go, n, &st, s);
#ifdef K_HAVE_VEC
    if (vec) {
        i = n & ~(size_t)3;
        bad = f32 ? softmax_vjp_out_vec_f32(x, go, g, i, &st, s, dot)
                  : softmax_vjp_out_vec_f64(x, go, g, i, &st, s, dot);
        if (bad == i) bad = n;
    }
#endif
    for (; i < n; i++) {
        double xi = ld1(x, i, f32), gi = ld1(go, i, f32), out = vjp_at(xi, gi, &st, s, dot);
        ROW_OVF(bad, i, inf_as(out, f32), isfinite(xi) && isfinite(gi));
        st1(g, i, out, f32);
    }
    return bad;
}

ACTIV_FMA_CLONES static size_t softmax_value_f64(const double *x, double *y, size_t n,
                                                 const double *p)
{
    (void)p;
    return softmax_value_rows(x, y, n, 0);
}

ACTIV_FMA_CLONES static size_t softmax_value_f32(const float *x, float *y, size_t n,
                                                 const double *p)
{
    (void)p;
    return softmax_value_rows(x, y, n, 1);
}

ACTIV_FMA_CLONES static size_t softmax_vjp_f64(const double *x, const double *go, double *g,
                                               size_t n, const double *p)
{
    (void)p;
    return softmax_vjp_rows(x, go, g, n, 0);
}

ACTIV_FMA_CLONES static size_t softmax_vjp_f32(const float *x, const float *go, float *g, size_t n,
                                               const double *p)
{
    (void)p;
    return softmax_vjp_rows(x, go, g, n, 1);
}

static const struct activ_rw softmax_rows = {softmax_value_f64, softmax_value_f32, softmax_vjp_f64,
                                             softmax_vjp_f32};

const struct activ_fn activ_fn_softmax = {
    .name = "softmax",
    .aliases = NO_ALIASES,
    .summary = "Normalised exponentials over the last axis: a probability vector per row.",
    .pytorch = "torch.nn.functional.softmax(x, dim=-1)",
    .formula = "exp(x_i)/sum(exp(x_j))",
    .formula_tex = "\\mathrm{softmax}(x)_i = \\frac{e^{x_i}}{\\sum_j e^{x_j}}",
    .derivative = "y_i*(g_i - sum(g_j*y_j))",
    .derivative_tex = "(J^\\top g)_i = y_i \\left(g_i - \\sum_j g_j y_j\\right)",
    .range = "[0, 1]",
    .ulp_value = 1,
    .ulp_grad = 2,
    .accuracy = "shifted by the row maximum, x_i - m exact, exp and sums in double-double, "
                "one rounding per output; the VJP's dot product as D/s, D = sum(g_j*e^(x_j-m)) "
                "summed beside s. VJP only: within 2 ULP unless g_i - sum(g_j*y_j) "
                "cancels; then the error is at most 2^-60*y_i*(|g_i| + sum|g_j*y_j|). "
                "float32: values from exps in plain double (2^-49); the VJP's difference "
                "in double-double, times y_i in plain double.",
    .rw = &softmax_rows,
};

/* ---- log_softmax ------------------------------------------------------------------- */

#ifdef K_HAVE_VEC
/* log_softmax outputs over [0, n4); returns the first overflow or n4. */
KV size_t log_softmax_out_vec(const void *x, void *y, size_t n4, double m, dd ls, int f32)
{
    vdd L = v_bcast(dd_neg(ls));
    size_t bad = n4;
    for (size_t i = 0; i < n4; i += 4) {
        v4 xv = ld4(x, i, f32);
        vdd d = v_two_sum(xv, v_set(-m));
        v4 r = v_round(v_dd_add(d, L));
        v4 dinf = _mm256_cmp_pd(v_abs(d.hi), v_set(INFINITY), _CMP_EQ_OQ);
        r = _mm256_blendv_pd(r, d.hi, dinf);
        int inf = st4(y, i, r, f32) & finite4(xv, v_set(0));
        if (__builtin_expect(inf != 0, 0) && bad == n4) bad = i + (size_t)__builtin_ctz(inf);
    }
    return bad;
}

#define LVJP_STEP_F64(i, xv, gv, e, ok)                                                            \
    do {                                                                                           \
        vdd p_ = v_dd_mul(e, KK);                                                                  \
        v4 r_ = v_round(v_dd_add_d((vdd){-p_.hi, -p_.lo}, gv));                                    \
        REDO_LANES(r_, ok, xv, gv, LVJP_SCALAR);                                                   \
        STORE_OVF(g, i, r_, xv, gv);                                                               \
    } while (0)
/* float32: go_i - e_i*K in plain double (e from exp_p: its error and K's
 * rounding below 2^-49 of the product) where that keeps |r| >= 2^-12 of
 * |go_i| + |e_i*K|: the relative error of r is then below 2^-37, far inside
 * a float ULP. A group with a lane closer to cancelling is done again in
 * double-double (Ziv's strategy: the cheap form where it is provably enough). */
#define LVJP_STEP_F32(i, xv, gv, e, ok)                                                            \
    do {                                                                                           \
        v4 p_ = e.hi * KK.hi, r_ = gv - p_;                                                        \
        v4 near_ = _mm256_cmp_pd(v_abs(r_), v_set(0x1p-12) * (v_abs(gv) + v_abs(p_)), _CMP_LT_OQ); \
        if (__builtin_expect(_mm256_movemask_pd(near_) != 0, 0)) {                                 \
            int okd_;                                                                              \
            vdd pd_ = v_dd_mul(exp_shift4(xv, m, -600, &okd_), KK);                                \
            r_ = _mm256_blendv_pd(r_, v_round(v_dd_add_d((vdd){-pd_.hi, -pd_.lo}, gv)), near_);    \
        }                                                                                          \
        REDO_LANES(r_, ok, xv, gv, LVJP_SCALAR);                                                   \
        STORE_OVF(g, i, r_, xv, gv);                                                               \
    } while (0)
#define LVJP_STEP(i, xv, gv, e, ok)                                                                \
    do {                                                                                           \
        if (f32)                                                                                   \
            LVJP_STEP_F32(i, xv, gv, e, ok);                                                       \
        else                                                                                       \
            LVJP_STEP_F64(i, xv, gv, e, ok);                                                       \
    } while (0)

/* log_softmax VJP outputs over [0, n4); returns the first overflow or n4. */
KV size_t log_softmax_vjp_out_vec(const void *x, const void *go, void *g, size_t n4, double m, dd K,
                                  int f32)
{
    vdd KK = v_bcast(K);
    size_t bad = n4;
    OUT_LOOP(1, -600, LVJP_STEP);
    return bad;
}

KV_FN static size_t log_softmax_out_vec_f64(const double *x, double *y, size_t n4, double m, dd ls)
{
    return log_softmax_out_vec(x, y, n4, m, ls, 0);
}

KV_FN static size_t log_softmax_out_vec_f32(const float *x, float *y, size_t n4, double m, dd ls)
{
    return log_softmax_out_vec(x, y, n4, m, ls, 1);
}

KV_FN static size_t log_softmax_vjp_out_vec_f64(const double *x, const double *go, double *g,
                                                size_t n4, double m, dd K)
{
    return log_softmax_vjp_out_vec(x, go, g, n4, m, K, 0);
}

KV_FN static size_t log_softmax_vjp_out_vec_f32(const float *x, const float *go, float *g,
                                                size_t n4, double m, dd K)
{
    return log_softmax_vjp_out_vec(x, go, g, n4, m, K, 1);
}
#endif

K_INLINE size_t log_softmax_value_rows(const void *x, void *y, size_t n, int f32)
{
    int vec = row_vec(n);
    row_stats st = row_stats_for(x, NULL, n, 0, vec, f32);
    if (!isfinite(st.m)) {
        double ls = log(ieee_sum(x, n, st.m, f32));
        for (size_t i = 0; i < n; i++) st1(y, i, (ld1(x, i, f32) - st.m) - ls, f32);
        return n;
    }
    dd ls = log_s(&st);
    size_t bad = n, i = 0;
#ifdef K_HAVE_VEC
    if (vec) {
        i = n & ~(size_t)3;
        bad = f32 ? log_softmax_out_vec_f32(x, y, i, st.m, ls)
                  : log_softmax_out_vec_f64(x, y, i, st.m, ls);
        if (bad == i) bad = n;
    }
#endif
    for (; i < n; i++) {
        double xi = ld1(x, i, f32), r = lsm_at(xi, st.m, ls);
        ROW_OVF(bad, i, inf_as(r, f32), isfinite(xi));
        st1(y, i, r, f32);
    }
    return bad;
}

K_INLINE size_t log_softmax_vjp_rows(const void *x, const void *go, void *g, size_t n, int f32)
{
    int vec = row_vec(n);
    row_stats st = row_stats_for(x, go, n, WANT_SG, vec, f32);
    size_t bad = n, i = 0;
    if (!isfinite(st.m)) {
        dd sp[4] = {{0, 0}, {0, 0}, {0, 0}, {0, 0}};
        for (size_t i = 0; i < n; i++) sp[i & 3] = dd_add_d(sp[i & 3], ld1(go, i, f32));
        double s = ieee_sum(x, n, st.m, f32), sg = sum4(sp).hi;
        for (size_t i = 0; i < n; i++)
            st1(g, i, ld1(go, i, f32) - ieee_softmax(ld1(x, i, f32), st.m, s) * sg, f32);
        return n;
    }
    dd K = dd_div(st.sg, s_of(&st));
#ifdef K_HAVE_VEC
    if (vec) {
        i = n & ~(size_t)3;
        bad = f32 ? log_softmax_vjp_out_vec_f32(x, go, g, i, st.m, K)
                  : log_softmax_vjp_out_vec_f64(x, go, g, i, st.m, K);
        if (bad == i) bad = n;
    }
#endif
    for (; i < n; i++) {
        double xi = ld1(x, i, f32), gi = ld1(go, i, f32), r = lvjp_at(xi, gi, st.m, K);
        ROW_OVF(bad, i, inf_as(r, f32), isfinite(xi) && isfinite(gi));
        st1(g, i, r, f32);
    }
    return bad;
}

ACTIV_FMA_CLONES static size_t log_softmax_value_f64(const double *x, double *y, size_t n,
                                                     const double *p)
{
    (void)p;
    return log_softmax_value_rows(x, y, n, 0);
}

ACTIV_FMA_CLONES static size_t log_softmax_value_f32(const float *x, float *y, size_t n,
                                                     const double *p)
{
    (void)p;
    return log_softmax_value_rows(x, y, n, 1);
}

ACTIV_FMA_CLONES static size_t log_softmax_vjp_f64(const double *x, const double *go, double *g,
                                                   size_t n, const double *p)
{
    (void)p;
    return log_softmax_vjp_rows(x, go, g, n, 0);
}

ACTIV_FMA_CLONES static size_t log_softmax_vjp_f32(const float *x, const float *go, float *g,
                                                   size_t n, const double *p)
{
    (void)p;
    return log_softmax_vjp_rows(x, go, g, n, 1);
}

static const struct activ_rw log_softmax_rows = {log_softmax_value_f64, log_softmax_value_f32,
                                                 log_softmax_vjp_f64, log_softmax_vjp_f32};

const struct activ_fn activ_fn_log_softmax = {
    .name = "log_softmax",
    .aliases = NO_ALIASES,
    .summary = "log(softmax(x)) over the last axis, without forming softmax.",
    .pytorch = "torch.nn.functional.log_softmax(x, dim=-1)",
    .formula = "x_i - log(sum(exp(x_j)))",
    .formula_tex = "x_i - \\ln \\sum_j e^{x_j}",
    .derivative = "g_i - exp(y_i)*sum(g_j)",
    .derivative_tex = "(J^\\top g)_i = g_i - e^{y_i} \\sum_j g_j",
    .range = "(-inf, 0]",
    .ulp_value = 1,
    .ulp_grad = 2,
    .accuracy = "(x_i - m) - log1p(sum of the other terms), both <= 0 so nothing cancels; "
                "double-double throughout. VJP g_i - e^(x_i-m)*K, K = sum(g_j)/s: within 2 "
                "ULP unless it cancels; then the error is at most "
                "2^-60*(|g_i| + softmax_i*sum|g_j|). float32 VJP: in plain double where the "
                "difference keeps 2^-12 of its terms (error below 2^-37), else in "
                "double-double.",
    .rw = &log_softmax_rows,
};
