/**
 * Diagonal preconditioning by a change of variables: with
 * s_i = 1 / sqrt(h_i + epsilon max(h)) and x = s * z, the gradient in z is
 * s * g, so a gradient step in z moves x by -g / (h + epsilon max h): the
 * gradient divided by a stabilized diagonal Hessian estimate h (for waves, the
 * illumination). Any optimizer then runs on z unchanged.
 */
import { InputError } from "../core/errors.js";
import type { HessianVectorProduct, Objective } from "./types.js";

/** An objective in preconditioned variables z, with the maps between z and x. */
export interface Preconditioned {
  objective: Objective;
  toX(z: Float64Array): Float64Array;
  toZ(x: Float64Array): Float64Array;
  /** The scales s (x = s z). */
  scale: Float64Array;
}

/**
 * The scales s_i = sqrt(max(h) / (h_i + epsilon max(h))) of a stabilized
 * diagonal Hessian estimate h, normalized so that the best-lit variable keeps
 * its scale.
 * @param hessianDiagonal h >= 0 per variable (e.g. illumination)
 * @param waterLevel epsilon, relative to max(h), keeping poorly lit cells from exploding. Default 1e-3.
 */
export function preconditionerScale(hessianDiagonal: Float64Array, waterLevel = 1e-3): Float64Array {
  if (!(waterLevel > 0)) throw new InputError("waterLevel", `expected a positive fraction of max(h), got ${waterLevel}`);
  let hmax = 0;
  hessianDiagonal.forEach((h, i) => {
    if (!(h >= 0) || !Number.isFinite(h)) throw new InputError(`hessianDiagonal[${i}]`, `expected a non-negative finite value, got ${h}`);
    hmax = Math.max(hmax, h);
  });
  if (hmax === 0) throw new InputError("hessianDiagonal", "is zero everywhere: nothing to precondition with");
  return hessianDiagonal.map((h) => Math.sqrt(hmax / (h + waterLevel * hmax)));
}

/** f in the variables z of x = scale * z (the gradient in z is scale * g). */
export function scaledObjective(f: Objective, scale: Float64Array): Objective {
  const n = scale.length;
  const x = new Float64Array(n);
  return (z, gz) => {
    for (let i = 0; i < n; i++) x[i] = scale[i] * z[i];
    const v = f(x, gz);
    for (let i = 0; i < n; i++) gz[i] *= scale[i];
    return v;
  };
}

/** Hessian-vector products in the variables z of x = scale * z: H_z v = scale * H_x (scale * v). */
export function scaledHessianVector(hessianVector: HessianVectorProduct, scale: Float64Array): HessianVectorProduct {
  const n = scale.length;
  const x = new Float64Array(n), sv = new Float64Array(n);
  return (z, v, out) => {
    for (let i = 0; i < n; i++) {
      x[i] = scale[i] * z[i];
      sv[i] = scale[i] * v[i];
    }
    hessianVector(x, sv, out);
    for (let i = 0; i < n; i++) out[i] *= scale[i];
  };
}

/** f preconditioned by a stabilized diagonal Hessian estimate; see {@link preconditionerScale}. */
export function diagonalPreconditioner(f: Objective, hessianDiagonal: Float64Array, waterLevel = 1e-3): Preconditioned {
  const scale = preconditionerScale(hessianDiagonal, waterLevel);
  return {
    scale,
    objective: scaledObjective(f, scale),
    toX: (z) => z.map((v, i) => v * scale[i]),
    toZ: (xv) => xv.map((v, i) => v / scale[i]),
  };
}
