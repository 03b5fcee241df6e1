/*
 * The Node-API binding's handling of one kernel call (included by kernel-napi.c only): the
 * precision a kernel function runs in, the bound buffer found from `this`, the arguments read
 * and every byte offset and cell checked against the memory before a kernel runs (a RangeError
 * or TypeError naming the kernel and the argument otherwise), the configurations kept at the
 * buffer's end, and the points and shot arguments that the runs share.
 */
#ifndef GRADSCAPE_WAVE_NAPI_ARGS_H
#define GRADSCAPE_WAVE_NAPI_ARGS_H

#include <node_api.h>

#include <stdbool.h>
#include <stdio.h>

#include "kernel.h"

/* ---- one bound memory ---- */

#define CONFIG_MAGIC 0x6772616473636170ull /* "gradscap" */

/* What a function's `data` says: the precision of the kernels it runs. */
typedef struct {
  const char *name; /* "float64" | "float32" */
  size_t bytes;     /* of one value */
} precision;
static const precision F64 = {"float64", 8}, F32 = {"float32", 4};

/* ---- arguments ---- */

typedef struct {
  napi_env env;
  const char *kernel;
  const precision *p;
  napi_value self; /* the bound buffer */
  uint8_t *base;   /* its data, as V8 reports it for this call */
  size_t bytes;    /* its length less the state's bytes: what the kernels may touch */
  gs_config *slots; /* the configurations, at its end */
  napi_value argv[32];
  bool ok;
} call;

static bool fail(call *c, napi_status (*throw_fn)(napi_env, const char *, const char *), const char *what) {
  char msg[256];
  snprintf(msg, sizeof msg, "gradscape native kernel %s: %s", c->kernel, what);
  throw_fn(c->env, NULL, msg);
  c->ok = false;
  return false;
}

static gs_config *slot(call *c, int32_t sweep) { return (gs_config *)((uint8_t *)c->slots + (size_t)sweep * GS_SLOT_BYTES); }

static bool begin(call *c, napi_env env, napi_callback_info info, const char *kernel, size_t want) {
  size_t argc = 32;
  void *data = NULL, *fn_data = NULL;
  c->env = env, c->kernel = kernel, c->ok = true;
  if (napi_get_cb_info(env, info, &argc, c->argv, &c->self, &fn_data) != napi_ok) return false;
  c->p = fn_data;
  if (napi_get_arraybuffer_info(env, c->self, &data, &c->bytes) != napi_ok)
    return fail(c, napi_throw_type_error, "call it as a method of the buffer bind() returned");
  if (data == NULL || ((uintptr_t)data & 7) != 0) return fail(c, napi_throw_type_error, "its buffer is detached or not 8-byte aligned");
  c->base = data;
  c->slots = c->bytes >= GS_STATE_BYTES ? (gs_config *)(c->base + c->bytes - GS_STATE_BYTES) : NULL;
  if (c->slots == NULL || c->slots->magic != CONFIG_MAGIC) return fail(c, napi_throw_type_error, "its buffer was not prepared by bind()");
  c->bytes -= GS_STATE_BYTES;
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

/* True when cells [from, to) of the array of `bytes`-byte values at byte offset `ptr` lie inside
 * the memory (an empty range always does); otherwise throws a RangeError naming the kernel and argument. */
static bool span_of(call *c, const char *name, int32_t ptr, int64_t from, int64_t to, size_t bytes, const char *type) {
  if (!c->ok) return false;
  if (to <= from) return true;
  const int64_t first = (int64_t)ptr + (int64_t)bytes * from, end = (int64_t)ptr + (int64_t)bytes * to;
  if (ptr % (int32_t)bytes == 0 && first >= 0 && end <= (int64_t)c->bytes) return true;
  char msg[256];
  snprintf(msg, sizeof msg,
           "gradscape native kernel %s: %s (byte offset %d) with cells [%lld, %lld) is not an aligned %s range inside the %zu-byte memory",
           c->kernel, name, (int)ptr, (long long)from, (long long)to, type, c->bytes);
  napi_throw_range_error(c->env, NULL, msg);
  c->ok = false;
  return false;
}

/* The same for an array of the kernel's precision. */
static bool span(call *c, const char *name, int32_t ptr, int64_t from, int64_t to) {
  return span_of(c, name, ptr, from, to, c->p->bytes, c->p->name);
}

static bool require(call *c, bool condition, const char *what) {
  if (!c->ok) return false;
  return condition || fail(c, napi_throw_range_error, what);
}

/* A configured sweep whose arrays (last + GHOST cells each) lie inside the memory. */
static bool check_config(call *c, const gs_config *g) {
  const int64_t size = (int64_t)g->last + GS_GHOST;
  return require(c, g->configured == 1, "called before configure") &&
         require(c, g->last >= GS_GHOST, "last must be at least 4 (the ghost cells)") &&
         require(c, g->pl0 >= g->pl1 || (g->pl0 >= GS_GHOST && g->pl1 <= g->last), "the left layer [pl0, pl1) must lie in [4, last)") &&
         require(c, g->pr0 >= g->pr1 || (g->pr0 >= GS_GHOST && g->pr1 <= g->last), "the right layer [pr0, pr1) must lie in [4, last)") &&
         span(c, "k", g->k, 0, size) && span(c, "a", g->a, 0, size) && span(c, "b", g->b, 0, size) &&
         span(c, "psi", g->psi, 0, size) && span(c, "zeta", g->zeta, 0, size);
}

/* The points of `count` positions of `width` each at byte offsets `index` (int32) and `weight`
 * (float64), their cells checked to lie in [lo, hi): the kernel writes or reads there. */
static bool points(call *c, const char *what, int32_t count, int32_t width, int32_t index, int32_t weight, int32_t lo, int32_t hi,
                   gs_points *out) {
  const bool source = what[0] == 's';
  if (!(require(c, count >= 0 && width >= 0 && (int64_t)count * width <= INT32_MAX, "point counts must be non-negative") &&
        span_of(c, source ? "source index" : "receivers index", index, 0, (int64_t)count * width, 4, "int32") &&
        span_of(c, what, weight, 0, (int64_t)count * width, 8, "float64")))
    return false;
  const int32_t *cells = (const int32_t *)(c->base + index);
  for (int64_t j = 0; j < (int64_t)count * width; j++)
    if (!require(c, cells[j] >= lo && cells[j] < hi, "a point's cell lies outside the working cells")) return false;
  *out = (gs_points){count, width, cells, (const double *)(c->base + weight)};
  return true;
}

/* An update range: int32[2] at `range`, inside the memory, [lo, hi) empty or within [4, last). */
static bool update_range(call *c, int32_t range, const gs_config *g) {
  if (!span_of(c, "range", range, 0, 2, 4, "int32")) return false;
  const int32_t *lohi = (const int32_t *)(c->base + range);
  return require(c, lohi[0] >= 0 && lohi[1] >= 0 && lohi[0] <= g->last && lohi[1] <= g->last && (lohi[1] <= lohi[0] || lohi[0] >= GS_GHOST),
                 "the update range [lo, hi) must lie in [4, last)");
}

/* What forward and Born runs share, read from argv[t] on: the wavelet (float64), dx, the source
 * and receiver points (count, width, cells, weights each), the traces (float64) and their
 * stride; checked with the steps [n0, n1) and the update range (int32[2]) at `range`. */
typedef struct {
  const double *amplitudes;
  double dx;
  gs_points source, receivers;
  double *traces;
  int32_t trace_stride;
  int32_t *range;
} shot_args;

/* The shot's arguments from argv[t] on, its source on cells [src_lo, src_hi), its receivers on
 * cells [0, cells), for the steps [n0, n1); the update range left NULL. */
static bool shot_in(call *c, size_t t, int32_t n0, int32_t n1, int32_t src_lo, int32_t src_hi, int32_t cells, shot_args *out) {
  const int32_t amplitudes = i32(c, t);
  out->dx = f64(c, t + 1);
  const int32_t src_count = i32(c, t + 2), width = i32(c, t + 3), src_index = i32(c, t + 4), src_weight = i32(c, t + 5);
  const int32_t rec_count = i32(c, t + 6), rec_index = i32(c, t + 7), rec_weight = i32(c, t + 8), traces = i32(c, t + 9);
  out->trace_stride = i32(c, t + 10);
  const int64_t steps = (int64_t)n1 - n0;
  if (!(require(c, n0 >= 0 && steps >= 0, "the steps [n0, n1) must be a range of non-negative numbers") &&
        require(c, out->trace_stride >= 0, "the trace stride must be non-negative") &&
        span_of(c, "amplitudes", amplitudes, n0, n1, 8, "float64") &&
        points(c, "source", src_count, width, src_index, src_weight, src_lo, src_hi, &out->source) &&
        points(c, "receivers", rec_count, width, rec_index, rec_weight, 0, cells, &out->receivers) &&
        span_of(c, "traces", traces, 0, rec_count > 0 && steps > 0 ? (int64_t)(rec_count - 1) * out->trace_stride + n1 + 1 : 0, 8, "float64")))
    return false;
  out->amplitudes = (const double *)(c->base + amplitudes);
  out->traces = (double *)(c->base + traces);
  out->range = NULL;
  return true;
}

/* A 1D shot (see shot_in) with its update range (int32[2]) at `range`. */
static bool shot_of(call *c, const gs_config *g, size_t t, int32_t range, int32_t n0, int32_t n1, shot_args *out) {
  if (!(update_range(c, range, g) && shot_in(c, t, n0, n1, GS_GHOST, g->last, g->last + GS_GHOST, out))) return false;
  out->range = (int32_t *)(c->base + range);
  return true;
}

#endif
