import { describe, expect, test } from "vitest";
import { run } from "../src/inversion/descent.js";
import { fire } from "../src/inversion/fire.js";
import { lbfgs } from "../src/inversion/methods.js";
import { energyObjective, randomCluster } from "../src/molecular/cluster.js";
import { lennardJones, PairPotential } from "../src/molecular/pair.js";
import { Potential } from "../src/molecular/potential.js";
import { PairTerm } from "../src/molecular/pair-term.js";

describe("FIRE", () => {
  test("relaxes a shaken LJ13 cluster until every force component is below 1e-6, to a minimum L-BFGS cannot lower", () => {
    const f = energyObjective(new Potential([new PairTerm(new PairPotential(lennardJones, [1, 1]))]));
    // A compact local minimum (L-BFGS from a random start), every coordinate shaken by up to 0.15.
    const base = run(lbfgs(f, randomCluster(13, 6, 0.8))).x;
    const x0 = base.map((v, i) => v + 0.15 * Math.sin(7.1 * i));
    const r = run(fire(f, x0, { maxForce: 1e-6, dt: 0.01, maxIterations: 20000 }));
    expect(r.status).toBe("gradient-tolerance");
    const g = new Float64Array(x0.length);
    f(r.x, g);
    expect(Math.max(...g.map(Math.abs))).toBeLessThanOrEqual(1e-6);
    // Both descend from the same start; a different basin is possible in principle, so compare
    // with L-BFGS from FIRE's own result: it must not find anything lower nearby.
    const polished = run(lbfgs(f, r.x, { gradientTolerance: 1e-10 }));
    expect(Math.abs(polished.value - r.value)).toBeLessThan(1e-9);
  });

  test("a quadratic bowl: FIRE reaches the minimizer", () => {
    const w = [1, 10, 100];
    const f = (x: Float64Array, g: Float64Array) => {
      let v = 0;
      for (let i = 0; i < 3; i++) {
        v += 0.5 * w[i] * (x[i] - i) ** 2;
        g[i] = w[i] * (x[i] - i);
      }
      return v;
    };
    const r = run(fire(f, Float64Array.of(5, -3, 7), { maxForce: 1e-9, dt: 0.01 }));
    expect(r.success).toBe(true);
    for (let i = 0; i < 3; i++) expect(Math.abs(r.x[i] - i)).toBeLessThan(1e-9);
  });
});
