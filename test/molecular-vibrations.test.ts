import { EigenvalueDecomposition, Matrix } from "ml-matrix";
import { describe, expect, test } from "vitest";
import { HarmonicAngles, HarmonicBonds } from "../src/molecular/bonded.js";
import { basinHopping } from "../src/inversion/basin-hopping.js";
import { run } from "../src/inversion/descent.js";
import { containment, energyObjective, randomCluster } from "../src/molecular/cluster.js";
import { lennardJones, morse, PairPotential } from "../src/molecular/pair.js";
import { Potential } from "../src/molecular/potential.js";
import { PairTerm } from "../src/molecular/pair-term.js";
import { vibrationalFrequencies } from "../src/molecular/vibrations.js";

describe("vibrational frequencies", () => {
  test("a Morse diatomic vibrates at a sqrt(2 D_e / mu), with 5 rigid modes removed", () => {
    const [de, a, re, m1, m2] = [0.8, 1.9, 1.3, 1.0, 3.0];
    const pot = new Potential([new PairTerm(new PairPotential(morse, [de, a, re]))]);
    const x = Float64Array.of(0.1, -0.2, 0.3, 0.1 + re * 0.6, -0.2 + re * 0.8, 0.3);
    const v = vibrationalFrequencies(pot, x, [m1, m2]);
    expect(v.rigidModes).toBe(5);
    expect(v.frequencies.length).toBe(1);
    const mu = (m1 * m2) / (m1 + m2);
    expect(v.frequencies[0] / (a * Math.sqrt((2 * de) / mu)) - 1).toBeCloseTo(0, 10);
  });

  test("a bent triatomic vibrates at the frequencies of Wilson's GF method; the LJ13 minimum's 33 match a finite-difference Hessian", () => {
    const r0 = 1, t0 = 1.8, kr = 50, kt = 10, mx = 16, my = 1;
    const tri = new Potential([new HarmonicBonds([[0, 1], [0, 2]], kr, r0), new HarmonicAngles([[1, 0, 2]], kt, t0)]);
    const v = vibrationalFrequencies(tri, Float64Array.of(0, 0, 0, r0, 0, 0, r0 * Math.cos(t0), r0 * Math.sin(t0), 0), [mx, my, my]);
    expect(v.rigidModes).toBe(6);
    expect(v.frequencies.length).toBe(3);
    // Symmetric XY2 with E = k_r/2 (dr1^2 + dr2^2) + k_t/2 dtheta^2 (Wilson, Decius & Cross ch. 4):
    // G11 = 1/my + (1 + cos t)/mx, G22 = 2/r^2 (1/my + (1 - cos t)/mx), G12 = -sqrt(2)/r sin t / mx
    // for the symmetric stretch and the bend; the antisymmetric stretch alone: k_r (1/my + (1 - cos t)/mx).
    const [G11, G22, G12] = [1 / my + (1 + Math.cos(t0)) / mx, (2 / r0 ** 2) * (1 / my + (1 - Math.cos(t0)) / mx), (-Math.SQRT2 / r0) * Math.sin(t0) / mx];
    const sum = G11 * kr + G22 * kt, product = (G11 * G22 - G12 * G12) * kr * kt;
    const root = Math.sqrt(sum * sum - 4 * product);
    const expected = [(sum - root) / 2, (sum + root) / 2, kr * (1 / my + (1 - Math.cos(t0)) / mx)].sort((a, b) => a - b);
    const got = Array.from(v.frequencies, (f) => f * f).sort((a, b) => a - b);
    for (let k = 0; k < 3; k++) expect(got[k] / expected[k] - 1).toBeCloseTo(0, 10);
    const lj = new Potential([new PairTerm(new PairPotential(lennardJones, [1, 1]))]);
    const r = run(basinHopping(energyObjective(lj), randomCluster(13, 3), { seed: 3, steps: 100, temperature: 0.8, stepSize: 0.4, target: -44.326801, targetTolerance: 1e-5, gradientTolerance: 1e-10, constrain: containment(3.9) }));
    const f = vibrationalFrequencies(lj, r.x).frequencies;
    expect(f.length).toBe(33);
    // A minimum: every remaining mode has a positive curvature (smallest well above round-off).
    expect(f[0]).toBeGreaterThan(1);
    // The same spectrum from a Hessian made by central differences of the forces (step 1e-5:
    // errors ~1e-10 from truncation, ~1e-11 from round-off), without the analytic Hessian; its six
    // rigid-body eigenvalues are the six nearest zero.
    const n = r.x.length, h = 1e-5;
    const gradientAt = (x: Float64Array) => {
      const g = new Float64Array(n);
      lj.evaluate(x, g);
      return g;
    };
    const H = Matrix.zeros(n, n);
    for (let j = 0; j < n; j++) {
      const plus = Float64Array.from(r.x), minus = Float64Array.from(r.x);
      plus[j] += h;
      minus[j] -= h;
      const [gp, gm] = [gradientAt(plus), gradientAt(minus)];
      for (let i = 0; i < n; i++) H.set(i, j, (gp[i] - gm[i]) / (2 * h));
    }
    const symmetric = H.add(H.transpose()).mul(0.5);
    const eigen = new EigenvalueDecomposition(symmetric, { assumeSymmetric: true }).realEigenvalues.sort((a, b) => Math.abs(a) - Math.abs(b));
    const reference = eigen.slice(6).map(Math.sqrt).sort((a, b) => a - b);
    const largest = reference[reference.length - 1];
    for (let k = 0; k < 33; k++) expect(Math.abs(f[k] - reference[k]) / largest).toBeLessThan(1e-6);
  });
});
