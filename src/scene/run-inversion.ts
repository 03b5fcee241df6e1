/**
 * The one runner of inversion scenes, whatever their physics: it takes the
 * {@link InversionProblem} a physics builds and owns everything around the
 * engine — the stages of the schedule, a progress line per iteration, the run
 * folder, `--resume`, the failure of a non-finite objective, and after each
 * iteration the models so far, their history, the optimizer's state and a
 * "running" manifest naming them, written last (the commit point: see
 * RunWriter), so a killed run leaves a folder whose manifest and files agree
 * and `--resume` continues it to the same bytes.
 */
import { field } from "../core/arrays.js";
import { NonFiniteError } from "../core/errors.js";
import { continuation } from "../inversion/continuation.js";
import { run } from "../inversion/descent.js";
import type { DataObjective } from "../inversion/objective.js";
import { scaledHessianVector, scaledObjective } from "../inversion/precondition.js";
import { RunWriter, type ArrayMeta } from "../run/folder.js";
import type { InversionProblem, OutputArray } from "./inversion-problem.js";
import { silentProgress, type Progress } from "./progress.js";
import { resumePoint, type ResumePoint } from "./resume.js";

/** What a finished inversion reports: its result and whatever fields its physics adds. */
export interface InversionSummary {
  dir: string;
  iterations: number;
  message: string;
  /** |m - m_true| / |m_true - reference| at the start and at the end (NaN without a truth). */
  startError: number;
  finalError: number;
}

/** How to run: progress, and whether to continue the run in the folder. */
export interface RunOptions {
  progress?: Progress;
  resume?: boolean;
}

/** The name of the predicted-data snapshot of iteration k. */
const snapshotName = (k: number) => `predicted_iteration_${String(k).padStart(4, "0")}`;

/** About 20 snapshots over a run of `total` iterations. */
const snapshotEvery = (total: number) => Math.max(1, Math.ceil(total / 20));

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

/** What the manifest records of the scene: all of it, its kind apart too. */
export interface SceneRecord {
  kind: string;
}

/**
 * Runs an inversion scene into `dir`. `build` makes the problem (and checks
 * the scene); it runs after the folder's resume point is read and before the
 * folder is touched, so a refused scene leaves the folder as it was.
 */
export function runInversion<R extends object>(scene: SceneRecord, dir: string, build: () => InversionProblem<R>, options: RunOptions = {}): InversionSummary & Partial<R> {
  const progress = options.progress ?? silentProgress;
  const from = options.resume === true ? resumePoint(dir, scene) : null;
  const problem = build();
  try {
    return runProblem(problem, scene, dir, progress, from);
  } finally {
    problem.close?.();
  }
}

function runProblem<R extends object>(problem: InversionProblem<R>, scene: SceneRecord, dir: string, progress: Progress, from: ResumePoint | null): InversionSummary & Partial<R> {
  const { model, start, truth, termNames } = problem;
  const reference = problem.errorReference ?? 0;
  const modelError = problem.modelError ?? ((m: Float64Array) => relativeError(m, truth, reference));
  const param = problem.parametrization;
  const x0 = new Float64Array(start.length);
  param.toParameter(start, x0);
  const n = x0.length;
  const scale = problem.scale ?? new Float64Array(n).fill(1);
  const size = start.length;
  const toX = (z: Float64Array) => z.map((v, i) => v * scale[i]);
  const z0 = x0.map((v, i) => v / scale[i]);

  // Everything is validated; from here on the folder is written, every file atomically.
  const writer = new RunWriter(dir, { replace: from === null });
  const write = (a: OutputArray) => writer.array(a.name, a.data, a.meta);
  const modelMeta = (role: ArrayMeta["role"], description: string): ArrayMeta => ({ units: model.units, axes: model.axes, description, role });
  if (truth !== null) writer.array(`true_${model.name}`, field(truth, model.shape), modelMeta("truth", "the model that made the observed data"));
  writer.array(`start_${model.name}`, field(start, model.shape), modelMeta("start", "starting model"));
  problem.inputs.forEach(write);

  const iterAxis = { name: "iteration", start: 1, step: 1 };
  const models: Float64Array[] = [start];
  const gradients: Float64Array[] = [];
  const history = { value: [] as number[], gradientNorm: [] as number[], modelError: [] as number[], stage: [] as number[], step: [] as number[], terms: [] as number[] };
  if (from !== null) {
    // The history up to the saved state (the manifest names the state of its iteration).
    const k = from.state.iterationsBefore + from.state.optimizer.iteration;
    const saved = from.load("models");
    for (let i = 1; i <= k; i++) models.push(saved.slice(i * size, (i + 1) * size));
    history.value = Array.from(from.load("misfit").subarray(0, k));
    history.gradientNorm = Array.from(from.load("gradient_norm").subarray(0, k));
    history.modelError = Array.from(from.load("model_error").subarray(0, k));
    history.stage = Array.from(from.load("band").subarray(0, k));
    history.step = Array.from(from.load("step").subarray(0, k));
    history.terms = Array.from(from.load("terms").subarray(0, k * termNames.length));
    const savedGradients = from.load("gradients");
    for (let i = 0; i < k; i++) gradients.push(savedGradients.slice(i * n, (i + 1) * n));
  }
  const writeHistory = () => {
    const k = models.length - 1;
    const stacked = new Float64Array((k + 1) * size);
    models.forEach((mm, i) => stacked.set(mm, i * size));
    writer.array("models", field(stacked, [k + 1, ...model.shape]), {
      units: model.units, axes: [{ name: "iteration", start: 0, step: 1 }, ...model.axes], description: "model after every iteration (row 0: the start)", role: "models",
    });
    // The stage of each iteration carries the stages' labels: readers need not know the scene.
    const stages = { labels: problem.stages.map((b) => b.label), description: "the stage (frequency band) of each iteration" };
    const series = [
      ["misfit", history.value, "objective", { role: "misfit" }], ["gradient_norm", history.gradientNorm, "objective per parameter", { role: "gradient-norm" }],
      ["model_error", history.modelError, "relative", { role: "model-error" }], ["band", history.stage, "index into labels", { ...stages, role: "stage" }],
      ["step", history.step, "line-search step", { role: "step" }],
    ] as const;
    for (const [name, values, units, extra] of series) writer.array(name, field(Float64Array.from(values), [k]), { units, axes: [iterAxis], ...extra });
    const stackedGradients = new Float64Array(k * n);
    gradients.forEach((g, i) => stackedGradients.set(g, i * n));
    writer.array("gradients", field(stackedGradients, [k, ...(n === size ? model.shape : [n])]), {
      units: "objective per optimization variable", axes: [iterAxis, ...(n === size ? model.axes : [{ name: "variable" }])],
      description: "gradient of the stage's objective at every iterate, in the optimization variables (before preconditioning)", role: "gradients",
    });
    writer.array("terms", field(Float64Array.from(history.terms), [k, termNames.length]), {
      units: "objective", axes: [iterAxis, { name: "term", labels: termNames }], description: "each term of the objective (weighted), per iteration; they sum to misfit", role: "terms",
    });
  };
  writeHistory();
  const total = problem.stages.reduce((s, b) => s + b.iterations, 0);
  const every = snapshotEvery(total);
  const snapshot = (k: number, m: Float64Array) => {
    const s = problem.snapshots;
    if (s === undefined || k % every !== 0) return;
    const name = snapshotName(k);
    // A resumed run keeps the snapshots written before it stopped (the same bytes).
    const data = from !== null && from.names.includes(name) ? from.load(name) : s.predict(m);
    writer.array(name, field(data, s.shape), { units: s.units, axes: s.axes, description: `data predicted by the model of iteration ${k}`, role: "predicted-snapshot", iteration: k });
  };
  for (let k = 0; k < models.length; k++) snapshot(k, models[k]);

  let current: DataObjective | null = null;
  const last = { z: new Float64Array(n), g: new Float64Array(n), terms: [] as number[] };
  progress.start(total, "inversion");
  if (from !== null) progress.update(models.length - 1, "resumed");
  const m = new Float64Array(size);
  let result;
  try {
    result = run(
      continuation(
        problem.stages, (stage) => {
          current = stage.objective();
          const f = scaledObjective(current.objective, scale);
          const hessianVector = current.hessianVector;
          return {
            objective: (z, g) => {
              const v = f(z, g);
              last.z.set(z);
              last.g.set(g);
              last.terms = termNames.map((t) => current!.terms[t]);
              return v;
            },
            hessianVector: hessianVector === undefined ? undefined : scaledHessianVector(hessianVector, scale),
          };
        }, z0, problem.optimizer, from?.state,
      ),
      (e) => {
        param.toModel(toX(e.x), m);
        const err = modelError(m);
        models.push(Float64Array.from(m));
        history.value.push(e.value);
        history.gradientNorm.push(e.gradientNorm);
        history.modelError.push(err);
        history.stage.push(e.stage);
        history.step.push(e.step);
        // Line searches end on the accepted point, so its terms are the last evaluation's;
        // evaluated again only if a method ever ends elsewhere.
        const atLast = e.x.every((v, i) => Object.is(v, last.z[i]));
        if (!atLast) scaledObjective(current!.objective, scale)(e.x, last.g);
        // dJ/dx = (dJ/dz) / s for x = s z.
        gradients.push(last.g.map((v, i) => v / scale[i]));
        history.terms.push(...(atLast ? last.terms : termNames.map((t) => current!.terms[t])));
        snapshot(models.length - 1, m);
        const errorText = truth === null ? "" : ` | model error ${(100 * err).toFixed(2)}%`;
        progress.update(Math.min(e.iteration, total), `${problem.stages[e.stage].label} | misfit ${e.value.toExponential(3)}${errorText}`);
        writeHistory();
        // The state goes to a new file the manifest names, so the manifest commits arrays and state together.
        if (e.continuation !== undefined) writer.attach("state", JSON.stringify(e.continuation));
        else writer.detach("state");
        writer.finish(scene.kind, scene, { status: "running", iterations: e.iteration });
      },
    );
  } catch (e) {
    if (!(e instanceof NonFiniteError)) throw e;
    // Stop with the last good iterate on disk, the manifest saying why.
    progress.stop();
    const k = models.length - 1;
    const error = new NonFiniteError(`iteration ${k + 1}: ${e.message.replace(/ is not finite \(NaN or infinity\)$/, "")}`);
    error.message += `; the last good iterate (iteration ${k}) is the last row of models.npy in ${dir}`;
    writer.finish(scene.kind, scene, { status: "failed", iterations: k, error: error.message });
    throw error;
  }
  progress.update(total);
  progress.stop();
  const x = toX(result.x);
  const final = new Float64Array(size);
  param.toModel(x, final);
  writer.array(model.name, field(final, model.shape), modelMeta("model", "final model"));
  const finish = problem.finish(x, final, progress);
  finish.arrays.forEach(write);
  const startError = modelError(start);
  const finalError = modelError(final);
  const extra: Partial<R> = finish.result ?? {};
  writer.finish(scene.kind, scene, { status: "finished", result: { message: result.message, iterations: result.iterations, evaluations: result.evaluations, startError, finalError, ...extra } });
  return { dir, iterations: result.iterations, message: result.message, startError, finalError, ...extra };
}
