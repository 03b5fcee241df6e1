import { describe, expect, test } from "vitest";
import { Random } from "../src/core/random.js";
import { BandedCholesky } from "../src/heat/banded.js";
import { CheckerboardCholesky } from "../src/heat/checkerboard.js";
import { blackCount, checkerboardDissection, checkerboardPattern, forEachBlackCoupling } from "../src/heat/dissection.js";
import { HeatOperator } from "../src/heat/operator.js";
import { heatLayout, heatMemory } from "../src/heat/config.js";
import { panelSize } from "../src/heat/panel.js";
import { SupernodalCholesky } from "../src/heat/supernodal.js";
import { analyze } from "../src/heat/symbolic.js";

/** x = A^{-1} r by a dense Cholesky factorization (the independent truth on small matrices). */
function denseSolve(A: Float64Array[], r: Float64Array): Float64Array {
  const n = r.length, L = A.map((row) => row.slice());
  for (let j = 0; j < n; j++) {
    for (let k = 0; k < j; k++) L[j][j] -= L[j][k] * L[j][k];
    L[j][j] = Math.sqrt(L[j][j]);
    for (let i = j + 1; i < n; i++) {
      for (let k = 0; k < j; k++) L[i][j] -= L[i][k] * L[j][k];
      L[i][j] /= L[j][j];
    }
  }
  const x = Float64Array.from(r);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < i; k++) x[i] -= L[i][k] * x[k];
    x[i] /= L[i][i];
  }
  for (let i = n - 1; i >= 0; i--) {
    for (let k = i + 1; k < n; k++) x[i] -= L[k][i] * x[k];
    x[i] /= L[i][i];
  }
  return x;
}

function maxAbs(v: Float64Array): number {
  let m = 0;
  for (const x of v) m = Math.max(m, Math.abs(x));
  return m;
}
const relativeDifference = (a: Float64Array, b: Float64Array) => maxAbs(a.map((v, i) => v - b[i])) / maxAbs(b);

describe("supernodal Cholesky (symbolic analysis, multifrontal factorization, tree-ordered solves)", () => {
  test("random sparse SPD matrices in random orders: the solution equals a dense Cholesky solve to 1e-13, with and without relaxed supernodes", () => {
    const rng = new Random(11);
    for (const [n, edges] of [[1, 0], [2, 1], [30, 60], [80, 200], [120, 900]]) {
      // A random graph (pairs may repeat: the pattern keeps one edge per pair), weights making A SPD.
      const seen = new Set<number>(), a: number[] = [], b: number[] = [];
      while (a.length < edges) {
        const u = Math.floor(rng.uniform() * n), v = Math.floor(rng.uniform() * n);
        if (u === v || seen.has(Math.min(u, v) * n + Math.max(u, v))) continue;
        seen.add(Math.min(u, v) * n + Math.max(u, v));
        a.push(u);
        b.push(v);
      }
      const values = new Float64Array(n + edges), dense = Array.from({ length: n }, () => new Float64Array(n));
      for (let e = 0; e < edges; e++) {
        const w = rng.normal();
        values[n + e] = w;
        dense[a[e]][b[e]] = dense[b[e]][a[e]] = w;
        values[a[e]] += Math.abs(w);
        values[b[e]] += Math.abs(w);
      }
      for (let p = 0; p < n; p++) dense[p][p] = values[p] += 0.5 + rng.uniform();
      const order = Int32Array.from({ length: n }, (_, i) => i);
      for (let i = n - 1; i > 0; i--) {
        const j = Math.floor(rng.uniform() * (i + 1));
        [order[i], order[j]] = [order[j], order[i]];
      }
      const r = Float64Array.from({ length: n }, () => rng.normal());
      const truth = denseSolve(dense, r);
      for (const relax of [false, true]) {
        const pattern = analyze(n, Int32Array.from(a), Int32Array.from(b), order, relax);
        const chol = new SupernodalCholesky(pattern);
        chol.factorize(values);
        const x = new Float64Array(n);
        chol.solve(r, x);
        expect(relativeDifference(x, truth)).toBeLessThan(1e-13);
        // In place (out = rhs) gives the same.
        const y = Float64Array.from(r);
        chol.solve(y, y);
        expect(relativeDifference(y, truth)).toBeLessThan(1e-13);
      }
    }
  });

  test("a matrix that is not positive definite is refused with the pivot named", () => {
    const pattern = analyze(3, Int32Array.from([0, 1]), Int32Array.from([1, 2]), Int32Array.from([0, 1, 2]));
    const chol = new SupernodalCholesky(pattern);
    // Diagonal 1, off-diagonal 2: indefinite.
    expect(() => chol.factorize(Float64Array.from([1, 1, 1, 2, 2]))).toThrow(/not positive definite/);
  });
});

/** A random SPD 5-point matrix on an nx x ny grid (diagonally dominant: mass plus conductances), as the heat step's. */
function gridMatrix(nx: number, ny: number, rng: Random) {
  const n = nx * ny, diagonal = new Float64Array(n), east = new Float64Array(n), north = new Float64Array(n);
  for (let p = 0; p < n; p++) diagonal[p] = 0.1 + rng.uniform();
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      const p = j * nx + i;
      // Conductances spanning four decades, as contrasting materials do.
      if (i < nx - 1) {
        const g = 10 ** (4 * rng.uniform() - 2);
        east[p] = -g;
        diagonal[p] += g;
        diagonal[p + 1] += g;
      }
      if (j < ny - 1) {
        const g = 10 ** (4 * rng.uniform() - 2);
        north[p] = -g;
        diagonal[p] += g;
        diagonal[p + nx] += g;
      }
    }
  }
  return { diagonal, east, north };
}

describe("2D exact solves: checkerboard reduction and the nested-dissection factor of its Schur complement", () => {
  test("equal the banded Cholesky solve of the natural order (the previous solver) to 1e-12 on grids of many shapes", () => {
    const rng = new Random(3);
    for (const [nx, ny] of [[1, 1], [1, 7], [7, 1], [2, 2], [3, 5], [17, 9], [9, 17], [40, 33], [64, 64]]) {
      const { diagonal, east, north } = gridMatrix(nx, ny, rng);
      const n = nx * ny, band = new BandedCholesky(n, nx);
      for (let p = 0; p < n; p++) {
        band.set(p, p, diagonal[p]);
        if (p % nx > 0) band.set(p, p - 1, east[p - 1]);
        if (p >= nx) band.set(p, p - nx, north[p - nx]);
      }
      band.factorize();
      const cb = new CheckerboardCholesky(nx, ny);
      cb.diagonal.set(diagonal);
      cb.east.set(east);
      cb.north.set(north);
      cb.factorize();
      const r = Float64Array.from({ length: n }, () => rng.normal());
      const truth = new Float64Array(n), x = new Float64Array(n);
      band.solve(r, truth);
      cb.solve(r, x);
      // Condition numbers up to ~1e5 here: 1e-12 is a few hundred ulps of agreement.
      expect(relativeDifference(x, truth)).toBeLessThan(1e-12);
    }
  });

  test("the dissection orders every black cell once, and the factor's fill is bounded (O(N log N), far below the band's)", () => {
    for (const [nx, ny] of [[1, 1], [5, 3], [33, 20], [128, 128]]) {
      const order = checkerboardDissection(nx, ny);
      expect([...order].sort((a, b) => a - b)).toEqual(Array.from({ length: blackCount(nx, ny) }, (_, i) => i));
    }
    const entries = (n: number) => checkerboardPattern(n, n).cholesky.factorEntries;
    // 256 x 256: 1.90 M entries (the band of the natural order: N (b + 1) = 16.8 M; the nested
    // dissection of the whole grid without the checkerboard: 2.36 M).
    expect(entries(256)).toBeLessThan(2.0e6);
    expect(entries(256)).toBeLessThan((256 * 256 * 257) / 8);
    // Doubling the side multiplies N log N by 4.6 (128 -> 256) and the band by 8.
    expect(entries(256) / entries(128)).toBeLessThan(5.5);
  });

  test("the memory estimate of the 2D factor bounds what the factor and its solves allocate", () => {
    for (const [nx, ny] of [[32, 32], [256, 256], [300, 7], [2, 500], [120, 90]]) {
      const p = checkerboardPattern(nx, ny).cholesky, n = nx * ny;
      // Doubles: panels, solve fronts, the frontal matrix, the update stack, the checkerboard's
      // eight cell arrays and S's values; Int32 index arrays count half.
      let panels = 0;
      for (let s = 0; s < p.count; s++) panels += panelSize(p.first[s + 1] - p.first[s], p.frontStart[s + 1] - p.frontStart[s]);
      const doubles = panels + p.frontStart[p.count] + p.maxFront ** 2 + p.stackSize + 8 * n + (p.entryStart[p.count] ?? 0)
        + (p.pattern.length * 2 + p.entrySource.length * 2 + p.perm.length + 6 * p.count) / 2;
      const estimate = heatMemory(nx, ny, 2, 1, null).find((part) => part.what === "sparse Cholesky factor")!.bytes / 8;
      expect(doubles).toBeLessThan(estimate);
    }
  });

  test("the couplings of the Schur complement are those of a black cell two apart or diagonal, each once", () => {
    const nx = 6, ny = 5, seen = new Set<string>();
    forEachBlackCoupling(nx, ny, (a, b) => {
      expect(a).toBeLessThan(b);
      seen.add(`${a},${b}`);
    });
    // Per black cell: up to 2 along x and y, 2 diagonals (each pair counted from its lower-left end).
    let count = 0;
    for (let j = 0; j < ny; j++) for (let i = j & 1; i < nx; i += 2) count += +(i + 2 < nx) + +(j + 2 < ny) + +(i + 1 < nx && j + 1 < ny) + +(i >= 1 && j + 1 < ny);
    expect(seen.size).toBe(count);
    expect(checkerboardPattern(nx, ny).couplings).toBe(count);
  });

  test("the heat operator's 2D solve inverts its own M + alpha A (applied by massMinus, another code path) to round-off, for every kind of side", () => {
    const rng = new Random(8);
    for (const [nx, ny] of [[12, 9], [31, 4], [1, 6]]) {
      const lay = heatLayout({
        nx, ny, dx: 0.01, dy: 0.012, dt: 50, nt: 2, capacity: 2e6, sensors: [[0, 0]],
        boundaries: { left: { kind: "dirichlet", temperature: 300 }, right: { kind: "robin", coefficient: 40, temperature: 290 }, bottom: { kind: "neumann", flux: 10 } },
      });
      const op = new HeatOperator(lay);
      const alpha = 25;
      op.setConductivity(Float64Array.from({ length: nx * ny }, () => 10 ** (3 * rng.uniform() - 1)), alpha);
      const r = Float64Array.from({ length: nx * ny }, () => rng.normal()), x = new Float64Array(nx * ny), back = new Float64Array(nx * ny);
      op.solve(r, x);
      op.massMinus(x, back, -alpha); // (M + alpha A) x
      expect(relativeDifference(back, r)).toBeLessThan(1e-13);
    }
  });
});
