/**
 * What a design builds from its sensor-design scene, and all the design
 * runner (sensor-design.ts) needs: the criterion as an objective to minimize
 * (its negative), the box the sensors stay in, the starting layout, the
 * arrays describing the setting, and what to compute and report once the
 * design is found.
 */
import type { Objective } from "../inversion/types.js";
import type { OutputArray } from "./inversion-problem.js";
import type { Progress } from "./progress.js";

/** What a finished design adds: arrays, result fields for the manifest, and report lines. */
export interface DesignFinish {
  arrays: OutputArray[];
  result: Record<string, number | number[] | string>;
  /** Lines for the command line (each ending in a newline). */
  report: string;
}

/** A design problem of a scene. */
export interface SensorDesignProblem {
  /** The criterion maximized, for labels ("detection likelihood"). */
  criterion: string;
  /** -criterion, with its gradient: what the engine minimizes. */
  objective: Objective;
  sensors: number;
  /** Coordinates per sensor: 1 (along a rod) or 2 (on a plane). */
  dims: number;
  /** The starting layout, [sensor, coordinate] flat. */
  start: Float64Array;
  /** The box, per coordinate of the flat layout. */
  lower: Float64Array;
  upper: Float64Array;
  /** Arrays written before the first iteration (the candidate sources, say). */
  inputs: OutputArray[];
  finish(design: Float64Array, progress: Progress): DesignFinish;
}

/** The box [min, max] of each coordinate repeated for every sensor. */
export function boxOf(ranges: readonly (readonly [number, number])[], sensors: number): { lower: Float64Array; upper: Float64Array } {
  const d = ranges.length;
  return {
    lower: Float64Array.from({ length: sensors * d }, (_, i) => ranges[i % d][0]),
    upper: Float64Array.from({ length: sensors * d }, (_, i) => ranges[i % d][1]),
  };
}
