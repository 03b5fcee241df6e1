/**
 * The design problem of a `sensor-design` scene of kind "rod": thermocouple
 * positions along a heat-conducting rod that maximize log det of the Laplace
 * posterior precision of its log-conductivity in zones (D-optimal), the
 * design linearized at the prior mean. At the end, the optimized design and
 * an even spacing each invert the same seeded noise draws of the true rod's
 * data (MAP by L-BFGS with the Gaussian prior), and are compared by their
 * posterior standard deviations (Laplace, at each MAP) and their errors.
 *
 * Gradients: log det H by d/dp log det H = tr(H^-1 dH/dp) (src/inversion/d-optimal.ts),
 * with the rows J(x) and dJ/dx from the exact tangent sensitivities of the
 * scheme and the derivative of the interpolation weights (src/heat/sensitivity.ts).
 */
import { field, flatten } from "../core/arrays.js";
import { InputError } from "../core/errors.js";
import { Random } from "../core/random.js";
import { logZones } from "../core/zones.js";
import type { HeatBoundary, HeatConfig } from "../heat/config.js";
import { RodSensitivity } from "../heat/sensitivity.js";
import { HeatSimulator } from "../heat/simulator.js";
import { dOptimalObjective, posteriorAtDesign, type DesignProblem } from "../inversion/d-optimal.js";
import { run } from "../inversion/descent.js";
import { lbfgs } from "../inversion/methods.js";
import { leastSquares } from "../inversion/misfit.js";
import { dataObjective } from "../inversion/objective.js";
import { damping } from "../inversion/regularization.js";
import { boxOf, type SensorDesignProblem } from "./design-problem.js";
import type { RodDesign } from "./design-schema.js";
import type { OutputArray } from "./inversion-problem.js";
import type { Progress } from "./progress.js";

/** One design's inversions of the noise draws. */
export interface DesignTrial {
  /** Root-mean-square error of ln k over the zones, per draw. */
  errors: Float64Array;
  /** Posterior standard deviation of ln k per zone (Laplace at each MAP), averaged over the draws. */
  standardDeviations: Float64Array;
  /** log det H at the prior mean. */
  logDet: number;
}

/** A rod scene's parts: its problem config, zones, prior, and the D-optimal problem at any linearization point. */
export function rodSetting(spec: RodDesign) {
  const { nx, dx } = spec.grid;
  const zones = spec.zones;
  if (zones > nx) throw new InputError("design.zones", `${zones} zones on ${nx} cells: expected at most one zone per cell`);
  if (spec.truth.length !== zones) throw new InputError("design.truth", `expected ${zones} conductivities (one per zone), got ${spec.truth.length}`);
  const length = nx * dx;
  spec.sensors.forEach((x, s) => {
    if (!(x >= 0 && x <= length)) throw new InputError(`design.sensors[${s}]`, `${x} m is outside the rod [0, ${length}] m`);
  });
  const boundaries = Object.fromEntries((["left", "right"] as const).flatMap((side) => {
    const b = spec.boundaries[side];
    return b === undefined ? [] : [[side, b as HeatBoundary]];
  }));
  const config = (sensors: ArrayLike<number>): HeatConfig => ({
    nx, dx, dt: spec.time.dt, nt: spec.time.nt, scheme: spec.scheme, capacity: spec.capacity, initial: spec.initial, boundaries, sensors: Array.from(sensors),
  });
  const zoneOf = Int32Array.from({ length: nx }, (_, i) => Math.floor((i * zones) / nx));
  const priorMean = new Float64Array(zones).fill(Math.log(spec.prior.conductivity));
  const priorWeight = 1 / spec.prior.sigma ** 2;
  const priorPrecision = new Float64Array(zones * zones);
  for (let z = 0; z < zones; z++) priorPrecision[z * zones + z] = priorWeight;
  const sensors = spec.sensors.length;
  /** The D-optimal problem linearized at ln k per zone `m`. */
  const designAt = (m: Float64Array): DesignProblem => {
    const view = logZones(new HeatSimulator(config(spec.sensors)), zoneOf, [nx]);
    const at = field(m, [zones]);
    const sensitivity = new RodSensitivity(config(spec.sensors), view.model(at), view.directions(at));
    return {
      parameters: zones, sensors, dims: 1, rows: spec.time.nt, sigma: spec.noise.sigma, priorPrecision,
      sensorRows: (_s, x, rows, derivatives) => sensitivity.sensorRows(x[0], rows, derivatives[0]),
    };
  };
  return { config, zoneOf, priorMean, priorWeight, length, designAt };
}

/**
 * Inverts `draws` seeded noise draws of the true rod's data recorded at
 * `design` (MAP of ln k per zone with the prior), with the same seeds for
 * every design.
 */
export function invertDraws(spec: RodDesign, design: Float64Array, progress?: { done(): void }): DesignTrial {
  const s = rodSetting(spec);
  const zones = spec.zones;
  const view = logZones(new HeatSimulator(s.config(design)), s.zoneOf, [spec.grid.nx]);
  const truth = Float64Array.from(spec.truth, Math.log);
  const clean = flatten(view.forward(field(truth, [zones])));
  const weights = new Float64Array(clean.length).fill(1 / spec.noise.sigma ** 2);
  const errors = new Float64Array(spec.noise.draws);
  const sd = new Float64Array(zones);
  for (let d = 0; d < spec.noise.draws; d++) {
    const rng = new Random(spec.noise.seed + d);
    const observed = clean.map((v) => v + spec.noise.sigma * rng.normal());
    const obj = dataObjective({
      simulator: view, observed: field(observed, [design.length, spec.time.nt]), misfit: leastSquares(weights), modelShape: [zones],
      regularization: [{ term: damping(s.priorMean), weight: s.priorWeight }],
    });
    const m = run(lbfgs(obj.objective, s.priorMean, { maxIterations: spec.inversion.iterations })).x;
    let e = 0;
    for (let z = 0; z < zones; z++) e += (m[z] - truth[z]) ** 2;
    errors[d] = Math.sqrt(e / zones);
    const post = posteriorAtDesign(s.designAt(m), design);
    for (let z = 0; z < zones; z++) sd[z] += post.standardDeviations[z] / spec.noise.draws;
    progress?.done();
  }
  return { errors, standardDeviations: sd, logDet: posteriorAtDesign(s.designAt(s.priorMean), design).logDet };
}

/** n sensors evenly spaced along [0, length]: at the centres of n equal parts. */
export function evenSpacing(n: number, length: number): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => ((i + 0.5) * length) / n);
}

const mean = (a: Float64Array) => a.reduce((x, y) => x + y, 0) / a.length;

/** The problem of the scene, everything checked. */
export function rodDesignProblem(spec: RodDesign): SensorDesignProblem {
  const s = rodSetting(spec);
  const problem = s.designAt(s.priorMean);
  const n = spec.sensors.length;
  const { lower, upper } = boxOf([[0, s.length]], n);
  return {
    criterion: "log det posterior precision",
    objective: dOptimalObjective(problem),
    sensors: n,
    dims: 1,
    start: Float64Array.from(spec.sensors),
    lower,
    upper,
    inputs: [],
    finish(design: Float64Array, progress: Progress) {
      const even = evenSpacing(n, s.length);
      progress.start(2 * spec.noise.draws, "inversions of the noise draws");
      let done = 0;
      const tick = { done: () => progress.update(++done, done <= spec.noise.draws ? "even spacing" : "optimized design") };
      const trials = [invertDraws(spec, even, tick), invertDraws(spec, design, tick)];
      progress.stop();
      const labels = ["even", "optimized"];
      const rows = (f: (t: DesignTrial) => Float64Array) => {
        const out = new Float64Array(2 * f(trials[0]).length);
        trials.forEach((t, i) => out.set(f(t), i * f(t).length));
        return out;
      };
      const designAxis = { name: "design", labels };
      const arrays: OutputArray[] = [
        { name: "even_design", data: field(even, [n, 1]), meta: { units: "m", axes: [{ name: "sensor" }, { name: "x", units: "m" }], description: "the even spacing compared with", role: "geometry" } },
        { name: "posterior_sd", data: field(rows((t) => t.standardDeviations), [2, spec.zones]), meta: { units: "ln(W/(m K))", axes: [designAxis, { name: "zone" }], labels, description: "posterior standard deviation of ln k per zone (Laplace at each MAP), mean over the noise draws", role: "design-comparison" } },
        { name: "inversion_error", data: field(rows((t) => t.errors), [2, spec.noise.draws]), meta: { units: "ln(W/(m K))", axes: [designAxis, { name: "draw" }], labels, description: "RMS error of ln k over the zones of each noise draw's MAP", role: "design-comparison" } },
      ];
      const [e, o] = trials;
      const result = {
        logDetEven: e.logDet, logDetOptimized: o.logDet,
        meanSdEven: mean(e.standardDeviations), meanSdOptimized: mean(o.standardDeviations),
        meanErrorEven: mean(e.errors), meanErrorOptimized: mean(o.errors),
        drawsBetter: e.errors.reduce((c, v, i) => c + (o.errors[i] < v ? 1 : 0), 0),
        draws: spec.noise.draws,
      };
      const report = `log det posterior precision ${e.logDet.toFixed(3)} (even spacing) -> ${o.logDet.toFixed(3)} (optimized)\n` +
        `posterior sd of ln k, mean over zones: ${result.meanSdEven.toFixed(4)} (even) -> ${result.meanSdOptimized.toFixed(4)} (optimized)\n` +
        `RMS error of ln k over ${spec.noise.draws} noise draws: ${result.meanErrorEven.toFixed(4)} (even) -> ${result.meanErrorOptimized.toFixed(4)} (optimized); smaller in ${result.drawsBetter} of ${spec.noise.draws}\n`;
      return { arrays, result, report };
    },
  };
}
