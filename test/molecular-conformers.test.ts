import { describe, expect, test } from "vitest";
import { lbfgsRelaxation } from "../src/inversion/basin-hopping-parts.js";
import { linearAlkane } from "../src/molecular/alkane.js";
import { BondGraph } from "../src/molecular/bond-graph.js";
import { energyObjective } from "../src/molecular/cluster.js";
import { conformerKey, enantiomerKey, isAchiral, staggeredClass } from "../src/molecular/conformer-key.js";
import { enumerateConformers, searchConformers } from "../src/search/conformer-search.js";
import { chainBackbone, ConformerSet } from "../src/molecular/conformer-set.js";
import { dihedralAngle } from "../src/molecular/dihedral.js";
import { trappeUA } from "../src/molecular/trappe.js";
import { vibrationalFrequencies } from "../src/molecular/vibrations.js";
import { printedGaucheMinimum, R, trappeTorsionK } from "./helpers/trappe.js";

const deg = Math.PI / 180;

/**
 * The sequences of m staggered classes up to renumbering (reversal) and, with `mirror`, mirror images
 * (every sign flipped), counted by brute force over all 3^m: an independent count of what a
 * conformer search can at most find.
 */
function orbits(m: number, mirror: boolean): number {
  const seen = new Set<string>();
  for (let s = 0; s < 3 ** m; s++) {
    const c = Array.from({ length: m }, (_, q) => Math.floor(s / 3 ** q) % 3); // 0 t, 1 g+, 2 g-
    const images = [c, c.slice().reverse()];
    if (mirror) images.push(...images.map((d) => d.map((v) => (v === 0 ? 0 : 3 - v))));
    seen.add(images.map((d) => d.join("")).sort()[0]);
  }
  return seen.size;
}

describe("conformer keys", () => {
  test("the rule: nearest staggered class, the smaller of a sequence and its reverse, mirror images by flipped signs", () => {
    expect([179, -179, 121, -121, 119, 1, 0, -1, -119].map((d) => staggeredClass(d * deg))).toEqual(["t", "t", "t", "t", "g+", "g+", "g-", "g-", "g-"]);
    expect(staggeredClass(300 * deg)).toBe("g-");
    // tg+ and g+t pentane are one conformer (renumbered); g+g+ and g-g- are mirror images.
    expect(conformerKey([180 * deg, 63 * deg])).toBe(conformerKey([63 * deg, -179 * deg]));
    expect(conformerKey([65 * deg, 65 * deg])).not.toBe(conformerKey([-65 * deg, -65 * deg]));
    expect(enantiomerKey([65 * deg, 65 * deg])).toBe(enantiomerKey([-65 * deg, -65 * deg]));
    // g+g- is its own mirror image up to renumbering; tg+ is not; tt is.
    expect(isAchiral([78 * deg, -78 * deg])).toBe(true);
    expect(isAchiral([180 * deg, 63 * deg])).toBe(false);
    expect(isAchiral([180 * deg, 180 * deg])).toBe(true);
    expect([orbits(1, false), orbits(2, false), orbits(3, false), orbits(4, false)]).toEqual([3, 6, 18, 45]);
    expect([orbits(1, true), orbits(2, true), orbits(3, true), orbits(4, true)]).toEqual([2, 4, 10, 25]);
  });

  test("a chain numbered in another order has the same backbone up to reversal; branched and cyclic graphs are refused", () => {
    // Pentane numbered 3-0-4-1-2 along the chain.
    const order = [3, 0, 4, 1, 2];
    const scrambled = new BondGraph(5, order.slice(1).map((a, q) => [order[q], a] as [number, number]));
    expect(chainBackbone(scrambled)).toEqual([[2, 1, 4, 0], [1, 4, 0, 3]]);
    expect(chainBackbone(linearAlkane(3).graph)).toEqual([]);
    expect(() => chainBackbone(new BondGraph(4, [[0, 1], [0, 2], [0, 3]]))).toThrow(/^graph: atom 0 has 3 bonds: conformer keys here cover unbranched chains$/);
    expect(() => chainBackbone(new BondGraph(4, [[0, 1], [1, 2], [2, 3], [3, 0]]))).toThrow(/^graph: expected one linear chain \(2 ends, 3 bonds\), got 0 ends and 4 bonds$/);
    expect(() => new ConformerSet([], -1)).toThrow(/^energyTolerance: expected a non-negative energy, got -1$/);
  });
});

describe("conformer search, TraPPE-UA alkanes", () => {
  test("n-butane: exactly the anti and the two gauche minima; gauche - anti equals the printed torsion's", () => {
    const mol = linearAlkane(4);
    const { set, failed } = enumerateConformers(mol, trappeUA(mol.graph), { seed: 1 });
    expect(failed).toBe(0);
    const [anti, g1, g2] = set.conformers();
    expect(set.conformers()).toHaveLength(3);
    expect(anti.key).toBe("t");
    expect(new Set([g1.key, g2.key])).toEqual(new Set(["g+", "g-"]));
    // Two gauche minima, mirror images: one class up to mirror images.
    expect(set.enantiomerClasses()).toBe(2);
    const gauche = printedGaucheMinimum();
    expect(Math.abs(Math.abs(anti.dihedrals[0]) - Math.PI)).toBeLessThan(1e-5);
    for (const g of [g1, g2]) expect(Math.abs(Math.abs(g.dihedrals[0]) - gauche)).toBeLessThan(1e-5);
    // Relaxed to |g| <= 1e-6 kcal/(mol A): energies within ~1e-12 of the minimum's; bound 1e-9 kcal/mol.
    expect(Math.abs(g1.energy - anti.energy - R * (trappeTorsionK(gauche) - trappeTorsionK(Math.PI)))).toBeLessThan(1e-9);
    expect(Math.abs(g2.energy - g1.energy)).toBeLessThan(1e-9);
  });

  test("n-pentane, n-hexane, n-heptane: systematic search finds every staggered combination up to renumbering (6, 18) but one for heptane (44 of 45), each a true minimum; g+g- pentane is one, at +-77.8 deg", () => {
    const found = [5, 6, 7].map((n) => {
      const mol = linearAlkane(n), potential = trappeUA(mol.graph);
      const r = enumerateConformers(mol, potential, { seed: 3 });
      expect(r.failed).toBe(0);
      expect(r.localMinimizations).toBe(3 ** (n - 3));
      // A minimum: every vibrational eigenvalue positive once the 6 rigid-body modes are removed.
      for (const c of r.set.conformers()) expect(vibrationalFrequencies(potential, c.x).frequencies[0], c.key).toBeGreaterThan(0.5);
      return r.set;
    });
    const [pentane, hexane, heptane] = found;
    // Lowest first: tt, the tg pair, the g+g+ / g-g- pair, then g+g- (mirror images are one class each).
    expect(pentane.conformers().map((c) => c.enantiomerKey)).toEqual(["t t", "g+ t", "g+ t", "g+ g+", "g+ g+", "g+ g-"]);
    expect(new Set(pentane.conformers().map((c) => c.key))).toEqual(new Set(["t t", "g+ t", "g- t", "g+ g+", "g- g-", "g+ g-"]));
    expect([pentane.conformers().length, hexane.conformers().length, heptane.conformers().length]).toEqual([orbits(2, false), orbits(3, false), orbits(4, false) - 1]);
    expect([pentane.enantiomerClasses(), hexane.enantiomerClasses(), heptane.enantiomerClasses()]).toEqual([orbits(2, true), orbits(3, true), orbits(4, true) - 1]);
    expect(heptane.conformers().some((c) => c.key === "g+ g- g+ g-")).toBe(false);
    // The pentane interference: g+g- stays a (mirror-symmetric) minimum, opened to +-77.8 deg, 3.58 kcal/mol above tt.
    const [tt] = pentane.conformers(), pm = pentane.conformers().find((c) => c.key === "g+ g-")!;
    expect(Math.abs(pm.dihedrals[0] + pm.dihedrals[1])).toBeLessThan(1e-4);
    expect(Math.abs(Math.abs(pm.dihedrals[0]) - 77.8 * deg)).toBeLessThan(0.1 * deg);
    expect(pm.energy - tt.energy).toBeCloseTo(3.579, 3);
  });

  test("dodecane: basin hopping in torsion space from 10 random starts finds the all-anti global minimum, equal to the zig-zag relaxed directly", () => {
    const mol = linearAlkane(12), potential = trappeUA(mol.graph);
    const r = searchConformers(mol, potential, { seed: 1, starts: 10, steps: 100, temperature: 0.3 });
    const direct = lbfgsRelaxation({ gradientTolerance: 1e-6, searchTolerance: 1e-6 }).relax(energyObjective(potential), mol.positions, Infinity);
    const [lowest] = r.set.conformers();
    expect(lowest.key).toBe("t t t t t t t t t");
    // Both relaxed to |g| <= 1e-6 kcal/(mol A) on one basin: energies ~1e-12 apart; bound 1e-9 kcal/mol.
    expect(Math.abs(lowest.energy - direct.value)).toBeLessThan(1e-9);
    expect(r.localMinimizations).toBe(10 * 101);
    expect(r.failed).toBe(0);
    // Measured 2026-12-01: 8 of 10 runs end on the all-anti minimum (the others on one gauche,
    // ~0.67 kcal/mol above); 430 distinct conformers, 337 up to mirror images.
    expect(r.runs.filter((q) => q.key === lowest.key).length).toBeGreaterThanOrEqual(6);
    expect(r.set.conformers().length).toBeGreaterThan(300);
  });

  test("same seed, same conformers to the bit; another seed, another search; bad options are named", () => {
    const mol = linearAlkane(8), potential = trappeUA(mol.graph);
    const search = (seed: number) => searchConformers(mol, potential, { seed, starts: 2, steps: 15, temperature: 0.5 });
    const bytes = (r: ReturnType<typeof search>) => r.set.conformers().map((c) => `${c.key} ${c.energy} ${c.firstFound} ${c.hits} ${Array.from(c.x).join(",")}`).join("\n");
    expect(bytes(search(5))).toBe(bytes(search(5)));
    expect(bytes(search(6))).not.toBe(bytes(search(5)));
    expect(() => searchConformers(mol, potential, { seed: 1, starts: 0, steps: 1, temperature: 1 })).toThrow(/^starts: expected a positive integer, got 0$/);
    expect(() => searchConformers(mol, potential, { seed: 1, starts: 1, steps: 1, temperature: 1, noise: 2 })).toThrow(/^noise: expected an angle in \[0, pi\/3\) radians, got 2$/);
    expect(() => enumerateConformers(linearAlkane(12), trappeUA(linearAlkane(12).graph), { seed: 1 })).toThrow(/^maxStarts: 19683 starts \(3\^9 combinations of 9 rotatable bonds\) exceed 729/);
  });
});
