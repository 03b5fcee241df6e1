/**
 * The adversarial-heat scenes: the rod of heat-conductivity.json whose data
 * carry a perturbation of norm eta = 20 K, inverted with least squares, Huber
 * and the worst-case misfit. What the worst-case misfit buys is checked as
 * claimed in the README: its final model has the smallest worst-case misfit of
 * the three, its reported misfit bounds the misfit against the clean data, and
 * its model error is no worse than least squares'.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { flatten } from "../src/core/arrays.js";
import { readRun } from "../src/run/folder.js";
import { heatInversionProblem, runHeatInversion } from "../src/scene/heat-inversion.js";
import type { HeatInversionScene } from "../src/scene/heat-schema.js";
import { loadScene } from "../src/scene/load.js";
import { waveInversionProblem } from "../src/scene/wave-inversion.js";

function scene(name: string): HeatInversionScene {
  const s = loadScene(`scenes/${name}.json`);
  if (s.kind !== "heat-inversion") throw new Error("expected a heat scene");
  return s;
}
const norm = (v: Float64Array) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));

describe("data with a perturbation of norm eta = 20 K", () => {
  const eta = 20;
  type Outcome = { summary: ReturnType<typeof runHeatInversion>; run: ReturnType<typeof readRun>; worst: number };
  let robust: Outcome, l2: Outcome, huber: Outcome;
  beforeAll(() => {
    [robust, l2, huber] = ["adversarial-heat", "adversarial-heat-l2", "adversarial-heat-huber"].map((name) => {
      const dir = mkdtempSync(join(tmpdir(), "adversarial-"));
      const summary = runHeatInversion(scene(name), dir);
      const run = readRun(dir);
      const rho = norm(flatten(run.load("residual")));
      return { summary, run, worst: 0.5 * (rho + eta) ** 2 };
    });
  });

  test("the observed data are the clean data plus exactly eta", () => {
    const s = scene("adversarial-heat");
    const observed = flatten(heatInversionProblem(s).inputs[0].data), clean = flatten(heatInversionProblem({ ...s, perturbation: undefined }).inputs[0].data);
    // A norm of 3,000 differences of ~300 K values: round-off ~1e-13 K each.
    expect(norm(observed.map((v, i) => v - clean[i]))).toBeCloseTo(eta, 9);
  });

  test("the worst-case misfit's model has the smallest worst case 1/2 (rho + eta)^2 of the three", () => {
    // Measured (100 L-BFGS iterations): worst case 798.77 (robust), 798.90 (least squares), 799.07 (Huber).
    expect(robust.worst).toBeLessThan(l2.worst);
    expect(robust.worst).toBeLessThan(huber.worst);
  });

  test("its reported misfit is 1/2 (rho + eta)^2 and bounds the misfit against the clean data", () => {
    const terms = flatten(robust.run.load("terms"));
    const k = robust.run.load("terms").shape[0];
    const reported = terms[(k - 1) * 2];
    // The terms are those of the last iterate, the residual that of the final model: the same point.
    expect(Math.abs(reported - robust.worst) / robust.worst).toBeLessThan(1e-12);
    const s = scene("adversarial-heat");
    const clean = flatten(heatInversionProblem({ ...s, perturbation: undefined }).inputs[0].data);
    const predicted = flatten(robust.run.load("predicted"));
    const cleanMisfit = 0.5 * norm(predicted.map((v, i) => v - clean[i])) ** 2;
    // The certificate: any data within eta of the observed, the clean data among them, fit at least this well.
    expect(cleanMisfit).toBeLessThanOrEqual(reported);
  });

  test("its model error is no worse than least squares' (within 0.2 points) and better than Huber's", () => {
    // Measured: start 45.38%; worst-case misfit 7.70%, least squares 7.80%, Huber 8.48%. Without
    // regularization its minimizers are least squares' (a monotone function of rho): the small
    // gain comes from the data term weighing 1 + eta / rho ~ 2 times more against the smoothness.
    expect(robust.summary.finalError).toBeLessThan(l2.summary.finalError + 0.002);
    expect(robust.summary.finalError).toBeLessThan(huber.summary.finalError);
  });
});

describe("a wave scene with the worst-case misfit", () => {
  test("its shots summed one by one (--workers 1) give the whole data set's value and gradient", () => {
    const s = loadScene("scenes/huber-outliers.json");
    if (s.kind !== "wave-inversion") throw new Error("expected a wave inversion");
    const robust = { ...s, misfit: { kind: "adversarial" as const, eta: 0.5, epsilon: 0 } };
    const [whole, shots] = [undefined, 1].map((workers) => waveInversionProblem(robust, () => {}, workers));
    const x0 = new Float64Array(s.grid.nx).fill(Math.log(2200));
    const g1 = new Float64Array(x0.length), g2 = new Float64Array(x0.length);
    const v1 = whole.stages[0].objective().objective(x0, g1), v2 = shots.stages[0].objective().objective(x0, g2);
    // The same sums taken in another order (all shots at once, or shot by shot): 1e-12 relative.
    expect(Math.abs(v1 - v2) / v1).toBeLessThan(1e-12);
    const gmax = Math.max(...g1.map(Math.abs));
    for (let i = 0; i < g1.length; i++) expect(Math.abs(g1[i] - g2[i])).toBeLessThan(1e-12 * gmax);
    expect(whole.termNames[0]).toBe("adversarial");
    whole.close?.();
    shots.close?.();
  });
});
