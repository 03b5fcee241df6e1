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
  const nc = box === null || cutoff === Infinity ? [0, 0, 0] : box.map((l) => Math.floor(l / cutoff));
  const d = new Float64Array(3);
  const close = (i: number, j: number) => {
    d[0] = x[3 * j] - x[3 * i];
    d[1] = x[3 * j + 1] - x[3 * i + 1];
    d[2] = x[3 * j + 2] - x[3 * i + 2];
    minimumImage(d, box);
    return d[0] * d[0] + d[1] * d[1] + d[2] * d[2] < rc2;
  };
  if (nc[0] < 3 || nc[1] < 3 || nc[2] < 3) {
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
  // Cell list: head[c] is the first atom of cell c, next[i] the next atom in i's cell.
  const [nx, ny, nz] = nc;
  const head = new Int32Array(nx * ny * nz).fill(-1), next = new Int32Array(n);
  const b = box!;
  for (let i = 0; i < n; i++) {
    const cell = (a: number, m: number) => {
      const f = x[3 * i + a] / b[a];
      return ((Math.floor((f - Math.floor(f)) * m) % m) + m) % m;
    };
    const c = (cell(2, nz) * ny + cell(1, ny)) * nx + cell(0, nx);
    next[i] = head[c];
    head[c] = i;
  }
  const push = (i: number, j: number) => {
    ensure(list, list.count + 1);
    list.i[list.count] = i;
    list.j[list.count++] = j;
  };
  for (let cz = 0; cz < nz; cz++) for (let cy = 0; cy < ny; cy++) for (let cx = 0; cx < nx; cx++) {
    const c = (cz * ny + cy) * nx + cx;
    for (let i = head[c]; i >= 0; i = next[i]) {
      for (let j = next[i]; j >= 0; j = next[j]) if (close(i, j)) push(i, j);
      for (const [ox, oy, oz] of FORWARD) {
        const o = ((((cz + oz) % nz) + nz) % nz * ny + ((((cy + oy) % ny) + ny) % ny)) * nx + ((((cx + ox) % nx) + nx) % nx);
        for (let j = head[o]; j >= 0; j = next[j]) if (close(i, j)) push(i, j);
      }
    }
  }
  return list;
}
