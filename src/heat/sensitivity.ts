/**
 * Sensitivities of a 1D rod's temperature, at every cell centre and time, to
 * a few directions of the conductivity; from them, the Jacobian rows of a
 * thermocouple anywhere on the rod and their derivative with respect to its
 * position — what a design that moves thermocouples needs.
 *
 *   G[i, n, a] = dT_i(t_n) / dm_a            (cell centre i, time t_n, direction a)
 * is exact: the tangent (jvp) of the discrete scheme along direction a, read by
 * a simulator with one sensor on every cell centre (which reads that cell alone).
 * A sensor at x reads (1 - f) T_i0 + f T_i1 (see interpolation.ts), so its rows
 *   J(x)[n, a]     = (1 - f) G[i0, n, a] + f G[i1, n, a]
 *   dJ/dx[n, a]    = (G[i1, n, a] - G[i0, n, a]) (df/du) / dx
 * are exact too, to the kinks of linear interpolation at cell centres (where
 * dJ/dx is the right-hand derivative).
 */
import { field, flatten } from "../core/arrays.js";
import type { Field } from "../core/contract.js";
import { InputError } from "../core/errors.js";
import type { HeatConfig } from "./config.js";
import { axisWeights } from "./interpolation.js";
import { HeatSimulator } from "./simulator.js";

/** The sensitivities of a rod at one conductivity, for sensors anywhere on it. */
export class RodSensitivity {
  /** Time samples per sensor (rows of its Jacobian block). */
  readonly nt: number;
  /** Directions (model parameters). */
  readonly parameters: number;
  /** The rod: [x0, x0 + nx dx] (m). */
  readonly extent: readonly [number, number];
  private readonly nx: number;
  private readonly dx: number;
  /** G, [nx, nt, parameters]. */
  private readonly g: Float64Array;

  /**
   * @param config a 1D problem (its `sensors` are ignored)
   * @param conductivity k (W/(m K)), shape [nx], where the problem is linearized
   * @param directions dk of each model parameter, shape [nx] each (e.g. k times a zone's indicator for log k per zone)
   * @throws {InputError} for a 2D problem, no directions, or a direction of another shape
   */
  constructor(config: HeatConfig, conductivity: Field, directions: readonly Field[]) {
    if (config.ny !== undefined || config.dy !== undefined) throw new InputError("config.ny", "sensitivities along a rod need a 1D problem (no ny, dy)");
    if (directions.length === 0) throw new InputError("directions", "expected at least one direction of the conductivity");
    const nx = config.nx, dx = config.dx;
    const x0 = typeof config.origin === "number" ? config.origin : 0;
    const centres = Array.from({ length: nx }, (_, i) => x0 + (i + 0.5) * dx);
    const sim = new HeatSimulator({ ...config, sensors: centres });
    const lin = sim.linearize(conductivity);
    const nt = sim.layout.nt, n = directions.length;
    const g = new Float64Array(nx * nt * n);
    directions.forEach((d, a) => {
      if (d.size !== nx) throw new InputError(`directions[${a}]`, `expected ${nx} values (one per cell), got ${d.size}`);
      const t = flatten(lin.jvp(field(flatten(d), [nx]))); // [nx, nt]
      for (let i = 0; i < nx; i++) for (let k = 0; k < nt; k++) g[(i * nt + k) * n + a] = t[i * nt + k];
    });
    this.nt = nt;
    this.parameters = n;
    this.extent = [x0, x0 + nx * dx];
    this.nx = nx;
    this.dx = dx;
    this.g = g;
  }

  /**
   * A sensor at x (m): its rows J(x) into `rows` and dJ/dx into `derivative`,
   * both [nt, parameters] row-major.
   */
  sensorRows(x: number, rows: Float64Array, derivative: Float64Array): void {
    const [lo, hi] = this.extent;
    if (!(x >= lo && x <= hi)) throw new InputError("position", `x = ${x} m is outside the rod [${lo}, ${hi}] m`);
    const { i0, i1, f, df } = axisWeights((x - lo) / this.dx, this.nx);
    const m = this.nt * this.parameters, g = this.g;
    const a0 = i0 * m, a1 = i1 * m, slope = df / this.dx;
    for (let q = 0; q < m; q++) {
      rows[q] = (1 - f) * g[a0 + q] + f * g[a1 + q];
      derivative[q] = (g[a1 + q] - g[a0 + q]) * slope;
    }
  }
}
