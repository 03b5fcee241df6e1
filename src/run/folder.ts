/**
 * Run folders: a `manifest.json` describing every array (name, file, shape,
 * units, axes) plus one .npy file per array. Every file is written to a
 * temporary name and renamed into place, so a killed run never leaves a
 * half-written file; the manifest is written last.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Field } from "../core/contract.js";
import type { ArrayEntry, Axis, Manifest } from "./manifest.js";
import { decodeNpy, fieldToNpy } from "./npy.js";

export type { ArrayEntry, Axis, Manifest } from "./manifest.js";

/** Writes `bytes` to `path` atomically (temporary file in the same folder, then rename). */
export function writeAtomic(path: string, bytes: Uint8Array | string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, bytes);
  renameSync(tmp, path);
}

/** Writes arrays into a run folder and keeps the manifest entries. */
export class RunWriter {
  readonly dir: string;
  private readonly entries: ArrayEntry[] = [];

  constructor(dir: string) {
    this.dir = dir;
    mkdirSync(dir, { recursive: true });
  }

  /** Writes one array as `<name>.npy` (replacing an earlier one of that name) and records it for the manifest. */
  array(name: string, a: Field, meta: { units: string; axes: Axis[]; description?: string }): void {
    if (meta.axes.length !== a.shape.length) throw new RangeError(`RunWriter.array(${name}): ${meta.axes.length} axes for ${a.shape.length} dimensions`);
    const file = `${name}.npy`;
    writeAtomic(join(this.dir, file), fieldToNpy(a));
    const entry: ArrayEntry = { name, file, dtype: "<f8", shape: [...a.shape], ...meta };
    const k = this.entries.findIndex((e) => e.name === name);
    if (k >= 0) this.entries[k] = entry;
    else this.entries.push(entry);
  }

  /** Writes the manifest atomically; call it again to describe a folder that has grown (a running inversion). */
  finish(kind: string, scene: unknown, extra: Record<string, unknown> = {}): Manifest {
    const manifest: Manifest = { format: "gradscape-run", version: 1, kind, scene, arrays: this.entries, ...extra };
    writeAtomic(join(this.dir, "manifest.json"), JSON.stringify(manifest, null, 2) + "\n");
    return manifest;
  }
}

/** Reads a run folder: its manifest and a loader for each array. */
export function readRun(dir: string): { manifest: Manifest; load(name: string): Field } {
  const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as Manifest;
  return {
    manifest,
    load(name: string): Field {
      const entry = manifest.arrays.find((e) => e.name === name);
      if (entry === undefined) throw new Error(`readRun: no array named ${JSON.stringify(name)} in ${dir} (has: ${manifest.arrays.map((e) => e.name).join(", ")})`);
      return decodeNpy(readFileSync(join(dir, entry.file)));
    },
  };
}
