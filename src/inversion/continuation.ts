/**
 * Frequency continuation (multiscale inversion) against cycle skipping: a
 * schedule of bands, low to high, each inverted from the result of the one
 * before. The engine knows nothing of waves: the caller builds the objective
 * of each band (observed data and source wavelet low-passed with the same
 * zero-phase filter, e.g. {@link lowPass}).
 */
import { lbfgs } from "./methods.js";
import type { IterationEvent, Objective, OptimizeResult, OptimizerState } from "./types.js";

/** One band of a continuation schedule. */
export interface Band {
  /** Cutoff frequency (Hz) of the low-pass; Infinity for the full band. */
  cutoff: number;
  /** Iterations spent in this band. */
  iterations: number;
}

/** An iteration event of a continuation run, with its band. */
export interface BandEvent extends IterationEvent {
  /** Index of the band in the schedule. */
  band: number;
  cutoff: number;
  /** Where the run stands, for resuming (when the optimizer reports its state). */
  continuation?: ContinuationState;
}

/** An optimizer as continuation uses it: objective, start, iteration budget, and a state to resume from. */
export type Optimizer = (f: Objective, x0: Float64Array, maxIterations: number, resume?: OptimizerState) => Generator<IterationEvent, OptimizeResult>;

/** L-BFGS with gradient tolerance 0, so each band spends its iteration budget unless the line search gives up. */
export const lbfgsOptimizer: Optimizer = (f, x0, maxIterations, resume) => lbfgs(f, x0, { maxIterations, gradientTolerance: 0, resume });

/** Where a continuation run stood after an iteration: enough to resume it exactly. */
export interface ContinuationState {
  /** Index of the band in progress. */
  band: number;
  /** Iterations and evaluations of the bands before it. */
  iterationsBefore: number;
  evaluationsBefore: number;
  /** The optimizer's state within the band. */
  optimizer: OptimizerState;
}

/**
 * Runs the schedule: band k starts from band k-1's result. Returns the
 * last band's result, with iterations and evaluations summed over bands.
 */
export function* continuation(
  bands: readonly Band[], objectiveFor: (band: Band, index: number) => Objective, x0: Float64Array, optimizer: Optimizer = lbfgsOptimizer,
  resume?: ContinuationState,
): Generator<BandEvent, OptimizeResult> {
  let x: Float64Array = Float64Array.from(x0);
  let iterations = resume?.iterationsBefore ?? 0;
  let evaluations = resume?.evaluationsBefore ?? 0;
  let result: OptimizeResult | null = null;
  for (const [index, band] of bands.entries()) {
    if (resume !== undefined && index < resume.band) continue;
    const state = resume !== undefined && index === resume.band ? resume.optimizer : undefined;
    const gen = optimizer(objectiveFor(band, index), x, band.iterations, state);
    for (;;) {
      const r = gen.next();
      if (r.done) {
        result = r.value;
        break;
      }
      const e = r.value;
      yield {
        ...e, iteration: iterations + e.iteration, evaluations: evaluations + e.evaluations, band: index, cutoff: band.cutoff,
        continuation: e.state === undefined ? undefined : { band: index, iterationsBefore: iterations, evaluationsBefore: evaluations, optimizer: e.state },
      };
    }
    x = result.x;
    iterations += result.iterations;
    evaluations += result.evaluations;
  }
  if (result === null) throw new RangeError("continuation: the band schedule is empty");
  return { ...result, iterations, evaluations };
}

