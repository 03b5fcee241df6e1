/**
 * What the 2D simulator offers inversion scenes besides its derivatives, each against a truth
 * computed another way: forward snapshots (against the receivers' traces), the low-passed band
 * (against a simulator built from filtered wavelets) and illumination (against snapshots, against
 * simulators firing from the receivers, and against the far field of the 2D Green's function).
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

describe("2D illumination", () => {
  test("source side: sum over shots and steps of ((u^{n+1} - 2 u^n + u^{n-1}) / dt^2)^2 dt from the snapshots", () => {
    const { config, velocity } = problem2D({ nx: 36, nz: 28, nt: 220, bumpX: 12, lastX: 330.2, order: 8, top: "free" });
    const sim = new WaveSimulator2D(config);
    const h = flatten(sim.illumination(velocity));
    const { nx, nz, nt, dt } = config, cells = nx * nz;
    const truth = new Float64Array(cells);
    const fields: Float64Array[][] = [[], []];
    sim.forward(velocity, { onStep: (v) => fields[v.shot].push(Float64Array.from(v.field)) });
    for (const u of fields) {
      expect(u.length).toBe(nt);
      for (let n = 0; n < nt - 1; n++) {
        for (let k = 0; k < cells; k++) {
          const a = (u[n + 1][k] - 2 * u[n][k] + (n > 0 ? u[n - 1][k] : 0)) / (dt * dt);
          truth[k] += a * a * dt;
        }
      }
    }
    // Two routes to d2u/dt2 (c^2 W^n, the second difference of u): measured 1.8e-15 relative to
    // the peak; bound 1e-12.
    const peak = Math.max(...truth);
    let err = 0;
    for (let k = 0; k < cells; k++) err = Math.max(err, Math.abs(h[k] - truth[k]));
    expect(err / peak).toBeLessThan(1e-12);
    expect(h.every((v) => v >= 0)).toBe(true);
  });

  test("receiver side: each shot's source term times the sum of simulators firing its wavelet from each receiver", () => {
    const { config, velocity } = problem2D({ nx: 30, nz: 28, nt: 160, bumpX: 12, lastX: 250.3, order: 4, top: "absorbing" });
    const h = flatten(new WaveSimulator2D(config).illumination(velocity, { receiverSide: true }));
    const expected = new Float64Array(config.nx * config.nz);
    for (const shot of config.shots) {
      const one = (source: { x: number; z: number }) => flatten(new WaveSimulator2D({ ...config, shots: [{ ...shot, source }] }).illumination(velocity));
      const S = one(shot.source);
      const R = shot.receivers.map(one).reduce((sum, e) => sum.map((v, k) => v + e[k]));
      for (let k = 0; k < S.length; k++) expected[k] += S[k] * R[k];
    }
    const peak = Math.max(...expected);
    let err = 0;
    for (let k = 0; k < h.length; k++) err = Math.max(err, Math.abs(h[k] - expected[k]));
    // Measured 0 (the same runs, in another arena); bound 1e-13.
    expect(err / peak).toBeLessThan(1e-13);
    const sim = new WaveSimulator2D(config);
    expect(() => sim.illumination(velocity, { receiverSide: "yes" as never })).toThrow(/^receiverSide: expected true or false/);
    expect(() => sim.illumination(field(flatten(velocity), [config.nx, config.nz]))).toThrow(/^velocity: expected shape/);
  });

  test("homogeneous medium: the far field of the 2D Green's function, (c / (8 pi^2 r)) integral_0^inf w^3 |F(w)|^2 dw, falling as 1/r with depth", () => {
    // u = G * f with G(w) = (i/4) H0(w r / c), and |H0(x)|^2 = (2 / (pi x)) (1 + O(1/x^2)), so
    // integral u_tt^2 dt = (1/pi) integral_0^inf w^4 |G|^2 |F|^2 dw -> (c / (8 pi^2 r)) integral w^3 |F|^2 dw.
    const c = 2000, f0 = 15, dt = 1e-3, nt = 700, dx = 10, nx = 101, nz = 86;
    const wavelet = ricker(f0, nt, dt);
    const config: Wave2DConfig = { nx, nz, dx, dz: dx, dt, nt, pml: { width: 20, velocity: c }, warn: () => {}, shots: [{ source: { x: 500, z: 150 }, wavelet, receivers: [{ x: 500, z: 0 }] }] };
    const h = flatten(new WaveSimulator2D(config).illumination(field(new Float64Array(nx * nz).fill(c), [nz, nx])));
    let moment = 0; // integral_0^inf w^3 |F(w)|^2 dw, F(w) = sum_n f_n e^{-i w n dt} dt, to 150 Hz
    const dw = 2 * Math.PI * 0.05;
    for (let w = dw / 2; w < 2 * Math.PI * 150; w += dw) {
      let re = 0, im = 0;
      for (let n = 0; n < nt; n++) {
        re += wavelet[n] * Math.cos(w * n * dt) * dt;
        im -= wavelet[n] * Math.sin(w * n * dt) * dt;
      }
      moment += w ** 3 * (re * re + im * im) * dw;
    }
    const ratios = [200, 300, 400, 500, 600].map((r) => h[((150 + r) / dx) * nx + 50] / ((c / (8 * Math.PI ** 2 * r)) * moment));
    // Measured 0.9970, 0.9975, 0.9977, 0.9978, 0.9978: the leapfrog's second difference is
    // w^2 (1 - (w dt)^2 / 12), -0.26% on the energy at 20 Hz, and |H0|^2's next term, -1/(8 x^2),
    // -0.08% at 200 m; bound 0.5%.
    for (const q of ratios) expect(Math.abs(q - 1)).toBeLessThan(0.005);
    // r h(r) is constant: h falls as 1/r with depth (measured h(200 m) / h(400 m) = 1.9986), and
    // sideways alike, the medium being isotropic (measured 1 + 9.5e-10).
    expect(h[(350 / dx) * nx + 50] / h[(550 / dx) * nx + 50]).toBeCloseTo(400 / 200, 1);
    expect(Math.abs(h[(150 / dx) * nx + 30] / h[(350 / dx) * nx + 50] - 1)).toBeLessThan(1e-6);
  });
});
