/*
 * docgen.h - docs/activations.md from the registry (shared by tools/gendoc
 * and the unit test that fails when the committed file is stale).
 */
#ifndef TESTS_DOCGEN_H
#define TESTS_DOCGEN_H

#include <stdio.h>

/* Write the whole document to out. measured_tsv: the accuracy test's
 * measurements (docs/measured-accuracy.tsv); NULL or unreadable gives a
 * note instead of the table. Returns 0, or -1 on a write error. */
int docgen_write(FILE *out, const char *measured_tsv);

#endif
