/**
 * A pair potential summed over all pairs of atoms within its cutoff, in open
 * space or a periodic box (minimum image), as a term of a potential energy:
 * energy, forces, parameter gradients, Hessian-vector products and the
 * parameters' mixed derivatives.
 */
import { InputError } from "../core/errors.js";
import { cellScratch, cellSum, type CellScratch } from "./cell-loop.js";
import { openSum } from "./open-loop.js";
import { cellsPerSide, minimumImage, pairList, type Box, type PairList } from "./neighbors.js";
import type { PairPotential, PairValues } from "./pair.js";
import { addPairHessian, type EnergyTerm } from "./term.js";

/**
 * A pair potential summed over all pairs within its cutoff (minimum image in
 * a periodic box); immutable like its potential.
 */
export class PairTerm implements EnergyTerm {
  readonly potential: PairPotential;
  readonly box: Box;
  private list: PairList = { i: new Int32Array(0), j: new Int32Array(0), count: 0 };
  private readonly d = new Float64Array(3);

  constructor(potential: PairPotential, box: Box = null) {
    if (box !== null && !box.every((l) => l > 0 && Number.isFinite(l))) throw new InputError("box", `expected three positive side lengths, got [${box.join(", ")}]`);
    this.potential = potential;
    this.box = box;
  }

  get names(): readonly string[] {
    return this.potential.fn.names;
  }

  /** The potential's parameters (frozen). */
  get params(): readonly number[] {
    return this.potential.params;
  }

  /** The same pairs, cutoff and box with parameters `p` of the pair function. */
  withParameters(p: ArrayLike<number>): PairTerm {
    return new PairTerm(this.potential.withParameters(p), this.box);
  }

  /**
   * Calls `each` for every pair within the cutoff with d = x_j - x_i (minimum
   * image, in this.d), r = |d| and the pair function's values at r (second
   * derivatives: small systems, so one call per pair is fine).
   */
  private forEachPair(x: Float64Array, each: (i: number, j: number, d: Float64Array, r: number, val: PairValues) => void): void {
    const pot = this.potential, box = this.box, d = this.d;
    const list = (this.list = pairList(x, box, pot.cutoff, this.list));
    for (let k = 0; k < list.count; k++) {
      const i = list.i[k], j = list.j[k];
      for (let a = 0; a < 3; a++) d[a] = x[3 * j + a] - x[3 * i + a];
      minimumImage(d, box);
      const r = Math.hypot(d[0], d[1], d[2]);
      each(i, j, d, r, pot.at(r));
    }
  }

  hessianVector(x: Float64Array, v: Float64Array, out: Float64Array): void {
    this.forEachPair(x, (i, j, d, r, val) => addPairHessian(out, i, j, d, r, val.slope, val.curvature, v));
  }

  mixedDerivative(x: Float64Array, out: Float64Array): void {
    const m = x.length;
    this.forEachPair(x, (i, j, d, r, val) => {
      for (let p = 0; p < val.dSlope.length; p++) {
        const s = val.dSlope[p] / r;
        for (let a = 0; a < 3; a++) {
          out[p * m + 3 * j + a] += s * d[a];
          out[p * m + 3 * i + a] -= s * d[a];
        }
      }
    });
  }

  private scratch: CellScratch = cellScratch(0);

  evaluate(x: Float64Array, gradient: Float64Array | null, paramGradient: Float64Array | null): number {
    if (paramGradient === null && this.box === null) return openSum(this.potential, x, gradient);
    const nc = cellsPerSide(this.box, this.potential.cutoff);
    if (paramGradient === null && nc !== null) {
      if (this.scratch.xs.length !== x.length) this.scratch = cellScratch(x.length);
      return cellSum(this.potential, this.box!, x, nc, gradient, this.scratch);
    }
    const pot = this.potential, box = this.box, d = this.d;
    const list = (this.list = pairList(x, box, pot.cutoff, this.list));
    const np = pot.params.length;
    let energy = 0;
    for (let k = 0; k < list.count; k++) {
      const i = list.i[k], j = list.j[k];
      d[0] = x[3 * j] - x[3 * i];
      d[1] = x[3 * j + 1] - x[3 * i + 1];
      d[2] = x[3 * j + 2] - x[3 * i + 2];
      minimumImage(d, box);
      const r = Math.sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
      const v = pot.at(r);
      energy += v.energy;
      if (gradient !== null) {
        const s = v.slope / r;
        for (let a = 0; a < 3; a++) {
          gradient[3 * j + a] += s * d[a];
          gradient[3 * i + a] -= s * d[a];
        }
      }
      if (paramGradient !== null) for (let p = 0; p < np; p++) paramGradient[p] += v.dEnergy[p];
    }
    return energy;
  }
}
