/*
 * tensor.c - tensors as JSON text; see tensor.h.
 */
#include "wire/tensor.h"

#include <string.h>

#include "wire/numtext.h"

/* Number of '[' ... ']' pairs a shape prints: 1 + d0 + d0*d1 + ... */
static size_t bracket_pairs(const js_numarray *s)
{
    size_t total = 0, arrays = 1;
    for (unsigned d = 0; d < s->ndim; d++) {
        total += arrays;
        arrays *= s->dims[d];
    }
    return total;
}

/* A tensor with no elements ([[], []]): only brackets. */
static char *put_empty(char *p, const js_numarray *s, unsigned d)
{
    *p++ = '[';
    for (size_t k = 0; d + 1 < s->ndim && k < s->dims[d]; k++) {
        p = put_empty(p, s, d + 1);
        *p++ = ',';
    }
    if (d + 1 < s->ndim && s->dims[d]) p--;
    *p++ = ']';
    return p;
}

/* Each number and a separator; where rows meet (at most (b-a)/row + 1
 * times in the part), and at the first and last element, up to 2*ndim
 * brackets; and NUMTEXT_MAX to write the last number in. */
size_t tensor_room(const js_numarray *s, size_t a, size_t b)
{
    size_t nd = s->ndim, row = nd ? s->dims[nd - 1] : 1;
    return (b - a) * (NUMTEXT_LONGEST + 1) + ((b - a) / row + 2) * 2 * nd + NUMTEXT_MAX;
}

/* Each element is preceded by what separates it from the one before: ','
 * inside a row, and where rows meet as many ']' ',' '[' as dimensions end
 * there. The first element opens ndim brackets, the last closes them. */
char *tensor_elems(char *p, const void *v, int f32, const js_numarray *s, size_t a, size_t b)
{
    unsigned nd = s->ndim;
    size_t row = s->dims[nd - 1], col = a % row, stride[JS_MAX_DIMS];
    stride[nd - 1] = 1; /* elements per index of dimension d */
    for (unsigned d = nd - 1; d-- > 0;) stride[d] = stride[d + 1] * s->dims[d + 1];
    for (size_t i = a; i < b; i++) {
        if (i == 0) {
            memset(p, '[', nd);
            p += nd;
        } else if (col == 0) {
            unsigned m = 1;
            while (m + 1 < nd && i % stride[nd - 2 - m] == 0) m++;
            memset(p, ']', m);
            p[m] = ',';
            memset(p + m + 1, '[', m);
            p += 2 * m + 1;
        } else {
            *p++ = ',';
        }
        p += f32 ? numtext_f32(((const float *)v)[i], p) : numtext_f64(((const double *)v)[i], p);
        if (++col == row) col = 0;
    }
    if (b == s->n) {
        memset(p, ']', nd);
        p += nd;
    }
    return p;
}

void tensor_put(obuf *b, const void *v, int f32, const js_numarray *s)
{
    size_t room = s->n ? tensor_room(s, 0, s->n) : bracket_pairs(s) * 3 + NUMTEXT_MAX;
    if (ob_reserve(b, room) != 0) return;
    char *p = b->p + b->len;
    if (s->ndim == 0)
        p += f32 ? numtext_f32(*(const float *)v, p) : numtext_f64(*(const double *)v, p);
    else if (s->n == 0)
        p = put_empty(p, s, 0);
    else
        p = tensor_elems(p, v, f32, s, 0, s->n);
    b->len = (size_t)(p - b->p);
}
