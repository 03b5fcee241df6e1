/**
 * The 2D acoustic simulator's forward modelling against truths nobody here chose: the 2D
 * Green's function of the wave equation, its image at a free surface, and the data of a domain
 * large enough to have no boundary within the time window (for the C-PML's reflections).
 */
import { describe, expect, test } from "vitest";
import { field, flatten } from "../src/core/arrays.js";
import { InputError } from "../src/core/errors.js";
import type { Point2D, Wave2DConfig } from "../src/wave/grid2d.js";
import { WaveSimulator2D } from "../src/wave/simulator2d.js";
import { ricker } from "../src/wave/wavelet.js";

const c = 2000, f0 = 10, delay = 0.12;

/**
 * u(r, t) of (1/c^2) u_tt - (u_xx + u_zz) = f(t) delta(x - x_s) in a homogeneous medium: the
 * Green's function H(t - r/c) / (2 pi sqrt(t^2 - r^2/c^2)) convolved with the Ricker wavelet f,
 * by the substitution tau = (r/c) cosh(theta), which removes the singularity:
 * u = (1 / 2 pi) integral_0^{acosh(c t / r)} f(t - (r/c) cosh theta) d theta (Simpson, 4000
 * intervals: 1e-12 relative).
 */
function green(r: number, t: number): number {
  if (t <= r / c) return 0;
  const end = Math.acosh((c * t) / r), n = 4000, h = end / n, a2 = (Math.PI * f0) ** 2;
  const f = (s: number) => (1 - 2 * a2 * (s - delay) ** 2) * Math.exp(-a2 * (s - delay) ** 2);
  let sum = 0;
  for (let i = 0; i <= n; i++) sum += (i === 0 || i === n ? 1 : i % 2 === 1 ? 4 : 2) * f(t - (r / c) * Math.cosh(i * h));
  return (sum * h) / 3 / (2 * Math.PI);
}

/** A square homogeneous model of side `length` (m) and the data of one shot at `receivers`. */
function traces(order: 2 | 4 | 6 | 8, dx: number, dt: number, duration: number, source: Point2D, receivers: Point2D[], extra: Partial<Wave2DConfig> = {}, length = 1000) {
  const n = Math.round(length / dx) + 1, nt = Math.round(duration / dt) + 1;
  const sim = new WaveSimulator2D({
    nx: n, nz: n, dx, dz: dx, dt, nt, order, pml: { width: 20, velocity: c }, warn: () => {},
    shots: [{ source, wavelet: ricker(f0, nt, dt, delay), receivers }], ...extra,
  });
  return { data: flatten(sim.forward(field(new Float64Array(n * n).fill(c), [n, n]))), nt };
}

/** green(r, n dt) for n < nt, computed once per (r, dt, nt). */
const greenTraces = new Map<string, Float64Array>();
function greenTrace(r: number, dt: number, nt: number): Float64Array {
  const key = `${r} ${dt} ${nt}`;
  let g = greenTraces.get(key);
  if (g === undefined) greenTraces.set(key, (g = Float64Array.from({ length: nt }, (_, k) => green(r, k * dt))));
  return g;
}

/** Max error of a trace against `truth(t)`, relative to the truth's peak. */
function relativeError(data: Float64Array, nt: number, dt: number, truth: (t: number) => number, offset = 0): number {
  let err = 0, peak = 0;
  for (let k = 0; k < nt; k++) {
    const u = truth(k * dt);
    err = Math.max(err, Math.abs(data[offset + k] - u));
    peak = Math.max(peak, Math.abs(u));
  }
  return err / peak;
}

describe("2D forward modelling against the Green's function", () => {
  // In a 700 m square, a source and a receiver 304 m apart, the pulse (10 Hz Ricker, energy to
  // ~25 Hz) gone by 0.45 s, before any echo of the layers (whose own reflections are ~1e-7 of
  // it). dt = 5e-5 s keeps the leapfrog's time error (~1e-5) below the spatial errors compared
  // (order 4: 2.4e-3 at dx = 10 m, 1.5e-4 at 5 m; order 2: 6.8e-2, 1.7e-2).
  const onGrid = { source: { x: 250, z: 350 }, receiver: { x: 550, z: 400 } };
  const offGrid = { source: { x: 253.7, z: 353.7 }, receiver: { x: 553.7, z: 403.7 } };
  test.each([
    [2, "on", onGrid],
    [4, "on", onGrid],
    [4, "off", offGrid],
  ] as const)("order %i, %s the grid: the error falls at that order in space from dx = 10 to 5 m", (order, _where, p) => {
    const r = Math.hypot(p.receiver.x - p.source.x, p.receiver.z - p.source.z);
    const errors = [10, 5].map((dx) => {
      const { data, nt } = traces(order, dx, 5e-5, 0.45, p.source, [p.receiver], {}, 700);
      const g = greenTrace(r, 5e-5, nt);
      return relativeError(data, nt, 5e-5, (t) => g[Math.round(t / 5e-5)]);
    });
    expect(Math.abs(Math.log2(errors[0] / errors[1]) - order)).toBeLessThan(0.15);
  });

  test("order 8 at dx = 5 m, off the grid: the error falls at order 2 in time (dt 2.5e-4 to 1.25e-4 s)", () => {
    const p = offGrid, r = Math.hypot(p.receiver.x - p.source.x, p.receiver.z - p.source.z);
    const errors = [2.5e-4, 1.25e-4].map((dt) => {
      const { data, nt } = traces(8, 5, dt, 0.45, p.source, [p.receiver], {}, 700);
      return relativeError(data, nt, dt, (t) => green(r, t));
    });
    // Measured 1.8e-4 and 4.5e-5: the spatial error of order 8 (~1e-7) is far below both.
    expect(Math.abs(Math.log2(errors[0] / errors[1]) - 2)).toBeLessThan(0.1);
    expect(errors[1]).toBeLessThan(1e-4);
  });
});

describe("2D boundaries", () => {
  test("a free surface acts as an image source of opposite sign (to the accuracy of the unbounded case)", () => {
    // Model cell rows from z = 0; the surface lies half a row above, at z = -dz/2.
    const dx = 5, dt = 1.25e-4, surface = -dx / 2;
    const source = { x: 500, z: 100 }, receiver = { x: 700.3, z: 60.6 };
    const image = { x: source.x, z: 2 * surface - source.z };
    const { data, nt } = traces(8, dx, dt, 0.45, source, [receiver], { top: "free" });
    const r1 = Math.hypot(receiver.x - source.x, receiver.z - source.z), r2 = Math.hypot(receiver.x - image.x, receiver.z - image.z);
    const withImage = relativeError(data, nt, dt, (t) => green(r1, t) - green(r2, t));
    const withoutImage = relativeError(data, nt, dt, (t) => green(r1, t));
    // The unbounded case at these settings errs by ~5e-5 (time step); the image changes the trace by order one.
    expect(withImage).toBeLessThan(2e-4);
    expect(withoutImage).toBeGreaterThan(0.3);
  });

  test("waves meeting the C-PML at 0 and 45 degrees return with less than 0.1% of their amplitude", () => {
    // Against the same shot in a domain 3x wider, whose boundaries are out of reach in the
    // window: their difference is what the layers of the small one send back. The source is
    // 200 m from the right layer (20 cells of 10 m); a receiver at the source sees it at normal
    // incidence, one 400 m below it at 45 degrees. The amplitude to compare with is the direct
    // wave's after the path in and out through the whole layer (2 (200 + 200) / cos(angle)).
    const dx = 10, dt = 1e-3, nt = 800;
    const source = { x: 800, z: 400 };
    const cases = [{ receiver: { x: 800, z: 400 }, angle: 0 }, { receiver: { x: 800, z: 800 }, angle: Math.PI / 4 }];
    const run = (n: number, origin: number) => {
      const sim = new WaveSimulator2D({
        nx: n, nz: n, dx, dz: dx, dt, nt, order: 8, origin: { x: origin, z: origin }, pml: { width: 20, velocity: c }, warn: () => {},
        shots: [{ source, wavelet: ricker(f0, nt, dt, delay), receivers: cases.map((k) => k.receiver) }],
      });
      return flatten(sim.forward(field(new Float64Array(n * n).fill(c), [n, n])));
    };
    const small = run(101, 0), wide = run(301, -1000);
    cases.forEach((k, r) => {
      const path = (2 * (200 + 200)) / Math.cos(k.angle);
      let returned = 0, incident = 0;
      for (let n = 0; n * dt <= delay + path / c + 0.08; n++) returned = Math.max(returned, Math.abs(small[r * nt + n] - wide[r * nt + n]));
      for (let n = 0; n < nt; n++) incident = Math.max(incident, Math.abs(green(path, n * dt)));
      // Measured 2.8e-5 (0 degrees) and 7.4e-5 (45 degrees, other sides' echoes included).
      expect(returned / incident).toBeLessThan(1e-3);
      expect(returned).toBeGreaterThan(0); // the layers do send something back
    });
  });
});

describe("2D problems: bad input", () => {
  const good: Wave2DConfig = {
    nx: 20, nz: 15, dx: 10, dz: 10, dt: 1e-3, nt: 50, pml: { width: 5, velocity: 2000 }, warn: () => {},
    shots: [{ source: { x: 50, z: 50 }, wavelet: new Float64Array(50), receivers: [{ x: 100, z: 20 }] }],
  };
  test("each refused with the field named", () => {
    const cases: [Partial<Wave2DConfig> | Record<string, unknown>, RegExp][] = [
      [{ nz: 0 }, /^nz: /],
      [{ dz: -1 }, /^dz: /],
      [{ top: "rigid" }, /^top: expected "free" or "absorbing"/],
      [{ shots: [{ source: { x: 50, z: 500 }, wavelet: new Float64Array(50), receivers: [{ x: 1, z: 1 }] }] }, /^shots\[0\]\.source\.z: position 500 m is outside the grid \[0, 140\] m/],
      [{ shots: [{ source: { x: 50, z: 50 }, wavelet: new Float64Array(49), receivers: [{ x: 1, z: 1 }] }] }, /^shots\[0\]\.wavelet: expected 50 samples/],
      [{ shots: [{ source: { x: 50, z: 50 }, wavelet: new Float64Array(50), receivers: [] }] }, /^shots\[0\]\.receivers: /],
      [{ colour: 1 }, /^colour: unknown option/],
    ];
    for (const [change, message] of cases) {
      let error: unknown;
      try {
        new WaveSimulator2D({ ...good, ...change } as Wave2DConfig);
      } catch (e) {
        error = e;
      }
      expect(error, JSON.stringify(change)).toBeInstanceOf(InputError);
      expect((error as Error).message).toMatch(message);
    }
    const sim = new WaveSimulator2D(good);
    expect(() => sim.forward(field(new Float64Array(20 * 15).fill(2000), [20, 15]))).toThrow(/^velocity: expected shape \[15, 20\] \(nz, nx\)/);
    expect(() => sim.forward(field(new Float64Array(20 * 15).fill(2000).fill(-1, 7, 8), [15, 20]))).toThrow(/^velocity\[0\]\[7\]: expected a positive finite velocity/);
    expect(() => sim.forward(field(new Float64Array(20 * 15).fill(9000), [15, 20]))).toThrow(/^dt: unstable/);
  });

  test("a dispersion warning names the points per wavelength and comes once per simulator, not once per run", () => {
    const warnings: string[] = [];
    // A 30 Hz Ricker (energy to about 75 Hz) in 1500 m/s on 10 m cells: 2 points per shortest wavelength.
    const sim = new WaveSimulator2D({ ...good, nt: 100, warn: (m) => warnings.push(m), shots: [{ ...good.shots[0], wavelet: ricker(30, 100, 1e-3) }] });
    const c = field(new Float64Array(20 * 15).fill(1500), [15, 20]);
    sim.forward(c);
    sim.forward(c);
    sim.linearize(c);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^dispersion: only \d\.\d points per shortest wavelength/);
  });
});
