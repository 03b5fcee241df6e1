import { describe, expect, test } from "vitest";
import { field, flatten } from "../src/core/arrays.js";
import { taylorTest } from "../src/core/gradcheck.js";
import { COLLINEAR_SINE, dihedralAngle } from "../src/molecular/dihedral.js";
import { Potential, PotentialEnergy } from "../src/molecular/potential.js";
import { Torsions } from "../src/molecular/torsion.js";
import { oplsTorsion, periodicTorsion } from "../src/molecular/torsion-functions.js";
import { linearizationErrors } from "./helpers/differences.js";
import { expectParameterGradient } from "./helpers/molecular.js";

/** Four atoms j at the origin, k on z, i on x, l at azimuth phi around z: the dihedral is phi by construction. */
function quad(phi: number, bondAngle = Math.PI / 2): Float64Array {
  const s = Math.sin(bondAngle), c = Math.cos(bondAngle);
  return Float64Array.of(s, 0, -c, 0, 0, 0, 0, 0, 1.5, 1.2 * s * Math.cos(phi), 1.2 * s * Math.sin(phi), 1.5 + 1.2 * c);
}

// A twisted chain of six atoms (three dihedrals, one listed backwards) and one sharing no bond.
const chain = Float64Array.of(0, 0, 0, 1.5, 0.1, 0.2, 2.1, 1.4, -0.3, 3.6, 1.6, 0.4, 4.0, 3.0, 1.1, 5.2, 3.1, 2.3);
const dihedrals = [[0, 1, 2, 3], [1, 2, 3, 4], [5, 4, 3, 2], [0, 2, 3, 5]] as const;
const OPLS = [1.41, -0.27, 3.15, 0.4], AMBER = [0.8, 0.3, 0.5, 2.9, 1.6, -0.7];
const terms = () => [new Torsions(dihedrals, oplsTorsion, OPLS), new Torsions(dihedrals, periodicTorsion([1, 2, 3]), AMBER)];

describe("dihedral angle", () => {
  test("is phi for four atoms built at azimuth phi, in (-pi, pi], trans at pi, and at any bond angle", () => {
    for (const phi of [0, 0.3, Math.PI / 3, 2, Math.PI, -0.4, -2.9]) {
      for (const theta of [Math.PI / 2, 1.9, 0.3]) {
        // atan2 of exact projections: round-off only (1e-14 rad).
        expect(Math.abs(dihedralAngle(quad(phi, theta), 0, 1, 2, 3) - phi)).toBeLessThan(1e-14);
      }
    }
    // Reversing the atoms gives the same angle (it is symmetric under i<->l, j<->k).
    expect(dihedralAngle(quad(1.1), 3, 2, 1, 0)).toBeCloseTo(1.1, 14);
    // Across a periodic boundary: the minimum image of each bond.
    const x = quad(0.7).map((v, q) => v + (q === 9 ? 10 : 0));
    expect(dihedralAngle(x, 0, 1, 2, 3, [10, 10, 10])).toBeCloseTo(0.7, 14);
  });
});

describe("torsion terms", () => {
  test("energies: the OPLS and periodic forms equal their formulas written out, and OPLS is the periodic form with phases 0, pi, 0, pi", () => {
    const [K1, K2, K3, K4] = OPLS;
    const periodic = periodicTorsion([1, 2, 3, 4]);
    for (const phi of [0.2, 1.0, Math.PI / 3, 2.5, -1.3, Math.PI]) {
      const x = quad(phi, 1.9);
      const opls = 0.5 * (K1 * (1 + Math.cos(phi)) + K2 * (1 - Math.cos(2 * phi)) + K3 * (1 + Math.cos(3 * phi)) + K4 * (1 - Math.cos(4 * phi)));
      expect(new Torsions([[0, 1, 2, 3]], oplsTorsion, OPLS).evaluate(x, null, null)).toBeCloseTo(opls, 13);
      const amber = [[1, 0.8, 0.3], [2, 0.5, 2.9], [3, 1.6, -0.7]].reduce((s, [n, v, g]) => s + (v / 2) * (1 + Math.cos(n * phi - g)), 0);
      expect(new Torsions([[0, 1, 2, 3]], periodicTorsion([1, 2, 3]), AMBER).evaluate(x, null, null)).toBeCloseTo(amber, 13);
      expect(new Torsions([[0, 1, 2, 3]], periodic, [K1, 0, K2, Math.PI, K3, 0, K4, Math.PI]).evaluate(x, null, null)).toBeCloseTo(opls, 13);
    }
  });

  test("forces: Taylor orders 1 and 2, jvp and vjp against central differences, no net force or torque, energy unchanged by a rigid motion", () => {
    const pot = new Potential(terms());
    const pes = new PotentialEnergy(pot);
    const positions = field(chain, [6, 3]);
    const objective = (m: typeof positions) => {
      const lin = pes.linearize(m);
      return { value: flatten(lin.data)[0], gradient: lin.vjp(field(Float64Array.of(1), [1])) };
    };
    const t = taylorTest(objective, positions, field(chain.map((_, i) => Math.sin(1.3 * i + 0.2)), [6, 3]), { h0: 1e-3 });
    for (const rate of t.rates1) expect(Math.abs(rate - 1)).toBeLessThan(0.1);
    for (const rate of t.rates2) expect(Math.abs(rate - 2)).toBeLessThan(0.1);
    // Central differences with step 1e-5: error ~1e-10 relative; bound 1e-6 (see linearizationErrors).
    const e = linearizationErrors(pes, positions, field(chain.map((_, i) => Math.cos(2.3 * i)), [6, 3]), field(Float64Array.of(1.7), [1]));
    expect(e.jvp).toBeLessThan(1e-6);
    expect(e.vjp).toBeLessThan(1e-6);
    const g = new Float64Array(18);
    const energy = pot.evaluate(chain, g);
    const scale = Math.max(...g.map(Math.abs));
    for (let a = 0; a < 3; a++) {
      let sum = 0, torque = 0;
      const [p, q] = [(a + 1) % 3, (a + 2) % 3];
      for (let i = 0; i < 6; i++) {
        sum += g[3 * i + a];
        torque += chain[3 * i + p] * g[3 * i + q] - chain[3 * i + q] * g[3 * i + p];
      }
      // Sums of ~24 terms of size <= scale * lever arm (~5): round-off 1e-13 relative.
      expect(Math.abs(sum)).toBeLessThan(1e-13 * scale);
      expect(Math.abs(torque)).toBeLessThan(1e-12 * scale);
    }
    // A rotation by 1 rad about (1, 2, 2)/3 and a shift: the same energy to round-off.
    const [ux, uy, uz] = [1 / 3, 2 / 3, 2 / 3], c = Math.cos(1), s = Math.sin(1);
    const moved = new Float64Array(18);
    for (let i = 0; i < 6; i++) {
      const [x, y, z] = [chain[3 * i], chain[3 * i + 1], chain[3 * i + 2]];
      const d = ux * x + uy * y + uz * z;
      const cr = [uy * z - uz * y, uz * x - ux * z, ux * y - uy * x];
      [x, y, z].forEach((v, a) => (moved[3 * i + a] = v * c + cr[a] * s + [ux, uy, uz][a] * d * (1 - c) + [3, -1, 7][a]));
    }
    expect(Math.abs(pot.evaluate(moved) - energy)).toBeLessThan(1e-13 * Math.abs(energy));
    expectParameterGradient(pot, chain);
  });

  test("Hessian-vector products match central differences of the gradient, the Hessian is symmetric (dot test), translations are zero modes", () => {
    const pot = new Potential(terms());
    const v = chain.map((_, i) => Math.sin(2.3 * i + 1)), u = chain.map((_, i) => Math.cos(0.7 * i));
    const hv = pot.hessianVector(chain, v);
    const grad = (y: Float64Array) => {
      const g = new Float64Array(y.length);
      pot.evaluate(y, g);
      return g;
    };
    const h = 1e-5;
    const gp = grad(chain.map((xi, i) => xi + h * v[i])), gm = grad(chain.map((xi, i) => xi - h * v[i]));
    const scale = Math.max(...hv.map(Math.abs));
    // Central differences: truncation ~h^2 = 1e-10, round-off ~1e-16 / h = 1e-11 (relative); bound 1e-6.
    for (let i = 0; i < 18; i++) expect(Math.abs(hv[i] - (gp[i] - gm[i]) / (2 * h))).toBeLessThan(1e-6 * scale);
    const dot = (a: Float64Array, b: Float64Array) => a.reduce((s, x, i) => s + x * b[i], 0);
    const hu = pot.hessianVector(chain, u);
    expect(Math.abs(dot(u, hv) - dot(hu, v))).toBeLessThan(1e-12 * Math.abs(dot(u, hv)));
    for (let a = 0; a < 3; a++) {
      const shift = new Float64Array(18);
      for (let i = 0; i < 6; i++) shift[3 * i + a] = 1;
      for (const value of pot.hessianVector(chain, shift)) expect(Math.abs(value)).toBeLessThan(1e-12 * scale);
    }
  });

  test("mixed derivatives match central differences of the gradient in every parameter, and sum to zero over the atoms", () => {
    for (const term of terms()) {
      const pot = new Potential([term]);
      const p0 = pot.parameters(), m = 18;
      const mixed = pot.mixedDerivative(chain);
      for (let p = 0; p < p0.length; p++) {
        // The gradient is linear in amplitudes (exact differences) and smooth in phases: step 1e-5, bound 1e-6 relative.
        const h = 1e-5 * Math.max(1, Math.abs(p0[p]));
        const at = (dv: number) => {
          const q = p0.slice();
          q[p] += dv;
          const g = new Float64Array(m);
          pot.withParameters(q).evaluate(chain, g);
          return g;
        };
        const gp = at(h), gm = at(-h);
        const row = mixed.subarray(p * m, (p + 1) * m);
        const scale = Math.max(...row.map(Math.abs));
        expect(scale).toBeGreaterThan(0);
        for (let i = 0; i < m; i++) expect(Math.abs(row[i] - (gp[i] - gm[i]) / (2 * h)), `${term.fn.kind} ${term.names[p]} ${i}`).toBeLessThan(1e-6 * scale);
        for (let a = 0; a < 3; a++) expect(Math.abs(row.filter((_, i) => i % 3 === a).reduce((s, x) => s + x, 0))).toBeLessThan(1e-13 * scale * 6);
      }
    }
  });

  test("near the collinear singularity: finite forces that match central differences; at it, a finite energy and no force", () => {
    const term = new Torsions([[0, 1, 2, 3]], oplsTorsion, OPLS);
    for (const delta of [1e-2, 1e-3, 1e-4]) {
      // The bond angle at j is pi - delta: |m| = delta |b1||b2| to first order, |dphi/dx_i| ~ 1 / delta.
      const x = quad(0.9, Math.PI - delta);
      const g = new Float64Array(12);
      const e = term.evaluate(x, g, null);
      expect(Number.isFinite(e)).toBe(true);
      const gmax = Math.max(...g.map(Math.abs));
      expect(gmax).toBeLessThan(10 / delta);
      expect(gmax).toBeGreaterThan(0.1 / delta);
      // phi varies on the scale delta: step 1e-4 delta gives truncation ~1e-8 and round-off ~1e-16 / (1e-4 delta) relative to 1 / delta.
      const h = 1e-4 * delta;
      for (let q = 0; q < 12; q++) {
        const up = x.slice(), down = x.slice();
        up[q] += h;
        down[q] -= h;
        const fd = (term.evaluate(up, null, null) - term.evaluate(down, null, null)) / (2 * h);
        expect(Math.abs(fd - g[q]), `delta ${delta}, coordinate ${q}`).toBeLessThan(1e-6 * gmax);
      }
    }
    // Exactly collinear i, j, k, and within the guard (sin theta = COLLINEAR_SINE / 2): energy finite, no forces, no NaN.
    for (const x of [Float64Array.of(0, 0, -1, 0, 0, 0, 0, 0, 1.5, 1, 1, 2), quad(0.9, Math.PI - COLLINEAR_SINE / 2)]) {
      const g = new Float64Array(12), hv = new Float64Array(12), mixed = new Float64Array(4 * 12);
      expect(Number.isFinite(term.evaluate(x, g, null))).toBe(true);
      term.hessianVector(x, x.map(() => 1), hv);
      term.mixedDerivative(x, mixed);
      for (const v of [...g, ...hv, ...mixed]) expect(v).toBe(0);
    }
  });

  test("bad input is refused with the field named", () => {
    expect(() => new Torsions([[0, 1, 1, 2]], oplsTorsion, OPLS)).toThrow(/^dihedrals\[0\]: the atoms must be distinct, got \[0, 1, 1, 2\]$/);
    expect(() => new Torsions([[0, 1, 2] as unknown as [number, number, number, number]], oplsTorsion, OPLS)).toThrow(/^dihedrals\[0\]: expected 4 atom indices/);
    expect(() => new Torsions([[0, 1, 2, 3]], oplsTorsion, [1, 2, 3])).toThrow(/^params: opls-torsion takes 4 parameters \(K1, K2, K3, K4\), got 3$/);
    expect(() => new Torsions([[0, 1, 2, 3]], oplsTorsion, [1, NaN, 3, 4])).toThrow(/^params\.K2: expected a finite number for opls-torsion, got NaN$/);
    expect(() => periodicTorsion([1, 0])).toThrow(/^multiplicities\[1\]: expected a positive integer, got 0$/);
    expect(() => periodicTorsion([3, 3])).toThrow(/^multiplicities: expected distinct values, got \[3, 3\]$/);
  });
});
