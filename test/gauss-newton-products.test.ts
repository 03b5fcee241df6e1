/**
 * Gauss-Newton Hessian-vector products of data objectives (for Newton-CG):
 * each misfit's curvature and each regularizer's Hessian against central
 * differences of its own gradient; on linear forward problems (a dense matrix,
 * and heat diffusion as a function of its initial temperature) the product of
 * the whole objective against the dense Hessian A^T W A + regularizers and
 * against differences of the objective's gradient, and stacked in a joint
 * objective with a coupling, and in preconditioned variables; with a nonlinear physics
 * and parametrization, symmetry and positive curvature; and where there is no
 * curvature (normalized cross-correlation), no product.
 */
import { describe, expect, test } from "vitest";
import { field, flatten } from "../src/core/arrays.js";
import { Random } from "../src/core/random.js";
import { HeatSimulator } from "../src/heat/simulator.js";
import { gradientSimilarity, jointObjective } from "../src/inversion/joint.js";
import { huber, leastSquares, normalizedCrossCorrelation, type Misfit } from "../src/inversion/misfit.js";
import { dataObjective, modelObjective } from "../src/inversion/objective.js";
import { logarithm } from "../src/inversion/parametrization.js";
import { scaledHessianVector, scaledObjective } from "../src/inversion/precondition.js";
import { damping, smoothness, totalVariation, type Regularizer } from "../src/inversion/regularization.js";
import type { Objective } from "../src/inversion/types.js";
import { adversarial } from "../src/inversion/worst-case.js";
import { smallHeatProblem } from "./helpers/heat.js";
import { matrixSimulator } from "./helpers/matrix.js";

const dot = (a: Float64Array, b: Float64Array) => a.reduce((s, v, i) => s + v * b[i], 0);
const norm = (a: Float64Array) => Math.sqrt(dot(a, a));
const relative = (a: Float64Array, b: Float64Array) => norm(a.map((v, i) => v - b[i])) / norm(b);

/** (g(x + h v) - g(x - h v)) / 2h for a gradient map g. */
function gradientDifference(gradient: (x: Float64Array, out: Float64Array) => void, x: Float64Array, v: Float64Array, h: number): Float64Array {
  const gp = new Float64Array(x.length), gm = new Float64Array(x.length);
  gradient(x.map((xi, i) => xi + h * v[i]), gp);
  gradient(x.map((xi, i) => xi - h * v[i]), gm);
  return gp.map((a, i) => (a - gm[i]) / (2 * h));
}

describe("curvatures of misfits and Hessians of regularizers", () => {
  // Central differences of a smooth gradient with h = 1e-5: truncation O(h^2) ~ 1e-10 and
  // round-off ~ 1e-16 / h ~ 1e-11, relative (measured 4e-12 to 2e-11, total variation 2e-9);
  // 1e-7 leaves room and catches any wrong term.
  const TOLERANCE = 1e-7;
  const rng = new Random(11);
  const size = 40;
  const observed = rng.fillNormal(new Float64Array(size));
  const predicted = observed.map((o) => o + 0.5 * rng.normal());
  const v = rng.fillNormal(new Float64Array(size));
  const weights = Float64Array.from({ length: size }, () => 0.5 + rng.uniform());

  const misfits: [string, Misfit][] = [
    ["weighted least squares", leastSquares(weights)],
    // delta between residuals (none within 1e-3 of it), so the differences do not cross the kink.
    ["Huber (some residuals beyond delta)", huber(0.45, weights)],
    ["adversarial, epsilon = 0", adversarial(0.7)],
    ["adversarial, epsilon = 0.3", adversarial(0.7, 0.3)],
  ];
  for (const [name, misfit] of misfits) {
    test(`${name}: the curvature is the derivative of the misfit's gradient`, () => {
      if (name.startsWith("Huber")) expect(predicted.every((p, i) => Math.abs(Math.abs(p - observed[i]) - 0.45) > 1e-3)).toBe(true);
      const out = new Float64Array(size);
      misfit.curvature!(predicted, observed, v, out);
      const truth = gradientDifference((p, g) => void misfit.evaluate(p, observed, g), predicted, v, 1e-5);
      expect(relative(out, truth)).toBeLessThan(TOLERANCE);
      // Positive semidefinite, as Gauss-Newton needs.
      expect(dot(v, out)).toBeGreaterThan(0);
    });
  }

  test("normalized cross-correlation has no curvature (it is not convex in the data)", () => {
    expect(normalizedCrossCorrelation(10).curvature).toBeUndefined();
  });

  const regularizers: [string, Regularizer, number][] = [
    ["damping", damping(Float64Array.from({ length: 48 }, (_, i) => Math.cos(i))), 48],
    ["smoothness (profile)", smoothness(48), 48],
    ["smoothness (grid 6 x 8)", smoothness([6, 8]), 48],
    ["total variation (profile)", totalVariation(48, 0.2), 48],
    ["total variation (grid 6 x 8)", totalVariation([6, 8], 0.2), 48],
  ];
  for (const [name, term, n] of regularizers) {
    test(`${name}: the Hessian product is the derivative of the gradient`, () => {
      const m = rng.fillNormal(new Float64Array(n)), dm = rng.fillNormal(new Float64Array(n));
      const out = new Float64Array(n);
      term.hessianVector!(m, dm, out);
      expect(relative(out, gradientDifference((x, g) => void term.evaluate(x, g), m, dm, 1e-5))).toBeLessThan(TOLERANCE);
    });
  }
});

describe("Gauss-Newton products of data objectives", () => {
  test("linear F = A m, weighted least squares, damping and smoothness: the product is the exact Hessian A^T W A + a I + b D^T D", () => {
    const rng = new Random(5);
    const rows = 30, cols = 12;
    const A = rng.fillNormal(new Float64Array(rows * cols));
    const d = rng.fillNormal(new Float64Array(rows));
    const w = Float64Array.from({ length: rows }, () => 0.5 + rng.uniform());
    const [a, b] = [0.3, 2];
    const objective = dataObjective({
      simulator: matrixSimulator(A, rows, cols), observed: field(d, [rows]), misfit: leastSquares(w), modelShape: [cols],
      regularization: [{ term: damping(), weight: a }, { term: smoothness(cols), weight: b }],
    });
    // The dense Hessian, written out here (the independent truth).
    const H = new Float64Array(cols * cols);
    for (let p = 0; p < cols; p++) {
      for (let q = 0; q < cols; q++) for (let i = 0; i < rows; i++) H[p * cols + q] += A[i * cols + p] * w[i] * A[i * cols + q];
      H[p * cols + p] += a;
    }
    for (let k = 0; k + 1 < cols; k++) {
      H[k * cols + k] += b;
      H[(k + 1) * cols + k + 1] += b;
      H[k * cols + k + 1] -= b;
      H[(k + 1) * cols + k] -= b;
    }
    const x = rng.fillNormal(new Float64Array(cols)), v = rng.fillNormal(new Float64Array(cols));
    const out = new Float64Array(cols);
    objective.hessianVector!(x, v, out);
    const dense = Float64Array.from({ length: cols }, (_, p) => H.subarray(p * cols, (p + 1) * cols).reduce((s, hpq, q) => s + hpq * v[q], 0));
    // The same sums in another order: round-off only.
    expect(relative(out, dense)).toBeLessThan(1e-13);
    // The gradient is linear in x: its central difference is exact but for round-off (~1e-16 / h; 6e-14 measured).
    expect(relative(out, gradientDifference(objective.objective, x, v, 1e-3))).toBeLessThan(1e-10);
  });

  test("a joint objective of two linear blocks with a gradient-similarity coupling: the stacked product equals differences of the joint gradient", () => {
    const rng = new Random(8);
    const n = 10;
    const block = (rows: number) => dataObjective({
      simulator: matrixSimulator(rng.fillNormal(new Float64Array(rows * n)), rows, n), observed: field(rng.fillNormal(new Float64Array(rows)), [rows]),
      misfit: leastSquares(), modelShape: [n], regularization: [{ term: smoothness(n), weight: 0.5 }],
    });
    const joint = jointObjective([{ name: "a", size: n, objective: block(15) }, { name: "b", size: n, objective: block(12) }], [{ term: gradientSimilarity(1.7), weight: 3, between: [0, 1] }]);
    const x = rng.fillNormal(new Float64Array(2 * n)), v = rng.fillNormal(new Float64Array(2 * n));
    const out = new Float64Array(2 * n);
    joint.hessianVector!(x, v, out);
    expect(relative(out, gradientDifference(joint.objective, x, v, 1e-3))).toBeLessThan(1e-10);
  });

  test("in preconditioned variables z (x = scale z) the scaled product equals differences of the scaled gradient", () => {
    const rng = new Random(4);
    const rows = 14, cols = 9;
    const objective = dataObjective({
      simulator: matrixSimulator(rng.fillNormal(new Float64Array(rows * cols)), rows, cols), observed: field(rng.fillNormal(new Float64Array(rows)), [rows]),
      misfit: leastSquares(), modelShape: [cols], regularization: [{ term: damping(), weight: 0.1 }],
    });
    const scale = Float64Array.from({ length: cols }, () => 0.2 + 3 * rng.uniform());
    const z = rng.fillNormal(new Float64Array(cols)), v = rng.fillNormal(new Float64Array(cols));
    const out = new Float64Array(cols);
    scaledHessianVector(objective.hessianVector!, scale)(z, v, out);
    expect(relative(out, gradientDifference(scaledObjective(objective.objective, scale), z, v, 1e-3))).toBeLessThan(1e-10);
  });

  test("heat diffusion in its initial temperature (linear), least squares with smoothness and total variation: the product equals differences of the gradient", () => {
    const { config, conductivity } = smallHeatProblem(1, "crank-nicolson");
    const sim = new HeatSimulator(config);
    const view = sim.initialTemperature(conductivity);
    const n = config.nx;
    const truth = Float64Array.from({ length: n }, (_, i) => 290 + 8 * Math.sin(i / 4));
    const observed = view.forward(field(truth, [n]));
    const objective = dataObjective({
      simulator: view, observed, misfit: leastSquares(), modelShape: [n],
      regularization: [{ term: smoothness(n), weight: 0.05 }, { term: totalVariation(n, 2), weight: 0.5 }],
    });
    const x = truth.map((t, i) => t - 3 + Math.cos(i));
    const v = Float64Array.from({ length: n }, (_, i) => Math.sin(1.7 * i + 0.2));
    const out = new Float64Array(n);
    objective.hessianVector!(x, v, out);
    // Total variation is not quadratic: its term of the difference is O(h^2) (h = 1e-3 of K-scale
    // models: 1.1e-7 relative, measured); the data's and smoothness's are exact but for round-off.
    expect(relative(out, gradientDifference(objective.objective, x, v, 1e-3))).toBeLessThan(1e-6);
  });

  test("conductivity (nonlinear) in log parametrization: the product is symmetric and positive, and is dropped before the next linearization", () => {
    const { config, conductivity } = smallHeatProblem(1, "crank-nicolson");
    const sim = new HeatSimulator(config);
    const k = flatten(conductivity), n = k.length;
    const observed = sim.forward(field(k.map((c, i) => c * (1 + 0.3 * Math.sin(i / 5))), [n]));
    const objective = dataObjective({ simulator: sim, observed, misfit: leastSquares(), modelShape: [n], parametrization: logarithm, regularization: [{ term: smoothness(n), weight: 1e-3 }] });
    const x = k.map(Math.log);
    const rng = new Random(3);
    const u = rng.fillNormal(new Float64Array(n)), v = rng.fillNormal(new Float64Array(n));
    const hu = new Float64Array(n), hv = new Float64Array(n);
    objective.hessianVector!(x, u, hu);
    // An evaluation elsewhere between the products: the product linearizes at x again.
    objective.objective(x.map((xi) => xi + 0.1), new Float64Array(n));
    objective.hessianVector!(x, v, hv);
    // <v, H u> = <u, H v>: J^T C J and D D^T are symmetric (to round-off of the adjoint, ~1e-12).
    expect(Math.abs(dot(v, hu) - dot(u, hv)) / Math.abs(dot(v, hu))).toBeLessThan(1e-10);
    expect(dot(u, hu)).toBeGreaterThan(0);
    expect(dot(v, hv)).toBeGreaterThan(0);
  });

  test("no product without a curvature (normalized cross-correlation), without a data product (a plain data term), or with a regularizer without a Hessian", () => {
    const A = Float64Array.from({ length: 20 }, (_, i) => Math.cos(i)), sim = matrixSimulator(A, 4, 5);
    const observed = field(Float64Array.of(1, 2, 3, 4), [4]);
    expect(dataObjective({ simulator: sim, observed, misfit: normalizedCrossCorrelation(2), modelShape: [5] }).hessianVector).toBeUndefined();
    expect(dataObjective({ simulator: sim, observed, misfit: leastSquares(), modelShape: [5] }).hessianVector).toBeDefined();
    const plain: Objective = (m, g) => {
      g.set(m);
      return 0.5 * dot(m, m);
    };
    expect(modelObjective(plain, { name: "plain", modelShape: [5] }).hessianVector).toBeUndefined();
    const opaque: Regularizer = { name: "opaque", evaluate: (m, g) => damping().evaluate(m, g) };
    expect(dataObjective({ simulator: sim, observed, misfit: leastSquares(), modelShape: [5], regularization: [{ term: opaque, weight: 1 }] }).hessianVector).toBeUndefined();
  });
});
