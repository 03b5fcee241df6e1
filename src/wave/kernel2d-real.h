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
 * with u^{n+1} written over u^{n-1} cell by cell (it reads u^{n-1} at its own cell only), so a
 * shot keeps two time levels, not three: one stream read and written a step instead of a read,
 * a write and its write-allocate; and a_a = b_a - 1 inside the layers and a_a = 0, b_a = 1 outside. A free surface mirrors u
 * oddly about the plane half a row above the first row (u = 0 there); the other sides absorb.
 *
 * Assumptions: arrays do not overlap; m, psi and zeta are zero in the ghosts; the ghost columns
 * and the bottom ghost rows of u stay zero (the top ones too unless mirrored); a (b) are 0 (1)
 * outside the layers.
 */

/* Every 2D sweep below works on one row at a time, its arrays given at the row's first cell and
 * indexed by column (the z axis's neighbours sx apart), so that a row's C-PML terms are done
 * while the row is in cache and a row scratch can stand for a whole array. */

/* u^{n+1} over u^{n-1} in `un` (and W^n when `store`) over columns [start, end) of a row: both
 * axes' second differences, then (`px`) the x axis's C-PML terms and (`pz`) the z axis's: each adds
 * (D1 psi + zeta) / h^2 to W and m times it to u^{n+1}, with zeta = b zeta + a (D2 u + D1 psi)
 * (x: a, b per column; z: the row's az, bz). The psi of both axes must be this step's within
 * GS_GHOST cells along their axis. Without `store` W^n is not written (forward-only runs). */
INLINE void FN(row2d)(const real *restrict u, real *restrict un, const real *restrict m, real *restrict w,
                      const real *restrict psix, real *restrict zetax, const real *restrict ax,
                      const real *restrict bx, const real *restrict psiz, real *restrict zetaz, real az, real bz,
                      ptrdiff_t start, ptrdiff_t end, ptrdiff_t sx, real idx2, real idz2, real c0, real c1, real c2, real c3,
                      real c4, real d1, real d2, real d3, real d4, const int store, const int px, const int pz) {
  for (ptrdiff_t j = start; j < end; j++) {
    const real uxx = D2(u, j), uzz = D2S(u, j, sx);
    real d = uxx * idx2 + uzz * idz2;
    real v = ((u[j] + u[j]) - un[j]) + m[j] * d;
    if (px) {
      const real t = D1(psix, j);
      const real z = FN(flush)(bx[j] * zetax[j] + ax[j] * (uxx + t));
      zetax[j] = z;
      const real extra = (t + z) * idx2;
      d = d + extra;
      v = FN(flush)(v + m[j] * extra);
    }
    if (pz) {
      const real t = D1S(psiz, j, sx);
      const real z = FN(flush)(bz * zetaz[j] + az * (uzz + t));
      zetaz[j] = z;
      const real extra = (t + z) * idz2;
      d = d + extra;
      v = FN(flush)(v + m[j] * extra);
    }
    if (store) w[j] = d;
    un[j] = v;
  }
}

/* Tried on wave2d-standard (forward, native, AVX2, 2026-11-30; samples per function and runs
 * alternated with the old build on a loaded 2-core machine) and not kept, none measurably faster:
 * the interior case as one Laplacian with shared weights when dx == dz (5 multiplies, not 12:
 * that loop ~5% faster, the forward 1.005x f64, 1.002x f32); a layer's W as (Q + zeta) / h^2 per
 * axis with one flush of u^{n+1} (with the former: 1.008x f64, 1.001x f32); strips of columns
 * (256 or 128 float64 wide: 0.90x); two time steps per sweep down the rows, step n+1 a few rows
 * behind step n (1.00x); two rows at once in the interior (0.93x f64, 1.04x f32); psi_z of the
 * row GS_GHOST below computed in the row's own loop, not a pass of its own (1.00x f64, 0.97x
 * f32; alternated builds, 4 runs each); the kernels built by clang (0.6-0.7x) or with -funroll-loops
 * (1.00x). What did pay: spans of whole vectors (GS_SPAN), one call a row (rowall2d), and leaving
 * the flush to the hardware natively (GS_HARDWARE_FLUSH, kernel.c). The interior
 * case is a fifth of the time, the C-PML rows and columns (and their psi sweeps) three quarters,
 * and the loops are bound by loads and memory, not by arithmetic. */

/* psi = b psi + a D1 u along x on columns [start, end) of a row (a, b per column). */
INLINE void FN(psix2d)(const real *restrict u, real *restrict psi, const real *restrict a, const real *restrict b,
                       ptrdiff_t start, ptrdiff_t end, real d1, real d2, real d3, real d4) {
  for (ptrdiff_t j = start; j < end; j++) psi[j] = FN(flush)(b[j] * psi[j] + a[j] * D1(u, j));
}

/* A whole row in one call, a loop of its own for each (store, pz) case: psi_x on the x layers'
 * spans [x0, pl) and [pr, x1), then the row's three spans of row2d, [x0, xa) and [xb, x1) with
 * the x terms, [xa, xb) without. One call a row, not one a span: the x layers' spans are short,
 * and a call's setup (the weights broadcast, pointers spilled) cost as much as their work (3-4%
 * of a forward in both precisions, wave2d-standard, 2026-11-30). */
#define ROWALL_PARAMS                                                                                                  \
  const real *restrict u, real *restrict un, const real *restrict m, real *restrict w, real *restrict psix,           \
      real *restrict zetax, const real *restrict ax, const real *restrict bx, const real *restrict psiz,             \
      real *restrict zetaz, real az, real bz, ptrdiff_t x0, ptrdiff_t pl, ptrdiff_t xa, ptrdiff_t xb, ptrdiff_t pr,  \
      ptrdiff_t x1, ptrdiff_t sx, real idx2, real idz2, real c0, real c1, real c2, real c3, real c4, real d1,         \
      real d2, real d3, real d4
#define ROWALL_CASE(store, pz)                                                                                        \
  LOOP void FN(rowall2d_##store##pz)(ROWALL_PARAMS) {                                                                 \
    if (pl > x0) FN(psix2d)(u, psix, ax, bx, x0, pl, d1, d2, d3, d4);                                                  \
    if (pr < x1) FN(psix2d)(u, psix, ax, bx, pr, x1, d1, d2, d3, d4);                                                  \
    FN(row2d)(u, un, m, w, psix, zetax, ax, bx, psiz, zetaz, az, bz, x0, xa, sx, idx2, idz2, c0, c1, c2, c3, c4, d1,  \
              d2, d3, d4, store, 1, pz);                                                                               \
    FN(row2d)(u, un, m, w, psix, zetax, ax, bx, psiz, zetaz, az, bz, xa, xb, sx, idx2, idz2, c0, c1, c2, c3, c4, d1,  \
              d2, d3, d4, store, 0, pz);                                                                               \
    FN(row2d)(u, un, m, w, psix, zetax, ax, bx, psiz, zetaz, az, bz, xb, x1, sx, idx2, idz2, c0, c1, c2, c3, c4, d1,  \
              d2, d3, d4, store, 1, pz);                                                                               \
  }
ROWALL_CASE(0, 0)
ROWALL_CASE(0, 1)
ROWALL_CASE(1, 0)
ROWALL_CASE(1, 1)
#undef ROWALL_CASE
#undef ROWALL_PARAMS

/* psi = b psi + a D1 u along z (neighbours sx apart) on columns [start, end) of a row (the row's a, b). */
LOOP void FN(psiz2d)(const real *restrict u, real *restrict psi, real a, real b, ptrdiff_t start, ptrdiff_t end,
                     ptrdiff_t sx, real d1, real d2, real d3, real d4) {
  for (ptrdiff_t j = start; j < end; j++) psi[j] = FN(flush)(b * psi[j] + a * D1S(u, j, sx));
}

/* The GS_GHOST ghost rows above row GS_GHOST of a grid's interior columns [x0, x1): `sign` times
 * the rows they mirror (0: zeros). */
static void FN(mirror_rows2d)(real *u, ptrdiff_t sx, ptrdiff_t x0, ptrdiff_t x1, int32_t sign) {
  for (ptrdiff_t j = 0; j < GS_GHOST; j++)
    for (ptrdiff_t c = x0; c < x1; c++) u[(GS_GHOST - 1 - j) * sx + c] = sign == 0 ? (real)0 : (real)sign * u[(GS_GHOST + j) * sx + c];
}

/* Spans of columns are widened to whole multiples of GS_SPAN cells where they may be, so that
 * their loops run whole vectors (a span's scalar remainder cost as much as its vectors on the
 * short spans of the x layers): past a layer a = 0 and b = 1, so the wider psi_x and x terms
 * compute zeros there and leave every cell as it was. The end of a span [x0, end), within x1;
 * the start of a span [start, x1), within x0. */
#ifndef GS_SPAN
#define GS_SPAN 8
#endif
INLINE ptrdiff_t FN(span_end2d)(ptrdiff_t x0, ptrdiff_t end, ptrdiff_t x1) {
  const ptrdiff_t e = x0 + (end - x0 + GS_SPAN - 1) / GS_SPAN * GS_SPAN;
  return e > x1 ? x1 : e;
}
INLINE ptrdiff_t FN(span_start2d)(ptrdiff_t x0, ptrdiff_t start, ptrdiff_t x1) {
  const ptrdiff_t b = x1 - (x1 - start + GS_SPAN - 1) / GS_SPAN * GS_SPAN;
  return b < x0 ? x0 : b;
}

/* The columns of a row that take x terms: [x0, *xa) and [*xb, x1) (the x layers and GS_GHOST
 * columns past them, where D1 psi_x reaches); and whether row r takes z terms (the z layers'
 * rows and GS_GHOST rows past them). */
INLINE void FN(x_terms2d)(const FN(gs_sweep2d) *s, ptrdiff_t *xa, ptrdiff_t *xb) {
  const ptrdiff_t g = GS_GHOST, x0 = g, x1 = s->sx - g;
  ptrdiff_t a = s->xl > x0 ? FN(span_end2d)(x0, s->xl + g, x1) : x0, b = s->xr < x1 ? FN(span_start2d)(x0, s->xr - g, x1) : x1;
  if (b < a) b = a; /* the terms cover the row */
  *xa = a, *xb = b;
}
INLINE int FN(z_terms2d)(const FN(gs_sweep2d) *s, ptrdiff_t r) {
  const ptrdiff_t g = GS_GHOST, z0 = g, z1 = s->sz - g;
  return (s->zt > z0 && r < s->zt + g) || (s->zb < z1 && r >= s->zb - g);
}

/* psi_z of row r when it lies in a z layer. */
INLINE void FN(psiz_row2d)(const FN(gs_sweep2d) *s, const real *u, ptrdiff_t r) {
  const ptrdiff_t row = r * s->sx;
  if (r < s->sz - GS_GHOST && (r < s->zt || r >= s->zb))
    FN(psiz2d)(u + row, s->psiz + row, s->az[r], s->bz[r], GS_GHOST, s->sx - GS_GHOST, s->sx, WEIGHTS_D(s));
}

/* Rows [ra, rb) of one 2D step (u^{n+1} over u^{n-1} in `un`): the free surface's mirror rows
 * first when the range starts at the top; psi_z kept GS_GHOST rows ahead of the row updated
 * (D1 psi_z reads that far) within the range; each row's psi_x, then its update (row2d), W^n into
 * `w` unless it is NULL. A range that does not start or end at the interior's edge must do so
 * at least 2 GS_GHOST rows away from the z layers (see team_rows2d), where no row reads psi_z:
 * ranges then share nothing but u^n, which they only read. */
INLINE void FN(forward_rows2d)(const FN(gs_sweep2d) *s, real *u, real *un, real *w, ptrdiff_t ra, ptrdiff_t rb) {
  const ptrdiff_t sx = s->sx, g = GS_GHOST, x0 = g, x1 = sx - g;
  ptrdiff_t xa, xb;
  FN(x_terms2d)(s, &xa, &xb);
  if (ra == g && s->top_sign != 0) FN(mirror_rows2d)(u, sx, x0, x1, s->top_sign);
  for (ptrdiff_t r = ra; r < ra + g && r < rb; r++) FN(psiz_row2d)(s, u, r);
  for (ptrdiff_t r = ra; r < rb; r++) {
    const ptrdiff_t row = r * sx;
    if (r + g < rb) FN(psiz_row2d)(s, u, r + g);
    const ptrdiff_t pl = s->xl > x0 ? FN(span_end2d)(x0, s->xl, x1) : x0, pr = s->xr < x1 ? FN(span_start2d)(x0, s->xr, x1) : x1;
    const int pz = FN(z_terms2d)(s, r);
    real *const wr = w == NULL ? NULL : w + row;
#define ROWALL_CALL(store, pz)                                                                                        \
  FN(rowall2d_##store##pz)(u + row, un + row, s->m + row, wr, s->psix + row, s->zetax + row, s->ax, s->bx,              \
                           s->psiz + row, s->zetaz + row, s->az[r], s->bz[r], x0, pl, xa, xb, pr, x1, sx, s->idx2,      \
                           s->idz2, WEIGHTS_C(s), WEIGHTS_D(s))
    switch ((w != NULL) * 2 + pz) {
      case 0: ROWALL_CALL(0, 0); break;
      case 1: ROWALL_CALL(0, 1); break;
      case 2: ROWALL_CALL(1, 0); break;
      default: ROWALL_CALL(1, 1); break;
    }
#undef ROWALL_CALL
  }
}

/* One 2D step over the whole interior. */
INLINE void FN(forward_step2d)(const FN(gs_sweep2d) *s, real *u, real *un, real *w) {
  FN(forward_rows2d)(s, u, un, w, GS_GHOST, s->sz - GS_GHOST);
}

/* Step n of a 2D shot: the step of sweep s (u^{n+1} over u^{n-1} in `un`), then the source
 * injected in float64 arithmetic (into u^{n+1}, and W^n unless w is NULL). */
INLINE void FN(source_step2d)(const FN(gs_sweep2d) *s, const FN(gs_run) *r, real *cur, real *un, real *w, int32_t n) {
  FN(forward_step2d)(s, cur, un, w);
  FN(inject_source)(s->m, r, w, un, r->amplitudes[n]); /* r->dx carries 1/(dx dz) */
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
  real *prev = r->u[0], *cur = r->u[1];
  real *pprev = b->u[0], *pcur = b->u[1];
  const ptrdiff_t sx = s->sx, g = GS_GHOST;
  for (int32_t n = n0; n < n1; n++) {
    FN(source_step2d)(s, r, cur, prev, r->w, n);
    FN(forward_step2d)(p, pcur, pprev, NULL); /* the scattered field's W^n is not needed */
    for (ptrdiff_t row = g; row < s->sz - g; row++) FN(born_source2d)(pprev, b->dk, r->w, row * sx + g, row * sx + sx - g);
    FN(sample)(r, pprev, n);
    real *t = prev;
    prev = cur, cur = t;
    t = pprev;
    pprev = pcur, pcur = t;
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

/* One 2D step reversed, in two halves over rows [ra, rb) (see forward_rows2d for the ranges):
 * `s` is the adjoint sweep (its psi and zeta arrays hold psi-bar and zeta-bar), `later`
 * ubar^{n+1}, `earlier` ubar^{n+2} on entry and ubar^n on return. The first half forms q and
 * reverses the C-PML recursions, the second (whose D2z reads q_z GS_GHOST rows into the
 * neighbouring ranges: every range's first half must be done) the leapfrog and the D1 P-bar terms. */
INLINE void FN(adjoint_rows_q2d)(const FN(gs_sweep2d) *s, const real *later, real *qx, real *qz, real *pbx, real *pbz,
                                 ptrdiff_t ra, ptrdiff_t rb) {
  const ptrdiff_t sx = s->sx, g = GS_GHOST, x0 = g, x1 = sx - g;
  for (ptrdiff_t r = ra; r < rb; r++) FN(adjoint_prepare2d)(later, s->m, qx, qz, r * sx + x0, r * sx + x1, s->idx2, s->idz2);
  /* zeta reversed (q becomes Q-bar in the layers), then psi reversed (reads Q-bar along the axis). */
  for (ptrdiff_t r = ra; r < rb; r++) {
    const ptrdiff_t row = r * sx;
    if (s->xl > x0) FN(pml_adjoint2d)(qx, s->zetax, s->ax, s->bx, row + x0, row + s->xl, 1, row);
    if (s->xr < x1) FN(pml_adjoint2d)(qx, s->zetax, s->ax, s->bx, row + s->xr, row + x1, 1, row);
    if (r < s->zt || r >= s->zb) FN(pml_adjoint2d)(qz, s->zetaz, s->az + r, s->bz + r, row + x0, row + x1, 0, 0);
  }
  for (ptrdiff_t r = ra; r < rb; r++) {
    const ptrdiff_t row = r * sx;
    if (s->xl > x0) FN(psi_adjoint2d)(qx, s->psix, pbx, s->ax, s->bx, row + x0, row + s->xl, 1, 1, row, WEIGHTS_D(s));
    if (s->xr < x1) FN(psi_adjoint2d)(qx, s->psix, pbx, s->ax, s->bx, row + s->xr, row + x1, 1, 1, row, WEIGHTS_D(s));
    if (r < s->zt || r >= s->zb) FN(psi_adjoint2d)(qz, s->psiz, pbz, s->az + r, s->bz + r, row + x0, row + x1, sx, 0, 0, WEIGHTS_D(s));
  }
  if (ra == g && s->top_sign != 0) FN(mirror_rows2d)(qz, sx, x0, x1, s->top_sign);
}

INLINE void FN(adjoint_rows_u2d)(const FN(gs_sweep2d) *s, const real *later, real *earlier, real *qx, real *qz, real *pbx,
                                 real *pbz, const real *wn, double *grad, ptrdiff_t ra, ptrdiff_t rb) {
  const ptrdiff_t sx = s->sx, sz = s->sz, g = GS_GHOST, x0 = g, x1 = sx - g, z0 = g, z1 = sz - g;
  const int top = ra == g && s->top_sign != 0;
  for (ptrdiff_t r = ra; r < rb; r++)
    FN(adjoint_leapfrog2d)(qx, qz, later, earlier, wn, grad, r * sx + x0, r * sx + x1, sx, WEIGHTS_C(s));
  /* With a free surface, the forward's D1z u (psi_z) reads the mirror rows too (on grids of fewer
   * than GS_GHOST rows above the bottom layer): D1 with a mirror fill of the opposite sign is
   * its own transpose's negative. The mirror rows of q_z and P-bar_z are zeroed afterwards: D1z
   * Q-bar_z (psi_adjoint2d) is the transpose of D1z psi_z, whose ghost rows are zero. */
  if (top) FN(mirror_rows2d)(qz, sx, x0, x1, 0), FN(mirror_rows2d)(pbz, sx, x0, x1, -s->top_sign);
  for (ptrdiff_t r = ra; r < rb; r++) {
    const ptrdiff_t row = r * sx;
    if (s->xl > x0) FN(adjoint_psi2d)(earlier, pbx, row + x0, row + min32(x1, s->xl + g), 1, WEIGHTS_D(s));
    if (s->xr < x1) FN(adjoint_psi2d)(earlier, pbx, row + max32(x0, s->xr - g), row + x1, 1, WEIGHTS_D(s));
    if ((s->zt > z0 && r < s->zt + g) || (s->zb < z1 && r >= s->zb - g)) FN(adjoint_psi2d)(earlier, pbz, row + x0, row + x1, sx, WEIGHTS_D(s));
  }
  if (top) FN(mirror_rows2d)(pbz, sx, x0, x1, 0);
}

static void FN(reverse_rows_run2d)(const FN(gs_sweep2d) *s, const FN(gs_reverse) *r, real *qz, real *p_barz, int32_t n0,
                                   int32_t n1, gs_team *team, int t) {
  real *later = r->later, *earlier = r->earlier;
  const gs_points *src = &r->source;
  const ptrdiff_t ra = team == NULL ? GS_GHOST : team->rows[t], rb = team == NULL ? s->sz - GS_GHOST : team->rows[t + 1];
  for (int32_t n = n1 - 1; n >= n0; n--) {
    /* The source's term of W^n is f^n s / (dx dz) (`dx` carries the scale): dJ/df^n = sum m ubar^{n+1} s scale. */
    if (t == 0) r->f_bar[n] = FN(source_gradient)(s->m, later, src, r->dx);
    FN(adjoint_rows_q2d)(s, later, r->q, qz, r->p_bar, p_barz, ra, rb);
    if (team != NULL) gs_team_wait(team, t);
    FN(adjoint_rows_u2d)(s, later, earlier, r->q, qz, r->p_bar, p_barz, r->w + (ptrdiff_t)(n - n0) * r->w_stride, r->grad_k, ra, rb);
    if (team != NULL) gs_team_wait(team, t);
    real *x = later;
    later = earlier, earlier = x;
    if (t == 0) FN(inject_residual)(r, later, n, NULL, NULL);
    if (team != NULL) gs_team_wait(team, t);
  }
}

static void FN(forward_rows_run2d)(const FN(gs_sweep2d) *s, const FN(gs_run) *r, int32_t n0, int32_t n1, gs_team *team, int t) {
  real *prev = r->u[0], *cur = r->u[1];
  const ptrdiff_t ra = team == NULL ? GS_GHOST : team->rows[t], rb = team == NULL ? s->sz - GS_GHOST : team->rows[t + 1];
  for (int32_t n = n0; n < n1; n++) {
    real *w = r->w_stride == 0 ? NULL : r->w + (ptrdiff_t)(n - n0) * r->w_stride;
    FN(forward_rows2d)(s, cur, prev, w, ra, rb);
    if (team != NULL) gs_team_wait(team, t);
    if (t == 0) {
      FN(inject_source)(s->m, r, w, prev, r->amplitudes[n]); /* r->dx carries 1/(dx dz) */
      FN(sample)(r, prev, n);
    }
    if (team != NULL) gs_team_wait(team, t);
    real *x = prev;
    prev = cur, cur = x;
  }
}

/* The rows of a team of s->threads members: equal shares of the interior, every boundary between
 * shares at least 2 GS_GHOST rows from the z layers (forward_rows2d); fewer members (down to one)
 * when the interior between the layers is too short for that. Returns the members. */
static int FN(team_rows2d)(const FN(gs_sweep2d) *s, ptrdiff_t *rows) {
  const ptrdiff_t g = GS_GHOST, z0 = g, z1 = s->sz - g, lo = s->zt + 2 * g, hi = s->zb - 2 * g;
  int count = s->threads < 1 ? 1 : s->threads > GS_MAX_THREADS ? GS_MAX_THREADS : s->threads;
  for (; count > 1; count--) {
    int ok = 1;
    rows[0] = z0, rows[count] = z1;
    for (int k = 1; k < count && ok; k++) {
      ptrdiff_t b = z0 + (z1 - z0) * k / count;
      b = b < lo ? lo : b > hi ? hi : b;
      rows[k] = b;
      ok = b > rows[k - 1] && b < z1;
    }
    if (ok) return count;
  }
  rows[0] = z0, rows[1] = z1;
  return 1;
}

#ifdef GS_THREADS
typedef struct {
  const FN(gs_sweep2d) *s;
  const void *run;
  real *qz, *p_barz;
  int32_t n0, n1;
} FN(team_job2d);

static void FN(forward_member2d)(gs_team *team, int t) {
  const FN(team_job2d) *j = team->job;
  FN(forward_rows_run2d)(j->s, j->run, j->n0, j->n1, team, t);
}

static void FN(reverse_member2d)(gs_team *team, int t) {
  const FN(team_job2d) *j = team->job;
  FN(reverse_rows_run2d)(j->s, j->run, j->qz, j->p_barz, j->n0, j->n1, team, t);
}
#endif

/* Forward steps [n0, n1) of a 2D shot: on s->threads threads (native builds with GS_THREADS;
 * see team_rows2d), each its rows of every step, the source and receivers on the first after
 * all rows; the same arithmetic cell by cell as one thread, so the same bits. */
void FN(gs_forward_run2d)(const FN(gs_sweep2d) *s, const FN(gs_run) *r, int32_t n0, int32_t n1) {
#ifdef GS_THREADS
  gs_team team;
  FN(team_job2d) job = {s, r, NULL, NULL, n0, n1};
  team.count = FN(team_rows2d)(s, team.rows);
  if (team.count > 1 && gs_team_run(&team, FN(forward_member2d), &job)) return;
#endif
  FN(forward_rows_run2d)(s, r, n0, n1, NULL, 0);
}

void FN(gs_reverse_run2d)(const FN(gs_sweep2d) *s, const FN(gs_reverse) *r, real *qz, real *p_barz, int32_t n0, int32_t n1) {
#ifdef GS_THREADS
  gs_team team;
  FN(team_job2d) job = {s, r, qz, p_barz, n0, n1};
  team.count = FN(team_rows2d)(s, team.rows);
  if (team.count > 1 && gs_team_run(&team, FN(reverse_member2d), &job)) return;
#endif
  FN(reverse_rows_run2d)(s, r, qz, p_barz, n0, n1, NULL, 0);
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
  s->threads = g->threads;
}
