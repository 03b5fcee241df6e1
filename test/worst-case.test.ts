/**
 * The worst-case least-squares misfit against its definition: the closed form
 * 1/2 (rho + eta)^2 against a brute-force maximization over the ball
 * |delta| <= eta, its gradient by Taylor tests, and its kink at rho = 0.
 */
import { describe, expect, test } from "vitest";
import { field, flatten } from "../src/core/arrays.js";
import type { Field } from "../src/core/contract.js";
import { taylorTest } from "../src/core/gradcheck.js";
import { Random } from "../src/core/random.js";
import { leastSquares } from "../src/inversion/misfit.js";
import { adversarial, adversarialObjective, worstCase } from "../src/inversion/worst-case.js";

const rng = new Random(16);
const vec = (n: number, scale = 1) => rng.fillNormal(new Float64Array(n)).map((v) => v * scale);
const norm = (v: Float64Array) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
/** 1/2 |p - o - delta|^2, the misfit against perturbed data: the adversary's objective. */
const perturbedMisfit = (p: Float64Array, o: Float64Array, delta: Float64Array) => 0.5 * p.reduce((s, v, i) => s + (v - o[i] - delta[i]) ** 2, 0);

describe("worst case over |delta| <= eta (the closed form against brute force)", () => {
  const n = 40, eta = 0.7;
  const p = vec(n), o = vec(n);
  const value = adversarial(eta).evaluate(p, o, new Float64Array(n));
  const rho = norm(p.map((v, i) => v - o[i]));

  test("delta = -eta r / rho attains 1/2 (rho + eta)^2", () => {
    const delta = p.map((v, i) => (-eta * (v - o[i])) / rho);
    // Two sums of 40 terms of order 1: agreement to round-off, 1e-13 relative.
    expect(Math.abs(perturbedMisfit(p, o, delta) - value) / value).toBeLessThan(1e-13);
    expect(value).toBeCloseTo(0.5 * (rho + eta) ** 2, 12);
  });

  test("10,000 random perturbations of norm eta (and within it) never exceed it", () => {
    let best = 0;
    for (let k = 0; k < 10000; k++) {
      const d = vec(n);
      const s = (eta * (k % 2 === 0 ? 1 : rng.uniform())) / norm(d);
      best = Math.max(best, perturbedMisfit(p, o, d.map((v) => v * s)));
    }
    // A random direction in 40 dimensions is nearly orthogonal to r, so the best random one stays
    // well below the bound: here only that none exceeds it (by more than round-off).
    expect(best).toBeLessThanOrEqual(value * (1 + 1e-14));
    expect(best).toBeGreaterThan(0.5 * rho * rho);
  });

  test("projected gradient ascent over the ball, from a random start, converges to the closed form", () => {
    // Ascent on delta -> 1/2 |r - delta|^2 (gradient delta - r), projected onto |delta| <= eta.
    const r = p.map((v, i) => v - o[i]);
    let delta = vec(n, 0.01);
    for (let k = 0; k < 200; k++) {
      delta = delta.map((d, i) => d + 0.5 * (d - r[i]));
      const s = norm(delta);
      if (s > eta) delta = delta.map((d) => (d * eta) / s);
    }
    expect(Math.abs(perturbedMisfit(p, o, delta) - value) / value).toBeLessThan(1e-12);
  });
});

function expectOrders(f: (x: Field) => { value: number; gradient: Field }, x: Float64Array, h0: number) {
  const r = taylorTest(f, field(x, [x.length]), field(vec(x.length), [x.length]), { h0, count: 4 });
  for (const rate of r.rates1) expect(Math.abs(rate - 1)).toBeLessThan(0.1);
  for (const rate of r.rates2) expect(Math.abs(rate - 2)).toBeLessThan(0.1);
}

const asFunction = (misfit: ReturnType<typeof adversarial>, observed: Float64Array) => (p: Field) => {
  const g = new Float64Array(p.size);
  const value = misfit.evaluate(flatten(p), observed, g);
  return { value, gradient: field(g, [p.size]) };
};

describe("gradient (Taylor test: orders 1 and 2 within 0.1)", () => {
  test("away from rho = 0", () => {
    const o = vec(50);
    expectOrders(asFunction(adversarial(1.3), o), vec(50), 1e-3);
  });

  test("smoothed (epsilon 0.1) inside the smoothing, |r| = epsilon / 2, where the unsmoothed one bends sharply", () => {
    const o = vec(50), u = vec(50);
    const s = 0.05 / norm(u);
    // Steps of 1e-5 along a direction of norm ~7: small against |r| = 0.05, where the curvature is ~ eta / epsilon.
    expectOrders(asFunction(adversarial(1.3, 0.1), o), o.map((v, i) => v + s * u[i]), 1e-5);
  });

  test("smoothed at rho = 0 exactly: the gradient 0 leaves a second-order remainder", () => {
    const o = vec(50);
    const r = taylorTest(asFunction(adversarial(1.3, 0.1), o), field(Float64Array.from(o), [50]), field(vec(50), [50]), { h0: 1e-3, count: 4 });
    for (const rate of r.rates2) expect(Math.abs(rate - 2)).toBeLessThan(0.1);
  });

  test("lifting a least-squares objective gives the misfit's value and gradient (to round-off)", () => {
    const o = vec(30), p = vec(30);
    const ls = leastSquares();
    const lifted = adversarialObjective((x, g) => ls.evaluate(x, o, g), 0.4, 0.01);
    const g1 = new Float64Array(30), g2 = new Float64Array(30);
    expect(lifted(p, g1)).toBe(adversarial(0.4, 0.01).evaluate(p, o, g2));
    expect([...g1]).toEqual([...g2]);
  });
});

describe("rho -> 0", () => {
  const eta = 0.5, o = vec(20), u = vec(20);
  const unit = u.map((v) => v / norm(u));

  test("unsmoothed: value eta^2 / 2 and gradient 0 (the minimum-norm subgradient) at p = o", () => {
    const g = vec(20);
    expect(adversarial(eta).evaluate(o, o, g)).toBe(0.5 * eta * eta);
    expect([...g].every((v) => v === 0)).toBe(true);
  });

  test("unsmoothed: the one-sided slope along any direction is eta (a kink), the gradient's norm tends to eta", () => {
    const m = adversarial(eta);
    for (const t of [1e-3, 1e-6, 1e-9]) {
      const g = new Float64Array(20);
      const v = m.evaluate(o.map((x, i) => x + t * unit[i]), o, g);
      // f(t u) = 1/2 (t + eta)^2: slope (f(t u) - f(0)) / t = eta + t / 2.
      expect((v - 0.5 * eta * eta) / t).toBeCloseTo(eta + t / 2, 6);
      // |gradient| = rho + eta = t + eta.
      expect(norm(g)).toBeCloseTo(eta + t, 12);
    }
  });

  test("smoothed: finite everywhere, continuous through 0, and never below the exact worst case", () => {
    const eps = 1e-3;
    for (const t of [0, 1e-6, 1e-3, 1]) {
      const smooth = worstCase(0.5 * t * t, eta, eps), exact = worstCase(0.5 * t * t, eta);
      expect(smooth.value).toBeGreaterThanOrEqual(exact.value);
      // rho_s - rho <= eps, so the excess is at most (rho + eta) eps + eps^2 / 2.
      expect(smooth.value - exact.value).toBeLessThanOrEqual((t + eta) * eps + 0.5 * eps * eps + 1e-15);
      expect(Number.isFinite(smooth.scale)).toBe(true);
    }
  });

  test("a negative or non-finite eta or epsilon is refused with the field named", () => {
    expect(() => adversarial(-1)).toThrow(/^adversarial\.eta: expected a non-negative finite perturbation norm \(data units\), got -1/);
    expect(() => adversarial(1, NaN)).toThrow(/^adversarial\.epsilon: /);
  });
});
