/**
 * Basin hopping (Wales & Doye 1997): a global search over the local minima of
 * a smooth objective. Each step displaces the current minimum into a trial
 * point, relaxes the trial to a local minimum, and accepts or rejects it; the
 * step size adapts as the search goes. It knows no physics: a potential
 * energy is one objective among others, and a `constrain` hook keeps trial
 * points sensible (e.g. atoms from drifting away).
 *
 * The search is assembled from replaceable parts (src/inversion/
 * basin-hopping-parts.ts): by default a seeded uniform displacement of each
 * coordinate, the engine's L-BFGS, the Metropolis test at temperature T, a
 * step size adapted towards a target acceptance rate, and a list of every
 * accepted minimum. Whatever the parts, a relaxation that did not converge is
 * never accepted.
 *
 * Relaxations are sloppy, then tight (as GMIN's SLOPPYCONV and TIGHTCONV):
 * the search relaxes to `searchTolerance` (|g| <= 3e-3), and only the minima
 * it reports are relaxed on to `gradientTolerance` (1e-6): any that may reach
 * `target` (checked at the final tolerance) and the result. The accepted
 * minima (events and storage) are at the search tolerance unless they were
 * tightened so.
 *
 * With option `reseed`, a search that has gone `reseed.after` steps without
 * a new lowest minimum of its current run restarts: the next step relaxes
 * `reseed.start(best, rng)` and moves there whatever its value (GMIN's
 * NEWRESTART); the lowest minimum of the whole search is kept. Geometric moves
 * (a cluster's angular moves, its compressed relaxation, its random restarts)
 * come in as parts from code that joins the physics to this engine
 * (src/search/cluster-search.ts).
 *
 * Like every optimizer here it is a generator: one event per step (step 0 is
 * the relaxed start), drained by `run(basinHopping(f, x0, options), observer)`,
 * and a result that is an {@link OptimizeResult}.
 */
import { InputError } from "../core/errors.js";
import { Random } from "../core/random.js";
import {
  acceptedMinimaList, adaptiveStepSize, lbfgsRelaxation, metropolis, uniformDisplacement,
  type AcceptanceTest, type AcceptedMinimum, type LocalMinimizer, type MinimaStorage, type Relaxation, type Reseeding,
  type StepSizeAdaptation, type StepSizeRule, type StepTaker,
} from "./basin-hopping-parts.js";
import { option } from "./options.js";
import { STATUS_MESSAGES, type IterationEvent, type Objective, type OptimizeResult, type Status } from "./types.js";

/**
 * Options of {@link basinHopping}. The settings of a default part
 * (`temperature`, `adapt`, `gradientTolerance`, `localIterations`) are refused
 * together with a replacement of that part, which takes its own settings.
 */
export interface BasinHoppingOptions {
  /** Seed of every random choice (the parts draw from one generator). */
  seed: number;
  /** Basin-hopping steps (local minimizations after the first). */
  steps: number;
  /** Initial largest displacement of each coordinate (adapted by the step-size rule). */
  stepSize: number;
  /** Metropolis temperature, in objective units; required unless `acceptance` is given. */
  temperature?: number;
  /** Every `interval` steps the step size is multiplied or divided by `factor` towards the `target` acceptance rate. Default { interval: 10, target: 0.5, factor: 0.9 }. */
  adapt?: StepSizeAdaptation;
  /**
   * The final tolerance: the lowest minimum (the result, and every minimum
   * checked against `target`) has |gradient| <= this (so every component is
   * below it too). Default 1e-6.
   */
  gradientTolerance?: number;
  /**
   * The search tolerance: every relaxation stops at |gradient| <= this, and
   * only the minima the search reports are relaxed on to `gradientTolerance`
   * (see {@link basinHopping}). At least `gradientTolerance` (equal: every
   * relaxation to the final tolerance). Default 3e-3 (see {@link lbfgsRelaxation}).
   */
  searchTolerance?: number;
  /** L-BFGS iteration budget per local minimization. Default 1000. */
  localIterations?: number;
  /** Stop as soon as a minimum reaches value <= target + targetTolerance (e.g. a tabulated global minimum). */
  target?: number;
  /** Default 1e-6. */
  targetTolerance?: number;
  /** Budget of objective evaluations over the whole search. Default unlimited. */
  maxEvaluations?: number;
  /**
   * Budget of local minimizations after the start's (a relaxation in phases counts each): the
   * search ends with the step that spends it ("max-minimizations"). Default unlimited.
   */
  maxMinimizations?: number;
  /** Applied to each trial point (in place) after the step taker, before it is relaxed. */
  constrain?: (x: Float64Array) => void;
  /** Replaces the seeded uniform displacement ({@link uniformDisplacement}). */
  stepTaker?: StepTaker;
  /** Replaces the Metropolis test ({@link metropolis}; then give no `temperature`). */
  acceptance?: AcceptanceTest;
  /** Replaces the adaptive step size ({@link adaptiveStepSize}; then give no `adapt`). One per search. */
  stepSizeRule?: StepSizeRule;
  /** Replaces the L-BFGS relaxation ({@link lbfgsRelaxation}; then give no `gradientTolerance`, `searchTolerance` or `localIterations`). */
  localMinimizer?: LocalMinimizer;
  /** Replaces the list of every accepted minimum ({@link acceptedMinimaList}). One per search. */
  storage?: MinimaStorage;
  /** Restarts the search after a run of steps without improvement (see {@link Reseeding}). Default: never. */
  reseed?: Reseeding;
}

/** What the relaxation of one step's trial gave. */
export interface TrialSummary {
  value: number;
  gradientNorm: number;
  /** Whether the relaxation reached a minimum (a trial that did not is never accepted). */
  converged: boolean;
}

/**
 * Emitted after every step; step 0 is the relaxation of the start. As an
 * {@link IterationEvent}: `iteration` is the step, `value`, `gradientNorm` and
 * `x` (a copy) are the current minimum's, `step` is the step size this step's
 * displacement used (0 at step 0).
 */
export interface BasinHoppingEvent extends IterationEvent {
  /** Value of the lowest minimum so far (at the search tolerance until tightened). */
  best: number;
  /** The minimum this step accepted (the one the storage received), if it accepted one; at step 0 the relaxed start. */
  accepted?: AcceptedMinimum;
  /** This step's relaxed trial. */
  trial: TrialSummary;
  /** Whether a minimum has reached `target`. */
  reachedTarget: boolean;
  /** Whether this step was a restart (option `reseed`): its trial is the restart's start relaxed. */
  reseeded: boolean;
}

/**
 * What {@link basinHopping} returns: the lowest minimum found as an
 * {@link OptimizeResult} (`iterations` counts steps), relaxed to
 * `gradientTolerance` (unless the evaluation budget ran out first; its
 * `gradientNorm` says). It succeeds only by
 * reaching `target` (status "target-reached"): nothing tells a search without
 * one that its lowest minimum is global, so it ends on a budget ("max-steps",
 * "max-evaluations" or "max-minimizations"), with "non-finite" when the relaxed start's value
 * is not finite, or with "start-not-relaxed" when the start's relaxation did
 * not converge (nothing is accepted then: a failed relaxation is never a minimum).
 */
export interface BasinHoppingResult extends OptimizeResult {
  /** Step at which the lowest minimum was first found. */
  foundAt: number;
  localMinimizations: number;
  /** The accepted minima the storage kept (by default every one, in order: the search's trajectory). */
  accepted: AcceptedMinimum[];
  /** The final step size. */
  stepSize: number;
}

/** The parts of one search: the options' replacements, or the defaults built from the options. */
interface Parts {
  stepTaker: StepTaker;
  acceptance: AcceptanceTest;
  stepSizeRule: StepSizeRule;
  localMinimizer: LocalMinimizer;
  storage: MinimaStorage;
}

/** Refuses settings of a default part (e.g. `temperature`) given together with a replacement of that part (`acceptance`). */
function refuseSettingsOfReplaced(options: BasinHoppingOptions, part: keyof Parts, label: string, settings: (keyof BasinHoppingOptions)[]): void {
  if (options[part] === undefined) return;
  for (const name of settings) {
    if (options[name] !== undefined) throw new InputError(name, `sets the default ${label}, but \`${part}\` replaces it (a custom part takes its own settings): remove one of the two`);
  }
}

/** The parts of a search, checked: the replacements given, the defaults built from the options otherwise. */
function partsOf(options: BasinHoppingOptions): Parts {
  refuseSettingsOfReplaced(options, "acceptance", "acceptance test", ["temperature"]);
  refuseSettingsOfReplaced(options, "stepSizeRule", "step-size rule", ["adapt"]);
  refuseSettingsOfReplaced(options, "localMinimizer", "local minimizer", ["gradientTolerance", "searchTolerance", "localIterations"]);
  return {
    stepTaker: options.stepTaker ?? uniformDisplacement,
    acceptance: options.acceptance ?? metropolis(options.temperature!),
    stepSizeRule: options.stepSizeRule ?? adaptiveStepSize(options.adapt),
    localMinimizer: options.localMinimizer ?? lbfgsRelaxation({ gradientTolerance: options.gradientTolerance, searchTolerance: options.searchTolerance, localIterations: options.localIterations }),
    storage: options.storage ?? acceptedMinimaList(),
  };
}

/** A minimum the search stands on: its point, value and gradient norm. */
interface Standing {
  x: Float64Array;
  value: number;
  gradientNorm: number;
}

/**
 * Basin hopping from x0 (see the module documentation): a generator of one
 * {@link BasinHoppingEvent} per step, returning a {@link BasinHoppingResult}.
 * Options are checked when the search starts (the first `next()`).
 * @throws {InputError} naming an option that is missing or out of range
 */
export function* basinHopping(f: Objective, x0: Float64Array, options: BasinHoppingOptions): Generator<BasinHoppingEvent, BasinHoppingResult> {
  for (const key of ["steps", "stepSize"] as const) if (options[key] === undefined) throw new InputError(key, "required");
  const steps = option(options.steps, NaN, "steps", "positive integer");
  option(options.stepSize, NaN, "stepSize", "positive");
  const parts = partsOf(options);
  const tolerance = option(options.targetTolerance, 1e-6, "targetTolerance", "non-negative");
  const maxEvaluations = option(options.maxEvaluations, Infinity, "maxEvaluations", "positive integer");
  const maxMinimizations = option(options.maxMinimizations, Infinity, "maxMinimizations", "positive integer");
  const reseedAfter = options.reseed === undefined ? Infinity : option(options.reseed.after, NaN, "reseed.after", "positive integer");
  const rng = new Random(options.seed);
  const t0 = performance.now();

  let evaluations = 0, localMinimizations = 0;
  const relax = (x: Float64Array): Relaxation => {
    const r = parts.localMinimizer.relax(f, x, maxEvaluations - evaluations);
    evaluations += r.evaluations;
    localMinimizations += r.minimizations ?? 1;
    return r;
  };
  /** A relaxation stopped at the search tolerance, continued to the final one (others as they are). */
  const tighten = (r: Relaxation): Relaxation => {
    if (r.tighten === undefined || evaluations >= maxEvaluations) return r;
    const t = r.tighten(maxEvaluations - evaluations);
    evaluations += t.evaluations;
    return t;
  };
  // A minimum at the search tolerance lies above its own by a little (LJ13 at |g| <= 3e-3: at most
  // 1.1e-7; at 1e-2: 1.9e-6): one within this margin (1e-4 relative, 4.4e-3 for LJ13) of reaching
  // the target is tightened and checked, so that the target is judged on minima at the final
  // tolerance and none is missed.
  const margin = options.target === undefined ? 0 : 1e-4 * Math.max(1, Math.abs(options.target));
  const mayReach = (r: Relaxation) => options.target !== undefined && r.converged && r.value <= options.target + tolerance + margin;
  let step = 0;
  let stepSize = options.stepSize;
  const finish = (status: Status, best: Standing & { step: number }): BasinHoppingResult => ({
    x: best.x, value: best.value, gradientNorm: best.gradientNorm, iterations: step, evaluations,
    success: status === "target-reached", status, message: STATUS_MESSAGES[status],
    foundAt: best.step, localMinimizations, accepted: parts.storage.minima(), stepSize,
  });

  let start = relax(Float64Array.from(x0));
  if (mayReach(start)) start = tighten(start);
  let current: Standing = { x: start.x, value: start.value, gradientNorm: start.gradientNorm };
  let best = { ...current, step: 0, relaxation: start };
  if (!Number.isFinite(start.value)) return finish("non-finite", best);
  if (!start.converged) return finish(evaluations >= maxEvaluations ? "max-evaluations" : "start-not-relaxed", best);
  // Only a minimum at the final tolerance (no `tighten` left) counts as reaching the target.
  const reached = () => options.target !== undefined && best.relaxation.tighten === undefined && best.value <= options.target + tolerance;
  const event = (stepSizeUsed: number, trial: Relaxation, accepted: AcceptedMinimum | undefined, reseeded = false): BasinHoppingEvent => ({
    iteration: step, value: current.value, gradientNorm: current.gradientNorm, step: stepSizeUsed, evaluations,
    x: Float64Array.from(current.x), seconds: (performance.now() - t0) / 1000,
    best: best.value, accepted, trial: { value: trial.value, gradientNorm: trial.gradientNorm, converged: trial.converged }, reachedTarget: reached(), reseeded,
  });
  const first: AcceptedMinimum = { step: 0, value: current.value, x: Float64Array.from(current.x) };
  parts.storage.add(first);
  yield event(0, start, first);
  const startMinimizations = localMinimizations;
  const minimizationsLeft = () => localMinimizations - startMinimizations < maxMinimizations;

  // The current run's lowest minimum and the steps since it last improved (option `reseed`).
  let runBest = current.value, stale = 0;
  // A real improvement, not the same minimum relaxed again to a value a little lower (a few
  // roundings, or the search tolerance's error).
  const improves = (value: number, on: number) => on - value > 1e-6 * Math.max(1, Math.abs(on));
  while (step < steps && !reached() && evaluations < maxEvaluations && minimizationsLeft()) {
    step++;
    const reseeding = stale >= reseedAfter;
    let trial: Float64Array;
    if (reseeding) trial = Float64Array.from(options.reseed!.start(best.x, rng));
    else {
      trial = Float64Array.from(current.x);
      parts.stepTaker.take(trial, stepSize, rng);
    }
    options.constrain?.(trial);
    let r = relax(trial);
    // Sloppy, then tight (GMIN's SLOPPYCONV and TIGHTCONV): the search compares and steps from
    // minima at the search tolerance; one that may reach the target is relaxed on to the final
    // tolerance before it is judged (so the test, the storage and the best see the same minimum).
    if (mayReach(r)) r = tighten(r);
    // The test is asked first, for every trial, so that its random draws stay in step; a restart
    // moves the search whatever the test says (if its start relaxed to a minimum).
    const test = parts.acceptance.accept({ value: r.value, x: r.x }, { value: current.value, x: current.x }, rng);
    const accept = (test || reseeding) && r.converged && Number.isFinite(r.value);
    let accepted: AcceptedMinimum | undefined;
    if (accept) {
      current = { x: r.x, value: r.value, gradientNorm: r.gradientNorm };
      accepted = { step, value: r.value, x: Float64Array.from(r.x) };
      parts.storage.add(accepted);
      // The best moves on a real improvement, so foundAt is when the lowest minimum was first
      // found; the same minimum at the final tolerance replaces it at the search tolerance,
      // keeping its step.
      if (improves(r.value, best.value)) best = { ...current, step, relaxation: r };
      else if (best.value - r.value > 1e-12 * Math.abs(best.value) && r.tighten === undefined) best = { ...current, step: best.step, relaxation: r };
    }
    if (reseeding) {
      runBest = accept ? r.value : runBest;
      stale = 0;
    } else if (accept && improves(r.value, runBest)) {
      runBest = r.value;
      stale = 0;
    } else stale++;
    const stepSizeUsed = reseeding ? 0 : stepSize;
    stepSize = parts.stepSizeRule.next(stepSize, step, accept);
    yield event(stepSizeUsed, r, accepted, reseeding);
  }
  if (reached()) return finish("target-reached", best);
  // The lowest minimum, the result, at the final tolerance (unless the budget is spent or the
  // tightening fails: then as the search left it, its gradient norm saying so).
  const tight = tighten(best.relaxation);
  if (tight !== best.relaxation && tight.converged && tight.value <= best.value) best = { x: tight.x, value: tight.value, gradientNorm: tight.gradientNorm, step: best.step, relaxation: tight };
  return finish(evaluations >= maxEvaluations ? "max-evaluations" : minimizationsLeft() ? "max-steps" : "max-minimizations", best);
}
