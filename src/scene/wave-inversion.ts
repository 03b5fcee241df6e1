/**
 * Runs a `wave-inversion` scene: synthetic observed data from the true model
 * (with seeded noise), then the inversion engine from the starting model,
 * band after band, with a progress line per iteration; writes the run folder.
 */
import { field, flatten } from "../core/arrays.js";
import { Random } from "../core/random.js";
import { continuation, type ContinuationState, type Optimizer } from "../inversion/continuation.js";
import { run } from "../inversion/descent.js";
import { lowPass } from "../inversion/filter.js";
import { lbfgs, nonlinearCG, steepestDescent } from "../inversion/methods.js";
import { projectedLbfgs } from "../inversion/projected.js";
import { preconditionerScale, scaledObjective } from "../inversion/precondition.js";
import { dataObjective, modelObjective, type DataObjective } from "../inversion/objective.js";
import { ShotPool, serialShotObjective } from "../parallel/pool.js";
import { misfitOf, type MisfitSpec, type ShotProblem } from "../parallel/shot-term.js";
import { identity, logarithm, slowness, squaredSlowness, type Parametrization } from "../inversion/parametrization.js";
import { damping, smoothness, totalVariation } from "../inversion/regularization.js";
import { RunWriter, readRun, writeAtomic } from "../run/folder.js";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { InputError, NonFiniteError } from "../core/errors.js";
import { WaveSimulator } from "../wave/simulator.js";
import { silentProgress, type Progress } from "./progress.js";
import type { WaveInversionScene } from "./schema.js";
import { layeredVelocity, smoothed } from "./velocity.js";
import { waveConfigOf } from "./wave-forward.js";

/** What a finished inversion reports. */
export interface InversionSummary {
  dir: string;
  iterations: number;
  message: string;
  /** |c - c_true| / |c_true| at the start and at the end. */
  startError: number;
  finalError: number;
}

const PARAMETRIZATIONS: Record<WaveInversionScene["parametrization"], Parametrization> = {
  velocity: identity,
  log: logarithm,
  slowness,
  "squared-slowness": squaredSlowness,
};

const OPTIMIZERS: Record<WaveInversionScene["optimizer"]["kind"], Optimizer> = {
  lbfgs: (f, x0, maxIterations, resume) => lbfgs(f, x0, { maxIterations, gradientTolerance: 0, resume }),
  "nonlinear-cg": (f, x0, maxIterations, resume) => nonlinearCG(f, x0, { maxIterations, gradientTolerance: 0, resume }),
  "steepest-descent": (f, x0, maxIterations, resume) => steepestDescent(f, x0, { maxIterations, gradientTolerance: 0, resume }),
};

/**
 * The illumination h_m (a diagonal Hessian estimate for squared slowness
 * m = 1/c^2) in the optimization variables x: h_x = h_m (dm/dx)^2, with
 * dm/dx = (-2 / c^3) dc/dx taken through the parametrization's chain rule.
 */
function parameterHessian(illumination: Float64Array, velocity: Float64Array, x: Float64Array, param: Parametrization): Float64Array {
  const gm = illumination.map((h, i) => (2 * Math.sqrt(h)) / velocity[i] ** 3);
  const gx = new Float64Array(x.length);
  param.chain(x, velocity, gm, gx);
  return gx.map((v) => v * v);
}

/** Reads where a killed run stood: its continuation state and the history up to it. */
function resumePoint(dir: string, scene: WaveInversionScene): { state: ContinuationState; load(name: string): Float64Array } {
  let run: ReturnType<typeof readRun>;
  let state: ContinuationState;
  try {
    run = readRun(dir);
    state = JSON.parse(readFileSync(join(dir, "state.json"), "utf8")) as ContinuationState;
  } catch {
    throw new InputError("--resume", `${dir} holds no resumable run (no manifest.json or state.json)`);
  }
  if (run.manifest.status !== "running") throw new InputError("--resume", `the run in ${dir} is ${String(run.manifest.status)}, not running: nothing to resume`);
  if (JSON.stringify(run.manifest.scene) !== JSON.stringify(scene)) throw new InputError("--resume", `the run in ${dir} was made from a different scene`);
  return { state, load: (name) => flatten(run.load(name)) };
}

/** Runs the scene into `dir`; everything is validated before the folder is created. */
export function runWaveInversion(
  scene: WaveInversionScene, dir: string, progress: Progress = silentProgress, warn: (m: string) => void = () => {}, resume = false,
  workers?: number,
): InversionSummary {
  if (workers !== undefined && (!Number.isInteger(workers) || workers < 1)) throw new InputError("--workers", `expected a positive integer, got ${workers}`);
  const from = resume ? resumePoint(dir, scene) : null;
  const { nx, dx, origin } = scene.grid;
  const { dt, nt } = scene.time;
  const truth = layeredVelocity(scene.model.true, nx, dx, origin, "model.true");
  const start = "smoothing" in scene.model.start ? smoothed(truth, dx, scene.model.start.smoothing) : layeredVelocity(scene.model.start, nx, dx, origin, "model.start");
  let vmax = 0;
  for (const v of truth) vmax = Math.max(vmax, v);
  const config = waveConfigOf(scene, vmax, warn);
  const sim = new WaveSimulator(config);
  const observed = flatten(sim.forward(field(truth, [nx])));
  if (scene.noise !== undefined) {
    const rng = new Random(scene.noise.seed);
    let peak = 0;
    for (const v of observed) peak = Math.max(peak, Math.abs(v));
    for (let i = 0; i < observed.length; i++) observed[i] += scene.noise.relative * peak * rng.normal();
    const outliers = scene.noise.outliers;
    if (outliers !== undefined) {
      const traces = observed.length / nt;
      if (outliers.traces > traces) throw new InputError("noise.outliers.traces", `there are only ${traces} traces, got ${outliers.traces}`);
      // A seeded choice of distinct traces (partial Fisher-Yates), each drowned in strong noise.
      const order = Array.from({ length: traces }, (_, t) => t);
      for (let j = 0; j < outliers.traces; j++) {
        const pick = j + Math.floor(rng.uniform() * (traces - j));
        [order[j], order[pick]] = [order[pick], order[j]];
        const t = order[j];
        for (let i = t * nt; i < (t + 1) * nt; i++) observed[i] += outliers.relative * peak * rng.normal();
      }
    }
  }
  const shape = sim.dataShape;
  const cutoffs = scene.bands.map((b) => (b === "full" ? Infinity : b));
  const param = PARAMETRIZATIONS[scene.parametrization];
  const regularization = scene.regularization.map((r) => ({
    weight: r.weight,
    term: r.kind === "damping" ? damping() : r.kind === "smoothness" ? smoothness(nx) : totalVariation(nx, r.epsilon ?? 1),
  }));
  scene.regularization.forEach((r, j) => {
    if (scene.regularization.findIndex((q) => q.kind === r.kind) < j) throw new InputError(`regularization[${j}].kind`, `"${r.kind}" appears twice: give one term per kind (weights add)`);
  });
  const misfitSpec: MisfitSpec =
    scene.misfit.kind === "huber" ? { kind: "huber", delta: scene.misfit.delta }
    : scene.misfit.kind === "normalized-cross-correlation" ? { kind: "normalized-cross-correlation", traceLength: nt }
    : { kind: "least-squares" };
  const termNames = [misfitOf(misfitSpec).name, ...regularization.map((r) => r.term.name)];
  const pools: ShotPool[] = [];
  const bandConfig = (cutoff: number) =>
    cutoff === Infinity ? config : { ...config, shots: config.shots.map((s) => ({ ...s, wavelet: lowPass(Float64Array.from(s.wavelet), nt, dt, cutoff) })) };
  // Without --workers one simulator runs all shots; with --workers N the shots are summed one by
  // one in shot order (on N threads, or serially for N = 1), which gives the same bytes for every N.
  const objectiveOf = (cutoff: number): DataObjective => {
    const observedBand = lowPass(observed, nt, dt, cutoff);
    const spec = { name: misfitOf(misfitSpec).name, modelShape: [nx], parametrization: param, regularization };
    if (workers !== undefined) {
      const { warn: _ignored, ...plain } = bandConfig(cutoff);
      const per = shape[1] * shape[2];
      const problem: ShotProblem = { config: plain, observed: plain.shots.map((_, s) => observedBand.slice(s * per, (s + 1) * per)), misfit: misfitSpec };
      if (workers === 1) return modelObjective(serialShotObjective(problem), spec);
      const pool = new ShotPool(problem, workers);
      pools.push(pool);
      return modelObjective(pool.objective, spec);
    }
    return dataObjective({
      simulator: cutoff === Infinity ? sim : new WaveSimulator(bandConfig(cutoff)),
      observed: field(observedBand, shape),
      misfit: misfitOf(misfitSpec),
      modelShape: [nx],
      parametrization: param,
      regularization,
    });
  };
  const error = (m: Float64Array) => {
    let num = 0, den = 0;
    for (let i = 0; i < nx; i++) {
      num += (m[i] - truth[i]) ** 2;
      den += truth[i] ** 2;
    }
    return Math.sqrt(num / den);
  };
  const x0 = new Float64Array(nx);
  param.toParameter(start, x0);
  // Preconditioning is a change of variables x = scale * z fixed for the whole run, so the
  // optimizer (and its saved state) works in z and every band shares the same z.
  const illumination = scene.preconditioning === undefined ? null : flatten(sim.illumination(field(start, [nx]), { receiverSide: scene.preconditioning.receiverSide }));
  const scale = illumination === null ? new Float64Array(nx).fill(1) : preconditionerScale(parameterHessian(illumination, start, x0, param), scene.preconditioning!.waterLevel);
  const toX = (z: Float64Array) => z.map((v, i) => v * scale[i]);
  const z0 = x0.map((v, i) => v / scale[i]);
  let optimizer = OPTIMIZERS[scene.optimizer.kind];
  if (scene.bounds !== undefined) {
    const [vmin, vmax] = scene.bounds.velocity;
    if (!(vmin < vmax)) throw new InputError("bounds.velocity", `expected vmin < vmax, got [${vmin}, ${vmax}]`);
    const bad = start.findIndex((v) => v < vmin || v > vmax);
    if (bad >= 0) throw new InputError("bounds.velocity", `the starting model is ${start[bad]} m/s at cell ${bad}, outside [${vmin}, ${vmax}]`);
    // Bounds on the velocity become bounds on the optimization variables (the maps are monotone).
    const ends = new Float64Array(2);
    param.toParameter(Float64Array.of(vmin, vmax), ends);
    // In the preconditioned variables z = x / scale the box is scaled cell by cell.
    const lower = scale.map((v) => Math.min(ends[0], ends[1]) / v), upper = scale.map((v) => Math.max(ends[0], ends[1]) / v);
    optimizer = (f, xStart, maxIterations, resume) => projectedLbfgs(f, xStart, { lower, upper }, { maxIterations, gradientTolerance: 0, resume });
  }

  // Everything is validated; from here on the folder is written, every file atomically, and after
  // each iteration the models so far, their history and a manifest with status "running", so a
  // killed run leaves a readable folder.
  const writer = new RunWriter(dir);
  const xAxis = { name: "x", units: "m", start: origin, step: dx };
  const iterAxis = { name: "iteration", start: 1, step: 1 };
  const dataAxes = [{ name: "shot" }, { name: "receiver" }, { name: "t", units: "s", start: 0, step: dt }];
  writer.array("true_velocity", field(truth, [nx]), { units: "m/s", axes: [xAxis], description: "the model that made the observed data" });
  writer.array("start_velocity", field(start, [nx]), { units: "m/s", axes: [xAxis], description: "starting model" });
  writer.array("observed", field(observed, shape), { units: "pressure", axes: dataAxes });
  const models: Float64Array[] = [start];
  const history = { value: [] as number[], gradientNorm: [] as number[], modelError: [] as number[], band: [] as number[], step: [] as number[], terms: [] as number[] };
  if (from !== null) {
    // The history up to the saved state (arrays may hold one iteration more, written just before a kill).
    const k = from.state.iterationsBefore + from.state.optimizer.iteration;
    const saved = from.load("models");
    for (let i = 1; i <= k; i++) models.push(saved.slice(i * nx, (i + 1) * nx));
    history.value = Array.from(from.load("misfit").subarray(0, k));
    history.gradientNorm = Array.from(from.load("gradient_norm").subarray(0, k));
    history.modelError = Array.from(from.load("model_error").subarray(0, k));
    history.band = Array.from(from.load("band").subarray(0, k));
    history.step = Array.from(from.load("step").subarray(0, k));
    history.terms = Array.from(from.load("terms").subarray(0, k * termNames.length));
  }
  const writeHistory = () => {
    const k = models.length - 1;
    const stacked = new Float64Array((k + 1) * nx);
    models.forEach((mm, i) => stacked.set(mm, i * nx));
    writer.array("models", field(stacked, [k + 1, nx]), { units: "m/s", axes: [{ name: "iteration", start: 0, step: 1 }, xAxis], description: "model after every iteration (row 0: the start)" });
    for (const [name, values, units] of [["misfit", history.value, "objective"], ["gradient_norm", history.gradientNorm, "objective per parameter"], ["model_error", history.modelError, "relative"], ["band", history.band, "index into bands"], ["step", history.step, "line-search step"]] as const) {
      writer.array(name, field(Float64Array.from(values), [k]), { units, axes: [iterAxis] });
    }
    writer.array("terms", field(Float64Array.from(history.terms), [k, termNames.length]), {
      units: "objective", axes: [iterAxis, { name: "term", labels: termNames }], description: "each term of the objective (weighted), per iteration; they sum to misfit",
    });
  };
  writeHistory();
  let current: DataObjective | null = null;
  const last = { z: new Float64Array(nx), terms: [] as number[] };
  const total = cutoffs.length * scene.optimizer.iterations;
  progress.start(total, "inversion");
  if (from !== null) progress.update(models.length - 1, "resumed");
  const m = new Float64Array(nx);
  let result: ReturnType<typeof run>;
  try {
    result = run(
      continuation(
        cutoffs.map((cutoff) => ({ cutoff, iterations: scene.optimizer.iterations })), (band) => {
          current = objectiveOf(band.cutoff);
          const f = scaledObjective(current.objective, scale);
          return (z, g) => {
            const v = f(z, g);
            last.z.set(z);
            last.terms = termNames.map((t) => current!.terms[t]);
            return v;
          };
        }, z0,
        optimizer, from?.state,
      ),
      (e) => {
        param.toModel(toX(e.x), m);
        const err = error(m);
        models.push(Float64Array.from(m));
        history.value.push(e.value);
        history.gradientNorm.push(e.gradientNorm);
        history.modelError.push(err);
        history.band.push(e.band);
        history.step.push(e.step);
        // Line searches end on the accepted point, so its terms are the last evaluation's;
        // evaluated again only if a method ever ends elsewhere.
        const atLast = e.x.every((v, i) => Object.is(v, last.z[i]));
        if (!atLast) scaledObjective(current!.objective, scale)(e.x, new Float64Array(nx));
        history.terms.push(...(atLast ? last.terms : termNames.map((t) => current!.terms[t])));
        const bandName = e.cutoff === Infinity ? "full band" : `${e.cutoff} Hz`;
        progress.update(Math.min(e.iteration, total), `${bandName} | misfit ${e.value.toExponential(3)} | model error ${(100 * err).toFixed(2)}%`);
        writeHistory();
        if (e.continuation !== undefined) writeAtomic(join(dir, "state.json"), JSON.stringify(e.continuation));
        writer.finish(scene.kind, scene, { status: "running", iterations: e.iteration });
      },
    );
  } catch (e) {
    for (const pool of pools) void pool.close();
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

  const final = new Float64Array(nx);
  const xFinal = toX(result.x);
  param.toModel(xFinal, final);
  const full = objectiveOf(Infinity);
  const gradient = new Float64Array(nx);
  full.objective(xFinal, gradient);
  for (const pool of pools) void pool.close();
  const predicted = flatten(sim.forward(field(final, [nx])));

  writer.array("velocity", field(final, [nx]), { units: "m/s", axes: [xAxis], description: "final model" });
  writer.array("gradient", field(gradient, [nx]), { units: `objective per ${scene.parametrization} unit`, axes: [xAxis], description: "full-band gradient at the final model, in the optimization variables" });
  if (illumination !== null) {
    writer.array("illumination", field(illumination, [nx]), { units: scene.preconditioning!.receiverSide ? "(u/s^2)^4 s^2" : "(u/s^2)^2 s", axes: [xAxis], description: "diagonal pseudo-Hessian (for squared slowness) at the starting model" });
    writer.array("preconditioner", field(scale.map((v) => v * v), [nx]), { units: "relative", axes: [xAxis], description: "factor applied to the gradient in the optimization variables: max(h) / (h + epsilon max(h))" });
  }
  writer.array("predicted", field(predicted, shape), { units: "pressure", axes: dataAxes, description: "data of the final model" });
  writer.array("residual", field(predicted.map((v, i) => v - observed[i]), shape), { units: "pressure", axes: dataAxes, description: "predicted - observed" });
  const startError = error(start);
  const finalError = error(final);
  writer.finish(scene.kind, scene, { status: "finished", result: { message: result.message, iterations: result.iterations, evaluations: result.evaluations, startError, finalError } });
  return { dir, iterations: result.iterations, message: result.message, startError, finalError };
}
