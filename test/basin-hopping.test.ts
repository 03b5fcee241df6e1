import { describe, expect, test } from "vitest";
import { basinHopping, type BasinHoppingEvent } from "../src/inversion/basin-hopping.js";
import { lbfgsRelaxation, type LocalMinimizer } from "../src/inversion/basin-hopping-parts.js";
import { run } from "../src/inversion/descent.js";
import { lbfgs } from "../src/inversion/methods.js";
import { containment, energyObjective, randomCluster } from "../src/molecular/cluster.js";
import { lennardJones, PairPotential } from "../src/molecular/pair.js";
import { Potential } from "../src/molecular/potential.js";
import { PairTerm } from "../src/molecular/pair-term.js";

// Global minima of Lennard-Jones clusters (epsilon = sigma = 1), Cambridge Cluster Database.
const CCD: Record<number, number> = { 7: -16.505384, 8: -19.821489, 13: -44.326801 };

const lj = () => new Potential([new PairTerm(new PairPotential(lennardJones, [1, 1]))]);

describe("basin hopping on Lennard-Jones clusters", () => {
  for (const n of [7, 8, 13]) {
    test(`LJ${n} reaches the tabulated global minimum ${CCD[n]} from random starts (5 seeds, <= 300 steps each)`, () => {
      const f = energyObjective(lj());
      for (let seed = 1; seed <= 5; seed++) {
        const r = run(basinHopping(f, randomCluster(n, seed), {
          seed, steps: 300, temperature: 0.8, stepSize: 0.4, target: CCD[n], targetTolerance: 1e-5,
          constrain: containment(Math.cbrt(n) + 1.5),
        }));
        expect(r.status).toBe("target-reached");
        // The tabulated value has 6 decimals; the relaxed minimum agrees to them.
        expect(Math.abs(r.value - CCD[n])).toBeLessThan(1e-5);
        // The search relaxes to |g| <= 3e-3; the minimum it reports is tightened to the final
        // tolerance, checked here by the gradient at the point returned (not the optimizer's figure).
        const g = new Float64Array(3 * n);
        expect(f(r.x, g)).toBe(r.value);
        expect(Math.hypot(...g)).toBeLessThanOrEqual(1e-6);
      }
    });
  }

  test("a search that ends on its step budget reports its lowest minimum at the final tolerance; target-reached only at it", () => {
    const f = energyObjective(lj());
    const events: BasinHoppingEvent[] = [];
    const r = run(basinHopping(f, randomCluster(13, 4), { seed: 2, steps: 15, temperature: 0.8, stepSize: 0.4, gradientTolerance: 1e-8, searchTolerance: 1e-2 }), (e) => void events.push(e));
    expect(r.status).toBe("max-steps");
    const g = new Float64Array(39);
    expect(f(r.x, g)).toBe(r.value);
    expect(Math.hypot(...g)).toBeLessThanOrEqual(1e-8);
    // The trials stopped at the search tolerance, most well above the final one.
    expect(events.every((e) => e.trial.gradientNorm <= 1e-2)).toBe(true);
    expect(events.filter((e) => e.trial.gradientNorm > 1e-6).length).toBeGreaterThan(10);
    // Given the value found as a target, the same search stops there, at a tightened minimum.
    const s = run(basinHopping(f, randomCluster(13, 4), { seed: 2, steps: 15, temperature: 0.8, stepSize: 0.4, gradientTolerance: 1e-8, searchTolerance: 1e-2, target: r.value, targetTolerance: 1e-9 }));
    expect(s.status).toBe("target-reached");
    expect(f(s.x, g)).toBe(s.value);
    expect(Math.hypot(...g)).toBeLessThanOrEqual(1e-8);
    expect(() => run(basinHopping(f, randomCluster(13, 4), { seed: 2, steps: 1, temperature: 0.8, stepSize: 0.4, searchTolerance: 1e-7 }))).toThrow(/^searchTolerance: 1e-7 is below gradientTolerance/);
  });

  test("the same seed gives the same search, step for step", () => {
    const f = energyObjective(lj());
    const search = () => run(basinHopping(f, randomCluster(13, 4), { seed: 9, steps: 20, temperature: 0.8, stepSize: 0.4 }));
    const a = search(), b = search();
    expect(a.accepted.map((m) => m.value)).toEqual(b.accepted.map((m) => m.value));
    expect([...a.x]).toEqual([...b.x]);
  });

  test("a relaxation that did not reach a minimum is never accepted", () => {
    const f = energyObjective(lj());
    // The start relaxes fully; then two L-BFGS iterations per relaxation: every trial stops with its
    // budget spent (status max-iterations, gradient far from zero), so no step may be accepted,
    // however the Metropolis test would have judged its energy (it accepted some before).
    const full = lbfgsRelaxation(), two = lbfgsRelaxation({ localIterations: 2 });
    let calls = 0;
    const localMinimizer: LocalMinimizer = { relax: (g, x, budget) => (calls++ === 0 ? full : two).relax(g, x, budget) };
    const events: BasinHoppingEvent[] = [];
    const r = run(basinHopping(f, randomCluster(13, 4), { seed: 9, steps: 30, temperature: 1e6, stepSize: 0.4, localMinimizer }), (e) => void events.push(e));
    expect(r.iterations).toBe(30);
    expect(events[0].trial.converged).toBe(true);
    expect(events.slice(1).every((e) => !e.trial.converged)).toBe(true);
    expect(events.filter((e) => e.accepted !== undefined).map((e) => e.iteration)).toEqual([0]);
    expect(r.accepted.map((m) => m.step)).toEqual([0]);
  });
});

describe("relaxing from overlapping atoms", () => {
  test("L-BFGS leaves a start of energy 2e13 and reaches the gradient tolerance (a failed search is retried along steepest descent)", () => {
    const f = energyObjective(lj());
    // Seed 80 puts two atoms almost on top of each other; after the first step the L-BFGS memory
    // described the wall, and its next search used to fail at |g| = 4e5.
    const x0 = randomCluster(13, 80);
    const g = new Float64Array(x0.length);
    expect(f(x0, g)).toBeGreaterThan(1e13);
    const r = run(lbfgs(f, x0, { gradientTolerance: 1e-6, maxIterations: 1000 }));
    expect(r.status).toBe("gradient-tolerance");
    // Checked independently of the optimizer's own figure: the gradient at the point it returns.
    f(r.x, g);
    expect(Math.hypot(...g)).toBeLessThanOrEqual(1e-6);
    expect(r.value).toBeLessThan(-35);
  });
});

describe("recognizing repeated minima", () => {
  test("a rotated, translated, renumbered copy is the same structure; a different minimum is not", async () => {
    const { distinctStructures } = await import("../src/molecular/cluster.js");
    const f = energyObjective(lj());
    const a = run(basinHopping(f, randomCluster(13, 1), { seed: 1, steps: 50, temperature: 0.8, stepSize: 0.4, target: CCD[13], targetTolerance: 1e-5 })).x;
    // Rotate by 0.7 rad about z, shift, and reverse the atom order.
    const c = Math.cos(0.7), s = Math.sin(0.7);
    const b = new Float64Array(39);
    for (let i = 0; i < 13; i++) {
      const [x, y, z] = [a[3 * i], a[3 * i + 1], a[3 * i + 2]];
      b.set([c * x - s * y + 5, s * x + c * y - 2, z + 1], 3 * (12 - i));
    }
    // A local minimum relaxed straight from a random start: a higher-energy structure.
    const other = run(lbfgs(f, randomCluster(13, 2))).x;
    expect(f(other, new Float64Array(39)) - f(a, new Float64Array(39))).toBeGreaterThan(0.1);
    expect([...distinctStructures([a, b, other])]).toEqual([0, 0, 1]);
  });
});
