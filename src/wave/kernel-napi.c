/*
 * Node-API binding of the native wave kernels (kernel.c), loaded by backend.ts.
 *
 *   const { bind, isa, flushesSubnormals, stateBytes, abi } = require("build/Release/gradscape.node");
 *   const kernels = bind(memory.buffer, reserved, "float32");   // wasm.ts's `Kernels`, on that buffer
 *
 * `bind(buffer, reserved, precision)` takes the ArrayBuffer of an arena's WebAssembly.Memory (fixed
 * size, never grown, so it never detaches and its data never moves), gives it the three kernels
 * of wasm.ts's `Kernels` interface in that precision as methods (not enumerable) and returns it:
 * the kernels are methods of the memory they work on. Arguments are those of the WebAssembly
 * exports (kernel-wasm.c): pointers are byte offsets into that buffer, cells are indices. Each
 * bound buffer keeps its sweeps' configurations (as the WebAssembly module does) in its last
 * GS_STATE_BYTES (`stateBytes`) bytes, which the caller keeps free: `reserved`, the bytes kept
 * at the end, must be at least that, and no kernel call reaches them.
 *
 * Nothing here outlives the garbage collector's view of it: the kernel functions are made once
 * per thread, the state is in the buffer, no finalizer waits for the event loop. So a
 * synchronous loop that makes arenas by the thousand frees them as the WebAssembly kernels do.
 *
 * Every call finds the memory from `this` (V8's own base address and length of that buffer) and
 * checks that the cells it will touch lie inside it (a RangeError naming the kernel and the
 * argument otherwise: where WebAssembly would trap, this code must not write outside its memory;
 * a configuration is offsets, checked again at every step, never a raw pointer), then
 * runs the kernel with flush-to-zero and denormals-are-zero set, and restores the caller's
 * floating-point mode before it returns: the JavaScript engine shares the thread's control
 * register and must never run with FTZ on.
 *
 * This file is compiled for the baseline of the architecture; only kernel.c is compiled with
 * -march=native, and module load refuses a CPU that lacks what kernel.c was compiled to use.
 */
#define NAPI_VERSION 8
#include <node_api.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel.h"
#include "napi-args.h"

/* ---- flush-to-zero around each kernel call ---- */

#if defined(__x86_64__) || defined(_M_X64) || defined(__i386__) || defined(_M_IX86)
#include <xmmintrin.h>
#define GS_FTZ 1
typedef unsigned int fp_mode;
/* MXCSR bit 15 (FTZ: subnormal results become zero) and bit 6 (DAZ: subnormal inputs read as zero). */
static inline fp_mode ftz_enter(void) {
  const fp_mode saved = _mm_getcsr();
  _mm_setcsr(saved | 0x8040u);
  return saved;
}
static inline void ftz_leave(fp_mode saved) { _mm_setcsr(saved); }
#elif defined(__aarch64__)
#define GS_FTZ 1
typedef uint64_t fp_mode;
/* FPCR bit 24 (FZ): subnormal inputs and results become zero. */
static inline fp_mode ftz_enter(void) {
  fp_mode saved;
  __asm__ __volatile__("mrs %0, fpcr" : "=r"(saved));
  __asm__ __volatile__("msr fpcr, %0" : : "r"(saved | (1ull << 24)));
  return saved;
}
static inline void ftz_leave(fp_mode saved) { __asm__ __volatile__("msr fpcr, %0" : : "r"(saved)); }
#else
#define GS_FTZ 0
typedef int fp_mode;
static inline fp_mode ftz_enter(void) { return 0; }
static inline void ftz_leave(fp_mode saved) { (void)saved; }
#endif

/* The version of this module's interface; backend.ts loads only the one it expects (NATIVE_ABI). */
#define GS_ABI 11

/* Runs RUN(real, suffix) in the call's precision (the kernel functions' _f32 or _f64), with
 * flush-to-zero and denormals-are-zero for its duration. */
#define IN_PRECISION(c, RUN)             \
  do {                                   \
    const fp_mode mode = ftz_enter();    \
    if ((c).p == &F32) {                 \
      RUN(float, f32);                   \
    } else {                             \
      RUN(double, f64);                  \
    }                                    \
    ftz_leave(mode);                     \
  } while (0)

/* ---- the kernels ---- */

static napi_value configure(napi_env env, napi_callback_info info) {
  call c;
  if (!begin(&c, env, info, "configure", 22)) return NULL;
  const int32_t sweep = i32(&c, 0);
  gs_config next = {.magic = CONFIG_MAGIC, .configured = 1};
  next.k = i32(&c, 1), next.a = i32(&c, 2), next.b = i32(&c, 3), next.psi = i32(&c, 4), next.zeta = i32(&c, 5);
  next.pl0 = i32(&c, 6), next.pl1 = i32(&c, 7), next.pr0 = i32(&c, 8), next.pr1 = i32(&c, 9), next.last = i32(&c, 10);
  next.left_sign = i32(&c, 11), next.right_sign = i32(&c, 12);
  for (size_t j = 0; j < 5; j++) next.c[j] = f64(&c, 13 + j);
  next.d[0] = 0;
  for (size_t j = 1; j < 5; j++) next.d[j] = f64(&c, 17 + j);
  if (!(require(&c, sweep == GS_FORWARD || sweep == GS_ADJOINT || sweep == GS_SCATTERED, "sweep must be 0 (forward), 1 (adjoint) or 2 (scattered)") &&
        require(&c, next.left_sign >= -1 && next.left_sign <= 1 && next.right_sign >= -1 && next.right_sign <= 1, "the mirror signs must be -1, 0 or 1") &&
        check_config(&c, &next)))
    return NULL;
  *slot(&c, sweep) = next;
  return NULL;
}

static napi_value forward_run(napi_env env, napi_callback_info info) {
  call c;
  if (!begin(&c, env, info, "forwardRun", 19)) return NULL;
  const int32_t u0 = i32(&c, 0), u1 = i32(&c, 1), u2 = i32(&c, 2), w = i32(&c, 3), w_stride = i32(&c, 4), range = i32(&c, 5);
  const int32_t n0 = i32(&c, 6), n1 = i32(&c, 7);
  const gs_config *g = slot(&c, GS_FORWARD);
  if (!(c.ok && check_config(&c, g))) return NULL;
  const int64_t size = (int64_t)g->last + GS_GHOST, steps = (int64_t)n1 - n0;
  shot_args a;
  if (!(shot_of(&c, g, 8, range, n0, n1, &a) &&
        require(&c, w_stride == 0 || w_stride >= size, "W's stride must be 0 or at least the working cells") &&
        span(&c, "u0", u0, 0, size) && span(&c, "u1", u1, 0, size) && span(&c, "u2", u2, 0, size) &&
        span(&c, "w", w, 0, steps > 0 ? (steps - 1) * w_stride + size : 0)))
    return NULL;
  const uintptr_t base = (uintptr_t)c.base;
#define FORWARD_RUN(real, sfx) \
  { \
    gs_sweep_##sfx s; \
    gs_sweep_of_##sfx(&s, base, g); \
    const gs_run_##sfx r = {{(real *)(base + u0), (real *)(base + u1), (real *)(base + u2)}, (real *)(base + w), w_stride, a.range, \
    a.amplitudes, a.dx, a.source, a.receivers, a.traces, a.trace_stride}; \
    gs_forward_run_##sfx(&s, &r, n0, n1); \
  }
  IN_PRECISION(c, FORWARD_RUN);
#undef FORWARD_RUN
  return NULL;
}

static napi_value born_run(napi_env env, napi_callback_info info) {
  call c;
  if (!begin(&c, env, info, "bornRun", 23)) return NULL;
  const int32_t u0 = i32(&c, 0), u1 = i32(&c, 1), u2 = i32(&c, 2), w = i32(&c, 3), range = i32(&c, 4);
  const int32_t p0 = i32(&c, 5), p1 = i32(&c, 6), p2 = i32(&c, 7), pw = i32(&c, 8), dk = i32(&c, 9);
  const int32_t n0 = i32(&c, 10), n1 = i32(&c, 11);
  const gs_config *g = slot(&c, GS_FORWARD), *gp = slot(&c, GS_SCATTERED);
  if (!(c.ok && check_config(&c, g) && check_config(&c, gp))) return NULL;
  const int64_t size = (int64_t)g->last + GS_GHOST;
  shot_args a;
  if (!(require(&c, gp->last == g->last, "the scattered field's configuration must have the background's cells") &&
        shot_of(&c, g, 12, range, n0, n1, &a) &&
        span(&c, "u0", u0, 0, size) && span(&c, "u1", u1, 0, size) && span(&c, "u2", u2, 0, size) && span(&c, "w", w, 0, size) &&
        span(&c, "p0", p0, 0, size) && span(&c, "p1", p1, 0, size) && span(&c, "p2", p2, 0, size) && span(&c, "pw", pw, 0, size) &&
        span_of(&c, "dk", dk, 0, size, 8, "float64")))
    return NULL;
  const uintptr_t base = (uintptr_t)c.base;
#define BORN_RUN(real, sfx) \
  { \
    gs_sweep_##sfx s, p; \
    gs_sweep_of_##sfx(&s, base, g); \
    gs_sweep_of_##sfx(&p, base, gp); \
    const gs_born_##sfx b = {{{(real *)(base + u0), (real *)(base + u1), (real *)(base + u2)}, (real *)(base + w), 0, a.range, \
    a.amplitudes, a.dx, a.source, a.receivers, a.traces, a.trace_stride}, \
    {(real *)(base + p0), (real *)(base + p1), (real *)(base + p2)}, (real *)(base + pw), (const double *)(base + dk)}; \
    gs_born_run_##sfx(&s, &p, &b, n0, n1); \
  }
  IN_PRECISION(c, BORN_RUN);
#undef BORN_RUN
  return NULL;
}

static napi_value reverse_run(napi_env env, napi_callback_info info) {
  call c;
  if (!begin(&c, env, info, "reverseRun", 21)) return NULL;
  const int32_t later = i32(&c, 0), earlier = i32(&c, 1), q = i32(&c, 2), p_bar = i32(&c, 3), w = i32(&c, 4), w_stride = i32(&c, 5);
  const int32_t grad = i32(&c, 6), range = i32(&c, 7), n0 = i32(&c, 8), n1 = i32(&c, 9);
  const double dx = f64(&c, 10);
  const int32_t src_count = i32(&c, 11), width = i32(&c, 12), src_index = i32(&c, 13), src_weight = i32(&c, 14);
  const int32_t rec_count = i32(&c, 15), rec_index = i32(&c, 16), rec_weight = i32(&c, 17), residual = i32(&c, 18);
  const int32_t residual_stride = i32(&c, 19), f_bar = i32(&c, 20);
  const gs_config *g = slot(&c, GS_ADJOINT);
  if (!(c.ok && check_config(&c, g))) return NULL;
  const int64_t size = (int64_t)g->last + GS_GHOST, steps = (int64_t)n1 - n0;
  gs_points source, receivers;
  if (!(require(&c, n0 >= 0 && steps >= 0, "the steps [n0, n1) must be a range of non-negative numbers") &&
        update_range(&c, range, g) &&
        require(&c, w_stride == 0 || w_stride >= size, "W's stride must be 0 or at least the working cells") &&
        require(&c, residual_stride >= 0, "the residual's stride must be non-negative") &&
        span(&c, "later", later, 0, size) && span(&c, "earlier", earlier, 0, size) && span(&c, "q", q, 0, size) &&
        span(&c, "pBar", p_bar, 0, size) && span(&c, "w", w, 0, steps > 0 ? (steps - 1) * w_stride + size : 0) &&
        span_of(&c, "gradK", grad, 0, size, 8, "float64") &&
        points(&c, "source", src_count, width, src_index, src_weight, 0, (int32_t)size, &source) &&
        points(&c, "receivers", rec_count, width, rec_index, rec_weight, 0, (int32_t)size, &receivers) &&
        span_of(&c, "residual", residual, 0, rec_count > 0 && steps > 0 ? (int64_t)(rec_count - 1) * residual_stride + n1 : 0, 8, "float64") &&
        span_of(&c, "fBar", f_bar, n0, n1, 8, "float64")))
    return NULL;
  const uintptr_t base = (uintptr_t)c.base;
#define REVERSE_RUN(real, sfx) \
  { \
    gs_sweep_##sfx s; \
    gs_sweep_of_##sfx(&s, base, g); \
    const gs_reverse_##sfx r = {(real *)(base + later), (real *)(base + earlier), (real *)(base + q), (real *)(base + p_bar), \
    (const real *)(base + w), w_stride, (double *)(base + grad), (int32_t *)(base + range), dx, source, receivers, \
    (const double *)(base + residual), residual_stride, (double *)(base + f_bar)}; \
    gs_reverse_run_##sfx(&s, &r, n0, n1); \
  }
  IN_PRECISION(c, REVERSE_RUN);
#undef REVERSE_RUN
  return NULL;
}

#include "kernel-napi2d.h"

/* ---- bind(buffer) and the module ---- */

#define KERNELS 7
static const struct {
  const char *name;
  napi_callback fn;
} TABLE[KERNELS] = {
    {"configure", configure},
    {"forwardRun", forward_run},
    {"reverseRun", reverse_run},
    {"bornRun", born_run},
    {"forwardRun2d", forward_run2d},
    {"reverseRun2d", reverse_run2d},
    {"bornRun2d", born_run2d},
};

/* The kernel functions of this thread's copy of the module, made once per precision (napi_set_instance_data). */
typedef struct {
  napi_ref fn[2][KERNELS];
} module_data;

static void free_module_data(napi_env env, void *data, void *hint) {
  (void)hint;
  module_data *m = data;
  for (size_t p = 0; p < 2; p++)
    for (size_t j = 0; j < KERNELS; j++) napi_delete_reference(env, m->fn[p][j]);
  free(m);
}

static napi_value bind(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  void *data = NULL;
  size_t bytes = 0;
  bool is_buffer = false;
  int32_t reserved = 0;
  char name[16] = "";
  size_t name_length = 0;
  if (argc < 3 || napi_is_arraybuffer(env, argv[0], &is_buffer) != napi_ok || !is_buffer ||
      napi_get_arraybuffer_info(env, argv[0], &data, &bytes) != napi_ok || napi_get_value_int32(env, argv[1], &reserved) != napi_ok ||
      napi_get_value_string_utf8(env, argv[2], name, sizeof name, &name_length) != napi_ok) {
    napi_throw_type_error(env, NULL, "gradscape native kernels: bind expects an ArrayBuffer (a WebAssembly.Memory's buffer), the bytes kept free at its end and a precision");
    return NULL;
  }
  const size_t which = strcmp(name, F32.name) == 0 ? 1 : 0;
  if (which == 0 && strcmp(name, F64.name) != 0) {
    napi_throw_range_error(env, NULL, "gradscape native kernels: bind expects the precision \"float64\" or \"float32\"");
    return NULL;
  }
  if (data == NULL || bytes > ((size_t)1 << 31) || ((uintptr_t)data & 15) != 0 || (bytes & 15) != 0) {
    napi_throw_range_error(env, NULL, "gradscape native kernels: bind expects an attached, 16-byte aligned buffer of at most 2^31 bytes");
    return NULL;
  }
  if (reserved < GS_STATE_BYTES || (size_t)reserved > bytes) {
    char msg[160];
    snprintf(msg, sizeof msg, "gradscape native kernels: bind needs %d bytes kept free at the end of the buffer for the kernels' state, got %d", GS_STATE_BYTES, (int)reserved);
    napi_throw_range_error(env, NULL, msg);
    return NULL;
  }
  module_data *m = NULL;
  if (napi_get_instance_data(env, (void **)&m) != napi_ok || m == NULL) return NULL;
  /* Not enumerable, not writable, not configurable: binding a buffer twice fails here. */
  napi_property_descriptor props[KERNELS];
  for (size_t j = 0; j < KERNELS; j++) {
    props[j] = (napi_property_descriptor){TABLE[j].name, NULL, NULL, NULL, NULL, NULL, napi_default, NULL};
    if (napi_get_reference_value(env, m->fn[which][j], &props[j].value) != napi_ok) return NULL;
  }
  if (napi_define_properties(env, argv[0], KERNELS, props) != napi_ok) return NULL;
  uint8_t *state = (uint8_t *)data + bytes - GS_STATE_BYTES;
  *(gs_config *)state = (gs_config){.magic = CONFIG_MAGIC};
  *(gs_config *)(state + GS_SLOT_BYTES) = (gs_config){.magic = CONFIG_MAGIC};
  *(gs_config *)(state + 2 * GS_SLOT_BYTES) = (gs_config){.magic = CONFIG_MAGIC};
  return argv[0];
}
/* The extensions kernel.c was compiled for that this CPU lacks, as a string ("" when none). */
static const char *missing_isa(void) {
#if (defined(__GNUC__) || defined(__clang__)) && (defined(__x86_64__) || defined(__i386__))
  __builtin_cpu_init();
  if ((gs_kernel_isa & GS_ISA_AVX512F) && !__builtin_cpu_supports("avx512f")) return "AVX-512F";
  if ((gs_kernel_isa & GS_ISA_AVX2) && !__builtin_cpu_supports("avx2")) return "AVX2";
  if ((gs_kernel_isa & GS_ISA_FMA) && !__builtin_cpu_supports("fma")) return "FMA";
  if ((gs_kernel_isa & GS_ISA_AVX) && !__builtin_cpu_supports("avx")) return "AVX";
#endif
  return "";
}

static const char *isa_name(void) {
  if (gs_kernel_isa & GS_ISA_AVX512F) return "avx512f";
  if (gs_kernel_isa & GS_ISA_AVX2) return "avx2";
  if (gs_kernel_isa & GS_ISA_AVX) return "avx";
  return "baseline";
}

NAPI_MODULE_INIT() {
  const char *missing = missing_isa();
  if (missing[0] != '\0') {
    char msg[200];
    snprintf(msg, sizeof msg, "the native kernels were compiled for another CPU (this one lacks %s); rebuild them here with npm rebuild gradscape", missing);
    napi_throw_error(env, NULL, msg);
    return NULL;
  }
  module_data *m = calloc(1, sizeof *m);
  if (m == NULL) return NULL;
  const precision *ps[2] = {&F64, &F32};
  for (size_t p = 0; p < 2; p++)
    for (size_t j = 0; j < KERNELS; j++) {
      napi_value fn;
      if (napi_create_function(env, TABLE[j].name, NAPI_AUTO_LENGTH, TABLE[j].fn, (void *)ps[p], &fn) != napi_ok ||
          napi_create_reference(env, fn, 1, &m->fn[p][j]) != napi_ok)
        return NULL;
    }
  if (napi_set_instance_data(env, m, free_module_data, NULL) != napi_ok) return NULL;
  napi_value fn, isa, ftz;
  napi_create_function(env, "bind", NAPI_AUTO_LENGTH, bind, NULL, &fn);
  napi_set_named_property(env, exports, "bind", fn);
  napi_create_string_utf8(env, isa_name(), NAPI_AUTO_LENGTH, &isa);
  napi_set_named_property(env, exports, "isa", isa);
  napi_get_boolean(env, GS_FTZ != 0, &ftz);
  napi_set_named_property(env, exports, "flushesSubnormals", ftz);
  napi_value state_bytes;
  napi_create_int32(env, GS_STATE_BYTES, &state_bytes);
  napi_set_named_property(env, exports, "stateBytes", state_bytes);
  napi_value abi;
  napi_create_int32(env, GS_ABI, &abi);
  napi_set_named_property(env, exports, "abi", abi);
  return exports;
}
