/**
 * D-optimal experimental design for a linear(ized) Gaussian inverse problem
 * whose sensors move continuously.
 *
 * Sensor s at position p_s (dims coordinates) records rows J_s(p_s) of the
 * Jacobian ([rows, n]: its data's sensitivity to the n model parameters) with
 * independent noise of standard deviation sigma. With a Gaussian prior of
 * precision P (n x n), the Laplace (Gauss-Newton) posterior precision is
 *   H(p) = P + sum_s J_s^T J_s / sigma^2,
 * and the D-optimal criterion is log det H (the posterior covariance's volume,
 * up to sign: maximizing it maximizes the expected information gain).
 *
 * Gradient, exact given dJ_s/dp_sc (the caller's derivative of its rows with
 * respect to coordinate c of sensor s):
 *   d log det H / dp_sc = tr(H^-1 dH/dp_sc) = (2 / sigma^2) sum_(k,a) (J_s H^-1)_ka (dJ_s/dp_sc)_ka
 * (dH/dp_sc = (dJ_s^T J_s + J_s^T dJ_s) / sigma^2, and the trace of a product with a symmetric matrix
 * counts both terms alike). log det H comes from H's Cholesky factor, H^-1 from solves with it.
 */
import { CholeskyDecomposition, Matrix } from "ml-matrix";
import { InputError, NonFiniteError } from "../core/errors.js";
import type { Objective } from "./types.js";

/**
 * Writes sensor s's Jacobian rows at `coordinates` into `rows` ([rows, n]
 * row-major) and their derivative with respect to each coordinate c into
 * `derivatives[c]` (same layout).
 */
export type SensorRows = (s: number, coordinates: Float64Array, rows: Float64Array, derivatives: Float64Array[]) => void;

/** A design problem: what moves, what each sensor sees, the noise and the prior. */
export interface DesignProblem {
  /** Model parameters n. */
  parameters: number;
  sensors: number;
  /** Coordinates per sensor (1 along a rod, 2 on a plane). */
  dims: number;
  /** Data per sensor (rows of its Jacobian block). */
  rows: number;
  sensorRows: SensorRows;
  /** Noise standard deviation of every datum (the data's units). */
  sigma: number;
  /** Prior precision P, [n, n] row-major, symmetric positive definite. */
  priorPrecision: Float64Array;
}

/** log det H, H and H^-1 at one design. */
export interface PosteriorAtDesign {
  logDet: number;
  /** H, [n, n]. */
  precision: Float64Array;
  /** H^-1, [n, n]: the Laplace posterior covariance. */
  covariance: Float64Array;
  /** sqrt(diag(H^-1)). */
  standardDeviations: Float64Array;
}

function check(problem: DesignProblem, design: Float64Array): void {
  const { parameters: n, sensors, dims, rows, sigma, priorPrecision } = problem;
  for (const [name, v] of [["parameters", n], ["sensors", sensors], ["dims", dims], ["rows", rows]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new InputError(name, `expected a positive integer, got ${v}`);
  }
  if (!(sigma > 0) || !Number.isFinite(sigma)) throw new InputError("sigma", `expected a positive finite noise level, got ${sigma}`);
  if (priorPrecision.length !== n * n) throw new InputError("priorPrecision", `expected ${n} x ${n} = ${n * n} values, got ${priorPrecision.length}`);
  if (design.length !== sensors * dims) throw new InputError("design", `expected ${sensors} sensors x ${dims} coordinates = ${sensors * dims} values, got ${design.length}`);
}

/** Evaluates the criterion; with `gradient`, writes d log det H / d design there. */
function evaluate(problem: DesignProblem, design: Float64Array, gradient?: Float64Array): PosteriorAtDesign {
  check(problem, design);
  const { parameters: n, sensors, dims, rows, sigma } = problem;
  const w = 1 / (sigma * sigma);
  const blocks = Array.from({ length: sensors }, () => new Float64Array(rows * n));
  const derivatives = Array.from({ length: sensors }, () => Array.from({ length: dims }, () => new Float64Array(rows * n)));
  const H = Float64Array.from(problem.priorPrecision);
  for (let s = 0; s < sensors; s++) {
    problem.sensorRows(s, design.subarray(s * dims, (s + 1) * dims), blocks[s], derivatives[s]);
    const J = blocks[s];
    for (let a = 0; a < n; a++) {
      for (let b = 0; b <= a; b++) {
        let sum = 0;
        for (let k = 0; k < rows; k++) sum += J[k * n + a] * J[k * n + b];
        H[a * n + b] += w * sum;
        if (a !== b) H[b * n + a] += w * sum;
      }
    }
  }
  if (!H.every(Number.isFinite)) throw new NonFiniteError("the posterior precision of the design");
  const matrix = new Matrix(Array.from({ length: n }, (_, r) => Array.from(H.subarray(r * n, (r + 1) * n))));
  const chol = new CholeskyDecomposition(matrix);
  if (!chol.isPositiveDefinite()) throw new InputError("priorPrecision", "the posterior precision is not positive definite: the prior precision must be symmetric positive definite");
  const L = chol.lowerTriangularMatrix;
  let logDet = 0;
  for (let i = 0; i < n; i++) logDet += 2 * Math.log(L.get(i, i));
  const inv = chol.solve(Matrix.eye(n));
  const covariance = new Float64Array(n * n);
  for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) covariance[r * n + c] = inv.get(r, c);
  if (gradient !== undefined) {
    const JC = new Float64Array(rows * n);
    for (let s = 0; s < sensors; s++) {
      const J = blocks[s];
      // J_s H^-1, then its entrywise product with each dJ_s/dp_sc.
      for (let k = 0; k < rows; k++) {
        for (let a = 0; a < n; a++) {
          let sum = 0;
          for (let b = 0; b < n; b++) sum += J[k * n + b] * covariance[b * n + a];
          JC[k * n + a] = sum;
        }
      }
      for (let c = 0; c < dims; c++) {
        const dJ = derivatives[s][c];
        let sum = 0;
        for (let i = 0; i < rows * n; i++) sum += JC[i] * dJ[i];
        gradient[s * dims + c] = 2 * w * sum;
      }
    }
  }
  return { logDet, precision: H, covariance, standardDeviations: Float64Array.from({ length: n }, (_, i) => Math.sqrt(covariance[i * n + i])) };
}

/** log det H, H, its inverse and the posterior standard deviations at a design. */
export function posteriorAtDesign(problem: DesignProblem, design: Float64Array): PosteriorAtDesign {
  return evaluate(problem, design);
}

/** log det H at a design, with its exact gradient written into `gradient`. */
export function logDetPrecision(problem: DesignProblem, design: Float64Array, gradient: Float64Array): number {
  return evaluate(problem, design, gradient).logDet;
}

/**
 * The engine's objective for D-optimal design: -log det H(p) (minimized, so
 * log det H is maximized), with its exact gradient; bounds on the sensors'
 * coordinates go to a bounded optimizer (projected L-BFGS).
 */
export function dOptimalObjective(problem: DesignProblem): Objective {
  return (design, gradient) => {
    const value = -logDetPrecision(problem, design, gradient);
    for (let i = 0; i < gradient.length; i++) gradient[i] = -gradient[i];
    return value;
  };
}
