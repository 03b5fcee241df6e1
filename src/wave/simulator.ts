/**
 * The public 1D acoustic wave simulator: forward modelling, the discrete
 * adjoint (gradient with respect to velocity and to source wavelets) and
 * Born modelling, behind the differentiable contract.
 */
import { checkMemory } from "../core/memory.js";
import { field, flatten } from "../core/arrays.js";
import { assertFinite, checkField, checkShape } from "../core/validate.js";
import { StorageTickets } from "../core/checkpoint.js";
import type { Differentiable, Field, ForwardOptions, Linearization, StepView } from "../core/contract.js";
import { InputError } from "../core/errors.js";
import { lowPassedWavelets } from "./filter.js";
import { GHOST, checkVelocity, layout, waveMemory, type Layout, type WaveConfig } from "./config.js";
import { illuminationOf } from "./illumination.js";
import { checkpointArena, reverseShot, scheduleOf, storagePlan, type Schedule, type StoragePlan } from "./checkpointing.js";
import { Propagator, type Snapshot } from "./kernel.js";
import type { Real } from "./precision.js";
import { arena } from "./wasm.js";
import { propagatorPair, workspace, type Workspace } from "./workspace.js";

/** Gradients of one adjoint run. */
export interface WaveGradients {
  /** dJ/dc, shape [nx] (units of J per m/s). */
  velocity: Field;
  /** dJ/df for each shot's wavelet, shape [nshots, nt]. */
  wavelets: Field;
}

/**
 * 1D acoustic wave simulator, second order in time and 2nd to 8th order in space.
 *
 * Model: `velocity`, shape [nx], m/s. Data: pressure u at the receivers,
 * shape [nshots, nreceivers, nt], sampled at t_n = n dt. The equation is
 * (1/c^2) u_tt - u_xx = f(t) delta(x - x_s); the scheme and its adjoint are
 * described in `kernel.ts`. Density is taken constant (the layout keeps room
 * for a second model field).
 *
 * Memory of {@link linearize}: with full storage, W^n (one float64 per working
 * cell) for every time step and shot: 8 * nshots * (nt - 1) * (nx + 2 pml + 8)
 * bytes, allocated once per simulator and reused by every `linearize` call, so
 * only the latest linearization of a simulator can run `vjp` (an older one
 * throws; its `jvp` and data stay valid). With checkpointing, the memory of `snapshots` states
 * of 2 (nx + 2 pml + 8) + 4 pml values each (u^{n-1}, u^n and the layers' memory variables),
 * spent on fewer states and a segment of W^n as checkpointPlan (core) finds fastest; the
 * forward run of `linearize` saves the last shot's first states, so its first `vjp` recomputes
 * one forward run less (wave1d-standard, 50 states: 1.7 forward runs recomputed). Values are
 * float64, or float32 with `precision: "float32"` (half the bytes).
 */
export class WaveSimulator implements Differentiable {
  /** The validated layout. */
  readonly layout: Layout;
  /** Full-storage workspace, reused by the next `linearize` (which retires the previous linearization). */
  private workspace: Workspace | null = null;
  private readonly tickets = new StorageTickets("WaveSimulator (stored wavefield)");

  /**
   * @param problem the problem (see {@link WaveConfig}), or `{ layout }`: an already validated one
   *   (the views of the simulator, e.g. {@link wavelets}, vary its layout)
   * @throws {InputError} naming the offending field of `config`.
   */
  constructor(problem: WaveConfig | { readonly layout: Layout }) {
    this.layout = "layout" in problem ? problem.layout : layout(problem);
  }

  /**
   * How the gradient's storage was resolved (an `auto` option included) and what it holds: full
   * storage's bytes, or checkpointing's plan, bytes and recomputed forward runs.
   */
  get storagePlan(): StoragePlan {
    const lay = this.layout;
    return storagePlan(lay, lay.storage.mode === "full" ? null : (this.schedule ??= scheduleOf(lay)));
  }

  /** Shape of the data: [nshots, nreceivers, nt]. */
  get dataShape(): [number, number, number] {
    const l = this.layout;
    return [l.sources.length, l.nreceivers, l.nt];
  }

  /**
   * F(velocity): receiver data, shape [nshots, nreceivers, nt].
   * `options.onStep` sees the wavefield on the model cells (a view, valid during
   * the call) at every `options.every`-th time index, for progress and snapshots.
   */
  forward(velocity: Field, options: ForwardOptions = {}): Field {
    return this.run(this.velocityArray(velocity), null, options).data;
  }

  vjp(velocity: Field, dData: Field): Field {
    return this.linearize(velocity).vjp(dData);
  }

  jvp(velocity: Field, dVelocity: Field): Field {
    return this.linearize(velocity).jvp(dVelocity);
  }

  /**
   * One forward run. The returned closures reuse what it stored (see the class
   * documentation): `vjp` costs one adjoint run (plus recomputation when
   * checkpointing), `jvp` one coupled forward + Born run.
   */
  linearize(velocity: Field): Linearization & { jvp(dModel: Field): Field; gradients(dData: Field): WaveGradients } {
    const lay = this.layout;
    const c = this.velocityArray(velocity);
    const full = lay.storage.mode === "full";
    if (full && this.workspace === null) this.workspace = workspace(lay);
    const stored = full ? this.workspace : null;
    const current = full ? this.tickets.issue() : () => {};
    // Checkpointing: the forward run saves the first sweep's states of the last shot, which the
    // first vjp reverses first (later ones start from scratch: the schedule reuses the slots).
    const schedule = full ? null : (this.schedule ??= scheduleOf(lay));
    let kept: Snapshot[] | null = schedule === null ? null : this.snapshots(schedule);
    const { data, k } = this.run(c, stored, {}, kept === null ? undefined : { saves: schedule!.firstSaves, slots: kept });
    const gradients = (dData: Field): WaveGradients => {
      current();
      const resumed = kept;
      kept = null;
      return this.adjoint(c, k, stored, dData, resumed);
    };
    return {
      data,
      vjp: (dData: Field) => gradients(dData).velocity,
      gradients,
      jvp: (dVelocity: Field) => this.born(c, k, dVelocity),
    };
  }

  /**
   * The simulator of the frequency band below `cutoff` (Hz), for frequency
   * continuation: the same problem with every source wavelet low-passed by
   * {@link lowPass} (observed data go through the same filter). A view: the
   * layout is not validated again. `Infinity` returns this simulator.
   */
  lowPassed(cutoff: number): WaveSimulator {
    if (cutoff === Infinity) return this;
    return new WaveSimulator({ layout: { ...this.layout, ...lowPassedWavelets(this.layout, cutoff) } });
  }

  /** The simulator seen as a function of the source wavelets (shape [nshots, nt]) at a fixed velocity. */
  wavelets(velocity: Field): Differentiable {
    const lay = this.layout;
    const c = this.velocityArray(velocity);
    const withWavelets = (w: Field): WaveSimulator => {
      const flat = flatten(w);
      if (w.shape.length !== 2 || w.shape[0] !== lay.sources.length || w.shape[1] !== lay.nt) {
        throw new InputError("wavelets", `expected shape [${lay.sources.length}, ${lay.nt}], got [${w.shape.join(", ")}]`);
      }
      const wavelets = lay.wavelets.map((_, s) => flat.slice(s * lay.nt, (s + 1) * lay.nt));
      return new WaveSimulator({ layout: { ...lay, wavelets } });
    };
    const vfield = field(c, [lay.nx]);
    const lin = (w: Field): Linearization => {
      const l = withWavelets(w).linearize(vfield);
      // The data are linear in the wavelets: J dw = F(dw).
      return { data: l.data, vjp: (dd) => l.gradients(dd).wavelets, jvp: (dw) => withWavelets(dw).forward(vfield) };
    };
    return {
      forward: (w) => withWavelets(w).forward(vfield),
      vjp: (w, dd) => lin(w).vjp(dd),
      jvp: (w, dw) => withWavelets(dw).forward(vfield),
      linearize: lin,
    };
  }

  /**
   * Illumination: the diagonal pseudo-Hessian used to precondition gradients.
   * Source side (the default): per model cell, the sum over shots of the
   * time-integrated squared second time derivative of the forward wavefield,
   * sum_s sum_n (d2u/dt2)^2 dt, with d2u/dt2 = k W^n / dt^2 exactly as the
   * scheme steps it (units (u/s^2)^2 s); one forward run per shot.
   *
   * With `receiverSide`, each shot's source term is multiplied cell by cell by
   * its receivers' illumination — the same quantity for the shot's wavelet
   * fired from each of its receivers, summed over them — so cells that the
   * recorded data barely see are weighted down too:
   * sum_s S_s(x) R_s(x) (units (u/s^2)^4 s^2; one extra forward run per
   * distinct receiver and wavelet).
   */
  illumination(velocity: Field, options: { receiverSide?: boolean } = {}): Field {
    const lay = this.layout;
    const out = illuminationOf(lay, this.coefficient(this.velocityArray(velocity)), options.receiverSide === true);
    assertFinite(out, "illumination");
    return field(out, [lay.nx]);
  }

  private velocityArray(velocity: Field): Float64Array {
    checkField(velocity, "velocity");
    if (velocity.shape.length !== 1) throw new InputError("velocity", `expected a 1D array of ${this.layout.nx} values, got shape [${velocity.shape.join(", ")}]`);
    const c = flatten(velocity);
    checkVelocity(this.layout, c);
    return c;
  }

  /** k = c^2 dt^2 / dx^2 on the working grid (edge values extended into the layers, zero in ghosts). */
  private coefficient(c: Float64Array): Float64Array {
    const lay = this.layout;
    const k = new Float64Array(lay.size);
    const s = (lay.dt * lay.dt) / (lay.dx * lay.dx);
    for (let i = GHOST; i < lay.size - GHOST; i++) {
      const j = Math.min(Math.max(i - lay.first, 0), lay.nx - 1);
      k[i] = c[j] * c[j] * s;
    }
    return k;
  }

  /**
   * Forward run on a validated velocity array (see {@link velocityArray}); with `keep`, the last
   * shot's states at the given steps are saved into the given slots on the way.
   */
  private run(c: Float64Array, stored: Workspace | null, options: ForwardOptions = {}, keep?: { saves: { step: number; slot: number }[]; slots: Snapshot[] }): { data: Field; k: Float64Array } {
    const lay = this.layout;
    const k = this.coefficient(c);
    const [ns, nr, nt] = this.dataShape;
    const out = new Float64Array(ns * nr * nt);
    const prop = stored?.prop ?? new Propagator(lay);
    prop.setCoefficient(k);
    const scratch = prop.w;
    const onStep = options.onStep;
    const every = options.every ?? 1;
    if (!Number.isInteger(every) || every < 1) throw new InputError("every", `expected a positive integer, got ${every}`);
    const view: StepView = { shot: 0, timeIndex: 0, field: scratch };
    for (let s = 0; s < ns; s++) {
      prop.w = scratch; // reset clears w: never a slice of storage
      prop.reset();
      const store = stored === null ? null : stored.stores[s];
      view.shot = s;
      view.timeIndex = 0;
      view.field = prop.cur.subarray(lay.first, lay.first + lay.nx);
      if (onStep) onStep(view);
      // In the kernels: the whole shot in one call, or one call between observations, or (storage
      // outside the kernels' memory: too large for one arena) one a step, W^n copied out.
      prop.loadShot(s);
      const copyOut = store !== null && stored?.steps === null;
      const chunk = copyOut ? 1 : onStep ? every : nt - 1;
      const saves = keep !== undefined && s === ns - 1 ? keep.saves : [];
      for (let n = 0, next = 0; n < nt - 1; ) {
        for (; next < saves.length && saves[next].step === n; next++) prop.save(keep!.slots[saves[next].slot]);
        const n1 = Math.min(nt - 1, (Math.floor(n / chunk) + 1) * chunk, next < saves.length ? saves[next].step : Infinity);
        if (store !== null && !copyOut) prop.run(n, n1, store.subarray(n * lay.size), lay.size);
        else prop.run(n, n1, scratch, 0);
        if (copyOut) store!.set(scratch, n * lay.size);
        if (onStep && n1 % every === 0) {
          view.timeIndex = n1;
          view.field = prop.cur.subarray(lay.first, lay.first + lay.nx);
          onStep(view);
        }
        n = n1;
      }
      out.set(prop.traces.subarray(0, nr * nt), s * nr * nt);
    }
    prop.w = scratch;
    assertFinite(out, "forward data");
    return { data: field(out, [ns, nr, nt]), k };
  }

  /** The adjoint run; `resumed`: the last shot's first-sweep states, saved by the forward run. */
  private adjoint(c: Float64Array, k: Float64Array, stored: Workspace | null, dData: Field, resumed: Snapshot[] | null): WaveGradients {
    const lay = this.layout;
    const [ns, nr, nt] = this.dataShape;
    checkShape(dData, [ns, nr, nt], "dData");
    const residual = flatten(dData);
    const gradW = new Float64Array(ns * nt);
    if (stored === null) checkMemory("storage.snapshots", waveMemory(lay.size, nt, ns, ns * nr, lay.storage, lay.precision), "use fewer snapshots, or raise the limit (--max-memory, setMemoryLimit)");
    const ca = stored === null ? checkpointArena(lay, (this.schedule ??= scheduleOf(lay))) : null;
    const adj = (ca ?? stored!).adj;
    adj.setCoefficient(k);
    adj.gradK.fill(0);
    const gradK = adj.gradK;
    ca?.prop.setCoefficient(k);
    // A fallback to plain revolve cannot resume the first sweep of another plan.
    if (ca !== null && ca.schedule !== this.schedule) resumed = null;
    const slots = ca === null ? [] : (resumed ?? this.snapshots(ca.schedule));
    // The last shot first: its first-sweep states may be waiting (full storage runs the same
    // order, so the two storages sum the shots' gradients alike).
    for (let s = ns - 1; s >= 0; s--) {
      adj.reset();
      const recs = lay.receivers[s];
      const base = s * nr * nt;
      adj.inject(recs, residual, base + nt - 1, nt);
      adj.loadShot(s, residual, base);
      if (stored !== null && stored.steps !== null) {
        // The whole shot reversed in one kernel call, reading W^n in place.
        adj.reverse(0, nt - 1, stored.stores[s], lay.size);
        gradW.set(adj.fBar.subarray(0, nt - 1), s * nt);
      } else if (stored !== null) {
        // Storage outside the kernels' memory: a step at a time, W^n copied in.
        const store = stored.stores[s];
        for (let n = nt - 2; n >= 0; n--) {
          adj.reverseFrom(store.subarray(n * lay.size, (n + 1) * lay.size), n);
          gradW[s * nt + n] = adj.fBar[n];
        }
      } else if (ca !== null) {
        ca.prop.reset();
        ca.prop.loadShot(s);
        reverseShot(ca, slots, resumed !== null && s === ns - 1, gradW, s * nt);
      }
    }
    // dk/dc = 2 c dt^2 / dx^2; layer cells fold back onto the edge cells they copy.
    const gradC = new Float64Array(lay.nx);
    const scale = (2 * lay.dt * lay.dt) / (lay.dx * lay.dx);
    for (let i = GHOST; i < lay.size - GHOST; i++) {
      const j = Math.min(Math.max(i - lay.first, 0), lay.nx - 1);
      gradC[j] += gradK[i] * scale * c[j];
    }
    assertFinite(gradC, "velocity gradient");
    return { velocity: field(gradC, [lay.nx]), wavelets: field(gradW, [ns, nt]) };
  }

  /** The checkpointing schedule (made once). */
  private schedule: Schedule | null = null;

  /** Empty saved states for a schedule's slots. */
  private snapshots(schedule: Schedule): Snapshot[] {
    return Array.from({ length: schedule.plan.snapshots }, () => Propagator.snapshot(this.layout));
  }

  private born(c: Float64Array, k: Float64Array, dVelocity: Field): Field {
    const lay = this.layout;
    checkShape(dVelocity, [lay.nx], "dVelocity");
    const dc = flatten(dVelocity);
    const dk = new Float64Array(lay.size);
    const scale = (2 * lay.dt * lay.dt) / (lay.dx * lay.dx);
    for (let i = GHOST; i < lay.size - GHOST; i++) {
      const j = Math.min(Math.max(i - lay.first, 0), lay.nx - 1);
      dk[i] = scale * c[j] * dc[j];
    }
    const [ns, nr, nt] = this.dataShape;
    const out = new Float64Array(ns * nr * nt);
    // The background and the scattered field step together in one arena, driven by dk there.
    const forward = Propagator.specs(lay), P = forward.length;
    const shared = arena([...forward, ...forward, { length: lay.size, type: "float64" }], lay.precision);
    const base = new Propagator(lay, { ...shared, arrays: shared.arrays.slice(0, P) });
    const pert = new Propagator(lay, { ...shared, arrays: shared.arrays.slice(P, 2 * P) }, true);
    const dkInArena = shared.arrays[2 * P] as Float64Array;
    dkInArena.set(dk);
    base.setCoefficient(k);
    pert.setCoefficient(k);
    for (let s = 0; s < ns; s++) {
      base.reset();
      pert.reset();
      base.loadShot(s);
      base.born(pert, dkInArena, 0, nt - 1);
      out.set(base.traces.subarray(0, nr * nt), s * nr * nt);
    }
    assertFinite(out, "Born data");
    return field(out, [ns, nr, nt]);
  }
}

