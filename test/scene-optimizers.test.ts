/**
 * The optimizers added to the engine for issue 16 are selectable in scenes:
 * the heat-conductivity scene, cut to 4 iterations, runs with each, lowers
 * its objective, and a run stopped after iteration 2 and resumed from its
 * folder ends with the same bytes as an uninterrupted one (velocity, Adam's
 * moments, the trust radius travel in the saved state). Newton-CG takes the
 * scene's Gauss-Newton products, against differences of the gradient. A
 * scene's optimizer entry sets the methods' options (Adam's and the momentum
 * methods' step and momentum, Newton-CG's radius and CG iterations): a set
 * value changes the run as it should, a bad one is refused naming its field.
 */
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { flatten } from "../src/core/arrays.js";
import { run } from "../src/inversion/descent.js";
import { readRun } from "../src/run/folder.js";
import { heatInversionProblem, runHeatInversion } from "../src/scene/heat-inversion.js";
import type { HeatInversionScene } from "../src/scene/heat-schema.js";
import type { WaveInversionScene } from "../src/scene/schema.js";
import { runWaveInversion, waveInversionProblem } from "../src/scene/wave-inversion.js";
import { loadScene, parseScene, parseSceneText } from "../src/scene/load.js";
import type { OptimizerEntry, OptimizerKind } from "../src/scene/optimizer-kinds.js";
import { optimizerOf } from "../src/scene/engine-choices.js";
import type { NewtonCGEvent } from "../src/inversion/newton-cg.js";
import type { Progress } from "../src/scene/progress.js";

function scene(kind: OptimizerKind, iterations = 4, options: Omit<OptimizerEntry, "kind" | "iterations"> = {}): HeatInversionScene {
  const s = loadScene("scenes/heat-conductivity.json");
  if (s.kind !== "heat-inversion") throw new Error("expected a heat scene");
  return { ...s, optimizer: { kind, iterations, ...options } };
}

/** The first step of a run in the optimization variables (log-conductivity): log(m_1 / m_0) per cell. */
function firstStep(entry: OptimizerEntry): Float64Array {
  const dir = mkdtempSync(join(tmpdir(), `scene-${entry.kind}-options-`));
  runHeatInversion(scene(entry.kind, 1, entry), dir);
  const models = flatten(readRun(dir).load("models"));
  const n = models.length / 2;
  return Float64Array.from({ length: n }, (_, i) => Math.log(models[n + i] / models[i]));
}

/** The scene's problem (its stage objective and optimizer) and its start in the optimization variables. */
function problemOf(s: HeatInversionScene) {
  const problem = heatInversionProblem(s);
  const x0 = new Float64Array(problem.start.length);
  problem.parametrization.toParameter(problem.start, x0);
  return { problem, x0 };
}

const largest = (a: Float64Array) => a.reduce((s, v) => Math.max(s, Math.abs(v)), 0);

/** Stops the run (by throwing) when iteration `k` is reported, before the runner writes it. */
const stopAt = (k: number): Progress => ({
  start() {},
  stop() {},
  update(done) {
    if (done >= k) throw new Error("stopped");
  },
});

describe("the new optimizers in a scene", () => {
  for (const kind of ["heavy-ball", "nesterov", "adam", "newton-cg"] as const) {
    test(`${kind}: runs the cut-down heat-conductivity scene, lowers the objective, and resumes to the same bytes`, () => {
      const root = mkdtempSync(join(tmpdir(), `scene-${kind}-`));
      const whole = join(root, "whole"), resumed = join(root, "resumed");
      runHeatInversion(scene(kind), whole);
      const run = readRun(whole);
      expect(run.manifest.status).toBe("finished");
      const misfit = flatten(run.load("misfit"));
      expect(misfit.length).toBe(4);
      // Every method here descends over 4 iterations (Adam and the momentum methods need not every
      // iteration): the last objective is below the first iteration's.
      expect(misfit[3]).toBeLessThan(misfit[0]);
      expect(() => runHeatInversion(scene(kind), resumed, stopAt(3))).toThrow("stopped");
      expect(readRun(resumed).manifest.status).toBe("running");
      runHeatInversion(scene(kind), resumed, undefined, true);
      for (const f of readdirSync(whole).filter((f) => f.endsWith(".npy") || f === "manifest.json")) {
        expect(readFileSync(join(resumed, f)).equals(readFileSync(join(whole, f))), f).toBe(true);
      }
    });
  }
});

describe("Newton-CG's products in a scene", () => {
  test("heat-conductivity (least squares, smoothness, log conductivity) cut to 5 iterations: the Gauss-Newton products reach a lower objective than differences, in a third of the gradient evaluations", () => {
    const dir = mkdtempSync(join(tmpdir(), "scene-newton-gn-"));
    const iterations = 5;
    runHeatInversion(scene("newton-cg", iterations), dir);
    const folder = readRun(dir);
    const result = folder.manifest.result as { iterations: number; evaluations: number };
    const misfit = flatten(folder.load("misfit"));
    // Every evaluation a trial step (and the start): the products are Gauss-Newton's, not differences.
    expect(result.iterations).toBe(iterations);
    expect(result.evaluations).toBe(iterations + 1);
    // The same optimizer on the same stage objective without its products differences the gradient.
    const { problem, x0 } = problemOf(scene("newton-cg", iterations));
    const differenced = run(problem.optimizer({ objective: problem.stages[0].objective().objective }, x0, iterations));
    // Measured: Gauss-Newton 465.8 after 6 evaluations (12 products: 12 tangent and 18 adjoint
    // runs, 7 forward); differences 541.7 after 19 evaluations (13 products; 19 forward and adjoint
    // runs). The products cost a tangent run more than a difference here (one forward beside it):
    // 0.20 s against 0.12 s on the development machine. From 10 iterations on both reach 446 and 444.
    expect(misfit[iterations - 1]).toBeLessThan(0.9 * differenced.value);
    expect(3 * result.evaluations).toBeLessThanOrEqual(differenced.evaluations);
  });
});

describe("the options of a scene's optimizer", () => {
  test("Adam's first step moves each variable by about its step: 0.05 when set, 0.01 by default", () => {
    // alpha g / (|g| + 1e-8) per variable: alpha to 1e-8 relative where |g| >~ 1.
    expect(largest(firstStep({ kind: "adam", iterations: 1, step: 0.05 }))).toBeCloseTo(0.05, 9);
    expect(largest(firstStep({ kind: "adam", iterations: 1 }))).toBeCloseTo(0.01, 9);
  });

  test("the heavy ball with a fixed step: the first step is -step g (no velocity yet), whatever the momentum", () => {
    const { problem, x0 } = problemOf(scene("heavy-ball"));
    const g = new Float64Array(x0.length);
    problem.stages[0].objective().objective(x0, g);
    const step = firstStep({ kind: "heavy-ball", iterations: 1, step: 1e-4, momentum: 0.5 });
    // log(exp(x0 - step g) / exp(x0)): round-off of exp and log, ~1e-16 / |step g| relative.
    for (let i = 0; i < g.length; i++) expect(Math.abs(step[i] + 1e-4 * g[i])).toBeLessThan(1e-12 + 1e-9 * Math.abs(1e-4 * g[i]));
  });

  test("Newton-CG's radius bounds its first step (here on the boundary), and cgIterations its products a step", () => {
    const set = firstStep({ kind: "newton-cg", iterations: 1, radius: 0.05 });
    expect(Math.hypot(...set)).toBeCloseTo(0.05, 12);
    expect(Math.hypot(...firstStep({ kind: "newton-cg", iterations: 1 }))).toBeGreaterThan(0.1);
    const { problem, x0 } = problemOf(scene("newton-cg"));
    const cg = (entry: OptimizerEntry) => {
      const counts: number[] = [];
      run(optimizerOf(entry)(problem.stages[0].objective(), x0, 4), (e) => void counts.push((e as NewtonCGEvent).cgIterations));
      return counts;
    };
    // Measured: with the default (at most 10) CG stops after 1, 2, 2, 2 iterations; with at most 1, after 1 each.
    expect(cg({ kind: "newton-cg", iterations: 4 })).toEqual([1, 2, 2, 2]);
    expect(cg({ kind: "newton-cg", iterations: 4, cgIterations: 1 })).toEqual([1, 1, 1, 1]);
  });

  test("a bad option, or one of another kind, is refused naming its field", () => {
    const base = parseSceneText(readFileSync("scenes/heat-conductivity.json", "utf8")) as Record<string, unknown>;
    const refused = (optimizer: unknown) => () => parseScene({ ...base, optimizer });
    expect(refused({ kind: "adam", iterations: 4, step: -1 })).toThrow("optimizer.step: Too small: expected number to be >0");
    expect(refused({ kind: "nesterov", iterations: 4, momentum: 1 })).toThrow("optimizer.momentum: Too big: expected number to be <1");
    expect(refused({ kind: "newton-cg", iterations: 4, radius: 0 })).toThrow("optimizer.radius: Too small: expected number to be >0");
    expect(refused({ kind: "newton-cg", iterations: 4, cgIterations: 2.5 })).toThrow("optimizer.cgIterations: Invalid input: expected int, received number");
    expect(refused({ kind: "lbfgs", iterations: 4, step: 0.1 })).toThrow("optimizer.step: is an option of heavy-ball, nesterov or adam, not of lbfgs: remove it");
    expect(refused({ iterations: 4, radius: 0.1 })).toThrow("optimizer.radius: is an option of newton-cg, not of lbfgs: remove it");
    expect(refused({ kind: "adam", iterations: 4, momentum: 0.5 })).toThrow("optimizer.momentum: is an option of heavy-ball or nesterov, not of adam: remove it");
    // One line each.
    expect(refused({ kind: "adam", iterations: 4, step: -1 })).not.toThrow(/\n/);
  });
});

describe("bounds with the scene's optimizer", () => {
  /** reflection-fwi.json cut to 4 iterations on 1,500 steps, bounded to its start's (and truth's) range, 2,000-3,200 m/s, or unbounded. */
  function bounded(kind: OptimizerKind, options: Omit<OptimizerEntry, "kind" | "iterations"> = {}, bounds = true): WaveInversionScene {
    const s = loadScene("scenes/reflection-fwi.json");
    if (s.kind !== "wave-inversion") throw new Error("expected a wave scene");
    const { bounds: _, ...rest } = s;
    return { ...rest, time: { ...s.time, nt: 1500 }, ...(bounds ? { bounds: { velocity: [2000, 3200] as [number, number] } } : {}), optimizer: { kind, iterations: 4, ...options } };
  }
  const modelsOf = (s: WaveInversionScene) => {
    const dir = mkdtempSync(join(tmpdir(), `scene-bounded-${s.optimizer.kind}-`));
    runWaveInversion(s, dir);
    return flatten(readRun(dir).load("models"));
  };

  test.each([["adam", { step: 0.05 }], ["heavy-ball", {}], ["nesterov", {}], ["lbfgs", {}]] as const)("%s: unbounded, its models leave 2,000-3,200 m/s; bounded, every model stays inside", (kind, options) => {
    const free = modelsOf(bounded(kind, options, false));
    expect(free.some((v) => v < 1999 || v > 3201)).toBe(true);
    // Projection clamps in the optimization variables (log velocity): back in m/s the bounds hold to round-off.
    for (const v of modelsOf(bounded(kind, options))) {
      expect(v).toBeGreaterThanOrEqual(2000 * (1 - 1e-12));
      expect(v).toBeLessThanOrEqual(3200 * (1 + 1e-12));
    }
  });

  test("kinds that cannot keep bounds are refused, naming optimizer.kind", () => {
    for (const kind of ["newton-cg", "nonlinear-cg", "steepest-descent"] as const) {
      expect(() => waveInversionProblem(bounded(kind))).toThrow(new RegExp(`^optimizer\\.kind: "${kind}" does not keep bounds: choose "lbfgs", "heavy-ball", "nesterov", "adam"`));
    }
  });
});
