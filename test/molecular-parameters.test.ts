import { describe, expect, test } from "vitest";
import { field, flatten } from "../src/core/arrays.js";
import { ParameterEnergies } from "../src/molecular/calibration.js";
import { HarmonicAngles, HarmonicBonds } from "../src/molecular/bonded.js";
import { randomCluster } from "../src/molecular/cluster.js";
import { buckingham, lennardJones, morse, PairPotential } from "../src/molecular/pair.js";
import { PairTerm } from "../src/molecular/pair-term.js";
import { Potential } from "../src/molecular/potential.js";
import type { EnergyTerm } from "../src/molecular/term.js";
import { Torsions } from "../src/molecular/torsion.js";
import { ListedPairs } from "../src/molecular/listed-pairs.js";
import { oplsTorsion, periodicTorsion } from "../src/molecular/torsion-functions.js";

/** Everything a term computes at x: energy, gradient, parameter gradient, a Hessian-vector product, mixed derivatives. */
function outputs(term: EnergyTerm, x: Float64Array): number[] {
  const g = new Float64Array(x.length), gp = new Float64Array(term.params.length);
  const e = term.evaluate(x, g, gp);
  const eCells = term.evaluate(x, null, null);
  const hv = new Float64Array(x.length), mixed = new Float64Array(term.params.length * x.length);
  term.hessianVector!(x, x.map((_, i) => Math.sin(i + 0.5)), hv);
  term.mixedDerivative!(x, mixed);
  return [e, eCells, ...g, ...gp, ...hv, ...mixed];
}

/** Each term kind built with parameters p (box: a periodic box large enough for the cell list). */
const box: [number, number, number] = [7.5, 8, 8.5];
const KINDS: [string, (p: number[]) => EnergyTerm, number[], number[]][] = [
  ["Lennard-Jones, energy-shifted, periodic (cell list)", (p) => new PairTerm(new PairPotential(lennardJones, p, 2.5, "energy-shifted"), box), [1, 1], [0.7, 1.1]],
  ["Lennard-Jones, force-shifted, periodic (cell list)", (p) => new PairTerm(new PairPotential(lennardJones, p, 2.4, "force-shifted"), box), [1, 1], [1.3, 0.9]],
  ["Lennard-Jones, uncut", (p) => new PairTerm(new PairPotential(lennardJones, p)), [1, 1], [0.8, 1.05]],
  ["Morse, energy-shifted", (p) => new PairTerm(new PairPotential(morse, p, 2.2, "energy-shifted")), [0.3, 1.3, 1.2], [0.5, 1.6, 1.1]],
  ["Buckingham, force-shifted, periodic", (p) => new PairTerm(new PairPotential(buckingham, p, 2.5, "force-shifted"), box), [200, 0.25, 1.5], [300, 0.2, 2]],
  ["harmonic bonds", (p) => new HarmonicBonds([[0, 1], [2, 5], [3, 7]], p[0], p[1]), [20, 1.1], [15, 0.9]],
  ["harmonic angles", (p) => new HarmonicAngles([[0, 1, 2], [4, 3, 6]], p[0], p[1]), [15, 1.8], [10, 2.0]],
  ["listed Lennard-Jones pairs, scaled", (p) => new ListedPairs(new PairPotential(lennardJones, p, 2.5, "force-shifted"), [[0, 3], [2, 6], [5, 1]], [0.5, 1, 0.25]), [1, 1], [0.7, 1.1]],
  ["OPLS torsions", (p) => new Torsions([[0, 1, 2, 3], [4, 5, 6, 7]], oplsTorsion, p), [1.4, -0.3, 3.1, 0.2], [0.7, 0.1, 2.5, -0.4]],
  ["periodic torsions", (p) => new Torsions([[0, 1, 2, 3], [7, 6, 5, 4]], periodicTorsion([1, 3]), p), [0.8, 0.2, 1.5, 3.0], [0.6, -0.1, 1.2, 2.8]],
];

describe("parameters are values", () => {
  const x = randomCluster(8, 5, 0.6);

  for (const [name, make, p, q] of KINDS) {
    test(`${name}: withParameters gives, to the last bit, a fresh construction's outputs, and leaves the term as it was`, () => {
      const term = make(p);
      const before = outputs(term, x);
      const derived = term.withParameters(q);
      expect(derived.params).toEqual(q);
      expect(outputs(derived, x)).toEqual(outputs(make(q), x));
      expect(outputs(term, x)).toEqual(before);
      expect(term.params).toEqual(p);
    });

    test(`${name}: its parameters cannot be written to change its energy`, () => {
      const term = make(p);
      const e = term.evaluate(x, null, null);
      expect(() => {
        (term.params as number[])[0] = 2 * p[0];
      }).toThrow(TypeError);
      expect(term.params).toEqual(p);
      expect(term.evaluate(x, null, null)).toBe(e);
    });
  }

  test("bonds and angles with other parameters share the frozen index lists (checked once, not copied per parameter change)", () => {
    const bonds = new HarmonicBonds([[0, 1], [1, 2]], 300, 1.1);
    const angles = new HarmonicAngles([[0, 1, 2]], 50, 1.9);
    expect(bonds.withParameters([310, 1.2]).bonds).toBe(bonds.bonds);
    expect(angles.withParameters([55, 2.0]).angles).toBe(angles.angles);
    // A caller's own list is still checked and copied.
    const mine: [number, number][] = [[0, 1]];
    expect(new HarmonicBonds(mine, 1, 1).bonds).not.toBe(mine);
    expect(() => new HarmonicBonds([[0, 0]], 1, 1)).toThrow("bonds[0]: the atoms must be distinct, got [0, 0]");
  });

  test("a potential's withParameters: each term's own, the original unchanged; its list of terms is its own", () => {
    const terms = KINDS.map(([, make, p]) => make(p));
    const pot = new Potential(terms);
    const p = KINDS.flatMap(([, , p0]) => p0), q = KINDS.flatMap(([, , , q0]) => q0);
    expect([...pot.parameters()]).toEqual(p);
    const e = pot.evaluate(x);
    const other = pot.withParameters(q);
    expect([...other.parameters()]).toEqual(q);
    const fresh = new Potential(KINDS.map(([, make, , q0]) => make(q0)));
    const g1 = new Float64Array(x.length), g2 = new Float64Array(x.length);
    const gp1 = new Float64Array(q.length), gp2 = new Float64Array(q.length);
    expect(other.evaluate(x, g1, gp1)).toBe(fresh.evaluate(x, g2, gp2));
    expect([...g1]).toEqual([...g2]);
    expect([...gp1]).toEqual([...gp2]);
    expect([...other.mixedDerivative(x)]).toEqual([...fresh.mixedDerivative(x)]);
    expect(pot.evaluate(x)).toBe(e);
    // The caller's list changing afterwards does not change the potential.
    terms.pop();
    expect(pot.evaluate(x)).toBe(e);
    expect(pot.parameterCount).toBe(p.length);
  });

  test("withParameters refuses a wrong count or a value outside the domain, by name", () => {
    const pot = new Potential([new PairTerm(new PairPotential(morse, [0.3, 1.3, 1.2])), new HarmonicBonds([[0, 1]], 20, 1.1)]);
    expect(() => pot.withParameters([1, 2, 3])).toThrow(/^parameters: expected 5 values, got 3$/);
    expect(() => pot.withParameters([0.3, -1, 1.2, 20, 1.1])).toThrow(/^params\.width: expected a positive number for morse, got -1$/);
    expect(() => pot.withParameters([0.3, 1.3, 1.2, NaN, 1.1])).toThrow(/^params\.stiffness: expected a finite number for harmonic-bonds, got NaN$/);
    expect(() => pot.terms[1].withParameters([1, 2, 3])).toThrow(/^params: harmonic-bonds takes 2 parameters \(stiffness, length\), got 3$/);
  });

  test("parameter energies carry nothing from one call to the next, and leave their potential as given", () => {
    const pot = new Potential([new PairTerm(new PairPotential(lennardJones, [1, 1], 2.5, "force-shifted")), new HarmonicBonds([[0, 1], [1, 2]], 20, 1.1)]);
    const configurations = [randomCluster(4, 1, 0.6), randomCluster(5, 2, 0.6)];
    const sim = new ParameterEnergies(pot, configurations, { forces: true });
    const p = field(Float64Array.of(1, 1, 20, 1.1), [4]), q = field(Float64Array.of(0.7, 1.2, 12, 0.9), [4]);
    const first = [...flatten(sim.forward(p))];
    const other = [...flatten(sim.forward(q))];
    expect(other).not.toEqual(first);
    expect([...flatten(sim.forward(p))]).toEqual(first);
    expect([...flatten(sim.linearize(p).data)]).toEqual(first);
    // The same as a simulator made from a potential built with q.
    const fresh = new ParameterEnergies(new Potential([new PairTerm(new PairPotential(lennardJones, [0.7, 1.2], 2.5, "force-shifted")), new HarmonicBonds([[0, 1], [1, 2]], 12, 0.9)]), configurations, { forces: true });
    expect([...flatten(fresh.forward(q))]).toEqual(other);
    expect([...pot.parameters()]).toEqual([1, 1, 20, 1.1]);
  });
});
