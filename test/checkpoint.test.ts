import { describe, expect, test } from "vitest";
import { checkpointPlan, revolve } from "../src/core/checkpoint.js";

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
    // [30000, 20000]: a schedule 20,000 slots deep (no recursion limit).
    for (const [n, s] of [[1, 1], [7, 1], [10, 3], [100, 4], [1000, 10], [37, 37], [5, 20], [30000, 20000]]) {
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

/**
 * Fewest forward steps reversing `steps` steps with `slots` states and a buffer of `buffer` steps'
 * arrays, by exhaustive DP over split points with segments of any length up to `buffer` (the
 * independent truth): a range within the buffer runs forward once keeping its arrays; one slot
 * reaches the range's last `buffer` steps again and again.
 */
function optimalWithBuffer(steps: number, slots: number, buffer: number): number {
  const t = Array.from({ length: slots + 1 }, () => new Array<number>(steps + 1).fill(0));
  for (let l = 1; l <= steps; l++) t[1][l] = l <= buffer ? l : l + t[1][l - buffer];
  for (let c = 2; c <= slots; c++) {
    for (let l = 1; l <= steps; l++) {
      if (l <= buffer) {
        t[c][l] = l;
        continue;
      }
      let best = Infinity;
      for (let m = 1; m < l; m++) best = Math.min(best, m + t[c - 1][l - m] + t[c][m]);
      t[c][l] = best;
    }
  }
  return t[slots][steps];
}

describe("checkpointPlan (revolve over segments whose arrays are kept)", () => {
  test("stays within the budget and within 3% of the exhaustive optimum over every split of the memory (steps <= 150; measured 2.4% at most)", () => {
    // The plan cuts equal segments and places snapshots by revolve's binomial rule; the search
    // below also tries uneven segments, so the plan may be a little above it, never below.
    for (const share of [0.5, 0.25]) {
      for (const budget of [2, 3, 5, 8]) {
        for (const steps of [1, 2, 17, 60, 150]) {
          const plan = checkpointPlan(steps, budget, share);
          expect(plan.snapshots + (plan.segment - 1) * share).toBeLessThanOrEqual(budget);
          expect(plan.segments).toBe(Math.ceil(steps / plan.segment));
          let optimum = Infinity;
          for (let buffer = 1; buffer <= steps; buffer++) {
            const slots = Math.floor(budget - (buffer - 1) * share + 1e-9);
            if (slots < 1) break;
            optimum = Math.min(optimum, optimalWithBuffer(steps, slots, buffer));
          }
          const where = `steps=${steps} budget=${budget} share=${share}`;
          expect(plan.forwardSteps, where).toBeGreaterThanOrEqual(optimum);
          expect(plan.forwardSteps / optimum, where).toBeLessThanOrEqual(1.03);
        }
      }
    }
  });

  test("is plain revolve when a step's array costs a whole budget: forward steps = steps + revolve's advances", () => {
    const opt = optimalAdvances(80, 7);
    for (const [steps, budget] of [[80, 7], [33, 3], [5, 1]]) {
      const plan = checkpointPlan(steps, budget, budget);
      expect(plan).toEqual({ steps, snapshots: Math.min(budget, steps), segment: 1, segments: steps, forwardSteps: steps + opt[steps][budget] });
    }
  });

  test("cuts wave1d-standard's recomputation by a quarter: 3999 steps in the memory of 50 states", () => {
    // Plain revolve: 3999 reruns of a step + Griewank's t(3999, 50) = 3 * 3999 - C(53, 2) advances.
    expect(3999 + execute(3999, 50).advances).toBe(3999 + 3 * 3999 - 1378);
    const plan = checkpointPlan(3999, 50, 0.5);
    expect(plan.forwardSteps).toBeLessThan(0.75 * (3999 + 3 * 3999 - 1378));
  });
});

