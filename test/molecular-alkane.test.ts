import { describe, expect, test } from "vitest";
import { lbfgsRelaxation } from "../src/inversion/basin-hopping-parts.js";
import { linearAlkane } from "../src/molecular/alkane.js";
import { BondGraph } from "../src/molecular/bond-graph.js";
import { energyObjective } from "../src/molecular/cluster.js";
import { dihedralAngle } from "../src/molecular/dihedral.js";
import { setDihedral } from "../src/molecular/internal-coordinates.js";
import { KCAL_PER_MOL_PER_KELVIN, trappeUA } from "../src/molecular/trappe.js";
import { Random } from "../src/core/random.js";
import { printedGaucheMinimum, R, trappeTorsionK } from "./helpers/trappe.js";

const deg = Math.PI / 180;
const b = 1.54, theta = 114 * deg;
const distance = (x: Float64Array, i: number, j: number) => Math.hypot(x[3 * j] - x[3 * i], x[3 * j + 1] - x[3 * i + 1], x[3 * j + 2] - x[3 * i + 2]);
const angle = (x: Float64Array, i: number, j: number, k: number) => {
  const u = [0, 1, 2].map((a) => x[3 * i + a] - x[3 * j + a]), v = [0, 1, 2].map((a) => x[3 * k + a] - x[3 * j + a]);
  return Math.acos((u[0] * v[0] + u[1] * v[1] + u[2] * v[2]) / (Math.hypot(...u) * Math.hypot(...v)));
};
const lj = (epsilonK: number, sigma: number, r: number) => 4 * epsilonK * R * ((sigma / r) ** 12 - (sigma / r) ** 6);

describe("linear alkanes, TraPPE-UA", () => {
  test("the builder: n sites in an all-anti zig-zag, bonds 1.54 A, angles 114 deg, dihedrals 180 deg; bad n refused", () => {
    const { positions: x, graph } = linearAlkane(6);
    expect(graph.atomCount).toBe(6);
    expect(graph.bonds).toEqual([[0, 1], [1, 2], [2, 3], [3, 4], [4, 5]]);
    for (let i = 0; i < 5; i++) expect(distance(x, i, i + 1)).toBeCloseTo(b, 14);
    for (let i = 0; i < 4; i++) expect(angle(x, i, i + 1, i + 2)).toBeCloseTo(theta, 13);
    for (let i = 0; i < 3; i++) expect(Math.abs(dihedralAngle(x, i, i + 1, i + 2, i + 3))).toBeCloseTo(Math.PI, 14);
    expect(linearAlkane(1).positions).toEqual(new Float64Array(3));
    expect(() => linearAlkane(0)).toThrow(/^n: expected a positive integer number of carbons, got 0$/);
    expect(() => linearAlkane(2.5)).toThrow(/^n: /);
  });

  test("all-anti energies equal the Lennard-Jones pairs more than three bonds apart, summed by hand (bonds, angles, torsions at rest)", () => {
    expect(KCAL_PER_MOL_PER_KELVIN).toBe(R);
    // Butane: no pair is more than three bonds apart, and the anti torsion is zero in TraPPE.
    expect(Math.abs(trappeUA(linearAlkane(4).graph).evaluate(linearAlkane(4).positions))).toBeLessThan(1e-12);
    // Along the zig-zag, sites i and i+s are s b sin(theta/2) apart in x, and b cos(theta/2) in y for odd s.
    const dx = b * Math.sin(theta / 2), dy = b * Math.cos(theta / 2);
    const r4 = 4 * dx, r5 = Math.hypot(5 * dx, dy);
    const pentane = linearAlkane(5);
    expect(trappeUA(pentane.graph).evaluate(pentane.positions)).toBeCloseTo(lj(98, 3.75, r4), 12);
    // Hexane: CH3-CH2 (0-4, 1-5; Lorentz-Berthelot sqrt(98 * 46) K, 3.85 A) and CH3-CH3 (0-5).
    const hexane = linearAlkane(6);
    expect(trappeUA(hexane.graph).evaluate(hexane.positions)).toBeCloseTo(2 * lj(Math.sqrt(98 * 46), 3.85, r4) + lj(98, 3.75, r5), 12);
    // Methane alone, and two methanes 4 A apart: one CH4-CH4 pair.
    expect(trappeUA(linearAlkane(1).graph).evaluate(new Float64Array(3))).toBe(0);
    expect(trappeUA(new BondGraph(2, [])).evaluate(Float64Array.of(0, 0, 0, 4, 0, 0))).toBeCloseTo(lj(148, 3.73, 4), 12);
    expect(() => trappeUA(new BondGraph(4, [[0, 1], [0, 2], [0, 3]]))).toThrow(/^graph: atom 0 has 3 bonds: TraPPE-UA here covers linear alkanes/);
  });

  test("setDihedral rotates one side rigidly: the dihedral becomes phi, bond lengths and angles stay, the other side is untouched", () => {
    const { positions, graph } = linearAlkane(7);
    // A general start: every dihedral twisted away from anti first.
    let x = positions;
    for (let i = 0; i < 4; i++) x = setDihedral(x, graph, i, i + 1, i + 2, i + 3, [-100, 75, 150, -40][i] * deg);
    for (let i = 0; i < 4; i++) expect(dihedralAngle(x, i, i + 1, i + 2, i + 3)).toBeCloseTo([-100, 75, 150, -40][i] * deg, 12);
    const y = setDihedral(x, graph, 1, 2, 3, 4, 64 * deg);
    expect(dihedralAngle(y, 1, 2, 3, 4)).toBeCloseTo(64 * deg, 13);
    // Rotation is exact up to round-off (lengths ~ 10 A): 1e-12.
    for (let i = 0; i < 6; i++) expect(Math.abs(distance(y, i, i + 1) - distance(x, i, i + 1))).toBeLessThan(1e-12);
    for (let i = 0; i < 5; i++) expect(Math.abs(angle(y, i, i + 1, i + 2) - angle(x, i, i + 1, i + 2))).toBeLessThan(1e-12);
    // The other dihedrals (not about bond 2-3) keep their values; atoms 0, 1, 2 are bitwise unchanged.
    for (const i of [0, 2, 3]) expect(Math.abs(dihedralAngle(y, i, i + 1, i + 2, i + 3) - dihedralAngle(x, i, i + 1, i + 2, i + 3))).toBeLessThan(1e-12);
    expect([...y.subarray(0, 9)]).toEqual([...x.subarray(0, 9)]);
    expect(() => setDihedral(x, graph, 0, 1, 2, 4, 0)).toThrow(/^dihedral: atoms 2 and 4 are not bonded/);
    expect(() => setDihedral(x.subarray(3), graph, 0, 1, 2, 3, 0)).toThrow(/^positions: expected 21 values/);
  });

  test("n-butane relaxes from near 180 and +-60 deg to the anti and two gauche minima; the gauche-anti difference is the torsion's, from its printed form", () => {
    const { positions, graph } = linearAlkane(4);
    const potential = trappeUA(graph);
    // The gauche minimum of the printed torsion, independently: bisection on its derivative between 50 and 75 deg.
    const gauche = printedGaucheMinimum();
    const rng = new Random(7);
    const minima = [170, 62, -58].map((start) => {
      // Twist, then shake every coordinate by up to 0.05 A so that bonds and angles relax too.
      const x = setDihedral(positions, graph, 0, 1, 2, 3, start * deg).map((v) => v + 0.05 * (2 * rng.uniform() - 1));
      const r = lbfgsRelaxation({ gradientTolerance: 1e-9, searchTolerance: 1e-9 }).relax(energyObjective(potential), x, Infinity);
      expect(r.converged).toBe(true);
      expect(r.gradientNorm).toBeLessThanOrEqual(1e-9);
      return { phi: dihedralAngle(r.x, 0, 1, 2, 3), energy: r.value, x: r.x };
    });
    const [anti, gPlus, gMinus] = minima;
    // Stationary to |g| <= 1e-9 kcal/(mol A) on a torsional curvature of ~7 kcal/(mol rad^2): phi within ~1e-9 rad; bound 1e-7.
    expect(Math.abs(Math.abs(anti.phi) - Math.PI)).toBeLessThan(1e-7);
    expect(Math.abs(gPlus.phi - gauche)).toBeLessThan(1e-7);
    expect(Math.abs(gMinus.phi + gauche)).toBeLessThan(1e-7);
    // Bonds and angles relax to rest (no term couples them to the torsion in butane): lengths 1.54 A, angles 114 deg.
    for (const m of minima) {
      for (let i = 0; i < 3; i++) expect(Math.abs(distance(m.x, i, i + 1) - b)).toBeLessThan(1e-9);
      for (let i = 0; i < 2; i++) expect(Math.abs(angle(m.x, i, i + 1, i + 2) - theta)).toBeLessThan(1e-9);
    }
    // The energies: the printed torsion (K, times R) at each relaxed phi; errors quadratic in |g|: 1e-12 kcal/mol.
    for (const m of minima) expect(Math.abs(m.energy - R * trappeTorsionK(m.phi))).toBeLessThan(1e-12);
    const difference = gPlus.energy - anti.energy;
    expect(Math.abs(difference - R * (trappeTorsionK(gauche) - trappeTorsionK(Math.PI)))).toBeLessThan(1e-12);
    expect(Math.abs(gMinus.energy - gPlus.energy)).toBeLessThan(1e-12);
    // The literature's gauche-anti difference of n-butane: about 0.6-0.9 kcal/mol.
    expect(difference).toBeGreaterThan(0.6);
    expect(difference).toBeLessThan(0.9);
  });

  test("the whole force field on a twisted hexane: Hessian-vector products match central differences of its gradient; relaxed dodecane keeps its stiff bonds within 1e-3 A of 1.54", () => {
    const { positions, graph } = linearAlkane(6);
    const potential = trappeUA(graph);
    let x = setDihedral(positions, graph, 0, 1, 2, 3, 70 * deg);
    x = setDihedral(x, graph, 2, 3, 4, 5, -110 * deg).map((v, i) => v + 0.03 * Math.sin(3.1 * i));
    const v = x.map((_, i) => Math.cos(1.9 * i + 0.3));
    const hv = potential.hessianVector(x, v);
    const grad = (y: Float64Array) => {
      const g = new Float64Array(y.length);
      potential.evaluate(y, g);
      return g;
    };
    const h = 1e-5, gp = grad(x.map((xi, i) => xi + h * v[i])), gm = grad(x.map((xi, i) => xi - h * v[i]));
    const scale = Math.max(...hv.map(Math.abs));
    // Truncation ~h^2, round-off ~1e-16 |g| / h against the stiff bonds' ~900: bound 1e-6 of the largest entry.
    for (let i = 0; i < x.length; i++) expect(Math.abs(hv[i] - (gp[i] - gm[i]) / (2 * h))).toBeLessThan(1e-6 * scale);
    const dodecane = linearAlkane(12);
    const r = lbfgsRelaxation({ gradientTolerance: 1e-8, searchTolerance: 1e-8 }).relax(energyObjective(trappeUA(dodecane.graph)), dodecane.positions, Infinity);
    expect(r.converged).toBe(true);
    // The 1-5 and farther Lennard-Jones pulls stretch bonds by ~3e-4 A at k = 900 kcal/(mol A^2) (measured).
    for (let i = 0; i < 11; i++) expect(Math.abs(distance(r.x, i, i + 1) - b)).toBeLessThan(1e-3);
  });
});
