/**
 * The kernels and the memory they work in: an arena of float64 or float32 arrays, 16-byte
 * aligned, inside one WebAssembly memory per sweep. JavaScript code reads and writes the same
 * arrays through typed-array views. The kernels are kernel.c's (written once in kernel-real.h
 * for both precisions) compiled to WebAssembly (kernel-wasm.ts), or compiled natively and bound
 * to the same memory when that backend is active (backend.ts).
 */
import { KERNEL_STATE_BYTES, nativeKernels } from "./backend.js";
import { KERNEL_WASM_BASE64 } from "./kernel-wasm.js";
import { bytesPerValue, type Precision, type Real } from "./precision.js";

let compiled: WebAssembly.Module | null = null;

function kernelModule(): WebAssembly.Module {
  if (compiled === null) compiled = new WebAssembly.Module(Uint8Array.from(atob(KERNEL_WASM_BASE64), (ch) => ch.charCodeAt(0)));
  return compiled;
}

/** Which configuration a kernel call uses (kernel.h's GS_FORWARD, GS_ADJOINT, GS_SCATTERED). */
export const FORWARD_SWEEP = 0, ADJOINT_SWEEP = 1, SCATTERED_SWEEP = 2;

/**
 * The kernels of one precision; pointers are byte offsets (a view's `byteOffset`) into the
 * arena's memory, cells are indices. See kernel.h for what each computes.
 */
export interface Kernels {
  /** Sets the configuration of `sweep` (FORWARD_SWEEP or ADJOINT_SWEEP): arrays, layers, mirror signs, stencil weights. */
  configure(sweep: number, k: number, a: number, b: number, psi: number, zeta: number, pl0: number, pl1: number, pr0: number, pr1: number,
    last: number, leftSign: number, rightSign: number, c0: number, c1: number, c2: number, c3: number, c4: number,
    d1: number, d2: number, d3: number, d4: number): void;
  /**
   * Forward steps [n0, n1) of one shot with the forward configuration, each with its update
   * range, the source injected and the receivers sampled. Arguments: the three time levels, W's
   * base and stride (values), the update range (int32[2]), the steps, the wavelet (float64) and dx, the source and receiver points (count,
   * width, int32 cells, float64 weights), the traces (float64) and their stride.
   */
  forwardRun(u0: number, u1: number, u2: number, w: number, wStride: number, range: number, n0: number, n1: number,
    amplitudes: number, dx: number, srcCount: number, width: number, srcIndex: number, srcWeight: number,
    recCount: number, recIndex: number, recWeight: number, traces: number, traceStride: number): void;
  /**
   * Born modelling, steps [n0, n1): the background (forward configuration: its three time levels,
   * W scratch, range, wavelet, dx, source) and the scattered field (SCATTERED_SWEEP's
   * configuration: its three time levels and W scratch) driven by dk W^n (float64 dk), sampled
   * by the receivers into the traces.
   */
  bornRun(u0: number, u1: number, u2: number, w: number, range: number, p0: number, p1: number, p2: number, pw: number, dk: number,
    n0: number, n1: number, amplitudes: number, dx: number, srcCount: number, width: number, srcIndex: number, srcWeight: number,
    recCount: number, recIndex: number, recWeight: number, traces: number, traceStride: number): void;
  /**
   * Steps n1-1 down to n0 reversed with the adjoint configuration, each with dJ/df^n and the
   * residual injected. Arguments: ubar^{n+1}, ubar^{n+2} (ubar^n on return; the two swap every
   * step), scratch q and P-bar, W's base and stride, dJ/dk (float64), the adjoint's update range
   * (int32[2], widened as the adjoint spreads), the steps, dx, the source and
   * receiver points, the residual (float64) and its stride, dJ/df (float64, indexed by step).
   */
  /**
   * 2D forward steps [n0, n1) of one shot: the grid (a gs_grid2d of kernel.h: int32 offsets and
   * sizes, then float64 weights), the two time levels (u^{n0-1}, u^{n0}: each step writes u^{n+1}
   * over u^{n-1}, so they swap every step), W's base and stride, the steps, the
   * wavelet (float64) and the source's scale 1/(dx dz), the source and receiver points (flat
   * cell indices row * sx + column), the traces and their stride.
   */
  forwardRun2d(grid: number, u0: number, u1: number, w: number, wStride: number, n0: number, n1: number,
    amplitudes: number, scale: number, srcCount: number, width: number, srcIndex: number, srcWeight: number,
    recCount: number, recIndex: number, recWeight: number, traces: number, traceStride: number): void;
  /**
   * 2D steps n1-1 down to n0 of one shot reversed over the whole interior (the 1D reverseRun's
   * structure per axis): the grid of the adjoint (its psi and zeta arrays hold psi-bar and
   * zeta-bar), ubar^{n+1} and ubar^{n+2} (they swap every step), scratch Q-bar and P-bar per axis
   * (x, z; zero in the ghosts), W's base and stride, dJ/dm (float64), the steps, the source's
   * scale 1/(dx dz), the source and receiver points, the residual and its stride, dJ/df (float64).
   */
  reverseRun2d(grid: number, later: number, earlier: number, qx: number, qz: number, pBarX: number, pBarZ: number, w: number, wStride: number,
    gradM: number, n0: number, n1: number, scale: number, srcCount: number, width: number, srcIndex: number, srcWeight: number,
    recCount: number, recIndex: number, recWeight: number, residual: number, residualStride: number, fBar: number): void;
  /**
   * 2D Born modelling, steps [n0, n1) of one shot (the 1D bornRun's structure): the background's
   * grid (forward) and the scattered field's (a second gs_grid2d, the same but for its own psi and
   * zeta arrays), the background's two time levels and W scratch, the scattered field's two
   * time levels and W scratch (each pair swapped every step, as forwardRun2d's), dm per cell (float64, zero in the ghosts) driving the scattered
   * field by dm W^n, the steps, the wavelet (float64) and the source's scale 1/(dx dz), the source
   * and receiver points; the receivers sample the scattered field into the traces.
   */
  bornRun2d(grid: number, scatteredGrid: number, u0: number, u1: number, w: number, p0: number, p1: number, pw: number, dm: number, n0: number, n1: number, amplitudes: number, scale: number, srcCount: number, width: number,
    srcIndex: number, srcWeight: number, recCount: number, recIndex: number, recWeight: number, traces: number, traceStride: number): void;
  reverseRun(later: number, earlier: number, q: number, pBar: number, w: number, wStride: number, gradK: number, range: number,
    n0: number, n1: number, dx: number, srcCount: number, width: number, srcIndex: number, srcWeight: number,
    recCount: number, recIndex: number, recWeight: number, residual: number, residualStride: number, fBar: number): void;
}

/** Arrays living in one WebAssembly memory, with the kernels (WebAssembly or native) of their precision bound to that memory. */
export interface Arena {
  /** The arrays in the order of their specs: of the precision, or Float64Array / Int32Array where the spec says so. */
  arrays: (Real | Int32Array)[];
  kernels: Kernels;
  precision: Precision;
}

/** One array of an arena: its length, and its type when not the arena's precision (a gradient, points, traces). */
export interface ArraySpec {
  length: number;
  type?: "float64" | "int32";
}

/** Largest memory the arena asks for (2 GiB), so that it works on every 32-bit WebAssembly engine. */
export const MAX_ARENA_BYTES = 2 ** 31;

/**
 * Zeroed arrays of the given lengths in one fresh WebAssembly memory, of `precision` (or
 * the type a spec names), each starting 16-byte aligned and followed by at least 16
 * bytes of slack, with the active backend's kernels of that precision, and
 * {@link KERNEL_STATE_BYTES} free at the end for their configurations. The memory is never
 * grown, so its buffer never detaches: the native kernels are methods of that buffer.
 * @throws RangeError when they would need more than {@link MAX_ARENA_BYTES}.
 */
export function arena(specs: readonly ArraySpec[], precision: Precision): Arena {
  const sizes = specs.map((s) => (s.type === "float64" ? 8 : s.type === "int32" ? 4 : bytesPerValue(precision)));
  const strides = specs.map((s, j) => (Math.ceil((s.length * sizes[j]) / 16) + 1) * 16);
  const used = strides.reduce((a, b) => a + b, 0);
  const bytes = used + KERNEL_STATE_BYTES;
  if (bytes > MAX_ARENA_BYTES) throw new RangeError(`arena: ${bytes} bytes exceed the ${MAX_ARENA_BYTES}-byte limit`);
  const memory = new WebAssembly.Memory({ initial: Math.ceil(bytes / 65536) });
  let offset = 0;
  const arrays = specs.map((s, j) => {
    const a = s.type === "int32" ? new Int32Array(memory.buffer, offset, s.length)
      : sizes[j] === 8 ? new Float64Array(memory.buffer, offset, s.length) : new Float32Array(memory.buffer, offset, s.length);
    offset += strides[j];
    return a;
  });
  const suffix = precision === "float32" ? "f32" : "f64";
  let kernels = nativeKernels(memory.buffer, memory.buffer.byteLength - used, precision);
  if (kernels === null) {
    const exports = new WebAssembly.Instance(kernelModule(), { env: { memory } }).exports as Record<string, (...args: number[]) => void>;
    kernels = {
      configure: exports.configure,
      forwardRun: exports[`forwardRun_${suffix}`],
      reverseRun: exports[`reverseRun_${suffix}`],
      bornRun: exports[`bornRun_${suffix}`],
      forwardRun2d: exports[`forwardRun2d_${suffix}`],
      reverseRun2d: exports[`reverseRun2d_${suffix}`],
      bornRun2d: exports[`bornRun2d_${suffix}`],
    } as Kernels;
  }
  return { arrays, kernels, precision };
}

/** `count` arrays of `length` values of the arena's precision. */
export function uniform(count: number, length: number): ArraySpec[] {
  return Array.from({ length: count }, () => ({ length }));
}
