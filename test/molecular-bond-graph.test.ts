import { describe, expect, test } from "vitest";
import { BondGraph } from "../src/molecular/bond-graph.js";
import { randomCluster } from "../src/molecular/cluster.js";
import { ListedPairs } from "../src/molecular/listed-pairs.js";
import { lennardJones, morse, PairPotential } from "../src/molecular/pair.js";
import { PairTerm } from "../src/molecular/pair-term.js";
import type { EnergyTerm } from "../src/molecular/term.js";

/** All pairs (i < j) of n atoms with their separation in bonds, from a table worked by hand. */
const key = (i: number, j: number) => `${Math.min(i, j)}-${Math.max(i, j)}`;

describe("bond graph", () => {
  test("2-methylbutane, worked by hand: 4 angles, 2 dihedrals, 1-4 pairs 0-3 and 3-4 scaled, the rest excluded", () => {
    //   0
    //   |
    //   1 - 2 - 3       bonds 0-1, 1-2, 2-3, 1-4
    //   |
    //   4
    const g = new BondGraph(5, [[0, 1], [1, 2], [2, 3], [1, 4]]);
    expect(g.angles()).toEqual([[0, 1, 2], [0, 1, 4], [2, 1, 4], [1, 2, 3]]);
    expect(g.dihedrals()).toEqual([[0, 1, 2, 3], [4, 1, 2, 3]]);
    expect(g.nonbondedPairs(0.5)).toEqual({ pairs: [[0, 3], [3, 4]], scales: [0.5, 0.5] });
    expect(g.nonbondedPairs(0)).toEqual({ pairs: [], scales: [] });
    expect([...g.separations(0, 4)]).toEqual([0, 1, 2, 3, 2]);
    expect(g.side(1, 2)).toEqual([2, 3]);
    expect(g.side(2, 1)).toEqual([0, 1, 4]);
  });

  test("n-hexane: 1-4 pairs are the i, i+3, farther pairs interact in full; two molecules interact in full", () => {
    const chain = new BondGraph(6, [[0, 1], [1, 2], [2, 3], [3, 4], [4, 5]]);
    expect(chain.angles().length).toBe(4);
    expect(chain.dihedrals()).toEqual([[0, 1, 2, 3], [1, 2, 3, 4], [2, 3, 4, 5]]);
    const { pairs, scales } = chain.nonbondedPairs(0.5);
    expect(pairs).toEqual([[0, 3], [0, 4], [0, 5], [1, 4], [1, 5], [2, 5]]);
    expect(scales).toEqual([0.5, 1, 1, 0.5, 1, 0.5]);
    // Two ethanes side by side: no pair within a molecule, all four across.
    expect(new BondGraph(4, [[0, 1], [2, 3]]).nonbondedPairs(0.5)).toEqual({ pairs: [[0, 2], [0, 3], [1, 2], [1, 3]], scales: [1, 1, 1, 1] });
  });

  test("rings: the shorter way round decides (cyclohexane has 3 para 1-4 pairs, cyclobutane none); a ring bond cannot be rotated", () => {
    const ring = (n: number) => new BondGraph(n, Array.from({ length: n }, (_, i) => [i, (i + 1) % n] as [number, number]));
    const hexane = ring(6);
    expect(hexane.nonbondedPairs(0.5)).toEqual({ pairs: [[0, 3], [1, 4], [2, 5]], scales: [0.5, 0.5, 0.5] });
    expect(hexane.angles().length).toBe(6);
    expect(hexane.dihedrals().length).toBe(6);
    const butane = ring(4);
    expect(butane.nonbondedPairs(1).pairs).toEqual([]);
    // A four-ring's dihedrals close on themselves (i and l bonded), a three-ring has none.
    expect(butane.dihedrals().length).toBe(4);
    expect(ring(3).dihedrals()).toEqual([]);
    expect(() => hexane.side(2, 3)).toThrow(/^bond: the bond 2-3 is in a ring/);
    // Methylcyclohexane: the methyl's bond to the ring rotates the methyl alone.
    const methyl = new BondGraph(7, [...hexane.bonds, [0, 6]]);
    expect(methyl.side(0, 6)).toEqual([6]);
    expect(methyl.side(6, 0)).toEqual([0, 1, 2, 3, 4, 5]);
    // Its separations: 6 to 3 is four bonds (either way round).
    expect([...methyl.separations(6, 5)]).toEqual([1, 2, 3, 4, 3, 2, 0]);
  });

  test("bad graphs are refused with the field named", () => {
    expect(() => new BondGraph(3, [[0, 3]])).toThrow(/^bonds\[0\]: expected 2 atom indices in 0..2, got \[0, 3\]$/);
    expect(() => new BondGraph(3, [[0, 1], [1, 0]])).toThrow(/^bonds\[1\]: the bond 1-0 is listed twice$/);
    expect(() => new BondGraph(3, [[1, 1]])).toThrow(/^bonds\[0\]: the atoms must be distinct/);
    expect(() => new BondGraph(-1, [])).toThrow(/^atomCount: expected a non-negative integer, got -1$/);
    expect(() => new BondGraph(3, [[0, 1]]).nonbondedPairs(2)).toThrow(/^scale14: expected a factor in \[0, 1\], got 2$/);
    expect(() => new BondGraph(3, [[0, 1]]).side(0, 2)).toThrow(/^bond: atoms 0 and 2 are not bonded$/);
  });
});

describe("listed pairs", () => {
  const x = randomCluster(7, 3, 0.6);
  const all: [number, number][] = [];
  for (let i = 0; i < 7; i++) for (let j = i + 1; j < 7; j++) all.push([i, j]);
  const outputs = (t: EnergyTerm) => {
    const g = new Float64Array(21), gp = new Float64Array(t.params.length), hv = new Float64Array(21), mixed = new Float64Array(t.params.length * 21);
    const e = t.evaluate(x, g, gp);
    t.hessianVector!(x, x.map((_, i) => Math.sin(i)), hv);
    t.mixedDerivative!(x, mixed);
    return [e, ...g, ...gp, ...hv, ...mixed];
  };

  test("over all pairs with factor 1 they are the all-pairs term (energy, forces, parameter gradient, Hessian-vector product, mixed derivatives)", () => {
    for (const pot of [new PairPotential(lennardJones, [0.8, 1.1], 2.0, "force-shifted"), new PairPotential(morse, [0.3, 1.3, 1.2])]) {
      const listed = outputs(new ListedPairs(pot, all)), full = outputs(new PairTerm(pot));
      const scale = Math.max(...full.map(Math.abs));
      // The same arithmetic per pair, summed in the same order for the open-space pair list: round-off only.
      listed.forEach((v, q) => expect(Math.abs(v - full[q])).toBeLessThan(1e-13 * scale));
    }
  });

  test("a scaled list is the sum of its pairs' energies times their factors", () => {
    const pot = new PairPotential(lennardJones, [0.8, 1.1]);
    const pairs: [number, number][] = [[0, 3], [2, 6], [1, 5]], scales = [0.5, 1, 0.25];
    const expected = pairs.reduce((s, [i, j], q) => {
      const r = Math.hypot(x[3 * j] - x[3 * i], x[3 * j + 1] - x[3 * i + 1], x[3 * j + 2] - x[3 * i + 2]);
      return s + scales[q] * 4 * 0.8 * ((1.1 / r) ** 12 - (1.1 / r) ** 6);
    }, 0);
    expect(new ListedPairs(pot, pairs, scales).evaluate(x, null, null)).toBeCloseTo(expected, 12);
    expect(() => new ListedPairs(pot, pairs, [1])).toThrow(/^scales: expected one factor per pair \(3\), got 1$/);
    expect(() => new ListedPairs(pot, pairs, [1, NaN, 1])).toThrow(/^scales\[1\]: expected a finite factor, got NaN$/);
  });
});
