/** Procedural 2D velocity models of scene files, sampled at cell centres, and their smoothing. */
import { InputError } from "../core/errors.js";
import { smoothed } from "./velocity.js";
import type { VelocityModel2D } from "./wave2d-schema.js";

/** A 2D grid of cells: cell (ix, iz) at (x0 + ix dx, z0 + iz dz). */
export interface Grid2D {
  nx: number;
  nz: number;
  dx: number;
  dz: number;
  x0: number;
  z0: number;
}

const radians = (degrees: number) => (degrees * Math.PI) / 180;

/**
 * Samples a model at every cell centre: velocity [nz, nx] (m/s), row by row. A point (x, z) is
 * first moved up by the throw of every fault whose +x side it lies on, below the fault's `from`
 * depth (in order: a fault with dip θ through (x_f, 0) has the +x side x > x_f + z' / tan θ, z'
 * the depth moved so far), then takes the last layer whose
 * top, top + tan(dip) x + amplitude sin(2π x / wavelength), lies at or above the moved depth z',
 * with v = velocity + gradient (z' - top(x)); bodies replace, anomalies add.
 * @throws {InputError} naming `path` where the model is not positive.
 */
export function velocity2D(model: VelocityModel2D, g: Grid2D, path: string): Float64Array {
  const v = new Float64Array(g.nx * g.nz);
  const slopes = model.layers.map((l) => Math.tan(radians(l.dip)));
  const faults = model.faults.map((f) => ({ x: f.x, cot: 1 / Math.tan(radians(f.dip)), throw: f.throw, from: f.from }));
  const bodies = model.bodies.map((b) => ({ ...b, cos: Math.cos(radians(b.angle)), sin: Math.sin(radians(b.angle)) }));
  for (let iz = 0; iz < g.nz; iz++) {
    const z = g.z0 + iz * g.dz;
    for (let ix = 0; ix < g.nx; ix++) {
      const x = g.x0 + ix * g.dx;
      let depth = z;
      for (const f of faults) if (z >= f.from && x > f.x + depth * f.cot) depth -= f.throw;
      let value = NaN;
      for (let l = 0; l < model.layers.length; l++) {
        const layer = model.layers[l];
        const u = layer.undulation;
        const top = layer.top + slopes[l] * x + (u === undefined ? 0 : u.amplitude * Math.sin((2 * Math.PI * x) / u.wavelength));
        if (l === 0 || top <= depth) value = layer.velocity + layer.gradient * Math.max(0, depth - top);
      }
      for (const b of bodies) {
        const dx = x - b.center[0], dz = z - b.center[1];
        const along = (dx * b.cos + dz * b.sin) / b.radii[0], across = (-dx * b.sin + dz * b.cos) / b.radii[1];
        if (along * along + across * across <= 1) value = b.velocity;
      }
      for (const a of model.anomalies) value += a.amplitude * Math.exp(-0.5 * ((x - a.center[0]) ** 2 + (z - a.center[1]) ** 2) / (a.width * a.width));
      if (!(value > 0)) throw new InputError(path, `gives a non-positive velocity ${value} m/s at (x, z) = (${x}, ${z}) m (check the gradients and anomalies)`);
      v[iz * g.nx + ix] = value;
    }
  }
  return v;
}

/** The model [nz, nx] averaged over +-`halfWidth` metres along x, then along z (moving averages, shortened at the edges). */
export function smoothed2D(v: Float64Array, g: Grid2D, halfWidth: number): Float64Array {
  const out = new Float64Array(v.length);
  for (let iz = 0; iz < g.nz; iz++) out.set(smoothed(v.subarray(iz * g.nx, (iz + 1) * g.nx), g.dx, halfWidth), iz * g.nx);
  const column = new Float64Array(g.nz);
  for (let ix = 0; ix < g.nx; ix++) {
    for (let iz = 0; iz < g.nz; iz++) column[iz] = out[iz * g.nx + ix];
    const s = smoothed(column, g.dz, halfWidth);
    for (let iz = 0; iz < g.nz; iz++) out[iz * g.nx + ix] = s[iz];
  }
  return out;
}
