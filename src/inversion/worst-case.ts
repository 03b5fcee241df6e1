/**
 * The adversarially robust (worst-case) least-squares misfit. An adversary
 * adds to the observed data d any perturbation delta with |delta| <= eta;
 * we minimize the worst case
 *
 *   max_{|delta| <= eta} 1/2 |F(m) - d - delta|^2 = 1/2 (rho + eta)^2,   rho = |F(m) - d|,
 *
 * attained at delta = -eta r / rho (r = F(m) - d): the adversary pushes the
 * data straight away from the prediction. Its gradient with respect to the
 * residual is (rho + eta) r / rho = (1 + eta / rho) r, the least-squares
 * gradient scaled up. As a function of the least-squares value L = rho^2 / 2,
 * it is g(L) = 1/2 (sqrt(2 L) + eta)^2 with g'(L) = 1 + eta / rho, so any
 * least-squares term (a whole data set, or shots summed by workers) lifts to it.
 *
 * Assumptions and what is not claimed:
 * - One budget eta for the whole data vector (Euclidean norm, unweighted), not per trace or shot.
 * - g is a monotone function of rho, so without regularization its minimizers are those of least
 *   squares; what it changes is the balance against regularization terms (the data term's gradient
 *   is 1 + eta / rho times stronger) and what its value means: a certified upper bound on the
 *   misfit against any data within eta of the observed.
 * - At rho = 0 it is not differentiable (the cone |r| has a kink). With `epsilon` = 0 the gradient
 *   there is 0, the minimum-norm subgradient (the subdifferential is the ball of radius eta). With
 *   `epsilon` > 0, rho is smoothed to sqrt(rho^2 + epsilon^2): smooth everywhere, gradient 0 at
 *   r = 0, and still an upper bound on the worst case (the smoothed rho is never smaller).
 * - Its curvature in the data (for Gauss-Newton products) is the Hessian
 *   (1 + eta / rho) I - eta r r^T / rho^3, positive definite (at least 1 along r); at rho = 0 the
 *   identity, the limit of neither side but the one where the gradient's scale is 1 as well.
 */
import { InputError } from "../core/errors.js";
import type { Misfit } from "./misfit.js";
import type { Objective } from "./types.js";

/** The worst-case value and the factor on the least-squares gradient, from L = 1/2 |r|^2. */
export interface WorstCase {
  /** sqrt(2 L + epsilon^2): |r|, smoothed by epsilon. */
  rho: number;
  /** 1/2 (rho + eta)^2. */
  value: number;
  /** d value / d L = 1 + eta / rho (1 where rho = 0: the residual, hence the gradient, is 0 there). */
  scale: number;
}

/** The point function: lifts a least-squares value L = 1/2 |r|^2 to the worst case over |delta| <= eta. */
export function worstCase(leastSquaresValue: number, eta: number, epsilon = 0): WorstCase {
  const rho = Math.sqrt(2 * leastSquaresValue + epsilon * epsilon);
  return { rho, value: 0.5 * (rho + eta) ** 2, scale: rho > 0 ? 1 + eta / rho : 1 };
}

function checkBudget(eta: number, epsilon: number): void {
  if (!(eta >= 0) || !Number.isFinite(eta)) throw new InputError("adversarial.eta", `expected a non-negative finite perturbation norm (data units), got ${eta}`);
  if (!(epsilon >= 0) || !Number.isFinite(epsilon)) throw new InputError("adversarial.epsilon", `expected a non-negative finite smoothing of rho (data units), got ${epsilon}`);
}

/**
 * The worst-case least-squares misfit 1/2 (|p - o| + eta)^2 over the whole data
 * vector; see the module documentation for its gradient and its kink at p = o.
 */
export function adversarial(eta: number, epsilon = 0): Misfit {
  checkBudget(eta, epsilon);
  return {
    name: "adversarial",
    evaluate(p, o, g) {
      let l = 0;
      for (let i = 0; i < p.length; i++) {
        const r = p[i] - o[i];
        l += 0.5 * r * r;
        g[i] = r;
      }
      const w = worstCase(l, eta, epsilon);
      for (let i = 0; i < p.length; i++) g[i] *= w.scale;
      return w.value;
    },
    curvature(p, o, v, out) {
      let l = 0, rv = 0;
      for (let i = 0; i < p.length; i++) {
        const r = p[i] - o[i];
        l += 0.5 * r * r;
        rv += r * v[i];
      }
      const { rho, scale } = worstCase(l, eta, epsilon);
      const along = rho > 0 ? (eta * rv) / rho ** 3 : 0;
      for (let i = 0; i < p.length; i++) out[i] = scale * v[i] - along * (p[i] - o[i]);
    },
  };
}

/**
 * Lifts an objective that returns a least-squares value 1/2 |r|^2 (and its
 * gradient), e.g. shots summed on workers, to the worst case over |delta| <= eta.
 */
export function adversarialObjective(leastSquaresTerm: Objective, eta: number, epsilon = 0): Objective {
  checkBudget(eta, epsilon);
  return (x, gx) => {
    const w = worstCase(leastSquaresTerm(x, gx), eta, epsilon);
    for (let i = 0; i < gx.length; i++) gx[i] *= w.scale;
    return w.value;
  };
}
