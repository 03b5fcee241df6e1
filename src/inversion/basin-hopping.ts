/**
 * Basin hopping (Wales & Doye 1997): a global search over the local minima of
 * a smooth objective. Each step perturbs the current minimum by a seeded
 * uniform displacement, relaxes it with the engine's L-BFGS, and accepts the
 * new minimum by the Metropolis rule at temperature T; the step size adapts
 * towards a target acceptance rate. It knows no physics: a potential energy
 * is one objective among others, and a `constrain` hook keeps trial points
 * sensible (e.g. atoms from drifting away).
 */
import { option } from "./options.js";
import { InputError } from "../core/errors.js";
import { Random } from "../core/random.js";
import { run } from "./descent.js";
import { lbfgs } from "./methods.js";
import type { Objective, OptimizeResult } from "./types.js";

/** Options of {@link basinHopping}. */
export interface BasinHoppingOptions {
  /** Seed of every random choice (perturbations and acceptance). */
  seed: number;
  /** Basin-hopping steps (local minimizations after the first). */
  steps: number;
  /** Metropolis temperature, in objective units. */
  temperature: number;
  /** Largest displacement of each coordinate in a perturbation (adapted). */
  stepSize: number;
  /** Every `interval` steps the step size is multiplied or divided by `factor` towards the `target` acceptance rate. Default { interval: 10, target: 0.5, factor: 0.9 }. */
  adapt?: { interval: number; target: number; factor: number };
  /** L-BFGS stops when |gradient| <= this (so every component is below it too). Default 1e-6. */
  gradientTolerance?: number;
  /** L-BFGS iteration budget per local minimization. Default 1000. */
  localIterations?: number;
  /** Stop as soon as a minimum reaches value <= target + targetTolerance (e.g. a tabulated global minimum). */
  target?: number;
  /** Default 1e-6. */
  targetTolerance?: number;
  /** Budget of objective evaluations over the whole search. Default unlimited. */
  maxEvaluations?: number;
  /** Applied to each perturbed point before it is relaxed (in place). */
  constrain?: (x: Float64Array) => void;
  /** Called after every step with the step number, the current and the best value. */
  onStep?: (step: number, current: number, best: number) => void;
}

/** One accepted minimum of the search. */
export interface AcceptedMinimum {
  /** Basin-hopping step that found it (0: the first relaxation). */
  step: number;
  value: number;
  x: Float64Array;
}

/** What {@link basinHopping} returns. */
export interface BasinHoppingResult {
  /** The lowest minimum found. */
  x: Float64Array;
  value: number;
  /** Step at which the lowest minimum was first found. */
  foundAt: number;
  steps: number;
  localMinimizations: number;
  evaluations: number;
  /** Whether `target` was reached. */
  reachedTarget: boolean;
  /** Every accepted minimum, in order (the search's trajectory). */
  accepted: AcceptedMinimum[];
  /** The final step size. */
  stepSize: number;
}

/** Runs basin hopping from x0; `observer` sees each accepted minimum. */
export function basinHopping(f: Objective, x0: Float64Array, options: BasinHoppingOptions, observer?: (m: AcceptedMinimum) => void): BasinHoppingResult {
  for (const key of ["steps", "temperature", "stepSize"] as const) if (options[key] === undefined) throw new InputError(key, "required");
  const steps = option(options.steps, NaN, "steps", "positive integer");
  const temperature = option(options.temperature, NaN, "temperature", "positive");
  option(options.stepSize, NaN, "stepSize", "positive");
  const rng = new Random(options.seed);
  const adapt = {
    interval: option(options.adapt?.interval, 10, "adapt.interval", "positive integer"),
    target: option(options.adapt?.target, 0.5, "adapt.target", "fraction"),
    factor: option(options.adapt?.factor, 0.9, "adapt.factor", "fraction"),
  };
  const tol = option(options.targetTolerance, 1e-6, "targetTolerance", "non-negative");
  const maxEvaluations = option(options.maxEvaluations, Infinity, "maxEvaluations", "positive integer");
  let evaluations = 0, localMinimizations = 0;
  const gtol = option(options.gradientTolerance, 1e-6, "gradientTolerance", "non-negative");
  const localIterations = option(options.localIterations, 1000, "localIterations", "positive integer");
  // A relaxation found a minimum when it converged; a line search that stalls with a gradient
  // within 100 gtol has reached round-off (measured on LJ38: 1,418 of 1,420 relaxations end so, at
  // |g| <= 2e-5 for gtol = 1e-6). Spent budgets and non-finite values are not minima.
  const converged = (r: OptimizeResult) =>
    r.status === "gradient-tolerance" || r.status === "relative-decrease" || (r.status === "line-search-failed" && r.gradientNorm <= 100 * gtol);
  const relax = (x: Float64Array) => {
    const iterations = localIterations;
    const left = maxEvaluations - evaluations;
    const r = run(lbfgs(f, x, {
      maxIterations: iterations, maxEvaluations: left === Infinity ? 10 * iterations : Math.max(2, left), gradientTolerance: gtol,
    }));
    evaluations += r.evaluations;
    localMinimizations++;
    return r;
  };
  const first = relax(Float64Array.from(x0));
  let current = { x: first.x, value: first.value };
  let best = { ...current, step: 0 };
  const accepted: AcceptedMinimum[] = [{ step: 0, value: current.value, x: Float64Array.from(current.x) }];
  observer?.(accepted[0]);
  const reached = () => options.target !== undefined && best.value <= options.target + tol;
  let stepSize = options.stepSize;
  let acceptedInWindow = 0, step = 0;
  while (step < steps && !reached() && evaluations < maxEvaluations) {
    step++;
    const trial = Float64Array.from(current.x);
    for (let i = 0; i < trial.length; i++) trial[i] += stepSize * (2 * rng.uniform() - 1);
    options.constrain?.(trial);
    const r = relax(trial);
    const u = rng.uniform();
    if (converged(r) && Number.isFinite(r.value) && (r.value < current.value || u < Math.exp(-(r.value - current.value) / temperature))) {
      current = { x: r.x, value: r.value };
      acceptedInWindow++;
      const m = { step, value: r.value, x: Float64Array.from(r.x) };
      accepted.push(m);
      observer?.(m);
      if (r.value < best.value) best = { ...current, step };
    }
    options.onStep?.(step, current.value, best.value);
    if (step % adapt.interval === 0) {
      stepSize = acceptedInWindow / adapt.interval > adapt.target ? stepSize / adapt.factor : stepSize * adapt.factor;
      acceptedInWindow = 0;
    }
  }
  return {
    x: best.x, value: best.value, foundAt: best.step, steps: step, localMinimizations, evaluations,
    reachedTarget: reached(), accepted, stepSize,
  };
}
