/**
 * Dynamic lattice searching for clusters (X. Shao, L. Cheng & W. Cai, "A
 * dynamic lattice searching method for fast optimization of Lennard-Jones
 * clusters", J. Comput. Chem. 25, 1693, 2004): from a local minimum, a
 * lattice is built of the sites where one more atom would sit, and atoms are
 * moved greedily on it, the least bound to the most binding vacant site,
 * without relaxing, while the lattice energy falls; the result is relaxed, and
 * the cycle repeats from the new minimum while it improves.
 *
 * - Sites: over every triangle of mutually neighbouring atoms (closer than
 *   `neighbourFactor` r0, r0 the pair's minimum), the two points at r0 from all
 *   three (the apexes of a regular-edged tetrahedron on it: the triangle's
 *   circumcentre plus or minus sqrt(r0^2 - R^2) along its normal, R its
 *   circumradius; none when R >= r0). A point closer than `overlapFactor` r0 to
 *   any atom is not vacant (the inner apex of a surface triangle sits on the
 *   atom below); points closer than `mergeFactor` r0 to a kept one are the
 *   same site. The occupied sites are the atoms.
 * - Lattice energy: the pair energies of the atoms where they are (no
 *   relaxation). A move takes atom a to vacant site s when
 *   E_s(without a) - E_a < 0, E_a being a's energy with the others and E_s the
 *   site's; the atoms are tried from the least bound down, each against its
 *   best site, and the first that lowers the lattice energy moves (a's old
 *   place becomes a vacant site); the search stops when no atom can.
 *
 * Our choices where the paper's details were not at hand (stated, not
 * taken from it): the thresholds above (neighbours below 1.2 r0, overlap
 * below 0.8 r0, sites merged within 0.3 r0), the greedy order over all atoms,
 * at most `maxMoves` moves per search, and relaxations by the search's own
 * minimizer, each counted as a local minimization.
 *
 * Assumptions: x holds n atoms as [x0, y0, z0, ...]; the pair potential has
 * one minimum r0 (Lennard-Jones: 2^(1/6) sigma), found numerically.
 */
import { InputError } from "../core/errors.js";
import type { LocalMinimizer, Relaxation } from "../inversion/basin-hopping-parts.js";
import type { PairPotential } from "../molecular/pair.js";

/** Settings of {@link latticeSites}, {@link latticeSearch} and {@link dynamicLatticeRelaxation}, as multiples of r0. */
export interface DynamicLatticeOptions {
  /** Atoms closer than this times r0 are neighbours (triangles are made of neighbours). Default 1.2. */
  neighbourFactor?: number;
  /** A site closer than this times r0 to an atom is occupied, not vacant. Default 0.8. */
  overlapFactor?: number;
  /** Sites closer than this times r0 to a kept site are merged into it. Default 0.3. */
  mergeFactor?: number;
  /** Moves per lattice search at most. Default the number of atoms. */
  maxMoves?: number;
}

/** The distance of the pair potential's minimum: where dE/dr changes sign, by bisection (to 1e-14 relative). */
export function pairMinimum(pair: PairPotential): number {
  const slope = (r: number) => pair.at(r).slope;
  let hi = 1;
  while (!(slope(hi) > 0) && hi < 1e6) hi *= 2;
  let lo = hi / 2;
  while (!(slope(lo) < 0) && lo > 1e-6) lo /= 2;
  if (!(slope(lo) < 0 && slope(hi) > 0)) throw new InputError("pair", `a dynamic lattice needs a pair potential with one minimum; dE/dr does not change sign between ${lo} and ${hi}`);
  for (let k = 0; k < 200 && hi - lo > 1e-14 * hi; k++) {
    const mid = 0.5 * (lo + hi);
    if (slope(mid) < 0) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/**
 * The vacant sites of the dynamic lattice of x (see the module documentation),
 * [x0, y0, z0, ...], for neighbour distance r0.
 */
export function latticeSites(x: Float64Array, r0: number, options: DynamicLatticeOptions = {}): Float64Array {
  const n = x.length / 3;
  const near = (options.neighbourFactor ?? 1.2) * r0, near2 = near * near;
  const overlap2 = ((options.overlapFactor ?? 0.8) * r0) ** 2, merge2 = ((options.mergeFactor ?? 0.3) * r0) ** 2;
  // Neighbour lists (n is small: all pairs).
  const neighbours: number[][] = Array.from({ length: n }, () => []);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const dx = x[3 * j] - x[3 * i], dy = x[3 * j + 1] - x[3 * i + 1], dz = x[3 * j + 2] - x[3 * i + 2];
      if (dx * dx + dy * dy + dz * dz < near2) {
        neighbours[i].push(j);
        neighbours[j].push(i);
      }
    }
  }
  const isNeighbour = (i: number, j: number) => neighbours[i].includes(j);
  const sites: number[] = [];
  const p = [0, 0, 0];
  const consider = () => {
    for (let a = 0; a < n; a++) {
      const dx = p[0] - x[3 * a], dy = p[1] - x[3 * a + 1], dz = p[2] - x[3 * a + 2];
      if (dx * dx + dy * dy + dz * dz < overlap2) return;
    }
    for (let s = 0; s < sites.length; s += 3) {
      const dx = p[0] - sites[s], dy = p[1] - sites[s + 1], dz = p[2] - sites[s + 2];
      if (dx * dx + dy * dy + dz * dz < merge2) return;
    }
    sites.push(p[0], p[1], p[2]);
  };
  for (let i = 0; i < n; i++) {
    for (const j of neighbours[i]) {
      if (j <= i) continue;
      for (const k of neighbours[j]) {
        if (k <= j || !isNeighbour(i, k)) continue;
        // Circumcentre of triangle (A, B, C): A + [|c|^2 (b x c) x b ... ] written with u = B - A, v = C - A.
        const ax = x[3 * i], ay = x[3 * i + 1], az = x[3 * i + 2];
        const ux = x[3 * j] - ax, uy = x[3 * j + 1] - ay, uz = x[3 * j + 2] - az;
        const vx = x[3 * k] - ax, vy = x[3 * k + 1] - ay, vz = x[3 * k + 2] - az;
        const wx = uy * vz - uz * vy, wy = uz * vx - ux * vz, wz = ux * vy - uy * vx; // normal u x v
        const w2 = wx * wx + wy * wy + wz * wz;
        if (!(w2 > 1e-12 * r0 ** 4)) continue; // collinear
        const u2 = ux * ux + uy * uy + uz * uz, v2 = vx * vx + vy * vy + vz * vz;
        // c - A = (u2 (v x w) + v2 (w x u)) / (2 |w|^2)
        const cx = (u2 * (vy * wz - vz * wy) + v2 * (wy * uz - wz * uy)) / (2 * w2);
        const cy = (u2 * (vz * wx - vx * wz) + v2 * (wz * ux - wx * uz)) / (2 * w2);
        const cz = (u2 * (vx * wy - vy * wx) + v2 * (wx * uy - wy * ux)) / (2 * w2);
        const R2 = cx * cx + cy * cy + cz * cz;
        if (!(R2 < r0 * r0)) continue;
        const h = Math.sqrt((r0 * r0 - R2) / w2);
        for (const sign of [1, -1]) {
          p[0] = ax + cx + sign * h * wx;
          p[1] = ay + cy + sign * h * wy;
          p[2] = az + cz + sign * h * wz;
          consider();
        }
      }
    }
  }
  return Float64Array.from(sites);
}

/**
 * Greedy moves of atoms to vacant sites of x's dynamic lattice (in place; see
 * the module documentation): returns the number of moves made and the lattice
 * energy's change (negative when any was made; the pair energies of the
 * unrelaxed atoms, under `pair`).
 */
export function latticeSearch(pair: PairPotential, x: Float64Array, r0: number, options: DynamicLatticeOptions = {}): { moves: number; change: number } {
  const n = x.length / 3;
  const sites = Array.from(latticeSites(x, r0, options));
  const maxMoves = options.maxMoves ?? n;
  const rc2 = pair.cutoff * pair.cutoff;
  const e = (ax: number, ay: number, az: number, bx: number, by: number, bz: number) => {
    const r2 = (ax - bx) ** 2 + (ay - by) ** 2 + (az - bz) ** 2;
    return r2 < rc2 ? pair.energyForce(r2) : 0;
  };
  // Each atom's energy with the others, each site's with every atom.
  const atomE = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const v = e(x[3 * i], x[3 * i + 1], x[3 * i + 2], x[3 * j], x[3 * j + 1], x[3 * j + 2]);
      atomE[i] += v;
      atomE[j] += v;
    }
  }
  const siteE: number[] = [];
  for (let s = 0; s < sites.length; s += 3) {
    let v = 0;
    for (let a = 0; a < n; a++) v += e(sites[s], sites[s + 1], sites[s + 2], x[3 * a], x[3 * a + 1], x[3 * a + 2]);
    siteE.push(v);
  }
  const order = Array.from({ length: n }, (_, i) => i);
  let moves = 0, change = 0;
  while (moves < maxMoves) {
    order.sort((a, b) => atomE[b] - atomE[a]);
    let moved = false;
    for (const a of order) {
      const ax = x[3 * a], ay = x[3 * a + 1], az = x[3 * a + 2];
      // The best site for a: its energy without a's own contribution.
      let best = -1, bestE = Infinity;
      for (let s = 0, k = 0; s < sites.length; s += 3, k++) {
        const v = siteE[k] - e(sites[s], sites[s + 1], sites[s + 2], ax, ay, az);
        if (v < bestE) {
          bestE = v;
          best = s;
        }
      }
      const delta = bestE - atomE[a];
      if (!(delta < -1e-9 * Math.max(1, Math.abs(atomE[a])))) continue;
      // Move a from its place (o) to the site (t): update every energy, then swap the two points.
      const tx = sites[best], ty = sites[best + 1], tz = sites[best + 2];
      for (let b = 0; b < n; b++) {
        if (b === a) continue;
        const bx = x[3 * b], by = x[3 * b + 1], bz = x[3 * b + 2];
        atomE[b] += e(tx, ty, tz, bx, by, bz) - e(ax, ay, az, bx, by, bz);
      }
      for (let s = 0, k = 0; s < sites.length; s += 3, k++) {
        siteE[k] += e(sites[s], sites[s + 1], sites[s + 2], tx, ty, tz) - e(sites[s], sites[s + 1], sites[s + 2], ax, ay, az);
      }
      // The old place becomes a vacant site, energy with every atom (a now at t); a's energy is the site's.
      const k = best / 3, oldE = atomE[a] + e(ax, ay, az, tx, ty, tz);
      atomE[a] = bestE;
      sites[best] = ax;
      sites[best + 1] = ay;
      sites[best + 2] = az;
      siteE[k] = oldE;
      x[3 * a] = tx;
      x[3 * a + 1] = ty;
      x[3 * a + 2] = tz;
      moves++;
      change += delta;
      moved = true;
      break;
    }
    if (!moved) break;
  }
  return { moves, change };
}

/** Settings of {@link dynamicLatticeRelaxation}. */
export interface DynamicLatticeRelaxationOptions extends DynamicLatticeOptions {
  /** Lattice searches (each followed by a relaxation) per local search at most. Default 10. */
  rounds?: number;
}

/**
 * A {@link LocalMinimizer} that follows each relaxation by dynamic lattice
 * searching: relax with `relaxFirst`, then, while it improves and for at most
 * `rounds` rounds, move atoms greedily on the lattice of the minimum
 * ({@link latticeSearch}) and relax the result with `relaxAfter`; the lowest
 * minimum is returned (with its own `tighten`), with the evaluations and
 * minimizations of every relaxation made, kept or not.
 */
export function dynamicLatticeRelaxation(pair: PairPotential, relaxFirst: LocalMinimizer, relaxAfter: LocalMinimizer = relaxFirst, options: DynamicLatticeRelaxationOptions = {}): LocalMinimizer {
  const r0 = pairMinimum(pair);
  const rounds = options.rounds ?? 10;
  if (!(Number.isInteger(rounds) && rounds >= 1)) throw new InputError("rounds", `expected a positive integer, got ${rounds}`);
  return {
    relax(f, x, maxEvaluations) {
      let best: Relaxation = relaxFirst.relax(f, x, maxEvaluations);
      let evaluations = best.evaluations, minimizations = best.minimizations ?? 1;
      for (let k = 0; k < rounds && best.converged && evaluations < maxEvaluations - 1; k++) {
        const y = Float64Array.from(best.x);
        if (latticeSearch(pair, y, r0, options).moves === 0) break;
        const r = relaxAfter.relax(f, y, maxEvaluations - evaluations);
        evaluations += r.evaluations;
        minimizations += r.minimizations ?? 1;
        if (!(r.converged && r.value < best.value - 1e-6 * Math.max(1, Math.abs(best.value)))) break;
        best = r;
      }
      return { ...best, evaluations, minimizations };
    },
  };
}
