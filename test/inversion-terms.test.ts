import { describe, expect, test } from "vitest";
import { field, flatten } from "../src/core/arrays.js";
import type { Field } from "../src/core/contract.js";
import { taylorTest } from "../src/core/gradcheck.js";
import { Random } from "../src/core/random.js";
import { huber, leastSquares, normalizedCrossCorrelation, type Misfit } from "../src/inversion/misfit.js";
import { logarithm, slowness, squaredSlowness, type Parametrization } from "../src/inversion/parametrization.js";
import { damping, smoothness, totalVariation, type Regularizer } from "../src/inversion/regularization.js";
import { dataObjective } from "../src/inversion/objective.js";
import { run } from "../src/inversion/descent.js";
import { lbfgs } from "../src/inversion/methods.js";
import { WaveSimulator } from "../src/wave/simulator.js";
import { smallProblem } from "./helpers/wave.js";

const rng = new Random(42);
const vec = (n: number, scale = 1) => rng.fillNormal(new Float64Array(n)).map((v) => v * scale);

function expectOrders(f: (x: Field) => { value: number; gradient: Field }, x: Float64Array, h0: number) {
  const r = taylorTest(f, field(x, [x.length]), field(vec(x.length), [x.length]), { h0, count: 4 });
  for (const rate of r.rates1) expect(Math.abs(rate - 1)).toBeLessThan(0.1);
  for (const rate of r.rates2) expect(Math.abs(rate - 2)).toBeLessThan(0.1);
}

describe("misfit gradients (Taylor test: orders 1 and 2 within 0.1)", () => {
  const observed = vec(60);
  const cases: [string, Misfit][] = [
    ["least squares", leastSquares()],
    ["weighted least squares", leastSquares(vec(60).map(Math.abs))],
    // delta well inside the residual spread: both branches are exercised; steps are small enough not to cross it.
    ["huber", huber(0.8)],
    ["normalized cross-correlation", normalizedCrossCorrelation(20)],
  ];
  for (const [name, misfit] of cases) {
    test(name, () => {
      const f = (p: Field) => {
        const g = new Float64Array(p.size);
        const value = misfit.evaluate(flatten(p), observed, g);
        return { value, gradient: field(g, [p.size]) };
      };
      expectOrders(f, vec(60), 1e-4);
    });
  }

  test("huber equals least squares inside the threshold and grows linearly beyond it", () => {
    const g = new Float64Array(2);
    expect(huber(1).evaluate(Float64Array.of(0.5, 3), Float64Array.of(0, 0), g)).toBeCloseTo(0.125 + (3 - 0.5), 14);
    expect([...g]).toEqual([0.5, 1]);
  });

  test("normalized cross-correlation is zero for a scaled copy and two for its negative", () => {
    const o = vec(20);
    const g = new Float64Array(20);
    expect(normalizedCrossCorrelation(20).evaluate(o.map((v) => 3 * v), o, g)).toBeCloseTo(0, 14);
    expect(normalizedCrossCorrelation(20).evaluate(o.map((v) => -v), o, g)).toBeCloseTo(2, 14);
  });
});

describe("regularizer and parametrization gradients", () => {
  const regs: [string, Regularizer][] = [
    ["damping", damping(vec(30))],
    ["smoothness", smoothness(10)],
    ["total variation", totalVariation(10, 0.1)],
    ["smoothness on a 5 x 6 grid", smoothness([5, 6])],
    ["total variation on a 5 x 6 grid", totalVariation([5, 6], 0.1)],
  ];
  for (const [name, reg] of regs) {
    test(name, () => {
      const f = (m: Field) => {
        const g = new Float64Array(m.size);
        const value = reg.evaluate(flatten(m), g);
        return { value, gradient: field(g, [m.size]) };
      };
      expectOrders(f, vec(30), 1e-3);
    });
  }

  test("on a grid, smoothness counts x and y neighbours: a linear ramp a x + b y gives 0.5 (a^2 ny (nx-1) + b^2 nx (ny-1))", () => {
    const nx = 6, ny = 5, a = 0.3, b = -1.7;
    const m = Float64Array.from({ length: nx * ny }, (_, p) => a * (p % nx) + b * Math.floor(p / nx));
    expect(smoothness([ny, nx]).evaluate(m, new Float64Array(nx * ny))).toBeCloseTo(0.5 * (a * a * ny * (nx - 1) + b * b * nx * (ny - 1)), 12);
  });

  const params: [string, Parametrization][] = [["log", logarithm], ["slowness", slowness], ["squared slowness", squaredSlowness]];
  for (const [name, p] of params) {
    test(`${name}: the chain rule through a quadratic in m, and toParameter inverts toModel`, () => {
      const target = vec(10, 100).map((v) => 2000 + v);
      const m0 = target.map((v) => v + 50);
      const x0 = new Float64Array(10);
      p.toParameter(m0, x0);
      const back = new Float64Array(10);
      p.toModel(x0, back);
      for (let i = 0; i < 10; i++) expect(back[i]).toBeCloseTo(m0[i], 9);
      const f = (x: Field) => {
        const m = new Float64Array(10);
        p.toModel(flatten(x), m);
        const gm = m.map((v, i) => v - target[i]);
        const value = 0.5 * gm.reduce((s, v) => s + v * v, 0);
        const gx = new Float64Array(10);
        p.chain(flatten(x), m, gm, gx);
        return { value, gradient: field(gx, [10]) };
      };
      const scale = Math.max(...x0.map(Math.abs));
      expectOrders(f, x0, 1e-5 * scale);
    });
  }
});

describe("data objective on the wave simulator", () => {
  test("its gradient passes the Taylor test with log-velocity and smoothness", () => {
    const { config, velocity } = smallProblem();
    const sim = new WaveSimulator(config);
    const truth = field(flatten(velocity).map((v, i) => v + 200 * Math.exp(-(((i - 50) / 5) ** 2))), [config.nx]);
    const obj = dataObjective({
      simulator: sim, observed: sim.forward(truth), misfit: leastSquares(), modelShape: [config.nx],
      parametrization: logarithm, regularization: [{ term: smoothness(config.nx), weight: 1e-3 }],
    });
    const x0 = obj.toParameter(velocity);
    const f = (x: Field) => {
      const g = new Float64Array(x.size);
      const value = obj.objective(flatten(x), g);
      return { value, gradient: field(g, [x.size]) };
    };
    const r = taylorTest(f, field(x0, [x0.length]), field(x0.map((_, i) => 0.02 * Math.cos(i / 5)), [x0.length]), { h0: 0.01, count: 4 });
    for (const rate of r.rates2) expect(Math.abs(rate - 2)).toBeLessThan(0.1);
    expect(Object.keys(obj.terms)).toEqual(["least-squares", "smoothness"]);
  });

  test("L-BFGS on a small transmission FWI reduces the misfit a hundredfold and the model error", () => {
    const { config, velocity: truth } = smallProblem();
    const sim = new WaveSimulator(config);
    const start = new Float64Array(config.nx);
    // A smooth starting model: the truth averaged over +-15 cells.
    const t = flatten(truth);
    for (let i = 0; i < config.nx; i++) {
      let s = 0, c = 0;
      for (let j = Math.max(0, i - 15); j <= Math.min(config.nx - 1, i + 15); j++) { s += t[j]; c++; }
      start[i] = s / c;
    }
    const obj = dataObjective({ simulator: sim, observed: sim.forward(truth), misfit: leastSquares(), modelShape: [config.nx], parametrization: logarithm });
    const x0 = obj.toParameter(field(start, [config.nx]));
    const g = new Float64Array(x0.length);
    const initial = obj.objective(x0, g);
    const r = run(lbfgs(obj.objective, x0, { maxIterations: 30, gradientTolerance: 0 }));
    const error = (m: Float64Array) => Math.hypot(...m.map((v, i) => v - t[i])) / Math.hypot(...t);
    const final = flatten(obj.toModel(r.x));
    expect(r.value).toBeLessThan(initial / 100);
    expect(error(final)).toBeLessThan(0.5 * error(start));
  });
});
