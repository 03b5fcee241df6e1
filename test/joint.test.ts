/**
 * The joint objective: blocks with their own parametrizations and a gradient
 * similarity coupling between them, checked by Taylor tests and against the
 * sum of its parts; the coupling against its closed form.
 */
import { describe, expect, test } from "vitest";
import { field, flatten } from "../src/core/arrays.js";
import type { Field } from "../src/core/contract.js";
import { taylorTest } from "../src/core/gradcheck.js";
import { Random } from "../src/core/random.js";
import { blockParametrization, gradientSimilarity, jointObjective } from "../src/inversion/joint.js";
import { modelObjective } from "../src/inversion/objective.js";
import { identity, logarithm } from "../src/inversion/parametrization.js";
import { smoothness } from "../src/inversion/regularization.js";
import type { Objective } from "../src/inversion/types.js";

const rng = new Random(7);
const vec = (n: number, scale = 1) => rng.fillNormal(new Float64Array(n)).map((v) => v * scale);

/** 1/2 |A m - d|^2 with a random dense A (rows x n): a data term on the model m. */
function linearData(rows: number, n: number): Objective {
  const a = vec(rows * n), d = vec(rows);
  return (m, g) => {
    g.fill(0);
    let v = 0;
    for (let r = 0; r < rows; r++) {
      let p = -d[r];
      for (let k = 0; k < n; k++) p += a[r * n + k] * m[k];
      v += 0.5 * p * p;
      for (let k = 0; k < n; k++) g[k] += a[r * n + k] * p;
    }
    return v;
  };
}

function expectOrders(f: (x: Field) => { value: number; gradient: Field }, x: Float64Array, h0: number) {
  const r = taylorTest(f, field(x, [x.length]), field(vec(x.length), [x.length]), { h0, count: 4 });
  for (const rate of r.rates1) expect(Math.abs(rate - 1)).toBeLessThan(0.1);
  for (const rate of r.rates2) expect(Math.abs(rate - 2)).toBeLessThan(0.1);
}

const asFunction = (f: Objective) => (x: Field) => {
  const g = new Float64Array(x.size);
  const value = f(flatten(x), g);
  return { value, gradient: field(g, [x.size]) };
};

describe("gradient similarity 1/2 |Da - alpha Db|^2", () => {
  test("vanishes for a = alpha b + constant, and equals the hand-summed value otherwise", () => {
    const b = vec(12), a = b.map((v) => 0.6 * v + 3);
    const c = gradientSimilarity(0.6);
    expect(c.evaluate(a, b, new Float64Array(12), new Float64Array(12))).toBeCloseTo(0, 13);
    // a = (0, 1, 3), b = (0, 0, 1), alpha 2: differences (1 - 0, 2 - 2) -> 1/2.
    expect(gradientSimilarity(2).evaluate(Float64Array.of(0, 1, 3), Float64Array.of(0, 0, 1), new Float64Array(3), new Float64Array(3))).toBe(0.5);
  });

  test("Taylor test on both blocks at once (orders 1 and 2 within 0.1)", () => {
    const c = gradientSimilarity(-1.7);
    const f: Objective = (x, g) => c.evaluate(x.subarray(0, 15), x.subarray(15), g.subarray(0, 15), g.subarray(15));
    expectOrders(asFunction(f), vec(30), 1e-3);
  });
});

describe("jointObjective", () => {
  const n = 10;
  // Block 0: log parametrization with smoothness; block 1: identity. Different physics in spirit.
  const block0 = modelObjective(linearData(8, n), { name: "wave-data", modelShape: [n], parametrization: logarithm, regularization: [{ term: smoothness(n), weight: 0.3 }] });
  const block1 = modelObjective(linearData(6, n), { name: "heat-data", modelShape: [n], parametrization: identity });
  const coupling = gradientSimilarity(0.8);
  const joint = jointObjective(
    [{ name: "velocity", size: n, objective: block0 }, { name: "conductivity", size: n, objective: block1 }],
    [{ term: coupling, weight: 2.5, between: [0, 1] }],
  );

  test("Taylor test of the stacked objective (orders 1 and 2 within 0.1)", () => {
    expectOrders(asFunction(joint.objective), vec(2 * n, 0.3), 1e-4);
  });

  test("its value is the blocks' values plus the weighted coupling, and its terms name them", () => {
    const x = vec(2 * n, 0.3);
    const v = joint.objective(x, new Float64Array(2 * n));
    const g = new Float64Array(n);
    const parts = block0.objective(x.slice(0, n), g) + block1.objective(x.slice(n), g) + 2.5 * coupling.evaluate(x.slice(0, n), x.slice(n), new Float64Array(n), new Float64Array(n));
    // The same sums in the same order: equal to round-off, 1e-14 relative.
    expect(Math.abs(v - parts) / parts).toBeLessThan(1e-14);
    expect(Object.keys(joint.terms).sort()).toEqual(["conductivity.heat-data", "gradient-similarity", "velocity.smoothness", "velocity.wave-data"]);
    expect(joint.offsets).toEqual([0, n]);
  });

  test("bad blocks and couplings are refused with the field named", () => {
    const b = { name: "a", size: n, objective: block1 };
    expect(() => jointObjective([b, b], [{ term: coupling, weight: -1, between: [0, 1] }])).toThrow(/^couplings\[0\]\.weight: /);
    expect(() => jointObjective([b, b], [{ term: coupling, weight: 1, between: [0, 2] }])).toThrow(/^couplings\[0\]\.between: expected block indices in \[0, 1\], got 0, 2/);
    expect(() => jointObjective([{ ...b, size: 0 }])).toThrow(/^blocks\[0\]\.size: /);
  });
});

describe("blockParametrization", () => {
  test("maps each block through its own parametrization, and back", () => {
    const p = blockParametrization([logarithm, identity], [2, 3]);
    const x = Float64Array.of(0, Math.log(2), 5, -1, 7), m = new Float64Array(5);
    p.toModel(x, m);
    expect([...m]).toEqual([1, 2, 5, -1, 7]);
    const back = new Float64Array(5);
    p.toParameter(m, back);
    expect([...back]).toEqual([...x]);
    const gx = new Float64Array(5);
    p.chain(x, m, Float64Array.of(1, 1, 1, 1, 1), gx);
    // dm/dx: m for the log block, 1 for the identity block.
    expect([...gx]).toEqual([1, 2, 1, 1, 1]);
  });
});
