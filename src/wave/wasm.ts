/**
 * The SIMD kernels of kernel.wat and the memory they work in: an arena of
 * float64 arrays, 16-byte aligned, inside one WebAssembly memory per sweep.
 * JavaScript code reads and writes the same arrays through Float64Array views.
 */
import { KERNEL_WASM_BASE64 } from "./kernel-wasm.js";

let compiled: WebAssembly.Module | null = null;

function kernelModule(): WebAssembly.Module {
  if (compiled === null) compiled = new WebAssembly.Module(Uint8Array.from(atob(KERNEL_WASM_BASE64), (ch) => ch.charCodeAt(0)));
  return compiled;
}

/** The exported kernels; pointers are byte offsets (a view's `byteOffset`), `end` a cell index. */
export interface Kernels {
  leapfrog(u: number, prev: number, next: number, k: number, w: number, end: number, c0: number, c1: number, c2: number, c3: number, c4: number): number;
  pmlForward(u: number, psi: number, zeta: number, w: number, next: number, k: number, a: number, b: number,
    start: number, end: number, lo: number, hi: number, d1: number, d2: number, d3: number, d4: number): void;
  adjointPrepare(later: number, k: number, wn: number, q: number, gradK: number, end: number): number;
  adjointLeapfrog(q: number, later: number, earlier: number, end: number, c0: number, c1: number, c2: number, c3: number, c4: number): number;
}

/** `count` zeroed float64 arrays of `length` values in one fresh WebAssembly memory, with the kernels bound to it. */
export function arena(count: number, length: number): { arrays: Float64Array[]; kernels: Kernels } {
  const stride = (length + 3) & ~1; // even (16-byte aligned starts) with at least two doubles of slack
  const pages = Math.ceil((count * stride * 8) / 65536) || 1;
  const memory = new WebAssembly.Memory({ initial: pages });
  const instance = new WebAssembly.Instance(kernelModule(), { env: { memory } });
  const arrays = Array.from({ length: count }, (_, j) => new Float64Array(memory.buffer, j * stride * 8, length));
  return { arrays, kernels: instance.exports as unknown as Kernels };
}
