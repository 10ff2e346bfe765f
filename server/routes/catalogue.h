/*
 * catalogue.h - GET /activations and /activations/{name}: the library's
 * registry as JSON (names, aliases, parameters with bounds and defaults,
 * formulas in plain text and LaTeX, output range, kink conventions).
 */
#ifndef ACTIVD_CATALOGUE_H
#define ACTIVD_CATALOGUE_H

#include "core/http.h"

enum MHD_Result route_activations(req *r);
/* /activations/{name}: a name or alias (the library's matching rules);
 * 404 problem+json with close names otherwise. */
enum MHD_Result route_activation(req *r);

#endif
