/**
 * The 2D acoustic wave simulator: forward modelling on the kernels of kernel2d-real.h (native
 * or WebAssembly, float64 or float32), the problem as grid2d.ts describes it, and exact adjoint
 * gradients with respect to velocity and the wavelets (the forward's W^n of every step kept, full
 * storage, or recomputed from checkpoints by revolve over segments of W^n), and
 * Born modelling (the jvp: the background and the scattered field stepped together).
 *
 * Model: velocity, shape [nz, nx], m/s. Data: pressure u at the receivers, shape
 * [nshots, nreceivers, nt], sampled at t_n = n dt.
 */
import { field, flatten } from "../core/arrays.js";
import { checkpointPlan, executeSchedule, revolve, type CheckpointAction, type CheckpointPlan } from "../core/checkpoint.js";
import type { Field, Linearization } from "../core/contract.js";
import { InputError } from "../core/errors.js";
import { checkMemory } from "../core/memory.js";
import { assertFinite, checkField, checkShape } from "../core/validate.js";
import { storagePlanOf, type StoragePlan } from "./checkpointing.js";
import { checkVelocity2D, layout2D, stateValues2D, wave2DMemory, type Layout2D, type Wave2DConfig } from "./grid2d.js";
import { bytesPerValue, realArray, type Real } from "./precision.js";
import { Propagator2D } from "./propagator2d.js";

/** Gradients of one 2D adjoint run. */
export interface Wave2DGradients {
  /** dJ/dc, shape [nz, nx] (J per m/s). */
  velocity: Field;
  /** dJ/df for each shot's wavelet, shape [nshots, nt]. */
  wavelets: Field;
}

/** 2D acoustic simulator, second order in time and 2nd to 8th order in space. */
export class WaveSimulator2D {
  readonly layout: Layout2D;

  /** @throws {InputError} naming the offending field of `config`. */
  constructor(config: Wave2DConfig) {
    this.layout = layout2D(config);
  }

  /**
   * How the gradient's storage was resolved (an `auto` option included) and what it holds: full
   * storage's bytes, or checkpointing's plan, bytes (the states and the segment of W^n) and
   * forward runs recomputed per shot reversed.
   */
  get storagePlan(): StoragePlan {
    const lay = this.layout, cells = lay.sx * lay.sz;
    return storagePlanOf({
      precision: lay.precision, shots: lay.sources.length, steps: Math.max(lay.nt - 1, 1), stepValues: cells,
      stateValues: stateValues2D(lay), plan: lay.storage.mode === "full" ? null : this.schedule().plan,
    });
  }

  /**
   * Checkpointing's plan and revolve's actions over its segments (made once): the memory of
   * `snapshots` states spent on states and a segment of W^n (a step's cells over a state's
   * values: about 1/2 of a state a step on wide layers); `plain`: segments of one step.
   */
  private schedule(plain = false): { plan: CheckpointPlan; actions: CheckpointAction[] } {
    const make = () => {
      const lay = this.layout, budget = (lay.storage as { snapshots: number }).snapshots;
      const plan = checkpointPlan(Math.max(lay.nt - 1, 1), budget, plain ? budget : (lay.sx * lay.sz) / stateValues2D(lay));
      return { plan, actions: revolve(plan.segments, plan.snapshots) };
    };
    return plain ? make() : (this.checkpointing ??= make());
  }
  private checkpointing: { plan: CheckpointPlan; actions: CheckpointAction[] } | null = null;

  /** Shape of the data: [nshots, nreceivers, nt]. */
  get dataShape(): [number, number, number] {
    return [this.layout.sources.length, this.layout.nreceivers, this.layout.nt];
  }

  /** F(velocity): receiver data, shape [nshots, nreceivers, nt]. */
  forward(velocity: Field): Field {
    return this.run(this.velocityOf(velocity), new Propagator2D(this.layout, false));
  }

  /**
   * One forward run, with the data, `gradients(dData)`: dJ/dc, shape [nz, nx] (J per m/s), and
   * dJ/df of every shot's wavelet, shape [nshots, nt], for J with dJ/dData = dData; `vjp(dData)`:
   * the velocity part; and `jvp(dVelocity)`: J dc, the Born data [nshots, nreceivers, nt] (one
   * coupled background and scattered run per shot, in an arena of its own).
   *
   * Full storage keeps W^n of every step and shot in the forward run; checkpointing keeps the
   * forward states the plan (see {@link storagePlan}) saves and recomputes W^n segment by segment
   * in each shot's reverse (the gradients equal full storage's bit for bit).
   */
  linearize(velocity: Field): Linearization & { jvp(dVelocity: Field): Field; gradients(dData: Field): Wave2DGradients } {
    const lay = this.layout, c = this.velocityOf(velocity);
    const [ns] = this.dataShape, cells = lay.sx * lay.sz, v = bytesPerValue(lay.precision);
    const hint = "use fewer cells (nx, nz), time samples (nt) or shots, or raise the limit (--max-memory, setMemoryLimit)";
    let prop: Propagator2D, reverse: (s: number, residual: Float64Array) => void;
    if (lay.storage.mode === "full") {
      checkMemory("nt", [...wave2DMemory(cells, lay.nt, ns * lay.nreceivers, lay.precision),
        { what: "2D W^n of every step and shot (full storage)", bytes: v * ns * Math.max(lay.nt - 1, 1) * cells }], hint);
      prop = new Propagator2D(lay, true);
      reverse = (s, residual) => prop.reverseShot(s, residual);
    } else {
      let { plan, actions } = this.schedule();
      const parts = (p: CheckpointPlan) => [...wave2DMemory(cells, lay.nt, ns * lay.nreceivers, lay.precision),
        { what: `2D checkpoints: ${p.snapshots} forward states and W^n of a segment of ${p.segment} steps`, bytes: v * (p.snapshots * stateValues2D(lay) + p.segment * cells) },
        { what: "2D adjoint's C-PML memory arrays", bytes: v * 4 * cells }];
      checkMemory("storage.snapshots", parts(plan), hint);
      try {
        prop = new Propagator2D(lay, false, false, plan.segment);
      } catch (e) {
        // A segment too large for an arena: plain revolve (segments of one step).
        if (!(e instanceof RangeError) || plan.segment === 1) throw e;
        ({ plan, actions } = this.schedule(true));
        prop = new Propagator2D(lay, false, false, plan.segment);
      }
      const p = prop;
      const Arr = realArray(lay.precision);
      const slots: Real[] = Array.from({ length: plan.snapshots }, () => new Arr(p.stateLength()) as Real);
      reverse = (s, residual) => {
        p.loadShot(s);
        p.beginReverse(s, residual);
        if (lay.nt < 2) return; // no step to reverse
        executeSchedule(plan, actions, {
          save: (slot) => p.save(slots[slot]),
          restore: (slot) => p.restore(slots[slot]),
          advance: (n0, n1) => p.advanceSteps(n0, n1),
          reverse: (n0, n1) => (p.segmentSteps(n0, n1), p.reverseSegment(n0, n1)),
        });
      };
    }
    const data = this.run(c, prop);
    const gradients = (dData: Field) => this.adjoint(c, prop, reverse, dData);
    return { data, vjp: (dData: Field) => gradients(dData).velocity, gradients, jvp: (dVelocity: Field) => this.born(c, dVelocity) };
  }

  /** J dVelocity at `velocity`: the Born data, shape [nshots, nreceivers, nt]. */
  jvp(velocity: Field, dVelocity: Field): Field {
    return this.born(this.velocityOf(velocity), dVelocity);
  }

  /** J^T dData at `velocity`: dJ/dc, shape [nz, nx]. */
  vjp(velocity: Field, dData: Field): Field {
    return this.linearize(velocity).vjp(dData);
  }

  /** The velocity [nz, nx] checked, as float64 values. */
  private velocityOf(velocity: Field): Float64Array {
    const lay = this.layout;
    checkField(velocity, "velocity");
    if (velocity.shape.length !== 2 || velocity.shape[0] !== lay.nz || velocity.shape[1] !== lay.nx) {
      throw new InputError("velocity", `expected shape [${lay.nz}, ${lay.nx}] (nz, nx), got [${velocity.shape.join(", ")}]`);
    }
    const c = flatten(velocity);
    checkVelocity2D(lay, c);
    return c;
  }

  /** Every shot's forward run on `prop`, the data gathered. */
  private run(c: Float64Array, prop: Propagator2D): Field {
    const [ns, nr, nt] = this.dataShape;
    prop.setVelocity(c);
    const out = new Float64Array(ns * nr * nt);
    for (let s = 0; s < ns; s++) {
      prop.forwardShot(s);
      out.set(prop.traces, s * nr * nt);
    }
    assertFinite(out, "forward data");
    return field(out, [ns, nr, nt]);
  }

  /** Born modelling of every shot: J dc for dm = 2 c dc dt^2 on the working cells. */
  private born(c: Float64Array, dVelocity: Field): Field {
    const lay = this.layout, [ns, nr, nt] = this.dataShape, cells = lay.sx * lay.sz;
    checkShape(dVelocity, [lay.nz, lay.nx], "dVelocity");
    const dc = flatten(dVelocity);
    checkMemory("nx", [...wave2DMemory(cells, nt, ns * nr, lay.precision),
      { what: "2D Born modelling's scattered field", bytes: (bytesPerValue(lay.precision) * 8 + 8) * cells }],
    "use fewer cells (nx, nz) or time samples (nt), or raise the limit (--max-memory, setMemoryLimit)");
    const prop = new Propagator2D(lay, false, true);
    prop.setVelocity(c);
    prop.setPerturbation(c, dc);
    const out = new Float64Array(ns * nr * nt);
    for (let s = 0; s < ns; s++) {
      prop.bornShot(s);
      out.set(prop.traces, s * nr * nt);
    }
    assertFinite(out, "Born data");
    return field(out, [ns, nr, nt]);
  }

  /** The adjoint runs of every shot (`reverse`: over the stored W^n, or checkpointed): dJ/dc [nz, nx] and dJ/df [nshots, nt]. */
  private adjoint(c: Float64Array, prop: Propagator2D, reverse: (s: number, residual: Float64Array) => void, dData: Field): Wave2DGradients {
    const lay = this.layout, [ns, nr, nt] = this.dataShape;
    checkShape(dData, [ns, nr, nt], "dData");
    const residual = flatten(dData);
    prop.gradM.fill(0);
    const fBar = new Float64Array(ns * nt);
    for (let s = ns - 1; s >= 0; s--) {
      reverse(s, residual.subarray(s * nr * nt, (s + 1) * nr * nt));
      fBar.set(prop.fBar, s * nt);
    }
    const g = prop.velocityGradient(c);
    assertFinite(g, "velocity gradient");
    assertFinite(fBar, "wavelet gradient");
    return { velocity: field(g, [lay.nz, lay.nx]), wavelets: field(fBar, [ns, nt]) };
  }
}
