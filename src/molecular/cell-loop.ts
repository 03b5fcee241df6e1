/**
 * The force loop of a pair potential in a periodic box with a cell list:
 * linear in the number of atoms, identical to the all-pairs sum (tested), and
 * the hot loop of large systems.
 */
import { cellIndex, forwardNeighbours } from "./neighbors.js";
import type { PairPotential } from "./pair.js";

/** Scratch of the cell loop, reused between evaluations. */
export interface CellScratch {
  /** Wrapped positions sorted by cell (xyz interleaved), their gradient, and each sorted atom's original index. */
  xs: Float64Array;
  gs: Float64Array;
  atom: Int32Array;
  /** Forward neighbour cells for the cell counts `nc`. */
  neighbours: Int32Array | null;
  nc: number[];
}

/** Scratch for `length` coordinates (always the same object shape: the force loop stays monomorphic). */
export function cellScratch(length: number): CellScratch {
  return { xs: new Float64Array(length), gs: new Float64Array(length), atom: new Int32Array(length / 3), neighbours: null, nc: [] };
}

/**
 * Wraps the atoms into the box and sorts them by cell (counting sort) into
 * scratch.xs / scratch.atom; returns each cell's start in the sorted order,
 * and the forward-neighbour table (built once per cell counts).
 */
function sortByCell(positions: Float64Array, box: readonly [number, number, number], nc: number[], scratch: CellScratch): { start: Int32Array; neighbours: Int32Array } {
  const n = positions.length / 3;
  const ncell = nc[0] * nc[1] * nc[2];
  const cellOf = new Int32Array(n), start = new Int32Array(ncell + 1);
  for (let i = 0; i < n; i++) {
    const c = cellIndex(positions, i, box, nc);
    cellOf[i] = c;
    start[c + 1]++;
  }
  for (let c = 0; c < ncell; c++) start[c + 1] += start[c];
  const fill = start.slice(0, ncell);
  const { xs, atom } = scratch;
  for (let i = 0; i < n; i++) {
    const k = fill[cellOf[i]]++;
    atom[k] = i;
    for (let a = 0; a < 3; a++) {
      const L = box[a];
      xs[3 * k + a] = positions[3 * i + a] - L * Math.floor(positions[3 * i + a] / L);
    }
  }
  if (scratch.neighbours === null || scratch.nc.some((m, a) => m !== nc[a])) {
    scratch.neighbours = forwardNeighbours(nc);
    scratch.nc = nc.slice();
  }
  return { start, neighbours: scratch.neighbours };
}

/**
 * The force loop of a periodic box with a cell list: atoms are wrapped into
 * the box and sorted by cell (so each cell's atoms are contiguous), then each
 * cell is summed against itself and its 13 forward neighbours, pairs within
 * the cutoff on the spot. Energy, and dE/dx added to `gradient` when given.
 */
export function cellSum(pot: PairPotential, box: readonly [number, number, number], positions: Float64Array, nc: number[], gradient: Float64Array | null, scratch: CellScratch): number {
  const n = positions.length / 3;
  const [Lx, Ly, Lz] = box, hx = Lx / 2, hy = Ly / 2, hz = Lz / 2;
  const ncell = nc[0] * nc[1] * nc[2];
  const { start, neighbours } = sortByCell(positions, box, nc, scratch);
  const { xs, gs, atom } = scratch;
  gs.fill(0);
  const rc2 = pot.cutoff * pot.cutoff;
  // A function with a squared kernel, plain or energy-shifted, is called here with the kernel's
  // functions and coefficients in locals (inlined by the JIT: no call, no square root per pair;
  // the coefficients read through a Float64Array stay unboxed doubles); other functions and the
  // force shift go through energyForce.
  const sq = pot.fn.squared;
  const direct = sq !== undefined && pot.mode !== "force-shifted";
  const energyAt = sq?.energy, virialAt = sq?.virial;
  const [c0, c1, c2] = pot.kernelCoefficients;
  const shift = pot.mode === "energy-shifted" ? pot.shiftEnergy : 0;
  let energy = 0;
  for (let c = 0; c < ncell; c++) {
    for (let i = start[c]; i < start[c + 1]; i++) {
      const xi = xs[3 * i], yi = xs[3 * i + 1], zi = xs[3 * i + 2];
      let gx = 0, gy = 0, gz = 0;
      for (let o = -1; o < 13; o++) {
        // o = -1: the rest of i's own cell; then the forward neighbour cells.
        const nb = o < 0 ? c : neighbours[13 * c + o];
        const end = start[nb + 1];
        for (let j = o < 0 ? i + 1 : start[nb]; j < end; j++) {
          let dx = xs[3 * j] - xi, dy = xs[3 * j + 1] - yi, dz = xs[3 * j + 2] - zi;
          if (dx > hx) dx -= Lx;
          else if (dx < -hx) dx += Lx;
          if (dy > hy) dy -= Ly;
          else if (dy < -hy) dy += Ly;
          if (dz > hz) dz -= Lz;
          else if (dz < -hz) dz += Lz;
          const r2 = dx * dx + dy * dy + dz * dz;
          if (r2 >= rc2) continue;
          let fr: number;
          if (direct) {
            energy += energyAt!(r2, c0, c1, c2) - shift;
            fr = virialAt!(r2, c0, c1, c2) / r2;
          } else {
            energy += pot.energyForce(r2);
            fr = pot.forceOverR;
          }
          // dE/dx_j = -fr d, dE/dx_i = +fr d (fr = -(dE/dr)/r)
          gs[3 * j] -= fr * dx;
          gs[3 * j + 1] -= fr * dy;
          gs[3 * j + 2] -= fr * dz;
          gx += fr * dx;
          gy += fr * dy;
          gz += fr * dz;
        }
      }
      gs[3 * i] += gx;
      gs[3 * i + 1] += gy;
      gs[3 * i + 2] += gz;
    }
  }
  if (gradient !== null) {
    for (let k = 0; k < n; k++) {
      const i = atom[k];
      gradient[3 * i] += gs[3 * k];
      gradient[3 * i + 1] += gs[3 * k + 1];
      gradient[3 * i + 2] += gs[3 * k + 2];
    }
  }
  return energy;
}
