/**
 * The manifest of a run folder (`manifest.json`): what every array is —
 * name, file, shape, units, axes. Types and pure checks, shared by the node
 * writer and reader and by the browser viewer.
 */
/** One axis of an array: what it indexes, and for regular axes its start and step. */
export interface Axis {
  name: string;
  units?: string;
  start?: number;
  step?: number;
  /** Names of the entries of a categorical axis (e.g. the terms of an objective). */
  labels?: string[];
}

import type { RoleTags } from "./roles.js";

/** An array's entry in the manifest: its role says what it is (see {@link ROLES}). */
export interface ArrayEntry extends RoleTags {
  name: string;
  file: string;
  dtype: "<f8";
  shape: number[];
  units: string;
  axes: Axis[];
  description?: string;
  /** For an array of indices (the stage of each iteration, say): what each index names. */
  labels?: string[];
}

/** The manifest of a run folder. */
export interface Manifest {
  format: "gradscape-run";
  version: 1;
  kind: string;
  scene: unknown;
  arrays: ArrayEntry[];
  [extra: string]: unknown;
}

/** What is wrong when a file holds another shape than its manifest entry says, or null. */
export function shapeMismatch(entry: ArrayEntry, shape: readonly number[]): string | null {
  if (shape.length === entry.shape.length && shape.every((n, i) => n === entry.shape[i])) return null;
  return `holds shape [${shape.join(", ")}] but the manifest says [${entry.shape.join(", ")}]`;
}
