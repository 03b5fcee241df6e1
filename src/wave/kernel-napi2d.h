/*
 * The native binding's 2D kernels (included by kernel-napi.c, after its call helpers and the
 * flush-to-zero bracket IN_PRECISION): each call's grid and arrays checked before the kernel
 * runs, as for the 1D kernels.
 */
#ifndef GRADSCAPE_WAVE_KERNEL_NAPI2D_H
#define GRADSCAPE_WAVE_KERNEL_NAPI2D_H

/* A 2D grid (gs_grid2d at `grid`) whose arrays lie inside the memory, with consistent sizes. */
static bool grid2d_of(call *c, int32_t grid, gs_grid2d *out) {
  if (!span_of(c, "grid", grid, 0, (int64_t)sizeof(gs_grid2d) / 8, 8, "float64")) return false;
  *out = *(const gs_grid2d *)(c->base + grid);
  const gs_grid2d *g = out;
  const int64_t g2 = 2 * GS_GHOST, cells = (int64_t)g->sx * g->sz;
  return require(c, g->sx > g2 && g->sz > g2 && cells <= INT32_MAX, "the grid must have more than 8 working columns and rows") &&
         require(c, g->xl >= GS_GHOST && g->xl <= g->xr && g->xr <= g->sx - GS_GHOST, "the x layers must lie in the working columns, in order") &&
         require(c, g->zt >= GS_GHOST && g->zt <= g->zb && g->zb <= g->sz - GS_GHOST, "the z layers must lie in the working rows, in order") &&
         require(c, g->top_sign == 0 || g->top_sign == -1, "the top's mirror sign must be 0 (absorbing) or -1 (free surface)") &&
         require(c, g->threads >= 1 && g->threads <= GS_MAX_THREADS, "the threads must be 1 to 16") &&
         span(c, "m", g->m, 0, cells) && span(c, "ax", g->ax, 0, g->sx) && span(c, "bx", g->bx, 0, g->sx) &&
         span(c, "az", g->az, 0, g->sz) && span(c, "bz", g->bz, 0, g->sz) && span(c, "psix", g->psix, 0, cells) &&
         span(c, "zetax", g->zetax, 0, cells) && span(c, "psiz", g->psiz, 0, cells) && span(c, "zetaz", g->zetaz, 0, cells);
}

static napi_value forward_run2d(napi_env env, napi_callback_info info) {
  call c;
  if (!begin(&c, env, info, "forwardRun2d", 18)) return NULL;
  const int32_t grid = i32(&c, 0), u0 = i32(&c, 1), u1 = i32(&c, 2), w = i32(&c, 3), w_stride = i32(&c, 4);
  const int32_t n0 = i32(&c, 5), n1 = i32(&c, 6);
  gs_grid2d g;
  if (!(c.ok && grid2d_of(&c, grid, &g))) return NULL;
  const int64_t cells = (int64_t)g.sx * g.sz, steps = (int64_t)n1 - n0;
  shot_args a;
  if (!(shot_in(&c, 7, n0, n1, GS_GHOST * g.sx, (int32_t)(cells - GS_GHOST * g.sx), (int32_t)cells, &a) &&
        require(&c, w_stride == 0 || w_stride >= cells, "W's stride must be 0 or at least the working cells") &&
        span(&c, "u0", u0, 0, cells) && span(&c, "u1", u1, 0, cells) && require(&c, u0 != u1, "u0 and u1 must be two arrays") &&
        span(&c, "w", w, 0, steps > 0 ? (steps - 1) * w_stride + cells : 0)))
    return NULL;
  const uintptr_t base = (uintptr_t)c.base;
#define FORWARD_RUN2D(real, sfx) \
  { \
    gs_sweep2d_##sfx s; \
    gs_sweep2d_of_##sfx(&s, base, &g); \
    const gs_run_##sfx r = {{(real *)(base + u0), (real *)(base + u1), NULL}, (real *)(base + w), w_stride, NULL, \
    a.amplitudes, a.dx, a.source, a.receivers, a.traces, a.trace_stride}; \
    gs_forward_run2d_##sfx(&s, &r, n0, n1); \
  }
  IN_PRECISION(c, FORWARD_RUN2D);
#undef FORWARD_RUN2D
  return NULL;
}

static napi_value reverse_run2d(napi_env env, napi_callback_info info) {
  call c;
  if (!begin(&c, env, info, "reverseRun2d", 23)) return NULL;
  const int32_t grid = i32(&c, 0), later = i32(&c, 1), earlier = i32(&c, 2), qx = i32(&c, 3), qz = i32(&c, 4), pbx = i32(&c, 5), pbz = i32(&c, 6);
  const int32_t w = i32(&c, 7), w_stride = i32(&c, 8), grad = i32(&c, 9), n0 = i32(&c, 10), n1 = i32(&c, 11);
  const double scale = f64(&c, 12);
  const int32_t src_count = i32(&c, 13), width = i32(&c, 14), src_index = i32(&c, 15), src_weight = i32(&c, 16);
  const int32_t rec_count = i32(&c, 17), rec_index = i32(&c, 18), rec_weight = i32(&c, 19), residual = i32(&c, 20);
  const int32_t residual_stride = i32(&c, 21), f_bar = i32(&c, 22);
  gs_grid2d g;
  if (!(c.ok && grid2d_of(&c, grid, &g))) return NULL;
  const int64_t cells = (int64_t)g.sx * g.sz, steps = (int64_t)n1 - n0;
  gs_points source, receivers;
  if (!(require(&c, n0 >= 0 && steps >= 0, "the steps [n0, n1) must be a range of non-negative numbers") &&
        require(&c, w_stride == 0 || w_stride >= cells, "W's stride must be 0 or at least the working cells") &&
        require(&c, residual_stride >= 0, "the residual's stride must be non-negative") &&
        span(&c, "later", later, 0, cells) && span(&c, "earlier", earlier, 0, cells) && span(&c, "qx", qx, 0, cells) &&
        span(&c, "qz", qz, 0, cells) && span(&c, "pBarX", pbx, 0, cells) && span(&c, "pBarZ", pbz, 0, cells) &&
        span(&c, "w", w, 0, steps > 0 ? (steps - 1) * w_stride + cells : 0) &&
        span_of(&c, "gradM", grad, 0, cells, 8, "float64") &&
        points(&c, "source", src_count, width, src_index, src_weight, GS_GHOST * g.sx, (int32_t)(cells - GS_GHOST * g.sx), &source) &&
        points(&c, "receivers", rec_count, width, rec_index, rec_weight, 0, (int32_t)cells, &receivers) &&
        span_of(&c, "residual", residual, 0, rec_count > 0 && steps > 0 ? (int64_t)(rec_count - 1) * residual_stride + n1 : 0, 8, "float64") &&
        span_of(&c, "fBar", f_bar, n0, n1, 8, "float64")))
    return NULL;
  const uintptr_t base = (uintptr_t)c.base;
#define REVERSE_RUN2D(real, sfx) \
  { \
    gs_sweep2d_##sfx s; \
    gs_sweep2d_of_##sfx(&s, base, &g); \
    const gs_reverse_##sfx r = {(real *)(base + later), (real *)(base + earlier), (real *)(base + qx), (real *)(base + pbx), \
    (const real *)(base + w), w_stride, (double *)(base + grad), NULL, scale, source, receivers, \
    (const double *)(base + residual), residual_stride, (double *)(base + f_bar)}; \
    gs_reverse_run2d_##sfx(&s, &r, (real *)(base + qz), (real *)(base + pbz), n0, n1); \
  }
  IN_PRECISION(c, REVERSE_RUN2D);
#undef REVERSE_RUN2D
  return NULL;
}

/* The background's grid and the scattered field's: the same but for the memory variables. */
static bool same_grid2d(call *c, const gs_grid2d *g, const gs_grid2d *p) {
  return require(c, g->sx == p->sx && g->sz == p->sz, "the scattered field's grid must have the background's sizes") &&
         require(c, g->xl == p->xl && g->xr == p->xr && g->zt == p->zt && g->zb == p->zb && g->top_sign == p->top_sign,
                 "the scattered field's grid must have the background's layers and top") &&
         require(c, g->m == p->m && g->ax == p->ax && g->bx == p->bx && g->az == p->az && g->bz == p->bz,
                 "the scattered field's grid must share the background's m, a and b") &&
         require(c, memcmp(g->c, p->c, sizeof g->c) == 0 && memcmp(g->d, p->d, sizeof g->d) == 0 && g->idx2 == p->idx2 && g->idz2 == p->idz2,
                 "the scattered field's grid must have the background's stencil weights and spacings");
}

static napi_value born_run2d(napi_env env, napi_callback_info info) {
  call c;
  if (!begin(&c, env, info, "bornRun2d", 22)) return NULL;
  const int32_t grid = i32(&c, 0), pgrid = i32(&c, 1), u0 = i32(&c, 2), u1 = i32(&c, 3), w = i32(&c, 4);
  const int32_t p0 = i32(&c, 5), p1 = i32(&c, 6), pw = i32(&c, 7), dm = i32(&c, 8);
  const int32_t n0 = i32(&c, 9), n1 = i32(&c, 10);
  gs_grid2d g, gp;
  if (!(c.ok && grid2d_of(&c, grid, &g) && grid2d_of(&c, pgrid, &gp) && same_grid2d(&c, &g, &gp))) return NULL;
  const int64_t cells = (int64_t)g.sx * g.sz;
  shot_args a;
  if (!(shot_in(&c, 11, n0, n1, GS_GHOST * g.sx, (int32_t)(cells - GS_GHOST * g.sx), (int32_t)cells, &a) &&
        span(&c, "u0", u0, 0, cells) && span(&c, "u1", u1, 0, cells) && span(&c, "w", w, 0, cells) &&
        span(&c, "p0", p0, 0, cells) && span(&c, "p1", p1, 0, cells) && span(&c, "pw", pw, 0, cells) &&
        require(&c, u0 != u1 && p0 != p1, "u0 and u1, p0 and p1 must be two arrays each") &&
        span_of(&c, "dm", dm, 0, cells, 8, "float64")))
    return NULL;
  const uintptr_t base = (uintptr_t)c.base;
#define BORN_RUN2D(real, sfx) \
  { \
    gs_sweep2d_##sfx s, p; \
    gs_sweep2d_of_##sfx(&s, base, &g); \
    gs_sweep2d_of_##sfx(&p, base, &gp); \
    const gs_born_##sfx b = {{{(real *)(base + u0), (real *)(base + u1), NULL}, (real *)(base + w), 0, NULL, \
    a.amplitudes, a.dx, a.source, a.receivers, a.traces, a.trace_stride}, \
    {(real *)(base + p0), (real *)(base + p1), NULL}, (real *)(base + pw), (const double *)(base + dm)}; \
    gs_born_run2d_##sfx(&s, &p, &b, n0, n1); \
  }
  IN_PRECISION(c, BORN_RUN2D);
#undef BORN_RUN2D
  return NULL;
}

#endif
