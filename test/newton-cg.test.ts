/**
 * Trust-region Newton-CG (Steihaug): one outer iteration on an exact
 * quadratic, a step to the boundary along negative curvature at a saddle, and
 * quadratic convergence relaxing an LJ13 cluster with the potential's analytic
 * Hessian-vector products, compared with L-BFGS on the same start.
 */
import { describe, expect, test } from "vitest";
import { run } from "../src/inversion/descent.js";
import { lbfgs } from "../src/inversion/methods.js";
import { newtonCG, type NewtonCGEvent } from "../src/inversion/newton-cg.js";
import type { Objective } from "../src/inversion/types.js";
import { energyObjective, randomCluster } from "../src/molecular/cluster.js";
import { lennardJones, PairPotential } from "../src/molecular/pair.js";
import { PairTerm } from "../src/molecular/pair-term.js";
import { Potential } from "../src/molecular/potential.js";

describe("trust-region Newton-CG", () => {
  test("on an exact quadratic (condition 1e4) with a large radius, one outer iteration reaches the minimizer", () => {
    const n = 30;
    const lambda = Float64Array.from({ length: n }, (_, i) => 1e4 ** (i / (n - 1)));
    const b = Float64Array.from({ length: n }, (_, i) => Math.sin(i + 1));
    // f = 0.5 x' D x - b' x: minimizer b / lambda.
    const f: Objective = (x, g) => {
      let v = 0;
      for (let i = 0; i < n; i++) {
        g[i] = lambda[i] * x[i] - b[i];
        v += 0.5 * lambda[i] * x[i] * x[i] - b[i] * x[i];
      }
      return v;
    };
    const hessianVector = (_x: Float64Array, v: Float64Array, out: Float64Array) => out.set(v.map((vi, i) => lambda[i] * vi));
    const events: NewtonCGEvent[] = [];
    // CG to 1e-13 of |g|: the Newton step is exact to round-off (about kappa * eps = 2e-12 relative).
    const r = run(newtonCG(f, new Float64Array(n), { hessianVector, radius: 1e3, cgTolerance: 1e-13, cgIterations: 200, gradientTolerance: 1e-10 }), (e) => void events.push(e));
    expect(r.status).toBe("gradient-tolerance");
    expect(r.iterations).toBe(1);
    expect(r.evaluations).toBe(2);
    expect(events[0].accepted).toBe(true);
    for (let i = 0; i < n; i++) expect(Math.abs(r.x[i] - b[i] / lambda[i])).toBeLessThan(1e-11);
  });

  test("at a saddle, CG meets negative curvature and steps to the boundary; the run ends at a minimum", () => {
    // f = x^2 - y^2 + y^4: saddle at 0, minima (0, +-1/sqrt 2) with f = -1/4; H = diag(2, 12 y^2 - 2).
    const f: Objective = (p, g) => {
      const [x, y] = p;
      g[0] = 2 * x;
      g[1] = -2 * y + 4 * y ** 3;
      return x * x - y * y + y ** 4;
    };
    const hessianVector = (p: Float64Array, v: Float64Array, out: Float64Array) => out.set([2 * v[0], (12 * p[1] ** 2 - 2) * v[1]]);
    const events: NewtonCGEvent[] = [];
    const r = run(newtonCG(f, Float64Array.of(0.5, 0.01), { hessianVector, radius: 0.3, gradientTolerance: 1e-12 }), (e) => void events.push(e));
    // Newton's step on the indefinite model would go to the saddle; Steihaug leaves along -y at |p| = radius.
    expect(events[0].step).toBeCloseTo(0.3, 14);
    expect(r.status).toBe("gradient-tolerance");
    expect(r.value).toBeCloseTo(-0.25, 14);
    expect(Math.abs(r.x[1])).toBeCloseTo(Math.SQRT1_2, 12);
  });

  test("relaxes an LJ13 cluster from near a minimum with quadratic convergence, in a tenth of L-BFGS's iterations", () => {
    const pot = new Potential([new PairTerm(new PairPotential(lennardJones, [1, 1]))]);
    const f = energyObjective(pot);
    // A local minimum (L-BFGS from a random start), every coordinate moved by up to 0.01 (|g| = 8.3).
    const minimum = run(lbfgs(f, randomCluster(13, 6, 0.8), { gradientTolerance: 1e-10 })).x;
    const x0 = minimum.map((v, i) => v + 0.01 * Math.sin(7.1 * i));
    const hessianVector = (x: Float64Array, v: Float64Array, out: Float64Array) => out.set(pot.hessianVector(x, v));
    const norms: number[] = [];
    const newton = run(newtonCG(f, x0, { hessianVector, gradientTolerance: 1e-9 }), (e) => {
      expect(e.accepted).toBe(true);
      norms.push(e.gradientNorm);
    });
    expect(newton.status).toBe("gradient-tolerance");
    // Measured |g| by iteration: 1.9, 0.71, 0.32, 0.055, 2.5e-3, 4.8e-6, 2.2e-11: once |g| < 0.1
    // the logarithm doubles (ratios 2.08, 2.04, 2.00), the forcing term min(0.5, |g|)|g| at work.
    const tail = norms.filter((g) => g < 0.1);
    expect(tail.length).toBeGreaterThanOrEqual(4);
    for (let k = 1; k < tail.length; k++) expect(Math.log(tail[k]) / Math.log(tail[k - 1])).toBeGreaterThanOrEqual(1.6);
    const quasi = run(lbfgs(f, x0, { gradientTolerance: 1e-9 }));
    expect(quasi.status).toBe("gradient-tolerance");
    expect(Math.abs(newton.value - quasi.value)).toBeLessThan(1e-12); // the same minimum
    // Measured: Newton-CG 7 iterations, 8 evaluations and 76 Hessian-vector products;
    // L-BFGS 70 iterations and 80 evaluations. A product costs about an evaluation here, so the
    // work is alike; the iterations (the count of sequential outer steps) differ tenfold.
    expect(newton.iterations).toBeLessThanOrEqual(8);
    expect(newton.hessianProducts).toBeLessThanOrEqual(90);
    expect(quasi.iterations).toBeGreaterThanOrEqual(5 * newton.iterations);
    // Without products, forward differences of the gradient: measured 7 iterations, 89 evaluations.
    const differenced = run(newtonCG(f, x0, { gradientTolerance: 1e-9 }));
    expect(differenced.status).toBe("gradient-tolerance");
    expect(differenced.iterations).toBeLessThanOrEqual(8);
    expect(Math.abs(differenced.value - quasi.value)).toBeLessThan(1e-12);
  });

  test("with products, the default evaluation budget lets the run spend its iterations (a trial a step, and the start)", () => {
    // Rosenbrock with its exact Hessian, from (-1.2, 1): far from converged after 3 iterations.
    const f: Objective = ([x, y], g) => {
      g[0] = -2 * (1 - x) - 400 * x * (y - x * x);
      g[1] = 200 * (y - x * x);
      return (1 - x) ** 2 + 100 * (y - x * x) ** 2;
    };
    const hessianVector = ([x, y]: Float64Array, v: Float64Array, out: Float64Array) => {
      out[0] = (2 - 400 * (y - x * x) + 800 * x * x) * v[0] - 400 * x * v[1];
      out[1] = -400 * x * v[0] + 200 * v[1];
    };
    const r = run(newtonCG(f, Float64Array.of(-1.2, 1), { hessianVector, maxIterations: 3, gradientTolerance: 0 }));
    expect(r.status).toBe("max-iterations");
    expect(r.iterations).toBe(3);
    expect(r.evaluations).toBe(4);
  });
});
