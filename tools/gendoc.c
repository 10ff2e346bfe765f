/*
 * gendoc.c - print docs/activations.md, generated from libactiv's registry
 * and the measured accuracy table.
 *
 *   gendoc [docs/measured-accuracy.tsv] > docs/activations.md   (make docs)
 */
#include <stdio.h>

#include "docgen.h"

int main(int argc, char **argv)
{
    if (argc > 2) {
        fprintf(stderr, "usage: %s [measured-accuracy.tsv]\n", argv[0]);
        return 2;
    }
    return docgen_write(stdout, argc > 1 ? argv[1] : NULL) == 0 ? 0 : 1;
}
