import { describe, expect, test } from "vitest";
import { field, flatten } from "../src/core/arrays.js";
import { dotTest, taylorTest } from "../src/core/gradcheck.js";
import { checkpointPlan } from "../src/core/checkpoint.js";
import { WaveSimulator } from "../src/wave/simulator.js";
import { ricker } from "../src/wave/wavelet.js";
import { leastSquares, smallProblem } from "./helpers/wave.js";

// Round-off of a dot test on ~1e5 accumulated terms is ~1e-15; the issue asks for < 1e-12.
const DOT_TOLERANCE = 1e-12;

describe("wave simulator adjoint", () => {
  for (const order of [2, 4, 8] as const) {
    test(`dot test, velocity, order ${order}, PML, 3 shots, off-grid receivers`, () => {
      const { config, velocity } = smallProblem({ order });
      const sim = new WaveSimulator(config);
      const r = dotTest(sim, velocity, { seed: order });
      expect(Math.abs(r.forward)).toBeGreaterThan(0);
      expect(r.relativeError).toBeLessThan(DOT_TOLERANCE);
    });
  }

  test("dot test on an odd number of working cells (the SIMD kernels' scalar last cell)", () => {
    const { config, velocity } = smallProblem({ nx: 121 });
    const r = dotTest(new WaveSimulator(config), velocity, { seed: 11 });
    expect(r.relativeError).toBeLessThan(DOT_TOLERANCE);
  });

  for (const [left, right] of [["free", "absorbing"], ["rigid", "free"]] as const) {
    test(`dot test with ${left} left end and ${right} right end`, () => {
      const { config, velocity } = smallProblem({ left, right });
      const r = dotTest(new WaveSimulator(config), velocity, { seed: 7 });
      expect(r.relativeError).toBeLessThan(DOT_TOLERANCE);
    });
  }

  test("dot test, source wavelets", () => {
    const { config, velocity } = smallProblem();
    const sim = new WaveSimulator(config);
    const w = field(new Float64Array(3 * config.nt).map((_, i) => Math.sin(i / 13)), [3, config.nt]);
    const r = dotTest(sim.wavelets(velocity), w, { seed: 3 });
    expect(r.relativeError).toBeLessThan(DOT_TOLERANCE);
  });

  test("Taylor test of a least-squares misfit: orders 1 and 2 within 0.1", () => {
    const { config, velocity } = smallProblem();
    const sim = new WaveSimulator(config);
    const truth = field(flatten(velocity).map((v, i) => v + 150 * Math.exp(-(((i - 70) / 6) ** 2))), [config.nx]);
    const f = leastSquares(sim, sim.forward(truth));
    const dm = field(new Float64Array(config.nx).map((_, i) => 40 * Math.cos(i / 9)), [config.nx]);
    // Steps small enough that the linear term dominates the first remainder, large enough that
    // the second remainder (~1e2 h^2) stays far above round-off of J (~1e-13 J).
    const r = taylorTest(f, velocity, dm, { h0: 0.004, count: 5 });
    for (const rate of r.rates1) expect(Math.abs(rate - 1)).toBeLessThan(0.1);
    for (const rate of r.rates2) expect(Math.abs(rate - 2)).toBeLessThan(0.1);
  });

  test("full storage is reused: only the latest linearization can pull back, an older one says so", () => {
    const { config, velocity } = smallProblem();
    const sim = new WaveSimulator(config);
    const first = sim.linearize(velocity);
    const g = flatten(first.vjp(first.data));
    const second = sim.linearize(velocity);
    expect(() => first.vjp(first.data)).toThrow(/reused by a later linearize\(\)/);
    expect([...flatten(second.vjp(second.data))]).toEqual([...g]);
  });

  test("checkpointing: the first vjp (resuming the states the forward run saved) and later ones (from scratch) give the same bits, with segments of W^n", () => {
    const { config, velocity } = smallProblem();
    const storage = { mode: "checkpoint" as const, snapshots: 5 };
    const sim = new WaveSimulator({ ...config, storage });
    // 5 states for 499 steps: fewer states and segments longer than one step.
    const plan = checkpointPlan(config.nt - 1, 5, sim.layout.size / (2 * sim.layout.size + 4 * 20));
    expect(plan.segment).toBeGreaterThan(1);
    const lin = sim.linearize(velocity);
    const first = lin.gradients(lin.data);
    const again = lin.gradients(lin.data);
    expect([...flatten(again.velocity)]).toEqual([...flatten(first.velocity)]);
    expect([...flatten(again.wavelets)]).toEqual([...flatten(first.wavelets)]);
    // And a fresh simulator's (its own schedule made anew) the same again.
    const other = new WaveSimulator({ ...config, storage }).linearize(velocity);
    expect([...flatten(other.vjp(lin.data))]).toEqual([...flatten(first.velocity)]);
  });

  test("auto storage: full storage when it fits the budget, else checkpointing with the states that fit; the plan reports it", () => {
    const { config, velocity } = smallProblem();
    const full = new WaveSimulator(config);
    const fullBytes = full.storagePlan.bytes;
    // W^n of every step (499) and shot (3), 8 bytes per working cell.
    expect(fullBytes).toBe(8 * 3 * 499 * full.layout.size);
    const roomy = new WaveSimulator({ ...config, storage: { mode: "auto", memory: fullBytes } });
    expect(roomy.storagePlan.mode).toBe("full");
    // A tenth of full storage: checkpointing within it, the same gradient.
    const budget = fullBytes / 10;
    const tight = new WaveSimulator({ ...config, storage: { mode: "auto", memory: budget } });
    const plan = tight.storagePlan;
    expect(plan.mode).toBe("checkpoint");
    expect(plan.bytes).toBeLessThanOrEqual(budget);
    const stateBytes = 8 * (2 * full.layout.size + 2 * (full.layout.padLeft + full.layout.padRight));
    expect(tight.layout.storage).toEqual({ mode: "checkpoint", snapshots: Math.floor(budget / stateBytes) });
    // Recomputation: between one and the plain-revolve bound, less for the shot resumed.
    const runs = plan.recomputedRuns!;
    expect(runs.perShot).toBeGreaterThan(1);
    expect(runs.resumedShot).toBeLessThan(runs.perShot);
    expect(plan.plan!.forwardSteps).toBe(Math.round(runs.perShot * 499));
    const dd = full.forward(velocity);
    const g0 = flatten(full.vjp(velocity, dd)), g1 = flatten(tight.vjp(velocity, dd));
    let num = 0, den = 0;
    for (let i = 0; i < g0.length; i++) (num += (g1[i] - g0[i]) ** 2), (den += g0[i] ** 2);
    expect(Math.sqrt(num / den)).toBeLessThan(1e-13);
    // Not even one state: refused, naming the option.
    expect(() => new WaveSimulator({ ...config, storage: { mode: "auto", memory: stateBytes / 2 } })).toThrow(/^storage\.memory: .*holds not even one forward state/);
    expect(() => new WaveSimulator({ ...config, storage: { mode: "auto", memory: -1 } })).toThrow(/storage\.memory/);
  });

  test("checkpointing gives full storage's gradient bit for bit: nt 2..101, 1..50 states, absorbing and free ends, both precisions, resumed and from scratch", () => {
    // Both recompute the same steps of the same arithmetic and sum the shots in the same order;
    // a restored state updates the whole grid where the first run kept to its update range, but
    // the cells beyond that range are exact zeros either way.
    let cases = 0;
    for (const precision of ["float64", "float32"] as const) {
      for (const nt of [2, 3, 7, 40, 101]) {
        for (const snapshots of [1, 2, 3, 8, 50]) {
          for (const left of ["absorbing", "free"] as const) {
            const nx = 40, dx = 10, dt = 1e-3;
            const config = {
              nx, dx, dt, nt, order: 8 as const, left, pml: { width: 6, velocity: 3000 }, precision, warn: () => {},
              shots: [{ source: 103.7, wavelet: ricker(25, nt, dt), receivers: [51.3, 300] }, { source: 250, wavelet: ricker(20, nt, dt), receivers: [11, 377.7] }],
            };
            const c = field(Float64Array.from({ length: nx }, (_, i) => 2000 + 300 * Math.sin(i / 5)), [nx]);
            const full = new WaveSimulator(config);
            const dd = field(flatten(full.forward(c)).map((v, i) => v + Math.cos(i)), full.dataShape);
            const g0 = [...flatten(full.linearize(c).gradients(dd).velocity)];
            const lin = new WaveSimulator({ ...config, storage: { mode: "checkpoint", snapshots } }).linearize(c);
            expect([...flatten(lin.gradients(dd).velocity)], `${precision} nt=${nt} states=${snapshots} ${left}, resumed`).toEqual(g0);
            expect([...flatten(lin.gradients(dd).velocity)], `${precision} nt=${nt} states=${snapshots} ${left}, from scratch`).toEqual(g0);
            cases++;
          }
        }
      }
    }
    expect(cases).toBe(100);
  });

  test("checkpointing gives the full-storage gradient to 1e-13 relative", () => {
    const { config, velocity } = smallProblem();
    const full = new WaveSimulator(config);
    const dd = full.forward(velocity);
    const g0 = flatten(full.vjp(velocity, dd));
    for (const snapshots of [1, 5, 30]) {
      const cp = new WaveSimulator({ ...config, storage: { mode: "checkpoint", snapshots } });
      const g1 = flatten(cp.vjp(velocity, dd));
      let num = 0;
      let den = 0;
      for (let i = 0; i < g0.length; i++) {
        num += (g1[i] - g0[i]) ** 2;
        den += g0[i] ** 2;
      }
      expect(Math.sqrt(num / den)).toBeLessThan(1e-13);
    }
  });
});
