/**
 * The 2D simulator's gradient storage: checkpointing (revolve over segments of W^n, the forward
 * states u^{n-1}, u^n and the four C-PML memory arrays saved and restored) gives full storage's
 * gradients (velocity and wavelets) bit for bit, and `auto` picks full storage or checkpointing
 * by its memory budget; full storage's memory, reused by the next linearization, leaves older
 * linearizations' gradients exact.
 */
import { describe, expect, test } from "vitest";
import { field, flatten } from "../src/core/arrays.js";
import type { Field } from "../src/core/contract.js";
import { type Storage } from "../src/core/checkpoint.js";
import { WaveSimulator2D } from "../src/wave/simulator2d.js";
import { stateValues2D } from "../src/wave/grid2d.js";
import { problem2D } from "./helpers/wave2d.js";

const nx = 32, nz = 27, nt = 90;

function problem(top: "free" | "absorbing", precision: "float64" | "float32") {
  return problem2D({ nx, nz, nt, bumpX: 16, lastX: 305.2, order: 8, top, precision });
}

/** Gradients (velocity, wavelets) of J = 0.5 ||F(c) - F(truth)||^2 with the given storage, and the data. */
function gradients(top: "free" | "absorbing", precision: "float64" | "float32", storage: Storage) {
  const { config, velocity, truth } = problem(top, precision);
  const sim = new WaveSimulator2D({ ...config, storage });
  const observed = flatten(sim.forward(truth));
  const lin = sim.linearize(velocity);
  const d = flatten(lin.data), r = d.map((v, i) => v - observed[i]);
  const dd: Field = field(r, lin.data.shape);
  const g = lin.gradients(dd);
  return { data: [...d], velocity: [...flatten(g.velocity)], wavelets: [...flatten(g.wavelets)], vjp: [...flatten(lin.vjp(dd))], sim };
}

describe("2D wave simulator: checkpointed gradients", () => {
  for (const precision of ["float64", "float32"] as const) {
    for (const top of ["absorbing", "free"] as const) {
      test(`${precision}, ${top} top: checkpointing gives full storage's gradients bit for bit (1, 2, 5, 17 and 200 states)`, () => {
        const full = gradients(top, precision, { mode: "full" });
        expect(full.velocity.some((v) => v !== 0)).toBe(true);
        expect(full.wavelets.some((v) => v !== 0)).toBe(true);
        for (const snapshots of [1, 2, 5, 17, 200]) {
          const cp = gradients(top, precision, { mode: "checkpoint", snapshots });
          expect(cp.sim.storagePlan.mode).toBe("checkpoint");
          expect(cp.data).toEqual(full.data);
          expect(cp.velocity).toEqual(full.velocity);
          expect(cp.wavelets).toEqual(full.wavelets);
          expect(cp.vjp).toEqual(full.velocity);
        }
      });
    }
  }

  test("a linearization's gradients may be taken again (the snapshots and segment reused): the same bits", () => {
    const { config, velocity, truth } = problem("free", "float64");
    const sim = new WaveSimulator2D({ ...config, storage: { mode: "checkpoint", snapshots: 3 } });
    const lin = sim.linearize(velocity), dd = sim.forward(truth);
    const a = lin.gradients(dd), b = lin.gradients(dd);
    expect([...flatten(a.velocity)]).toEqual([...flatten(b.velocity)]);
    expect([...flatten(a.wavelets)]).toEqual([...flatten(b.wavelets)]);
  });

  test("full storage's memory passes from linearization to linearization: interleaved ones give fresh simulators' gradients bit for bit", () => {
    const { config, velocity, truth } = problem("free", "float64");
    const sim = new WaveSimulator2D(config), dd = sim.forward(truth);
    // Each alone: the reference (its own linearize just before its gradients).
    const fresh = (c: Field, s = sim) => {
      const g = new WaveSimulator2D({ layout: s.layout }).linearize(c).gradients(dd);
      return [...flatten(g.velocity), ...flatten(g.wavelets)];
    };
    const of = (g: { velocity: Field; wavelets: Field }) => [...flatten(g.velocity), ...flatten(g.wavelets)];
    const shifted = field(flatten(velocity).map((v, i) => v + 30 * Math.sin(i)), velocity.shape);
    const other = sim.lowPassed(40); // another simulator of the same sizes: it takes the same memory
    const wider = new WaveSimulator2D({ ...config, nx: nx + 3 });
    const expected = { a: fresh(velocity), b: fresh(shifted), c: fresh(shifted, other) };
    const a = sim.linearize(velocity), b = sim.linearize(shifted);
    expect(of(a.gradients(dd))).toEqual(expected.a); // b had taken a's memory: a's forward run again
    expect(of(b.gradients(dd))).toEqual(expected.b); // and back
    const c = other.linearize(shifted);
    wider.linearize(field(new Float64Array((nx + 3) * nz).fill(2100), [nz, nx + 3])); // another size: memory of its own
    expect(of(a.gradients(dd))).toEqual(expected.a);
    expect(of(c.gradients(dd))).toEqual(expected.c);
    expect(of(c.gradients(dd))).toEqual(expected.c); // still its own: no forward run again
    expect([...flatten(a.vjp(dd))]).toEqual(expected.a.slice(0, nx * nz));
    expect([...flatten(b.data)]).toEqual([...flatten(sim.forward(shifted))]);
  });

  test("storagePlan: full storage's bytes; checkpointing's plan within the memory of its states", () => {
    const { config } = problem("absorbing", "float64");
    const full = new WaveSimulator2D(config);
    const lay = full.layout, cells = lay.sx * lay.sz;
    expect(full.storagePlan).toEqual({ mode: "full", bytes: 8 * 2 * (nt - 1) * cells });
    for (const snapshots of [1, 4, 30]) {
      const plan = new WaveSimulator2D({ ...config, storage: { mode: "checkpoint", snapshots } }).storagePlan;
      expect(plan.mode).toBe("checkpoint");
      // The states (u^{n-1}, u^n and the memory arrays on their layers) and the segment's W^n within the memory of `snapshots` states.
      expect(stateValues2D(lay)).toBeLessThan(6 * cells);
      expect(plan.bytes).toBeLessThanOrEqual(8 * stateValues2D(lay) * snapshots + 8 * cells);
      expect(plan.plan!.steps).toBe(nt - 1);
      expect(plan.recomputedRuns!.perShot).toBeGreaterThanOrEqual(1);
    }
  });
});

describe("2D wave simulator: auto storage", () => {
  test("full storage when W^n of every step and shot fits the budget, else checkpointing with the states that fit", () => {
    const { config } = problem("absorbing", "float32");
    const lay = new WaveSimulator2D(config).layout, cells = lay.sx * lay.sz;
    const fullBytes = 4 * 2 * (nt - 1) * cells, stateBytes = 4 * stateValues2D(lay);
    expect(new WaveSimulator2D({ ...config, storage: { mode: "auto", memory: fullBytes } }).layout.storage).toEqual({ mode: "full" });
    expect(new WaveSimulator2D({ ...config, storage: { mode: "auto", memory: fullBytes - 1 } }).layout.storage).toEqual({ mode: "checkpoint", snapshots: Math.floor((fullBytes - 1) / stateBytes) });
    expect(new WaveSimulator2D({ ...config, storage: { mode: "auto", memory: 3.5 * stateBytes } }).layout.storage).toEqual({ mode: "checkpoint", snapshots: 3 });
    expect(() => new WaveSimulator2D({ ...config, storage: { mode: "auto", memory: stateBytes - 1 } })).toThrow(/storage\.memory/);
    // The default budget (half the memory limit) holds this small problem's full storage.
    expect(new WaveSimulator2D({ ...config, storage: { mode: "auto" } }).layout.storage).toEqual({ mode: "full" });
    expect(new WaveSimulator2D(config).layout.storage).toEqual({ mode: "full" });
  });

  test("auto's checkpointing gives full storage's gradients bit for bit", () => {
    const full = gradients("free", "float32", { mode: "full" });
    const lay = full.sim.layout;
    const auto = gradients("free", "float32", { mode: "auto", memory: 4 * stateValues2D(lay) * 4 });
    expect(auto.sim.layout.storage).toEqual({ mode: "checkpoint", snapshots: 4 });
    expect(auto.velocity).toEqual(full.velocity);
    expect(auto.wavelets).toEqual(full.wavelets);
  });

  test("a bad storage option is named", () => {
    const { config } = problem("free", "float64");
    expect(() => new WaveSimulator2D({ ...config, storage: { mode: "checkpoint", snapshots: 0 } })).toThrow(/storage\.snapshots/);
    expect(() => new WaveSimulator2D({ ...config, storage: { mode: "bogus" } as unknown as Storage })).toThrow(/storage\.mode/);
  });
});
