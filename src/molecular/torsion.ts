/**
 * A torsion term: a torsion function of the dihedral angle summed over listed
 * dihedrals (i, j, k, l), the j-k bond the one twisted. Energy, forces,
 * parameter gradients, Hessian-vector products and mixed derivatives by the
 * chain rule through phi (geometry and the collinear guard in ./dihedral.ts):
 *   dE/dx = E'(phi) dphi/dx,
 *   (d2E/dx2) w = E''(phi) (dphi/dx . w) dphi/dx + E'(phi) (d2phi/dx2) w,
 *   d2E/(dp dx) = (dE'/dp) dphi/dx.
 * One term holds one torsion type (its parameters are shared by its list).
 */
import { checkIndices } from "./bonded.js";
import { addDihedralCurvature, dihedralAt, dihedralGeometry } from "./dihedral.js";
import type { Box } from "./neighbors.js";
import { parameterValues, type EnergyTerm } from "./term.js";
import { torsionValues, type TorsionFunction, type TorsionValues } from "./torsion-functions.js";

/** A dihedral: four atom indices (i, j, k, l), bonded i-j, j-k, k-l. */
export type Dihedral = readonly [number, number, number, number];

/** Torsion energies over a list of dihedrals, immutable: `withParameters` gives the same list with other parameters. */
export class Torsions implements EnergyTerm {
  readonly fn: TorsionFunction;
  readonly params: readonly number[];
  /** The dihedrals (a frozen copy of the constructor's list). */
  readonly dihedrals: readonly Dihedral[];
  readonly box: Box;
  private readonly quads: Int32Array;
  private readonly g = dihedralGeometry();
  private readonly values: TorsionValues;

  /**
   * @param dihedrals the dihedrals (i, j, k, l), four distinct atom indices each
   * @param fn the torsion function, e.g. {@link oplsTorsion}
   * @param params its parameters in the order of `fn.names`
   * @throws {InputError} naming the dihedral or parameter at fault
   */
  constructor(dihedrals: readonly Dihedral[], fn: TorsionFunction, params: ArrayLike<number>, box: Box = null) {
    ({ flat: this.quads, frozen: this.dihedrals } = checkIndices(dihedrals, 4, "dihedrals"));
    this.fn = fn;
    this.params = parameterValues(params, fn.names, fn.kind);
    this.box = box;
    this.values = torsionValues(fn.names.length);
  }

  get names(): readonly string[] {
    return this.fn.names;
  }

  /** The same dihedrals, function and box with parameters `p`. */
  withParameters(p: ArrayLike<number>): Torsions {
    return new Torsions(this.dihedrals, this.fn, p, this.box);
  }

  /** Calls `each` per dihedral with its atoms, geometry (this.g) and the torsion function's values at its phi. */
  private forEach(x: Float64Array, each: (i: number, j: number, k: number, l: number) => void): void {
    const q = this.quads;
    for (let t = 0; t < q.length; t += 4) {
      const i = q[t], j = q[t + 1], k = q[t + 2], l = q[t + 3];
      dihedralAt(x, i, j, k, l, this.box, this.g);
      this.fn.evaluate(this.g.phi, this.params, this.values);
      each(i, j, k, l);
    }
  }

  evaluate(x: Float64Array, gradient: Float64Array | null, paramGradient: Float64Array | null): number {
    const { g, values: v } = this;
    let e = 0;
    this.forEach(x, (i, j, k, l) => {
      e += v.energy;
      if (gradient !== null) addScaled(gradient, 0, i, j, k, l, g.gi, g.gj, g.gk, g.gl, v.slope);
      if (paramGradient !== null) for (let p = 0; p < v.dEnergy.length; p++) paramGradient[p] += v.dEnergy[p];
    });
    return e;
  }

  hessianVector(x: Float64Array, w: Float64Array, out: Float64Array): void {
    const { g, values: v } = this;
    this.forEach(x, (i, j, k, l) => {
      let gw = 0;
      for (let a = 0; a < 3; a++) gw += g.gi[a] * w[3 * i + a] + g.gj[a] * w[3 * j + a] + g.gk[a] * w[3 * k + a] + g.gl[a] * w[3 * l + a];
      addScaled(out, 0, i, j, k, l, g.gi, g.gj, g.gk, g.gl, v.curvature * gw);
      addDihedralCurvature(out, i, j, k, l, g, w, v.slope);
    });
  }

  mixedDerivative(x: Float64Array, out: Float64Array): void {
    const { g, values: v } = this;
    const m = x.length;
    this.forEach(x, (i, j, k, l) => {
      for (let p = 0; p < v.dSlope.length; p++) addScaled(out, p * m, i, j, k, l, g.gi, g.gj, g.gk, g.gl, v.dSlope[p]);
    });
  }
}

/** Adds s dphi/dx of the dihedral (i, j, k, l) into out from offset o. */
function addScaled(out: Float64Array, o: number, i: number, j: number, k: number, l: number, gi: Float64Array, gj: Float64Array, gk: Float64Array, gl: Float64Array, s: number): void {
  for (let a = 0; a < 3; a++) {
    out[o + 3 * i + a] += s * gi[a];
    out[o + 3 * j + a] += s * gj[a];
    out[o + 3 * k + a] += s * gk[a];
    out[o + 3 * l + a] += s * gl[a];
  }
}
