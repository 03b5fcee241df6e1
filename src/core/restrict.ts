/**
 * A simulator seen as a function of one contiguous block of its model, the
 * rest held fixed: m_full = base with m written at [offset, offset + size).
 */
import { field, flatten } from "./arrays.js";
import type { Differentiable, Field, Linearization } from "./contract.js";
import { checkShape } from "./validate.js";

/**
 * @param sim a simulator whose model has the shape of `base`
 * @param base the full model, whose other entries stay fixed
 * @param offset flat index where the block starts
 * @param shape shape of the block (its size counts the entries)
 */
export function restrict(sim: Differentiable, base: Field, offset: number, shape: readonly number[]): Differentiable {
  const size = shape.reduce((a, b) => a * b, 1);
  const full = flatten(base);
  if (!Number.isInteger(offset) || offset < 0 || offset + size > full.length) throw new RangeError(`restrict: block [${offset}, ${offset + size}) is outside the model of ${full.length} values`);
  const zero = new Float64Array(full.length);
  const embed = (v: Field, into: Float64Array, name: string) => {
    checkShape(v, shape, name);
    const a = Float64Array.from(into);
    a.set(flatten(v), offset);
    return field(a, base.shape);
  };
  const block = (f: Field) => field(flatten(f).slice(offset, offset + size), shape);
  const lin = (v: Field): Linearization => {
    const l = sim.linearize(embed(v, full, "model"));
    const out: Linearization = { data: l.data, vjp: (dd) => block(l.vjp(dd)) };
    if (l.jvp) out.jvp = (dv) => l.jvp!(embed(dv, zero, "dModel"));
    return out;
  };
  return {
    forward: (v) => sim.forward(embed(v, full, "model")),
    vjp: (v, dd) => lin(v).vjp(dd),
    jvp: (v, dv) => lin(v).jvp!(dv),
    linearize: lin,
  };
}
