/**
 * The joint-inversion scene: velocity from 1D waves and conductivity from 1D
 * heat diffusion in one layered column, each experiment blind to part of it,
 * recovered better together (gradient-similarity coupling) than alone; its
 * run folder names both models' blocks for the viewer.
 */
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { flatten } from "../src/core/arrays.js";
import { readRun } from "../src/run/folder.js";
import { runHeatInversion } from "../src/scene/heat-inversion.js";
import { jointInversionProblem, runJointInversion } from "../src/scene/joint-inversion.js";
import { runScene } from "../src/scene/kinds.js";
import { loadScene } from "../src/scene/load.js";
import { silentProgress, type Progress } from "../src/scene/progress.js";
import type { JointInversionScene } from "../src/scene/schema.js";
import { runWaveInversion } from "../src/scene/wave-inversion.js";

function scene(): JointInversionScene {
  const s = loadScene("scenes/joint-column.json");
  if (s.kind !== "joint-inversion") throw new Error("expected a joint scene");
  return s;
}
const folder = () => mkdtempSync(join(tmpdir(), "joint-"));

describe("joint-column.json: both models recovered better jointly than separately", () => {
  let joint: ReturnType<typeof runJointInversion>, dir: string, waveAlone: number, heatAlone: number;
  beforeAll(() => {
    const s = scene();
    dir = folder();
    joint = runJointInversion(s, dir);
    // Each experiment alone: its own scene as the joint scene holds it (300 L-BFGS iterations each, as the joint run).
    waveAlone = runWaveInversion(s.wave, folder()).finalError;
    heatAlone = runHeatInversion(s.heat, folder()).finalError;
  });

  test("velocity and conductivity errors at most 3/4 of their separate inversions'", () => {
    const [velocity, conductivity] = joint.blocks!;
    expect([velocity.name, conductivity.name]).toEqual(["velocity", "conductivity"]);
    // Measured: velocity 6.47% -> 5.20% alone, 2.46% jointly; conductivity 34.7% -> 7.59% alone, 4.62% jointly.
    expect(velocity.startError).toBeCloseTo(0.0647, 3);
    expect(velocity.finalError).toBeLessThan(0.75 * waveAlone);
    expect(conductivity.finalError).toBeLessThan(0.75 * heatAlone);
  });

  test("the run folder holds each block's truth, start and final model, with its offset in the stacked models", () => {
    const run = readRun(dir);
    const entries = run.manifest.arrays.filter((a) => a.role?.startsWith("block-"));
    expect(entries.map((e) => `${e.role}:${e.block}@${e.offset}`)).toEqual([
      "block-truth:velocity@0", "block-start:velocity@0", "block-truth:conductivity@120", "block-start:conductivity@120",
      "block-model:velocity@0", "block-model:conductivity@120",
    ]);
    const models = run.load("models"), n = 120, k = models.shape[0] - 1;
    const last = flatten(models).subarray(k * 2 * n, (k + 1) * 2 * n);
    expect([...last.subarray(0, n)]).toEqual([...flatten(run.load("velocity"))]);
    expect([...last.subarray(n)]).toEqual([...flatten(run.load("conductivity"))]);
    expect(run.manifest.arrays.map((a) => a.name)).toEqual(expect.arrayContaining(["wave_observed", "heat_observed", "heat_sensors"]));
  });

  test("the model error of each iteration is the root mean square of the blocks' relative errors (each free of units)", () => {
    const run = readRun(dir), n = 120;
    const models = flatten(run.load("models")), errors = flatten(run.load("model_error"));
    const [vTrue, kTrue] = ["true_velocity", "true_conductivity"].map((a) => flatten(run.load(a)));
    const rel = (m: Float64Array, t: Float64Array) => Math.sqrt(m.reduce((s, v, i) => s + (v - t[i]) ** 2, 0) / t.reduce((s, v) => s + v * v, 0));
    for (const k of [1, errors.length]) {
      const m = models.subarray(k * 2 * n, (k + 1) * 2 * n);
      const ev = rel(m.subarray(0, n), vTrue), ek = rel(m.subarray(n), kTrue);
      expect(errors[k - 1]).toBeCloseTo(Math.sqrt((ev * ev + ek * ek) / 2), 12);
    }
    const [velocity, conductivity] = joint.blocks!;
    expect(joint.finalError).toBeCloseTo(Math.sqrt((velocity.finalError ** 2 + conductivity.finalError ** 2) / 2), 12);
  });
});

describe("joint-inversion scenes", () => {
  test("run from the registry of scene kinds, reporting each block's error", () => {
    const s = scene();
    const short = { ...s, optimizer: { ...s.optimizer, iterations: 3 } };
    const text = runScene(short, { dir: folder(), resume: false }, silentProgress, () => {});
    expect(text).toMatch(/\nvelocity error 6\.5% -> \d+\.\d%\nconductivity error 34\.7% -> \d+\.\d%\n/);
  });

  test("stopped after iteration 3 and resumed from its folder, a run ends with the same bytes", () => {
    const s = scene();
    const short = { ...s, optimizer: { ...s.optimizer, iterations: 6 } };
    const root = folder(), whole = join(root, "whole"), resumed = join(root, "resumed");
    runJointInversion(short, whole);
    const stopAt3: Progress = { start() {}, stop() {}, update: (done) => { if (done >= 3) throw new Error("stopped"); } };
    expect(() => runJointInversion(short, resumed, stopAt3)).toThrow("stopped");
    expect(readRun(resumed).manifest.status).toBe("running");
    runJointInversion(short, resumed, undefined, true);
    for (const f of readdirSync(whole).filter((f) => f.endsWith(".npy") || f === "manifest.json")) {
      expect(readFileSync(join(resumed, f)).equals(readFileSync(join(whole, f))), f).toBe(true);
    }
  });

  test("grids of different cell counts, and wave bounds, are refused with the field named", () => {
    const s = scene();
    expect(() => jointInversionProblem({ ...s, heat: { ...s.heat, grid: { ...s.heat.grid, nx: 130 } } })).toThrow(/^heat\.grid\.nx: expected 120 cells, as many as the wave grid/);
    expect(() => jointInversionProblem({ ...s, wave: { ...s.wave, bounds: { velocity: [1500, 4000] } } })).toThrow(/^wave\.bounds: is not used by a joint inversion/);
  });
});
