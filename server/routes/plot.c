/*
 * plot.c - GET /plot: validate the query, sample the activation with the
 * library, draw SVG by hand.
 *
 * The query is split in two: the plot's own keys (what, start, stop, num,
 * format) are checked here; the activation and its parameters go through
 * request_from_query, the decoder /eval uses, so names, aliases, bounds and
 * error messages are exactly those of /eval. The samples are
 * numpy.linspace(start, stop, num).
 *
 * SVG rather than PNG: every browser and README renders it, it is a few
 * kilobytes of text, and a raster path would pull cairo/librsvg and their
 * fonts into the daemon and its container image. `rsvg-convert` turns the
 * answer into a PNG on the client when one is needed.
 */
#include "routes/plot.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wire/jsonscan.h"
#include "wire/numtext.h"
#include "routes/problems.h"
#include "decode/fields.h"
#include "decode/request.h"
#include "routes/args.h"

/* ---- geometry ------------------------------------------------------------ */

#define W           720
#define H           460
#define MARGIN_L    70
#define MARGIN_R    24
#define MARGIN_B    50
#define BIG         1e307 /* |y| beyond this is off the chart, like Inf: the span stays finite */

#define COLOR_VALUE "#1f77b4"
#define COLOR_GRAD  "#d62728"
#define COLOR_GRAD2 "#2ca02c" /* matplotlib's third colour, as the others are its first two */
#define FONT        "DejaVu Sans, Verdana, Arial, sans-serif"

/* How each curve is named and drawn; one curve alone is drawn in the first
 * colour, as the article draws each function. */
static const struct curve_style {
    activ_op op;
    activ_text formula;
    const char *y;     /* its name in the title and on the axis */
    const char *prime; /* in the legend: sigmoid''(x) */
    const char *what;  /* in the description */
    const char *color;
    const char *id; /* of its path */
} curves[PLOT_CURVES] = {
    [PLOT_VALUE] = {ACTIV_VALUE, ACTIV_TEXT_FORMULA, "y", "", "value", COLOR_VALUE, "value"},
    [PLOT_GRAD] = {ACTIV_GRAD, ACTIV_TEXT_DERIVATIVE, "y'", "'", "derivative", COLOR_GRAD, "grad"},
    [PLOT_GRAD2] = {ACTIV_GRAD2, ACTIV_TEXT_DERIVATIVE2, "y''", "''", "second derivative",
                    COLOR_GRAD2, "grad2"},
};

static int curve_count(const plot_data *d)
{
    int n = 0;
    for (int c = 0; c < PLOT_CURVES; c++) n += d->curve[c] != NULL;
    return n;
}

static int first_curve(const plot_data *d)
{
    int c = 0;
    while (c + 1 < PLOT_CURVES && !d->curve[c]) c++;
    return c;
}

typedef struct frame {
    double x0, x1, y0, y1; /* plot area in pixels (y0 top) */
    double lo, hi;         /* y range */
    double start, stop;    /* x range */
} frame;

static double px(const frame *f, double x)
{
    return f->x0 + (x - f->start) / (f->stop - f->start) * (f->x1 - f->x0);
}

static double py(const frame *f, double y)
{
    return f->y1 - (y - f->lo) / (f->hi - f->lo) * (f->y1 - f->y0);
}

static int drawable(double v)
{
    return isfinite(v) && fabs(v) <= BIG;
}

/* The y range covering every drawable sample, padded 5% like matplotlib. */
static void y_range(const plot_data *d, frame *f)
{
    double lo = HUGE_VAL, hi = -HUGE_VAL;
    for (int s = 0; s < PLOT_CURVES; s++) {
        const double *v = d->curve[s];
        for (size_t i = 0; v && i < d->n; i++)
            if (drawable(v[i])) lo = fmin(lo, v[i]), hi = fmax(hi, v[i]);
    }
    if (lo > hi) lo = -1, hi = 1;
    double pad = hi > lo ? (hi - lo) * 0.05 : (lo != 0 ? fabs(lo) * 0.1 : 1);
    f->lo = lo - pad;
    f->hi = hi + pad;
}

/* 1, 2 or 5 times a power of ten, close to span/target. */
static double nice_step(double span, double target)
{
    double raw = span / target, mag = pow(10, floor(log10(raw))), norm = raw / mag;
    return (norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10) * mag;
}

/* ---- text ------------------------------------------------------------------ */

static void xml_text(obuf *b, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&':
            ob_puts(b, "&amp;");
            break;
        case '<':
            ob_puts(b, "&lt;");
            break;
        case '>':
            ob_puts(b, "&gt;");
            break;
        case '"':
            ob_puts(b, "&quot;");
            break;
        case '\'':
            ob_puts(b, "&apos;");
            break;
        default:
            ob_putc(b, *s);
        }
    }
}

/* A tick label: as many digits as the step needs ("0.25", "-10", "1e+06"). */
static void tick_label(double v, double step, double maxabs, char *buf, size_t cap)
{
    if (fabs(v) < step * 1e-9) {
        snprintf(buf, cap, "0");
        return;
    }
    int prec = (int)floor(log10(maxabs)) - (int)floor(log10(step) + 1e-9) + 1;
    snprintf(buf, cap, "%.*g", prec < 1 ? 1 : prec > 17 ? 17 : prec, v);
}

/* A text line centred at y, shrunk to fit the width and then cut with an
 * ellipsis: some formulas (gelu's) are longer than any chart is wide. */
static void title_line(obuf *b, double y, double size, const char *prefix, const char *s)
{
    const double avail = W - 24, glyph = 0.6; /* average glyph width in em */
    size_t len = strlen(prefix) + strlen(s);
    if (len * glyph * size > avail) size = fmax(10, avail / (len * glyph));
    size_t fit = (size_t)(avail / (glyph * size));
    ob_printf(b, "<text x=\"%d\" y=\"%.1f\" font-size=\"%.1f\" text-anchor=\"middle\">", W / 2, y,
              size);
    xml_text(b, prefix);
    if (len <= fit) {
        xml_text(b, s);
    } else {
        char cut[512];
        size_t keep = fit > strlen(prefix) + 1 ? fit - strlen(prefix) - 1 : 0;
        snprintf(cut, sizeof cut, "%.*s", (int)(keep < sizeof cut ? keep : sizeof cut - 1), s);
        xml_text(b, cut);
        ob_puts(b, "\xe2\x80\xa6"); /* U+2026 HORIZONTAL ELLIPSIS */
    }
    ob_puts(b, "</text>\n");
}

/* "sigmoid, x from -10 to 10" and the parameters, for the subtitle. */
static void describe(obuf *b, const plot_data *d)
{
    const activ_fn *fn = d->params->fn;
    char a[NUMTEXT_MAX + 1], c[NUMTEXT_MAX + 1];
    a[numtext_f64(d->start, a)] = 0;
    c[numtext_f64(d->stop, c)] = 0;
    ob_printf(b, "%s, x from %s to %s", activ_name(fn), a, c);
    for (size_t i = 0; i < activ_param_count(fn); i++) {
        const activ_param_spec *s = activ_param_at(fn, i);
        double v = activ_params_get(d->params, i);
        ob_printf(b, "%s %s = ", i ? "," : ";", s->name);
        if (s->type == ACTIV_PARAM_CHOICE) {
            ob_puts(b, s->choices[(size_t)v]);
        } else {
            a[numtext_f64(v, a)] = 0;
            ob_puts(b, a);
        }
    }
}

/* "Value and derivative of ": the curves drawn, in words. */
static void put_what(obuf *b, const plot_data *d)
{
    int n = curve_count(d), k = 0;
    for (int c = 0; c < PLOT_CURVES; c++) {
        if (!d->curve[c]) continue;
        const char *w = curves[c].what;
        if (k) ob_puts(b, k + 1 == n ? " and " : ", ");
        ob_putc(b, k ? w[0] : (char)toupper((unsigned char)w[0]));
        ob_puts(b, w + 1);
        k++;
    }
    ob_puts(b, " of ");
}

/* "y, y'": the names of the curves drawn. */
static void y_label(const plot_data *d, char *buf, size_t cap)
{
    size_t k = 0;
    buf[0] = 0;
    for (int c = 0; c < PLOT_CURVES && k < cap; c++)
        if (d->curve[c])
            k += (size_t)snprintf(buf + k, cap - k, "%s%s", k ? ", " : "", curves[c].y);
}

/* ---- drawing ----------------------------------------------------------------- */

static void put_header(obuf *b, const plot_data *d)
{
    const activ_fn *fn = d->params->fn;
    const struct curve_style *top = &curves[first_curve(d)];
    obuf desc = {0};
    describe(&desc, d);
    ob_putc(&desc, 0);
    ob_printf(b,
              "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
              "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
              "viewBox=\"0 0 %d %d\" role=\"img\" aria-labelledby=\"title desc\" "
              "font-family=\"%s\">\n<title id=\"title\">",
              W, H, W, H, FONT);
    ob_printf(b, "%s = ", top->y);
    xml_text(b, activ_text_of(fn, top->formula));
    ob_puts(b, "</title>\n<desc id=\"desc\">");
    put_what(b, d);
    if (!desc.oom) xml_text(b, desc.p);
    ob_puts(b, "</desc>\n<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n");
    double y = 26;
    for (int c = 0; c < PLOT_CURVES; c++) {
        if (!d->curve[c]) continue;
        char prefix[8];
        snprintf(prefix, sizeof prefix, "%s = ", curves[c].y);
        title_line(b, y, &curves[c] == top ? 17 : 15, prefix, activ_text_of(fn, curves[c].formula));
        y += 22;
    }
    ob_printf(b,
              "<text x=\"%d\" y=\"%.1f\" font-size=\"12\" fill=\"#555555\" "
              "text-anchor=\"middle\">",
              W / 2, y - 3);
    if (!desc.oom) xml_text(b, desc.p);
    ob_puts(b, "</text>\n");
    ob_free(&desc);
}

/* The x step with the most ticks (up to 8) whose labels do not overlap:
 * far from 0, a narrow range needs long labels ("1.00000001e+11"). */
static double x_step(const frame *f)
{
    double span = f->stop - f->start, maxabs = fmax(fabs(f->start), fabs(f->stop)), step = span;
    char t[64];
    for (int target = 8; target >= 1; target--) {
        step = nice_step(span, target);
        size_t widest = 0;
        for (double k = ceil(f->start / step), n = 0; k <= floor(f->stop / step) && n < 40;
             k++, n++) {
            tick_label(k * step, step, maxabs, t, sizeof t);
            if (strlen(t) > widest) widest = strlen(t);
        }
        double room = (f->x1 - f->x0) * step / span; /* pixels between ticks */
        if ((double)widest * 7.5 + 12 <= room) break;
    }
    return step;
}

static void put_x_axis(obuf *b, const frame *f)
{
    double step = x_step(f), maxabs = fmax(fabs(f->start), fabs(f->stop));
    char t[64];
    for (double k = ceil(f->start / step), n = 0; k <= floor(f->stop / step) && n < 40; k++, n++) {
        double v = k * step, x = px(f, v);
        tick_label(v, step, maxabs, t, sizeof t);
        /* a long label at the right edge ends there instead of leaving the image */
        double half = (double)strlen(t) * 3.75, tx = x;
        const char *anchor = "middle";
        if (x + half > W - 2) tx = W - 2, anchor = "end";
        ob_printf(b,
                  "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" stroke=\"%s\"/>"
                  "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" stroke=\"#333333\"/>"
                  "<text x=\"%.2f\" y=\"%.2f\" font-size=\"12\" text-anchor=\"%s\">%s</text>\n",
                  x, f->y0, x, f->y1, fabs(v) < step * 1e-9 ? "#999999" : "#e6e6e6", x, f->y1, x,
                  f->y1 + 5, tx, f->y1 + 19, anchor, t);
    }
    ob_printf(b, "<text x=\"%.2f\" y=\"%.2f\" font-size=\"13\" text-anchor=\"middle\">x</text>\n",
              (f->x0 + f->x1) / 2, f->y1 + 38);
}

static void put_y_axis(obuf *b, const frame *f, const char *label)
{
    double step = nice_step(f->hi - f->lo, 7), maxabs = fmax(fabs(f->lo), fabs(f->hi));
    char t[64];
    for (double k = ceil(f->lo / step), n = 0; k <= floor(f->hi / step) && n < 40; k++, n++) {
        double v = k * step, y = py(f, v);
        tick_label(v, step, maxabs, t, sizeof t);
        ob_printf(b,
                  "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" stroke=\"%s\"/>"
                  "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" stroke=\"#333333\"/>"
                  "<text x=\"%.2f\" y=\"%.2f\" font-size=\"12\" text-anchor=\"end\">%s</text>\n",
                  f->x0, y, f->x1, y, fabs(v) < step * 1e-9 ? "#999999" : "#e6e6e6", f->x0 - 5, y,
                  f->x0, y, f->x0 - 8, y + 4, t);
    }
    ob_printf(b,
              "<text transform=\"translate(16 %.2f) rotate(-90)\" font-size=\"13\" "
              "text-anchor=\"middle\">%s</text>\n",
              (f->y0 + f->y1) / 2, label);
}

/* One path; a sample that cannot be drawn lifts the pen (NaN/Inf break the
 * line, as in matplotlib). */
static void put_curve(obuf *b, const frame *f, const plot_data *d, const double *v,
                      const char *color, const char *id)
{
    int down = 0;
    ob_printf(b,
              "<path id=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\" "
              "stroke-linejoin=\"round\" d=\"",
              id, color);
    for (size_t i = 0; i < d->n; i++) {
        if (!drawable(v[i]) || !isfinite(d->x[i])) {
            down = 0;
            continue;
        }
        ob_printf(b, "%c%.2f %.2f", down ? 'L' : 'M', px(f, d->x[i]), py(f, v[i]));
        down = 1;
    }
    ob_puts(b, "\"/>\n");
}

/* One line per curve drawn: sigmoid(x), sigmoid'(x), sigmoid''(x). */
static void put_legend(obuf *b, const frame *f, const plot_data *d)
{
    const char *name = activ_name(d->params->fn);
    int n = curve_count(d), k = 0;
    size_t longest = 0;
    for (int c = 0; c < PLOT_CURVES; c++)
        if (d->curve[c] && strlen(curves[c].prime) > longest) longest = strlen(curves[c].prime);
    longest += strlen(name) + 3; /* name, primes, "(x)" */
    double x = f->x0 + 12, y = f->y0 + 12;
    ob_printf(b,
              "<g font-size=\"12\"><rect x=\"%.2f\" y=\"%.2f\" width=\"%.0f\" height=\"%d\" "
              "fill=\"#ffffff\" fill-opacity=\"0.9\" stroke=\"#cccccc\"/>\n",
              x, y, 56 + 7.2 * (double)(longest + 1), 10 + 18 * n);
    for (int c = 0; c < PLOT_CURVES; c++) {
        if (!d->curve[c]) continue;
        double ly = y + 15 + 18 * k++;
        ob_printf(b,
                  "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" stroke=\"%s\" "
                  "stroke-width=\"2\"/><text x=\"%.2f\" y=\"%.2f\">%s%s(x)</text>%s\n",
                  x + 8, ly, x + 32, ly, curves[c].color, x + 38, ly + 4, name, curves[c].prime,
                  k == n ? "</g>" : "");
    }
}

void plot_svg(obuf *b, const plot_data *d)
{
    int n = curve_count(d);
    char label[32];
    frame f = {MARGIN_L, W - MARGIN_R, 0, H - MARGIN_B, 0, 0, d->start, d->stop};
    f.y0 = 52 + 22 * (n - 1) + 8; /* below the title lines */
    y_range(d, &f);
    put_header(b, d);
    put_x_axis(b, &f);
    y_label(d, label, sizeof label);
    put_y_axis(b, &f, label);
    ob_printf(b,
              "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"none\" "
              "stroke=\"#333333\"/>\n<clipPath id=\"area\"><rect x=\"%.2f\" y=\"%.2f\" "
              "width=\"%.2f\" height=\"%.2f\"/></clipPath>\n<g clip-path=\"url(#area)\">\n",
              f.x0, f.y0, f.x1 - f.x0, f.y1 - f.y0, f.x0, f.y0, f.x1 - f.x0, f.y1 - f.y0);
    for (int c = 0; c < PLOT_CURVES; c++)
        if (d->curve[c])
            put_curve(b, &f, d, d->curve[c], n > 1 ? curves[c].color : COLOR_VALUE, curves[c].id);
    ob_puts(b, "</g>\n");
    if (n > 1) put_legend(b, &f, d);
    ob_puts(b, "</svg>\n");
}

/* ---- the query ------------------------------------------------------------------ */

enum {
    WHAT_VALUE = 1 << PLOT_VALUE,
    WHAT_GRAD = 1 << PLOT_GRAD,
    WHAT_GRAD2 = 1 << PLOT_GRAD2,
};

typedef struct plot_req {
    unsigned what;
    double start, stop;
    size_t num;
    query_arg pass[ARGS_MAX]; /* activation and its parameters, for request_from_query */
    size_t npass;
} plot_req;

static int fail(problem *p, enum problem_type t, const char *key, const char *fmt, const char *arg)
{
    problem_set(p, t, fmt, arg);
    snprintf(p->parameter, sizeof p->parameter, "%s", key);
    return -1;
}

/* A finite number in JSON syntax ("-10", "2.5e-3"). */
static int number(const char *key, const char *s, double *out, problem *p)
{
    js_cur c = {s, s, s + strlen(s)};
    js_error err;
    if (!*s || js_number(&c, out, &err) != JS_OK || c.p != c.end)
        return fail(p, P_MALFORMED_QUERY, key, "%s must be a number such as -10 or 2.5", key);
    return 0;
}

static int parse_what(const char *v, plot_req *q, problem *p)
{
    if (strcmp(v, "value") == 0)
        q->what = WHAT_VALUE;
    else if (strcmp(v, "grad") == 0)
        q->what = WHAT_GRAD;
    else if (strcmp(v, "both") == 0)
        q->what = WHAT_VALUE | WHAT_GRAD;
    else if (strcmp(v, "grad2") == 0)
        q->what = WHAT_GRAD2;
    else if (strcmp(v, "all") == 0)
        q->what = WHAT_VALUE | WHAT_GRAD | WHAT_GRAD2;
    else
        return fail(p, P_INVALID_VALUE, "what",
                    "what must be value, grad, both, grad2 or all (got '%.40s')", v);
    return 0;
}

static int parse_num(const char *v, plot_req *q, problem *p)
{
    double n;
    if (number("num", v, &n, p) != 0) return -1;
    if (n != floor(n) || n < PLOT_MIN_NUM || n > PLOT_MAX_NUM)
        return fail(p, P_INVALID_VALUE, "num",
                    "num must be a whole number from 2 to 10000 (got %.40s)", v);
    q->num = (size_t)n;
    return 0;
}

/* Keys /eval's query and binary forms know that make no sense for a plot
 * (x, dtype, grad_output, shape, and the range keys but the plot's own
 * start, stop and num, which plot_key takes first): refused by name
 * rather than reported as unknown activation parameters. */
static int refused(const char *k)
{
    size_t n = strlen(k);
    int f = field_find(request_fields, FIELD_COUNT, k, n, FORM_QUERY | FORM_BINARY);
    return (f >= 0 && f != FIELD_ACTIVATION) ||
           field_find(range_fields, RANGE_COUNT, k, n, FORM_QUERY) >= 0;
}

static int plot_key(const query_arg *a, plot_req *q, problem *p)
{
    const char *k = a->key, *v = a->value;
    if (strcmp(k, "what") == 0) return parse_what(v, q, p);
    if (strcmp(k, "start") == 0) return number(k, v, &q->start, p);
    if (strcmp(k, "stop") == 0) return number(k, v, &q->stop, p);
    if (strcmp(k, "num") == 0) return parse_num(v, q, p);
    if (strcmp(k, "format") == 0) {
        if (strcmp(v, "svg") == 0) return 0;
        return fail(p, P_INVALID_VALUE, "format",
                    "format must be svg (got '%.40s'); for PNG, convert with rsvg-convert", v);
    }
    if (refused(k))
        return fail(p, P_UNKNOWN_FIELD, k,
                    "/plot does not take '%s'; it takes activation, what, start, stop, num, "
                    "format and the activation's parameters",
                    k);
    q->pass[q->npass++] = *a;
    return 0;
}

static int check_range(const plot_req *q, problem *p)
{
    const char *bad = fabs(q->start) > PLOT_MAX_ABS  ? "start"
                      : fabs(q->stop) > PLOT_MAX_ABS ? "stop"
                                                     : NULL;
    if (bad) return fail(p, P_INVALID_VALUE, bad, "%s must be within +-1e12", bad);
    if (!(q->stop > q->start))
        return fail(p, P_INVALID_VALUE, "stop", "%s", "stop must be > start");
    /* the samples must be distinct doubles, and the tick step representable */
    if (q->stop - q->start < fmax(fabs(q->start), fabs(q->stop)) * 1e-9 ||
        q->stop - q->start < 1e-200)
        return fail(p, P_INVALID_VALUE, "stop", "%s",
                    "stop - start is too small to plot at this magnitude");
    return 0;
}

static int parse_query(const arg_list *l, plot_req *q, problem *p)
{
    memset(q, 0, sizeof *q);
    q->what = WHAT_VALUE;
    q->start = -10;
    q->stop = 10;
    q->num = PLOT_DEFAULT_NUM;
    for (size_t i = 0; i < l->n; i++) {
        for (size_t j = 0; j < i; j++)
            if (strcmp(l->a[i].key, l->a[j].key) == 0)
                return fail(p, P_MALFORMED_QUERY, l->a[i].key,
                            "query parameter '%s' is given twice", l->a[i].key);
        if (plot_key(&l->a[i], q, p) != 0) return -1;
    }
    return check_range(q, p);
}

/* Activation and parameters through /eval's decoder, with start/stop/num
 * as its linspace range. */
static int decode(const plot_req *q, req *r, eval_req *e, problem *p)
{
    query_arg args[ARGS_MAX + 3];
    char start[NUMTEXT_MAX + 1], stop[NUMTEXT_MAX + 1], num[24];
    size_t n = q->npass;
    memcpy(args, q->pass, n * sizeof *args);
    start[numtext_f64(q->start, start)] = 0;
    stop[numtext_f64(q->stop, stop)] = 0;
    snprintf(num, sizeof num, "%zu", q->num);
    args[n++] = (query_arg){"start", start};
    args[n++] = (query_arg){"stop", stop};
    args[n++] = (query_arg){"num", num};
    req_limits lim = {.max_elements = r->srv->cfg.max_elements};
    if (request_from_query(args, n, 0, &lim, e, p) != 0) return -1;
    if (activ_kind_of(e->fn) == ACTIV_ROWWISE) {
        eval_req_free(e);
        return fail(p, P_INVALID_VALUE, "activation",
                    "%s works on whole rows, not on single x values: /plot draws elementwise "
                    "activations",
                    activ_name(e->fn));
    }
    return 0;
}

static enum MHD_Result draw(req *r, const plot_req *q, eval_req *e)
{
    size_t n = e->x.n;
    double *v[PLOT_CURVES] = {NULL};
    plot_data d = {&e->params, e->x.v, {NULL}, n, q->start, q->stop};
    int oom = 0;
    for (int c = 0; c < PLOT_CURVES; c++) {
        if (!(q->what & (1u << c))) continue;
        if (!(v[c] = malloc(n * sizeof *v[c]))) {
            oom = 1;
            continue;
        }
        activ_compute(&e->params, curves[c].op, ACTIV_FLOAT64, e->x.v, NULL, v[c], n, 0, NULL);
        d.curve[c] = v[c];
    }
    obuf b = {0};
    if (!oom) {
        plot_svg(&b, &d);
        r->elements = n * (size_t)curve_count(&d);
    }
    for (int c = 0; c < PLOT_CURVES; c++) free(v[c]);
    if (oom) return problem_reply(r, P_INTERNAL, "out of memory for %zu samples", n);
    char disp[96];
    snprintf(disp, sizeof disp, "inline; filename=\"%s.svg\"", activ_name(e->fn));
    size_t len;
    char *body = ob_take(&b, &len);
    if (!body) return problem_reply(r, P_INTERNAL, "out of memory drawing the plot");
    const char *headers[] = {"Content-Disposition", disp, "Cache-Control", "public, max-age=3600",
                             NULL};
    return http_send(r, 200, "image/svg+xml; charset=utf-8", body, len, BODY_FREE, headers);
}

enum MHD_Result route_plot(req *r)
{
    arg_list l;
    plot_req q;
    eval_req e;
    problem p;
    if (args_collect(r, &l, &p) != 0) return problem_send(r, &p);
    for (size_t i = 0; i < l.n; i++)
        if (!l.a[i].value) l.a[i].value = ""; /* "?key": the plot's keys all want text */
    if (parse_query(&l, &q, &p) != 0 || decode(&q, r, &e, &p) != 0) return problem_send(r, &p);
    enum MHD_Result ret = draw(r, &q, &e);
    eval_req_free(&e);
    return ret;
}
