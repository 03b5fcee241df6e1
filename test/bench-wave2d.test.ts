/**
 * The bench's wave2d-standard problem is the one ../shared/bench/wave2d_ref.c runs: its
 * velocity, and its source and receivers on the C's cells (interior cell (j, l) is our model
 * cell (j, l)), and a gradient's full storage fits an arena.
 */
import { describe, expect, test } from "vitest";
import { gradientSteps2D, nt2D, wave2DSimulator, wave2DVelocity } from "../src/bench/wave2d.js";
import { MAX_ARENA_BYTES } from "../src/wave/wasm.js";

describe("the wave2d-standard problem of ../shared/bench/wave2d_ref.c", () => {
  test("five layers of 40 cells and the lens, as make_model computes them", () => {
    const c = wave2DVelocity(), at = (j: number, l: number) => c[l * 500 + j];
    expect([at(0, 0), at(499, 39), at(0, 40), at(499, 199)]).toEqual([1500, 1500, 2125, 4000]);
    expect(at(250, 100)).toBe(2250); // the lens's centre: 2750 - 500
    expect(at(250, 140)).toBeCloseTo(3375, 9); // r = 1: the lens ends
    expect(at(270, 100)).toBeCloseTo(2750 - 250, 9); // r = 1/2: cos^2(pi/4) = 1/2
    expect(Math.min(...c)).toBe(1500);
  });

  test("the source at interior cell (100, 10) and receiver r at (r, 10), each on one cell", () => {
    const lay = wave2DSimulator(10, "float64", { mode: "full" }).layout;
    const cell = (j: number, l: number) => (lay.firstZ + l) * lay.sx + lay.firstX + j;
    const onCell = (p: { index: Int32Array; weight: Float64Array }, expected: number) => {
      const k = p.weight.reduce((b, w, i) => (Math.abs(w) > Math.abs(p.weight[b]) ? i : b), 0);
      expect(p.index[k]).toBe(expected);
      expect(p.weight[k]).toBeCloseTo(1, 12);
      p.weight.forEach((w, i) => i !== k && expect(Math.abs(w)).toBeLessThan(1e-12));
    };
    expect([lay.nx, lay.nz, lay.sx - 2 * 4, lay.sz - 2 * 4]).toEqual([500, 200, 600, 300]);
    onCell(lay.sources[0], cell(100, 10));
    expect(lay.receivers[0].length).toBe(500);
    for (const r of [0, 1, 250, 499]) onCell(lay.receivers[0][r], cell(r, 10));
  });

  test("with the default 20-cell C-PML the grid is the same 600 x 300 cells, the source and receivers on the same cells, the band's cells the C's clamped velocities", () => {
    const wide = wave2DSimulator(10, "float64", { mode: "full" }).layout, narrow = wave2DSimulator(10, "float64", { mode: "full" }, 1, 20).layout;
    expect([narrow.nx, narrow.nz, narrow.sx, narrow.sz]).toEqual([560, 260, wide.sx, wide.sz]);
    expect([...narrow.sources[0].index]).toEqual([...wide.sources[0].index]);
    for (const r of [0, 1, 250, 499]) expect([...narrow.receivers[0][r].index]).toEqual([...wide.receivers[0][r].index]);
    const c = wave2DVelocity(), cn = wave2DVelocity(20), at = (ix: number, iz: number) => cn[iz * 560 + ix];
    expect(at(30 + 250, 30 + 100)).toBe(c[100 * 500 + 250]); // the lens's centre, 30 cells in
    expect([at(0, 0), at(559, 0), at(0, 259), at(559, 259)]).toEqual([c[0], c[499], c[199 * 500], c[199 * 500 + 499]]); // corners: clamped
    expect(at(100, 10)).toBe(c[70]); // in the band above the interior: its top row's velocity
  });

  test("float64 full storage of the gradient's steps fits an arena", () => {
    const steps = gradientSteps2D(), cells = 608 * 308;
    expect(steps).toBe(nt2D <= 1300 ? nt2D : 1300);
    expect(8 * (steps - 1) * cells).toBeLessThan(MAX_ARENA_BYTES - 64 * 2 ** 20);
  });
});
