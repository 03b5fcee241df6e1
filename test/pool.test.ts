import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { field, flatten } from "../src/core/arrays.js";
import { ShotPool, serialShotObjective } from "../src/parallel/pool.js";
import type { ShotProblem } from "../src/parallel/shot-term.js";
import { WaveSimulator } from "../src/wave/simulator.js";
import { ricker } from "../src/wave/wavelet.js";
import { leastSquares, normalizedCrossCorrelation } from "../src/inversion/misfit.js";
import { lowPass } from "../src/wave/filter.js";
import { dataObjective } from "../src/inversion/objective.js";
import type { Wave2DConfig } from "../src/wave/grid2d.js";
import { WaveSimulator2D } from "../src/wave/simulator2d.js";
import { bundle } from "./helpers/bundle.js";
import { problem2D } from "./helpers/wave2d.js";

const buildWorker = async () => (await bundle("pool")).shotWorker;

/** A pool of 2 workers for a describe block's tests, ready before they run and closed after them. */
function sharedPool(problem: ShotProblem): { pool: ShotPool } {
  const holder = {} as { pool: ShotPool };
  beforeAll(async () => {
    holder.pool = new ShotPool(problem, 2, await buildWorker());
    await holder.pool.ready();
  });
  afterAll(async () => {
    await holder.pool.close();
  });
  return holder;
}

describe("shots in parallel", () => {
  const nx = 120, dx = 10, dt = 1e-3, nt = 400;
  const truth = Float64Array.from({ length: nx }, (_, i) => 2000 + 500 * Math.tanh((i - 60) / 6));
  const start = Float64Array.from({ length: nx }, () => 2000);
  const config = {
    nx, dx, dt, nt, pml: { width: 20, velocity: 3000 },
    shots: Array.from({ length: 16 }, (_, s) => ({ source: 40 + 70 * s, wavelet: ricker(12, nt, dt), receivers: [15, 400, 800, 1150] })),
  };
  const data = flatten(new WaveSimulator({ ...config, warn: () => {} }).forward(field(truth, [nx])));
  const per = 4 * nt;
  const problem: ShotProblem = { config, observed: config.shots.map((_, s) => data.slice(s * per, (s + 1) * per)), misfit: { kind: "least-squares" } };
  const shared = sharedPool(problem);

  test("a missing worker script is refused at once, naming it (the objective waits for the workers synchronously: it would hang)", () => {
    expect(() => new ShotPool(problem, 2, "/nonexistent/shot-worker.js")).toThrow(/^workerFile: \/nonexistent\/shot-worker\.js does not exist: shots on workers need the built worker script/);
  });

  test("a 16-shot value and gradient on 2 workers equal the serial loop bit for bit, and the one-simulator gradient to round-off", () => {
    const gSerial = new Float64Array(nx), gPool = new Float64Array(nx);
    const vSerial = serialShotObjective(problem)(start, gSerial);
    const vPool = shared.pool.objective(start, gPool);
    expect(vPool).toBe(vSerial);
    expect(Buffer.from(gPool.buffer).equals(Buffer.from(gSerial.buffer))).toBe(true);
    // Independent check: the all-shots simulator's adjoint (a different summation order).
    const sim = new WaveSimulator({ ...config, warn: () => {} });
    const lin = sim.linearize(field(start, [nx]));
    const r = flatten(lin.data).map((v, i) => v - data[i]);
    const g = flatten(lin.vjp(field(r, lin.data.shape)));
    const scale = Math.max(...g.map(Math.abs));
    for (let i = 0; i < nx; i++) expect(Math.abs(gPool[i] - g[i])).toBeLessThan(1e-12 * scale);
  });

  test("a frequency band on the same threads: bit for bit the serial band, and to round-off a simulator built from low-passed wavelets", () => {
    const cutoff = 6;
    const gSerial = new Float64Array(nx), gPool = new Float64Array(nx), gFull = new Float64Array(nx);
    const vPool = shared.pool.bandObjective(cutoff)(start, gPool);
    expect(vPool).toBe(serialShotObjective(problem, cutoff)(start, gSerial));
    expect(Buffer.from(gPool.buffer).equals(Buffer.from(gSerial.buffer))).toBe(true);
    // Independent construction: a new simulator whose wavelets were low-passed before validation, and the band's data.
    const bandConfig = { ...config, shots: config.shots.map((s) => ({ ...s, wavelet: lowPass(s.wavelet, nt, dt, cutoff) })), warn: () => {} };
    const band = dataObjective({ simulator: new WaveSimulator(bandConfig), observed: field(lowPass(data, nt, dt, cutoff), [16, 4, nt]), misfit: leastSquares(), modelShape: [nx] });
    const g = new Float64Array(nx);
    const v = band.objective(start, g);
    expect(Math.abs(vPool - v)).toBeLessThan(1e-12 * v);
    const scale = Math.max(...g.map(Math.abs));
    for (let i = 0; i < nx; i++) expect(Math.abs(gPool[i] - g[i])).toBeLessThan(1e-12 * scale);
    // Back to the full band: the threads switch back, and the band was not the full band.
    expect(shared.pool.objective(start, gFull)).toBe(serialShotObjective(problem)(start, new Float64Array(nx)));
    expect(Math.abs(vPool - shared.pool.objective(start, gFull))).toBeGreaterThan(1e-3 * v);
  });

  test("repeated evaluations stay identical (no state leaks between calls)", () => {
    const a = new Float64Array(nx), b = new Float64Array(nx);
    shared.pool.objective(truth, a);
    shared.pool.objective(start, b);
    const c = new Float64Array(nx);
    shared.pool.objective(truth, c);
    expect([...c]).toEqual([...a]);
  });

  test("a shot that fails in a worker raises an error naming the shot", () => {
    const bad = start.slice();
    bad[3] = -5;
    expect(() => shared.pool.objective(bad, new Float64Array(nx))).toThrow(/^shots\[\d+\]: failed in a worker: velocity\[3\]: expected a positive finite velocity/);
  });

  test("the normalized cross-correlation misfit crosses to the workers: pool = serial bit for bit, = the all-shots objective to round-off", async () => {
    const ncc: ShotProblem = { ...problem, misfit: { kind: "normalized-cross-correlation", traceLength: nt } };
    const nccPool = new ShotPool(ncc, 2, await buildWorker());
    try {
      await nccPool.ready();
      const gSerial = new Float64Array(nx), gPool = new Float64Array(nx);
      const vSerial = serialShotObjective(ncc)(start, gSerial);
      expect(nccPool.objective(start, gPool)).toBe(vSerial);
      expect(Buffer.from(gPool.buffer).equals(Buffer.from(gSerial.buffer))).toBe(true);
      const whole = dataObjective({ simulator: new WaveSimulator({ ...config, warn: () => {} }), observed: field(data, [16, 4, nt]), misfit: normalizedCrossCorrelation(nt), modelShape: [nx] });
      const g = new Float64Array(nx);
      // Another summation order: equal to 1e-12 relative.
      expect(Math.abs(whole.objective(start, g) - vSerial)).toBeLessThan(1e-12 * vSerial);
      const scale = Math.max(...g.map(Math.abs));
      for (let i = 0; i < nx; i++) expect(Math.abs(gPool[i] - g[i])).toBeLessThan(1e-12 * scale);
    } finally {
      await nccPool.close();
    }
  });
});

describe("2D shots in parallel", () => {
  // problem2D's two shots, and two more from other corners, over the helper's heterogeneous model.
  const { config: base, velocity, truth } = problem2D({ nx: 34, nz: 28, nt: 180, bumpX: 12, lastX: 320.6, order: 8, top: "free" });
  const { nx, nz, nt, dt } = base;
  const { warn: _, ...plain } = base; // a function cannot cross to a worker
  const config: Omit<Wave2DConfig, "warn"> = { ...plain, shots: [...base.shots, { ...base.shots[0], source: { x: 20.5, z: 200.2 } }, { ...base.shots[1], source: { x: 310, z: 10 }, wavelet: ricker(22, nt, dt) }] };
  const data = flatten(new WaveSimulator2D({ ...config, warn: () => {} }).forward(truth));
  const per = 4 * nt;
  const problem: ShotProblem = { kind: "wave2d", config, observed: config.shots.map((_, s) => data.slice(s * per, (s + 1) * per)), misfit: { kind: "least-squares" } };
  const start = flatten(velocity);
  const shared = sharedPool(problem);

  test("a 4-shot value and gradient [nz, nx] on 2 workers equal the serial loop bit for bit, and the all-shots simulator's to round-off", () => {
    const gSerial = new Float64Array(nx * nz), gPool = new Float64Array(nx * nz);
    const vSerial = serialShotObjective(problem)(start, gSerial);
    expect(shared.pool.objective(start, gPool)).toBe(vSerial);
    expect(Buffer.from(gPool.buffer).equals(Buffer.from(gSerial.buffer))).toBe(true);
    // Independent check: one 4-shot simulator's adjoint (a different summation order).
    const lin = new WaveSimulator2D({ ...config, warn: () => {} }).linearize(velocity);
    const r = flatten(lin.data).map((v, i) => v - data[i]);
    expect(Math.abs(0.5 * r.reduce((s, v) => s + v * v, 0) - vSerial)).toBeLessThan(1e-12 * vSerial);
    const g = flatten(lin.vjp(field(r, lin.data.shape)));
    const scale = Math.max(...g.map(Math.abs));
    expect(scale).toBeGreaterThan(0);
    for (let i = 0; i < nx * nz; i++) expect(Math.abs(gPool[i] - g[i])).toBeLessThan(1e-12 * scale);
  });

  test("a 2D frequency band on the same threads equals the serial band bit for bit, and the band of lowPassed simulators to round-off", () => {
    const cutoff = 10;
    const gSerial = new Float64Array(nx * nz), gPool = new Float64Array(nx * nz);
    const vPool = shared.pool.bandObjective(cutoff)(start, gPool);
    expect(vPool).toBe(serialShotObjective(problem, cutoff)(start, gSerial));
    expect(Buffer.from(gPool.buffer).equals(Buffer.from(gSerial.buffer))).toBe(true);
    const band = dataObjective({ simulator: new WaveSimulator2D({ ...config, warn: () => {} }).lowPassed(cutoff), observed: field(lowPass(data, nt, dt, cutoff), [4, 4, nt]), misfit: leastSquares(), modelShape: [nz, nx] });
    const g = new Float64Array(nx * nz);
    expect(Math.abs(band.objective(start, g) - vPool)).toBeLessThan(1e-12 * vPool);
    const scale = Math.max(...g.map(Math.abs));
    for (let i = 0; i < nx * nz; i++) expect(Math.abs(gPool[i] - g[i])).toBeLessThan(1e-12 * scale);
  });

  test("a problem of an unknown kind is refused, naming kind", () => {
    expect(() => serialShotObjective({ ...problem, kind: "wave3d" } as never)).toThrow(/^kind: expected "wave1d" or "wave2d"/);
  });
});
