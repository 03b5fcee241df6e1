/**
 * Trust-region Newton-CG (Steihaug 1983, Toint 1981; Nocedal & Wright,
 * Algorithms 4.1 and 7.2). Each iteration minimizes the quadratic model
 *
 *   m(p) = f + g . p + 1/2 p . H p   over |p| <= radius
 *
 * approximately by conjugate gradients from p = 0, using only products H v:
 * CG stops on the boundary when a step leaves the region or a direction of
 * non-positive curvature d . H d <= 0 appears (then it follows d to the
 * boundary), and inside when the model's gradient g + H p falls below
 * min(cgTolerance, |g|) |g| (the forcing term of Nocedal & Wright's (7.3)
 * that keeps the convergence quadratic; |g| in the objective's units per
 * unit of x, so the switch to quadratic convergence is not scale-free).
 * The step is taken when the actual reduction is more than eta times the
 * predicted one, rho = (f(x) - f(x + p)) / (m(0) - m(p)) > eta; the radius is
 * cut to |p| / 4 when rho < 1/4 (|p|, not the radius: an inner step would be
 * proposed again) and doubled, up to maxRadius, when rho > 3/4 on the boundary.
 *
 * H is whatever the caller's {@link HessianVectorProduct} applies: exact second
 * derivatives (a potential's analytic products) or a model such as
 * Gauss-Newton's J^T W J. Without one, H v is the forward difference of the
 * gradient, (g(x + h v) - g(x)) / h with h = sqrt(eps) (1 + |x|) / |v|,
 * one evaluation per product, counted among the evaluations.
 *
 * Near a minimum the predicted reduction can fall below the objective's
 * round-off: when m(0) - m(p) <= roundOff |f|, rho is not readable from values
 * and the step counts as good (rho = 1) if it does not raise f beyond
 * roundOff |f| and lowers |g|, and as bad otherwise (as the line searches
 * judge steps at the round-off floor by the gradient).
 */
import { InputError } from "../core/errors.js";
import { decreasedTooLittle, option, stoppingRules } from "./options.js";
import { restore } from "./descent.js";
import { trialValue } from "./line-search.js";
import { outcome, stopBefore, type HessianVectorProduct, type IterationEvent, type Objective, type OptimizeResult, type OptimizerState, type Status, type StoppingRules } from "./types.js";
import { allFinite, dotv, normv } from "./vector.js";

/** Options of {@link newtonCG}. */
export interface NewtonCGOptions extends StoppingRules {
  /** H(x) v; omitted, forward differences of the gradient (one evaluation per product). */
  hessianVector?: HessianVectorProduct;
  /** First trust-region radius (units of x). Default 1. */
  radius?: number;
  /** Largest radius. Default 1000 radius. */
  maxRadius?: number;
  /** Least ratio of actual to predicted reduction for taking a step, 0 <= eta < 1/4. Default 0.1. */
  eta?: number;
  /** Most CG iterations (Hessian-vector products) per Newton step. Default the number of variables. */
  cgIterations?: number;
  /** Cap of the forcing term: CG stops at |g + H p| <= min(cgTolerance, |g|) |g|. Default 0.5. */
  cgTolerance?: number;
  /** Round-off of the objective relative to |f| (see the module documentation). Default 1e-12. */
  roundOff?: number;
  /** Continue from a state an earlier run's event carried, instead of starting at x0. */
  resume?: OptimizerState;
  /** Whether each event carries `state` (default true). */
  resumable?: boolean;
}

/** An iteration of {@link newtonCG}; `step` is |p| (0 when the step was refused). */
export interface NewtonCGEvent extends IterationEvent {
  /** The radius for the next iteration. */
  radius: number;
  /** Whether the step was taken. */
  accepted: boolean;
  /** CG iterations of this step. */
  cgIterations: number;
  /** Hessian-vector products so far. */
  hessianProducts: number;
}

/** The result of {@link newtonCG}: the engine's result and the products spent. */
export interface NewtonCGResult extends OptimizeResult {
  hessianProducts: number;
}

/** Newton-CG's memory between iterations (its `state.rule`). */
interface NewtonCGMemory {
  radius: number;
  hessianProducts: number;
}

const METHOD = "newton-cg";

/** Scratch vectors of one Steihaug solve. */
interface CgWork {
  p: Float64Array;
  hp: Float64Array;
  r: Float64Array;
  d: Float64Array;
  hd: Float64Array;
}

/** The tau >= 0 with |p + tau d| = radius, for |p| <= radius (the stable root of the quadratic). */
function toBoundary(p: Float64Array, d: Float64Array, radius: number): number {
  const a = dotv(d, d), b = 2 * dotv(p, d), c = dotv(p, p) - radius * radius;
  const root = Math.sqrt(Math.max(0, b * b - 4 * a * c));
  return b <= 0 ? (-b + root) / (2 * a) : (-2 * c) / (b + root);
}

/**
 * Steihaug-Toint CG (Nocedal & Wright, Algorithm 7.2) on H p = -g within
 * |p| <= radius: writes p and H p into `w`; returns its iterations and whether
 * it ended on the boundary.
 */
function steihaug(
  hv: (v: Float64Array, out: Float64Array) => void, g: Float64Array, radius: number, tolerance: number, maxIterations: number, w: CgWork,
): { iterations: number; boundary: boolean } {
  const { p, hp, r, d, hd } = w;
  const n = g.length;
  p.fill(0);
  hp.fill(0);
  r.set(g);
  for (let i = 0; i < n; i++) d[i] = -g[i];
  let rr = dotv(r, r);
  const along = (tau: number) => {
    for (let i = 0; i < n; i++) {
      p[i] += tau * d[i];
      hp[i] += tau * hd[i];
    }
  };
  for (let j = 0; j < maxIterations; j++) {
    hv(d, hd);
    const curvature = dotv(d, hd);
    if (!(curvature > 0)) {
      along(toBoundary(p, d, radius));
      return { iterations: j + 1, boundary: true };
    }
    const a = rr / curvature;
    const pd = dotv(p, d), dd = dotv(d, d);
    if (dotv(p, p) + 2 * a * pd + a * a * dd >= radius * radius) {
      along(toBoundary(p, d, radius));
      return { iterations: j + 1, boundary: true };
    }
    along(a);
    for (let i = 0; i < n; i++) r[i] += a * hd[i];
    const rrNext = dotv(r, r);
    if (Math.sqrt(rrNext) <= tolerance) return { iterations: j + 1, boundary: false };
    const beta = rrNext / rr;
    for (let i = 0; i < n; i++) d[i] = -r[i] + beta * d[i];
    rr = rrNext;
  }
  return { iterations: maxIterations, boundary: false };
}

/** Minimizes f from x0 by trust-region Newton-CG: see the module documentation. */
export function* newtonCG(f: Objective, x0: Float64Array, options: NewtonCGOptions = {}): Generator<NewtonCGEvent, NewtonCGResult> {
  const n = x0.length;
  // A trial a step, plus the products' evaluations when they are differences; 2 with products
  // leaves room for the start's evaluation (1 would stop a run one iteration short).
  const rules = stoppingRules(options, { maxIterations: 200, evaluationsPerIteration: options.hessianVector === undefined ? n + 1 : 2 });
  const { gradientTolerance: gtol, maxIterations, maxEvaluations } = rules;
  const radius0 = option(options.radius, 1, "radius", "positive");
  const maxRadius = option(options.maxRadius, 1000 * radius0, "maxRadius", "positive");
  const eta = option(options.eta, 0.1, "eta", "unit interval");
  // Above 1/4 a step could be taken while the radius shrinks (Nocedal & Wright, Algorithm 4.1).
  if (eta >= 0.25) throw new InputError("eta", `expected a number in [0, 1/4), got ${eta}`);
  const cgIterations = option(options.cgIterations, Math.max(1, n), "cgIterations", "positive integer");
  const cgTolerance = option(options.cgTolerance, 0.5, "cgTolerance", "fraction");
  const roundOff = option(options.roundOff, 1e-12, "roundOff", "unit interval");
  const resumable = options.resumable ?? true;
  const t0 = performance.now();

  let x: Float64Array = Float64Array.from(x0);
  let g: Float64Array = new Float64Array(n);
  let value: number;
  let evaluations: number;
  let iteration = 0;
  let radius = Math.min(radius0, maxRadius);
  let hessianProducts = 0;
  const resume = options.resume;
  if (resume !== undefined) {
    ({ x, g, value, evaluations, iteration } = restore(resume, METHOD, n));
    ({ radius, hessianProducts } = resume.rule as NewtonCGMemory);
  } else {
    value = f(x, g);
    evaluations = 1;
  }
  let xt: Float64Array = new Float64Array(n);
  let gt: Float64Array = new Float64Array(n);
  const w: CgWork = { p: new Float64Array(n), hp: new Float64Array(n), r: new Float64Array(n), d: new Float64Array(n), hd: new Float64Array(n) };
  const xh = new Float64Array(n);
  const product = options.hessianVector;
  const hv = (v: Float64Array, out: Float64Array) => {
    hessianProducts++;
    if (product !== undefined) return product(x, v, out);
    const h = (Math.sqrt(Number.EPSILON) * (1 + normv(x))) / normv(v);
    for (let i = 0; i < n; i++) xh[i] = x[i] + h * v[i];
    f(xh, out);
    evaluations++;
    for (let i = 0; i < n; i++) out[i] = (out[i] - g[i]) / h;
  };
  const finish = (status: Status): NewtonCGResult => ({ ...outcome(x, value, normv(g), iteration, evaluations, status), hessianProducts });

  if (!Number.isFinite(value) || !allFinite(g)) return finish("non-finite");
  for (;;) {
    const gnorm = normv(g);
    const stop = stopBefore(gnorm, gtol, iteration, maxIterations, evaluations, maxEvaluations);
    if (stop !== null) return finish(stop);

    const cg = steihaug(hv, g, radius, Math.min(cgTolerance, gnorm) * gnorm, cgIterations, w);
    const { p, hp } = w;
    const predicted = -(dotv(g, p) + 0.5 * dotv(p, hp));
    for (let i = 0; i < n; i++) xt[i] = x[i] + p[i];
    const trial = trialValue(f, xt, gt);
    evaluations++;
    const floor = roundOff * Math.abs(value);
    let rho: number;
    if (!Number.isFinite(trial) || !allFinite(gt)) rho = -Infinity;
    else if (predicted <= floor) rho = trial <= value + floor && normv(gt) < gnorm ? 1 : 0;
    else rho = (value - trial) / predicted;
    const length = normv(p);
    if (rho < 0.25) radius = 0.25 * length;
    else if (rho > 0.75 && cg.boundary) radius = Math.min(2 * radius, maxRadius);
    const accepted = rho > eta;
    const previous = value;
    if (accepted) {
      [x, xt] = [xt, x];
      [g, gt] = [gt, g];
      value = trial;
    }
    iteration++;
    const state: OptimizerState | undefined = resumable
      ? { method: METHOD, x: Array.from(x), gradient: Array.from(g), value, evaluations, iteration, previousStep: accepted ? length : 0, previousSlope: 0, rule: { radius, hessianProducts } satisfies NewtonCGMemory }
      : undefined;
    yield {
      iteration, value, gradientNorm: normv(g), step: accepted ? length : 0, evaluations, x: Float64Array.from(x), seconds: (performance.now() - t0) / 1000, state,
      radius, accepted, cgIterations: cg.iterations, hessianProducts,
    };
    if (!accepted && !(radius > Number.EPSILON * (1 + normv(x)))) return finish("radius-collapsed");
    if (accepted && decreasedTooLittle(rules, previous, value)) return finish("relative-decrease");
  }
}
