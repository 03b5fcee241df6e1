/**
 * Optimizer options, checked in one place: {@link option} reads one option
 * with its default and refuses a value outside its kind, naming it; the
 * stopping rules every optimizer shares ({@link StoppingRules}) are read by
 * {@link stoppingRules}, with the one relative-decrease test
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

/** The values an option may take. */
export type OptionKind = "non-negative" | "non-negative integer" | "positive" | "positive integer" | "fraction" | "unit interval";

const ACCEPTS: Record<OptionKind, (v: number) => boolean> = {
  "non-negative": (v) => v >= 0 && Number.isFinite(v),
  "non-negative integer": (v) => v >= 0 && Number.isInteger(v),
  positive: (v) => v > 0 && Number.isFinite(v),
  "positive integer": (v) => v > 0 && Number.isInteger(v),
  fraction: (v) => v > 0 && v < 1,
  "unit interval": (v) => v >= 0 && v < 1,
};

const EXPECTED: Record<OptionKind, string> = {
  "non-negative": "a non-negative number",
  "non-negative integer": "a non-negative integer",
  positive: "a positive number",
  "positive integer": "a positive integer",
  fraction: "a number between 0 and 1",
  "unit interval": "a number in [0, 1)",
};

/**
 * The option `name` (its `value`, or `fallback` when undefined), checked to be
 * of its kind ("fraction": strictly between 0 and 1; "unit interval": 0 included, 1 not); NaN and infinities are
 * never accepted (a default may be Infinity: "no limit").
 * @throws {InputError} naming the option and what it expected
 */
export function option(value: unknown, fallback: number, name: string, kind: OptionKind): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !ACCEPTS[kind](value)) {
    throw new InputError(name, `expected ${EXPECTED[kind]}, got ${String(value)}`);
  }
  return value;
}

/**
 * The rules of `options`, checked (each a non-negative number, the budgets
 * integers; {@link InputError} naming the option otherwise).
 * @param defaults the method's iteration budget and evaluations per iteration (maxEvaluations defaults to their product)
 */
export function stoppingRules(options: StoppingRules, defaults: { maxIterations: number; evaluationsPerIteration: number }): Stopping {
  const maxIterations = option(options.maxIterations, defaults.maxIterations, "maxIterations", "non-negative integer");
  return {
    gradientTolerance: option(options.gradientTolerance, 1e-8, "gradientTolerance", "non-negative"),
    relativeDecrease: option(options.relativeDecrease, 0, "relativeDecrease", "non-negative"),
    maxIterations,
    maxEvaluations: option(options.maxEvaluations, defaults.evaluationsPerIteration * maxIterations, "maxEvaluations", "non-negative integer"),
  };
}

/** Whether the step from `previous` to `value` decreased the objective too little to go on (never, with the rule off). */
export function decreasedTooLittle(rules: Stopping, previous: number, value: number): boolean {
  if (!(rules.relativeDecrease > 0)) return false;
  return (previous - value) / Math.max(Math.abs(previous), Math.abs(value), 1e-300) <= rules.relativeDecrease;
}
