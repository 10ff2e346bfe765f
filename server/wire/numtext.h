/*
 * numtext.h - numbers <-> text, the hot path of every request.
 *
 * Parsing: strict JSON number grammar checked by the caller (jsonscan.c),
 * then fast_float (Debian's libfast-float-dev) converts the validated span,
 * correctly rounded like strtod and several times faster (make
 * bench-numtext).
 *
 * Printing: the shortest digits that round-trip (dragonbox, Debian's
 * libdragonbox-dev), laid out as ECMAScript's Number.prototype.toString does
 * (what Node.js prints): "0.1", "100", "1e-7", "1.5e+300", and "-0" for
 * negative zero so the text parses back to the exact same double (or float,
 * for the _f32 form). Non-finite values are written as the JSON strings
 * "NaN", "Infinity", "-Infinity" (quotes included), so the output is always
 * valid JSON.
 *
 * Both are C-callable shims over C++ header libraries (numtext.cc); they
 * never allocate.
 */
#ifndef ACTIVD_NUMTEXT_H
#define ACTIVD_NUMTEXT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Room a call to numtext_f64/_f32 needs at buf: the longest text with room
 * to spare. */
#define NUMTEXT_MAX 32
/* The longest text they return: "-0.0000012345678901234567" (17 digits after
 * five zeros; the exponential form is at most 24, "\"-Infinity\"" 11). Many
 * numbers written one after another need NUMTEXT_LONGEST each plus one
 * NUMTEXT_MAX at the end. */
#define NUMTEXT_LONGEST 25

/* Write v into buf (at least NUMTEXT_MAX bytes, not NUL-terminated);
 * return the number of bytes written. */
size_t numtext_f64(double v, char *buf);
size_t numtext_f32(float v, char *buf);

/* Convert s[0..len) - which the caller has already checked against the JSON
 * number grammar - to the nearest double. Returns 0 on success, -1 if the
 * magnitude overflows (|v| rounds to infinity: jansson rejects those with
 * "real number overflow", and so do we). Underflow gives 0 or a subnormal,
 * like strtod. */
int numtext_parse(const char *s, size_t len, double *out);

/* The same conversion for a caller that has already gathered the digits while
 * checking the grammar: the value is (neg ? -1 : 1) * w * 10^q, where w holds
 * all the significant digits exactly (at most 19 of them). Skips fast_float's
 * second pass over the text; s[0..len) is still needed for the rare inputs
 * that sit too close to a halfway point for the 128-bit product to decide.
 * Returns as numtext_parse. */
int numtext_parse_parts(uint64_t w, int64_t q, int neg, const char *s, size_t len, double *out);

#ifdef __cplusplus
}
#endif

#endif
