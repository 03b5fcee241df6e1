import { describe, expect, test } from "vitest";
import { basinHopping } from "../src/inversion/basin-hopping.js";
import { containment, energyObjective, randomCluster } from "../src/molecular/cluster.js";
import { lennardJones, PairPotential } from "../src/molecular/pair.js";
import { PairTerm, Potential } from "../src/molecular/potential.js";

// Global minima of Lennard-Jones clusters (epsilon = sigma = 1), Cambridge Cluster Database.
const CCD: Record<number, number> = { 7: -16.505384, 8: -19.821489, 13: -44.326801 };

const lj = () => new Potential([new PairTerm(new PairPotential(lennardJones, [1, 1]))]);

describe("basin hopping on Lennard-Jones clusters", () => {
  for (const n of [7, 8, 13]) {
    test(`LJ${n} reaches the tabulated global minimum ${CCD[n]} from random starts (5 seeds, <= 300 steps each)`, () => {
      const f = energyObjective(lj());
      for (let seed = 1; seed <= 5; seed++) {
        const r = basinHopping(f, randomCluster(n, seed), {
          seed, steps: 300, temperature: 0.8, stepSize: 0.4, target: CCD[n], targetTolerance: 1e-5,
          constrain: containment(Math.cbrt(n) + 1.5),
        });
        expect(r.reachedTarget).toBe(true);
        // The tabulated value has 6 decimals; the relaxed minimum agrees to them.
        expect(Math.abs(r.value - CCD[n])).toBeLessThan(1e-5);
      }
    });
  }

  test("the same seed gives the same search, step for step", () => {
    const f = energyObjective(lj());
    const run = () => basinHopping(f, randomCluster(13, 4), { seed: 9, steps: 20, temperature: 0.8, stepSize: 0.4 });
    const a = run(), b = run();
    expect(a.accepted.map((m) => m.value)).toEqual(b.accepted.map((m) => m.value));
    expect([...a.x]).toEqual([...b.x]);
  });
});
