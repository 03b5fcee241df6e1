/** Helpers for atomic clusters in open space: seeded random starts, containment, objectives. */
import { Random } from "../core/random.js";
import type { Potential } from "./potential.js";

/** n atoms uniformly in a sphere holding them at number density `density` (seeded). */
export function randomCluster(n: number, seed: number, density = 0.5): Float64Array {
  const rng = new Random(seed);
  const radius = Math.cbrt((3 * n) / (4 * Math.PI * density));
  const x = new Float64Array(3 * n);
  for (let i = 0; i < n; i++) {
    let p: number[];
    do p = [0, 1, 2].map(() => radius * (2 * rng.uniform() - 1));
    while (p[0] ** 2 + p[1] ** 2 + p[2] ** 2 > radius * radius);
    x.set(p, 3 * i);
  }
  return x;
}

/**
 * A containment rule for global searches: atoms farther than `radius` from the
 * centroid are moved back onto that sphere (so a perturbation never
 * evaporates an atom for good).
 */
export function containment(radius: number): (x: Float64Array) => void {
  return (x) => {
    const n = x.length / 3;
    const c = [0, 0, 0];
    for (let i = 0; i < n; i++) for (let a = 0; a < 3; a++) c[a] += x[3 * i + a] / n;
    for (let i = 0; i < n; i++) {
      const d = [0, 1, 2].map((a) => x[3 * i + a] - c[a]);
      const r = Math.hypot(d[0], d[1], d[2]);
      if (r > radius) for (let a = 0; a < 3; a++) x[3 * i + a] = c[a] + (d[a] * radius) / r;
    }
  };
}

/** The potential as an objective for optimizers: E(x), writing dE/dx. */
export function energyObjective(potential: Potential): (x: Float64Array, gradient: Float64Array) => number {
  return (x, g) => {
    g.fill(0);
    return potential.evaluate(x, g);
  };
}
