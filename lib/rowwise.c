/*
 * rowwise.c - softmax and log_softmax over one row.
 *
 * Both shift by the row maximum m so exp never overflows:
 *   softmax_i     = exp(x_i - m) / s,         s = sum_j exp(x_j - m) >= 1
 *   log_softmax_i = (x_i - m) - log(s)
 * Their derivatives are only offered as vector-Jacobian products (what
 * autograd's backward computes); the full Jacobian is n*n numbers.
 *   softmax:     g_i = y_i * (go_i - sum_j go_j y_j)
 *   log_softmax: g_i = go_i - exp(y_i) * sum_j go_j
 * Each pass reads x_i and go_i before writing out_i, and y is recomputed
 * rather than stored, so x, go and the output may alias and nothing is
 * allocated. float32 rows are widened element by element as they are read.
 */
#include <math.h>

#include "registry.h"

/* One body for double and float: T is the element type. */
#define ROW_MAX(T)                                                                                 \
    static double row_max_##T(const T *x, size_t n)                                               \
    {                                                                                              \
        double m = -INFINITY;                                                                      \
        for (size_t i = 0; i < n; i++)                                                             \
            if (x[i] > m || x[i] != x[i]) m = x[i];                                                \
        return m;                                                                                  \
    }                                                                                              \
    static double row_sum_##T(const T *x, size_t n, double m)                                     \
    {                                                                                              \
        double s = 0;                                                                              \
        for (size_t i = 0; i < n; i++) s += exp(x[i] - m);                                         \
        return s;                                                                                  \
    }

ROW_MAX(double)
ROW_MAX(float)

/* A row whose maximum is +Inf or NaN: exp(x - m) is NaN; follow IEEE (and
 * PyTorch): every output of such a row is NaN unless handled below. */

/* Record the first finite input whose result overflowed (see registry.h). */
#define ROW_OVF(bad, i, r, finite_in)                                                              \
    if (isinf(r) && (finite_in) && bad == n) bad = i

#define SOFTMAX(T, SUF)                                                                            \
    static size_t softmax_##SUF(const T *x, T *y, size_t n, const double *p)                       \
    {                                                                                              \
        (void)p;                                                                                   \
        double m = row_max_##T(x, n);                                                              \
        double s = row_sum_##T(x, n, m);                                                           \
        for (size_t i = 0; i < n; i++) y[i] = (T)(exp(x[i] - m) / s);                              \
        return n; /* in [0, 1]: cannot overflow */                                                 \
    }                                                                                              \
    static size_t softmax_vjp_##SUF(const T *x, const T *go, T *g, size_t n, const double *p)      \
    {                                                                                              \
        (void)p;                                                                                   \
        double m = row_max_##T(x, n);                                                              \
        double s = row_sum_##T(x, n, m);                                                           \
        double dot = 0;                                                                            \
        size_t bad = n;                                                                            \
        for (size_t i = 0; i < n; i++) dot += go[i] * (exp(x[i] - m) / s);                         \
        for (size_t i = 0; i < n; i++) {                                                           \
            int fin = isfinite(x[i]) && isfinite(go[i]);                                           \
            T r = (T)(exp(x[i] - m) / s * (go[i] - dot));                                          \
            ROW_OVF(bad, i, r, fin);                                                               \
            g[i] = r;                                                                              \
        }                                                                                          \
        return bad;                                                                                \
    }                                                                                              \
    static size_t log_softmax_##SUF(const T *x, T *y, size_t n, const double *p)                   \
    {                                                                                              \
        (void)p;                                                                                   \
        double m = row_max_##T(x, n);                                                              \
        double ls = log(row_sum_##T(x, n, m));                                                     \
        size_t bad = n;                                                                            \
        for (size_t i = 0; i < n; i++) {                                                           \
            int fin = isfinite(x[i]);                                                              \
            T r = (T)((x[i] - m) - ls);                                                            \
            ROW_OVF(bad, i, r, fin);                                                               \
            y[i] = r;                                                                              \
        }                                                                                          \
        return bad;                                                                                \
    }                                                                                              \
    static size_t log_softmax_vjp_##SUF(const T *x, const T *go, T *g, size_t n, const double *p)  \
    {                                                                                              \
        (void)p;                                                                                   \
        double m = row_max_##T(x, n);                                                              \
        double s = row_sum_##T(x, n, m);                                                           \
        double sg = 0;                                                                             \
        size_t bad = n;                                                                            \
        for (size_t i = 0; i < n; i++) sg += go[i];                                                \
        for (size_t i = 0; i < n; i++) {                                                           \
            int fin = isfinite(x[i]) && isfinite(go[i]);                                           \
            T r = (T)(go[i] - exp(x[i] - m) / s * sg);                                             \
            ROW_OVF(bad, i, r, fin);                                                               \
            g[i] = r;                                                                              \
        }                                                                                          \
        return bad;                                                                                \
    }

SOFTMAX(double, f64)
SOFTMAX(float, f32)

const struct activ_rw activ_softmax_rw = {softmax_f64, softmax_f32, softmax_vjp_f64,
                                          softmax_vjp_f32};
const struct activ_rw activ_log_softmax_rw = {log_softmax_f64, log_softmax_f32,
                                              log_softmax_vjp_f64, log_softmax_vjp_f32};
