/**
 * Configuration of the heat-diffusion simulator (1D and 2D), its validation,
 * and the precomputed layout the steppers run on.
 *
 * Finite volumes on a uniform grid of nx (x ny) cells: cell (i, j) covers
 * [x0 + i dx, x0 + (i+1) dx] x [y0 + j dy, y0 + (j+1) dy], its temperature
 * lives at the centre, and flat index p = j nx + i (x fastest). A 1D problem is
 * the same grid with ny = 1 and no bottom or top side (per unit area, dy = 1).
 */
import { checkMemory, type MemoryPart } from "../core/memory.js";
import { InputError, describe } from "../core/errors.js";
import { resolveStorage, storageOf, type ResolvedStorage, type Storage } from "../core/checkpoint.js";
import { axisWeights } from "./interpolation.js";
import { finiteArray, finiteNumber, positiveInteger, positiveNumber } from "../core/validate.js";

/** Time stepping (the same in 1D and 2D; implicit steps solve exactly, by sparse Cholesky factors). */
export type HeatScheme =
  /** Forward Euler: explicit, first order; dt is checked against its stability limit. */
  | "explicit"
  /** Backward Euler: first order, stable for any dt. */
  | "backward-euler"
  /** Crank-Nicolson: second order, stable for any dt. */
  | "crank-nicolson";

/** Values over time: one number for all t_n, or nt samples (t_n = n dt). */
export type Series = number | ArrayLike<number>;

/** What a side of the domain imposes. Values may vary in time (a {@link Series}). */
export type HeatBoundary =
  /** Fixed temperature T = temperature (K) on the side. */
  | { kind: "dirichlet"; temperature: Series }
  /** Heat flux into the domain (W/m^2); 0 is an insulated side. */
  | { kind: "neumann"; flux: Series }
  /** Convection to a fluid at `temperature` (K): flux in = coefficient (T_fluid - T), coefficient in W/(m^2 K). */
  | { kind: "robin"; coefficient: number; temperature: Series };

/**
 * A heat source with a strength over time. A point source at `position`
 * (1D: x in m; 2D: [x, y]) injects `strength` W/m^2 in 1D (W/m in 2D), spread
 * onto the nearest cell centres by linear interpolation; a distributed source
 * injects `distribution` (W/m^3, one value per cell) times `strength` (a
 * dimensionless multiplier).
 */
export type HeatSource =
  | { position: number | readonly [number, number]; strength: Series }
  | { distribution: ArrayLike<number>; strength: Series };

/** Where the adjoint gets the forward temperatures it needs: every step, or revolve checkpoints. */
export type HeatStorage = Storage;

/**
 * A heat-conduction problem: C dT/dt = div(k grad T) + q. SI units: positions
 * in m, dt in s, conductivity k in W/(m K), volumetric heat capacity C = rho c_p
 * in J/(m^3 K), temperatures in K.
 */
export interface HeatConfig {
  /** Cells along x. */
  nx: number;
  /** Cell size along x (m). */
  dx: number;
  /** Cells along y: give it (with dy) for a 2D problem. */
  ny?: number;
  /** Cell size along y (m), 2D only. */
  dy?: number;
  /** Lower-left corner (m): x0 in 1D, [x0, y0] in 2D. Default 0. */
  origin?: number | readonly [number, number];
  /** Time step (s). */
  dt: number;
  /** Number of time samples t_n = n dt, n = 0..nt-1 (nt - 1 steps). */
  nt: number;
  /** Default "crank-nicolson". */
  scheme?: HeatScheme;
  /** Volumetric heat capacity rho c_p (J/(m^3 K)): one value or one per cell. */
  capacity: number | ArrayLike<number>;
  /** Initial temperature (K): one value or one per cell. Default 0. */
  initial?: number | ArrayLike<number>;
  /** Sides: left/right (x), and bottom/top (y) in 2D. Default insulated. */
  boundaries?: { left?: HeatBoundary; right?: HeatBoundary; bottom?: HeatBoundary; top?: HeatBoundary };
  sources?: HeatSource[];
  /** Sensor positions (1D: x; 2D: [x, y]); data are T there at every t_n, by linear interpolation of cell centres. */
  sensors: ReadonlyArray<number | readonly [number, number]>;
  /** Default full storage. */
  storage?: HeatStorage;
}

/** Names of the sides, in the order of the boundary-value arrays. */
export const SIDES = ["left", "right", "bottom", "top"] as const;
export type Side = (typeof SIDES)[number];

/** A validated side: kind, its Robin coefficient, and its value series. */
export interface SideLayout {
  readonly side: Side;
  readonly kind: "dirichlet" | "neumann" | "robin";
  /** Robin coefficient h (W/(m^2 K)); 0 otherwise. */
  readonly coefficient: number;
  /** The value at every t_n: temperature (dirichlet, robin) or flux (neumann). */
  readonly values: Float64Array;
}

/** Interpolation of a point onto cell centres: cells and weights (summing to 1). */
export interface PointWeights {
  readonly index: Int32Array;
  readonly weight: Float64Array;
}

/** A validated problem with everything the steppers need. */
export interface HeatLayout {
  readonly nx: number;
  readonly ny: number;
  readonly dims: 1 | 2;
  readonly dx: number;
  readonly dy: number;
  readonly origin: readonly [number, number];
  readonly dt: number;
  readonly nt: number;
  readonly scheme: HeatScheme;
  /** Cells: nx * ny. */
  readonly size: number;
  /** Heat capacity of each cell, C dx dy (J/K per unit depth, or per unit area in 1D). */
  readonly mass: Float64Array;
  readonly initial: Float64Array;
  /** The sides present: left, right (and bottom, top in 2D). */
  readonly sides: SideLayout[];
  /** Per source: the heat it injects into each cell per unit strength (W), and its strength series. */
  readonly sources: { pattern: Float64Array; strength: Float64Array }[];
  readonly sensors: PointWeights[];
  /** Full storage or checkpointing (an `auto` option resolved for this problem's sizes). */
  readonly storage: ResolvedStorage;
}

const KNOWN_KEYS = new Set(["nx", "dx", "ny", "dy", "origin", "dt", "nt", "scheme", "capacity", "initial", "boundaries", "sources", "sensors", "storage"]);

function sideOf(b: unknown, side: Side, nt: number): SideLayout {
  const f = `boundaries.${side}`;
  if (b === undefined) return { side, kind: "neumann", coefficient: 0, values: new Float64Array(nt) };
  if (typeof b !== "object" || b === null) throw new InputError(f, `expected a boundary object, got ${describe(b)}`);
  const o = b as Record<string, unknown>;
  const allow = (keys: string[]) => {
    for (const k of Object.keys(o)) if (!keys.includes(k)) throw new InputError(`${f}.${k}`, `unknown option for a ${String(o.kind)} side (known: ${keys.join(", ")})`);
  };
  switch (o.kind) {
    case "dirichlet":
      allow(["kind", "temperature"]);
      return { side, kind: "dirichlet", coefficient: 0, values: finiteArray(o.temperature, nt, `${f}.temperature`) };
    case "neumann":
      allow(["kind", "flux"]);
      return { side, kind: "neumann", coefficient: 0, values: finiteArray(o.flux, nt, `${f}.flux`) };
    case "robin":
      allow(["kind", "coefficient", "temperature"]);
      return { side, kind: "robin", coefficient: positiveNumber(o.coefficient, `${f}.coefficient`), values: finiteArray(o.temperature, nt, `${f}.temperature`) };
    default:
      throw new InputError(`${f}.kind`, `expected "dirichlet", "neumann" or "robin", got ${describe(o.kind)}`);
  }
}

/**
 * What a heat simulator on nx x ny cells holds over `nt` time samples with
 * `sensors` sensors: its fields, the Cholesky factor of the implicit step
 * (tridiagonal in 1D; in 2D the nested-dissection factor with its work
 * arrays, N (16 + 6 log2(min(nx, ny) + 1)) values for N cells, a bound on
 * what the analysis finds from 32 x 32 to 1024 x 1024 and on strips), the
 * data, and for gradients (`storage` not null) the stored temperatures.
 */
export function heatMemory(nx: number, ny: number, nt: number, sensors: number, storage: ResolvedStorage | null): MemoryPart[] {
  const size = nx * ny;
  // Per cell: about 16 fields (capacity, mass, conductivity, faces, temperatures, adjoint and tangent states).
  const parts: MemoryPart[] = [
    { what: "heat state", bytes: 8 * size * 16 },
    ny === 1
      ? { what: "tridiagonal Cholesky factor", bytes: 8 * size * 2 }
      : { what: "sparse Cholesky factor", bytes: 8 * size * (16 + 6 * Math.log2(Math.min(nx, ny) + 1)) },
    { what: "data", bytes: 8 * sensors * nt * 2 },
  ];
  if (storage !== null) {
    parts.push(storage.mode === "full"
      ? { what: "stored temperatures for the gradient (full storage)", bytes: 8 * nt * size }
      : { what: `${storage.snapshots} checkpoints for the gradient`, bytes: 8 * size * Math.min(storage.snapshots, nt - 1) });
  }
  return parts;
}

/** Validates a configuration. Throws {@link InputError} naming the field. */
export function heatLayout(config: HeatConfig): HeatLayout {
  if (typeof config !== "object" || config === null) throw new InputError("config", `expected an object, got ${describe(config)}`);
  for (const key of Object.keys(config)) {
    if (!KNOWN_KEYS.has(key)) throw new InputError(key, `unknown option (known: ${[...KNOWN_KEYS].join(", ")})`);
  }
  const nx = positiveInteger(config.nx, "nx");
  const dx = positiveNumber(config.dx, "dx");
  const dims = config.ny === undefined && config.dy === undefined ? 1 : 2;
  const ny = dims === 2 ? positiveInteger(config.ny, "ny") : 1;
  const dy = dims === 2 ? positiveNumber(config.dy, "dy") : 1;
  const dt = positiveNumber(config.dt, "dt");
  const nt = positiveInteger(config.nt, "nt");
  if (nt < 2) throw new InputError("nt", `expected at least 2 time samples, got ${nt}`);
  const scheme = config.scheme ?? "crank-nicolson";
  if (scheme !== "explicit" && scheme !== "backward-euler" && scheme !== "crank-nicolson") {
    throw new InputError("scheme", `expected "explicit", "backward-euler" or "crank-nicolson", got ${describe(scheme)}`);
  }
  let origin: [number, number] = [0, 0];
  if (config.origin !== undefined) {
    if (dims === 1) origin = [finiteNumber(config.origin, "origin"), 0];
    else {
      const o = config.origin as readonly number[];
      if (!Array.isArray(o) || o.length !== 2) throw new InputError("origin", `expected [x0, y0] (m) in 2D, got ${describe(config.origin)}`);
      origin = [finiteNumber(o[0], "origin[0]"), finiteNumber(o[1], "origin[1]")];
    }
  }
  const size = nx * ny;
  const sensorCount = Array.isArray(config.sensors) ? config.sensors.length : 0;
  checkMemory(dims === 2 ? "nx, ny" : "nx", heatMemory(nx, ny, nt, sensorCount, null), "use fewer cells or time samples, or raise the limit (--max-memory, setMemoryLimit)");
  const capacity = finiteArray(config.capacity, size, "capacity", (v) => v > 0, "positive finite heat capacity (J/(m^3 K))");
  const mass = capacity.map((c) => c * dx * dy);
  const initial = config.initial === undefined ? new Float64Array(size) : finiteArray(config.initial, size, "initial");

  const b = config.boundaries ?? {};
  if (typeof b !== "object" || b === null) throw new InputError("boundaries", `expected an object, got ${describe(b)}`);
  for (const k of Object.keys(b)) {
    if (!(SIDES as readonly string[]).includes(k)) throw new InputError(`boundaries.${k}`, "unknown side (known: left, right, bottom, top)");
    if (dims === 1 && (k === "bottom" || k === "top")) throw new InputError(`boundaries.${k}`, "a 1D problem has only left and right sides");
  }
  const sides = SIDES.slice(0, 2 * dims).map((s) => sideOf(b[s], s, nt));

  const [x0, y0] = origin;
  const locate = (pos: unknown, f: string): PointWeights => {
    let x: number, y = y0 + dy / 2;
    if (dims === 1) x = finiteNumber(pos, f);
    else {
      if (!Array.isArray(pos) || pos.length !== 2) throw new InputError(f, `expected [x, y] (m), got ${describe(pos)}`);
      x = finiteNumber(pos[0], `${f}[0]`);
      y = finiteNumber(pos[1], `${f}[1]`);
    }
    if (x < x0 || x > x0 + nx * dx) throw new InputError(f, `x = ${x} m is outside the domain [${x0}, ${x0 + nx * dx}] m`);
    if (y < y0 || y > y0 + ny * dy) throw new InputError(f, `y = ${y} m is outside the domain [${y0}, ${y0 + ny * dy}] m`);
    const { i0, i1, f: fx } = axisWeights((x - x0) / dx, nx);
    const { i0: j0, i1: j1, f: fy } = axisWeights((y - y0) / dy, ny);
    return {
      index: Int32Array.of(j0 * nx + i0, j0 * nx + i1, j1 * nx + i0, j1 * nx + i1),
      weight: Float64Array.of((1 - fx) * (1 - fy), fx * (1 - fy), (1 - fx) * fy, fx * fy),
    };
  };

  const sources = (config.sources ?? []).map((src, s) => {
    const f = `sources[${s}]`;
    if (typeof src !== "object" || src === null) throw new InputError(f, `expected a source object, got ${describe(src)}`);
    const strength = finiteArray(src.strength, nt, `${f}.strength`);
    const pattern = new Float64Array(size);
    if ("position" in src) {
      const w = locate(src.position, `${f}.position`);
      for (let k = 0; k < 4; k++) pattern[w.index[k]] += w.weight[k];
    } else if ("distribution" in src) {
      const q = finiteArray(src.distribution, size, `${f}.distribution`);
      for (let p = 0; p < size; p++) pattern[p] = q[p] * dx * dy;
    } else throw new InputError(f, "expected a point source { position, strength } or a distributed one { distribution, strength }");
    return { pattern, strength };
  });

  if (!Array.isArray(config.sensors) || config.sensors.length === 0) {
    throw new InputError("sensors", `expected a non-empty array of positions, got ${describe(config.sensors)}`);
  }
  const sensors = config.sensors.map((pos, k) => locate(pos, `sensors[${k}]`));

  // auto: full storage if T at every step fits the budget, else T's as checkpoints.
  const storage = resolveStorage(storageOf(config.storage), 8 * nt * size, 8 * size);
  return { nx, ny, dims, dx, dy, origin, dt, nt, scheme, size, mass, initial, sides, sources, sensors, storage };
}
