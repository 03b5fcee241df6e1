/**
 * The inversion problem of a `wave2d-inversion` scene: synthetic observed data of the true
 * section (with seeded noise), the velocity [nz, nx] to recover from its start, one stage per
 * frequency band, as the 1D scene does (wave-inversion.ts) on the 2D simulator; the generic
 * runner (run-inversion.ts) does the rest.
 */
import { field, flatten } from "../core/arrays.js";
import type { Storage } from "../core/checkpoint.js";
import { InputError } from "../core/errors.js";
import { memoryLimit } from "../core/memory.js";
import { oncePerKind } from "../core/warn.js";
import type { Optimizer } from "../inversion/continuation.js";
import { dataObjective, modelObjective, type DataObjective } from "../inversion/objective.js";
import { preconditionerScale } from "../inversion/precondition.js";
import { ShotPool, serialShotObjective } from "../parallel/pool.js";
import type { ShotProblem } from "../parallel/shot-term.js";
import { lowPass } from "../wave/filter.js";
import { checkVelocityRange2D, type Point2D, type Wave2DConfig } from "../wave/grid2d.js";
import { WaveSimulator2D } from "../wave/simulator2d.js";
import { ricker } from "../wave/wavelet.js";
import { optimizerOf, regularizersOf } from "./engine-choices.js";
import { checkSceneMemory, finalWavefieldEvery, framesKept } from "./estimate.js";
import { PARAMETRIZATIONS, addNoise, boundedOptimizer, sceneMisfitOf, parameterHessian, velocityBounds } from "./fwi-parts.js";
import type { InversionProblem } from "./inversion-problem.js";
import type { Progress } from "./progress.js";
import { runInversion, type InversionSummary } from "./run-inversion.js";
import { withSceneFields } from "./scene-fields.js";
import { smoothed2D, velocity2D, type Grid2D } from "./velocity2d.js";
import type { z } from "zod";
import type { Points2D, Wave2DInversionScene } from "./wave2d-schema.js";


/** The points a scene lists, or spreads evenly along a line. */
export function points2D(p: z.infer<typeof Points2D>): Point2D[] {
  if (Array.isArray(p)) return p.map(([x, z]) => ({ x, z }));
  const { from, to, count } = p;
  const at = (k: number) => (count === 1 ? 0 : k / (count - 1));
  return Array.from({ length: count }, (_, k) => ({ x: from[0] + (to[0] - from[0]) * at(k), z: from[1] + (to[1] - from[1]) * at(k) }));
}

/** The scene's grid. */
export function gridOf2D(scene: Wave2DInversionScene): Grid2D {
  const g = scene.grid;
  return { nx: g.nx, nz: g.nz, dx: g.dx, dz: g.dz, x0: g.origin[0], z0: g.origin[1] };
}

/** The shots of a scene: sources and receivers (paths of the scene in errors), each with the scene's wavelet. */
function shotsOf(scene: Wave2DInversionScene, wavelet: Float64Array): Wave2DConfig["shots"] {
  const g = gridOf2D(scene), xmax = g.x0 + (g.nx - 1) * g.dx, zmax = g.z0 + (g.nz - 1) * g.dz;
  const inside = (p: Point2D, path: string) => {
    if (p.x < g.x0 || p.x > xmax || p.z < g.z0 || p.z > zmax) throw new InputError(path, `point (${p.x}, ${p.z}) m is outside the grid [${g.x0}, ${xmax}] x [${g.z0}, ${zmax}] m`);
  };
  const shots = scene.shots;
  // Shots along lines share one receiver spread, made once.
  const spread = Array.isArray(shots) ? [] : points2D(shots.receivers);
  const list = Array.isArray(shots)
    ? shots.map((s, i) => ({ source: points2D([s.source])[0], receivers: points2D(s.receivers), path: `shots[${i}]` }))
    : points2D(shots.sources).map((source, i) => ({ source, receivers: spread, path: `shots.sources[${i}]` }));
  return list.map(({ source, receivers, path }, s) => {
    inside(source, Array.isArray(scene.shots) ? `${path}.source` : path);
    receivers.forEach((r, k) => inside(r, Array.isArray(scene.shots) ? `${path}.receivers[${k}]` : `shots.receivers[${k}]`));
    if (receivers.length !== list[0].receivers.length) throw new InputError(`${path}.receivers`, `every shot needs the same number of receivers as shot 0 (${list[0].receivers.length})`);
    return { source, wavelet, receivers };
  });
}

/** The smallest factor of the taper (so that z = x / scale stays finite): the gradient there is scaled by its square, 1e-6. */
const TAPER_FLOOR = 1e-3;

/**
 * The taper around points of a grid: per cell, the least over the points of sin(π/2 min(1,
 * max(0, d - r) / r)) at distance d, so 0 within `radius` r of a point, 1 beyond 2r. Near a
 * source or receiver the wavefield is singular and the gradient with it: unmuted, an
 * inversion spends itself on those cells.
 */
export function pointTaper(g: Grid2D, points: readonly Point2D[], radius: number): Float64Array {
  const out = new Float64Array(g.nx * g.nz).fill(1);
  for (const p of points) {
    const reach = 2 * radius;
    const x0 = Math.max(0, Math.floor((p.x - reach - g.x0) / g.dx)), x1 = Math.min(g.nx - 1, Math.ceil((p.x + reach - g.x0) / g.dx));
    const z0 = Math.max(0, Math.floor((p.z - reach - g.z0) / g.dz)), z1 = Math.min(g.nz - 1, Math.ceil((p.z + reach - g.z0) / g.dz));
    for (let iz = z0; iz <= z1; iz++) {
      for (let ix = x0; ix <= x1; ix++) {
        const d = Math.hypot(g.x0 + ix * g.dx - p.x, g.z0 + iz * g.dz - p.z);
        const w = Math.sin((Math.PI / 2) * Math.min(1, Math.max(0, d - radius) / radius));
        const k = iz * g.nx + ix;
        if (w < out[k]) out[k] = w;
      }
    }
  }
  return out;
}

/** The scene's storage choice (an `auto` budget of a quarter of the memory limit by default: two simulators may hold theirs at once). */
export function storageOf2D(scene: Wave2DInversionScene): Storage {
  const s = scene.storage;
  return s.mode === "auto" && s.memory === undefined ? { mode: "auto", memory: memoryLimit() / 4 } : s;
}

/**
 * The problem of the scene, everything checked (stability and dispersion once for the scene, over
 * the truth, the start and the bounds). `warnTo` receives each kind of warning once; `workers`
 * evaluates shots on that many threads (1: serially, shot by shot), `threads` steps each shot on
 * that many (see Wave2DConfig.threads), the same bytes for every count.
 */
export function wave2DInversionProblem(scene: Wave2DInversionScene, warnTo: (m: string) => void = () => {}, workers?: number, threads?: number): InversionProblem {
  if (workers !== undefined && (!Number.isInteger(workers) || workers < 1)) throw new InputError("--workers", `expected a positive integer, got ${workers}`);
  const warn = oncePerKind(warnTo);
  const g = gridOf2D(scene), { nx, nz } = g, cells = nx * nz, shape = [nz, nx];
  const { dt, nt } = scene.time;
  const truth = velocity2D(scene.model.true, g, "model.true");
  const start = "smoothing" in scene.model.start ? smoothed2D(truth, g, scene.model.start.smoothing) : velocity2D(scene.model.start, g, "model.start");
  const bounds = velocityBounds(scene.bounds, start);
  let range: [number, number] = [Infinity, 0];
  for (const v of [truth, start]) for (const c of v) range = [Math.min(range[0], c), Math.max(range[1], c)];
  const pmlVelocity = Math.max(range[1], bounds?.[1] ?? 0);
  const wavelet = ricker(scene.wavelet.frequency, nt, dt, scene.wavelet.delay);
  const config: Wave2DConfig = {
    nx, nz, dx: g.dx, dz: g.dz, origin: { x: g.x0, z: g.z0 }, dt, nt, order: scene.order, top: scene.boundaries.top,
    pml: { width: scene.boundaries.pmlWidth, velocity: pmlVelocity }, shots: shotsOf(scene, wavelet), storage: storageOf2D(scene),
    precision: scene.precision, threads, warn: bounds === null ? warn : () => {},
  };
  const sim = withSceneFields(() => new WaveSimulator2D(config));
  withSceneFields(() => {
    checkVelocityRange2D({ ...sim.layout, warn }, range[0], range[1], "time.dt");
    if (bounds !== null) checkVelocityRange2D({ ...sim.layout, warn }, bounds[0], bounds[1], "bounds.velocity");
  });
  const observed = flatten(sim.forward(field(truth, shape)));
  if (scene.noise !== undefined) addNoise(observed, scene.noise, nt);
  const dataShape = sim.dataShape;
  const param = PARAMETRIZATIONS[scene.parametrization];
  const regularization = regularizersOf(scene.regularization, [nz, nx]);
  const misfit = sceneMisfitOf(scene.misfit, nt);
  const termNames = [misfit.whole.name, ...regularization.map((r) => r.term.name)];
  // As in 1D: without --workers one simulator runs every shot; with --workers N the shots are
  // summed one by one in shot order (on N threads, or serially for N = 1), the same bytes for every N.
  let pool: ShotPool | null = null;
  const { warn: _ignored, ...plain } = config;
  const per = dataShape[1] * dataShape[2];
  const shotProblem: ShotProblem = { kind: "wave2d", config: plain, observed: plain.shots.map((_, s) => observed.slice(s * per, (s + 1) * per)), misfit: misfit.shots };
  const objectiveOf = (cutoff: number): DataObjective => {
    const spec = { name: misfit.whole.name, modelShape: shape, parametrization: param, regularization };
    if (workers === 1) return modelObjective(misfit.lift(serialShotObjective(shotProblem, cutoff)), spec);
    if (workers !== undefined) return modelObjective(misfit.lift((pool ??= new ShotPool(shotProblem, workers)).bandObjective(cutoff)), spec);
    return dataObjective({ simulator: sim.lowPassed(cutoff), observed: field(lowPass(observed, nt, dt, cutoff), dataShape), misfit: misfit.whole, modelShape: shape, parametrization: param, regularization });
  };
  const x0 = new Float64Array(cells);
  param.toParameter(start, x0);
  const illumination = scene.preconditioning === undefined ? null : flatten(sim.illumination(field(start, shape), { receiverSide: scene.preconditioning.receiverSide }));
  const scale = illumination === null ? new Float64Array(cells).fill(1) : preconditionerScale(parameterHessian(illumination, start, x0, param), scene.preconditioning!.waterLevel);
  if (scene.taper !== undefined) {
    const taper = pointTaper(g, config.shots.flatMap((s) => [s.source, ...s.receivers]), scene.taper.radius);
    for (let i = 0; i < cells; i++) scale[i] *= Math.max(taper[i], TAPER_FLOOR);
  }
  const optimizer: Optimizer = bounds === null ? optimizerOf(scene.optimizer) : boundedOptimizer(scene.optimizer, bounds, param, scale);
  const axes = [{ name: "z", units: "m", start: g.z0, step: g.dz }, { name: "x", units: "m", start: g.x0, step: g.dx }];
  const dataAxes = [{ name: "shot" }, { name: "receiver" }, { name: "t", units: "s", start: 0, step: dt }];
  const shotKept = scene.output.wavefieldShot ?? Math.floor(dataShape[0] / 2);
  if (shotKept >= dataShape[0]) throw new InputError("output.wavefieldShot", `there are ${dataShape[0]} shots (0 to ${dataShape[0] - 1}), got ${shotKept}`);
  const cutoffs = scene.bands.map((b) => (b === "full" ? Infinity : b));
  return {
    model: { name: "velocity", shape, axes, units: "m/s" },
    truth, start, parametrization: param, scale, optimizer, termNames,
    stages: cutoffs.map((cutoff) => ({ label: cutoff === Infinity ? "full band" : `${cutoff} Hz`, iterations: scene.optimizer.iterations, objective: () => objectiveOf(cutoff) })),
    inputs: [
      { name: "observed", data: field(observed, dataShape), meta: { units: "pressure", axes: dataAxes, role: "observed" } },
      { name: "sources", data: field(Float64Array.from(config.shots.flatMap((s) => [s.source.x, s.source.z])), [dataShape[0], 2]), meta: { units: "m", axes: [{ name: "shot" }, { name: "x, z" }], role: "geometry" } },
      { name: "receivers", data: field(Float64Array.from(config.shots.flatMap((s) => s.receivers.flatMap((r) => [r.x, r.z]))), [dataShape[0], dataShape[1], 2]), meta: { units: "m", axes: [{ name: "shot" }, { name: "receiver" }, { name: "x, z" }], role: "geometry" } },
    ],
    snapshots: { predict: (m) => flatten(sim.forward(field(m, shape))), shape: dataShape, axes: dataAxes, units: "pressure" },
    finish(x, final) {
      const gradient = new Float64Array(cells);
      objectiveOf(Infinity).objective(x, gradient);
      // The final model's data, and one shot's wavefield (about 250 frames) for the viewer.
      const every = finalWavefieldEvery(nt), frames = framesKept(nt, every);
      const wavefield = new Float64Array(frames * cells);
      const predicted = flatten(sim.forward(field(final, shape), { every, onStep: (v) => void (v.shot === shotKept && wavefield.set(v.field, (v.timeIndex / every) * cells)) }));
      const modelMeta = (units: string, description: string, role: "illumination" | "preconditioner" | "gradient") => ({ units, axes, description, role });
      return {
        arrays: [
          { name: "gradient", data: field(gradient, shape), meta: modelMeta(`objective per ${scene.parametrization} unit`, "full-band gradient at the final model, in the optimization variables", "gradient") },
          ...(illumination === null ? [] : [
            { name: "illumination", data: field(illumination, shape), meta: modelMeta(scene.preconditioning!.receiverSide ? "(u/s^2)^4 s^2" : "(u/s^2)^2 s", "diagonal pseudo-Hessian (for squared slowness) at the starting model", "illumination") },
          ]),
          ...(illumination === null && scene.taper === undefined ? [] : [
            { name: "preconditioner", data: field(scale.map((v) => v * v), shape), meta: modelMeta("relative", `factor applied to the gradient in the optimization variables:${illumination === null ? "" : " max(h) / (h + epsilon max(h))"}${illumination !== null && scene.taper !== undefined ? " times" : ""}${scene.taper === undefined ? "" : " the taper around sources and receivers"}`, "preconditioner") },
          ]),
          { name: "predicted", data: field(predicted, dataShape), meta: { units: "pressure", axes: dataAxes, description: "data of the final model", role: "predicted" } },
          { name: "residual", data: field(predicted.map((v, i) => v - observed[i]), dataShape), meta: { units: "pressure", axes: dataAxes, description: "predicted - observed", role: "residual" } },
          { name: "wavefield", data: field(wavefield, [frames, nz, nx]), meta: { units: "pressure", axes: [{ name: "t", units: "s", start: 0, step: every * dt }, ...axes], description: `wavefield of the final model, shot ${shotKept}`, role: "field" } },
        ],
      };
    },
    close() {
      void pool?.close();
    },
  };
}

/** Runs the scene into `dir` with the generic runner (see {@link runInversion}); everything is checked before the folder is touched. */
export function runWave2DInversion(
  scene: Wave2DInversionScene, dir: string, progress?: Progress, warnTo?: (m: string) => void, resume = false, workers?: number, threads?: number,
): InversionSummary {
  checkSceneMemory(scene);
  return runInversion(scene, dir, () => wave2DInversionProblem(scene, warnTo, workers, threads), { progress, resume });
}
