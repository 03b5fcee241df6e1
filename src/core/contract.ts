/**
 * The differentiable contract that every gradscape simulator implements.
 *
 * A simulator is a map F from a model m (an ndarray of parameters: velocities,
 * conductivities, potential parameters, positions) to data d = F(m) (traces,
 * sensor series, energies). It exposes F, its Jacobian J = dF/dm applied to a
 * perturbation (`jvp`) and the transpose of J applied to a data-space vector
 * (`vjp`, the adjoint). Losses, optimizers and user code only ever see this
 * interface, so anything that speaks it composes with anything else.
 *
 * Models and data are `ndarray` views over Float64Array storage in row-major
 * (C) order. Functions that take them read and write the flat storage through
 * {@link flatten}.
 */
import type { NdArray } from "ndarray";

/** An n-dimensional array of float64 values, as used for models and data. */
export type Field = NdArray<Float64Array>;

/**
 * The state a forward run keeps so that derivatives need no second forward run.
 *
 * `vjp` and `jvp` may be called any number of times; each reuses what the
 * forward run stored (see the simulator's documentation for what that is and
 * how much memory it holds).
 */
export interface Linearization {
  /** F(m): the forward data. */
  readonly data: Field;
  /** J^T dData: the gradient pulled back to the model. Same shape as the model. */
  vjp(dData: Field): Field;
  /** J dModel: the linearized (Born) data. Same shape as `data`. */
  jvp?(dModel: Field): Field;
}

/** A differentiable simulator m -> F(m). */
export interface Differentiable {
  /** F(m). */
  forward(model: Field): Field;
  /** J(m)^T dData. Equivalent to `linearize(model).vjp(dData)`. */
  vjp(model: Field, dData: Field): Field;
  /** J(m) dModel. Optional: simulators that have no linearization omit it. */
  jvp?(model: Field, dModel: Field): Field;
  /** One forward run, returning the data with derivative closures that reuse its state. */
  linearize(model: Field): Linearization;
}

/**
 * What a time-stepping simulator shows an observer of its forward run: the
 * field on the model cells at time index `timeIndex` of shot `shot` (0 for a
 * simulator without shots). One object per run, updated in place, and `field`
 * a view: both valid during the call only (copy what you keep).
 */
export interface StepView {
  shot: number;
  timeIndex: number;
  /** The wavefield on the model cells: float64, or float32 for a simulator of that precision. */
  field: Float64Array | Float32Array;
}

/** Observation of a forward run, the same for every time-stepping simulator. */
export interface ForwardOptions {
  /** Called every `every` time indices from index 0, for each shot. */
  onStep?: (step: StepView) => void;
  /** Interval of `onStep` calls in time indices (a positive integer). Default 1. */
  every?: number;
}
