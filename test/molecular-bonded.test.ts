import { linearizationErrors } from "./helpers/differences.js";
import { describe, expect, test } from "vitest";
import { expectParameterGradient } from "./helpers/molecular.js";
import { field, flatten } from "../src/core/arrays.js";
import { taylorTest } from "../src/core/gradcheck.js";
import { HarmonicAngles, HarmonicBonds } from "../src/molecular/bonded.js";
import { morse, PairPotential } from "../src/molecular/pair.js";
import { Potential, PotentialEnergy } from "../src/molecular/potential.js";
import { PairTerm } from "../src/molecular/pair-term.js";

// A water-like molecule: O at the origin, two H at 0.9572 A and 104.52 degrees.
const r0 = 0.9572, t0 = (104.52 * Math.PI) / 180;
const water = Float64Array.of(0, 0, 0, r0, 0, 0, r0 * Math.cos(t0), r0 * Math.sin(t0), 0);

describe("bonded terms", () => {
  test("at the rest geometry the energy and forces vanish; a stretched bond costs 0.5 k dr^2, a bent angle 0.5 k dtheta^2", () => {
    const bonds = new HarmonicBonds([[0, 1], [0, 2]], 450, r0);
    const angles = new HarmonicAngles([[1, 0, 2]], 55, t0);
    const pot = new Potential([bonds, angles]);
    const g = new Float64Array(9);
    expect(Math.abs(pot.evaluate(water, g))).toBeLessThan(1e-20);
    for (const v of g) expect(Math.abs(v)).toBeLessThan(1e-10);
    const stretched = water.slice();
    stretched[3] += 0.01;
    expect(bonds.evaluate(stretched, null, null)).toBeCloseTo(0.5 * 450 * 1e-4, 12);
    const bent = water.slice();
    const t = t0 + 0.05;
    [bent[6], bent[7]] = [r0 * Math.cos(t), r0 * Math.sin(t)];
    expect(angles.evaluate(bent, null, null)).toBeCloseTo(0.5 * 55 * 0.0025, 12);
  });

  test("a bonded chain with a Morse pair term: Taylor orders 1 and 2, no net force or torque, parameter gradients by central differences", () => {
    const x = Float64Array.of(0, 0, 0, 1.1, 0.1, 0, 1.7, 0.9, 0.2, 2.9, 1.0, -0.3, 3.3, 2.0, 0.1);
    const pot = new Potential([
      new HarmonicBonds([[0, 1], [1, 2], [2, 3], [3, 4]], 300, 1.05),
      new HarmonicAngles([[0, 1, 2], [1, 2, 3], [2, 3, 4]], 40, 1.9),
      new PairTerm(new PairPotential(morse, [0.2, 1.4, 2.2])),
    ]);
    const pes = new PotentialEnergy(pot);
    const positions = field(x, [5, 3]);
    const objective = (m: typeof positions) => {
      const lin = pes.linearize(m);
      return { value: flatten(lin.data)[0], gradient: lin.vjp(field(Float64Array.of(1), [1])) };
    };
    const t = taylorTest(objective, positions, field(x.map((_, i) => Math.sin(1.7 * i + 0.5)), [5, 3]), { h0: 1e-3 });
    for (const rate of t.rates1) expect(Math.abs(rate - 1)).toBeLessThan(0.1);
    for (const rate of t.rates2) expect(Math.abs(rate - 2)).toBeLessThan(0.1);
    // jvp and vjp against central differences of the energy (a dot test would pass by construction:
    // both use the one stored gradient); tolerance 1e-6, see linearizationErrors.
    const e = linearizationErrors(pes, positions, field(flatten(positions).map((_, i) => Math.cos(2.3 * i)), positions.shape), field(Float64Array.of(1.7), [1]));
    expect(e.jvp).toBeLessThan(1e-6);
    expect(e.vjp).toBeLessThan(1e-6);
    const f = flatten(pes.energyAndForces(positions).forces);
    const scale = Math.max(...f.map(Math.abs));
    for (let k = 0; k < 3; k++) {
      let sum = 0, torque = 0;
      for (let i = 0; i < 5; i++) {
        sum += f[3 * i + k];
        const [a, b] = [(k + 1) % 3, (k + 2) % 3];
        torque += x[3 * i + a] * f[3 * i + b] - x[3 * i + b] * f[3 * i + a];
      }
      expect(Math.abs(sum)).toBeLessThan(1e-12 * scale);
      expect(Math.abs(torque)).toBeLessThan(1e-12 * scale * 10);
    }
    expectParameterGradient(pot, x);
  });

  test("bad bond lists are refused with the entry named", () => {
    expect(() => new HarmonicBonds([[0, 0]], 1, 1)).toThrow(/^bonds\[0\]: the atoms must be distinct/);
    expect(() => new HarmonicAngles([[0, 1] as unknown as [number, number, number]], 1, 1)).toThrow(/^angles\[0\]: expected 3 atom indices/);
  });
});
