import { describe, expect, test } from "vitest";
import { run } from "../src/inversion/descent.js";
import { fista, softThreshold } from "../src/inversion/fista.js";
import { projectedLbfgs } from "../src/inversion/projected.js";
import type { Objective } from "../src/inversion/types.js";

const rosenbrock: Objective = (x, g) => {
  const a = x[1] - x[0] * x[0], b = 1 - x[0];
  g[0] = -400 * x[0] * a - 2 * b;
  g[1] = 200 * a;
  return 100 * a * a + b * b;
};

/** f = 0.5 sum w_i (x_i - b_i)^2. */
function weightedQuadratic(w: Float64Array, b: Float64Array): Objective {
  return (x, g) => {
    let v = 0;
    for (let i = 0; i < x.length; i++) {
      v += 0.5 * w[i] * (x[i] - b[i]) ** 2;
      g[i] = w[i] * (x[i] - b[i]);
    }
    return v;
  };
}

describe("projected L-BFGS", () => {
  test("resumed from the JSON state of iteration 7, it ends with the same bytes as an uninterrupted run", () => {
    const bounds = { lower: -2, upper: Float64Array.of(0.5, 2) };
    const whole = run(projectedLbfgs(rosenbrock, Float64Array.of(-1.2, 1), bounds, { maxIterations: 25, gradientTolerance: 0 }));
    let saved = "";
    run(projectedLbfgs(rosenbrock, Float64Array.of(-1.2, 1), bounds, { maxIterations: 7, gradientTolerance: 0 }), (e) => {
      saved = JSON.stringify(e.state);
    });
    const resumed = run(projectedLbfgs(rosenbrock, Float64Array.of(9, 9), bounds, { maxIterations: 25, gradientTolerance: 0, resume: JSON.parse(saved) }));
    expect([...resumed.x]).toEqual([...whole.x]);
    expect(resumed.value).toBe(whole.value);
    expect([resumed.iterations, resumed.evaluations]).toEqual([whole.iterations, whole.evaluations]);
    expect(() => run(projectedLbfgs(rosenbrock, Float64Array.of(0, 0, 0), { upper: 1 }, { resume: JSON.parse(saved) }))).toThrow(/^resume: the saved state is of projected-lbfgs with 2 variables/);
  });

  test("Rosenbrock with x <= 0.5 ends at the KKT point (0.5, 0.25), f = 0.25", () => {
    // At x = 0.5 the bound is active (df/dx = -1 < 0 pushes outward) and df/dy = 0 gives y = x^2.
    const r = run(projectedLbfgs(rosenbrock, Float64Array.of(-1.2, 1), { lower: -2, upper: Float64Array.of(0.5, 2) }, { gradientTolerance: 1e-9 }));
    expect(r.status).toBe("gradient-tolerance");
    expect(r.x[0]).toBe(0.5);
    expect(r.x[1]).toBeCloseTo(0.25, 8);
    expect(r.value).toBeCloseTo(0.25, 10);
  });

  test("a quadratic over a box lands on the clipped unconstrained minimizer", () => {
    const b = Float64Array.of(-1, 0.3, 2, 0.7, -0.2);
    const f = weightedQuadratic(Float64Array.of(1, 10, 100, 3, 0.5), b);
    const r = run(projectedLbfgs(f, new Float64Array(5).fill(0.5), { lower: 0, upper: 1 }));
    expect(r.success).toBe(true);
    const expected = b.map((v) => Math.min(Math.max(v, 0), 1));
    for (let i = 0; i < 5; i++) expect(r.x[i]).toBeCloseTo(expected[i], 8);
  });

  test("inconsistent bounds are refused with the index named", () => {
    expect(() => run(projectedLbfgs(rosenbrock, Float64Array.of(0, 0), { lower: Float64Array.of(0, 2), upper: 1 }))).toThrow(/bounds\[1\]: lower 2 exceeds upper 1/);
  });
});

describe("FISTA", () => {
  test("soft thresholding is the prox of tau |.|_1", () => {
    expect([...softThreshold(Float64Array.of(3, -0.5, -2, 0.2), 1)]).toEqual([2, 0, -1, 0]);
  });

  test("a separable LASSO reaches its closed-form solution with exact zeros", () => {
    // f = 0.5 sum w_i (x_i - b_i)^2 + mu |x|_1 has x_i = sign(b_i) max(|b_i| - mu / w_i, 0).
    const b = Float64Array.of(3, -0.2, 0.05, -4, 1, 0.5);
    const w = Float64Array.of(1, 2, 5, 0.5, 8, 1);
    const mu = 0.6;
    const f = weightedQuadratic(w, b);
    const r = run(fista(f, new Float64Array(6), { l1: mu, gradientTolerance: 1e-10, maxIterations: 5000 }));
    expect(r.status).toBe("gradient-tolerance");
    b.forEach((bi, i) => {
      const exact = Math.sign(bi) * Math.max(Math.abs(bi) - mu / w[i], 0);
      if (exact === 0) expect(r.x[i]).toBe(0);
      else expect(r.x[i]).toBeCloseTo(exact, 8);
    });
  });

  test("a sparse spike train is recovered from a smoothing blur, with zeros off the support", () => {
    // Data d = A x_true with A a Gaussian blur (ill-conditioned); L1 recovers the support.
    const n = 60;
    const truth = new Float64Array(n);
    truth[12] = 1;
    truth[30] = -0.7;
    truth[47] = 0.5;
    const A = (x: Float64Array, out: Float64Array) => {
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let j = Math.max(0, i - 6); j <= Math.min(n - 1, i + 6); j++) s += Math.exp(-(((i - j) / 2) ** 2)) * x[j];
        out[i] = s;
      }
      return out;
    };
    const d = A(truth, new Float64Array(n));
    const r0 = new Float64Array(n), back = new Float64Array(n);
    const f: Objective = (x, g) => {
      A(x, r0);
      let v = 0;
      for (let i = 0; i < n; i++) {
        r0[i] -= d[i];
        v += 0.5 * r0[i] * r0[i];
      }
      A(r0, back); // the blur is symmetric: A^T = A
      g.set(back);
      return v;
    };
    const r = run(fista(f, new Float64Array(n), { l1: 1e-3, maxIterations: 3000, gradientTolerance: 1e-9 }));
    const support = [...r.x].map((v, i) => (Math.abs(v) > 0.05 ? i : -1)).filter((i) => i >= 0);
    expect(support).toEqual([12, 30, 47]);
    expect(r.x[12]).toBeCloseTo(1, 1);
  });
});
