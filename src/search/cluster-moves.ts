/**
 * Basin-hopping moves for atomic clusters: the geometry the physics-free
 * engine (src/inversion/basin-hopping.ts) does not know, handed to it as a
 * step taker and a reseeding start.
 *
 * - The angular (surface) move of Wales & Doye (J. Phys. Chem. A 101, 5111,
 *   1997; GMIN's angular moves): the least-bound atom, the one with the
 *   highest pair energy, is taken off the cluster and put at a random point
 *   of its surface (or the best of several random points). Random displacements of every coordinate rarely move one
 *   badly placed atom far; this move does, so a cluster can rebuild its
 *   surface an atom at a time.
 * - A reseeding start: a fresh random cluster drawn from the search's own
 *   generator (GMIN's NEWRESTART re-seeds a search that stopped improving).
 *
 * Assumptions: x holds n atoms as [x0, y0, z0, x1, ...]; the cluster's
 * "surface" is the sphere, centred on the centroid of the other atoms, through
 * the farthest of them. Every random choice comes from the `rng` the search
 * passes, a fixed count per call, so the same seed gives the same search.
 */
import type { Random } from "../core/random.js";
import { InputError } from "../core/errors.js";
import type { Reseeding, StepTaker } from "../inversion/basin-hopping-parts.js";
import { uniformDisplacement } from "../inversion/basin-hopping-parts.js";
import { randomClusterFrom } from "../molecular/cluster.js";
import type { PairPotential } from "../molecular/pair.js";

/**
 * The energy of each atom, half of each pair it is in (so they sum to the
 * cluster's energy), into `out` (length n) and returned.
 */
export function atomEnergies(pair: PairPotential, x: Float64Array, out = new Float64Array(x.length / 3)): Float64Array {
  const n = x.length / 3;
  out.fill(0);
  for (let i = 0; i < n; i++) {
    const xi = x[3 * i], yi = x[3 * i + 1], zi = x[3 * i + 2];
    for (let j = i + 1; j < n; j++) {
      const r = Math.hypot(x[3 * j] - xi, x[3 * j + 1] - yi, x[3 * j + 2] - zi);
      if (r >= pair.cutoff) continue;
      const e = 0.5 * pair.at(r).energy;
      out[i] += e;
      out[j] += e;
    }
  }
  return out;
}

/** The index of the largest entry (the first of equals). */
function argmax(a: Float64Array): number {
  let k = 0;
  for (let i = 1; i < a.length; i++) if (a[i] > a[k]) k = i;
  return k;
}

/**
 * Moves atom `atom` of x (in place) to a random direction from the centroid
 * c of the other atoms, at the distance R from c of the farthest of them: it
 * lands on the cluster's surface, |x_atom - c| = R. With `candidates` > 1 it
 * draws that many surface points and keeps the one where the atom's pair
 * energy with the others (under `pair`) is lowest — a greedy choice of site
 * (as Takeuchi's surface operation, J. Chem. Inf. Model. 46, 2066, 2006)
 * costing candidates x (n - 1) pair energies (LJ38 at 30 candidates, with
 * the ranking of atoms: about 1,800, some 3% of the ~70,000 of one
 * relaxation). Draws two uniform numbers per candidate (a direction uniform
 * on the sphere).
 * @throws {InputError} with fewer than 2 atoms, or candidates > 1 without `pair`
 */
export function angularMove(x: Float64Array, atom: number, rng: Random, candidates = 1, pair?: PairPotential): void {
  const n = x.length / 3;
  if (n < 2) throw new InputError("x", `an angular move needs at least 2 atoms, got ${n}`);
  if (candidates > 1 && pair === undefined) throw new InputError("pair", `ranking ${candidates} candidate sites needs the pair potential`);
  let cx = 0, cy = 0, cz = 0;
  for (let i = 0; i < n; i++) {
    if (i === atom) continue;
    cx += x[3 * i];
    cy += x[3 * i + 1];
    cz += x[3 * i + 2];
  }
  cx /= n - 1;
  cy /= n - 1;
  cz /= n - 1;
  let radius = 0;
  for (let i = 0; i < n; i++) {
    if (i !== atom) radius = Math.max(radius, Math.hypot(x[3 * i] - cx, x[3 * i + 1] - cy, x[3 * i + 2] - cz));
  }
  let bestEnergy = Infinity, bx = 0, by = 0, bz = 0;
  for (let k = 0; k < candidates; k++) {
    // Uniform on the sphere (Archimedes): z uniform in [-1, 1), azimuth uniform.
    const z = 2 * rng.uniform() - 1, phi = 2 * Math.PI * rng.uniform(), s = Math.sqrt(1 - z * z);
    const px = cx + radius * s * Math.cos(phi), py = cy + radius * s * Math.sin(phi), pz = cz + radius * z;
    let e = 0;
    if (candidates > 1) {
      for (let i = 0; i < n; i++) {
        if (i === atom) continue;
        const r = Math.hypot(x[3 * i] - px, x[3 * i + 1] - py, x[3 * i + 2] - pz);
        if (r < pair!.cutoff) e += pair!.at(r).energy;
      }
    }
    if (e < bestEnergy) {
      bestEnergy = e;
      bx = px;
      by = py;
      bz = pz;
    }
  }
  x[3 * atom] = bx;
  x[3 * atom + 1] = by;
  x[3 * atom + 2] = bz;
}

/** Settings of {@link clusterSteps}. */
export interface ClusterStepOptions {
  /** The pair potential that ranks atoms by their energy (the least bound is moved). */
  pair: PairPotential;
  /** Probability that a step is an angular move rather than a uniform displacement, in [0, 1]. */
  angular: number;
  /** Surface points drawn per angular move, the lowest kept (see {@link angularMove}). Default 1. */
  candidates?: number;
}

/**
 * A step taker for clusters: with probability `angular` an {@link angularMove}
 * of the least-bound atom (highest {@link atomEnergies}), otherwise the
 * engine's uniform displacement of every coordinate. Draws one uniform number
 * to choose, then the chosen move's.
 * @throws {InputError} when `angular` is not in [0, 1]
 */
export function clusterSteps(options: ClusterStepOptions): StepTaker {
  const p = options.angular;
  if (!(p >= 0 && p <= 1)) throw new InputError("angular", `expected a probability in [0, 1], got ${p}`);
  let energies = new Float64Array(0);
  return {
    take(x, stepSize, rng) {
      if (rng.uniform() >= p) return uniformDisplacement.take(x, stepSize, rng);
      if (energies.length !== x.length / 3) energies = new Float64Array(x.length / 3);
      angularMove(x, argmax(atomEnergies(options.pair, x, energies)), rng, options.candidates ?? 1, options.pair);
    },
  };
}

/** A {@link Reseeding} for clusters of n atoms: after `after` steps without improvement, a new random cluster at number density `density`, drawn from the search's generator. */
export function randomReseeding(n: number, after: number, density = 0.5): Reseeding {
  return { after, start: (_best, rng) => randomClusterFrom(n, rng, density) };
}
