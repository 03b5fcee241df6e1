/**
 * The 2D acoustic problem: its configuration, checked, and the layout the 2D kernels work on.
 *
 * Grid: model cell (ix, iz) at (origin.x + ix dx, origin.z + iz dz), x horizontal, z depth; the
 * working grid adds C-PML layers on every absorbing side and GHOST ghost cells around, stored
 * row by row (x fastest). The equation is (1/c^2) u_tt - (u_xx + u_zz) = f(t) delta(x - x_s),
 * so that in a homogeneous medium u = G * f with the Green's function
 * G(r, t) = H(t - r/c) / (2 pi sqrt(t^2 - r^2/c^2)). A free surface (pressure release, u = 0)
 * lies half a row above the first model row, z = origin.z - dz/2.
 */
import { resolveStorage, storageOf, type Storage } from "../core/checkpoint.js";
import { InputError, describe } from "../core/errors.js";
import { defaultWarn, oncePerKind } from "../core/warn.js";
import { checkMemory, type MemoryPart } from "../core/memory.js";
import { finiteNumber, positiveInteger, positiveNumber } from "../core/validate.js";
import { GHOST, cpmlLayer, dispersionWarning, frequencyLimit, packPoints, type PointWeights, type ShotsLayout } from "./config.js";
import { pointWeights, type Ends } from "./interpolation.js";
import { bytesPerValue, precisionOf, type Precision } from "./precision.js";
import { courantLimit, stencil, type SpatialOrder, type Stencil } from "./stencil.js";

/** A point of the 2D grid (m). */
export interface Point2D {
  x: number;
  z: number;
}

/** One shot of a 2D problem. */
export interface Shot2D {
  source: Point2D;
  /** Source time function f(t_n), n = 0..nt-1. */
  wavelet: ArrayLike<number>;
  /** Receiver positions; every shot has the same number. */
  receivers: readonly Point2D[];
}

/** A 2D acoustic problem (SI units: m, s, m/s). */
export interface Wave2DConfig {
  /** Model cells along x (horizontal) and z (depth), and their sizes (m). */
  nx: number;
  nz: number;
  dx: number;
  dz: number;
  /** Position of model cell (0, 0). Default (0, 0). */
  origin?: Point2D;
  dt: number;
  nt: number;
  /** Spatial order of accuracy: 2, 4, 6 or 8 (default 8). */
  order?: SpatialOrder;
  /** The top: `"free"` (a free surface) or `"absorbing"` (default). The other sides absorb. */
  top?: "free" | "absorbing";
  /** C-PML layers: width in cells (default 20), the largest velocity (m/s), target reflection (default 1e-4). */
  pml: { width?: number; velocity: number; reflection?: number };
  shots: readonly Shot2D[];
  /**
   * How the gradient gets the forward's W^n: full storage (default, every step of every shot),
   * checkpointing with the memory of `snapshots` states (u^{n-1}, u^n and the four C-PML memory
   * arrays on their layers: see stateValues2D), or `auto` (full storage when it fits the budget, else checkpointing).
   */
  storage?: Storage;
  precision?: Precision;
  /**
   * Threads each shot's steps are split over (rows of the grid; 1 to 16, default 1). The native
   * backend only (the WebAssembly one runs a shot on one thread); the results are the same bits
   * whatever the count. Pays on large grids when the cores are not already busy with other shots
   * (see the README's Speed section); a grid too short between its PML layers runs on fewer.
   */
  threads?: number;
  /** Receives warnings (dispersion), each kind once per simulator; default console.warn. */
  warn?: (message: string) => void;
}

/** The validated 2D problem with everything the kernels need (points indexed row * sx + column). */
export interface Layout2D extends ShotsLayout {
  readonly nx: number;
  readonly nz: number;
  readonly dx: number;
  readonly dz: number;
  readonly origin: Point2D;
  readonly dt: number;
  readonly nt: number;
  readonly stencil: Stencil;
  readonly top: "free" | "absorbing";
  /** Working columns and rows (layers and ghosts included); model cell (0, 0) at column firstX, row firstZ. */
  readonly sx: number;
  readonly sz: number;
  readonly firstX: number;
  readonly firstZ: number;
  /** C-PML a and b per working column (x) and per working row (z). */
  readonly ax: Float64Array;
  readonly bx: Float64Array;
  readonly az: Float64Array;
  readonly bz: Float64Array;
  /** Layers: columns [GHOST, xl) and [xr, sx - GHOST), rows [GHOST, zt) and [zb, sz - GHOST). */
  readonly xl: number;
  readonly xr: number;
  readonly zt: number;
  readonly zb: number;
  /** Threads per shot (native backend). */
  readonly threads: number;
}

const KNOWN_KEYS = new Set(["nx", "nz", "dx", "dz", "origin", "dt", "nt", "order", "top", "pml", "shots", "storage", "precision", "threads", "warn"]);

/** The working grid's sizes and layers (as {@link Layout2D} holds them). */
type LayersOf2D = Pick<Layout2D, "sx" | "sz" | "xl" | "xr" | "zt" | "zb">;

/** The working grid of `nx` x `nz` model cells with C-PML layers `width` cells wide (none on a free top) and the ghosts: its size and layers. */
export function workingGrid2D(nx: number, nz: number, width: number, top: "free" | "absorbing"): LayersOf2D {
  const padTop = top === "free" ? 0 : width;
  const sx = nx + 2 * width + 2 * GHOST, sz = nz + padTop + width + 2 * GHOST;
  return { sx, sz, xl: GHOST + width, xr: sx - GHOST - width, zt: GHOST + padTop, zb: sz - GHOST - width };
}

/**
 * Where a 2D forward state's C-PML memory arrays can be nonzero, as [start, end) cell spans:
 * `x` (psix, zetax) the x layers' columns of every working row, `z` (psiz, zetaz) the z layers'
 * whole rows (ghost columns included, so each layer is one span). Elsewhere a and b are 0 and 1,
 * so the recursions keep them zero.
 */
export function layerSpans2D(g: LayersOf2D): { x: [number, number][]; z: [number, number][] } {
  const x: [number, number][] = [], z: [number, number][] = [];
  for (let r = GHOST; r < g.sz - GHOST; r++) {
    if (g.xl > GHOST) x.push([r * g.sx + GHOST, r * g.sx + g.xl]);
    if (g.xr < g.sx - GHOST) x.push([r * g.sx + g.xr, r * g.sx + g.sx - GHOST]);
  }
  if (g.zt > GHOST) z.push([GHOST * g.sx, g.zt * g.sx]);
  if (g.zb < g.sz - GHOST) z.push([g.zb * g.sx, (g.sz - GHOST) * g.sx]);
  return { x, z };
}

/**
 * Values of a saved 2D forward state (a checkpoint): u^{n-1} and u^n whole, psix and zetax on
 * the x layers, psiz and zetaz on the z layers ({@link layerSpans2D}): about two arrays plus the
 * layers, instead of six arrays.
 */
export function stateValues2D(g: LayersOf2D): number {
  const { x, z } = layerSpans2D(g), sum = (spans: [number, number][]) => spans.reduce((n, [a, b]) => n + b - a, 0);
  return 2 * g.sx * g.sz + 2 * sum(x) + 2 * sum(z);
}

/** What a 2D forward run holds (bytes): the state, the data. */
export function wave2DMemory(cells: number, nt: number, traces: number, precision: Precision): MemoryPart[] {
  return [
    { what: "2D wave state (forward and adjoint)", bytes: (bytesPerValue(precision) * 19 + 8) * cells },
    { what: "data and wavelets", bytes: 8 * nt * 2 * traces },
  ];
}

/** Validates a 2D problem. @throws {InputError} naming the offending field. */
export function layout2D(config: Wave2DConfig): Layout2D {
  if (typeof config !== "object" || config === null) throw new InputError("config", `expected an object, got ${describe(config)}`);
  for (const key of Object.keys(config)) if (!KNOWN_KEYS.has(key)) throw new InputError(key, `unknown option (expected one of ${[...KNOWN_KEYS].join(", ")})`);
  const nx = positiveInteger(config.nx, "nx"), nz = positiveInteger(config.nz, "nz");
  const dx = positiveNumber(config.dx, "dx"), dz = positiveNumber(config.dz, "dz");
  const dt = positiveNumber(config.dt, "dt"), nt = positiveInteger(config.nt, "nt");
  const origin = config.origin === undefined ? { x: 0, z: 0 } : { x: finiteNumber(config.origin.x, "origin.x"), z: finiteNumber(config.origin.z, "origin.z") };
  const order = config.order ?? 8;
  if (order !== 2 && order !== 4 && order !== 6 && order !== 8) throw new InputError("order", `expected 2, 4, 6 or 8, got ${describe(order)}`);
  const top = config.top ?? "absorbing";
  if (top !== "free" && top !== "absorbing") throw new InputError("top", `expected "free" or "absorbing", got ${describe(top)}`);
  if (nx < 2) throw new InputError("nx", `needs at least 2 cells, got ${nx}`);
  if (nz < 2) throw new InputError("nz", `needs at least 2 cells, got ${nz}`);
  if (typeof config.pml !== "object" || config.pml === null) throw new InputError("pml", "required: give { velocity } (m/s, the largest velocity of the model)");
  const width = config.pml.width === undefined ? 20 : positiveInteger(config.pml.width, "pml.width");
  const pmlVelocity = positiveNumber(config.pml.velocity, "pml.velocity");
  const reflection = config.pml.reflection === undefined ? 1e-4 : positiveNumber(config.pml.reflection, "pml.reflection");
  if (reflection >= 1) throw new InputError("pml.reflection", `expected a number in (0, 1), got ${reflection}`);
  const precision = precisionOf(config.precision);
  const threads = config.threads === undefined ? 1 : positiveInteger(config.threads, "threads");
  if (threads > 16) throw new InputError("threads", `expected 1 to 16 threads per shot, got ${threads}`);

  const padTop = top === "free" ? 0 : width;
  const layers = workingGrid2D(nx, nz, width, top), { sx, sz } = layers;
  const firstX = GHOST + width, firstZ = GHOST + padTop;
  const shotList = Array.isArray(config.shots) ? config.shots : [];
  const traces = shotList.reduce((n, s) => n + (Array.isArray(s?.receivers) ? s.receivers.length : 0), 0);
  checkMemory("nx", wave2DMemory(sx * sz, nt, traces, precision), "use fewer cells (nx, nz), time samples (nt) or receivers, or raise the limit (--max-memory, setMemoryLimit)");

  const axis = (n: number, spacing: number, padStart: number, padEnd: number) => {
    const a = new Float64Array(n), b = new Float64Array(n).fill(1);
    const layer = cpmlLayer(width, spacing, dt, pmlVelocity, reflection);
    for (let j = 0; j < padStart; j++) [a[GHOST + j], b[GHOST + j]] = layer(padStart - j);
    for (let j = 0; j < padEnd; j++) [a[n - GHOST - padEnd + j], b[n - GHOST - padEnd + j]] = layer(j + 1);
    return [a, b];
  };
  const [ax, bx] = axis(sx, dx, width, width), [az, bz] = axis(sz, dz, padTop, width);

  if (!Array.isArray(config.shots) || config.shots.length === 0) throw new InputError("shots", `expected a non-empty array of shots, got ${describe(config.shots)}`);
  const xEnds: Ends = { lo: GHOST, hi: sx - GHOST, left: 0, right: 0 };
  const zEnds: Ends = { lo: GHOST, hi: sz - GHOST, left: top === "free" ? -1 : 0, right: 0 };
  const xmax = origin.x + (nx - 1) * dx, zmax = origin.z + (nz - 1) * dz;
  const locate = (p: unknown, field: string): PointWeights => {
    if (typeof p !== "object" || p === null) throw new InputError(field, `expected a point { x, z } (m), got ${describe(p)}`);
    const x = finiteNumber((p as Point2D).x, `${field}.x`), z = finiteNumber((p as Point2D).z, `${field}.z`);
    if (x < origin.x || x > xmax) throw new InputError(`${field}.x`, `position ${x} m is outside the grid [${origin.x}, ${xmax}] m`);
    if (z < origin.z || z > zmax) throw new InputError(`${field}.z`, `position ${z} m is outside the grid [${origin.z}, ${zmax}] m`);
    // The tensor product of the weights along each axis.
    const wx = pointWeights(firstX + (x - origin.x) / dx, xEnds), wz = pointWeights(firstZ + (z - origin.z) / dz, zEnds);
    const n = wx.index.length * wz.index.length, index = new Int32Array(n), weight = new Float64Array(n);
    let k = 0;
    for (let a = 0; a < wz.index.length; a++) {
      for (let b = 0; b < wx.index.length; b++, k++) {
        index[k] = wz.index[a] * sx + wx.index[b];
        weight[k] = wz.weight[a] * wx.weight[b];
      }
    }
    return { index, weight };
  };
  let nreceivers = -1;
  const sources: PointWeights[] = [], receivers: PointWeights[][] = [], wavelets: Float64Array[] = [];
  config.shots.forEach((shot, s) => {
    const f = `shots[${s}]`;
    if (typeof shot !== "object" || shot === null) throw new InputError(f, `expected a shot object, got ${describe(shot)}`);
    sources.push(locate(shot.source, `${f}.source`));
    const w = shot.wavelet;
    if (w === undefined || typeof w.length !== "number" || w.length !== nt) throw new InputError(`${f}.wavelet`, `expected ${nt} samples (nt), got ${describe(w)}`);
    const wave = Float64Array.from(w);
    const bad = wave.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw new InputError(`${f}.wavelet[${bad}]`, `expected a finite number, got ${wave[bad]}`);
    wavelets.push(wave);
    const recs = shot.receivers;
    if (!Array.isArray(recs) || recs.length === 0) throw new InputError(`${f}.receivers`, `expected a non-empty array of points { x, z } (m), got ${describe(recs)}`);
    if (nreceivers >= 0 && recs.length !== nreceivers) throw new InputError(`${f}.receivers`, `every shot needs the same number of receivers: shot 0 has ${nreceivers}, this one ${recs.length}`);
    nreceivers = recs.length;
    receivers.push(recs.map((p, k) => locate(p, `${f}.receivers[${k}]`)));
  });
  // auto: full storage if W^n of every step and shot fits the budget, else forward states (u^{n-1},
  // u^n and the four C-PML memory arrays on their layers: what a 2D step needs to restart) as checkpoints.
  const v = bytesPerValue(precision), cells = sx * sz;
  const storage = resolveStorage(storageOf(config.storage), v * sources.length * Math.max(nt - 1, 1) * cells, v * stateValues2D(layers));
  return {
    nx, nz, dx, dz, origin, dt, nt, stencil: stencil(order), top, firstX, firstZ, ax, bx, az, bz, ...layers,
    ...packPoints(sources, receivers), nreceivers, wavelets, fmax: frequencyLimit(wavelets, dt), storage, precision, threads, warn: oncePerKind(config.warn ?? defaultWarn),
  };
}

/**
 * Checks a velocity model [nz, nx] against the layout: positive and finite, and within the 2D
 * leapfrog limit c_max dt sqrt(1/dx^2 + 1/dz^2) <= the stencil's 1D Courant limit; warns (once
 * per layout) when the slowest velocity has fewer than 5 points per shortest wavelength.
 */
export function checkVelocity2D(lay: Layout2D, velocity: Float64Array, field = "velocity"): void {
  let vmin = Infinity, vmax = 0;
  for (let i = 0; i < velocity.length; i++) {
    const v = velocity[i];
    if (!Number.isFinite(v) || v <= 0) throw new InputError(`${field}[${Math.floor(i / lay.nx)}][${i % lay.nx}]`, `expected a positive finite velocity (m/s), got ${v}`);
    vmin = Math.min(vmin, v);
    vmax = Math.max(vmax, v);
  }
  checkVelocityRange2D(lay, vmin, vmax);
}

/**
 * Checks velocities from `vmin` to `vmax` (m/s) against the 2D leapfrog limit (an {@link InputError}
 * naming `field`) and for dispersion (a warning).
 */
export function checkVelocityRange2D(lay: Layout2D, vmin: number, vmax: number, field = "dt"): void {
  const limit = courantLimit(lay.stencil);
  const courant = vmax * lay.dt * Math.sqrt(1 / lay.dx ** 2 + 1 / lay.dz ** 2);
  if (courant > limit) {
    const safe = (0.95 * limit) / (vmax * Math.sqrt(1 / lay.dx ** 2 + 1 / lay.dz ** 2));
    throw new InputError(field, `unstable: c_max dt sqrt(1/dx^2 + 1/dz^2) = ${courant.toFixed(4)} exceeds the limit ${limit.toFixed(4)} of order ${lay.stencil.order} (c_max = ${vmax} m/s); use dt <= ${safe.toExponential(3)} s`);
  }
  const warning = dispersionWarning(lay.stencil.order, Math.max(lay.dx, lay.dz), vmin, lay.fmax);
  if (warning !== null) lay.warn(warning);
}
