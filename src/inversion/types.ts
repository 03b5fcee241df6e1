/**
 * The optimizer's view of a problem, its result and its per-iteration events.
 * The engine knows no physics: it sees a function that returns a value and
 * writes its gradient.
 */

/**
 * An objective: returns f(x) and writes the gradient df/dx into `gradient`
 * (same length as x). One call is one evaluation (for a simulator: one forward
 * and one adjoint run).
 */
export type Objective = (x: Float64Array, gradient: Float64Array) => number;

/**
 * A Hessian-vector product: writes H(x) v into `out` (length of x), where H is
 * the objective's Hessian at x or a model of it (Gauss-Newton's J^T W J). It
 * does not count as an evaluation; a Newton method counts products apart.
 */
export type HessianVectorProduct = (x: Float64Array, v: Float64Array, out: Float64Array) => void;

/** Why an optimizer stopped. */
export type Status =
  | "gradient-tolerance"
  | "relative-decrease"
  | "max-iterations"
  | "max-evaluations"
  | "line-search-failed"
  | "non-finite"
  | "target-reached"
  | "max-steps"
  | "max-minimizations"
  | "start-not-relaxed"
  | "radius-collapsed";

/** One table of status messages, shared by every optimizer. */
export const STATUS_MESSAGES: Readonly<Record<Status, string>> = {
  "gradient-tolerance": "converged: the gradient norm fell below gradientTolerance",
  "relative-decrease": "converged: the relative decrease of the objective fell below relativeDecrease",
  "max-iterations": "stopped: the iteration budget (maxIterations) is spent",
  "max-evaluations": "stopped: the evaluation budget (maxEvaluations) is spent",
  "line-search-failed": "stopped: the line search found no acceptable step (the gradient may be wrong, or the problem at round-off)",
  "non-finite": "stopped: the objective or its gradient is NaN or infinite",
  "target-reached": "found: a minimum reached the target value (within targetTolerance)",
  "max-steps": "stopped: the basin-hopping step budget (steps) is spent",
  "max-minimizations": "stopped: the basin-hopping budget of local minimizations (maxMinimizations) is spent",
  "start-not-relaxed": "stopped: the relaxation of the starting point did not reach a minimum (raise localIterations, or start closer to one)",
  "radius-collapsed": "stopped: the trust region shrank to round-off without an acceptable step (the gradient or the Hessian products may be wrong, or the problem at round-off)",
};

/** What every optimizer returns. */
export interface OptimizeResult {
  /** The best point found. */
  x: Float64Array;
  /** f(x). */
  value: number;
  /** |grad f(x)| (Euclidean). */
  gradientNorm: number;
  /** Iterations taken. */
  iterations: number;
  /** Objective evaluations (value and gradient together). */
  evaluations: number;
  /** Whether a convergence criterion (not a budget or a failure) ended the run. */
  success: boolean;
  status: Status;
  /** The status in words, from {@link STATUS_MESSAGES}. */
  message: string;
}

/** The result of a run that stops at x with `status` (a success for a convergence criterion). */
export function outcome(x: Float64Array, value: number, gradientNorm: number, iterations: number, evaluations: number, status: Status): OptimizeResult {
  return {
    x, value, gradientNorm, iterations, evaluations,
    success: status === "gradient-tolerance" || status === "relative-decrease", status, message: STATUS_MESSAGES[status],
  };
}

/** Why a run stops before another iteration (the gradient small enough, or a budget spent), or null to go on. */
export function stopBefore(gradientNorm: number, gtol: number, iteration: number, maxIterations: number, evaluations: number, maxEvaluations: number): Status | null {
  if (gradientNorm <= gtol) return "gradient-tolerance";
  if (iteration >= maxIterations) return "max-iterations";
  if (evaluations >= maxEvaluations) return "max-evaluations";
  return null;
}

/**
 * Everything a descent method needs to continue exactly where it was: plain
 * JSON (numbers round-trip exactly), so a run can be resumed from disk and end
 * with the same bytes as an uninterrupted one.
 */
export interface OptimizerState {
  method: string;
  x: number[];
  gradient: number[];
  value: number;
  evaluations: number;
  iteration: number;
  previousStep: number;
  previousSlope: number;
  /** The direction rule's own memory (L-BFGS pairs, CG direction). */
  rule: unknown;
}

/** Emitted after every iteration. */
export interface IterationEvent {
  iteration: number;
  value: number;
  gradientNorm: number;
  /** Step length accepted by the line search. */
  step: number;
  /** Evaluations so far. */
  evaluations: number;
  /** The current iterate (a copy, safe to keep). */
  x: Float64Array;
  /** Wall time since the start (s). */
  seconds: number;
  /** The optimizer's state after this iteration, for resuming (methods that support it). */
  state?: OptimizerState;
}

/** Stopping rules shared by every optimizer. */
export interface StoppingRules {
  /** Stop when |grad f| <= gradientTolerance. Default 1e-8. */
  gradientTolerance?: number;
  /** Stop when (f_prev - f) / max(|f_prev|, |f|, 1e-300) <= relativeDecrease. Default 0 (off). */
  relativeDecrease?: number;
  /** Iteration budget. Default 1000. */
  maxIterations?: number;
  /** Evaluation budget. Default 10 * maxIterations. */
  maxEvaluations?: number;
}
