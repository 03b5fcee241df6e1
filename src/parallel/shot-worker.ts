/**
 * Worker thread of {@link ShotPool}: waits on shared memory for a model, runs
 * the shots assigned to it (shot s goes to worker s mod W), writes each shot's
 * value and gradient into shared memory, and signals.
 */
import { parentPort, workerData } from "node:worker_threads";
import { setMemoryLimit } from "../core/memory.js";
import { misfitOf, shotBand, shotSimulators, shotTerm, type ShotProblem } from "./shot-term.js";

interface Init {
  problem: ShotProblem;
  index: number;
  workers: number;
  control: SharedArrayBuffer; // Int32Array: [generation, stop, done count, failed shot + 1]
  failure: SharedArrayBuffer; // Uint8Array: the failure's message, UTF-8
  model: SharedArrayBuffer; // Float64Array(model values: nx, or nz nx in 2D)
  values: SharedArrayBuffer; // Float64Array(nshots)
  gradients: SharedArrayBuffer; // Float64Array(nshots * model values)
  band: SharedArrayBuffer; // Float64Array(1): the cutoff (Hz) of the frequency band to evaluate, Infinity for the full band
  /** The pool's memory limit (bytes): this thread has its own copy of the setting. */
  memoryLimit: number;
}

const init = workerData as Init;
setMemoryLimit(init.memoryLimit);
const control = new Int32Array(init.control);
const model = new Float64Array(init.model);
const values = new Float64Array(init.values);
const gradients = new Float64Array(init.gradients);
const failure = new Uint8Array(init.failure);
const band = new Float64Array(init.band);
// This thread's shots (shot s goes to worker s mod W): only they are built and, per band, filtered.
const mine = init.problem.observed.map((_, s) => s).filter((s) => s % init.workers === init.index);
const sims = shotSimulators(init.problem, mine);
const observed = mine.map((s) => init.problem.observed[s]);
// The band being evaluated: its simulators and observed data, rebuilt when the pool's cutoff changes.
let cutoff = Infinity;
let shots = shotBand(sims, observed, cutoff);
const misfit = misfitOf(init.problem.misfit);
const nx = model.length;
let seen = 0;
parentPort?.postMessage("ready");
for (;;) {
  Atomics.wait(control, 0, seen);
  if (Atomics.load(control, 1) === 1) break;
  seen = Atomics.load(control, 0);
  const velocity = Float64Array.from(model);
  if (band[0] !== cutoff) {
    cutoff = band[0];
    shots = shotBand(sims, observed, cutoff);
  }
  for (const [j, s] of mine.entries()) {
    try {
      values[s] = shotTerm(shots.sims[j], shots.observed[j], misfit, velocity, gradients.subarray(s * nx, (s + 1) * nx));
    } catch (e) {
      if (Atomics.compareExchange(control, 3, 0, s + 1) === 0) {
        new TextEncoder().encodeInto(e instanceof Error ? e.message : String(e), failure.subarray(0, failure.length - 1));
      }
      break;
    }
  }
  Atomics.add(control, 2, 1);
  Atomics.notify(control, 2);
}
