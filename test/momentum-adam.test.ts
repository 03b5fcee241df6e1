/**
 * Momentum (heavy ball, Nesterov) and Adam against theory: on quadratics of
 * condition number kappa, the iterations to cut the error by 1e-6 grow like
 * kappa for gradient descent with the optimal fixed step and like sqrt(kappa)
 * for the heavy ball and Nesterov with their optimal parameters; Adam's first
 * step is worked by hand and it reaches a logistic regression's minimizer
 * (L-BFGS's, to 1e-13 in the gradient); every method resumes to the same bytes.
 */
import { describe, expect, test } from "vitest";
import { adam } from "../src/inversion/adam.js";
import { run } from "../src/inversion/descent.js";
import { lbfgs } from "../src/inversion/methods.js";
import { heavyBall, nesterov, optimalMomentum } from "../src/inversion/momentum.js";
import { newtonCG } from "../src/inversion/newton-cg.js";
import type { IterationEvent, Objective, OptimizeResult, OptimizerState } from "../src/inversion/types.js";

const n = 50;

/**
 * f = 0.5 (Qx)' D (Qx), D's eigenvalues log-spaced over [1, kappa], Q the identity or the
 * product of two Householder reflections (a dense rotation, applied in O(n)); minimum at 0.
 */
function quadratic(kappa: number, rotated: boolean): Objective {
  const lambda = Float64Array.from({ length: n }, (_, i) => kappa ** (i / (n - 1)));
  const u = Float64Array.from({ length: n }, (_, i) => Math.sin(1.3 * i + 0.4));
  const w = Float64Array.from({ length: n }, (_, i) => Math.cos(0.7 * i * i + 0.1));
  const normalize = (a: Float64Array) => a.map((v) => v / Math.hypot(...a));
  const [un, wn] = [normalize(u), normalize(w)];
  const reflect = (a: Float64Array, h: Float64Array) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += h[i] * a[i];
    for (let i = 0; i < n; i++) a[i] -= 2 * s * h[i];
  };
  const t = new Float64Array(n);
  return (x, g) => {
    t.set(x);
    if (rotated) reflect(t, un), reflect(t, wn); // t = Q x, Q = (I - 2ww')(I - 2uu')
    let f = 0;
    for (let i = 0; i < n; i++) {
      f += 0.5 * lambda[i] * t[i] * t[i];
      t[i] *= lambda[i];
    }
    if (rotated) reflect(t, wn), reflect(t, un); // g = Q' D Q x
    g.set(t);
    return f;
  };
}

/** Iterations until |x_k| <= 1e-6 |x_0| (the minimizer is 0). */
function iterationsToReduce(iterations: Generator<IterationEvent, OptimizeResult>, x0: Float64Array): number {
  const e0 = Math.hypot(...x0);
  for (let r = iterations.next(); !r.done; r = iterations.next()) if (Math.hypot(...r.value.x) <= 1e-6 * e0) return r.value.iteration;
  return Infinity;
}

/** Iterations to reduce the error by 1e-6 at contraction q per iteration: ln(1e-6) / ln(q). */
const predicted = (q: number) => Math.log(1e-6) / Math.log(q);

describe("momentum against theory on ill-conditioned quadratics", () => {
  const kappas = [1e2, 1e3, 1e4];
  const x0 = Float64Array.from({ length: n }, (_, i) => 1 + 0.5 * Math.sin(i));
  const loose = { gradientTolerance: 0, maxIterations: 200000, resumable: false };
  for (const rotated of [false, true]) {
    test(`${rotated ? "rotated" : "diagonal"}: gradient descent needs ~kappa iterations, heavy ball and Nesterov ~sqrt(kappa)`, () => {
      const counts = kappas.map((kappa) => {
        const f = quadratic(kappa, rotated);
        return {
          descent: iterationsToReduce(heavyBall(f, x0, { ...loose, step: 2 / (kappa + 1), momentum: 0 }), x0),
          heavy: iterationsToReduce(heavyBall(f, x0, { ...loose, ...optimalMomentum("heavy-ball", 1, kappa) }), x0),
          nesterov: iterationsToReduce(nesterov(f, x0, { ...loose, ...optimalMomentum("nesterov", 1, kappa) }), x0),
        };
      });
      // Measured, kappa = 1e2, 1e3, 1e4 (diagonal / rotated):
      //   gradient descent 600 / 594, 5971 / 5910, 59629 / 59026;
      //   heavy ball 81 / 83, 276 / 282, 934 / 953; Nesterov 138 / 134, 452 / 440, 1448 / 1408.
      // Theory ln(1e-6)/ln(q): descent q = (k-1)/(k+1): 691, 6908, 69078 (a bound: the start's
      // error is spread over all eigenvalues, not only the slowest); heavy ball
      // q = (sqrt k - 1)/(sqrt k + 1): 69, 218, 691 (measured above it by up to a factor 1.4: at
      // the optimal beta the iteration matrix has double eigenvalues, which adds a factor k);
      // Nesterov q = 1 - 1/sqrt k: 131, 430, 1375.
      kappas.forEach((kappa, j) => {
        const c = counts[j], s = Math.sqrt(kappa);
        expect(c.descent).toBeLessThanOrEqual(predicted((kappa - 1) / (kappa + 1)));
        expect(c.descent).toBeGreaterThan(0.8 * predicted((kappa - 1) / (kappa + 1)));
        expect(c.heavy).toBeGreaterThan(predicted((s - 1) / (s + 1)));
        expect(c.heavy).toBeLessThan(1.6 * predicted((s - 1) / (s + 1)));
        expect(c.nesterov).toBeGreaterThan(0.9 * predicted(1 - 1 / s));
        expect(c.nesterov).toBeLessThan(1.2 * predicted(1 - 1 / s));
      });
      // Scaling per decade of kappa: 10 for descent (measured 9.95 to 9.99); sqrt(10) = 3.16 for
      // the accelerated ones (measured 3.38 to 3.41 heavy ball, 3.20 to 3.28 Nesterov). Margins:
      // descent within 10%, accelerated between 2.6 and 4 (an O(kappa) method would give 10).
      for (let j = 1; j < kappas.length; j++) {
        expect(counts[j].descent / counts[j - 1].descent).toBeGreaterThan(9);
        expect(counts[j].descent / counts[j - 1].descent).toBeLessThan(11);
        for (const r of [counts[j].heavy / counts[j - 1].heavy, counts[j].nesterov / counts[j - 1].nesterov]) {
          expect(r).toBeGreaterThan(2.6);
          expect(r).toBeLessThan(4);
        }
      }
    });
  }

  test("with backtracked steps (L and mu unknown, beta 0.9, restarts) both converge on kappa = 1e3", () => {
    const f = quadratic(1e3, true);
    for (const method of [heavyBall, nesterov]) {
      const r = run(method(f, x0, { gradientTolerance: 1e-8, maxIterations: 20000, maxEvaluations: 100000 }));
      expect(r.status).toBe("gradient-tolerance");
      // |x - 0| <= |g| / mu with mu = 1.
      expect(Math.hypot(...r.x)).toBeLessThan(1e-8);
    }
  });

  test("bounds are kept by projection, and the bounded minimizer is found", () => {
    const f = quadratic(1e2, true);
    const lower = 0.05;
    for (const method of [heavyBall, nesterov]) {
      const r = run(method(f, x0, { bounds: { lower }, gradientTolerance: 1e-9, maxIterations: 50000 }));
      expect(r.status).toBe("gradient-tolerance");
      expect(Math.min(...r.x)).toBeGreaterThanOrEqual(lower);
      // The same minimizer as projected L-BFGS would find: checked by the projected gradient (1e-9).
      expect(r.gradientNorm).toBeLessThanOrEqual(1e-9);
    }
  });
});

describe("Adam", () => {
  test("the first step is alpha g / (|g| + epsilon) per variable (bias correction worked by hand)", () => {
    // f = 0.5 sum c_i x_i^2 at x0 = 1: g = c. m1 = (1 - b1) g, v1 = (1 - b2) g^2; corrected
    // m = g, v = g^2, so x1 = 1 - alpha g / (|g| + eps): 1 - 0.1 * 3 / (3 + 1e-8) etc.
    const c = [3, -0.5, 1e-9];
    const f: Objective = (x, g) => {
      let v = 0;
      for (let i = 0; i < 3; i++) {
        g[i] = c[i] * x[i];
        v += 0.5 * c[i] * x[i] * x[i];
      }
      return v;
    };
    const first = adam(f, Float64Array.of(1, 1, 1), { step: 0.1 }).next().value as IterationEvent;
    const eps = 1e-8;
    const expected = c.map((gi) => 1 - (0.1 * gi) / (Math.abs(gi) + eps));
    // Exact up to the rounding of (1 - b) g / (1 - b) (a few ulps).
    first.x.forEach((v, i) => expect(Math.abs(v - expected[i])).toBeLessThan(4 * Number.EPSILON));
    // Without the correction the step would be alpha (1 - b1) / sqrt(1 - b2) = 3.16 alpha.
    expect(Math.abs(first.x[0] - (1 - 0.1 * 0.1 / Math.sqrt(0.001)))).toBeGreaterThan(0.2);
    // A gradient below epsilon moves its variable by less than alpha: here 0.1 / 11.
  });

  test("reaches the minimizer of an L2-regularized logistic regression (L-BFGS's) to 1e-6", () => {
    const m = 200, d = 5, lambda = 0.05;
    let seed = 1;
    const uniform = () => ((seed = (seed * 16807) % 2147483647), seed / 2147483647 - 0.5);
    const A = Array.from({ length: m }, () => Float64Array.from({ length: d }, () => 2 * uniform()));
    const wTrue = [-2, -1, 0, 1, 2];
    const y = A.map((a) => (a.reduce((s, v, i) => s + v * wTrue[i], 0) + uniform() > 0 ? 1 : 0));
    // f(w) = mean(log(1 + e^z) - y z) + lambda/2 |w|^2, z = a.w: strongly convex (mu >= lambda).
    const f: Objective = (w, g) => {
      let v = 0;
      for (let i = 0; i < d; i++) g[i] = lambda * w[i];
      for (let k = 0; k < m; k++) {
        const z = A[k].reduce((s, a, i) => s + a * w[i], 0);
        v += (Math.log1p(Math.exp(-Math.abs(z))) + Math.max(z, 0) - y[k] * z) / m;
        const p = 1 / (1 + Math.exp(-z));
        for (let i = 0; i < d; i++) g[i] += ((p - y[k]) * A[k][i]) / m;
      }
      return v + 0.5 * lambda * w.reduce((s, wi) => s + wi * wi, 0);
    };
    const truth = run(lbfgs(f, new Float64Array(d), { gradientTolerance: 1e-13 }));
    expect(truth.status).toBe("gradient-tolerance");
    const r = run(adam(f, new Float64Array(d), { step: 0.05, gradientTolerance: 1e-8, maxIterations: 20000 }));
    expect(r.status).toBe("gradient-tolerance");
    // |w - w*| <= |g| / mu = 1e-8 / 0.05 = 2e-7 by strong convexity; asserted with margin at 1e-6.
    expect(Math.hypot(...r.x.map((v, i) => v - truth.x[i]))).toBeLessThan(1e-6);
  });
});

describe("resuming", () => {
  const f = quadratic(1e2, true);
  const x0 = Float64Array.from({ length: n }, (_, i) => Math.cos(i));
  const methods: Record<string, (resume?: OptimizerState) => Generator<IterationEvent, OptimizeResult>> = {
    "heavy ball (backtracked)": (resume) => heavyBall(f, x0, { maxIterations: 12, gradientTolerance: 0, resume }),
    "Nesterov (fixed step)": (resume) => nesterov(f, x0, { maxIterations: 12, gradientTolerance: 0, ...optimalMomentum("nesterov", 1, 100), resume }),
    "Nesterov (backtracked, bounded)": (resume) => nesterov(f, x0, { maxIterations: 12, gradientTolerance: 0, bounds: { lower: -0.2 }, resume }),
    Adam: (resume) => adam(f, x0, { step: 0.05, maxIterations: 12, gradientTolerance: 0, resume }),
    "Newton-CG": (resume) => newtonCG(f, x0, { maxIterations: 12, gradientTolerance: 0, radius: 0.1, cgIterations: 5, resume }),
  };
  for (const [name, method] of Object.entries(methods)) {
    test(`${name} resumed from a saved state (through JSON) ends with the same bytes`, () => {
      let saved = "";
      const whole = run(method(), (e) => {
        if (e.iteration === 5) saved = JSON.stringify(e.state);
      });
      expect(whole.iterations).toBe(12);
      const resumed = run(method(JSON.parse(saved) as OptimizerState));
      expect(Buffer.from(resumed.x.buffer)).toEqual(Buffer.from(whole.x.buffer));
      expect(resumed.value).toBe(whole.value);
      expect(resumed.evaluations).toBe(whole.evaluations);
    });
  }
});
