/*
 * params.c - the activation's parameters as the client wrote them, bound
 * by name to the library's specs, with messages that say the bound broken.
 */
#include "decode/decode.h"

#include <stdio.h>
#include <string.h>

static void list_params(const activ_fn *fn, char *buf, size_t cap)
{
    size_t k = 0;
    buf[0] = 0;
    for (size_t i = 0; i < activ_param_count(fn) && k < cap; i++)
        k += (size_t)snprintf(buf + k, cap - k, "%s%s", i ? ", " : "", activ_param_at(fn, i)->name);
}

static void list_choices(const activ_param_spec *s, char *buf, size_t cap)
{
    size_t k = 0;
    buf[0] = 0;
    for (size_t i = 0; s->choices[i] && k < cap; i++)
        k += (size_t)snprintf(buf + k, cap - k, "%s\"%s\"", i ? ", " : "", s->choices[i]);
}

/* The bound a rejected value broke, in words: "> 0", ">= 0", "!= 0". */
static void bound_text(const activ_param_spec *s, double v, char *buf, size_t cap)
{
    char a[NUMTEXT_MAX + 1];
    if ((s->flags & ACTIV_PARAM_NONZERO) && v == 0)
        snprintf(buf, cap, "must not be 0");
    else if (v < s->min || (v == s->min && (s->flags & ACTIV_PARAM_MIN_OPEN)))
        snprintf(buf, cap, "must be %s %s",
                 s->flags & ACTIV_PARAM_MIN_OPEN ? ">" : ">=", dec_num_str(s->min, a));
    else
        snprintf(buf, cap, "must be %s %s",
                 s->flags & ACTIV_PARAM_MAX_OPEN ? "<" : "<=", dec_num_str(s->max, a));
}

static int bind_one(eval_req *e, const raw_param *rp, const where *w, problem *p)
{
    const activ_fn *fn = e->fn;
    char list[256], b[NUMTEXT_MAX + 1];
    int i = activ_param_index(fn, rp->name, rp->name_len);
    if (i < 0) {
        list_params(fn, list, sizeof list);
        if (activ_param_count(fn) == 0)
            problem_set(p, P_INVALID_PARAMETER, "%s takes no parameters (got '%.*s')",
                        activ_name(fn), (int)rp->name_len, rp->name);
        else
            problem_set(p, P_INVALID_PARAMETER, "%s has no parameter '%.*s'; its parameters: %s",
                        activ_name(fn), (int)rp->name_len, rp->name, list);
        goto fail;
    }
    const activ_param_spec *s = activ_param_at(fn, (size_t)i);
    activ_status st;
    if (s->type == ACTIV_PARAM_REAL) {
        if (rp->kind == RAW_BADNUM) {
            problem_set(p, P_MALFORMED_QUERY, "parameter %s: '%.*s' is not a number", s->name,
                        (int)rp->str_len, rp->str);
            goto fail;
        }
        if (rp->kind != RAW_NUMBER) {
            problem_set(p, P_WRONG_TYPE, "parameter %s must be a number, not %s", s->name,
                        rp->kind == RAW_STRING ? "a string" : rp->json_type);
            goto fail;
        }
        st = activ_params_set(&e->params, rp->name, rp->name_len, rp->num);
        if (st == ACTIV_EPARAM_NOTFINITE) {
            problem_set(p, P_INVALID_PARAMETER, "parameter %s must be a finite number", s->name);
            goto fail;
        }
        if (st != ACTIV_OK) {
            bound_text(s, rp->num, list, sizeof list);
            problem_set(p, P_INVALID_PARAMETER, "parameter %s %s (got %s)", s->name, list,
                        dec_num_str(rp->num, b));
            goto fail;
        }
        return 0;
    }
    list_choices(s, list, sizeof list);
    if (rp->kind != RAW_STRING && !(w->query && rp->kind == RAW_BADNUM)) {
        problem_set(p, P_WRONG_TYPE, "parameter %s must be a string, one of %s", s->name, list);
        goto fail;
    }
    st = activ_params_set_choice(&e->params, rp->name, rp->name_len, rp->str, rp->str_len);
    if (st != ACTIV_OK) {
        problem_set(p, P_INVALID_PARAMETER, "parameter %s must be one of %s (got \"%.*s\")",
                    s->name, list, (int)rp->str_len, rp->str);
        goto fail;
    }
    return 0;
fail:
    dec_locate(p, w, rp->name, rp->name_len);
    return -1;
}

int dec_bind_params(eval_req *e, const raw_param *rp, size_t n, const where *w, problem *p)
{
    size_t bad = 0;
    activ_params_init(&e->params, e->fn);
    for (size_t i = 0; i < n; i++)
        if (bind_one(e, &rp[i], w, p) != 0) return -1;
    activ_status st = activ_params_check(&e->params, &bad);
    if (st == ACTIV_OK) return 0;
    const activ_param_spec *s = activ_param_at(e->fn, bad);
    if (st == ACTIV_EPARAM_MISSING) {
        problem_set(p, P_MISSING_FIELD, "%s needs parameter %s", activ_name(e->fn), s->name);
    } else {
        const activ_param_spec *s0 = activ_param_at(e->fn, 0);
        char a[NUMTEXT_MAX + 1], b[NUMTEXT_MAX + 1];
        problem_set(p, P_INVALID_PARAMETER, "parameter %s must be greater than %s (got %s <= %s)",
                    s->name, s0->name, dec_num_str(e->params.v[bad], a),
                    dec_num_str(e->params.v[0], b));
    }
    dec_locate(p, w, s->name, strlen(s->name));
    return -1;
}
