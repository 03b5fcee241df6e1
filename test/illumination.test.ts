import { describe, expect, test } from "vitest";
import { field, flatten } from "../src/core/arrays.js";
import { taylorTest } from "../src/core/gradcheck.js";
import { diagonalPreconditioner } from "../src/inversion/precondition.js";
import type { Objective } from "../src/inversion/types.js";
import { WaveSimulator } from "../src/wave/simulator.js";
import { ricker } from "../src/wave/wavelet.js";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readRun } from "../src/run/folder.js";
import { loadScene } from "../src/scene/load.js";
import type { WaveInversionScene } from "../src/scene/schema.js";
import { runWaveInversion } from "../src/scene/wave-inversion.js";

describe("illumination (diagonal pseudo-Hessian)", () => {
  // u = (c/2) F(t - |x - xs|/c), so d2u/dt2 = (c/2) f'(t - |x - xs|/c) whatever x: every cell the
  // pulse has crossed sees (c^2 / 4) * integral f'(t)^2 dt.
  const c = 2000, dx = 5, dt = 5e-4, nt = 1200, f0 = 15, nx = 201;
  const w = ricker(f0, nt, dt);
  let energy = 0; // integral of f'(t)^2 by the analytic derivative of the Ricker wavelet
  const delay = 1.5 / f0, a2 = (Math.PI * f0) ** 2;
  for (let n = 0; n < 20 * nt; n++) {
    const t = (n * dt) / 20 - delay;
    const d = (-6 * a2 * t + 4 * a2 * a2 * t ** 3) * Math.exp(-a2 * t * t);
    energy += d * d * (dt / 20);
  }
  const expected = ((c * c) / 4) * energy;
  const homogeneous = (receivers: number[]) => new WaveSimulator({ nx, dx, dt, nt, pml: { width: 20, velocity: c }, warn: () => {}, shots: [{ source: 500, wavelet: w, receivers }] });
  const velocity = field(new Float64Array(nx).fill(c), [nx]);

  test("in a homogeneous medium it is (c^2 / 4) * integral f'(t)^2 dt at every cell the pulse has crossed", () => {
    const h = flatten(homogeneous([0]).illumination(velocity));
    // Cells 40 and 160 (300 m from the source either side). Measured 3.2e-4 relative: the
    // leapfrog's time error on f' at 0.5 ms; bound 1e-3.
    for (const i of [40, 160]) expect(Math.abs(h[i] / expected - 1)).toBeLessThan(1e-3);
  });

  test("receiver side: each receiver adds its own (c^2 / 4) * integral f'^2, multiplying the source side", () => {
    // Two receivers, 100 m and 900 m, both reached by both pulses within the record at cells 40 and 160.
    const h = flatten(homogeneous([100, 900]).illumination(velocity, { receiverSide: true }));
    // Source side times 2 receivers: 2 * expected^2; twice the single-field bound.
    for (const i of [40, 160]) expect(Math.abs(h[i] / (2 * expected * expected) - 1)).toBeLessThan(2e-3);
  });
});

describe("illumination pair scenes", () => {
  test("below a thin-bed stack, illumination preconditioning reaches the same model errors in at least a third fewer iterations", () => {
    // scenes/illumination-*.json: surface shots above 26 thin fast layers (4500 / 2000 m/s) that pass
    // little energy down and back; three targets below; the same L-BFGS with and without the
    // gradient divided by the source- and receiver-side illumination of the start.
    const iterationsTo = (name: string) => {
      const dir = mkdtempSync(join(tmpdir(), `${name}-`));
      runWaveInversion(loadScene(`scenes/${name}.json`) as WaveInversionScene, dir);
      const run = readRun(dir);
      const truth = flatten(run.load("true_velocity")), start = flatten(run.load("start_velocity"));
      const e0 = Math.hypot(...start.map((v, i) => v - truth[i])) / Math.hypot(...truth);
      const errors = flatten(run.load("model_error"));
      if (name.endsWith("preconditioned")) {
        // The written preconditioner is max(h) / (h + epsilon max(h)) of the written illumination
        // (in log-velocity variables: h_x = h (2 / c^2)^2 at the start), so 1 / (1 + epsilon) where h_x peaks.
        const h = flatten(run.load("illumination")).map((v, i) => v * (2 / start[i] ** 2) ** 2);
        const p = flatten(run.load("preconditioner"));
        const peak = h.indexOf(Math.max(...h));
        expect(p[peak]).toBeCloseTo(1 / 1.01, 12);
        expect(Math.max(...p)).toBeLessThanOrEqual(1 / 0.01);
      }
      // Iterations to reach 50%, 40% and 30% of the starting model error.
      return [0.5, 0.4, 0.3].map((f) => errors.findIndex((e) => e < f * e0) + 1);
    };
    const plain = iterationsTo("illumination-plain");
    const preconditioned = iterationsTo("illumination-preconditioned");
    // Measured: plain 14, 19, 27; preconditioned 9, 12, 15 (with the scenes' bounds). Required: every threshold
    // reached by both, the preconditioned run in at most 2/3 of the plain run's iterations.
    for (let k = 0; k < 3; k++) {
      expect(plain[k]).toBeGreaterThan(0);
      expect(preconditioned[k]).toBeGreaterThan(0);
      expect(preconditioned[k]).toBeLessThanOrEqual((2 / 3) * plain[k]);
    }
  });
});

describe("diagonal preconditioner", () => {
  const hess = Float64Array.of(4, 1, 0.01, 0);
  const f: Objective = (x, g) => {
    let v = 0;
    for (let i = 0; i < x.length; i++) {
      v += 0.5 * (i + 1) * x[i] * x[i] + Math.sin(x[i]);
      g[i] = (i + 1) * x[i] + Math.cos(x[i]);
    }
    return v;
  };

  test("the gradient in z is the chain rule s * g (Taylor orders 1 and 2)", () => {
    const p = diagonalPreconditioner(f, hess, 1e-2);
    const obj = (z: ReturnType<typeof field>) => {
      const g = new Float64Array(4);
      const value = p.objective(flatten(z), g);
      return { value, gradient: field(g, [4]) };
    };
    const r = taylorTest(obj, field(Float64Array.of(0.3, -1, 2, 0.5), [4]), field(Float64Array.of(1, -0.5, 0.2, 0.7), [4]), { h0: 1e-3, count: 4 });
    for (const rate of r.rates2) expect(Math.abs(rate - 2)).toBeLessThan(0.1);
  });

  test("a gradient step in z moves x by -g max(h) / (h + epsilon max(h))", () => {
    const eps = 1e-2;
    const p = diagonalPreconditioner(f, hess, eps);
    const x = Float64Array.of(0.3, -1, 2, 0.5);
    const z = p.toZ(x);
    const gz = new Float64Array(4);
    p.objective(z, gz);
    const gx = new Float64Array(4);
    f(x, gx);
    const moved = p.toX(z.map((v, i) => v - 1e-3 * gz[i]));
    for (let i = 0; i < 4; i++) expect((moved[i] - x[i]) / 1e-3).toBeCloseTo((-gx[i] * 4) / (hess[i] + eps * 4), 10);
  });

  test("bad diagonals are refused with the entry named", () => {
    expect(() => diagonalPreconditioner(f, Float64Array.of(1, NaN), 1e-3)).toThrow(/hessianDiagonal\[1\]/);
    expect(() => diagonalPreconditioner(f, Float64Array.of(0, 0), 1e-3)).toThrow(/zero everywhere/);
  });
});
