/**
 * Data misfits phi(predicted, observed) with their gradients with respect to
 * the predicted data (the adjoint source handed to a simulator's vjp).
 */
import { InputError } from "../core/errors.js";

/** A misfit between predicted and observed data (flat arrays of equal length). */
export interface Misfit {
  readonly name: string;
  /** Returns phi and writes d phi / d predicted into `gradient`. */
  evaluate(predicted: Float64Array, observed: Float64Array, gradient: Float64Array): number;
  /**
   * Writes the second derivative of phi in the data applied to `v`, (d^2 phi / d predicted^2) v,
   * into `out`: the C of the (generalized) Gauss-Newton product J^T C J. Given only where C is
   * positive semidefinite (phi convex in the data), so that J^T C J is too; a misfit without it
   * (normalized cross-correlation) leaves Newton-CG to difference the gradient.
   */
  curvature?(predicted: Float64Array, observed: Float64Array, v: Float64Array, out: Float64Array): void;
}

function checkWeights(weights: Float64Array | undefined): void {
  if (weights === undefined) return;
  for (let i = 0; i < weights.length; i++) {
    if (!(weights[i] >= 0) || !Number.isFinite(weights[i])) throw new InputError(`weights[${i}]`, `expected a non-negative finite weight, got ${weights[i]}`);
  }
}

/**
 * Least squares 0.5 sum w_i (p_i - o_i)^2; with w_i = 1 / sigma_i^2 this is
 * the Gaussian negative log-likelihood for a diagonal noise covariance. Its
 * curvature is W = diag(w): Gauss-Newton's J^T W J.
 */
export function leastSquares(weights?: Float64Array): Misfit {
  checkWeights(weights);
  return {
    name: "least-squares",
    evaluate(p, o, g) {
      let v = 0;
      for (let i = 0; i < p.length; i++) {
        const r = p[i] - o[i];
        const w = weights === undefined ? 1 : weights[i];
        v += 0.5 * w * r * r;
        g[i] = w * r;
      }
      return v;
    },
    curvature(_p, _o, v, out) {
      for (let i = 0; i < v.length; i++) out[i] = (weights === undefined ? 1 : weights[i]) * v[i];
    },
  };
}

/**
 * Huber misfit: r^2 / 2 for |r| <= delta, delta (|r| - delta / 2) beyond,
 * so outliers pull with a bounded force delta instead of |r|. Its curvature
 * is w on the residuals within delta and 0 beyond (the weights of iteratively
 * reweighted least squares' inner samples): exact but at |r| = delta, where the
 * inner side's w is taken.
 */
export function huber(delta: number, weights?: Float64Array): Misfit {
  if (!(delta > 0) || !Number.isFinite(delta)) throw new InputError("huber.delta", `expected a positive threshold, got ${delta}`);
  checkWeights(weights);
  return {
    name: "huber",
    evaluate(p, o, g) {
      let v = 0;
      for (let i = 0; i < p.length; i++) {
        const r = p[i] - o[i];
        const w = weights === undefined ? 1 : weights[i];
        const a = Math.abs(r);
        if (a <= delta) {
          v += 0.5 * w * r * r;
          g[i] = w * r;
        } else {
          v += w * delta * (a - 0.5 * delta);
          g[i] = w * delta * Math.sign(r);
        }
      }
      return v;
    },
    curvature(p, o, v, out) {
      for (let i = 0; i < v.length; i++) out[i] = Math.abs(p[i] - o[i]) <= delta ? (weights === undefined ? 1 : weights[i]) * v[i] : 0;
    },
  };
}

/**
 * Normalized cross-correlation, per trace of `traceLength` samples:
 * sum over traces of 1 - <p, o> / (|p| |o|). Insensitive to amplitude and
 * smoother in time shifts than least squares, which widens the basin of
 * attraction against cycle skipping. Traces where either side is zero add nothing.
 */
export function normalizedCrossCorrelation(traceLength: number): Misfit {
  if (!Number.isInteger(traceLength) || traceLength < 1) {
    throw new InputError("normalizedCrossCorrelation.traceLength", `expected a positive integer, got ${traceLength}`);
  }
  return {
    name: "normalized-cross-correlation",
    evaluate(p, o, g) {
      if (p.length % traceLength !== 0) throw new InputError("traceLength", `${p.length} samples are not whole traces of ${traceLength}`);
      let v = 0;
      for (let t = 0; t < p.length; t += traceLength) {
        let pp = 0, oo = 0, po = 0;
        for (let i = t; i < t + traceLength; i++) {
          pp += p[i] * p[i];
          oo += o[i] * o[i];
          po += p[i] * o[i];
        }
        if (pp === 0 || oo === 0) {
          for (let i = t; i < t + traceLength; i++) g[i] = 0;
          continue;
        }
        const np = Math.sqrt(pp), no = Math.sqrt(oo);
        const c = po / (np * no);
        v += 1 - c;
        // d(-c)/dp = -(o / (|p||o|) - c p / |p|^2)
        for (let i = t; i < t + traceLength; i++) g[i] = -(o[i] / (np * no) - (c * p[i]) / pp);
      }
      return v;
    },
  };
}
