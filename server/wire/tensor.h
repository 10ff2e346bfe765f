/*
 * tensor.h - a tensor (values and the shape of a js_numarray) as JSON
 * nested arrays, numbers in numtext's shortest round-trip form.
 *
 * Big answers are printed in parts on several threads: elements [a, b)
 * print as text that, concatenated with the parts before and after it,
 * is the whole tensor. Room is reserved up front for the worst case, so
 * the loop has no bounds checks; reserved pages that are never written
 * cost no memory.
 */
#ifndef ACTIVD_TENSOR_H
#define ACTIVD_TENSOR_H

#include <stddef.h>

#include "core/obuf.h"
#include "wire/jsonscan.h"

/* Bytes tensor_elems may write for elements [a, b) of s (s->n > 0). */
size_t tensor_room(const js_numarray *s, size_t a, size_t b);
/* Elements [a, b) of the tensor of shape s (s->n > 0, s->ndim > 0) whose
 * values are v (float with f32, else double), written at p, which has
 * tensor_room bytes; returns the end of what was written. */
char *tensor_elems(char *p, const void *v, int f32, const js_numarray *s, size_t a, size_t b);
/* The whole tensor (any shape: a bare number, empty arrays) appended to b. */
void tensor_put(obuf *b, const void *v, int f32, const js_numarray *s);

#endif
