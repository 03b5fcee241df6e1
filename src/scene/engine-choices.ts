/** What inversion scenes of every kind choose from the engine by name: optimizers and regularizers. */
import { InputError } from "../core/errors.js";
import type { Optimizer } from "../inversion/continuation.js";
import { lbfgs, nonlinearCG, steepestDescent } from "../inversion/methods.js";
import type { WeightedRegularizer } from "../inversion/objective.js";
import { damping, smoothness, totalVariation, type DifferenceShape } from "../inversion/regularization.js";

/** The scene optimizers, each spending its iteration budget (gradient tolerance 0) and resumable. */
export const OPTIMIZERS: Record<"lbfgs" | "nonlinear-cg" | "steepest-descent", Optimizer> = {
  lbfgs: (f, x0, maxIterations, resume) => lbfgs(f, x0, { maxIterations, gradientTolerance: 0, resume }),
  "nonlinear-cg": (f, x0, maxIterations, resume) => nonlinearCG(f, x0, { maxIterations, gradientTolerance: 0, resume }),
  "steepest-descent": (f, x0, maxIterations, resume) => steepestDescent(f, x0, { maxIterations, gradientTolerance: 0, resume }),
};

/** A scene's regularization entry. */
export interface RegularizationSpec {
  kind: "damping" | "smoothness" | "total-variation";
  weight: number;
  epsilon?: number;
}

/**
 * The weighted regularizers of a scene on a model of `shape` (profile length
 * or grid); `weight0` replaces the first term's weight (an L-curve). A kind
 * listed twice is refused: its terms would share one name in the history.
 */
export function regularizersOf(specs: RegularizationSpec[], shape: DifferenceShape, weight0?: number): WeightedRegularizer[] {
  specs.forEach((r, j) => {
    if (specs.findIndex((q) => q.kind === r.kind) < j) throw new InputError(`regularization[${j}].kind`, `"${r.kind}" appears twice: give one term per kind (weights add)`);
  });
  return specs.map((r, j) => ({
    weight: j === 0 && weight0 !== undefined ? weight0 : r.weight,
    term: r.kind === "damping" ? damping() : r.kind === "smoothness" ? smoothness(shape) : totalVariation(shape, r.epsilon ?? 1),
  }));
}
