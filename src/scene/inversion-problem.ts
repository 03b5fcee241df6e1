/**
 * What a physics builds from its inversion scene, and all the generic runner
 * ({@link runInversion}) needs: the unknown model (shape, axes, units, truth,
 * start), the stages of the schedule with their objectives, the choices of
 * the engine, and the arrays the physics adds to the run folder. Adding a
 * physics costs one builder of this and one entry in the registry of scene
 * kinds (src/scene/kinds.ts).
 */
import type { Field } from "../core/contract.js";
import type { Optimizer } from "../inversion/continuation.js";
import type { DataObjective } from "../inversion/objective.js";
import type { Parametrization } from "../inversion/parametrization.js";
import type { ArrayMeta, Axis } from "../run/folder.js";
import type { Progress } from "./progress.js";

/** An array for the run folder, written in the order given. */
export interface OutputArray {
  name: string;
  data: Field;
  meta: ArrayMeta;
}

/** One stage of the schedule (a frequency band, say): its label, budget and objective. */
export interface InversionStage {
  /** Shown in progress lines and stored with the stage history (the viewer's timeline). */
  label: string;
  iterations: number;
  /** The stage's objective in the optimization variables x (built when the stage starts). */
  objective(): DataObjective;
}

/** The unknown model. */
export interface ModelDescription {
  /** Its name in the run folder: `true_<name>`, `start_<name>`, and `<name>` for the final model. */
  name: string;
  shape: number[];
  axes: Axis[];
  units: string;
}

/** How to predict and describe the data of a model, stored about 20 times over the run for the viewer. */
export interface DataSnapshots {
  predict(model: Float64Array): Float64Array;
  shape: number[];
  axes: Axis[];
  units: string;
}

/** What the physics adds once the schedule has run; R: its extra result fields. */
export interface Finish<R extends object = object> {
  /** Written after the final model, in this order (gradient, predicted data, fields, ...). */
  arrays: OutputArray[];
  /** Extra fields of the manifest's `result` and of the run's summary. */
  result?: R;
}

/** An inversion as a physics describes it; R: the extra fields of its result. */
export interface InversionProblem<R extends object = object> {
  model: ModelDescription;
  /** The true model (null: unknown), for the model error |m - truth| / |truth - errorReference|. */
  truth: Float64Array | null;
  /** 0 unless given (temperatures are judged against their mean, not against 0 K). */
  errorReference?: number;
  /** The model error of a model when the relative error above does not fit (models of several units). */
  modelError?(model: Float64Array): number;
  start: Float64Array;
  /** Model <-> optimization variables x. */
  parametrization: Parametrization;
  /** Fixed preconditioning x = scale * z: the optimizer works in z (default: none). */
  scale?: Float64Array;
  optimizer: Optimizer;
  stages: InversionStage[];
  /** Names of the objective's terms (the same for every stage), in the order of the `terms` history. */
  termNames: string[];
  /** Arrays written before the first iteration, after the truth and the start (observed data, geometry). */
  inputs: OutputArray[];
  snapshots?: DataSnapshots;
  /** The arrays and result fields of the final model `model` (optimization variables `x`). */
  finish(x: Float64Array, model: Float64Array, progress: Progress): Finish<R>;
  /** Releases what the problem holds (worker pools); called once, on success or failure. */
  close?(): void;
}
