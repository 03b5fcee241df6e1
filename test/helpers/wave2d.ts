/** Small heterogeneous 2D problems for the 2D simulator's gradient tests. */
import { field } from "../../src/core/arrays.js";
import type { Field } from "../../src/core/contract.js";
import type { Wave2DConfig } from "../../src/wave/grid2d.js";
import { ricker } from "../../src/wave/wavelet.js";

/**
 * An nx x nz model of 10 m cells (2000 m/s growing 15 m/s a row, and a smooth bump of 200 m/s
 * centred at column `bumpX`, row 14), C-PML 8 cells wide, two shots of four off-grid receivers
 * (the last `lastX` m along); `truth` adds a second bump (a model error), `dc` is a smooth
 * direction of up to 50 m/s.
 */
export function problem2D(o: { nx: number; nz: number; nt: number; bumpX: number; lastX: number; order: 4 | 8; top: "free" | "absorbing"; precision?: "float64" | "float32" }): { config: Wave2DConfig; velocity: Field; truth: Field; dc: Field } {
  const { nx, nz, nt } = o, dx = 10, dt = 1e-3;
  const receivers = [{ x: 33.3, z: 17.2 }, { x: 151.7, z: 104.9 }, { x: 287.5, z: 41.1 }, { x: o.lastX, z: 250.4 }];
  const config: Wave2DConfig = {
    nx, nz, dx, dz: dx, dt, nt, order: o.order, top: o.top, pml: { width: 8, velocity: 3000 }, precision: o.precision ?? "float64", warn: () => {},
    shots: [
      { source: { x: 101.3, z: 52.6 }, wavelet: ricker(25, nt, dt), receivers },
      { source: { x: 270.4, z: 180.7 }, wavelet: ricker(20, nt, dt), receivers },
    ],
  };
  const c = new Float64Array(nx * nz);
  for (let iz = 0; iz < nz; iz++) for (let ix = 0; ix < nx; ix++) c[iz * nx + ix] = 2000 + 15 * iz + 200 * Math.exp(-((ix - o.bumpX) ** 2 + (iz - 14) ** 2) / 30);
  const truth = c.map((v, i) => v + 120 * Math.exp(-(((i % nx) - 15) ** 2 + (Math.floor(i / nx) - 10) ** 2) / 20));
  const dc = c.map((_, i) => 50 * Math.cos((i % nx) / 5) * Math.sin(Math.floor(i / nx) / 4 + 0.3));
  return { config, velocity: field(c, [nz, nx]), truth: field(truth, [nz, nx]), dc: field(dc, [nz, nx]) };
}
