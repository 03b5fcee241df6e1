/**
 * Configuration of the 1D wave simulator, its validation, and the layout of
 * the padded grid the kernels run on.
 */
import { InputError, describe } from "../core/errors.js";
import { resolveStorage, storageOf, type ResolvedStorage, type Storage } from "../core/checkpoint.js";
import { finiteNumber, positiveInteger, positiveNumber } from "../core/validate.js";
import { defaultWarn, oncePerKind } from "../core/warn.js";
import { checkMemory, type MemoryPart } from "../core/memory.js";
import { bytesPerValue, precisionOf, type Precision } from "./precision.js";
import { courantLimit, stencil, type SpatialOrder, type Stencil } from "./stencil.js";
import { pointWeights } from "./interpolation.js";
import { maxFrequency } from "./wavelet.js";

/** How one end of the domain behaves. */
export type BoundaryKind =
  /** A convolutional PML of `pml.width` cells appended outside the model. */
  | "absorbing"
  /** Pressure-release end (u = 0), mirrored oddly about x = origin - dx/2 (or its right twin). */
  | "free"
  /** Rigid end (du/dx = 0), mirrored evenly about the same point. */
  | "rigid";

/** The absorbing layer (C-PML) appended at absorbing ends. */
export interface PmlOptions {
  /** Thickness in cells. Default 20. */
  width?: number;
  /** Speed (m/s) the damping profile is tuned for, typically the model's largest velocity. */
  velocity: number;
  /** Target reflection coefficient of the continuous layer. Default 1e-4. */
  reflection?: number;
}

/** One shot: a point source and its receivers. */
export interface Shot {
  /** Source position (m), anywhere in [origin, origin + (nx-1) dx]. */
  source: number;
  /** Source time function f(t_n), n = 0..nt-1 (see {@link WaveConfig} for its units). */
  wavelet: ArrayLike<number>;
  /** Receiver positions (m); every shot has the same number of receivers. */
  receivers: ArrayLike<number>;
}

/**
 * How the gradient gets the forward wavefield it needs: full storage keeps one
 * array of N values per time step for every shot; checkpointing keeps the
 * memory of `snapshots` states (2 arrays of N values and the layers' memory
 * variables each) and recomputes the rest (see checkpointPlan in core).
 */
export type { Storage } from "../core/checkpoint.js";

/**
 * A 1D acoustic problem: grid, time axis, boundaries, shots.
 *
 * Units are SI: positions and dx in metres, dt in seconds, velocity in m/s.
 * The source term follows (1/c^2) u_tt - u_xx = f(t) delta(x - x_s), so that in
 * a homogeneous medium u(x, t) = (c/2) * integral_0^{t - |x - x_s|/c} f.
 */
export interface WaveConfig {
  /** Number of model cells. */
  nx: number;
  /** Cell size (m). */
  dx: number;
  /** Position of cell 0 (m). Default 0. */
  origin?: number;
  /** Time step (s). */
  dt: number;
  /** Number of time samples; data are u(t_n) for t_n = n dt, n = 0..nt-1. */
  nt: number;
  /** Spatial accuracy order. Default 8. */
  order?: SpatialOrder;
  /** Left end. Default "absorbing". */
  left?: BoundaryKind;
  /** Right end. Default "absorbing". */
  right?: BoundaryKind;
  /** Absorbing layer settings; required when an end is absorbing. */
  pml?: PmlOptions;
  /** The shots. */
  shots: Shot[];
  /** Gradient memory strategy. Default full storage. */
  storage?: Storage;
  /**
   * Floating-point format of the wave state, the stored wavefields and the checkpoints. Default
   * "float64". "float32" halves their memory and, natively, doubles the vector lanes: about
   * 1.6-2x faster, with answers accurate to float32 round-off (about 1e-6 relative: dot tests
   * hold to that, not to 1e-12). Inputs, data and gradients stay float64; the velocity gradient
   * is summed in float64.
   *
   * | held per step and shot by | float64 | float32 |
   * |---|---|---|
   * | full storage (one array per time step) | 8 B per working cell | 4 B |
   * | checkpointing (4 arrays per snapshot) | 32 B per working cell | 16 B |
   */
  precision?: Precision;
  /** Receives warnings (e.g. too few points per wavelength), each kind once per simulator. Default: process.emitWarning (console.warn in a browser). */
  warn?: (message: string) => void;
}

/** Interpolation weights of a position onto the working grid (see interpolation.ts). */
export interface PointWeights {
  readonly index: Int32Array;
  readonly weight: Float64Array;
}

/**
 * Every source's and receiver's points without their zero weights (a position on a grid line
 * needs one cell along that axis, not the interpolation's 12), padded to one common width with
 * zero weights on a point's first cell, since the kernels read a fixed number per position.
 * Sums over the points are unchanged bit for bit: a dropped term added zero.
 */
export function packPoints(sources: PointWeights[], receivers: PointWeights[][]): { sources: PointWeights[]; receivers: PointWeights[][] } {
  const kept = (p: PointWeights) => {
    const at = [...p.weight.keys()].filter((j) => p.weight[j] !== 0);
    return at.length === 0 ? [0] : at;
  };
  const width = Math.max(...sources.map((p) => kept(p).length), ...receivers.flat().map((p) => kept(p).length));
  const pack = (p: PointWeights): PointWeights => {
    const at = kept(p), index = new Int32Array(width).fill(p.index[at[0]]), weight = new Float64Array(width);
    at.forEach((j, k) => ((index[k] = p.index[j]), (weight[k] = p.weight[j])));
    return { index, weight };
  };
  return { sources: sources.map(pack), receivers: receivers.map((r) => r.map(pack)) };
}

/** What a validated 1D or 2D problem holds besides its grid: shots, storage, precision, warnings. */
export interface ShotsLayout {
  /** Interpolation weights of the sources and receivers (cell indices of the working grid). */
  readonly sources: PointWeights[];
  readonly receivers: PointWeights[][];
  readonly nreceivers: number;
  readonly wavelets: Float64Array[];
  /** Highest frequency (Hz) carrying 1% of the peak amplitude of any wavelet. */
  readonly fmax: number;
  /** Full storage or checkpointing (an `auto` option resolved for this problem's sizes). */
  readonly storage: ResolvedStorage;
  readonly precision: Precision;
  readonly warn: (message: string) => void;
}

/** A validated configuration with everything the kernels need precomputed. */
export interface Layout extends ShotsLayout {
  readonly nx: number;
  readonly dx: number;
  readonly origin: number;
  readonly dt: number;
  readonly nt: number;
  readonly stencil: Stencil;
  readonly left: BoundaryKind;
  readonly right: BoundaryKind;
  /** Padding cells left/right of the model (PML width or 0). */
  readonly padLeft: number;
  readonly padRight: number;
  /** Length of the working arrays: padded cells plus {@link GHOST} ghost cells each side. */
  readonly size: number;
  /** Index of model cell 0 in the working arrays. */
  readonly first: number;
  /** C-PML recursion coefficients per working cell (a = 0, b = 1 outside the layer). */
  readonly pmlA: Float64Array;
  readonly pmlB: Float64Array;
  /** Working-array index ranges [start, end) of the left and right layers (empty when not absorbing). */
  readonly pmlLeft: readonly [number, number];
  readonly pmlRight: readonly [number, number];
}

/**
 * Ghost cells on each side of the working arrays: the widest stencil's radius,
 * so that one kernel (with zero weights beyond the chosen order) serves every order.
 */
export const GHOST = 4;

const KNOWN_KEYS = new Set(["nx", "dx", "origin", "dt", "nt", "order", "left", "right", "pml", "shots", "storage", "precision", "warn"]);

function boundary(v: unknown, field: string): BoundaryKind {
  if (v === undefined) return "absorbing";
  if (v === "absorbing" || v === "free" || v === "rigid") return v;
  throw new InputError(field, `expected "absorbing", "free" or "rigid", got ${describe(v)}`);
}

/** Validates a configuration and lays out the padded grid. Throws {@link InputError} naming the field. */
export function layout(config: WaveConfig): Layout {
  if (typeof config !== "object" || config === null) throw new InputError("config", `expected an object, got ${describe(config)}`);
  for (const key of Object.keys(config)) {
    if (!KNOWN_KEYS.has(key)) throw new InputError(key, `unknown option (known: ${[...KNOWN_KEYS].join(", ")})`);
  }
  const nx = positiveInteger(config.nx, "nx");
  const dx = positiveNumber(config.dx, "dx");
  const dt = positiveNumber(config.dt, "dt");
  const nt = positiveInteger(config.nt, "nt");
  const origin = config.origin === undefined ? 0 : finiteNumber(config.origin, "origin");
  const order = config.order ?? 8;
  if (order !== 2 && order !== 4 && order !== 6 && order !== 8) throw new InputError("order", `expected 2, 4, 6 or 8, got ${describe(order)}`);
  const st = stencil(order);
  const r = GHOST;
  if (nx < 2 * GHOST + 1) throw new InputError("nx", `needs at least ${2 * GHOST + 1} cells, got ${nx}`);
  const left = boundary(config.left, "left");
  const right = boundary(config.right, "right");

  let width = 0;
  let pmlVelocity = 0;
  let reflection = 1e-4;
  if (left === "absorbing" || right === "absorbing") {
    if (config.pml === undefined) {
      throw new InputError("pml", 'required when an end is "absorbing": give { velocity } (m/s, the largest velocity of the model)');
    }
    width = config.pml.width === undefined ? 20 : positiveInteger(config.pml.width, "pml.width");
    pmlVelocity = positiveNumber(config.pml.velocity, "pml.velocity");
    if (config.pml.reflection !== undefined) {
      reflection = positiveNumber(config.pml.reflection, "pml.reflection");
      if (reflection >= 1) throw new InputError("pml.reflection", `expected a number in (0, 1), got ${reflection}`);
    }
  }
  const padLeft = left === "absorbing" ? width : 0;
  const padRight = right === "absorbing" ? width : 0;
  const cells = nx + padLeft + padRight;
  const size = cells + 2 * r;
  const first = r + padLeft;
  // What a forward run holds, checked before anything of that size is allocated.
  const shotList = Array.isArray(config.shots) ? config.shots : [];
  const traces = shotList.reduce((n, s) => n + (Array.isArray(s?.receivers) ? s.receivers.length : 0), 0);
  checkMemory("nx", waveMemory(size, nt, shotList.length, traces, null, precisionOf(config.precision)), "use fewer cells (nx), time samples (nt) or receivers, or raise the limit (--max-memory, setMemoryLimit)");

  const pmlA = new Float64Array(size);
  const pmlB = new Float64Array(size).fill(1);
  if (width > 0) {
    const layer = cpmlLayer(width, dx, dt, pmlVelocity, reflection);
    const set = (i: number, depthCells: number) => ([pmlA[i], pmlB[i]] = layer(depthCells));
    for (let j = 0; j < padLeft; j++) set(r + j, padLeft - j);
    for (let j = 0; j < padRight; j++) set(first + nx + j, j + 1);
  }

  if (!Array.isArray(config.shots) || config.shots.length === 0) {
    throw new InputError("shots", `expected a non-empty array of shots, got ${describe(config.shots)}`);
  }
  const xmax = origin + (nx - 1) * dx;
  const mirrorSign = (kind: BoundaryKind) => (kind === "free" ? -1 : kind === "rigid" ? 1 : 0);
  const ends = { lo: GHOST, hi: size - GHOST, left: mirrorSign(left), right: mirrorSign(right) };
  const locate = (x: unknown, field: string): PointWeights => {
    const pos = finiteNumber(x, field);
    if (pos < origin || pos > xmax) throw new InputError(field, `position ${pos} m is outside the grid [${origin}, ${xmax}] m`);
    return pointWeights(first + (pos - origin) / dx, ends);
  };
  let nreceivers = -1;
  const sources: PointWeights[] = [];
  const receivers: PointWeights[][] = [];
  const wavelets: Float64Array[] = [];
  config.shots.forEach((shot, s) => {
    const f = `shots[${s}]`;
    if (typeof shot !== "object" || shot === null) throw new InputError(f, `expected a shot object, got ${describe(shot)}`);
    sources.push(locate(shot.source, `${f}.source`));
    const w = shot.wavelet;
    if (w === undefined || typeof w.length !== "number" || w.length !== nt) {
      throw new InputError(`${f}.wavelet`, `expected ${nt} samples (nt), got ${describe(w)}`);
    }
    const wave = Float64Array.from(w);
    const bad = wave.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw new InputError(`${f}.wavelet[${bad}]`, `expected a finite number, got ${wave[bad]}`);
    wavelets.push(wave);
    const recs = shot.receivers;
    if (recs === undefined || typeof recs.length !== "number" || recs.length === 0) {
      throw new InputError(`${f}.receivers`, `expected a non-empty array of positions (m), got ${describe(recs)}`);
    }
    if (nreceivers >= 0 && recs.length !== nreceivers) {
      throw new InputError(`${f}.receivers`, `every shot needs the same number of receivers: shot 0 has ${nreceivers}, this one ${recs.length}`);
    }
    nreceivers = recs.length;
    receivers.push(Array.from(recs, (x, k) => locate(x, `${f}.receivers[${k}]`)));
  });

  const precision = precisionOf(config.precision);
  // auto: full storage if W^n of every step and shot fits the budget, else its states (u^{n-1},
  // u^n and the layers' memory variables) as checkpoints.
  const layerCells = padLeft + padRight, v = bytesPerValue(precision);
  const storage = resolveStorage(storageOf(config.storage), v * sources.length * Math.max(nt - 1, 1) * size, v * (2 * size + 2 * layerCells));
  const fmax = frequencyLimit(wavelets, dt);
  const warn = oncePerKind(config.warn ?? defaultWarn);
  return {
    nx, dx, origin, dt, nt, stencil: st, left, right, padLeft, padRight, size, first,
    pmlA, pmlB,
    pmlLeft: [r, r + padLeft], pmlRight: [first + nx, first + nx + padRight],
    ...packPoints(sources, receivers), nreceivers, wavelets, fmax, storage, precision, warn,
  };
}

/**
 * The C-PML coefficients [a, b] of a layer `width` cells of `spacing` (m) thick at a depth of
 * `depth` cells into it (1 .. width, the outermost deepest): b = exp(-sigma dt), a = b - 1,
 * sigma = sigma_max (depth / width)^2, sigma_max = -3 velocity ln(reflection) / (2 thickness).
 */
export function cpmlLayer(width: number, spacing: number, dt: number, velocity: number, reflection: number): (depth: number) => [number, number] {
  const sigmaMax = (-3 * velocity * Math.log(reflection)) / (2 * width * spacing);
  return (depth) => {
    const b = Math.exp(-sigmaMax * (depth / width) ** 2 * dt);
    return [b - 1, b];
  };
}

/**
 * What a simulator of `size` working cells (model, absorbing layers and ghosts)
 * holds over `nt` time samples for `shots` shots recording `traces` traces in
 * all: the wave state of the forward and adjoint propagators, the data and
 * wavelets, and for gradients (`storage` not null) the stored forward states.
 */
export function waveMemory(size: number, nt: number, shots: number, traces: number, storage: ResolvedStorage | null, precision: Precision = "float64"): MemoryPart[] {
  // Per working cell: 9 forward and 11 adjoint arrays, the two C-PML coefficient arrays and the
  // coefficient (all of the precision), its gradient (float64) and the simulator's float64 copies.
  const v = bytesPerValue(precision);
  const parts: MemoryPart[] = [{ what: "wave state", bytes: (v * 20 + 8 * 4) * size }, { what: "data and wavelets", bytes: 8 * nt * (2 * traces + shots) }];
  if (storage !== null) {
    parts.push(storage.mode === "full"
      ? { what: "stored wavefields for the gradient (full storage)", bytes: v * shots * Math.max(nt - 1, 1) * size }
      : { what: `${storage.snapshots} checkpoints for the gradient`, bytes: v * 4 * size * Math.min(storage.snapshots, Math.max(nt - 1, 1)) });
  }
  return parts;
}

/**
 * Checks a velocity model against the layout: positive and finite values,
 * then {@link checkVelocityRange} on its extremes.
 */
export function checkVelocity(lay: Layout, velocity: Float64Array, field = "velocity"): void {
  if (velocity.length !== lay.nx) throw new InputError(field, `expected ${lay.nx} values (nx), got ${velocity.length}`);
  let vmin = Infinity;
  let vmax = 0;
  for (let i = 0; i < velocity.length; i++) {
    const v = velocity[i];
    if (!Number.isFinite(v) || v <= 0) throw new InputError(`${field}[${i}]`, `expected a positive finite velocity (m/s), got ${v}`);
    if (v < vmin) vmin = v;
    if (v > vmax) vmax = v;
  }
  checkVelocityRange(lay, vmin, vmax);
}

/**
 * Checks a range of velocities against the layout: the CFL limit at `vmax`
 * (an error stating the limit and a dt that satisfies it, named `field`) and
 * the points per shortest wavelength at `vmin` (a warning below 5, see
 * {@link dispersionWarning}).
 */
export function checkVelocityRange(lay: Layout, vmin: number, vmax: number, field = "dt"): void {
  const limit = courantLimit(lay.stencil);
  const courant = (vmax * lay.dt) / lay.dx;
  if (courant > limit) {
    const safeDt = (0.95 * limit * lay.dx) / vmax;
    throw new InputError(
      field,
      `unstable: c_max dt / dx = ${courant.toPrecision(4)} exceeds the CFL limit ${limit.toPrecision(4)} of order ${lay.stencil.order}` +
        ` (c_max = ${vmax} m/s, dx = ${lay.dx} m); use dt <= ${(limit * lay.dx / vmax).toPrecision(4)} s, e.g. ${safeDt.toPrecision(3)} s`,
    );
  }
  const advice = dispersionWarning(lay.stencil.order, lay.dx, vmin, lay.fmax);
  if (advice !== null) lay.warn(advice);
}

/**
 * The dispersion advice for waves of frequencies up to `fmax` (Hz) in
 * velocities down to `vmin` (m/s) on cells of `dx` (m): a warning when the
 * shortest wavelength spans fewer than 5 cells, else null.
 */
export function dispersionWarning(order: number, dx: number, vmin: number, fmax: number): string | null {
  if (!(fmax > 0)) return null;
  const ppw = vmin / (fmax * dx);
  if (ppw >= 5) return null;
  return `dispersion: only ${ppw.toFixed(1)} points per shortest wavelength (c_min = ${vmin.toPrecision(4)} m/s, f_max = ${fmax.toFixed(1)} Hz, dx = ${dx} m);` +
    ` at least 5 are advised for order ${order}: use dx <= ${(vmin / (5 * fmax)).toPrecision(3)} m`;
}

/** Highest frequency (Hz) carrying 1% of the peak amplitude of any of the wavelets (sampled every dt s). */
export function frequencyLimit(wavelets: readonly Float64Array[], dt: number): number {
  let fmax = 0;
  for (const w of uniqueWavelets(wavelets)) fmax = Math.max(fmax, maxFrequency(w, dt));
  return fmax;
}

function uniqueWavelets(ws: readonly Float64Array[]): Float64Array[] {
  const out: Float64Array[] = [];
  for (const w of ws) if (!out.some((o) => o.length === w.length && o.every((v, i) => v === w[i]))) out.push(w);
  return out;
}
