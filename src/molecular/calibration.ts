/**
 * A potential's parameters as the model: the energies of a set of
 * configurations as a differentiable function of the parameters, for fitting
 * potentials to reference data with the inversion engine.
 */
import { field, flatten } from "../core/arrays.js";
import type { Differentiable, Field, Linearization } from "../core/contract.js";
import { InputError } from "../core/errors.js";
import { checkShape } from "../core/validate.js";
import type { Potential } from "./potential.js";

/** Energies [nconfigurations] of fixed configurations, as a function of the parameters [nparameters]. */
export class ParameterEnergies implements Differentiable {
  readonly potential: Potential;
  readonly configurations: Float64Array[];

  constructor(potential: Potential, configurations: Float64Array[]) {
    if (configurations.length === 0) throw new InputError("configurations", "expected at least one configuration");
    configurations.forEach((c, i) => {
      if (c.length % 3 !== 0) throw new InputError(`configurations[${i}]`, `expected 3 coordinates per atom, got ${c.length} values`);
    });
    this.potential = potential;
    this.configurations = configurations;
  }

  forward(params: Field): Field {
    return this.linearize(params).data;
  }

  vjp(params: Field, dData: Field): Field {
    return this.linearize(params).vjp(dData);
  }

  jvp(params: Field, dParams: Field): Field {
    return this.linearize(params).jvp!(dParams);
  }

  /** One pass over the configurations: energies and every dE_c/dp. */
  linearize(params: Field): Linearization {
    const np = this.potential.parameterCount, nc = this.configurations.length;
    checkShape(params, [np], "parameters");
    this.potential.setParameters(flatten(params));
    const energies = new Float64Array(nc), jac = new Float64Array(nc * np);
    this.configurations.forEach((x, c) => {
      energies[c] = this.potential.evaluate(x, null, jac.subarray(c * np, (c + 1) * np));
    });
    return {
      data: field(energies, [nc]),
      vjp: (dd) => {
        checkShape(dd, [nc], "dData");
        const d = flatten(dd), out = new Float64Array(np);
        for (let c = 0; c < nc; c++) for (let p = 0; p < np; p++) out[p] += d[c] * jac[c * np + p];
        return field(out, [np]);
      },
      jvp: (dp) => {
        checkShape(dp, [np], "dParameters");
        const v = flatten(dp), out = new Float64Array(nc);
        for (let c = 0; c < nc; c++) for (let p = 0; p < np; p++) out[c] += jac[c * np + p] * v[p];
        return field(out, [nc]);
      },
    };
  }
}
