/**
 * The arena of the 2D simulator (written once here): the grid the kernels of kernel2d-real.h
 * read (a gs_grid2d of kernel.h), the forward state, W^n (one step's scratch, or the full
 * storage of every step of every shot), one shot's points, and the adjoint's arrays, all in
 * one WebAssembly memory, so the adjoint reads W^n where the forward left it.
 *
 * The adjoint runs on the same grid: its memory variables (psi, zeta of each axis) hold
 * psi-bar and zeta-bar during a reverse run, zeroed before each shot (the forward's are no
 * longer needed once W^n is stored). A checkpointing arena (made with a `segment`) keeps W^n of
 * one segment of steps and gives the adjoint a grid of its own (the same but for its memory
 * variables), since the forward state is recomputed beside the adjoint one; a forward state
 * saved for it is u^{n-1}, u^n and the four memory arrays on their layers (grid2d.ts's layerSpans2D).
 * Two time levels serve a run: each step writes u^{n+1} over u^{n-1} (kernel2d-real.h).
 *
 * Born modelling (an arena made with `born`) steps a scattered field beside the background on
 * a second grid block: the same gs_grid2d but for its own memory variables, with its own two
 * time levels and W scratch, driven by dm W^n (dm per working cell, float64).
 *
 * Full storage's arena is the one worth keeping: up to 2 GiB, whose first touch of every page
 * cost a fresh one 20-35% of a gradient's time. The last one made in a thread is kept and
 * handed to the next {@link Propagator2D.stored} call of the same sizes (any simulator's: the
 * single-shot simulators of a shot-parallel inversion share it), which takes it over from the
 * linearization that had it; see {@link Propagator2D.claim}.
 */
import { GHOST } from "./config.js";
import { layerSpans2D, stateValues2D, type Layout2D } from "./grid2d.js";
import { ShotPoints } from "./shot-points.js";
import type { Real } from "./precision.js";
import { backendInfo } from "./backend.js";
import { arena, type ArraySpec, type Kernels } from "./wasm.js";

/** float64 values of a gs_grid2d (kernel.h): 16 int32 (8 values), then c[5], d[5], 1/dx^2, 1/dz^2, then the threads (int32) and 4 unused bytes. */
const GRID_VALUES = 21;

/** The arrays of the working precision, first in the arena (see the constructor's specs). */
const REAL_ARRAYS = 18;

/** The arrays of an arena (the constructor's arguments; the order its fields are read in). */
function specs2D(lay: Layout2D, stored: boolean, born: boolean, segment: number): ArraySpec[] {
  const cells = lay.sx * lay.sz, nr = lay.nreceivers, nt = lay.nt, ns = lay.sources.length;
  const storage = stored ? ns * Math.max(nt - 1, 1) * cells : Math.max(segment, 1) * cells;
  return [
    { length: cells }, { length: lay.sx }, { length: lay.sx }, { length: lay.sz }, { length: lay.sz }, // m, ax, bx, az, bz
    { length: cells }, { length: cells }, { length: cells }, { length: cells }, // psix, zetax, psiz, zetaz
    { length: cells }, { length: cells }, // u^{n-1}, u^n
    { length: cells }, { length: cells }, { length: cells }, { length: cells }, { length: cells }, { length: cells }, // later, earlier, qx, qz, pbx, pbz
    { length: storage }, // W
    { length: cells, type: "float64" }, { length: GRID_VALUES, type: "float64" }, { length: nt, type: "float64" },
    ...ShotPoints.specs(lay), { length: nr * nt, type: "float64" },
    { length: nt, type: "float64" },
    ...Array.from({ length: 7 }, () => ({ length: born ? cells : 0 })), // the scattered psix, zetax, psiz, zetaz, p^{n-1}, p^n, W
    { length: born ? cells : 0, type: "float64" }, { length: born ? GRID_VALUES : 0, type: "float64" }, // dm, the scattered grid
    { length: nr * nt, type: "float64" }, { length: segment > 0 ? GRID_VALUES : 0, type: "float64" }, // the residual, the adjoint's grid
    ...Array.from({ length: 4 }, () => ({ length: segment > 0 ? cells : 0 })), // the adjoint's psix, zetax, psiz, zetaz (checkpointing)
  ];
}

/** Which full-storage arenas can stand for one another: the same backend, precision, grid width and arrays. */
function storedKey(lay: Layout2D): string {
  return JSON.stringify([backendInfo().backend, lay.precision, lay.sx, specs2D(lay, true, false, 0)]);
}

/** The last full-storage arena made in this thread (see the module's comment). */
let spare: { key: string; prop: Propagator2D } | null = null;

export class Propagator2D {
  readonly kernels: Kernels;
  private lay: Layout2D;
  private readonly cells: number;
  /** m = c^2 dt^2 per working cell (zero in the ghosts); the C-PML's memory variables (or their adjoints). */
  private readonly m: Real;
  private readonly memory: Real[];
  /** u^{n-1}, u^n: swapped as the kernels swap them (see {@link advance}). */
  private u: Real[];
  /** W^n: one step's (stride 0), every step of every shot's ((nt - 1) cells per shot), or a checkpointing segment's. */
  private readonly w: Real;
  readonly stored: boolean;
  /** Steps of W^n a checkpointing arena holds (0: none). */
  readonly segment: number;
  /** The C-PML's a and b per column (x) and per row (z). */
  private readonly ax: Real;
  private readonly bx: Real;
  private readonly az: Real;
  private readonly bz: Real;
  /** Who has the forward run held in a full-storage arena (see {@link claim}). */
  private owner: object | null = null;
  /** The adjoint: ubar^{n+1}, ubar^{n+2} (swapped as the kernel swaps them), scratch Q-bar and P-bar per axis. */
  private later: Real;
  private earlier: Real;
  private readonly scratch: Real[];
  /** dJ/dm per working cell, summed over the shots reversed (float64). */
  readonly gradM: Float64Array;
  private readonly grid: Float64Array;
  private readonly amplitudes: Float64Array;
  /** One shot's source and receiver points. */
  private readonly points: ShotPoints;
  /** Born modelling's: the scattered field's grid, memory variables, time levels and W scratch, and dm (empty without `born`). */
  private readonly scatteredGrid: Float64Array;
  private readonly scatteredMemory: Real[];
  private readonly p: Real[];
  private readonly pw: Real;
  private readonly dm: Float64Array;
  /** One shot's traces (receiver r's u at t_n at r nt + n). */
  readonly traces: Float64Array;
  /** The residual of the shot being reversed (receiver r's at r nt + n). */
  private readonly residual: Float64Array;
  /** The adjoint's grid: the forward's, or (checkpointing) with memory variables of its own, since the forward state lives on. */
  private readonly adjointGrid: Float64Array;
  private readonly adjointMemory: Real[];
  /** dJ/df^n of the shot last reversed. */
  readonly fBar: Float64Array;

  /**
   * The arena of a layout; `stored`: keep W^n of every step and shot (full storage for the
   * adjoint); `born`: with the scattered field's arrays for {@link bornShot}; `segment` > 0: a
   * checkpointing arena, W^n of `segment` steps and the adjoint's own memory variables (the
   * forward state is recomputed beside it, see {@link advanceSteps}, {@link reverseSegment}).
   */
  constructor(lay: Layout2D, stored: boolean, born = false, segment = 0) {
    this.lay = lay;
    this.stored = stored;
    this.segment = segment;
    this.cells = lay.sx * lay.sz;
    const { arrays, kernels } = arena(specs2D(lay, stored, born, segment), lay.precision);
    this.kernels = kernels;
    const real = arrays.slice(0, REAL_ARRAYS) as Real[];
    [this.m, this.ax, this.bx, this.az, this.bz] = real;
    this.memory = real.slice(5, 9);
    this.u = real.slice(9, 11);
    [this.later, this.earlier] = real.slice(11, 13);
    this.scratch = real.slice(13, 17);
    this.w = real[17];
    [this.gradM, this.grid, this.amplitudes] = arrays.slice(REAL_ARRAYS, REAL_ARRAYS + 3) as Float64Array[];
    this.points = new ShotPoints(arrays.slice(REAL_ARRAYS + 3, REAL_ARRAYS + 7));
    [this.traces, this.fBar] = arrays.slice(REAL_ARRAYS + 7, REAL_ARRAYS + 9) as Float64Array[];
    const scattered = arrays.slice(REAL_ARRAYS + 9);
    this.scatteredMemory = scattered.slice(0, 4) as Real[];
    this.p = scattered.slice(4, 6) as Real[];
    this.pw = scattered[6] as Real;
    [this.dm, this.scatteredGrid, this.residual] = scattered.slice(7, 10) as Float64Array[];
    this.adjointGrid = segment > 0 ? (scattered[10] as Float64Array) : this.grid;
    this.adjointMemory = segment > 0 ? (scattered.slice(11, 15) as Real[]) : this.memory;
    this.bind(lay);
  }

  /**
   * The arena of a full-storage linearization, its forward run to be made for `owner`: the
   * thread's last one when it has the same sizes (taken over from whoever had it, see
   * {@link claim}), else a new one, kept in its place.
   */
  static stored(lay: Layout2D, owner: object): Propagator2D {
    const key = storedKey(lay);
    if (spare?.key !== key) {
      spare = null; // the old one goes before the new is made
      spare = { key, prop: new Propagator2D(lay, true) };
    }
    spare.prop.claim(lay, owner);
    return spare.prop;
  }

  /** Lets go of the arena kept for the next {@link stored} call: freed with the linearizations that have it. */
  static releaseStored(): void {
    spare = null;
  }

  /**
   * Makes this arena `owner`'s, for `lay` (a layout of the sizes it was made for): false when it
   * already was, true when it was taken from another (or had none), so that `owner` must run its
   * forward again before it reverses over the stored W^n.
   */
  claim(lay: Layout2D, owner: object): boolean {
    if (this.owner === owner) return false;
    this.owner = owner;
    if (lay !== this.lay) this.bind(lay);
    return true;
  }

  /** The grid and C-PML coefficients of `lay` written into the arena (made for its sizes). */
  private bind(lay: Layout2D): void {
    this.lay = lay;
    this.layerSpans = null;
    this.ax.set(lay.ax), this.bx.set(lay.bx), this.az.set(lay.az), this.bz.set(lay.bz);
    const ints = new Int32Array(this.grid.buffer, this.grid.byteOffset, 16);
    ints.set([this.m, this.ax, this.bx, this.az, this.bz, ...this.memory].map((a) => a.byteOffset));
    ints.set([lay.sx, lay.sz, lay.xl, lay.xr, lay.zt, lay.zb, lay.top === "free" ? -1 : 0], 9);
    const st = lay.stencil, pad = (a: readonly number[], n: number, from: number) => Array.from({ length: n }, (_, j) => (j >= from && j - from < a.length ? a[j - from] : 0));
    this.grid.set([...pad(st.second, 5, 0), ...pad(st.first, 5, 1), 1 / lay.dx ** 2, 1 / lay.dz ** 2], 8);
    new Int32Array(this.grid.buffer, this.grid.byteOffset + 160, 2).set([lay.threads, 0]);
    const own = (grid: Float64Array, memory: Real[]) => {
      grid.set(this.grid);
      new Int32Array(grid.buffer, grid.byteOffset, 9).set(memory.map((a) => a.byteOffset), 5);
    };
    if (this.scatteredGrid.length > 0) own(this.scatteredGrid, this.scatteredMemory);
    if (this.segment > 0) own(this.adjointGrid, this.adjointMemory);
  }

  /** u^n of the live forward state (after steps up to n): a view of the working grid, valid until the next step. */
  get current(): Real {
    return this.u[1];
  }

  /** W^n of the last step {@link segmentSteps} took in an arena of a one-step segment (u^{n+1} = 2 u^n - u^{n-1} + m W^n): a view of the working grid, valid until the next step. */
  get stepW(): Real {
    return this.w.subarray(0, this.cells);
  }

  /** Values of a saved forward state ({@link save}): u^{n-1}, u^n, then psix, zetax on the x layers and psiz, zetaz on the z layers. */
  stateLength(): number {
    return stateValues2D(this.lay);
  }

  /** The live forward state's arrays and, for each, the [start, end) cell spans a saved state holds. */
  private stateParts(): [Real, [number, number][]][] {
    const whole: [number, number][] = [[0, this.cells]], [psix, zetax, psiz, zetaz] = this.memory;
    const spans = (this.layerSpans ??= layerSpans2D(this.lay));
    return [[this.u[0], whole], [this.u[1], whole], [psix, spans.x], [zetax, spans.x], [psiz, spans.z], [zetaz, spans.z]];
  }
  private layerSpans: { x: [number, number][]; z: [number, number][] } | null = null;

  /** Copies the live forward state into `out` (length {@link stateLength}, the working precision). */
  save(out: Real): void {
    let k = 0;
    for (const [a, spans] of this.stateParts()) {
      for (const [start, end] of spans) out.set(a.subarray(start, end), k), (k += end - start);
    }
  }

  /** Sets the live forward state to one written by {@link save} (the memory arrays stay zero off their layers). */
  restore(from: Real): void {
    let k = 0;
    for (const [a, spans] of this.stateParts()) {
      for (const [start, end] of spans) a.set(from.subarray(k, k + end - start), start), (k += end - start);
    }
  }

  /**
   * The working cell's model cell: the layers and the free surface's side copy the nearest
   * model cell (clamped row and column), so its gradient folds back there.
   */
  private modelCell(r: number, q: number): number {
    const lay = this.lay;
    return Math.min(Math.max(r - lay.firstZ, 0), lay.nz - 1) * lay.nx + Math.min(Math.max(q - lay.firstX, 0), lay.nx - 1);
  }

  /** m = c^2 dt^2 on the working cells from the velocity [nz, nx] (ghosts stay 0). */
  setVelocity(c: Float64Array): void {
    const lay = this.lay, dt2 = lay.dt * lay.dt;
    for (let r = GHOST; r < lay.sz - GHOST; r++) {
      for (let q = GHOST; q < lay.sx - GHOST; q++) {
        const v = c[this.modelCell(r, q)];
        this.m[r * lay.sx + q] = v * v * dt2;
      }
    }
  }

  /** dJ/dc per model cell [nz, nx] from dJ/dm summed in {@link gradM}: dm/dc = 2 c dt^2, folded onto the model cell each working cell copies. */
  velocityGradient(c: Float64Array): Float64Array {
    const lay = this.lay, out = new Float64Array(lay.nx * lay.nz), dt2 = lay.dt * lay.dt;
    for (let r = GHOST; r < lay.sz - GHOST; r++) {
      for (let q = GHOST; q < lay.sx - GHOST; q++) {
        const j = this.modelCell(r, q);
        out[j] += this.gradM[r * lay.sx + q] * 2 * c[j] * dt2;
      }
    }
    return out;
  }



  /** Byte offset of shot s's W^0 and the stride of W in values. */
  private storeOf(s: number): [number, number] {
    const per = Math.max(this.lay.nt - 1, 1) * this.cells;
    return this.stored ? [this.w.byteOffset + s * per * this.w.BYTES_PER_ELEMENT, this.cells] : [this.w.byteOffset, 0];
  }

  /** Shot s's forward run from rest; its data in {@link traces} (and W^n in storage when {@link stored}). */
  forwardShot(s: number): void {
    this.loadShot(s);
    const [w, stride] = this.storeOf(s);
    this.advance(0, this.lay.nt - 1, w, stride);
  }

  /**
   * dm = 2 c dc dt^2 on the working cells for the velocity c and its perturbation dc [nz, nx]:
   * each working cell the model cell's it copies (the transpose of {@link velocityGradient}'s fold), 0 in the ghosts.
   */
  setPerturbation(c: Float64Array, dc: Float64Array): void {
    const lay = this.lay, dt2 = lay.dt * lay.dt;
    if (this.dm.length === 0) throw new Error("Propagator2D: setPerturbation needs an arena made for Born modelling");
    for (let r = GHOST; r < lay.sz - GHOST; r++) {
      for (let q = GHOST; q < lay.sx - GHOST; q++) {
        const j = this.modelCell(r, q);
        this.dm[r * lay.sx + q] = 2 * c[j] * dc[j] * dt2;
      }
    }
  }

  /** Shot s loaded (its wavelet and points) and the forward state at rest (step 0). */
  loadShot(s: number): void {
    for (const a of [...this.memory, ...this.u]) a.fill(0);
    this.traces.fill(0);
    this.amplitudes.set(this.lay.wavelets[s]);
    this.points.load(this.lay.sources[s], this.lay.receivers[s]);
  }

  /**
   * Forward steps n0 .. n1-1 of the loaded shot from the live state (at step n0) in one kernel
   * call, W^n to byte offset `w` + (n - n0) `stride` values; the receivers sampled into {@link traces}.
   */
  private advance(n0: number, n1: number, w: number, stride: number): void {
    const lay = this.lay, [u0, u1] = this.u;
    this.kernels.forwardRun2d(this.grid.byteOffset, u0.byteOffset, u1.byteOffset, w, stride, n0, n1,
      this.amplitudes.byteOffset, 1 / (lay.dx * lay.dz), ...this.points.args(), this.traces.byteOffset, lay.nt);
    // The kernel writes u^{n+1} over u^{n-1} and swaps the two every step.
    if (Math.max(n1 - n0, 0) % 2 === 1) this.u = [u1, u0];
  }

  /** Plain forward steps n0 .. n1-1 (checkpointing's advance): W^n not kept. */
  advanceSteps(n0: number, n1: number): void {
    this.advance(n0, n1, this.w.byteOffset, 0);
  }

  /** Forward steps n0 .. n1-1 keeping W^n in the segment (n1 - n0 <= {@link segment}). */
  segmentSteps(n0: number, n1: number): void {
    if (n1 - n0 > this.segment) throw new Error(`Propagator2D: ${n1 - n0} steps exceed the segment of ${this.segment}`);
    this.advance(n0, n1, this.w.byteOffset, this.cells);
  }

  /**
   * Starts shot s's adjoint run (its points loaded, see {@link loadShot}), driven by `residual`
   * (receiver r's at r nt + n): the adjoint state zeroed, the residual at t_{nt-1} injected.
   */
  beginReverse(s: number, residual: Float64Array): void {
    const lay = this.lay, nt = lay.nt, nr = lay.nreceivers;
    for (const a of [...this.adjointMemory, this.later, this.earlier, ...this.scratch]) a.fill(0);
    this.fBar.fill(0);
    this.residual.set(residual);
    this.points.load(this.lay.sources[s], this.lay.receivers[s]);
    // R^T of the residual at t_{nt-1} into ubar^{nt-1}; the kernel injects the earlier ones.
    for (let r = 0; r < nr; r++) {
      const v = residual[r * nt + nt - 1], p = lay.receivers[s][r];
      for (let j = 0; j < p.index.length; j++) this.later[p.index[j]] += p.weight[j] * v;
    }
  }

  /**
   * Steps n1-1 down to n0 of the shot begun by {@link beginReverse} reversed in one kernel call,
   * W^n read at byte offset `w` + (n - n0) `stride` values: dJ/dm added to {@link gradM}, dJ/df^n in {@link fBar}.
   */
  private reverse(n0: number, n1: number, w: number, stride: number): void {
    const lay = this.lay, [qx, qz, pbx, pbz] = this.scratch;
    this.kernels.reverseRun2d(this.adjointGrid.byteOffset, this.later.byteOffset, this.earlier.byteOffset, qx.byteOffset, qz.byteOffset,
      pbx.byteOffset, pbz.byteOffset, w, stride, this.gradM.byteOffset, n0, n1, 1 / (lay.dx * lay.dz), ...this.points.args(),
      this.residual.byteOffset, lay.nt, this.fBar.byteOffset);
    // The kernel swaps ubar^{n+1} and ubar^n every step.
    if (Math.max(n1 - n0, 0) % 2 === 1) [this.later, this.earlier] = [this.earlier, this.later];
  }

  /** Reverses steps n1-1 .. n0 over the W^n {@link segmentSteps} just kept for them. */
  reverseSegment(n0: number, n1: number): void {
    this.reverse(n0, n1, this.w.byteOffset, this.cells);
  }

  /** Shot s's Born run from rest (the background and the scattered field driven by dm W^n): the scattered data in {@link traces}. */
  bornShot(s: number): void {
    if (this.dm.length === 0) throw new Error("Propagator2D: bornShot needs an arena made for Born modelling");
    const lay = this.lay, nt = lay.nt;
    for (const a of [...this.memory, ...this.u, ...this.scatteredMemory, ...this.p]) a.fill(0);
    this.traces.fill(0);
    this.amplitudes.set(lay.wavelets[s]);
    this.points.load(this.lay.sources[s], this.lay.receivers[s]);
    const [u0, u1] = this.u, [p0, p1] = this.p;
    this.kernels.bornRun2d(this.grid.byteOffset, this.scatteredGrid.byteOffset, u0.byteOffset, u1.byteOffset,
      this.w.byteOffset, p0.byteOffset, p1.byteOffset, this.pw.byteOffset, this.dm.byteOffset, 0, nt - 1,
      this.amplitudes.byteOffset, 1 / (lay.dx * lay.dz), ...this.points.args(), this.traces.byteOffset, nt);
  }

  /**
   * Shot s's adjoint run over its stored W^n, driven by `residual` (receiver r's at r nt + n):
   * dJ/dm added to {@link gradM}, dJ/df^n in {@link fBar}.
   */
  reverseShot(s: number, residual: Float64Array): void {
    if (!this.stored) throw new Error("Propagator2D: reverseShot needs the full storage of W^n");
    this.beginReverse(s, residual);
    const [w, stride] = this.storeOf(s);
    this.reverse(0, this.lay.nt - 1, w, stride);
  }
}
