/**
 * J(x) = misfit(F(m(x)), observed) + sum_j weight_j R_j(m(x)) for any
 * simulator that speaks the differentiable contract: one forward and one
 * adjoint run per evaluation.
 *
 * Where the terms allow, the objective comes with Gauss-Newton Hessian-vector
 * products in x (for Newton-CG):
 *
 *   H v = D (J^T C J + sum_j weight_j R_j'') D v,   D = diag(dm/dx),
 *
 * with C the misfit's curvature in the data (W for weighted least squares) and
 * R_j'' each regularizer's Hessian, all at m(x). Left out, as Gauss-Newton
 * leaves them: the residual's curvature (second derivatives of F) and the
 * parametrization's (the gradient in m times d^2m/dx^2); both vanish, or nearly,
 * at a minimum of a well-fitting problem. Exact for a linear F, quadratic
 * regularizers and the identity parametrization. Each product costs one jvp and
 * one vjp, and a linearization at x when the last evaluation was elsewhere (after
 * a refused trial step).
 */
import { field, flatten } from "../core/arrays.js";
import type { Differentiable, Field, Linearization } from "../core/contract.js";
import { InputError, NonFiniteError } from "../core/errors.js";
import { gaussNewtonProduct, type ModelProduct } from "./gauss-newton.js";
import type { Misfit } from "./misfit.js";
import { identity, type Parametrization } from "./parametrization.js";
import type { Regularizer } from "./regularization.js";
import type { HessianVectorProduct, Objective } from "./types.js";

/** A weighted regularization term. */
export interface WeightedRegularizer {
  term: Regularizer;
  weight: number;
}

/** What {@link dataObjective} needs. */
export interface DataObjectiveSpec {
  simulator: Differentiable;
  observed: Field;
  misfit: Misfit;
  /** Shape of the simulator's model. */
  modelShape: readonly number[];
  regularization?: WeightedRegularizer[];
  /** How optimization variables map to the model. Default identity. */
  parametrization?: Parametrization;
}

/** An objective on optimization variables x, with the model map and the last value of every term. */
export interface DataObjective {
  objective: Objective;
  /**
   * Gauss-Newton products in x (see the module documentation): present when the data term has
   * them (a misfit with a curvature, a simulator with jvp) and every regularizer its Hessian.
   */
  hessianVector?: HessianVectorProduct;
  /** Value of each term (misfit name, then weighted regularizer names) at the last evaluation. */
  readonly terms: Record<string, number>;
  /** The model m(x) as a field. */
  toModel(x: Float64Array): Field;
  /** Optimization variables x(m) of a model. */
  toParameter(model: Field): Float64Array;
}

/** What {@link modelObjective} needs besides the data term. */
export interface ModelObjectiveSpec {
  /** Name of the data term in `terms`. */
  name: string;
  modelShape: readonly number[];
  regularization?: WeightedRegularizer[];
  parametrization?: Parametrization;
  /** The data term's Gauss-Newton product at a model m: writes H(m) dm into `out`. Omitted: no products. */
  dataHessian?: (m: Float64Array, dm: Float64Array, out: Float64Array) => void;
}

/**
 * J(x) = dataTerm(m(x)) + sum_j weight_j R_j(m(x)) for a data term given as an
 * objective on the model m (value and gradient with respect to m) — a
 * simulator with a misfit ({@link dataObjective}), or a pool of workers
 * summing shots. Throws {@link NonFiniteError} naming the term that is NaN or infinite.
 */
export function modelObjective(dataTerm: Objective, spec: ModelObjectiveSpec): DataObjective {
  const param = spec.parametrization ?? identity;
  const shape = [...spec.modelShape];
  const n = shape.reduce((a, b) => a * b, 1);
  for (const [j, r] of (spec.regularization ?? []).entries()) {
    if (!(r.weight >= 0) || !Number.isFinite(r.weight)) throw new InputError(`regularization[${j}].weight`, `expected a non-negative finite weight, got ${r.weight}`);
  }
  const terms: Record<string, number> = {};
  const m = new Float64Array(n);
  const gm = new Float64Array(n);
  const gr = new Float64Array(n);

  const objective: Objective = (x, gx) => {
    param.toModel(x, m);
    const misfit = dataTerm(m, gm);
    if (!Number.isFinite(misfit)) throw new NonFiniteError(`misfit term "${spec.name}"`);
    terms[spec.name] = misfit;
    let total = misfit;
    for (const { term, weight } of spec.regularization ?? []) {
      const v = weight * term.evaluate(m, gr);
      if (!Number.isFinite(v)) throw new NonFiniteError(`regularization term "${term.name}"`);
      terms[term.name] = v;
      total += v;
      for (let i = 0; i < n; i++) gm[i] += weight * gr[i];
    }
    param.chain(x, m, gm, gx);
    for (let i = 0; i < n; i++) if (!Number.isFinite(gx[i])) throw new NonFiniteError(`gradient (cell ${i})`);
    return total;
  };
  return {
    objective,
    hessianVector: hessianVectorOf(spec, n),
    terms,
    toModel: (x) => {
      const out = new Float64Array(n);
      param.toModel(x, out);
      return field(out, shape);
    },
    toParameter: (model) => {
      const out = new Float64Array(n);
      param.toParameter(flatten(model), out);
      return out;
    },
  };
}

/**
 * H v = D (dataHessian + sum_j weight_j R_j'') D v in x, D = diag(dm/dx) (the
 * parametrizations are pointwise, so `chain` applies D); undefined without a
 * data product or when a regularizer has no Hessian.
 */
function hessianVectorOf(spec: ModelObjectiveSpec, n: number): HessianVectorProduct | undefined {
  const data = spec.dataHessian;
  const regularization = spec.regularization ?? [];
  if (data === undefined || regularization.some((r) => r.term.hessianVector === undefined)) return undefined;
  const param = spec.parametrization ?? identity;
  const m = new Float64Array(n), dm = new Float64Array(n), hm = new Float64Array(n), hr = new Float64Array(n);
  return (x, v, out) => {
    param.toModel(x, m);
    param.chain(x, m, v, dm);
    data(m, dm, hm);
    for (const { term, weight } of regularization) {
      term.hessianVector!(m, dm, hr);
      for (let i = 0; i < n; i++) hm[i] += weight * hr[i];
    }
    param.chain(x, m, hm, out);
  };
}

/** Builds J(x) for a simulator and a misfit; see the module documentation. */
export function dataObjective(spec: DataObjectiveSpec): DataObjective {
  const shape = [...spec.modelShape];
  const observed = flatten(spec.observed);
  let residual = new Float64Array(0);
  // Once a product has been asked for, the last linearization is kept with its model (its product
  // made at the first product asked of it): a product at that model reuses it; elsewhere the data
  // are linearized again. It is dropped before every new linearization, so no more than one is
  // held, and none for an optimizer that asks no products.
  const products = spec.misfit.curvature !== undefined && spec.simulator.jvp !== undefined;
  let asked = false;
  let held: { m: Float64Array; lin: Linearization; product: ModelProduct | null } | null = null;
  const linearize = (m: Float64Array) => {
    held = null;
    const lin = spec.simulator.linearize(field(m, shape));
    if (asked) held = { m: Float64Array.from(m), lin, product: null };
    return lin;
  };
  const dataHessian = (m: Float64Array, dm: Float64Array, out: Float64Array) => {
    asked = true;
    if (held === null || !held.m.every((v, i) => Object.is(v, m[i]))) linearize(m);
    const h = held!;
    (h.product ??= gaussNewtonProduct(h.lin, spec.misfit, observed, shape))(dm, out);
  };
  const dataTerm: Objective = (m, gm) => {
    const lin = linearize(m);
    const predicted = flatten(lin.data);
    if (predicted.length !== observed.length) throw new InputError("observed", `has ${observed.length} values, the simulator predicts ${predicted.length}`);
    if (residual.length !== predicted.length) residual = new Float64Array(predicted.length);
    const misfit = spec.misfit.evaluate(predicted, observed, residual);
    if (!Number.isFinite(misfit)) throw new NonFiniteError(`misfit term "${spec.misfit.name}"`);
    gm.set(flatten(lin.vjp(field(residual, lin.data.shape))));
    return misfit;
  };
  return modelObjective(dataTerm, {
    name: spec.misfit.name, modelShape: spec.modelShape, regularization: spec.regularization, parametrization: spec.parametrization, dataHessian: products ? dataHessian : undefined,
  });
}
