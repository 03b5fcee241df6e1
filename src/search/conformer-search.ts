/**
 * Conformer search of a flexible chain: minima of its potential reached by
 * relaxing (the engine's L-BFGS, in Cartesian coordinates) from starts set
 * in torsion space, each recognized as a new or a repeated conformer
 * ({@link ConformerSet}).
 *
 * Two searches:
 *   - systematic: every combination of staggered backbone dihedrals (3^m
 *     starts for m rotatable bonds: 9 for pentane), each dihedral shaken by a
 *     few seeded degrees so that a start on a mirror plane (g+g- pentane) can
 *     leave it (a relaxation from an exactly symmetric point keeps the
 *     symmetry and may stop on a saddle);
 *   - basin hopping in torsion space from random starts: every backbone
 *     dihedral drawn uniformly, then the engine's basin hopping with a
 *     torsion move as its step taker (one random rotatable bond set to one of
 *     the two staggered classes it is not in, plus uniform noise), the
 *     Metropolis test at a temperature, and every relaxed trial recorded.
 *
 * Every random choice draws from one generator seeded by the caller.
 */
import { InputError } from "../core/errors.js";
import { Random } from "../core/random.js";
import { basinHopping } from "../inversion/basin-hopping.js";
import { lbfgsRelaxation, type LocalMinimizer, type StepTaker } from "../inversion/basin-hopping-parts.js";
import { run } from "../inversion/descent.js";
import type { Molecule } from "../molecular/alkane.js";
import { energyObjective } from "../molecular/cluster.js";
import { conformerKey, STAGGERED, staggeredClass, type StaggeredClass } from "../molecular/conformer-key.js";
import { chainBackbone, ConformerSet } from "../molecular/conformer-set.js";
import { dihedralAngle } from "../molecular/dihedral.js";
import { setDihedral } from "../molecular/internal-coordinates.js";
import type { Potential } from "../molecular/potential.js";
import type { Dihedral } from "../molecular/torsion.js";

const CLASSES: readonly StaggeredClass[] = ["t", "g+", "g-"];

/** What every conformer search reports. */
export interface ConformerSearchResult {
  /** The distinct conformers met (see {@link ConformerSet.conformers}: lowest energy first). */
  set: ConformerSet;
  /** Local minimizations made (relaxations that did not converge included). */
  localMinimizations: number;
  /** Gradient evaluations of all relaxations. */
  evaluations: number;
  /** Relaxations that did not converge (recorded nowhere). */
  failed: number;
  /** Basin hopping only: each start's run, its lowest minimum and where it was first met. */
  runs: StartRun[];
}

/** One start of {@link searchConformers}: its run's lowest minimum. */
export interface StartRun {
  /** Lowest energy of the run. */
  best: number;
  /** Its {@link conformerKey}. */
  key: string;
  /** The basin-hopping step (0: the relaxed start) that first met it. */
  foundAt: number;
  /** Local minimizations of the run. */
  localMinimizations: number;
}

/** Settings shared by both searches. */
export interface RelaxationSettings {
  /** Every relaxation stops at |gradient| <= this (potential units per length). Default 1e-6. */
  gradientTolerance?: number;
  /** Largest energy difference of one conformer met twice. Default 1e-6. */
  energyTolerance?: number;
}

/** A local minimizer that adds every converged relaxation to `set` and counts what it spent. */
function recording(set: ConformerSet, tolerance: number, tally: { minimizations: number; evaluations: number; failed: number }): LocalMinimizer {
  // Search and final tolerance equal: every minimum is relaxed fully before it is compared.
  const inner = lbfgsRelaxation({ gradientTolerance: tolerance, searchTolerance: tolerance });
  return {
    relax(f, x, maxEvaluations) {
      const r = inner.relax(f, x, maxEvaluations);
      tally.minimizations++;
      tally.evaluations += r.evaluations;
      if (r.converged && Number.isFinite(r.value)) set.add(r.x, r.value);
      else tally.failed++;
      return r;
    },
  };
}

/** The positions with each backbone dihedral set in turn to `angles` (radians). */
function withDihedrals(x: Float64Array, molecule: Molecule, backbone: readonly Dihedral[], angles: ArrayLike<number>): Float64Array {
  let y = x;
  backbone.forEach(([i, j, k, l], q) => (y = setDihedral(y, molecule.graph, i, j, k, l, angles[q])));
  return y;
}

/**
 * The torsion move: a uniformly chosen backbone dihedral set to the centre of
 * one of the two staggered classes it is not in (chosen uniformly) plus a
 * uniform angle in [-stepSize, stepSize) radians. Three draws per move.
 */
export function torsionMove(molecule: Molecule, backbone: readonly Dihedral[]): StepTaker {
  if (backbone.length === 0) throw new InputError("backbone", "a molecule without rotatable bonds has no torsion moves");
  return {
    take(x, stepSize, rng) {
      const [i, j, k, l] = backbone[Math.min(backbone.length - 1, Math.floor(rng.uniform() * backbone.length))];
      const others = CLASSES.filter((c) => c !== staggeredClass(dihedralAngle(x, i, j, k, l)));
      const target = STAGGERED[others[rng.uniform() < 0.5 ? 0 : 1]] + stepSize * (2 * rng.uniform() - 1);
      x.set(setDihedral(x, molecule.graph, i, j, k, l, target));
    },
  };
}

/** Options of {@link enumerateConformers}. */
export interface EnumerationOptions extends RelaxationSettings {
  /** Seed of the shakes. */
  seed: number;
  /** Each start's dihedrals are shaken by a uniform angle in [-shake, shake) radians. Default 5 deg. */
  shake?: number;
  /** Refuse more starts than this (3^m grows fast: dodecane has 19,683). Default 3^6 = 729. */
  maxStarts?: number;
}

/**
 * The systematic search: one relaxation from each of the 3^m combinations of
 * staggered backbone dihedrals (m rotatable bonds of a linear chain), in
 * order t, g+, g- with the first dihedral varying slowest.
 * @throws {InputError} naming `maxStarts` when 3^m exceeds it, or an option out of range
 */
export function enumerateConformers(molecule: Molecule, potential: Potential, options: EnumerationOptions): ConformerSearchResult {
  const backbone = chainBackbone(molecule.graph);
  const m = backbone.length, starts = 3 ** m;
  const maxStarts = options.maxStarts ?? 729;
  if (starts > maxStarts) throw new InputError("maxStarts", `${starts} starts (3^${m} combinations of ${m} rotatable bonds) exceed ${maxStarts}: search by basin hopping instead, or raise maxStarts`);
  const shake = options.shake ?? (5 * Math.PI) / 180;
  if (!(shake >= 0 && shake < Math.PI / 3)) throw new InputError("shake", `expected an angle in [0, pi/3) radians, got ${shake}`);
  const set = new ConformerSet(backbone, options.energyTolerance);
  const tally = { minimizations: 0, evaluations: 0, failed: 0 };
  const minimizer = recording(set, options.gradientTolerance ?? 1e-6, tally);
  const f = energyObjective(potential);
  const rng = new Random(options.seed);
  for (let s = 0; s < starts; s++) {
    const angles = backbone.map((_, q) => STAGGERED[CLASSES[Math.floor(s / 3 ** (m - 1 - q)) % 3]] + shake * (2 * rng.uniform() - 1));
    minimizer.relax(f, withDihedrals(molecule.positions, molecule, backbone, angles), Infinity);
  }
  return { set, localMinimizations: tally.minimizations, evaluations: tally.evaluations, failed: tally.failed, runs: [] };
}

/** Options of {@link searchConformers}. */
export interface ConformerSearchOptions extends RelaxationSettings {
  /** Seed of every random choice (starts, moves, acceptance). */
  seed: number;
  /** Random starts, each followed by its own basin-hopping run. */
  starts: number;
  /** Basin-hopping steps (torsion moves) after each start's relaxation. */
  steps: number;
  /** Metropolis temperature, in the potential's energy units (kcal/mol for TraPPE-UA). */
  temperature: number;
  /** Noise added to a move's staggered value: uniform in [-noise, noise) radians. Default 20 deg. */
  noise?: number;
  /** Stop when this many gradient evaluations are spent (checked by each run's relaxations). Default unlimited. */
  maxEvaluations?: number;
  /** Called after each start's run with its index (0, 1, ...) and the search so far. */
  onStart?: (start: number, sofar: ConformerSearchResult) => void;
}

/**
 * Basin hopping in torsion space from random starts (see the module comment).
 * Each start draws its dihedrals and its run's seed from the search's
 * generator, so the whole search is fixed by `seed`.
 * @throws {InputError} naming an option out of range
 */
export function searchConformers(molecule: Molecule, potential: Potential, options: ConformerSearchOptions): ConformerSearchResult {
  const backbone = chainBackbone(molecule.graph);
  for (const key of ["starts", "steps"] as const) {
    if (!Number.isInteger(options[key]) || options[key] < 1) throw new InputError(key, `expected a positive integer, got ${options[key]}`);
  }
  const noise = options.noise ?? (20 * Math.PI) / 180;
  if (!(noise >= 0 && noise < Math.PI / 3)) throw new InputError("noise", `expected an angle in [0, pi/3) radians, got ${noise}`);
  const set = new ConformerSet(backbone, options.energyTolerance);
  const tally = { minimizations: 0, evaluations: 0, failed: 0 };
  const minimizer = recording(set, options.gradientTolerance ?? 1e-6, tally);
  const f = energyObjective(potential);
  const rng = new Random(options.seed);
  const budget = options.maxEvaluations ?? Infinity;
  const runs: StartRun[] = [];
  const result = (): ConformerSearchResult => ({ set, localMinimizations: tally.minimizations, evaluations: tally.evaluations, failed: tally.failed, runs: runs.slice() });
  for (let s = 0; s < options.starts && tally.evaluations < budget; s++) {
    const angles = backbone.map(() => Math.PI * (2 * rng.uniform() - 1));
    const seed = rng.nextUint32();
    const r = run(basinHopping(f, withDihedrals(molecule.positions, molecule, backbone, angles), {
      seed, steps: options.steps, stepSize: noise, temperature: options.temperature,
      stepTaker: torsionMove(molecule, backbone),
      // The noise is a property of the move, not a displacement to adapt.
      stepSizeRule: { next: (size) => size },
      localMinimizer: minimizer,
      maxEvaluations: budget === Infinity ? undefined : budget - tally.evaluations,
    }));
    runs.push({ best: r.value, key: conformerKey(Float64Array.from(backbone, ([i, j, k, l]) => dihedralAngle(r.x, i, j, k, l))), foundAt: r.foundAt, localMinimizations: r.localMinimizations });
    options.onStart?.(s, result());
  }
  return result();
}
