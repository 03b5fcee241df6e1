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

/** Builds J(x); see the module documentation. Throws {@link NonFiniteError} naming the term that is NaN or infinite. */
export function dataObjective(spec: DataObjectiveSpec): DataObjective {
  const param = spec.parametrization ?? identity;
  const shape = [...spec.modelShape];
  const n = shape.reduce((a, b) => a * b, 1);
  const observed = flatten(spec.observed);
  for (const [j, r] of (spec.regularization ?? []).entries()) {
    if (!(r.weight >= 0) || !Number.isFinite(r.weight)) throw new InputError(`regularization[${j}].weight`, `expected a non-negative finite weight, got ${r.weight}`);
  }
  const terms: Record<string, number> = {};
  const m = new Float64Array(n);
  const gm = new Float64Array(n);
  const gr = new Float64Array(n);
  let residual = new Float64Array(0);

  const objective: Objective = (x, gx) => {
    param.toModel(x, m);
    const model = field(m, shape);
    const lin = spec.simulator.linearize(model);
    const predicted = flatten(lin.data);
    if (predicted.length !== observed.length) throw new InputError("observed", `has ${observed.length} values, the simulator predicts ${predicted.length}`);
    if (residual.length !== predicted.length) residual = new Float64Array(predicted.length);
    const misfit = spec.misfit.evaluate(predicted, observed, residual);
    if (!Number.isFinite(misfit)) throw new NonFiniteError(`misfit term "${spec.misfit.name}"`);
    terms[spec.misfit.name] = misfit;
    gm.set(flatten(lin.vjp(field(residual, lin.data.shape))));
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
