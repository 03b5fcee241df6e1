/*
 * Node-API binding of the native wave kernels (kernel.c), loaded by backend.ts.
 *
 *   const { bind, isa, flushesSubnormals } = require("build/Release/gradscape.node");
 *   const kernels = bind(memory.buffer);   // wasm.ts's `Kernels`, on that buffer
 *
 * `bind(buffer)` takes the ArrayBuffer of an arena's WebAssembly.Memory (fixed size, never grown,
 * so it never detaches and its data never moves) and returns the eight kernels of wasm.ts's
 * `Kernels` interface, with kernel.wat's arguments: pointers are byte offsets into that buffer,
 * cells are indices. Each bound object has its own `configure` state, as each WebAssembly
 * instance has its own globals.
 *
 * Every call checks that the cells it will touch lie inside the buffer (a RangeError naming the
 * kernel and the argument otherwise: where WebAssembly would trap, this code must not write
 * outside its memory), then runs the kernel with flush-to-zero and denormals-are-zero set, and
 * restores the caller's floating-point mode before it returns: the JavaScript engine shares the
 * thread's control register and must never run with FTZ on.
 *
 * This file is compiled for the baseline of the architecture; only kernel.c is compiled with
 * -march=native, and module load refuses a CPU that lacks what kernel.c was compiled to use.
 */
#define NAPI_VERSION 8
#include <node_api.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "kernel.h"

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

/* ---- one bound memory ---- */

typedef struct {
  uint8_t *base;
  size_t bytes;
  napi_ref buffer; /* keeps the ArrayBuffer alive while a kernel function lives */
  int live;        /* kernel functions not yet finalized; the last one frees this */
  bool configured;
  gs_state state;
} instance;

#define KERNELS 8

static void finalize_kernel(napi_env env, void *data, void *hint) {
  (void)hint;
  instance *in = data;
  if (--in->live > 0) return;
  napi_delete_reference(env, in->buffer);
  free(in);
}

/* ---- arguments ---- */

typedef struct {
  napi_env env;
  const char *kernel;
  instance *in;
  napi_value argv[20];
  bool ok;
} call;

static bool begin(call *c, napi_env env, napi_callback_info info, const char *kernel, size_t want) {
  size_t argc = 20;
  void *data = NULL;
  c->env = env, c->kernel = kernel, c->ok = true;
  if (napi_get_cb_info(env, info, &argc, c->argv, NULL, &data) != napi_ok) return false;
  c->in = data;
  if (argc < want) {
    char msg[160];
    snprintf(msg, sizeof msg, "gradscape native kernel %s: expected %zu arguments, got %zu", kernel, want, argc);
    napi_throw_type_error(env, NULL, msg);
    return false;
  }
  return true;
}

static void bad_argument(call *c, size_t j) {
  if (!c->ok) return; /* one exception per call */
  char msg[160];
  snprintf(msg, sizeof msg, "gradscape native kernel %s: argument %zu must be a number", c->kernel, j);
  napi_throw_type_error(c->env, NULL, msg);
  c->ok = false;
}

static int32_t i32(call *c, size_t j) {
  int32_t v = 0;
  if (napi_get_value_int32(c->env, c->argv[j], &v) != napi_ok) bad_argument(c, j);
  return v;
}

static double f64(call *c, size_t j) {
  double v = 0;
  if (napi_get_value_double(c->env, c->argv[j], &v) != napi_ok) bad_argument(c, j);
  return v;
}

/* True when cells [from, to) of the float64 array at byte offset `ptr` lie inside the memory
 * (an empty range always does); otherwise throws a RangeError naming the kernel and argument. */
static bool span(call *c, const char *name, int32_t ptr, int64_t from, int64_t to) {
  if (!c->ok) return false;
  if (to <= from) return true;
  const int64_t first = (int64_t)ptr + 8 * from, end = (int64_t)ptr + 8 * to;
  if (ptr % 8 == 0 && first >= 0 && end <= (int64_t)c->in->bytes) return true;
  char msg[256];
  snprintf(msg, sizeof msg,
           "gradscape native kernel %s: %s (byte offset %d) with cells [%lld, %lld) is not an aligned float64 range inside the %zu-byte memory",
           c->kernel, name, (int)ptr, (long long)from, (long long)to, c->in->bytes);
  napi_throw_range_error(c->env, NULL, msg);
  c->ok = false;
  return false;
}

static bool require(call *c, bool condition, const char *what) {
  if (!c->ok) return false;
  if (condition) return true;
  char msg[256];
  snprintf(msg, sizeof msg, "gradscape native kernel %s: %s", c->kernel, what);
  napi_throw_range_error(c->env, NULL, msg);
  c->ok = false;
  return false;
}

#define AT(off) ((double *)(c.in->base + (off)))

static napi_value int_result(napi_env env, int32_t v) {
  napi_value out;
  napi_create_int32(env, v, &out);
  return out;
}

/* ---- the kernels ---- */

static napi_value leapfrog(napi_env env, napi_callback_info info) {
  call c;
  if (!begin(&c, env, info, "leapfrog", 12)) return NULL;
  const int32_t u = i32(&c, 0), prev = i32(&c, 1), next = i32(&c, 2), k = i32(&c, 3), w = i32(&c, 4), start = i32(&c, 5), end = i32(&c, 6);
  const double c0 = f64(&c, 7), c1 = f64(&c, 8), c2 = f64(&c, 9), c3 = f64(&c, 10), c4 = f64(&c, 11);
  if (!(span(&c, "u", u, (int64_t)start - GS_GHOST, (int64_t)end + GS_GHOST) && span(&c, "prev", prev, start, end) &&
        span(&c, "next", next, start, end) && span(&c, "k", k, start, end) && span(&c, "w", w, start, end)))
    return NULL;
  const fp_mode mode = ftz_enter();
  const int32_t done = gs_leapfrog(AT(u), AT(prev), AT(next), AT(k), AT(w), start, end, c0, c1, c2, c3, c4);
  ftz_leave(mode);
  return int_result(env, done);
}

static napi_value configure(napi_env env, napi_callback_info info) {
  call c;
  if (!begin(&c, env, info, "configure", 19)) return NULL;
  const int32_t k = i32(&c, 0), a = i32(&c, 1), b = i32(&c, 2), psi = i32(&c, 3), zeta = i32(&c, 4);
  const int32_t pl0 = i32(&c, 5), pl1 = i32(&c, 6), pr0 = i32(&c, 7), pr1 = i32(&c, 8), last = i32(&c, 9);
  double w[9];
  for (size_t j = 0; j < 9; j++) w[j] = f64(&c, 10 + j);
  /* forwardStep works on whole working arrays of last + GHOST cells. */
  const int64_t size = (int64_t)last + GS_GHOST;
  if (!(require(&c, last >= GS_GHOST, "last must be at least 4 (the ghost cells)") &&
        require(&c, pl0 >= pl1 || (pl0 >= GS_GHOST && pl1 <= last), "the left layer [pl0, pl1) must lie in [4, last)") &&
        require(&c, pr0 >= pr1 || (pr0 >= GS_GHOST && pr1 <= last), "the right layer [pr0, pr1) must lie in [4, last)") &&
        span(&c, "k", k, 0, size) && span(&c, "a", a, 0, size) && span(&c, "b", b, 0, size) &&
        span(&c, "psi", psi, 0, size) && span(&c, "zeta", zeta, 0, size)))
    return NULL;
  gs_configure(&c.in->state, AT(k), AT(a), AT(b), AT(psi), AT(zeta), pl0, pl1, pr0, pr1, last,
               w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7], w[8]);
  c.in->configured = true;
  return NULL;
}

static napi_value forward_step(napi_env env, napi_callback_info info) {
  call c;
  if (!begin(&c, env, info, "forwardStep", 6)) return NULL;
  const int32_t u = i32(&c, 0), prev = i32(&c, 1), next = i32(&c, 2), w = i32(&c, 3), lo = i32(&c, 4), hi = i32(&c, 5);
  const gs_state *s = &c.in->state;
  const int64_t size = (int64_t)s->last + GS_GHOST;
  if (!(require(&c, c.in->configured, "called before configure") &&
        require(&c, hi <= (lo & ~1) || ((lo & ~1) >= GS_GHOST && hi <= s->last), "the range [lo, hi) must lie in [4, last)") &&
        span(&c, "u", u, 0, size) && span(&c, "prev", prev, 0, size) && span(&c, "next", next, 0, size) && span(&c, "w", w, 0, size)))
    return NULL;
  const fp_mode mode = ftz_enter();
  gs_forward_step(s, AT(u), AT(prev), AT(next), AT(w), lo, hi);
  ftz_leave(mode);
  return NULL;
}

static napi_value pml_forward(napi_env env, napi_callback_info info) {
  call c;
  if (!begin(&c, env, info, "pmlForward", 16)) return NULL;
  const int32_t u = i32(&c, 0), psi = i32(&c, 1), zeta = i32(&c, 2), w = i32(&c, 3), next = i32(&c, 4), k = i32(&c, 5), a = i32(&c, 6), b = i32(&c, 7);
  const int32_t start = i32(&c, 8), end = i32(&c, 9), lo = i32(&c, 10), hi = i32(&c, 11);
  const double d1 = f64(&c, 12), d2 = f64(&c, 13), d3 = f64(&c, 14), d4 = f64(&c, 15);
  const int64_t s4 = (int64_t)start - GS_GHOST, e4 = (int64_t)end + GS_GHOST, l4 = (int64_t)lo - GS_GHOST, h4 = (int64_t)hi + GS_GHOST;
  if (!(span(&c, "u", u, s4, e4) && span(&c, "psi", psi, start, end) && span(&c, "psi", psi, l4, h4) &&
        span(&c, "zeta", zeta, start, end) && span(&c, "a", a, start, end) && span(&c, "b", b, start, end) &&
        span(&c, "w", w, start, end) && span(&c, "w", w, lo, hi) && span(&c, "next", next, start, end) &&
        span(&c, "next", next, lo, hi) && span(&c, "k", k, start, end) && span(&c, "k", k, lo, hi)))
    return NULL;
  const fp_mode mode = ftz_enter();
  gs_pml_forward(AT(u), AT(psi), AT(zeta), AT(w), AT(next), AT(k), AT(a), AT(b), start, end, lo, hi, d1, d2, d3, d4);
  ftz_leave(mode);
  return NULL;
}

static napi_value pml_adjoint(napi_env env, napi_callback_info info) {
  call c;
  if (!begin(&c, env, info, "pmlAdjoint", 12)) return NULL;
  const int32_t q = i32(&c, 0), zb = i32(&c, 1), pb = i32(&c, 2), pbar = i32(&c, 3), a = i32(&c, 4), b = i32(&c, 5);
  const int32_t start = i32(&c, 6), end = i32(&c, 7);
  const double d1 = f64(&c, 8), d2 = f64(&c, 9), d3 = f64(&c, 10), d4 = f64(&c, 11);
  if (!(span(&c, "q", q, (int64_t)start - GS_GHOST, (int64_t)end + GS_GHOST) && span(&c, "zetaBar", zb, start, end) &&
        span(&c, "psiBar", pb, start, end) && span(&c, "pBar", pbar, start, end) && span(&c, "a", a, start, end) &&
        span(&c, "b", b, start, end)))
    return NULL;
  const fp_mode mode = ftz_enter();
  gs_pml_adjoint(AT(q), AT(zb), AT(pb), AT(pbar), AT(a), AT(b), start, end, d1, d2, d3, d4);
  ftz_leave(mode);
  return NULL;
}

static napi_value pml_adjoint_psi(napi_env env, napi_callback_info info) {
  call c;
  if (!begin(&c, env, info, "pmlAdjointPsi", 8)) return NULL;
  const int32_t e = i32(&c, 0), pbar = i32(&c, 1), lo = i32(&c, 2), hi = i32(&c, 3);
  const double d1 = f64(&c, 4), d2 = f64(&c, 5), d3 = f64(&c, 6), d4 = f64(&c, 7);
  if (!(span(&c, "earlier", e, lo, hi) && span(&c, "pBar", pbar, (int64_t)lo - GS_GHOST, (int64_t)hi + GS_GHOST))) return NULL;
  const fp_mode mode = ftz_enter();
  gs_pml_adjoint_psi(AT(e), AT(pbar), lo, hi, d1, d2, d3, d4);
  ftz_leave(mode);
  return NULL;
}

static napi_value adjoint_prepare(napi_env env, napi_callback_info info) {
  call c;
  if (!begin(&c, env, info, "adjointPrepare", 6)) return NULL;
  const int32_t later = i32(&c, 0), k = i32(&c, 1), wn = i32(&c, 2), q = i32(&c, 3), grad = i32(&c, 4), end = i32(&c, 5);
  if (!(span(&c, "later", later, GS_GHOST, end) && span(&c, "k", k, GS_GHOST, end) && span(&c, "wn", wn, GS_GHOST, end) &&
        span(&c, "q", q, GS_GHOST, end) && span(&c, "gradK", grad, GS_GHOST, end)))
    return NULL;
  const fp_mode mode = ftz_enter();
  const int32_t done = gs_adjoint_prepare(AT(later), AT(k), AT(wn), AT(q), AT(grad), end);
  ftz_leave(mode);
  return int_result(env, done);
}

static napi_value adjoint_leapfrog(napi_env env, napi_callback_info info) {
  call c;
  if (!begin(&c, env, info, "adjointLeapfrog", 9)) return NULL;
  const int32_t q = i32(&c, 0), later = i32(&c, 1), earlier = i32(&c, 2), end = i32(&c, 3);
  const double c0 = f64(&c, 4), c1 = f64(&c, 5), c2 = f64(&c, 6), c3 = f64(&c, 7), c4 = f64(&c, 8);
  if (!(span(&c, "q", q, 0, (int64_t)end + GS_GHOST) && span(&c, "later", later, GS_GHOST, end) &&
        span(&c, "earlier", earlier, GS_GHOST, end)))
    return NULL;
  const fp_mode mode = ftz_enter();
  const int32_t done = gs_adjoint_leapfrog(AT(q), AT(later), AT(earlier), end, c0, c1, c2, c3, c4);
  ftz_leave(mode);
  return int_result(env, done);
}

/* ---- bind(buffer) and the module ---- */

static napi_value bind(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value buffer;
  if (napi_get_cb_info(env, info, &argc, &buffer, NULL, NULL) != napi_ok) return NULL;
  void *data = NULL;
  size_t bytes = 0;
  bool is_buffer = false;
  if (argc < 1 || napi_is_arraybuffer(env, buffer, &is_buffer) != napi_ok || !is_buffer ||
      napi_get_arraybuffer_info(env, buffer, &data, &bytes) != napi_ok) {
    napi_throw_type_error(env, NULL, "gradscape native kernels: bind expects an ArrayBuffer (a WebAssembly.Memory's buffer)");
    return NULL;
  }
  if (bytes > ((size_t)1 << 31) || ((uintptr_t)data & 15) != 0) {
    napi_throw_range_error(env, NULL, "gradscape native kernels: bind expects a 16-byte aligned buffer of at most 2^31 bytes");
    return NULL;
  }
  instance *in = calloc(1, sizeof *in);
  if (in == NULL) {
    napi_throw_error(env, NULL, "gradscape native kernels: out of memory");
    return NULL;
  }
  in->base = data, in->bytes = bytes;
  napi_create_reference(env, buffer, 1, &in->buffer);
  static const struct {
    const char *name;
    napi_callback fn;
  } table[KERNELS] = {
      {"leapfrog", leapfrog},
      {"configure", configure},
      {"forwardStep", forward_step},
      {"pmlForward", pml_forward},
      {"pmlAdjoint", pml_adjoint},
      {"pmlAdjointPsi", pml_adjoint_psi},
      {"adjointPrepare", adjoint_prepare},
      {"adjointLeapfrog", adjoint_leapfrog},
  };
  napi_value out;
  napi_create_object(env, &out);
  for (size_t j = 0; j < KERNELS; j++) {
    napi_value fn;
    napi_create_function(env, table[j].name, NAPI_AUTO_LENGTH, table[j].fn, in, &fn);
    in->live++;
    napi_add_finalizer(env, fn, in, finalize_kernel, NULL, NULL);
    napi_set_named_property(env, out, table[j].name, fn);
  }
  return out;
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
  napi_value fn, isa, ftz;
  napi_create_function(env, "bind", NAPI_AUTO_LENGTH, bind, NULL, &fn);
  napi_set_named_property(env, exports, "bind", fn);
  napi_create_string_utf8(env, isa_name(), NAPI_AUTO_LENGTH, &isa);
  napi_set_named_property(env, exports, "isa", isa);
  napi_get_boolean(env, GS_FTZ != 0, &ftz);
  napi_set_named_property(env, exports, "flushesSubnormals", ftz);
  return exports;
}
