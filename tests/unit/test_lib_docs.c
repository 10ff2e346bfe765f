/*
 * test_lib_docs.c - docs/activations.md and the README's list of activations
 * must be exactly what the generator (tests/common/docgen.c, tools/gendoc)
 * makes from today's registry and docs/measured-accuracy.tsv. Run from the
 * repository root (make unit does); `make docs` fixes a failure.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkrun.h"
#include "docgen.h"

#define DOC    "docs/activations.md"
#define README "README.md"
#define TSV    "docs/measured-accuracy.tsv"

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    char *buf = NULL;
    size_t cap = 0;
    *len = 0;
    for (;;) {
        if (*len + 4096 > cap) {
            cap = cap ? 2 * cap : 65536;
            buf = realloc(buf, cap);
        }
        size_t n = fread(buf + *len, 1, cap - *len, f);
        *len += n;
        if (n == 0) break;
    }
    fclose(f);
    return buf;
}

START_TEST(docs_are_current)
{
    char *gen = NULL;
    size_t glen = 0, dlen = 0;
    FILE *m = open_memstream(&gen, &glen);
    ck_assert_ptr_nonnull(m);
    ck_assert_int_eq(docgen_write(m, TSV), 0);
    fclose(m);
    char *doc = slurp(DOC, &dlen);
    ck_assert_msg(doc != NULL, DOC " missing (run from the repository root; make docs)");
    size_t i = 0;
    while (i < glen && i < dlen && gen[i] == doc[i]) i++;
    ck_assert_msg(glen == dlen && i == glen, DOC " is stale at byte %zu: run make docs", i);
    free(gen);
    free(doc);
}
END_TEST

START_TEST(readme_list_is_current)
{
    char *gen = NULL;
    size_t glen = 0, dlen = 0;
    FILE *in = fopen(README, "r");
    ck_assert_msg(in != NULL, README " missing (run from the repository root)");
    FILE *m = open_memstream(&gen, &glen);
    ck_assert_ptr_nonnull(m);
    ck_assert_msg(docgen_readme(in, m) == 0,
                  README ": no list between " DOCGEN_README_BEGIN " and " DOCGEN_README_END);
    fclose(m);
    fclose(in);
    char *doc = slurp(README, &dlen);
    ck_assert_ptr_nonnull(doc);
    size_t i = 0;
    while (i < glen && i < dlen && gen[i] == doc[i]) i++;
    ck_assert_msg(glen == dlen && i == glen, README " is stale at byte %zu: run make docs", i);
    ck_assert_ptr_nonnull(strstr(gen, "log_softmax."));
    free(gen);
    free(doc);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("libactiv docs");
    TCase *tc = tcase_create("docs");
    tcase_add_test(tc, docs_are_current);
    tcase_add_test(tc, readme_list_is_current);
    suite_add_tcase(s, tc);
    return check_run(s);
}
