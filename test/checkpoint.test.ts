import { describe, expect, test } from "vitest";
import { revolve } from "../src/core/checkpoint.js";

/** Minimal advance count by exhaustive dynamic programming over split points (the independent truth). */
function optimalAdvances(maxSteps: number, maxSlots: number): number[][] {
  const t = Array.from({ length: maxSteps + 1 }, () => new Array<number>(maxSlots + 1).fill(0));
  for (let l = 2; l <= maxSteps; l++) {
    t[l][1] = (l * (l - 1)) / 2;
    for (let s = 2; s <= maxSlots; s++) {
      let best = Infinity;
      for (let m = 1; m < l; m++) best = Math.min(best, m + t[l - m][s - 1] + t[m][s]);
      t[l][s] = best;
    }
  }
  return t;
}

/** Executes a schedule on a symbolic state (the step index) and checks every action is legal. */
function execute(steps: number, snapshots: number) {
  const slots = new Map<number, number>();
  let live = 0;
  let advances = 0;
  const reversed: number[] = [];
  for (const a of revolve(steps, snapshots)) {
    switch (a.kind) {
      case "save":
        expect(a.step).toBe(live);
        expect(a.slot).toBeLessThan(snapshots);
        slots.set(a.slot, live);
        break;
      case "restore":
        expect(slots.get(a.slot)).toBe(a.step);
        live = a.step;
        break;
      case "advance":
        expect(a.from).toBe(live);
        advances += a.to - a.from;
        live = a.to;
        break;
      case "reverse":
        expect(a.step).toBe(live);
        reversed.push(a.step);
        live = -1;
        break;
    }
  }
  return { advances, reversed };
}

describe("revolve (binomial checkpointing)", () => {
  test("reverses every step once, in reverse order, with legal restores and at most `snapshots` slots", () => {
    for (const [n, s] of [[1, 1], [7, 1], [10, 3], [100, 4], [1000, 10], [37, 37], [5, 20]]) {
      const { reversed } = execute(n, s);
      expect(reversed).toEqual(Array.from({ length: n }, (_, i) => n - 1 - i));
    }
  });

  test("recomputes the minimal number of forward steps (exhaustive DP over split points, l <= 80, s <= 7)", () => {
    const opt = optimalAdvances(80, 7);
    for (let l = 1; l <= 80; l++) {
      for (let s = 1; s <= 7; s++) expect(execute(l, s).advances, `l=${l} s=${s}`).toBe(opt[l][s]);
    }
  });

  test("refuses bad arguments with the argument named", () => {
    expect(() => [...revolve(10, 0)]).toThrow(/snapshots must be an integer >= 1, got 0/);
    expect(() => [...revolve(-1, 2)]).toThrow(/steps must be a non-negative integer/);
  });
});
