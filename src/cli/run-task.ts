/**
 * The run itself, on a worker thread of the `gradscape run` process: the
 * simulators compute synchronously, so the main thread stays free to answer
 * Ctrl-C at once (stop the run, release the folder's lock, say how to
 * resume). Progress, warnings, the summary and errors come back as messages.
 */
import { parentPort } from "node:worker_threads";
import { setMemoryLimit } from "../core/memory.js";
import type { Progress } from "../scene/progress.js";
import type { Scene } from "../scene/schema.js";
import type { InversionSummary } from "../scene/inversion-loop.js";
import { runWaveForward } from "../scene/wave-forward.js";
import { runWaveInversion } from "../scene/wave-inversion.js";
import { runHeatInversion } from "../scene/heat-inversion.js";
import { runBasinHopping, runCalibration } from "../scene/molecular.js";

/** What the main thread asks the worker to run. */
export interface RunTask {
  scene: Scene;
  dir: string;
  /** --out as the user wrote it (for the closing hint). */
  out: string;
  resume: boolean;
  workers?: number;
  /** The memory limit (bytes): a worker thread has its own copy of the library's setting. */
  maxMemory: number;
}

/** The closing line of a run: how to look at it (`npm run view` when `npm start` ran the flagship). */
function viewHint(out: string): string {
  const how = process.env.npm_lifecycle_event === "start" ? "npm run view" : `gradscape view ${/\s/.test(out) ? JSON.stringify(out) : out}`;
  return `look at it in the viewer: ${how}\n`;
}

/** What the worker reports. */
export type TaskMessage =
  | { type: "start"; total: number; label: string }
  | { type: "update"; done: number; status?: string }
  | { type: "stop" }
  | { type: "warn"; message: string }
  | { type: "done"; text: string }
  | { type: "error"; name: string; message: string; stack?: string };

/** How the command line runs one kind of scene: what it allows and what it prints. */
interface SceneKind<K extends Scene["kind"]> {
  /** `--resume` continues an interrupted run. */
  resumable: boolean;
  /** `--workers` evaluates shots on threads. */
  shotWorkers: boolean;
  /** Runs the scene into `task.dir`; returns the lines for stdout. */
  run(scene: Extract<Scene, { kind: K }>, task: RunTask, progress: Progress, warn: (m: string) => void): string;
}

/** The inversion's closing lines, whatever its physics. */
function inversionSummary(summary: InversionSummary, seconds: number, task: RunTask): string {
  return `${summary.message} after ${summary.iterations} iterations (${seconds.toFixed(1)} s)\n` +
    (summary.inclusions ?? []).map((c, i) =>
      `inclusion ${i + 1} (centre ${c.center.map((v) => (1000 * v).toFixed(1)).join(", ")} mm, radius ${(1000 * c.radius).toFixed(1)} mm): ` +
        `recovered peak ${(1000 * c.peakDistance).toFixed(1)} mm from its centre; contrast inside/outside ${c.contrast.toFixed(2)} (true ${c.trueContrast.toFixed(2)})\n`).join("") +
    `model error ${(100 * summary.startError).toFixed(1)}% -> ${(100 * summary.finalError).toFixed(1)}%${summary.inclusions ? " (relative L2: diffusion blurs the disc, see the inclusion figures above)" : ""}\n` +
    `run folder: ${summary.dir} (manifest.json + .npy arrays; numpy.load or readRun() from gradscape/node)\n` + viewHint(task.out);
}

/** Every kind of scene the command line runs: one entry each (a new physics adds one). */
export const SCENE_KINDS: { [K in Scene["kind"]]: SceneKind<K> } = {
  "wave-forward": {
    resumable: false,
    shotWorkers: false,
    run(scene, task, progress, warn) {
      const summary = runWaveForward(scene, task.dir, progress, warn);
      return `wrote ${summary.arrays.length} arrays (${summary.arrays.join(", ")}) and manifest.json to ${summary.dir} in ${summary.seconds.toFixed(1)} s\n` +
        `read them with numpy.load, or with readRun() from gradscape/node\n` + viewHint(task.out);
    },
  },
  "wave-inversion": {
    resumable: true,
    shotWorkers: true,
    run(scene, task, progress, warn) {
      const t0 = performance.now();
      const summary = runWaveInversion(scene, task.dir, progress, warn, task.resume, task.workers);
      return inversionSummary(summary, (performance.now() - t0) / 1000, task);
    },
  },
  "heat-inversion": {
    resumable: true,
    shotWorkers: false,
    run(scene, task, progress) {
      const t0 = performance.now();
      const summary = runHeatInversion(scene, task.dir, progress, task.resume);
      return inversionSummary(summary, (performance.now() - t0) / 1000, task);
    },
  },
  "molecular-basin-hopping": {
    resumable: false,
    shotWorkers: false,
    run(scene, task, progress) {
      const s = runBasinHopping(scene, task.dir, progress);
      return `best energy ${s.best.toFixed(6)}${scene.knownMinimum === undefined ? "" : ` (known global minimum ${scene.knownMinimum}: ${s.reachedTarget ? "found" : "not found"})`}` +
        ` after ${s.steps} steps, ${s.localMinimizations} local minimizations, ${s.evaluations} gradient evaluations\nrun folder: ${s.dir}\n` + viewHint(task.out);
    },
  },
  "molecular-calibration": {
    resumable: false,
    shotWorkers: false,
    run(scene, task, progress) {
      const s = runCalibration(scene, task.dir, progress);
      let text = "";
      for (const f of s.fits) {
        text += `${f.kind}: ${f.names.map((n, i) => `${n} = ${f.parameters[i].toPrecision(6)} +- ${f.standardErrors[i].toPrecision(2)}`).join(", ")}; rms residual ${f.rms.toExponential(2)}\n`;
      }
      return text + `run folder: ${s.dir}\n` + viewHint(task.out);
    },
  },
};

/** The entry of a scene's kind. */
export function sceneKind(scene: Scene): SceneKind<Scene["kind"]> {
  return SCENE_KINDS[scene.kind] as SceneKind<Scene["kind"]>;
}

/** Runs a scene into its folder; returns what to print on stdout. */
export function performRun(task: RunTask, progress: Progress, warn: (m: string) => void): string {
  return sceneKind(task.scene).run(task.scene, task, progress, warn);
}

/** The worker's side: runs the task, posting progress and the outcome to the main thread. */
export function runTaskInWorker(task: RunTask): void {
  const post = (m: TaskMessage) => parentPort!.postMessage(m);
  const progress: Progress = {
    start: (total, label) => post({ type: "start", total, label }),
    update: (done, status) => post({ type: "update", done, status }),
    stop: () => post({ type: "stop" }),
  };
  try {
    setMemoryLimit(task.maxMemory);
    post({ type: "done", text: performRun(task, progress, (message) => post({ type: "warn", message })) });
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    post({ type: "error", name: err.name, message: err.message, stack: err.stack });
  }
}
