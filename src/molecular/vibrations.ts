/**
 * Harmonic vibrational frequencies at a stationary point: the eigenvalues of
 * the mass-weighted Hessian M^-1/2 H M^-1/2 with the rigid-body motions
 * (3 translations and 3 rotations, 2 for a linear molecule) removed.
 * Eigenvalues come from ml-matrix's symmetric eigensolver.
 */
import { EigenvalueDecomposition, Matrix } from "ml-matrix";
import { InputError, describe } from "../core/errors.js";
import { assertFinite } from "../core/validate.js";
import type { Potential } from "./potential.js";

/** What {@link vibrationalFrequencies} returns. */
export interface Vibrations {
  /** Angular frequencies omega = sqrt(lambda) in ascending order; an unstable mode (lambda < 0) is reported as -sqrt(-lambda). */
  frequencies: Float64Array;
  /** Rigid-body modes removed: 6, or 5 for a linear molecule. */
  rigidModes: number;
}

/**
 * @param x positions (3n values) at a stationary point of the potential
 * @param masses one mass for all atoms or one per atom (the potential's units)
 */
export function vibrationalFrequencies(potential: Potential, x: Float64Array, masses: number | ArrayLike<number> = 1): Vibrations {
  if (!(x instanceof Float64Array) || x.length === 0 || x.length % 3 !== 0) throw new InputError("x", `expected a Float64Array of 3 coordinates per atom, got ${describe(x)}`);
  // The energy first: coincident atoms or a non-finite coordinate are named before the Hessian.
  potential.evaluate(x);
  const n = x.length / 3, m3 = x.length;
  const mass = typeof masses === "number" ? new Float64Array(n).fill(masses) : Float64Array.from(masses);
  if (mass.length !== n || mass.some((v) => !(v > 0))) throw new InputError("masses", `expected one positive mass or ${n} of them`);
  const H = potential.hessian(x);
  assertFinite(H, "Hessian");
  const w = new Float64Array(m3);
  for (let i = 0; i < m3; i++) w[i] = 1 / Math.sqrt(mass[Math.floor(i / 3)]);
  // Rigid-body directions in mass-weighted coordinates, orthonormalized (a linear molecule loses one rotation).
  const total = mass.reduce((a, b) => a + b, 0);
  const com = [0, 1, 2].map((a) => mass.reduce((s, mi, i) => s + mi * x[3 * i + a], 0) / total);
  const rigid: Float64Array[] = [];
  for (let a = 0; a < 6; a++) {
    const q = new Float64Array(m3);
    for (let i = 0; i < n; i++) {
      const sm = Math.sqrt(mass[i]);
      if (a < 3) q[3 * i + a] = sm;
      else {
        const [p, r] = [(a + 1) % 3, (a + 2) % 3];
        q[3 * i + r] = sm * (x[3 * i + p] - com[p]);
        q[3 * i + p] = -sm * (x[3 * i + r] - com[r]);
      }
    }
    const norm0 = Math.hypot(...q);
    for (const b of rigid) {
      const d = q.reduce((s, v, k) => s + v * b[k], 0);
      for (let k = 0; k < m3; k++) q[k] -= d * b[k];
    }
    const norm = Math.hypot(...q);
    if (norm > 1e-8 * Math.max(norm0, 1e-300)) rigid.push(q.map((v) => v / norm));
  }
  // Shift the rigid subspace far above the spectrum, then drop its eigenvalues from the top.
  let scale = 0;
  for (let k = 0; k < m3 * m3; k++) scale = Math.max(scale, Math.abs(H[k]) * w[k % m3] * w[Math.floor(k / m3)]);
  const shift = 10 * (1 + scale * m3);
  const K = Matrix.zeros(m3, m3);
  for (let r = 0; r < m3; r++) {
    for (let c = 0; c < m3; c++) {
      let v = 0.5 * (H[r * m3 + c] + H[c * m3 + r]) * w[r] * w[c];
      for (const q of rigid) v += shift * q[r] * q[c];
      K.set(r, c, v);
    }
  }
  const lambda = new EigenvalueDecomposition(K, { assumeSymmetric: true }).realEigenvalues.sort((a, b) => a - b).slice(0, m3 - rigid.length);
  return { frequencies: Float64Array.from(lambda, (l) => (l >= 0 ? Math.sqrt(l) : -Math.sqrt(-l))), rigidModes: rigid.length };
}
