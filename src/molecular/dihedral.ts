/**
 * The dihedral angle of four atoms (i, j, k, l) and its first and second
 * derivatives with respect to their positions: the geometry that torsion
 * terms lift their point functions through.
 *
 * With the bond vectors b1 = x_j - x_i, b2 = x_k - x_j, b3 = x_l - x_k and
 * the normals of the two planes m = b1 x b2, n = b2 x b3,
 *   phi = atan2(|b2| b1.n, m.n)     in (-pi, pi], IUPAC sign, trans = +-pi,
 * so cos phi = m.n / (|m||n|) and sin phi = |b2| b1.n / (|m||n|). atan2 of
 * the two unnormalized projections is exact at every angle (no acos near
 * 0 or pi) and a smooth function of the positions wherever |m|, |n| > 0.
 * Its gradient (Blondel & Karplus, J. Comput. Chem. 17, 1132 (1996)):
 *   dphi/dx_i = -|b2| m / |m|^2,          dphi/dx_l = |b2| n / |n|^2,
 *   dphi/dx_j = c dphi/dx_l - (a + 1) dphi/dx_i,
 *   dphi/dx_k = a dphi/dx_i - (c + 1) dphi/dx_l,
 * with a = b1.b2 / |b2|^2 and c = b3.b2 / |b2|^2: no division by sin phi.
 *
 * The collinear singularity: when i, j, k (or j, k, l) are collinear, m (or
 * n) vanishes and phi is undefined; |dphi/dx| grows as 1/|m| on the way
 * there. Assumptions: a dihedral whose bond angle at j or k has
 * sin(theta) <= {@link COLLINEAR_SINE} (|m| <= 1e-6 |b1||b2|, likewise n) is
 * treated as flat: its gradient and second derivatives are zero (the
 * energy stays the bounded E(phi) at whatever phi atan2 gives, 0 when m or
 * n is exactly zero). Forces of a torsion term are thus finite everywhere,
 * at most |dE/dphi| / (1e-6 |b1|); force fields keep bond angles far from
 * 0 and pi, so the guard only matters for odd starting geometries.
 */
import { minimumImage, type Box } from "./neighbors.js";

/** Below this sine of a bond angle a dihedral is taken as collinear: no forces (see the module comment). */
export const COLLINEAR_SINE = 1e-6;

/** The geometry of one dihedral at positions x, filled by {@link dihedralAt}. */
export interface DihedralGeometry {
  /** phi in (-pi, pi] (radians). */
  phi: number;
  /** Whether a bond angle is within {@link COLLINEAR_SINE} of 0 or pi: then the gradients below are zero. */
  collinear: boolean;
  /** b1 = x_j - x_i, b2 = x_k - x_j, b3 = x_l - x_k (minimum image). */
  readonly b1: Float64Array;
  readonly b2: Float64Array;
  readonly b3: Float64Array;
  /** m = b1 x b2, n = b2 x b3. */
  readonly m: Float64Array;
  readonly n: Float64Array;
  /** dphi/dx for atoms i, j, k, l. */
  readonly gi: Float64Array;
  readonly gj: Float64Array;
  readonly gk: Float64Array;
  readonly gl: Float64Array;
}

/** A scratch geometry for {@link dihedralAt} (allocate once, reuse). */
export function dihedralGeometry(): DihedralGeometry {
  const v = () => new Float64Array(3);
  return { phi: 0, collinear: false, b1: v(), b2: v(), b3: v(), m: v(), n: v(), gi: v(), gj: v(), gk: v(), gl: v() };
}

const dot = (p: ArrayLike<number>, q: ArrayLike<number>) => p[0] * q[0] + p[1] * q[1] + p[2] * q[2];

function cross(out: Float64Array, p: ArrayLike<number>, q: ArrayLike<number>): Float64Array {
  const x = p[1] * q[2] - p[2] * q[1], y = p[2] * q[0] - p[0] * q[2], z = p[0] * q[1] - p[1] * q[0];
  out[0] = x;
  out[1] = y;
  out[2] = z;
  return out;
}

/** The dihedral angle phi of atoms (i, j, k, l) at positions x (3 per atom), radians in (-pi, pi]. */
export function dihedralAngle(x: ArrayLike<number>, i: number, j: number, k: number, l: number, box: Box = null): number {
  return dihedralAt(x, i, j, k, l, box, scratch).phi;
}
const scratch = dihedralGeometry();

/** Fills `g` with phi, the bond and normal vectors and dphi/dx of dihedral (i, j, k, l) at x; returns g. */
export function dihedralAt(x: ArrayLike<number>, i: number, j: number, k: number, l: number, box: Box, g: DihedralGeometry): DihedralGeometry {
  const { b1, b2, b3, m, n, gi, gj, gk, gl } = g;
  for (let a = 0; a < 3; a++) {
    b1[a] = x[3 * j + a] - x[3 * i + a];
    b2[a] = x[3 * k + a] - x[3 * j + a];
    b3[a] = x[3 * l + a] - x[3 * k + a];
  }
  minimumImage(b1, box);
  minimumImage(b2, box);
  minimumImage(b3, box);
  cross(m, b1, b2);
  cross(n, b2, b3);
  const m2 = dot(m, m), n2 = dot(n, n), b22 = dot(b2, b2), nb2 = Math.sqrt(b22);
  g.phi = Math.atan2(nb2 * dot(b1, n), dot(m, n));
  const s2 = COLLINEAR_SINE * COLLINEAR_SINE;
  g.collinear = !(m2 > s2 * dot(b1, b1) * b22 && n2 > s2 * b22 * dot(b3, b3));
  if (g.collinear) {
    gi.fill(0);
    gj.fill(0);
    gk.fill(0);
    gl.fill(0);
    return g;
  }
  const a = dot(b1, b2) / b22, c = dot(b3, b2) / b22;
  for (let q = 0; q < 3; q++) {
    gi[q] = (-nb2 * m[q]) / m2;
    gl[q] = (nb2 * n[q]) / n2;
    gj[q] = c * gl[q] - (a + 1) * gi[q];
    gk[q] = a * gi[q] - (c + 1) * gl[q];
  }
  return g;
}

/** Scratch of {@link addDihedralCurvature}. */
const t = { db1: new Float64Array(3), db2: new Float64Array(3), db3: new Float64Array(3), dm: new Float64Array(3), dn: new Float64Array(3), p: new Float64Array(3) };

/**
 * Adds s (d2phi/dx2) w, the derivative of the gradient of phi along the
 * displacement w, scaled by s, for the dihedral (i, j, k, l) whose geometry
 * `g` was filled at the same positions (nothing when it is collinear): the
 * directional derivative of each line of the gradient formula above.
 */
export function addDihedralCurvature(out: Float64Array, i: number, j: number, k: number, l: number, g: DihedralGeometry, w: Float64Array, s: number): void {
  if (g.collinear || s === 0) return;
  const { b1, b2, b3, m, n, gi, gl } = g;
  const { db1, db2, db3, dm, dn, p } = t;
  for (let a = 0; a < 3; a++) {
    db1[a] = w[3 * j + a] - w[3 * i + a];
    db2[a] = w[3 * k + a] - w[3 * j + a];
    db3[a] = w[3 * l + a] - w[3 * k + a];
  }
  // dm = db1 x b2 + b1 x db2, dn = db2 x b3 + b2 x db3.
  cross(dm, db1, b2);
  cross(p, b1, db2);
  for (let a = 0; a < 3; a++) dm[a] += p[a];
  cross(dn, db2, b3);
  cross(p, b2, db3);
  for (let a = 0; a < 3; a++) dn[a] += p[a];
  const m2 = dot(m, m), n2 = dot(n, n), b22 = dot(b2, b2), nb2 = Math.sqrt(b22);
  const dnb2 = dot(b2, db2) / nb2;
  const a0 = dot(b1, b2) / b22, c0 = dot(b3, b2) / b22;
  const da = (dot(db1, b2) + dot(b1, db2)) / b22 - (2 * a0 * dot(b2, db2)) / b22;
  const dc = (dot(db3, b2) + dot(b3, db2)) / b22 - (2 * c0 * dot(b2, db2)) / b22;
  // d(gi) = -(d|b2| m + |b2| dm) / |m|^2 + 2 |b2| m (m.dm) / |m|^4, and likewise d(gl) with n.
  const mdm = dot(m, dm), ndn = dot(n, dn);
  for (let q = 0; q < 3; q++) {
    const dgi = -(dnb2 * m[q] + nb2 * dm[q]) / m2 + (2 * nb2 * m[q] * mdm) / (m2 * m2);
    const dgl = (dnb2 * n[q] + nb2 * dn[q]) / n2 - (2 * nb2 * n[q] * ndn) / (n2 * n2);
    const dgj = dc * gl[q] + c0 * dgl - da * gi[q] - (a0 + 1) * dgi;
    const dgk = da * gi[q] + a0 * dgi - dc * gl[q] - (c0 + 1) * dgl;
    out[3 * i + q] += s * dgi;
    out[3 * j + q] += s * dgj;
    out[3 * k + q] += s * dgk;
    out[3 * l + q] += s * dgl;
  }
}
