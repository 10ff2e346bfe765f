/*
 * activ.h - libactiv: neural-network activation functions and their
 * derivatives, accurate over the whole double range.
 *
 * This header is the whole contract between libactiv and its users (the
 * activd daemon, the tests, any program). Rules that hold for every call:
 *
 *  - Thread-safe: the library has no mutable global state. Every object it
 *    hands out (activ_fn, activ_param_spec, strings) is static and constant;
 *    never free it.
 *  - No allocation, no printing, no exit: results go into buffers the caller
 *    owns; failures are reported as activ_status codes.
 *  - Names are prefixed activ_ / ACTIV_. Status codes are never reused: a
 *    code keeps its number and meaning forever, new ones get new numbers.
 */
#ifndef ACTIV_H
#define ACTIV_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Symbols of the shared library: everything else is hidden. */
#if defined(__GNUC__) && __GNUC__ >= 4
#define ACTIV_API __attribute__((visibility("default")))
#else
#define ACTIV_API
#endif

/* ---- Versions ----------------------------------------------------------- */

#define ACTIV_VERSION_MAJOR  1
#define ACTIV_VERSION_MINOR  0
#define ACTIV_VERSION_PATCH  0
#define ACTIV_VERSION_STRING "1.0.0"
/* 0xMMmmpp, comparable with <, like LIBCURL_VERSION_NUM. */
#define ACTIV_VERSION_NUM                                                                          \
    ((ACTIV_VERSION_MAJOR << 16) | (ACTIV_VERSION_MINOR << 8) | ACTIV_VERSION_PATCH)

/* The version of the library actually linked (may differ from the macros the
 * caller was compiled against). Returns a static string / ACTIV_VERSION_NUM. */
ACTIV_API const char *activ_version(void);
ACTIV_API unsigned activ_version_num(void);

/* ---- Status codes ------------------------------------------------------- */

/* Every status code, once, as X(name, number, sentence), each after a
 * comment saying what it means. The enum and activ_strerror's sentences are
 * expanded from this list; ACTIV_STATUS_LIST(X) with an X of your own gives
 * a table of them. */
#define ACTIV_STATUS_LIST(X)                                                                       \
    X(ACTIV_OK, 0, "success")                                                                      \
    /* NULL pointer or impossible size from the caller */                                          \
    X(ACTIV_EINVAL, 1, "invalid argument")                                                         \
    /* no activation (or alias) with that name */                                                  \
    X(ACTIV_ENOTFOUND, 2, "unknown activation")                                                    \
    /* the activation has no parameter with that name */                                           \
    X(ACTIV_EPARAM_UNKNOWN, 3, "unknown parameter")                                                \
    /* parameter value is NaN or infinite */                                                       \
    X(ACTIV_EPARAM_NOTFINITE, 4, "parameter must be a finite number")                              \
    /* parameter value outside its bounds */                                                       \
    X(ACTIV_EPARAM_RANGE, 5, "parameter out of bounds")                                            \
    /* a required parameter was not set */                                                         \
    X(ACTIV_EPARAM_MISSING, 6, "required parameter missing")                                       \
    /* parameters contradict each other (min_val >= max_val) */                                    \
    X(ACTIV_EPARAM_ORDER, 7, "parameters contradict each other")                                   \
    /* string parameter is not one of its choices */                                               \
    X(ACTIV_EPARAM_CHOICE, 8, "parameter is not one of its choices")                               \
    /* number given for a string parameter or vice versa */                                        \
    X(ACTIV_EPARAM_TYPE, 9, "parameter has the wrong type")                                        \
    /* this derivative needs grad_output (softmax) */                                              \
    X(ACTIV_EGRAD_OUTPUT, 10, "this derivative needs grad_output")                                 \
    /* row length is 0 or does not divide the element count */                                     \
    X(ACTIV_EROW, 11, "row length must divide the element count")                                  \
    /* a finite input gave an infinite result (true overflow); every output is                     \
     * still written, IEEE style */                                                                \
    X(ACTIV_ERANGE, 12, "result overflowed")                                                       \
    /* the activation has no derivative of the order asked for (a rowwise                          \
     * function and ACTIV_GRAD2) */                                                                \
    X(ACTIV_EORDER, 13, "this activation has no derivative of that order")
/* next free: 14 */

#define ACTIV_STATUS_ENUM_(name, number, sentence) name = number,
typedef enum activ_status { ACTIV_STATUS_LIST(ACTIV_STATUS_ENUM_) } activ_status;
#undef ACTIV_STATUS_ENUM_

/* How many codes there are; they are numbered 0 .. ACTIV_STATUS_COUNT - 1. */
#define ACTIV_STATUS_ONE_(name, number, sentence) +1
enum { ACTIV_STATUS_COUNT = 0 ACTIV_STATUS_LIST(ACTIV_STATUS_ONE_) };
#undef ACTIV_STATUS_ONE_

/* A static English sentence for a status code, never NULL (unknown codes get
 * "unknown status"). */
ACTIV_API const char *activ_strerror(activ_status status);

/* ---- The registry ------------------------------------------------------- */

/* One activation function: a row of the library's single registry table.
 * Opaque, static, constant; compare handles with ==. */
typedef struct activ_fn activ_fn;

/* Number of registry entries, and entry i (0 <= i < activ_count()), in the
 * catalogue's order; NULL past the end. */
ACTIV_API size_t activ_count(void);
ACTIV_API const activ_fn *activ_at(size_t i);

/* Look an activation up by name or alias. Matching ignores ASCII case and the
 * characters '-' and '_' ("LeakyReLU", "leaky-relu" and "leaky_relu" are one
 * name). activ_find takes a NUL-terminated string, activ_find_n a length
 * (the bytes need not be NUL-terminated). NULL when nothing matches. */
ACTIV_API const activ_fn *activ_find(const char *name);
ACTIV_API const activ_fn *activ_find_n(const char *name, size_t len);

/* Close matches for a name that activ_find_n did not find, best first, by
 * edit distance over names and aliases (normalised as above). Writes up to
 * cap distinct entries to out and returns how many it wrote. */
ACTIV_API size_t activ_suggest(const char *name, size_t len, const activ_fn **out, size_t cap);

/* Entry i of the registry, for activ_fn handle f. All strings are static. */
typedef enum activ_kind {
    ACTIV_ELEMENTWISE = 0, /* y[i] depends on x[i] only */
    ACTIV_ROWWISE = 1      /* y of a row depends on the whole row (softmax) */
} activ_kind;

ACTIV_API const char *activ_name(const activ_fn *f);
/* NULL-terminated list of aliases (possibly empty, never NULL). */
ACTIV_API const char *const *activ_aliases(const activ_fn *f);
ACTIV_API activ_kind activ_kind_of(const activ_fn *f);

/* Text fields of an entry; never NULL ("" when an entry has none).
 * Formulas are plain text in Python syntax over x and the parameter names
 * (the tests evaluate exactly these strings in MPFR as the reference) and
 * LaTeX for display. */
typedef enum activ_text {
    ACTIV_TEXT_SUMMARY = 0,           /* one sentence */
    ACTIV_TEXT_FORMULA = 1,           /* f(x), plain text */
    ACTIV_TEXT_FORMULA_LATEX = 2,     /* f(x), LaTeX */
    ACTIV_TEXT_DERIVATIVE = 3,        /* f'(x), plain text, kink conventions included */
    ACTIV_TEXT_DERIVATIVE_LATEX = 4,  /* f'(x), LaTeX */
    ACTIV_TEXT_RANGE = 5,             /* output range in interval notation, e.g. "(0, 1)" */
    ACTIV_TEXT_CONSTANTS = 6,         /* fixed constants, e.g. selu's "scale = ..., alpha = ..." */
    ACTIV_TEXT_ACCURACY = 7,          /* how the kernels stay accurate, and any ULP exception */
    ACTIV_TEXT_PYTORCH = 8,           /* the torch.nn.functional equivalent */
    ACTIV_TEXT_DERIVATIVE2 = 9,       /* f''(x), plain text, kink conventions included;
                                         "" for rowwise functions */
    ACTIV_TEXT_DERIVATIVE2_LATEX = 10 /* f''(x), LaTeX; "" for rowwise functions */
} activ_text;
ACTIV_API const char *activ_text_of(const activ_fn *f, activ_text which);

/* Documented error bounds of the float64 kernels, in units in the last place
 * of the exact result, by order: 0 the value (1 or 2), 1 the first
 * derivative (2 or 3), 2 the second derivative (2 or 3). NaN for any other
 * order, for order 2 of a rowwise function (it has none) and for f NULL. */
ACTIV_API double activ_ulp_bound(const activ_fn *f, int order);

/* A fixed constant of a formula (selu's scale and alpha). */
typedef struct activ_const {
    const char *name;
    double value;
} activ_const;
ACTIV_API size_t activ_const_count(const activ_fn *f);
ACTIV_API const activ_const *activ_const_at(const activ_fn *f, size_t i);

/* ---- Parameters --------------------------------------------------------- */

#define ACTIV_MAX_PARAMS 4

typedef enum activ_param_type {
    ACTIV_PARAM_REAL = 0,  /* a finite double */
    ACTIV_PARAM_CHOICE = 1 /* one of a list of strings (gelu's approximate) */
} activ_param_type;

/* Flags of a parameter spec. */
#define ACTIV_PARAM_REQUIRED 0x1u /* no default: the caller must set it */
#define ACTIV_PARAM_MIN_OPEN 0x2u /* bound is exclusive: value > min */
#define ACTIV_PARAM_MAX_OPEN 0x4u /* bound is exclusive: value < max */
#define ACTIV_PARAM_NONZERO  0x8u /* value != 0 (celu's alpha) */

typedef struct activ_param_spec {
    const char *name;
    activ_param_type type;
    double def;                 /* default; for CHOICE the index of the default choice */
    double min, max;            /* bounds (-HUGE_VAL / HUGE_VAL when unbounded); REAL only */
    unsigned flags;             /* ACTIV_PARAM_* */
    const char *const *choices; /* CHOICE: NULL-terminated list; REAL: NULL */
    const char *def_text;       /* the default as written in the docs ("1/6"); when the
                                   value equals def, the exact def_text is meant */
    const char *doc;            /* one sentence */
} activ_param_spec;

ACTIV_API size_t activ_param_count(const activ_fn *f);
/* Spec i of f, or NULL when i >= activ_param_count(f). */
ACTIV_API const activ_param_spec *activ_param_at(const activ_fn *f, size_t i);
/* Index of the parameter called name (exact, case-sensitive), or -1. */
ACTIV_API int activ_param_index(const activ_fn *f, const char *name, size_t len);

/* ---- Kink conventions --------------------------------------------------- */

/* A point where f is not differentiable and the value the library returns
 * for f' there (PyTorch autograd's convention). `at` and `grad` are
 * expressions over the parameters, in the formula syntax ("min_val",
 * "negative_slope", "0"); `note` says it in words. */
typedef struct activ_kink {
    const char *at;
    const char *grad;
    const char *note;
} activ_kink;
ACTIV_API size_t activ_kink_count(const activ_fn *f);
ACTIV_API const activ_kink *activ_kink_at(const activ_fn *f, size_t i);

/* The kinks of a derivative, by order: order 1 is the list above (where f
 * is not differentiable, `grad` the value of f' there); order 2 lists the
 * points where f' is not differentiable (it jumps, or has a corner), with
 * `grad` the value returned for f'' there (PyTorch's double backward: 0 at
 * every such point of today's rows, jumps and corners alike). A separate list,
 * since f' can have kinks where f has none (softplus at threshold/beta,
 * softsign at 0). Any other order: 0 kinks, NULL. */
ACTIV_API size_t activ_kink_count_order(const activ_fn *f, int order);
ACTIV_API const activ_kink *activ_kink_at_order(const activ_fn *f, int order, size_t i);

/* ---- Bound parameters --------------------------------------------------- */

/* An activation with its parameter values. Caller-allocated (on the stack is
 * fine): initialise with activ_params_init, change with the setters, then
 * activ_params_check before evaluating. The fields are visible only so the
 * struct can live on the stack; use the functions, not the fields. */
typedef struct activ_params {
    const activ_fn *fn;
    double v[ACTIV_MAX_PARAMS]; /* values in spec order; CHOICE as index */
    unsigned set;               /* bit i: parameter i was set explicitly */
} activ_params;

/* Bind f with every parameter at its default. ACTIV_EINVAL if p or f is NULL. */
ACTIV_API activ_status activ_params_init(activ_params *p, const activ_fn *f);

/* Set a REAL parameter by name. Checks this value alone: ACTIV_EPARAM_UNKNOWN,
 * ACTIV_EPARAM_TYPE (it is a CHOICE), ACTIV_EPARAM_NOTFINITE,
 * ACTIV_EPARAM_RANGE. On error p is unchanged. */
ACTIV_API activ_status activ_params_set(activ_params *p, const char *name, size_t name_len,
                                        double value);

/* Set a CHOICE parameter by name to one of its strings (exact match). */
ACTIV_API activ_status activ_params_set_choice(activ_params *p, const char *name, size_t name_len,
                                               const char *choice, size_t choice_len);

/* Check the whole set: required parameters present, relations between them
 * (hardtanh's min_val < max_val). On error, *bad_param (if not NULL) is the
 * index of the parameter at fault. */
ACTIV_API activ_status activ_params_check(const activ_params *p, size_t *bad_param);

/* Value of parameter i (CHOICE: the index), NaN when i is out of range. */
ACTIV_API double activ_params_get(const activ_params *p, size_t i);

/* ---- Evaluation --------------------------------------------------------- */

/* What to compute, and the element type of the arrays (float16 and
 * bfloat16 will be appended as 2 and 3; numbers are never reused). */
typedef enum activ_op {
    ACTIV_VALUE = 0, /* f(x) */
    ACTIV_GRAD = 1,  /* f'(x), or grad_output * f'(x) (rowwise: the VJP) */
    ACTIV_GRAD2 = 2  /* f''(x), or grad_output * f''(x) (elementwise only) */
} activ_op;

typedef enum activ_dtype {
    ACTIV_FLOAT64 = 0, /* double */
    ACTIV_FLOAT32 = 1  /* float: computed in double, rounded once */
} activ_dtype;

/*
 * The general entry point: out = op applied to x over n elements, the arrays
 * of element type dtype (x, grad_output and out all of it). Every other
 * evaluation function below is this one with op and dtype fixed.
 *
 *  - row: the length of the last axis. Rowwise functions (softmax) work on
 *    n/row rows of `row` elements; elementwise functions ignore it. 0 means
 *    "one row of n".
 *  - grad_output: ignored (pass NULL) for ACTIV_VALUE. For ACTIV_GRAD and
 *    ACTIV_GRAD2, NULL gives the derivative itself, else the product
 *    grad_output[i] * f'(x[i]) (f''), what autograd's backward computes;
 *    rowwise functions have no elementwise derivative and need it
 *    (ACTIV_EGRAD_OUTPUT), and have no ACTIV_GRAD2 (ACTIV_EORDER).
 *  - Any two of x, grad_output and out may be the same buffer (in place).
 *  - At kinks the derivatives take PyTorch autograd's values
 *    (activ_kink_at_order); NaN in gives NaN out; +-Inf the IEEE limit.
 *
 * Returns ACTIV_OK; ACTIV_EINVAL (p NULL, NULL buffers with n > 0, op or
 * dtype not one of the enums); a parameter status of activ_params_check;
 * ACTIV_EORDER; ACTIV_EROW; ACTIV_EGRAD_OUTPUT; or ACTIV_ERANGE when a
 * finite input (and finite grad_output) gave +-Inf (true overflow: all
 * outputs are written; *bad, if not NULL, is the first such index). *bad is
 * n when no element is bad. Checked in this order; nothing is written
 * unless the result is ACTIV_OK or ACTIV_ERANGE.
 */
ACTIV_API activ_status activ_compute(const activ_params *p, activ_op op, activ_dtype dtype,
                                     const void *x, const void *grad_output, void *out, size_t n,
                                     size_t row, size_t *bad);

/*
 * y = f(x) over n elements: activ_compute with ACTIV_VALUE. x and y may be
 * the same buffer (in place). `row` is the length of the last axis:
 * rowwise functions (softmax) work on n/row rows of `row` elements;
 * elementwise functions ignore it. Pass 0 to mean "one row of n".
 *
 * Returns ACTIV_OK, ACTIV_EINVAL (NULL buffers with n > 0, unchecked params),
 * ACTIV_EROW, or ACTIV_ERANGE when a finite input overflowed to +-Inf (all
 * outputs are written; *bad, if not NULL, is the first such index). *bad is
 * n when no element is bad.
 *
 * The _f32 forms take float arrays (ACTIV_FLOAT32); they compute in double
 * and round once, with the same kink conventions.
 */
ACTIV_API activ_status activ_eval(const activ_params *p, const double *x, double *y, size_t n,
                                  size_t row, size_t *bad);
ACTIV_API activ_status activ_eval_f32(const activ_params *p, const float *x, float *y, size_t n,
                                      size_t row, size_t *bad);

/*
 * g = f'(x) (grad_output == NULL), or the vector-Jacobian product
 * g = grad_output * f'(x) that autograd's backward computes: activ_compute
 * with ACTIV_GRAD. Rowwise functions have no elementwise derivative: they
 * need grad_output (ACTIV_EGRAD_OUTPUT otherwise). Any two of x,
 * grad_output, g may alias.
 */
ACTIV_API activ_status activ_grad(const activ_params *p, const double *x, const double *grad_output,
                                  double *g, size_t n, size_t row, size_t *bad);
ACTIV_API activ_status activ_grad_f32(const activ_params *p, const float *x,
                                      const float *grad_output, float *g, size_t n, size_t row,
                                      size_t *bad);

/*
 * g = f''(x) (grad_output == NULL), or g = grad_output * f''(x):
 * activ_compute with ACTIV_GRAD2, for elementwise functions (rowwise ones
 * give ACTIV_EORDER). Within activ_ulp_bound(f, 2) ULP of the exact f''
 * (float32: 1 ULP of the correctly rounded float); at the kinks of f' the
 * values of activ_kink_at_order(f, 2, i). Any two of x, grad_output, g may
 * alias.
 */
ACTIV_API activ_status activ_grad2(const activ_params *p, const double *x,
                                   const double *grad_output, double *g, size_t n, size_t row,
                                   size_t *bad);
ACTIV_API activ_status activ_grad2_f32(const activ_params *p, const float *x,
                                       const float *grad_output, float *g, size_t n, size_t row,
                                       size_t *bad);

#ifdef __cplusplus
}
#endif

#endif /* ACTIV_H */
