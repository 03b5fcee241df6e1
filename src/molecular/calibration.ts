/**
 * A potential's parameters as the model: the energies (and optionally the
 * forces) of a set of configurations as a differentiable function of the
 * parameters, for fitting potentials to reference data with the inversion
 * engine.
 */
import { field, flatten } from "../core/arrays.js";
import type { Differentiable, Field, Linearization } from "../core/contract.js";
import { InputError } from "../core/errors.js";
import { checkShape } from "../core/validate.js";
import type { Potential } from "./potential.js";

/** Options of {@link ParameterEnergies}. */
export interface ParameterEnergiesOptions {
  /** Also predict the forces on every atom of every configuration (default false). */
  forces?: boolean;
}

/**
 * Energies of fixed configurations as a function of the parameters
 * [nparameters]. The data are the energies [nconfigurations]; with
 * `forces: true` they are followed by the forces -dE/dx of configuration 0
 * (3 values per atom, atom-major), then of configuration 1, and so on — see
 * {@link forceOffset}. Each call evaluates the potential of the parameters it
 * is given (`potential.withParameters`): no state carries from one call to the next.
 */
export class ParameterEnergies implements Differentiable {
  /** The terms, cutoffs and boxes to fit; its own parameter values are not used. */
  readonly potential: Potential;
  readonly configurations: Float64Array[];
  readonly forces: boolean;
  /** Number of predicted values. */
  readonly dataSize: number;

  constructor(potential: Potential, configurations: Float64Array[], options: ParameterEnergiesOptions = {}) {
    if (configurations.length === 0) throw new InputError("configurations", "expected at least one configuration");
    configurations.forEach((c, i) => {
      if (c.length % 3 !== 0) throw new InputError(`configurations[${i}]`, `expected 3 coordinates per atom, got ${c.length} values`);
    });
    this.potential = potential;
    this.configurations = configurations;
    this.forces = options.forces ?? false;
    this.dataSize = configurations.length + (this.forces ? configurations.reduce((a, c) => a + c.length, 0) : 0);
  }

  /** Where the forces of configuration `c` start in the data (forces: true). */
  forceOffset(c: number): number {
    let o = this.configurations.length;
    for (let k = 0; k < c; k++) o += this.configurations[k].length;
    return o;
  }

  /** The energies (and forces): one evaluation per configuration, no parameter derivatives. */
  forward(params: Field): Field {
    return field(this.predict(params, null), [this.dataSize]);
  }

  vjp(params: Field, dData: Field): Field {
    return this.linearize(params).vjp(dData);
  }

  jvp(params: Field, dParams: Field): Field {
    return this.linearize(params).jvp!(dParams);
  }

  /**
   * One pass over the configurations: the data, and into `jac` (when given,
   * [data, parameters] row-major) its Jacobian.
   */
  private predict(params: Field, jac: Float64Array | null): Float64Array {
    const np = this.potential.parameterCount, nd = this.dataSize;
    checkShape(params, [np], "parameters");
    const potential = this.potential.withParameters(flatten(params));
    const data = new Float64Array(nd);
    this.configurations.forEach((x, c) => {
      const gradient = this.forces ? new Float64Array(x.length) : null;
      data[c] = potential.evaluate(x, gradient, jac === null ? null : jac.subarray(c * np, (c + 1) * np));
      if (gradient === null) return;
      const o = this.forceOffset(c), m = x.length;
      for (let i = 0; i < m; i++) data[o + i] = -gradient[i];
      if (jac === null) return;
      const mixed = potential.mixedDerivative(x);
      for (let i = 0; i < m; i++) for (let p = 0; p < np; p++) jac[(o + i) * np + p] = -mixed[p * m + i];
    });
    return data;
  }

  /** One pass over the configurations: the data and its Jacobian [data, parameters], which vjp and jvp apply. */
  linearize(params: Field): Linearization {
    const np = this.potential.parameterCount, nd = this.dataSize;
    const jac = new Float64Array(nd * np);
    const data = this.predict(params, jac);
    return {
      data: field(data, [nd]),
      vjp: (dd) => {
        checkShape(dd, [nd], "dData");
        const d = flatten(dd), out = new Float64Array(np);
        for (let k = 0; k < nd; k++) for (let p = 0; p < np; p++) out[p] += d[k] * jac[k * np + p];
        return field(out, [np]);
      },
      jvp: (dp) => {
        checkShape(dp, [np], "dParameters");
        const v = flatten(dp), out = new Float64Array(nd);
        for (let k = 0; k < nd; k++) for (let p = 0; p < np; p++) out[k] += jac[k * np + p] * v[p];
        return field(out, [nd]);
      },
    };
  }
}
