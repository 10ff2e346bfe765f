/*
 * slices.c - one big flat array of numbers parsed on several threads.
 *
 * A big flat array of plain numbers ([n, n, ...]) is parsed in slices cut
 * at commas, one per thread. Commas are counted per slice first, so each
 * thread writes straight into its place in one array: no copy, no more
 * memory than the serial scanner. Anything else in a slice - a nested
 * array, a string, a syntax error - abandons the attempt (the first ']'
 * found may not even be the array's), and the serial scanner reads the
 * whole value and says what the text is.
 */
#include "decode/decode.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <stdlib.h>
#include <string.h>

#include "core/bigmem.h"
#include "core/par.h"

#ifndef PAR_PARSE_BYTES            /* the fuzz build makes it tiny, so fuzzing reaches the slices */
#define PAR_PARSE_BYTES (1u << 20) /* per slice, at least */
#endif

typedef struct slices {
    unsigned n;
    const char *b[PAR_MAX_PARTS + 1]; /* slice k is [b[k], e[k]) */
    const char *e[PAR_MAX_PARTS];
    size_t count[PAR_MAX_PARTS], off[PAR_MAX_PARTS];
    int bad[PAR_MAX_PARTS];
    double *out;
} slices;

/* Commas in [p, e). SSE2 (every x86-64): compare 16 bytes with ',', add the
 * 0/-1 bytes into byte counters for up to 255 rounds, sum them with psadbw,
 * so counting costs little beside parsing. Elsewhere, one byte at a time. */
static size_t count_commas(const char *p, const char *e)
{
    size_t n = 0;
#ifdef __SSE2__
    const __m128i comma = _mm_set1_epi8(',');
    while (e - p >= 16) {
        __m128i acc = _mm_setzero_si128();
        for (int r = 0; r < 255 && e - p >= 16; r++, p += 16)
            acc = _mm_sub_epi8(acc, _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)p), comma));
        __m128i sums = _mm_sad_epu8(acc, _mm_setzero_si128());
        n += (size_t)_mm_cvtsi128_si64(sums) + (size_t)_mm_extract_epi16(sums, 4);
    }
#endif
    for (; p < e; p++) n += *p == ',';
    return n;
}

static void count_slice(void *ctx, unsigned k)
{
    slices *s = ctx;
    s->count[k] = count_commas(s->b[k], s->e[k]) + 1;
}

static void parse_slice(void *ctx, unsigned k)
{
    slices *s = ctx;
    size_t got = 0;
    s->bad[k] = js_numlist(s->b[k], s->e[k], s->out + s->off[k], s->count[k], &got) != 0 ||
                got != s->count[k];
}

/* Cut [from, to) (the inside of the brackets) after commas into up to
 * `parts` slices of about equal length. */
static void cut_slices(slices *s, const char *from, const char *to, unsigned parts)
{
    size_t len = (size_t)(to - from);
    s->n = 0;
    s->b[0] = from;
    for (unsigned k = 1; k < parts; k++) {
        const char *at = from + len * k / parts, *c = memchr(at, ',', (size_t)(to - at));
        if (!c || c <= s->b[s->n]) break;
        s->e[s->n++] = c;
        s->b[s->n] = c + 1;
    }
    s->e[s->n++] = to;
}

int dec_parse_slices(const char *open, const char *end, const req_limits *lim, int *room_taken,
                     js_numarray *a, const char **after)
{
    unsigned threads = lim->threads;
    if (threads < 2 || open == end || *open != '[' || (size_t)(end - open) < 2 * PAR_PARSE_BYTES)
        return 0;
    const char *close = memchr(open + 1, ']', (size_t)(end - open - 1));
    if (!close) return 0;
    size_t len = (size_t)(close - open - 1), total = 0;
    slices s;
    memset(&s, 0, sizeof s);
    cut_slices(&s, open + 1, close, par_parts(len / PAR_PARSE_BYTES * PAR_MIN, threads));
    if (s.n < 2) return 0;
    par_run(count_slice, &s, s.n, threads);
    for (unsigned k = 0; k < s.n; k++) s.off[k] = total, total += s.count[k];
    if (lim->max_elements && total > lim->max_elements) return 0;
    int lent = !*room_taken && lim->room && total <= lim->room_cap / sizeof(double);
    if (!(s.out = lent ? lim->room : big_malloc(total * sizeof(double)))) return 0;
    par_run(parse_slice, &s, s.n, threads);
    for (unsigned k = 0; k < s.n; k++) {
        if (s.bad[k]) {
            if (!lent) free(s.out);
            return 0;
        }
    }
    *room_taken |= lent;
    a->lent = lent;
    a->v = s.out;
    a->n = a->cap = total;
    a->ndim = 1;
    a->dims[0] = total;
    *after = close + 1;
    return 1;
}
