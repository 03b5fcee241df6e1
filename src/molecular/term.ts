/**
 * What every term of a potential energy provides (energy, gradients with
 * respect to positions and parameters, second derivatives), and the Hessian
 * of a central pair interaction that pair and bond terms share.
 */
/** One term of a potential energy. */
export interface EnergyTerm {
  /** Parameter names of the term. */
  readonly names: readonly string[];
  /** The parameters (live: change them, then call `refresh`). */
  readonly params: Float64Array;
  refresh(): void;
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
