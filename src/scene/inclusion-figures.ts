/**
 * Figures of merit for a recovered field whose truth holds inclusions (discs
 * in 2D, intervals in 1D): where the recovered anomaly peaks and how strong it
 * is. Diffusion blurs a sharp disc into a smooth bump, so the relative L2
 * error stays large even when the disc is found; these say whether it was.
 */
import type { z } from "zod";
import type { FieldSpec } from "./heat-schema.js";
import type { HeatGrid } from "./heat-model.js";

/** How one inclusion of the truth shows in the recovered field. */
export interface InclusionFigure {
  /** The inclusion's centre (m): [x] in 1D, [x, y] in 2D. */
  center: number[];
  /** Its radius (m). */
  radius: number;
  /** Distance (m) from the centre to the recovered field's extreme within two radii (the maximum for an inclusion above the background, else the minimum). */
  peakDistance: number;
  /** Mean of the recovered field inside the inclusion over its mean outside every inclusion. */
  contrast: number;
  /** The same ratio for the truth: value / background. */
  trueContrast: number;
}

/** The figures of every inclusion of `spec` for the field `recovered` sampled on `g`'s cell centres. */
export function inclusionFigures(spec: z.infer<typeof FieldSpec>, g: HeatGrid, recovered: Float64Array): InclusionFigure[] {
  const centres = (c: number | readonly [number, number]) => (typeof c === "number" ? [c, 0] : [c[0], c[1]]);
  const distanceAt = (p: number, c: number[]) => {
    const i = p % g.nx, j = Math.floor(p / g.nx);
    return Math.hypot(g.x0 + (i + 0.5) * g.dx - c[0], g.dims === 2 ? g.y0 + (j + 0.5) * g.dy - c[1] : 0);
  };
  const inAny = (p: number) => spec.inclusions.some((c) => distanceAt(p, centres(c.center)) <= c.radius);
  let outsideSum = 0, outsideCount = 0;
  for (let p = 0; p < recovered.length; p++) if (!inAny(p)) (outsideSum += recovered[p]), outsideCount++;
  const outside = outsideSum / outsideCount;
  return spec.inclusions.map((c) => {
    const centre = centres(c.center);
    const sign = c.value >= spec.background ? 1 : -1;
    let best = -Infinity, bestAt = -1, insideSum = 0, insideCount = 0;
    for (let p = 0; p < recovered.length; p++) {
      const d = distanceAt(p, centre);
      if (d <= c.radius) (insideSum += recovered[p]), insideCount++;
      if (d <= 2 * c.radius && sign * recovered[p] > best) (best = sign * recovered[p]), (bestAt = p);
    }
    return {
      center: typeof c.center === "number" ? [c.center] : [...c.center],
      radius: c.radius,
      peakDistance: bestAt < 0 ? NaN : distanceAt(bestAt, centre),
      contrast: insideCount === 0 ? NaN : insideSum / insideCount / outside,
      trueContrast: c.value / spec.background,
    };
  });
}
