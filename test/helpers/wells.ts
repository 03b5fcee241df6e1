import type { Objective } from "../../src/inversion/types.js";

/**
 * A rugged bowl for global searches: sum of 0.1 x^2 - cos(3x) over the coordinates, a local
 * minimum near every multiple of 2π/3 in each, the global one at the origin (value -n).
 */
export const wells: Objective = (x, g) => {
  let v = 0;
  for (let i = 0; i < x.length; i++) {
    v += 0.1 * x[i] * x[i] - Math.cos(3 * x[i]);
    g[i] = 0.2 * x[i] + 3 * Math.sin(3 * x[i]);
  }
  return v;
};
