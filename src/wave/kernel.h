/*
 * The native kernels of the 1D wave simulator (kernel.c): the exports of kernel.wat with
 * pointers where the wat has byte offsets, and the state `configure` sets (the wat's globals)
 * in a struct, one per bound memory. See kernel.c for what each computes.
 */
#ifndef GRADSCAPE_WAVE_KERNEL_H
#define GRADSCAPE_WAVE_KERNEL_H

#include <stddef.h>
#include <stdint.h>

/* Ghost cells each side of the working arrays (config.ts's GHOST): the widest stencil's radius. */
#define GS_GHOST 4

/* What `configure` sets: the propagator's coefficient and C-PML arrays, its layers' cell ranges
 * [pl0, pl1) and [pr0, pr1), the last working cell + 1, and the stencil weights. */
typedef struct {
  double *k, *a, *b, *psi, *zeta;
  int32_t pl0, pl1, pr0, pr1, last;
  double c[5]; /* second difference, centre first */
  double d[5]; /* first difference d[1..4]; d[0] unused */
} gs_state;

int32_t gs_leapfrog(const double *u, const double *prev, double *next, const double *k, double *w,
                    int32_t start, int32_t end, double c0, double c1, double c2, double c3, double c4);
void gs_configure(gs_state *s, double *k, double *a, double *b, double *psi, double *zeta,
                  int32_t pl0, int32_t pl1, int32_t pr0, int32_t pr1, int32_t last,
                  double c0, double c1, double c2, double c3, double c4, double d1, double d2, double d3, double d4);
void gs_forward_step(const gs_state *s, const double *u, const double *prev, double *next, double *w, int32_t lo, int32_t hi);
void gs_pml_forward(const double *u, double *psi, double *zeta, double *w, double *next, const double *k,
                    const double *a, const double *b, int32_t start, int32_t end, int32_t lo, int32_t hi,
                    double d1, double d2, double d3, double d4);
void gs_pml_adjoint(double *q, double *zeta_bar, double *psi_bar, double *p_bar, const double *a, const double *b,
                    int32_t start, int32_t end, double d1, double d2, double d3, double d4);
void gs_pml_adjoint_psi(double *earlier, const double *p_bar, int32_t lo, int32_t hi, double d1, double d2, double d3, double d4);
int32_t gs_adjoint_prepare(const double *later, const double *k, const double *wn, double *q, double *grad_k, int32_t end);
int32_t gs_adjoint_leapfrog(const double *q, double *later, double *earlier, int32_t end,
                            double c0, double c1, double c2, double c3, double c4);

/* Instruction-set extensions kernel.c was compiled to use (-march=native on the build machine):
 * the binding refuses to load on a CPU without them rather than die of an illegal instruction. */
enum { GS_ISA_AVX = 1, GS_ISA_AVX2 = 2, GS_ISA_FMA = 4, GS_ISA_AVX512F = 8 };
extern const uint32_t gs_kernel_isa;

#endif
