/**
 * The force loop of a pair potential in open space (no box): every pair once,
 * i < j, with no pair list and nothing allocated — the hot loop of cluster
 * relaxations (basin hopping on Lennard-Jones clusters spends most of its time
 * here).
 *
 * It gives the same numbers, bit for bit, as the general path (a pair list,
 * then {@link PairPotential.at} per pair; tested): the same pairs in the same
 * order, r = sqrt(d.d) as there, and for a function with a squared kernel the
 * kernel at r*r, which is how such a function's `evaluate` computes E and
 * dE/dr = -W/r (Lennard-Jones's does; its test pins the identity). Each atom's
 * gradient is accumulated in locals in the order the general path adds to it.
 *
 * Assumptions: x holds n atoms as [x0, y0, z0, ...]; the energy of a pair is
 * counted once; only energy and dE/dx (no parameter gradient).
 */
import type { PairPotential } from "./pair.js";

/**
 * The energy of all pairs of `x` closer than the potential's cutoff (all pairs
 * without one), adding dE/dx to `gradient` when given.
 */
export function openSum(pot: PairPotential, x: Float64Array, gradient: Float64Array | null): number {
  const n = x.length / 3;
  const cutoff = pot.cutoff, rc2 = cutoff * cutoff, cut = cutoff !== Infinity;
  // A squared kernel, plain or energy-shifted, is called in place (inlined by the JIT) with its
  // coefficients in locals; the force shift and functions without one go through `at`.
  const sq = pot.fn.squared;
  const direct = sq !== undefined && pot.mode !== "force-shifted";
  const energyAt = sq?.energy, virialAt = sq?.virial;
  const [c0, c1, c2] = pot.kernelCoefficients;
  const shifted = pot.mode === "energy-shifted", shift = pot.shiftEnergy;
  let energy = 0;
  for (let i = 0; i < n; i++) {
    const xi = x[3 * i], yi = x[3 * i + 1], zi = x[3 * i + 2];
    let gx = 0, gy = 0, gz = 0;
    if (gradient !== null) {
      gx = gradient[3 * i];
      gy = gradient[3 * i + 1];
      gz = gradient[3 * i + 2];
    }
    for (let j = i + 1; j < n; j++) {
      const dx = x[3 * j] - xi, dy = x[3 * j + 1] - yi, dz = x[3 * j + 2] - zi;
      const d2 = dx * dx + dy * dy + dz * dz;
      if (cut && !(d2 < rc2)) continue;
      const r = Math.sqrt(d2);
      let e: number, slope: number;
      if (direct) {
        const rr = r * r;
        e = energyAt!(rr, c0, c1, c2);
        if (shifted) e -= shift;
        slope = -virialAt!(rr, c0, c1, c2) / r;
      } else {
        const v = pot.at(r);
        e = v.energy;
        slope = v.slope;
      }
      energy += e;
      if (gradient !== null) {
        const s = slope / r;
        gradient[3 * j] += s * dx;
        gradient[3 * j + 1] += s * dy;
        gradient[3 * j + 2] += s * dz;
        gx -= s * dx;
        gy -= s * dy;
        gz -= s * dz;
      }
    }
    if (gradient !== null) {
      gradient[3 * i] = gx;
      gradient[3 * i + 1] = gy;
      gradient[3 * i + 2] = gz;
    }
  }
  return energy;
}
