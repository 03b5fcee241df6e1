/**
 * Point weights of sources and receivers (src/wave/interpolation.ts) against what they must
 * reproduce: grid values on grid points, polynomials of degree below 8 exactly, band-limited
 * waves nearly, and the images that mirror ends define.
 */
import { describe, expect, test } from "vitest";
import { HALF_WIDTH, pointWeights, type Ends } from "../src/wave/interpolation.js";

const open: Ends = { lo: 4, hi: 200, left: 0, right: 0 };

/** sum_j weight_j f(index_j): what a receiver at the weights' point reads of the field f. */
function read(weights: { index: Int32Array; weight: Float64Array }, f: (i: number) => number): number {
  let s = 0;
  for (let j = 0; j < weights.index.length; j++) s += weights.weight[j] * f(weights.index[j]);
  return s;
}

describe("point weights (Kaiser-windowed sinc, corrected to degree 7)", () => {
  test("a grid point reads its own cell alone, with weight exactly 1", () => {
    for (const s of [37, 4, 199, 120]) {
      const w = pointWeights(s, open);
      expect(w.index.length).toBe(2 * HALF_WIDTH);
      expect(read(w, (i) => (i === s ? 1 : 0))).toBe(1);
      expect([...w.weight].filter((x) => x !== 0)).toEqual([1]);
    }
  });

  test("polynomials of degree below 8 are read exactly (1e-12 of their size) between grid points", () => {
    for (const s of [50.5, 61.37, 99.999, 100.001, 150.73]) {
      const w = pointWeights(s, open);
      for (let degree = 0; degree < 8; degree++) {
        const p = (x: number) => ((x - 100) / 10) ** degree;
        expect(Math.abs(read(w, p) - p(s))).toBeLessThan(1e-12 * Math.max(1, Math.abs(p(s)) + Math.abs(((s + HALF_WIDTH - 100) / 10) ** degree)));
      }
      // Degree 8 is not exact: the correction is the smallest that makes degrees 0..7 exact.
      const p8 = (x: number) => ((x - s) * 0.5) ** 8;
      expect(Math.abs(read(w, p8) - p8(s))).toBeGreaterThan(1e-6);
    }
  });

  test("waves: e^{ikx} half-way between points within 2e-2 at k dx = 2, 2e-4 at 1, 1e-8 at 0.25 (linear interpolation: 0.46, 0.12, 7.8e-3)", () => {
    const s = 80.5;
    const w = pointWeights(s, open);
    // (Linear interpolation half-way reads cos(k dx / 2) times the wave: errors 1 - cos(k dx / 2).)
    const bounds: [number, number][] = [[2, 2e-2], [1, 2e-4], [0.25, 1e-8]];
    for (const [k, bound] of bounds) {
      // Both phases (cos and sin) of the wave: the error of e^{ikx}.
      const err = (f: (x: number) => number) => Math.abs(read(w, f) - f(s));
      const ours = Math.max(err((x) => Math.cos(k * x)), err((x) => Math.sin(k * x)));
      expect(ours).toBeLessThan(bound);
    }
  });

  test("near a mirror end a point reads the field's image: fields odd (free) or even (rigid) about the mirror are read exactly", () => {
    // The mirror lies half a cell before cell lo: at lo - 0.5.
    const plane = 3.5;
    const odd = (x: number) => (x - plane) ** 3 - 4 * (x - plane);
    const even = (x: number) => (x - plane) ** 4 + (x - plane) ** 2 + 1;
    for (const [sign, f] of [[-1, odd], [1, even]] as const) {
      const ends: Ends = { lo: 4, hi: 200, left: sign, right: 0 };
      for (const s of [4, 4.3, 5.5, 7.25]) {
        const w = pointWeights(s, ends);
        expect(Math.min(...w.index)).toBeGreaterThanOrEqual(4);
        expect(Math.abs(read(w, f) - f(s))).toBeLessThan(1e-12 * 100);
      }
    }
    // And at the right end, half a cell after cell hi - 1.
    const right = 199.5, ends: Ends = { lo: 4, hi: 200, left: 0, right: -1 };
    const g = (x: number) => (x - right) ** 5 - (x - right);
    for (const s of [199, 198.6, 195.1]) {
      const w = pointWeights(s, ends);
      expect(Math.max(...w.index)).toBeLessThan(200);
      expect(Math.abs(read(w, g) - g(s))).toBeLessThan(1e-12 * 1e4);
    }
  });

  test("at an absorbing end without enough cells the points beyond are dropped and degrees 0..7 stay exact on the others", () => {
    const ends: Ends = { lo: 4, hi: 200, left: 0, right: 0 };
    const s = 5.4; // reaches down to cell 0: cells 0..3 are dropped, 8 remain
    const w = pointWeights(s, ends);
    expect(Math.min(...w.index)).toBeGreaterThanOrEqual(4);
    for (let degree = 0; degree < 8; degree++) {
      const p = (x: number) => ((x - 8) / 4) ** degree;
      expect(Math.abs(read(w, p) - p(s))).toBeLessThan(1e-12 * 2 ** degree * 100);
    }
  });
});
