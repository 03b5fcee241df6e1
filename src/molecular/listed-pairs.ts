/**
 * A pair potential over listed pairs, each with its scale factor: the
 * nonbonded interactions inside molecules (the pairs and factors of
 * {@link BondGraph.nonbondedPairs}), where an all-pairs term would count
 * bonded neighbours. E = sum over the list of s_ij E(r_ij), with the pair
 * potential's cutoff (pairs beyond it contribute nothing) and minimum image
 * in a box. Energy, forces, parameter gradients, Hessian-vector products and
 * mixed derivatives are the pair term's, each scaled by s_ij.
 */
import { InputError } from "../core/errors.js";
import { checkIndices } from "./bonded.js";
import { minimumImage, type Box } from "./neighbors.js";
import type { PairPotential, PairValues } from "./pair.js";
import { addPairHessian, type EnergyTerm } from "./term.js";

/** A pair potential summed over a fixed list of pairs with scale factors; immutable. */
export class ListedPairs implements EnergyTerm {
  readonly potential: PairPotential;
  /** The pairs (a frozen copy). */
  readonly pairs: readonly (readonly [number, number])[];
  /** The scale factor of each pair (a frozen copy; all 1 when none were given). */
  readonly scales: readonly number[];
  readonly box: Box;
  private readonly flat: Int32Array;
  private readonly d = new Float64Array(3);

  /**
   * @param pairs pairs of distinct atom indices
   * @param scales one finite factor per pair (default: 1 each)
   * @throws {InputError} naming the pair or scale at fault
   */
  constructor(potential: PairPotential, pairs: readonly (readonly [number, number])[], scales?: readonly number[], box: Box = null) {
    ({ flat: this.flat, frozen: this.pairs } = checkIndices(pairs, 2, "pairs"));
    if (scales !== undefined && scales.length !== pairs.length) throw new InputError("scales", `expected one factor per pair (${pairs.length}), got ${scales.length}`);
    const bad = scales?.findIndex((s) => !Number.isFinite(s)) ?? -1;
    if (bad >= 0) throw new InputError(`scales[${bad}]`, `expected a finite factor, got ${scales![bad]}`);
    this.scales = Object.freeze(scales === undefined ? pairs.map(() => 1) : scales.slice());
    this.potential = potential;
    this.box = box;
  }

  get names(): readonly string[] {
    return this.potential.fn.names;
  }

  get params(): readonly number[] {
    return this.potential.params;
  }

  /** The same pairs, scales, cutoff and box with parameters `p` of the pair function. */
  withParameters(p: ArrayLike<number>): ListedPairs {
    return new ListedPairs(this.potential.withParameters(p), this.pairs, this.scales, this.box);
  }

  /** Calls `each` for every listed pair within the cutoff with d = x_j - x_i (in this.d), r, its scale and the pair function's values. */
  private forEach(x: Float64Array, each: (i: number, j: number, d: Float64Array, r: number, s: number, v: PairValues) => void): void {
    const { flat, d, box } = this, pot = this.potential;
    for (let q = 0; q < this.scales.length; q++) {
      const i = flat[2 * q], j = flat[2 * q + 1];
      for (let a = 0; a < 3; a++) d[a] = x[3 * j + a] - x[3 * i + a];
      minimumImage(d, box);
      const r = Math.hypot(d[0], d[1], d[2]);
      if (r < pot.cutoff) each(i, j, d, r, this.scales[q], pot.at(r));
    }
  }

  evaluate(x: Float64Array, gradient: Float64Array | null, paramGradient: Float64Array | null): number {
    let e = 0;
    this.forEach(x, (i, j, d, r, s, v) => {
      e += s * v.energy;
      if (gradient !== null) {
        const f = (s * v.slope) / r;
        for (let a = 0; a < 3; a++) {
          gradient[3 * j + a] += f * d[a];
          gradient[3 * i + a] -= f * d[a];
        }
      }
      if (paramGradient !== null) for (let p = 0; p < v.dEnergy.length; p++) paramGradient[p] += s * v.dEnergy[p];
    });
    return e;
  }

  hessianVector(x: Float64Array, w: Float64Array, out: Float64Array): void {
    this.forEach(x, (i, j, d, r, s, v) => addPairHessian(out, i, j, d, r, s * v.slope, s * v.curvature, w));
  }

  mixedDerivative(x: Float64Array, out: Float64Array): void {
    const m = x.length;
    this.forEach(x, (i, j, d, r, s, v) => {
      for (let p = 0; p < v.dSlope.length; p++) {
        const f = (s * v.dSlope[p]) / r;
        for (let a = 0; a < 3; a++) {
          out[p * m + 3 * j + a] += f * d[a];
          out[p * m + 3 * i + a] -= f * d[a];
        }
      }
    });
  }
}
