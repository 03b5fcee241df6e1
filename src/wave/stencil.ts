/**
 * Centred finite-difference stencils for the 1D wave simulator and the
 * stability (CFL) limit of leapfrog time stepping with each of them.
 */

/** Spatial accuracy orders the wave simulator offers. */
export type SpatialOrder = 2 | 4 | 6 | 8;

/** Coefficients of a centred stencil: `second[0]` is the centre, `second[k]` applies to u[i-k] + u[i+k]. */
export interface Stencil {
  readonly order: SpatialOrder;
  /** Half-width r: the stencil reads u[i-r..i+r]. */
  readonly radius: number;
  /** d2/dx2 * dx^2: centre then symmetric weights. */
  readonly second: readonly number[];
  /** d/dx * dx: `first[k-1]` applies to u[i+k] - u[i-k]. */
  readonly first: readonly number[];
}

const STENCILS: Record<SpatialOrder, Stencil> = {
  2: { order: 2, radius: 1, second: [-2, 1], first: [1 / 2] },
  4: { order: 4, radius: 2, second: [-5 / 2, 4 / 3, -1 / 12], first: [2 / 3, -1 / 12] },
  6: { order: 6, radius: 3, second: [-49 / 18, 3 / 2, -3 / 20, 1 / 90], first: [3 / 4, -3 / 20, 1 / 60] },
  8: {
    order: 8,
    radius: 4,
    second: [-205 / 72, 8 / 5, -1 / 5, 8 / 315, -1 / 560],
    first: [4 / 5, -1 / 5, 4 / 105, -1 / 280],
  },
};

/** The stencil of a given order. */
export function stencil(order: SpatialOrder): Stencil {
  return STENCILS[order];
}

/**
 * Largest stable Courant number c dt / dx of leapfrog with this stencil:
 * 2 / sqrt(max over wavenumbers of the second-derivative symbol), reached at
 * the Nyquist wavenumber for these alternating-sign stencils.
 */
export function courantLimit(s: Stencil): number {
  let symbol = -s.second[0];
  for (let k = 1; k < s.second.length; k++) symbol -= 2 * s.second[k] * (k % 2 === 0 ? 1 : -1);
  return 2 / Math.sqrt(symbol);
}
