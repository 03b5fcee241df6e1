/**
 * Checkpointed gradients of the wave simulator: the memory of `snapshots` states spent as
 * checkpointPlan finds fastest, on stored states and a segment of W^n (about half a state a
 * step), and the schedule executed against a recomputing propagator that shares its arena with
 * the adjoint (which reads W^n where the recomputed steps leave it).
 *
 * The schedule's first sweep (the states saved before anything is reversed) is what a forward
 * run passes through anyway: the linearization's forward run saves those states for one shot,
 * and that shot's reverse resumes after them, one forward run fewer.
 */
import { checkpointPlan, executeSchedule, revolve, segmentStart, type CheckpointAction, type CheckpointPlan } from "../core/checkpoint.js";
import type { Layout } from "./config.js";
import { Propagator, type Snapshot } from "./kernel.js";
import type { AdjointPropagator } from "./adjoint-propagator.js";
import { bytesPerValue, type Precision, type Real } from "./precision.js";
import { propagatorPair } from "./workspace.js";

/** A checkpointing plan, revolve's actions over its segments, and its first sweep. */
export interface Schedule {
  plan: CheckpointPlan;
  actions: CheckpointAction[];
  /** The states the first sweep saves (time step, slot), in order. */
  firstSaves: { step: number; slot: number }[];
  /** The action to resume at once the first sweep's states are saved (a restore). */
  resume: number;
}

/** The schedule of a layout's checkpoint storage; `plainRevolve` forces segments of one step. */
export function scheduleOf(lay: Layout, plainRevolve = false): Schedule {
  const steps = Math.max(lay.nt - 1, 1), budget = (lay.storage as { snapshots: number }).snapshots;
  // A W^n as dear as all the states gives segments of one step.
  const plan = checkpointPlan(steps, budget, plainRevolve ? budget : lay.size / Propagator.stateLength(lay));
  const actions = revolve(plan.segments, plan.snapshots);
  // Up to the first reverse the schedule only saves, advances and restores the state just saved;
  // a resumed schedule starts at the last of those restores (then perhaps advances, and reverses).
  const resume = actions.slice(0, actions.findIndex((a) => a.kind === "reverse")).map((a) => a.kind).lastIndexOf("restore");
  if (resume < 0) throw new Error("checkpointing: a schedule that reverses before restoring");
  const firstSaves = actions.slice(0, resume).flatMap((a) => (a.kind === "save" ? [{ step: segmentStart(plan, a.step), slot: a.slot }] : []));
  return { plan, actions, firstSaves, resume };
}

/** What a checkpointed reverse works with: the schedule, the propagators and the segment of W^n in one arena. */
export interface CheckpointArena {
  schedule: Schedule;
  prop: Propagator;
  adj: AdjointPropagator;
  segment: Real;
}

/** The arena of a schedule; a segment too large for an arena falls back to plain revolve. */
export function checkpointArena(lay: Layout, schedule: Schedule): CheckpointArena {
  try {
    const { prop, adj, extra } = propagatorPair(lay, [{ length: schedule.plan.segment * lay.size }]);
    return { schedule, prop, adj, segment: extra[0] };
  } catch (e) {
    if (!(e instanceof RangeError) || schedule.plan.segment === 1) throw e;
    const { prop, adj, extra } = propagatorPair(lay, [{ length: lay.size }]);
    return { schedule: scheduleOf(lay, true), prop, adj, segment: extra[0] };
  }
}

/**
 * Reverses the loaded shot (in `prop`, reset, and in `adj`) by the schedule: each segment
 * reached runs forward keeping its W^n and is reversed in one call; dJ/df^n of the steps into
 * `fBar` at `offset` + n. With `resumed`, `slots` hold the first sweep's states (saved by the
 * forward run) and the schedule starts after it.
 */
export function reverseShot(ca: CheckpointArena, slots: Snapshot[], resumed: boolean, fBar: Float64Array, offset: number): void {
  const { schedule, prop, adj, segment } = ca;
  const lay = prop.lay;
  executeSchedule(schedule.plan, schedule.actions, {
    save: (slot) => prop.save(slots[slot]),
    restore: (slot) => prop.restore(slots[slot]),
    advance: (n0, n1) => prop.run(n0, n1, prop.w, 0),
    reverse: (n0, n1) => {
      prop.run(n0, n1, segment, lay.size);
      adj.reverse(n0, n1, segment, lay.size);
      fBar.set(adj.fBar.subarray(n0, n1), offset + n0);
    },
  }, resumed ? schedule.resume : 0);
}

/** What a simulator's gradient storage holds, and what checkpointing recomputes. */
export interface StoragePlan {
  mode: "full" | "checkpoint";
  /** Bytes held for gradients: W^n of every step and shot, or the states and the segment of W^n. */
  bytes: number;
  /** Checkpointing: the plan (states, steps per segment, forward steps per shot reversed). */
  plan?: CheckpointPlan;
  /**
   * Checkpointing: forward runs recomputed per shot reversed (the forward steps over nt - 1),
   * and for the shot whose first states the linearization's forward run saved.
   */
  recomputedRuns?: { perShot: number; resumedShot: number };
}

/**
 * A storage plan (see {@link StoragePlan}) for `shots` shots of `steps` steps: full storage of
 * `stepValues` values a step and shot, or, given checkpointing's `plan`, its states of
 * `stateValues` values and its segment; `firstSweep` steps are saved by the forward run for the
 * resumed shot.
 */
export function storagePlanOf(o: { precision: Precision; shots: number; steps: number; stepValues: number; stateValues: number; plan: CheckpointPlan | null; firstSweep?: number }): StoragePlan {
  const v = bytesPerValue(o.precision), plan = o.plan;
  if (plan === null) return { mode: "full", bytes: v * o.shots * o.steps * o.stepValues };
  return {
    mode: "checkpoint",
    bytes: v * (plan.snapshots * o.stateValues + plan.segment * o.stepValues),
    plan,
    recomputedRuns: { perShot: plan.forwardSteps / o.steps, resumedShot: (plan.forwardSteps - (o.firstSweep ?? 0)) / o.steps },
  };
}

/** The storage plan of a 1D layout (see {@link StoragePlan}), with its checkpointing schedule when it has one. */
export function storagePlan(lay: Layout, schedule: Schedule | null): StoragePlan {
  const firstSaves = schedule?.firstSaves ?? [];
  return storagePlanOf({
    precision: lay.precision, shots: lay.sources.length, steps: Math.max(lay.nt - 1, 1), stepValues: lay.size,
    stateValues: Propagator.stateLength(lay), plan: schedule?.plan ?? null, firstSweep: firstSaves.length === 0 ? 0 : firstSaves[firstSaves.length - 1].step,
  });
}
