/*
 * The kernels of kernel.wat in plain C, for the native backend (built at install time by
 * binding.gyp with -O3 -march=native -ffp-contract=off; bound to JavaScript by kernel-napi.c).
 *
 * Same functions, same arguments, same results as the WebAssembly exports that wasm.ts's
 * `Kernels` interface lists; the scheme, its assumptions and the adjoint are written out at the
 * top of kernel.ts. Pointers here are where kernel.wat has byte offsets (compiled for wasm32 a
 * pointer IS the byte offset, so the signatures are the wat's); `start`/`end`/`lo`/`hi` are cell
 * indices. Where the wat returns "the first cell not done" (it works two cells at a time and
 * leaves an odd last cell to its caller), these loops do every cell and return `end`.
 *
 * The loops are plain: one cell per iteration, no branch but the flush, restrict pointers, so
 * that the compiler vectorizes them at the machine's full width. The sums are grouped exactly
 * as in the wat, and contraction into fused multiply-adds is off (-ffp-contract=off), so a
 * cell's value is the wat's to the last bit unless a subnormal number is involved: the native
 * binding runs every call with flush-to-zero and denormals-are-zero, WebAssembly cannot.
 *
 * Assumptions (as the wat's): arrays do not overlap; k, a, psi, zeta are zero in the GHOST = 4
 * ghost cells each side and b = 1 outside the layers; reads reach 4 cells past [start, end).
 */
#include "kernel.h"

#include <math.h>

/* Below this, values in the decaying C-PML memory variables (and u inside the layer) are set
 * to zero before they turn subnormal (the wat's $flush, same threshold). */
#define TINY 1e-290

static inline double flush(double x) {
  return fabs(x) < TINY ? 0.0 : x;
}

/* The centred second difference D2 u at i, grouped as the wat's vector code groups it. */
#define D2(u, i) \
  ((c0 * (u)[i] + c1 * ((u)[(i) + 1] + (u)[(i) - 1])) + \
   ((c2 * ((u)[(i) + 2] + (u)[(i) - 2]) + c3 * ((u)[(i) + 3] + (u)[(i) - 3])) + c4 * ((u)[(i) + 4] + (u)[(i) - 4])))

/* The centred first difference D1 u at i (weights d1..d4), grouped as in the wat. */
#define D1(u, i) \
  ((d1 * ((u)[(i) + 1] - (u)[(i) - 1]) + d2 * ((u)[(i) + 2] - (u)[(i) - 2])) + \
   (d3 * ((u)[(i) + 3] - (u)[(i) - 3]) + d4 * ((u)[(i) + 4] - (u)[(i) - 4])))

int32_t gs_leapfrog(const double *restrict u, const double *restrict prev, double *restrict next,
                    const double *restrict k, double *restrict w, int32_t start, int32_t end,
                    double c0, double c1, double c2, double c3, double c4) {
  for (ptrdiff_t i = start; i < end; i++) {
    const double d = D2(u, i);
    w[i] = d;
    next[i] = ((u[i] + u[i]) - prev[i]) + k[i] * d;
  }
  return end > start ? end : start;
}

int32_t gs_adjoint_leapfrog(const double *restrict q, double *restrict later, double *restrict earlier, int32_t end,
                            double c0, double c1, double c2, double c3, double c4) {
  for (ptrdiff_t i = GS_GHOST; i < end; i++) {
    const double l = later[i];
    earlier[i] = earlier[i] + ((l + l) + D2(q, i));
    later[i] = -l;
  }
  return end > GS_GHOST ? end : GS_GHOST;
}

int32_t gs_adjoint_prepare(const double *restrict later, const double *restrict k, const double *restrict wn,
                           double *restrict q, double *restrict grad_k, int32_t end) {
  for (ptrdiff_t i = GS_GHOST; i < end; i++) {
    const double l = later[i];
    q[i] = k[i] * l;
    grad_k[i] = grad_k[i] + l * wn[i]; /* dJ/dk += ubar^{n+1} W^n */
  }
  return end > GS_GHOST ? end : GS_GHOST;
}

void gs_pml_forward(const double *restrict u, double *restrict psi, double *restrict zeta, double *restrict w,
                    double *restrict next, const double *restrict k, const double *restrict a, const double *restrict b,
                    int32_t start, int32_t end, int32_t lo, int32_t hi, double d1, double d2, double d3, double d4) {
  for (ptrdiff_t i = start; i < end; i++) psi[i] = flush(b[i] * psi[i] + a[i] * D1(u, i));
  for (ptrdiff_t i = lo; i < hi; i++) {
    const double t = D1(psi, i);
    w[i] = w[i] + t;
    next[i] = next[i] + k[i] * t;
  }
  for (ptrdiff_t i = start; i < end; i++) {
    const double z = flush(b[i] * zeta[i] + a[i] * w[i]);
    zeta[i] = z;
    w[i] = w[i] + z;
    next[i] = flush(next[i] + k[i] * z);
  }
}

void gs_pml_adjoint(double *restrict q, double *restrict zeta_bar, double *restrict psi_bar, double *restrict p_bar,
                    const double *restrict a, const double *restrict b, int32_t start, int32_t end,
                    double d1, double d2, double d3, double d4) {
  for (ptrdiff_t i = start; i < end; i++) {
    const double z = zeta_bar[i] + q[i];
    zeta_bar[i] = flush(b[i] * z);
    q[i] = q[i] + a[i] * z;
  }
  for (ptrdiff_t i = start; i < end; i++) {
    const double z = psi_bar[i] - D1(q, i);
    p_bar[i] = a[i] * z;
    psi_bar[i] = flush(b[i] * z);
  }
}

void gs_pml_adjoint_psi(double *restrict earlier, const double *restrict p_bar, int32_t lo, int32_t hi,
                        double d1, double d2, double d3, double d4) {
  for (ptrdiff_t i = lo; i < hi; i++) earlier[i] = earlier[i] - D1(p_bar, i);
}

void gs_configure(gs_state *s, double *k, double *a, double *b, double *psi, double *zeta,
                  int32_t pl0, int32_t pl1, int32_t pr0, int32_t pr1, int32_t last,
                  double c0, double c1, double c2, double c3, double c4, double d1, double d2, double d3, double d4) {
  s->k = k, s->a = a, s->b = b, s->psi = psi, s->zeta = zeta;
  s->pl0 = pl0, s->pl1 = pl1, s->pr0 = pr0, s->pr1 = pr1, s->last = last;
  s->c[0] = c0, s->c[1] = c1, s->c[2] = c2, s->c[3] = c3, s->c[4] = c4;
  s->d[0] = 0, s->d[1] = d1, s->d[2] = d2, s->d[3] = d3, s->d[4] = d4;
}

static inline int32_t max32(int32_t x, int32_t y) { return x > y ? x : y; }
static inline int32_t min32(int32_t x, int32_t y) { return x < y ? x : y; }

void gs_forward_step(const gs_state *s, const double *u, const double *prev, double *next, double *w,
                     int32_t lo, int32_t hi) {
  const double *c = s->c, *d = s->d;
  gs_leapfrog(u, prev, next, s->k, w, lo & ~1, hi, c[0], c[1], c[2], c[3], c[4]);
  if (s->pl0 < s->pl1 && s->pl1 > lo - GS_GHOST)
    gs_pml_forward(u, s->psi, s->zeta, w, next, s->k, s->a, s->b, s->pl0, s->pl1,
                   max32(GS_GHOST, s->pl0 - GS_GHOST), min32(s->last, s->pl1 + GS_GHOST), d[1], d[2], d[3], d[4]);
  if (s->pr0 < s->pr1 && s->pr0 < hi + GS_GHOST)
    gs_pml_forward(u, s->psi, s->zeta, w, next, s->k, s->a, s->b, s->pr0, s->pr1,
                   max32(GS_GHOST, s->pr0 - GS_GHOST), min32(s->last, s->pr1 + GS_GHOST), d[1], d[2], d[3], d[4]);
}

const uint32_t gs_kernel_isa = 0
#ifdef __AVX__
  | GS_ISA_AVX
#endif
#ifdef __AVX2__
  | GS_ISA_AVX2
#endif
#ifdef __FMA__
  | GS_ISA_FMA
#endif
#ifdef __AVX512F__
  | GS_ISA_AVX512F
#endif
  ;
