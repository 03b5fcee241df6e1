/**
 * What the 1D and 2D wave inversion scenes share: parametrizations by name, the misfit of a
 * scene, velocity bounds (checked, and as an optimizer), the illumination in the optimization
 * variables, and the seeded noise of observed data.
 */
import { InputError } from "../core/errors.js";
import { Random } from "../core/random.js";
import type { Optimizer } from "../inversion/continuation.js";
import { identity, logarithm, slowness, squaredSlowness, type Parametrization } from "../inversion/parametrization.js";
import type { Misfit } from "../inversion/misfit.js";
import type { Objective } from "../inversion/types.js";
import { adversarial, adversarialObjective } from "../inversion/worst-case.js";
import { misfitOf, type MisfitSpec } from "../parallel/shot-term.js";
import { optimizerOf } from "./engine-choices.js";
import type { OptimizerEntry } from "./optimizer-kinds.js";
import type { WaveInversionScene } from "./schema.js";

export const PARAMETRIZATIONS: Record<WaveInversionScene["parametrization"], Parametrization> = {
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
export function parameterHessian(illumination: Float64Array, velocity: Float64Array, x: Float64Array, param: Parametrization): Float64Array {
  const gm = illumination.map((h, i) => (2 * Math.sqrt(h)) / velocity[i] ** 3);
  const gx = new Float64Array(x.length);
  param.chain(x, velocity, gm, gx);
  return gx.map((v) => v * v);
}

/** A scene's misfit as the whole data set sees it, and as shots summed one by one build it. */
export interface SceneMisfit {
  /** The misfit of the whole data vector. */
  whole: Misfit;
  /** Each shot's term (plain data, for workers). */
  shots: MisfitSpec;
  /** Turns the sum of the shots' terms into the whole misfit (identity but for a misfit that does not split over shots). */
  lift(sum: Objective): Objective;
}

/**
 * The misfit of a scene's choice (traces of `nt` samples). The worst case over a perturbation of
 * the whole data vector does not split into shots: they sum least squares, lifted once.
 */
export function sceneMisfitOf(misfit: WaveInversionScene["misfit"], nt: number): SceneMisfit {
  if (misfit.kind === "adversarial") {
    return { whole: adversarial(misfit.eta, misfit.epsilon), shots: { kind: "least-squares" }, lift: (sum) => adversarialObjective(sum, misfit.eta, misfit.epsilon) };
  }
  const shots: MisfitSpec = misfit.kind === "huber" ? { kind: "huber", delta: misfit.delta }
    : misfit.kind === "normalized-cross-correlation" ? { kind: "normalized-cross-correlation", traceLength: nt }
    : { kind: "least-squares" };
  return { whole: misfitOf(shots), shots, lift: (sum) => sum };
}

/** A scene's velocity bounds [vmin, vmax] (m/s), checked against each other and the starting model; null without. */
export function velocityBounds(bounds: WaveInversionScene["bounds"], start: Float64Array): [number, number] | null {
  if (bounds === undefined) return null;
  const [vmin, vmax] = bounds.velocity;
  if (!(vmin < vmax)) throw new InputError("bounds.velocity", `expected vmin < vmax, got [${vmin}, ${vmax}]`);
  const bad = start.findIndex((v) => v < vmin || v > vmax);
  if (bad >= 0) throw new InputError("bounds.velocity", `the starting model is ${start[bad]} m/s at cell ${bad}, outside [${vmin}, ${vmax}]`);
  return [vmin, vmax];
}

/**
 * The scene's optimizer keeping the velocity in `bounds` (see optimizerOf: projected L-BFGS, or
 * the momentum methods and Adam projecting their steps): bounds on the velocity become bounds on
 * the optimization variables (the parametrizations are monotone), scaled cell by cell into the
 * preconditioned variables z = x / scale.
 */
export function boundedOptimizer(entry: OptimizerEntry, bounds: [number, number], param: Parametrization, scale: Float64Array): Optimizer {
  const ends = new Float64Array(2);
  param.toParameter(Float64Array.of(bounds[0], bounds[1]), ends);
  const lower = scale.map((v) => Math.min(ends[0], ends[1]) / v), upper = scale.map((v) => Math.max(ends[0], ends[1]) / v);
  return optimizerOf(entry, { lower, upper });
}

/** Adds the scene's seeded noise to the observed traces (of nt samples), in place: Gaussian, and strong on a few chosen traces. */
export function addNoise(observed: Float64Array, noise: NonNullable<WaveInversionScene["noise"]>, nt: number): void {
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
