import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { flatten } from "../src/core/arrays.js";
import { readRun } from "../src/run/folder.js";
import { loadScene } from "../src/scene/load.js";
import type { WaveInversionScene } from "../src/scene/schema.js";
import { runWaveInversion } from "../src/scene/wave-inversion.js";
import { bundle } from "./helpers/bundle.js";
import { expectRoles } from "./helpers/roles.js";

const cliBundle = async () => (await bundle("inversion-scene")).cli;

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
    expect(run.manifest.arrays.map((a) => a.name).filter((n) => !n.startsWith("predicted_iteration_"))).toEqual([
      "true_velocity", "start_velocity", "observed", "models", "misfit", "gradient_norm", "model_error", "band", "step", "gradients", "terms", "velocity", "gradient", "predicted", "residual", "wavefield",
    ]);
    expect(run.manifest.status).toBe("finished");
    expectRoles(run.manifest, ["truth", "start", "observed", "models", "misfit", "gradient-norm", "model-error", "stage", "step", "gradients", "terms", "model", "gradient", "predicted", "residual", "field", "predicted-snapshot"]);
    const k = summary.iterations;
    expect(run.load("models").shape).toEqual([k + 1, 200]);
    expect(run.load("band").shape).toEqual([k]);
    // The stages' labels travel with the band array.
    expect(run.manifest.arrays.find((a) => a.name === "band")!.labels).toEqual(["2 Hz", "4 Hz", "7 Hz", "full band"]);
    // Row 0 of the models is the start, the last row the final model.
    expect([...flatten(run.load("models")).slice(0, 200)]).toEqual([...flatten(run.load("start_velocity"))]);
    expect(summary.finalError).toBeLessThan(0.5 * summary.startError);
    // residual = predicted - observed, to the last bit.
    const [p, o, r] = ["predicted", "observed", "residual"].map((n) => flatten(run.load(n)));
    for (let i = 0; i < r.length; i += 97) expect(r[i]).toBe(p[i] - o[i]);
    // Predicted-data snapshots: the start and every 2nd of the 32 iterations (about 20 per run); the last
    // one is the final model's full-band data, equal to predicted to the last bit.
    const snapshots = run.manifest.arrays.map((a) => a.name).filter((n) => n.startsWith("predicted_iteration_"));
    expect(snapshots).toEqual(Array.from({ length: k / 2 + 1 }, (_, i) => `predicted_iteration_${String(2 * i).padStart(4, "0")}`));
    expect(flatten(run.load(snapshots[snapshots.length - 1])).every((v, i) => v === p[i])).toBe(true);
  });

  test("each term of the objective is recorded per iteration, and the terms sum to the misfit", () => {
    const dir = mkdtempSync(join(tmpdir(), "inv-"));
    const scene: WaveInversionScene = {
      // Unbounded, so the optimizer reports |g| itself (projected L-BFGS reports the projected gradient).
      ...flagship(3), bands: [4, "full"], bounds: undefined,
      regularization: [{ kind: "smoothness", weight: 1e-3 }, { kind: "damping", weight: 1e-6 }],
    };
    runWaveInversion(scene, dir);
    const run = readRun(dir);
    const entry = run.manifest.arrays.find((a) => a.name === "terms")!;
    expect(entry.axes[1].labels).toEqual(["least-squares", "smoothness", "damping"]);
    const terms = flatten(run.load("terms")), misfit = flatten(run.load("misfit"));
    // The stored gradient of each iterate has the norm the optimizer reported (no preconditioning: z = x).
    const gradients = flatten(run.load("gradients")), norms = flatten(run.load("gradient_norm"));
    expect(run.load("gradients").shape).toEqual([6, 200]);
    for (let k = 0; k < 6; k++) {
      const g = gradients.subarray(200 * k, 200 * (k + 1));
      expect(Math.abs(Math.hypot(...g) / norms[k] - 1)).toBeLessThan(1e-12);
    }
    expect(run.load("terms").shape).toEqual([6, 3]);
    for (let k = 0; k < 6; k++) {
      const [a, b, c] = terms.slice(3 * k, 3 * k + 3);
      expect(b).toBeGreaterThan(0);
      expect(c).toBeGreaterThan(0);
      // The same three numbers summed in the same order: equal to the last bit.
      expect(a + b + c).toBe(misfit[k]);
    }
    const twice = { ...scene, regularization: [{ kind: "damping" as const, weight: 1 }, { kind: "damping" as const, weight: 2 }] };
    expect(() => runWaveInversion(twice, join(dir, "x"))).toThrow(/^regularization\[1\]\.kind: "damping" appears twice/);
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

describe("a killed inversion", () => {
  let cli = "";
  beforeAll(async () => {
    cli = await cliBundle();
  });

  /** Starts the flagship run and SIGKILLs it once `atLeast` iterations are on disk. */
  async function killedRun(out: string, atLeast: number): Promise<void> {
    const child = spawn(process.execPath, [cli, "run", "scenes/continuation-fwi.json", "--out", out], { stdio: "ignore" });
    // Wait until at least 10 iterations are on disk, then kill without warning.
    for (let waited = 0; waited < 60_000; waited += 20) {
      await new Promise((r) => setTimeout(r, 20));
      try {
        const m = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8")) as { iterations?: number };
        if ((m.iterations ?? 0) >= atLeast) break;
      } catch {
        // not written yet
      }
    }
    child.kill("SIGKILL");
    await new Promise((r) => child.once("exit", r));
  }

  test("SIGKILL mid-run leaves a readable folder whose manifest, models and history agree", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "killed-")), "run");
    await killedRun(out, 10);
    const run = readRun(out);
    expect(run.manifest.status).toBe("running");
    const k = run.manifest.iterations as number;
    expect(k).toBeGreaterThanOrEqual(10);
    // The manifest is the commit point: the files it names hold exactly its k iterations (readRun checks each shape).
    const models = run.load("models");
    const misfit = run.load("misfit");
    expect(models.shape[1]).toBe(200);
    expect(models.shape[0]).toBe(k + 1);
    expect(misfit.shape[0]).toBe(models.shape[0] - 1);
    for (const v of flatten(misfit)) expect(Number.isFinite(v)).toBe(true);
  });
});

describe("--resume", () => {
  for (const [scene, killAt] of [["continuation-fwi", 40], ["heat-flux", 60]] as const) {
    test(`${scene}: a run killed mid-way and resumed ends with the same bytes as an uninterrupted run`, async () => {
      const cli = await cliBundle();
      const file = `scenes/${scene}.json`;
      const root = mkdtempSync(join(tmpdir(), "resume-"));
      const whole = join(root, "whole"), resumed = join(root, "resumed");
      expect(spawnSync(process.execPath, [cli, "run", file, "--out", whole]).status).toBe(0);
      // Kill after iteration killAt (inside the second band for the wave scene), then resume.
      const child = spawn(process.execPath, [cli, "run", file, "--out", resumed], { stdio: "ignore" });
      for (let waited = 0; waited < 60_000; waited += 20) {
        await new Promise((r) => setTimeout(r, 20));
        try {
          if ((JSON.parse(readFileSync(join(resumed, "manifest.json"), "utf8")).iterations ?? 0) >= killAt) break;
        } catch {
          // not written yet
        }
      }
      child.kill("SIGKILL");
      await new Promise((r) => child.once("exit", r));
      expect(readRun(resumed).manifest.status).toBe("running");
      const r = spawnSync(process.execPath, [cli, "run", file, "--out", resumed, "--resume"], { encoding: "utf8" });
      expect(r.status).toBe(0);
      for (const f of readdirSync(whole).filter((f) => f.endsWith(".npy") || f === "manifest.json")) {
        expect(readFileSync(join(resumed, f)).equals(readFileSync(join(whole, f))), f).toBe(true);
      }
    });
  }

  test("resuming a finished run or a forward scene is refused with the reason", async () => {
    const root = mkdtempSync(join(tmpdir(), "resume-"));
    const cli = await cliBundle();
    const done = join(root, "done");
    runWaveInversion(flagship(1), done);
    const r = spawnSync(process.execPath, [cli, "run", "scenes/continuation-fwi.json", "--out", done, "--resume"], { encoding: "utf8" });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--resume: the run in .* (is finished, not running|was made from a different scene)/);
    const f = spawnSync(process.execPath, [cli, "run", "scenes/layered-forward.json", "--out", done, "--resume"], { encoding: "utf8" });
    expect(f.stderr).toMatch(/--resume: only inversion and sensor-design scenes can be resumed/);
  });
});

describe("reflection FWI", () => {
  test("surface data over five layers sharpen a smoothed start: the model error falls by more than 40%", () => {
    const s = loadScene("scenes/reflection-fwi.json");
    if (s.kind !== "wave-inversion") throw new Error("expected an inversion scene");
    const summary = runWaveInversion(s, mkdtempSync(join(tmpdir(), "reflection-")));
    // Measured (the shipped scene, 40 iterations): 3.48% -> 1.56% (a 55% fall); required > 40%.
    expect(summary.finalError).toBeLessThan(0.6 * summary.startError);
  });
});

describe("outlier traces", () => {
  test("Huber ends with less than half the model error of least squares on data with 8 outlier traces", () => {
    const errors = ["huber-outliers.json", "l2-outliers.json"].map((f) => {
      const s = loadScene(join("scenes", f));
      if (s.kind !== "wave-inversion") throw new Error("expected an inversion scene");
      return runWaveInversion(s, mkdtempSync(join(tmpdir(), "outliers-"))).finalError;
    });
    // Measured (the shipped scenes, 40 iterations): Huber 2.8% -> 0.8%, least squares 2.8% -> 2.1%.
    expect(errors[0]).toBeLessThan(0.5 * errors[1]);
  });

  test("asking for more outlier traces than there are is refused with the field named", () => {
    const s = loadScene("scenes/huber-outliers.json");
    if (s.kind !== "wave-inversion" || s.noise === undefined) throw new Error("expected noise");
    const bad = { ...s, noise: { ...s.noise, outliers: { traces: 1000, relative: 0.3 } } };
    expect(() => runWaveInversion(bad, join(mkdtempSync(join(tmpdir(), "outliers-")), "x"))).toThrow(/^noise\.outliers\.traces: there are only 90 traces, got 1000/);
  });
});

describe("a non-finite objective", () => {
  test("stops the run with the iteration and the term named, the last good iterate on disk and the manifest saying failed", () => {
    const s = flagship(2);
    const dir = join(mkdtempSync(join(tmpdir(), "nan-")), "run");
    // A damping weight so large that the term overflows to infinity at the first evaluation.
    const bad = { ...s, regularization: [{ kind: "damping" as const, weight: 1e308 }] };
    expect(() => runWaveInversion(bad, dir)).toThrow(/^iteration 1: regularization term "damping" is not finite \(NaN or infinity\); the last good iterate \(iteration 0\) is the last row of models\.npy/);
    const run = readRun(dir);
    expect(run.manifest.status).toBe("failed");
    expect([...flatten(run.load("models"))]).toEqual([...flatten(run.load("start_velocity"))]);
  });
});

describe("--workers", () => {
  test("1 and 2 worker threads give the same bytes", async () => {
    const cli = await cliBundle();
    const root = mkdtempSync(join(tmpdir(), "workers-"));
    const sceneFile = join(root, "scene.json");
    writeFileSync(sceneFile, JSON.stringify({ ...JSON.parse(readFileSync("scenes/continuation-fwi.json", "utf8")), optimizer: { kind: "lbfgs", iterations: 3 } }));
    for (const w of ["1", "2"]) {
      const r = spawnSync(process.execPath, [cli, "run", sceneFile, "--out", join(root, w), "--workers", w], { encoding: "utf8" });
      expect(r.status, r.stderr).toBe(0);
    }
    for (const f of ["velocity.npy", "models.npy", "misfit.npy", "gradient.npy", "manifest.json"]) {
      expect(readFileSync(join(root, "1", f)).equals(readFileSync(join(root, "2", f))), f).toBe(true);
    }
  });
});

describe("velocity bounds", () => {
  test("every iterate stays inside [vmin, vmax] and the bound is reached where the data pull past it", () => {
    const s = flagship(8);
    const dir = mkdtempSync(join(tmpdir(), "bounds-"));
    // The truth reaches 2800 m/s; capping at 2500 makes the bound active in the fast half.
    runWaveInversion({ ...s, bounds: { velocity: [1900, 2500] } }, dir);
    const models = flatten(readRun(dir).load("models"));
    let max = 0, min = Infinity;
    for (const v of models) {
      max = Math.max(max, v);
      min = Math.min(min, v);
    }
    // log/exp round trips can move the bound by an ulp or two.
    expect(max).toBeLessThanOrEqual(2500 * (1 + 1e-12));
    expect(min).toBeGreaterThanOrEqual(1900 * (1 - 1e-12));
    expect(max).toBeGreaterThan(2499);
  });

  test("a starting model outside the bounds is refused with the field named, before anything is written", () => {
    const dir = join(mkdtempSync(join(tmpdir(), "bounds-")), "x");
    expect(() => runWaveInversion({ ...flagship(1), bounds: { velocity: [2100, 3000] } }, dir)).toThrow(
      /^bounds\.velocity: the starting model is 2000 m\/s at cell 0, outside \[2100, 3000\]/,
    );
    expect(existsSync(dir)).toBe(false);
  });
});
