/*
 * table.h - the route table (routes/list.h expanded), for http_start.
 */
#ifndef ACTIVD_TABLE_H
#define ACTIVD_TABLE_H

#include "core/http.h"
#include "routes/list.h"

#define ROUTE_ENUM(id, path, param, methods, fn, name, spare, begin) id,
enum route_id { ROUTES(ROUTE_ENUM) ROUTE_COUNT };
#undef ROUTE_ENUM

/* Row i is route i of enum route_id. */
extern const struct http_route route_table[ROUTE_COUNT];

#endif
