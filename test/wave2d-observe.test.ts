/**
 * What the 2D simulator offers inversion scenes besides its derivatives, each against a truth
 * computed another way: forward snapshots (against the receivers' traces) and the low-passed band
 * (against a simulator built from filtered wavelets).
 */
import { describe, expect, test } from "vitest";
import { field, flatten } from "../src/core/arrays.js";
import { InputError } from "../src/core/errors.js";
import { lowPass } from "../src/wave/filter.js";
import type { Wave2DConfig } from "../src/wave/grid2d.js";
import { WaveSimulator2D } from "../src/wave/simulator2d.js";
import { ricker } from "../src/wave/wavelet.js";
import { problem2D } from "./helpers/wave2d.js";

/** Every snapshot of a forward run: shot, time index and a copy of the field. */
function snapshots(sim: WaveSimulator2D, velocity: ReturnType<typeof field>, every: number) {
  const seen: { shot: number; n: number; u: Float64Array; type: string }[] = [];
  const data = flatten(sim.forward(velocity, { every, onStep: (v) => seen.push({ shot: v.shot, n: v.timeIndex, u: Float64Array.from(v.field), type: v.field.constructor.name }) }));
  return { data, seen };
}

describe("2D forward snapshots", () => {
  const nx = 40, nz = 30, nt = 150, dt = 1e-3;
  // Receivers on grid points (a point's weights are then its cell's alone, exactly 1): the traces
  // sample the same u^n the snapshots show.
  const cellsAt = [[12, 20], [25, 5], [0, 39], [3, 7]] as const;
  const config = (precision: "float64" | "float32"): Wave2DConfig => ({
    nx, nz, dx: 10, dz: 10, dt, nt, top: "free", pml: { width: 8, velocity: 2500 }, precision, warn: () => {},
    shots: [
      { source: { x: 151.3, z: 120.4 }, wavelet: ricker(25, nt, dt), receivers: cellsAt.map(([iz, ix]) => ({ x: 10 * ix, z: 10 * iz })) },
      { source: { x: 300, z: 50 }, wavelet: ricker(20, nt, dt), receivers: cellsAt.map(([iz, ix]) => ({ x: 10 * ix, z: 10 * iz })) },
    ],
  });
  const c = new Float64Array(nx * nz).map((_, i) => 2000 + 8 * Math.floor(i / nx) + 3 * (i % nx));
  const velocity = field(c, [nz, nx]);

  for (const precision of ["float64", "float32"] as const) {
    test(`${precision}: a snapshot every 7 steps, u^n on the model cells equal to the traces at those cells, and the data unchanged`, () => {
      const sim = new WaveSimulator2D(config(precision));
      const plain = flatten(sim.forward(velocity));
      const { data, seen } = snapshots(sim, velocity, 7);
      // Observing runs the shot in pieces of 7 steps: the same steps, so the same bytes.
      expect(Buffer.from(data.buffer).equals(Buffer.from(plain.buffer))).toBe(true);
      // n = 0, 7, ..., 147 (149 = nt - 1 is not a multiple of 7) for each shot, in order.
      const times = Array.from({ length: 22 }, (_, k) => 7 * k);
      expect(seen.map((v) => [v.shot, v.n])).toEqual([0, 1].flatMap((s) => times.map((n) => [s, n])));
      expect(seen.every((v) => v.u.length === nz * nx && v.type === (precision === "float32" ? "Float32Array" : "Float64Array"))).toBe(true);
      expect(seen[0].u.every((v) => v === 0)).toBe(true);
      let compared = 0, largest = 0;
      for (const { shot, n, u } of seen) {
        cellsAt.forEach(([iz, ix], r) => {
          expect(u[iz * nx + ix]).toBe(data[(shot * cellsAt.length + r) * nt + n]);
          largest = Math.max(largest, Math.abs(u[iz * nx + ix]));
          compared++;
        });
      }
      expect(compared).toBe(44 * 4);
      expect(largest).toBeGreaterThan(1e-3); // the pulse reached the receivers within the record
    });
  }

  test("every = 1 shows all nt time indices; every >= nt only n = 0; bad options are named", () => {
    const sim = new WaveSimulator2D(config("float64"));
    expect(snapshots(sim, velocity, 1).seen.map((v) => v.n).slice(0, nt)).toEqual(Array.from({ length: nt }, (_, n) => n));
    expect(snapshots(sim, velocity, nt).seen.map((v) => [v.shot, v.n])).toEqual([[0, 0], [1, 0]]);
    for (const every of [0, 2.5, -1, NaN]) expect(() => sim.forward(velocity, { every, onStep: () => {} })).toThrow(/^every: expected a positive integer/);
    expect(() => sim.forward(velocity, { onStep: 3 as never })).toThrow(InputError);
    expect(() => sim.forward(velocity, { onStep: 3 as never })).toThrow(/^onStep: expected a function/);
  });
});

describe("2D low-passed band", () => {
  test("lowPassed(cutoff) models what a simulator built from the low-passed wavelets does, bit for bit", () => {
    const { config, velocity } = problem2D({ nx: 36, nz: 28, nt: 200, bumpX: 12, lastX: 330.2, order: 8, top: "absorbing" });
    const sim = new WaveSimulator2D(config);
    const cutoff = 8;
    const band = sim.lowPassed(cutoff);
    const built = new WaveSimulator2D({ ...config, shots: config.shots.map((s) => ({ ...s, wavelet: lowPass(Float64Array.from(s.wavelet), config.nt, config.dt, cutoff) })) });
    const a = flatten(band.forward(velocity)), b = flatten(built.forward(velocity)), full = flatten(sim.forward(velocity));
    expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true);
    // The band is not the full band (measured: the difference 0.97 of the full data's norm), and
    // the view's frequency limit is the built simulator's.
    expect(Math.hypot(...a.map((v, i) => v - full[i]))).toBeGreaterThan(0.3 * Math.hypot(...full));
    expect(band.layout.fmax).toBe(built.layout.fmax);
    // The view's derivatives are the built simulator's.
    const dd = field(a.map((v) => v * 1e-3), band.dataShape);
    const ga = flatten(band.vjp(velocity, dd)), gb = flatten(built.vjp(velocity, dd));
    expect(Buffer.from(ga.buffer).equals(Buffer.from(gb.buffer))).toBe(true);
    expect(sim.lowPassed(Infinity)).toBe(sim);
    for (const bad of [0, -3, NaN]) expect(() => sim.lowPassed(bad)).toThrow(/^cutoff: expected a positive frequency/);
  });
});

