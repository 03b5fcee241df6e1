/**
 * What a new user meets first: `npm start` runs the flagship inversion. It must
 * run quietly (each kind of warning at most once), keep every accepted model
 * physical, leave no artefacts at the ends of the model, and say how to look
 * at the result.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { flatten } from "../src/core/arrays.js";
import { readRun } from "../src/run/folder.js";
import { loadScene } from "../src/scene/load.js";
import type { WaveInversionScene } from "../src/scene/schema.js";
import { runWaveInversion } from "../src/scene/wave-inversion.js";
import { bundle } from "./helpers/bundle.js";

function flagship(): WaveInversionScene {
  const s = loadScene("scenes/continuation-fwi.json");
  if (s.kind !== "wave-inversion") throw new Error("expected an inversion scene");
  return s;
}

describe("the flagship run", () => {
  let cli = "";
  beforeAll(async () => {
    cli = (await bundle("flagship")).cli;
  });

  test("prints no warning, keeps every model within the bounds, ends clean at the edges and says how to view it", () => {
    const out = join(mkdtempSync(join(tmpdir(), "flagship-")), "run");
    const r = spawnSync(process.execPath, [cli, "run", "scenes/continuation-fwi.json", "--out", out], { encoding: "utf8", env: { ...process.env, npm_lifecycle_event: "start" } });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/warning/);
    expect(r.stdout.trimEnd().split("\n").at(-1)).toBe("look at it in the viewer: npm run view");

    const run = readRun(out);
    const scene = flagship();
    const [vmin, vmax] = scene.bounds!.velocity;
    // Every accepted model (rows of models.npy) is inside the scene's physical bounds [1500, 4500] m/s.
    const models = flatten(run.load("models"));
    for (const v of models) {
      expect(v).toBeGreaterThanOrEqual(vmin);
      expect(v).toBeLessThanOrEqual(vmax);
    }
    const truth = flatten(run.load("true_velocity")), final = flatten(run.load("velocity"));
    // The model error the README quoted before bounds and smoothing (3.9%) is not lost.
    expect((run.manifest.result as { finalError: number }).finalError).toBeLessThanOrEqual(0.039);
    // Outside the receivers' span (x < 50 m, x > 1950 m) the final model is within 5% of the truth
    // cell by cell (without bounds and smoothing it swung to 3,465 m/s against 2,800).
    for (let i = 0; i < truth.length; i++) {
      const x = 10 * i;
      if (x < 50 || x > 1950) expect(Math.abs(final[i] / truth[i] - 1), `x = ${x} m`).toBeLessThan(0.05);
    }
  });

  test("a check that fires on every trial model warns once per run", () => {
    // The flagship without bounds or smoothing: trial models fall to a few hundred m/s, and the
    // dispersion check used to print ~130 lines.
    const warnings: string[] = [];
    const scene: WaveInversionScene = { ...flagship(), bounds: undefined, regularization: [], optimizer: { kind: "lbfgs", iterations: 10 } };
    runWaveInversion(scene, join(mkdtempSync(join(tmpdir(), "flagship-")), "run"), undefined, (m) => warnings.push(m));
    expect(warnings.filter((w) => w.startsWith("dispersion:"))).toHaveLength(1);
    expect(new Set(warnings.map((w) => w.split(":")[0])).size).toBe(warnings.length);
  });

  test("bounds that allow an unstable velocity are refused before anything is written", () => {
    const dir = join(mkdtempSync(join(tmpdir(), "flagship-")), "run");
    const scene: WaveInversionScene = { ...flagship(), bounds: { velocity: [1500, 9000] } };
    expect(() => runWaveInversion(scene, dir)).toThrow(/^bounds\.velocity: unstable: c_max dt \/ dx = 0\.9000 exceeds the CFL limit/);
    expect(existsSync(dir)).toBe(false);
  });
});
