/**
 * Truncated Gauss-Newton for weighted least squares J(x) = 0.5 sum w (F(m(x)) - d)^2:
 * each iteration solves (J^T W J + mu I) dx = -g approximately by conjugate
 * gradients, using only jvp and vjp of the simulator (never forming J), then
 * backtracks along dx. One linearization per iteration; each CG step costs one
 * jvp and one vjp.
 *
 * The product J^T C J of one linearization ({@link gaussNewtonProduct}, C the
 * misfit's curvature in the data: W here) also serves Newton-CG on the
 * objectives of src/inversion/objective.ts.
 */
import { armijoBacktracking } from "./line-search.js";
import { decreasedTooLittle, option, stoppingRules } from "./options.js";
import { field, flatten } from "../core/arrays.js";
import type { Differentiable, Field, Linearization } from "../core/contract.js";
import { InputError } from "../core/errors.js";
import { leastSquares, type Misfit } from "./misfit.js";
import { identity, type Parametrization } from "./parametrization.js";
import { outcome, stopBefore, type IterationEvent, type OptimizeResult, type Status, type StoppingRules } from "./types.js";
import { dotv, normv } from "./vector.js";

/** The problem {@link gaussNewton} solves. */
export interface GaussNewtonSpec {
  simulator: Differentiable;
  observed: Field;
  modelShape: readonly number[];
  /** Data weights (inverse noise variances). Default 1. */
  weights?: Float64Array;
  parametrization?: Parametrization;
}

/** Options of {@link gaussNewton}. */
export interface GaussNewtonOptions extends StoppingRules {
  /** Most CG iterations per Gauss-Newton step. Default 20. */
  cgIterations?: number;
  /** CG stops when its residual falls below this fraction of |g|. Default 0.1. */
  cgTolerance?: number;
  /** Levenberg damping mu added to the Gauss-Newton Hessian. Default 0. */
  damping?: number;
}

/** A product in the model: writes A dm into `out` (both of the model's length). */
export type ModelProduct = (dm: Float64Array, out: Float64Array) => void;

/**
 * The (generalized) Gauss-Newton product of `misfit` at a linearization:
 * dm -> J^T C J dm, with J the simulator's Jacobian at the linearized model and
 * C the misfit's curvature in the data at the prediction (W for weighted least
 * squares). Each product costs one jvp and one vjp; the linearization must stay
 * the simulator's latest (see StorageTickets).
 * @throws {InputError} when the misfit has no curvature or the simulator no jvp
 */
export function gaussNewtonProduct(lin: Linearization, misfit: Misfit, observed: Float64Array, modelShape: readonly number[]): ModelProduct {
  const { jvp } = lin;
  if (jvp === undefined) throw new InputError("simulator", "Gauss-Newton needs a simulator with jvp");
  if (misfit.curvature === undefined) throw new InputError("misfit", `"${misfit.name}" has no Gauss-Newton curvature (it is not convex in the data)`);
  const shape = [...modelShape];
  const predicted = flatten(lin.data);
  const weighted = new Float64Array(predicted.length);
  return (dm, out) => {
    misfit.curvature!(predicted, observed, flatten(jvp(field(dm, shape))), weighted);
    out.set(flatten(lin.vjp(field(weighted, lin.data.shape))));
  };
}

/** Minimizes the weighted least-squares misfit from x0 (optimization variables). */
export function* gaussNewton(spec: GaussNewtonSpec, x0: Float64Array, options: GaussNewtonOptions = {}): Generator<IterationEvent, OptimizeResult> {
  const sim = spec.simulator;
  const param = spec.parametrization ?? identity;
  const shape = [...spec.modelShape];
  const n = x0.length;
  const observed = flatten(spec.observed);
  const weights = spec.weights;
  if (weights !== undefined && weights.length !== observed.length) throw new InputError("weights", `expected ${observed.length} values, got ${weights.length}`);
  const misfit = leastSquares(weights);
  const rules = stoppingRules(options, { maxIterations: 50, evaluationsPerIteration: 10 });
  const { gradientTolerance: gtol, maxIterations, maxEvaluations } = rules;
  const cgIterations = option(options.cgIterations, 20, "cgIterations", "positive integer");
  const cgTolerance = option(options.cgTolerance, 0.1, "cgTolerance", "fraction");
  const mu = option(options.damping, 0, "damping", "non-negative");
  const t0 = performance.now();

  const m = new Float64Array(n);
  const jac = new Float64Array(n); // dm/dx
  const ones = new Float64Array(n).fill(1);
  const x = Float64Array.from(x0);
  const g = new Float64Array(n);
  let evaluations = 0;
  let iteration = 0;
  let value = NaN;
  const vm = new Float64Array(n);
  const back = new Float64Array(n);
  const finish = (status: Status): OptimizeResult => outcome(x, value, normv(g), iteration, evaluations, status);

  for (;;) {
    param.toModel(x, m);
    param.chain(x, m, ones, jac);
    const lin = sim.linearize(field(m, shape));
    const product = gaussNewtonProduct(lin, misfit, observed, shape);
    const data = flatten(lin.data);
    const residual = new Float64Array(data.length);
    value = misfit.evaluate(data, observed, residual);
    evaluations++;
    const gm = flatten(lin.vjp(field(residual, lin.data.shape)));
    for (let i = 0; i < n; i++) g[i] = gm[i] * jac[i];
    const gnorm = normv(g);
    if (!Number.isFinite(value) || !Number.isFinite(gnorm)) return finish("non-finite");
    const stop = stopBefore(gnorm, gtol, iteration, maxIterations, evaluations, maxEvaluations);
    if (stop !== null) return finish(stop);

    // H v = jac * J^T W J (jac * v) + mu v
    const hess = (v: Float64Array, out: Float64Array) => {
      for (let i = 0; i < n; i++) vm[i] = jac[i] * v[i];
      product(vm, back);
      for (let i = 0; i < n; i++) out[i] = jac[i] * back[i] + mu * v[i];
    };
    // Conjugate gradients on H dx = -g from dx = 0.
    const dx = new Float64Array(n);
    const r = Float64Array.from(g, (v) => -v);
    const p = Float64Array.from(r);
    const hp = new Float64Array(n);
    let rr = dotv(r, r);
    for (let k = 0; k < cgIterations && Math.sqrt(rr) > cgTolerance * gnorm; k++) {
      hess(p, hp);
      const php = dotv(p, hp);
      if (!(php > 0)) break; // no positive curvature left along p
      const a = rr / php;
      for (let i = 0; i < n; i++) {
        dx[i] += a * p[i];
        r[i] -= a * hp[i];
      }
      const rrNext = dotv(r, r);
      for (let i = 0; i < n; i++) p[i] = r[i] + (rrNext / rr) * p[i];
      rr = rrNext;
    }
    if (!(dotv(g, dx) < 0)) for (let i = 0; i < n; i++) dx[i] = -g[i];

    // Backtracking on the misfit alone (forward runs only).
    const slope = dotv(g, dx);
    const xt = new Float64Array(n);
    const scratch = new Float64Array(observed.length);
    const search = armijoBacktracking(value, 1, 1e-4, Math.min(30, maxEvaluations - evaluations), (step) => {
      for (let i = 0; i < n; i++) xt[i] = x[i] + step * dx[i];
      param.toModel(xt, m);
      try {
        return { value: misfit.evaluate(flatten(sim.forward(field(m, shape))), observed, scratch), decrease: step * slope };
      } catch (e) {
        if (!(e instanceof InputError)) throw e; // e.g. a trial model breaking the CFL limit: shorten the step
        return { value: NaN, decrease: step * slope };
      }
    });
    evaluations += search.evaluations;
    if (!search.accepted) return finish(evaluations >= maxEvaluations ? "max-evaluations" : "line-search-failed");
    const { step, value: trial } = search;
    const previous = value;
    x.set(xt);
    value = trial;
    iteration++;
    yield { iteration, value, gradientNorm: gnorm, step, evaluations, x: Float64Array.from(x), seconds: (performance.now() - t0) / 1000 };
    if (decreasedTooLittle(rules, previous, value)) return finish("relative-decrease");
  }
}
