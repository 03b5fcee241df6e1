/**
 * Hot loops of the 1D acoustic simulator: one leapfrog step, its discrete
 * adjoint and the ghost-cell boundary handling.
 *
 * Scheme (dimensionless stencils D2 ~ dx^2 d2/dx2, D1 ~ dx d/dx, k = c^2 dt^2 / dx^2):
 *   psi^n   = b psi^{n-1} + a D1 u^n                  (C-PML memory of du/dx)
 *   Q^n     = D2 u^n + D1 psi^n
 *   zeta^n  = b zeta^{n-1} + a Q^n                    (C-PML memory of the second stretch)
 *   W^n     = Q^n + zeta^n + dx f^n s                 (s: source interpolation weights)
 *   u^{n+1} = 2 u^n - u^{n-1} + k W^n
 * with a = b - 1, b = exp(-sigma dt) inside the layer and a = 0 elsewhere.
 * The gradient with respect to k is sum_n ubar^{n+1} * W^n: one line in `adjointStep`.
 *
 * Assumptions: working arrays have GHOST ghost cells each side; k, a, psi,
 * zeta are zero in the ghosts; b = 1 outside the layers. Mirror ends fill
 * the ghosts from the first/last cells before every stencil application;
 * the symmetric D2 with the mirror fill is its own transpose, so the adjoint
 * uses the same fill.
 */
import { GHOST, type Layout, type PointWeights } from "./config.js";

/** What forward and adjoint sweeps share: the layout, stencil weights padded to radius 4, mirror signs. */
abstract class Sweep {
  readonly lay: Layout;
  /** Second-difference weights, centre first; zero beyond the chosen order. */
  protected readonly c: Float64Array;
  /** First-difference weights d[1..4] (d[0] unused). */
  protected readonly d: Float64Array;
  protected readonly leftSign: number;
  protected readonly rightSign: number;

  constructor(lay: Layout) {
    this.lay = lay;
    this.c = Float64Array.from({ length: 5 }, (_, i) => lay.stencil.second[i] ?? 0);
    this.d = Float64Array.from({ length: 5 }, (_, i) => (i === 0 ? 0 : lay.stencil.first[i - 1] ?? 0));
    this.leftSign = mirrorSign(lay.left);
    this.rightSign = mirrorSign(lay.right);
  }
}

/** Working buffers of one shot's propagation, allocated once and reused. */
export class Propagator extends Sweep {
  /** u^{n-1}, u^n and scratch for u^{n+1}; rotated every step. */
  prev: Float64Array;
  cur: Float64Array;
  next: Float64Array;
  readonly psi: Float64Array;
  readonly zeta: Float64Array;
  /** W^n of the last step; point it into a storage buffer to keep W^n without a copy. */
  w: Float64Array;

  constructor(lay: Layout) {
    super(lay);
    const n = lay.size;
    this.prev = new Float64Array(n);
    this.cur = new Float64Array(n);
    this.next = new Float64Array(n);
    this.psi = new Float64Array(n);
    this.zeta = new Float64Array(n);
    this.w = new Float64Array(n);
  }

  /** Zero state: u^{-1} = u^0 = 0, no PML memory. */
  reset(): void {
    this.prev.fill(0);
    this.cur.fill(0);
    this.psi.fill(0);
    this.zeta.fill(0);
  }

  /** Copies the state (u^{n-1}, u^n, psi, zeta) into `out` (length 4 * size). */
  save(out: Float64Array): void {
    const n = this.lay.size;
    out.set(this.prev, 0);
    out.set(this.cur, n);
    out.set(this.psi, 2 * n);
    out.set(this.zeta, 3 * n);
  }

  /** Restores a state written by {@link save}. */
  restore(from: Float64Array): void {
    const n = this.lay.size;
    this.prev.set(from.subarray(0, n));
    this.cur.set(from.subarray(n, 2 * n));
    this.psi.set(from.subarray(2 * n, 3 * n));
    this.zeta.set(from.subarray(3 * n, 4 * n));
  }

  /**
   * One leapfrog step: computes W^n into `w`, u^{n+1} = 2u^n - u^{n-1} + k W^n
   * (+ extra when given: the Born source), and rotates so `cur` is u^{n+1}.
   */
  step(k: Float64Array, amplitude: number, source: PointWeights | null, extra: Float64Array | null): void {
    const lay = this.lay;
    const u = this.cur;
    const w = this.w;
    const prev = this.prev;
    const next = this.next;
    fillGhosts(u, this.leftSign, this.rightSign);
    leapfrog(u, prev, next, k, w, this.c);
    if (extra !== null) for (let i = GHOST; i < lay.size - GHOST; i++) next[i] += extra[i];
    this.pmlForward(lay.pmlLeft[0], lay.pmlLeft[1], k);
    this.pmlForward(lay.pmlRight[0], lay.pmlRight[1], k);
    if (source !== null && amplitude !== 0) {
      const scale = amplitude * lay.dx;
      for (let j = 0; j < source.index.length; j++) {
        const i = source.index[j];
        const s = scale * source.weight[j];
        w[i] += s;
        next[i] += k[i] * s;
      }
    }
    this.prev = u;
    this.cur = next;
    this.next = prev;
  }

  /** Adds the C-PML terms D1 psi + zeta to W and k (D1 psi + zeta) to u^{n+1} near a layer. */
  private pmlForward(start: number, end: number, k: Float64Array): void {
    if (start === end) return;
    const u = this.cur;
    const next = this.next;
    const psi = this.psi;
    const zeta = this.zeta;
    const w = this.w;
    const a = this.lay.pmlA;
    const b = this.lay.pmlB;
    const d = this.d;
    for (let i = start; i < end; i++) psi[i] = b[i] * psi[i] + a[i] * firstDifference(u, i, d);
    const lo = Math.max(GHOST, start - GHOST);
    const hi = Math.min(this.lay.size - GHOST, end + GHOST);
    for (let i = lo; i < hi; i++) {
      const t = firstDifference(psi, i, d);
      w[i] += t;
      next[i] += k[i] * t;
    }
    for (let i = start; i < end; i++) {
      zeta[i] = b[i] * zeta[i] + a[i] * w[i];
      w[i] += zeta[i];
      next[i] += k[i] * zeta[i];
    }
  }
}

/** Adjoint state of one shot, run backwards in time. */
export class AdjointPropagator extends Sweep {
  /** ubar^{n+1} (complete) and ubar^n (partial), swapped every step. */
  later: Float64Array;
  earlier: Float64Array;
  private readonly psiBar: Float64Array;
  private readonly zetaBar: Float64Array;
  private readonly qBar: Float64Array;
  private readonly pBar: Float64Array;

  constructor(lay: Layout) {
    super(lay);
    const n = lay.size;
    this.later = new Float64Array(n);
    this.earlier = new Float64Array(n);
    this.psiBar = new Float64Array(n);
    this.zetaBar = new Float64Array(n);
    this.qBar = new Float64Array(n);
    this.pBar = new Float64Array(n);
  }

  reset(): void {
    this.later.fill(0);
    this.earlier.fill(0);
    this.psiBar.fill(0);
    this.zetaBar.fill(0);
  }

  /** Adds R^T residual to ubar^{n+1} (`later`) for receivers `recs` with values taken from `values[offset + r * stride]`. */
  inject(recs: PointWeights[], values: Float64Array, offset: number, stride: number): void {
    const a = this.later;
    for (let r = 0; r < recs.length; r++) {
      const v = values[offset + r * stride];
      if (v === 0) continue;
      const p = recs[r];
      for (let j = 0; j < p.index.length; j++) a[p.index[j]] += p.weight[j] * v;
    }
  }

  /**
   * Reverses forward step n given W^n: accumulates the gradient with respect
   * to k into `gradK`, returns the gradient with respect to the source
   * amplitude f^n, and moves ubar^n into `later`.
   */
  adjointStep(k: Float64Array, wn: Float64Array, gradK: Float64Array, source: PointWeights | null): number {
    const lay = this.lay;
    const later = this.later;
    const q = this.qBar;
    const end = lay.size - GHOST;
    for (let i = GHOST; i < end; i++) {
      const v = later[i];
      q[i] = k[i] * v;
      gradK[i] += v * wn[i]; // dJ/dk += ubar^{n+1} W^n
    }
    let fBar = 0;
    if (source !== null) for (let j = 0; j < source.index.length; j++) fBar += q[source.index[j]] * source.weight[j] * lay.dx;
    this.pmlAdjoint(lay.pmlLeft[0], lay.pmlLeft[1]);
    this.pmlAdjoint(lay.pmlRight[0], lay.pmlRight[1]);
    fillGhosts(q, this.leftSign, this.rightSign);
    const earlier = this.earlier;
    adjointLeapfrog(q, later, earlier, this.c);
    this.later = earlier;
    this.earlier = later;
    this.pmlAdjointPsi(lay.pmlLeft[0], lay.pmlLeft[1]);
    this.pmlAdjointPsi(lay.pmlRight[0], lay.pmlRight[1]);
    return fBar;
  }


  /** zeta and psi recursions, reversed: turns W-bar into Q-bar and collects P-bar. */
  private pmlAdjoint(start: number, end: number): void {
    if (start === end) return;
    const a = this.lay.pmlA;
    const b = this.lay.pmlB;
    const q = this.qBar;
    const zb = this.zetaBar;
    const pb = this.psiBar;
    const p = this.pBar;
    const d = this.d;
    for (let i = start; i < end; i++) {
      const z = zb[i] + q[i];
      zb[i] = b[i] * z;
      q[i] += a[i] * z;
    }
    for (let i = start; i < end; i++) {
      const t = pb[i] - firstDifference(q, i, d);
      p[i] = a[i] * t;
      pb[i] = b[i] * t;
    }
  }

  /** ubar^n += D1^T P-bar = -D1 P-bar near a layer (ubar^n is `later` once swapped). */
  private pmlAdjointPsi(start: number, end: number): void {
    if (start === end) return;
    const lo = Math.max(GHOST, start - GHOST);
    const hi = Math.min(this.lay.size - GHOST, end + GHOST);
    const e = this.later;
    for (let i = lo; i < hi; i++) e[i] -= firstDifference(this.pBar, i, this.d);
  }
}

function mirrorSign(kind: string): number {
  return kind === "free" ? -1 : kind === "rigid" ? 1 : 0;
}

/** Fills ghost cells by mirroring about the outer cell faces (sign 0: absorbing end, ghosts stay zero). */
function fillGhosts(u: Float64Array, leftSign: number, rightSign: number): void {
  if (leftSign !== 0) for (let j = 0; j < GHOST; j++) u[GHOST - 1 - j] = leftSign * u[GHOST + j];
  if (rightSign !== 0) {
    const last = u.length - GHOST - 1;
    for (let j = 0; j < GHOST; j++) u[last + 1 + j] = rightSign * u[last - j];
  }
}

/**
 * The interior leapfrog update over every non-ghost cell: w = D2 u and
 * next = 2 u - prev + k w. The nine stencil values slide through locals so
 * each cell loads u once (the loop is bound by loads, not arithmetic).
 */
function leapfrog(u: Float64Array, prev: Float64Array, next: Float64Array, k: Float64Array, w: Float64Array, c: Float64Array): void {
  const c0 = c[0], c1 = c[1], c2 = c[2], c3 = c[3], c4 = c[4];
  const end = u.length - GHOST;
  let m4 = u[0], m3 = u[1], m2 = u[2], m1 = u[3], z = u[4], p1 = u[5], p2 = u[6], p3 = u[7];
  for (let i = GHOST; i < end; i++) {
    const p4 = u[i + 4];
    const d = c0 * z + c1 * (p1 + m1) + c2 * (p2 + m2) + c3 * (p3 + m3) + c4 * (p4 + m4);
    w[i] = d;
    next[i] = 2 * z - prev[i] + k[i] * d;
    m4 = m3; m3 = m2; m2 = m1; m1 = z; z = p1; p1 = p2; p2 = p3; p3 = p4;
  }
}

/**
 * earlier += 2 later + D2 q over every non-ghost cell (sliding window as in
 * {@link leapfrog}); then later = -later, the contribution of step n to ubar^{n-1}.
 */
function adjointLeapfrog(q: Float64Array, later: Float64Array, earlier: Float64Array, c: Float64Array): void {
  const c0 = c[0], c1 = c[1], c2 = c[2], c3 = c[3], c4 = c[4];
  const end = q.length - GHOST;
  let m4 = q[0], m3 = q[1], m2 = q[2], m1 = q[3], z = q[4], p1 = q[5], p2 = q[6], p3 = q[7];
  for (let i = GHOST; i < end; i++) {
    const p4 = q[i + 4];
    const l = later[i];
    earlier[i] += 2 * l + c0 * z + c1 * (p1 + m1) + c2 * (p2 + m2) + c3 * (p3 + m3) + c4 * (p4 + m4);
    later[i] = -l;
    m4 = m3; m3 = m2; m2 = m1; m1 = z; z = p1; p1 = p2; p2 = p3; p3 = p4;
  }
}

function firstDifference(u: Float64Array, i: number, d: Float64Array): number {
  return d[1] * (u[i + 1] - u[i - 1]) + d[2] * (u[i + 2] - u[i - 2]) + d[3] * (u[i + 3] - u[i - 3]) + d[4] * (u[i + 4] - u[i - 4]);
}
