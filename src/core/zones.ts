/**
 * A simulator seen as a function of the logarithms of a piecewise-constant
 * model: cell i of the model takes m_i = exp(x_zone(i)), so x has one value
 * per zone and every model is positive. The chain rule is one line:
 * dJ/dx_z = sum over cells i of zone z of m_i dJ/dm_i.
 */
import { field, flatten } from "./arrays.js";
import type { Differentiable, Field, Linearization } from "./contract.js";
import { InputError } from "./errors.js";
import { checkShape } from "./validate.js";

/** The view, and the model directions dm/dx_z that its jvp moves along. */
export interface LogZones extends Differentiable {
  /** The model m(x). */
  model(x: Field): Field;
  /** dm/dx_z at x for every zone z: m on zone z's cells, 0 elsewhere. */
  directions(x: Field): Field[];
}

/**
 * @param sim a simulator of models of shape `modelShape`
 * @param zoneOf the zone of every model cell (integers 0 .. zones - 1, each used)
 */
export function logZones(sim: Differentiable, zoneOf: Int32Array, modelShape: readonly number[]): LogZones {
  const size = modelShape.reduce((a, b) => a * b, 1);
  if (zoneOf.length !== size) throw new InputError("zoneOf", `expected ${size} zones (one per model cell), got ${zoneOf.length}`);
  const zones = zoneOf.reduce((a, b) => Math.max(a, b + 1), 0);
  const used = new Uint8Array(zones);
  zoneOf.forEach((z) => (used[z] = 1));
  if (zoneOf.some((z) => !(z >= 0)) || used.includes(0)) throw new InputError("zoneOf", `expected every zone 0 .. ${zones - 1} to own at least one cell`);
  const shape = [zones];
  const model = (x: Field): Field => {
    checkShape(x, shape, "model");
    const v = flatten(x);
    return field(Float64Array.from(zoneOf, (z) => Math.exp(v[z])), modelShape);
  };
  const lin = (x: Field): Linearization => {
    const m = model(x), mv = flatten(m);
    const l = sim.linearize(m);
    const out: Linearization = {
      data: l.data,
      vjp: (dd) => {
        const g = flatten(l.vjp(dd)), gx = new Float64Array(zones);
        for (let i = 0; i < size; i++) gx[zoneOf[i]] += mv[i] * g[i];
        return field(gx, shape);
      },
    };
    if (l.jvp) out.jvp = (dx) => {
      checkShape(dx, shape, "dModel");
      const d = flatten(dx);
      return l.jvp!(field(Float64Array.from(mv, (v, i) => v * d[zoneOf[i]]), modelShape));
    };
    return out;
  };
  return {
    model,
    directions: (x) => {
      const mv = flatten(model(x));
      return Array.from({ length: zones }, (_, z) => field(Float64Array.from(mv, (v, i) => (zoneOf[i] === z ? v : 0)), modelShape));
    },
    forward: (x) => sim.forward(model(x)),
    vjp: (x, dd) => lin(x).vjp(dd),
    jvp: (x, dx) => lin(x).jvp!(dx),
    linearize: lin,
  };
}
