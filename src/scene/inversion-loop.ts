/**
 * The iteration loop every inversion scene shares, whatever its physics: bands
 * of the engine's continuation, a progress line per iteration, and after each
 * iteration the models so far, their history, the optimizer's state and a
 * "running" manifest naming them, written last (the commit point: see
 * RunWriter), so a killed run leaves a folder whose manifest and files agree
 * and `--resume` continues it to the same bytes.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { field, flatten } from "../core/arrays.js";
import { DamagedFileError, InputError, NonFiniteError } from "../core/errors.js";
import { continuation, type ContinuationState, type Optimizer } from "../inversion/continuation.js";
import { run } from "../inversion/descent.js";
import type { DataObjective } from "../inversion/objective.js";
import { scaledObjective } from "../inversion/precondition.js";
import type { OptimizeResult } from "../inversion/types.js";
import { RunWriter, readRun, type Axis } from "../run/folder.js";
import { readText } from "../run/fs.js";
import type { InclusionFigure } from "./inclusion-figures.js";
import type { Progress } from "./progress.js";

/** What a finished inversion reports. */
export interface InversionSummary {
  dir: string;
  iterations: number;
  message: string;
  /** |c - c_true| / |c_true| at the start and at the end. */
  startError: number;
  finalError: number;
  /** Heat scenes whose true conductivity holds inclusions: how each shows in the final model. */
  inclusions?: InclusionFigure[];
}

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
  if (s === null || typeof s !== "object" || !count(s.band) || !count(s.iterationsBefore) || !count(s.evaluationsBefore) || typeof s.optimizer !== "object" || s.optimizer === null || !count(s.optimizer.iteration)) {
    throw new DamagedFileError(statePath, "not an optimizer state (expected band, iterationsBefore, evaluationsBefore and optimizer.iteration)");
  }
  const k = state.iterationsBefore + state.optimizer.iteration;
  if (folder.manifest.iterations !== undefined && folder.manifest.iterations !== k) {
    throw new DamagedFileError(statePath, `is the state after iteration ${k} but the manifest says ${String(folder.manifest.iterations)} iterations`);
  }
  return { state, names: folder.manifest.arrays.map((a) => a.name), load: (name) => flatten(folder.load(name)) };
}

/** What the loop needs from a scene runner. */
export interface InversionLoop {
  dir: string;
  writer: RunWriter;
  /** The scene, recorded in every manifest. */
  scene: { kind: string };
  bands: { cutoff: number; iterations: number; label: string }[];
  /** The objective of band b in the optimization variables x. */
  objectiveFor(band: number): DataObjective;
  /** Names of the objective's terms, in the order of the `terms` array. */
  termNames: string[];
  /** Fixed preconditioning x = scale * z (ones for none): the optimizer works in z. */
  scale: Float64Array;
  x0: Float64Array;
  optimizer: Optimizer;
  /** The physical model of x (written as `models`). */
  toModel(x: Float64Array, out: Float64Array): void;
  start: Float64Array;
  modelShape: number[];
  modelAxes: Axis[];
  modelUnits: string;
  /** The true model, for the relative model error |m - m_true| / |m_true - reference| (null: unknown). */
  truth: Float64Array | null;
  /** What the error is relative to: 0 (the default) or, for temperatures, the truth's mean. */
  errorReference?: number;
  progress: Progress;
  from: ResumePoint | null;
  /** Called before a failure is rethrown (to close worker pools). */
  cleanup?: () => void;
  /** Predicted data stored at the start and every `every` iterations, for the viewer (`predicted_iteration_NNNN`). */
  snapshots?: DataSnapshots;
}

/** How to predict and describe the data of a physical model. */
export interface DataSnapshots {
  predict(model: Float64Array): Float64Array;
  every: number;
  shape: number[];
  axes: Axis[];
  units: string;
}

/** The name of the predicted-data snapshot of iteration k. */
export const snapshotName = (k: number) => `predicted_iteration_${String(k).padStart(4, "0")}`;

/** About 20 snapshots over a run of `total` iterations. */
export const snapshotEvery = (total: number) => Math.max(1, Math.ceil(total / 20));

/** |m - truth| / |truth - reference|, or NaN without a truth. */
export function relativeError(m: Float64Array, truth: Float64Array | null, reference = 0): number {
  if (truth === null) return NaN;
  let num = 0, den = 0;
  for (let i = 0; i < m.length; i++) {
    num += (m[i] - truth[i]) ** 2;
    den += (truth[i] - reference) ** 2;
  }
  return Math.sqrt(num / den);
}

/** Runs the bands; returns the result (x in optimization variables, unscaled) and the final model. */
export function inversionLoop(spec: InversionLoop): { result: OptimizeResult; x: Float64Array; model: Float64Array } {
  const { writer, scene, termNames, scale, progress, from } = spec;
  const n = spec.x0.length;
  const size = spec.start.length;
  const toX = (z: Float64Array) => z.map((v, i) => v * scale[i]);
  const z0 = spec.x0.map((v, i) => v / scale[i]);
  const iterAxis = { name: "iteration", start: 1, step: 1 };
  const models: Float64Array[] = [spec.start];
  const gradients: Float64Array[] = [];
  const history = { value: [] as number[], gradientNorm: [] as number[], modelError: [] as number[], band: [] as number[], step: [] as number[], terms: [] as number[] };
  if (from !== null) {
    // The history up to the saved state (the manifest names the state of its iteration).
    const k = from.state.iterationsBefore + from.state.optimizer.iteration;
    const saved = from.load("models");
    for (let i = 1; i <= k; i++) models.push(saved.slice(i * size, (i + 1) * size));
    history.value = Array.from(from.load("misfit").subarray(0, k));
    history.gradientNorm = Array.from(from.load("gradient_norm").subarray(0, k));
    history.modelError = Array.from(from.load("model_error").subarray(0, k));
    history.band = Array.from(from.load("band").subarray(0, k));
    history.step = Array.from(from.load("step").subarray(0, k));
    history.terms = Array.from(from.load("terms").subarray(0, k * termNames.length));
    const savedGradients = from.load("gradients");
    for (let i = 0; i < k; i++) gradients.push(savedGradients.slice(i * n, (i + 1) * n));
  }
  const writeHistory = () => {
    const k = models.length - 1;
    const stacked = new Float64Array((k + 1) * size);
    models.forEach((mm, i) => stacked.set(mm, i * size));
    writer.array("models", field(stacked, [k + 1, ...spec.modelShape]), {
      units: spec.modelUnits, axes: [{ name: "iteration", start: 0, step: 1 }, ...spec.modelAxes], description: "model after every iteration (row 0: the start)",
    });
    // The stage (band) of each iteration carries the stages' labels: readers need not know the scene.
    const stages = { labels: spec.bands.map((b) => b.label), description: "the stage (frequency band) of each iteration" };
    for (const [name, values, units, extra] of [["misfit", history.value, "objective", {}], ["gradient_norm", history.gradientNorm, "objective per parameter", {}], ["model_error", history.modelError, "relative", {}], ["band", history.band, "index into labels", stages], ["step", history.step, "line-search step", {}]] as const) {
      writer.array(name, field(Float64Array.from(values), [k]), { units, axes: [iterAxis], ...extra });
    }
    const stackedGradients = new Float64Array(k * n);
    gradients.forEach((g, i) => stackedGradients.set(g, i * n));
    writer.array("gradients", field(stackedGradients, [k, ...(n === size ? spec.modelShape : [n])]), {
      units: "objective per optimization variable", axes: [iterAxis, ...(n === size ? spec.modelAxes : [{ name: "variable" }])], description: "gradient of the band's objective at every iterate, in the optimization variables (before preconditioning)",
    });
    writer.array("terms", field(Float64Array.from(history.terms), [k, termNames.length]), {
      units: "objective", axes: [iterAxis, { name: "term", labels: termNames }], description: "each term of the objective (weighted), per iteration; they sum to misfit",
    });
  };
  writeHistory();
  const snapshot = (k: number, m: Float64Array) => {
    const s = spec.snapshots;
    if (s === undefined || k % s.every !== 0) return;
    const name = snapshotName(k);
    // A resumed run keeps the snapshots written before it stopped (the same bytes).
    const data = from !== null && from.names.includes(name) ? from.load(name) : s.predict(m);
    writer.array(name, field(data, s.shape), { units: s.units, axes: s.axes, description: `data predicted by the model of iteration ${k}` });
  };
  for (let k = 0; k < models.length; k++) snapshot(k, models[k]);

  let current: DataObjective | null = null;
  const last = { z: new Float64Array(n), g: new Float64Array(n), terms: [] as number[] };
  const total = spec.bands.reduce((s, b) => s + b.iterations, 0);
  progress.start(total, "inversion");
  if (from !== null) progress.update(models.length - 1, "resumed");
  const m = new Float64Array(size);
  let result: OptimizeResult;
  try {
    result = run(
      continuation(
        spec.bands, (_band, index) => {
          current = spec.objectiveFor(index);
          const f = scaledObjective(current.objective, scale);
          return (z, g) => {
            const v = f(z, g);
            last.z.set(z);
            last.g.set(g);
            last.terms = termNames.map((t) => current!.terms[t]);
            return v;
          };
        }, z0, spec.optimizer, from?.state,
      ),
      (e) => {
        spec.toModel(toX(e.x), m);
        const err = relativeError(m, spec.truth, spec.errorReference);
        models.push(Float64Array.from(m));
        history.value.push(e.value);
        history.gradientNorm.push(e.gradientNorm);
        history.modelError.push(err);
        history.band.push(e.band);
        history.step.push(e.step);
        // Line searches end on the accepted point, so its terms are the last evaluation's;
        // evaluated again only if a method ever ends elsewhere.
        const atLast = e.x.every((v, i) => Object.is(v, last.z[i]));
        if (!atLast) scaledObjective(current!.objective, scale)(e.x, last.g);
        // dJ/dx = (dJ/dz) / s for x = s z.
        gradients.push(last.g.map((v, i) => v / scale[i]));
        history.terms.push(...(atLast ? last.terms : termNames.map((t) => current!.terms[t])));
        snapshot(models.length - 1, m);
        const errorText = spec.truth === null ? "" : ` | model error ${(100 * err).toFixed(2)}%`;
        progress.update(Math.min(e.iteration, total), `${spec.bands[e.band].label} | misfit ${e.value.toExponential(3)}${errorText}`);
        writeHistory();
        // The state goes to a new file the manifest names, so the manifest commits arrays and state together.
        if (e.continuation !== undefined) writer.attach("state", JSON.stringify(e.continuation));
        else writer.detach("state");
        writer.finish(scene.kind, scene, { status: "running", iterations: e.iteration });
      },
    );
  } catch (e) {
    spec.cleanup?.();
    if (!(e instanceof NonFiniteError)) throw e;
    // Stop with the last good iterate on disk, the manifest saying why.
    progress.stop();
    const k = models.length - 1;
    const error = new NonFiniteError(`iteration ${k + 1}: ${e.message.replace(/ is not finite \(NaN or infinity\)$/, "")}`);
    error.message += `; the last good iterate (iteration ${k}) is the last row of models.npy in ${spec.dir}`;
    writer.finish(scene.kind, scene, { status: "failed", iterations: k, error: error.message });
    throw error;
  }
  progress.update(total);
  progress.stop();
  const x = toX(result.x);
  const model = new Float64Array(size);
  spec.toModel(x, model);
  return { result, x, model };
}
