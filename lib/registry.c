/*
 * registry.c - the one table of activations: the rows of lib/fn/list.h in
 * its order, the catalogue's. Each row is defined in its family's file
 * (lib/fn/<family>.c) next to the kernels it names; nothing here changes
 * when an activation is added.
 */
#include "registry.h"

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
