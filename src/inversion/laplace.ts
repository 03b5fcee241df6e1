/**
 * The Laplace approximation at a least-squares optimum: with data noise of
 * standard deviation sigma (per datum, or one for all), the posterior of the
 * model is approximately Gaussian with covariance (J^T W J)^-1, W = 1/sigma^2,
 * J the simulator's Jacobian at the optimum (the Gauss-Newton Hessian). J is
 * formed column by column with jvp, so this is for models of modest size
 * (potential parameters, a few layers).
 */
import { Matrix, inverse } from "ml-matrix";
import { field, flatten } from "../core/arrays.js";
import type { Differentiable, Field } from "../core/contract.js";
import { InputError } from "../core/errors.js";

/** What {@link laplaceCovariance} returns. */
export interface LaplaceApproximation {
  /** Covariance of the model, [n, n] row-major. */
  covariance: Float64Array;
  /** Standard errors sqrt(diag(covariance)). */
  standardErrors: Float64Array;
  /** The Gauss-Newton Hessian J^T W J, [n, n]. */
  hessian: Float64Array;
}

/** Covariance of the model at `model` (an optimum) for data noise `sigma`. */
export function laplaceCovariance(sim: Differentiable, model: Field, sigma: number | Float64Array): LaplaceApproximation {
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
  const inv = inverse(new Matrix(Array.from({ length: n }, (_, r) => Array.from(hessian.subarray(r * n, (r + 1) * n)))));
  const covariance = new Float64Array(n * n);
  for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) covariance[r * n + c] = inv.get(r, c);
  return { covariance, hessian, standardErrors: Float64Array.from({ length: n }, (_, i) => Math.sqrt(covariance[i * n + i])) };
}
