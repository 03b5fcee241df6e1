/**
 * Optimizer options checked in one place: one stopping rule for every
 * optimizer — the relative decrease (f_prev - f) / max(|f_prev|, |f|) stops
 * each of them at the first iteration where it falls to relativeDecrease
 * (checked against the values they report) — and every optimizer refuses a
 * bad value of any of its options with the option named.
 */
import { describe, expect, test } from "vitest";
import { field, flatten } from "../src/core/arrays.js";
import type { Differentiable, Field } from "../src/core/contract.js";
import { run } from "../src/inversion/descent.js";
import { fista } from "../src/inversion/fista.js";
import { gaussNewton } from "../src/inversion/gauss-newton.js";
import { lbfgs, nonlinearCG, steepestDescent } from "../src/inversion/methods.js";
import { projectedLbfgs } from "../src/inversion/projected.js";
import { basinHopping } from "../src/inversion/basin-hopping.js";
import { adam } from "../src/inversion/adam.js";
import { heavyBall, nesterov } from "../src/inversion/momentum.js";
import { newtonCG } from "../src/inversion/newton-cg.js";
import type { IterationEvent, Objective, OptimizeResult, StoppingRules } from "../src/inversion/types.js";

const n = 20;
/**
 * f = 10 + 0.5 sum_i lambda_i (x_i - 1)^2, eigenvalues log-spaced from 1 to 1e3: a minimum value of
 * 10, so the relative decrease falls as the iterates converge (with a minimum of 0 it would not).
 */
const quadratic: Objective = (x, g) => {
  let f = 10;
  for (let i = 0; i < n; i++) {
    const lambda = 10 ** ((3 * i) / (n - 1)), d = x[i] - 1;
    f += 0.5 * lambda * d * d;
    g[i] = lambda * d;
  }
  return f;
};

/** F(m) = m^2 + m elementwise: a small nonlinear simulator for Gauss-Newton. */
const squares: Differentiable = {
  forward: (m: Field) => field(flatten(m).map((v) => v * v + v), [n]),
  vjp: (m: Field, dd: Field) => field(flatten(m).map((v, i) => (2 * v + 1) * flatten(dd)[i]), [n]),
  jvp: (m: Field, dm: Field) => field(flatten(m).map((v, i) => (2 * v + 1) * flatten(dm)[i]), [n]),
  linearize(m: Field) {
    return { data: this.forward(m), vjp: (dd: Field) => this.vjp(m, dd), jvp: (dm: Field) => this.jvp!(m, dm) };
  },
};

const x0 = () => new Float64Array(n).fill(-2);
/** Data that F cannot fit everywhere (m^2 + m >= -1/4 but every other datum is -1): a misfit floor above 0. */
const observed = () => field(Float64Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 2 : -1)), [n]);
const methods: Record<string, (rules: StoppingRules) => Generator<IterationEvent, OptimizeResult>> = {
  "steepest descent": (r) => steepestDescent(quadratic, x0(), r),
  "nonlinear CG": (r) => nonlinearCG(quadratic, x0(), r),
  "L-BFGS": (r) => lbfgs(quadratic, x0(), r),
  "projected L-BFGS": (r) => projectedLbfgs(quadratic, x0(), { lower: -10, upper: 10 }, r),
  FISTA: (r) => fista(quadratic, x0(), { ...r, l1: 0, lipschitz: 1000 }),
  "heavy ball": (r) => heavyBall(quadratic, x0(), r),
  Nesterov: (r) => nesterov(quadratic, x0(), { ...r, step: 1e-3, momentum: 0.9 }),
  Adam: (r) => adam(quadratic, x0(), { ...r, step: 0.1 }),
  "Newton-CG": (r) => newtonCG(quadratic, x0(), r),
  "Gauss-Newton": (r) => gaussNewton({ simulator: squares, observed: observed(), modelShape: [n] }, Float64Array.from({ length: n }, (_, i) => 3 + i / n), r),
};
const initialValue: Record<string, number> = {
  "Gauss-Newton": 0.5 * Array.from({ length: n }, (_, i) => ((3 + i / n) ** 2 + 3 + i / n - flatten(observed())[i]) ** 2).reduce((a, b) => a + b, 0),
};

describe("optimizer options", () => {
  for (const [name, method] of Object.entries(methods)) {
    test(`${name} stops at the first relative decrease at or below 1e-3`, () => {
      const values: number[] = [initialValue[name] ?? quadratic(x0(), new Float64Array(n))];
      const result = run(method({ relativeDecrease: 1e-3, gradientTolerance: 0, maxIterations: 5000 }), (e) => void values.push(e.value));
      expect(result.status).toBe("relative-decrease");
      const decrease = values.slice(1).map((v, k) => (values[k] - v) / Math.max(Math.abs(values[k]), Math.abs(v)));
      expect(decrease[decrease.length - 1]).toBeLessThanOrEqual(1e-3);
      for (const d of decrease.slice(0, -1)) expect(d).toBeGreaterThan(1e-3);
    });
  }

  test("every optimizer names a bad rule", () => {
    for (const [name, method] of Object.entries(methods)) {
      expect(() => run(method({ relativeDecrease: -1 })), name).toThrow(/^relativeDecrease: expected a non-negative number, got -1$/);
      expect(() => run(method({ maxIterations: 1.5 })), name).toThrow(/^maxIterations: expected a non-negative integer, got 1.5$/);
      expect(() => run(method({ gradientTolerance: Number.NaN })), name).toThrow(/^gradientTolerance: /);
    }
  });

  test("each optimizer's own options are refused, by name, outside their kind", () => {
    const expectRefused = (f: () => unknown, pattern: RegExp) => expect(f).toThrow(pattern);
    expectRefused(() => run(lbfgs(quadratic, x0(), { memory: 0 })), /^memory: expected a positive integer, got 0$/);
    expectRefused(() => run(projectedLbfgs(quadratic, x0(), {}, { c1: 1.5 })), /^c1: expected a number between 0 and 1, got 1.5$/);
    expectRefused(() => run(projectedLbfgs(quadratic, x0(), {}, { maxBacktracks: -1 })), /^maxBacktracks: expected a non-negative integer, got -1$/);
    expectRefused(() => run(fista(quadratic, x0(), { l1: -1 })), /^l1: expected a non-negative number, got -1$/);
    expectRefused(() => run(fista(quadratic, x0(), { l1: 0.1, lipschitz: Infinity })), /^lipschitz: expected a positive number, got Infinity$/);
    const gn = (o: object) => run(gaussNewton({ simulator: squares, observed: observed(), modelShape: [n] }, x0(), o));
    expectRefused(() => gn({ cgIterations: 2.5 }), /^cgIterations: expected a positive integer, got 2.5$/);
    expectRefused(() => gn({ cgTolerance: 0 }), /^cgTolerance: expected a number between 0 and 1, got 0$/);
    expectRefused(() => gn({ damping: -1 }), /^damping: expected a non-negative number, got -1$/);
    expectRefused(() => run(heavyBall(quadratic, x0(), { momentum: 1 })), /^momentum: expected a number in \[0, 1\), got 1$/);
    expectRefused(() => run(nesterov(quadratic, x0(), { step: 0 })), /^step: expected a positive number, got 0$/);
    expectRefused(() => run(adam(quadratic, x0(), { beta2: -0.1 })), /^beta2: expected a number in \[0, 1\), got -0.1$/);
    expectRefused(() => run(newtonCG(quadratic, x0(), { radius: Infinity })), /^radius: expected a positive number, got Infinity$/);
    expectRefused(() => run(newtonCG(quadratic, x0(), { eta: 0.5 })), /^eta: expected a number in \[0, 1\/4\), got 0.5$/);
    const bh = (o: object) => run(basinHopping(quadratic, x0(), { seed: 1, steps: 2, temperature: 1, stepSize: 0.1, ...o }));
    expectRefused(() => bh({ steps: 2.5 }), /^steps: expected a positive integer, got 2.5$/);
    expectRefused(() => bh({ adapt: { interval: 10, target: 2, factor: 0.9 } }), /^adapt\.target: expected a number between 0 and 1, got 2$/);
    expectRefused(() => bh({ localIterations: 0 }), /^localIterations: expected a positive integer, got 0$/);
    expectRefused(() => bh({ temperature: undefined }), /^temperature: required$/);
  });
});
