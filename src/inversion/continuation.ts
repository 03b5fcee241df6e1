/**
 * Continuation: a schedule of stages, each inverted from the result of the
 * one before — frequency bands low to high against cycle skipping, weights of
 * a regularization, or a single stage. The engine knows nothing of what a
 * stage means: the caller gives the objective of each (for a frequency band,
 * observed data and source wavelets low-passed alike; see `lowPass` in
 * src/wave/filter.ts).
 */
import { lbfgs } from "./methods.js";
import type { HessianVectorProduct, IterationEvent, Objective, OptimizeResult, OptimizerState } from "./types.js";

/** One stage of a continuation schedule. */
export interface Stage {
  /** Iterations spent in this stage. */
  iterations: number;
}

/** An iteration event of a continuation run, with its stage. */
export interface StageEvent extends IterationEvent {
  /** Index of the stage in the schedule. */
  stage: number;
  /** Where the run stands, for resuming (when the optimizer reports its state). */
  continuation?: ContinuationState;
}

/**
 * What an optimizer gets of a stage: its objective and, where the problem has them,
 * Hessian-vector products (a DataObjective is one, with Gauss-Newton products when its terms
 * allow). Methods that use no second derivatives read only `objective`.
 */
export interface StageObjective {
  objective: Objective;
  hessianVector?: HessianVectorProduct;
}

/** An optimizer as continuation uses it: the stage's objective, start, iteration budget, and a state to resume from. */
export type Optimizer = (stage: StageObjective, x0: Float64Array, maxIterations: number, resume?: OptimizerState) => Generator<IterationEvent, OptimizeResult>;

/** L-BFGS with gradient tolerance 0, so each stage spends its iteration budget unless the line search gives up. */
export const lbfgsOptimizer: Optimizer = ({ objective }, x0, maxIterations, resume) => lbfgs(objective, x0, { maxIterations, gradientTolerance: 0, resume });

/** Where a continuation run stood after an iteration: enough to resume it exactly. */
export interface ContinuationState {
  /** Index of the stage in progress. */
  stage: number;
  /** Iterations and evaluations of the stages before it. */
  iterationsBefore: number;
  evaluationsBefore: number;
  /** The optimizer's state within the stage. */
  optimizer: OptimizerState;
}

/**
 * Runs the schedule: stage k starts from stage k-1's result. Returns the
 * last stage's result, with iterations and evaluations summed over stages.
 */
export function* continuation<S extends Stage>(
  stages: readonly S[], objectiveFor: (stage: S, index: number) => StageObjective, x0: Float64Array, optimizer: Optimizer = lbfgsOptimizer,
  resume?: ContinuationState,
): Generator<StageEvent, OptimizeResult> {
  let x: Float64Array = Float64Array.from(x0);
  let iterations = resume?.iterationsBefore ?? 0;
  let evaluations = resume?.evaluationsBefore ?? 0;
  let result: OptimizeResult | null = null;
  for (const [index, stage] of stages.entries()) {
    if (resume !== undefined && index < resume.stage) continue;
    const state = resume !== undefined && index === resume.stage ? resume.optimizer : undefined;
    const gen = optimizer(objectiveFor(stage, index), x, stage.iterations, state);
    for (;;) {
      const r = gen.next();
      if (r.done) {
        result = r.value;
        break;
      }
      const e = r.value;
      yield {
        ...e, iteration: iterations + e.iteration, evaluations: evaluations + e.evaluations, stage: index,
        continuation: e.state === undefined ? undefined : { stage: index, iterationsBefore: iterations, evaluationsBefore: evaluations, optimizer: e.state },
      };
    }
    x = result.x;
    iterations += result.iterations;
    evaluations += result.evaluations;
  }
  if (result === null) throw new RangeError("continuation: the stage schedule is empty");
  return { ...result, iterations, evaluations };
}
