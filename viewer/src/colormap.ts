/**
 * Colour maps as 256-entry RGB tables: a diverging blue-white-red one for
 * signed quantities (data, residuals, gradients; zero is white) and viridis
 * for positive ones (velocity, temperature, amplitude).
 */

export type ColorMap = Uint8Array; // 256 x RGB

function table(stops: readonly (readonly [number, number, number])[]): ColorMap {
  const out = new Uint8Array(256 * 3);
  for (let i = 0; i < 256; i++) {
    const t = (i / 255) * (stops.length - 1);
    const k = Math.min(stops.length - 2, Math.floor(t)), f = t - k;
    for (let c = 0; c < 3; c++) out[3 * i + c] = Math.round(255 * (stops[k][c] * (1 - f) + stops[k + 1][c] * f));
  }
  return out;
}

/** Blue - white - red. */
export const diverging = table([
  [0.02, 0.19, 0.38], [0.13, 0.4, 0.67], [0.57, 0.77, 0.87], [1, 1, 1], [0.96, 0.65, 0.51], [0.7, 0.09, 0.17], [0.4, 0, 0.05],
]);

/** Viridis, sampled at nine points. */
export const viridis = table([
  [0.267, 0.005, 0.329], [0.283, 0.141, 0.458], [0.254, 0.265, 0.53], [0.207, 0.372, 0.553], [0.164, 0.471, 0.558],
  [0.128, 0.567, 0.551], [0.135, 0.659, 0.518], [0.267, 0.749, 0.441], [0.478, 0.821, 0.318], [0.741, 0.873, 0.15], [0.993, 0.906, 0.144],
]);

/** A colour range: symmetric about zero for diverging maps. */
export interface Range {
  min: number;
  max: number;
}

export function rangeOf(values: ArrayLike<number>[], symmetric: boolean): Range {
  let lo = Infinity, hi = -Infinity;
  for (const v of values) for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  if (!Number.isFinite(lo)) return { min: 0, max: 1 };
  if (symmetric) {
    const a = Math.max(Math.abs(lo), Math.abs(hi)) || 1;
    return { min: -a, max: a };
  }
  return hi > lo ? { min: lo, max: hi } : { min: lo - 1, max: lo + 1 };
}

/** The q-quantile of |v| over at most about 100,000 evenly spaced samples (enough for a colour scale). */
export function absQuantile(values: ArrayLike<number>, q: number): number {
  const stride = Math.max(1, Math.floor(values.length / 100_000));
  const a = Float64Array.from({ length: Math.floor(values.length / stride) }, (_, i) => Math.abs(values[i * stride])).sort();
  return a.length === 0 ? 0 : a[Math.floor(q * (a.length - 1))];
}

/** Fills RGBA bytes for `values` (row-major rows x cols), the first row drawn at the top when `topDown`. */
export function colorize(values: ArrayLike<number>, rows: number, cols: number, range: Range, map: ColorMap, topDown: boolean, out: Uint8Array): void {
  const scale = 255 / (range.max - range.min);
  for (let r = 0; r < rows; r++) {
    // Textures start at the bottom row.
    const dst = topDown ? rows - 1 - r : r;
    for (let c = 0; c < cols; c++) {
      const v = values[r * cols + c];
      const k = Number.isFinite(v) ? Math.max(0, Math.min(255, Math.round((v - range.min) * scale))) : 0;
      const o = 4 * (dst * cols + c);
      out[o] = map[3 * k];
      out[o + 1] = map[3 * k + 1];
      out[o + 2] = map[3 * k + 2];
      out[o + 3] = 255;
    }
  }
}

/** A colour bar: a gradient strip with its end values and units, as a DOM element. */
export function colorBar(map: ColorMap, range: Range, units: string): HTMLElement {
  const el = document.createElement("div");
  el.className = "colorbar";
  const canvas = document.createElement("canvas");
  canvas.width = 256;
  canvas.height = 1;
  const ctx = canvas.getContext("2d")!;
  const img = ctx.createImageData(256, 1);
  for (let i = 0; i < 256; i++) {
    img.data.set([map[3 * i], map[3 * i + 1], map[3 * i + 2], 255], 4 * i);
  }
  ctx.putImageData(img, 0, 0);
  const fmt = (v: number) => (Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-2 && v !== 0) ? v.toExponential(2) : v.toPrecision(4));
  el.append(span(fmt(range.min)), canvas, span(fmt(range.max)), span(units, "units"));
  return el;
}

function span(text: string, cls = ""): HTMLSpanElement {
  const s = document.createElement("span");
  s.textContent = text;
  if (cls) s.className = cls;
  return s;
}
