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
 * The gradient with respect to k is sum_n ubar^{n+1} * W^n: one line of each adjoint leapfrog
 * in kernel-real.h.
 *
 * Assumptions: working arrays have GHOST ghost cells each side; k, a, psi,
 * zeta are zero in the ghosts; b = 1 outside the layers. Mirror ends fill
 * the ghosts from the first/last cells before every stencil application;
 * the symmetric D2 with the mirror fill is its own transpose, so the adjoint
 * uses the same fill.
 */
import { GHOST, type Layout, type PointWeights } from "./config.js";
import { realArray, type Real } from "./precision.js";
import { ShotPoints } from "./shot-points.js";
import { FORWARD_SWEEP, SCATTERED_SWEEP, arena, uniform, type Arena, type ArraySpec, type Kernels } from "./wasm.js";

/** What forward and adjoint sweeps share: the layout, the arena's arrays and kernels, the mirror signs. */
export abstract class Sweep {
  readonly lay: Layout;
  protected readonly leftSign: number;
  protected readonly rightSign: number;
  /** Working arrays, all in one WebAssembly memory shared with {@link kernels}. */
  protected readonly arrays: (Real | Int32Array)[];
  protected readonly kernels: Kernels;

  /** Takes its arrays (`specs`) from `shared` (whose first arrays must be those), or from a new arena. */
  constructor(lay: Layout, specs: readonly ArraySpec[], shared?: Arena) {
    this.lay = lay;
    ({ arrays: this.arrays, kernels: this.kernels } = shared ?? arena(specs, lay.precision));
    this.leftSign = mirrorSign(lay.left);
    this.rightSign = mirrorSign(lay.right);
  }

  /** Sets the kernels' configuration of `sweep` for this layout, with the sweep's coefficient, C-PML and memory arrays. */
  protected configure(sweep: number, k: Real, a: Real, b: Real, psi: Real, zeta: Real): void {
    const lay = this.lay;
    a.set(lay.pmlA);
    b.set(lay.pmlB);
    const c = (i: number) => lay.stencil.second[i] ?? 0;
    const d = (i: number) => lay.stencil.first[i - 1] ?? 0;
    this.kernels.configure(
      sweep, k.byteOffset, a.byteOffset, b.byteOffset, psi.byteOffset, zeta.byteOffset,
      lay.pmlLeft[0], lay.pmlLeft[1], lay.pmlRight[0], lay.pmlRight[1], lay.size - GHOST, this.leftSign, this.rightSign,
      c(0), c(1), c(2), c(3), c(4), d(1), d(2), d(3), d(4),
    );
  }
}

/** A saved propagator state (see {@link Propagator.snapshot}). */
export interface Snapshot {
  readonly prev: Real;
  readonly cur: Real;
  /** psi and zeta on the left layer, then on the right one. */
  readonly layers: Real[][];
}

/** Working buffers of one shot's propagation, allocated once and reused. */
export class Propagator extends Sweep {
  /** u^{n-1}, u^n and scratch for u^{n+1}; rotated every step. */
  prev: Real;
  cur: Real;
  next: Real;
  readonly psi: Real;
  readonly zeta: Real;
  /**
   * W^n of the last step. Point it at an array in the same arena (a slice of
   * storage) to keep W^n where the step writes it, without a copy.
   */
  w: Real;
  /** k = c^2 dt^2 / dx^2 per working cell; set with {@link setCoefficient}. */
  readonly k: Real;

  /**
   * The update range [lo, hi) (int32[2], carried from step to step by {@link step} and the
   * kernels' runs): cells outside which u^n and u^{n-1} are exactly zero. An explicit stencil
   * moves information at most twice its radius a step (the C-PML term a D1 u), so cells beyond the domain of
   * dependence of the sources need no update.
   */
  private readonly range: Int32Array;
  /** One shot's wavelet and points (see {@link loadShot}), for {@link run}. */
  private readonly amplitudes: Float64Array;
  private readonly points: ShotPoints;
  /** What {@link run} records: receiver r's u(t_n) at r * nt + n (n = 0 is u^0 = 0). */
  readonly traces: Float64Array;

  /** The working arrays a propagator takes from an arena: nine of `size` values, then the range and one shot's points and traces. */
  static specs(lay: Layout): ArraySpec[] {
    return [
      ...uniform(9, lay.size),
      { length: 2, type: "int32" },
      { length: lay.nt, type: "float64" },
      ...ShotPoints.specs(lay),
      { length: lay.nreceivers * lay.nt, type: "float64" },
    ];
  }

  /** `scattered`: configure the kernels' scattered-field sweep (the second propagator of {@link born}) instead of the forward one. */
  constructor(lay: Layout, shared?: Arena, scattered = false) {
    super(lay, Propagator.specs(lay), shared);
    const a = this.arrays;
    [this.prev, this.cur, this.next, this.psi, this.zeta, this.w, this.k] = a as Real[];
    [this.range, this.amplitudes, this.traces] = [a[9] as Int32Array, a[10] as Float64Array, a[15] as Float64Array];
    this.points = new ShotPoints(a.slice(11, 15));
    this.configure(scattered ? SCATTERED_SWEEP : FORWARD_SWEEP, this.k, a[7] as Real, a[8] as Real, this.psi, this.zeta);
  }

  /** Takes shot `s`'s wavelet, source and receivers for {@link run}, and clears the traces. */
  loadShot(s: number): void {
    this.load(this.lay.wavelets[s], this.lay.sources[s], this.lay.receivers[s]);
  }

  /** Takes a wavelet fired from `source` and the receivers that record it (none: no traces) for {@link run}, and clears the traces. */
  load(wavelet: Float64Array, source: PointWeights, receivers: readonly PointWeights[]): void {
    this.amplitudes.set(wavelet);
    this.points.load(source, receivers);
    this.traces.fill(0);
  }

  /**
   * Steps n0 .. n1-1 of the loaded shot in one kernel call: as {@link step} with its source
   * (no Born term), the receivers sampled into {@link traces}. W^n goes to `w` + (n - n0) `wStride`
   * values (stride 0: `w` is overwritten every step); `w` must live in this arena.
   */
  run(n0: number, n1: number, w: Real, wStride: number): void {
    const lay = this.lay;
    this.kernels.forwardRun(
      this.prev.byteOffset, this.cur.byteOffset, this.next.byteOffset, w.byteOffset, wStride, this.range.byteOffset, n0, n1,
      this.amplitudes.byteOffset, lay.dx, ...this.points.args(), this.traces.byteOffset, lay.nt,
    );
    this.rotate(n1 - n0);
  }

  /** Sets k (length `size`, zero in the ghosts; rounded to the working precision). */
  setCoefficient(k: Float64Array): void {
    this.k.set(k);
  }

  /** Zero state: u^{-1} = u^0 = 0, no PML memory. */
  reset(): void {
    this.prev.fill(0);
    this.cur.fill(0);
    this.next.fill(0);
    this.psi.fill(0);
    this.zeta.fill(0);
    this.w.fill(0);
    this.range.fill(0);
  }

  /**
   * Born modelling of the loaded shot, steps n0 .. n1-1 in one kernel call: this propagator runs
   * the background, `scattered` (same arena, made with `scattered` true, reset, same k) the field
   * driven by `dk` W^n (float64 per working cell, in this arena); the receivers sample the
   * scattered field into {@link traces}.
   */
  born(scattered: Propagator, dk: Float64Array, n0: number, n1: number): void {
    const lay = this.lay;
    this.kernels.bornRun(
      this.prev.byteOffset, this.cur.byteOffset, this.next.byteOffset, this.w.byteOffset, this.range.byteOffset,
      scattered.prev.byteOffset, scattered.cur.byteOffset, scattered.next.byteOffset, scattered.w.byteOffset, dk.byteOffset, n0, n1,
      this.amplitudes.byteOffset, lay.dx, ...this.points.args(), this.traces.byteOffset, lay.nt,
    );
    this.rotate(n1 - n0);
    scattered.rotate(n1 - n0);
  }

  /** Renames the time levels after `steps` steps (u^{n-1}, u^n, scratch rotate with each). */
  private rotate(steps: number): void {
    for (let j = steps % 3; j > 0; j--) {
      const t = this.prev;
      this.prev = this.cur;
      this.cur = this.next;
      this.next = t;
    }
  }

  /** Values a saved state holds: u^{n-1}, u^n, and psi and zeta on the layers. */
  static stateLength(lay: Layout): number {
    const layerCells = lay.pmlLeft[1] - lay.pmlLeft[0] + lay.pmlRight[1] - lay.pmlRight[0];
    return 2 * lay.size + 2 * layerCells;
  }

  /**
   * An empty saved state: u^{n-1} and u^n, and the C-PML memories psi and zeta on the layers
   * (zero everywhere else, never written there), as views made once (saving and restoring
   * thousands of states per gradient then allocates nothing).
   */
  static snapshot(lay: Layout): Snapshot {
    const n = lay.size;
    const data = new (realArray(lay.precision))(Propagator.stateLength(lay));
    let at = 2 * n;
    const layers = [lay.pmlLeft, lay.pmlRight].map(([a, b]) => [0, 1].map(() => data.subarray(at, (at += b - a))));
    return { prev: data.subarray(0, n), cur: data.subarray(n, 2 * n), layers };
  }

  /** psi and zeta on the left and right layers: views made once. */
  private get layers(): Real[][] {
    const lay = this.lay;
    return (this.layerViews ??= [lay.pmlLeft, lay.pmlRight].map(([a, b]) => [this.psi.subarray(a, b), this.zeta.subarray(a, b)]));
  }
  private layerViews: Real[][] | undefined;

  /** Copies the state into `out` (made by {@link snapshot}). */
  save(out: Snapshot): void {
    out.prev.set(this.prev);
    out.cur.set(this.cur);
    const layers = this.layers;
    for (let j = 0; j < layers.length; j++) for (let m = 0; m < layers[j].length; m++) out.layers[j][m].set(layers[j][m]);
  }

  /** Restores a state written by {@link save} (the update range becomes the whole grid). */
  restore(from: Snapshot): void {
    this.range[0] = GHOST;
    this.range[1] = this.lay.size - GHOST;
    this.prev.set(from.prev);
    this.cur.set(from.cur);
    const layers = this.layers;
    for (let j = 0; j < layers.length; j++) for (let m = 0; m < layers[j].length; m++) layers[j][m].set(from.layers[j][m]);
  }

}

function mirrorSign(kind: string): number {
  return kind === "free" ? -1 : kind === "rigid" ? 1 : 0;
}
