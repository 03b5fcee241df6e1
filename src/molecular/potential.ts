/**
 * Potential energy surfaces: a sum of terms (pair potentials, bonded terms),
 * with energy, its gradient with respect to positions (minus the forces) and
 * with respect to each term's parameters, second derivatives, and the
 * differentiable contract with the positions as the model.
 */
import { field, flatten } from "../core/arrays.js";
import type { Differentiable, Field, Linearization } from "../core/contract.js";
import { InputError, NonFiniteError } from "../core/errors.js";
import { assertFinite, checkField, checkShape } from "../core/validate.js";
import type { EnergyTerm } from "./term.js";

/**
 * A potential energy: the sum of its terms. Immutable like its terms: the
 * potential with other parameters is a new one ({@link withParameters}).
 */
export class Potential {
  /** The terms (a frozen copy of the constructor's list). */
  readonly terms: readonly EnergyTerm[];
  /** Number of parameters over all terms (the order of {@link parameters}). */
  readonly parameterCount: number;

  constructor(terms: readonly EnergyTerm[]) {
    if (terms.length === 0) throw new InputError("terms", "a potential needs at least one term");
    this.terms = Object.freeze(terms.slice());
    this.parameterCount = terms.reduce((s, t) => s + t.params.length, 0);
  }

  /** All parameters, term after term (a new array). */
  parameters(): Float64Array {
    const out = new Float64Array(this.parameterCount);
    let o = 0;
    for (const t of this.terms) {
      out.set(t.params, o);
      o += t.params.length;
    }
    return out;
  }

  /**
   * The same terms with parameters `p` (term after term, the order of
   * {@link parameters}), each term checking its own; this potential is unchanged.
   */
  withParameters(p: ArrayLike<number>): Potential {
    if (p.length !== this.parameterCount) throw new InputError("parameters", `expected ${this.parameterCount} values, got ${p.length}`);
    const values = Float64Array.from(p);
    let o = 0;
    return new Potential(
      this.terms.map((t) => {
        const n = t.params.length;
        o += n;
        return t.withParameters(values.subarray(o - n, o));
      }),
    );
  }

  /** (d2E/dx2) v for positions x: the Hessian-vector product, analytic for every term. */
  hessianVector(x: Float64Array, v: Float64Array): Float64Array {
    if (v.length !== x.length) throw new InputError("v", `expected ${x.length} values (3 per atom), got ${v.length}`);
    const out = new Float64Array(x.length);
    for (const t of this.terms) {
      if (t.hessianVector === undefined) throw new InputError("terms", `a ${t.constructor.name} term has no analytic Hessian yet`);
      t.hessianVector(x, v, out);
    }
    return out;
  }

  /** The full Hessian d2E/dx2, [3n, 3n] row-major, from 3n Hessian-vector products (small n). */
  hessian(x: Float64Array): Float64Array {
    const m = x.length;
    const out = new Float64Array(m * m);
    const e = new Float64Array(m);
    for (let c = 0; c < m; c++) {
      e.fill(0);
      e[c] = 1;
      out.set(this.hessianVector(x, e), c * m);
    }
    return out;
  }

  /**
   * The mixed derivatives d2E/(dparameters dx), [parameters, 3n] row-major:
   * row p is d(dE/dx)/dp, minus the change of the forces with parameter p.
   */
  mixedDerivative(x: Float64Array): Float64Array {
    if (x.length % 3 !== 0) throw new InputError("positions", `expected 3 coordinates per atom, got ${x.length} values`);
    const m = x.length, out = new Float64Array(this.parameterCount * m);
    let o = 0;
    for (const t of this.terms) {
      if (t.mixedDerivative === undefined) throw new InputError("terms", `a ${t.constructor.name} term has no parameter derivative of its forces`);
      t.mixedDerivative(x, out.subarray(o * m, (o + t.params.length) * m));
      o += t.params.length;
    }
    return out;
  }

  /** E(x); adds dE/dx to `gradient` and dE/dparameters to `paramGradient` when given. */
  evaluate(x: Float64Array, gradient: Float64Array | null = null, paramGradient: Float64Array | null = null): number {
    if (x.length % 3 !== 0) throw new InputError("positions", `expected 3 coordinates per atom, got ${x.length} values`);
    let e = 0, o = 0;
    for (const t of this.terms) {
      e += t.evaluate(x, gradient, paramGradient === null ? null : paramGradient.subarray(o, o + t.params.length));
      o += t.params.length;
    }
    if (!Number.isFinite(e)) throw nonFiniteEnergy(x);
    return e;
  }
}

/**
 * Why an energy is not finite: coincident atoms (an infinite pair energy) are
 * bad positions, named as such; anything else is a NaN in the input or a term.
 * Runs only on failure, so the force loops carry no check of their own.
 */
export function nonFiniteEnergy(x: Float64Array): Error {
  const bad = x.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) return new InputError(`positions[${bad}]`, `expected a finite coordinate, got ${x[bad]}`);
  const n = x.length / 3;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if (x[3 * i] === x[3 * j] && x[3 * i + 1] === x[3 * j + 1] && x[3 * i + 2] === x[3 * j + 2]) {
        return new InputError("positions", `atoms ${i} and ${j} coincide (both at ${x[3 * i]}, ${x[3 * i + 1]}, ${x[3 * i + 2]}): their pair energy is infinite`);
      }
    }
  }
  return new NonFiniteError("energy");
}

/**
 * The potential energy as a differentiable function of the positions, shape
 * [n, 3] -> [1]: vjp gives dE * dE/dx (minus the forces times dE), jvp the
 * directional derivative.
 */
export class PotentialEnergy implements Differentiable {
  readonly potential: Potential;

  constructor(potential: Potential) {
    this.potential = potential;
  }

  private positions(model: Field): Float64Array {
    checkField(model, "positions");
    if (model.shape.length !== 2 || model.shape[1] !== 3) throw new InputError("positions", `expected shape [n, 3], got [${model.shape.join(", ")}]`);
    const x = flatten(model);
    assertFinite(x, "positions");
    return x;
  }

  /** E and the forces -dE/dx, shape [n, 3]. */
  energyAndForces(positions: Field): { energy: number; forces: Field } {
    const x = this.positions(positions);
    const g = new Float64Array(x.length);
    const energy = this.potential.evaluate(x, g);
    return { energy, forces: field(g.map((v) => -v), positions.shape) };
  }

  forward(model: Field): Field {
    return field(Float64Array.of(this.potential.evaluate(this.positions(model))), [1]);
  }

  vjp(model: Field, dData: Field): Field {
    return this.linearize(model).vjp(dData);
  }

  jvp(model: Field, dModel: Field): Field {
    return this.linearize(model).jvp!(dModel);
  }

  linearize(model: Field): Linearization {
    const x = this.positions(model);
    const g = new Float64Array(x.length);
    const energy = this.potential.evaluate(x, g);
    assertFinite(g, "energy gradient");
    return {
      data: field(Float64Array.of(energy), [1]),
      vjp: (dd) => {
        checkShape(dd, [1], "dData");
        const s = flatten(dd)[0];
        return field(g.map((v) => s * v), model.shape);
      },
      jvp: (dx) => {
        checkShape(dx, model.shape, "dModel");
        const v = flatten(dx);
        let s = 0;
        for (let i = 0; i < g.length; i++) s += g[i] * v[i];
        return field(Float64Array.of(s), [1]);
      },
    };
  }
}
