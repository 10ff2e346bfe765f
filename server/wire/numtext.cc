// numtext.cc - the C-callable shim over dragonbox (printing) and fast_float
// (parsing). See numtext.h for the contract.
//
// Printing follows ECMAScript Number::toString: with the shortest digits
// d1..dk and n such that v = 0.d1..dk * 10^n, the layout depends only on k and
// n, so we write the digits once (two at a time from a table) and then place
// the decimal point, the zeros or the exponent around them.

#include "wire/numtext.h"

#include <cmath>
#include <cstdint>
#include <cstring>

#include <dragonbox/dragonbox.h>
#include <fast_float/fast_float.h>

namespace
{

// "00" "01" ... "99": two digits per division halves the divisions.
constexpr char kDigits2[201] = "00010203040506070809"
                               "10111213141516171819"
                               "20212223242526272829"
                               "30313233343536373839"
                               "40414243444546474849"
                               "50515253545556575859"
                               "60616263646566676869"
                               "70717273747576777879"
                               "80818283848586878889"
                               "90919293949596979899";

// Exactly eight digits of v < 10^8 (leading zeros kept) at p, in 32-bit
// arithmetic: the 64-bit divisions are the slow part of digit output.
inline void write8(std::uint32_t v, char *p)
{
    std::uint32_t hi = v / 10000, lo = v % 10000;
    std::memcpy(p, kDigits2 + 2 * (hi / 100), 2);
    std::memcpy(p + 2, kDigits2 + 2 * (hi % 100), 2);
    std::memcpy(p + 4, kDigits2 + 2 * (lo / 100), 2);
    std::memcpy(p + 6, kDigits2 + 2 * (lo % 100), 2);
}

// Write the decimal digits of s ending just before end; return the count.
// s is at most 17 digits (dragonbox's shortest for double) and nonzero.
inline int write_digits(std::uint64_t s, char *end)
{
    char *p = end;
    while (s >= 100000000) {
        p -= 8;
        write8(std::uint32_t(s % 100000000), p);
        s /= 100000000;
    }
    std::uint32_t r = std::uint32_t(s);
    while (r >= 100) {
        p -= 2;
        std::memcpy(p, kDigits2 + 2 * (r % 100), 2);
        r /= 100;
    }
    if (r >= 10) {
        p -= 2;
        std::memcpy(p, kDigits2 + 2 * r, 2);
    } else {
        *--p = char('0' + r);
    }
    return int(end - p);
}

// Write the exponent part "e+N" / "e-N" (|N| <= 324).
inline char *write_exponent(int e, char *p)
{
    *p++ = 'e';
    *p++ = e < 0 ? '-' : '+';
    unsigned u = unsigned(e < 0 ? -e : e);
    if (u >= 100) {
        *p++ = char('0' + u / 100);
        u %= 100;
        std::memcpy(p, kDigits2 + 2 * u, 2);
        return p + 2;
    }
    if (u >= 10) {
        std::memcpy(p, kDigits2 + 2 * u, 2);
        return p + 2;
    }
    *p++ = char('0' + u);
    return p;
}

// Copy n <= 32 bytes as two overlapping fixed-size moves, inline: a libc
// memcpy call for each run of digits showed in the profile of every
// request (docs/performance.md).
inline void copy_short(char *dst, const char *src, int n)
{
    if (n >= 16) {
        std::memcpy(dst, src, 16);
        std::memcpy(dst + n - 16, src + n - 16, 16);
    } else if (n >= 8) {
        std::memcpy(dst, src, 8);
        std::memcpy(dst + n - 8, src + n - 8, 8);
    } else if (n >= 4) {
        std::memcpy(dst, src, 4);
        std::memcpy(dst + n - 4, src + n - 4, 4);
    } else {
        for (int i = 0; i < n; i++) dst[i] = src[i];
    }
}

// n <= 21 '0's.
inline void zeros_short(char *dst, int n)
{
    static const char z[] = "000000000000000000000000";
    copy_short(dst, z, n);
}

// Lay out digits d[0..k) with v = 0.d * 10^n the way ECMAScript does.
// out has room for NUMTEXT_MAX bytes; the longest case is "0.00000" + 17 digits.
char *layout(const char *d, int k, int n, char *p)
{
    if (k <= n && n <= 21) { // integer: digits then n - k zeros
        copy_short(p, d, k);
        p += k;
        zeros_short(p, n - k);
        return p + (n - k);
    }
    if (0 < n && n <= 21) { // point inside the digits
        copy_short(p, d, n);
        p += n;
        *p++ = '.';
        copy_short(p, d + n, k - n);
        return p + (k - n);
    }
    if (-6 < n && n <= 0) { // "0.000ddd"
        *p++ = '0';
        *p++ = '.';
        zeros_short(p, -n);
        p += -n;
        copy_short(p, d, k);
        return p + k;
    }
    *p++ = d[0]; // exponential: d[.ddd]e±(n-1)
    if (k > 1) {
        *p++ = '.';
        copy_short(p, d + 1, k - 1);
        p += k - 1;
    }
    return write_exponent(n - 1, p);
}

size_t special(bool neg, bool nan, bool zero, char *buf)
{
    const char *s = nan    ? "\"NaN\""
                    : zero ? (neg ? "-0" : "0")
                    : neg  ? "\"-Infinity\""
                           : "\"Infinity\"";
    size_t n = std::strlen(s);
    std::memcpy(buf, s, n);
    return n;
}

template <class Float> size_t print(Float v, char *buf)
{
    if (!std::isfinite(v) || v == 0) return special(std::signbit(v), std::isnan(v), v == 0, buf);
    auto dec = jkj::dragonbox::to_decimal(v);
    char *p = buf;
    if (dec.is_negative) *p++ = '-';
    char digits[24];
    char *end = digits + sizeof digits;
    int k = write_digits(dec.significand, end);
    p = layout(end - k, k, k + dec.exponent, p);
    return size_t(p - buf);
}

} // namespace

extern "C" size_t numtext_f64(double v, char *buf)
{
    return print(v, buf);
}

extern "C" size_t numtext_f32(float v, char *buf)
{
    return print(v, buf);
}

extern "C" int numtext_parse(const char *s, size_t len, double *out)
{
    double v = 0;
    fast_float::from_chars(s, s + len, v);
    if (std::isinf(v)) return -1;
    *out = v;
    return 0;
}

extern "C" int numtext_parse_parts(std::uint64_t w, std::int64_t q, int neg, const char *s,
                                   size_t len, double *out)
{
    // Eisel-Lemire on the digits jsonscan already has; power2 < 0 means the
    // product could not decide the rounding: the full parse compares digits.
    using fmt = fast_float::binary_format<double>;
    fast_float::adjusted_mantissa am = fast_float::compute_float<fmt>(q, w);
    if (am.power2 < 0) return numtext_parse(s, len, out);
    double v;
    fast_float::to_float(neg != 0, am, v);
    if (std::isinf(v)) return -1;
    *out = v;
    return 0;
}
