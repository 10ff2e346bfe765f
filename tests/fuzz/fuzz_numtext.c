/*
 * fuzz_numtext.c - libFuzzer target for the number codec alone: every
 * 8-byte (4-byte) chunk of the input, taken as a double (float), must print
 * as text that strtod (strtof) reads back to the same bits; and the input
 * taken as text, when it is a JSON number, must parse exactly as strtod.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wire/numtext.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void roundtrip64(double v)
{
    char buf[NUMTEXT_MAX + 1];
    size_t n = numtext_f64(v, buf);
    if (n > NUMTEXT_LONGEST) abort();
    buf[n] = '\0';
    if (!isfinite(v)) {
        const char *want = isnan(v) ? "\"NaN\"" : v > 0 ? "\"Infinity\"" : "\"-Infinity\"";
        if (strcmp(buf, want)) abort();
        return;
    }
    double back = strtod(buf, NULL);
    if (memcmp(&back, &v, sizeof v)) {
        fprintf(stderr, "%a printed as %s reads back as %a\n", v, buf, back);
        abort();
    }
}

static void roundtrip32(float v)
{
    char buf[NUMTEXT_MAX + 1];
    size_t n = numtext_f32(v, buf);
    if (n > NUMTEXT_LONGEST) abort();
    buf[n] = '\0';
    if (!isfinite(v)) return;
    float back = strtof(buf, NULL);
    if (memcmp(&back, &v, sizeof v)) {
        fprintf(stderr, "%a printed as %s reads back as %a\n", (double)v, buf, (double)back);
        abort();
    }
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? over the whole input */
static int json_number(const char *s, size_t n)
{
    size_t i = 0;
#define DIGIT(k) ((k) < n && s[k] >= '0' && s[k] <= '9')
    if (i < n && s[i] == '-') i++;
    if (i < n && s[i] == '0')
        i++;
    else if (DIGIT(i))
        while (DIGIT(i)) i++;
    else
        return 0;
    if (i < n && s[i] == '.') {
        i++;
        if (!DIGIT(i)) return 0;
        while (DIGIT(i)) i++;
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-')) i++;
        if (!DIGIT(i)) return 0;
        while (DIGIT(i)) i++;
    }
#undef DIGIT
    return i == n;
}

static void parse(const char *s, size_t n)
{
    if (!json_number(s, n)) return;
    char *z = malloc(n + 1);
    memcpy(z, s, n);
    z[n] = '\0';
    double want = strtod(z, NULL), got;
    int r = numtext_parse(s, n, &got);
    if (isinf(want) ? r != -1 : r != 0 || memcmp(&got, &want, sizeof got)) {
        fprintf(stderr, "numtext_parse(%s) differs from strtod\n", z);
        abort();
    }
    free(z);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    for (size_t i = 0; i + 8 <= size; i += 8) {
        double v;
        memcpy(&v, data + i, sizeof v);
        roundtrip64(v);
    }
    for (size_t i = 0; i + 4 <= size; i += 4) {
        float v;
        memcpy(&v, data + i, sizeof v);
        roundtrip32(v);
    }
    char *copy = malloc(size ? size : 1); /* exact size: ASan sees overreads */
    memcpy(copy, data, size);
    parse(copy, size);
    free(copy);
    return 0;
}
