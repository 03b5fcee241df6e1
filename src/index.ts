/**
 * gradscape: differentiable physics simulators with exact adjoint gradients.
 *
 * @packageDocumentation
 */
export type { Differentiable, Field, Linearization } from "./core/contract.js";
export { field, zeros, flatten, dot, axpy, norm } from "./core/arrays.js";
export { taylorTest, dotTest } from "./core/gradcheck.js";
export type { TaylorResult, TaylorOptions, DotTestResult, DotTestOptions, ValueAndGradient } from "./core/gradcheck.js";
export { revolve } from "./core/checkpoint.js";
export type { CheckpointAction } from "./core/checkpoint.js";
export { Random } from "./core/random.js";
export { InputError, NonFiniteError } from "./core/errors.js";
export { WaveSimulator } from "./wave/simulator.js";
export type { WaveGradients, ForwardOptions } from "./wave/simulator.js";
export type { WaveConfig, Shot, BoundaryKind, PmlOptions, Storage } from "./wave/config.js";
export { ricker } from "./wave/wavelet.js";
export { courantLimit, stencil } from "./wave/stencil.js";
export type { SpatialOrder, Stencil } from "./wave/stencil.js";
export { encodeNpy, decodeNpy } from "./run/npy.js";
export { RunWriter, readRun } from "./run/folder.js";
export type { Manifest, ArrayEntry, Axis } from "./run/folder.js";
export { loadScene, parseScene } from "./scene/load.js";
export { sceneJsonSchema } from "./scene/schema.js";
export { runWaveForward } from "./scene/wave-forward.js";
export type { Objective, OptimizeResult, IterationEvent, StoppingRules, Status } from "./inversion/types.js";
export { STATUS_MESSAGES } from "./inversion/types.js";
export { run } from "./inversion/descent.js";
export type { DescentOptions } from "./inversion/descent.js";
export { lbfgs, nonlinearCG, steepestDescent } from "./inversion/methods.js";
export type { LbfgsOptions } from "./inversion/methods.js";
export { strongWolfe, backtracking } from "./inversion/line-search.js";
export { leastSquares, huber, normalizedCrossCorrelation } from "./inversion/misfit.js";
export type { Misfit } from "./inversion/misfit.js";
export { damping, smoothness, totalVariation } from "./inversion/regularization.js";
export type { Regularizer } from "./inversion/regularization.js";
export { identity, logarithm, slowness, squaredSlowness } from "./inversion/parametrization.js";
export type { Parametrization } from "./inversion/parametrization.js";
export { dataObjective } from "./inversion/objective.js";
export type { DataObjective, DataObjectiveSpec, WeightedRegularizer } from "./inversion/objective.js";
export { projectedLbfgs, project, boxOf } from "./inversion/projected.js";
export type { Bounds, ProjectedOptions } from "./inversion/projected.js";
export { fista, softThreshold } from "./inversion/fista.js";
export type { FistaOptions } from "./inversion/fista.js";
export { gaussNewton } from "./inversion/gauss-newton.js";
export type { GaussNewtonSpec, GaussNewtonOptions } from "./inversion/gauss-newton.js";
export { continuation, lbfgsOptimizer } from "./inversion/continuation.js";
export type { Band, BandEvent, Optimizer } from "./inversion/continuation.js";
export { lowPass } from "./inversion/filter.js";
export { trialValue } from "./inversion/line-search.js";
export { diagonalPreconditioner, preconditionerScale, scaledObjective } from "./inversion/precondition.js";
export type { Preconditioned } from "./inversion/precondition.js";
export { ShotPool, serialShotObjective } from "./parallel/pool.js";
export type { ShotProblem, MisfitSpec } from "./parallel/shot-term.js";
export { HeatSimulator } from "./heat/simulator.js";
export type { HeatGradients, HeatLinearization } from "./heat/simulator.js";
export type { HeatConfig, HeatScheme, HeatBoundary, HeatSource, HeatStorage, Series } from "./heat/config.js";
export { restrict } from "./core/restrict.js";
