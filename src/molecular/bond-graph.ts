/**
 * The bond graph of a molecule (or of several: the graph need not be
 * connected) and what a force field derives from it: the angles and
 * dihedrals its bonds make, the atoms a bond rotation carries, and the
 * nonbonded pairs with their scale factors.
 *
 * Two atoms are separated by s bonds, s their shortest path in the graph
 * (in a ring the shorter way round): 1-2 pairs (s = 1) and 1-3 pairs (s = 2)
 * are excluded from nonbonded interactions, 1-4 pairs (s = 3) are scaled
 * by a force field's factor (0.5 in OPLS, 0 in TraPPE), farther pairs and
 * atoms of different molecules interact in full.
 */
import { InputError } from "../core/errors.js";

/** A pair of atoms (i < j). */
export type AtomPair = readonly [number, number];

/** The nonbonded pairs of a bond graph with their scale factors (pairs whose factor is 0 are left out). */
export interface ScaledPairs {
  /** The pairs (i < j), in order of i then j. */
  readonly pairs: readonly AtomPair[];
  /** The factor multiplying each pair's interaction: `scale14` for 1-4 pairs, 1 beyond. */
  readonly scales: readonly number[];
}

/** Atoms and bonds, checked once; immutable. */
export class BondGraph {
  /** Number of atoms (indices 0 .. atomCount - 1). */
  readonly atomCount: number;
  /** The bonds as given (a frozen copy). */
  readonly bonds: readonly AtomPair[];
  private readonly adjacent: readonly (readonly number[])[];

  /**
   * @param atomCount number of atoms (atoms without bonds are allowed)
   * @param bonds pairs of distinct atom indices below `atomCount`, each bond once
   * @throws {InputError} naming `atomCount` or the bond at fault
   */
  constructor(atomCount: number, bonds: readonly (readonly [number, number])[]) {
    if (!Number.isInteger(atomCount) || atomCount < 0) throw new InputError("atomCount", `expected a non-negative integer, got ${atomCount}`);
    const adjacent: number[][] = Array.from({ length: atomCount }, () => []);
    bonds.forEach((b, q) => {
      if (b.length !== 2 || b.some((i) => !Number.isInteger(i) || i < 0 || i >= atomCount)) throw new InputError(`bonds[${q}]`, `expected 2 atom indices in 0..${atomCount - 1}, got [${b.join(", ")}]`);
      const [i, j] = b;
      if (i === j) throw new InputError(`bonds[${q}]`, `the atoms must be distinct, got [${i}, ${j}]`);
      if (adjacent[i].includes(j)) throw new InputError(`bonds[${q}]`, `the bond ${i}-${j} is listed twice`);
      adjacent[i].push(j);
      adjacent[j].push(i);
    });
    this.atomCount = atomCount;
    this.bonds = Object.freeze(bonds.map((b) => Object.freeze([b[0], b[1]] as const)));
    this.adjacent = Object.freeze(adjacent.map((a) => Object.freeze(a.sort((p, q) => p - q))));
  }

  /** The atoms bonded to atom i, ascending. */
  neighbors(i: number): readonly number[] {
    return this.adjacent[i];
  }

  /** Every angle (i, j, k) of two bonds sharing atom j, once each (i < k), ordered by j. */
  angles(): [number, number, number][] {
    const out: [number, number, number][] = [];
    this.adjacent.forEach((nb, j) => {
      for (let p = 0; p < nb.length; p++) for (let q = p + 1; q < nb.length; q++) out.push([nb[p], j, nb[q]]);
    });
    return out;
  }

  /**
   * Every dihedral (i, j, k, l) of three bonds i-j, j-k, k-l with i != l,
   * once each (listed with j < k), ordered by the central bond j-k.
   */
  dihedrals(): [number, number, number, number][] {
    const out: [number, number, number, number][] = [];
    this.adjacent.forEach((nj, j) => {
      for (const k of nj) {
        if (k < j) continue;
        for (const i of nj) {
          if (i === k) continue;
          for (const l of this.adjacent[k]) if (l !== j && l !== i) out.push([i, j, k, l]);
        }
      }
    });
    return out;
  }

  /**
   * The bonds separating atom `from` from every atom (shortest path), capped
   * at `limit`: atoms farther away, or in another molecule, get `limit`.
   */
  separations(from: number, limit: number): Int32Array {
    const s = new Int32Array(this.atomCount).fill(limit);
    s[from] = 0;
    let front = [from];
    for (let d = 1; d < limit && front.length > 0; d++) {
      const next: number[] = [];
      for (const a of front) for (const b of this.adjacent[a]) if (s[b] === limit) (s[b] = d), next.push(b);
      front = next;
    }
    return s;
  }

  /**
   * The atoms on k's side of the bond j-k (k included): those reached from k
   * without crossing the bond, what rotating a dihedral about j-k moves.
   * @throws {InputError} when j and k are not bonded, or the bond is in a ring (both sides are one)
   */
  side(j: number, k: number): number[] {
    if (!this.adjacent[j]?.includes(k)) throw new InputError("bond", `atoms ${j} and ${k} are not bonded`);
    const seen = new Uint8Array(this.atomCount);
    seen[k] = 1;
    const stack = [k], out: number[] = [];
    while (stack.length > 0) {
      const a = stack.pop()!;
      out.push(a);
      for (const b of this.adjacent[a]) {
        if (a === k && b === j) continue;
        if (b === j) throw new InputError("bond", `the bond ${j}-${k} is in a ring: rotating about it would break the ring`);
        if (!seen[b]) (seen[b] = 1), stack.push(b);
      }
    }
    return out.sort((p, q) => p - q);
  }

  /**
   * The nonbonded pairs: all pairs separated by three bonds or more (or in
   * different molecules), 1-4 pairs scaled by `scale14`, farther ones by 1;
   * 1-2 and 1-3 pairs excluded, and 1-4 pairs too when `scale14` is 0.
   * @throws {InputError} naming `scale14` unless it is in [0, 1]
   */
  nonbondedPairs(scale14: number): ScaledPairs {
    if (!(scale14 >= 0 && scale14 <= 1)) throw new InputError("scale14", `expected a factor in [0, 1], got ${scale14}`);
    const pairs: AtomPair[] = [], scales: number[] = [];
    for (let i = 0; i < this.atomCount; i++) {
      const s = this.separations(i, 4);
      for (let j = i + 1; j < this.atomCount; j++) {
        const f = s[j] < 3 ? 0 : s[j] === 3 ? scale14 : 1;
        if (f > 0) pairs.push([i, j]), scales.push(f);
      }
    }
    return { pairs, scales };
  }
}
