/**
 * Geometric nested dissection of an nx x ny grid of cells with 5-point
 * (face) neighbours: a fill-reducing elimination order for the sparse
 * Cholesky factor of the implicit heat matrix.
 *
 * A rectangle of cells is cut by a line of cells across its longer side (the
 * separator); the two halves are ordered first, each recursively, then the
 * separator. Cells of the two halves never meet in the factor, so on an
 * n x n grid the factor holds O(n^2 log n) entries and costs O(n^3) to
 * compute, against n^3 entries and n^4 / 2 operations for the band of the
 * natural order. Rectangles of at most `leaf` cells (or one cell thick) are
 * numbered in natural order along their shorter side.
 */
import { analyze, type CholeskyPattern } from "./symbolic.js";

/** Rectangles of at most this many cells are not cut further. */
export const DEFAULT_LEAF = 12;

/**
 * The nested-dissection order of the nx x ny grid: `order[q]` is the cell
 * (p = j nx + i) eliminated q-th.
 */
export function nestedDissection(nx: number, ny: number, leaf = DEFAULT_LEAF): Int32Array {
  const order = new Int32Array(nx * ny);
  let q = 0;
  /** Numbers the cells of [x0, x1) x [y0, y1), fastest along the shorter side. */
  const natural = (x0: number, x1: number, y0: number, y1: number): void => {
    if (x1 - x0 <= y1 - y0) {
      for (let j = y0; j < y1; j++) for (let i = x0; i < x1; i++) order[q++] = j * nx + i;
    } else {
      for (let i = x0; i < x1; i++) for (let j = y0; j < y1; j++) order[q++] = j * nx + i;
    }
  };
  const cut = (x0: number, x1: number, y0: number, y1: number): void => {
    const w = x1 - x0, h = y1 - y0;
    if (w <= 0 || h <= 0) return;
    if (w * h <= leaf || w <= 1 || h <= 1) {
      natural(x0, x1, y0, y1);
      return;
    }
    if (w >= h) {
      const m = x0 + (w >> 1);
      cut(x0, m, y0, y1);
      cut(m + 1, x1, y0, y1);
      natural(m, m + 1, y0, y1);
    } else {
      const m = y0 + (h >> 1);
      cut(x0, x1, y0, m);
      cut(x0, x1, m + 1, y1);
      natural(x0, x1, m, m + 1);
    }
  };
  cut(0, nx, 0, ny);
  return order;
}

/** The structure of the implicit matrix of an nx x ny grid, analysed for the supernodal factor. */
export interface GridFactorPattern {
  /** Faces: x faces (p, p + 1) row by row, then y faces (p, p + nx); the matrix values are the n diagonal entries, then one per face in this order. */
  readonly faces: number;
  readonly cholesky: CholeskyPattern;
}

/** The latest analyses, by grid shape (the structure depends on nx and ny only). */
const analysed = new Map<string, GridFactorPattern>();
const KEEP = 4;

/**
 * The nested-dissection analysis of the nx x ny grid's 5-point matrix,
 * computed once per grid shape (the last few are kept).
 */
export function gridFactorPattern(nx: number, ny: number): GridFactorPattern {
  const key = `${nx}x${ny}`;
  const known = analysed.get(key);
  if (known !== undefined) return known;
  const faces = (nx - 1) * ny + nx * (ny - 1);
  const a = new Int32Array(faces), b = new Int32Array(faces);
  let e = 0;
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx - 1; i++) {
      a[e] = j * nx + i;
      b[e++] = j * nx + i + 1;
    }
  }
  for (let p = 0; p < nx * (ny - 1); p++) {
    a[e] = p;
    b[e++] = p + nx;
  }
  const result = { faces, cholesky: analyze(nx * ny, a, b, nestedDissection(nx, ny)) };
  if (analysed.size >= KEEP) analysed.delete(analysed.keys().next().value as string);
  analysed.set(key, result);
  return result;
}
