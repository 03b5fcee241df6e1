/** What inversion scenes of every kind choose from the engine by name: optimizers and regularizers. */
import { InputError } from "../core/errors.js";
import type { Optimizer } from "../inversion/continuation.js";
import { adam } from "../inversion/adam.js";
import { lbfgs, nonlinearCG, steepestDescent } from "../inversion/methods.js";
import { heavyBall, nesterov } from "../inversion/momentum.js";
import { newtonCG } from "../inversion/newton-cg.js";
import { projectedLbfgs, type Bounds } from "../inversion/projected.js";
import type { OptimizerEntry, OptimizerKind } from "./optimizer-kinds.js";
import type { WeightedRegularizer } from "../inversion/objective.js";
import { damping, smoothness, totalVariation, type DifferenceShape } from "../inversion/regularization.js";

/**
 * Each scene optimizer made from the options of its entry (schema: optimizer-kinds.ts) and, for
 * the kinds in BOUNDED_KINDS, box bounds (L-BFGS then runs as projected L-BFGS).
 */
const OPTIMIZERS: Record<OptimizerKind, (entry: OptimizerEntry, bounds?: Bounds) => Optimizer> = {
  lbfgs: (_, bounds) => ({ objective }, x0, maxIterations, resume) =>
    bounds === undefined ? lbfgs(objective, x0, { maxIterations, gradientTolerance: 0, resume }) : projectedLbfgs(objective, x0, bounds, { maxIterations, gradientTolerance: 0, resume }),
  "nonlinear-cg": () => ({ objective }, x0, maxIterations, resume) => nonlinearCG(objective, x0, { maxIterations, gradientTolerance: 0, resume }),
  "steepest-descent": () => ({ objective }, x0, maxIterations, resume) => steepestDescent(objective, x0, { maxIterations, gradientTolerance: 0, resume }),
  "heavy-ball": ({ step, momentum }, bounds) => ({ objective }, x0, maxIterations, resume) => heavyBall(objective, x0, { step, momentum, bounds, maxIterations, gradientTolerance: 0, resume }),
  nesterov: ({ step, momentum }, bounds) => ({ objective }, x0, maxIterations, resume) => nesterov(objective, x0, { step, momentum, bounds, maxIterations, gradientTolerance: 0, resume }),
  adam: ({ step = 0.01 }, bounds) => ({ objective }, x0, maxIterations, resume) => adam(objective, x0, { step, bounds, maxIterations, gradientTolerance: 0, resume }),
  "newton-cg": ({ radius, cgIterations = 10 }) => ({ objective, hessianVector }, x0, maxIterations, resume) =>
    newtonCG(objective, x0, { hessianVector, radius, cgIterations, maxIterations, gradientTolerance: 0, resume }),
};

/** The kinds that keep bounds (by projection); the others are refused when a scene has bounds. */
const BOUNDED_KINDS: readonly OptimizerKind[] = ["lbfgs", "heavy-ball", "nesterov", "adam"];

/**
 * The optimizer of a scene's entry, spending each stage's iteration budget (gradient tolerance 0)
 * and resumable. Unset options keep the choices scenes had before they could set them: the
 * momentum methods backtrack their steps (momentum 0.9, restarts), Adam's step is 0.01 in the
 * optimization variables (the engine's default 0.001), Newton-CG's radius 1 and at most 10 CG
 * iterations a step (the engine's default: one a variable). Newton-CG takes the stage's
 * Gauss-Newton products where it has them (see dataObjective) and differences the gradient for
 * its products where not (one evaluation each). With `bounds` (in the optimizer's variables),
 * L-BFGS runs projected and the momentum methods and Adam project their steps; the other kinds
 * are refused, naming optimizer.kind.
 */
export function optimizerOf(entry: OptimizerEntry, bounds?: Bounds): Optimizer {
  if (bounds !== undefined && !BOUNDED_KINDS.includes(entry.kind)) {
    throw new InputError("optimizer.kind", `"${entry.kind}" does not keep bounds: choose ${BOUNDED_KINDS.map((k) => `"${k}"`).join(", ")} (each keeps them by projection), or remove the bounds`);
  }
  return OPTIMIZERS[entry.kind](entry, bounds);
}

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
