/**
 * The run itself, on a worker thread of the `gradscape run` process: the
 * simulators compute synchronously, so the main thread stays free to answer
 * Ctrl-C at once (stop the run, release the folder's lock, say how to
 * resume). Progress, warnings, the summary and errors come back as messages.
 */
import { parentPort } from "node:worker_threads";
import type { Progress } from "../scene/progress.js";
import type { Scene } from "../scene/schema.js";
import { runWaveForward } from "../scene/wave-forward.js";
import { runWaveInversion } from "../scene/wave-inversion.js";
import { runHeatInversion } from "../scene/heat-inversion.js";
import { runBasinHopping, runCalibration } from "../scene/molecular.js";

/** What the main thread asks the worker to run. */
export interface RunTask {
  scene: Scene;
  dir: string;
  resume: boolean;
  workers?: number;
}

/** What the worker reports. */
export type TaskMessage =
  | { type: "start"; total: number; label: string }
  | { type: "update"; done: number; status?: string }
  | { type: "stop" }
  | { type: "warn"; message: string }
  | { type: "done"; text: string }
  | { type: "error"; name: string; message: string; stack?: string };

/** Runs a scene into its folder; returns what to print on stdout. */
export function performRun(task: RunTask, progress: Progress, warn: (m: string) => void): string {
  const { scene, dir } = task;
  if (scene.kind === "wave-forward") {
    const summary = runWaveForward(scene, dir, progress, warn);
    return `wrote ${summary.arrays.length} arrays (${summary.arrays.join(", ")}) and manifest.json to ${summary.dir} in ${summary.seconds.toFixed(1)} s\n` +
      `read them with numpy.load, or with readRun() from gradscape\n`;
  }
  if (scene.kind === "molecular-basin-hopping") {
    const s = runBasinHopping(scene, dir, progress);
    return `best energy ${s.best.toFixed(6)}${scene.knownMinimum === undefined ? "" : ` (known global minimum ${scene.knownMinimum}: ${s.reachedTarget ? "found" : "not found"})`}` +
      ` after ${s.steps} steps, ${s.localMinimizations} local minimizations, ${s.evaluations} gradient evaluations\nrun folder: ${s.dir}\n`;
  }
  if (scene.kind === "molecular-calibration") {
    const s = runCalibration(scene, dir, progress);
    let text = "";
    for (const f of s.fits) {
      text += `${f.kind}: ${f.names.map((n, i) => `${n} = ${f.parameters[i].toPrecision(6)} +- ${f.standardErrors[i].toPrecision(2)}`).join(", ")}; rms residual ${f.rms.toExponential(2)}\n`;
    }
    return text + `run folder: ${s.dir}\n`;
  }
  const t0 = performance.now();
  const summary = scene.kind === "wave-inversion"
    ? runWaveInversion(scene, dir, progress, warn, task.resume, task.workers)
    : runHeatInversion(scene, dir, progress, task.resume);
  return `${summary.message} after ${summary.iterations} iterations (${((performance.now() - t0) / 1000).toFixed(1)} s)\n` +
    `model error ${(100 * summary.startError).toFixed(1)}% -> ${(100 * summary.finalError).toFixed(1)}%\n` +
    `run folder: ${summary.dir} (manifest.json + .npy arrays; numpy.load or readRun() from gradscape)\n`;
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
    post({ type: "done", text: performRun(task, progress, (message) => post({ type: "warn", message })) });
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    post({ type: "error", name: err.name, message: err.message, stack: err.stack });
  }
}
