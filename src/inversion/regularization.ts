/**
 * Regularizers R(m) on a model vector, with gradients. Difference penalties
 * take a profile length n (differences along the last axis of a model of shape
 * [..., n]) or a grid shape [ny, nx] (differences along both axes).
 */
import { InputError } from "../core/errors.js";

/** A penalty on the model. */
export interface Regularizer {
  readonly name: string;
  /** Returns R(m) and writes dR/dm into `gradient`. */
  evaluate(m: Float64Array, gradient: Float64Array): number;
  /** Writes the Hessian of R at m applied to `v`, (d^2 R / dm^2) v, into `out` (for Newton-CG's products). */
  hessianVector?(m: Float64Array, v: Float64Array, out: Float64Array): void;
}

/** Tikhonov damping 0.5 |m - reference|^2. */
export function damping(reference?: Float64Array): Regularizer {
  return {
    name: "damping",
    evaluate(m, g) {
      let v = 0;
      for (let i = 0; i < m.length; i++) {
        const d = m[i] - (reference === undefined ? 0 : reference[i]);
        v += 0.5 * d * d;
        g[i] = d;
      }
      return v;
    },
    hessianVector: (_m, v, out) => out.set(v),
  };
}

/** A profile length n, or a grid [ny, nx]. */
export type DifferenceShape = number | readonly [number, number];

/**
 * sum over neighbour differences d (along x: m_{i+1} - m_i within rows of nx;
 * on a grid also along y: m_{p+nx} - m_p) of rho(d), whose derivative is
 * `slope(d)` and second derivative `bend(d)`: the Hessian applied to v adds
 * bend(d) (v_j - v_i) to j and takes it from i, pair by pair.
 */
function differencePenalty(name: string, shape: DifferenceShape, rho: (d: number) => number, slope: (d: number) => number, bend: (d: number) => number): Regularizer {
  const grid = typeof shape !== "number";
  const nx = grid ? shape[1] : shape;
  const ny = grid ? shape[0] : 0;
  if (!Number.isInteger(nx) || nx < (grid ? 1 : 2) || (grid && (!Number.isInteger(ny) || ny < 1 || nx * ny < 2))) {
    throw new InputError("shape", `expected a profile length (an integer >= 2) or a grid [ny, nx], got ${JSON.stringify(shape)}`);
  }
  /** Calls `pair(i, j)` for every neighbour pair of a model of `size` values (rows first, then columns), summing what it returns. */
  const sumPairs = (size: number, pair: (i: number, j: number) => number): number => {
    if (grid && size !== nx * ny) throw new InputError(name, `expected ${nx * ny} model values (grid [${ny}, ${nx}]), got ${size}`);
    let v = 0;
    for (let s = 0; s < size; s += nx) {
      for (let i = s; i < s + nx - 1; i++) v += pair(i, i + 1);
    }
    if (grid) for (let p = 0; p + nx < size; p++) v += pair(p, p + nx);
    return v;
  };
  return {
    name,
    evaluate(m, g) {
      g.fill(0);
      return sumPairs(m.length, (i, j) => {
        const d = m[j] - m[i];
        const t = slope(d);
        g[j] += t;
        g[i] -= t;
        return rho(d);
      });
    },
    hessianVector(m, v, out) {
      out.fill(0);
      sumPairs(m.length, (i, j) => {
        const t = bend(m[j] - m[i]) * (v[j] - v[i]);
        out[j] += t;
        out[i] -= t;
        return 0;
      });
    },
  };
}

/** Tikhonov smoothness 0.5 sum of squared neighbour differences (profiles of `shape` cells, or a grid). */
export function smoothness(shape: DifferenceShape): Regularizer {
  return differencePenalty("smoothness", shape, (d) => 0.5 * d * d, (d) => d, () => 1);
}

/**
 * Smoothed total variation sum sqrt(d^2 + epsilon^2) over neighbour differences
 * d (anisotropic on a grid): keeps sharp interfaces.
 */
export function totalVariation(shape: DifferenceShape, epsilon: number): Regularizer {
  if (!(epsilon > 0)) throw new InputError("totalVariation.epsilon", `expected a positive smoothing, got ${epsilon}`);
  return differencePenalty("total-variation", shape, (d) => Math.sqrt(d * d + epsilon * epsilon), (d) => d / Math.sqrt(d * d + epsilon * epsilon), (d) => epsilon * epsilon / (d * d + epsilon * epsilon) ** 1.5);
}
