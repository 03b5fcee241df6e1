/*
 * Node-API binding of the native wave kernels (kernel.c), loaded by backend.ts.
 *
 *   const { bind, isa, flushesSubnormals, stateBytes, abi } = require("build/Release/gradscape.node");
 *   const kernels = bind(memory.buffer, reserved);   // wasm.ts's `Kernels`, on that buffer
 *
 * `bind(buffer, reserved)` takes the ArrayBuffer of an arena's WebAssembly.Memory (fixed size, never grown,
 * so it never detaches and its data never moves), gives it the eight kernels of wasm.ts's
 * `Kernels` interface as methods (not enumerable) and returns it: the kernels are methods of the
 * memory they work on. Arguments are kernel.wat's: pointers are byte offsets into that buffer,
 * cells are indices. Each bound buffer has its own `configure` state (as each WebAssembly
 * instance has its own globals) in its last STATE_BYTES (`stateBytes`) bytes, which the caller
 * keeps free: `reserved`, the bytes kept at the end, must be at least that, and no kernel call
 * reaches them.
 *
 * Nothing here outlives the garbage collector's view of it: the kernel functions are made once
 * per thread, the state is in the buffer, no finalizer waits for the event loop. So a
 * synchronous loop that makes arenas by the thousand frees them as the WebAssembly kernels do.
 *
 * Every call finds the memory from `this` (V8's own base address and length of that buffer) and
 * checks that the cells it will touch lie inside it (a RangeError naming the kernel and the
 * argument otherwise: where WebAssembly would trap, this code must not write outside its memory;
 * the configure state is offsets, checked again at every forwardStep, never a raw pointer), then
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

/* What `configure` received (the wat's globals), kept as offsets and weights in the last
 * STATE_BYTES of the bound buffer; checked against the memory whenever forwardStep uses it. */
typedef struct {
  uint64_t magic;
  int32_t configured;
  int32_t k, a, b, psi, zeta, pl0, pl1, pr0, pr1, last;
  double c[5], d[5];
} config;

/* The version of this module's interface; backend.ts loads only the one it expects (NATIVE_ABI). */
#define GS_ABI 1
#define CONFIG_MAGIC 0x6772616473636170ull /* "gradscap" */
#define STATE_BYTES 256 /* >= sizeof(config), a multiple of 16 */
#define KERNELS 8
_Static_assert(sizeof(config) <= STATE_BYTES, "the configure state fits its reserved bytes");

/* ---- arguments ---- */

typedef struct {
  napi_env env;
  const char *kernel;
  napi_value self; /* the bound buffer */
  uint8_t *base;   /* its data, as V8 reports it for this call */
  size_t bytes;    /* its length less the state's bytes: what the kernels may touch */
  config *state;   /* the state, at its end */
  napi_value argv[20];
  bool ok;
} call;

static bool fail(call *c, napi_status (*throw_fn)(napi_env, const char *, const char *), const char *what) {
  char msg[256];
  snprintf(msg, sizeof msg, "gradscape native kernel %s: %s", c->kernel, what);
  throw_fn(c->env, NULL, msg);
  c->ok = false;
  return false;
}

static bool begin(call *c, napi_env env, napi_callback_info info, const char *kernel, size_t want) {
  size_t argc = 20;
  void *data = NULL;
  c->env = env, c->kernel = kernel, c->ok = true;
  if (napi_get_cb_info(env, info, &argc, c->argv, &c->self, NULL) != napi_ok) return false;
  if (napi_get_arraybuffer_info(env, c->self, &data, &c->bytes) != napi_ok)
    return fail(c, napi_throw_type_error, "call it as a method of the buffer bind() returned");
  if (data == NULL || ((uintptr_t)data & 7) != 0) return fail(c, napi_throw_type_error, "its buffer is detached or not 8-byte aligned");
  c->base = data;
  c->state = c->bytes >= STATE_BYTES ? (config *)(c->base + c->bytes - STATE_BYTES) : NULL;
  if (c->state == NULL || c->state->magic != CONFIG_MAGIC) return fail(c, napi_throw_type_error, "its buffer was not prepared by bind()");
  c->bytes -= STATE_BYTES;
  if (argc < want) {
    char msg[96];
    snprintf(msg, sizeof msg, "expected %zu arguments, got %zu", want, argc);
    return fail(c, napi_throw_type_error, msg);
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
  if (ptr % 8 == 0 && first >= 0 && end <= (int64_t)c->bytes) return true;
  char msg[256];
  snprintf(msg, sizeof msg,
           "gradscape native kernel %s: %s (byte offset %d) with cells [%lld, %lld) is not an aligned float64 range inside the %zu-byte memory",
           c->kernel, name, (int)ptr, (long long)from, (long long)to, c->bytes);
  napi_throw_range_error(c->env, NULL, msg);
  c->ok = false;
  return false;
}

static bool require(call *c, bool condition, const char *what) {
  if (!c->ok) return false;
  return condition || fail(c, napi_throw_range_error, what);
}

#define AT(off) ((double *)(c.base + (off)))

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

/* The whole working arrays of a configured propagator: last + GHOST cells. */
static bool check_config(call *c, const config *g) {
  const int64_t size = (int64_t)g->last + GS_GHOST;
  return require(c, g->last >= GS_GHOST, "last must be at least 4 (the ghost cells)") &&
         require(c, g->pl0 >= g->pl1 || (g->pl0 >= GS_GHOST && g->pl1 <= g->last), "the left layer [pl0, pl1) must lie in [4, last)") &&
         require(c, g->pr0 >= g->pr1 || (g->pr0 >= GS_GHOST && g->pr1 <= g->last), "the right layer [pr0, pr1) must lie in [4, last)") &&
         span(c, "k", g->k, 0, size) && span(c, "a", g->a, 0, size) && span(c, "b", g->b, 0, size) &&
         span(c, "psi", g->psi, 0, size) && span(c, "zeta", g->zeta, 0, size);
}

static napi_value configure(napi_env env, napi_callback_info info) {
  call c;
  if (!begin(&c, env, info, "configure", 19)) return NULL;
  config *g = c.state;
  config next = {.magic = CONFIG_MAGIC, .configured = 1};
  next.k = i32(&c, 0), next.a = i32(&c, 1), next.b = i32(&c, 2), next.psi = i32(&c, 3), next.zeta = i32(&c, 4);
  next.pl0 = i32(&c, 5), next.pl1 = i32(&c, 6), next.pr0 = i32(&c, 7), next.pr1 = i32(&c, 8), next.last = i32(&c, 9);
  for (size_t j = 0; j < 5; j++) next.c[j] = f64(&c, 10 + j);
  next.d[0] = 0;
  for (size_t j = 1; j < 5; j++) next.d[j] = f64(&c, 14 + j);
  if (!(c.ok && check_config(&c, &next))) return NULL;
  *g = next;
  return NULL;
}

static napi_value forward_step(napi_env env, napi_callback_info info) {
  call c;
  if (!begin(&c, env, info, "forwardStep", 6)) return NULL;
  const int32_t u = i32(&c, 0), prev = i32(&c, 1), next = i32(&c, 2), w = i32(&c, 3), lo = i32(&c, 4), hi = i32(&c, 5);
  const config *g = c.state;
  if (!(require(&c, g->configured, "called before configure") && check_config(&c, g))) return NULL;
  const int64_t size = (int64_t)g->last + GS_GHOST;
  const bool in_grid = lo >= 0 && hi >= 0 && lo <= g->last && hi <= g->last;
  if (!(require(&c, in_grid && (hi <= (lo & ~1) || (lo & ~1) >= GS_GHOST), "the range [lo, hi) must lie in [4, last)") &&
        span(&c, "u", u, 0, size) && span(&c, "prev", prev, 0, size) && span(&c, "next", next, 0, size) && span(&c, "w", w, 0, size)))
    return NULL;
  gs_state s;
  gs_configure(&s, AT(g->k), AT(g->a), AT(g->b), AT(g->psi), AT(g->zeta), g->pl0, g->pl1, g->pr0, g->pr1, g->last,
               g->c[0], g->c[1], g->c[2], g->c[3], g->c[4], g->d[1], g->d[2], g->d[3], g->d[4]);
  const fp_mode mode = ftz_enter();
  gs_forward_step(&s, AT(u), AT(prev), AT(next), AT(w), lo, hi);
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

static const struct {
  const char *name;
  napi_callback fn;
} TABLE[KERNELS] = {
    {"leapfrog", leapfrog},
    {"configure", configure},
    {"forwardStep", forward_step},
    {"pmlForward", pml_forward},
    {"pmlAdjoint", pml_adjoint},
    {"pmlAdjointPsi", pml_adjoint_psi},
    {"adjointPrepare", adjoint_prepare},
    {"adjointLeapfrog", adjoint_leapfrog},
};

/* The kernel functions of this thread's copy of the module, made once (napi_set_instance_data). */
typedef struct {
  napi_ref fn[KERNELS];
} module_data;

static void free_module_data(napi_env env, void *data, void *hint) {
  (void)hint;
  module_data *m = data;
  for (size_t j = 0; j < KERNELS; j++) napi_delete_reference(env, m->fn[j]);
  free(m);
}

static napi_value bind(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  void *data = NULL;
  size_t bytes = 0;
  bool is_buffer = false;
  int32_t reserved = 0;
  if (argc < 2 || napi_is_arraybuffer(env, argv[0], &is_buffer) != napi_ok || !is_buffer ||
      napi_get_arraybuffer_info(env, argv[0], &data, &bytes) != napi_ok || napi_get_value_int32(env, argv[1], &reserved) != napi_ok) {
    napi_throw_type_error(env, NULL, "gradscape native kernels: bind expects an ArrayBuffer (a WebAssembly.Memory's buffer) and the bytes kept free at its end");
    return NULL;
  }
  if (data == NULL || bytes > ((size_t)1 << 31) || ((uintptr_t)data & 15) != 0 || (bytes & 15) != 0) {
    napi_throw_range_error(env, NULL, "gradscape native kernels: bind expects an attached, 16-byte aligned buffer of at most 2^31 bytes");
    return NULL;
  }
  if (reserved < STATE_BYTES || (size_t)reserved > bytes) {
    char msg[160];
    snprintf(msg, sizeof msg, "gradscape native kernels: bind needs %d bytes kept free at the end of the buffer for the kernels' state, got %d", STATE_BYTES, (int)reserved);
    napi_throw_range_error(env, NULL, msg);
    return NULL;
  }
  module_data *m = NULL;
  if (napi_get_instance_data(env, (void **)&m) != napi_ok || m == NULL) return NULL;
  /* Not enumerable, not writable, not configurable: binding a buffer twice fails here. */
  napi_property_descriptor props[KERNELS];
  for (size_t j = 0; j < KERNELS; j++) {
    props[j] = (napi_property_descriptor){TABLE[j].name, NULL, NULL, NULL, NULL, NULL, napi_default, NULL};
    if (napi_get_reference_value(env, m->fn[j], &props[j].value) != napi_ok) return NULL;
  }
  if (napi_define_properties(env, argv[0], KERNELS, props) != napi_ok) return NULL;
  *(config *)((uint8_t *)data + bytes - STATE_BYTES) = (config){.magic = CONFIG_MAGIC};
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
  for (size_t j = 0; j < KERNELS; j++) {
    napi_value fn;
    if (napi_create_function(env, TABLE[j].name, NAPI_AUTO_LENGTH, TABLE[j].fn, NULL, &fn) != napi_ok ||
        napi_create_reference(env, fn, 1, &m->fn[j]) != napi_ok)
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
  napi_create_int32(env, STATE_BYTES, &state_bytes);
  napi_set_named_property(env, exports, "stateBytes", state_bytes);
  napi_value abi;
  napi_create_int32(env, GS_ABI, &abi);
  napi_set_named_property(env, exports, "abi", abi);
  return exports;
}
