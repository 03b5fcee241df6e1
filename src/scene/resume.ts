/**
 * Reading an interrupted inversion's run folder to continue it: where the
 * schedule stood (the continuation state the manifest names) and the arrays
 * written so far.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { flatten } from "../core/arrays.js";
import { DamagedFileError, InputError } from "../core/errors.js";
import type { ContinuationState } from "../inversion/continuation.js";
import { completeFinish, readRun } from "../run/folder.js";
import { readText } from "../run/fs.js";

/** Where a killed run stood: its continuation state and the arrays written so far. */
export interface ResumePoint {
  state: ContinuationState;
  /** Names of the arrays in the folder's manifest. */
  names: string[];
  load(name: string): Float64Array;
}

/**
 * Reads a run folder to resume: its manifest and the optimizer state the
 * manifest names. Refuses finished runs, runs of another scene, and damaged
 * files, naming the file and what is wrong.
 */
export function resumePoint(dir: string, scene: unknown): ResumePoint {
  const manifestPath = join(dir, "manifest.json");
  if (!existsSync(manifestPath)) throw new InputError("--resume", `${dir} holds no resumable run (no manifest.json)`);
  const folder = readRun(dir);
  const { status, attachments } = folder.manifest as { status?: unknown; attachments?: { state?: unknown } };
  // A run stopped by an I/O failure (status "failed", its state still named) resumes once the cause is fixed.
  const stateFile = typeof attachments?.state === "string" ? attachments.state : status === "running" ? "state.json" : undefined;
  if (stateFile === undefined || (status !== "running" && status !== "failed")) {
    // A crash during the final commit may have left the finished run under its revision names.
    completeFinish(dir);
    throw new InputError("--resume", `the run in ${dir} is ${String(status)}, not running: nothing to resume`);
  }
  if (JSON.stringify(folder.manifest.scene) !== JSON.stringify(scene)) throw new InputError("--resume", `the run in ${dir} was made from a different scene`);
  const statePath = join(dir, stateFile);
  let state: ContinuationState;
  try {
    state = JSON.parse(readText(statePath)) as ContinuationState;
  } catch (e) {
    if (e instanceof SyntaxError) throw new DamagedFileError(statePath, `not valid JSON (${e.message}); the file is damaged or truncated`);
    throw e;
  }
  const s = state as Partial<ContinuationState> | null;
  const count = (v: unknown) => typeof v === "number" && Number.isInteger(v) && v >= 0;
  if (s === null || typeof s !== "object" || !count(s.stage) || !count(s.iterationsBefore) || !count(s.evaluationsBefore) || typeof s.optimizer !== "object" || s.optimizer === null || !count(s.optimizer.iteration)) {
    throw new DamagedFileError(statePath, "not an optimizer state (expected stage, iterationsBefore, evaluationsBefore and optimizer.iteration)");
  }
  const k = state.iterationsBefore + state.optimizer.iteration;
  if (folder.manifest.iterations !== undefined && folder.manifest.iterations !== k) {
    throw new DamagedFileError(statePath, `is the state after iteration ${k} but the manifest says ${String(folder.manifest.iterations)} iterations`);
  }
  return { state, names: folder.manifest.arrays.map((a) => a.name), load: (name) => flatten(folder.load(name)) };
}

