/**
 * Gradient verification, as the adjoint literature proves gradients:
 * the Taylor test (convergence orders of the Taylor remainders) and the dot
 * (adjoint) test <J dm, dd> = <dm, J^T dd>.
 */
import { axpy, dot, field } from "./arrays.js";
import type { Differentiable, Field } from "./contract.js";
import { Random } from "./random.js";

/** A scalar objective with its gradient, as optimizers and `taylorTest` see it. */
export type ValueAndGradient = (model: Field) => { value: number; gradient: Field };

/** What {@link taylorTest} observed. */
export interface TaylorResult {
  /** Step sizes h_k = h0 / 2^k. */
  steps: number[];
  /** |f(m + h dm) - f(m)| for each step: shrinks at order 1 for any dm with <g, dm> != 0. */
  remainder1: number[];
  /** |f(m + h dm) - f(m) - h <g, dm>|: shrinks at order 2 only if g is the gradient. */
  remainder2: number[];
  /** Observed orders log2(r(h_k) / r(h_{k+1})) of the first remainder. */
  rates1: number[];
  /** Observed orders of the gradient-corrected remainder. */
  rates2: number[];
  /** Mean of `rates1` (expected 1). */
  order1: number;
  /** Mean of `rates2` (expected 2). */
  order2: number;
}

/** Options of {@link taylorTest}. */
export interface TaylorOptions {
  /** Largest step h0 (relative to dm). Default 1. */
  h0?: number;
  /** Number of step sizes (halvings + 1). Default 5. */
  count?: number;
}

/**
 * Taylor test of a gradient: evaluates f at m + h dm for h = h0, h0/2, ...
 * and returns the observed convergence orders of the remainders.
 *
 * With a correct gradient the first remainder falls at order 1 and the
 * gradient-corrected one at order 2 until round-off is reached; choose h0 and
 * dm so that the smallest remainder stays well above round-off
 * (about 1e-16 |f(m)| / h^2).
 *
 * @param f objective returning value and gradient
 * @param m model at which to test
 * @param dm direction of the perturbation (same shape as m)
 */
export function taylorTest(f: ValueAndGradient, m: Field, dm: Field, options: TaylorOptions = {}): TaylorResult {
  const h0 = options.h0 ?? 1;
  const count = options.count ?? 5;
  if (!(h0 > 0) || !Number.isFinite(h0)) throw new RangeError(`taylorTest: h0 must be a positive number, got ${h0}`);
  if (!Number.isInteger(count) || count < 2) throw new RangeError(`taylorTest: count must be an integer >= 2, got ${count}`);
  const base = f(m);
  const slope = dot(base.gradient, dm);
  const steps: number[] = [];
  const remainder1: number[] = [];
  const remainder2: number[] = [];
  for (let k = 0; k < count; k++) {
    const h = h0 / 2 ** k;
    const value = f(axpy(m, h, dm)).value;
    steps.push(h);
    remainder1.push(Math.abs(value - base.value));
    remainder2.push(Math.abs(value - base.value - h * slope));
  }
  const rates = (r: number[]) => r.slice(1).map((v, k) => Math.log2(r[k] / v));
  const rates1 = rates(remainder1);
  const rates2 = rates(remainder2);
  const mean = (r: number[]) => r.reduce((a, b) => a + b, 0) / r.length;
  return { steps, remainder1, remainder2, rates1, rates2, order1: mean(rates1), order2: mean(rates2) };
}

/** What {@link dotTest} observed. */
export interface DotTestResult {
  /** <J dm, dd>. */
  forward: number;
  /** <dm, J^T dd>. */
  adjoint: number;
  /** |forward - adjoint| / max(|forward|, |adjoint|). Round-off is about 1e-15. */
  relativeError: number;
}

/** Options of {@link dotTest}. */
export interface DotTestOptions {
  /** Seed of the random dm and dd. Default 1. */
  seed?: number;
  /** Perturbation dm; random normal when omitted. */
  dModel?: Field;
  /** Data-space vector dd; random normal when omitted. */
  dData?: Field;
}

/**
 * Dot (adjoint) test of a simulator at model m: checks that `vjp` is the
 * transpose of `jvp` by comparing <J dm, dd> with <dm, J^T dd> for random
 * dm and dd drawn from a seeded generator.
 */
export function dotTest(sim: Differentiable, m: Field, options: DotTestOptions = {}): DotTestResult {
  const rng = new Random(options.seed ?? 1);
  const lin = sim.linearize(m);
  if (!lin.jvp) throw new TypeError("dotTest: this simulator has no jvp, so its adjoint cannot be dot-tested");
  const dm = options.dModel ?? field(rng.fillNormal(new Float64Array(m.size)), m.shape);
  const dd = options.dData ?? field(rng.fillNormal(new Float64Array(lin.data.size)), lin.data.shape);
  const forward = dot(lin.jvp(dm), dd);
  const adjoint = dot(dm, lin.vjp(dd));
  const scale = Math.max(Math.abs(forward), Math.abs(adjoint));
  return { forward, adjoint, relativeError: scale === 0 ? 0 : Math.abs(forward - adjoint) / scale };
}
