/**
 * Linearizations checked against central differences of the forward map, so
 * that jvp and vjp are tested against something they do not share (a dot
 * test of a stored Jacobian passes by construction).
 */
import { field, flatten } from "../../src/core/arrays.js";
import type { Differentiable, Field } from "../../src/core/contract.js";

const dot = (a: Float64Array, b: Float64Array) => a.reduce((s, v, i) => s + v * b[i], 0);

/**
 * Relative errors of jvp(m, dm) against (F(m + h dm) - F(m - h dm)) / 2h, and
 * of <dm, vjp(m, dd)> against the same difference of <dd, F(m)>. With a step
 * h of 1e-5 of the model's scale the truncation error is O(h^2) ~ 1e-10 and
 * round-off ~ 1e-16 / h ~ 1e-11, relative: both errors are below 1e-6 for a
 * correct linearization and O(1) for a wrong one.
 */
export function linearizationErrors(sim: Differentiable, m: Field, dm: Field, dd: Field, h = 1e-5): { jvp: number; vjp: number } {
  const x = flatten(m), d = flatten(dm);
  const at = (s: number) => flatten(sim.forward(field(x.map((v, i) => v + s * d[i]), m.shape)));
  const plus = at(h), minus = at(-h);
  const difference = plus.map((v, i) => (v - minus[i]) / (2 * h));
  if (sim.jvp === undefined) throw new Error("linearizationErrors: the simulator has no jvp");
  const jvp = flatten(sim.jvp(m, dm));
  const norm = Math.hypot(...difference) || 1;
  const jvpError = Math.hypot(...jvp.map((v, i) => v - difference[i])) / norm;
  const w = flatten(dd);
  const directional = dot(w, difference);
  const vjpError = Math.abs(dot(d, flatten(sim.vjp(m, dd))) - directional) / (Math.abs(directional) || 1);
  return { jvp: jvpError, vjp: vjpError };
}
