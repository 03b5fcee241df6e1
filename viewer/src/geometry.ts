/**
 * A run's acquisition geometry (role "geometry": sources, receivers, sensors;
 * the last axis holds two coordinates, x then z or x then y) as markers over
 * its 2D images. Arrays indexed by shot first are per shot: sources [shot, 2]
 * (every shot's marked, the selected one highlighted), receivers [shot,
 * receiver, 2] (the selected shot's); anything else is fixed (heat sensors).
 */
import type { Markers } from "./image.js";
import type { ArrayEntry, Run } from "./run.js";

/** The geometry arrays that hold 2D points: a last axis of two, named for both ("x, z"; a 1D run's [shot, receiver] can end in 2 too). */
export function geometry2D(run: Run): ArrayEntry[] {
  return run.withRole("geometry").filter((e) => e.shape.length >= 2 && e.shape[e.shape.length - 1] === 2 && (e.axes[e.axes.length - 1]?.name ?? "").includes(","));
}

/** The points of rows [from, to) of a [..., 2] array, split into x and y. */
function points(data: Float64Array, from: number, to: number): { x: Float64Array; y: Float64Array } {
  const x = new Float64Array(to - from), y = new Float64Array(to - from);
  for (let i = from; i < to; i++) {
    x[i - from] = data[2 * i];
    y[i - from] = data[2 * i + 1];
  }
  return { x, y };
}

/** Markers for the selected shot: receivers and sensors first, sources drawn over them. */
export async function geometryMarkers(run: Run, shot: number): Promise<Markers[]> {
  const under: Markers[] = [], over: Markers[] = [];
  for (const entry of geometry2D(run)) {
    const { data, shape } = await run.load(entry.name);
    const perShot = entry.axes[0]?.name === "shot" && shape.length >= 2;
    const s = Math.min(shot, shape[0] - 1);
    if (perShot && shape.length === 2) {
      over.push({ ...points(data, 0, shape[0]), shape: "star", size: 5, fill: "#ffd166" });
      if (s >= 0) over.push({ ...points(data, s, s + 1), shape: "star", size: 8, fill: "#ff4d4d" });
    } else if (perShot && shape.length === 3) {
      if (s >= 0) under.push({ ...points(data, s * shape[1], (s + 1) * shape[1]), shape: "triangle", size: 3, fill: "#f0f0f0" });
    } else {
      under.push({ ...points(data, 0, data.length / 2), shape: "dot", size: 3, fill: "#ff6b6b" });
    }
  }
  return [...under, ...over];
}

/** What the markers are, for a note under a panel's title ("" when the run has no 2D geometry). */
export function geometryLegend(run: Run, shot: number): string {
  const parts: string[] = [];
  for (const entry of geometry2D(run)) {
    const perShot = entry.axes[0]?.name === "shot";
    if (perShot && entry.shape.length === 2) parts.push(`★ sources (shot ${shot + 1} red)`);
    else if (perShot && entry.shape.length === 3) parts.push(`▼ receivers of shot ${shot + 1}`);
    else parts.push(`● ${entry.name}`);
  }
  return parts.join(", ");
}

/**
 * The receivers as a gather's horizontal axis: when every shot has the same receivers, evenly spaced
 * along x (a surface line) or along z (a well), that coordinate ("receiver x (m)"); null otherwise,
 * and the gather keeps the receiver's index.
 */
export async function receiverLine(run: Run): Promise<{ from: number; to: number; label: string } | null> {
  const entry = geometry2D(run).find((e) => e.shape.length === 3 && e.axes[0]?.name === "shot");
  if (entry === undefined || entry.shape[1] < 2) return null;
  const { data, shape } = await run.load(entry.name);
  const [shots, n] = shape;
  for (let i = 2 * n; i < 2 * n * shots; i++) if (data[i] !== data[i % (2 * n)]) return null;
  const names = (entry.axes[2]?.name ?? "x, y").split(",").map((s) => s.trim());
  const span = (c: number) => Math.abs(data[2 * (n - 1) + c] - data[c]);
  const along = span(0) >= span(1) ? 0 : 1;
  const step = (data[2 * (n - 1) + along] - data[along]) / (n - 1);
  const tolerance = 1e-6 * Math.max(span(0), span(1));
  for (let r = 0; r < n; r++) {
    if (Math.abs(data[2 * r + 1 - along] - data[1 - along]) > tolerance) return null;
    if (Math.abs(data[2 * r + along] - (data[along] + r * step)) > tolerance) return null;
  }
  // Column 0 is drawn at the left: a line listed right to left keeps the index.
  if (!(step > 0)) return null;
  return { from: data[along], to: data[2 * (n - 1) + along], label: `receiver ${names[along] ?? "position"} (${entry.units})` };
}
