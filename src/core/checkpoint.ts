/**
 * Binomial checkpointing (Griewank's "revolve") for reversing a time-stepping
 * loop with a bounded number of stored states.
 *
 * An adjoint run visits the forward steps n = N-1, ..., 0 in reverse and needs
 * the forward state at each of them. Storing all N states costs N states of
 * memory; with `snapshots` stored states the schedule below recomputes the
 * missing ones from the nearest snapshot, using the minimal possible number of
 * recomputed forward steps (Griewank 1992; Griewank & Walther 2000): with s
 * snapshots and r repetitions (each step recomputed at most r times) at most
 * C(s + r, s) steps can be reversed, and the split rule below attains it.
 *
 * The schedule is a sequence of actions that a simulator executes against its
 * own live state; it knows nothing about the physics.
 */

import { InputError, describe } from "./errors.js";
import { formatBytes, memoryLimit } from "./memory.js";
import { positiveInteger, positiveNumber } from "./validate.js";

/** How a simulator's adjoint gets the forward states it needs: full storage or checkpointing. */
export type ResolvedStorage =
  /** Keep every forward state (fastest, most memory). */
  | { mode: "full" }
  /** Keep the memory of `snapshots` states and recompute the rest by the schedule below (revolve). */
  | { mode: "checkpoint"; snapshots: number };

/**
 * How a simulator's adjoint gets the forward states it needs; `auto` keeps every state when
 * they fit in `memory` bytes (default: half the memory limit, see `setMemoryLimit`) and
 * otherwise checkpoints with as many states as fit in it.
 */
export type Storage = ResolvedStorage | { mode: "auto"; memory?: number };

/** Validates a storage option (default full storage). Throws {@link InputError} naming `storage.*`. */
export function storageOf(v: Storage | undefined): Storage {
  if (v === undefined || v.mode === "full") return { mode: "full" };
  if (v.mode === "checkpoint") return { mode: "checkpoint", snapshots: positiveInteger(v.snapshots, "storage.snapshots") };
  if (v.mode === "auto") return v.memory === undefined ? { mode: "auto" } : { mode: "auto", memory: positiveNumber(v.memory, "storage.memory") };
  throw new InputError("storage.mode", `expected "full", "checkpoint" or "auto", got ${describe((v as { mode: unknown }).mode)}`);
}

/**
 * Full storage or checkpointing for a storage option: `auto` chooses full storage when its
 * `fullBytes` fit in the budget, else checkpointing with the states (`stateBytes` each) that
 * fit in it. @throws {InputError} naming `storage.memory` when not even one state fits.
 */
export function resolveStorage(storage: Storage, fullBytes: number, stateBytes: number): ResolvedStorage {
  if (storage.mode !== "auto") return storage;
  const budget = storage.memory ?? memoryLimit() / 2;
  if (fullBytes <= budget) return { mode: "full" };
  const snapshots = Math.floor(budget / stateBytes);
  if (snapshots < 1) throw new InputError("storage.memory", `${formatBytes(budget)} holds not even one forward state (${formatBytes(stateBytes)}); give more memory`);
  return { mode: "checkpoint", snapshots };
}

/** One step of a checkpointing schedule. */
export type CheckpointAction =
  /** Copy the live forward state (at step `step`) into snapshot slot `slot`. */
  | { readonly kind: "save"; readonly slot: number; readonly step: number }
  /** Set the live forward state to the one saved in `slot` (at step `step`). */
  | { readonly kind: "restore"; readonly slot: number; readonly step: number }
  /** Advance the live state with plain forward steps from `from` to `to`. */
  | { readonly kind: "advance"; readonly from: number; readonly to: number }
  /**
   * The live state is at `step`: run forward step `step` keeping what the
   * adjoint needs, then the adjoint of that step. The live state is spent.
   */
  | { readonly kind: "reverse"; readonly step: number };

/** C(n, k) as a double (exact below 2^53). */
function binomial(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  k = Math.min(k, n - k);
  let b = 1;
  for (let i = 1; i <= k; i++) b = (b * (n - k + i)) / i;
  return Math.round(b);
}

/** beta(s, r) = C(s + r, s): the most steps s snapshots reverse with r repetitions. */
function beta(s: number, r: number): number {
  return binomial(s + r, s);
}

function repetitions(steps: number, snapshots: number): number {
  let r = 0;
  while (beta(snapshots, r) < steps) r++;
  return r;
}

/**
 * The checkpointing schedule that reverses `steps` forward steps with at most
 * `snapshots` stored states (slot 0 holds the initial state at step 0).
 *
 * @param steps number of forward steps N (>= 0)
 * @param snapshots stored states allowed, >= 1
 */
export function revolve(steps: number, snapshots: number): CheckpointAction[] {
  if (!Number.isInteger(steps) || steps < 0) throw new RangeError(`revolve: steps must be a non-negative integer, got ${steps}`);
  if (!Number.isInteger(snapshots) || snapshots < 1) {
    throw new RangeError(`revolve: snapshots must be an integer >= 1, got ${snapshots}`);
  }
  const out: CheckpointAction[] = [];
  if (steps === 0) return out;
  out.push({ kind: "save", slot: 0, step: 0 });
  reverseRange(out, 0, steps, Math.min(snapshots, steps), 0);
  return out;
}

function reverseRange(out: CheckpointAction[], start0: number, end0: number, slots0: number, slot0: number): void {
  // Ranges still to reverse, the next on top (an explicit stack: the recursion went as deep as
  // there are slots). A range split in two reverses its right part first.
  const pending = [{ start: start0, end: end0, slots: slots0, slot: slot0 }];
  for (let range = pending.pop(); range !== undefined; range = pending.pop()) {
    const { start, end, slots, slot } = range;
    const length = end - start;
    if (length === 1) {
      out.push({ kind: "restore", slot, step: start }, { kind: "reverse", step: start });
    } else if (slots === 1) {
      for (let n = end - 1; n >= start; n--) {
        out.push({ kind: "restore", slot, step: start });
        if (n > start) out.push({ kind: "advance", from: start, to: n });
        out.push({ kind: "reverse", step: n });
      }
    } else {
      const split = splitPoint(length, slots);
      out.push(
        { kind: "restore", slot, step: start },
        { kind: "advance", from: start, to: start + split },
        { kind: "save", slot: slot + 1, step: start + split },
      );
      pending.push({ start, end: start + split, slots, slot }, { start: start + split, end, slots: slots - 1, slot: slot + 1 });
    }
  }
}

/**
 * Where to place the next snapshot in a range of `length` steps reversed with
 * `slots` stored states (one of which holds the range's start): the right part
 * must be reversible with one slot fewer within the same repetition budget.
 */
function splitPoint(length: number, slots: number): number {
  const r = repetitions(length, slots);
  // Optimal placements satisfy beta(s, r-2) <= m <= beta(s, r-1) and
  // beta(s-1, r-1) <= length - m <= beta(s-1, r).
  const lower = Math.max(length - beta(slots - 1, r), r >= 2 ? beta(slots, r - 2) : 1, 1);
  return Math.min(lower, length - 1);
}

/**
 * How a checkpointed reverse spends the memory of `budget` states when a forward step can leave
 * behind what its adjoint step reads (one array, a `stepShare` of a state: the wave simulator's
 * W^n is half its state u^{n-1}, u^n): the steps are cut into segments of `segment` steps (the
 * first one shorter when they do not divide evenly), revolve runs over the segments with
 * `snapshots` stored states, and each segment, reached, runs forward once more keeping its
 * steps' arrays and is then reversed as a whole. A segment of one step is plain revolve (its
 * array is the one a step needs anyway). Fewer snapshots for longer segments cost fewer
 * recomputed steps: 3999 steps in the memory of 50 states take 14,618 forward steps by plain
 * revolve (3.66 runs) and 10,638 with 23 states and segments of 55 steps (2.66 runs).
 */
export interface CheckpointPlan {
  /** Steps reversed. */
  steps: number;
  /** Stored states (at segment boundaries; slot 0 holds the start). */
  snapshots: number;
  /** Steps a segment holds (the first one may hold fewer). */
  segment: number;
  /** Segments: ceil(steps / segment), the steps revolve reverses. */
  segments: number;
  /** Forward steps the reverse runs: advances, and each segment once more. */
  forwardSteps: number;
}

/** Plain forward steps revolve advances reversing `steps` steps with `snapshots` states (Griewank's t(l, s)). */
function revolveAdvances(steps: number, snapshots: number): number {
  if (steps <= 1) return 0;
  const s = Math.min(snapshots, steps);
  const r = repetitions(steps, s);
  return r * steps - beta(s + 1, r - 1);
}

/** The step where segment j of a plan starts (j = segments: the end). */
export function segmentStart(plan: CheckpointPlan, j: number): number {
  return Math.max(0, plan.steps - (plan.segments - j) * plan.segment);
}

/**
 * The plan with the fewest forward steps for reversing `steps` steps within the memory of
 * `budget` states (see {@link CheckpointPlan}); a segment's arrays beyond the first, `stepShare`
 * of a state each, come out of the budget: snapshots + (segment - 1) stepShare <= budget.
 */
export function checkpointPlan(steps: number, budget: number, stepShare: number): CheckpointPlan {
  if (!Number.isInteger(steps) || steps < 1) throw new RangeError(`checkpointPlan: steps must be a positive integer, got ${steps}`);
  if (!Number.isInteger(budget) || budget < 1) throw new RangeError(`checkpointPlan: budget must be an integer >= 1, got ${budget}`);
  if (!(stepShare > 0)) throw new RangeError(`checkpointPlan: stepShare must be positive, got ${stepShare}`);
  // Each segment length's cost bounded below by Griewank's closed form for equal segments less
  // what the short first segment can save (at most one segment per pass over it: the
  // repetitions, the first sweep and its own run); counted exactly in order of that bound until
  // the bound exceeds the best count (branch and bound: the optimum over segment lengths).
  const candidates: { segment: number; snapshots: number; bound: number }[] = [];
  for (let segment = 1; segment <= steps; segment++) {
    const slots = Math.floor(budget - (segment - 1) * stepShare + 1e-9);
    if (slots < 1) break;
    const segments = Math.ceil(steps / segment), snapshots = Math.min(slots, segments);
    const passes = segments > 1 ? repetitions(segments, snapshots) + 2 : 1;
    candidates.push({ segment, snapshots, bound: segment * (revolveAdvances(segments, snapshots) + segments - passes) });
  }
  candidates.sort((a, b) => a.bound - b.bound || a.segment - b.segment);
  let best: CheckpointPlan | null = null;
  for (const { segment, snapshots, bound } of candidates) {
    if (best !== null && bound >= best.forwardSteps) break;
    const plan = { steps, snapshots, segment, segments: Math.ceil(steps / segment), forwardSteps: steps };
    for (const a of revolve(plan.segments, snapshots)) if (a.kind === "advance") plan.forwardSteps += segmentStart(plan, a.to) - segmentStart(plan, a.from);
    if (best === null || plan.forwardSteps < best.forwardSteps || (plan.forwardSteps === best.forwardSteps && segment < best.segment)) best = plan;
  }
  return best!;
}

/** What a checkpointed reverse does to a simulator's live state, in steps of the plan's time axis. */
export interface ScheduleOps {
  /** Copy the live state into snapshot `slot`. */
  save(slot: number): void;
  /** Set the live state to snapshot `slot`'s. */
  restore(slot: number): void;
  /** Plain forward steps n0 .. n1-1 from the live state (at step n0). */
  advance(n0: number, n1: number): void;
  /** The live state is at n0: steps n0 .. n1-1 run forward keeping what the adjoint reads, then reversed (n1-1 down to n0). */
  reverse(n0: number, n1: number): void;
}

/**
 * Executes revolve's actions over a plan's segments (see {@link CheckpointPlan}) from action
 * `from` (0: the live state is the start, step 0; later: a resumed schedule, the live state
 * unknown), mapping segment boundaries to steps with {@link segmentStart}. A restore of the
 * state the live one already is (just saved, or reached by the first sweep) is skipped.
 */
export function executeSchedule(plan: CheckpointPlan, actions: readonly CheckpointAction[], ops: ScheduleOps, from = 0): void {
  const at = (j: number) => segmentStart(plan, j);
  let live = from === 0 ? 0 : -1; // segment boundary of the live state, -1 when unknown or spent
  for (let i = from; i < actions.length; i++) {
    const action = actions[i];
    switch (action.kind) {
      case "save": ops.save(action.slot); break;
      case "restore":
        if (live !== action.step) ops.restore(action.slot);
        live = action.step;
        break;
      case "advance":
        ops.advance(at(action.from), at(action.to));
        live = action.to;
        break;
      case "reverse":
        ops.reverse(at(action.step), at(action.step + 1));
        live = -1;
        break;
    }
  }
}

/**
 * The guard of full storage that a simulator allocates once and reuses: only
 * its latest linearization may read it. Each `linearize` takes a ticket; an
 * older ticket's check throws, naming the simulator and what was overwritten.
 */
export class StorageTickets {
  private latest = 0;

  /** @param what the simulator and its storage, e.g. `WaveSimulator (stored wavefield)` */
  constructor(private readonly what: string) {}

  /**
   * A new ticket, retiring every earlier one: call the returned check before reading the storage
   * (it throws once a later ticket exists); its `held()` says, without throwing, whether the
   * storage is still this ticket's (a reader that can recompute instead).
   */
  issue(): (() => void) & { held(): boolean } {
    const ticket = ++this.latest;
    const held = () => ticket === this.latest;
    return Object.assign(() => {
      if (!held()) throw new Error(`${this.what}: this linearization's storage was reused by a later linearize(); linearize again (or use checkpoint storage)`);
    }, { held });
  }
}
