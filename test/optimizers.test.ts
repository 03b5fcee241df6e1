import { describe, expect, test } from "vitest";
import { run } from "../src/inversion/descent.js";
import { armijoBacktracking, backtracking, strongWolfe } from "../src/inversion/line-search.js";
import { lbfgs, nonlinearCG, steepestDescent } from "../src/inversion/methods.js";
import type { Objective } from "../src/inversion/types.js";

/** Rosenbrock f = 100 (y - x^2)^2 + (1 - x)^2 in n dimensions (chained), minimum 0 at (1, ..., 1). */
const rosenbrock: Objective = (x, g) => {
  let f = 0;
  g.fill(0);
  for (let i = 0; i + 1 < x.length; i++) {
    const a = x[i + 1] - x[i] * x[i];
    const b = 1 - x[i];
    f += 100 * a * a + b * b;
    g[i] += -400 * x[i] * a - 2 * b;
    g[i + 1] += 200 * a;
  }
  return f;
};

/** f = 0.5 sum_i lambda_i (x_i - 1)^2 with eigenvalues log-spaced from 1 to 1e3 (condition number 1e3). */
function quadratic(n: number): Objective {
  const lambda = Float64Array.from({ length: n }, (_, i) => 10 ** ((3 * i) / (n - 1)));
  return (x, g) => {
    let f = 0;
    for (let i = 0; i < n; i++) {
      const d = x[i] - 1;
      f += 0.5 * lambda[i] * d * d;
      g[i] = lambda[i] * d;
    }
    return f;
  };
}

describe("optimizers", () => {
  test("L-BFGS takes Rosenbrock from (-1.2, 1) to a gradient norm of 1e-8 in a few dozen iterations", () => {
    const r = run(lbfgs(rosenbrock, Float64Array.of(-1.2, 1), { gradientTolerance: 1e-8 }));
    expect(r.status).toBe("gradient-tolerance");
    expect(r.x[0]).toBeCloseTo(1, 7);
    expect(r.x[1]).toBeCloseTo(1, 7);
    // Measured: 37 iterations, 46 evaluations (a sound strong-Wolfe L-BFGS needs a few dozen).
    expect(r.iterations).toBeLessThan(60);
    expect(r.evaluations).toBeLessThan(80);
  });

  test("nonlinear CG reaches the Rosenbrock minimum too", () => {
    const r = run(nonlinearCG(rosenbrock, Float64Array.of(-1.2, 1), { gradientTolerance: 1e-8, maxIterations: 2000 }));
    expect(r.status).toBe("gradient-tolerance");
    expect(Math.hypot(r.x[0] - 1, r.x[1] - 1)).toBeLessThan(1e-6);
  });

  test("on a small ill-conditioned quadratic (condition 1e3, n = 20) L-BFGS and CG converge, steepest descent crawls", () => {
    const f = quadratic(20);
    const x0 = new Float64Array(20);
    const opts = { gradientTolerance: 1e-6, maxIterations: 500 };
    const l = run(lbfgs(f, x0, opts));
    const cg = run(nonlinearCG(f, x0, opts));
    const sd = run(steepestDescent(f, x0, opts));
    expect(l.status).toBe("gradient-tolerance");
    expect(cg.status).toBe("gradient-tolerance");
    for (const r of [l, cg]) for (const v of r.x) expect(Math.abs(v - 1)).toBeLessThan(1e-6);
    // Measured: L-BFGS 206 iterations (220 evaluations), CG 120 (296); steepest descent ends at |g| = 0.66.
    expect(l.iterations).toBeLessThan(300);
    expect(cg.iterations).toBeLessThan(200);
    // Steepest descent's rate is (kappa - 1) / (kappa + 1) per step: 500 steps are nowhere near enough.
    expect(sd.status).toBe("max-iterations");
    expect(l.iterations).toBeLessThan(sd.iterations / 2);
  });

  test("each iteration emits an event with a decreasing objective", () => {
    const values: number[] = [];
    const r = run(lbfgs(rosenbrock, Float64Array.of(-1.2, 1)), (e) => values.push(e.value));
    expect(values.length).toBe(r.iterations);
    for (let i = 1; i < values.length; i++) expect(values[i]).toBeLessThanOrEqual(values[i - 1]);
  });

  test("resumable: false leaves the state out of every event and changes nothing else", () => {
    const events = (resumable?: boolean) => {
      const list: { iteration: number; value: number; x: number[]; hasState: boolean }[] = [];
      const r = run(lbfgs(rosenbrock, Float64Array.of(-1.2, 1, 0.5), { gradientTolerance: 1e-8, resumable }), (e) => void list.push({ iteration: e.iteration, value: e.value, x: [...e.x], hasState: e.state !== undefined }));
      return { list, r };
    };
    const kept = events(), spared = events(false);
    expect(kept.list.every((e) => e.hasState)).toBe(true);
    expect(spared.list.every((e) => !e.hasState)).toBe(true);
    expect(spared.list.map(({ hasState, ...e }) => e)).toEqual(kept.list.map(({ hasState, ...e }) => e));
    expect([spared.r.evaluations, spared.r.status, [...spared.r.x]]).toEqual([kept.r.evaluations, kept.r.status, [...kept.r.x]]);
  });

  test("the strong-Wolfe search returns a step satisfying both conditions, and validates its constants", () => {
    const x = Float64Array.of(-1.2, 1);
    const g = new Float64Array(2);
    const f0 = rosenbrock(x, g);
    const p = Float64Array.of(-g[0], -g[1]);
    const slope = g[0] * p[0] + g[1] * p[1];
    const out = { x: new Float64Array(2), gradient: new Float64Array(2) };
    const r = strongWolfe(rosenbrock, x, p, f0, slope, 1, out, { c1: 1e-4, c2: 0.9 });
    expect(r.success).toBe(true);
    expect(r.value).toBeLessThanOrEqual(f0 + 1e-4 * r.step * slope);
    expect(Math.abs(out.gradient[0] * p[0] + out.gradient[1] * p[1])).toBeLessThanOrEqual(0.9 * Math.abs(slope));
    expect(() => strongWolfe(rosenbrock, x, p, f0, slope, 1, out, { c1: 0.5, c2: 0.1 })).toThrow(/needs 0 < c1 < c2 < 1/);
  });

  test("a wrong gradient makes the line search fail with the message saying so", () => {
    const wrong: Objective = (x, g) => {
      const v = rosenbrock(x, g);
      g[0] = -g[0];
      return v;
    };
    const r = run(lbfgs(wrong, Float64Array.of(-1.2, 1)));
    expect(r.success).toBe(false);
    expect(r.message).toMatch(/line search found no acceptable step \(the gradient may be wrong/);
  });
});

describe("Armijo backtracking (the one loop of every backtracking search)", () => {
  const half: Objective = (x, g) => {
    g[0] = x[0];
    return 0.5 * x[0] * x[0];
  };

  test("along a line, the quadratic shortening lands on the exact line minimizer of a quadratic in one step", () => {
    // f = x^2 / 2 from x = 1 along p = -10: the first trial (x = -9) overshoots; the quadratic through
    // phi(0) = 0.5, phi'(0) = -10 and phi(1) = 40.5 has its minimum at a = 0.1, i.e. x = 0 exactly.
    const out = { x: new Float64Array(1), gradient: new Float64Array(1) };
    const r = backtracking(half, Float64Array.of(1), Float64Array.of(-10), 0.5, -10, 1, out);
    expect(r).toEqual({ success: true, step: 0.1, value: 0, evaluations: 2 });
  });

  test("halving accepts the first step meeting value <= value0 + c1 * decrease, and gives up after maxTries", () => {
    // Trials x = 1 - 4 s: s = 1 (x = -3, 4.5), s = 1/2 (x = -1, 0.5: not below 0.5 - 2e-4), s = 1/4 (x = 0): accepted.
    const trial = (s: number) => ({ value: 0.5 * (1 - 4 * s) ** 2, decrease: -4 * s });
    expect(armijoBacktracking(0.5, 1, 1e-4, 10, trial)).toEqual({ accepted: true, step: 0.25, value: 0, evaluations: 3 });
    expect(armijoBacktracking(0.5, 1, 1e-4, 2, trial)).toEqual({ accepted: false, step: 0.25, value: NaN, evaluations: 2 });
  });
});

describe("line searches at the round-off floor of the objective", () => {
  // f = 1000 + sum_i l_i (x_i - 1)^2 / 2, l_i from 1 to 100, with a deterministic "rounding noise"
  // of 2e-13 (about the rounding of a sum near 1000) on the value only: the gradient stays exact,
  // as an adjoint's does. Below |g| ~ 1e-5 the decrease per step is below the noise.
  const noisy: Objective = (x, g) => {
    let v = 1000, h = 0;
    for (let i = 0; i < x.length; i++) {
      const l = 1 + (99 * i) / (x.length - 1);
      g[i] = l * (x[i] - 1);
      v += 0.5 * l * (x[i] - 1) ** 2;
      h += Math.sin(1e9 * x[i] + i);
    }
    return v + 2e-13 * Math.sin(1e7 * h);
  };
  const x0 = Float64Array.from({ length: 20 }, (_, i) => 1 + Math.cos(i));

  test("L-BFGS reaches a gradient tolerance far below what the value can resolve; plain strong Wolfe cannot", () => {
    const r = run(lbfgs(noisy, x0, { gradientTolerance: 1e-10 }));
    expect(r.status).toBe("gradient-tolerance");
    // The minimizer is x = 1 exactly, and |x_i - 1| <= |g_i| / l_i <= |g|.
    expect(r.x.every((v) => Math.abs(v - 1) <= 1e-10)).toBe(true);
    const plain = run(lbfgs(noisy, x0, { gradientTolerance: 1e-10, lineSearch: { roundOff: 0 } }));
    expect(plain.status).toBe("line-search-failed");
    expect(plain.gradientNorm).toBeGreaterThan(1e-10);
  });

  test("roundOff is checked", () => {
    expect(() => run(lbfgs(noisy, x0, { lineSearch: { roundOff: -1 } }))).toThrow(/roundOff/);
  });
});
