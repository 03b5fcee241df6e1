/**
 * Direction rules of the descent family: steepest descent, nonlinear
 * conjugate gradients (Polak-Ribiere+) and L-BFGS (two-loop recursion).
 */
import { InputError } from "../core/errors.js";
import { descend, type DescentOptions, type DirectionRule } from "./descent.js";
import type { IterationEvent, Objective, OptimizeResult } from "./types.js";
import { dotv } from "./vector.js";

/** Steepest descent with Armijo backtracking. */
export function steepestDescent(f: Objective, x0: Float64Array, options: DescentOptions = {}): Generator<IterationEvent, OptimizeResult> {
  const rule: DirectionRule = {
    direction(g, p) {
      for (let i = 0; i < g.length; i++) p[i] = -g[i];
    },
    update() {},
    reset() {},
    lineSearch: "backtracking",
    lineSearchDefaults: { c1: 1e-4 },
    unitStep: false,
  };
  return descend(f, x0, rule, options);
}

/** Nonlinear conjugate gradients, Polak-Ribiere+ (beta clipped at 0), with a strong-Wolfe search (c2 = 0.1). */
export function nonlinearCG(f: Objective, x0: Float64Array, options: DescentOptions = {}): Generator<IterationEvent, OptimizeResult> {
  const n = x0.length;
  const previous = new Float64Array(n);
  const gPrev = new Float64Array(n);
  let fresh = true;
  let beta = 0;
  const rule: DirectionRule = {
    direction(g, p) {
      for (let i = 0; i < n; i++) p[i] = -g[i] + (fresh ? 0 : beta * previous[i]);
      previous.set(p);
      gPrev.set(g);
    },
    update(_s, _y, gNew) {
      let num = 0;
      for (let i = 0; i < n; i++) num += gNew[i] * (gNew[i] - gPrev[i]);
      beta = Math.max(0, num / dotv(gPrev, gPrev));
      fresh = false;
    },
    reset() {
      fresh = true;
    },
    lineSearch: "strong-wolfe",
    lineSearchDefaults: { c1: 1e-4, c2: 0.1 },
    unitStep: false,
  };
  return descend(f, x0, rule, options);
}

/** Options of {@link lbfgs}. */
export interface LbfgsOptions extends DescentOptions {
  /** Number of (s, y) pairs kept. Default 10. */
  memory?: number;
}

/** L-BFGS with a strong-Wolfe line search (c1 = 1e-4, c2 = 0.9): the method of choice for smooth problems. */
export function lbfgs(f: Objective, x0: Float64Array, options: LbfgsOptions = {}): Generator<IterationEvent, OptimizeResult> {
  const m = options.memory ?? 10;
  if (!Number.isInteger(m) || m < 1) throw new InputError("memory", `expected a positive integer, got ${m}`);
  const n = x0.length;
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  const alpha = new Float64Array(m);
  const rule: DirectionRule = {
    direction(g, p) {
      for (let i = 0; i < n; i++) p[i] = -g[i];
      const k = S.length;
      for (let j = k - 1; j >= 0; j--) {
        alpha[j] = rho[j] * dotv(S[j], p);
        const y = Y[j];
        for (let i = 0; i < n; i++) p[i] -= alpha[j] * y[i];
      }
      if (k > 0) {
        const gamma = dotv(S[k - 1], Y[k - 1]) / dotv(Y[k - 1], Y[k - 1]);
        for (let i = 0; i < n; i++) p[i] *= gamma;
      }
      for (let j = 0; j < k; j++) {
        const b = rho[j] * dotv(Y[j], p);
        const s = S[j];
        for (let i = 0; i < n; i++) p[i] += (alpha[j] - b) * s[i];
      }
    },
    update(s, y) {
      const sy = dotv(s, y);
      // Keep only pairs with positive curvature, so the inverse-Hessian model stays positive definite.
      if (!(sy > 1e-12 * Math.sqrt(dotv(s, s) * dotv(y, y)))) return;
      if (S.length === m) {
        S.shift();
        Y.shift();
        rho.shift();
      }
      S.push(Float64Array.from(s));
      Y.push(Float64Array.from(y));
      rho.push(1 / sy);
    },
    reset() {
      S.length = 0;
      Y.length = 0;
      rho.length = 0;
    },
    lineSearch: "strong-wolfe",
    lineSearchDefaults: { c1: 1e-4, c2: 0.9 },
    unitStep: true,
  };
  return descend(f, x0, rule, options);
}
