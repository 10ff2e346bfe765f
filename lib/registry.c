/*
 * registry.c - the one table of activations.
 *
 * Adding an activation: two scalar kernels in kernels.h, one ACTIV_EW_LOOPS
 * line and one row below. (Optionally, four-lane versions of the kernels in
 * k_vec.h and ACTIV_EW_LOOPS_VEC instead: faster where the CPU has AVX2,
 * and test_lib_api checks they give the scalar kernels' bits; and float32
 * kernels in plain double, k_f32.h, with ACTIV_EW_LOOPS_VEC_F32_*: a float
 * result needs far less than double-double.) Formulas are Python-syntax plain
 * text over x, the parameters and the constants; the unit tests evaluate exactly these strings in
 * MPFR as the reference, so they must be the function the kernels compute, kink conventions
 * included (conditions decide which branch holds at a kink).
 */
#include <math.h>

#include "registry.h"

/* rowwise kernels live in rowwise.c */
extern const struct activ_rw activ_softmax_rw, activ_log_softmax_rw;

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
    .rw = &activ_softmax_rw,
};

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
    .rw = &activ_log_softmax_rw,
};

/* The rows, defined in their families' files (lib/fn/). */
#define ACTIV_FN(row) extern const struct activ_fn row;
#include "fn/list.h"
#undef ACTIV_FN

/* The table, in catalogue order: one entry per line of fn/list.h. */
#define ACTIV_FN(row) &row,
const struct activ_fn *const activ_registry[] = {
#include "fn/list.h"
};
#undef ACTIV_FN

const size_t activ_registry_len = sizeof activ_registry / sizeof activ_registry[0];
