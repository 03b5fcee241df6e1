/**
 * Linear interpolation of a point between cell centres along one axis — the
 * one formula behind sensors and point sources — and its derivative with
 * respect to the point's position, for designs that move sensors.
 *
 * With u the position in cells from the axis origin, s = clamp(u - 1/2, 0, n - 1)
 * is the position in centres; the point reads (1 - f) T_i0 + f T_i1 with
 * i0 = min(floor(s), n - 2), f = s - i0. Within half a cell of a side the point
 * reads the edge cell (s clamped), where df/du = 0; elsewhere df/du = 1.
 * At a cell centre f has a kink (the pair of cells changes): the weights are
 * continuous there, their derivative jumps; the derivative returned is the
 * right-hand one.
 */

/** Cells i0, i1 that a point reads, the weight f of i1 (i0 gets 1 - f) and df/du. */
export interface AxisWeights {
  i0: number;
  i1: number;
  f: number;
  /** d f / d u (per cell; divide by the cell size for per metre). */
  df: number;
}

/** The interpolation of position u (in cells from the origin) on an axis of n cells. */
export function axisWeights(u: number, n: number): AxisWeights {
  const raw = u - 0.5;
  const s = Math.min(Math.max(raw, 0), n - 1);
  const i0 = Math.min(Math.floor(s), Math.max(n - 2, 0));
  const f = n === 1 ? 0 : s - i0;
  // Right-hand derivative: inside [0, n - 1) the weight moves with u.
  const df = n === 1 || raw < 0 || raw >= n - 1 ? 0 : 1;
  return { i0, i1: Math.min(i0 + 1, n - 1), f, df };
}
