/**
 * One shot's share of a data objective: misfit of that shot's predicted data
 * and the gradient of it with respect to velocity. The serial loop and every
 * worker compute shot terms with this one function, and the sum over shots is
 * taken in shot order, so parallel and serial results are identical bit for bit.
 */
import { field, flatten } from "../core/arrays.js";
import { huber, leastSquares, normalizedCrossCorrelation, type Misfit } from "../inversion/misfit.js";
import type { WaveConfig } from "../wave/config.js";
import { lowPass } from "../wave/filter.js";
import { WaveSimulator } from "../wave/simulator.js";

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

/** A wave problem that can cross to a worker: the config without its warn callback, plus the observed data per shot. */
export interface ShotProblem {
  config: Omit<WaveConfig, "warn">;
  /** observed[s]: shot s's data, nreceivers * nt values. */
  observed: Float64Array[];
  misfit: MisfitSpec;
}

/** One single-shot simulator per shot (of the shots listed in `which`, default all), so any subset of shots runs anywhere. */
export function shotSimulators(problem: ShotProblem, which: readonly number[] = problem.config.shots.map((_, s) => s)): WaveSimulator[] {
  return which.map((s) => new WaveSimulator({ ...problem.config, shots: [problem.config.shots[s]], warn: () => {} }));
}

/**
 * The shots of the frequency band below `cutoff` (Hz): each simulator's wavelet and each shot's
 * observed traces low-passed by the same filter (`WaveSimulator.lowPassed`, `lowPass`); Infinity
 * returns them as they are.
 */
export function shotBand(sims: WaveSimulator[], observed: Float64Array[], cutoff: number): { sims: WaveSimulator[]; observed: Float64Array[] } {
  if (cutoff === Infinity || sims.length === 0) return { sims, observed };
  const { nt, dt } = sims[0].layout;
  return { sims: sims.map((s) => s.lowPassed(cutoff)), observed: observed.map((o) => lowPass(o, nt, dt, cutoff)) };
}

/** Writes shot s's gradient into `gradient` and returns its misfit. */
export function shotTerm(sim: WaveSimulator, observed: Float64Array, misfit: Misfit, velocity: Float64Array, gradient: Float64Array): number {
  const lin = sim.linearize(field(velocity, [velocity.length]));
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
