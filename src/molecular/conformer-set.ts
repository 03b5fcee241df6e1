/**
 * The distinct conformers a search has met: each relaxed minimum is named by
 * its backbone dihedrals (src/molecular/conformer-key.ts) and its energy, and
 * a minimum met again (in another numbering, from another start) is counted
 * as a repeat of the conformer it is, not as a new one.
 */
import { InputError } from "../core/errors.js";
import type { BondGraph } from "./bond-graph.js";
import { conformerKey, enantiomerKey } from "./conformer-key.js";
import { dihedralAngle } from "./dihedral.js";
import type { Dihedral } from "./torsion.js";

/**
 * The backbone dihedrals of a linear chain, one per rotatable bond, walking
 * from the lower-numbered end: (a0, a1, a2, a3), (a1, a2, a3, a4), ... A chain
 * of n atoms has n - 3 (none below 4 atoms).
 * @throws {InputError} naming `graph` unless it is one unbranched, acyclic chain
 */
export function chainBackbone(graph: BondGraph): Dihedral[] {
  const n = graph.atomCount;
  const ends = Array.from({ length: n }, (_, i) => i).filter((i) => graph.neighbors(i).length === 1);
  const branched = Array.from({ length: n }, (_, i) => i).find((i) => graph.neighbors(i).length > 2);
  if (branched !== undefined) throw new InputError("graph", `atom ${branched} has ${graph.neighbors(branched).length} bonds: conformer keys here cover unbranched chains`);
  if (n === 1) return [];
  if (ends.length !== 2 || graph.bonds.length !== n - 1) throw new InputError("graph", `expected one linear chain (2 ends, ${n - 1} bonds), got ${ends.length} ends and ${graph.bonds.length} bonds`);
  const order = [ends[0]];
  while (order.length < n) {
    const last = order[order.length - 1], before = order[order.length - 2];
    order.push(graph.neighbors(last).find((b) => b !== before)!);
  }
  return Array.from({ length: Math.max(0, n - 3) }, (_, q) => [order[q], order[q + 1], order[q + 2], order[q + 3]] as const);
}

/** One distinct conformer: a relaxed minimum and how often the search met it. */
export interface Conformer {
  /** Positions (3 per atom) of its first meeting. */
  readonly x: Float64Array;
  /** Energy (the potential's units) of its first meeting. */
  readonly energy: number;
  /** Its backbone dihedrals (radians, in (-pi, pi]), in backbone order. */
  readonly dihedrals: Float64Array;
  /** Its key up to renumbering ({@link conformerKey}). */
  readonly key: string;
  /** Its key up to renumbering and mirror images ({@link enantiomerKey}). */
  readonly enantiomerKey: string;
  /** Which minimization (0, 1, ...) first met it. */
  readonly firstFound: number;
  /** How many minimizations met it. */
  hits: number;
}

/**
 * A set of conformers: `add` a relaxed minimum and learn whether it is new.
 * Two minima are one conformer when their {@link conformerKey}s agree and
 * their energies differ by at most `energyTolerance`.
 */
export class ConformerSet {
  readonly backbone: readonly Dihedral[];
  readonly energyTolerance: number;
  private readonly list: Conformer[] = [];
  private added = 0;

  /**
   * @param backbone the dihedrals that name a conformer (e.g. {@link chainBackbone})
   * @param energyTolerance largest energy difference of one conformer met twice (default 1e-6, in the potential's units)
   * @throws {InputError} naming `energyTolerance` unless non-negative
   */
  constructor(backbone: readonly Dihedral[], energyTolerance = 1e-6) {
    if (!(energyTolerance >= 0 && Number.isFinite(energyTolerance))) throw new InputError("energyTolerance", `expected a non-negative energy, got ${energyTolerance}`);
    this.backbone = backbone;
    this.energyTolerance = energyTolerance;
  }

  /** Records a relaxed minimum (x is copied); returns its conformer and whether it is new. */
  add(x: Float64Array, energy: number): { conformer: Conformer; isNew: boolean } {
    const dihedrals = Float64Array.from(this.backbone, ([i, j, k, l]) => dihedralAngle(x, i, j, k, l));
    const key = conformerKey(dihedrals);
    const index = this.added++;
    const seen = this.list.find((c) => c.key === key && Math.abs(c.energy - energy) <= this.energyTolerance);
    if (seen !== undefined) {
      seen.hits++;
      return { conformer: seen, isNew: false };
    }
    const conformer: Conformer = { x: Float64Array.from(x), energy, dihedrals, key, enantiomerKey: enantiomerKey(dihedrals), firstFound: index, hits: 1 };
    this.list.push(conformer);
    return { conformer, isNew: true };
  }

  /** Minima added so far. */
  get minimizations(): number {
    return this.added;
  }

  /** The distinct conformers, lowest energy first (ties by key). */
  conformers(): Conformer[] {
    return this.list.slice().sort((a, b) => a.energy - b.energy || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  /** Number of distinct conformers up to mirror images (an enantiomer pair counts once). */
  enantiomerClasses(): number {
    const classes: { key: string; energy: number }[] = [];
    for (const c of this.list) {
      if (!classes.some((k) => k.key === c.enantiomerKey && Math.abs(k.energy - c.energy) <= this.energyTolerance)) classes.push({ key: c.enantiomerKey, energy: c.energy });
    }
    return classes.length;
  }
}
