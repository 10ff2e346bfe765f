/*
 * test_routes.c - the daemon's lists against each other: the route table
 * (routes/list.h) against the OpenAPI document built into the binary
 * (docs/openapi.json): exactly the same paths, and for each the same
 * methods; the problem types (wire/problem.h) and request fields
 * (decode/fields.h) are distinct and found by name.
 */
#include <check.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "checkrun.h"
#include "decode/fields.h"
#include "routes/embedded.h"
#include "routes/table.h"
#include "wire/problem.h"

static json_t *openapi_paths(void)
{
    json_error_t err;
    const embedded_file *f = &embedded_openapi[0];
    ck_assert_ptr_nonnull(f->name);
    json_t *doc = json_loadb((const char *)f->data, f->len, 0, &err);
    ck_assert_msg(doc != NULL, "openapi.json: %s (line %d)", err.text, err.line);
    json_t *paths = json_incref(json_object_get(doc, "paths"));
    json_decref(doc);
    ck_assert(json_is_object(paths));
    return paths;
}

/* The methods an OpenAPI path item documents, as an M_ mask; -1 for a
 * method the core does not route. */
static int documented_methods(json_t *item)
{
    const char *key;
    json_t *op;
    int mask = 0;
    json_object_foreach(item, key, op)
    {
        if (strcmp(key, "get") == 0)
            mask |= M_GET;
        else if (strcmp(key, "post") == 0)
            mask |= M_POST;
        else if (strcmp(key, "parameters") && strcmp(key, "summary") && strcmp(key, "description"))
            return -1;
    }
    return mask;
}

START_TEST(openapi_has_exactly_the_routes)
{
    json_t *paths = openapi_paths();
    ck_assert_uint_eq(json_object_size(paths), ROUTE_COUNT);
    for (size_t i = 0; i < ROUTE_COUNT; i++) {
        const struct http_route *rt = &route_table[i];
        char path[128];
        snprintf(path, sizeof path, "%s%s", rt->path, rt->param);
        json_t *item = json_object_get(paths, path);
        ck_assert_msg(item != NULL, "route %s is not in docs/openapi.json", path);
        ck_assert_msg(documented_methods(item) == (int)rt->methods,
                      "%s: the route's methods (mask %u) are not the document's (mask %d)", path,
                      rt->methods, documented_methods(item));
        /* a prefix route's rest is a path parameter of the document */
        ck_assert_msg(!rt->param[0] ||
                          (rt->path[strlen(rt->path) - 1] == '/' && rt->param[0] == '{' &&
                           rt->param[strlen(rt->param) - 1] == '}'),
                      "%s: a prefix route ends in '/' and its param is {name}", path);
    }
    json_decref(paths);
}
END_TEST

START_TEST(route_names_are_distinct)
{
    for (size_t i = 0; i < ROUTE_COUNT; i++)
        for (size_t j = 0; j < i; j++) {
            ck_assert_str_ne(route_table[i].name, route_table[j].name);
            ck_assert(strcmp(route_table[i].path, route_table[j].path) != 0 ||
                      strcmp(route_table[i].param, route_table[j].param) != 0);
        }
}
END_TEST

START_TEST(problem_types_found_by_slug)
{
    for (int t = 0; t < P_COUNT; t++) {
        ck_assert_int_eq(problem_find(problem_slug((enum problem_type)t)), t);
        unsigned st = problem_status((enum problem_type)t);
        ck_assert(st >= 400 && st < 600);
    }
    ck_assert_int_eq(problem_find("no-such-type"), -1);
    ck_assert_int_eq(problem_find(""), -1);
}
END_TEST

START_TEST(fields_found_by_name_and_form)
{
    for (int f = 0; f < FIELD_COUNT; f++) {
        const field_spec *s = &request_fields[f];
        ck_assert_uint_eq(s->len, strlen(s->name));
        ck_assert_int_eq(field_find(request_fields, FIELD_COUNT, s->name, s->len, s->flags), f);
    }
    ck_assert_int_eq(field_find(request_fields, FIELD_COUNT, "x", 1, FORM_BINARY), -1);
    ck_assert_int_eq(field_find(request_fields, FIELD_COUNT, "shape", 5, FORM_JSON), -1);
    ck_assert_int_eq(field_find(request_fields, FIELD_COUNT, "dtyp", 4, FORM_JSON), -1);
    char buf[128];
    field_names(buf, sizeof buf, request_fields, FIELD_COUNT, FORM_JSON, FIELD_GRAD_ONLY, ", ");
    ck_assert_str_eq(buf, "activation, x, range, params, dtype");
    field_names(buf, sizeof buf, range_fields, RANGE_COUNT, FORM_JSON, 0, " or ");
    ck_assert_str_eq(buf, "start, stop, step or num");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("routes");
    TCase *t = tcase_create("lists");
    tcase_add_test(t, openapi_has_exactly_the_routes);
    tcase_add_test(t, route_names_are_distinct);
    tcase_add_test(t, problem_types_found_by_slug);
    tcase_add_test(t, fields_found_by_name_and_form);
    suite_add_tcase(s, t);
    return check_run(s);
}
