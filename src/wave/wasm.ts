/**
 * The kernels and the memory they work in: an arena of float64 arrays, 16-byte
 * aligned, inside one WebAssembly memory per sweep. JavaScript code reads and
 * writes the same arrays through Float64Array views. The kernels are the SIMD
 * ones of kernel.wat, or the native ones of kernel.c bound to the same memory
 * when that backend is active (backend.ts).
 */
import { KERNEL_STATE_BYTES, nativeKernels } from "./backend.js";
import { KERNEL_WASM_BASE64 } from "./kernel-wasm.js";

let compiled: WebAssembly.Module | null = null;

function kernelModule(): WebAssembly.Module {
  if (compiled === null) compiled = new WebAssembly.Module(Uint8Array.from(atob(KERNEL_WASM_BASE64), (ch) => ch.charCodeAt(0)));
  return compiled;
}

/** The exported kernels; pointers are byte offsets (a view's `byteOffset`), `end` a cell index. */
export interface Kernels {
  leapfrog(u: number, prev: number, next: number, k: number, w: number, start: number, end: number, c0: number, c1: number, c2: number, c3: number, c4: number): number;
  configure(k: number, a: number, b: number, psi: number, zeta: number, pl0: number, pl1: number, pr0: number, pr1: number, last: number,
    c0: number, c1: number, c2: number, c3: number, c4: number, d1: number, d2: number, d3: number, d4: number): void;
  forwardStep(u: number, prev: number, next: number, w: number, lo: number, hi: number): void;
  pmlForward(u: number, psi: number, zeta: number, w: number, next: number, k: number, a: number, b: number,
    start: number, end: number, lo: number, hi: number, d1: number, d2: number, d3: number, d4: number): void;
  pmlAdjoint(q: number, zetaBar: number, psiBar: number, pBar: number, a: number, b: number, start: number, end: number,
    d1: number, d2: number, d3: number, d4: number): void;
  pmlAdjointPsi(earlier: number, pBar: number, lo: number, hi: number, d1: number, d2: number, d3: number, d4: number): void;
  adjointPrepare(later: number, k: number, wn: number, q: number, gradK: number, end: number): number;
  adjointLeapfrog(q: number, later: number, earlier: number, end: number, c0: number, c1: number, c2: number, c3: number, c4: number): number;
}

/** Float64 arrays living in one WebAssembly memory, with the kernels (WebAssembly or native) bound to that memory. */
export interface Arena {
  arrays: Float64Array[];
  kernels: Kernels;
}

/** Largest memory the arena asks for (2 GiB), so that it works on every 32-bit WebAssembly engine. */
export const MAX_ARENA_BYTES = 2 ** 31;

/**
 * Zeroed float64 arrays of the given lengths in one fresh WebAssembly memory,
 * each starting 16-byte aligned and followed by at least two doubles of slack,
 * with the active backend's kernels, and at least {@link KERNEL_STATE_BYTES}
 * free at the end for them. The memory is never grown, so its buffer never
 * detaches: the native kernels are methods of that buffer.
 * @throws RangeError when they would need more than {@link MAX_ARENA_BYTES}.
 */
export function arena(lengths: readonly number[]): Arena {
  const strides = lengths.map((n) => (n + 3) & ~1);
  const used = strides.reduce((a, b) => a + b, 0) * 8;
  const bytes = used + KERNEL_STATE_BYTES;
  if (bytes > MAX_ARENA_BYTES) throw new RangeError(`arena: ${bytes} bytes exceed the ${MAX_ARENA_BYTES}-byte limit`);
  const memory = new WebAssembly.Memory({ initial: Math.ceil(bytes / 65536) });
  let offset = 0;
  const arrays = lengths.map((n, j) => {
    const a = new Float64Array(memory.buffer, offset, n);
    offset += strides[j] * 8;
    return a;
  });
  const kernels = nativeKernels(memory.buffer, memory.buffer.byteLength - used) ?? (new WebAssembly.Instance(kernelModule(), { env: { memory } }).exports as unknown as Kernels);
  return { arrays, kernels };
}
