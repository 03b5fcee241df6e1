/**
 * Internal coordinates as moves: setting a dihedral angle by rotating one
 * side of its central bond rigidly, so that every bond length and bond angle
 * stays as it was and only the dihedrals about that bond change.
 */
import { InputError } from "../core/errors.js";
import type { BondGraph } from "./bond-graph.js";
import { dihedralAngle } from "./dihedral.js";

/**
 * The positions with the dihedral (i, j, k, l) set to `phi`: the atoms on
 * l's side of the bond j-k ({@link BondGraph.side}) rotated rigidly about the
 * axis through j and k by the difference, the other side untouched.
 * `positions` is not modified (3 values per atom, the graph's atoms).
 * @param phi the new dihedral in radians (any value; the angle is periodic)
 * @throws {InputError} when the positions do not fit the graph, i-j, j-k or k-l are
 *   not bonds, j-k is in a ring, or the dihedral is undefined (i, j, k or j, k, l collinear)
 */
export function setDihedral(positions: Float64Array, graph: BondGraph, i: number, j: number, k: number, l: number, phi: number): Float64Array {
  if (positions.length !== 3 * graph.atomCount) throw new InputError("positions", `expected ${3 * graph.atomCount} values (3 per atom of the graph), got ${positions.length}`);
  if (!Number.isFinite(phi)) throw new InputError("phi", `expected a finite angle in radians, got ${phi}`);
  for (const [a, b] of [[i, j], [k, l]]) if (!graph.neighbors(a)?.includes(b)) throw new InputError("dihedral", `atoms ${a} and ${b} are not bonded: (${i}, ${j}, ${k}, ${l}) is not a dihedral of the graph`);
  const moving = graph.side(j, k);
  const x = positions;
  const ux = x[3 * k] - x[3 * j], uy = x[3 * k + 1] - x[3 * j + 1], uz = x[3 * k + 2] - x[3 * j + 2];
  const b = Math.hypot(ux, uy, uz);
  const v = (a: number, q: number) => x[3 * a + q] - x[3 * k + q];
  // The sine of the angle between the axis and atom a's arm from k: 0 when a lies on the axis.
  const sine = (a: number) => {
    const vx = v(a, 0), vy = v(a, 1), vz = v(a, 2);
    return Math.hypot(uy * vz - uz * vy, uz * vx - ux * vz, ux * vy - uy * vx) / (b * Math.hypot(vx, vy, vz));
  };
  if (!(sine(i) > 1e-12 && sine(l) > 1e-12)) throw new InputError("dihedral", `(${i}, ${j}, ${k}, ${l}) is undefined: three of its atoms are collinear`);
  // Rotating l's side by +delta about the axis j -> k (right-handed) adds delta to phi.
  const delta = phi - dihedralAngle(x, i, j, k, l);
  const c = Math.cos(delta), s = Math.sin(delta);
  const ex = ux / b, ey = uy / b, ez = uz / b;
  const out = Float64Array.from(x);
  for (const a of moving) {
    // Rodrigues: v' = v cos + (e x v) sin + e (e.v)(1 - cos), v relative to k on the axis.
    const vx = v(a, 0), vy = v(a, 1), vz = v(a, 2);
    const ev = (ex * vx + ey * vy + ez * vz) * (1 - c);
    out[3 * a] = x[3 * k] + vx * c + (ey * vz - ez * vy) * s + ex * ev;
    out[3 * a + 1] = x[3 * k + 1] + vy * c + (ez * vx - ex * vz) * s + ey * ev;
    out[3 * a + 2] = x[3 * k + 2] + vz * c + (ex * vy - ey * vx) * s + ez * ev;
  }
  return out;
}
