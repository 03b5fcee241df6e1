/**
 * gradscape: differentiable physics simulators with exact adjoint gradients.
 *
 * This entry point runs anywhere JavaScript does (Node, browsers, workers):
 * nothing reachable from it imports a Node built-in, and the project's tests
 * bundle it with `esbuild --platform=browser`. The Node-only parts (run
 * folders, scene files, the viewer's server, worker-thread shot pools) are in
 * `gradscape/node` (src/node.ts).
 *
 * @packageDocumentation
 */
export type { Differentiable, Field, Linearization } from "./core/contract.js";
export { field, zeros, flatten, dot, axpy, norm } from "./core/arrays.js";
export { taylorTest, dotTest } from "./core/gradcheck.js";
export type { TaylorResult, TaylorOptions, DotTestResult, DotTestOptions, ValueAndGradient } from "./core/gradcheck.js";
export { checkpointPlan, revolve, segmentStart } from "./core/checkpoint.js";
export type { CheckpointAction, CheckpointPlan } from "./core/checkpoint.js";
export { Random } from "./core/random.js";
export { IllConditionedError, InputError, NonFiniteError } from "./core/errors.js";
export { memoryLimit, setMemoryLimit, checkMemory, formatBytes } from "./core/memory.js";
export type { MemoryPart } from "./core/memory.js";
export { WaveSimulator } from "./wave/simulator.js";
export { backendInfo } from "./wave/backend.js";
export type { BackendInfo, BackendName } from "./wave/backend.js";
export type { WaveGradients } from "./wave/simulator.js";
export { WaveSimulator2D } from "./wave/simulator2d.js";
export type { Wave2DGradients } from "./wave/simulator2d.js";
export type { Wave2DConfig, Shot2D, Point2D } from "./wave/grid2d.js";
export type { StoragePlan } from "./wave/checkpointing.js";
export type { ForwardOptions, StepView } from "./core/contract.js";
export type { WaveConfig, Shot, BoundaryKind, PmlOptions, Storage } from "./wave/config.js";
export type { Precision } from "./wave/precision.js";
export { ricker } from "./wave/wavelet.js";
export { waveMemory } from "./wave/config.js";
export { courantLimit, stencil } from "./wave/stencil.js";
export type { SpatialOrder, Stencil } from "./wave/stencil.js";
export { encodeNpy, decodeNpy } from "./run/npy.js";
export type { Manifest, ArrayEntry, Axis } from "./run/manifest.js";
export type { Objective, OptimizeResult, IterationEvent, StoppingRules, Status, HessianVectorProduct, OptimizerState } from "./inversion/types.js";
export { STATUS_MESSAGES } from "./inversion/types.js";
export { run } from "./inversion/descent.js";
export type { DescentOptions } from "./inversion/descent.js";
export { lbfgs, nonlinearCG, steepestDescent } from "./inversion/methods.js";
export type { LbfgsOptions } from "./inversion/methods.js";
export { strongWolfe, backtracking } from "./inversion/line-search.js";
export { leastSquares, huber, normalizedCrossCorrelation } from "./inversion/misfit.js";
export { adversarial, adversarialObjective, worstCase, type WorstCase } from "./inversion/worst-case.js";
export { gradientSimilarity, jointObjective, type Coupling, type JointBlock, type JointObjective, type WeightedCoupling } from "./inversion/joint.js";
export type { Misfit } from "./inversion/misfit.js";
export { damping, smoothness, totalVariation } from "./inversion/regularization.js";
export type { Regularizer } from "./inversion/regularization.js";
export { identity, logarithm, slowness, squaredSlowness } from "./inversion/parametrization.js";
export type { Parametrization } from "./inversion/parametrization.js";
export { dataObjective } from "./inversion/objective.js";
export type { DataObjective, DataObjectiveSpec, WeightedRegularizer } from "./inversion/objective.js";
export { projectedLbfgs, project, boxOf, projectedGradientNorm } from "./inversion/projected.js";
export type { Bounds, ProjectedOptions } from "./inversion/projected.js";
export { fista, softThreshold } from "./inversion/fista.js";
export { heavyBall, nesterov, optimalMomentum } from "./inversion/momentum.js";
export type { MomentumOptions, MomentumMethod } from "./inversion/momentum.js";
export { adam } from "./inversion/adam.js";
export type { AdamOptions } from "./inversion/adam.js";
export { newtonCG } from "./inversion/newton-cg.js";
export type { NewtonCGOptions, NewtonCGEvent, NewtonCGResult } from "./inversion/newton-cg.js";
export type { FistaOptions } from "./inversion/fista.js";
export { gaussNewton } from "./inversion/gauss-newton.js";
export type { GaussNewtonSpec, GaussNewtonOptions } from "./inversion/gauss-newton.js";
export { continuation, lbfgsOptimizer } from "./inversion/continuation.js";
export type { Stage, StageEvent, StageObjective, Optimizer, ContinuationState } from "./inversion/continuation.js";
export { lowPass } from "./wave/filter.js";
export { trialValue } from "./inversion/line-search.js";
export { diagonalPreconditioner, preconditionerScale, scaledObjective } from "./inversion/precondition.js";
export type { Preconditioned } from "./inversion/precondition.js";
export { serialShotObjective } from "./parallel/serial.js";
export type { ShotProblem, Wave1DShotProblem, Wave2DShotProblem, MisfitSpec } from "./parallel/shot-term.js";
export { HeatSimulator } from "./heat/simulator.js";
export { heatMemory } from "./heat/config.js";
export type { HeatGradients, HeatLinearization } from "./heat/simulator.js";
export type { HeatConfig, HeatScheme, HeatBoundary, HeatSource, HeatStorage, Series } from "./heat/config.js";
export { restrict } from "./core/restrict.js";
export { lennardJones, morse, buckingham, PairPotential } from "./molecular/pair.js";
export type { PairFunction, PairValues, CutoffMode, SquaredKernel, ParameterDomain } from "./molecular/pair.js";
export { Potential, PotentialEnergy } from "./molecular/potential.js";
export { PairTerm } from "./molecular/pair-term.js";
export type { EnergyTerm } from "./molecular/term.js";
export { pairList, minimumImage } from "./molecular/neighbors.js";
export { HarmonicBonds, HarmonicAngles } from "./molecular/bonded.js";
export { Torsions } from "./molecular/torsion.js";
export type { Dihedral } from "./molecular/torsion.js";
export { oplsTorsion, periodicTorsion } from "./molecular/torsion-functions.js";
export type { TorsionFunction, TorsionValues } from "./molecular/torsion-functions.js";
export { dihedralAngle } from "./molecular/dihedral.js";
export { BondGraph } from "./molecular/bond-graph.js";
export type { AtomPair, ScaledPairs } from "./molecular/bond-graph.js";
export { ListedPairs } from "./molecular/listed-pairs.js";
export { setDihedral } from "./molecular/internal-coordinates.js";
export { trappeUA, unitedAtomSites, TRAPPE_UA, KCAL_PER_MOL_PER_KELVIN } from "./molecular/trappe.js";
export type { UnitedAtom } from "./molecular/trappe.js";
export { linearAlkane } from "./molecular/alkane.js";
export type { Molecule } from "./molecular/alkane.js";
export { staggeredClass, staggeredClasses, conformerKey, enantiomerKey, isAchiral, STAGGERED } from "./molecular/conformer-key.js";
export type { StaggeredClass } from "./molecular/conformer-key.js";
export { chainBackbone, ConformerSet } from "./molecular/conformer-set.js";
export type { Conformer } from "./molecular/conformer-set.js";
export { enumerateConformers, searchConformers, torsionMove } from "./search/conformer-search.js";
export type { ConformerSearchResult, ConformerSearchOptions, EnumerationOptions, RelaxationSettings, StartRun } from "./search/conformer-search.js";
export type { Box, PairList } from "./molecular/neighbors.js";
export { randomCluster, randomClusterFrom, containment, energyObjective, distanceFingerprint, distinctStructures } from "./molecular/cluster.js";
export { atomEnergies, angularMove, clusterSteps, randomReseeding } from "./search/cluster-moves.js";
export type { ClusterStepOptions } from "./search/cluster-moves.js";
export { compressed, compressedRelaxation } from "./search/compressed-relaxation.js";
export { dynamicLatticeRelaxation, latticeSearch, latticeSites, pairMinimum } from "./search/dynamic-lattice.js";
export type { DynamicLatticeOptions, DynamicLatticeRelaxationOptions } from "./search/dynamic-lattice.js";
export { clusterSearch } from "./search/cluster-search.js";
export type { ClusterMoves, ClusterSearchSettings } from "./search/cluster-search.js";
export { basinHopping } from "./inversion/basin-hopping.js";
export type { BasinHoppingOptions, BasinHoppingResult, BasinHoppingEvent, TrialSummary } from "./inversion/basin-hopping.js";
export { uniformDisplacement, metropolis, adaptiveStepSize, lbfgsRelaxation, acceptedMinimaList } from "./inversion/basin-hopping-parts.js";
export type {
  AcceptedMinimum, Minimum, StepTaker, AcceptanceTest, StepSizeRule, StepSizeAdaptation, LocalMinimizer, LbfgsRelaxationOptions, Relaxation, MinimaStorage, Reseeding,
} from "./inversion/basin-hopping-parts.js";
export { vibrationalFrequencies } from "./molecular/vibrations.js";
export type { Vibrations } from "./molecular/vibrations.js";
export { fire } from "./inversion/fire.js";
export type { FireOptions } from "./inversion/fire.js";
export { ParameterEnergies } from "./molecular/calibration.js";
export type { ParameterEnergiesOptions } from "./molecular/calibration.js";
export { laplaceCovariance } from "./inversion/laplace.js";
export type { LaplaceApproximation } from "./inversion/laplace.js";
