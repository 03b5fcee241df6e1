/** Procedural fields and time series of heat scenes, sampled on the grid and the time axis. */
import type { z } from "zod";
import { InputError } from "../core/errors.js";
import type { FieldSpec, SeriesSpec } from "./heat-schema.js";

/** The cell-centre grid of a heat scene. */
export interface HeatGrid {
  nx: number;
  ny: number;
  dims: 1 | 2;
  dx: number;
  dy: number;
  x0: number;
  y0: number;
}

/** Squared distance from a cell centre to a point (1D: x only). */
function distance2(g: HeatGrid, x: number, y: number, center: number | readonly [number, number], path: string): number {
  if (typeof center === "number") {
    if (g.dims === 2) throw new InputError(path, "expected [x, y] in a 2D scene");
    return (x - center) ** 2;
  }
  if (g.dims === 1) throw new InputError(path, "expected a number (x) in a 1D scene");
  return (x - center[0]) ** 2 + (y - center[1]) ** 2;
}

/** Samples a field at the cell centres (row-major, x fastest). */
export function sampleField(spec: z.infer<typeof FieldSpec>, g: HeatGrid, path: string): Float64Array {
  const out = new Float64Array(g.nx * g.ny);
  for (let j = 0; j < g.ny; j++) {
    for (let i = 0; i < g.nx; i++) {
      const x = g.x0 + (i + 0.5) * g.dx, y = g.y0 + (j + 0.5) * g.dy;
      let v = spec.background;
      for (const l of spec.layers) if (x >= l.from && x < l.to) v = l.value;
      spec.inclusions.forEach((c, k) => {
        if (distance2(g, x, y, c.center, `${path}.inclusions[${k}].center`) <= c.radius * c.radius) v = c.value;
      });
      spec.bumps.forEach((b, k) => {
        v += b.amplitude * Math.exp(-0.5 * distance2(g, x, y, b.center, `${path}.bumps[${k}].center`) / (b.width * b.width));
      });
      out[j * g.nx + i] = v;
    }
  }
  return out;
}

/** A series at t_n = n dt, n = 0..nt-1. */
export function sampleSeries(spec: z.infer<typeof SeriesSpec>, nt: number, dt: number, path: string): Float64Array {
  if (typeof spec === "number") return new Float64Array(nt).fill(spec);
  if (Array.isArray(spec)) {
    if (spec.length !== nt) throw new InputError(path, `expected ${nt} values (one per time sample), got ${spec.length}`);
    return Float64Array.from(spec);
  }
  const pts = spec.points;
  for (let k = 1; k < pts.length; k++) {
    if (!(pts[k][0] > pts[k - 1][0])) throw new InputError(`${path}.points[${k}]`, `times must increase: ${pts[k][0]} s follows ${pts[k - 1][0]} s`);
  }
  return Float64Array.from({ length: nt }, (_, n) => {
    const t = n * dt;
    if (t <= pts[0][0]) return pts[0][1];
    let k = 0;
    while (k + 1 < pts.length && pts[k + 1][0] <= t) k++;
    if (k + 1 === pts.length) return pts[k][1];
    if (spec.interpolation === "step") return pts[k][1];
    const [t0, v0] = pts[k], [t1, v1] = pts[k + 1];
    return v0 + ((v1 - v0) * (t - t0)) / (t1 - t0);
  });
}
