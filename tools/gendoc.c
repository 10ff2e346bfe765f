/*
 * gendoc.c - print docs/activations.md, generated from libactiv's registry
 * and the measured accuracy table, or the README with its list of
 * activations generated.
 *
 *   gendoc [docs/measured-accuracy.tsv] > docs/activations.md   (make docs)
 *   gendoc --readme README.md > README.md.new                   (make docs)
 */
#include <stdio.h>
#include <string.h>

#include "docgen.h"

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--readme") == 0) {
        FILE *in = fopen(argv[2], "r");
        if (!in) {
            perror(argv[2]);
            return 1;
        }
        int st = docgen_readme(in, stdout);
        fclose(in);
        if (st != 0) fprintf(stderr, "%s: no list between the markers of docgen.h\n", argv[2]);
        return st == 0 ? 0 : 1;
    }
    if (argc > 2) {
        fprintf(stderr, "usage: %s [measured-accuracy.tsv] | --readme README.md\n", argv[0]);
        return 2;
    }
    return docgen_write(stdout, argc > 1 ? argv[1] : NULL) == 0 ? 0 : 1;
}
