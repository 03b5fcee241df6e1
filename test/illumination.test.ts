import { describe, expect, test } from "vitest";
import { field, flatten } from "../src/core/arrays.js";
import { taylorTest } from "../src/core/gradcheck.js";
import { diagonalPreconditioner } from "../src/inversion/precondition.js";
import type { Objective } from "../src/inversion/types.js";
import { WaveSimulator } from "../src/wave/simulator.js";
import { ricker } from "../src/wave/wavelet.js";

describe("illumination (diagonal pseudo-Hessian)", () => {
  test("in a homogeneous medium it is (c^2 / 4) * integral f'(t)^2 dt at every cell the pulse has crossed", () => {
    // u = (c/2) F(t - |x - xs|/c), so d2u/dt2 = (c/2) f'(t - |x - xs|/c) whatever x.
    const c = 2000, dx = 5, dt = 5e-4, nt = 1200, f0 = 15, nx = 201;
    const w = ricker(f0, nt, dt);
    const sim = new WaveSimulator({ nx, dx, dt, nt, pml: { width: 20, velocity: c }, warn: () => {}, shots: [{ source: 500, wavelet: w, receivers: [0] }] });
    const h = flatten(sim.illumination(field(new Float64Array(nx).fill(c), [nx])));
    let energy = 0; // integral of f'(t)^2 by the analytic derivative of the Ricker wavelet
    const delay = 1.5 / f0, a2 = (Math.PI * f0) ** 2;
    for (let n = 0; n < 20 * nt; n++) {
      const t = (n * dt) / 20 - delay;
      const d = (-6 * a2 * t + 4 * a2 * a2 * t ** 3) * Math.exp(-a2 * t * t);
      energy += d * d * (dt / 20);
    }
    const expected = ((c * c) / 4) * energy;
    // Cells 40 and 160 (300 m from the source either side). Measured 3.2e-4 relative: the
    // leapfrog's time error on f' at 0.5 ms; bound 1e-3.
    for (const i of [40, 160]) expect(Math.abs(h[i] / expected - 1)).toBeLessThan(1e-3);
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
