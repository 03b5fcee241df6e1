// 2D inversion scenes: the engine's terms on a 2D model (gradients checked by Taylor tests), bounds
// keeping every accepted model physical, and the shipped scenes' claims.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { field, flatten } from "../src/core/arrays.js";
import { taylorTest } from "../src/core/gradcheck.js";
import { readRun } from "../src/run/folder.js";
import { pointTaper, runWave2DInversion, wave2DInversionProblem } from "../src/scene/wave2d-inversion.js";
import { loadScene } from "../src/scene/load.js";
import { Wave2DInversionScene } from "../src/scene/wave2d-schema.js";

/** A small section: two layers and a lens, four surface shots. */
const small = (extra: Record<string, unknown> = {}) => Wave2DInversionScene.parse({
  kind: "wave2d-inversion",
  grid: { nx: 40, nz: 20, dx: 10, dz: 10 },
  time: { dt: 0.001, nt: 300 },
  boundaries: { top: "free", pmlWidth: 10 },
  wavelet: { type: "ricker", frequency: 15 },
  shots: { sources: { from: [50, 20], to: [350, 20], count: 3 }, receivers: { from: [0, 20], to: [390, 20], count: 20 } },
  model: {
    true: { layers: [{ top: 0, velocity: 2000 }, { top: 120, velocity: 2600 }], anomalies: [{ center: [200, 80], width: 30, amplitude: -250 }] },
    start: { smoothing: 60 },
  },
  optimizer: { kind: "lbfgs", iterations: 4 },
  ...extra,
});

describe("the engine's terms on 2D models", () => {
  const cases: [string, Record<string, unknown>][] = [
    ["least squares with smoothness (x and z differences)", { regularization: [{ kind: "smoothness", weight: 1e-6 }] }],
    ["Huber with total variation", { misfit: { kind: "huber", delta: 1e-4 }, regularization: [{ kind: "total-variation", weight: 1e-6, epsilon: 20 }] }],
    ["normalized cross-correlation with damping, squared slowness", { misfit: { kind: "normalized-cross-correlation" }, parametrization: "squared-slowness", regularization: [{ kind: "damping", weight: 1e-3 }] }],
  ];
  test.each(cases)("%s: Taylor orders 1 and 2 of the stage objective at the start", (_, extra) => {
    const problem = wave2DInversionProblem(small(extra));
    const objective = problem.stages[0].objective().objective;
    const x0 = new Float64Array(problem.start.length);
    problem.parametrization.toParameter(problem.start, x0);
    const f = (x: ReturnType<typeof field>) => {
      const g = new Float64Array(x0.length);
      const value = objective(flatten(x), g);
      return { value, gradient: field(g, [x0.length]) };
    };
    // Along the gradient (so the first-order term is the largest it can be), 0.2% of the variables' scale at its largest.
    const g0 = f(field(x0, [x0.length])).gradient.data as Float64Array;
    const scale = Math.max(...x0.map(Math.abs)) / Math.max(...g0.map(Math.abs));
    const dx = field(g0.map((v) => 0.002 * scale * v), [x0.length]);
    const r = taylorTest(f, field(x0, [x0.length]), dx, { h0: 0.25, count: 4 });
    // Measured from h = 0.5: orders 1.06 / 2.00, 1.09 / 1.94 (Huber's kinks and TV's curvature), 1.00 / 2.00.
    expect(Math.abs(r.order1 - 1)).toBeLessThan(0.1);
    expect(Math.abs(r.order2 - 2)).toBeLessThan(0.1);
  });
});

describe("bounds in 2D", () => {
  test("every accepted model stays inside the velocity bounds", () => {
    const dir = mkdtempSync(join(tmpdir(), "wave2d-bounds-"));
    // Tight bounds the unconstrained inversion would leave: the lens is 250 m/s slower than the background.
    runWave2DInversion(small({ bounds: { velocity: [1900, 2650] }, optimizer: { kind: "lbfgs", iterations: 6 } }), dir);
    const models = flatten(readRun(dir).load("models"));
    expect(Math.min(...models)).toBeGreaterThanOrEqual(1900);
    expect(Math.max(...models)).toBeLessThanOrEqual(2650);
  });
});

describe("the taper around sources and receivers", () => {
  test("is 0 within the radius, sin(pi/4) halfway out, 1 from twice the radius, the least over the points", () => {
    const g = { nx: 41, nz: 21, dx: 10, dz: 10, x0: 0, z0: 0 };
    const w = pointTaper(g, [{ x: 100, z: 100 }, { x: 300, z: 100 }], 40);
    const at = (x: number, z: number) => w[(z / 10) * g.nx + x / 10];
    expect(at(100, 100)).toBe(0);
    expect(at(140, 100)).toBe(0); // at the radius
    expect(at(160, 100)).toBeCloseTo(Math.SQRT1_2, 12);
    expect(at(180, 100)).toBe(1);
    expect(at(240, 100)).toBeCloseTo(Math.SQRT1_2, 12); // 140 m from one point, 60 m from the other
    expect(at(120, 120)).toBeCloseTo(0, 12); // 28 m away
    expect(at(130, 130)).toBeCloseTo(Math.sin((Math.PI / 2) * ((Math.hypot(30, 30) - 40) / 40)), 12);
  });

  test("a scene's taper enters as a fixed change of variables: the preconditioner written is its square, floored", () => {
    const dir = mkdtempSync(join(tmpdir(), "wave2d-taper-"));
    const scene = small({ taper: { radius: 30 }, optimizer: { kind: "lbfgs", iterations: 1 } });
    runWave2DInversion(scene, dir);
    const run = readRun(dir);
    const p = flatten(run.load("preconditioner"));
    const g = { nx: 40, nz: 20, dx: 10, dz: 10, x0: 0, z0: 0 };
    const sources = [50, 200, 350].map((x) => ({ x, z: 20 }));
    const receivers = Array.from({ length: 20 }, (_, k) => ({ x: (390 * k) / 19, z: 20 }));
    const w = pointTaper(g, [...sources, ...receivers], 30);
    p.forEach((v, i) => expect(v).toBeCloseTo(Math.max(w[i], 1e-3) ** 2, 14));
    // The cells the taper mutes barely move (by 1e-6 of a free cell's gradient step).
    const models = flatten(run.load("models")), cells = g.nx * g.nz;
    const moved = (i: number) => Math.abs(models[cells + i] - models[i]);
    const muted = [...w.keys()].filter((i) => w[i] === 0), free = [...w.keys()].filter((i) => w[i] === 1);
    expect(Math.max(...muted.map(moved))).toBeLessThan(1e-3 * Math.max(...free.map(moved)));
  });
});

describe("the Marmousi-like section", () => {
  test("from the truth smoothed over +-400 m, the full band alone is trapped where frequency continuation recovers the section", () => {
    // scenes/marmousi2d-continuation.json on cells of 20 m (150 x 50) with a 6 Hz Ricker and 10
    // shots, so that both runs take seconds; the shipped scenes (10 m, 8 Hz, 16 shots) measure
    // 17.8% -> 14.9% with continuation and 17.8% -> 19.3% in the full band (README).
    const base = loadScene("scenes/marmousi2d-continuation.json");
    if (base.kind !== "wave2d-inversion") throw new Error("unexpected kind");
    const coarse = {
      ...base, grid: { ...base.grid, nx: 150, nz: 50, dx: 20, dz: 20 }, time: { dt: 0.002, nt: 750 }, wavelet: { type: "ricker" as const, frequency: 6 },
      shots: { sources: { from: [100, 20] as [number, number], to: [2900, 20] as [number, number], count: 10 }, receivers: { from: [20, 20] as [number, number], to: [2980, 20] as [number, number], count: 75 } },
    };
    const finalError = (bands: (number | "full")[], iterations: number) => {
      const dir = mkdtempSync(join(tmpdir(), "marmousi2d-"));
      return runWave2DInversion({ ...coarse, bands, optimizer: { kind: "lbfgs", iterations } }, dir);
    };
    const continuation = finalError([3, 5, "full"], 10), fullBand = finalError(["full"], 30);
    // Measured: start 18.0%, continuation 11.8%, full band 19.1% (worse than its start).
    expect(continuation.startError).toBeCloseTo(fullBand.startError, 12);
    expect(continuation.finalError).toBeLessThan(0.75 * continuation.startError);
    expect(fullBand.finalError).toBeGreaterThan(0.95 * fullBand.startError);
    expect(continuation.finalError).toBeLessThan(0.75 * fullBand.finalError);
  }, 300_000);
});

describe("the 2D illumination pair", () => {
  test("illumination preconditioning reaches 80% and 75% of the starting model error in at most 2/3 of the plain run's iterations", () => {
    // scenes/illumination2d-*.json as shipped (160 x 120 cells, 8 shots, 25 L-BFGS iterations),
    // cut to the iterations the thresholds need. Both runs level off near 65% of the starting error
    // (surface reflections of a 10 Hz wavelet do not resolve the bodies' smooth interiors), so the
    // thresholds are where both still descend. Measured 2026-11-30: plain 4, 8, 16 iterations to
    // 80%, 75%, 70%; preconditioned 2, 4, 9 (waterLevel 0.01; the README quotes all three). Tested
    // to 75% (70% would double the plain run): each threshold reached by both, the preconditioned
    // run in at most 2/3 of the plain run's iterations.
    const iterationsTo = (name: string, iterations: number) => {
      const scene = loadScene(`scenes/${name}.json`);
      if (scene.kind !== "wave2d-inversion") throw new Error("unexpected kind");
      const dir = mkdtempSync(join(tmpdir(), `${name}-`));
      const result = runWave2DInversion({ ...scene, optimizer: { ...scene.optimizer, iterations } }, dir);
      const errors = flatten(readRun(dir).load("model_error"));
      return [0.8, 0.75].map((f) => errors.findIndex((e) => e < f * result.startError) + 1);
    };
    const plain = iterationsTo("illumination2d-plain", 10);
    const preconditioned = iterationsTo("illumination2d-preconditioned", 6);
    for (let k = 0; k < 2; k++) {
      expect(plain[k]).toBeGreaterThan(0);
      expect(preconditioned[k]).toBeGreaterThan(0);
      expect(preconditioned[k]).toBeLessThanOrEqual((2 / 3) * plain[k]);
    }
  }, 400_000);
});
