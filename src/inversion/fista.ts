/**
 * FISTA (Beck & Teboulle 2009) for f(x) + lambda |x|_1 with f smooth: the L1
 * term is handled by its proximal operator (soft thresholding), not by a
 * subgradient, so exact zeros appear. Backtracking finds the Lipschitz
 * estimate L; momentum gives the O(1/k^2) rate.
 */
import { decreasedTooLittle, option, stoppingRules } from "./options.js";
import { InputError } from "../core/errors.js";
import { outcome, type IterationEvent, type Objective, type OptimizeResult, type Status, type StoppingRules } from "./types.js";
import { allFinite } from "./vector.js";

/** Options of {@link fista}. */
export interface FistaOptions extends StoppingRules {
  /** Weight lambda of |x|_1 (>= 0). */
  l1: number;
  /** First Lipschitz estimate of grad f. Default 1. */
  lipschitz?: number;
}

/** prox of tau |.|_1: sign(v) max(|v| - tau, 0), elementwise into out (may be v). */
export function softThreshold(v: Float64Array, tau: number, out: Float64Array = v): Float64Array {
  for (let i = 0; i < v.length; i++) {
    const a = Math.abs(v[i]) - tau;
    out[i] = a > 0 ? Math.sign(v[i]) * a : 0;
  }
  return out;
}

/**
 * Minimizes f(x) + l1 |x|_1. `value` in events and the result is the whole
 * objective; `gradientNorm` is the norm of the gradient mapping L (x+ - y),
 * which vanishes exactly at a minimizer, and `gradientTolerance` applies to it.
 */
export function* fista(f: Objective, x0: Float64Array, options: FistaOptions): Generator<IterationEvent, OptimizeResult> {
  if (options.l1 === undefined) throw new InputError("l1", "required: the weight of |x|_1");
  const lambda = option(options.l1, 0, "l1", "non-negative");
  let L = option(options.lipschitz, 1, "lipschitz", "positive");
  const rules = stoppingRules(options, { maxIterations: 1000, evaluationsPerIteration: 20 });
  const { gradientTolerance: gtol, maxIterations, maxEvaluations } = rules;
  const n = x0.length;
  const t0 = performance.now();
  const l1 = (v: Float64Array) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += Math.abs(v[i]);
    return lambda * s;
  };

  const x = Float64Array.from(x0);
  const xPrev = Float64Array.from(x0);
  const yv = Float64Array.from(x0);
  const gy = new Float64Array(n);
  const trial = new Float64Array(n);
  const scratch = new Float64Array(n);
  let t = 1;
  let evaluations = 0;
  let iteration = 0;
  let value = f(x, scratch) + l1(x);
  evaluations++;
  let mappingNorm = Infinity;

  const finish = (status: Status): OptimizeResult => outcome(x, value, mappingNorm, iteration, evaluations, status);
  if (!Number.isFinite(value)) return finish("non-finite");

  for (;;) {
    if (iteration >= maxIterations) return finish("max-iterations");
    if (evaluations >= maxEvaluations) return finish("max-evaluations");
    const fy = f(yv, gy);
    evaluations++;
    if (!Number.isFinite(fy) || !allFinite(gy)) return finish("non-finite");
    // Backtracking on L: f(x+) <= f(y) + g.(x+ - y) + L/2 |x+ - y|^2.
    let fTrial = NaN;
    for (;;) {
      for (let i = 0; i < n; i++) trial[i] = yv[i] - gy[i] / L;
      softThreshold(trial, lambda / L);
      fTrial = f(trial, scratch);
      evaluations++;
      let model = fy;
      for (let i = 0; i < n; i++) {
        const d = trial[i] - yv[i];
        model += gy[i] * d + 0.5 * L * d * d;
      }
      if (Number.isFinite(fTrial) && fTrial <= model * (1 + 1e-15) + 1e-300) break;
      if (evaluations >= maxEvaluations) return finish("max-evaluations");
      L *= 2;
    }
    let m2 = 0;
    for (let i = 0; i < n; i++) m2 += (trial[i] - yv[i]) ** 2;
    mappingNorm = L * Math.sqrt(m2);
    const tNext = (1 + Math.sqrt(1 + 4 * t * t)) / 2;
    xPrev.set(x);
    x.set(trial);
    for (let i = 0; i < n; i++) yv[i] = x[i] + ((t - 1) / tNext) * (x[i] - xPrev[i]);
    t = tNext;
    const previousValue = value;
    value = fTrial + l1(x);
    iteration++;
    yield { iteration, value, gradientNorm: mappingNorm, step: 1 / L, evaluations, x: Float64Array.from(x), seconds: (performance.now() - t0) / 1000 };
    if (mappingNorm <= gtol) return finish("gradient-tolerance");
    if (decreasedTooLittle(rules, previousValue, value)) return finish("relative-decrease");
  }
}
