/**
 * The elimination order of the 2D heat matrix's sparse factor, and its
 * analysis (cached per grid shape).
 *
 * The cells of an nx x ny grid are coloured like a checkerboard: black when
 * i + j is even, red otherwise. Every face joins a red and a black cell, so
 * the red cells are eliminated first exactly, without fill (checkerboard.ts),
 * leaving the Schur complement on the black cells: one black cell couples to
 * the black cells two apart along x or y and to its four diagonal
 * neighbours. Those are ordered by geometric nested dissection: a rectangle
 * is cut across its longer side by a strip two cells wide (the black cells
 * of two adjacent lines, which no coupling of this complement jumps over);
 * the two halves are ordered first, each recursively, then the strip. Cells
 * in different halves never meet in the factor, so on an n x n grid it holds
 * O(n^2 log n) entries and costs O(n^3) to compute, against n^3 entries and
 * n^4 / 2 operations for the band of the natural order. Rectangles of at
 * most `leaf` cells (or two cells thick) are numbered in natural order along
 * their shorter side.
 */
import { analyze, type CholeskyPattern } from "./symbolic.js";

/** Rectangles of at most this many cells (half of them black) are not cut further. */
export const DEFAULT_LEAF = 24;

/** Whether cell (i, j) is black (kept in the Schur complement). */
export const isBlack = (i: number, j: number): boolean => ((i + j) & 1) === 0;

/** The number of black cells of an nx x ny grid. */
export const blackCount = (nx: number, ny: number): number => Math.ceil((nx * ny) / 2);

/**
 * Black cells numbered row by row (x fastest), as the Schur complement's
 * unknowns are: `index[p]` for cell p, -1 for a red cell.
 */
export function blackIndex(nx: number, ny: number): Int32Array {
  const index = new Int32Array(nx * ny).fill(-1);
  let b = 0;
  for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) if (isBlack(i, j)) index[j * nx + i] = b++;
  return index;
}

/**
 * The nested-dissection order of the black cells: `order[q]` is the black
 * unknown (see {@link blackIndex}) eliminated q-th.
 */
export function checkerboardDissection(nx: number, ny: number, leaf = DEFAULT_LEAF): Int32Array {
  const index = blackIndex(nx, ny);
  const order = new Int32Array(blackCount(nx, ny));
  let q = 0;
  /** Numbers the black cells of [x0, x1) x [y0, y1), fastest along the shorter side. */
  const natural = (x0: number, x1: number, y0: number, y1: number): void => {
    if (x1 - x0 <= y1 - y0) {
      for (let j = y0; j < y1; j++) for (let i = x0; i < x1; i++) if (isBlack(i, j)) order[q++] = index[j * nx + i];
    } else {
      for (let i = x0; i < x1; i++) for (let j = y0; j < y1; j++) if (isBlack(i, j)) order[q++] = index[j * nx + i];
    }
  };
  const cut = (x0: number, x1: number, y0: number, y1: number): void => {
    const w = x1 - x0, h = y1 - y0;
    if (w <= 0 || h <= 0) return;
    if (w * h <= leaf || w <= 2 || h <= 2) {
      natural(x0, x1, y0, y1);
      return;
    }
    if (w >= h) {
      const m = x0 + (w >> 1) - 1;
      cut(x0, m, y0, y1);
      cut(m + 2, x1, y0, y1);
      natural(m, m + 2, y0, y1);
    } else {
      const m = y0 + (h >> 1) - 1;
      cut(x0, x1, y0, m);
      cut(x0, x1, m + 2, y1);
      natural(x0, x1, m, m + 2);
    }
  };
  cut(0, nx, 0, ny);
  if (q !== order.length) throw new Error(`checkerboardDissection: ordered ${q} of ${order.length} black cells`);
  return order;
}

/**
 * Calls visit(a, b) for each coupling of the Schur complement on the black
 * cells (black indices, a < b), black cell by black cell, in the order: two
 * along x, two along y, diagonal up-right, diagonal up-left.
 */
export function forEachBlackCoupling(nx: number, ny: number, visit: (a: number, b: number) => void): void {
  const index = blackIndex(nx, ny);
  for (let j = 0; j < ny; j++) {
    for (let i = j & 1; i < nx; i += 2) {
      const p = j * nx + i;
      if (i + 2 < nx) visit(index[p], index[p + 2]);
      if (j + 2 < ny) visit(index[p], index[p + 2 * nx]);
      if (i + 1 < nx && j + 1 < ny) visit(index[p], index[p + nx + 1]);
      if (i >= 1 && j + 1 < ny) visit(index[p], index[p + nx - 1]);
    }
  }
}

/** The Schur complement's analysed structure for an nx x ny grid. */
export interface CheckerboardPattern {
  /** Couplings, in the order of {@link forEachBlackCoupling}: the matrix values are the black diagonal entries, then one per coupling. */
  readonly couplings: number;
  readonly cholesky: CholeskyPattern;
}

/** The latest analyses, by grid shape (the structure depends on nx and ny only). */
const analysed = new Map<string, CheckerboardPattern>();
const KEEP = 4;

/** The analysis of the black cells' Schur complement of the nx x ny grid (see {@link checkerboardPattern}, which caches it). */
export function analyzeCheckerboard(nx: number, ny: number): CheckerboardPattern {
  const a: number[] = [], b: number[] = [];
  forEachBlackCoupling(nx, ny, (u, v) => {
    a.push(u);
    b.push(v);
  });
  const cholesky = analyze(blackCount(nx, ny), Int32Array.from(a), Int32Array.from(b), checkerboardDissection(nx, ny));
  return { couplings: a.length, cholesky };
}

/** The analysis of the black cells' Schur complement of the nx x ny grid, computed once per grid shape (the last few kept). */
export function checkerboardPattern(nx: number, ny: number): CheckerboardPattern {
  const key = `${nx}x${ny}`;
  const known = analysed.get(key);
  if (known !== undefined) return known;
  const result = analyzeCheckerboard(nx, ny);
  if (analysed.size >= KEEP) analysed.delete(analysed.keys().next().value as string);
  analysed.set(key, result);
  return result;
}
