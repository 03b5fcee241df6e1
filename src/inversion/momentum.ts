/**
 * Momentum methods: the heavy ball (Polyak 1964) and Nesterov's accelerated
 * gradient (1983), each with a fixed step or a backtracked one. With the
 * velocity v_k = x_k - x_{k-1}, step alpha, momentum beta and P the projection
 * on the bounds (the identity without):
 *
 *   heavy ball:  x_{k+1} = P(x_k + beta v_k - alpha g(x_k))
 *   Nesterov:    y_k = P(x_k + beta v_k),   x_{k+1} = P(y_k - alpha g(y_k))
 *
 * The heavy ball's gradient is taken at x_k, Nesterov's at the extrapolated
 * y_k, so a Nesterov run reports y_k (events' x, value and gradient norm, and
 * its result): the point whose gradient is known. x_k and y_k converge together.
 *
 * On a quadratic with Hessian eigenvalues in [mu, L], kappa = L / mu, the
 * parameters of {@link optimalMomentum} contract the error per iteration by
 * about (sqrt(kappa) - 1) / (sqrt(kappa) + 1) (heavy ball) and
 * 1 - 1 / sqrt(kappa) (Nesterov), against (kappa - 1) / (kappa + 1) for the
 * gradient step 2 / (L + mu) without momentum (beta = 0): iterations to a given
 * error grow like sqrt(kappa) instead of kappa.
 *
 * Without a fixed step each iteration backtracks (halving, from twice the last
 * accepted step) along the projected gradient path from the point z whose
 * gradient is known until f(P(z - alpha g)) <= f(z) + 1/2 g . (P(z - alpha g) - z),
 * the descent lemma's test, which every alpha <= 1/L passes; the trials' values
 * are all that is used of them, and the new point costs one more evaluation.
 *
 * Restart (O'Donoghue & Candès 2015): when the reported value rises, the
 * velocity is dropped and the next step is a gradient step. On by default with
 * backtracking (L and mu unknown, beta a guess), off with a fixed step.
 * Assumptions: f is smooth; for the rates, strongly convex with known mu and L.
 */
import { InputError } from "../core/errors.js";
import { restore } from "./descent.js";
import { armijoBacktracking, trialValue } from "./line-search.js";
import { decreasedTooLittle, option, stoppingRules } from "./options.js";
import { boxOf, projectedGradientNorm, type Bounds } from "./projected.js";
import { outcome, stopBefore, type IterationEvent, type Objective, type OptimizeResult, type OptimizerState, type Status, type StoppingRules } from "./types.js";
import { allFinite, normv } from "./vector.js";

/** Options of {@link heavyBall} and {@link nesterov}. */
export interface MomentumOptions extends StoppingRules {
  /** A fixed step alpha (units of x per unit of gradient); omitted, each step is backtracked (see the module documentation). */
  step?: number;
  /** Momentum beta, 0 <= beta < 1. Default 0.9. */
  momentum?: number;
  /** Drop the velocity when the objective rises. Default: true with backtracking, false with a fixed step. */
  restart?: boolean;
  /** Box bounds, kept by projection. Default none. */
  bounds?: Bounds;
  /** Most halvings of a backtracking search. Default 30. */
  maxBacktracks?: number;
  /** Continue from a state an earlier run's event carried, instead of starting at x0. */
  resume?: OptimizerState;
  /** Whether each event carries `state` (default true). */
  resumable?: boolean;
}

/** Which momentum method; also the name recorded in its states. */
export type MomentumMethod = "heavy-ball" | "nesterov";

/** What a momentum method remembers between iterations (its `state.rule`). */
interface MomentumMemory {
  velocity: number[];
  /** Nesterov's x_k (y_k is reported); null for the heavy ball, whose x_k is its reported point. */
  anchor: number[] | null;
}

/**
 * The optimal fixed parameters on a quadratic with Hessian eigenvalues in [mu, L]:
 * heavy ball alpha = 4 / (sqrt L + sqrt mu)^2, beta = ((sqrt L - sqrt mu) / (sqrt L + sqrt mu))^2
 * (Polyak 1964); Nesterov alpha = 1 / L, beta = (sqrt L - sqrt mu) / (sqrt L + sqrt mu).
 */
export function optimalMomentum(method: MomentumMethod, mu: number, L: number): { step: number; momentum: number } {
  if (!(mu > 0 && L >= mu && Number.isFinite(L))) throw new InputError("optimalMomentum", `needs 0 < mu <= L < Infinity, got mu = ${mu}, L = ${L}`);
  const a = Math.sqrt(L), b = Math.sqrt(mu);
  const q = (a - b) / (a + b);
  return method === "heavy-ball" ? { step: 4 / ((a + b) * (a + b)), momentum: q * q } : { step: 1 / L, momentum: q };
}

/** The heavy ball (Polyak's momentum): see the module documentation. */
export function heavyBall(f: Objective, x0: Float64Array, options: MomentumOptions = {}): Generator<IterationEvent, OptimizeResult> {
  return momentum(f, x0, "heavy-ball", options);
}

/** Nesterov's accelerated gradient: see the module documentation. */
export function nesterov(f: Objective, x0: Float64Array, options: MomentumOptions = {}): Generator<IterationEvent, OptimizeResult> {
  return momentum(f, x0, "nesterov", options);
}

function* momentum(f: Objective, x0: Float64Array, method: MomentumMethod, options: MomentumOptions): Generator<IterationEvent, OptimizeResult> {
  const n = x0.length;
  const { lower, upper } = boxOf(options.bounds ?? {}, n);
  const fixed = options.step === undefined ? undefined : option(options.step, 1, "step", "positive");
  const rules = stoppingRules(options, { maxIterations: 1000, evaluationsPerIteration: fixed === undefined ? 10 : 2 });
  const { gradientTolerance: gtol, maxIterations, maxEvaluations } = rules;
  const beta = option(options.momentum, 0.9, "momentum", "unit interval");
  const restart = options.restart ?? fixed === undefined;
  const maxBacktracks = option(options.maxBacktracks, 30, "maxBacktracks", "non-negative integer");
  const resumable = options.resumable ?? true;
  const clamp = (v: number, i: number) => Math.min(Math.max(v, lower[i]), upper[i]);
  const t0 = performance.now();

  // z: the point whose gradient is known (x_k for the heavy ball, y_k for Nesterov).
  let z: Float64Array = Float64Array.from(x0, clamp);
  let g: Float64Array = new Float64Array(n);
  const v = new Float64Array(n);
  const anchor = Float64Array.from(z);
  let value: number;
  let evaluations: number;
  let iteration = 0;
  let alpha = fixed ?? 0; // 0: no step accepted yet
  const resume = options.resume;
  if (resume !== undefined) {
    ({ x: z, g, value, evaluations, iteration } = restore(resume, method, n));
    alpha = resume.previousStep;
    const memory = resume.rule as MomentumMemory;
    v.set(memory.velocity);
    anchor.set(memory.anchor ?? z);
  } else {
    value = f(z, g);
    evaluations = 1;
  }
  let next: Float64Array = new Float64Array(n);
  let gNext: Float64Array = new Float64Array(n);
  const xt = new Float64Array(n);
  const gt = new Float64Array(n);
  const pgNorm = () => projectedGradientNorm(z, g, lower, upper);
  const finish = (status: Status): OptimizeResult => outcome(z, value, pgNorm(), iteration, evaluations, status);
  const snapshot = (): OptimizerState => ({
    method, x: Array.from(z), gradient: Array.from(g), value, evaluations, iteration, previousStep: alpha, previousSlope: 0,
    rule: { velocity: Array.from(v), anchor: method === "nesterov" ? Array.from(anchor) : null } satisfies MomentumMemory,
  });

  if (!Number.isFinite(value) || !allFinite(g)) return finish("non-finite");
  for (;;) {
    const stop = stopBefore(pgNorm(), gtol, iteration, maxIterations, evaluations, maxEvaluations);
    if (stop !== null) return finish(stop);

    let fallback = NaN; // the backtracked gradient step's value, a safe point if the momentum step is not
    if (fixed === undefined) {
      const first = alpha > 0 ? 2 * alpha : Math.min(1, 1 / normv(g));
      const search = armijoBacktracking(value, first, 0.5, Math.min(maxBacktracks + 1, maxEvaluations - evaluations), (a) => {
        let decrease = 0;
        for (let i = 0; i < n; i++) {
          xt[i] = clamp(z[i] - a * g[i], i);
          decrease += g[i] * (xt[i] - z[i]);
        }
        return { value: trialValue(f, xt, gt), decrease };
      });
      evaluations += search.evaluations;
      if (!search.accepted) return finish(evaluations >= maxEvaluations ? "max-evaluations" : "line-search-failed");
      if (evaluations >= maxEvaluations) return finish("max-evaluations");
      alpha = search.step;
      fallback = search.value;
    }
    if (method === "heavy-ball") {
      for (let i = 0; i < n; i++) {
        next[i] = clamp(z[i] + beta * v[i] - alpha * g[i], i);
        v[i] = next[i] - z[i];
      }
    } else {
      for (let i = 0; i < n; i++) {
        const x = clamp(z[i] - alpha * g[i], i);
        v[i] = x - anchor[i];
        anchor[i] = x;
        next[i] = clamp(x + beta * v[i], i);
      }
    }
    let nextValue = fixed === undefined ? trialValue(f, next, gNext) : f(next, gNext);
    evaluations++;
    if (!Number.isFinite(nextValue) && Number.isFinite(fallback)) {
      // The momentum step left the objective's domain (a model past a stability limit, say): take the gradient step.
      next.set(xt);
      gNext.set(gt);
      nextValue = fallback;
      v.fill(0);
      anchor.set(xt);
    }
    if (!Number.isFinite(nextValue) || !allFinite(gNext)) return finish("non-finite");
    const previous = value;
    value = nextValue;
    [z, next] = [next, z];
    [g, gNext] = [gNext, g];
    if (restart && value > previous) {
      v.fill(0);
      anchor.set(z);
    }
    iteration++;
    yield { iteration, value, gradientNorm: pgNorm(), step: alpha, evaluations, x: Float64Array.from(z), seconds: (performance.now() - t0) / 1000, state: resumable ? snapshot() : undefined };
    if (decreasedTooLittle(rules, previous, value)) return finish("relative-decrease");
  }
}
