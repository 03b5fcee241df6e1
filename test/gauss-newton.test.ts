import { describe, expect, test } from "vitest";
import { field, flatten } from "../src/core/arrays.js";
import { Random } from "../src/core/random.js";
import { run } from "../src/inversion/descent.js";
import { gaussNewton } from "../src/inversion/gauss-newton.js";
import { logarithm } from "../src/inversion/parametrization.js";
import { WaveSimulator } from "../src/wave/simulator.js";
import { smallProblem } from "./helpers/wave.js";
import { matrixSimulator } from "./helpers/matrix.js";

/** Solves the normal equations A^T W A x = A^T W d by Gaussian elimination (the independent truth). */
function normalEquations(A: Float64Array, rows: number, cols: number, d: Float64Array, w: Float64Array): Float64Array {
  const M = new Float64Array(cols * (cols + 1));
  for (let a = 0; a < cols; a++) {
    for (let b = 0; b < cols; b++) for (let i = 0; i < rows; i++) M[a * (cols + 1) + b] += A[i * cols + a] * w[i] * A[i * cols + b];
    for (let i = 0; i < rows; i++) M[a * (cols + 1) + cols] += A[i * cols + a] * w[i] * d[i];
  }
  for (let k = 0; k < cols; k++) {
    for (let r = k + 1; r < cols; r++) {
      const f = M[r * (cols + 1) + k] / M[k * (cols + 1) + k];
      for (let c = k; c <= cols; c++) M[r * (cols + 1) + c] -= f * M[k * (cols + 1) + c];
    }
  }
  const x = new Float64Array(cols);
  for (let k = cols - 1; k >= 0; k--) {
    let s = M[k * (cols + 1) + cols];
    for (let c = k + 1; c < cols; c++) s -= M[k * (cols + 1) + c] * x[c];
    x[k] = s / M[k * (cols + 1) + k];
  }
  return x;
}

describe("Gauss-Newton", () => {
  test("on a linear problem one step with enough CG iterations is the weighted least-squares solution", () => {
    const rng = new Random(5);
    const rows = 30, cols = 8;
    const A = rng.fillNormal(new Float64Array(rows * cols));
    const d = rng.fillNormal(new Float64Array(rows));
    const w = Float64Array.from({ length: rows }, () => 0.5 + rng.uniform());
    const exact = normalEquations(A, rows, cols, d, w);
    const gen = gaussNewton({ simulator: matrixSimulator(A, rows, cols), observed: field(d, [rows]), modelShape: [cols], weights: w }, new Float64Array(cols), { cgIterations: 50, cgTolerance: 1e-14, maxIterations: 1 });
    const r = run(gen);
    expect(r.iterations).toBe(1);
    for (let j = 0; j < cols; j++) expect(r.x[j]).toBeCloseTo(exact[j], 10);
  });

  test("a few iterations on a small FWI (log velocity) cut the misfit a hundredfold", () => {
    const { config, velocity: truth } = smallProblem();
    const sim = new WaveSimulator(config);
    const t = flatten(truth);
    const start = t.map((_, i) => {
      let s = 0, c = 0;
      for (let j = Math.max(0, i - 15); j <= Math.min(t.length - 1, i + 15); j++) { s += t[j]; c++; }
      return s / c;
    });
    const observed = sim.forward(truth);
    const x0 = start.map(Math.log);
    const initial = 0.5 * flatten(sim.forward(field(start, [t.length]))).reduce((s, v, i) => s + (v - flatten(observed)[i]) ** 2, 0);
    const r = run(gaussNewton({ simulator: sim, observed, modelShape: [config.nx], parametrization: logarithm }, x0, { maxIterations: 5, cgIterations: 10 }));
    expect(r.value).toBeLessThan(initial / 100);
  });
});
