/*
 * fn/list.h - THE list of activations, one line each, in catalogue order
 * (internal). Each line names a registry row, defined in its family's file
 * (lib/fn/<family>.c). An X-macro: define ACTIV_FN(row) before including
 * it. registry.c expands it into the table, and everything else (activ_at,
 * the daemon's catalogue and OpenAPI enum, docs/activations.md, the README's
 * list, the table-driven tests) follows the table. Adding an activation: its
 * kernels and row in a family file, and one line here.
 */
ACTIV_FN(activ_fn_sigmoid)
ACTIV_FN(activ_fn_tanh)
ACTIV_FN(activ_fn_relu)
ACTIV_FN(activ_fn_leaky_relu)
ACTIV_FN(activ_fn_relu6)
ACTIV_FN(activ_fn_elu)
ACTIV_FN(activ_fn_selu)
ACTIV_FN(activ_fn_celu)
ACTIV_FN(activ_fn_gelu)
ACTIV_FN(activ_fn_silu)
ACTIV_FN(activ_fn_mish)
ACTIV_FN(activ_fn_softplus)
ACTIV_FN(activ_fn_softsign)
ACTIV_FN(activ_fn_hardtanh)
ACTIV_FN(activ_fn_hardsigmoid)
ACTIV_FN(activ_fn_hardswish)
ACTIV_FN(activ_fn_logsigmoid)
ACTIV_FN(activ_fn_tanhshrink)
ACTIV_FN(activ_fn_softshrink)
ACTIV_FN(activ_fn_hardshrink)
ACTIV_FN(activ_fn_threshold)
ACTIV_FN(activ_fn_prelu)
ACTIV_FN(activ_fn_identity)
ACTIV_FN(activ_fn_softmax)
ACTIV_FN(activ_fn_log_softmax)
