/*
 * The kernels of the 1D and 2D wave simulators (kernel.c, written once in kernel-real.h and
 * kernel2d-real.h), in float64
 * (suffix _f64) and float32 (_f32), and what their two front ends share: the native binding
 * (kernel-napi.c, Node-API) and the WebAssembly exports (kernel-wasm.c). Each front end keeps
 * one configuration per sweep (forward, adjoint) as byte offsets into the memory the kernels
 * work in, and turns it into pointers (gs_sweep_of) at every step.
 */
#ifndef GRADSCAPE_WAVE_KERNEL_H
#define GRADSCAPE_WAVE_KERNEL_H

#include <stddef.h>
#include <stdint.h>

/* Ghost cells each side of the working arrays (config.ts's GHOST): the widest stencil's radius. */
#define GS_GHOST 4
/* The most threads one 2D shot steps on (gs_grid2d's threads). */
#define GS_MAX_THREADS 16

/* Bytes at the end of a memory kept for the kernels' configurations (wasm.ts's
 * KERNEL_STATE_BYTES): slot 0 (forward) at its start, slot 1 (adjoint) GS_SLOT_BYTES later, slot 2
 * (the scattered field of Born modelling) after it. */
#define GS_STATE_BYTES 512
#define GS_SLOT_BYTES 160
enum { GS_FORWARD = 0, GS_ADJOINT = 1, GS_SCATTERED = 2 };

/* What `configure` sets for one sweep: byte offsets of the coefficient k, the C-PML a and b,
 * the sweep's memory variables psi and zeta (psi-bar and zeta-bar for the adjoint), the layers'
 * cell ranges [pl0, pl1) and [pr0, pr1), the last working cell + 1, the mirror signs of the ends
 * (-1 free, +1 rigid, 0 absorbing), and the stencil weights (second difference c[0..4], centre
 * first; first difference d[1..4], d[0] unused), in float64 whatever the kernels' precision. */
typedef struct {
  uint64_t magic; /* set by the native binding's bind(); unused by WebAssembly */
  int32_t configured;
  int32_t k, a, b, psi, zeta, pl0, pl1, pr0, pr1, last, left_sign, right_sign;
  double c[5], d[5];
} gs_config;
_Static_assert(sizeof(gs_config) <= GS_SLOT_BYTES && 3 * GS_SLOT_BYTES <= GS_STATE_BYTES, "three configurations fit their slots");

#define GS_SWEEP(real) \
  struct {             \
    real *k, *a, *b, *psi, *zeta; \
    int32_t pl0, pl1, pr0, pr1, last, left_sign, right_sign; \
    real c[5], d[5];   \
  }
typedef GS_SWEEP(double) gs_sweep_f64;
typedef GS_SWEEP(float) gs_sweep_f32;

/* Points of a shot (its source, or its receivers): `count` positions of `width` grid points each,
 * cell indices and interpolation weights position by position. */
typedef struct {
  int32_t count, width;
  const int32_t *index;
  const double *weight;
} gs_points;

/* What a forward run reads and writes besides the sweep: the three time levels (u^{n0-1}, u^{n0}
 * and scratch), W^n at w + (n - n0) w_stride, the update range [lo, hi) (int32[2], carried from
 * call to call), the wavelet (float64, one amplitude a step) and dx, the source and receiver
 * points, and the traces (float64: receiver r's u^{n+1} at traces[r trace_stride + n + 1]). */
#define GS_RUN(real)                              \
  struct {                                        \
    real *u[3];                                   \
    real *w;                                      \
    ptrdiff_t w_stride;                           \
    int32_t *range;                               \
    const double *amplitudes;                     \
    double dx;                                    \
    gs_points source, receivers;                  \
    double *traces;                               \
    ptrdiff_t trace_stride;                       \
  }
typedef GS_RUN(double) gs_run_f64;
typedef GS_RUN(float) gs_run_f32;

/* Born modelling: the background's run (its W^n in base.w, stride 0; its receivers and traces
 * are the scattered field's), the scattered field's three time levels and W scratch, and dk
 * (float64, per working cell). */
#define GS_BORN(real, run) \
  struct {                 \
    run base;              \
    real *u[3];            \
    real *w;               \
    const double *dk;      \
  }
typedef GS_BORN(double, gs_run_f64) gs_born_f64;
typedef GS_BORN(float, gs_run_f32) gs_born_f32;

/* Forward steps n0 .. n1-1 of one shot (each: update range, W^n, the source injected in float64
 * arithmetic, receivers sampled); afterwards
 * u^{n1-1}, u^{n1} are u[(n1-n0) % 3], u[(n1-n0+1) % 3]. */
void gs_forward_run_f64(const gs_sweep_f64 *s, const gs_run_f64 *r, int32_t n0, int32_t n1);
void gs_forward_run_f32(const gs_sweep_f32 *s, const gs_run_f32 *r, int32_t n0, int32_t n1);

/* What a reverse run reads and writes besides the sweep: ubar^{n+1} (`later`) and ubar^n
 * (`earlier`), scratch q and p_bar, W^n at w + (n - n0) w_stride, dJ/dk (float64), the cell range,
 * dx and the source and receiver points, the residual (float64: receiver r's at
 * residual[r residual_stride + n]) and dJ/df (float64, f_bar[n]). */
#define GS_REVERSE(real)                          \
  struct {                                        \
    real *later, *earlier, *q, *p_bar;            \
    const real *w;                                \
    ptrdiff_t w_stride;                           \
    double *grad_k;                               \
    int32_t *range;                               \
    double dx;                                    \
    gs_points source, receivers;                  \
    const double *residual;                       \
    ptrdiff_t residual_stride;                    \
    double *f_bar;                                \
  }
typedef GS_REVERSE(double) gs_reverse_f64;
typedef GS_REVERSE(float) gs_reverse_f32;

/* Steps n1-1 down to n0 reversed (each: dJ/df^n, the adjoint step, the residual of t_n
 * injected); ubar^{n0} ends in `later` when n1 - n0 is even, in `earlier` when odd. The adjoint's
 * update range (int32[2] at `range`) holds every cell where ubar^{n+1} or ubar^{n+2} may be
 * nonzero (the caller's to start: the cells of the residual injected so far); each step widens
 * it by the step's reach and the residual's cells, and works on it alone. */
/* Born steps n0 .. n1-1 (see gs_born_*): the background with the forward configuration, the
 * scattered field with the GS_SCATTERED one; the range of the background carried in base.range. */
void gs_born_run_f64(const gs_sweep_f64 *s, const gs_sweep_f64 *p, const gs_born_f64 *b, int32_t n0, int32_t n1);
void gs_born_run_f32(const gs_sweep_f32 *s, const gs_sweep_f32 *p, const gs_born_f32 *b, int32_t n0, int32_t n1);

void gs_reverse_run_f64(const gs_sweep_f64 *s, const gs_reverse_f64 *r, int32_t n0, int32_t n1);
void gs_reverse_run_f32(const gs_sweep_f32 *s, const gs_reverse_f32 *r, int32_t n0, int32_t n1);

/* ---- 2D ---- */

/* A 2D grid as its caller writes it into the memory (wave2d/grid.ts): byte offsets of m = c^2 dt^2
 * per cell, the C-PML a and b per column (x) and per row (z), the memory variables psi and zeta
 * of each axis (per cell); the working columns and rows (ghosts included); the layers: columns
 * [GS_GHOST, xl) and [xr, sx - GS_GHOST), rows [GS_GHOST, zt) and [zb, sz - GS_GHOST); the top's
 * mirror sign (-1: a free surface half a row above row GS_GHOST; 0: absorbing); the stencil
 * weights (as gs_config's) and 1/dx^2, 1/dz^2 (m^-2); the threads a shot's steps may use (native
 * builds; see team_rows2d in kernel2d-real.h). */
typedef struct {
  int32_t m, ax, bx, az, bz, psix, zetax, psiz, zetaz;
  int32_t sx, sz, xl, xr, zt, zb, top_sign;
  double c[5], d[5];
  double idx2, idz2;
  int32_t threads, unused;
} gs_grid2d;

#define GS_SWEEP2D(real)                                        \
  struct {                                                      \
    real *m, *ax, *bx, *az, *bz, *psix, *zetax, *psiz, *zetaz;  \
    ptrdiff_t sx, sz, xl, xr, zt, zb;                           \
    int32_t top_sign;                                           \
    real c[5], d[5], idx2, idz2;                                \
    int32_t threads;                                            \
  }
typedef GS_SWEEP2D(double) gs_sweep2d_f64;
typedef GS_SWEEP2D(float) gs_sweep2d_f32;

/* Forward steps n0 .. n1-1 of one 2D shot (a gs_run: two time levels, u[0] = u^{n0-1} and u[1] =
 * u^{n0}, u[2] unused: each step writes u^{n+1} over u^{n-1}; W^n storage, the wavelet and, in
 * `dx`, the source's scale 1/(dx dz), the points as flat cell indices row * sx + column, the
 * traces); afterwards u^{n1-1}, u^{n1} are u[(n1-n0) % 2], u[(n1-n0+1) % 2]. With w_stride 0,
 * W^n is not kept and not written at all (forward-only runs and checkpointing's plain advance). */
void gs_forward_run2d_f64(const gs_sweep2d_f64 *s, const gs_run_f64 *r, int32_t n0, int32_t n1);
void gs_forward_run2d_f32(const gs_sweep2d_f32 *s, const gs_run_f32 *r, int32_t n0, int32_t n1);
/* Born modelling in 2D, steps n0 .. n1-1 (as gs_born_run, but with two time levels per field, as
 * gs_forward_run2d's): the background shot with sweep s (its
 * W^n in b->base.w, stride 0; b->base.range unused; `dx` the source's scale 1/(dx dz)), the
 * scattered field with sweep p (the same grid but for its own psi and zeta arrays), driven by
 * dm W^n (b->dk: dm per cell, float64, zero in the ghosts) and sampled into the traces. */
void gs_born_run2d_f64(const gs_sweep2d_f64 *s, const gs_sweep2d_f64 *p, const gs_born_f64 *b, int32_t n0, int32_t n1);
void gs_born_run2d_f32(const gs_sweep2d_f32 *s, const gs_sweep2d_f32 *p, const gs_born_f32 *b, int32_t n0, int32_t n1);
/* Steps n1-1 down to n0 of one 2D shot reversed (as gs_reverse_run, over the whole interior;
 * `range` unused): with the adjoint sweep (its psi and zeta arrays holding psi-bar and
 * zeta-bar), r->q and r->p_bar the x axis's scratch Q-bar and P-bar, qz and p_barz the z
 * axis's, r->grad_k dJ/dm per cell (float64), `dx` the source's scale 1/(dx dz). */
void gs_reverse_run2d_f64(const gs_sweep2d_f64 *s, const gs_reverse_f64 *r, double *qz, double *p_barz, int32_t n0, int32_t n1);
void gs_reverse_run2d_f32(const gs_sweep2d_f32 *s, const gs_reverse_f32 *r, float *qz, float *p_barz, int32_t n0, int32_t n1);
void gs_sweep2d_of_f64(gs_sweep2d_f64 *s, uintptr_t base, const gs_grid2d *g);
void gs_sweep2d_of_f32(gs_sweep2d_f32 *s, uintptr_t base, const gs_grid2d *g);

void gs_sweep_of_f64(gs_sweep_f64 *s, uintptr_t base, const gs_config *g);
void gs_sweep_of_f32(gs_sweep_f32 *s, uintptr_t base, const gs_config *g);

/* Instruction-set extensions kernel.c was compiled to use (-march=native on the build machine):
 * the binding refuses to load on a CPU without them rather than die of an illegal instruction. */
enum { GS_ISA_AVX = 1, GS_ISA_AVX2 = 2, GS_ISA_FMA = 4, GS_ISA_AVX512F = 8 };
extern const uint32_t gs_kernel_isa;

#endif
