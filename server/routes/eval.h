/* eval.h - the /eval and /grad routes. */
#ifndef ACTIVD_EVAL_H
#define ACTIVD_EVAL_H

#include "core/http.h"

enum MHD_Result route_eval(req *r);
/* /eval and /grad: spare room behind a big JSON body for its array and
 * answer (eval.c). */
size_t eval_spare(req *r, size_t content_length);
/* POST /eval's begin: an elementwise binary request is computed while it
 * arrives (eval_binary.c). */
void eval_begin(req *r, size_t content_length);
enum MHD_Result route_grad(req *r);
/* The binary form of both, once its body is in (eval_binary.c). */
enum MHD_Result eval_binary(req *r, int grad);

#endif
