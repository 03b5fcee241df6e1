import { describe, expect, test } from "vitest";
import { HarmonicAngles, HarmonicBonds } from "../src/molecular/bonded.js";
import { basinHopping } from "../src/inversion/basin-hopping.js";
import { run } from "../src/inversion/descent.js";
import { containment, energyObjective, randomCluster } from "../src/molecular/cluster.js";
import { buckingham, lennardJones, morse, PairPotential } from "../src/molecular/pair.js";
import { Potential } from "../src/molecular/potential.js";
import { PairTerm } from "../src/molecular/pair-term.js";

describe("Hessian-vector products", () => {
  test("match central differences of the analytic gradient (LJ force-shifted, Morse, Buckingham, bonds, angles), and the Hessian is symmetric", () => {
    const x = randomCluster(8, 5, 0.6);
    const pot = new Potential([
      new PairTerm(new PairPotential(lennardJones, [1, 1], 2.5, "force-shifted")),
      new PairTerm(new PairPotential(morse, [0.3, 1.3, 1.2])),
      new PairTerm(new PairPotential(buckingham, [200, 0.25, 1.5])),
      new HarmonicBonds([[0, 1], [2, 5], [3, 7]], 20, 1.1),
      new HarmonicAngles([[0, 1, 2], [4, 3, 6], [7, 5, 1]], 15, 1.8),
    ]);
    const v = x.map((_, i) => Math.sin(2.3 * i + 1));
    const hv = pot.hessianVector(x, v);
    const grad = (y: Float64Array) => {
      const g = new Float64Array(y.length);
      pot.evaluate(y, g);
      return g;
    };
    const h = 1e-5;
    const gp = grad(x.map((xi, i) => xi + h * v[i])), gm = grad(x.map((xi, i) => xi - h * v[i]));
    const scale = Math.max(...hv.map(Math.abs));
    // Central differences: error ~h^2 |E''''| and ~1e-16 |g| / h; bound 1e-6 of the largest entry.
    for (let i = 0; i < x.length; i++) expect(Math.abs(hv[i] - (gp[i] - gm[i]) / (2 * h))).toBeLessThan(1e-6 * scale);
    const H = pot.hessian(x), m = x.length;
    for (let a = 0; a < m; a++) for (let b = 0; b < a; b++) expect(Math.abs(H[a * m + b] - H[b * m + a])).toBeLessThan(1e-12 * scale);
  });

  test("at the LJ13 minimum, translations and rotations are zero modes of the Hessian", () => {
    const pot = new Potential([new PairTerm(new PairPotential(lennardJones, [1, 1]))]);
    const r = run(basinHopping(energyObjective(pot), randomCluster(13, 2), {
      seed: 2, steps: 100, temperature: 0.8, stepSize: 0.4, target: -44.326801, targetTolerance: 1e-5, gradientTolerance: 1e-10, constrain: containment(3.9),
    }));
    const x = r.x, n = 13;
    const c = [0, 1, 2].map((a) => x.filter((_, i) => i % 3 === a).reduce((s, v) => s + v, 0) / n);
    const diag = Math.max(...pot.hessian(x).filter((_, i) => i % (3 * n + 1) === 0));
    for (let a = 0; a < 3; a++) {
      const t = new Float64Array(3 * n);
      for (let i = 0; i < n; i++) t[3 * i + a] = 1;
      const w = new Float64Array(3 * n); // rotation about axis a: omega x (x - c)
      const [p, q] = [(a + 1) % 3, (a + 2) % 3];
      for (let i = 0; i < n; i++) {
        w[3 * i + q] = x[3 * i + p] - c[p];
        w[3 * i + p] = -(x[3 * i + q] - c[q]);
      }
      // Translations: exactly zero by pair symmetry (round-off). Rotations: zero at a stationary point,
      // up to the residual gradient (< 1e-10) times the lever arm.
      for (const [mode, tol] of [[t, 1e-12], [w, 1e-8]] as const) {
        const hv = pot.hessianVector(x, mode);
        expect(Math.max(...hv.map(Math.abs))).toBeLessThan(tol * diag);
      }
    }
  });
});
