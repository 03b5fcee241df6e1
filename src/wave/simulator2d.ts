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
import type { Differentiable, Field, ForwardOptions, Linearization, StepView } from "../core/contract.js";
import { InputError } from "../core/errors.js";
import { checkMemory } from "../core/memory.js";
import { assertFinite, checkField, checkShape } from "../core/validate.js";
import { storagePlanOf, type StoragePlan } from "./checkpointing.js";
import { checkVelocity2D, layout2D, stateValues2D, wave2DMemory, type Layout2D, type Wave2DConfig } from "./grid2d.js";
import { lowPassedWavelets } from "./filter.js";
import { illumination2DOf } from "./illumination2d.js";
import { bytesPerValue, realArray, type Real } from "./precision.js";
import { Propagator2D } from "./propagator2d.js";

/** Gradients of one 2D adjoint run. */
export interface Wave2DGradients {
  /** dJ/dc, shape [nz, nx] (J per m/s). */
  velocity: Field;
  /** dJ/df for each shot's wavelet, shape [nshots, nt]. */
  wavelets: Field;
}

/**
 * 2D acoustic wave simulator, second order in time and 2nd to 8th order in space, behind the
 * differentiable contract.
 *
 * Model: `velocity`, shape [nz, nx] (row iz at depth origin.z + iz dz), m/s. Data: pressure u
 * at the receivers, shape [nshots, nreceivers, nt], sampled at t_n = n dt. The equation is
 * (1/c^2) u_tt - (u_xx + u_zz) = f(t) delta(x - x_s) (grid2d.ts gives its Green's function);
 * the scheme and its adjoint are written out in kernel2d-real.h. C-PML layers absorb on every
 * side, or all but a free top (`top: "free"`).
 *
 * Memory of {@link linearize}: full storage keeps W^n of every step and shot, B nshots (nt - 1)
 * sx sz bytes (sx, sz: the working grid's columns and rows, layers and 8 ghost cells included;
 * B = 8 in float64, 4 in float32); checkpointing the memory of `snapshots` forward states (see
 * {@link storagePlan}). Full storage's memory is made once per thread and sizes: the last one
 * stays held and serves the next linearization of the same sizes (this simulator's or another's),
 * which takes it from the one before; that one's `vjp` and `gradients` stay valid and exact (the
 * same bits), but cost its forward run again, done into the memory it takes back.
 * {@link WaveSimulator2D.releaseStorage} lets it go.
 */
export class WaveSimulator2D implements Differentiable {
  /** The validated problem (grid, layers, shots' points and wavelets) the kernels run. */
  readonly layout: Layout2D;

  /**
   * Lets go of the full-storage memory kept for the next linearization (see the class's
   * comment), in this thread: it is freed once no linearization holds it.
   */
  static releaseStorage(): void {
    Propagator2D.releaseStored();
  }

  /**
   * @param problem the problem (see {@link Wave2DConfig}), or `{ layout }`: an already validated
   *   one (views of a simulator, e.g. {@link lowPassed}, vary its layout)
   * @throws {InputError} naming the offending field of `problem`.
   */
  constructor(problem: Wave2DConfig | { readonly layout: Layout2D }) {
    this.layout = typeof problem === "object" && problem !== null && "layout" in problem ? problem.layout : layout2D(problem);
  }

  /**
   * The simulator of the frequency band below `cutoff` (Hz), for frequency continuation: the
   * same problem with every source wavelet low-passed as the 1D simulator's `lowPassed` does
   * (`lowPass`; observed data go through the same filter). A view: the layout is not validated
   * again. `Infinity` returns this simulator.
   * @throws {InputError} naming `cutoff` unless it is a positive frequency or Infinity.
   */
  lowPassed(cutoff: number): WaveSimulator2D {
    if (cutoff === Infinity) return this;
    return new WaveSimulator2D({ layout: { ...this.layout, ...lowPassedWavelets(this.layout, cutoff) } });
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

  /**
   * F(velocity): receiver data, shape [nshots, nreceivers, nt].
   * `options.onStep` sees u^n on the model cells (row by row, shape [nz, nx]: a copy of the
   * working grid's model region without the layers, reused and valid during the call only) of
   * each shot at time index n = 0, every, 2 every, ... < nt, as the 1D simulator shows its own.
   * @throws {InputError} `every` not a positive integer, `onStep` not a function.
   */
  forward(velocity: Field, options: ForwardOptions = {}): Field {
    const every = options.every ?? 1;
    if (!Number.isInteger(every) || every < 1) throw new InputError("every", `expected a positive integer, got ${every}`);
    if (options.onStep !== undefined && typeof options.onStep !== "function") throw new InputError("onStep", `expected a function (step) => void, got ${typeof options.onStep}`);
    return this.run(this.velocityOf(velocity), new Propagator2D(this.layout, false), options.onStep, every);
  }

  /**
   * One forward run, with the data, `gradients(dData)`: dJ/dc, shape [nz, nx] (J per m/s), and
   * dJ/df of every shot's wavelet, shape [nshots, nt], for J with dJ/dData = dData; `vjp(dData)`:
   * the velocity part; and `jvp(dVelocity)`: J dc, the Born data [nshots, nreceivers, nt] (one
   * coupled background and scattered run per shot, in an arena of its own).
   *
   * Full storage keeps W^n of every step and shot in the forward run, in memory the next
   * full-storage linearization of the same sizes reuses (see the class's comment: an older
   * linearization's gradients then run its forward again first); checkpointing keeps the forward
   * states the plan (see {@link storagePlan}) saves and recomputes W^n segment by segment in each
   * shot's reverse (the gradients equal full storage's bit for bit).
   */
  linearize(velocity: Field): Linearization & { jvp(dVelocity: Field): Field; gradients(dData: Field): Wave2DGradients } {
    const lay = this.layout, c = this.velocityOf(velocity);
    const [ns] = this.dataShape, cells = lay.sx * lay.sz, v = bytesPerValue(lay.precision);
    const hint = "use fewer cells (nx, nz), time samples (nt) or shots, or raise the limit (--max-memory, setMemoryLimit)";
    let prop: Propagator2D, reverse: (s: number, residual: Float64Array) => void;
    let reclaim = () => {};
    if (lay.storage.mode === "full") {
      checkMemory("nt", [...wave2DMemory(cells, lay.nt, ns * lay.nreceivers, lay.precision),
        { what: "2D W^n of every step and shot (full storage)", bytes: v * ns * Math.max(lay.nt - 1, 1) * cells }], hint);
      const owner = {}, p = Propagator2D.stored(lay, owner);
      prop = p;
      reverse = (s, residual) => p.reverseShot(s, residual);
      // Taken by a newer linearization: the forward run again, W^n stored anew.
      reclaim = () => void (p.claim(lay, owner) && this.run(c, p));
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
    const gradients = (dData: Field) => this.adjoint(c, prop, reverse, dData, reclaim);
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

  /**
   * Illumination: the diagonal pseudo-Hessian used to precondition gradients, as the 1D
   * simulator's `illumination` defines it. Source side (the default): per model cell, the sum
   * over shots of the time-integrated squared second time derivative of the forward wavefield,
   * sum_s sum_n (d2u/dt2)^2 dt for n = 0 .. nt-2, with d2u/dt2 = c^2 W^n exactly as the scheme
   * steps it (units (u/s^2)^2 s); one forward run per shot. Shape [nz, nx].
   *
   * With `receiverSide`, each shot's source term is multiplied cell by cell by its receivers'
   * illumination (the same quantity for the shot's wavelet fired from each of its receivers,
   * summed over them), so cells the recorded data barely see are weighted down too:
   * sum_s S_s(x) R_s(x) (units (u/s^2)^4 s^2; one extra forward run per distinct receiver and
   * wavelet).
   * @throws {InputError} naming `velocity` or `receiverSide`.
   */
  illumination(velocity: Field, options: { receiverSide?: boolean } = {}): Field {
    const lay = this.layout, c = this.velocityOf(velocity);
    const receiverSide = options.receiverSide ?? false;
    if (typeof receiverSide !== "boolean") throw new InputError("receiverSide", `expected true or false, got ${typeof receiverSide}`);
    const cells = lay.sx * lay.sz, firings = lay.sources.length * (receiverSide ? 1 + lay.nreceivers : 1);
    checkMemory("nx", [...wave2DMemory(cells, lay.nt, firings * lay.nreceivers, lay.precision),
      { what: "2D illumination of each source and receiver", bytes: 8 * firings * lay.nx * lay.nz }],
    "use fewer cells (nx, nz), shots or receivers, or raise the limit (--max-memory, setMemoryLimit)");
    const out = illumination2DOf(lay, c, receiverSide);
    assertFinite(out, "illumination");
    return field(out, [lay.nz, lay.nx]);
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

  /**
   * Every shot's forward run on `prop`, the data gathered; with `onStep`, one kernel call per
   * `every` steps (a plain arena's: W^n not kept), u^n's model region shown after each.
   */
  private run(c: Float64Array, prop: Propagator2D, onStep?: (step: StepView) => void, every = 1): Field {
    const lay = this.layout, [ns, nr, nt] = this.dataShape;
    prop.setVelocity(c);
    const out = new Float64Array(ns * nr * nt);
    const region = new (realArray(lay.precision))(lay.nz * lay.nx);
    const view: StepView = { shot: 0, timeIndex: 0, field: region };
    const show = (n: number) => {
      const u = prop.current;
      for (let iz = 0; iz < lay.nz; iz++) {
        const at = (lay.firstZ + iz) * lay.sx + lay.firstX;
        region.set(u.subarray(at, at + lay.nx), iz * lay.nx);
      }
      view.timeIndex = n;
      view.field = region;
      onStep!(view);
    };
    for (let s = 0; s < ns; s++) {
      if (onStep === undefined) {
        prop.forwardShot(s);
      } else {
        view.shot = s;
        prop.loadShot(s);
        show(0);
        for (let n = 0; n < nt - 1; ) {
          const n1 = Math.min(nt - 1, n + every);
          prop.advanceSteps(n, n1);
          if (n1 % every === 0) show(n1);
          n = n1;
        }
      }
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

  /**
   * The adjoint runs of every shot (`reverse`: over the stored W^n, or checkpointed), after
   * `ready` (full storage's forward run again when its memory was taken): dJ/dc [nz, nx] and dJ/df [nshots, nt].
   */
  private adjoint(c: Float64Array, prop: Propagator2D, reverse: (s: number, residual: Float64Array) => void, dData: Field, ready: () => void): Wave2DGradients {
    const lay = this.layout, [ns, nr, nt] = this.dataShape;
    checkShape(dData, [ns, nr, nt], "dData");
    ready();
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
