/** Helpers for atomic clusters in open space: seeded random starts, containment, objectives. */
import { Random } from "../core/random.js";
import type { Potential } from "./potential.js";

/** n atoms uniformly in a sphere holding them at number density `density` (seeded). */
export function randomCluster(n: number, seed: number, density = 0.5): Float64Array {
  return randomClusterFrom(n, new Random(seed), density);
}

/** {@link randomCluster} drawing from a generator (a search's own, for its reseeds): 3 uniform numbers per try of each atom. */
export function randomClusterFrom(n: number, rng: Random, density = 0.5): Float64Array {
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

/**
 * A fingerprint of a structure that ignores translation, rotation, reflection
 * and the numbering of atoms: its sorted interatomic distances.
 */
export function distanceFingerprint(x: Float64Array): Float64Array {
  const n = x.length / 3;
  const out = new Float64Array((n * (n - 1)) / 2);
  let k = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) out[k++] = Math.hypot(x[3 * j] - x[3 * i], x[3 * j + 1] - x[3 * i + 1], x[3 * j + 2] - x[3 * i + 2]);
  }
  return out.sort();
}

/**
 * Labels structures by identity: two get the same label when their
 * fingerprints agree within `tolerance` (largest difference of sorted
 * distances), so repeated minima of a search are recognized whatever their
 * position, orientation or atom numbering. Labels count from 0 in order of
 * first appearance.
 */
export function distinctStructures(structures: readonly Float64Array[], tolerance = 1e-4): Int32Array {
  const prints: Float64Array[] = [];
  return Int32Array.from(structures, (x) => {
    const f = distanceFingerprint(x);
    const found = prints.findIndex((p) => p.every((v, k) => Math.abs(v - f[k]) <= tolerance));
    if (found >= 0) return found;
    prints.push(f);
    return prints.length - 1;
  });
}
