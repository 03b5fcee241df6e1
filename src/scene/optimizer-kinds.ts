/**
 * The optimizers a scene may name: the one vocabulary the scene schemas
 * validate against and the engine choices map to methods (engine-choices.ts),
 * kept apart so the schemas need not import the engine.
 */
export const OPTIMIZER_KINDS = ["lbfgs", "nonlinear-cg", "steepest-descent", "heavy-ball", "nesterov", "adam", "newton-cg"] as const;

/** A scene optimizer's name. */
export type OptimizerKind = (typeof OPTIMIZER_KINDS)[number];
