/**
 * Adam (Kingma & Ba 2015): a step per variable from running averages of the
 * gradient and of its square, with their start-up bias removed. At iteration
 * t = 1, 2, ... with gradient g_t:
 *
 *   m_t = beta1 m_{t-1} + (1 - beta1) g_t        v_t = beta2 v_{t-1} + (1 - beta2) g_t^2
 *   x_{t+1} = P(x_t - alpha m_t / (1 - beta1^t) / (sqrt(v_t / (1 - beta2^t)) + epsilon))
 *
 * (P: projection on the bounds). At t = 1 the corrections make the step
 * alpha g / (|g| + epsilon) per variable: about alpha, whatever the gradient's
 * scale, which is why alpha is a length in x, not a step per unit of gradient.
 * One evaluation per iteration, no line search: the objective may rise.
 * Assumptions: f smooth and its gradient exact. With a fixed alpha, Adam is not
 * guaranteed to converge (Reddi, Kale & Kumar 2018); on the smooth convex
 * problem tested (a regularized logistic regression) it reaches a gradient
 * norm of 1e-8 as the averaged gradient vanishes.
 */
import { restore } from "./descent.js";
import { decreasedTooLittle, option, stoppingRules } from "./options.js";
import { boxOf, projectedGradientNorm, type Bounds } from "./projected.js";
import { outcome, stopBefore, type IterationEvent, type Objective, type OptimizeResult, type OptimizerState, type Status, type StoppingRules } from "./types.js";
import { allFinite } from "./vector.js";

/** Options of {@link adam}. */
export interface AdamOptions extends StoppingRules {
  /** Step alpha, a length in x (see the module documentation). Default 1e-3. */
  step?: number;
  /** Decay of the gradient average, 0 <= beta1 < 1. Default 0.9. */
  beta1?: number;
  /** Decay of the squared-gradient average, 0 <= beta2 < 1. Default 0.999. */
  beta2?: number;
  /** Added to the root mean square (units of the gradient). Default 1e-8. */
  epsilon?: number;
  /** Box bounds, kept by projection. Default none. */
  bounds?: Bounds;
  /** Continue from a state an earlier run's event carried, instead of starting at x0. */
  resume?: OptimizerState;
  /** Whether each event carries `state` (default true). */
  resumable?: boolean;
}

/** Adam's moments (its `state.rule`). */
interface AdamMemory {
  m: number[];
  v: number[];
}

const METHOD = "adam";

/** Minimizes f from x0 by Adam: see the module documentation. */
export function* adam(f: Objective, x0: Float64Array, options: AdamOptions = {}): Generator<IterationEvent, OptimizeResult> {
  const n = x0.length;
  const { lower, upper } = boxOf(options.bounds ?? {}, n);
  const rules = stoppingRules(options, { maxIterations: 1000, evaluationsPerIteration: 2 });
  const { gradientTolerance: gtol, maxIterations, maxEvaluations } = rules;
  const alpha = option(options.step, 1e-3, "step", "positive");
  const beta1 = option(options.beta1, 0.9, "beta1", "unit interval");
  const beta2 = option(options.beta2, 0.999, "beta2", "unit interval");
  const epsilon = option(options.epsilon, 1e-8, "epsilon", "non-negative");
  const resumable = options.resumable ?? true;
  const t0 = performance.now();

  let x: Float64Array = Float64Array.from(x0, (v, i) => Math.min(Math.max(v, lower[i]), upper[i]));
  let g: Float64Array = new Float64Array(n);
  const m = new Float64Array(n);
  const v = new Float64Array(n);
  let value: number;
  let evaluations: number;
  let iteration = 0;
  const resume = options.resume;
  if (resume !== undefined) {
    ({ x, g, value, evaluations, iteration } = restore(resume, METHOD, n));
    const memory = resume.rule as AdamMemory;
    m.set(memory.m);
    v.set(memory.v);
  } else {
    value = f(x, g);
    evaluations = 1;
  }
  const xNext = new Float64Array(n);
  const gNext = new Float64Array(n);
  const pgNorm = () => projectedGradientNorm(x, g, lower, upper);
  const finish = (status: Status): OptimizeResult => outcome(x, value, pgNorm(), iteration, evaluations, status);

  if (!Number.isFinite(value) || !allFinite(g)) return finish("non-finite");
  for (;;) {
    const stop = stopBefore(pgNorm(), gtol, iteration, maxIterations, evaluations, maxEvaluations);
    if (stop !== null) return finish(stop);
    const t = iteration + 1;
    const c1 = 1 - beta1 ** t, c2 = 1 - beta2 ** t;
    for (let i = 0; i < n; i++) {
      const gi = g[i];
      m[i] = beta1 * m[i] + (1 - beta1) * gi;
      v[i] = beta2 * v[i] + (1 - beta2) * gi * gi;
      const step = (alpha * (m[i] / c1)) / (Math.sqrt(v[i] / c2) + epsilon);
      xNext[i] = Math.min(Math.max(x[i] - step, lower[i]), upper[i]);
    }
    const nextValue = f(xNext, gNext);
    evaluations++;
    if (!Number.isFinite(nextValue) || !allFinite(gNext)) return finish("non-finite");
    const previous = value;
    x.set(xNext);
    g.set(gNext);
    value = nextValue;
    iteration = t;
    const state: OptimizerState | undefined = resumable
      ? { method: METHOD, x: Array.from(x), gradient: Array.from(g), value, evaluations, iteration, previousStep: alpha, previousSlope: 0, rule: { m: Array.from(m), v: Array.from(v) } satisfies AdamMemory }
      : undefined;
    yield { iteration, value, gradientNorm: pgNorm(), step: alpha, evaluations, x: Float64Array.from(x), seconds: (performance.now() - t0) / 1000, state };
    if (decreasedTooLittle(rules, previous, value)) return finish("relative-decrease");
  }
}
