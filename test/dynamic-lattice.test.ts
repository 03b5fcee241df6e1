import { describe, expect, test } from "vitest";
import { basinHopping } from "../src/inversion/basin-hopping.js";
import { lbfgsRelaxation, type LocalMinimizer } from "../src/inversion/basin-hopping-parts.js";
import { run } from "../src/inversion/descent.js";
import { lbfgs } from "../src/inversion/methods.js";
import { energyObjective, randomCluster } from "../src/molecular/cluster.js";
import { lennardJones, morse, PairPotential } from "../src/molecular/pair.js";
import { Potential } from "../src/molecular/potential.js";
import { PairTerm } from "../src/molecular/pair-term.js";
import { clusterSearch } from "../src/search/cluster-search.js";
import { dynamicLatticeRelaxation, latticeSearch, latticeSites, pairMinimum } from "../src/search/dynamic-lattice.js";

const pair = new PairPotential(lennardJones, [1, 1]);
const f = energyObjective(new Potential([new PairTerm(pair)]));
const R0 = 2 ** (1 / 6);

/** The lattice energy written out: every pair of the (unrelaxed) atoms, the LJ formula. */
function ljEnergy(x: Float64Array): number {
  const n = x.length / 3;
  let e = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const r2 = (x[3 * i] - x[3 * j]) ** 2 + (x[3 * i + 1] - x[3 * j + 1]) ** 2 + (x[3 * i + 2] - x[3 * j + 2]) ** 2;
      const s6 = 1 / r2 ** 3;
      e += 4 * (s6 * s6 - s6);
    }
  }
  return e;
}

/** The LJ13 global minimum: a centred icosahedron (vertices (0, ±1, ±phi) and cyclic), relaxed. */
function lj13(): Float64Array {
  const phi = (1 + Math.sqrt(5)) / 2, s = R0 / 2; // edge 2 s = r0 before relaxing
  const x = [0, 0, 0];
  for (const a of [-1, 1]) for (const b of [-phi, phi]) x.push(0, a * s, b * s, a * s, b * s, 0, b * s, 0, a * s);
  return run(lbfgs(f, Float64Array.from(x), { gradientTolerance: 1e-10 })).x;
}

describe("dynamic lattice", () => {
  test("the pair minimum is where dE/dr = 0: 2^(1/6) sigma for Lennard-Jones, r_e for Morse (1e-12 relative)", () => {
    expect(Math.abs(pairMinimum(pair) - R0)).toBeLessThan(1e-12 * R0);
    expect(Math.abs(pairMinimum(new PairPotential(lennardJones, [2, 1.3])) - 1.3 * R0)).toBeLessThan(1e-12 * R0);
    expect(Math.abs(pairMinimum(new PairPotential(morse, [1, 5, 1.7])) - 1.7)).toBeLessThan(1e-12);
  });

  test("LJ13's lattice is its 20 face sites: each at r0 from exactly the 3 atoms of its face (1e-9 relative), none closer than 0.8 r0 to an atom", () => {
    const x = lj13();
    expect(Math.abs(f(x, new Float64Array(39)) - -44.326801)).toBeLessThan(1e-6);
    const sites = latticeSites(x, R0);
    expect(sites.length / 3).toBe(20);
    for (let s = 0; s < sites.length; s += 3) {
      const d = Array.from({ length: 13 }, (_, a) => Math.hypot(sites[s] - x[3 * a], sites[s + 1] - x[3 * a + 1], sites[s + 2] - x[3 * a + 2]));
      expect(d.filter((v) => Math.abs(v - R0) <= 1e-9 * R0).length).toBe(3);
      expect(Math.min(...d)).toBeGreaterThanOrEqual(0.8 * R0);
      // Outside: farther from the centre (atom 0) than the surface atoms.
      expect(d[0]).toBeGreaterThan(Math.max(...Array.from({ length: 12 }, (_, a) => Math.hypot(x[3 * a + 3] - x[0], x[3 * a + 4] - x[1], x[3 * a + 5] - x[2]))));
    }
  });

  test("a lattice search never raises the lattice energy: on 12 relaxed LJ38 clusters the energy written out falls by exactly the change it reports (1e-9 relative), and moved atoms sit on sites", () => {
    let moved = 0;
    for (let seed = 1; seed <= 12; seed++) {
      const x = run(lbfgs(f, randomCluster(38, seed), { memory: 40 })).x;
      const before = ljEnergy(x), y = Float64Array.from(x);
      const sites = latticeSites(x, R0);
      const { moves, change } = latticeSearch(pair, y, R0);
      const after = ljEnergy(y);
      expect(Math.abs(after - (before + change))).toBeLessThanOrEqual(1e-9 * Math.abs(before));
      if (moves > 0) expect(change).toBeLessThan(0);
      else expect([...y]).toEqual([...x]);
      moved += moves;
      // Every atom is where an atom was, or on a site of the lattice built from x (or a place an atom left).
      for (let a = 0; a < 38; a++) {
        const onPoint = (p: Float64Array) => {
          for (let k = 0; k < p.length; k += 3) if (p[k] === y[3 * a] && p[k + 1] === y[3 * a + 1] && p[k + 2] === y[3 * a + 2]) return true;
          return false;
        };
        expect(onPoint(x) || onPoint(sites)).toBe(true);
      }
    }
    expect(moved).toBeGreaterThan(0); // random-start minima have badly placed surface atoms to move
  });

  test("the lattice relaxation returns its lowest minimum, no higher than the first relaxation's, and counts every relaxation it made", () => {
    let calls = 0;
    const counting = (inner: LocalMinimizer): LocalMinimizer => ({ relax: (g, x, m) => (calls++, inner.relax(g, x, m)) });
    const relaxation = dynamicLatticeRelaxation(pair, counting(lbfgsRelaxation()), counting(lbfgsRelaxation()), { rounds: 5 });
    for (let seed = 1; seed <= 5; seed++) {
      calls = 0;
      const x0 = randomCluster(38, seed);
      const first = lbfgsRelaxation().relax(f, Float64Array.from(x0), Infinity);
      const r = relaxation.relax(f, Float64Array.from(x0), Infinity);
      expect(r.converged).toBe(true);
      expect(r.value).toBeLessThanOrEqual(first.value);
      expect(r.minimizations).toBe(calls);
      expect(calls).toBeLessThanOrEqual(6);
    }
    expect(() => dynamicLatticeRelaxation(pair, lbfgsRelaxation(), lbfgsRelaxation(), { rounds: 0 })).toThrow(/^rounds/);
  });

  test("the search's budget of local minimizations: it ends with the step that spends it, status max-minimizations", () => {
    const relaxation = dynamicLatticeRelaxation(pair, lbfgsRelaxation(), lbfgsRelaxation(), { rounds: 3 });
    const r = run(basinHopping(f, randomCluster(26, 2), { seed: 1, steps: 1000, maxMinimizations: 40, temperature: 0.8, stepSize: 0.4, localMinimizer: relaxation }));
    expect(r.status).toBe("max-minimizations");
    const start = relaxation.relax(f, Float64Array.from(randomCluster(26, 2)), Infinity).minimizations!;
    // At most 4 relaxations a step (1 + 3 rounds): the last step began below the budget.
    expect(r.localMinimizations - start).toBeGreaterThanOrEqual(40);
    expect(r.localMinimizations - start).toBeLessThan(40 + 4);
  });

  test("LJ75's Marks decahedron (-397.492331) is reached from a seeded random start within 400 local minimizations with compression 1, reseeds after 10 and lattice searches (the bench's seed 5: 368)", () => {
    const r = run(basinHopping(f, randomCluster(75, 5), {
      seed: 5, steps: 400, maxMinimizations: 400, temperature: 0.8, stepSize: 0.4, target: -397.492331, targetTolerance: 1e-5,
      ...clusterSearch({ atoms: 75, pair, containment: Math.cbrt(75) + 1.5, density: 0.5, compression: 1, reseedAfter: 10, lattice: 10 }),
    }));
    expect(r.status).toBe("target-reached");
    expect(Math.abs(r.value - -397.492331)).toBeLessThan(1e-5);
    expect(r.localMinimizations).toBeLessThanOrEqual(402);
  }, 60_000);
});
