/**
 * What every term of a potential energy provides (energy, gradients with
 * respect to positions and parameters, second derivatives), the checking of
 * parameter values all terms share, and the Hessian of a central pair
 * interaction that pair and bond terms share.
 *
 * Terms are values: their parameters are fixed at construction, and a term
 * with other parameters is a new term ({@link EnergyTerm.withParameters}).
 */
import { InputError } from "../core/errors.js";

/** The values a parameter may take. */
export type ParameterDomain = "positive" | "non-negative" | "real";

/** One term of a potential energy, immutable: its parameters never change after construction. */
export interface EnergyTerm {
  /** Parameter names of the term. */
  readonly names: readonly string[];
  /** The parameters in the order of {@link names} (frozen: writing to it throws). */
  readonly params: readonly number[];
  /**
   * The same term (atoms, cutoff, box) with parameters `p` in the order of
   * {@link names}, checked like the constructor's; this term is unchanged.
   */
  withParameters(p: ArrayLike<number>): EnergyTerm;
  /**
   * E(x) for positions x (3n values, atom-major); adds dE/dx into `gradient`
   * and dE/dparams into `paramGradient` when given.
   */
  evaluate(x: Float64Array, gradient: Float64Array | null, paramGradient: Float64Array | null): number;
  /** Adds (d2E/dx2) v into `out` (terms that have no analytic Hessian yet leave it out). */
  hessianVector?(x: Float64Array, v: Float64Array, out: Float64Array): void;
  /**
   * Adds the mixed derivatives d2E/(dparams dx) into `out`, row-major
   * [params, 3n]: row p is how the gradient dE/dx (minus the forces) moves
   * with parameter p. Needed to fit parameters to forces.
   */
  mixedDerivative?(x: Float64Array, out: Float64Array): void;
}

/**
 * The Hessian of a central pair energy E(r), r = |d|, d = x_j - x_i, applied
 * to the relative displacement w = v_j - v_i: H w = (E'' - E'/r) (d.w) d / r^2 + (E'/r) w,
 * added to atom j and subtracted from atom i.
 */
export function addPairHessian(out: Float64Array, i: number, j: number, d: Float64Array, r: number, slope: number, curvature: number, v: Float64Array): void {
  const w0 = v[3 * j] - v[3 * i], w1 = v[3 * j + 1] - v[3 * i + 1], w2 = v[3 * j + 2] - v[3 * i + 2];
  const a = ((curvature - slope / r) * (d[0] * w0 + d[1] * w1 + d[2] * w2)) / (r * r), b = slope / r;
  const h0 = a * d[0] + b * w0, h1 = a * d[1] + b * w1, h2 = a * d[2] + b * w2;
  out[3 * j] += h0;
  out[3 * j + 1] += h1;
  out[3 * j + 2] += h2;
  out[3 * i] -= h0;
  out[3 * i + 1] -= h1;
  out[3 * i + 2] -= h2;
}

/**
 * A frozen copy of the parameters `p` of a term of kind `kind` with parameter
 * `names`. Throws {@link InputError} on a wrong count, or naming the first
 * value that is not finite or outside its `domain` (default "real").
 */
export function parameterValues(p: ArrayLike<number>, names: readonly string[], kind: string, domain?: readonly ParameterDomain[]): readonly number[] {
  if (p.length !== names.length) throw new InputError("params", `${kind} takes ${names.length} parameters (${names.join(", ")}), got ${p.length}`);
  const values = Array.from(Float64Array.from(p));
  values.forEach((v, i) => {
    const d = domain?.[i] ?? "real";
    const ok = Number.isFinite(v) && (d === "real" || v > 0 || (d === "non-negative" && v === 0));
    if (!ok) throw new InputError(`params.${names[i]}`, `expected a ${d === "real" ? "finite" : d} number for ${kind}, got ${v}`);
  });
  return Object.freeze(values);
}
