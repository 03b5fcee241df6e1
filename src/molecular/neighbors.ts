/**
 * Which pairs of atoms interact: every pair closer than the cutoff, each
 * once, found with a cell list (cells at least a cutoff wide, each cell
 * against itself and its 13 forward neighbours), so the cost grows linearly
 * with the number of atoms at fixed density. Without a cutoff, or when the box
 * is too small for three cells a side, all pairs are listed.
 */
import { InputError } from "../core/errors.js";

/** An orthorhombic periodic box with the given side lengths (m or reduced units); null is open space. */
export type Box = readonly [number, number, number] | null;

/** Displacement x_j - x_i by the minimum-image convention (in place on d). */
export function minimumImage(d: Float64Array, box: Box): void {
  if (box === null) return;
  for (let a = 0; a < 3; a++) d[a] -= box[a] * Math.round(d[a] / box[a]);
}

/** Pairs (i[k], j[k]), k < count, with their minimum-image distance below the cutoff. */
export interface PairList {
  i: Int32Array;
  j: Int32Array;
  count: number;
}

/** Grows a pair list to hold at least n pairs. */
function ensure(list: PairList, n: number): void {
  if (list.i.length >= n) return;
  const size = Math.max(n, 2 * list.i.length, 1024);
  const i = new Int32Array(size), j = new Int32Array(size);
  i.set(list.i.subarray(0, list.count));
  j.set(list.j.subarray(0, list.count));
  list.i = i;
  list.j = j;
}

/** The forward half of the 26 neighbour offsets, so each pair of cells is visited once. */
const FORWARD: [number, number, number][] = [];
for (let dz = -1; dz <= 1; dz++) for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
  if (dz > 0 || (dz === 0 && (dy > 0 || (dy === 0 && dx > 0)))) FORWARD.push([dx, dy, dz]);
}

/**
 * The pair list of positions x (3n values, atom-major) within `cutoff`
 * (Infinity: all pairs). `into` is reused when given.
 */
export function pairList(x: Float64Array, box: Box, cutoff: number, into?: PairList): PairList {
  const n = x.length / 3;
  const list = into ?? { i: new Int32Array(0), j: new Int32Array(0), count: 0 };
  list.count = 0;
  const rc2 = cutoff * cutoff;
  if (box !== null && cutoff !== Infinity) {
    for (let a = 0; a < 3; a++) {
      if (!(2 * cutoff <= box[a])) throw new InputError("box", `side ${a} (${box[a]}) must be at least twice the cutoff ${cutoff} for the minimum-image convention`);
    }
  }
  const nc = cellsPerSide(box, cutoff);
  const d = new Float64Array(3);
  const close = (i: number, j: number) => {
    d[0] = x[3 * j] - x[3 * i];
    d[1] = x[3 * j + 1] - x[3 * i + 1];
    d[2] = x[3 * j + 2] - x[3 * i + 2];
    minimumImage(d, box);
    return d[0] * d[0] + d[1] * d[1] + d[2] * d[2] < rc2;
  };
  if (nc === null) {
    ensure(list, (n * (n - 1)) / 2);
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        if (cutoff !== Infinity && !close(i, j)) continue;
        list.i[list.count] = i;
        list.j[list.count++] = j;
      }
    }
    return list;
  }
  const cells = cellList(x, box!, nc);
  const { head, next } = cells;
  const [nx, ny, nz] = nc;
  const push = (i: number, j: number) => {
    ensure(list, list.count + 1);
    list.i[list.count] = i;
    list.j[list.count++] = j;
  };
  for (let c = 0; c < nx * ny * nz; c++) {
    for (let i = head[c]; i >= 0; i = next[i]) {
      for (let j = next[i]; j >= 0; j = next[j]) if (close(i, j)) push(i, j);
      for (let o = 0; o < 13; o++) {
        for (let j = head[cells.neighbours[13 * c + o]]; j >= 0; j = next[j]) if (close(i, j)) push(i, j);
      }
    }
  }
  return list;
}

/** A cell list: atoms chained by cell, and each cell's 13 forward neighbour cells. */
export interface CellList {
  /** Cells per side. */
  nc: number[];
  /** head[c]: first atom of cell c (-1: empty); next[i]: the next atom in i's cell. */
  head: Int32Array;
  next: Int32Array;
  /** neighbours[13 c + o]: the o-th forward neighbour of cell c (periodic). */
  neighbours: Int32Array;
}

/** The periodic cell of atom i (wrapped into the box), x fastest. */
export function cellIndex(x: Float64Array, i: number, box: readonly [number, number, number], nc: readonly number[]): number {
  let c = 0;
  for (let a = 2; a >= 0; a--) {
    const f = x[3 * i + a] / box[a];
    const m = nc[a];
    c = c * m + (Math.floor((f - Math.floor(f)) * m) % m);
  }
  return c;
}

/** Bins atoms into nc[0] x nc[1] x nc[2] periodic cells (each side >= 3 cells). */
export function cellList(x: Float64Array, box: readonly [number, number, number], nc: number[]): CellList {
  const n = x.length / 3;
  const [nx, ny, nz] = nc;
  const head = new Int32Array(nx * ny * nz).fill(-1), next = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = cellIndex(x, i, box, nc);
    next[i] = head[c];
    head[c] = i;
  }
  return { nc, head, next, neighbours: forwardNeighbours(nc) };
}

/** neighbours[13 c + o]: the o-th forward neighbour of cell c in a periodic grid of nc cells a side. */
export function forwardNeighbours(nc: readonly number[]): Int32Array {
  const [nx, ny, nz] = nc;
  const neighbours = new Int32Array(13 * nx * ny * nz);
  for (let cz = 0; cz < nz; cz++) for (let cy = 0; cy < ny; cy++) for (let cx = 0; cx < nx; cx++) {
    const c = (cz * ny + cy) * nx + cx;
    FORWARD.forEach(([ox, oy, oz], o) => {
      neighbours[13 * c + o] = ((((cz + oz) % nz) + nz) % nz * ny + ((((cy + oy) % ny) + ny) % ny)) * nx + ((((cx + ox) % nx) + nx) % nx);
    });
  }
  return neighbours;
}

/** Cells per side for a cutoff in a box, or null when the cell list does not apply (open space, no cutoff, fewer than 3 cells a side). */
export function cellsPerSide(box: Box, cutoff: number): number[] | null {
  if (box === null || cutoff === Infinity) return null;
  const nc = box.map((l) => Math.floor(l / cutoff));
  return nc.every((m) => m >= 3) ? nc : null;
}
