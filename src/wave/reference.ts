/**
 * A slow, plainly written reference of the forward scheme that `kernel.ts`
 * runs in WebAssembly, straight from its formulas (see the header there):
 *   psi^n   = b psi^{n-1} + a D1 u^n
 *   Q^n     = D2 u^n + D1 psi^n
 *   zeta^n  = b zeta^{n-1} + a Q^n
 *   W^n     = Q^n + zeta^n + dx f^n s
 *   u^{n+1} = 2 u^n - u^{n-1} + k W^n,   k = c^2 dt^2 / dx^2,
 * over every cell of the working grid at every step, in scalar loops: no
 * update ranges, no vector lanes, no flushing of tiny values. Tests hold the
 * fast kernels to it; the adjoint is held to the fast forward by dot and
 * Taylor tests, so both are tied to these formulas.
 */
import { samplePoints } from "../core/arrays.js";
import { GHOST, type Layout } from "./config.js";

/** D2 u at i: second[0] u_i + sum_j second[j] (u_{i+j} + u_{i-j}). */
function d2(u: Float64Array, i: number, second: readonly number[]): number {
  let s = second[0] * u[i];
  for (let j = 1; j < second.length; j++) s += second[j] * (u[i + j] + u[i - j]);
  return s;
}

/** D1 u at i: sum_j first[j-1] (u_{i+j} - u_{i-j}). */
function d1(u: Float64Array, i: number, first: readonly number[]): number {
  let s = 0;
  for (let j = 1; j <= first.length; j++) s += first[j - 1] * (u[i + j] - u[i - j]);
  return s;
}

/** Mirror ends: the ghosts reflect the cells inside about the outer face, oddly (free) or evenly (rigid). */
function mirror(u: Float64Array, lay: Layout): void {
  const sign = (kind: string) => (kind === "free" ? -1 : kind === "rigid" ? 1 : 0);
  const left = sign(lay.left), right = sign(lay.right), last = u.length - GHOST - 1;
  for (let j = 0; j < GHOST; j++) {
    if (left !== 0) u[GHOST - 1 - j] = left * u[GHOST + j];
    if (right !== 0) u[last + 1 + j] = right * u[last - j];
  }
}

/** The receiver data [shot, receiver, t] of `velocity` (one value per model cell), flat. */
export function referenceForward(lay: Layout, velocity: Float64Array): Float64Array {
  const { size, nt, dt, dx } = lay;
  const { second, first } = lay.stencil;
  const k = new Float64Array(size);
  // Working cells take the velocity of the nearest model cell (the layers extend the edges); ghosts stay 0.
  for (let i = GHOST; i < size - GHOST; i++) {
    const c = velocity[Math.min(Math.max(i - lay.first, 0), lay.nx - 1)];
    k[i] = (c * c * dt * dt) / (dx * dx);
  }
  const ns = lay.sources.length, nr = lay.nreceivers;
  const out = new Float64Array(ns * nr * nt);
  for (let s = 0; s < ns; s++) {
    let prev = new Float64Array(size), u = new Float64Array(size), next = new Float64Array(size);
    const psi = new Float64Array(size), zeta = new Float64Array(size), q = new Float64Array(size);
    const source = lay.sources[s], wavelet = lay.wavelets[s];
    for (let n = 0; n < nt - 1; n++) {
      mirror(u, lay);
      for (let i = GHOST; i < size - GHOST; i++) psi[i] = lay.pmlB[i] * psi[i] + lay.pmlA[i] * d1(u, i, first);
      for (let i = GHOST; i < size - GHOST; i++) q[i] = d2(u, i, second) + d1(psi, i, first);
      for (let i = GHOST; i < size - GHOST; i++) zeta[i] = lay.pmlB[i] * zeta[i] + lay.pmlA[i] * q[i];
      for (let i = GHOST; i < size - GHOST; i++) {
        let w = q[i] + zeta[i];
        for (let j = 0; j < source.index.length; j++) if (source.index[j] === i) w += dx * wavelet[n] * source.weight[j];
        next[i] = 2 * u[i] - prev[i] + k[i] * w;
      }
      [prev, u, next] = [u, next, prev];
      samplePoints(u, lay.receivers[s], out, s * nr * nt + n + 1, nt);
    }
  }
  return out;
}
