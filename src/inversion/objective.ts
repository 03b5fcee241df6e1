/**
 * J(x) = misfit(F(m(x)), observed) + sum_j weight_j R_j(m(x)) for any
 * simulator that speaks the differentiable contract: one forward and one
 * adjoint run per evaluation.
 */
import { field, flatten } from "../core/arrays.js";
import type { Differentiable, Field } from "../core/contract.js";
import { InputError, NonFiniteError } from "../core/errors.js";
import type { Misfit } from "./misfit.js";
import { identity, type Parametrization } from "./parametrization.js";
import type { Regularizer } from "./regularization.js";
import type { Objective } from "./types.js";

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

/** Builds J(x) for a simulator and a misfit; see the module documentation. */
export function dataObjective(spec: DataObjectiveSpec): DataObjective {
  const shape = [...spec.modelShape];
  const observed = flatten(spec.observed);
  let residual = new Float64Array(0);
  const dataTerm: Objective = (m, gm) => {
    const lin = spec.simulator.linearize(field(m, shape));
    const predicted = flatten(lin.data);
    if (predicted.length !== observed.length) throw new InputError("observed", `has ${observed.length} values, the simulator predicts ${predicted.length}`);
    if (residual.length !== predicted.length) residual = new Float64Array(predicted.length);
    const misfit = spec.misfit.evaluate(predicted, observed, residual);
    if (!Number.isFinite(misfit)) throw new NonFiniteError(`misfit term "${spec.misfit.name}"`);
    gm.set(flatten(lin.vjp(field(residual, lin.data.shape))));
    return misfit;
  };
  return modelObjective(dataTerm, { name: spec.misfit.name, modelShape: spec.modelShape, regularization: spec.regularization, parametrization: spec.parametrization });
}
