/**
 * The optimizers added to the engine for issue 16 are selectable in scenes:
 * the heat-conductivity scene, cut to 4 iterations, runs with each, lowers
 * its objective, and a run stopped after iteration 2 and resumed from its
 * folder ends with the same bytes as an uninterrupted one (velocity, Adam's
 * moments, the trust radius travel in the saved state).
 */
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { flatten } from "../src/core/arrays.js";
import { readRun } from "../src/run/folder.js";
import { runHeatInversion } from "../src/scene/heat-inversion.js";
import type { HeatInversionScene } from "../src/scene/heat-schema.js";
import { loadScene } from "../src/scene/load.js";
import type { OptimizerKind } from "../src/scene/optimizer-kinds.js";
import type { Progress } from "../src/scene/progress.js";

function scene(kind: OptimizerKind): HeatInversionScene {
  const s = loadScene("scenes/heat-conductivity.json");
  if (s.kind !== "heat-inversion") throw new Error("expected a heat scene");
  return { ...s, optimizer: { kind, iterations: 4 } };
}

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
