/**
 * Banded Cholesky factorization of a symmetric positive definite matrix with
 * lower bandwidth b, and its solves. Row q keeps columns q - b .. q in
 * ascending order at q (b + 1) (the diagonal last), so every inner loop reads
 * memory forwards; the inverse diagonal is kept apart. Factorization costs
 * ~N b^2 / 2 multiply-adds, a solve ~2 N b. Bandwidth 1 (tridiagonal) runs
 * dedicated recurrences of one multiply-subtract per row.
 */

/** Values below this magnitude are flushed to zero in solves (far from any result, and never subnormal). */
const TINY = 1e-290;

export class BandedCholesky {
  readonly size: number;
  readonly band: number;
  /** The lower band: fill with {@link set} (entry (q, m), m in [q - band, q]), then {@link factorize}. */
  readonly L: Float64Array;
  private readonly inverseDiagonal: Float64Array;
  /** Tridiagonal case: L(q, q-1) / L(q, q) and L(q, q-1) / L(q-1, q-1), so each recurrence step is one multiply-subtract. */
  private readonly lowerRatio: Float64Array;
  private readonly upperRatio: Float64Array;

  constructor(size: number, band: number) {
    this.size = size;
    this.band = band;
    this.L = new Float64Array(size * (band + 1));
    this.inverseDiagonal = new Float64Array(size);
    this.lowerRatio = new Float64Array(band === 1 ? size : 0);
    this.upperRatio = new Float64Array(band === 1 ? size : 0);
  }

  /** Sets matrix entry (q, m), m in [q - band, q]. */
  set(q: number, m: number, value: number): void {
    this.L[q * (this.band + 1) + this.band - q + m] = value;
  }

  /** Replaces the matrix by its Cholesky factor. */
  factorize(): void {
    const { size, L } = this;
    const b = this.band, w = b + 1;
    const invD = this.inverseDiagonal;
    for (let q = 0; q < size; q++) {
      const bq = q * w + b - q;
      const lo = q > b ? q - b : 0;
      for (let c = lo; c < q; c++) {
        // L[q][c] = (A[q][c] - sum_{lo <= m < c} L[q][m] L[c][m]) / L[c][c]
        const bc = c * w + b - c;
        let s0 = L[bq + c], s1 = 0;
        let m = lo;
        for (; m + 1 < c; m += 2) {
          s0 -= L[bq + m] * L[bc + m];
          s1 -= L[bq + m + 1] * L[bc + m + 1];
        }
        if (m < c) s0 -= L[bq + m] * L[bc + m];
        L[bq + c] = (s0 + s1) * invD[c];
      }
      let d = L[bq + q];
      for (let m = lo; m < q; m++) d -= L[bq + m] * L[bq + m];
      const diag = Math.sqrt(d);
      L[bq + q] = diag;
      invD[q] = 1 / diag;
    }
    if (b === 1) {
      for (let q = 1; q < size; q++) {
        this.lowerRatio[q] = L[2 * q] * invD[q];
        this.upperRatio[q] = L[2 * q] * invD[q - 1];
      }
    }
  }

  /** out = A^{-1} r (out may be r). */
  solve(r: Float64Array, out: Float64Array): void {
    const { size, L } = this;
    const b = this.band, w = b + 1, invD = this.inverseDiagonal;
    if (b === 1) {
      // Tridiagonal: entry (q, q - 1) at 2q; the same recurrences without inner loops.
      const lo = this.lowerRatio, up = this.upperRatio;
      let prev = r[0] * invD[0];
      out[0] = prev;
      for (let q = 1; q < size; q++) out[q] = prev = r[q] * invD[q] - lo[q] * prev;
      let x = out[size - 1] * invD[size - 1];
      for (let q = size - 1; q > 0; q--) {
        if (x < TINY && x > -TINY) x = 0;
        out[q] = x;
        x = out[q - 1] * invD[q - 1] - up[q] * x;
      }
      if (x < TINY && x > -TINY) x = 0;
      out[0] = x;
      return;
    }
    const y = out;
    if (y !== r) y.set(r);
    // L y' = y (rows), then L^T x = y' (columns, as updates of the entries above).
    for (let q = 0; q < size; q++) {
      const bq = q * w + b - q;
      let s0 = y[q], s1 = 0;
      let m = q > b ? q - b : 0;
      for (; m + 1 < q; m += 2) {
        s0 -= L[bq + m] * y[m];
        s1 -= L[bq + m + 1] * y[m + 1];
      }
      if (m < q) s0 -= L[bq + m] * y[m];
      y[q] = (s0 + s1) * invD[q];
    }
    for (let q = size - 1; q >= 0; q--) {
      const bq = q * w + b - q;
      let x = y[q] * invD[q];
      if (x < TINY && x > -TINY) x = 0;
      y[q] = x;
      for (let m = q > b ? q - b : 0; m < q; m++) y[m] -= L[bq + m] * x;
    }
  }
}
