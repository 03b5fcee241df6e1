/**
 * The 2D simulator's Born modelling (jvp: the background and the scattered field stepped
 * together, driven by dm W^n) against its adjoint (vjp) — dot tests <J dc, dd> = <dc, J^T dd> —
 * and against central differences of the forward, on small heterogeneous models with C-PML on
 * every side (an absorbing top) or a free surface on top, orders 4 and 8, two shots and
 * off-grid sources and receivers.
 */
import { describe, expect, test } from "vitest";
import { axpy, field, flatten } from "../src/core/arrays.js";
import { dotTest } from "../src/core/gradcheck.js";
import { WaveSimulator2D } from "../src/wave/simulator2d.js";
import { problem2D } from "./helpers/wave2d.js";

const nx = 36, nz = 28, nt = 250;

/** The 36 x 28 problem of test/helpers/wave2d.ts. */
function problem(order: 4 | 8, top: "free" | "absorbing", precision: "float64" | "float32" = "float64") {
  return problem2D({ nx, nz, nt, bumpX: 20, lastX: 335.2, order, top, precision });
}

/** ||a - b|| / ||b||. */
function relative(a: Float64Array, b: Float64Array): number {
  let num = 0, den = 0;
  for (let i = 0; i < a.length; i++) (num += (a[i] - b[i]) ** 2), (den += b[i] ** 2);
  return Math.sqrt(num / den);
}

/** A perturbation on the model's border cells alone: the C-PML's (and the free surface's mirror side's) cells copy them. */
function border(values: Float64Array): Float64Array {
  return values.map((v, i) => ((i % nx) % (nx - 1) === 0 || Math.floor(i / nx) % (nz - 1) === 0 ? v : 0));
}

describe("2D wave simulator Born modelling (jvp) and its adjoint", () => {
  // Measured (native and WebAssembly alike), relative error of the dot test with random normal dc
  // and dd: float64 5.1e-15 (8, absorbing), 5.4e-15 (4, free), 9.0e-15 (8, free), 2.1e-14 (4,
  // absorbing); float32 1.1e-6 to 9.2e-6. Hence 1e-12 and 2e-4: two orders above the measured.
  for (const [order, top] of [[8, "absorbing"], [4, "free"], [8, "free"], [4, "absorbing"]] as const) {
    for (const precision of ["float64", "float32"] as const) {
      test(`dot test <J dc, dd> = <dc, J^T dd>: order ${order}, ${top} top, ${precision}`, () => {
        const { config, velocity } = problem(order, top, precision);
        const r = dotTest(new WaveSimulator2D(config), velocity, { seed: order + (top === "free" ? 1 : 0) });
        expect(Math.abs(r.forward)).toBeGreaterThan(0);
        expect(r.relativeError).toBeLessThan(precision === "float64" ? 1e-12 : 2e-4);
      });
    }
  }

  test("dot test with dc on the model's border cells only (the layers' extension of dm and the fold of dJ/dm)", () => {
    for (const top of ["absorbing", "free"] as const) {
      const { config, velocity, dc } = problem(8, top);
      const sim = new WaveSimulator2D(config);
      const dModel = field(border(flatten(dc).map((v) => v + 20)), [nz, nx]);
      const r = dotTest(sim, velocity, { seed: 5, dModel });
      expect(Math.abs(r.forward)).toBeGreaterThan(0);
      expect(r.relativeError).toBeLessThan(1e-12);
    }
  });

  for (const [order, top] of [[8, "absorbing"], [4, "free"]] as const) {
    test(`order ${order}, ${top} top: jvp matches central differences of the forward`, () => {
      const { config, velocity, dc } = problem(order, top);
      const sim = new WaveSimulator2D(config);
      const born = flatten(sim.jvp(velocity, dc));
      const fd = (h: number) => {
        const plus = flatten(sim.forward(axpy(velocity, h, dc))), minus = flatten(sim.forward(axpy(velocity, -h, dc)));
        return relative(born, plus.map((v, i) => (v - minus[i]) / (2 * h)));
      };
      // A sweep of h (|dc| <= 50 m/s) measured the relative error falling as h^2 (5.6e-5, 5.6e-7,
      // 5.6e-9 at h = 0.1, 0.01, 0.001 for order 8; 1.4e-4, 1.4e-6, 1.4e-8 for order 4) down to
      // 2e-10 at h = 1e-4, where round-off (~1e-16 / h relative) takes over (1.3e-9 at 1e-5).
      // So at h = 1e-3 the error must be below 1e-7 and fall by ~9 from h = 3e-3: a wrong term
      // of the linearization would leave an error of its own size at every h.
      const e1 = fd(1e-3), e3 = fd(3e-3);
      expect(e1).toBeLessThan(1e-7);
      expect(e3 / e1).toBeGreaterThan(7);
      expect(e3 / e1).toBeLessThan(11);
    });
  }

  test("jvp equals linearize().jvp; dVelocity's shape is checked; the Born data's shape is the data's", () => {
    const { config, velocity, dc } = problem(4, "absorbing");
    const sim = new WaveSimulator2D(config);
    const lin = sim.linearize(velocity);
    const born = lin.jvp(dc);
    expect(born.shape).toEqual(sim.dataShape);
    expect([...flatten(sim.jvp(velocity, dc))]).toEqual([...flatten(born)]);
    expect(() => lin.jvp(field(new Float64Array(3), [3]))).toThrow(/dVelocity/);
    // J is linear: J (2 dc) = 2 J dc to the bit (doubling dm doubles every value of the scattered field exactly).
    expect([...flatten(lin.jvp(field(flatten(dc).map((v) => 2 * v), [nz, nx])))]).toEqual([...flatten(born)].map((v) => 2 * v));
  });
});
