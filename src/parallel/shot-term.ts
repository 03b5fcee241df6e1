/**
 * One shot's share of a data objective: misfit of that shot's predicted data
 * and the gradient of it with respect to velocity. The serial loop and every
 * worker compute shot terms with this one function, and the sum over shots is
 * taken in shot order, so parallel and serial results are identical bit for bit.
 */
import { field, flatten } from "../core/arrays.js";
import { huber, leastSquares, normalizedCrossCorrelation, type Misfit } from "../inversion/misfit.js";
import { InputError, describe } from "../core/errors.js";
import type { WaveConfig } from "../wave/config.js";
import { lowPass } from "../wave/filter.js";
import type { Wave2DConfig } from "../wave/grid2d.js";
import { WaveSimulator } from "../wave/simulator.js";
import { WaveSimulator2D } from "../wave/simulator2d.js";

/** A misfit that can cross to a worker (plain data). */
export type MisfitSpec =
  | { kind: "least-squares" }
  | { kind: "huber"; delta: number }
  | { kind: "normalized-cross-correlation"; traceLength: number };

export function misfitOf(spec: MisfitSpec): Misfit {
  switch (spec.kind) {
    case "huber":
      return huber(spec.delta);
    case "normalized-cross-correlation":
      return normalizedCrossCorrelation(spec.traceLength);
    default:
      return leastSquares();
  }
}

/**
 * A wave problem that can cross to a worker: the config without its warn callback, plus the
 * observed data per shot. `kind` says which simulator runs it: "wave1d" (the default,
 * {@link WaveSimulator}, velocity [nx]) or "wave2d" ({@link WaveSimulator2D}, velocity [nz, nx],
 * flattened row by row for the objective).
 */
export type ShotProblem = Wave1DShotProblem | Wave2DShotProblem;

/** The observed data per shot and the misfit, whatever the simulator. */
interface ShotData {
  /** observed[s]: shot s's data, nreceivers * nt values. */
  observed: Float64Array[];
  misfit: MisfitSpec;
}

/** A 1D wave problem for shot objectives ({@link ShotProblem}). */
export interface Wave1DShotProblem extends ShotData {
  kind?: "wave1d";
  config: Omit<WaveConfig, "warn">;
}

/** A 2D wave problem for shot objectives ({@link ShotProblem}). */
export interface Wave2DShotProblem extends ShotData {
  kind: "wave2d";
  config: Omit<Wave2DConfig, "warn">;
}

/** The simulator of one shot of a {@link ShotProblem}. */
export type ShotSimulator = WaveSimulator | WaveSimulator2D;

/**
 * The model's shape, [nx] (1D) or [nz, nx] (2D); its size is the length of the objective's
 * velocity and gradient arrays.
 * @throws {InputError} naming `kind` when it is neither "wave1d" nor "wave2d".
 */
export function shotModelShape(problem: ShotProblem): number[] {
  const kind: unknown = problem.kind;
  if (kind !== undefined && kind !== "wave1d" && kind !== "wave2d") throw new InputError("kind", `expected "wave1d" or "wave2d", got ${describe(kind)}`);
  return problem.kind === "wave2d" ? [problem.config.nz, problem.config.nx] : [problem.config.nx];
}

/** One single-shot simulator per shot (of the shots listed in `which`, default all), so any subset of shots runs anywhere. */
export function shotSimulators(problem: ShotProblem, which: readonly number[] = problem.config.shots.map((_, s) => s)): ShotSimulator[] {
  shotModelShape(problem);
  if (problem.kind === "wave2d") {
    const config = problem.config;
    return which.map((s) => new WaveSimulator2D({ ...config, shots: [config.shots[s]], warn: () => {} }));
  }
  const config = problem.config;
  return which.map((s) => new WaveSimulator({ ...config, shots: [config.shots[s]], warn: () => {} }));
}

/**
 * The shots of the frequency band below `cutoff` (Hz): each simulator's wavelet and each shot's
 * observed traces low-passed by the same filter (`WaveSimulator.lowPassed`, `lowPass`); Infinity
 * returns them as they are.
 */
export function shotBand(sims: ShotSimulator[], observed: Float64Array[], cutoff: number): { sims: ShotSimulator[]; observed: Float64Array[] } {
  if (cutoff === Infinity || sims.length === 0) return { sims, observed };
  const { nt, dt } = sims[0].layout;
  return { sims: sims.map((s) => s.lowPassed(cutoff)), observed: observed.map((o) => lowPass(o, nt, dt, cutoff)) };
}

/** Writes shot s's gradient into `gradient` and returns its misfit; `velocity` the model flattened (row by row in 2D). */
export function shotTerm(sim: ShotSimulator, observed: Float64Array, misfit: Misfit, velocity: Float64Array, gradient: Float64Array): number {
  const lay = sim.layout;
  const lin = sim.linearize(field(velocity, "nz" in lay ? [lay.nz, lay.nx] : [velocity.length]));
  const predicted = flatten(lin.data);
  const residual = new Float64Array(predicted.length);
  const value = misfit.evaluate(predicted, observed, residual);
  gradient.set(flatten(lin.vjp(field(residual, lin.data.shape))));
  return value;
}

/** Sums per-shot values and gradients in shot order into `gradient`; returns the total value. */
export function reduceShots(values: Float64Array, gradients: Float64Array, n: number, gradient: Float64Array): number {
  let value = 0;
  gradient.fill(0);
  for (let s = 0; s < values.length; s++) {
    value += values[s];
    for (let i = 0; i < n; i++) gradient[i] += gradients[s * n + i];
  }
  return value;
}
