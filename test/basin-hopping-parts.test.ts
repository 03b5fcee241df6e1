import { describe, expect, test } from "vitest";
import { Random } from "../src/core/random.js";
import { basinHopping, type BasinHoppingEvent, type BasinHoppingOptions } from "../src/inversion/basin-hopping.js";
import {
  acceptedMinimaList, adaptiveStepSize, lbfgsRelaxation, metropolis, uniformDisplacement,
  type AcceptedMinimum, type LocalMinimizer, type MinimaStorage, type Relaxation, type StepTaker,
} from "../src/inversion/basin-hopping-parts.js";
import { run } from "../src/inversion/descent.js";
import { lbfgs } from "../src/inversion/methods.js";
import { STATUS_MESSAGES, type Objective } from "../src/inversion/types.js";
import { energyObjective, randomCluster } from "../src/molecular/cluster.js";
import { lennardJones, PairPotential } from "../src/molecular/pair.js";
import { Potential } from "../src/molecular/potential.js";
import { PairTerm } from "../src/molecular/pair-term.js";
import { wells } from "./helpers/wells.js";

// The rugged bowl in three coordinates: its global minimum at the origin, value -3.
const start = () => Float64Array.of(4.1, -3.3, 2.2);
const base: BasinHoppingOptions = { seed: 5, steps: 40, temperature: 0.5, stepSize: 1 };
const search = (options: Partial<BasinHoppingOptions>, observer?: (e: BasinHoppingEvent) => void) =>
  run(basinHopping(wells, start(), { ...base, ...options }), observer);

describe("basin hopping's default parts", () => {
  test("keep the random stream of the single-function search (LJ13, seed 9: numbers recorded before the parts were split)", () => {
    const f = energyObjective(new Potential([new PairTerm(new PairPotential(lennardJones, [1, 1]))]));
    // The numbers were recorded with L-BFGS memory 10, the relaxation's default until it became 40,
    // and every relaxation to the final tolerance (before the search tolerance).
    const localMinimizer = lbfgsRelaxation({ memory: 10, searchTolerance: 1e-6 });
    const r = run(basinHopping(f, randomCluster(13, 4), { seed: 9, steps: 20, temperature: 0.8, stepSize: 0.4, localMinimizer }));
    expect(r.accepted.map((m) => m.step)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 14, 15, 17, 18, 19, 20]);
    // 1929 evaluations before line searches judged steps at the round-off floor by the gradient (then
    // relaxations no longer spend a failed search at the end): the same minima, fewer evaluations.
    expect(r.evaluations).toBe(1738);
    // Step 1 already reached the tabulated LJ13 minimum; steps 2 and 3 found it again a few
    // roundings lower, which no longer counts as finding it (foundAt was 3 before that rule).
    expect(r.foundAt).toBe(1);
    expect(r.accepted[1].value).toBeCloseTo(-44.326801, 6);
    expect(r.stepSize).toBe(0.4 / 0.9 / 0.9);
  });

  test("given explicitly, make the same search as when left out", () => {
    const implicit = search({});
    const explicit = search({
      temperature: undefined, stepTaker: uniformDisplacement, acceptance: metropolis(0.5), stepSizeRule: adaptiveStepSize(),
      localMinimizer: lbfgsRelaxation(), storage: acceptedMinimaList(),
    });
    expect(explicit.accepted.map((m) => [m.step, m.value])).toEqual(implicit.accepted.map((m) => [m.step, m.value]));
    expect([...explicit.x]).toEqual([...implicit.x]);
    expect(explicit.evaluations).toBe(implicit.evaluations);
    expect(explicit.stepSize).toBe(implicit.stepSize);
  });
});

describe("the default relaxation (lbfgsRelaxation)", () => {
  const f = energyObjective(new Potential([new PairTerm(new PairPotential(lennardJones, [1, 1]))]));
  // 40 seeded perturbations (each coordinate by up to 0.4, the bench's step) of an LJ13 minimum.
  const minimum = lbfgsRelaxation().relax(f, randomCluster(13, 1), Infinity).x;
  const rng = new Random(7);
  const starts = Array.from({ length: 40 }, () => minimum.map((v) => v + 0.4 * (2 * rng.uniform() - 1)));

  test("is the engine's L-BFGS keeping `memory` pairs, 40 by default: stopped at the search tolerance, then tightened the same run", () => {
    const x = starts[0];
    const plain = run(lbfgs(f, Float64Array.from(x), { memory: 40, gradientTolerance: 1e-6, maxIterations: 1000, maxEvaluations: 10000 }));
    const both = (r: Relaxation) => {
      const t = r.tighten!(Infinity);
      return { sloppy: r, tight: t, evaluations: r.evaluations + t.evaluations };
    };
    const relaxed = both(lbfgsRelaxation().relax(f, Float64Array.from(x), Infinity));
    // Stopped at |g| <= 3e-3 (the default search tolerance), checked at the point it returns.
    const g = new Float64Array(39);
    expect(f(relaxed.sloppy.x, g)).toBe(relaxed.sloppy.value);
    expect(Math.hypot(...g)).toBeLessThanOrEqual(3e-3);
    expect(Math.hypot(...g)).toBeGreaterThan(1e-6);
    expect(relaxed.sloppy.converged).toBe(true);
    // The tightening continues that very run: together, the plain run to 1e-6, evaluation for evaluation.
    expect(relaxed.evaluations).toBe(plain.evaluations);
    expect([...relaxed.tight.x]).toEqual([...plain.x]);
    expect(relaxed.tight.tighten).toBeUndefined();
    expect(both(lbfgsRelaxation({ memory: 40 }).relax(f, Float64Array.from(x), Infinity)).evaluations).toBe(plain.evaluations);
    expect(both(lbfgsRelaxation({ memory: 10 }).relax(f, Float64Array.from(x), Infinity)).evaluations).toBe(run(lbfgs(f, Float64Array.from(x), { gradientTolerance: 1e-6, maxIterations: 1000, maxEvaluations: 10000 })).evaluations);
    // Search tolerance equal to the final one: one run to 1e-6, nothing to tighten.
    const tight = lbfgsRelaxation({ searchTolerance: 1e-6 }).relax(f, Float64Array.from(x), Infinity);
    expect([tight.evaluations, tight.tighten]).toEqual([plain.evaluations, undefined]);
    for (const bad of [0, 2.5, -1, NaN]) expect(() => lbfgsRelaxation({ memory: bad })).toThrow(/^memory: expected a positive integer/);
    expect(() => lbfgsRelaxation({ searchTolerance: 1e-7 })).toThrow(/^searchTolerance: 1e-7 is below gradientTolerance 0.000001/);
  });

  test("tightening within less budget than the paused run had starts a new run from the sloppy point, inside that budget", () => {
    const x = starts[1];
    const r = lbfgsRelaxation().relax(f, Float64Array.from(x), 200);
    const continued = lbfgsRelaxation().relax(f, Float64Array.from(x), 200).tighten!(200 - r.evaluations);
    const fresh = r.tighten!(5);
    expect(fresh.evaluations).toBeLessThanOrEqual(5);
    expect(continued.evaluations).toBeGreaterThan(5);
    expect(continued.gradientNorm).toBeLessThanOrEqual(1e-6);
    expect(() => r.tighten!(100)).toThrow(/already tightened/);
  });

  test("reaches the gradient tolerance from perturbed LJ13 minima with fewer evaluations than at memory 10", () => {
    const cost = (memory: number) => starts.map((x) => lbfgsRelaxation({ memory, searchTolerance: 1e-6 }).relax(f, Float64Array.from(x), Infinity));
    const m10 = cost(10), m40 = cost(40);
    for (const r of [...m10, ...m40]) {
      expect(r.converged).toBe(true);
      expect(r.gradientNorm).toBeLessThanOrEqual(1e-6);
    }
    const mean = (rs: { evaluations: number }[]) => rs.reduce((a, r) => a + r.evaluations, 0) / rs.length;
    // Measured: 93.1 at memory 10, 83.6 at memory 40 (the bench's 374 LJ13 relaxations: 96.1 and 88.3).
    expect(mean(m40)).toBeLessThan(0.95 * mean(m10));
  });
});

describe("replacing basin hopping's parts", () => {
  test("an acceptance test that accepts nothing leaves only the relaxed start", () => {
    const events: BasinHoppingEvent[] = [];
    const r = search({ temperature: undefined, acceptance: { accept: () => false } }, (e) => void events.push(e));
    expect(r.accepted.map((m) => m.step)).toEqual([0]);
    // The result is the start's minimum tightened from |g| <= 3e-3 to 1e-6: lower by at most
    // |g|^2 / (2 lambda) (to second order); at a minimum 3 sin 3x = -0.2x, so for |x| < 6 cos 3x > 0.9
    // and every curvature 0.2 + 9 cos 3x > 8: (3e-3)^2 / 16 = 5.6e-7.
    expect(r.value).toBeLessThanOrEqual(r.accepted[0].value);
    expect(r.accepted[0].value - r.value).toBeLessThan(5.6e-7);
    expect(r.gradientNorm).toBeLessThanOrEqual(1e-6);
    expect(r.foundAt).toBe(0);
    expect(r.localMinimizations).toBe(41);
    expect(events.map((e) => e.value)).toEqual(new Array(41).fill(r.accepted[0].value));
    // Some trial was lower than the start, so the default test would have moved.
    expect(Math.min(...events.map((e) => e.trial.value))).toBeLessThan(r.value);
  });

  test("a custom step taker gets the search's seeded generator and a copy of the current minimum; constrain runs after it", () => {
    const rngs: Random[] = [], seen: Float64Array[] = [], drawn: number[] = [], order: string[] = [];
    const stepTaker: StepTaker = {
      take(x, stepSize, rng) {
        rngs.push(rng);
        seen.push(Float64Array.from(x));
        const u = rng.uniform();
        drawn.push(u);
        x[0] += stepSize * (2 * u - 1);
        order.push("take");
      },
    };
    const events: BasinHoppingEvent[] = [];
    search({ stepTaker, constrain: () => void order.push("constrain") }, (e) => void events.push(e));
    expect(rngs.length).toBe(40);
    expect(rngs.every((rng) => rng === rngs[0] && rng instanceof Random)).toBe(true);
    // One number for the step taker, then one for the Metropolis test, step after step.
    const stream = new Random(base.seed);
    const expected = Array.from({ length: 40 }, () => [stream.uniform(), stream.uniform()][0]);
    expect(drawn).toEqual(expected);
    // Step k displaces the minimum current after step k - 1.
    seen.forEach((x, k) => expect([...x]).toEqual([...events[k].x]));
    expect(order).toEqual(new Array(40).fill(["take", "constrain"]).flat());
  });

  test("the Metropolis test draws its number for every trial, also one whose relaxation did not converge", () => {
    const drawn: number[] = [];
    const stepTaker: StepTaker = { take: (x, stepSize, rng) => void drawn.push(rng.uniform()) };
    const events: BasinHoppingEvent[] = [];
    // The start relaxes; then one L-BFGS iteration per relaxation: no trial converges.
    const full = lbfgsRelaxation(), one = lbfgsRelaxation({ localIterations: 1 });
    let calls = 0;
    const localMinimizer: LocalMinimizer = { relax: (f, x, budget) => ({ ...(calls === 0 ? full : one).relax(f, x, budget), converged: calls++ === 0 }) };
    search({ stepTaker, localMinimizer, steps: 10 }, (e) => void events.push(e));
    expect(events.slice(1).every((e) => !e.trial.converged)).toBe(true);
    const stream = new Random(base.seed);
    expect(drawn).toEqual(Array.from({ length: 10 }, () => [stream.uniform(), stream.uniform()][0]));
  });

  test("the event stream's accepted minima are the result's accepted list, and each event shows the current minimum", () => {
    const events: BasinHoppingEvent[] = [];
    const r = search({}, (e) => void events.push(e));
    expect(events.map((e) => e.iteration)).toEqual(Array.from({ length: 41 }, (_, k) => k));
    const accepted = events.flatMap((e) => (e.accepted === undefined ? [] : [e.accepted]));
    expect(accepted.length).toBeGreaterThan(5);
    expect(accepted.length).toBe(r.accepted.length);
    accepted.forEach((m, i) => expect(m).toBe(r.accepted[i]));
    let current = events[0].accepted!;
    for (const e of events) {
      current = e.accepted ?? current;
      expect(e.value).toBe(current.value);
      expect([...e.x]).toEqual([...current.x]);
    }
    for (let k = 1; k < events.length; k++) expect(events[k].best).toBeLessThanOrEqual(events[k - 1].best);
    // The events' best is at the search tolerance; the result, the same minimum tightened (5.6e-7: see above).
    expect(r.value).toBeLessThanOrEqual(events.at(-1)!.best);
    expect(events.at(-1)!.best - r.value).toBeLessThan(5.6e-7);
    for (const e of events) expect(e.trial.gradientNorm).toBeLessThanOrEqual(3e-3);
    const g = new Float64Array(3);
    expect(wells(r.x, g)).toBe(r.value);
    expect(Math.hypot(...g)).toBeLessThanOrEqual(1e-6);
  });

  test("whatever the acceptance test, a relaxation that did not converge, or whose value is not finite, is never accepted", () => {
    const inner = lbfgsRelaxation();
    let calls = 0;
    // Call c relaxes step c - 1: the odd steps converge, except step 5 which ends at NaN.
    const localMinimizer: LocalMinimizer = {
      relax(f, x, maxEvaluations) {
        const r = inner.relax(f, x, maxEvaluations);
        calls++;
        return { ...r, value: calls === 6 ? NaN : r.value, converged: calls === 1 || calls % 2 === 0 };
      },
    };
    const r = search({ steps: 10, temperature: undefined, acceptance: { accept: () => true }, localMinimizer }, () => {});
    expect(r.accepted.map((m) => m.step)).toEqual([0, 1, 3, 7, 9]);
  });

  test("a start whose relaxation does not converge stops the search at once: nothing accepted, status start-not-relaxed", () => {
    const events: BasinHoppingEvent[] = [];
    const r = search({ localIterations: 1 }, (e) => void events.push(e));
    expect(r.status).toBe("start-not-relaxed");
    expect(r.message).toBe(STATUS_MESSAGES["start-not-relaxed"]);
    expect(r.success).toBe(false);
    expect([r.accepted.length, r.localMinimizations, r.iterations, events.length]).toEqual([0, 1, 0, 0]);
  });

  test("a custom storage keeps what it chooses, and the result returns it", () => {
    let lowest: AcceptedMinimum | undefined;
    const storage: MinimaStorage = {
      add: (m) => void (lowest === undefined || m.value < lowest.value ? (lowest = m) : undefined),
      minima: () => (lowest === undefined ? [] : [lowest]),
    };
    const all = search({});
    const r = search({ storage });
    expect(r.accepted.length).toBe(1);
    expect(r.accepted[0].value).toBe(Math.min(...all.accepted.map((m) => m.value)));
    expect(r.value).toBe(all.value);
  });

  test("the default step-size rule grows the step above the target acceptance rate and shrinks it at or below", () => {
    const rule = adaptiveStepSize({ interval: 2, target: 0.5, factor: 0.5 });
    expect(rule.next(1, 1, true)).toBe(1);
    expect(rule.next(1, 2, true)).toBe(2);
    expect(rule.next(2, 3, false)).toBe(2);
    expect(rule.next(2, 4, true)).toBe(1);
  });

  test("settings of a default part are refused next to its replacement; a missing temperature is named", () => {
    expect(() => search({ acceptance: { accept: () => true } })).toThrow(/^temperature: sets the default acceptance test, but `acceptance` replaces it \(a custom part takes its own settings\): remove one of the two$/);
    expect(() => search({ adapt: { interval: 5 }, stepSizeRule: { next: (s) => s } })).toThrow(/^adapt: sets the default step-size rule, but `stepSizeRule` replaces it/);
    expect(() => search({ localIterations: 5, localMinimizer: lbfgsRelaxation() })).toThrow(/^localIterations: sets the default local minimizer, but `localMinimizer` replaces it/);
    expect(() => search({ searchTolerance: 1e-3, localMinimizer: lbfgsRelaxation() })).toThrow(/^searchTolerance: sets the default local minimizer, but `localMinimizer` replaces it/);
    expect(() => search({ temperature: undefined })).toThrow(/^temperature: required$/);
  });
});

describe("basin hopping's result", () => {
  const expectStatus = (r: { status: keyof typeof STATUS_MESSAGES; message: string; success: boolean }, status: keyof typeof STATUS_MESSAGES, success: boolean) => {
    expect(r.status).toBe(status);
    expect(r.message).toBe(STATUS_MESSAGES[status]);
    expect(r.success).toBe(success);
  };

  test("reaching the target is success; the gradient norm is the best minimum's", () => {
    const events: BasinHoppingEvent[] = [];
    const r = search({ steps: 500, target: -3 }, (e) => void events.push(e));
    expectStatus(r, "target-reached", true);
    expect(r.value).toBeLessThanOrEqual(-3 + 1e-6);
    expect(r.gradientNorm).toBeLessThan(1e-4);
    expect(r.iterations).toBe(events.at(-1)!.iteration);
    expect(r.iterations).toBeLessThan(500);
    expect(events.at(-1)!.reachedTarget).toBe(true);
    expect(events.slice(0, -1).some((e) => e.reachedTarget)).toBe(false);
  });

  test("a search without a target ends on its step budget; a spent evaluation budget is named", () => {
    const r = search({});
    expectStatus(r, "max-steps", false);
    expect(r.iterations).toBe(40);
    const s = search({ maxEvaluations: 60 });
    expectStatus(s, "max-evaluations", false);
    expect(s.iterations).toBeLessThan(40);
    expect(s.evaluations).toBeGreaterThanOrEqual(60);
  });

  test("a start whose value is not finite stops the search (status non-finite), accepting nothing", () => {
    const r = run(basinHopping(() => NaN, start(), base));
    expectStatus(r, "non-finite", false);
    expect(r.accepted).toEqual([]);
    expect(r.iterations).toBe(0);
  });
});
