/**
 * A builder of linear alkanes C_nH_(2n+2) as united atoms: n carbon sites in
 * a chain, placed all-anti (every C-C-C-C dihedral 180 deg) as the planar
 * zig-zag of TraPPE-UA's bond length and angle.
 */
import { InputError } from "../core/errors.js";
import { BondGraph } from "./bond-graph.js";
import { TRAPPE_UA } from "./trappe.js";

/** A molecule: positions (3 per atom, angstrom) and its bond graph. */
export interface Molecule {
  readonly positions: Float64Array;
  readonly graph: BondGraph;
}

/**
 * C_nH_(2n+2) as n united-atom sites 0 .. n-1 bonded in a chain, in the
 * x-y plane: site i at (i b sin(theta/2), (i mod 2) b cos(theta/2), 0), b the
 * bond length and theta the C-C-C angle (default TraPPE-UA's 1.54 A, 114 deg).
 * @throws {InputError} naming `n` unless a positive integer, or `bondLength`, `angle` unless positive (angle below pi)
 */
export function linearAlkane(n: number, bondLength = TRAPPE_UA.bondLength, angle = TRAPPE_UA.angle): Molecule {
  if (!Number.isInteger(n) || n < 1) throw new InputError("n", `expected a positive integer number of carbons, got ${n}`);
  if (!(bondLength > 0 && Number.isFinite(bondLength))) throw new InputError("bondLength", `expected a positive length, got ${bondLength}`);
  if (!(angle > 0 && angle < Math.PI)) throw new InputError("angle", `expected an angle in (0, pi) radians, got ${angle}`);
  const dx = bondLength * Math.sin(angle / 2), dy = bondLength * Math.cos(angle / 2);
  const positions = new Float64Array(3 * n);
  for (let i = 0; i < n; i++) {
    positions[3 * i] = i * dx;
    positions[3 * i + 1] = (i % 2) * dy;
  }
  return { positions, graph: new BondGraph(n, Array.from({ length: n - 1 }, (_, i) => [i, i + 1] as [number, number])) };
}
