/**
 * The inversion problem of a `heat-inversion` scene: sensor data of the true
 * problem (with seeded noise), and the unknown to recover from its start —
 * the conductivity, the initial temperature or a side's boundary values —
 * in one stage; optionally an L-curve over regularization weights. The
 * generic runner (run-inversion.ts) does the rest, as for every physics.
 */
import { withSceneFields } from "./scene-fields.js";
import { checkSceneMemory } from "./estimate.js";
import { field, flatten } from "../core/arrays.js";
import type { Differentiable } from "../core/contract.js";
import { InputError } from "../core/errors.js";
import { Random } from "../core/random.js";
import { restrict } from "../core/restrict.js";
import { SIDES, type HeatBoundary, type HeatConfig } from "../heat/config.js";
import { HeatSimulator } from "../heat/simulator.js";
import type { Optimizer } from "../inversion/continuation.js";
import { run } from "../inversion/descent.js";
import { huber, leastSquares } from "../inversion/misfit.js";
import { adversarial } from "../inversion/worst-case.js";
import { dataObjective, type WeightedRegularizer } from "../inversion/objective.js";
import { identity, logarithm } from "../inversion/parametrization.js";
import type { DifferenceShape } from "../inversion/regularization.js";
import type { Axis, ArrayMeta } from "../run/folder.js";
import { sampleField, sampleSeries, type HeatGrid } from "./heat-model.js";
import type { HeatInversionScene } from "./heat-schema.js";
import type { InversionProblem, OutputArray } from "./inversion-problem.js";
import { relativeError, runInversion, type InversionSummary } from "./run-inversion.js";
import { inclusionFigures, type InclusionFigure } from "./inclusion-figures.js";
import { optimizerOf, regularizersOf } from "./engine-choices.js";
import { silentProgress, type Progress } from "./progress.js";


/** The grid of a scene, checked (2D needs both ny and dy). */
function gridOf(scene: HeatInversionScene): HeatGrid {
  const g = scene.grid;
  if ((g.ny === undefined) !== (g.dy === undefined)) throw new InputError(g.ny === undefined ? "grid.ny" : "grid.dy", "a 2D grid needs both ny and dy");
  const dims = g.ny === undefined ? 1 : 2;
  const o = g.origin ?? (dims === 1 ? 0 : [0, 0]);
  if ((typeof o === "number") !== (dims === 1)) throw new InputError("grid.origin", dims === 1 ? "expected x0 (m) in 1D" : "expected [x0, y0] (m) in 2D");
  return { nx: g.nx, ny: g.ny ?? 1, dims, dx: g.dx, dy: g.dy ?? 1, x0: typeof o === "number" ? o : o[0], y0: typeof o === "number" ? 0 : o[1] };
}

/** Runs the scene into `dir` with the generic runner (see {@link runInversion}); everything is checked before the folder is touched. */
export function runHeatInversion(scene: HeatInversionScene, dir: string, progress: Progress = silentProgress, resume = false): InversionSummary & Partial<HeatResult> {
  checkSceneMemory(scene);
  return runInversion(scene, dir, () => heatInversionProblem(scene), { progress, resume });
}

/** What a heat inversion adds to its result: for a conductivity with inclusions, how each shows in the final model. */
export interface HeatResult {
  inclusions: InclusionFigure[];
}

/** The problem of the scene, everything checked. */
export function heatInversionProblem(scene: HeatInversionScene): InversionProblem<HeatResult> {
  const g = gridOf(scene);
  const { dt, nt } = scene.time;
  const size = g.nx * g.ny;
  const gridShape = g.dims === 1 ? [g.nx] : [g.ny, g.nx];
  const trueK = sampleField(scene.conductivity, g, "conductivity");
  const bad = trueK.findIndex((v) => !(v > 0));
  if (bad >= 0) throw new InputError("conductivity", `gives ${trueK[bad]} W/(m K) at cell ${bad}: conductivity must be positive`);
  const trueInitial = sampleField(scene.initial, g, "initial");
  const sides = SIDES.slice(0, 2 * g.dims);
  for (const s of ["bottom", "top"] as const) if (g.dims === 1 && scene.boundaries[s] !== undefined) throw new InputError(`boundaries.${s}`, "a 1D scene has only left and right sides");
  const sideValues = sides.map((s) => {
    const b = scene.boundaries[s];
    if (b === undefined) return new Float64Array(nt);
    return sampleSeries(b.kind === "neumann" ? b.flux : b.temperature, nt, dt, `boundaries.${s}.${b.kind === "neumann" ? "flux" : "temperature"}`);
  });
  /** The problem's config with given initial temperature and side values. */
  const configWith = (initial: Float64Array, values: Float64Array[]): HeatConfig => ({
    nx: g.nx, dx: g.dx, ...(g.dims === 2 ? { ny: g.ny, dy: g.dy, origin: [g.x0, g.y0] as [number, number] } : { origin: g.x0 }),
    dt, nt, scheme: scene.scheme, capacity: scene.capacity, initial,
    boundaries: Object.fromEntries(sides.map((s, i): [string, HeatBoundary] => {
      const b = scene.boundaries[s];
      if (b === undefined || b.kind === "neumann") return [s, { kind: "neumann", flux: values[i] }];
      return [s, b.kind === "dirichlet" ? { kind: "dirichlet", temperature: values[i] } : { kind: "robin", coefficient: b.coefficient, temperature: values[i] }];
    })),
    sources: scene.sources.map((src, i) => ({ position: src.position, strength: sampleSeries(src.strength, nt, dt, `sources[${i}].strength`) })),
    sensors: scene.sensors,
  });
  const sim = withSceneFields(() => new HeatSimulator(configWith(trueInitial, sideValues)));
  const kField = field(trueK, gridShape);
  const observed = flatten(withSceneFields(() => sim.forward(kField)));
  if (scene.noise !== undefined) {
    const rng = new Random(scene.noise.seed);
    let lo = Infinity, hi = -Infinity;
    for (const v of observed) (lo = Math.min(lo, v)), (hi = Math.max(hi, v));
    for (let i = 0; i < observed.length; i++) observed[i] += scene.noise.relative * (hi - lo) * rng.normal();
  }
  if (scene.perturbation !== undefined) {
    // A direction uniform on the sphere (normalized Gaussian), scaled to the stated norm.
    const rng = new Random(scene.perturbation.seed);
    const direction = rng.fillNormal(new Float64Array(observed.length));
    const scale = scene.perturbation.norm / Math.sqrt(direction.reduce((s, v) => s + v * v, 0));
    for (let i = 0; i < observed.length; i++) observed[i] += scale * direction[i];
  }

  // The unknown: its simulator, truth, start, shape, axes and units.
  const u = scene.unknown;
  const xAxes: Axis[] = g.dims === 1
    ? [{ name: "x", units: "m", start: g.x0 + g.dx / 2, step: g.dx }]
    : [{ name: "y", units: "m", start: g.y0 + g.dy / 2, step: g.dy }, { name: "x", units: "m", start: g.x0 + g.dx / 2, step: g.dx }];
  let simulator: Differentiable, truth: Float64Array, shape: number[], axes: Axis[], units: string, name: string, regShape: DifferenceShape;
  const gridReg: DifferenceShape = g.dims === 1 ? g.nx : [g.ny, g.nx];
  if (u.kind === "conductivity") {
    [simulator, truth, shape, axes, units, name, regShape] = [sim, trueK, gridShape, xAxes, "W/(m K)", "conductivity", gridReg];
  } else if (u.kind === "initial") {
    [simulator, truth, shape, axes, units, name, regShape] = [sim.initialTemperature(kField), trueInitial, gridShape, xAxes, "K", "initial_temperature", gridReg];
  } else {
    const s = sides.indexOf(u.side as (typeof sides)[number]);
    if (s < 0) throw new InputError("unknown.side", `a 1D scene has no ${u.side} side`);
    const all = new Float64Array(sides.length * nt);
    sideValues.forEach((v, i) => all.set(v, i * nt));
    simulator = restrict(sim.boundaryValues(kField), field(all, [sides.length, nt]), s * nt, [nt]);
    const b = scene.boundaries[u.side];
    [truth, shape, axes, units, name, regShape] = [sideValues[s], [nt], [{ name: "t", units: "s", start: 0, step: dt }], b === undefined || b.kind === "neumann" ? "W/m^2" : "K", `${u.side}_boundary`, nt];
  }
  const start = new Float64Array(truth.length).fill(u.start);
  // Errors of temperatures are relative to the truth's variation about its mean (not to ~300 K).
  const temperature = units === "K";
  const reference = temperature ? truth.reduce((a, b) => a + b, 0) / truth.length : 0;
  const param = u.kind === "conductivity" && u.parametrization === "log" ? logarithm : identity;
  const misfit = scene.misfit.kind === "huber" ? huber(scene.misfit.delta) : scene.misfit.kind === "adversarial" ? adversarial(scene.misfit.eta, scene.misfit.epsilon) : leastSquares();
  if (scene.lCurve !== undefined && scene.regularization.length === 0) throw new InputError("lCurve", "needs a regularization term: the L-curve varies the weight of regularization[0]");
  const regularizationWith = (weight0?: number): WeightedRegularizer[] => regularizersOf(scene.regularization, regShape, weight0);
  const dataShape = sim.dataShape;
  const objectiveWith = (weight0?: number) => dataObjective({
    simulator, observed: field(observed, dataShape), misfit, modelShape: shape, parametrization: param, regularization: regularizationWith(weight0),
  });
  const regularization = regularizationWith();
  const termNames = [misfit.name, ...regularization.map((r) => r.term.name)];
  const x0 = new Float64Array(start.length);
  param.toParameter(start, x0);
  const optimizer = optimizerOf(scene.optimizer);
  const dataAxes = [{ name: "sensor" }, { name: "t", units: "s", start: 0, step: dt }];
  const data = (role: ArrayMeta["role"], description?: string) => ({ units: "K", axes: dataAxes, role, ...(description === undefined ? {} : { description }) });
  return {
    model: { name, shape, axes, units }, truth, errorReference: reference, start, parametrization: param, optimizer, termNames,
    stages: [{ label: name.replace("_", " "), iterations: scene.optimizer.iterations, objective: () => objectiveWith() }],
    inputs: [
      { name: "observed", data: field(observed, dataShape), meta: data("observed") },
      { name: "sensors", data: field(Float64Array.from(scene.sensors.flat()), [scene.sensors.length, g.dims]), meta: { units: "m", axes: [{ name: "sensor" }, { name: g.dims === 1 ? "x" : "x, y" }], role: "geometry" } },
    ],
    snapshots: { predict: (m) => flatten(simulator.forward(field(m, shape))), shape: dataShape, axes: dataAxes, units: "K" },
    finish(x, final, progress) {
      const gradient = new Float64Array(x.length);
      objectiveWith().objective(x, gradient);
      const predicted = flatten(simulator.forward(field(final, shape)));
      // The temperature field of the final model over time, for pictures.
      const every = scene.output.temperatureEvery;
      const frames: Float64Array[] = [];
      const finalValues = sideValues.slice();
      if (u.kind === "boundary") finalValues[sides.indexOf(u.side as (typeof sides)[number])] = final;
      new HeatSimulator(configWith(u.kind === "initial" ? final : trueInitial, finalValues)).forward(field(u.kind === "conductivity" ? final : trueK, gridShape), {
        every, onStep: (v) => void frames.push(Float64Array.from(v.field)),
      });
      const stacked = new Float64Array(frames.length * size);
      frames.forEach((f, i) => stacked.set(f, i * size));
      const arrays: OutputArray[] = [
        { name: "gradient", data: field(gradient, shape), meta: { units: `objective per ${param === logarithm ? "log" : ""}${units}`, axes, description: "gradient at the final model, in the optimization variables", role: "gradient" } },
        { name: "predicted", data: field(predicted, dataShape), meta: data("predicted", "data of the final model") },
        { name: "residual", data: field(predicted.map((v, i) => v - observed[i]), dataShape), meta: data("residual", "predicted - observed") },
        { name: "temperature", data: field(stacked, [frames.length, ...gridShape]), meta: { units: "K", axes: [{ name: "t", units: "s", start: 0, step: every * dt }, ...xAxes], description: "temperature of the final model", role: "field" } },
      ];
      if (scene.lCurve !== undefined) arrays.push(...lCurve(scene.lCurve.weights, objectiveWith, regularizationWith, x0, optimizer, scene.optimizer.iterations, param, progress, misfit.name, truth, reference));
      // A conductivity with inclusions is judged by where and how strongly they show, besides the L2 error.
      const inclusions = u.kind === "conductivity" && scene.conductivity.inclusions.length > 0 ? inclusionFigures(scene.conductivity, g, final) : undefined;
      return { arrays, result: inclusions && { inclusions } };
    },
  };
}

/**
 * One inversion per weight of regularization[0], from the same start: the data
 * misfit against the (unweighted) regularization norm at each result — the L-curve.
 */
function lCurve(
  weights: number[], objectiveWith: (w?: number) => ReturnType<typeof dataObjective>, regularizationWith: (w?: number) => WeightedRegularizer[],
  x0: Float64Array, optimizer: Optimizer, iterations: number, param: typeof identity, progress: Progress, misfitName: string, truth: Float64Array, reference: number,
): OutputArray[] {
  const misfits: number[] = [], norms: number[] = [], errors: number[] = [];
  progress.start(weights.length, "L-curve");
  weights.forEach((w, i) => {
    const obj = objectiveWith(w);
    const r = run(optimizer(obj, x0, iterations));
    obj.objective(r.x, new Float64Array(r.x.length));
    const m = new Float64Array(r.x.length);
    param.toModel(r.x, m);
    misfits.push(obj.terms[misfitName]);
    norms.push(regularizationWith(w)[0].term.evaluate(m, new Float64Array(m.length)));
    errors.push(relativeError(m, truth, reference));
    progress.update(i + 1, `weight ${w.toExponential(2)} | misfit ${misfits[i].toExponential(3)} | norm ${norms[i].toExponential(3)}`);
  });
  progress.stop();
  const axes = [{ name: "weight" }];
  const curve = (name: string, values: number[], meta: Omit<ArrayMeta, "axes">): OutputArray => ({ name, data: field(Float64Array.from(values), [weights.length]), meta: { ...meta, axes } });
  return [
    curve("l_curve_weight", weights, { units: "weight of regularization[0]", role: "l-curve-weight" }),
    curve("l_curve_misfit", misfits, { units: "objective", description: "data misfit of each weight's result", role: "l-curve-misfit" }),
    curve("l_curve_norm", norms, { units: "objective", description: "unweighted regularization[0] of each weight's result", role: "l-curve-norm" }),
    curve("l_curve_model_error", errors, { units: "relative", role: "l-curve-model-error" }),
  ];
}
