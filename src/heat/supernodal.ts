/**
 * Multifrontal supernodal Cholesky factorization A = L L^T of a sparse
 * symmetric positive definite matrix, and its solves, on the structure of a
 * {@link CholeskyPattern} (symbolic.ts).
 *
 * Factorization visits the supernodes in postorder: each one's frontal matrix
 * (dense, column-major) gathers its matrix entries and its children's update
 * matrices (popped from a stack), factors its own columns by dense Cholesky
 * and pushes the Schur complement of the rest as its update. The factored
 * columns are kept as one dense panel per supernode, so a solve runs the
 * dense kernels of panel.ts once per supernode each way, on that supernode's
 * rows only (the solves' update rows travel up and down the tree as the
 * factorization's do). All storage is allocated at construction; solves and
 * refactorizations allocate nothing.
 */
import { lowerSolve, panelSize, storePanel, upperSolve } from "./panel.js";
import type { CholeskyPattern } from "./symbolic.js";

export class SupernodalCholesky {
  readonly pattern: CholeskyPattern;
  /** Dense panels of L (layout in panel.ts), supernode s's at panelStart[s]. */
  private readonly L: Float64Array;
  private readonly panelStart: Int32Array;
  /** 1 / L_jj by eliminated position j. */
  private readonly inverseDiagonal: Float64Array;
  private readonly front: Float64Array;
  private readonly stack: Float64Array;
  /** Solve work: every supernode's front rows (CholeskyPattern.frontStart). */
  private readonly fronts: Float64Array;

  constructor(pattern: CholeskyPattern) {
    this.pattern = pattern;
    const { count, first, frontStart } = pattern;
    this.panelStart = new Int32Array(count + 1);
    for (let s = 0; s < count; s++) this.panelStart[s + 1] = this.panelStart[s] + panelSize(first[s + 1] - first[s], frontStart[s + 1] - frontStart[s]);
    this.L = new Float64Array(this.panelStart[count]);
    this.inverseDiagonal = new Float64Array(pattern.n);
    this.front = new Float64Array(pattern.maxFront * pattern.maxFront);
    this.stack = new Float64Array(pattern.stackSize);
    this.fronts = new Float64Array(pattern.frontStart[pattern.count]);
  }

  /**
   * Factorizes the matrix with diagonal `values[p]` (p an original index) and
   * off-diagonal `values[n + k]` on edge k of the analysed pattern.
   * @throws {Error} when the matrix is not positive definite.
   */
  factorize(values: Float64Array): void {
    const P = this.pattern, F = this.front, U = this.stack, L = this.L;
    const { first, patternStart, relative, childStart, children, entryStart, entrySource, entryPosition } = P;
    let sp = 0;
    for (let s = 0; s < P.count; s++) {
      const f = first[s], w = first[s + 1] - f, r = patternStart[s + 1] - patternStart[s], m = w + r;
      // Assemble: zero the lower triangle, add the matrix entries, extend-add the children's updates.
      for (let j = 0; j < m; j++) F.fill(0, j * m + j, (j + 1) * m);
      for (let e = entryStart[s]; e < entryStart[s + 1]; e++) F[entryPosition[e]] += values[entrySource[e]];
      for (let c = childStart[s + 1] - 1; c >= childStart[s]; c--) {
        const ch = children[c], rs = patternStart[ch], rc = patternStart[ch + 1] - rs;
        sp -= rc * rc;
        for (let jj = 0; jj < rc; jj++) {
          const col = relative[rs + jj] * m, src = sp + jj * rc;
          for (let ii = jj; ii < rc; ii++) F[relative[rs + ii] + col] += U[src + ii];
        }
      }
      this.partialFactor(m, w, f);
      storePanel(F, L, this.panelStart[s], w, m);
      for (let jj = 0; jj < r; jj++) {
        const col = (w + jj) * m + w;
        for (let ii = jj; ii < r; ii++) U[sp + jj * r + ii] = F[col + ii];
      }
      sp += r * r;
    }
  }

  /**
   * Dense Cholesky of the front's first w columns (column-major, m x m, lower
   * triangle) and the Schur complement of the trailing m - w rows in place.
   */
  private partialFactor(m: number, w: number, f: number): void {
    const F = this.front, invD = this.inverseDiagonal;
    for (let c = 0; c < w; c++) {
      const cc = c * m;
      for (let k = 0; k < c; k++) {
        const t = F[k * m + c];
        if (t === 0) continue;
        const kk = k * m;
        for (let i = c; i < m; i++) F[cc + i] -= F[kk + i] * t;
      }
      const d = F[cc + c];
      if (!(d > 0)) throw new Error(`SupernodalCholesky: the matrix is not positive definite (pivot ${d} at ${f + c})`);
      const diag = Math.sqrt(d), inv = 1 / diag;
      F[cc + c] = diag;
      invD[f + c] = inv;
      for (let i = c + 1; i < m; i++) F[cc + i] *= inv;
    }
    // Trailing block: F[i, j] -= sum_k F[i, k] F[j, k] for w <= j <= i < m, four columns k at a time.
    for (let j = w; j < m; j++) {
      const jj = j * m;
      let k = 0;
      for (; k + 3 < w; k += 4) {
        const b0 = k * m, b1 = b0 + m, b2 = b1 + m, b3 = b2 + m;
        const t0 = F[b0 + j], t1 = F[b1 + j], t2 = F[b2 + j], t3 = F[b3 + j];
        for (let i = j; i < m; i++) F[jj + i] -= F[b0 + i] * t0 + F[b1 + i] * t1 + F[b2 + i] * t2 + F[b3 + i] * t3;
      }
      for (; k < w; k++) {
        const b0 = k * m, t0 = F[b0 + j];
        for (let i = j; i < m; i++) F[jj + i] -= F[b0 + i] * t0;
      }
    }
  }

  /**
   * out = A^{-1} rhs, both in original numbering (out may be rhs). Every
   * supernode works on its own slice of one vector of all fronts' rows: going
   * up the tree (L z = rhs) its rows below gather its children's updates,
   * going down (L^T x = z) they are read from its parent's solved rows, so no
   * step touches the solution at scattered places.
   */
  solve(rhs: Float64Array, out: Float64Array): void {
    const { perm, count, first, patternStart, relative, childStart, children, parent, frontStart } = this.pattern;
    const Y = this.fronts;
    for (let s = 0; s < count; s++) {
      const f = first[s], w = first[s + 1] - f, o = frontStart[s], m = frontStart[s + 1] - o;
      for (let c = 0; c < w; c++) Y[o + c] = rhs[perm[f + c]];
      for (let i = o + w; i < o + m; i++) Y[i] = 0;
      for (let e = childStart[s]; e < childStart[s + 1]; e++) {
        const ch = children[e], rs = patternStart[ch], rc = patternStart[ch + 1] - rs, oc = frontStart[ch + 1] - rc;
        for (let k = 0; k < rc; k++) Y[o + relative[rs + k]] += Y[oc + k];
      }
      lowerSolve(this.L, Y, this.inverseDiagonal, this.panelStart[s], o, f, w, m);
    }
    for (let s = count - 1; s >= 0; s--) {
      const f = first[s], w = first[s + 1] - f, o = frontStart[s], m = frontStart[s + 1] - o;
      const p = parent[s];
      if (p !== -1) {
        const op = frontStart[p], rs = patternStart[s];
        for (let k = m - w - 1; k >= 0; k--) Y[o + w + k] = Y[op + relative[rs + k]];
      }
      upperSolve(this.L, Y, this.inverseDiagonal, this.panelStart[s], o, f, w, m);
      for (let c = w - 1; c >= 0; c--) out[perm[f + c]] = Y[o + c];
    }
  }
}
