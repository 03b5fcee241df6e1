import { linearizationErrors } from "./helpers/differences.js";
import { describe, expect, test, vi } from "vitest";
import { field, flatten } from "../src/core/arrays.js";
import { Random } from "../src/core/random.js";
import { run } from "../src/inversion/descent.js";
import { laplaceCovariance } from "../src/inversion/laplace.js";
import { lbfgs } from "../src/inversion/methods.js";
import { leastSquares } from "../src/inversion/misfit.js";
import { dataObjective } from "../src/inversion/objective.js";
import { logarithm } from "../src/inversion/parametrization.js";
import { ParameterEnergies } from "../src/molecular/calibration.js";
import { lennardJones, morse, PairPotential } from "../src/molecular/pair.js";
import { HarmonicAngles, HarmonicBonds } from "../src/molecular/bonded.js";
import { randomCluster } from "../src/molecular/cluster.js";
import { Potential } from "../src/molecular/potential.js";
import { PairTerm } from "../src/molecular/pair-term.js";

// A Morse dimer curve: D_e = 0.5, a = 1.6, r_e = 1.4, sampled at 30 separations, noise 0.005.
const truth = [0.5, 1.6, 1.4], sigma = 0.005;
const dimers = Array.from({ length: 30 }, (_, k) => Float64Array.of(0, 0, 0, 1.0 + (2.5 * k) / 29, 0, 0));

function fit(seed: number): { p: Float64Array; se: Float64Array } {
  const sim = new ParameterEnergies(new Potential([new PairTerm(new PairPotential(morse, truth))]), dimers);
  const clean = flatten(sim.forward(field(Float64Array.from(truth), [3])));
  const rng = new Random(seed);
  const observed = clean.map((e) => e + sigma * rng.normal());
  const problem = dataObjective({ simulator: sim, observed: field(observed, [30]), misfit: leastSquares(), modelShape: [3] });
  const r = run(lbfgs(problem.objective, Float64Array.of(0.3, 1.0, 1.6), { gradientTolerance: 1e-12, maxIterations: 500 }));
  const { standardErrors } = laplaceCovariance(sim, field(r.x, [3]), sigma);
  return { p: r.x, se: standardErrors };
}

describe("calibration of a potential to a dimer curve", () => {
  test("parameter energies: jvp and vjp match central differences of the energies", () => {
    const sim = new ParameterEnergies(new Potential([new PairTerm(new PairPotential(morse, truth))]), dimers);
    // Tolerance 1e-6: see linearizationErrors (the dot test alone would pass by construction, both
    // products coming from one stored Jacobian).
    const e = linearizationErrors(sim, field(Float64Array.from(truth), [3]), field(Float64Array.of(0.3, -0.7, 0.5), [3]), field(Float64Array.from({ length: 30 }, (_, k) => Math.cos(k)), [30]));
    expect(e.jvp).toBeLessThan(1e-6);
    expect(e.vjp).toBeLessThan(1e-6);
  });

  test("the fit recovers D_e, a, r_e within 3 standard errors, and the Laplace errors match the spread over 40 noise draws", () => {
    const one = fit(1);
    for (let k = 0; k < 3; k++) expect(Math.abs(one.p[k] - truth[k])).toBeLessThan(3 * one.se[k]);
    const draws = Array.from({ length: 40 }, (_, s) => fit(100 + s).p);
    for (let k = 0; k < 3; k++) {
      const mean = draws.reduce((a, p) => a + p[k], 0) / draws.length;
      const sd = Math.sqrt(draws.reduce((a, p) => a + (p[k] - mean) ** 2, 0) / (draws.length - 1));
      // A sample standard deviation of 40 draws is within ~11% (1 sigma) of the true one; bound 35%.
      expect(Math.abs(sd / one.se[k] - 1)).toBeLessThan(0.35);
    }
  });

  test("energies and forces together: jvp and vjp match central differences (pair and bonded terms)", () => {
    const pot = new Potential([
      new PairTerm(new PairPotential(lennardJones, [1, 1], 2.5, "force-shifted")),
      new HarmonicBonds([[0, 1], [1, 2]], 20, 1.1),
      new HarmonicAngles([[0, 1, 2]], 15, 1.8),
    ]);
    const configurations = [randomCluster(4, 1, 0.6), randomCluster(5, 2, 0.6)];
    const sim = new ParameterEnergies(pot, configurations, { forces: true });
    expect(sim.dataSize).toBe(2 + 12 + 15);
    // forward costs one evaluation per configuration (no parameter derivatives) and gives the
    // linearization's data to the last bit. (Counted on every Potential: each call evaluates the
    // potential of its parameters, a new one.)
    let mixedCalls = 0;
    const mixed = Potential.prototype.mixedDerivative;
    const spy = vi.spyOn(Potential.prototype, "mixedDerivative").mockImplementation(function (this: Potential, x) {
      mixedCalls++;
      return mixed.call(this, x);
    });
    const values = flatten(sim.forward(field(pot.parameters(), [6])));
    expect(mixedCalls).toBe(0);
    expect([...values]).toEqual([...flatten(sim.linearize(field(pot.parameters(), [6])).data)]);
    expect(mixedCalls).toBe(2);
    spy.mockRestore();
    const e = linearizationErrors(sim, field(pot.parameters(), [6]), field(Float64Array.of(0.1, -0.05, 2, 0.1, -1.5, 0.05), [6]), field(Float64Array.from({ length: 29 }, (_, k) => Math.sin(1.3 * k + 0.2)), [29]));
    expect(e.jvp).toBeLessThan(1e-6);
    expect(e.vjp).toBeLessThan(1e-6);
  });

  test("fitting energies and forces (log-parametrized) recovers the Morse parameters within 3 standard errors, with smaller errors than energies alone", () => {
    const sim = new ParameterEnergies(new Potential([new PairTerm(new PairPotential(morse, truth))]), dimers, { forces: true });
    const clean = flatten(sim.forward(field(Float64Array.from(truth), [3])));
    const rng = new Random(7);
    const forceSigma = 0.02;
    const noise = Float64Array.from(clean, (_, k) => (k < 30 ? sigma : forceSigma));
    const observed = clean.map((v, k) => v + noise[k] * rng.normal());
    const problem = dataObjective({
      simulator: sim, observed: field(observed, [clean.length]), misfit: leastSquares(noise.map((s) => 1 / (s * s))), modelShape: [3], parametrization: logarithm,
    });
    const start = Float64Array.of(0.3, 1.0, 1.6).map(Math.log);
    const r = run(lbfgs(problem.objective, start, { gradientTolerance: 1e-10, maxIterations: 500 }));
    const p = r.x.map(Math.exp);
    const both = laplaceCovariance(sim, field(p, [3]), noise).standardErrors;
    const energiesOnly = fit(7).se;
    for (let k = 0; k < 3; k++) {
      expect(Math.abs(p[k] - truth[k])).toBeLessThan(3 * both[k]);
      // Forces add 60 data with their own information about a and r_e: each error shrinks.
      expect(both[k]).toBeLessThan(energiesOnly[k]);
    }
  });
});
