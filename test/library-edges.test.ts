/**
 * The library's edges: every public function either works or throws the
 * project's typed errors with the argument named — never a silent NaN or a
 * bare TypeError from deep inside.
 */
import { describe, expect, test } from "vitest";
import { field } from "../src/core/arrays.js";
import { InputError } from "../src/core/errors.js";
import { HeatSimulator } from "../src/heat/simulator.js";
import { basinHopping } from "../src/inversion/basin-hopping.js";
import { run } from "../src/inversion/descent.js";
import { energyObjective } from "../src/molecular/cluster.js";
import { buckingham, lennardJones, morse, PairPotential } from "../src/molecular/pair.js";
import { PairTerm } from "../src/molecular/pair-term.js";
import { Potential, PotentialEnergy } from "../src/molecular/potential.js";
import { vibrationalFrequencies } from "../src/molecular/vibrations.js";
import { ricker } from "../src/wave/wavelet.js";
import { WaveSimulator } from "../src/wave/simulator.js";

const lj = () => new Potential([new PairTerm(new PairPotential(lennardJones, [1, 1]))]);

describe("the library's edges", () => {
  test("coincident atoms are named, not a silent NaN energy", () => {
    const x = Float64Array.of(0, 0, 0, 0, 0, 0, 1.5, 0, 0);
    expect(() => lj().evaluate(x)).toThrow(InputError);
    expect(() => lj().evaluate(x)).toThrow(/^positions: atoms 0 and 1 coincide \(both at 0, 0, 0\): their pair energy is infinite$/);
    expect(() => new PotentialEnergy(lj()).forward(field(x, [3, 3]))).toThrow(/^positions: atoms 0 and 1 coincide/);
    expect(() => lj().evaluate(Float64Array.of(0, 0, 0, NaN, 1, 1))).toThrow(/^positions\[3\]: expected a finite coordinate, got NaN$/);
    // Basin hopping from coincident atoms used to return value NaN.
    expect(() => run(basinHopping(energyObjective(lj()), x, { seed: 1, steps: 3, temperature: 0.8, stepSize: 0.4 }))).toThrow(/^positions: atoms 0 and 1 coincide/);
  });

  test("vibrational frequencies at r = 0 name the atoms instead of a TypeError", () => {
    expect(() => vibrationalFrequencies(lj(), Float64Array.of(0, 0, 0, 0, 0, 0))).toThrow(/^positions: atoms 0 and 1 coincide/);
    expect(() => vibrationalFrequencies(lj(), [0, 0, 0, 1, 0, 0] as unknown as Float64Array)).toThrow(/^x: expected a Float64Array of 3 coordinates per atom, got an array of length 6$/);
  });

  test("pair parameters outside their physical domain are refused, by name", () => {
    expect(() => new PairPotential(lennardJones, [1, -1])).toThrow(/^params\.sigma: expected a positive number for lennard-jones, got -1$/);
    expect(() => new PairPotential(lennardJones, [0, 1])).toThrow(/^params\.epsilon: expected a positive number/);
    expect(() => new PairPotential(morse, [1, 1, -2])).toThrow(/^params\.equilibrium: expected a positive number for morse, got -2$/);
    expect(() => new PairPotential(buckingham, [1, 0.3, -1])).toThrow(/^params\.dispersion: expected a non-negative number for buckingham, got -1$/);
    expect(() => new PairPotential(buckingham, [1, 0.3, 0])).not.toThrow();
    // Given later through the potential (as a fit does), a bad value is refused the same way.
    const p = lj();
    expect(() => p.withParameters(Float64Array.of(1, -0.5))).toThrow(/^params\.sigma: expected a positive number/);
  });

  test("simulators given a plain or typed array instead of an ndarray say so", () => {
    const nt = 100;
    const wave = new WaveSimulator({ nx: 50, dx: 5, dt: 5e-4, nt, pml: { velocity: 2000 }, warn: () => {}, shots: [{ source: 100, wavelet: ricker(15, nt, 5e-4), receivers: [50] }] });
    expect(() => wave.forward(new Float64Array(50).fill(2000) as never)).toThrow(/^velocity: expected an ndarray \(make one with field\(values, shape\)\), got a Float64Array of length 50$/);
    const c = field(new Float64Array(50).fill(2000), [50]);
    expect(() => wave.vjp(c, [1, 2, 3] as never)).toThrow(/^dData: expected an ndarray .*got an array of length 3$/);
    const heat = new HeatSimulator({ nx: 10, dx: 0.01, dt: 1, nt: 5, capacity: 1e6, sensors: [0.05] });
    expect(() => heat.forward(new Float64Array(10).fill(1) as never)).toThrow(/^conductivity: expected an ndarray/);
    expect(() => new PotentialEnergy(lj()).forward(Float64Array.of(0, 0, 0, 1, 0, 0) as never)).toThrow(/^positions: expected an ndarray/);
  });
});
