/*
 * The kernels of the 2D wave simulator, written once for a floating type `real` (kernel.c
 * includes this file after kernel-real.h in each precision, whose flush and sample it uses).
 *
 * Scheme (x along rows, z down the columns; D2 and D1 the centred differences of kernel.c along
 * each axis, in grid units; m = c^2 dt^2), per axis a = x, z with the 1D C-PML of kernel.ts:
 *   psi_a^n  = b_a psi_a^{n-1} + a_a D1_a u^n
 *   Q_a^n    = D2_a u^n + D1_a psi_a^n
 *   zeta_a^n = b_a zeta_a^{n-1} + a_a Q_a^n
 *   W^n      = (Q_x^n + zeta_x^n) / dx^2 + (Q_z^n + zeta_z^n) / dz^2 + f^n s / (dx dz)
 *   u^{n+1}  = 2 u^n - u^{n-1} + m W^n
 * with a_a = b_a - 1 inside the layers and a_a = 0, b_a = 1 outside. A free surface mirrors u
 * oddly about the plane half a row above the first row (u = 0 there); the other sides absorb.
 *
 * Assumptions: arrays do not overlap; m, psi and zeta are zero in the ghosts; the ghost columns
 * and the bottom ghost rows of u stay zero (the top ones too unless mirrored); a (b) are 0 (1)
 * outside the layers.
 */

/* u^{n+1} and W^n over the interior cells of row r: both axes' second differences. */
LOOP void FN(leapfrog2d)(const real *restrict u, const real *restrict prev, real *restrict next, const real *restrict m,
                           real *restrict w, ptrdiff_t start, ptrdiff_t end, ptrdiff_t sx, real idx2, real idz2, real c0, real c1,
                           real c2, real c3, real c4) {
  for (ptrdiff_t i = start; i < end; i++) {
    const real d = D2(u, i) * idx2 + D2S(u, i, sx) * idz2;
    w[i] = d;
    next[i] = ((u[i] + u[i]) - prev[i]) + m[i] * d;
  }
}

/* psi = b psi + a D1 u along stride st on [start, end), with a and b of the axis: per cell
 * (`per` 1: the x axis, indexed by column) or one value for the row (`per` 0). */
LOOP void FN(psi2d)(const real *restrict u, real *restrict psi, const real *restrict a, const real *restrict b,
                      ptrdiff_t start, ptrdiff_t end, ptrdiff_t st, ptrdiff_t per, ptrdiff_t at, real d1, real d2, real d3, real d4) {
  for (ptrdiff_t i = start; i < end; i++) {
    const ptrdiff_t j = per ? i - at : 0;
    psi[i] = FN(flush)(b[j] * psi[i] + a[j] * D1S(u, i, st));
  }
}

/* One axis's C-PML terms on [start, end) of a row: W and u^{n+1} gain (D1 psi + zeta) / h^2, with
 * zeta = b zeta + a (D2 u + D1 psi) (a, b per column or per row as in psi2d). */
LOOP void FN(pml2d)(const real *restrict u, const real *restrict psi, real *restrict zeta, real *restrict w,
                      real *restrict next, const real *restrict m, const real *restrict a, const real *restrict b,
                      ptrdiff_t start, ptrdiff_t end, ptrdiff_t st, ptrdiff_t per, ptrdiff_t at, real ih2, real c0, real c1,
                      real c2, real c3, real c4, real d1, real d2, real d3, real d4) {
  for (ptrdiff_t i = start; i < end; i++) {
    const ptrdiff_t j = per ? i - at : 0;
    const real t = D1S(psi, i, st);
    const real z = FN(flush)(b[j] * zeta[i] + a[j] * (D2S(u, i, st) + t));
    zeta[i] = z;
    const real extra = (t + z) * ih2;
    w[i] = w[i] + extra;
    next[i] = FN(flush)(next[i] + m[i] * extra);
  }
}


/* The GS_GHOST ghost rows above row GS_GHOST of a grid's interior columns [x0, x1): `sign` times
 * the rows they mirror (0: zeros). */
static void FN(mirror_rows2d)(real *u, ptrdiff_t sx, ptrdiff_t x0, ptrdiff_t x1, int32_t sign) {
  for (ptrdiff_t j = 0; j < GS_GHOST; j++)
    for (ptrdiff_t c = x0; c < x1; c++) u[(GS_GHOST - 1 - j) * sx + c] = sign == 0 ? (real)0 : (real)sign * u[(GS_GHOST + j) * sx + c];
}

/* One 2D step: the free surface's mirror rows, the psi recursions in the layers, the interior,
 * the layers' C-PML terms (the x terms reach GS_GHOST columns past the x layers: D1 psi_x). */
INLINE void FN(forward_step2d)(const FN(gs_sweep2d) *s, real *u, const real *prev, real *next, real *w) {
  const ptrdiff_t sx = s->sx, sz = s->sz, g = GS_GHOST, x0 = g, x1 = sx - g, z0 = g, z1 = sz - g;
  if (s->top_sign != 0) FN(mirror_rows2d)(u, sx, x0, x1, s->top_sign);
  for (ptrdiff_t r = z0; r < z1; r++) {
    const ptrdiff_t row = r * sx;
    if (s->xl > x0) FN(psi2d)(u, s->psix, s->ax, s->bx, row + x0, row + s->xl, 1, 1, row, WEIGHTS_D(s));
    if (s->xr < x1) FN(psi2d)(u, s->psix, s->ax, s->bx, row + s->xr, row + x1, 1, 1, row, WEIGHTS_D(s));
    if (r < s->zt || r >= s->zb) FN(psi2d)(u, s->psiz, s->az + r, s->bz + r, row + x0, row + x1, sx, 0, 0, WEIGHTS_D(s));
  }
  for (ptrdiff_t r = z0; r < z1; r++) FN(leapfrog2d)(u, prev, next, s->m, w, r * sx + x0, r * sx + x1, sx, s->idx2, s->idz2, WEIGHTS_C(s));
  for (ptrdiff_t r = z0; r < z1; r++) {
    const ptrdiff_t row = r * sx;
    if (s->xl > x0) FN(pml2d)(u, s->psix, s->zetax, w, next, s->m, s->ax, s->bx, row + x0, row + min32(x1, s->xl + g), 1, 1, row, s->idx2, WEIGHTS_C(s), WEIGHTS_D(s));
    if (s->xr < x1) FN(pml2d)(u, s->psix, s->zetax, w, next, s->m, s->ax, s->bx, row + max32(x0, s->xr - g), row + x1, 1, 1, row, s->idx2, WEIGHTS_C(s), WEIGHTS_D(s));
    /* The z terms: rows of the z layers and GS_GHOST rows past them (D1 psi_z reaches there). */
    if ((s->zt > z0 && r < s->zt + g) || (s->zb < z1 && r >= s->zb - g)) FN(pml2d)(u, s->psiz, s->zetaz, w, next, s->m, s->az + r, s->bz + r, row + x0, row + x1, sx, 0, 0, s->idz2, WEIGHTS_C(s), WEIGHTS_D(s));
  }
}

/* Step n of a 2D shot: the step of sweep s, then the source injected in float64 arithmetic (into
 * W^n and u^{n+1}). */
INLINE void FN(source_step2d)(const FN(gs_sweep2d) *s, const FN(gs_run) *r, real *cur, const real *prev, real *next, real *w,
                              int32_t n) {
  FN(forward_step2d)(s, cur, prev, next, w);
  FN(inject_source)(s->m, r, w, next, r->amplitudes[n]); /* r->dx carries 1/(dx dz) */
}

void FN(gs_forward_run2d)(const FN(gs_sweep2d) *s, const FN(gs_run) *r, int32_t n0, int32_t n1) {
  real *prev = r->u[0], *cur = r->u[1], *next = r->u[2];
  for (int32_t n = n0; n < n1; n++) {
    FN(source_step2d)(s, r, cur, prev, next, r->w + (ptrdiff_t)(n - n0) * r->w_stride, n);
    FN(sample)(r, next, n);
    real *t = prev;
    prev = cur, cur = next, next = t;
  }
}

/* p^{n+1} += dm W^n (float64 arithmetic) over the interior cells of a row. */
LOOP void FN(born_source2d)(real *restrict next, const double *restrict dm, const real *restrict w, ptrdiff_t start, ptrdiff_t end) {
  for (ptrdiff_t i = start; i < end; i++) next[i] = (real)((double)next[i] + dm[i] * (double)w[i]);
}

/* Born modelling in 2D (1D's born_run): the background shot (b->base, sweep s, its W^n in
 * b->base.w, stride 0) and the scattered field (b->u, b->w, sweep p: the same grid with its own
 * psi and zeta arrays) stepped together; the scattered field's step is driven by dm W^n (b->dk,
 * float64, zero in the ghosts) and sampled by the receivers into the traces. */
INLINE void FN(born_run2d)(const FN(gs_sweep2d) *s, const FN(gs_sweep2d) *p, const FN(gs_born) *b, int32_t n0, int32_t n1) {
  const FN(gs_run) *r = &b->base;
  real *prev = r->u[0], *cur = r->u[1], *next = r->u[2];
  real *pprev = b->u[0], *pcur = b->u[1], *pnext = b->u[2];
  const ptrdiff_t sx = s->sx, g = GS_GHOST;
  for (int32_t n = n0; n < n1; n++) {
    FN(source_step2d)(s, r, cur, prev, next, r->w, n);
    FN(forward_step2d)(p, pcur, pprev, pnext, b->w);
    for (ptrdiff_t row = g; row < s->sz - g; row++) FN(born_source2d)(pnext, b->dk, r->w, row * sx + g, row * sx + sx - g);
    FN(sample)(r, pnext, n);
    real *t = prev;
    prev = cur, cur = next, next = t;
    t = pprev;
    pprev = pcur, pcur = pnext, pnext = t;
  }
}

void FN(gs_born_run2d)(const FN(gs_sweep2d) *s, const FN(gs_sweep2d) *p, const FN(gs_born) *b, int32_t n0, int32_t n1) {
  FN(born_run2d)(s, p, b, n0, n1);
}

/* ---- the adjoint (see the 1D adjoint in kernel-real.h: the same structure, once per axis) ----
 *
 * Per step, with lambda = ubar^{n+1} (`later`): W-bar = m lambda, split per axis as
 * q_x = W-bar / dx^2 and q_z = W-bar / dz^2; in each axis's layers the zeta and psi recursions
 * reversed (pml_adjoint2d: q becomes Q-bar; psi_adjoint2d: P-bar collected; zeta-bar and psi-bar live in the
 * adjoint sweep's zeta and psi arrays); the free surface's mirror applied to q_z (D2 with the
 * mirror fill is self-adjoint); then ubar^n = 2 lambda - ubar^{n+2} + D2x q_x + D2z q_z
 * - D1x P-bar_x - D1z P-bar_z, written over ubar^{n+2} in `earlier`, and dJ/dm += lambda W^n.
 * The range is the whole interior. The scratch q and P-bar arrays must be zero in the ghosts
 * (and P-bar outside the layers) on entry; a step leaves them so (the mirror rows it fills it
 * zeroes again). */

/* q_x = m l / dx^2 and q_z = m l / dz^2 over the interior cells of a row. */
LOOP void FN(adjoint_prepare2d)(const real *restrict later, const real *restrict m, real *restrict qx, real *restrict qz,
                                  ptrdiff_t start, ptrdiff_t end, real idx2, real idz2) {
  for (ptrdiff_t i = start; i < end; i++) {
    const real q = m[i] * later[i];
    qx[i] = q * idx2;
    qz[i] = q * idz2;
  }
}

/* The zeta recursion of one axis reversed on [start, end) (a, b as in psi2d): W-bar (q) becomes Q-bar. */
LOOP void FN(pml_adjoint2d)(real *restrict q, real *restrict zeta_bar, const real *restrict a, const real *restrict b,
                              ptrdiff_t start, ptrdiff_t end, ptrdiff_t per, ptrdiff_t at) {
  for (ptrdiff_t i = start; i < end; i++) {
    const ptrdiff_t j = per ? i - at : 0;
    const real z = zeta_bar[i] + q[i];
    zeta_bar[i] = FN(flush)(b[j] * z);
    q[i] = q[i] + a[j] * z;
  }
}

/* psi-bar and P-bar of one axis on [start, end), from Q-bar complete along the axis. */
LOOP void FN(psi_adjoint2d)(const real *restrict q, real *restrict psi_bar, real *restrict p_bar, const real *restrict a,
                              const real *restrict b, ptrdiff_t start, ptrdiff_t end, ptrdiff_t st, ptrdiff_t per, ptrdiff_t at,
                              real d1, real d2, real d3, real d4) {
  for (ptrdiff_t i = start; i < end; i++) {
    const ptrdiff_t j = per ? i - at : 0;
    const real z = psi_bar[i] - D1S(q, i, st);
    p_bar[i] = a[j] * z;
    psi_bar[i] = FN(flush)(b[j] * z);
  }
}

/* ubar^n = ((l + l) + (D2x q_x + D2z q_z)) - ubar^{n+2} over a row, and dJ/dm += l W^n (float64). */
LOOP void FN(adjoint_leapfrog2d)(const real *restrict qx, const real *restrict qz, const real *restrict later,
                                   real *restrict earlier, const real *restrict wn, double *restrict grad, ptrdiff_t start,
                                   ptrdiff_t end, ptrdiff_t sx, real c0, real c1, real c2, real c3, real c4) {
  for (ptrdiff_t i = start; i < end; i++) {
    const real l = later[i];
    earlier[i] = ((l + l) + (D2(qx, i) + D2S(qz, i, sx))) - earlier[i];
    grad[i] = grad[i] + (double)l * (double)wn[i];
  }
}

/* ubar^n -= D1 P-bar along stride st on [start, end). */
LOOP void FN(adjoint_psi2d)(real *restrict earlier, const real *restrict p_bar, ptrdiff_t start, ptrdiff_t end, ptrdiff_t st,
                              real d1, real d2, real d3, real d4) {
  for (ptrdiff_t i = start; i < end; i++) earlier[i] = earlier[i] - D1S(p_bar, i, st);
}

/* One 2D step reversed: `s` is the adjoint sweep (its psi and zeta arrays hold psi-bar and
 * zeta-bar), `later` ubar^{n+1}, `earlier` ubar^{n+2} on entry and ubar^n on return. */
INLINE void FN(adjoint_step2d)(const FN(gs_sweep2d) *s, const real *later, real *earlier, real *qx, real *qz, real *pbx,
                               real *pbz, const real *wn, double *grad) {
  const ptrdiff_t sx = s->sx, sz = s->sz, g = GS_GHOST, x0 = g, x1 = sx - g, z0 = g, z1 = sz - g;
  for (ptrdiff_t r = z0; r < z1; r++) FN(adjoint_prepare2d)(later, s->m, qx, qz, r * sx + x0, r * sx + x1, s->idx2, s->idz2);
  /* zeta reversed (q becomes Q-bar in the layers), then psi reversed (reads Q-bar along the axis). */
  for (ptrdiff_t r = z0; r < z1; r++) {
    const ptrdiff_t row = r * sx;
    if (s->xl > x0) FN(pml_adjoint2d)(qx, s->zetax, s->ax, s->bx, row + x0, row + s->xl, 1, row);
    if (s->xr < x1) FN(pml_adjoint2d)(qx, s->zetax, s->ax, s->bx, row + s->xr, row + x1, 1, row);
    if (r < s->zt || r >= s->zb) FN(pml_adjoint2d)(qz, s->zetaz, s->az + r, s->bz + r, row + x0, row + x1, 0, 0);
  }
  for (ptrdiff_t r = z0; r < z1; r++) {
    const ptrdiff_t row = r * sx;
    if (s->xl > x0) FN(psi_adjoint2d)(qx, s->psix, pbx, s->ax, s->bx, row + x0, row + s->xl, 1, 1, row, WEIGHTS_D(s));
    if (s->xr < x1) FN(psi_adjoint2d)(qx, s->psix, pbx, s->ax, s->bx, row + s->xr, row + x1, 1, 1, row, WEIGHTS_D(s));
    if (r < s->zt || r >= s->zb) FN(psi_adjoint2d)(qz, s->psiz, pbz, s->az + r, s->bz + r, row + x0, row + x1, sx, 0, 0, WEIGHTS_D(s));
  }
  if (s->top_sign != 0) FN(mirror_rows2d)(qz, sx, x0, x1, s->top_sign);
  for (ptrdiff_t r = z0; r < z1; r++)
    FN(adjoint_leapfrog2d)(qx, qz, later, earlier, wn, grad, r * sx + x0, r * sx + x1, sx, WEIGHTS_C(s));
  /* With a free surface, the forward's D1z u (psi_z) reads the mirror rows too (on grids of fewer
   * than GS_GHOST rows above the bottom layer): D1 with a mirror fill of the opposite sign is
   * its own transpose's negative. The mirror rows of q_z and P-bar_z are zeroed afterwards: D1z
   * Q-bar_z (psi_adjoint2d) is the transpose of D1z psi_z, whose ghost rows are zero. */
  if (s->top_sign != 0) FN(mirror_rows2d)(qz, sx, x0, x1, 0), FN(mirror_rows2d)(pbz, sx, x0, x1, -s->top_sign);
  for (ptrdiff_t r = z0; r < z1; r++) {
    const ptrdiff_t row = r * sx;
    if (s->xl > x0) FN(adjoint_psi2d)(earlier, pbx, row + x0, row + min32(x1, s->xl + g), 1, WEIGHTS_D(s));
    if (s->xr < x1) FN(adjoint_psi2d)(earlier, pbx, row + max32(x0, s->xr - g), row + x1, 1, WEIGHTS_D(s));
    if ((s->zt > z0 && r < s->zt + g) || (s->zb < z1 && r >= s->zb - g)) FN(adjoint_psi2d)(earlier, pbz, row + x0, row + x1, sx, WEIGHTS_D(s));
  }
  if (s->top_sign != 0) FN(mirror_rows2d)(pbz, sx, x0, x1, 0);
}

void FN(gs_reverse_run2d)(const FN(gs_sweep2d) *s, const FN(gs_reverse) *r, real *qz, real *p_barz, int32_t n0, int32_t n1) {
  real *later = r->later, *earlier = r->earlier;
  const gs_points *src = &r->source;
  for (int32_t n = n1 - 1; n >= n0; n--) {
    /* The source's term of W^n is f^n s / (dx dz) (`dx` carries the scale): dJ/df^n = sum m ubar^{n+1} s scale. */
    r->f_bar[n] = FN(source_gradient)(s->m, later, src, r->dx);
    FN(adjoint_step2d)(s, later, earlier, r->q, qz, r->p_bar, p_barz, r->w + (ptrdiff_t)(n - n0) * r->w_stride, r->grad_k);
    real *t = later;
    later = earlier, earlier = t;
    FN(inject_residual)(r, later, n, NULL, NULL);
  }
}

/* A 2D sweep's pointers and weights from a grid of byte offsets into the memory at `base`. */
void FN(gs_sweep2d_of)(FN(gs_sweep2d) *s, uintptr_t base, const gs_grid2d *g) {
  s->m = (real *)(base + (uintptr_t)g->m);
  s->ax = (real *)(base + (uintptr_t)g->ax), s->bx = (real *)(base + (uintptr_t)g->bx);
  s->az = (real *)(base + (uintptr_t)g->az), s->bz = (real *)(base + (uintptr_t)g->bz);
  s->psix = (real *)(base + (uintptr_t)g->psix), s->zetax = (real *)(base + (uintptr_t)g->zetax);
  s->psiz = (real *)(base + (uintptr_t)g->psiz), s->zetaz = (real *)(base + (uintptr_t)g->zetaz);
  s->sx = g->sx, s->sz = g->sz, s->xl = g->xl, s->xr = g->xr, s->zt = g->zt, s->zb = g->zb, s->top_sign = g->top_sign;
  for (int j = 0; j < 5; j++) s->c[j] = (real)g->c[j], s->d[j] = (real)g->d[j];
  s->idx2 = (real)g->idx2, s->idz2 = (real)g->idz2;
}
