/**
 * The 2D acoustic wave simulator: forward modelling on the kernels of kernel2d-real.h (native
 * or WebAssembly, float64 or float32), the problem as grid2d.ts describes it.
 *
 * Model: velocity, shape [nz, nx], m/s. Data: pressure u at the receivers, shape
 * [nshots, nreceivers, nt], sampled at t_n = n dt.
 */
import { field, flatten } from "../core/arrays.js";
import type { Field } from "../core/contract.js";
import { InputError } from "../core/errors.js";
import { assertFinite, checkField } from "../core/validate.js";
import { GHOST } from "./config.js";
import { checkVelocity2D, layout2D, type Layout2D, type Wave2DConfig } from "./grid2d.js";
import type { Real } from "./precision.js";
import { arena, type ArraySpec } from "./wasm.js";

/** float64 values of a gs_grid2d (kernel.h): 16 int32 (8 values), then c[5], d[5], 1/dx^2, 1/dz^2. */
const GRID_VALUES = 20;

/** 2D acoustic simulator, second order in time and 2nd to 8th order in space (forward modelling). */
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
    const lay = this.layout;
    checkField(velocity, "velocity");
    if (velocity.shape.length !== 2 || velocity.shape[0] !== lay.nz || velocity.shape[1] !== lay.nx) {
      throw new InputError("velocity", `expected shape [${lay.nz}, ${lay.nx}] (nz, nx), got [${velocity.shape.join(", ")}]`);
    }
    const c = flatten(velocity);
    checkVelocity2D(lay, c);
    const cells = lay.sx * lay.sz, width = lay.sources[0].index.length, nr = lay.nreceivers, nt = lay.nt;
    const specs: ArraySpec[] = [
      { length: cells }, { length: lay.sx }, { length: lay.sx }, { length: lay.sz }, { length: lay.sz }, // m, ax, bx, az, bz
      { length: cells }, { length: cells }, { length: cells }, { length: cells }, // psix, zetax, psiz, zetaz
      { length: cells }, { length: cells }, { length: cells }, { length: cells }, // u^{n-1}, u^n, scratch, W
      { length: GRID_VALUES, type: "float64" }, { length: nt, type: "float64" },
      { length: width, type: "int32" }, { length: width, type: "float64" },
      { length: nr * width, type: "int32" }, { length: nr * width, type: "float64" }, { length: nr * nt, type: "float64" },
    ];
    const { arrays, kernels } = arena(specs, lay.precision);
    const [m, ax, bx, az, bz, psix, zetax, psiz, zetaz, u0, u1, u2, w] = arrays as Real[];
    const [grid, amplitudes, srcIndex, srcWeight, recIndex, recWeight, traces] = arrays.slice(13) as [Float64Array, Float64Array, Int32Array, Float64Array, Int32Array, Float64Array, Float64Array];
    // m = c^2 dt^2 per working cell: the layers take the nearest model cell's, ghosts stay 0.
    for (let r = GHOST; r < lay.sz - GHOST; r++) {
      const iz = Math.min(Math.max(r - lay.firstZ, 0), lay.nz - 1);
      for (let q = GHOST; q < lay.sx - GHOST; q++) {
        const v = c[iz * lay.nx + Math.min(Math.max(q - lay.firstX, 0), lay.nx - 1)];
        m[r * lay.sx + q] = v * v * lay.dt * lay.dt;
      }
    }
    ax.set(lay.ax), bx.set(lay.bx), az.set(lay.az), bz.set(lay.bz);
    const ints = new Int32Array(grid.buffer, grid.byteOffset, 16);
    ints.set([m, ax, bx, az, bz, psix, zetax, psiz, zetaz].map((a) => a.byteOffset));
    ints.set([lay.sx, lay.sz, lay.xl, lay.xr, lay.zt, lay.zb, lay.top === "free" ? -1 : 0], 9);
    const st = lay.stencil, pad = (a: readonly number[], n: number, from: number) => Array.from({ length: n }, (_, j) => (j >= from && j - from < a.length ? a[j - from] : 0));
    grid.set([...pad(st.second, 5, 0), ...pad(st.first, 5, 1), 1 / lay.dx ** 2, 1 / lay.dz ** 2], 8);

    const [ns] = this.dataShape;
    const out = new Float64Array(ns * nr * nt);
    for (let s = 0; s < ns; s++) {
      for (const a of [psix, zetax, psiz, zetaz, u0, u1, u2]) a.fill(0);
      traces.fill(0);
      amplitudes.set(lay.wavelets[s]);
      srcIndex.set(lay.sources[s].index), srcWeight.set(lay.sources[s].weight);
      lay.receivers[s].forEach((p, r) => (recIndex.set(p.index, r * width), recWeight.set(p.weight, r * width)));
      kernels.forwardRun2d(grid.byteOffset, u0.byteOffset, u1.byteOffset, u2.byteOffset, w.byteOffset, 0, 0, nt - 1,
        amplitudes.byteOffset, 1 / (lay.dx * lay.dz), 1, width, srcIndex.byteOffset, srcWeight.byteOffset,
        nr, recIndex.byteOffset, recWeight.byteOffset, traces.byteOffset, nt);
      out.set(traces, s * nr * nt);
    }
    assertFinite(out, "forward data");
    return field(out, [ns, nr, nt]);
  }
}
