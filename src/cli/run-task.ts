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
import { runScene, type RunRequest } from "../scene/kinds.js";

/** What the main thread asks the worker to run. */
export interface RunTask extends RunRequest {
  scene: Scene;
  /** --out as the user wrote it (for the closing hint). */
  out: string;
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

/** Runs a scene into its folder; returns what to print on stdout (the kind's report, then how to look at it). */
export function performRun(task: RunTask, progress: Progress, warn: (m: string) => void): string {
  return runScene(task.scene, task, progress, warn) + viewHint(task.out);
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
