/**
 * The native backend (src/wave/kernel.c through Node-API) against the WebAssembly kernels:
 * forward data, velocity gradient (vjp) and Born data (jvp) on heterogeneous models with C-PML
 * on both ends and with mirror ends, orders 2, 4 and 8, three shots each; each backend
 * reproducible bit for bit; GRADSCAPE_BACKEND honoured; the JavaScript thread's floating-point
 * mode left alone.
 *
 * Why 1e-12 relative (of the largest value) in float64: both backends compile the same C
 * (kernel-real.h) with the same grouping of every sum and no fused multiply-adds, so a cell's
 * value differs only where a subnormal number occurs (the native calls flush them, WebAssembly
 * cannot: a change below 2.2e-308 absolute). Anything else (a wrong weight, a lost term, a
 * misplaced layer) is far above it. Measured on an AVX2 machine: identical to the last bit in
 * every float64 case. Float32: see AGREEMENT_F32.
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
import { Propagator2D } from "../src/wave/propagator2d.js";
import { WaveSimulator2D } from "../src/wave/simulator2d.js";
import { ricker } from "../src/wave/wavelet.js";
import { arena, uniform } from "../src/wave/wasm.js";
import { smallProblem } from "./helpers/wave.js";

const AGREEMENT = 1e-12;
/**
 * In float32 a subnormal number appears within a few hundred steps (in the band ahead of the
 * wavefront), which the native build flushes and WebAssembly keeps; the roundings that differ
 * from then on spread at float32 round-off: measured 2e-6 to 1.1e-5 relative. 1e-4 is float32's
 * accuracy against float64 on these problems (wave-float32.test.ts) with a margin.
 */
const AGREEMENT_F32 = 1e-4;
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
  { name: "order 8, 121 cells (odd: the vector loops' scalar remainder)", overrides: { order: 8, nx: 121 } },
  { name: "order 8, checkpointed gradient (10 snapshots)", overrides: { order: 8, storage: { mode: "checkpoint", snapshots: 10 } } },
  { name: "float32, order 8, C-PML both ends", overrides: { order: 8, precision: "float32" } },
  { name: "float32, order 2, free left end, C-PML right", overrides: { order: 2, left: "free", precision: "float32" } },
  { name: "float32, order 4, rigid left end, free right end, checkpointed", overrides: { order: 4, left: "rigid", right: "free", precision: "float32", storage: { mode: "checkpoint", snapshots: 10 } } },
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
      const tolerance = overrides.precision === "float32" ? AGREEMENT_F32 : AGREEMENT;
      expect(relative(nat.data, wasm.data)).toBeLessThan(tolerance);
      expect(relative(nat.gradient, wasm.gradient)).toBeLessThan(tolerance);
      expect(relative(nat.born, wasm.born)).toBeLessThan(tolerance);
      for (const [backend, first] of [["wasm", wasm], ["native", nat]] as const) {
        const again = run(backend, config, velocity);
        expect(again.data).toEqual(first.data);
        expect(again.gradient).toEqual(first.gradient);
        expect(again.born).toEqual(first.born);
      }
    });
  }

  test("2D: data, velocity gradients and Born data agree to 1e-12 (float64) and 1e-4 (float32) on a heterogeneous model with a free surface, two shots, off-grid points; each backend repeats itself", () => {
    const nx = 60, nz = 40, dx = 10, dt = 1e-3, nt = 300;
    const c = Float64Array.from({ length: nx * nz }, (_, i) => 1800 + 700 * Math.tanh((Math.floor(i / nx) - 20) / 4) + 100 * Math.sin(i % nx));
    for (const precision of ["float64", "float32"] as const) {
      const sim = new WaveSimulator2D({
        nx, nz, dx, dz: dx, dt, nt, order: 8, top: "free", pml: { width: 10, velocity: 2600 }, precision, warn: () => {},
        shots: [
          { source: { x: 123.4, z: 55.5 }, wavelet: ricker(15, nt, dt), receivers: [{ x: 300.7, z: 0 }, { x: 500, z: 200.2 }] },
          { source: { x: 400, z: 300 }, wavelet: ricker(20, nt, dt), receivers: [{ x: 11.1, z: 5 }, { x: 590, z: 390 }] },
        ],
      });
      // Each quantity on both backends: within the precision's agreement, and each backend repeating itself.
      const agree = (run: () => Float64Array) => {
        const on = (backend: BackendName) => (setBackend(backend), run());
        const wasm = on("wasm"), nat = on("native");
        expect(relative(nat, wasm)).toBeLessThan(precision === "float32" ? AGREEMENT_F32 : AGREEMENT);
        expect(on("wasm")).toEqual(wasm);
        expect(on("native")).toEqual(nat);
        return wasm;
      };
      const wasm = agree(() => flatten(sim.forward(field(c, [nz, nx]))));
      const dd = field(wasm.map((v, i) => v + 1e-3 * Math.sin(i / 17)), sim.dataShape);
      agree(() => flatten(sim.vjp(field(c, [nz, nx]), dd)));
      const dc = field(c.map((_, i) => 30 * Math.cos(i / 7) + 10 * Math.sin(i / 3)), [nz, nx]);
      agree(() => flatten(sim.jvp(field(c, [nz, nx]), dc)));
    }
  });

  test("2D Born: bornRun2d refuses a scattered grid that is not the background's but for its memory variables", () => {
    setBackend("native");
    const nt = 20;
    const sim = new WaveSimulator2D({
      nx: 16, nz: 12, dx: 10, dz: 10, dt: 1e-3, nt, order: 4, top: "free", pml: { width: 4, velocity: 2500 }, warn: () => {},
      shots: [{ source: { x: 70, z: 50 }, wavelet: ricker(25, nt, 1e-3), receivers: [{ x: 20, z: 30 }] }],
    });
    const prop = new Propagator2D(sim.layout, false, true);
    const scattered = prop["scatteredGrid"], ints = new Int32Array(scattered.buffer, scattered.byteOffset, 16);
    prop.bornShot(0); // as made: accepted
    for (const [at, message] of [[0, /m, a and b/], [9, /sizes/], [11, /layers/], [15, /layers and top/]] as const) {
      const saved = ints[at];
      ints[at] = at === 15 ? 0 : saved + (at === 0 ? 8 : 1);
      expect(() => prop.bornShot(0)).toThrow(RangeError);
      expect(() => prop.bornShot(0)).toThrow(message);
      ints[at] = saved;
    }
    scattered[8] += 1; // a stencil weight
    expect(() => prop.bornShot(0)).toThrow(/stencil weights/);
  });

  test("after native calls the JavaScript thread still computes with subnormal numbers (its FP mode restored)", () => {
    const { config, velocity } = smallProblem();
    run("native", config, velocity);
    const smallest = 2.2250738585072014e-308 * Number(config.nx > 0); // the smallest normal, not a constant the compiler folds
    expect(smallest / 4).toBeGreaterThan(0); // FTZ would make this 0
    expect((smallest / 4) * 2).toBe(smallest / 2); // DAZ would read the subnormal as 0
  });

  /**
   * Configures the forward sweep of an arena of `size` cells (no layers, absorbing ends,
   * D2 = [-2, 1]) with what a run needs: u^{n-1}, u^n, u^{n+1}, w, k, a, b, psi, zeta, the update
   * range (int32[2]), a wavelet (float64[4]), two point cells (int32) and weights (float64) and
   * traces (float64[8]). `run` runs step 0 (a source of `sources` points, no receivers);
   * `step(lo, hi)` runs it with no source over the update range [lo, hi).
   */
  function configured(precision: "float64" | "float32", size: number) {
    const { arrays, kernels } = arena([...uniform(9, size), { length: 2, type: "int32" }, { length: 4, type: "float64" }, { length: 2, type: "int32" }, { length: 2, type: "float64" }, { length: 8, type: "float64" }], precision);
    const at = arrays.map((x) => x.byteOffset);
    kernels.configure(0, at[4], at[5], at[6], at[7], at[8], 0, 0, 0, 0, size - 4, 0, 0, -2, 1, 0, 0, 0, 0, 0, 0, 0);
    const args = (w: number, sources: number) => [at[0], at[1], at[2], w, 0, at[9], 0, 1, at[10], 1, sources, 2, at[11], at[12], 0, at[11], at[12], at[13], 4];
    const run = (w = at[3], sources = 0) => kernels.forwardRun(...(args(w, sources) as Parameters<typeof kernels.forwardRun>));
    const step = (lo: number, hi: number, w = at[3]) => {
      (arrays[9] as Int32Array).set([lo, hi]);
      run(w);
    };
    return { arrays, kernels, at, args, step, run };
  }

  test("arenas on native kernels are freed in a synchronous loop, as WebAssembly's are (nothing waits for the event loop)", () => {
    setBackend("native");
    const start = process.memoryUsage().rss;
    let growth = 0;
    // 1,000 arenas of 1.2 MB, each written and used: kept alive, they would hold 1.2 GB.
    for (let i = 0; i < 1000 && growth < 400e6; i++) {
      const { arrays, step } = configured("float64", 1 << 14);
      arrays[1].fill(1);
      step(4, 12);
      expect(arrays[2][8]).toBe(2); // 2 u - prev + k D2 u = 2 with k = 0
      if (i % 50 === 0) growth = Math.max(growth, process.memoryUsage().rss - start);
    }
    expect(growth).toBeLessThan(400e6);
  });

  test("a range outside the memory is a RangeError naming the kernel and argument, not a write outside it; kernels work only on their own memory", () => {
    setBackend("native");
    for (const precision of ["float64", "float32"] as const) {
      const { arrays, kernels, at, args, step, run } = configured(precision, 16);
      step(4, 12);
      expect(() => step(4, 1 << 20)).toThrow("gradscape native kernel forwardRun: the update range [lo, hi) must lie in [4, last)");
      expect(() => step(4, 12, 1 << 20)).toThrow(RangeError);
      expect(() => kernels.configure(0, 1 << 20, at[4], at[4], at[4], at[4], 0, 0, 0, 0, 12, 0, 0, -2, 1, 0, 0, 0, 0, 0, 0, 0))
        .toThrow(new RegExp(`^gradscape native kernel configure: k \\(byte offset 1048576\\) with cells \\[0, 16\\) is not an aligned ${precision} range inside the \\d+-byte memory$`));
      expect(() => kernels.reverseRun(at[0], at[1], at[2], at[3], at[3], 0, at[13], at[9], 0, 1, 1, 0, 1, at[11], at[12], 0, at[11], at[12], at[13], 1, at[13]))
        .toThrow("gradscape native kernel reverseRun: called before configure");
      // A run's points are cells the kernels write at: one outside the working cells is refused before anything runs.
      const cells = arrays[11] as Int32Array;
      cells.set([8, 9]);
      run(at[3], 1);
      cells.set([8, 1 << 20]);
      expect(() => run(at[3], 1)).toThrow("gradscape native kernel forwardRun: a point's cell lies outside the working cells");
      cells.set([8, 9]);
      const detached = kernels.forwardRun;
      expect(() => detached(...(args(at[3], 0) as Parameters<typeof detached>))).toThrow("gradscape native kernel forwardRun: call it as a method of the buffer bind() returned");
      expect(() => detached.call(new ArrayBuffer(4096), ...(args(at[3], 0) as Parameters<typeof detached>))).toThrow("gradscape native kernel forwardRun: its buffer was not prepared by bind()");
    }
  });
});
