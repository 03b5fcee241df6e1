import { readFileSync } from "node:fs";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { flatten } from "../src/core/arrays.js";
import { readRun } from "../src/run/folder.js";
import { loadScene } from "../src/scene/load.js";
import type { WaveInversionScene } from "../src/scene/schema.js";
import { runWaveInversion } from "../src/scene/wave-inversion.js";

function flagship(iterations: number, seed = 7): WaveInversionScene {
  const s = loadScene("scenes/continuation-fwi.json");
  if (s.kind !== "wave-inversion") throw new Error("expected an inversion scene");
  return { ...s, optimizer: { ...s.optimizer, iterations }, noise: { relative: 0.001, seed } };
}

describe("wave-inversion scenes", () => {
  test("the flagship scene writes a complete run folder and reduces the model error", () => {
    const dir = mkdtempSync(join(tmpdir(), "inv-"));
    const summary = runWaveInversion(flagship(8), dir);
    const run = readRun(dir);
    expect(run.manifest.arrays.map((a) => a.name)).toEqual([
      "true_velocity", "start_velocity", "velocity", "models", "misfit", "gradient_norm", "model_error", "band", "step", "gradient", "observed", "predicted", "residual",
    ]);
    const k = summary.iterations;
    expect(run.load("models").shape).toEqual([k + 1, 200]);
    expect(run.load("band").shape).toEqual([k]);
    // Row 0 of the models is the start, the last row the final model.
    expect([...flatten(run.load("models")).slice(0, 200)]).toEqual([...flatten(run.load("start_velocity"))]);
    expect(summary.finalError).toBeLessThan(0.5 * summary.startError);
    // residual = predicted - observed, to the last bit.
    const [p, o, r] = ["predicted", "observed", "residual"].map((n) => flatten(run.load(n)));
    for (let i = 0; i < r.length; i += 97) expect(r[i]).toBe(p[i] - o[i]);
  });

  test("the same scene and seed give the same bytes; another noise seed gives other data", () => {
    const [a, b, c] = [7, 7, 8].map((seed) => {
      const dir = mkdtempSync(join(tmpdir(), "inv-"));
      runWaveInversion(flagship(3, seed), dir);
      return dir;
    });
    for (const f of ["observed.npy", "models.npy", "misfit.npy", "velocity.npy"]) {
      expect(readFileSync(join(a, f)).equals(readFileSync(join(b, f)))).toBe(true);
    }
    expect(readFileSync(join(a, "observed.npy")).equals(readFileSync(join(c, "observed.npy")))).toBe(false);
  });
});
