/**
 * One 2D shot stepped by a team of threads (the native backend splits the grid's rows; see
 * team_rows2d in src/wave/kernel2d-real.h) gives one thread's data, Born data and gradients bit
 * for bit: each cell's arithmetic is the same, only who does it changes. With the WebAssembly
 * backend the option is accepted and a shot runs on one thread.
 */
import { describe, expect, test } from "vitest";
import { field, flatten } from "../src/core/arrays.js";
import type { Storage } from "../src/core/checkpoint.js";
import { WaveSimulator2D } from "../src/wave/simulator2d.js";
import { problem2D } from "./helpers/wave2d.js";

function results(top: "free" | "absorbing", precision: "float64" | "float32", threads: number, storage: Storage, nz = 27) {
  const { config, velocity, truth, dc } = problem2D({ nx: 32, nz, nt: 90, bumpX: 16, lastX: 305.2, order: 8, top, precision });
  // Points kept inside the model when it is cut shallower.
  const inside = (p: { x: number; z: number }) => ({ x: p.x, z: Math.min(p.z, (nz - 1) * 10 - 0.5) });
  const shots = config.shots.map((s) => ({ ...s, source: inside(s.source), receivers: s.receivers.map(inside) }));
  const sim = new WaveSimulator2D({ ...config, shots, storage, threads });
  const observed = flatten(sim.forward(truth));
  const lin = sim.linearize(velocity);
  const d = flatten(lin.data);
  const g = lin.gradients(field(d.map((v, i) => v - observed[i]), lin.data.shape));
  return { data: [...d], born: [...flatten(lin.jvp(dc))], velocity: [...flatten(g.velocity)], wavelets: [...flatten(g.wavelets)] };
}

describe("2D shots on a team of threads", () => {
  for (const precision of ["float64", "float32"] as const) {
    for (const top of ["absorbing", "free"] as const) {
      test(`${precision}, ${top} top: 2 and 3 threads give one thread's data, Born data and gradients (full storage and checkpointing) bit for bit`, () => {
        for (const storage of [{ mode: "full" }, { mode: "checkpoint", snapshots: 4 }] as Storage[]) {
          const one = results(top, precision, 1, storage);
          expect(one.velocity.some((v) => v !== 0)).toBe(true);
          for (const threads of [2, 3]) expect(results(top, precision, threads, storage)).toEqual(one);
        }
      });
    }
  }

  test("a grid too short between its PML layers to split runs on one thread, with the same bits", () => {
    // nz = 12: 12 rows between the layers, fewer than the 2 x 4 rows a boundary keeps from each, plus one.
    const one = results("absorbing", "float64", 1, { mode: "full" }, 12);
    expect(results("absorbing", "float64", 4, { mode: "full" }, 12)).toEqual(one);
  });

  test("threads outside 1..16 are refused by name", () => {
    const { config } = problem2D({ nx: 32, nz: 27, nt: 90, bumpX: 16, lastX: 305.2, order: 8, top: "free" });
    expect(() => new WaveSimulator2D({ ...config, threads: 0 })).toThrow(/threads/);
    expect(() => new WaveSimulator2D({ ...config, threads: 17 })).toThrow(/threads: expected 1 to 16/);
    expect(() => new WaveSimulator2D({ ...config, threads: 1.5 })).toThrow(/threads/);
  });
});
