/*
 * web.h - the single-page app: GET / and /static/<file>, built into the
 * binary or read from --www-dir.
 */
#ifndef ACTIVD_WEB_H
#define ACTIVD_WEB_H

#include "core/http.h"

enum MHD_Result route_index(req *r);
enum MHD_Result route_static(req *r);

#endif
