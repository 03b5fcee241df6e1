/**
 * The adjoint of kernel.ts's propagator: one shot's adjoint state run backwards in time, its
 * step reversed by the kernels (see the scheme and its adjoint at the top of kernel.ts).
 */
import type { Layout, PointWeights } from "./config.js";
import { Sweep } from "./kernel.js";
import type { Real } from "./precision.js";
import { ShotPoints } from "./shot-points.js";
import { ADJOINT_SWEEP, uniform, type Arena, type ArraySpec } from "./wasm.js";

/** Adjoint state of one shot, run backwards in time. */
export class AdjointPropagator extends Sweep {
  /** ubar^{n+1} (complete) and ubar^n (partial), swapped every step. */
  later: Real;
  earlier: Real;
  private readonly qBar: Real;
  private readonly pBar: Real;
  /** k per working cell; set with {@link setCoefficient}. */
  readonly k: Real;
  /** dJ/dk per working cell, in float64 whatever the precision, summed over every step and shot reversed (not cleared by {@link reset}). */
  readonly gradK: Float64Array;
  /** W^n of the step being reversed (copied in from storage). */
  private readonly wn: Real;
  private readonly psiBar: Real;
  private readonly zetaBar: Real;

  /** Where ubar may be nonzero (int32[2]: [lo, hi)), widened by the kernels as the adjoint spreads. */
  private readonly range: Int32Array;
  /** One shot's points and residual (see {@link loadShot}), for {@link reverse}. */
  private readonly points: ShotPoints;
  private readonly residual: Float64Array;
  /** What {@link reverse} computes: dJ/df^n of the loaded shot's wavelet at n. */
  readonly fBar: Float64Array;

  /**
   * The working arrays an adjoint propagator takes from an arena: eleven of `size` values, the
   * eighth (dJ/dk) float64, then one shot's points, residual and wavelet gradient, and the
   * update range.
   */
  static specs(lay: Layout): ArraySpec[] {
    return [
      ...uniform(11, lay.size).map((s, j) => (j === 7 ? { ...s, type: "float64" as const } : s)),
      ...ShotPoints.specs(lay),
      { length: lay.nreceivers * lay.nt, type: "float64" },
      { length: lay.nt, type: "float64" },
      { length: 2, type: "int32" },
    ];
  }

  constructor(lay: Layout, shared?: Arena) {
    super(lay, AdjointPropagator.specs(lay), shared);
    const a = this.arrays;
    let pmlA: Real, pmlB: Real, gradK: Real;
    [this.later, this.earlier, this.psiBar, this.zetaBar, this.qBar, this.pBar, this.k, gradK, this.wn, pmlA, pmlB] = a as Real[];
    this.gradK = gradK as Float64Array;
    this.points = new ShotPoints(a.slice(11, 15));
    [this.residual, this.fBar] = [a[15] as Float64Array, a[16] as Float64Array];
    this.range = a[17] as Int32Array;
    this.configure(ADJOINT_SWEEP, this.k, pmlA, pmlB, this.psiBar, this.zetaBar);
  }

  /** Takes shot `s`'s source and receivers, and its residual (receiver r's at `residual[offset + r nt + n]`), for {@link reverse}. */
  loadShot(s: number, residual: Float64Array, offset: number): void {
    const lay = this.lay;
    this.points.load(lay.sources[s], lay.receivers[s]);
    this.residual.set(residual.subarray(offset, offset + lay.nreceivers * lay.nt));
  }

  /**
   * Steps n1-1 down to n0 of the loaded shot reversed in one kernel call: the adjoint step
   * then the residual of t_n injected, each step; dJ/df^n into {@link fBar}. W^n is read at
   * `w` + (n - n0) `wStride` values; `w` must live in this arena.
   */
  reverse(n0: number, n1: number, w: Real, wStride: number): void {
    const lay = this.lay;
    this.kernels.reverseRun(
      this.later.byteOffset, this.earlier.byteOffset, this.qBar.byteOffset, this.pBar.byteOffset, w.byteOffset, wStride,
      this.gradK.byteOffset, this.range.byteOffset, n0, n1, lay.dx, ...this.points.args(), this.residual.byteOffset, lay.nt, this.fBar.byteOffset,
    );
    if ((n1 - n0) % 2 === 1) {
      const t = this.later;
      this.later = this.earlier;
      this.earlier = t;
    }
  }

  /** Sets k (length `size`, zero in the ghosts; rounded to the working precision). */
  setCoefficient(k: Float64Array): void {
    this.k.set(k);
  }

  reset(): void {
    this.later.fill(0);
    this.earlier.fill(0);
    this.psiBar.fill(0);
    this.zetaBar.fill(0);
    // The kernels work on the update range alone and count on these scratch arrays being zero beyond it.
    this.qBar.fill(0);
    this.pBar.fill(0);
    this.range.fill(0);
  }

  /** Adds R^T residual to ubar^{n+1} (`later`) for receivers `recs` with values taken from `values[offset + r * stride]`. */
  inject(recs: PointWeights[], values: Float64Array, offset: number, stride: number): void {
    const a = this.later;
    for (let r = 0; r < recs.length; r++) {
      const v = values[offset + r * stride];
      if (v === 0) continue;
      const p = recs[r];
      for (let j = 0; j < p.index.length; j++) {
        const i = p.index[j];
        a[i] += p.weight[j] * v;
        if (this.range[1] <= this.range[0]) this.range.set([i, i + 1]);
        else this.range.set([Math.min(this.range[0], i), Math.max(this.range[1], i + 1)]);
      }
    }
  }

  /** Step n of the loaded shot reversed (as {@link reverse}) from W^n held outside this arena: copied in first. */
  reverseFrom(wn: Real, n: number): void {
    this.wn.set(wn);
    this.reverse(n, n + 1, this.wn, 0);
  }
}
