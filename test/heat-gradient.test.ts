import { describe, expect, test } from "vitest";
import { field, flatten } from "../src/core/arrays.js";
import { dotTest, taylorTest } from "../src/core/gradcheck.js";
import { HeatSimulator } from "../src/heat/simulator.js";
import { smallHeatProblem } from "./helpers/heat.js";

// Dot tests sum ~1e4 products of O(1) terms: round-off ~1e-15 relative; the issue asks for < 1e-12.
const DOT_TOLERANCE = 1e-12;
const SCHEMES = ["explicit", "backward-euler", "crank-nicolson"] as const;

describe("heat simulator adjoint", () => {
  for (const dims of [1, 2] as const) {
    for (const scheme of SCHEMES) {
      test(`${dims}D ${scheme}: dot tests in conductivity, initial temperature, source strengths and boundary values`, () => {
        const { config, conductivity } = smallHeatProblem(dims, scheme);
        const sim = new HeatSimulator(config);
        const r = dotTest(sim, conductivity, { seed: 5 });
        expect(Math.abs(r.forward)).toBeGreaterThan(0);
        expect(r.relativeError).toBeLessThan(DOT_TOLERANCE);
        const lay = sim.layout;
        const views = [
          [sim.initialTemperature(conductivity), field(Float64Array.from(lay.initial), sim.modelShape)],
          [sim.sourceStrengths(conductivity), field(new Float64Array(lay.sources.length * lay.nt).fill(1), [lay.sources.length, lay.nt])],
          [sim.boundaryValues(conductivity), field(new Float64Array(lay.sides.length * lay.nt).fill(1), [lay.sides.length, lay.nt])],
        ] as const;
        for (const [view, m] of views) {
          const v = dotTest(view, m, { seed: 9 });
          expect(Math.abs(v.forward)).toBeGreaterThan(0);
          expect(v.relativeError).toBeLessThan(DOT_TOLERANCE);
        }
      });

      test(`${dims}D ${scheme}: Taylor test of the conductivity gradient (orders 1 and 2)`, () => {
        const { config, conductivity } = smallHeatProblem(dims, scheme);
        const sim = new HeatSimulator(config);
        const k = flatten(conductivity);
        const observed = flatten(sim.forward(field(k.map((v, p) => v * (1 + 0.2 * Math.cos(p))), conductivity.shape)));
        const objective = (m: typeof conductivity) => {
          const lin = sim.linearize(m);
          const r = flatten(lin.data).map((v, i) => v - observed[i]);
          return { value: 0.5 * r.reduce((s, x) => s + x * x, 0), gradient: lin.vjp(field(r, lin.data.shape)) };
        };
        const dk = field(k.map((_, p) => 0.1 * Math.sin(1.3 * p + 0.4)), conductivity.shape);
        const t = taylorTest(objective, conductivity, dk, { h0: 0.05, count: 5 });
        // From steps of 0.5% of k down, the remainders are in their asymptotic regime: within 0.1
        // of orders 1 and 2 (at steps of 5% the first-order rate is still 0.7-1.1).
        for (const rate of t.rates1) expect(Math.abs(rate - 1)).toBeLessThan(0.1);
        for (const rate of t.rates2) expect(Math.abs(rate - 2)).toBeLessThan(0.1);
      });
    }
  }

  test("checkpointed gradients (revolve, 3 snapshots) equal full storage to 1e-13", () => {
    for (const dims of [1, 2] as const) {
      const { config, conductivity } = smallHeatProblem(dims, "crank-nicolson");
      const full = new HeatSimulator(config);
      const ck = new HeatSimulator({ ...config, storage: { mode: "checkpoint", snapshots: 3 } });
      const dd = field(new Float64Array(full.dataShape[0] * full.dataShape[1]).map((_, i) => Math.cos(i)), full.dataShape);
      const a = full.linearize(conductivity).gradients(dd), b = ck.linearize(conductivity).gradients(dd);
      for (const key of ["conductivity", "initial", "strengths", "boundaries"] as const) {
        const x = flatten(a[key]), y = flatten(b[key]);
        const scale = Math.max(...x.map(Math.abs));
        for (let i = 0; i < x.length; i++) expect(Math.abs(x[i] - y[i])).toBeLessThanOrEqual(1e-13 * scale);
      }
    }
  });

  test("auto storage checkpoints with the states that fit its memory (here 3 temperature fields) and gives full storage's gradient", () => {
    const { config, conductivity } = smallHeatProblem(1, "crank-nicolson");
    const full = new HeatSimulator(config);
    const size = full.layout.size;
    const auto = new HeatSimulator({ ...config, storage: { mode: "auto", memory: 3.5 * 8 * size } });
    expect(auto.layout.storage).toEqual({ mode: "checkpoint", snapshots: 3 });
    expect(new HeatSimulator({ ...config, storage: { mode: "auto" } }).layout.storage).toEqual({ mode: "full" });
    const dd = field(new Float64Array(full.dataShape[0] * full.dataShape[1]).map((_, i) => Math.cos(i)), full.dataShape);
    const x = flatten(full.linearize(conductivity).gradients(dd).conductivity), y = flatten(auto.linearize(conductivity).gradients(dd).conductivity);
    const scale = Math.max(...x.map(Math.abs));
    for (let i = 0; i < x.length; i++) expect(Math.abs(x[i] - y[i])).toBeLessThanOrEqual(1e-13 * scale);
  });

  test("jvp reads the stored temperatures while they are its linearization's: the same bits as the checkpointed simulator's forward-and-tangent run, and after a later linearize too (it runs the forward again)", () => {
    for (const dims of [1, 2] as const) {
      for (const scheme of SCHEMES) {
        const { config, conductivity } = smallHeatProblem(dims, scheme);
        const sim = new HeatSimulator(config), ck = new HeatSimulator({ ...config, storage: { mode: "checkpoint", snapshots: 3 } });
        const dk = field(flatten(conductivity).map((v, i) => 0.1 * v * Math.sin(i + 1)), sim.modelShape);
        const expected = flatten(ck.linearize(conductivity).jvp(dk));
        const lin = sim.linearize(conductivity);
        expect(flatten(lin.jvp(dk))).toEqual(expected); // from storage
        const other = field(flatten(conductivity).map((v) => 1.1 * v), sim.modelShape);
        sim.linearize(other); // takes the storage
        expect(flatten(lin.jvp(dk))).toEqual(expected); // recomputed
      }
    }
  });

  test("full storage belongs to the latest linearization: an older one refuses to read it, a checkpointed one does not", () => {
    const { config, conductivity } = smallHeatProblem(1, "crank-nicolson");
    const sim = new HeatSimulator(config);
    const first = sim.linearize(conductivity);
    sim.linearize(conductivity);
    expect(() => first.vjp(first.data)).toThrow(/^HeatSimulator \(stored temperatures\): this linearization's storage was reused by a later linearize\(\)/);
    const ck = new HeatSimulator({ ...config, storage: { mode: "checkpoint", snapshots: 3 } });
    const older = ck.linearize(conductivity);
    ck.linearize(conductivity);
    expect(() => older.vjp(older.data)).not.toThrow();
  });
});
