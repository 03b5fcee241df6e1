import { linearizationErrors } from "./helpers/differences.js";
import { describe, expect, test } from "vitest";
import { expectParameterGradient } from "./helpers/molecular.js";
import { field, flatten } from "../src/core/arrays.js";
import { taylorTest } from "../src/core/gradcheck.js";
import { Random } from "../src/core/random.js";
import { buckingham, lennardJones, morse, PairPotential, type CutoffMode, type PairFunction } from "../src/molecular/pair.js";
import { Potential, PotentialEnergy } from "../src/molecular/potential.js";
import { PairTerm } from "../src/molecular/pair-term.js";

const FUNCTIONS: [PairFunction, number[], number][] = [
  [lennardJones, [1.3, 0.9], 1.1],
  [morse, [2.1, 1.7, 1.2], 1.35],
  [buckingham, [900, 0.3, 2.5], 1.6],
];

describe("pair potentials", () => {
  test("tabulated minima: Lennard-Jones -epsilon at 2^(1/6) sigma (zero at sigma), Morse -D_e at r_e, with zero force there", () => {
    const lj = new PairPotential(lennardJones, [1.7, 1.1]);
    const v = lj.at(2 ** (1 / 6) * 1.1);
    expect(v.energy).toBeCloseTo(-1.7, 13);
    expect(Math.abs(v.slope)).toBeLessThan(1e-12);
    expect(Math.abs(lj.at(1.1).energy)).toBeLessThan(1e-14);
    const m = new PairPotential(morse, [0.5, 2, 1.3]);
    expect(m.at(1.3).energy).toBe(-0.5);
    expect(m.at(1.3).slope).toBe(0);
  });

  for (const [fn, params, r] of FUNCTIONS) {
    for (const mode of ["none", "energy-shifted", "force-shifted"] as CutoffMode[]) {
      test(`${fn.kind}, ${mode}: dE/dr, dE/dp and d2E/drdp match central differences`, () => {
        const cutoff = mode === "none" ? Infinity : 2.2;
        const pot = (p: number[]) => new PairPotential(fn, p, cutoff, mode);
        const v = pot(params).at(r);
        const [energy, slope, dE, dS] = [v.energy, v.slope, Float64Array.from(v.dEnergy), Float64Array.from(v.dSlope)];
        const h = 1e-6;
        // Central differences: error ~h^2 E''' ~ 1e-12 relative, round-off ~1e-16 / h = 1e-10; bound 1e-7.
        const close = (a: number, b: number) => expect(Math.abs(a - b)).toBeLessThan(1e-7 * Math.max(1, Math.abs(b)));
        close(slope, (pot(params).at(r + h).energy - pot(params).at(r - h).energy) / (2 * h));
        params.forEach((p0, k) => {
          const hp = h * Math.max(1, Math.abs(p0));
          const up = params.slice(), down = params.slice();
          up[k] += hp;
          down[k] -= hp;
          close(dE[k], (pot(up).at(r).energy - pot(down).at(r).energy) / (2 * hp));
          close(dS[k], (pot(up).at(r).slope - pot(down).at(r).slope) / (2 * hp));
        });
        expect(Number.isFinite(energy)).toBe(true);
        if (mode !== "none") {
          const atCut = pot(params).at(2.2);
          expect(Math.abs(atCut.energy)).toBeLessThan(1e-15);
          if (mode === "force-shifted") expect(Math.abs(atCut.slope)).toBeLessThan(1e-15);
        }
      });
    }
  }
  test("the squared-distance kernel is the pair function (energy and slope to the last bit), and the force loops' entry is the cut potential", () => {
    expect(FUNCTIONS.filter(([fn]) => fn.squared !== undefined).length).toBeGreaterThan(0);
    for (const [fn, params, r] of FUNCTIONS) {
      if (fn.squared === undefined) continue;
      const { energy, virial, coefficients } = fn.squared;
      const [c0, c1, c2] = coefficients(Float64Array.from(params));
      for (const d of [0.9 * r, r, 1.7 * r]) {
        const v = new PairPotential(fn, params).at(d);
        expect(energy(d * d, c0, c1, c2)).toBe(v.energy);
        expect(-virial(d * d, c0, c1, c2) / d).toBe(v.slope);
        // The force loops' entry (no square root) against the cut potential at r.
        for (const mode of ["none", "energy-shifted", "force-shifted"] as CutoffMode[]) {
          const pot = new PairPotential(fn, params, mode === "none" ? Infinity : 2.2, mode);
          const cut = pot.at(d);
          expect(Math.abs(pot.energyForce(d * d) - cut.energy)).toBeLessThan(1e-15 * Math.max(1, Math.abs(cut.energy)));
          expect(Math.abs(pot.forceOverR + cut.slope / d)).toBeLessThan(1e-14 * Math.max(1, Math.abs(cut.slope / d)));
        }
      }
    }
  });
});

/** A jittered simple-cubic lattice of n atoms at number density rho in a periodic cube. */
function lattice(n: number, rho: number, seed: number): { x: Float64Array; box: [number, number, number] } {
  const L = Math.cbrt(n / rho), m = Math.ceil(Math.cbrt(n)), a = L / m;
  const rng = new Random(seed);
  const x = new Float64Array(3 * n);
  for (let i = 0; i < n; i++) {
    const c = [i % m, Math.floor(i / m) % m, Math.floor(i / (m * m))];
    for (let k = 0; k < 3; k++) x[3 * i + k] = (c[k] + 0.5 + 0.2 * (rng.uniform() - 0.5)) * a;
  }
  return { x, box: [L, L, L] };
}

describe("pair sums", () => {
  test("the cell list gives the all-pairs minimum-image sum (energy and forces to 1e-12)", () => {
    const { x, box } = lattice(500, 0.8, 3);
    const rc = 2.5;
    const term = new PairTerm(new PairPotential(lennardJones, [1, 1], rc, "energy-shifted"), box);
    const g = new Float64Array(x.length);
    const e = term.evaluate(x, g, null);
    // Independent reference: every pair, minimum image, the LJ formula written out.
    const shift = 4 * (rc ** -12 - rc ** -6);
    let eRef = 0;
    const gRef = new Float64Array(x.length);
    for (let i = 0; i < 500; i++) {
      for (let j = i + 1; j < 500; j++) {
        const d = [0, 1, 2].map((k) => {
          const v = x[3 * j + k] - x[3 * i + k];
          return v - box[k] * Math.round(v / box[k]);
        });
        const r2 = d[0] ** 2 + d[1] ** 2 + d[2] ** 2;
        if (r2 >= rc * rc) continue;
        const s6 = r2 ** -3;
        eRef += 4 * (s6 * s6 - s6) - shift;
        const f = (-24 * (2 * s6 * s6 - s6)) / r2;
        for (let k = 0; k < 3; k++) {
          gRef[3 * j + k] += f * d[k];
          gRef[3 * i + k] -= f * d[k];
        }
      }
    }
    expect(Math.abs(e - eRef)).toBeLessThan(1e-12 * Math.abs(eRef));
    const scale = Math.max(...gRef.map(Math.abs));
    for (let k = 0; k < x.length; k++) expect(Math.abs(g[k] - gRef[k])).toBeLessThan(1e-12 * scale);
  });

  test("open space: the all-pairs loop gives the general path's energy and gradient bit for bit (every cutoff mode, functions with and without a squared kernel)", () => {
    const rng = new Random(21);
    const n = 38;
    const x = Float64Array.from({ length: 3 * n }, () => 4 * (rng.uniform() - 0.5));
    const cases: [PairFunction, number[], number, CutoffMode][] = [
      [lennardJones, [1, 1], Infinity, "none"],
      [lennardJones, [1.3, 0.9], 2.5, "energy-shifted"],
      [lennardJones, [1.3, 0.9], 2.5, "force-shifted"],
      [morse, [2.1, 1.7, 1.2], Infinity, "none"],
      [morse, [2.1, 1.7, 1.2], 2.2, "energy-shifted"],
    ];
    for (const [fn, p, rc, mode] of cases) {
      const term = new PairTerm(new PairPotential(fn, p, rc, mode));
      // Without a parameter gradient the open-space loop runs; with one, the pair list and `at`.
      const g = new Float64Array(3 * n).fill(0.25), gRef = new Float64Array(3 * n).fill(0.25);
      const e = term.evaluate(x, g, null);
      const eRef = term.evaluate(x, gRef, new Float64Array(p.length));
      expect(e).toBe(eRef);
      for (let k = 0; k < 3 * n; k++) expect(g[k]).toBe(gRef[k]);
      expect(term.evaluate(x, null, null)).toBe(eRef);
    }
  });

  test("a cluster in open space: forces sum to zero and exert no torque; Taylor orders 1 and 2; dot test", () => {
    const rng = new Random(8);
    const n = 13;
    const x = Float64Array.from({ length: 3 * n }, () => 2.2 * (rng.uniform() - 0.5));
    for (let i = 0; i < n; i++) for (let k = 0; k < 3; k++) x[3 * i + k] += 1.1 * ((i >> k) & 1);
    const pes = new PotentialEnergy(new Potential([
      new PairTerm(new PairPotential(lennardJones, [1, 1], 3, "force-shifted")),
      new PairTerm(new PairPotential(morse, [0.3, 1.5, 1.4])),
    ]));
    const positions = field(x, [n, 3]);
    const { forces } = pes.energyAndForces(positions);
    const f = flatten(forces);
    const scale = Math.max(...f.map(Math.abs));
    for (let k = 0; k < 3; k++) {
      let sum = 0, torque = 0;
      for (let i = 0; i < n; i++) {
        sum += f[3 * i + k];
        const [a, b] = [(k + 1) % 3, (k + 2) % 3];
        torque += x[3 * i + a] * f[3 * i + b] - x[3 * i + b] * f[3 * i + a];
      }
      // Pair forces are central and opposite: sums cancel to round-off (n^2 terms of size `scale`).
      expect(Math.abs(sum)).toBeLessThan(1e-13 * scale * n);
      expect(Math.abs(torque)).toBeLessThan(1e-12 * scale * n);
    }
    const objective = (m: typeof positions) => {
      const lin = pes.linearize(m);
      return { value: flatten(lin.data)[0], gradient: lin.vjp(field(Float64Array.of(1), [1])) };
    };
    const t = taylorTest(objective, positions, field(x.map((_, i) => Math.sin(i)), [n, 3]), { h0: 1e-3 });
    for (const rate of t.rates1) expect(Math.abs(rate - 1)).toBeLessThan(0.1);
    for (const rate of t.rates2) expect(Math.abs(rate - 2)).toBeLessThan(0.1);
    // jvp and vjp against central differences of the energy (a dot test would pass by construction:
    // both use the one stored gradient); tolerance 1e-6, see linearizationErrors.
    const e = linearizationErrors(pes, positions, field(flatten(positions).map((_, i) => Math.cos(2.3 * i)), positions.shape), field(Float64Array.of(1.7), [1]));
    expect(e.jvp).toBeLessThan(1e-6);
    expect(e.vjp).toBeLessThan(1e-6);
  });

  test("parameter gradients of a sum of terms match central differences", () => {
    const { x, box } = lattice(64, 0.5, 2);
    const pot = new Potential([new PairTerm(new PairPotential(lennardJones, [1.2, 0.95], 1.9, "force-shifted"), box), new PairTerm(new PairPotential(morse, [0.4, 1.2, 1.3], 1.9), box)]);
    expectParameterGradient(pot, x);
  });
});

describe("the lj-box problem of ../shared/bench/lj_ref.c", () => {
  test("10,000 atoms: the energy per atom is the C yardstick's -4.12586461, forces sum to zero, and both force loops agree", async () => {
    const { ljBox } = await import("../src/bench/molecular.js");
    const { x, box } = ljBox(10_000);
    const term = new PairTerm(new PairPotential(lennardJones, [1, 1], 2.5, "energy-shifted"), box);
    const g = new Float64Array(x.length);
    const e = term.evaluate(x, g, null);
    // The C program prints 8 decimals of the same sum over the same positions.
    expect(Math.abs(e / 10_000 - -4.12586461)).toBeLessThan(1e-8);
    const scale = Math.max(...g.map(Math.abs));
    for (let k = 0; k < 3; k++) {
      let sum = 0;
      for (let i = k; i < g.length; i += 3) sum += g[i];
      expect(Math.abs(sum)).toBeLessThan(1e-9 * scale);
    }
    // The cell loop (energy and forces) against the pair-list loop (taken when parameter gradients are asked).
    const eList = term.evaluate(x, null, new Float64Array(2));
    expect(Math.abs(eList - e)).toBeLessThan(1e-12 * Math.abs(e));
  });
});
