/*
 * The wave kernels in float64 and float32: kernel-real.h (1D) and kernel2d-real.h (2D), each
 * compiled once per precision. Built natively at install time (binding.gyp: -O3 -march=native
 * -ffp-contract=off; bound by kernel-napi.c) and to WebAssembly by src/build/wasm.mjs (clang
 * --target=wasm32 -msimd128; exported by kernel-wasm.c; the bytes are committed in
 * kernel-wasm.ts).
 */
#include "kernel.h"
#include "team.h"

/* The native binding (kernel-napi.c, built with GS_CALLER_FTZ) sets flush-to-zero and
 * denormals-are-zero around every kernel call on x86 and AArch64 (and team threads inherit the
 * mode), so there the kernels' own flush is the hardware's; elsewhere (WebAssembly) it is a compare. */
#if defined(GS_CALLER_FTZ) && (defined(__x86_64__) || defined(_M_X64) || defined(__i386__) || defined(_M_IX86) || defined(__aarch64__))
#define GS_HARDWARE_FLUSH 1
#else
#define GS_HARDWARE_FLUSH 0
#endif

static inline int32_t max32(int32_t x, int32_t y) { return x > y ? x : y; }
static inline int32_t min32(int32_t x, int32_t y) { return x < y ? x : y; }

/* The centred second difference of u at i along a stride `st` (1: the x axis; a 2D grid's row
 * length: the z axis), grouped as (c0 u + c1 pair1) + ((c2 pair2 + c3 pair3) + c4 pair4). */
#define D2S(u, i, st) \
  ((c0 * (u)[i] + c1 * ((u)[(i) + (st)] + (u)[(i) - (st)])) + \
   ((c2 * ((u)[(i) + 2 * (st)] + (u)[(i) - 2 * (st)]) + c3 * ((u)[(i) + 3 * (st)] + (u)[(i) - 3 * (st)])) + c4 * ((u)[(i) + 4 * (st)] + (u)[(i) - 4 * (st)])))
#define D2(u, i) D2S(u, i, 1)

/* The centred first difference of u at i along a stride (weights d1..d4). */
#define D1S(u, i, st) \
  ((d1 * ((u)[(i) + (st)] - (u)[(i) - (st)]) + d2 * ((u)[(i) + 2 * (st)] - (u)[(i) - 2 * (st)])) + \
   (d3 * ((u)[(i) + 3 * (st)] - (u)[(i) - 3 * (st)]) + d4 * ((u)[(i) + 4 * (st)] - (u)[(i) - 4 * (st)])))
#define D1(u, i) D1S(u, i, 1)

/* The interior is not flushed: values there turn subnormal only in a thin band ahead of the
 * wavefront, too few cells to matter, while flushing every cell of the leapfrog made the
 * WebAssembly forward 13-15% slower in both precisions (wave1d-standard, 2026-11-29). So in
 * float32, where that band appears within a few hundred steps, the native build (flush-to-zero)
 * and WebAssembly can differ by a rounding, which then spreads at float32 round-off (measured
 * 1e-5 relative of the gradient); in float64 they agree to the bit on every test problem. */

/* Where the adjoint step adds ubar^{n+1} W^n to dJ/dk (float64): in the leapfrog sweep, which
 * reads ubar^{n+1} anyway (one stream of memory fewer than in the sweep forming q), except in
 * float32 WebAssembly, where the float64 sum in the float32 stencil's loop halves its vector
 * width. Full-storage float32 gradient, wave1d-standard, 2026-11-30, the sum beside q -> in the
 * leapfrog: native 15.7 -> 13.9 ms, WebAssembly 27.4 -> 33.5 ms. */
/* float64: flush threshold 1e-290, 18 orders above the smallest normal number (2.2e-308). */
#define real double
#define FN(name) name##_f64
#define ABS(x) __builtin_fabs(x)
#define TINY 1e-290
#define GRAD_IN_PREPARE 0
#include "kernel-real.h"
#include "kernel2d-real.h"
#undef real
#undef FN
#undef ABS
#undef TINY
#undef GRAD_IN_PREPARE

/* float32: flush threshold 1e-30f, 8 orders above the smallest normal float (1.2e-38). */
#define real float
#define FN(name) name##_f32
#define ABS(x) __builtin_fabsf(x)
#define TINY 1e-30f
#ifdef __wasm__
#define GRAD_IN_PREPARE 1
#else
#define GRAD_IN_PREPARE 0
#endif
#include "kernel-real.h"
#include "kernel2d-real.h"
#undef real
#undef FN
#undef ABS
#undef TINY
#undef GRAD_IN_PREPARE

const uint32_t gs_kernel_isa = 0
#ifdef __AVX__
  | GS_ISA_AVX
#endif
#ifdef __AVX2__
  | GS_ISA_AVX2
#endif
#ifdef __FMA__
  | GS_ISA_FMA
#endif
#ifdef __AVX512F__
  | GS_ISA_AVX512F
#endif
  ;
