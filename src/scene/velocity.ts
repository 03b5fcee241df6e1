/** Procedural velocity models of scene files. */
import { InputError } from "../core/errors.js";
import type { VelocityModel } from "./schema.js";
import type { z } from "zod";

/**
 * Samples a layered model at cell positions x_i = origin + i dx: each cell
 * takes the last layer whose top is at or above it, v = velocity + gradient (x - top).
 */
export function layeredVelocity(model: z.infer<typeof VelocityModel>, nx: number, dx: number, origin: number, path = "model.velocity"): Float64Array {
  const layers = model.layers;
  for (let l = 1; l < layers.length; l++) {
    if (!(layers[l].top > layers[l - 1].top)) {
      throw new InputError(`${path}.layers[${l}].top`, `layers must be in increasing order of top: ${layers[l].top} m follows ${layers[l - 1].top} m`);
    }
  }
  const v = new Float64Array(nx);
  let l = 0;
  for (let i = 0; i < nx; i++) {
    const x = origin + i * dx;
    while (l + 1 < layers.length && layers[l + 1].top <= x) l++;
    const layer = layers[l];
    v[i] = layer.velocity + layer.gradient * Math.max(0, x - layer.top);
    for (const a of model.anomalies) v[i] += a.amplitude * Math.exp(-0.5 * ((x - a.center) / a.width) ** 2);
    if (!(v[i] > 0)) {
      throw new InputError(`${path}`, `gives a non-positive velocity ${v[i]} m/s at x = ${x} m (check the gradients and anomalies)`);
    }
  }
  return v;
}

/** The model averaged over +-`halfWidth` metres (a moving average, shortened at the ends): a smooth starting model. */
export function smoothed(v: Float64Array, dx: number, halfWidth: number): Float64Array {
  const h = Math.round(halfWidth / dx);
  const out = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) {
    let s = 0;
    let c = 0;
    for (let j = Math.max(0, i - h); j <= Math.min(v.length - 1, i + h); j++) {
      s += v[j];
      c++;
    }
    out[i] = s / c;
  }
  return out;
}
