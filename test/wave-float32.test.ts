/**
 * The wave simulator in float32 (`precision: "float32"`): its adjoint, Born modelling and
 * gradient at float32 tolerances, its answers against the float64 simulator's, its memory.
 *
 * Tolerances. The dot test's error is round-off of the two propagations (dm forwards by Born
 * modelling, dd backwards by the adjoint) seen through the cancellation of a dot product of
 * random vectors and of the second difference of a smooth wavefield (D2 u much smaller than u).
 * The same problem in float64 measures 4e-15 to 6e-14 (orders 8 to 2), 30 to 580 times float64's
 * unit round-off 1.1e-16; in float32 it measures 5.4e-6 (orders 4, 8) to 5.9e-5 (order 2), 90 to
 * 1,000 times float32's 6e-8: the same multiple, so the same round-off, scaled by the precision.
 * 2e-4 bounds it with a margin of 3.4; a wrong term (a lost PML term, a misplaced weight) is
 * above 1e-2. Against float64, data, Born data and gradient differ by 0.7e-5 to 1.5e-5 of their
 * largest value (measured): 1e-4.
 */
import { describe, expect, test } from "vitest";
import { field, flatten } from "../src/core/arrays.js";
import { dotTest, taylorTest } from "../src/core/gradcheck.js";
import { InputError } from "../src/core/errors.js";
import { waveMemory } from "../src/wave/config.js";
import { WaveSimulator } from "../src/wave/simulator.js";
import { leastSquares, smallProblem } from "./helpers/wave.js";

const DOT_TOLERANCE_F32 = 2e-4;
const F32: { precision: "float32" } = { precision: "float32" };

/** max |a - b| / max |b|. */
function relative(a: Float64Array, b: Float64Array): number {
  let diff = 0, scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return diff / scale;
}

describe("wave simulator in float32", () => {
  for (const order of [2, 4, 8] as const) {
    test(`dot test, velocity, order ${order}, PML, 3 shots, off-grid receivers: below ${DOT_TOLERANCE_F32}`, () => {
      const { config, velocity } = smallProblem({ order, ...F32 });
      const r = dotTest(new WaveSimulator(config), velocity, { seed: order });
      expect(Math.abs(r.forward)).toBeGreaterThan(0);
      expect(r.relativeError).toBeLessThan(DOT_TOLERANCE_F32);
    });
  }

  for (const [left, right] of [["free", "absorbing"], ["rigid", "free"]] as const) {
    test(`dot test with ${left} left end and ${right} right end`, () => {
      const { config, velocity } = smallProblem({ left, right, ...F32 });
      const r = dotTest(new WaveSimulator(config), velocity, { seed: 7 });
      expect(r.relativeError).toBeLessThan(DOT_TOLERANCE_F32);
    });
  }

  test("dot test, source wavelets", () => {
    const { config, velocity } = smallProblem(F32);
    const w = field(new Float64Array(3 * config.nt).map((_, i) => Math.sin(i / 13)), [3, config.nt]);
    const r = dotTest(new WaveSimulator(config).wavelets(velocity), w, { seed: 3 });
    expect(r.relativeError).toBeLessThan(DOT_TOLERANCE_F32);
  });

  test("Taylor test of a least-squares misfit: orders 1 and 2 within 0.1 (steps kept above float32 round-off of J)", () => {
    const { config, velocity } = smallProblem(F32);
    const sim = new WaveSimulator(config);
    const truth = field(flatten(velocity).map((v, i) => v + 150 * Math.exp(-(((i - 70) / 6) ** 2))), [config.nx]);
    const f = leastSquares(sim, sim.forward(truth));
    // Towards the truth's bump, so that the linear term dominates the first remainder at steps
    // where the second remainder (~5 h^2) stays far above the float32 round-off of J (~1e-3
    // here: J ~ 250, data accurate to ~1e-5): h = 0.4, 0.2, 0.1 (in float64 the window is far
    // wider; there the test runs 5 steps from 0.004).
    const dm = field(new Float64Array(config.nx).map((_, i) => 40 * Math.exp(-(((i - 70) / 6) ** 2)) + 10 * Math.cos(i / 9)), [config.nx]);
    const r = taylorTest(f, velocity, dm, { h0: 0.4, count: 3 });
    for (const rate of r.rates1) expect(Math.abs(rate - 1)).toBeLessThan(0.1);
    for (const rate of r.rates2) expect(Math.abs(rate - 2)).toBeLessThan(0.1);
  });

  test("data, gradient and Born data agree with float64 to float32 accuracy", () => {
    const { config, velocity } = smallProblem();
    const out = (precision: "float64" | "float32") => {
      const sim = new WaveSimulator({ ...config, precision });
      const lin = sim.linearize(velocity);
      const residual = field(flatten(lin.data).map((v, i) => v + 1e-3 * Math.sin(i / 17)), lin.data.shape);
      const dm = field(new Float64Array(config.nx).map((_, i) => 30 * Math.cos(i / 9)), [config.nx]);
      return { data: flatten(lin.data), gradient: flatten(lin.vjp(residual)), born: flatten(lin.jvp(dm)) };
    };
    const a = out("float32"), b = out("float64");
    expect(relative(a.data, b.data)).toBeLessThan(1e-4);
    expect(relative(a.gradient, b.gradient)).toBeLessThan(1e-3);
    expect(relative(a.born, b.born)).toBeLessThan(1e-4);
    expect(relative(a.data, b.data)).toBeGreaterThan(0); // it did compute in float32
  });

  test("checkpointing gives the full-storage gradient exactly (the same float32 steps, recomputed)", () => {
    const { config, velocity } = smallProblem(F32);
    const full = new WaveSimulator(config);
    const dd = full.forward(velocity);
    const g0 = flatten(full.vjp(velocity, dd));
    const g1 = flatten(new WaveSimulator({ ...config, storage: { mode: "checkpoint", snapshots: 7 } }).vjp(velocity, dd));
    expect([...g1]).toEqual([...g0]);
  });

  test("float32 halves the memory of the stored wavefields and checkpoints", () => {
    for (const storage of [{ mode: "full" as const }, { mode: "checkpoint" as const, snapshots: 50 }]) {
      const [, , f64] = waveMemory(1000, 2000, 4, 12, storage, "float64");
      const [, , f32] = waveMemory(1000, 2000, 4, 12, storage, "float32");
      expect(f32.bytes * 2).toBe(f64.bytes);
    }
  });

  test("another precision is an InputError naming the field", () => {
    const { config } = smallProblem();
    expect(() => new WaveSimulator({ ...config, precision: "float16" as "float32" })).toThrow(InputError);
    expect(() => new WaveSimulator({ ...config, precision: "float16" as "float32" })).toThrow('precision: expected "float64" or "float32", got "float16"');
  });
});
