/**
 * Direction rules of the descent family: steepest descent, nonlinear
 * conjugate gradients (Polak-Ribiere+) and L-BFGS (two-loop recursion).
 */
import { option } from "./options.js";
import { descend, type DescentOptions, type DirectionRule } from "./descent.js";
import { LbfgsMemory } from "./lbfgs-memory.js";
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
    save: () => null,
    load() {},
    lineSearch: "backtracking",
    lineSearchDefaults: { c1: 1e-4 },
    unitStep: false,
  };
  return descend(f, x0, rule, { ...options, method: "steepest-descent" });
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
    save: () => ({ previous: Array.from(previous), gPrev: Array.from(gPrev), fresh, beta }),
    load(state) {
      const st = state as { previous: number[]; gPrev: number[]; fresh: boolean; beta: number };
      previous.set(st.previous);
      gPrev.set(st.gPrev);
      fresh = st.fresh;
      beta = st.beta;
    },
    lineSearch: "strong-wolfe",
    lineSearchDefaults: { c1: 1e-4, c2: 0.1 },
    unitStep: false,
  };
  return descend(f, x0, rule, { ...options, method: "nonlinear-cg" });
}

/** Options of {@link lbfgs}. */
export interface LbfgsOptions extends DescentOptions {
  /** Number of (s, y) pairs kept. Default 10. */
  memory?: number;
}

/** L-BFGS with a strong-Wolfe line search (c1 = 1e-4, c2 = 0.9): the method of choice for smooth problems. */
export function lbfgs(f: Objective, x0: Float64Array, options: LbfgsOptions = {}): Generator<IterationEvent, OptimizeResult> {
  const memory = new LbfgsMemory(option(options.memory, 10, "memory", "positive integer"));
  const rule: DirectionRule = {
    direction: (g, p) => memory.direction(g, p),
    update: (s, y) => memory.update(s, y),
    reset: () => memory.reset(),
    save: () => memory.save(),
    load: (state) => memory.load(state),
    lineSearch: "strong-wolfe",
    lineSearchDefaults: { c1: 1e-4, c2: 0.9 },
    unitStep: true,
  };
  return descend(f, x0, rule, { ...options, method: "lbfgs" });
}
