/**
 * Box constraints by projection: projected L-BFGS (a projected quasi-Newton
 * method in the manner of Kim, Sra & Dhillon 2010): variables held at a bound
 * by the gradient are fixed for the step, the L-BFGS direction moves the free
 * ones, and an Armijo backtracking search runs along the projected path.
 */
import { decreasedTooLittle, option, stoppingRules } from "./options.js";
import { InputError } from "../core/errors.js";
import { restore } from "./descent.js";
import { LbfgsMemory } from "./lbfgs-memory.js";
import { armijoBacktracking, trialValue as trialValueOf } from "./line-search.js";
import { outcome, stopBefore, type IterationEvent, type Objective, type OptimizeResult, type OptimizerState, type Status, type StoppingRules } from "./types.js";
import { allFinite, dotv, normv } from "./vector.js";

/** Lower and upper bounds, per variable or one number for all; omitted sides are unbounded. */
export interface Bounds {
  lower?: Float64Array | number;
  upper?: Float64Array | number;
}

/** Options of {@link projectedLbfgs}. */
export interface ProjectedOptions extends StoppingRules {
  /** L-BFGS pairs kept. Default 10. */
  memory?: number;
  /** Armijo constant. Default 1e-4. */
  c1?: number;
  /** Most step halvings per iteration. Default 30. */
  maxBacktracks?: number;
  /** Continue from a state an earlier run's event carried, instead of starting at x0. */
  resume?: OptimizerState;
}

/** Expands bounds to arrays of length n, checking lower <= upper. */
export function boxOf(bounds: Bounds, n: number): { lower: Float64Array; upper: Float64Array } {
  const expand = (b: Float64Array | number | undefined, fill: number, name: string) => {
    if (b === undefined || typeof b === "number") return new Float64Array(n).fill(b ?? fill);
    if (b.length !== n) throw new InputError(name, `expected ${n} values, got ${b.length}`);
    return b;
  };
  const lower = expand(bounds.lower, -Infinity, "bounds.lower");
  const upper = expand(bounds.upper, Infinity, "bounds.upper");
  for (let i = 0; i < n; i++) {
    if (!(lower[i] <= upper[i])) throw new InputError(`bounds[${i}]`, `lower ${lower[i]} exceeds upper ${upper[i]}`);
  }
  return { lower, upper };
}

/** out = clamp(x, lower, upper); out may be x. */
export function project(x: Float64Array, lower: Float64Array, upper: Float64Array, out: Float64Array = x): Float64Array {
  for (let i = 0; i < x.length; i++) out[i] = Math.min(Math.max(x[i], lower[i]), upper[i]);
  return out;
}

/** |P(x - g) - x|: the gradient norm that vanishes at a minimizer over the box (|g| without bounds). */
export function projectedGradientNorm(x: Float64Array, g: Float64Array, lower: Float64Array, upper: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < x.length; i++) {
    const d = Math.min(Math.max(x[i] - g[i], lower[i]), upper[i]) - x[i];
    sum += d * d;
  }
  return Math.sqrt(sum);
}

const METHOD = "projected-lbfgs";

/** Minimizes f over the box; the gradient criterion uses the projected gradient |P(x - g) - x|. */
export function* projectedLbfgs(f: Objective, x0: Float64Array, bounds: Bounds, options: ProjectedOptions = {}): Generator<IterationEvent, OptimizeResult> {
  const n = x0.length;
  const { lower, upper } = boxOf(bounds, n);
  const rules = stoppingRules(options, { maxIterations: 1000, evaluationsPerIteration: 10 });
  const { gradientTolerance: gtol, maxIterations, maxEvaluations } = rules;
  const c1 = option(options.c1, 1e-4, "c1", "fraction");
  const maxBacktracks = option(options.maxBacktracks, 30, "maxBacktracks", "non-negative integer");
  const memory = new LbfgsMemory(option(options.memory, 10, "memory", "positive integer"));
  const t0 = performance.now();

  const resume = options.resume;
  let x: Float64Array = project(Float64Array.from(x0), lower, upper);
  let g: Float64Array = new Float64Array(n);
  let value: number;
  let evaluations: number;
  let iteration = 0;
  if (resume !== undefined) {
    ({ x, g, value, evaluations, iteration } = restore(resume, METHOD, n));
    memory.load(resume.rule);
  } else {
    value = f(x, g);
    evaluations = 1;
  }
  let xt: Float64Array = new Float64Array(n);
  let gt: Float64Array = new Float64Array(n);
  const p = new Float64Array(n);
  const s = new Float64Array(n);
  const y = new Float64Array(n);
  const free = new Uint8Array(n);

  const pgNorm = () => projectedGradientNorm(x, g, lower, upper);
  const finish = (status: Status): OptimizeResult => outcome(x, value, pgNorm(), iteration, evaluations, status);

  if (!Number.isFinite(value) || !allFinite(g)) return finish("non-finite");
  for (;;) {
    const stop = stopBefore(pgNorm(), gtol, iteration, maxIterations, evaluations, maxEvaluations);
    if (stop !== null) return finish(stop);

    for (let i = 0; i < n; i++) free[i] = (x[i] <= lower[i] && g[i] > 0) || (x[i] >= upper[i] && g[i] < 0) ? 0 : 1;
    memory.direction(g, p, free);
    if (!(dotv(g, p) < 0)) {
      memory.reset();
      for (let i = 0; i < n; i++) p[i] = free[i] ? -g[i] : 0;
    }
    // Along the projected path x(step) = P(x + step p), held to the decrease g . (x(step) - x).
    const search = armijoBacktracking(value, iteration === 0 ? Math.min(1, 1 / normv(g)) : 1, c1, Math.min(maxBacktracks + 1, maxEvaluations - evaluations), (step) => {
      for (let i = 0; i < n; i++) xt[i] = Math.min(Math.max(x[i] + step * p[i], lower[i]), upper[i]);
      let decrease = 0;
      for (let i = 0; i < n; i++) decrease += g[i] * (xt[i] - x[i]);
      return { value: trialValueOf(f, xt, gt), decrease };
    });
    evaluations += search.evaluations;
    if (!search.accepted) return finish(evaluations >= maxEvaluations ? "max-evaluations" : "line-search-failed");
    const { step, value: trialValue } = search;
    if (!allFinite(gt)) return finish("non-finite");
    for (let i = 0; i < n; i++) {
      s[i] = xt[i] - x[i];
      y[i] = gt[i] - g[i];
    }
    memory.update(s, y);
    const previousValue = value;
    [x, xt] = [xt, x];
    [g, gt] = [gt, g];
    value = trialValue;
    iteration++;
    const state: OptimizerState = {
      method: METHOD, x: Array.from(x), gradient: Array.from(g), value, evaluations, iteration, previousStep: step, previousSlope: 0, rule: memory.save(),
    };
    yield { iteration, value, gradientNorm: pgNorm(), step, evaluations, x: Float64Array.from(x), seconds: (performance.now() - t0) / 1000, state };
    if (decreasedTooLittle(rules, previousValue, value)) return finish("relative-decrease");
  }
}
