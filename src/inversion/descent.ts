/**
 * The loop shared by the gradient-descent family (steepest descent, nonlinear
 * CG, L-BFGS): a direction rule supplies search directions, a line search the
 * step, and this loop applies the stopping rules and emits one event per
 * iteration. `iterate` is a generator; `run` drains it.
 */
import { decreasedTooLittle, stoppingRules } from "./options.js";
import { InputError } from "../core/errors.js";
import { backtracking, strongWolfe, type LineSearchOptions, type LinePoint } from "./line-search.js";
import { outcome, stopBefore, type IterationEvent, type Objective, type OptimizeResult, type OptimizerState, type Status, type StoppingRules } from "./types.js";
import { allFinite, dotv, normv } from "./vector.js";

/** How a method turns gradients into search directions. */
export interface DirectionRule {
  /** Writes the search direction for gradient `g` into `p`. */
  direction(g: Float64Array, p: Float64Array): void;
  /** Learns from an accepted step: s = x_new - x, y = g_new - g. */
  update(s: Float64Array, y: Float64Array, gNew: Float64Array): void;
  /** Forgets curvature information (after a non-descent direction). */
  reset(): void;
  /** The rule's memory as plain JSON, and back. */
  save(): unknown;
  load(state: unknown): void;
  /** Which line search the method needs. */
  readonly lineSearch: "strong-wolfe" | "backtracking";
  /** Default line-search constants of the method. */
  readonly lineSearchDefaults: LineSearchOptions;
  /** Whether a unit step is the natural first trial (quasi-Newton) or the previous step is rescaled. */
  readonly unitStep: boolean;
}

/** Options of every descent method. */
export interface DescentOptions extends StoppingRules {
  lineSearch?: LineSearchOptions;
  /** Continue from a state an earlier run's event carried, instead of starting at x0. */
  resume?: OptimizerState;
  /** Name of the method, recorded in states (set by the method functions). */
  method?: string;
  /**
   * Whether each event carries `state`, the optimizer's state for resuming (default true).
   * Writing it copies x, the gradient and the rule's memory (all of L-BFGS's pairs) into plain
   * arrays every iteration; a caller that never resumes (basin hopping's relaxations) passes
   * false and spares that work.
   */
  resumable?: boolean;
}

/** Runs an optimizer's generator to the end, calling `observer` after each iteration; returns its result (with the optimizer's own fields). */
export function run<E extends IterationEvent, R extends OptimizeResult>(iterations: Generator<E, R>, observer?: (e: E) => void): R {
  for (;;) {
    const r = iterations.next();
    if (r.done) return r.value;
    observer?.(r.value);
  }
}

/** The iterate of a saved state, checked against the method and size of the run resuming it. */
export function restore(resume: OptimizerState, method: string, n: number): { x: Float64Array; g: Float64Array; value: number; evaluations: number; iteration: number } {
  if (resume.method !== method || resume.x.length !== n) {
    throw new InputError("resume", `the saved state is of ${resume.method} with ${resume.x.length} variables, this run is ${method} with ${n}`);
  }
  return { x: Float64Array.from(resume.x), g: Float64Array.from(resume.gradient), value: resume.value, evaluations: resume.evaluations, iteration: resume.iteration };
}

/** The descent loop: see the module documentation. */
export function* descend(f: Objective, x0: Float64Array, rule: DirectionRule, options: DescentOptions = {}): Generator<IterationEvent, OptimizeResult> {
  const rules = stoppingRules(options, { maxIterations: 1000, evaluationsPerIteration: 10 });
  const { gradientTolerance: gtol, maxIterations, maxEvaluations } = rules;
  const ls = { ...rule.lineSearchDefaults, ...options.lineSearch };
  const search = rule.lineSearch === "strong-wolfe" ? strongWolfe : backtracking;
  const n = x0.length;
  const t0 = performance.now();

  const method = options.method ?? "descent";
  const resumable = options.resumable ?? true;
  const resume = options.resume;
  let x: Float64Array = Float64Array.from(x0);
  let g: Float64Array = new Float64Array(n);
  let value: number;
  let evaluations: number;
  let previousStep = 0;
  let previousSlope = 0;
  let iteration = 0;
  if (resume !== undefined) {
    ({ x, g, value, evaluations, iteration } = restore(resume, method, n));
    previousStep = resume.previousStep;
    previousSlope = resume.previousSlope;
    rule.load(resume.rule);
  } else {
    value = f(x, g);
    evaluations = 1;
  }
  const p = new Float64Array(n);
  const s = new Float64Array(n);
  const y = new Float64Array(n);
  let trial: LinePoint = { x: new Float64Array(n), gradient: new Float64Array(n) };
  const snapshot = (): OptimizerState => ({
    method, x: Array.from(x), gradient: Array.from(g), value, evaluations, iteration, previousStep, previousSlope, rule: rule.save(),
  });

  const finish = (status: Status): OptimizeResult => outcome(x, value, normv(g), iteration, evaluations, status);

  if (!Number.isFinite(value) || !allFinite(g)) return finish("non-finite");
  for (;;) {
    const gnorm = normv(g);
    const stop = stopBefore(gnorm, gtol, iteration, maxIterations, evaluations, maxEvaluations);
    if (stop !== null) return finish(stop);

    rule.direction(g, p);
    let slope = dotv(g, p);
    const steepest = () => {
      rule.reset();
      for (let i = 0; i < n; i++) p[i] = -g[i];
      slope = -gnorm * gnorm;
    };
    let restarted = !(slope < 0);
    if (restarted) steepest();
    let initial: number;
    if (iteration === 0) initial = Math.min(1, 1 / gnorm);
    else if (rule.unitStep) initial = 1;
    else initial = Math.min(1e10, (previousStep * previousSlope) / slope);

    const budget = () => ({ ...ls, maxEvaluations: Math.min(ls.maxEvaluations ?? 25, maxEvaluations - evaluations) });
    let r = search(f, x, p, value, slope, initial, trial, budget());
    evaluations += r.evaluations;
    if (!r.success && !restarted && evaluations < maxEvaluations) {
      // The memory of a quasi-Newton or conjugate direction may describe another region (after a
      // step off a steep wall, say): start again from steepest descent before giving up.
      steepest();
      restarted = true;
      r = search(f, x, p, value, slope, Math.min(1, 1 / gnorm), trial, budget());
      evaluations += r.evaluations;
    }
    if (!r.success) return finish(evaluations >= maxEvaluations ? "max-evaluations" : "line-search-failed");
    if (!allFinite(trial.gradient)) return finish("non-finite");

    for (let i = 0; i < n; i++) {
      s[i] = trial.x[i] - x[i];
      y[i] = trial.gradient[i] - g[i];
    }
    rule.update(s, y, trial.gradient);
    const previousValue = value;
    // The accepted point becomes the iterate; the old buffers become the next trial's scratch.
    const oldX = x, oldG = g;
    x = trial.x;
    g = trial.gradient;
    trial = { x: oldX, gradient: oldG };
    value = r.value;
    previousStep = r.step;
    previousSlope = slope;
    iteration++;

    yield { iteration, value, gradientNorm: normv(g), step: r.step, evaluations, x: Float64Array.from(x), seconds: (performance.now() - t0) / 1000, state: resumable ? snapshot() : undefined };
    if (decreasedTooLittle(rules, previousValue, value)) return finish("relative-decrease");
  }
}
