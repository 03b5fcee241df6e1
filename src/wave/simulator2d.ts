/**
 * The 2D acoustic wave simulator: forward modelling on the kernels of kernel2d-real.h (native
 * or WebAssembly, float64 or float32), the problem as grid2d.ts describes it, and exact adjoint
 * gradients with respect to velocity (the forward's W^n of every step kept: full storage), and
 * Born modelling (the jvp: the background and the scattered field stepped together).
 *
 * Model: velocity, shape [nz, nx], m/s. Data: pressure u at the receivers, shape
 * [nshots, nreceivers, nt], sampled at t_n = n dt.
 */
import { field, flatten } from "../core/arrays.js";
import type { Field, Linearization } from "../core/contract.js";
import { InputError } from "../core/errors.js";
import { checkMemory } from "../core/memory.js";
import { assertFinite, checkField, checkShape } from "../core/validate.js";
import { checkVelocity2D, layout2D, wave2DMemory, type Layout2D, type Wave2DConfig } from "./grid2d.js";
import { bytesPerValue } from "./precision.js";
import { Propagator2D } from "./propagator2d.js";

/** 2D acoustic simulator, second order in time and 2nd to 8th order in space. */
export class WaveSimulator2D {
  readonly layout: Layout2D;

  /** @throws {InputError} naming the offending field of `config`. */
  constructor(config: Wave2DConfig) {
    this.layout = layout2D(config);
  }

  /** Shape of the data: [nshots, nreceivers, nt]. */
  get dataShape(): [number, number, number] {
    return [this.layout.sources.length, this.layout.nreceivers, this.layout.nt];
  }

  /** F(velocity): receiver data, shape [nshots, nreceivers, nt]. */
  forward(velocity: Field): Field {
    return this.run(this.velocityOf(velocity), new Propagator2D(this.layout, false));
  }

  /**
   * One forward run keeping W^n of every step and shot (full storage), with the data,
   * `vjp(dData)`: dJ/dc, shape [nz, nx] (J per m/s), for J with dJ/dData = dData, and
   * `jvp(dVelocity)`: J dc, the Born data [nshots, nreceivers, nt] (one coupled background and
   * scattered run per shot, in an arena of its own: the stored W^n is not used).
   */
  linearize(velocity: Field): Linearization & { jvp(dVelocity: Field): Field } {
    const lay = this.layout, c = this.velocityOf(velocity);
    const [ns] = this.dataShape, cells = lay.sx * lay.sz;
    checkMemory("nt", [...wave2DMemory(cells, lay.nt, ns * lay.nreceivers, lay.precision),
      { what: "2D W^n of every step and shot (full storage)", bytes: bytesPerValue(lay.precision) * ns * Math.max(lay.nt - 1, 1) * cells }],
    "use fewer cells (nx, nz), time samples (nt) or shots, or raise the limit (--max-memory, setMemoryLimit)");
    const prop = new Propagator2D(lay, true);
    const data = this.run(c, prop);
    return { data, vjp: (dData: Field) => this.adjoint(c, prop, dData), jvp: (dVelocity: Field) => this.born(c, dVelocity) };
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

  /** The adjoint runs of every shot over the stored W^n: dJ/dc [nz, nx]. */
  private adjoint(c: Float64Array, prop: Propagator2D, dData: Field): Field {
    const lay = this.layout, [ns, nr, nt] = this.dataShape;
    checkShape(dData, [ns, nr, nt], "dData");
    const residual = flatten(dData);
    prop.gradM.fill(0);
    for (let s = ns - 1; s >= 0; s--) prop.reverseShot(s, residual.subarray(s * nr * nt, (s + 1) * nr * nt));
    const g = prop.velocityGradient(c);
    assertFinite(g, "velocity gradient");
    return field(g, [lay.nz, lay.nx]);
  }
}
