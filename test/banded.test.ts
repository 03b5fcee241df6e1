import { expect, test } from "vitest";
import { Random } from "../src/core/random.js";
import { BandedCholesky } from "../src/heat/banded.js";

test("banded Cholesky solves random SPD band matrices: the residual A x - r is at round-off (bandwidths 1, 2, 7)", () => {
  const rng = new Random(4);
  for (const [n, b] of [[50, 1], [40, 2], [60, 7]]) {
    // A = diagonally dominant symmetric band matrix (hence SPD), kept dense for the check.
    const A = Array.from({ length: n }, () => new Float64Array(n));
    for (let q = 0; q < n; q++) {
      for (let m = Math.max(0, q - b); m < q; m++) A[q][m] = A[m][q] = rng.normal();
      A[q][q] = 2 * b + 1 + Math.abs(rng.normal()) * 3;
    }
    for (let q = 0; q < n; q++) A[q][q] += A[q].reduce((s, v, m) => (m === q ? s : s + Math.abs(v)), 0);
    const chol = new BandedCholesky(n, b);
    for (let q = 0; q < n; q++) for (let m = Math.max(0, q - b); m <= q; m++) chol.set(q, m, A[q][m]);
    chol.factorize();
    const r = Float64Array.from({ length: n }, () => rng.normal());
    const x = new Float64Array(n);
    chol.solve(r, x);
    for (let q = 0; q < n; q++) {
      const ax = A[q].reduce((s, v, m) => s + v * x[m], 0);
      // Well-conditioned (diagonally dominant): residual to 1e-13 of |r|_inf-scale.
      expect(Math.abs(ax - r[q])).toBeLessThan(1e-13 * 10);
    }
  }
});
