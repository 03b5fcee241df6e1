/** Schema bounds shared by every kind of scene. */

/**
 * Upper bounds of counts that are not memory (memory is estimated and checked
 * against the limit when a scene runs): far beyond any sensible scene, near
 * enough that a typo (1e9 iterations) is refused instead of running for days.
 */
export const LIMITS = {
  /** Optimizer iterations per band or fit. */
  iterations: 100_000,
  /** Shots of a wave scene. */
  shots: 10_000,
  /** Receivers of one shot, sensors of a heat scene. */
  receivers: 100_000,
  /** Layers, anomalies, inclusions, bumps, sources: pieces of a procedural model. */
  pieces: 10_000,
  /** Frequency bands, L-curve weights, fits. */
  stages: 100,
  /** Relative noise levels (fractions of the data's peak or range). */
  relativeNoise: 10,
  /** Regularization terms: one per kind (damping, smoothness, total variation). */
  regularizers: 3,
  /** Cells of an absorbing layer. */
  pmlWidth: 1000,
  /** Atoms of a cluster. */
  atoms: 100_000,
  /** Carbons of a chain in a conformer search. */
  chainCarbons: 1000,
  /** Basin-hopping steps, and gradient evaluations of a search. */
  searchSteps: 10_000_000,
  searchEvaluations: 1e12,
  /** The longest dimer separation of a calibration (the potential's length unit). */
  separation: 1e6,
} as const;
