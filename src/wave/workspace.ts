/**
 * The arenas the wave simulator's gradients work in: a propagator and its adjoint in one
 * WebAssembly memory, with the full storage of W^n beside them when a simulator keeps it.
 */
import { checkMemory } from "../core/memory.js";
import { AdjointPropagator } from "./adjoint-propagator.js";
import { waveMemory, type Layout } from "./config.js";
import { Propagator } from "./kernel.js";
import { realArray, type Real } from "./precision.js";
import { arena, uniform, type ArraySpec } from "./wasm.js";

/** A propagator and an adjoint propagator in one arena (so the adjoint reads W^n where the propagator leaves it), and `extra` arrays there too, in order. */
export function propagatorPair(lay: Layout, extra: readonly ArraySpec[] = []): { prop: Propagator; adj: AdjointPropagator; extra: Real[] } {
  const forward = Propagator.specs(lay), backward = AdjointPropagator.specs(lay);
  const P = forward.length, A = backward.length;
  const { arrays, kernels, precision } = arena([...forward, ...backward, ...extra], lay.precision);
  return {
    prop: new Propagator(lay, { arrays: arrays.slice(0, P), kernels, precision }),
    adj: new AdjointPropagator(lay, { arrays: arrays.slice(P, P + A), kernels, precision }),
    extra: arrays.slice(P + A) as Real[],
  };
}

/**
 * What full storage keeps between `linearize` and `vjp`: W^n of every step and
 * shot, and the propagators that write and read it, all in one WebAssembly
 * memory so the kernels write W^n in place and the adjoint reads it in place.
 * `steps[s][n]` views W^n of shot s. Beyond the arena's size limit the
 * storage lives in ordinary arrays and is copied (`steps` is null).
 */
export interface Workspace {
  prop: Propagator;
  adj: AdjointPropagator;
  stores: Real[];
  steps: Real[][] | null;
}

/** The full-storage workspace of a layout. @throws the memory limit's error, naming `storage`. */
export function workspace(lay: Layout): Workspace {
  const ns = lay.sources.length, steps = lay.nt - 1, size = lay.size;
  checkMemory("storage", waveMemory(size, lay.nt, ns, ns * lay.nreceivers, lay.storage, lay.precision),
    'use storage: { mode: "checkpoint", snapshots: 50 } (memory of 50 states instead of nt, for about one more forward run), fewer cells or time samples, or raise the limit (--max-memory, setMemoryLimit)');
  try {
    const { prop, adj, extra: stores } = propagatorPair(lay, uniform(ns, steps * size));
    return { prop, adj, stores, steps: stores.map((st) => Array.from({ length: steps }, (_, n) => st.subarray(n * size, (n + 1) * size))) };
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    return { prop: new Propagator(lay), adj: new AdjointPropagator(lay), stores: lay.sources.map(() => new (realArray(lay.precision))(steps * size)), steps: null };
  }
}
