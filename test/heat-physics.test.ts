import { describe, expect, test } from "vitest";
import { field } from "../src/core/arrays.js";
import type { HeatConfig, HeatScheme } from "../src/heat/config.js";
import { HeatSimulator } from "../src/heat/simulator.js";

/** The temperature field at the last time sample. */
function finalField(sim: HeatSimulator, k: Float64Array): Float64Array {
  let last = new Float64Array(0);
  sim.forward(field(k, sim.modelShape), { onStep: (v) => (last = Float64Array.from(v.field)) });
  return last;
}

describe("a Fourier mode in a homogeneous insulated rod", () => {
  // T0 = cos(pi m (x - x0) / L) at the cell centres is an exact eigenvector of the cell-centred
  // Neumann Laplacian, eigenvalue lambda_h = (4 alpha / dx^2) sin^2(pi m dx / (2 L)); it decays as
  // exp(-alpha k^2 t) with k = pi m / L in the continuum.
  const L = 1, nx = 50, dx = L / nx, kappa = 2, C = 4e6, alpha = kappa / C, m = 3;
  const kw = (Math.PI * m) / L;
  const lambdaH = ((4 * alpha) / (dx * dx)) * Math.sin((Math.PI * m * dx) / (2 * L)) ** 2;
  const cases: [HeatScheme, number, (z: number) => number][] = [
    ["explicit", 0.4 * (C * dx * dx) / (2 * kappa), (z) => 1 - z],
    ["backward-euler", 200, (z) => 1 / (1 + z)],
    ["crank-nicolson", 200, (z) => (1 - z / 2) / (1 + z / 2)],
  ];
  for (const [scheme, dt, amplification] of cases) {
    test(`${scheme}: decays at the scheme's exact rate, and at alpha k^2 within its discretization error`, () => {
      const nt = 41;
      const x = Float64Array.from({ length: nx }, (_, i) => (i + 0.5) * dx);
      const sim = new HeatSimulator({ nx, dx, dt, nt, scheme, capacity: C, initial: x.map((v) => Math.cos(kw * v)), sensors: [0.5 * dx] });
      const T = finalField(sim, new Float64Array(nx).fill(kappa));
      const t = (nt - 1) * dt;
      const measured = -Math.log(T[0] / Math.cos(kw * x[0])) / t;
      // 1) Against the discrete solution: the amplification factor per step, to round-off.
      const discrete = -Math.log(amplification(lambdaH * dt)) / dt;
      expect(Math.abs(measured / discrete - 1)).toBeLessThan(1e-10);
      // 2) Against the continuum rate alpha k^2: within twice the leading error terms, in space
      //    (k dx)^2 / 12, and in time lambda dt / 2 (explicit, backward Euler) or (lambda dt)^2 / 12 (CN).
      const z = alpha * kw * kw * dt;
      const timeError = scheme === "crank-nicolson" ? (z * z) / 12 : z / 2;
      const bound = 2 * ((kw * dx) ** 2 / 12 + timeError);
      expect(Math.abs(measured / (alpha * kw * kw) - 1)).toBeLessThan(bound);
    });
  }
});

/**
 * Manufactured solution T = exp(-beta t) X(x), X = 1 + sin(pi x / L) with
 * k(x) = 1 + x / L: the source is exp(-beta t) (-beta C X - (k X')'), and the
 * Dirichlet ends follow T(0, t) and T(L, t).
 */
function manufactured1D(nx: number, dt: number, tEnd: number, scheme: HeatScheme): number {
  const L = 1, C = 1, beta = 2;
  const dx = L / nx;
  const nt = Math.round(tEnd / dt) + 1;
  const xs = Float64Array.from({ length: nx }, (_, i) => (i + 0.5) * dx);
  const X = (x: number) => 1 + Math.sin((Math.PI * x) / L);
  const k = (x: number) => 1 + x / L;
  const w = Math.PI / L;
  // (k X')' = k' X' + k X'' = (1/L) w cos(w x) - (1 + x/L) w^2 sin(w x)
  const q = (x: number) => -beta * C * X(x) - ((1 / L) * w * Math.cos(w * x) - k(x) * w * w * Math.sin(w * x));
  const decay = Float64Array.from({ length: nt }, (_, n) => Math.exp(-beta * n * dt));
  const config: HeatConfig = {
    nx, dx, dt, nt, scheme, capacity: C, initial: xs.map(X),
    boundaries: { left: { kind: "dirichlet", temperature: decay.map((e) => e * X(0)) }, right: { kind: "dirichlet", temperature: decay.map((e) => e * X(L)) } },
    sources: [{ distribution: xs.map(q), strength: decay }],
    sensors: [0.5],
  };
  const T = finalField(new HeatSimulator(config), xs.map(k));
  const t = (nt - 1) * dt;
  let err = 0;
  for (let i = 0; i < nx; i++) err = Math.max(err, Math.abs(T[i] - Math.exp(-beta * t) * X(xs[i])));
  return err;
}

/**
 * 2D: T = g(t) (1 + S), S = sin(pi x) sin(pi y), g = 1 + sin(2 pi t) / 2 on the unit square,
 * k = 1 + x y / 2, every side at T = g(t) (Dirichlet; uniform along each side). The source
 * C g' (1 + S) - g div(k grad S) enters as two distributed sources with strengths g' and g.
 */
function manufactured2D(n: number, dt: number, tEnd: number): { error: number; T: Float64Array } {
  const h = 1 / n, nt = Math.round(tEnd / dt) + 1, pi = Math.PI;
  const g = (t: number) => 1 + Math.sin(2 * pi * t) / 2, dg = (t: number) => pi * Math.cos(2 * pi * t);
  const S = (x: number, y: number) => Math.sin(pi * x) * Math.sin(pi * y);
  const k = (x: number, y: number) => 1 + (x * y) / 2;
  // div(k grad S) = k_x S_x + k_y S_y + k (S_xx + S_yy), with k_x = y/2, k_y = x/2.
  const divFlux = (x: number, y: number) =>
    (y / 2) * pi * Math.cos(pi * x) * Math.sin(pi * y) + (x / 2) * pi * Math.sin(pi * x) * Math.cos(pi * y) - 2 * pi * pi * k(x, y) * S(x, y);
  const c = Float64Array.from({ length: n }, (_, i) => (i + 0.5) * h);
  const grid = (f: (x: number, y: number) => number) => Float64Array.from({ length: n * n }, (_, p) => f(c[p % n], c[Math.floor(p / n)]));
  const series = (f: (t: number) => number) => Float64Array.from({ length: nt }, (_, m) => f(m * dt));
  const side = { kind: "dirichlet" as const, temperature: series(g) };
  const sim = new HeatSimulator({
    nx: n, ny: n, dx: h, dy: h, dt, nt, scheme: "crank-nicolson", capacity: 1, initial: grid((x, y) => g(0) * (1 + S(x, y))),
    boundaries: { left: side, right: side, bottom: side, top: side },
    sources: [{ distribution: grid((x, y) => 1 + S(x, y)), strength: series(dg) }, { distribution: grid((x, y) => -divFlux(x, y)), strength: series(g) }],
    sensors: [[0.5, 0.5]],
  });
  const T = finalField(sim, grid(k));
  const exact = grid((x, y) => g(tEnd) * (1 + S(x, y)));
  return { error: T.reduce((m, v, p) => Math.max(m, Math.abs(v - exact[p])), 0), T };
}

describe("convergence on a manufactured solution with variable conductivity", () => {
  test("Crank-Nicolson: second order in space (dt small) and in time (grid fine)", () => {
    const space = [20, 40, 80].map((nx) => manufactured1D(nx, 1e-4, 0.1, "crank-nicolson"));
    const time = [0.04, 0.02, 0.01].map((dt) => manufactured1D(3200, dt, 0.4, "crank-nicolson"));
    // Observed orders log2(e_h / e_h/2); second order within 0.15.
    for (const e of [space, time]) for (let j = 0; j < 2; j++) expect(Math.abs(Math.log2(e[j] / e[j + 1]) - 2)).toBeLessThan(0.15);
  });

  test("2D Crank-Nicolson: second order in space and in time", () => {
    // Space: against the manufactured solution, dt small enough that the time error is ~100x below.
    const space = [16, 32, 64].map((n) => manufactured2D(n, 2e-4, 0.05).error);
    // Time: on one grid the spatial error is the same in every run, so the differences of
    // successive halvings, |T_dt - T_dt/2|, shrink at the time order alone.
    const runs = [0.04, 0.02, 0.01, 0.005].map((dt) => manufactured2D(32, dt, 0.4).T);
    const time = [0, 1, 2].map((j) => runs[j].reduce((m, v, p) => Math.max(m, Math.abs(v - runs[j + 1][p])), 0));
    for (const e of [space, time]) for (let j = 0; j < 2; j++) expect(Math.abs(Math.log2(e[j] / e[j + 1]) - 2)).toBeLessThan(0.15);
  });

  test("backward Euler: first order in time", () => {
    const time = [0.02, 0.01, 0.005].map((dt) => manufactured1D(400, dt, 0.2, "backward-euler"));
    for (let j = 0; j < 2; j++) expect(Math.abs(Math.log2(time[j] / time[j + 1]) - 1)).toBeLessThan(0.1);
  });
});

describe("steady state with piecewise conductivity", () => {
  test("matches the analytic piecewise-linear profile (continuous flux) to round-off", () => {
    // k = 0.5 W/(m K) on [0, 0.3 m], 4 W/(m K) on [0.3, 1]; T = 400 K left, 300 K right. The jump
    // sits on a face; harmonic-mean faces make the finite-volume steady state exact.
    const nx = 50, dx = 0.02, a = 0.3, k1 = 0.5, k2 = 4, TL = 400, TR = 300;
    const k = Float64Array.from({ length: nx }, (_, i) => ((i + 0.5) * dx < a ? k1 : k2));
    const sim = new HeatSimulator({
      nx, dx, dt: 1e9, nt: 4, scheme: "backward-euler", capacity: 1e6, initial: 350,
      boundaries: { left: { kind: "dirichlet", temperature: TL }, right: { kind: "dirichlet", temperature: TR } }, sensors: [0.5],
    });
    const T = finalField(sim, k);
    const flux = (TL - TR) / (a / k1 + (1 - a) / k2);
    for (let i = 0; i < nx; i++) {
      const x = (i + 0.5) * dx;
      const exact = x < a ? TL - (flux * x) / k1 : TL - (flux * a) / k1 - (flux * (x - a)) / k2;
      // dt = 1e9 s against a diffusion time of ~1e6 s: three steps reach the steady state to ~1e-9 K
      // relative per step squared; bound 1e-10 relative.
      expect(Math.abs(T[i] / exact - 1)).toBeLessThan(1e-10);
    }
  });
});

describe("energy balance", () => {
  for (const dims of [1, 2] as const) {
    for (const scheme of ["explicit", "backward-euler", "crank-nicolson"] as const) {
      test(`${dims}D ${scheme}: insulated sides conserve sum C T dV to round-off; a side flux and a source add exactly their heat`, () => {
        const nx = dims === 1 ? 60 : 14, ny = dims === 1 ? 1 : 11, dx = 0.01, dy = 0.01, C = 3e6;
        const size = nx * ny, nt = 25;
        const dt = scheme === "explicit" ? 1 : 100;
        const k = Float64Array.from({ length: size }, (_, p) => 1 + 0.8 * Math.sin(p));
        const initial = Float64Array.from({ length: size }, (_, p) => 300 + 20 * Math.cos(p / 4));
        const flux = Float64Array.from({ length: nt }, (_, n) => 1000 * (1 + Math.sin(n)));
        const power = Float64Array.from({ length: nt }, (_, n) => 50 * (2 + Math.cos(n / 3)));
        const base = { nx, dx, ...(dims === 2 ? { ny, dy } : {}), dt, nt, scheme, capacity: C, initial, sensors: [dims === 1 ? 0.2 : ([0.05, 0.05] as [number, number])] };
        const energy = (T: Float64Array) => T.reduce((s, v) => s + v, 0) * C * dx * (dims === 2 ? dy : 1);
        const closed = finalField(new HeatSimulator(base), k);
        const e0 = energy(initial);
        expect(Math.abs(energy(closed) - e0) / e0).toBeLessThan(1e-14 * nt);
        // Heat in: flux * side area (dy, or 1 in 1D) plus a point source's power, each weighted by the
        // scheme's time level (explicit t_n, backward Euler t_{n+1}, Crank-Nicolson the average).
        const open = finalField(new HeatSimulator({
          ...base, boundaries: { left: { kind: "neumann", flux } },
          sources: [{ position: dims === 1 ? 0.3 : ([0.07, 0.06] as [number, number]), strength: power }],
        }), k);
        const area = dims === 2 ? ny * dy : 1;
        let added = 0;
        for (let n = 0; n < nt - 1; n++) {
          const at = (s: Float64Array) => (scheme === "explicit" ? s[n] : scheme === "backward-euler" ? s[n + 1] : (s[n] + s[n + 1]) / 2);
          added += dt * (at(flux) * area + at(power));
        }
        expect(Math.abs(energy(open) - e0 - added) / e0).toBeLessThan(1e-14 * nt);
      });
    }
  }
});

describe("stability", () => {
  const nx = 40, dx = 0.01, C = 1e6, kappa = 50;
  const limit = (C * dx * dx) / (2 * kappa);
  const base = { nx, dx, nt: 30, capacity: C, initial: Float64Array.from({ length: nx }, (_, i) => (i % 2 ? 1 : -1)), sensors: [0.2] };
  const k = field(new Float64Array(nx).fill(kappa), [nx]);

  test("forward Euler above its limit is refused, with the limit in the message", () => {
    expect(() => new HeatSimulator({ ...base, dt: 1.01 * limit, scheme: "explicit" }).forward(k)).toThrow(/^dt: .* exceeds the explicit \(forward Euler\) stability limit 1\.000 s/);
    expect(() => new HeatSimulator({ ...base, dt: limit, scheme: "explicit" }).forward(k)).not.toThrow();
  });

  test("implicit steps 1000x the explicit limit stay bounded: backward Euler by the maximum principle, Crank-Nicolson in energy", () => {
    for (const scheme of ["backward-euler", "crank-nicolson"] as const) {
      let maxAbs = 0, energy = Infinity, monotone = true;
      new HeatSimulator({ ...base, dt: 1000 * limit, scheme }).forward(k, {
        onStep: ({ field: T }) => {
          let e = 0;
          for (const v of T) e += v * v;
          if (e > energy * (1 + 1e-12)) monotone = false;
          energy = e;
          maxAbs = Math.max(maxAbs, ...T);
        },
      });
      expect(monotone).toBe(true);
      if (scheme === "backward-euler") expect(maxAbs).toBeLessThanOrEqual(1);
    }
  });
});
