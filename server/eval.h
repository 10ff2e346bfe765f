/* eval.h - the /eval and /grad routes. */
#ifndef ACTIVD_EVAL_H
#define ACTIVD_EVAL_H

#include "http.h"

enum MHD_Result route_eval(req *r);
enum MHD_Result route_grad(req *r);

#endif
