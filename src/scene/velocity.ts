/** Procedural velocity models of scene files. */
import { InputError } from "../core/errors.js";
import type { WaveForwardScene } from "./schema.js";

/**
 * Samples a layered model at cell positions x_i = origin + i dx: each cell
 * takes the last layer whose top is at or above it, v = velocity + gradient (x - top).
 */
export function layeredVelocity(model: WaveForwardScene["model"]["velocity"], nx: number, dx: number, origin: number, path = "model.velocity"): Float64Array {
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
    if (!(v[i] > 0)) {
      throw new InputError(`${path}.layers[${l}]`, `gives a non-positive velocity ${v[i]} m/s at x = ${x} m (check gradient)`);
    }
  }
  return v;
}
