/**
 * Regularizers R(m) on a model vector, with gradients. Differences run along
 * the last axis of a model of shape [..., n] (a 1D profile when the shape is [n]).
 */
import { InputError } from "../core/errors.js";

/** A penalty on the model. */
export interface Regularizer {
  readonly name: string;
  /** Returns R(m) and writes dR/dm into `gradient`. */
  evaluate(m: Float64Array, gradient: Float64Array): number;
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
  };
}

function checkLength(n: number): void {
  if (!Number.isInteger(n) || n < 2) throw new InputError("length", `expected the profile length (an integer >= 2), got ${n}`);
}

/**
 * sum over neighbour differences d = m_{i+1} - m_i along profiles of `length`
 * cells of rho(d), whose derivative is `slope(d)`.
 */
function differencePenalty(name: string, length: number, rho: (d: number) => number, slope: (d: number) => number): Regularizer {
  checkLength(length);
  return {
    name,
    evaluate(m, g) {
      g.fill(0);
      let v = 0;
      for (let s = 0; s < m.length; s += length) {
        for (let i = s; i < s + length - 1; i++) {
          const d = m[i + 1] - m[i];
          const t = slope(d);
          v += rho(d);
          g[i + 1] += t;
          g[i] -= t;
        }
      }
      return v;
    },
  };
}

/** Tikhonov smoothness 0.5 sum (m_{i+1} - m_i)^2 along profiles of `length` cells. */
export function smoothness(length: number): Regularizer {
  return differencePenalty("smoothness", length, (d) => 0.5 * d * d, (d) => d);
}

/** Smoothed total variation sum sqrt((m_{i+1} - m_i)^2 + epsilon^2) along profiles: keeps sharp interfaces. */
export function totalVariation(length: number, epsilon: number): Regularizer {
  if (!(epsilon > 0)) throw new InputError("totalVariation.epsilon", `expected a positive smoothing, got ${epsilon}`);
  return differencePenalty("total-variation", length, (d) => Math.sqrt(d * d + epsilon * epsilon), (d) => d / Math.sqrt(d * d + epsilon * epsilon));
}
