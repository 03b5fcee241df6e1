/**
 * The stopping rules every optimizer shares ({@link StoppingRules}): validated
 * in one place, and the one relative-decrease test
 *   (f_prev - f) / max(|f_prev|, |f|, 1e-300) <= relativeDecrease,
 * signed, so that for a method whose objective can rise between iterations
 * (FISTA) a rise also stops it.
 */
import { InputError } from "../core/errors.js";
import type { StoppingRules } from "./types.js";

/** Validated stopping rules with their defaults filled in. */
export interface Stopping {
  gradientTolerance: number;
  relativeDecrease: number;
  maxIterations: number;
  maxEvaluations: number;
}

function nonNegative(v: unknown, fallback: number, name: string, integer = false): number {
  if (v === undefined) return fallback;
  if (typeof v !== "number" || !(v >= 0) || (integer && !Number.isInteger(v))) {
    throw new InputError(name, `expected a non-negative ${integer ? "integer" : "number"}, got ${String(v)}`);
  }
  return v;
}

/**
 * The rules of `options`, checked (each a non-negative number, the budgets
 * integers; {@link InputError} naming the option otherwise).
 * @param defaults the method's iteration budget and evaluations per iteration (maxEvaluations defaults to their product)
 */
export function stoppingRules(options: StoppingRules, defaults: { maxIterations: number; evaluationsPerIteration: number }): Stopping {
  const maxIterations = nonNegative(options.maxIterations, defaults.maxIterations, "maxIterations", true);
  return {
    gradientTolerance: nonNegative(options.gradientTolerance, 1e-8, "gradientTolerance"),
    relativeDecrease: nonNegative(options.relativeDecrease, 0, "relativeDecrease"),
    maxIterations,
    maxEvaluations: nonNegative(options.maxEvaluations, defaults.evaluationsPerIteration * maxIterations, "maxEvaluations", true),
  };
}

/** Whether the step from `previous` to `value` decreased the objective too little to go on (never, with the rule off). */
export function decreasedTooLittle(rules: Stopping, previous: number, value: number): boolean {
  if (!(rules.relativeDecrease > 0)) return false;
  return (previous - value) / Math.max(Math.abs(previous), Math.abs(value), 1e-300) <= rules.relativeDecrease;
}
