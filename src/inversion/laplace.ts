/**
 * The Laplace approximation at a least-squares optimum: with data noise of
 * standard deviation sigma (per datum, or one for all), the posterior of the
 * model is approximately Gaussian with covariance (J^T W J)^-1, W = 1/sigma^2,
 * J the simulator's Jacobian at the optimum (the Gauss-Newton Hessian). J is
 * formed column by column with jvp, so this is for models of modest size
 * (potential parameters, a few layers).
 */
import { EigenvalueDecomposition, Matrix, inverse } from "ml-matrix";
import { field, flatten } from "../core/arrays.js";
import type { Differentiable, Field } from "../core/contract.js";
import { IllConditionedError, InputError } from "../core/errors.js";

/**
 * Largest condition number of J^T W J accepted: beyond it the inverse has no
 * correct digits left in some direction (float64 keeps about 16), so the data
 * do not determine the model there and no covariance is returned.
 */
export const MAX_CONDITION = 1e14;

/** What {@link laplaceCovariance} returns. */
export interface LaplaceApproximation {
  /** Covariance of the model, [n, n] row-major. */
  covariance: Float64Array;
  /** Standard errors sqrt(diag(covariance)). */
  standardErrors: Float64Array;
  /** The Gauss-Newton Hessian J^T W J, [n, n]. */
  hessian: Float64Array;
}

/**
 * Covariance of the model at `model` (an optimum) for data noise `sigma`.
 * @param name what the model is, for errors (e.g. `fits[1]`)
 * @throws {IllConditionedError} when J^T W J is singular or its condition number exceeds {@link MAX_CONDITION}
 */
export function laplaceCovariance(sim: Differentiable, model: Field, sigma: number | Float64Array, name = "model"): LaplaceApproximation {
  if (sim.jvp === undefined) throw new InputError("simulator", "needs jvp to form the Jacobian");
  const lin = sim.linearize(model);
  if (lin.jvp === undefined) throw new InputError("simulator", "its linearization has no jvp");
  const n = model.size, nd = lin.data.size;
  const w = typeof sigma === "number" ? new Float64Array(nd).fill(1 / (sigma * sigma)) : sigma.map((s) => 1 / (s * s));
  if (w.length !== nd || !w.every((v) => v > 0 && Number.isFinite(v))) throw new InputError("sigma", `expected one positive noise level or ${nd} of them`);
  const columns: Float64Array[] = [];
  const e = new Float64Array(n);
  for (let c = 0; c < n; c++) {
    e.fill(0);
    e[c] = 1;
    columns.push(Float64Array.from(flatten(lin.jvp(field(e.slice(), model.shape)))));
  }
  const hessian = new Float64Array(n * n);
  for (let a = 0; a < n; a++) {
    for (let b = 0; b <= a; b++) {
      let s = 0;
      for (let k = 0; k < nd; k++) s += columns[a][k] * w[k] * columns[b][k];
      hessian[a * n + b] = hessian[b * n + a] = s;
    }
  }
  if (!hessian.every(Number.isFinite)) throw new IllConditionedError(name, NaN, "its Gauss-Newton Hessian J^T W J is not finite");
  const matrix = new Matrix(Array.from({ length: n }, (_, r) => Array.from(hessian.subarray(r * n, (r + 1) * n))));
  const eigen = new EigenvalueDecomposition(matrix, { assumeSymmetric: true }).realEigenvalues;
  const largest = Math.max(...eigen.map(Math.abs)), smallest = Math.min(...eigen);
  const condition = smallest > 0 ? largest / smallest : Infinity;
  if (!(condition <= MAX_CONDITION)) {
    throw new IllConditionedError(name, condition, `J^T W J has condition number ${condition === Infinity ? "infinity (singular)" : condition.toExponential(2)}, above ${MAX_CONDITION.toExponential(0)}: the data do not determine every parameter, so there is no Laplace covariance`);
  }
  const inv = inverse(matrix);
  const covariance = new Float64Array(n * n);
  for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) covariance[r * n + c] = inv.get(r, c);
  return { covariance, hessian, standardErrors: Float64Array.from({ length: n }, (_, i) => Math.sqrt(covariance[i * n + i])) };
}
