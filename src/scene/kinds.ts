/**
 * The registry of scene kinds: for each `kind` a scene file may name, its
 * schema and how to run it. The command line dispatches from here, and a new
 * physics joins with one entry (its schema is also listed in the `Scene`
 * union of schema.ts; the mapped type below makes the compiler insist on an
 * entry for every member). Inversion kinds build an {@link InversionProblem}
 * and share the generic runner; the others run themselves.
 */
import type { z } from "zod";
import { SensorDesignScene } from "./design-schema.js";
import { HeatInversionScene } from "./heat-schema.js";
import { runHeatInversion } from "./heat-inversion.js";
import { runConformerSearch } from "./conformers.js";
import { BasinHoppingScene, CalibrationScene, ConformerSearchScene } from "./molecular-schema.js";
import { runBasinHopping, runCalibration } from "./molecular.js";
import type { Progress } from "./progress.js";
import type { InversionSummary } from "./run-inversion.js";
import { runJointInversion } from "./joint-inversion.js";
import { runSensorDesign } from "./sensor-design.js";
import { JointInversionScene, WaveForwardScene, WaveInversionScene, type Scene } from "./schema.js";
import { runWaveForward } from "./wave-forward.js";
import { runWaveInversion } from "./wave-inversion.js";
import { runWave2DInversion } from "./wave2d-inversion.js";
import { Wave2DInversionScene } from "./wave2d-schema.js";

/** Where and how to run a scene. */
export interface RunRequest {
  /** The run folder. */
  dir: string;
  /** `--resume`: continue the interrupted run in `dir`. */
  resume: boolean;
  /** `--workers`: evaluate shots on this many threads. */
  workers?: number;
  /** `--threads`: step each shot on this many threads (2D waves, native backend). */
  threads?: number;
}

/** One kind of scene: its schema, what the command line allows for it, and how it runs. */
export interface SceneKind<K extends Scene["kind"]> {
  schema: z.ZodType<Extract<Scene, { kind: K }>>;
  /** `--resume` continues an interrupted run. */
  resumable: boolean;
  /** `--workers` evaluates shots on threads. */
  shotWorkers: boolean;
  /** `--threads` steps each shot on threads (absent: no). */
  shotThreads?: boolean;
  /** Runs the scene into `request.dir`; returns the lines that report it (the CLI prints them). */
  run(scene: Extract<Scene, { kind: K }>, request: RunRequest, progress: Progress, warn: (m: string) => void): string;
}

/** The closing lines of an inversion, whatever its physics. */
function inversionReport(summary: InversionSummary, seconds: number, figures = ""): string {
  return `${summary.message} after ${summary.iterations} iterations (${seconds.toFixed(1)} s)\n` + figures +
    `model error ${(100 * summary.startError).toFixed(1)}% -> ${(100 * summary.finalError).toFixed(1)}%${figures === "" ? "" : " (relative L2: diffusion blurs the disc, see the inclusion figures above)"}\n` +
    `run folder: ${summary.dir} (manifest.json + .npy arrays; numpy.load or readRun() from gradscape/node)\n`;
}

/** Seconds since t0 (ms, from performance.now()). */
const since = (t0: number) => (performance.now() - t0) / 1000;

/** A wave inversion's kind (1D or 2D): resumable, its shots on worker threads with `--workers`. */
function waveInversionKind<K extends "wave-inversion" | "wave2d-inversion">(
  schema: SceneKind<K>["schema"],
  run: (scene: Extract<Scene, { kind: K }>, dir: string, progress: Progress, warn: (m: string) => void, resume: boolean, workers?: number, threads?: number) => InversionSummary,
  shotThreads: boolean,
): SceneKind<K> {
  return {
    schema,
    resumable: true,
    shotWorkers: true,
    shotThreads,
    run(scene, request, progress, warn) {
      const t0 = performance.now();
      return inversionReport(run(scene, request.dir, progress, warn, request.resume, request.workers, request.threads), since(t0));
    },
  };
}

/** Every kind of scene: one entry each. */
export const SCENE_KINDS: { [K in Scene["kind"]]: SceneKind<K> } = {
  "wave-forward": {
    schema: WaveForwardScene,
    resumable: false,
    shotWorkers: false,
    run(scene, request, progress, warn) {
      const summary = runWaveForward(scene, request.dir, progress, warn);
      return `wrote ${summary.arrays.length} arrays (${summary.arrays.join(", ")}) and manifest.json to ${summary.dir} in ${summary.seconds.toFixed(1)} s\n` +
        `read them with numpy.load, or with readRun() from gradscape/node\n`;
    },
  },
  "wave-inversion": waveInversionKind(WaveInversionScene, runWaveInversion, false),
  "wave2d-inversion": waveInversionKind(Wave2DInversionScene, runWave2DInversion, true),
  "heat-inversion": {
    schema: HeatInversionScene,
    resumable: true,
    shotWorkers: false,
    run(scene, request, progress) {
      const t0 = performance.now();
      const summary = runHeatInversion(scene, request.dir, progress, request.resume);
      const figures = (summary.inclusions ?? []).map((c, i) =>
        `inclusion ${i + 1} (centre ${c.center.map((v) => (1000 * v).toFixed(1)).join(", ")} mm, radius ${(1000 * c.radius).toFixed(1)} mm): ` +
          `recovered peak ${(1000 * c.peakDistance).toFixed(1)} mm from its centre; contrast inside/outside ${c.contrast.toFixed(2)} (true ${c.trueContrast.toFixed(2)})\n`).join("");
      return inversionReport(summary, since(t0), figures);
    },
  },
  "joint-inversion": {
    schema: JointInversionScene,
    resumable: true,
    shotWorkers: false,
    run(scene, request, progress) {
      const t0 = performance.now();
      const summary = runJointInversion(scene, request.dir, progress, request.resume);
      const blocks = (summary.blocks ?? []).map((b) => `${b.name} error ${(100 * b.startError).toFixed(1)}% -> ${(100 * b.finalError).toFixed(1)}%\n`).join("");
      return inversionReport(summary, since(t0), blocks);
    },
  },
  "molecular-basin-hopping": {
    schema: BasinHoppingScene,
    resumable: false,
    shotWorkers: false,
    run(scene, request, progress) {
      const s = runBasinHopping(scene, request.dir, progress);
      return `best energy ${s.best.toFixed(6)}${scene.knownMinimum === undefined ? "" : ` (known global minimum ${scene.knownMinimum}: ${s.reachedTarget ? "found" : "not found"})`}` +
        ` after ${s.steps} steps, ${s.localMinimizations} local minimizations, ${s.evaluations} gradient evaluations\nrun folder: ${s.dir}\n`;
    },
  },
  "molecular-calibration": {
    schema: CalibrationScene,
    resumable: false,
    shotWorkers: false,
    run(scene, request, progress) {
      const s = runCalibration(scene, request.dir, progress);
      let text = "";
      for (const f of s.fits) {
        text += `${f.kind}: ${f.names.map((n, i) => `${n} = ${f.parameters[i].toPrecision(6)} +- ${f.standardErrors[i].toPrecision(2)}`).join(", ")}; rms residual ${f.rms.toExponential(2)}\n`;
      }
      return text + `run folder: ${s.dir}\n`;
    },
  },
  "sensor-design": {
    schema: SensorDesignScene,
    resumable: true,
    shotWorkers: false,
    run(scene, request, progress) {
      const t0 = performance.now();
      const s = runSensorDesign(scene, request.dir, progress, request.resume);
      return `${s.message} after ${s.iterations} iterations (${since(t0).toFixed(1)} s)\n${s.report}run folder: ${s.dir}\n`;
    },
  },
  "conformer-search": {
    schema: ConformerSearchScene,
    resumable: false,
    shotWorkers: false,
    run(scene, request, progress) {
      const s = runConformerSearch(scene, request.dir, progress);
      const reached = s.starts === undefined ? "" : `; ${s.startsReachingLowest} of ${s.starts} starts ended on it`;
      return `${s.conformers} distinct conformers (${s.enantiomerClasses} up to mirror images) of C${scene.molecule.alkane}; lowest ${s.lowestKey} at ${s.lowest.toFixed(6)} kcal/mol${reached}\n` +
        `${s.localMinimizations} local minimizations (${s.failed} not converged), ${s.evaluations} gradient evaluations\nrun folder: ${s.dir}\n`;
    },
  },
};

/** The entry of a scene's kind. */
export function sceneKind(scene: Scene): SceneKind<Scene["kind"]> {
  return SCENE_KINDS[scene.kind] as SceneKind<Scene["kind"]>;
}

/** Runs a scene into its folder with its kind's runner; returns the lines that report it. */
export function runScene(scene: Scene, request: RunRequest, progress: Progress, warn: (m: string) => void): string {
  return sceneKind(scene).run(scene, request, progress, warn);
}
