/**
 * The native backend (src/wave/kernel.c through Node-API) against the WebAssembly kernels:
 * forward data, velocity gradient (vjp) and Born data (jvp) on heterogeneous models with C-PML
 * on both ends and with mirror ends, orders 2, 4 and 8, three shots each; each backend
 * reproducible bit for bit; GRADSCAPE_BACKEND honoured; the JavaScript thread's floating-point
 * mode left alone.
 *
 * Why 1e-12 relative (of the largest value): the C loops group every sum as kernel.wat does and
 * do not fuse multiplies and adds, so a cell's value differs only (a) where a subnormal number
 * occurs (the native calls flush them, WebAssembly cannot: a change below 2.2e-308 absolute) and
 * (b) in the odd last cell of the adjoint sweeps, which the wat leaves to kernel.ts's scalar
 * loop, grouped differently: one rounding (1e-16 relative) per step, carried over at most a few
 * thousand steps, stays below 1e-12. Anything else (a wrong weight, a lost term, a misplaced
 * layer) is far above it. Measured on an AVX2 machine: identical to the last bit in every case.
 *
 * Where the native module is not built, the comparison is skipped with the reason, except in CI
 * (CI set), where its absence fails. The "wasm" vitest project reruns this file (and the wave
 * tests) with GRADSCAPE_BACKEND=wasm.
 */
import { afterEach, describe, expect, test } from "vitest";
import { field, flatten } from "../src/core/arrays.js";
import type { Field } from "../src/core/contract.js";
import { InputError } from "../src/core/errors.js";
import { backendInfo, chooseBackend, nativeAvailability, setBackend, type BackendName } from "../src/wave/backend.js";
import type { WaveConfig } from "../src/wave/config.js";
import { WaveSimulator } from "../src/wave/simulator.js";
import { arena } from "../src/wave/wasm.js";
import { smallProblem } from "./helpers/wave.js";

const AGREEMENT = 1e-12;
const forced = process.env.GRADSCAPE_BACKEND;
const native = nativeAvailability();
if (!native.available && !process.env.CI) console.warn(`native backend tests skipped: ${native.reason}`);

afterEach(() => {
  setBackend(null);
});

/** max |a - b| / max |b|. */
function relative(a: Float64Array, b: Float64Array): number {
  expect(a.length).toBe(b.length);
  let diff = 0, scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  expect(scale).toBeGreaterThan(0);
  return diff / scale;
}

interface Outputs {
  data: Float64Array;
  gradient: Float64Array;
  born: Float64Array;
}

/** Forward data, vjp of a data-space vector and jvp of a model perturbation, on `backend`'s kernels. */
function run(backend: BackendName, config: WaveConfig, velocity: Field): Outputs {
  setBackend(backend);
  const sim = new WaveSimulator(config);
  const lin = sim.linearize(velocity);
  const shape = lin.data.shape;
  const residual = field(flatten(lin.data).map((v, i) => v + 1e-3 * Math.sin(i / 17)), shape);
  const dm = field(new Float64Array(config.nx).map((_, i) => 30 * Math.cos(i / 9) + 10 * Math.sin(i / 3)), [config.nx]);
  return {
    data: flatten(sim.forward(velocity)).slice(),
    gradient: flatten(lin.vjp(residual)).slice(),
    born: flatten(lin.jvp(dm)).slice(),
  };
}

const CASES: { name: string; overrides: Partial<WaveConfig> }[] = [
  { name: "order 2, C-PML both ends", overrides: { order: 2 } },
  { name: "order 4, C-PML both ends", overrides: { order: 4 } },
  { name: "order 8, C-PML both ends", overrides: { order: 8 } },
  { name: "order 8, free left end, C-PML right", overrides: { order: 8, left: "free" } },
  { name: "order 4, rigid left end, free right end", overrides: { order: 4, left: "rigid", right: "free" } },
  { name: "order 8, 121 cells (odd: the wat's scalar last cell)", overrides: { order: 8, nx: 121 } },
  { name: "order 8, checkpointed gradient (10 snapshots)", overrides: { order: 8, storage: { mode: "checkpoint", snapshots: 10 } } },
];

describe("backend choice", () => {
  test.skipIf(!process.env.CI)("in CI the native backend is built and loads", () => {
    expect(native.reason).toBe("loaded");
    expect(native.available).toBe(true);
  });

  test("GRADSCAPE_BACKEND decides the default backend; unset, native when it loads", () => {
    const info = backendInfo();
    if (forced === "wasm") {
      expect(info).toEqual({ backend: "wasm", reason: "forced by GRADSCAPE_BACKEND=wasm", path: null, isa: null });
    } else if (forced === undefined || forced === "") {
      expect(info.backend).toBe(native.available ? "native" : "wasm");
      if (native.available) expect(info.path).toMatch(/build[/\\]Release[/\\]gradscape\.node$/);
      else expect(info.reason).toBe(native.reason);
    }
  });

  test("wasm forces WebAssembly without loading anything; a bad value is an InputError naming the variable", () => {
    expect(chooseBackend("wasm")).toEqual({ backend: "wasm", reason: "forced by GRADSCAPE_BACKEND=wasm", path: null, isa: null });
    expect(() => chooseBackend("gpu")).toThrow(InputError);
    expect(() => chooseBackend("gpu")).toThrow('GRADSCAPE_BACKEND: expected "native" or "wasm" (or unset: native when built, else wasm), got "gpu"');
  });

  test("native forced where it does not load is an error that says why", () => {
    if (native.available) {
      expect(chooseBackend("native").backend).toBe("native");
    } else {
      expect(() => chooseBackend("native")).toThrow(`GRADSCAPE_BACKEND=native, but the native kernels are unavailable: ${native.reason}`);
    }
  });
});

describe.skipIf(!native.available || forced === "wasm")("native kernels against WebAssembly", () => {
  for (const { name, overrides } of CASES) {
    test(`${name}: data, gradient and Born data agree to ${AGREEMENT} relative; each backend repeats itself bit for bit`, () => {
      const { config, velocity } = smallProblem(overrides);
      const wasm = run("wasm", config, velocity);
      const nat = run("native", config, velocity);
      expect(relative(nat.data, wasm.data)).toBeLessThan(AGREEMENT);
      expect(relative(nat.gradient, wasm.gradient)).toBeLessThan(AGREEMENT);
      expect(relative(nat.born, wasm.born)).toBeLessThan(AGREEMENT);
      for (const [backend, first] of [["wasm", wasm], ["native", nat]] as const) {
        const again = run(backend, config, velocity);
        expect(again.data).toEqual(first.data);
        expect(again.gradient).toEqual(first.gradient);
        expect(again.born).toEqual(first.born);
      }
    });
  }

  test("after native calls the JavaScript thread still computes with subnormal numbers (its FP mode restored)", () => {
    const { config, velocity } = smallProblem();
    run("native", config, velocity);
    const smallest = 2.2250738585072014e-308 * Number(config.nx > 0); // the smallest normal, not a constant the compiler folds
    expect(smallest / 4).toBeGreaterThan(0); // FTZ would make this 0
    expect((smallest / 4) * 2).toBe(smallest / 2); // DAZ would read the subnormal as 0
  });

  test("arenas on native kernels are freed in a synchronous loop, as WebAssembly's are (nothing waits for the event loop)", () => {
    setBackend("native");
    const start = process.memoryUsage().rss;
    let growth = 0;
    // 1,000 arenas of 1 MB, each written and used: kept alive, they would hold 1 GB.
    for (let i = 0; i < 1000 && growth < 400e6; i++) {
      const { arrays, kernels } = arena([1 << 17]);
      arrays[0].fill(1);
      expect(kernels.adjointPrepare(0, 0, 0, 0, 0, 4)).toBe(4);
      if (i % 50 === 0) growth = Math.max(growth, process.memoryUsage().rss - start);
    }
    expect(growth).toBeLessThan(400e6);
  });

  test("a range outside the memory is a RangeError naming the kernel and argument, not a write outside it; kernels work only on their own memory", () => {
    setBackend("native");
    const { arrays, kernels } = arena([16, 16, 16, 16, 16]);
    const [u, prev, next, k, w] = arrays.map((a) => a.byteOffset);
    expect(kernels.leapfrog(u, prev, next, k, w, 4, 12, -2, 1, 0, 0, 0)).toBe(12);
    expect(() => kernels.leapfrog(u, prev, next, k, w, 4, 1 << 20, -2, 1, 0, 0, 0)).toThrow(RangeError);
    expect(() => kernels.leapfrog(u, prev, next, k, w, 4, 1 << 20, -2, 1, 0, 0, 0)).toThrow(/^gradscape native kernel leapfrog: u \(byte offset 0\) with cells \[0, 1048580\) is not an aligned float64 range inside the \d+-byte memory$/);
    expect(() => kernels.forwardStep(u, prev, next, w, 4, 12)).toThrow("gradscape native kernel forwardStep: called before configure");
    const detached = kernels.leapfrog;
    expect(() => detached(u, prev, next, k, w, 4, 12, -2, 1, 0, 0, 0)).toThrow("gradscape native kernel leapfrog: call it as a method of the buffer bind() returned");
    expect(() => detached.call(new ArrayBuffer(4096), u, prev, next, k, w, 4, 12, -2, 1, 0, 0, 0)).toThrow("gradscape native kernel leapfrog: its buffer was not prepared by bind()");
  });
});
