/**
 * Line searches on phi(a) = f(x + a p): a strong-Wolfe search (Nocedal &
 * Wright, Algorithms 3.5 and 3.6, with safeguarded cubic interpolation) and
 * Armijo backtracking.
 */
import { InputError, NonFiniteError } from "../core/errors.js";
import type { Objective } from "./types.js";
import { axpyv, dotv } from "./vector.js";

/** Options of the line searches. */
export interface LineSearchOptions {
  /** Sufficient-decrease constant, 0 < c1 < c2. Default 1e-4. */
  c1?: number;
  /** Curvature constant, c1 < c2 < 1 (strong Wolfe only). Default 0.9. */
  c2?: number;
  /** Most evaluations one search may spend. Default 25. */
  maxEvaluations?: number;
  /**
   * Round-off of the objective, relative to |f(x)|: a trial whose value is within
   * roundOff |f(x)| of f(x) counts as not increasing it (strong Wolfe only; the
   * approximate Wolfe conditions of Hager & Zhang 2005), so near a minimum, where
   * the predicted decrease is below the objective's rounding, steps are judged by
   * the curvature condition on the gradient alone. Default 1e-12 (0: plain strong Wolfe).
   */
  roundOff?: number;
}

/** The outcome of a line search; on success `x`, `gradient`, `value` hold the accepted point. */
export interface LineSearchResult {
  success: boolean;
  step: number;
  value: number;
  evaluations: number;
}

/** Scratch point of a line search: the trial x and its gradient. */
export interface LinePoint {
  x: Float64Array;
  gradient: Float64Array;
}

/**
 * f at a trial point. A point the objective rejects as input (an InputError,
 * e.g. a model past a stability limit) or whose value is not finite counts as
 * +Infinity, so the search shortens the step; other errors propagate.
 */
export function trialValue(f: Objective, x: Float64Array, gradient: Float64Array): number {
  try {
    return f(x, gradient);
  } catch (e) {
    if (e instanceof InputError || e instanceof NonFiniteError) return Infinity;
    throw e;
  }
}

function checkConstants(c1: number, c2: number): void {
  if (!(c1 > 0 && c1 < c2 && c2 < 1)) {
    throw new InputError("lineSearch", `needs 0 < c1 < c2 < 1, got c1 = ${c1}, c2 = ${c2}`);
  }
}

/** Minimizer of the cubic through (a, fa, da), (b, fb, db), kept inside the middle 80% of [a, b]; bisection when undefined. */
function cubicStep(a: number, fa: number, da: number, b: number, fb: number, db: number): number {
  const lo = Math.min(a, b), hi = Math.max(a, b), width = hi - lo;
  const d1 = da + db - (3 * (fa - fb)) / (a - b);
  const disc = d1 * d1 - da * db;
  let t = NaN;
  if (disc >= 0) {
    const d2 = Math.sign(b - a) * Math.sqrt(disc);
    t = b - ((b - a) * (db + d2 - d1)) / (db - da + 2 * d2);
  }
  if (!Number.isFinite(t)) t = 0.5 * (a + b);
  return Math.min(Math.max(t, lo + 0.1 * width), hi - 0.1 * width);
}

/**
 * Finds a step satisfying the strong Wolfe conditions
 * phi(a) <= phi(0) + c1 a phi'(0) and |phi'(a)| <= c2 |phi'(0)|, where the
 * first is also met by phi(a) <= phi(0) + roundOff |phi(0)| (see
 * {@link LineSearchOptions.roundOff}): at the round-off floor of the objective
 * the sufficient decrease cannot be seen, the gradient still can.
 *
 * @param value0 f(x); @param slope0 phi'(0) = grad f(x) . p, negative
 * @param initialStep first trial step
 * @param out receives the accepted point (x + a p and its gradient)
 */
export function strongWolfe(
  f: Objective, x: Float64Array, p: Float64Array, value0: number, slope0: number,
  initialStep: number, out: LinePoint, options: LineSearchOptions = {},
): LineSearchResult {
  const c1 = options.c1 ?? 1e-4;
  const c2 = options.c2 ?? 0.9;
  const budget = options.maxEvaluations ?? 25;
  const roundOff = options.roundOff ?? 1e-12;
  checkConstants(c1, c2);
  if (!(roundOff >= 0 && roundOff < 1)) throw new InputError("lineSearch.roundOff", `needs 0 <= roundOff < 1, got ${roundOff}`);
  const floor = value0 + roundOff * Math.abs(value0);
  /** Whether phi(a) = v is too high: above the sufficient-decrease line and above the round-off floor (values below the floor are equal within round-off). */
  const tooHigh = (a: number, v: number) => v > value0 + c1 * a * slope0 && v > floor;
  let evaluations = 0;
  const phi = (a: number): [number, number] => {
    evaluations++;
    axpyv(out.x, x, a, p);
    const v = trialValue(f, out.x, out.gradient);
    return [v, Number.isFinite(v) ? dotv(out.gradient, p) : NaN];
  };
  const done = (step: number, value: number): LineSearchResult => ({ success: true, step, value, evaluations });
  const fail = (step: number, value: number): LineSearchResult => ({ success: false, step, value, evaluations });

  let prevA = 0, prevV = value0, prevD = slope0;
  let a = initialStep;
  for (let i = 0; evaluations < budget; i++) {
    const [v, d] = phi(a);
    if (!Number.isFinite(v) || !Number.isFinite(d)) {
      // Step into a region where the objective is undefined: shrink towards the last good step.
      if (evaluations >= budget) return fail(a, v);
      a = 0.5 * (prevA + a);
      continue;
    }
    if (tooHigh(a, v) || (i > 0 && v >= prevV && v > floor)) return zoom(prevA, prevV, prevD, a, v, d);
    if (Math.abs(d) <= -c2 * slope0) return done(a, v);
    if (d >= 0) return zoom(a, v, d, prevA, prevV, prevD);
    prevA = a; prevV = v; prevD = d;
    a *= 2;
  }
  return fail(a, NaN);

  function zoom(lo: number, vlo: number, dlo: number, hi: number, vhi: number, dhi: number): LineSearchResult {
    while (evaluations < budget) {
      const a = cubicStep(lo, vlo, dlo, hi, vhi, dhi);
      const [v, d] = phi(a);
      if (!Number.isFinite(v) || tooHigh(a, v) || (v >= vlo && v > floor)) {
        hi = a; vhi = Number.isFinite(v) ? v : Infinity; dhi = Number.isFinite(d) ? d : 0;
      } else {
        if (Math.abs(d) <= -c2 * slope0) return done(a, v);
        if (d * (hi - lo) >= 0) {
          hi = lo; vhi = vlo; dhi = dlo;
        }
        lo = a; vlo = v; dlo = d;
      }
      if (Math.abs(hi - lo) <= 1e-14 * Math.max(Math.abs(lo), Math.abs(hi))) break;
    }
    return fail(lo, vlo);
  }
}

/** What {@link armijoBacktracking} found. */
export interface BacktrackingResult {
  accepted: boolean;
  /** The accepted step (or the next one that would have been tried). */
  step: number;
  /** The objective there (NaN when nothing was accepted). */
  value: number;
  evaluations: number;
}

/** Halving: the shortening rule of searches that know no slope along their path. */
const halve = (step: number) => 0.5 * step;

/**
 * Armijo backtracking, the one loop every backtracking search runs: tries
 * step0 and then shorter steps (`shorten(step, value)` gives the next; halving
 * by default) — at most `maxTries` — and accepts the first finite trial with
 * value <= value0 + c1 * decrease, where `trial(step)` returns the trial's
 * value and the first-order decrease it is held to (step * slope on a line,
 * g . (P(x + step d) - x) on a projected path, the Gauss-Newton model's on
 * its misfit).
 */
export function armijoBacktracking(
  value0: number, step0: number, c1: number, maxTries: number,
  trial: (step: number) => { value: number; decrease: number },
  shorten: (step: number, value: number) => number = halve,
): BacktrackingResult {
  let step = step0, evaluations = 0;
  while (evaluations < maxTries) {
    const t = trial(step);
    evaluations++;
    if (Number.isFinite(t.value) && t.value <= value0 + c1 * t.decrease) return { accepted: true, step, value: t.value, evaluations };
    step = shorten(step, t.value);
  }
  return { accepted: false, step, value: NaN, evaluations };
}

/**
 * Armijo backtracking along the line x + a p: {@link armijoBacktracking} whose
 * shortening takes the minimizer of the quadratic through phi(0), phi'(0),
 * phi(a), kept in [0.1 a, 0.5 a] (halving after a non-finite trial).
 */
export function backtracking(
  f: Objective, x: Float64Array, p: Float64Array, value0: number, slope0: number,
  initialStep: number, out: LinePoint, options: LineSearchOptions = {},
): LineSearchResult {
  const c1 = options.c1 ?? 1e-4;
  const budget = options.maxEvaluations ?? 25;
  if (!(c1 > 0 && c1 < 1)) throw new InputError("lineSearch.c1", `needs 0 < c1 < 1, got ${c1}`);
  const quadratic = (a: number, v: number) => {
    const q = Number.isFinite(v) ? (-slope0 * a * a) / (2 * (v - value0 - slope0 * a)) : 0.5 * a;
    return Math.min(Math.max(q, 0.1 * a), 0.5 * a);
  };
  const r = armijoBacktracking(value0, initialStep, c1, budget, (a) => {
    axpyv(out.x, x, a, p);
    return { value: trialValue(f, out.x, out.gradient), decrease: a * slope0 };
  }, quadratic);
  return { success: r.accepted, step: r.step, value: r.value, evaluations: r.evaluations };
}
