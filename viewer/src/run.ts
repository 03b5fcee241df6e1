/**
 * A run folder as the page sees it: the manifest, and the arrays fetched on
 * demand (over HTTP from the viewer server) and cached until the manifest
 * says they changed (a live run rewrites its growing arrays every iteration).
 */
import { shapeMismatch, type ArrayEntry, type Axis, type Manifest as RunManifest } from "../../src/run/manifest.js";
import type { Role } from "../../src/run/roles.js";

import { decodeNpy } from "../../src/run/npy.js";

export type { ArrayEntry, Axis, Role };

/** A request that has not finished in this time is abandoned (and retried on the next update). */
const FETCH_TIMEOUT_MS = 15_000;

/** The manifest with the fields the viewer reads (runs write them; older folders may lack them). */
export type Manifest = RunManifest & {
  scene: Record<string, any>;
  status?: string;
  iterations?: number;
  result?: Record<string, any>;
};

/** A float64 array with its manifest entry. */
export interface Loaded {
  entry: ArrayEntry;
  data: Float64Array;
  shape: number[];
}

export class Run {
  manifest: Manifest;
  private cache = new Map<string, { key: string; value: Promise<Loaded> }>();

  constructor(manifest: Manifest) {
    this.manifest = manifest;
  }

  static async open(base = "run/"): Promise<Run> {
    return new Run(await fetchManifest(base));
  }

  entry(name: string): ArrayEntry | undefined {
    return this.manifest.arrays.find((a) => a.name === name);
  }

  /** The entries of the arrays of a role (see ROLES in src/run/roles.ts), in manifest order. */
  withRole(role: Role): ArrayEntry[] {
    return this.manifest.arrays.filter((a) => a.role === role);
  }

  /** The first array of a role, if any: panels choose arrays by role, never by name. */
  role(role: Role): ArrayEntry | undefined {
    return this.manifest.arrays.find((a) => a.role === role);
  }

  /** Fetches the first array of a role (rejects when there is none). */
  loadRole(role: Role): Promise<Loaded> {
    const entry = this.role(role);
    if (entry === undefined) return Promise.reject(new Error(`the run folder has no ${role} array`));
    return this.load(entry.name);
  }

  /**
   * Fetches an array, cached while its shape and the run's status stay the same: a running
   * inversion or search rewrites only arrays that grow (models, history, accepted minima),
   * and everything else is written once, so the data are not fetched again every iteration.
   */
  load(name: string): Promise<Loaded> {
    const entry = this.entry(name);
    if (entry === undefined) return Promise.reject(new Error(`the run folder has no array ${name}`));
    const key = `${entry.file}:${entry.shape.join("x")}:${this.manifest.status ?? ""}`;
    const hit = this.cache.get(name);
    if (hit !== undefined && hit.key === key) return hit.value;
    const value = fetch(`run/${encodeURIComponent(entry.file)}`, { cache: "no-store", signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) })
      .then((r) => {
        if (!r.ok) throw new Error(`${entry.file}: HTTP ${r.status}`);
        return r.arrayBuffer();
      })
      .then((b) => {
        // A damaged file is named with what is wrong with it (truncated, not a .npy file, another shape).
        let f: ReturnType<typeof decodeNpy>;
        try {
          f = decodeNpy(new Uint8Array(b));
        } catch (e) {
          throw new Error(`${entry.file}: ${(e as Error).message}`);
        }
        const mismatch = shapeMismatch(entry, f.shape);
        if (mismatch !== null) throw new Error(`${entry.file}: ${mismatch}`);
        return { entry, data: f.data as Float64Array, shape: f.shape.slice() };
      });
    this.cache.set(name, { key, value });
    // A failed fetch is not remembered: the next update asks again.
    value.catch(() => {
      if (this.cache.get(name)?.value === value) this.cache.delete(name);
    });
    return value;
  }

  /** Number of iterations (inversions, designs), accepted minima (basin hopping) or conformers the timeline steps through. */
  get frames(): number {
    const models = this.role("models") ?? this.role("accepted-positions") ?? this.role("designs") ?? this.role("conformer-positions");
    return models === undefined ? 1 : models.shape[0];
  }
}

export async function fetchManifest(base = "run/"): Promise<Manifest> {
  const r = await fetch(`${base}manifest.json`, { cache: "no-store", signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
  if (!r.ok) throw new Error(`manifest.json: HTTP ${r.status}`);
  return (await r.json()) as Manifest;
}

/** The physical coordinate of index i on an axis (its index when the axis has no start/step). */
export function axisValues(axis: Axis | undefined, n: number): Float64Array {
  const start = axis?.start ?? 0, step = axis?.step ?? 1;
  return Float64Array.from({ length: n }, (_, i) => start + i * step);
}

/** "name (units)" for an axis label. */
export function axisLabel(axis: Axis | undefined, fallback: string): string {
  if (axis === undefined) return fallback;
  return axis.units === undefined ? axis.name : `${axis.name} (${axis.units})`;
}

/** Whether an axis is depth (named "z"): drawn growing downwards, where "y" grows upwards. */
export function isDepth(axis: Axis | undefined): boolean {
  return axis?.name === "z";
}
