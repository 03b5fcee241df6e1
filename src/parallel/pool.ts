/**
 * Shots in parallel: a pool of worker threads, each holding single-shot
 * simulators for its share of the shots. An evaluation is a map over shots
 * (independent tasks) and a reduction in shot order, so the result is
 * identical bit for bit to the serial loop, whatever the number of workers.
 * The evaluation is synchronous (the main thread waits on shared memory), so
 * the pool plugs into any optimizer as an ordinary objective.
 */
import { memoryLimit } from "../core/memory.js";
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { InputError } from "../core/errors.js";
import type { Objective } from "../inversion/types.js";
import { reduceShots, shotModelShape, type ShotProblem } from "./shot-term.js";

export { serialShotObjective } from "./serial.js";

/** A pool of worker threads evaluating a shot objective; close it when done. */
export class ShotPool {
  readonly workers: number;
  private readonly threads: Worker[];
  private readonly control: Int32Array;
  private readonly model: Float64Array;
  private readonly values: Float64Array;
  private readonly gradients: Float64Array;
  /** Model values: nx (1D) or nz nx (2D). */
  private readonly size: number;
  private readonly failure: Uint8Array;
  /** The cutoff (Hz) of the band the workers evaluate (shared with them). */
  private readonly band: Float64Array;

  /**
   * Starts the workers (call {@link ready} before timing anything).
   * @param problem the shots, observed data and misfit; 1D or 2D (see {@link ShotProblem}: the
   *   objective's velocity is then [nz, nx] flattened row by row)
   * @param workers threads; default one per core
   * @param workerFile the built worker script; default dist/shot-worker.js beside the library bundle
   */
  constructor(problem: ShotProblem, workers = availableParallelism(), workerFile: string | URL = new URL("./shot-worker.js", import.meta.url)) {
    if (!Number.isInteger(workers) || workers < 1) throw new InputError("workers", `expected a positive integer, got ${workers}`);
    // The objective waits for the workers synchronously, so a worker that cannot start would hang it: refuse a missing script here.
    const script = typeof workerFile === "string" ? workerFile : fileURLToPath(workerFile);
    if (!existsSync(script)) throw new InputError("workerFile", `${script} does not exist: shots on workers need the built worker script (dist/shot-worker.js beside the library bundle; npm run build)`);
    this.workers = workers;
    this.size = shotModelShape(problem).reduce((a, b) => a * b, 1);
    const ns = problem.config.shots.length;
    const control = new SharedArrayBuffer(4 * 4);
    const failure = new SharedArrayBuffer(1024);
    this.failure = new Uint8Array(failure);
    const model = new SharedArrayBuffer(this.size * 8);
    const values = new SharedArrayBuffer(ns * 8);
    const gradients = new SharedArrayBuffer(ns * this.size * 8);
    const band = new SharedArrayBuffer(8);
    this.band = new Float64Array(band);
    this.band[0] = Infinity;
    this.control = new Int32Array(control);
    this.model = new Float64Array(model);
    this.values = new Float64Array(values);
    this.gradients = new Float64Array(gradients);
    this.threads = Array.from({ length: workers }, (_, index) =>
      new Worker(workerFile, { workerData: { problem, index, workers, control, failure, model, values, gradients, band, memoryLimit: memoryLimit() } }),
    );
  }

  /** Resolves when every worker has built its simulators. */
  ready(): Promise<void> {
    return Promise.all(this.threads.map((t) => new Promise<void>((resolve, reject) => {
      t.once("message", () => resolve());
      t.once("error", reject);
    }))).then(() => undefined);
  }

  /** The objective: misfit summed over shots and its velocity gradient, computed by the workers. */
  readonly objective: Objective = (velocity, gradient) => this.evaluate(Infinity, velocity, gradient);

  /**
   * The objective of the frequency band below `cutoff` (Hz): the same threads, their wavelets and
   * observed traces low-passed alike (see shotBand), for frequency continuation without a new pool.
   */
  bandObjective(cutoff: number): Objective {
    if (!(cutoff > 0)) throw new InputError("cutoff", `expected a positive frequency (Hz) or Infinity, got ${cutoff}`);
    return (velocity, gradient) => this.evaluate(cutoff, velocity, gradient);
  }

  private evaluate(cutoff: number, velocity: Float64Array, gradient: Float64Array): number {
    this.band[0] = cutoff;
    this.model.set(velocity);
    Atomics.store(this.control, 2, 0);
    Atomics.add(this.control, 0, 1);
    Atomics.notify(this.control, 0);
    for (;;) {
      const done = Atomics.load(this.control, 2);
      if (done === this.workers) break;
      Atomics.wait(this.control, 2, done, 60_000);
    }
    const failed = Atomics.exchange(this.control, 3, 0);
    if (failed !== 0) {
      const text = new TextDecoder().decode(this.failure.slice(0, this.failure.indexOf(0) < 0 ? undefined : this.failure.indexOf(0)));
      this.failure.fill(0);
      throw new InputError(`shots[${failed - 1}]`, `failed in a worker: ${text}`);
    }
    return reduceShots(this.values, this.gradients, this.size, gradient);
  }

  /** Stops the workers. */
  async close(): Promise<void> {
    Atomics.store(this.control, 1, 1);
    Atomics.add(this.control, 0, 1);
    Atomics.notify(this.control, 0);
    await Promise.all(this.threads.map((t) => t.terminate()));
  }
}
