/*
 * test_numtext.c - numtext: printing is ECMAScript's Number::toString layout
 * of the shortest round-trip digits, and parsing equals glibc strtod bit for
 * bit.
 *
 * The f64 reference table was printed once by node (String(v)) and pasted
 * here; everything else is checked against strtod/strtof and against a
 * brute-force shortest search with snprintf("%.*g").
 */
#include <check.h>
#include <float.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkrun.h"
#include "wire/numtext.h"

/* ck_assert* reports every passing check to the runner (a write per call),
 * which dominates loops of millions; CHECK only calls into Check on failure. */
#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        if (!(cond)) ck_abort_msg(__VA_ARGS__);                                                    \
    } while (0)

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static uint64_t rnd(void)
{
    /* xorshift64*: deterministic, so a failure reproduces */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545F4914F6CDD1Dull;
}

static double from_bits(uint64_t b)
{
    double d;
    memcpy(&d, &b, sizeof d);
    return d;
}

static uint64_t bits(double d)
{
    uint64_t b;
    memcpy(&b, &d, sizeof b);
    return b;
}

static uint32_t fbits(float f)
{
    uint32_t b;
    memcpy(&b, &f, sizeof b);
    return b;
}

/* numtext_f64 as a C string. */
static const char *p64(double v, char *buf)
{
    size_t n = numtext_f64(v, buf);
    CHECK(n <= NUMTEXT_LONGEST, "output too long");
    buf[n] = '\0';
    return buf;
}

static const char *p32(float v, char *buf)
{
    size_t n = numtext_f32(v, buf);
    CHECK(n <= NUMTEXT_LONGEST, "output too long");
    buf[n] = '\0';
    return buf;
}

/* ---- printing: reference outputs ----------------------------------------- */

static const struct {
    uint64_t bits;
    const char *text;
} node_f64[] = {
    {0x0000000000000000ULL, "0"},
    {0x3ff0000000000000ULL, "1"},
    {0xbff0000000000000ULL, "-1"},
    {0x3fb999999999999aULL, "0.1"},
    {0x3fc999999999999aULL, "0.2"},
    {0x3fd3333333333334ULL, "0.30000000000000004"},
    {0x3fd5555555555555ULL, "0.3333333333333333"},
    {0xbfe5555555555555ULL, "-0.6666666666666666"},
    {0x4059000000000000ULL, "100"},
    {0x405edd2f1a9fbe77ULL, "123.456"},
    {0xc023f33333333333ULL, "-9.975"},
    {0x4011666666666666ULL, "4.35"},
    {0x3f201f31f46ed246ULL, "0.000123"},
    {0x4132d687e4189375ULL, "1234567.891"},
    {0x444b1ae4d6e2ef50ULL, "1e+21"},
    {0x4415af1d78b58c40ULL, "100000000000000000000"},
    {0x441ac53a7e04bcdaULL, "123456789012345680000"},
    {0x444b1ae4d6e2ef4fULL, "999999999999999900000"},
    {0x444b1ae4d6e2ef4fULL, "999999999999999900000"},
    {0x4450bb448ec2f608ULL, "1.2345678901234568e+21"},
    {0x4480f0cf064dd592ULL, "1e+22"},
    {0x3eb0c6f7a0b5ed8dULL, "0.000001"},
    {0x3e7ad7f29abcaf48ULL, "1e-7"},
    {0x3e8421f5f40d8376ULL, "1.5e-7"},
    {0x3eb0c6f7a0b5ed8dULL, "0.000001"},
    {0x3eb4b6231abfd271ULL, "0.0000012345"},
    {0x3e8091b5aeffdb8eULL, "1.2345e-7"},
    {0x0000000000000001ULL, "5e-324"},
    {0x8000000000000001ULL, "-5e-324"},
    {0x0000000000000002ULL, "1e-323"},
    {0x0010000000000000ULL, "2.2250738585072014e-308"},
    {0x000fffffffffffffULL, "2.225073858507201e-308"},
    {0x7fefffffffffffffULL, "1.7976931348623157e+308"},
    {0xffefffffffffffffULL, "-1.7976931348623157e+308"},
    {0x4340000000000000ULL, "9007199254740992"},
    {0x4340000000000001ULL, "9007199254740994"},
    {0x43e0000000000000ULL, "9223372036854776000"},
    {0x43f0000000000000ULL, "18446744073709552000"},
    {0x0000000000000003ULL, "1.5e-323"},
    {0x54b249ad2594c37dULL, "1e+100"},
    {0x7e41eb2d66005835ULL, "1.5e+300"},
    {0x2b2bff2ee48e0530ULL, "1e-100"},
    {0x3c36b082c2148b8eULL, "1.23e-18"},
    {0x3fe0000000000000ULL, "0.5"},
    {0x3fd0000000000000ULL, "0.25"},
    {0x3fc0000000000000ULL, "0.125"},
    {0x3ff8000000000000ULL, "1.5"},
    {0x4024000000000000ULL, "10"},
    {0x412e848000000000ULL, "1000000"},
    {0x430c6bf526340000ULL, "1000000000000000"},
    {0x4341c37937e08000ULL, "10000000000000000"},
    {0x4376345785d8a000ULL, "100000000000000000"},
    {0x43e56a95319d63e1ULL, "12345678901234567000"},
    {0x3fd3333333333333ULL, "0.3"},
    {0x3efa36e2eb1c432dULL, "0.000025"},
    {0x3e080d43de9cc603ULL, "7e-10"},
    {0x4340000000000000ULL, "9007199254740992"},
    {0x0000000000000001ULL, "5e-324"},
    {0x7feffffffffffffeULL, "1.7976931348623155e+308"},
    {0x3c90000000000000ULL, "5.551115123125783e-17"},
    {0x400921fb54442d18ULL, "3.141592653589793"},
    {0x4005bf0a8b145769ULL, "2.718281828459045"},
    {0xbf9999999999999aULL, "-0.025"},
    {0xc024000000000000ULL, "-10"},
    {0x4023f33333333334ULL, "9.975000000000001"},
    {0x3ee4f8b588e368f1ULL, "0.00001"},
    {0x7fee42d130773b76ULL, "1.7e+308"},
    {0x7fe0000000000000ULL, "8.98846567431158e+307"},
    {0x419d6f3454000000ULL, "123456789"},
    {0x3eb0c6f7a0b5ed8dULL, "0.000001"},
    {0x01a56e1fc2f8f359ULL, "1e-300"},
    {0x0010000000000000ULL, "2.2250738585072014e-308"},
    {0x0008000000000000ULL, "1.1125369292536007e-308"},
    {0x3fd3333333333334ULL, "0.30000000000000004"},
    {0x3ff0000000000001ULL, "1.0000000000000002"},
    {0x3fefffffffffffffULL, "0.9999999999999999"},
    {0x3d719799812dea11ULL, "1e-12"},
    {0x3da5fd7fe1796495ULL, "1e-11"},
    {0x3ddb7cdfd9d7bdbbULL, "1e-10"},
    {0x3e112e0be826d695ULL, "1e-9"},
    {0x3e45798ee2308c3aULL, "1e-8"},
    {0x3e7ad7f29abcaf48ULL, "1e-7"},
    {0x3eb0c6f7a0b5ed8dULL, "0.000001"},
    {0x3ee4f8b588e368f1ULL, "0.00001"},
    {0x3f1a36e2eb1c432dULL, "0.0001"},
    {0x3f50624dd2f1a9fcULL, "0.001"},
    {0x3f847ae147ae147bULL, "0.01"},
    {0x3fb999999999999aULL, "0.1"},
    {0x3ff0000000000000ULL, "1"},
    {0x4024000000000000ULL, "10"},
    {0x4059000000000000ULL, "100"},
    {0x408f400000000000ULL, "1000"},
    {0x40c3880000000000ULL, "10000"},
    {0x40f86a0000000000ULL, "100000"},
    {0x412e848000000000ULL, "1000000"},
    {0x416312d000000000ULL, "10000000"},
    {0x4197d78400000000ULL, "100000000"},
    {0x41cdcd6500000000ULL, "1000000000"},
    {0x4202a05f20000000ULL, "10000000000"},
    {0x42374876e8000000ULL, "100000000000"},
    {0x426d1a94a2000000ULL, "1000000000000"},
    {0x42a2309ce5400000ULL, "10000000000000"},
    {0x42d6bcc41e900000ULL, "100000000000000"},
    {0x430c6bf526340000ULL, "1000000000000000"},
    {0x4341c37937e08000ULL, "10000000000000000"},
    {0x4376345785d8a000ULL, "100000000000000000"},
    {0x43abc16d674ec800ULL, "1000000000000000000"},
    {0x43e158e460913d00ULL, "10000000000000000000"},
    {0x4415af1d78b58c40ULL, "100000000000000000000"},
    {0x444b1ae4d6e2ef50ULL, "1e+21"},
    {0x4480f0cf064dd592ULL, "1e+22"},
    {0x44b52d02c7e14af6ULL, "1e+23"},
    {0x44ea784379d99db4ULL, "1e+24"},
    {0x45208b2a2c280291ULL, "1e+25"},
};

START_TEST(print_matches_node)
{
    char buf[NUMTEXT_MAX + 1];
    for (size_t i = 0; i < sizeof node_f64 / sizeof node_f64[0]; i++)
        ck_assert_str_eq(p64(from_bits(node_f64[i].bits), buf), node_f64[i].text);
}
END_TEST

START_TEST(print_specials)
{
    char buf[NUMTEXT_MAX + 1];
    ck_assert_str_eq(p64(-0.0, buf), "-0");
    ck_assert_str_eq(p64(0.0, buf), "0");
    ck_assert_str_eq(p64(NAN, buf), "\"NaN\"");
    ck_assert_str_eq(p64(-NAN, buf), "\"NaN\"");
    ck_assert_str_eq(p64(INFINITY, buf), "\"Infinity\"");
    ck_assert_str_eq(p64(-INFINITY, buf), "\"-Infinity\"");
    ck_assert_str_eq(p32(-0.0f, buf), "-0");
    ck_assert_str_eq(p32(NAN, buf), "\"NaN\"");
    ck_assert_str_eq(p32(-INFINITY, buf), "\"-Infinity\"");
    /* the longest outputs: NUMTEXT_LONGEST, and the exponential form */
    ck_assert_str_eq(p64(-1.2345678901234567e-6, buf), "-0.0000012345678901234567");
    ck_assert_uint_eq(strlen(buf), NUMTEXT_LONGEST);
    ck_assert_str_eq(p64(-2.2250738585072014e-308, buf), "-2.2250738585072014e-308");
    ck_assert_str_eq(p64(-1.2345678901234567e-300, buf), "-1.2345678901234568e-300");
}
END_TEST

/* float shortest digits (dragonbox's binary32 path), laid out the JS way */
START_TEST(print_f32_table)
{
    static const struct {
        float v;
        const char *text;
    } t[] = {
        {0.1f, "0.1"},
        {1.0f / 3.0f, "0.33333334"},
        {3.14159265f, "3.1415927"},
        {FLT_MAX, "3.4028235e+38"},
        {FLT_MIN, "1.1754944e-38"},
        {1e-45f, "1e-45"},
        {16777216.0f, "16777216"},
        {1e20f, "100000000000000000000"},
        {1e21f, "1e+21"},
        {1e-6f, "0.000001"},
        {1e-7f, "1e-7"},
        {2.5f, "2.5"},
        {-9.975f, "-9.975"},
        {1e10f, "10000000000"},
        {0.0f, "0"},
    };
    char buf[NUMTEXT_MAX + 1];
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        ck_assert_str_eq(p32(t[i].v, buf), t[i].text);
}
END_TEST

/* ---- printing: round trip and shortness ------------------------------------ */

/* A double worth printing: random bits, with extra weight on subnormals,
 * values near powers of ten, boundaries and short decimals. */
static double interesting_f64(uint64_t i)
{
    uint64_t b = rnd();
    switch (i % 8) {
    case 0:
        return from_bits(b);
    case 1:
        return from_bits(b & 0x800FFFFFFFFFFFFFull); /* subnormal */
    case 2:
        return from_bits(b & 0x8000000000000003ull); /* tiny subnormal */
    case 3: {                                        /* a power of ten and its neighbours */
        char s[16];
        snprintf(s, sizeof s, "1e%d", (int)(rnd() % 640) - 323);
        double p = strtod(s, NULL);
        int k = (int)(rnd() % 5) - 2;
        for (; k > 0; k--) p = nextafter(p, INFINITY);
        for (; k < 0; k++) p = nextafter(p, 0);
        return p;
    }
    case 4:
        return from_bits(b | 0x7FE0000000000000ull); /* huge, near DBL_MAX */
    case 5:
        return (double)(int64_t)(b % 2000001 - 1000000) / 1000.0; /* short decimals */
    case 6:
        return from_bits((b & 0x800FFFFFFFFFFFFFull) |
                         ((uint64_t)(1023 + (int)(rnd() % 140) - 70) << 52));
    default:
        return from_bits(b & 0xFFF0000000000000ull); /* powers of two */
    }
}

static void check_roundtrip_f64(double v)
{
    char buf[NUMTEXT_MAX + 1];
    p64(v, buf);
    if (isnan(v)) {
        CHECK(!strcmp(buf, "\"NaN\""), "NaN printed as %s", buf);
        return;
    }
    if (isinf(v)) {
        CHECK(!strcmp(buf, v > 0 ? "\"Infinity\"" : "\"-Infinity\""), "inf printed as %s", buf);
        return;
    }
    double back = strtod(buf, NULL);
    CHECK(bits(back) == bits(v), "%a printed as %s reads back as %a", v, buf, back);
}

START_TEST(print_roundtrip_f64)
{
    for (uint64_t i = 0; i < 3000000; i++) check_roundtrip_f64(interesting_f64(i));
    check_roundtrip_f64(DBL_MAX);
    check_roundtrip_f64(DBL_MIN);
    check_roundtrip_f64(DBL_TRUE_MIN);
    check_roundtrip_f64(nextafter(DBL_MIN, 0));
}
END_TEST

START_TEST(print_roundtrip_f32)
{
    char buf[NUMTEXT_MAX + 1];
    for (uint64_t i = 0; i < 3000000; i++) {
        uint32_t b = (uint32_t)rnd();
        if (i % 4 == 1) b &= 0x807FFFFFu; /* subnormal */
        if (i % 4 == 2) b = (b & 0x807FFFFFu) | (uint32_t)(127 + (int)(rnd() % 60) - 30) << 23;
        float v;
        memcpy(&v, &b, sizeof v);
        if (!isfinite(v)) continue;
        p32(v, buf);
        float back = strtof(buf, NULL);
        CHECK(fbits(back) == fbits(v), "%a printed as %s reads back as %a", (double)v, buf,
              (double)back);
    }
}
END_TEST

/* The number of significant digits in our output. */
static int sig_digits(const char *s)
{
    int n = 0, seen = 0, trailing = 0;
    for (; *s && *s != 'e'; s++) {
        if (*s < '0' || *s > '9') continue;
        if (*s != '0') seen = 1;
        if (!seen) continue;
        n++;
        trailing = *s == '0' ? trailing + 1 : 0;
    }
    return n - trailing;
}

/* Brute force: the fewest digits p for which some p-digit decimal reads back
 * to v. The candidates are %.*e's correctly rounded p digits and their
 * neighbours one unit in the last place away: near powers of two the rounding
 * interval is lopsided, and the shortest may be the farther neighbour. */
static int shortest(double v, int maxp, bool single)
{
    char s[64];
    for (int p = 1; p < maxp; p++) {
        snprintf(s, sizeof s, "%.*e", p - 1, fabs(v));
        char *e = strchr(s, 'e');
        int exp10 = atoi(e + 1) - (p - 1);
        unsigned long long m = 0;
        for (char *q = s; q < e; q++)
            if (*q >= '0' && *q <= '9') m = m * 10 + (unsigned long long)(*q - '0');
        for (int d = -1; d <= 1; d++) {
            snprintf(s, sizeof s, "%llue%d", m + (unsigned long long)d, exp10);
            bool same = single ? fbits(strtof(s, NULL)) == fbits((float)fabs(v))
                               : bits(strtod(s, NULL)) == bits(fabs(v));
            if (same) return p;
        }
    }
    return maxp;
}

START_TEST(print_is_shortest)
{
    char buf[NUMTEXT_MAX + 1];
    for (uint64_t i = 0; i < 200000; i++) {
        double v = interesting_f64(i);
        if (!isfinite(v) || v == 0) continue;
        CHECK(sig_digits(p64(v, buf)) == shortest(v, 17, false), "%a: %s not shortest", v, buf);
        float f = (float)v;
        if (!isfinite(f) || f == 0) continue;
        CHECK(sig_digits(p32(f, buf)) == shortest(f, 9, true), "%a: %s not shortest (float)",
              (double)f, buf);
    }
}
END_TEST

/* ---- parsing ------------------------------------------------------------- */

/* numtext_parse(s) must be strtod(s) bit for bit, or -1 exactly when strtod
 * overflows to infinity. */
static void check_parse(const char *s, size_t len)
{
    char *z = strndup(s, len);
    double want = strtod(z, NULL), got = 12345;
    int r = numtext_parse(s, len, &got);
    if (isinf(want))
        CHECK(r == -1, "%s: overflow not reported", z);
    else
        CHECK(r == 0 && bits(got) == bits(want), "%s: got %a want %a (r=%d)", z, got, want, r);
    free(z);
}

static void check_parse_str(const char *s)
{
    check_parse(s, strlen(s));
}

START_TEST(parse_edges)
{
    static const char *t[] = {
        "0",
        "-0",
        "0.0",
        "-0.0e5",
        "1",
        "-1",
        "0.1",
        "1e308",
        "1.7976931348623157e308",
        "1.7976931348623158e308", /* rounds down to DBL_MAX */
        "1.7976931348623159e308", /* rounds up: overflow */
        "1.8e308",
        "-1.8e308",
        "1e309",
        "1e400",
        "1e-400",
        "-1e-400",
        "4.9406564584124654e-324",
        "2.4703282292062327e-324", /* just below half of the smallest: 0 */
        "2.4703282292062328e-324", /* just above: the smallest subnormal */
        "2.2250738585072011e-308",
        "2.2250738585072012e-308",
        "9007199254740993",
        "9007199254740992.5",
        "9007199254740993.0000000000000000000000000000001",
        "0.000000000000000000000000000000000000001",
        "123456789012345678901234567890",
        "1e-7",
        "1E22",
        "1e23",
        "8.98846567431158e307",
        "1e0000000000000000000000000000000000001",
        "0e99999999999999999999",
        "1e-99999999999999999999",
        "7.2057594037927933e16",
        "3.0517578125e-05",
        "1.00000000000000011102230246251565404236316680908203125",
        "1.00000000000000011102230246251565404236316680908203124",
        "1.00000000000000011102230246251565404236316680908203126",
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) check_parse_str(t[i]);
    double v = 0;
    ck_assert_int_eq(numtext_parse("1.8e308", 7, &v), -1);
    ck_assert_int_eq(numtext_parse("1e308", 5, &v), 0);
    ck_assert_double_eq(v, 1e308);
    ck_assert_int_eq(numtext_parse("1e-400", 6, &v), 0);
    ck_assert(v == 0 && !signbit(v));
    ck_assert_int_eq(numtext_parse("-1e-400", 7, &v), 0);
    ck_assert(v == 0 && signbit(v));
    /* the span is exactly len bytes: what follows is not read */
    ck_assert_int_eq(numtext_parse("12345", 2, &v), 0);
    ck_assert_double_eq(v, 12);
}
END_TEST

/* Random JSON-grammar numbers: random digits of every length up to 800,
 * optional fraction and exponent. */
static size_t random_number(char *s)
{
    size_t n = 0;
    if (rnd() & 1) s[n++] = '-';
    size_t nint = 1 + (size_t)(rnd() % 4 == 0 ? rnd() % 400 : rnd() % 20);
    s[n++] = (char)('1' + rnd() % 9);
    if (rnd() % 8 == 0) s[n - 1] = '0', nint = 1;
    for (size_t i = 1; i < nint; i++) s[n++] = (char)('0' + rnd() % 10);
    if (rnd() & 1) {
        s[n++] = '.';
        size_t nf = 1 + (size_t)(rnd() % 4 == 0 ? rnd() % 399 : rnd() % 20);
        for (size_t i = 0; i < nf; i++) s[n++] = (char)('0' + rnd() % 10);
    }
    if (rnd() & 1) {
        s[n++] = rnd() & 1 ? 'e' : 'E';
        if (rnd() & 1) s[n++] = rnd() & 1 ? '-' : '+';
        n += (size_t)sprintf(s + n, "%d", (int)(rnd() % 700));
    }
    return n;
}

START_TEST(parse_random_strings)
{
    char s[1024];
    for (int i = 0; i < 1000000; i++) check_parse(s, random_number(s));
}
END_TEST

START_TEST(parse_printed_doubles)
{
    char s[64];
    for (int i = 0; i < 1000000; i++) {
        double v = from_bits(rnd());
        if (!isfinite(v)) continue;
        int prec = 1 + (int)(rnd() % 25);
        check_parse(s, (size_t)snprintf(s, sizeof s, "%.*e", prec, v));
    }
}
END_TEST

/* Halfway cases: the exact decimal midpoint of two neighbouring doubles
 * (exact in x87 long double) must round to even; one more digit above or
 * below decides. 800-digit expansions exercise fast_float's big-number path. */
START_TEST(parse_halfway)
{
    char s[1200];
    for (int i = 0; i < 200000; i++) {
        double a = interesting_f64((uint64_t)i);
        if (!isfinite(a) || a == DBL_MAX || a == -DBL_MAX) continue;
        double b = nextafter(a, a < 0 ? -INFINITY : INFINITY);
        long double mid = ((long double)a + (long double)b) / 2;
        int n = snprintf(s, sizeof s - 2, "%.*Le", i % 4 == 0 ? 800 : 40 + i % 80, mid);
        check_parse(s, (size_t)n);
        char *e = strchr(s, 'e');
        /* nudge the last mantissa digit: just above or below the midpoint */
        char *last = e - 1;
        if (*last < '9' && (i & 1))
            (*last)++;
        else if (*last > '0')
            (*last)--;
        check_parse(s, (size_t)n);
    }
}
END_TEST

/* numtext_parse_parts: the digits gathered by the caller (at most 19, so w is
 * exact), any exponent; must equal strtod on the same text, including the
 * near-halfway inputs that fall back to the full parse. */
START_TEST(parse_parts)
{
    char s[96];
    for (int i = 0; i < 1000000; i++) {
        int nd = 1 + (int)(rnd() % 19), neg = (int)(rnd() & 1);
        uint64_t w = 0;
        size_t n = 0;
        if (neg) s[n++] = '-';
        for (int k = 0; k < nd; k++) {
            unsigned d = (unsigned)(k == 0 ? 1 + rnd() % 9 : rnd() % 10);
            if (i % 16 == 0 && k > 0 && k < nd - 1) d = i % 32 ? 0 : 9; /* near halfway */
            w = w * 10 + d;
            s[n++] = (char)('0' + d);
        }
        int64_t q = (int64_t)(rnd() % 700) - 350 - (i % 3 ? 0 : 22);
        n += (size_t)sprintf(s + n, "e%lld", (long long)q);
        double got = 0, want = strtod(s, NULL);
        int r = numtext_parse_parts(w, q, neg, s, n, &got);
        if (isinf(want))
            CHECK(r == -1, "%s: overflow not reported", s);
        else
            CHECK(r == 0 && bits(got) == bits(want), "%s: got %a want %a", s, got, want);
    }
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("numtext");
    TCase *tc = tcase_create("print");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, print_matches_node);
    tcase_add_test(tc, print_specials);
    tcase_add_test(tc, print_f32_table);
    tcase_add_test(tc, print_roundtrip_f64);
    tcase_add_test(tc, print_roundtrip_f32);
    tcase_add_test(tc, print_is_shortest);
    suite_add_tcase(s, tc);
    tc = tcase_create("parse");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, parse_edges);
    tcase_add_test(tc, parse_random_strings);
    tcase_add_test(tc, parse_printed_doubles);
    tcase_add_test(tc, parse_halfway);
    tcase_add_test(tc, parse_parts);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return check_run(suite());
}
