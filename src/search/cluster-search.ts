/**
 * The basin-hopping options of a cluster search, assembled once from its moves (the scene
 * runner and the bench share this): the physics-free engine receives the cluster's geometry
 * as parts — a step taker, a local minimizer, a reseeding start, a containment rule.
 */
import type { BasinHoppingOptions } from "../inversion/basin-hopping.js";
import { lbfgsRelaxation } from "../inversion/basin-hopping-parts.js";
import { containment } from "../molecular/cluster.js";
import { clusterSteps, randomReseeding } from "./cluster-moves.js";
import { compressedRelaxation } from "./compressed-relaxation.js";
import { dynamicLatticeRelaxation } from "./dynamic-lattice.js";
import type { PairPotential } from "../molecular/pair.js";

/** The moves of a cluster search (each off unless set), in the units of the pair potential. */
export interface ClusterMoves {
  /** Probability that a step is an angular move of the least-bound atom (see {@link clusterSteps}). Default 0. */
  angular?: number;
  /** Surface points an angular move draws, keeping the lowest for the moved atom. Default 1. */
  angularCandidates?: number;
  /** Weight mu (energy / length^2) of the compression of a two-phase relaxation (see {@link compressedRelaxation}); 0: one phase. Default 0. */
  compression?: number;
  /** Restart from a new random cluster after this many steps without a new lowest minimum of the current run. Default: never. */
  reseedAfter?: number;
  /**
   * Rounds of dynamic lattice searching after each relaxation (see {@link dynamicLatticeRelaxation}):
   * the trial is relaxed as without them (two-phase with `compression`), each lattice search's result
   * in one plain phase; 0: none. Default 0.
   */
  lattice?: number;
}

/** Settings of {@link clusterSearch}. */
export interface ClusterSearchSettings extends ClusterMoves {
  atoms: number;
  pair: PairPotential;
  /** Atoms farther than this from the centroid are pulled back after each step. */
  containment: number;
  /** Number density of the reseeds' random clusters (as the start's). */
  density: number;
  /** The relaxation's search tolerance (see {@link lbfgsRelaxation}); default its own. */
  searchTolerance?: number;
}

/**
 * The parts of {@link BasinHoppingOptions} a cluster search with these moves needs (spread them
 * into the options beside seed, steps, temperature and step size).
 */
export function clusterSearch(s: ClusterSearchSettings): Partial<BasinHoppingOptions> {
  const options: Partial<BasinHoppingOptions> = { constrain: containment(s.containment) };
  if ((s.angular ?? 0) > 0) options.stepTaker = clusterSteps({ pair: s.pair, angular: s.angular!, candidates: s.angularCandidates });
  const plain = lbfgsRelaxation({ searchTolerance: s.searchTolerance });
  if ((s.compression ?? 0) > 0) options.localMinimizer = compressedRelaxation(s.compression!, plain);
  if ((s.lattice ?? 0) > 0) options.localMinimizer = dynamicLatticeRelaxation(s.pair, options.localMinimizer ?? plain, plain, { rounds: s.lattice });
  if (options.localMinimizer === undefined && s.searchTolerance !== undefined) options.searchTolerance = s.searchTolerance;
  if (s.reseedAfter !== undefined) options.reseed = randomReseeding(s.atoms, s.reseedAfter, s.density);
  return options;
}
