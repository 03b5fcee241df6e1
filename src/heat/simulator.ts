/**
 * The public heat-diffusion simulator (1D and 2D): forward runs, the discrete
 * adjoint (gradients with respect to conductivity, initial temperature, source
 * strengths and boundary values from one backward run) and the tangent
 * (linearized) model, behind the differentiable contract.
 */
import { checkMemory } from "../core/memory.js";
import { field, flatten, samplePoints } from "../core/arrays.js";
import { revolve, StorageTickets } from "../core/checkpoint.js";
import type { Differentiable, Field, ForwardOptions, Linearization, StepView } from "../core/contract.js";
import { InputError } from "../core/errors.js";
import { assertFinite, checkShape } from "../core/validate.js";
import { heatLayout, heatMemory, type HeatConfig, type HeatLayout } from "./config.js";
import { HeatStepper, type HeatGradientSink } from "./stepper.js";

/** Gradients of one adjoint run. */
export interface HeatGradients {
  /** dJ/dk, the model's shape ([nx] or [ny, nx]), J per W/(m K). */
  conductivity: Field;
  /** dJ/dT(t_0), the model's shape, J per K. */
  initial: Field;
  /** dJ/d strength, [nsources, nt]. */
  strengths: Field;
  /** dJ/d boundary value, [nsides, nt] (sides left, right, bottom, top). */
  boundaries: Field;
}

/** What a linearization offers beyond the contract. */
export interface HeatLinearization extends Linearization {
  jvp(dConductivity: Field): Field;
  gradients(dData: Field): HeatGradients;
}

/**
 * Heat conduction C dT/dt = div(k grad T) + q on a uniform grid.
 *
 * Model: the conductivity k (W/(m K)), shape [nx] in 1D or [ny, nx] in 2D
 * (row j is y index j). Data: temperature at the sensors, shape
 * [nsensors, nt], at t_n = n dt (n = 0 included). The other inputs (initial
 * temperature, source strengths, boundary values) come from the config; the
 * views {@link initialTemperature}, {@link sourceStrengths} and
 * {@link boundaryValues} make each of them the model instead.
 *
 * Memory of {@link linearize}: with full storage, T at every step,
 * 8 * nt * nx * ny bytes, allocated once per simulator and reused by every
 * linearization, so only the latest one can run `vjp` (an older one throws;
 * its `jvp` and data stay valid); with
 * checkpointing, `snapshots` temperature fields, recomputing the forward steps
 * the adjoint needs (the minimal number, by revolve).
 */
export class HeatSimulator implements Differentiable {
  readonly layout: HeatLayout;
  /** Full storage of T at every step, allocated once and reused by every linearize. */
  private storage: Float64Array | null = null;
  private readonly tickets = new StorageTickets("HeatSimulator (stored temperatures)");

  /**
   * @param problem the problem (see {@link HeatConfig}), or `{ layout }`: an already validated one
   *   (the linear views, e.g. {@link initialTemperature}, vary its layout)
   * @throws {InputError} naming the offending field of `config`.
   */
  constructor(problem: HeatConfig | { readonly layout: HeatLayout }) {
    this.layout = "layout" in problem ? problem.layout : heatLayout(problem);
  }

  /** Shape of models (conductivity, initial temperature): [nx] or [ny, nx]. */
  get modelShape(): number[] {
    const l = this.layout;
    return l.dims === 1 ? [l.nx] : [l.ny, l.nx];
  }

  /** Shape of the data: [nsensors, nt]. */
  get dataShape(): [number, number] {
    return [this.layout.sensors.length, this.layout.nt];
  }

  /**
   * F(k): sensor temperatures. `options.onStep` sees the temperature field
   * (shot 0; see {@link StepView}) every `options.every` time indices from 0.
   */
  forward(conductivity: Field, options: ForwardOptions = {}): Field {
    const every = options.every ?? 1;
    if (!Number.isInteger(every) || every < 1) throw new InputError("every", `expected a positive integer, got ${every}`);
    return this.run(this.stepper(this.conductivityArray(conductivity)), null, options.onStep, every).data;
  }

  vjp(conductivity: Field, dData: Field): Field {
    return this.linearize(conductivity).vjp(dData);
  }

  jvp(conductivity: Field, dConductivity: Field): Field {
    return this.linearize(conductivity).jvp(dConductivity);
  }

  /** One forward run; `vjp`/`gradients` cost one adjoint run, `jvp` one forward and one tangent run. */
  linearize(conductivity: Field): HeatLinearization {
    const k = this.conductivityArray(conductivity);
    const full = this.layout.storage.mode === "full";
    // The factorization is kept for the adjoint and tangent runs (they solve with the same matrix).
    const st = this.stepper(k);
    const ticket = full ? this.tickets.issue() : null;
    const { data, states } = this.run(st, full ? [] : null);
    const gradients = (dData: Field) => {
      ticket?.();
      return this.adjoint(st, dData, states);
    };
    // The tangent reads the stored temperatures while they are this linearization's (a Gauss-Newton
    // product is then one tangent run, not a forward and a tangent); otherwise it runs the forward beside.
    const stored = (n: number) => this.storage!.subarray(n * this.layout.size, (n + 1) * this.layout.size);
    const jvp = (dk: Field) => this.tangent(st, dk, ticket?.held() === true ? stored : null);
    return { data, gradients, vjp: (dData) => gradients(dData).conductivity, jvp };
  }

  /** The simulator as a (linear) function of the initial temperature, at conductivity k. */
  initialTemperature(conductivity: Field): Differentiable {
    return this.linearView(conductivity, this.modelShape, "initial", (lay, v) => ({ ...lay, initial: v }), "initial");
  }

  /** The simulator as a (linear) function of the source strengths, [nsources, nt], at conductivity k. */
  sourceStrengths(conductivity: Field): Differentiable {
    const lay = this.layout;
    return this.linearView(conductivity, [lay.sources.length, lay.nt], "strengths", (l, v) => ({
      ...l, sources: l.sources.map((s, i) => ({ pattern: s.pattern, strength: v.subarray(i * l.nt, (i + 1) * l.nt) })),
    }), "strengths");
  }

  /** The simulator as a (linear) function of the boundary values, [nsides, nt], at conductivity k. */
  boundaryValues(conductivity: Field): Differentiable {
    const lay = this.layout;
    return this.linearView(conductivity, [lay.sides.length, lay.nt], "boundaries", (l, v) => ({
      ...l, sides: l.sides.map((s, i) => ({ ...s, values: v.subarray(i * l.nt, (i + 1) * l.nt) })),
    }), "boundaries");
  }

  /**
   * A view in which one input is the model. The data are linear in it (every
   * input enters linearly once k is fixed), so jvp(v, dv) = F with dv alone:
   * the same view at dv with every other input zero.
   */
  private linearView(conductivity: Field, shape: number[], name: string, put: (lay: HeatLayout, v: Float64Array) => HeatLayout, gradient: keyof HeatGradients): Differentiable {
    const k = field(this.conductivityArray(conductivity).slice(), this.modelShape);
    const silent = this.zeroInputs();
    const at = (v: Field, base: HeatLayout) => {
      checkShape(v, shape, name);
      return new HeatSimulator({ layout: put(base, flatten(v)) });
    };
    const lin = (v: Field): Linearization => {
      const l = at(v, this.layout).linearize(k);
      return { data: l.data, vjp: (dd) => l.gradients(dd)[gradient], jvp: (dv) => at(dv, silent).forward(k) };
    };
    return {
      forward: (v) => at(v, this.layout).forward(k),
      vjp: (v, dd) => lin(v).vjp(dd),
      jvp: (_v, dv) => at(dv, silent).forward(k),
      linearize: lin,
    };
  }

  /** The layout with zero initial temperature, strengths and boundary values. */
  private zeroInputs(): HeatLayout {
    const l = this.layout;
    return {
      ...l, initial: new Float64Array(l.size),
      sources: l.sources.map((s) => ({ pattern: s.pattern, strength: new Float64Array(l.nt) })),
      sides: l.sides.map((s) => ({ ...s, values: new Float64Array(l.nt) })),
    };
  }

  private conductivityArray(conductivity: Field): Float64Array {
    checkShape(conductivity, this.modelShape, "conductivity");
    const k = flatten(conductivity);
    for (let p = 0; p < k.length; p++) {
      if (!(k[p] > 0) || !Number.isFinite(k[p])) throw new InputError(`conductivity[${p}]`, `expected a positive finite conductivity (W/(m K)), got ${k[p]}`);
    }
    return k;
  }

  /** A stepper for k, with the explicit scheme's stability limit enforced. */
  private stepper(k: Float64Array): HeatStepper {
    const st = new HeatStepper(this.layout);
    st.setConductivity(k);
    if (this.layout.scheme === "explicit") {
      const limit = st.op.explicitLimit();
      if (this.layout.dt > limit) {
        throw new InputError("dt", `${this.layout.dt} s exceeds the explicit (forward Euler) stability limit ${limit.toPrecision(4)} s for this conductivity (min over cells of C dx dy / sum of conductances); use dt <= ${limit.toPrecision(4)} s or an implicit scheme`);
      }
    }
    return st;
  }

  private run(st: HeatStepper, store: Float64Array[] | null, onStep?: (step: StepView) => void, every = 1): { data: Field; states: Float64Array[] | null } {
    const lay = this.layout;
    const [ns, nt] = this.dataShape;
    const out = new Float64Array(ns * nt);
    // With storage, every T^n is a view of one buffer (one allocation, no per-step garbage).
    if (store !== null && this.storage === null) {
      checkMemory("storage", heatMemory(lay.nx, lay.ny, nt, ns, lay.storage),
        'use storage: { mode: "checkpoint", snapshots: 50 } (50 stored states instead of nt, for about one more forward run), fewer cells or time samples, or raise the limit (--max-memory, setMemoryLimit)');
      this.storage = new Float64Array(nt * lay.size);
    }
    const buffer = store === null ? null : this.storage;
    const at = (n: number) => buffer!.subarray(n * lay.size, (n + 1) * lay.size);
    let T = buffer === null ? Float64Array.from(lay.initial) : at(0);
    if (buffer !== null) T.set(lay.initial);
    let next = buffer === null ? new Float64Array(lay.size) : at(1);
    samplePoints(T, lay.sensors, out, 0, nt);
    const view: StepView = { shot: 0, timeIndex: 0, field: T };
    onStep?.(view);
    for (let n = 0; n < nt - 1; n++) {
      if (store !== null) store.push(T);
      st.forward(n, T, next);
      if (buffer !== null) {
        T = next;
        if (n + 2 < nt) next = at(n + 2);
      } else [T, next] = [next, T];
      samplePoints(T, lay.sensors, out, n + 1, nt);
      if (onStep !== undefined && (n + 1) % every === 0) {
        view.timeIndex = n + 1;
        view.field = T;
        onStep(view);
      }
    }
    if (store !== null) store.push(T);
    assertFinite(out, "forward data");
    return { data: field(out, [ns, nt]), states: store };
  }

  private adjoint(st: HeatStepper, dData: Field, states: Float64Array[] | null): HeatGradients {
    const lay = this.layout;
    const [ns, nt] = this.dataShape;
    checkShape(dData, [ns, nt], "dData");
    const dd = flatten(dData);
    const sink: HeatGradientSink = {
      conductivity: new Float64Array(lay.size),
      strengths: lay.sources.map(() => new Float64Array(nt)),
      sides: lay.sides.map(() => new Float64Array(nt)),
    };
    let a = new Float64Array(lay.size);
    let aPrev = new Float64Array(lay.size);
    st.startAdjoint();
    /** a += S^T dd[., n]. */
    const inject = (n: number, into: Float64Array) => {
      lay.sensors.forEach((s, r) => {
        const v = dd[r * nt + n];
        for (let j = 0; j < 4; j++) into[s.index[j]] += s.weight[j] * v;
      });
    };
    inject(nt - 1, a);
    const reverse = (n: number, T: Float64Array, next: Float64Array) => {
      st.adjoint(n, a, aPrev, T, next, sink);
      inject(n, aPrev);
      [a, aPrev] = [aPrev, a];
    };
    if (states !== null) {
      for (let n = nt - 2; n >= 0; n--) reverse(n, states[n], states[n + 1]);
    } else {
      const snapshots = lay.storage.mode === "checkpoint" ? lay.storage.snapshots : 1;
      checkMemory("storage.snapshots", heatMemory(lay.nx, lay.ny, nt, lay.sensors.length, lay.storage), "use fewer snapshots, or raise the limit (--max-memory, setMemoryLimit)");
      const slots = Array.from({ length: Math.min(snapshots, nt - 1) }, () => new Float64Array(lay.size));
      let T = Float64Array.from(lay.initial);
      let next = new Float64Array(lay.size);
      for (const action of revolve(nt - 1, slots.length)) {
        switch (action.kind) {
          case "save": slots[action.slot].set(T); break;
          case "restore": T.set(slots[action.slot]); break;
          case "advance":
            for (let n = action.from; n < action.to; n++) {
              st.forward(n, T, next);
              [T, next] = [next, T];
            }
            break;
          case "reverse":
            st.forward(action.step, T, next);
            reverse(action.step, T, next);
            break;
        }
      }
    }
    st.finishAdjoint(sink);
    const shape = this.modelShape;
    for (const [what, arr] of [["conductivity gradient", sink.conductivity], ["initial-temperature gradient", a]] as const) assertFinite(arr, what);
    const pack = (rows: Float64Array[]) => {
      const outArr = new Float64Array(rows.length * nt);
      rows.forEach((r, i) => outArr.set(r, i * nt));
      return field(outArr, [rows.length, nt]);
    };
    return { conductivity: field(sink.conductivity, shape), initial: field(a, shape), strengths: pack(sink.strengths), boundaries: pack(sink.sides) };
  }

  /**
   * J dk by the tangent model run beside a forward run, or (`stored`: T^n for n in [0, nt)) beside
   * the stored temperatures, the same bits either way (the stored ones are that forward's).
   */
  private tangent(st: HeatStepper, dConductivity: Field, stored: ((n: number) => Float64Array) | null = null): Field {
    const lay = this.layout;
    checkShape(dConductivity, this.modelShape, "dConductivity");
    const dk = flatten(dConductivity);
    const [ns, nt] = this.dataShape;
    const out = new Float64Array(ns * nt);
    let T: Float64Array = Float64Array.from(lay.initial), next: Float64Array = new Float64Array(lay.size);
    let dT = new Float64Array(lay.size), dNext = new Float64Array(lay.size);
    for (let n = 0; n < nt - 1; n++) {
      if (stored === null) st.forward(n, T, next);
      else (T = stored(n)), (next = stored(n + 1));
      st.tangent(n, dk, dT, dNext, T, next);
      [T, next] = [next, T];
      [dT, dNext] = [dNext, dT];
      samplePoints(dT, lay.sensors, out, n + 1, nt);
    }
    assertFinite(out, "linearized data");
    return field(out, [ns, nt]);
  }
}
