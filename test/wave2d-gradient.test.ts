/**
 * The 2D simulator's adjoint gradients (full storage) against the objective they are the
 * gradient of: velocity by a Taylor test of J(c) = 0.5 ||F(c) - d||^2 and central differences
 * along a direction, wavelets by central differences of J(f) = 0.5 ||F(f) - d||^2, on small
 * heterogeneous models with C-PML on every side or a free surface on top.
 */
import { describe, expect, test } from "vitest";
import { axpy, dot, field, flatten } from "../src/core/arrays.js";
import type { Field } from "../src/core/contract.js";
import { taylorTest, type ValueAndGradient } from "../src/core/gradcheck.js";
import { WaveSimulator2D } from "../src/wave/simulator2d.js";
import { problem2D } from "./helpers/wave2d.js";
import { ricker } from "../src/wave/wavelet.js";

const nx = 40, nz = 30, dx = 10, dt = 1e-3, nt = 300;

/** The 40 x 30 problem of test/helpers/wave2d.ts. */
function problem(order: 4 | 8, top: "free" | "absorbing", precision: "float64" | "float32" = "float64") {
  return problem2D({ nx, nz, nt, bumpX: 22, lastX: 355.2, order, top, precision });
}

/** J(c) = 0.5 ||F(c) - observed||^2 with its adjoint gradient. */
function leastSquares(sim: WaveSimulator2D, observed: Field): ValueAndGradient {
  const o = flatten(observed);
  return (c) => {
    const lin = sim.linearize(c);
    const d = flatten(lin.data), r = d.map((v, i) => v - o[i]);
    return { value: 0.5 * dot(field(r, lin.data.shape), field(r, lin.data.shape)), gradient: lin.vjp(field(r, lin.data.shape)) };
  };
}

describe("2D wave simulator adjoint (velocity and wavelets, full storage)", () => {
  for (const [order, top] of [[8, "absorbing"], [4, "free"]] as const) {
    test(`order ${order}, ${top} top: central differences of J along a direction match <grad, dc>`, () => {
      const { config, velocity, truth, dc } = problem(order, top);
      const sim = new WaveSimulator2D(config);
      const f = leastSquares(sim, sim.forward(truth));
      const g = f(velocity).gradient;
      expect(g.shape).toEqual([nz, nx]);
      const slope = dot(g, dc);
      // Central differences err by h^2 |dc|^2 J'''/6 (truncation) plus ~1e-16 J / h (round-off):
      // in a sweep of h on these models the error fell as h^2 to ~1e-9 relative at 0.05 m/s (h 1e-3,
      // |dc| <= 50 m/s), while a wrong adjoint term (e.g. the mirror's in D1z, see below) showed
      // at 1e-3. Hence 1e-6: two orders above what is measured, three below an error.
      const h = 1e-3;
      const fd = (f(axpy(velocity, h, dc)).value - f(axpy(velocity, -h, dc)).value) / (2 * h);
      const rel = Math.abs(fd - slope) / Math.abs(slope);
      expect(Math.abs(slope)).toBeGreaterThan(0);
      expect(rel).toBeLessThan(1e-6);
      // A direction on the model's border cells alone: their gradient gathers the C-PML's (and
      // the free surface's ghost-side) cells that copy them, so the layers' adjoint shows here.
      const edge = field(flatten(dc).map((v, i) => ((i % nx) % (nx - 1) === 0 || Math.floor(i / nx) % (nz - 1) === 0 ? v + 20 : 0)), [nz, nx]);
      const edgeSlope = dot(g, edge);
      const edgeFd = (f(axpy(velocity, h, edge)).value - f(axpy(velocity, -h, edge)).value) / (2 * h);
      const edgeRel = Math.abs(edgeFd - edgeSlope) / Math.abs(edgeSlope);
      expect(Math.abs(edgeSlope)).toBeGreaterThan(0);
      expect(edgeRel).toBeLessThan(1e-6);
    });

    test(`order ${order}, ${top} top: Taylor test, the gradient-corrected remainder falls at order 2`, () => {
      const { config, velocity, truth, dc } = problem(order, top);
      const sim = new WaveSimulator2D(config);
      const f = leastSquares(sim, sim.forward(truth));
      // Steps h |dc| of 1 m/s down to 0.125 m/s: the linear term dominates the first remainder,
      // and the second stays far above J's round-off (~1e-16 J).
      const r = taylorTest(f, velocity, dc, { h0: 0.02, count: 4 });
      for (const rate of r.rates1) expect(Math.abs(rate - 1)).toBeLessThan(0.1);
      for (const rate of r.rates2) expect(Math.abs(rate - 2)).toBeLessThan(0.1);
    });
  }

  test("a free surface over 3 rows: the bottom layer's first differences reach the mirror rows, the gradient still matches central differences", () => {
    const n = 12, rows = 3, steps = 200;
    const receivers = [{ x: 33.3, z: 3.2 }, { x: 81.7, z: 14 }];
    const sim = new WaveSimulator2D({
      nx: n, nz: rows, dx, dz: dx, dt, nt: steps, order: 8, top: "free", pml: { width: 6, velocity: 3000 }, warn: () => {},
      shots: [{ source: { x: 51.3, z: 8 }, wavelet: ricker(25, steps, dt), receivers }],
    });
    const c = field(new Float64Array(n * rows).map((_, i) => 2000 + 100 * Math.sin(i)), [rows, n]);
    const dc = field(new Float64Array(n * rows).map((_, i) => Math.cos(1.7 * i)), [rows, n]);
    // J(c) = <F(c), dd>, linear in the data: its gradient is vjp(dd).
    const dd = field(new Float64Array(2 * steps).map((_, i) => Math.sin(0.37 * i)), sim.dataShape);
    const J = (v: Field) => dot(sim.forward(v), dd);
    const slope = dot(sim.vjp(c, dd), dc), h = 0.03;
    const fd = (J(axpy(c, h, dc)) - J(axpy(c, -h, dc))) / (2 * h);
    // Without the mirror's term in the adjoint of D1z: 1.4e-3 relative (measured).
    expect(Math.abs(fd - slope) / Math.abs(slope)).toBeLessThan(1e-6);
  });

  for (const [order, top] of [[8, "absorbing"], [4, "free"]] as const) {
    test(`order ${order}, ${top} top: the wavelet gradient matches central differences of J(f) = 0.5 ||F(f) - d||^2 along a wavelet direction`, () => {
      const { config, velocity, truth } = problem(order, top);
      const sim = new WaveSimulator2D(config);
      const d = flatten(sim.forward(truth));
      const f = config.shots.map((s) => Float64Array.from(s.wavelet));
      // A direction of every shot's wavelet: smooth, of the wavelets' size (|f| <= 1).
      const df = f.map((w, s) => w.map((_, n) => 0.8 * Math.sin(0.05 * n + s) * Math.exp(-(((n - 90 - 40 * s) / 50) ** 2))));
      const J = (h: number) => {
        const shots = config.shots.map((shot, s) => ({ ...shot, wavelet: f[s].map((v, n) => v + h * df[s][n]) }));
        const r = flatten(new WaveSimulator2D({ ...config, shots }).forward(velocity)).map((v, i) => v - d[i]);
        return 0.5 * dot(field(r, sim.dataShape), field(r, sim.dataShape));
      };
      const lin = sim.linearize(velocity);
      const r = flatten(lin.data).map((v, i) => v - d[i]);
      const g = lin.gradients(field(r, lin.data.shape));
      expect(g.wavelets.shape).toEqual([2, nt]);
      expect(g.velocity.shape).toEqual([nz, nx]);
      // vjp is the velocity part of the same adjoint run.
      expect([...flatten(g.velocity)]).toEqual([...flatten(lin.vjp(field(r, lin.data.shape)))]);
      // f^{nt-1} only drives u^{nt}, which no receiver records.
      const w = flatten(g.wavelets);
      expect(w[nt - 1]).toBe(0);
      expect(w[2 * nt - 1]).toBe(0);
      const slope = dot(g.wavelets, field(Float64Array.from(df.flatMap((a) => [...a])), [2, nt]));
      // The data are linear in the wavelets, J quadratic: central differences have no truncation
      // error at any h, only round-off of J's sums and of the runs; h = 1 (a step as large as
      // the wavelets) keeps it small. Measured: 3.6e-13 (order 8, absorbing) and 3.3e-13 (order
      // 4, free) relative; hence 1e-10, while a gradient shifted by one sample errs by percents.
      const h = 1;
      const fd = (J(h) - J(-h)) / (2 * h);
      expect(Math.abs(slope)).toBeGreaterThan(0);
      expect(Math.abs(fd - slope) / Math.abs(slope)).toBeLessThan(1e-10);
    });
  }

  test("float32: the gradient is float64's to float32 round-off", () => {
    const { config, velocity, truth } = problem(8, "free");
    const g = (precision: "float64" | "float32") => {
      const sim = new WaveSimulator2D({ ...config, precision });
      return flatten(leastSquares(sim, sim.forward(truth))(velocity).gradient);
    };
    const g64 = g("float64"), g32 = g("float32");
    let num = 0, den = 0;
    for (let i = 0; i < g64.length; i++) (num += (g32[i] - g64[i]) ** 2), (den += g64[i] ** 2);
    expect(Math.sqrt(num / den)).toBeLessThan(1e-3);
  });

  test("the gradient's shape and checks: dData's shape is checked, vjp equals linearize().vjp", () => {
    const { config, velocity, truth } = problem(4, "absorbing");
    const sim = new WaveSimulator2D(config);
    const lin = sim.linearize(velocity);
    expect(() => lin.vjp(field(new Float64Array(3), [3]))).toThrow(/dData/);
    const dd = sim.forward(truth);
    expect([...flatten(sim.vjp(velocity, dd))]).toEqual([...flatten(lin.vjp(dd))]);
    // A linearization's vjp may be called again: the same bits.
    expect([...flatten(lin.vjp(dd))]).toEqual([...flatten(sim.vjp(velocity, dd))]);
  });
});
