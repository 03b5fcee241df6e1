/**
 * The replaceable parts of {@link basinHopping} (as in scipy's basinhopping):
 * a step taker proposes a trial point near the current minimum, a local
 * minimizer relaxes it, an acceptance test decides whether the search moves
 * there, a step-size rule adapts the displacement, and a storage keeps the
 * accepted minima. Each part is a small interface with a default here.
 *
 * Parts that draw random numbers receive the search's one seeded generator,
 * so a search is reproducible from its seed whatever parts it is made of;
 * each part must draw the same count of numbers for the same inputs. Parts
 * with state (a step-size rule, a storage) serve one search: make a new one
 * for each.
 */
import { InputError } from "../core/errors.js";
import type { Random } from "../core/random.js";
import { run } from "./descent.js";
import { lbfgs } from "./methods.js";
import { option } from "./options.js";
import type { Objective, OptimizeResult } from "./types.js";

/** One accepted minimum of the search. */
export interface AcceptedMinimum {
  /** Basin-hopping step that found it (0: the relaxed start). */
  step: number;
  value: number;
  /** Its point (a copy owned by the minimum: do not modify). */
  x: Float64Array;
}

/** A minimum as the acceptance test sees it: its value and point (not to be modified). */
export interface Minimum {
  value: number;
  x: Float64Array;
}

/** Proposes the next trial point of the search. */
export interface StepTaker {
  /**
   * Displaces `x`, a copy of the current minimum, in place into a trial point
   * by about `stepSize` (in the units of x). The search applies its
   * `constrain` option to the trial afterwards.
   */
  take(x: Float64Array, stepSize: number, rng: Random): void;
}

/**
 * Restarts a search that stopped improving (GMIN's NEWRESTART): after `after`
 * steps in a row without a new lowest minimum of the current run (its
 * start, or its last restart), the next step relaxes `start(...)` instead of
 * a displacement and the search moves there whatever its value. The lowest
 * minimum of the whole search is kept.
 */
export interface Reseeding {
  /** Steps without improvement of the current run before a restart (a positive integer). */
  after: number;
  /** The restart's trial point (e.g. a new random start drawn from `rng`, or a perturbation of `best`), given the lowest minimum so far (not to be modified). */
  start(best: Float64Array, rng: Random): Float64Array;
}

/** What a local minimizer returns for one relaxation. */
export interface Relaxation {
  x: Float64Array;
  value: number;
  /** |grad f(x)| (Euclidean). */
  gradientNorm: number;
  /** Objective evaluations this relaxation made. */
  evaluations: number;
  /** Whether the relaxation reached a minimum (at the tolerance it stopped at); the search never accepts one that did not. */
  converged: boolean;
  /** Local minimizations this relaxation made (default 1: a minimizer that relaxes in phases counts each). */
  minimizations?: number;
  /**
   * Present when the relaxation stopped at a looser search tolerance than the
   * minimizer's final one (see {@link lbfgsRelaxation}): relaxes on from `x`
   * to the final tolerance, making at most `maxEvaluations` more evaluations,
   * and returns the result, whose `evaluations` count only these. At most once.
   */
  tighten?: (maxEvaluations: number) => Relaxation;
}

/** Relaxes a trial point to a local minimum. */
export interface LocalMinimizer {
  /**
   * Relaxes f from `x` (which it may overwrite), making at most
   * `maxEvaluations` evaluations of f (Infinity: the search has no budget;
   * at least 1).
   */
  relax(f: Objective, x: Float64Array, maxEvaluations: number): Relaxation;
}

/** Decides whether the search moves from the current minimum to a relaxed trial. */
export interface AcceptanceTest {
  /**
   * Whether to accept `trial` in place of `current`. Called once per step,
   * also for trials whose relaxation did not converge or whose value is not
   * finite: the search rejects those whatever this returns, and a test that
   * draws random numbers must draw them for every trial to keep the stream in
   * step.
   */
  accept(trial: Minimum, current: Minimum, rng: Random): boolean;
}

/** Adapts the displacement of the step taker to how the search goes. */
export interface StepSizeRule {
  /** The step size after step `step` (1, 2, ...), which used `stepSize` and was accepted or not. */
  next(stepSize: number, step: number, accepted: boolean): number;
}

/** Keeps the accepted minima. */
export interface MinimaStorage {
  /** Called with every accepted minimum, in order (the relaxed start first). */
  add(minimum: AcceptedMinimum): void;
  /** The minima kept, in order; the search returns them as `accepted`. */
  minima(): AcceptedMinimum[];
}

/** The default step taker: each coordinate displaced by a seeded uniform number in [-stepSize, stepSize), coordinates in order. */
export const uniformDisplacement: StepTaker = {
  take(x, stepSize, rng) {
    for (let i = 0; i < x.length; i++) x[i] += stepSize * (2 * rng.uniform() - 1);
  },
};

/**
 * The default acceptance test, Metropolis at `temperature` (objective units):
 * a lower trial is accepted, a higher one with probability
 * exp(-(trial - current) / temperature). It draws one uniform number for
 * every trial, lower or not.
 * @throws {InputError} when temperature is missing or not a positive number
 */
export function metropolis(temperature: number): AcceptanceTest {
  if (temperature === undefined) throw new InputError("temperature", "required");
  const t = option(temperature, NaN, "temperature", "positive");
  return {
    accept(trial, current, rng) {
      const u = rng.uniform();
      return trial.value < current.value || u < Math.exp(-(trial.value - current.value) / t);
    },
  };
}

/** Settings of {@link adaptiveStepSize}. */
export interface StepSizeAdaptation {
  /** Steps between adaptations. Default 10. */
  interval?: number;
  /** Acceptance rate aimed at, between 0 and 1. Default 0.5. */
  target?: number;
  /** Multiplier between 0 and 1: the step size is divided by it when more than `target` of the last `interval` steps were accepted, multiplied otherwise. Default 0.9. */
  factor?: number;
}

/**
 * The default step-size rule: every `interval` steps the step size grows
 * (divided by `factor`) when the acceptance rate over those steps exceeded
 * `target`, and shrinks (multiplied by `factor`) otherwise. One per search.
 * @throws {InputError} naming the setting (as `adapt.interval`, ...) when it is out of range
 */
export function adaptiveStepSize(adapt: StepSizeAdaptation = {}): StepSizeRule {
  const interval = option(adapt.interval, 10, "adapt.interval", "positive integer");
  const target = option(adapt.target, 0.5, "adapt.target", "fraction");
  const factor = option(adapt.factor, 0.9, "adapt.factor", "fraction");
  let acceptedInWindow = 0;
  return {
    next(stepSize, step, accepted) {
      if (accepted) acceptedInWindow++;
      if (step % interval !== 0) return stepSize;
      const rate = acceptedInWindow / interval;
      acceptedInWindow = 0;
      return rate > target ? stepSize / factor : stepSize * factor;
    },
  };
}

/** Settings of {@link lbfgsRelaxation}. */
export interface LbfgsRelaxationOptions {
  /** The final tolerance: a tightened relaxation stops when |gradient| <= this (so every component is below it too). Default 1e-6. */
  gradientTolerance?: number;
  /**
   * The search tolerance: a relaxation first stops when |gradient| <= this and
   * offers `tighten` to go on to `gradientTolerance` (see {@link lbfgsRelaxation}).
   * At least `gradientTolerance`; equal to it, every relaxation runs to the
   * final tolerance at once. Default 3e-3 (or `gradientTolerance` if larger).
   */
  searchTolerance?: number;
  /** L-BFGS iteration budget per relaxation (search and tightening together). Default 1000. */
  localIterations?: number;
  /** L-BFGS memory: the (s, y) pairs kept. Default 40 (see {@link lbfgsRelaxation}). */
  memory?: number;
}

/**
 * The default local minimizer: the engine's L-BFGS keeping `memory` pairs,
 * with at most `localIterations` iterations and, when the search has no
 * evaluation budget, 10 evaluations per iteration.
 *
 * Sloppy, then tight (as GMIN's SLOPPYCONV and TIGHTCONV): a relaxation
 * stops at the first iterate with |gradient| <= `searchTolerance` (3e-3),
 * which is all the search needs to compare energies and to step on, and
 * returns `tighten`, which resumes that L-BFGS run (its memory intact) to
 * `gradientTolerance` (1e-6). {@link basinHopping} tightens only the minima
 * it reports: one that may reach its target, and its result. On 200
 * perturbed LJ13 minima the energy at |g| <= 3e-3 is at most 1.1e-7 above
 * the minimum's (1.2e-8 at 1e-3, 1.9e-6 at 1e-2), reached in 72.3
 * evaluations instead of 82.8 to 1e-6 (scipy's L-BFGS-B at its defaults: 69.9,
 * stopping at a median |g| of 2.8e-3).
 *
 * Memory 40 rather than the engine's 10: a relaxation after a perturbation
 * runs ~80 iterations, and the longer memory cuts the tail from |g| = 1e-3
 * to 1e-6 about in half. Measured on the 374 relaxations of the LJ13
 * bench (50 searches, every relaxation to 1e-6; src/bench/basin-hopping.ts), mean evaluations per
 * relaxation at memory 10, 20, 30, 40, 50, 100: 96.1, 90.9, 88.4, 88.3, 89.9,
 * 95.8 (beyond ~40 stale pairs from the first, steep iterations are kept); on
 * 404 LJ38 relaxations at 10, 20, 40, 60, 120: 209, 189, 177, 168, 165.
 *
 * A relaxation converged when L-BFGS met its tolerance (the search one, or
 * the final one, or its relative-decrease test): at the round-off floor of
 * the energy the line search judges steps by the gradient (see
 * `LineSearchOptions.roundOff`), so relaxations reach the tolerance asked for
 * (LJ13, 200 searches from random starts: all 1,443 relaxations to the
 * search tolerance, all 200 tightenings to 1e-6).
 * Spent budgets, failed line searches and non-finite values are not minima.
 * @throws {InputError} naming the option when it is out of range
 */
export function lbfgsRelaxation(options: LbfgsRelaxationOptions = {}): LocalMinimizer {
  const gradientTolerance = option(options.gradientTolerance, 1e-6, "gradientTolerance", "non-negative");
  const searchTolerance = option(options.searchTolerance, Math.max(3e-3, gradientTolerance), "searchTolerance", "non-negative");
  if (searchTolerance < gradientTolerance) throw new InputError("searchTolerance", `${searchTolerance} is below gradientTolerance ${gradientTolerance}: the search tolerance is the looser of the two`);
  const localIterations = option(options.localIterations, 1000, "localIterations", "positive integer");
  const memory = option(options.memory, 40, "memory", "positive integer");
  const converged = (r: OptimizeResult) => r.status === "gradient-tolerance" || r.status === "relative-decrease";
  const final = (r: OptimizeResult, before: number): Relaxation =>
    ({ x: r.x, value: r.value, gradientNorm: r.gradientNorm, evaluations: r.evaluations - before, converged: converged(r) });
  const start = (f: Objective, x: Float64Array, maxEvaluations: number) => lbfgs(f, x, {
    maxIterations: localIterations,
    memory,
    maxEvaluations: maxEvaluations === Infinity ? 10 * localIterations : Math.max(2, maxEvaluations),
    gradientTolerance,
    resumable: false,
  });
  return {
    relax(f, x, maxEvaluations) {
      const iterations = start(f, x, maxEvaluations);
      const budget = maxEvaluations === Infinity ? Infinity : Math.max(2, maxEvaluations);
      for (;;) {
        const e = iterations.next();
        if (e.done) return final(e.value, 0);
        const { x: xs, value, gradientNorm, evaluations } = e.value;
        if (gradientNorm <= searchTolerance && gradientNorm > gradientTolerance) {
          // Stopped at the search tolerance. The generator, paused here, is the tightening when
          // the budget left allows what it was given (its memory kept); with less left, a new
          // L-BFGS run from this point within that budget.
          let tightened = false;
          const tighten = (more: number): Relaxation => {
            if (tightened) throw new Error("tighten: this relaxation was already tightened");
            tightened = true;
            if (more >= budget - evaluations) return final(run(iterations), evaluations);
            return final(run(start(f, Float64Array.from(xs), more)), 0);
          };
          return { x: xs, value, gradientNorm, evaluations, converged: true, tighten };
        }
      }
    },
  };
}

/** The default storage: every accepted minimum, in order. One per search. */
export function acceptedMinimaList(): MinimaStorage {
  const list: AcceptedMinimum[] = [];
  return { add: (m) => void list.push(m), minima: () => list };
}
