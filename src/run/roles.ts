/**
 * The run-folder vocabulary: what each array of a run folder is — its role,
 * recorded in its manifest entry. Writers (src/scene) give every array a
 * role; readers (the viewer's panels, scripts) choose arrays by role, never
 * by name patterns or scene fields. Names stay free for people to read.
 */

/** Every role, with what an array of that role holds. */
export const ROLES = {
  // The model of an inversion (or of a forward run).
  model: "the final model of an inversion, or the model of a forward run",
  models: "the model after every iteration (row 0: the start)",
  truth: "the model that made the observed data",
  start: "the starting model",
  gradient: "the gradient of the objective at the final model",
  gradients: "the gradient of the objective at every iterate",
  illumination: "the diagonal pseudo-Hessian that preconditioning uses",
  preconditioner: "the factor applied to the gradient by preconditioning",
  // A joint inversion's blocks: the stacked `models` row splits into blocks, each with the entry's `block` and `offset`.
  "block-truth": "the true model of one block of a joint inversion",
  "block-start": "the starting model of one block of a joint inversion",
  "block-model": "the final model of one block of a joint inversion",
  // Data.
  observed: "the data an inversion fits",
  data: "the data of a forward run",
  predicted: "the data of the final model",
  "predicted-snapshot": "the data of the model of iteration `iteration` (see the entry)",
  residual: "predicted minus observed data",
  geometry: "positions of sources, receivers or sensors",
  field: "a field over time of the final (or only) model: wavefield, temperature",
  // History, one value per iteration.
  misfit: "the objective",
  "gradient-norm": "the norm of the gradient",
  "model-error": "the relative model error against the truth",
  step: "the line search's step",
  terms: "each term of the objective",
  stage: "the stage of each iteration, an index into the entry's `labels`",
  // An L-curve, one value per regularization weight.
  "l-curve-weight": "the weights of an L-curve",
  "l-curve-misfit": "the data misfit of each weight's result",
  "l-curve-norm": "the regularization norm of each weight's result",
  "l-curve-model-error": "the model error of each weight's result",
  // A global search over local minima.
  "accepted-positions": "every accepted minimum's positions, in order",
  "accepted-energy": "every accepted minimum's energy",
  "accepted-step": "the search step that found each accepted minimum",
  "accepted-structure": "which distinct structure each accepted minimum is",
  "best-positions": "the lowest minimum found",
  // The distinct conformers of a molecule, lowest energy first (their keys label the conformer axis).
  "conformer-positions": "each distinct conformer's positions",
  "conformer-energy": "each conformer's energy",
  "conformer-dihedrals": "each conformer's backbone dihedrals",
  "conformer-hits": "how many local minimizations met each conformer",
  "conformer-found": "the local minimization that first met each conformer",
  bonds: "the bonds of a molecule, pairs of atom indices",
  // A calibration of parameters to a reference curve; fits carry `fit` (their index).
  separation: "the abscissa of the reference curves",
  "reference-energy": "the noisy reference energies",
  "reference-force": "the noisy reference forces",
  "true-energy": "the noise-free reference energies",
  "true-force": "the noise-free reference forces",
  "fit-parameters": "a fit's parameters",
  "fit-standard-errors": "a fit's standard errors",
  "fit-covariance": "a fit's covariance",
  "fit-energy": "a fit's energies",
  "fit-force": "a fit's forces",
  // A sensor design: sensors moved by an optimizer; history roles (misfit, gradient-norm, terms) as above.
  designs: "the sensor positions after every iteration (row 0: the start), [iteration, sensor, coordinate] (m)",
  "design-domain": "the box the sensors stay in, [coordinate, 2]: min and max (m)",
  "design-targets": "what the design serves: candidate source positions, [source, coordinate] (m)",
  "design-target-value": "the final design's value for each target (its detection probability)",
  "design-random-values": "the criterion of random layouts, for comparison",
  "design-comparison": "a figure of merit of each compared design (row per design, its `labels`)",
} as const;

/** What an array of a run folder is. */
export type Role = keyof typeof ROLES;

/** The parts of a manifest entry that say what an array is. */
export interface RoleTags {
  role?: Role;
  /** For a `predicted-snapshot`: the iteration whose model predicted it. */
  iteration?: number;
  /** For the `fit-*` roles: which fit. */
  fit?: number;
  /** For the `block-*` roles: the block's name. */
  block?: string;
  /** For the `block-*` roles: where the block starts in a row of `models`. */
  offset?: number;
}
