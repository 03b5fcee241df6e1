/*
 * The kernels of the 1D wave simulator, written once for a floating type `real`: kernel.c
 * includes this file twice, with `real` double and float, `FN(name)` naming each copy
 * (name_f64, name_f32), `ABS` the type's absolute value and `TINY` its flush threshold.
 *
 * The scheme, its assumptions and its adjoint are written out at the top of kernel.ts. Each loop
 * is plain (one cell an iteration, no branch but the flush, restrict pointers), so that the
 * compiler vectorizes it at the target's full width: 8 float64 lanes with AVX-512 natively,
 * 2 (float64) or 4 (float32) with WebAssembly SIMD. Contraction into fused multiply-adds is off
 * (-ffp-contract=off) in both builds and the sums are grouped the same way, so the native and
 * WebAssembly builds give a cell the same bits unless a subnormal number is involved (the native
 * binding runs with flush-to-zero, WebAssembly cannot).
 *
 * Assumptions: arrays do not overlap; k, a, psi, zeta are zero in the GS_GHOST = 4 ghost cells
 * each side and b = 1 outside the layers; reads reach 4 cells past the range worked on. The
 * gradient with respect to k is accumulated in float64 whatever `real` is (see kernel.ts).
 */

/* Zero below TINY: the decaying C-PML memory variables and u inside a layer are set to zero
 * before they turn subnormal (see kernel.c for the interior). Where the caller runs every kernel
 * with flush-to-zero and denormals-are-zero (GS_CALLER_FTZ: the native binding), the hardware
 * does it and the compare costs 6-8% of a 2D forward for nothing (wave2d-standard, 2026-11-30). */
static inline real FN(flush)(real x) {
#if GS_HARDWARE_FLUSH
  return x;
#else
  return ABS(x) < TINY ? (real)0 : x;
#endif
}

/* Each sweep over cells is a function of its own, not inlined into the step, and its range comes
 * from the caller: with a start known at compile time (or inlined after the ghost fill), clang
 * forwarded the first loads into a recurrence and then did not vectorize the adjoint leapfrog
 * ("value ... used outside the loop"). */
#ifndef LOOP
#define LOOP static __attribute__((noinline))
#endif

/* The stencil weights of a sweep as arguments (passed by value: nothing of a sweep needs an address). */
#ifndef WEIGHTS_C
#define WEIGHTS_C(s) (s)->c[0], (s)->c[1], (s)->c[2], (s)->c[3], (s)->c[4]
#define WEIGHTS_D(s) (s)->d[1], (s)->d[2], (s)->d[3], (s)->d[4]
#endif

/* w = D2 u and next = 2 u - prev + k w on [start, end). */
LOOP void FN(leapfrog)(const real *restrict u, const real *restrict prev, real *restrict next, const real *restrict k,
                         real *restrict w, ptrdiff_t start, ptrdiff_t end, real c0, real c1, real c2, real c3, real c4) {
  for (ptrdiff_t i = start; i < end; i++) {
    const real d = D2(u, i);
    w[i] = d;
    next[i] = ((u[i] + u[i]) - prev[i]) + k[i] * d;
  }
}

/* The C-PML terms of one layer [start, end) (lo, hi: the layer widened by the stencil, clipped). */
LOOP void FN(pml_forward)(const real *restrict u, real *restrict psi, real *restrict zeta, real *restrict w,
                            real *restrict next, const real *restrict k, const real *restrict a, const real *restrict b,
                            ptrdiff_t start, ptrdiff_t end, ptrdiff_t lo, ptrdiff_t hi, real d1, real d2, real d3, real d4) {
  for (ptrdiff_t i = start; i < end; i++) psi[i] = FN(flush)(b[i] * psi[i] + a[i] * D1(u, i));
  for (ptrdiff_t i = lo; i < hi; i++) {
    const real t = D1(psi, i);
    w[i] = w[i] + t;
    next[i] = next[i] + k[i] * t;
  }
  for (ptrdiff_t i = start; i < end; i++) {
    const real z = FN(flush)(b[i] * zeta[i] + a[i] * w[i]);
    zeta[i] = z;
    w[i] = w[i] + z;
    next[i] = FN(flush)(next[i] + k[i] * z);
  }
}

/* Mirror ends: ghost cells filled from the first/last cells (sign 0: absorbing end, left zero). */
static void FN(fill_ghosts)(real *u, int32_t left_sign, int32_t right_sign, ptrdiff_t last) {
  if (left_sign != 0)
    for (ptrdiff_t j = 0; j < GS_GHOST; j++) u[GS_GHOST - 1 - j] = (real)left_sign * u[GS_GHOST + j];
  if (right_sign != 0)
    for (ptrdiff_t j = 0; j < GS_GHOST; j++) u[last + j] = (real)right_sign * u[last - 1 - j];
}

/* Steps and runs are inlined into their callers (always_inline): a sweep or run description whose
 * address escaped into a call would live on the WebAssembly shadow stack, which the module does
 * not have (its memory is the arena's). */
#define INLINE static inline __attribute__((always_inline))

INLINE void FN(forward_step)(const FN(gs_sweep) *s, real *u, const real *prev, real *next, real *w, int32_t lo, int32_t hi) {
  FN(fill_ghosts)(u, s->left_sign, s->right_sign, s->last);
  FN(leapfrog)(u, prev, next, s->k, w, lo & ~1, hi, WEIGHTS_C(s));
  if (s->pl0 < s->pl1 && s->pl1 > lo - GS_GHOST)
    FN(pml_forward)(u, s->psi, s->zeta, w, next, s->k, s->a, s->b, s->pl0, s->pl1, max32(GS_GHOST, s->pl0 - GS_GHOST),
                    min32(s->last, s->pl1 + GS_GHOST), WEIGHTS_D(s));
  if (s->pr0 < s->pr1 && s->pr0 < hi + GS_GHOST)
    FN(pml_forward)(u, s->psi, s->zeta, w, next, s->k, s->a, s->b, s->pr0, s->pr1, max32(GS_GHOST, s->pr0 - GS_GHOST),
                    min32(s->last, s->pr1 + GS_GHOST), WEIGHTS_D(s));
}

/* q = k ubar^{n+1} on [start, end); dJ/dk += ubar^{n+1} W^n here with GRAD_IN_PREPARE, else in
 * the adjoint leapfrog (in float64 either way: a product of two floats is exact in it). */
LOOP void FN(adjoint_prepare)(const real *restrict later, const real *restrict k, const real *restrict wn,
                                real *restrict q, double *restrict grad_k, ptrdiff_t start, ptrdiff_t end) {
  for (ptrdiff_t i = start; i < end; i++) {
    const real l = later[i];
    q[i] = k[i] * l;
    if (GRAD_IN_PREPARE) grad_k[i] = grad_k[i] + (double)l * (double)wn[i];
  }
}

/* The zeta and psi recursions of one layer, reversed: W-bar (in q) becomes Q-bar, P-bar collected. */
LOOP void FN(pml_adjoint)(real *restrict q, real *restrict zeta_bar, real *restrict psi_bar, real *restrict p_bar,
                            const real *restrict a, const real *restrict b, ptrdiff_t start, ptrdiff_t end,
                            real d1, real d2, real d3, real d4) {
  for (ptrdiff_t i = start; i < end; i++) {
    const real z = zeta_bar[i] + q[i];
    zeta_bar[i] = FN(flush)(b[i] * z);
    q[i] = q[i] + a[i] * z;
  }
  for (ptrdiff_t i = start; i < end; i++) {
    const real z = psi_bar[i] - D1(q, i);
    p_bar[i] = a[i] * z;
    psi_bar[i] = FN(flush)(b[i] * z);
  }
}

/* ubar^n = 2 ubar^{n+1} - ubar^{n+2} + D2 q (D2 is symmetric: its own transpose), written over
 * ubar^{n+2} in `earlier`; dJ/dk += ubar^{n+1} W^n unless adjoint_prepare adds it. */
LOOP void FN(adjoint_leapfrog)(const real *restrict q, const real *restrict later, real *restrict earlier,
                                 const real *restrict wn, double *restrict grad_k, ptrdiff_t start, ptrdiff_t end,
                                 real c0, real c1, real c2, real c3, real c4) {
  for (ptrdiff_t i = start; i < end; i++) {
    const real l = later[i];
    earlier[i] = ((l + l) + D2(q, i)) - earlier[i];
    if (!GRAD_IN_PREPARE) grad_k[i] = grad_k[i] + (double)l * (double)wn[i];
  }
}

/* ubar^n += D1^T P-bar = -D1 P-bar on [lo, hi). */
LOOP void FN(pml_adjoint_psi)(real *restrict earlier, const real *restrict p_bar, ptrdiff_t lo, ptrdiff_t hi,
                                real d1, real d2, real d3, real d4) {
  for (ptrdiff_t i = lo; i < hi; i++) earlier[i] = earlier[i] - D1(p_bar, i);
}

/* One step reversed, given ubar^{n+1} (`later`), ubar^{n+2} (`earlier`) and W^n, both ubar zero
 * outside [lo, hi): accumulates dJ/dk (float64) and leaves ubar^n in `earlier` (nonzero at most
 * 2 GS_GHOST cells further: the stencil's reach, and in a layer its first difference's twice).
 * q and p_bar are scratch, zero outside what earlier steps worked on. */
INLINE void FN(adjoint_step)(const FN(gs_sweep) *s, real *later, real *earlier, real *q, real *p_bar, const real *wn,
                             double *grad_k, int32_t lo, int32_t hi) {
  FN(adjoint_prepare)(later, s->k, wn, q, grad_k, lo, hi);
  if (s->pl0 < s->pl1) FN(pml_adjoint)(q, s->zeta, s->psi, p_bar, s->a, s->b, s->pl0, s->pl1, WEIGHTS_D(s));
  if (s->pr0 < s->pr1) FN(pml_adjoint)(q, s->zeta, s->psi, p_bar, s->a, s->b, s->pr0, s->pr1, WEIGHTS_D(s));
  FN(fill_ghosts)(q, s->left_sign, s->right_sign, s->last);
  FN(adjoint_leapfrog)(q, later, earlier, wn, grad_k, max32(GS_GHOST, lo - GS_GHOST), min32(s->last, hi + GS_GHOST), WEIGHTS_C(s));
  if (s->pl0 < s->pl1)
    FN(pml_adjoint_psi)(earlier, p_bar, max32(GS_GHOST, s->pl0 - GS_GHOST), min32(s->last, s->pl1 + GS_GHOST), WEIGHTS_D(s));
  if (s->pr0 < s->pr1)
    FN(pml_adjoint_psi)(earlier, p_bar, max32(GS_GHOST, s->pr0 - GS_GHOST), min32(s->last, s->pr1 + GS_GHOST), WEIGHTS_D(s));
}

/* Asks the memory for the `count` values at `p` (the next step's stored W^n, a stream the
 * hardware prefetcher picks up late: each step's block lies below the previous one in the
 * reverse sweep) while this step computes; `write` when they are about to be overwritten.
 * Measured natively (wave1d-standard, float64): the reverse run over stored W^n 14.5-15.4 ms
 * instead of 16.2; the forward run into storage unchanged within noise. */
INLINE void FN(prefetch)(const real *p, int32_t count, int write) {
#ifndef __wasm__ /* WebAssembly has no prefetch */
  const int32_t per_line = 64 / (int32_t)sizeof(real);
  if (write)
    for (int32_t i = 0; i < count; i += per_line) __builtin_prefetch(p + i, 1, 0);
  else
    for (int32_t i = 0; i < count; i += per_line) __builtin_prefetch(p + i, 0, 0);
#else
  (void)p, (void)count, (void)write;
#endif
}

/* The source of step n, amplitude f^n (scaled by r->dx), into W^n (unless w is NULL: not kept)
 * and u^{n+1} = ... + c W^n, in float64 arithmetic. */
INLINE void FN(inject_source)(const real *c, const FN(gs_run) *r, real *w, real *next, double amplitude) {
  if (amplitude == 0) return;
  const gs_points *src = &r->source;
  const double scale = amplitude * r->dx;
  for (int32_t j = 0; j < src->count * src->width; j++) {
    const int32_t i = src->index[j];
    const double v = scale * src->weight[j];
    if (w != NULL) w[i] = (real)((double)w[i] + v);
    next[i] = (real)((double)next[i] + (double)c[i] * v);
  }
}

/* Step n of a shot: the update range (one step's reach further, and the
 * source's cells; all cells with a mirror end), W^n zero outside it, the kernels, the source
 * injected in float64 arithmetic. */
INLINE void FN(source_step)(const FN(gs_sweep) *s, const FN(gs_run) *r, real *prev, real *cur, real *next, real *w, int32_t n,
                            int32_t *lo_hi) {
  const int32_t last = s->last, size = s->last + GS_GHOST;
  const gs_points *src = &r->source;
  const int32_t nsrc = src->count * src->width;
  const double amplitude = r->amplitudes[n];
  int32_t lo = lo_hi[0], hi = lo_hi[1];
  if (s->left_sign != 0 || s->right_sign != 0) {
    lo = GS_GHOST, hi = last;
  } else {
    if (hi > lo) lo = max32(GS_GHOST, lo - 2 * GS_GHOST), hi = min32(last, hi + 2 * GS_GHOST);
    if (amplitude != 0)
      for (int32_t j = 0; j < nsrc; j++) {
        const int32_t i = src->index[j];
        if (hi <= lo) lo = i, hi = i + 1;
        else lo = min32(lo, i), hi = max32(hi, i + 1);
      }
  }
  /* W^n is exactly zero outside the range (w may be a slice of storage holding an older step). */
  const int32_t start = hi > lo ? lo & ~1 : size;
  for (int32_t i = 0; i < start; i++) w[i] = 0;
  for (int32_t i = hi > lo ? hi : size; i < size; i++) w[i] = 0;
  if (hi > lo) FN(forward_step)(s, cur, prev, next, w, lo, hi);
  FN(inject_source)(s->k, r, w, next, amplitude);
  lo_hi[0] = lo, lo_hi[1] = hi;
}

/* The receivers' samples of u^{n+1} (`u`) into the traces at n + 1, summed in float64. */
INLINE void FN(sample)(const FN(gs_run) *r, const real *u, int32_t n) {
  const gs_points *rec = &r->receivers;
  for (int32_t q = 0; q < rec->count; q++) {
    double v = 0;
    for (int32_t j = 0; j < rec->width; j++) v += rec->weight[q * rec->width + j] * (double)u[rec->index[q * rec->width + j]];
    r->traces[q * r->trace_stride + n + 1] = v;
  }
}

INLINE void FN(forward_run)(const FN(gs_sweep) *s, const FN(gs_run) *r, int32_t n0, int32_t n1) {
  real *prev = r->u[0], *cur = r->u[1], *next = r->u[2];
  const int32_t size = s->last + GS_GHOST;
  for (int32_t n = n0; n < n1; n++) {
    if (r->w_stride != 0 && n + 1 < n1) FN(prefetch)(r->w + (ptrdiff_t)(n + 1 - n0) * r->w_stride, size, 1);
    FN(source_step)(s, r, prev, cur, next, r->w + (ptrdiff_t)(n - n0) * r->w_stride, n, r->range);
    FN(sample)(r, next, n);
    real *t = prev;
    prev = cur, cur = next, next = t;
  }
}

/* Born modelling: the background shot (b->base, its W^n in b->base.w) and the scattered field
 * (b->u, b->w, sweep p) stepped together, the scattered field driven by dk W^n (float64
 * arithmetic) and sampled by the receivers. */
INLINE void FN(born_run)(const FN(gs_sweep) *s, const FN(gs_sweep) *p, const FN(gs_born) *b, int32_t n0, int32_t n1) {
  const FN(gs_run) *r = &b->base;
  real *prev = r->u[0], *cur = r->u[1], *next = r->u[2];
  real *pprev = b->u[0], *pcur = b->u[1], *pnext = b->u[2];
  const int32_t last = p->last;
  for (int32_t n = n0; n < n1; n++) {
    FN(source_step)(s, r, prev, cur, next, r->w, n, r->range);
    FN(forward_step)(p, pcur, pprev, pnext, b->w, GS_GHOST, last);
    for (int32_t i = GS_GHOST; i < last; i++) pnext[i] = (real)((double)pnext[i] + b->dk[i] * (double)r->w[i]);
    FN(sample)(r, pnext, n);
    real *t = prev;
    prev = cur, cur = next, next = t;
    t = pprev;
    pprev = pcur, pcur = pnext, pnext = t;
  }
}

void FN(gs_forward_run)(const FN(gs_sweep) *s, const FN(gs_run) *r, int32_t n0, int32_t n1) {
  FN(forward_run)(s, r, n0, n1);
}

void FN(gs_born_run)(const FN(gs_sweep) *s, const FN(gs_sweep) *p, const FN(gs_born) *b, int32_t n0, int32_t n1) {
  FN(born_run)(s, p, b, n0, n1);
}


/* dJ/df^n of a source term c f^n s scale in W^n: sum_j c_j ubar^{n+1}_j s_j scale (float64). */
INLINE double FN(source_gradient)(const real *c, const real *later, const gs_points *src, double scale) {
  double f_bar = 0;
  for (int32_t j = 0; j < src->count * src->width; j++) {
    const int32_t i = src->index[j];
    f_bar += (double)c[i] * (double)later[i] * src->weight[j] * scale;
  }
  return f_bar;
}

/* R^T of the residual at t_n into ubar^n (`later`), in float64 arithmetic; [*lo, *hi) widened
 * over the cells it touches when lo is not NULL. */
INLINE void FN(inject_residual)(const FN(gs_reverse) *r, real *later, int32_t n, int32_t *lo, int32_t *hi) {
  const gs_points *rec = &r->receivers;
  for (int32_t q = 0; q < rec->count; q++) {
    const double v = r->residual[q * r->residual_stride + n];
    if (v == 0) continue;
    for (int32_t j = 0; j < rec->width; j++) {
      const int32_t i = rec->index[q * rec->width + j];
      later[i] = (real)((double)later[i] + rec->weight[q * rec->width + j] * v);
      if (lo == NULL) continue;
      if (*hi <= *lo) *lo = i, *hi = i + 1;
      else *lo = min32(*lo, i), *hi = max32(*hi, i + 1);
    }
  }
}

void FN(gs_reverse_run)(const FN(gs_sweep) *s, const FN(gs_reverse) *r, int32_t n0, int32_t n1) {
  real *later = r->later, *earlier = r->earlier;
  const gs_points *src = &r->source;
  for (int32_t n = n1 - 1; n >= n0; n--) {
    /* The source's term of W^n is dx f^n s, so dJ/df^n = dx sum_j s_j k_j ubar^{n+1}_j. */
    r->f_bar[n] = FN(source_gradient)(s->k, later, src, r->dx);
    if (r->w_stride != 0 && n > n0) FN(prefetch)(r->w + (ptrdiff_t)(n - 1 - n0) * r->w_stride, s->last + GS_GHOST, 0);
    /* The range: every cell with a mirror end (as the forward's), else the cells where ubar may be
     * nonzero, widened by this step's reach. */
    int32_t lo = max32(GS_GHOST, r->range[0]), hi = min32(s->last, r->range[1]);
    if (s->left_sign != 0 || s->right_sign != 0) lo = GS_GHOST, hi = s->last;
    if (hi > lo) {
      FN(adjoint_step)(s, later, earlier, r->q, r->p_bar, r->w + (ptrdiff_t)(n - n0) * r->w_stride, r->grad_k, lo, hi);
      lo = max32(GS_GHOST, lo - 2 * GS_GHOST), hi = min32(s->last, hi + 2 * GS_GHOST);
    }
    real *t = later;
    later = earlier, earlier = t;
    FN(inject_residual)(r, later, n, &lo, &hi);
    r->range[0] = lo, r->range[1] = hi;
  }
}

/* A sweep's pointers and weights from a configuration of byte offsets into the memory at `base`. */
void FN(gs_sweep_of)(FN(gs_sweep) *s, uintptr_t base, const gs_config *g) {
  s->k = (real *)(base + (uintptr_t)g->k), s->a = (real *)(base + (uintptr_t)g->a), s->b = (real *)(base + (uintptr_t)g->b);
  s->psi = (real *)(base + (uintptr_t)g->psi), s->zeta = (real *)(base + (uintptr_t)g->zeta);
  s->pl0 = g->pl0, s->pl1 = g->pl1, s->pr0 = g->pr0, s->pr1 = g->pr1, s->last = g->last;
  s->left_sign = g->left_sign, s->right_sign = g->right_sign;
  for (int j = 0; j < 5; j++) s->c[j] = (real)g->c[j], s->d[j] = (real)g->d[j];
}
