/*
 * num/vgauss.h - num/gauss.h on four lanes (internal): the Mills ratio in
 * stages (vm_), phi and R side by side, and the plain-double tail Q for
 * float32 results; step for step as the scalar versions (the same bits).
 */
#ifndef ACTIV_NUM_VGAUSS_H
#define ACTIV_NUM_VGAUSS_H

#include "num/gauss.h"
#include "num/plain.h"
#include "num/vexp.h"

#ifdef K_HAVE_VEC

/* v_mills on W groups, in stages (vm_1 .. vm_6); each pair of coefficients
 * is used as soon as it is loaded (fewer live registers than the whole row). */
typedef struct vmills_st {
    __m128i i[2];
    v4 t[2], t2[2], pk[2][6], q[2];
    vdd out[2];
} vmills_st;

KV void vm_1(int W, const v4 *a, vmills_st *M)
{
    KV_EACH(W, {
        M->i[h] = _mm256_cvttpd_epi32(a[h] * v_set(MILLS_STEP));
        M->t[h] = a[h] - _mm256_cvtepi32_pd(M->i[h]) * v_set(1.0 / MILLS_STEP);
        M->t2[h] = M->t[h] * M->t[h];
    });
}

/* the tail's coefficients k0 .. k1-1 (pairs c6+2k, c7+2k) */
KV void vm_2(int W, int k0, int k1, vmills_st *M)
{
    for (int k = k0; k < k1; k++)
        KV_EACH(W, {
            v4 c0, c1;
            v_rows2(&k_mills_tab[0][0], MILLS_DEG + 4, M->i[h], 6 + 2 * k, &c0, &c1);
            M->pk[h][k] = c0 + c1 * M->t[h];
        });
}

KV void vm_3(int W, vmills_st *M)
{
    KV_EACH(W, {
        v4 t2 = M->t2[h], t4 = t2 * t2, t8 = t4 * t4, *p = M->pk[h];
        v4 q0 = p[0] + p[1] * t2, q1 = p[2] + p[3] * t2, q2 = p[4] + p[5] * t2;
        M->q[h] = (q0 + q1 * t4) + q2 * t8;
    });
}

KV void vm_4(int W, vmills_st *M)
{
    KV_EACH(W, {
        v4 c4, c5;
        v_rows2(&k_mills_tab[0][0], MILLS_DEG + 4, M->i[h], 4, &c4, &c5);
        vdd u = v_two_sum(c4, M->t[h] * M->q[h]);
        u.lo = u.lo + c5;
        M->out[h] = v_dd_mul_d(u, M->t[h]);
    });
}

KV void vm_5(int W, vmills_st *M)
{
    KV_EACH(W, {
        v4 c2, c3;
        v_rows2(&k_mills_tab[0][0], MILLS_DEG + 4, M->i[h], 2, &c2, &c3);
        M->out[h] = v_dd_mul_d(v_dd_add((vdd){c2, c3}, M->out[h]), M->t[h]);
    });
}

KV void vm_6(int W, vmills_st *M, vdd *out)
{
    KV_EACH(W, {
        v4 c0, c1;
        v_rows2(&k_mills_tab[0][0], MILLS_DEG + 4, M->i[h], 0, &c0, &c1);
        out[h] = v_dd_add((vdd){c0, c1}, M->out[h]);
    });
}

KV void vw_mills(int W, const v4 *a, vdd *out)
{
    vmills_st M;
    vm_1(W, a, &M);
    vm_2(W, 0, 6, &M);
    vm_3(W, &M);
    vm_4(W, &M);
    vm_5(W, &M);
    vm_6(W, &M, out);
}

/* phi(a) = exp(-a^2/2)/sqrt(2 pi) (a^2 split exactly, a <= 30: normal,
 * scaled exactly) and R(a) (mills_dd's steps) on W groups, the stages of the
 * two interleaved: four independent chains side by side. */
KV void vw_phi_mills(int W, const v4 *a, vdd *ph, vdd *mr)
{
    v4 eh[2], el[2];
    vdd e[2];
    vexp_st X;
    vmills_st M;
    KV_EACH(W, {
        vdd a2 = v_two_prod(a[h], a[h]);
        eh[h] = v_set(-0.5) * a2.hi, el[h] = v_set(-0.5) * a2.lo;
    });
    vm_1(W, a, &M);
    vx_1(W, eh, &X);
    vm_2(W, 0, 3, &M);
    vx_2(W, &X);
    vm_2(W, 3, 6, &M);
    vx_3(W, eh, el, &X);
    vm_3(W, &M);
    vx_4(W, &X);
    vm_4(W, &M);
    vx_5(W, &X, e);
    vm_5(W, &M);
    KV_EACH(W, ph[h] = v_dd_mul(e[h], v_const(K_INV_SQRT2PI_HI, K_INV_SQRT2PI_LO)););
    vm_6(W, &M, mr);
}

/* gf_q on W groups (a <= 30): Q and phi; the exp's stages interleaved with
 * the Mills ratio's loads (independent chains side by side). */
KV void vw_gf_q(int W, const v4 *a, v4 *q, v4 *ph)
{
    v4 a2[2], l[2], e[2], t[2], t2[2], pk[2][6], tail[2];
    __m128i i[2];
    vexpp_st X;
    KV_EACH(W, a2[h] = a[h] * a[h]; l[h] = _mm256_fmsub_pd(a[h], a[h], a2[h]);
            e[h] = v_set(-0.5) * a2[h];);
    px_1(W, e, &X);
    KV_EACH(W, {
        i[h] = _mm256_cvttpd_epi32(a[h] * v_set(MILLS_STEP));
        t[h] = a[h] - _mm256_cvtepi32_pd(i[h]) * v_set(1.0 / MILLS_STEP);
        t2[h] = t[h] * t[h];
    });
    for (int k = 0; k < 3; k++)
        KV_EACH(W, {
            v4 c0, c1;
            v_rows2(&k_mills_tab[0][0], MILLS_DEG + 4, i[h], 6 + 2 * k, &c0, &c1);
            pk[h][k] = c0 + c1 * t[h];
        });
    px_2(W, e, &X);
    for (int k = 3; k < 6; k++)
        KV_EACH(W, {
            v4 c0, c1;
            v_rows2(&k_mills_tab[0][0], MILLS_DEG + 4, i[h], 6 + 2 * k, &c0, &c1);
            pk[h][k] = c0 + c1 * t[h];
        });
    px_3(W, &X, e);
    KV_EACH(W, {
        v4 t4 = t2[h] * t2[h], t8 = t4 * t4, *p = pk[h];
        v4 q0 = p[0] + p[1] * t2[h], q1 = p[2] + p[3] * t2[h], q2 = p[4] + p[5] * t2[h];
        tail[h] = (q0 + q1 * t4) + q2 * t8;
    });
    KV_EACH(W, {
        e[h] = _mm256_fmadd_pd(e[h], v_set(-0.5) * l[h], e[h]);
        ph[h] = e[h] * v_set(K_INV_SQRT2PI_HI);
    });
    KV_EACH(W, {
        v4 c0, c1, c2, c3, c4, c5;
        v_rows2(&k_mills_tab[0][0], MILLS_DEG + 4, i[h], 0, &c0, &c1);
        v_rows2(&k_mills_tab[0][0], MILLS_DEG + 4, i[h], 2, &c2, &c3);
        v_rows2(&k_mills_tab[0][0], MILLS_DEG + 4, i[h], 4, &c4, &c5);
        v4 tt = t[h];
        v4 R = _mm256_fmadd_pd(tt, _mm256_fmadd_pd(tt, _mm256_fmadd_pd(tt, tail[h], c4), c2), c0);
        q[h] = ph[h] * R;
    });
}

#endif
#endif
