import { describe, expect, test } from "vitest";
import { HarmonicAngles, HarmonicBonds } from "../src/molecular/bonded.js";
import { randomCluster } from "../src/molecular/cluster.js";
import { buckingham, lennardJones, morse, PairPotential } from "../src/molecular/pair.js";
import { Potential } from "../src/molecular/potential.js";
import { PairTerm } from "../src/molecular/pair-term.js";
import { type EnergyTerm } from "../src/molecular/term.js";

/** Each row of d2E/(dp dx) against central differences of the analytic gradient dE/dx in that parameter. */
function checkTerm(term: EnergyTerm, x: Float64Array): void {
  const pot = new Potential([term]);
  const p0 = pot.parameters(), m = x.length;
  const mixed = pot.mixedDerivative(x);
  const grad = (p: Float64Array) => {
    const g = new Float64Array(m);
    pot.withParameters(p).evaluate(x, g);
    return g;
  };
  for (let p = 0; p < p0.length; p++) {
    // Relative step 1e-5: truncation ~h^2 |d3g/dp3|, rounding ~1e-16 |g| / h (|g| of this term alone).
    const h = 1e-5 * Math.abs(p0[p]);
    const up = p0.slice(), down = p0.slice();
    up[p] += h;
    down[p] -= h;
    const gp = grad(up), gm = grad(down);
    const row = mixed.subarray(p * m, (p + 1) * m);
    const scale = Math.max(...row.map(Math.abs));
    expect(scale).toBeGreaterThan(0);
    for (let i = 0; i < m; i++) expect(Math.abs(row[i] - (gp[i] - gm[i]) / (2 * h)), `${term.constructor.name} parameter ${p}, coordinate ${i}`).toBeLessThan(1e-6 * scale);
  }
}

describe("parameter derivatives of the forces", () => {
  test("match central differences of the analytic gradient in every parameter (three pair kinds and cutoff modes, periodic box, bonds, angles)", () => {
    const x = randomCluster(8, 5, 0.6);
    const box: [number, number, number] = [6, 6.5, 7];
    const terms: EnergyTerm[] = [
      new PairTerm(new PairPotential(lennardJones, [1, 1], 2.5, "force-shifted"), box),
      new PairTerm(new PairPotential(lennardJones, [0.7, 1.1], 2.4, "energy-shifted")),
      new PairTerm(new PairPotential(morse, [0.3, 1.3, 1.2])),
      new PairTerm(new PairPotential(buckingham, [200, 0.25, 1.5])),
      new HarmonicBonds([[0, 1], [2, 5], [3, 7]], 20, 1.1),
      new HarmonicAngles([[0, 1, 2], [4, 3, 6], [7, 5, 1]], 15, 1.8),
    ];
    for (const term of terms) checkTerm(term, x);
  });

  test("sum to zero over the atoms for every parameter (translation invariance)", () => {
    const x = randomCluster(6, 3, 0.6);
    const pot = new Potential([new PairTerm(new PairPotential(morse, [0.3, 1.3, 1.2])), new HarmonicAngles([[0, 1, 2]], 15, 1.8)]);
    const mixed = pot.mixedDerivative(x), m = x.length;
    for (let p = 0; p < pot.parameterCount; p++) {
      for (let a = 0; a < 3; a++) {
        let s = 0, size = 0;
        for (let i = a; i < m; i += 3) {
          s += mixed[p * m + i];
          size += Math.abs(mixed[p * m + i]);
        }
        expect(Math.abs(s)).toBeLessThan(1e-13 * size);
      }
    }
  });
});
