/**
 * Sources and receivers between grid points: the weights with which a point source is spread
 * onto the grid and a receiver reads it (one the transpose of the other, so the adjoint stays
 * exact).
 *
 * Kaiser-windowed sinc weights (Hicks 2002, "Arbitrary source and receiver positioning in
 * finite-difference schemes using Kaiser windowed sinc functions", Geophysics 67(1)) over
 * 2 HALF_WIDTH grid points, with b = 9.42 from his table for that half-width and a band up to
 * half the Nyquist wavenumber, resolve the band a scheme resolves; alone they read a constant
 * with an error of 4.0e-5 (4.2e-4 at half-width 4, b = 6.31), so off-grid errors would stop
 * falling as the grid is refined. The smallest correction (in the least-squares sense) that
 * makes them exact for polynomials of degree below EXACT_DEGREE keeps the window's band and
 * gives errors that fall as dx^8 for smooth fields. Reading e^{ikx} 0.37 of a cell from a grid
 * point errs by 1.2e-2 at k dx = 2 (the window alone 4.5e-2, the degree-7 polynomial through
 * 8 points 8.1e-2), 1.4e-4 at k dx = 1, 7.9e-9 at k dx = 0.25; linear interpolation, half-way,
 * by 0.46, 0.12 and 7.8e-3. On a grid point the weights are that point's alone, exactly 1.
 *
 * Near an end the points beyond the last cell take the image the end defines: a mirror end
 * (free, rigid) holds its ghost cells at -1 / +1 times the cells inside, so their weights fold
 * onto those cells with that sign; at an absorbing end without enough layer cells the points
 * beyond are dropped and the correction is made on those left.
 */

/** Grid points used each side of a position. */
export const HALF_WIDTH = 6;
/** Kaiser window parameter for HALF_WIDTH 6 and a band to half the Nyquist wavenumber (Hicks 2002, table 2). */
const KAISER_B = 9.42;
/** Polynomials of degree below this are interpolated exactly. */
const EXACT_DEGREE = 8;

/** The modified Bessel function I0 by its power series (|x| <= 20 here: 40 terms reach round-off). */
function besselI0(x: number): number {
  const q = (x * x) / 4;
  let term = 1, sum = 1;
  for (let k = 1; k < 60 && term > 1e-17 * sum; k++) {
    term *= q / (k * k);
    sum += term;
  }
  return sum;
}

const I0_B = besselI0(KAISER_B);

/** Hicks' weight at signed distance d (grid units): sinc(d) times the Kaiser window; exactly 0 at other grid points. */
function hicks(d: number): number {
  if (d === 0) return 1;
  if (Number.isInteger(d) || Math.abs(d) >= HALF_WIDTH) return 0;
  const t = d / HALF_WIDTH;
  return (Math.sin(Math.PI * d) / (Math.PI * d)) * (besselI0(KAISER_B * Math.sqrt(1 - t * t)) / I0_B);
}

/** Legendre polynomials P_0..P_{m-1} at t. */
function legendre(t: number, m: number): Float64Array {
  const p = new Float64Array(m);
  p[0] = 1;
  if (m > 1) p[1] = t;
  for (let j = 1; j + 1 < m; j++) p[j + 1] = ((2 * j + 1) * t * p[j] - j * p[j - 1]) / (j + 1);
  return p;
}

/** Solves the small dense system a x = b in place (Gaussian elimination, partial pivoting); returns x. */
function solve(a: Float64Array[], b: Float64Array): Float64Array {
  const n = b.length;
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r][c]) > Math.abs(a[p][c])) p = r;
    [a[c], a[p]] = [a[p], a[c]];
    [b[c], b[p]] = [b[p], b[c]];
    for (let r = c + 1; r < n; r++) {
      const f = a[r][c] / a[c][c];
      for (let k = c; k < n; k++) a[r][k] -= f * a[c][k];
      b[r] -= f * b[c];
    }
  }
  const x = new Float64Array(n);
  for (let r = n - 1; r >= 0; r--) {
    let s = b[r];
    for (let k = r + 1; k < n; k++) s -= a[r][k] * x[k];
    x[r] = s / a[r][r];
  }
  return x;
}

/** What lies beyond an end of the cells: a mirror (its sign: -1 free, +1 rigid) or nothing (0: absorbing). */
export interface Ends {
  /** The first and one past the last cell that exist, [lo, hi). */
  lo: number;
  hi: number;
  /** Mirror signs at lo and hi; a mirror is half a cell beyond the end cell. */
  left: number;
  right: number;
}

/**
 * The weights of a point at `s` (in cell-index units, fractional) onto cells of [lo, hi):
 * 2 HALF_WIDTH (index, weight) pairs, some weights zero (an index may repeat where an image
 * folds onto a cell).
 */
export function pointWeights(s: number, ends: Ends): { index: Int32Array; weight: Float64Array } {
  const n = 2 * HALF_WIDTH, base = Math.floor(s) - HALF_WIDTH + 1;
  const cell = new Int32Array(n), dist = new Float64Array(n), w = new Float64Array(n);
  const kept: number[] = [];
  for (let j = 0; j < n; j++) {
    const i = base + j;
    cell[j] = i;
    dist[j] = i - s;
    w[j] = hicks(dist[j]);
    const inside = i >= ends.lo && i < ends.hi;
    if (inside || (i < ends.lo ? ends.left : ends.right) !== 0) kept.push(j);
    else w[j] = 0;
  }
  // The least-squares correction c (on the kept points) with sum_j (w_j + c_j) P_m(d_j / r) =
  // P_m(0) for m < EXACT_DEGREE: c = V^T (V V^T)^-1 (P(0) - V w), Legendre P for conditioning.
  const m = Math.min(EXACT_DEGREE, kept.length);
  const rows = kept.map((j) => legendre(dist[j] / HALF_WIDTH, m));
  const target = legendre(0, m);
  const gram = Array.from({ length: m }, () => new Float64Array(m));
  for (const p of rows) for (let a = 0; a < m; a++) for (let b = 0; b < m; b++) gram[a][b] += p[a] * p[b];
  kept.forEach((j, r) => {
    for (let a = 0; a < m; a++) target[a] -= rows[r][a] * w[j];
  });
  let residual = 0;
  for (let a = 0; a < m; a++) residual = Math.max(residual, Math.abs(target[a]));
  if (residual > 0) {
    const lambda = solve(gram, target);
    kept.forEach((j, r) => {
      for (let a = 0; a < m; a++) w[j] += rows[r][a] * lambda[a];
    });
  }
  // Images: a point beyond a mirror end reads (and feeds) its mirrored cell, with the mirror's sign.
  const index = new Int32Array(n), weight = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    let i = cell[j], sign = 1;
    if (i < ends.lo) [i, sign] = ends.left !== 0 ? [2 * ends.lo - 1 - i, ends.left] : [ends.lo, 0];
    else if (i >= ends.hi) [i, sign] = ends.right !== 0 ? [2 * ends.hi - 1 - i, ends.right] : [ends.hi - 1, 0];
    index[j] = Math.min(Math.max(i, ends.lo), ends.hi - 1);
    weight[j] = sign * w[j];
  }
  return { index, weight };
}
