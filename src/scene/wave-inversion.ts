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
import { lowPass } from "../wave/filter.js";
import { preconditionerScale } from "../inversion/precondition.js";
import { dataObjective, modelObjective, type DataObjective } from "../inversion/objective.js";
import { ShotPool, serialShotObjective } from "../parallel/pool.js";
import type { ShotProblem } from "../parallel/shot-term.js";
import { PARAMETRIZATIONS, addNoise, boundedOptimizer, sceneMisfitOf, parameterHessian, velocityBounds } from "./fwi-parts.js";
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
import { optimizerOf, regularizersOf } from "./engine-choices.js";

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
  const bounds = velocityBounds(scene.bounds, start);
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
  const misfit = sceneMisfitOf(scene.misfit, nt);
  const termNames = [misfit.whole.name, ...regularization.map((r) => r.term.name)];
  // Without --workers one simulator runs all shots; with --workers N the shots are summed one by
  // one in shot order (on N threads, or serially for N = 1), which gives the same bytes for every N.
  // One pool serves every band (the threads low-pass their shots when the band changes).
  let pool: ShotPool | null = null;
  const { warn: _ignored, ...plain } = config;
  const per = shape[1] * shape[2];
  const shotProblem: ShotProblem = { config: plain, observed: plain.shots.map((_, s) => observed.slice(s * per, (s + 1) * per)), misfit: misfit.shots };
  const objectiveOf = (cutoff: number): DataObjective => {
    const spec = { name: misfit.whole.name, modelShape: [nx], parametrization: param, regularization };
    if (workers === 1) return modelObjective(misfit.lift(serialShotObjective(shotProblem, cutoff)), spec);
    if (workers !== undefined) return modelObjective(misfit.lift((pool ??= new ShotPool(shotProblem, workers)).bandObjective(cutoff)), spec);
    return dataObjective({ simulator: sim.lowPassed(cutoff), observed: field(lowPass(observed, nt, dt, cutoff), shape), misfit: misfit.whole, modelShape: [nx], parametrization: param, regularization });
  };
  const x0 = new Float64Array(nx);
  param.toParameter(start, x0);
  // Preconditioning is a change of variables x = scale * z fixed for the whole run, so the
  // optimizer (and its saved state) works in z and every band shares the same z.
  const illumination = scene.preconditioning === undefined ? null : flatten(sim.illumination(field(start, [nx]), { receiverSide: scene.preconditioning.receiverSide }));
  const scale = illumination === null ? new Float64Array(nx).fill(1) : preconditionerScale(parameterHessian(illumination, start, x0, param), scene.preconditioning!.waterLevel);
  const optimizer = bounds === null ? optimizerOf(scene.optimizer) : boundedOptimizer(scene.optimizer, bounds, param, scale);
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

/** Runs the scene into `dir` with the generic runner (see {@link runInversion}); everything is checked before the folder is touched. */
export function runWaveInversion(
  scene: WaveInversionScene, dir: string, progress?: Progress, warnTo?: (m: string) => void, resume = false, workers?: number,
): InversionSummary {
  checkSceneMemory(scene);
  return runInversion(scene, dir, () => waveInversionProblem(scene, warnTo, workers), { progress, resume });
}
