/*
 * table.c - the route table, expanded from routes/list.h.
 */
#include "routes/table.h"

#include "routes/catalogue.h"
#include "routes/eval.h"
#include "routes/health.h"
#include "routes/metrics.h"
#include "routes/openapi.h"
#include "routes/plot.h"
#include "routes/problems.h"
#include "routes/web.h"

#define ROUTE_ROW(id, path, param, methods, fn, name, spare, begin)                                \
    [id] = {path, param, methods, fn, name, spare, begin},
const struct http_route route_table[ROUTE_COUNT] = {ROUTES(ROUTE_ROW)};
#undef ROUTE_ROW
