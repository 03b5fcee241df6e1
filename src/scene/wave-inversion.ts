/**
 * The inversion problem of a `wave-inversion` scene: synthetic observed data
 * from the true model (with seeded noise), the velocity to recover from its
 * start, and one stage per frequency band (observed data and wavelets
 * low-passed alike, see `WaveSimulator.lowPassed`); the generic runner
 * (run-inversion.ts) does the rest.
 */
import { withSceneFields } from "./scene-fields.js";
import { checkSceneMemory, finalWavefieldEvery, framesKept } from "./estimate.js";
import { field, flatten } from "../core/arrays.js";
import { Random } from "../core/random.js";
import { lowPass } from "../wave/filter.js";
import { projectedLbfgs } from "../inversion/projected.js";
import { preconditionerScale } from "../inversion/precondition.js";
import { dataObjective, modelObjective, type DataObjective } from "../inversion/objective.js";
import { ShotPool, serialShotObjective } from "../parallel/pool.js";
import { misfitOf, type MisfitSpec, type ShotProblem } from "../parallel/shot-term.js";
import { identity, logarithm, slowness, squaredSlowness, type Parametrization } from "../inversion/parametrization.js";
import { InputError } from "../core/errors.js";
import { oncePerKind } from "../core/warn.js";
import { checkVelocityRange } from "../wave/config.js";
import { WaveSimulator } from "../wave/simulator.js";
import type { WaveInversionScene } from "./schema.js";
import { layeredVelocity, smoothed } from "./velocity.js";
import { waveConfigOf } from "./wave-forward.js";
import type { InversionProblem } from "./inversion-problem.js";
import { runInversion, type InversionSummary } from "./run-inversion.js";
import type { Progress } from "./progress.js";
import { OPTIMIZERS, regularizersOf } from "./engine-choices.js";

const PARAMETRIZATIONS: Record<WaveInversionScene["parametrization"], Parametrization> = {
  velocity: identity,
  log: logarithm,
  slowness,
  "squared-slowness": squaredSlowness,
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

/**
 * The problem of the scene, everything checked (stability and dispersion once for the scene).
 * `warnTo` receives each kind of warning once (see {@link oncePerKind}); `workers` evaluates
 * shots on that many threads (1: serially, shot by shot), for the same bytes whatever the count.
 */
export function waveInversionProblem(scene: WaveInversionScene, warnTo: (m: string) => void = () => {}, workers?: number): InversionProblem {
  if (workers !== undefined && (!Number.isInteger(workers) || workers < 1)) throw new InputError("--workers", `expected a positive integer, got ${workers}`);
  const warn = oncePerKind(warnTo);
  const { nx, dx, origin } = scene.grid;
  const { dt, nt } = scene.time;
  const truth = layeredVelocity(scene.model.true, nx, dx, origin, "model.true");
  const start = "smoothing" in scene.model.start ? smoothed(truth, dx, scene.model.start.smoothing) : layeredVelocity(scene.model.start, nx, dx, origin, "model.start");
  let vmax = 0;
  for (const v of truth) vmax = Math.max(vmax, v);
  const bounds: [number, number] | null = scene.bounds === undefined ? null : scene.bounds.velocity;
  if (bounds !== null) {
    const [vmin, vmax] = bounds;
    if (!(vmin < vmax)) throw new InputError("bounds.velocity", `expected vmin < vmax, got [${vmin}, ${vmax}]`);
    const bad = start.findIndex((v) => v < vmin || v > vmax);
    if (bad >= 0) throw new InputError("bounds.velocity", `the starting model is ${start[bad]} m/s at cell ${bad}, outside [${vmin}, ${vmax}]`);
  }
  // Stability and dispersion belong to the scene, not to each trial model: they are checked once,
  // over the velocities of the truth and the start and over the bounds (what the inversion may
  // visit), at the full band's highest frequency (a band's low-pass cannot add frequencies). With
  // bounds every model stays in the checked range, so the simulators need not warn again;
  // without, they may (once per kind and run).
  let models: [number, number] = [Infinity, 0];
  for (const v of [...truth, ...start]) models = [Math.min(models[0], v), Math.max(models[1], v)];
  const config = waveConfigOf(scene, vmax, bounds === null ? warn : () => {});
  const sim = withSceneFields(() => new WaveSimulator(config));
  // The true and starting models first (the observed data are modelled with the truth), then the bounds.
  checkVelocityRange({ ...sim.layout, warn }, models[0], models[1], "time.dt");
  if (bounds !== null) checkVelocityRange({ ...sim.layout, warn }, bounds[0], bounds[1], "bounds.velocity");
  const observed = flatten(sim.forward(field(truth, [nx])));
  if (scene.noise !== undefined) addNoise(observed, scene.noise, nt);
  const shape = sim.dataShape;
  const cutoffs = scene.bands.map((b) => (b === "full" ? Infinity : b));
  const param = PARAMETRIZATIONS[scene.parametrization];
  const regularization = regularizersOf(scene.regularization, nx);
  const misfitSpec: MisfitSpec =
    scene.misfit.kind === "huber" ? { kind: "huber", delta: scene.misfit.delta }
    : scene.misfit.kind === "normalized-cross-correlation" ? { kind: "normalized-cross-correlation", traceLength: nt }
    : { kind: "least-squares" };
  const termNames = [misfitOf(misfitSpec).name, ...regularization.map((r) => r.term.name)];
  // Without --workers one simulator runs all shots; with --workers N the shots are summed one by
  // one in shot order (on N threads, or serially for N = 1), which gives the same bytes for every N.
  // One pool serves every band (the threads low-pass their shots when the band changes).
  let pool: ShotPool | null = null;
  const { warn: _ignored, ...plain } = config;
  const per = shape[1] * shape[2];
  const shotProblem: ShotProblem = { config: plain, observed: plain.shots.map((_, s) => observed.slice(s * per, (s + 1) * per)), misfit: misfitSpec };
  const objectiveOf = (cutoff: number): DataObjective => {
    const spec = { name: misfitOf(misfitSpec).name, modelShape: [nx], parametrization: param, regularization };
    if (workers === 1) return modelObjective(serialShotObjective(shotProblem, cutoff), spec);
    if (workers !== undefined) return modelObjective((pool ??= new ShotPool(shotProblem, workers)).bandObjective(cutoff), spec);
    return dataObjective({ simulator: sim.lowPassed(cutoff), observed: field(lowPass(observed, nt, dt, cutoff), shape), misfit: misfitOf(misfitSpec), modelShape: [nx], parametrization: param, regularization });
  };
  const x0 = new Float64Array(nx);
  param.toParameter(start, x0);
  // Preconditioning is a change of variables x = scale * z fixed for the whole run, so the
  // optimizer (and its saved state) works in z and every band shares the same z.
  const illumination = scene.preconditioning === undefined ? null : flatten(sim.illumination(field(start, [nx]), { receiverSide: scene.preconditioning.receiverSide }));
  const scale = illumination === null ? new Float64Array(nx).fill(1) : preconditionerScale(parameterHessian(illumination, start, x0, param), scene.preconditioning!.waterLevel);
  let optimizer = OPTIMIZERS[scene.optimizer.kind];
  if (bounds !== null) {
    // Bounds on the velocity become bounds on the optimization variables (the maps are monotone).
    const ends = new Float64Array(2);
    param.toParameter(Float64Array.of(bounds[0], bounds[1]), ends);
    // In the preconditioned variables z = x / scale the box is scaled cell by cell.
    const lower = scale.map((v) => Math.min(ends[0], ends[1]) / v), upper = scale.map((v) => Math.max(ends[0], ends[1]) / v);
    optimizer = (f, xStart, maxIterations, resume) => projectedLbfgs(f, xStart, { lower, upper }, { maxIterations, gradientTolerance: 0, resume });
  }
  const xAxis = { name: "x", units: "m", start: origin, step: dx };
  const dataAxes = [{ name: "shot" }, { name: "receiver" }, { name: "t", units: "s", start: 0, step: dt }];
  return {
    model: { name: "velocity", shape: [nx], axes: [xAxis], units: "m/s" },
    truth, start, parametrization: param, scale, optimizer, termNames,
    stages: cutoffs.map((cutoff) => ({ label: cutoff === Infinity ? "full band" : `${cutoff} Hz`, iterations: scene.optimizer.iterations, objective: () => objectiveOf(cutoff) })),
    inputs: [{ name: "observed", data: field(observed, shape), meta: { units: "pressure", axes: dataAxes, role: "observed" } }],
    snapshots: { predict: (m) => flatten(sim.forward(field(m, [nx]))), shape, axes: dataAxes, units: "pressure" },
    finish(x, final) {
      const gradient = new Float64Array(nx);
      objectiveOf(Infinity).objective(x, gradient);
      // The final model's data, and its wavefield (about 250 snapshots per shot) for the viewer.
      const every = finalWavefieldEvery(nt), nsnap = framesKept(nt, every), nshots = scene.shots.length;
      const wavefield = new Float64Array(nshots * nsnap * nx);
      const predicted = flatten(sim.forward(field(final, [nx]), { every, onStep: (v) => wavefield.set(v.field, (v.shot * nsnap + v.timeIndex / every) * nx) }));
      return {
        arrays: [
          { name: "gradient", data: field(gradient, [nx]), meta: { units: `objective per ${scene.parametrization} unit`, axes: [xAxis], description: "full-band gradient at the final model, in the optimization variables", role: "gradient" } },
          ...(illumination === null ? [] : [
            { name: "illumination", data: field(illumination, [nx]), meta: { units: scene.preconditioning!.receiverSide ? "(u/s^2)^4 s^2" : "(u/s^2)^2 s", axes: [xAxis], description: "diagonal pseudo-Hessian (for squared slowness) at the starting model", role: "illumination" as const } },
            { name: "preconditioner", data: field(scale.map((v) => v * v), [nx]), meta: { units: "relative", axes: [xAxis], description: "factor applied to the gradient in the optimization variables: max(h) / (h + epsilon max(h))", role: "preconditioner" as const } },
          ]),
          { name: "predicted", data: field(predicted, shape), meta: { units: "pressure", axes: dataAxes, description: "data of the final model", role: "predicted" } },
          { name: "residual", data: field(predicted.map((v, i) => v - observed[i]), shape), meta: { units: "pressure", axes: dataAxes, description: "predicted - observed", role: "residual" } },
          { name: "wavefield", data: field(wavefield, [nshots, nsnap, nx]), meta: { units: "pressure", axes: [{ name: "shot" }, { name: "t", units: "s", start: 0, step: every * dt }, xAxis], description: "wavefield of the final model, every shot", role: "field" } },
        ],
      };
    },
    close() {
      void pool?.close();
    },
  };
}

/** Adds the scene's seeded noise to the observed traces (of nt samples), in place: Gaussian, and strong on a few chosen traces. */
function addNoise(observed: Float64Array, noise: NonNullable<WaveInversionScene["noise"]>, nt: number): void {
  const rng = new Random(noise.seed);
  let peak = 0;
  for (const v of observed) peak = Math.max(peak, Math.abs(v));
  for (let i = 0; i < observed.length; i++) observed[i] += noise.relative * peak * rng.normal();
  const outliers = noise.outliers;
  if (outliers === undefined) return;
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

/** Runs the scene into `dir` with the generic runner (see {@link runInversion}); everything is checked before the folder is touched. */
export function runWaveInversion(
  scene: WaveInversionScene, dir: string, progress?: Progress, warnTo?: (m: string) => void, resume = false, workers?: number,
): InversionSummary {
  checkSceneMemory(scene);
  return runInversion(scene, dir, () => waveInversionProblem(scene, warnTo, workers), { progress, resume });
}
