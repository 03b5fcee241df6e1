/*
 * The WebAssembly exports of the wave kernels (kernel.c), compiled with it by
 * src/build/wasm.mjs into the bytes of kernel-wasm.ts. The module imports its memory (an
 * arena's, wasm.ts) and owns none of it but the last GS_STATE_BYTES, where `configure` keeps
 * the two sweeps' configurations; it has no data, no stack and no globals of its own (the build
 * checks), so arenas may start their arrays at byte 0. Pointers are byte offsets, as wasm.ts's
 * `Kernels` interface says.
 */
#include "kernel.h"

#define EXPORT(name) __attribute__((export_name(name)))

static gs_config *slot(int32_t sweep) {
  const uintptr_t end = (uintptr_t)__builtin_wasm_memory_size(0) * 65536u;
  return (gs_config *)(end - GS_STATE_BYTES + (uintptr_t)(sweep == GS_ADJOINT || sweep == GS_SCATTERED ? sweep : 0) * GS_SLOT_BYTES);
}

EXPORT("configure")
void configure(int32_t sweep, int32_t k, int32_t a, int32_t b, int32_t psi, int32_t zeta, int32_t pl0, int32_t pl1,
               int32_t pr0, int32_t pr1, int32_t last, int32_t left_sign, int32_t right_sign, double c0, double c1,
               double c2, double c3, double c4, double d1, double d2, double d3, double d4) {
  gs_config *g = slot(sweep);
  g->configured = 1;
  g->k = k, g->a = a, g->b = b, g->psi = psi, g->zeta = zeta;
  g->pl0 = pl0, g->pl1 = pl1, g->pr0 = pr0, g->pr1 = pr1, g->last = last;
  g->left_sign = left_sign, g->right_sign = right_sign;
  g->c[0] = c0, g->c[1] = c1, g->c[2] = c2, g->c[3] = c3, g->c[4] = c4;
  g->d[0] = 0, g->d[1] = d1, g->d[2] = d2, g->d[3] = d3, g->d[4] = d4;
}

#define AT(type, offset) ((type *)(uintptr_t)(offset))

#define FRONT(real, suffix)                                                                                        \
  EXPORT("forwardRun_" #suffix)                                                                                    \
  void forward_run_##suffix(int32_t u0, int32_t u1, int32_t u2, int32_t w, int32_t w_stride, int32_t range, int32_t n0,  \
                            int32_t n1, int32_t amplitudes, double dx, int32_t src_count, int32_t width,             \
                            int32_t src_index, int32_t src_weight, int32_t rec_count, int32_t rec_index,             \
                            int32_t rec_weight, int32_t traces, int32_t trace_stride) {                              \
    gs_sweep_##suffix s;                                                                                           \
    gs_sweep_of_##suffix(&s, 0, slot(GS_FORWARD));                                                                 \
    const gs_run_##suffix r = {                                                                                    \
        {AT(real, u0), AT(real, u1), AT(real, u2)}, AT(real, w), w_stride, AT(int32_t, range),                    \
        AT(const double, amplitudes), dx,                                                                          \
        {src_count, width, AT(const int32_t, src_index), AT(const double, src_weight)},                           \
        {rec_count, width, AT(const int32_t, rec_index), AT(const double, rec_weight)},                           \
        AT(double, traces), trace_stride};                                                                         \
    gs_forward_run_##suffix(&s, &r, n0, n1);                                                                       \
  }                                                                                                                \
  EXPORT("bornRun_" #suffix)                                                                                       \
  void born_run_##suffix(int32_t u0, int32_t u1, int32_t u2, int32_t w, int32_t range, int32_t p0, int32_t p1,     \
                         int32_t p2, int32_t pw, int32_t dk, int32_t n0, int32_t n1, int32_t amplitudes, double dx,  \
                         int32_t src_count, int32_t width, int32_t src_index, int32_t src_weight, int32_t rec_count, \
                         int32_t rec_index, int32_t rec_weight, int32_t traces, int32_t trace_stride) {              \
    gs_sweep_##suffix s, p;                                                                                        \
    gs_sweep_of_##suffix(&s, 0, slot(GS_FORWARD));                                                                 \
    gs_sweep_of_##suffix(&p, 0, slot(GS_SCATTERED));                                                               \
    const gs_born_##suffix b = {                                                                                   \
        {{AT(real, u0), AT(real, u1), AT(real, u2)}, AT(real, w), 0, AT(int32_t, range),                          \
         AT(const double, amplitudes), dx,                                                                         \
         {src_count, width, AT(const int32_t, src_index), AT(const double, src_weight)},                          \
         {rec_count, width, AT(const int32_t, rec_index), AT(const double, rec_weight)},                          \
         AT(double, traces), trace_stride},                                                                        \
        {AT(real, p0), AT(real, p1), AT(real, p2)}, AT(real, pw), AT(const double, dk)};                           \
    gs_born_run_##suffix(&s, &p, &b, n0, n1);                                                                      \
  }                                                                                                                \
  EXPORT("reverseRun_" #suffix)                                                                                    \
  void reverse_run_##suffix(int32_t later, int32_t earlier, int32_t q, int32_t p_bar, int32_t w, int32_t w_stride,  \
                            int32_t grad_k, int32_t range, int32_t n0, int32_t n1, double dx,                        \
                            int32_t src_count, int32_t width, int32_t src_index, int32_t src_weight,                 \
                            int32_t rec_count, int32_t rec_index, int32_t rec_weight, int32_t residual,              \
                            int32_t residual_stride, int32_t f_bar) {                                                \
    gs_sweep_##suffix s;                                                                                           \
    gs_sweep_of_##suffix(&s, 0, slot(GS_ADJOINT));                                                                \
    const gs_reverse_##suffix r = {                                                                                \
        AT(real, later), AT(real, earlier), AT(real, q), AT(real, p_bar), AT(const real, w), w_stride,             \
        AT(double, grad_k), AT(int32_t, range), dx,                                                                \
        {src_count, width, AT(const int32_t, src_index), AT(const double, src_weight)},                           \
        {rec_count, width, AT(const int32_t, rec_index), AT(const double, rec_weight)},                           \
        AT(const double, residual), residual_stride, AT(double, f_bar)};                                          \
    gs_reverse_run_##suffix(&s, &r, n0, n1);                                                                       \
  }

#define FRONT2D(real, suffix)                                                                                      \
  EXPORT("forwardRun2d_" #suffix)                                                                                  \
  void forward_run2d_##suffix(int32_t grid, int32_t u0, int32_t u1, int32_t w, int32_t w_stride,                   \
                              int32_t n0, int32_t n1, int32_t amplitudes, double scale, int32_t src_count,           \
                              int32_t width, int32_t src_index, int32_t src_weight, int32_t rec_count,               \
                              int32_t rec_index, int32_t rec_weight, int32_t traces, int32_t trace_stride) {         \
    gs_sweep2d_##suffix s;                                                                                         \
    gs_sweep2d_of_##suffix(&s, 0, AT(const gs_grid2d, grid));                                                      \
    const gs_run_##suffix r = {                                                                                    \
        {AT(real, u0), AT(real, u1), 0}, AT(real, w), w_stride, 0, AT(const double, amplitudes), scale,             \
        {src_count, width, AT(const int32_t, src_index), AT(const double, src_weight)},                           \
        {rec_count, width, AT(const int32_t, rec_index), AT(const double, rec_weight)},                           \
        AT(double, traces), trace_stride};                                                                         \
    gs_forward_run2d_##suffix(&s, &r, n0, n1);                                                                     \
  }                                                                                                                \
  EXPORT("bornRun2d_" #suffix)                                                                                     \
  void born_run2d_##suffix(int32_t grid, int32_t pgrid, int32_t u0, int32_t u1, int32_t w, int32_t p0,              \
                           int32_t p1, int32_t pw, int32_t dm, int32_t n0, int32_t n1, int32_t amplitudes,  \
                           double scale, int32_t src_count, int32_t width, int32_t src_index, int32_t src_weight,       \
                           int32_t rec_count, int32_t rec_index, int32_t rec_weight, int32_t traces,                    \
                           int32_t trace_stride) {                                                                      \
    gs_sweep2d_##suffix s, p;                                                                                      \
    gs_sweep2d_of_##suffix(&s, 0, AT(const gs_grid2d, grid));                                                      \
    gs_sweep2d_of_##suffix(&p, 0, AT(const gs_grid2d, pgrid));                                                     \
    const gs_born_##suffix b = {                                                                                   \
        {{AT(real, u0), AT(real, u1), 0}, AT(real, w), 0, 0, AT(const double, amplitudes), scale,                   \
         {src_count, width, AT(const int32_t, src_index), AT(const double, src_weight)},                          \
         {rec_count, width, AT(const int32_t, rec_index), AT(const double, rec_weight)},                          \
         AT(double, traces), trace_stride},                                                                        \
        {AT(real, p0), AT(real, p1), 0}, AT(real, pw), AT(const double, dm)};                                      \
    gs_born_run2d_##suffix(&s, &p, &b, n0, n1);                                                                    \
  }                                                                                                                \
  EXPORT("reverseRun2d_" #suffix)                                                                                  \
  void reverse_run2d_##suffix(int32_t grid, int32_t later, int32_t earlier, int32_t qx, int32_t qz, int32_t pbx,     \
                              int32_t pbz, int32_t w, int32_t w_stride, int32_t grad, int32_t n0, int32_t n1,         \
                              double scale, int32_t src_count, int32_t width, int32_t src_index, int32_t src_weight, \
                              int32_t rec_count, int32_t rec_index, int32_t rec_weight, int32_t residual,             \
                              int32_t residual_stride, int32_t f_bar) {                                              \
    gs_sweep2d_##suffix s;                                                                                         \
    gs_sweep2d_of_##suffix(&s, 0, AT(const gs_grid2d, grid));                                                      \
    const gs_reverse_##suffix r = {                                                                                \
        AT(real, later), AT(real, earlier), AT(real, qx), AT(real, pbx), AT(const real, w), w_stride,              \
        AT(double, grad), 0, scale,                                                                                \
        {src_count, width, AT(const int32_t, src_index), AT(const double, src_weight)},                           \
        {rec_count, width, AT(const int32_t, rec_index), AT(const double, rec_weight)},                           \
        AT(const double, residual), residual_stride, AT(double, f_bar)};                                          \
    gs_reverse_run2d_##suffix(&s, &r, AT(real, qz), AT(real, pbz), n0, n1);                                        \
  }

FRONT(double, f64)
FRONT(float, f32)
FRONT2D(double, f64)
FRONT2D(float, f32)
