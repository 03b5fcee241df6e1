import { describe, expect, test } from "vitest";
import { HarmonicAngles, HarmonicBonds } from "../src/molecular/bonded.js";
import { basinHopping } from "../src/inversion/basin-hopping.js";
import { containment, energyObjective, randomCluster } from "../src/molecular/cluster.js";
import { lennardJones, morse, PairPotential } from "../src/molecular/pair.js";
import { Potential } from "../src/molecular/potential.js";
import { PairTerm } from "../src/molecular/pair-term.js";
import { vibrationalFrequencies } from "../src/molecular/vibrations.js";

describe("vibrational frequencies", () => {
  test("a Morse diatomic vibrates at a sqrt(2 D_e / mu), with 5 rigid modes removed", () => {
    const [de, a, re, m1, m2] = [0.8, 1.9, 1.3, 1.0, 3.0];
    const pot = new Potential([new PairTerm(new PairPotential(morse, [de, a, re]))]);
    const x = Float64Array.of(0.1, -0.2, 0.3, 0.1 + re * 0.6, -0.2 + re * 0.8, 0.3);
    const v = vibrationalFrequencies(pot, x, [m1, m2]);
    expect(v.rigidModes).toBe(5);
    expect(v.frequencies.length).toBe(1);
    const mu = (m1 * m2) / (m1 + m2);
    expect(v.frequencies[0] / (a * Math.sqrt((2 * de) / mu)) - 1).toBeCloseTo(0, 10);
  });

  test("a bent triatomic has 3 real frequencies; the LJ13 minimum 33, all real and positive", () => {
    const r0 = 1, t0 = 1.8;
    const tri = new Potential([new HarmonicBonds([[0, 1], [0, 2]], 50, r0), new HarmonicAngles([[1, 0, 2]], 10, t0)]);
    const v = vibrationalFrequencies(tri, Float64Array.of(0, 0, 0, r0, 0, 0, r0 * Math.cos(t0), r0 * Math.sin(t0), 0), [16, 1, 1]);
    expect(v.rigidModes).toBe(6);
    expect(v.frequencies.length).toBe(3);
    for (const f of v.frequencies) expect(f).toBeGreaterThan(0.1);
    const lj = new Potential([new PairTerm(new PairPotential(lennardJones, [1, 1]))]);
    const r = basinHopping(energyObjective(lj), randomCluster(13, 3), { seed: 3, steps: 100, temperature: 0.8, stepSize: 0.4, target: -44.326801, targetTolerance: 1e-5, gradientTolerance: 1e-10, constrain: containment(3.9) });
    const f = vibrationalFrequencies(lj, r.x).frequencies;
    expect(f.length).toBe(33);
    // A minimum: every remaining mode has a positive curvature (smallest well above round-off).
    expect(f[0]).toBeGreaterThan(1);
  });
});
