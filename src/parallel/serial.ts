/**
 * The serial shot objective: every shot's term on this thread, reduced in shot
 * order. It needs no worker threads, so it runs in browsers too; ShotPool
 * (pool.ts, Node only) gives the same bytes on worker threads.
 */
import type { Objective } from "../inversion/types.js";
import { misfitOf, reduceShots, shotBand, shotModelShape, shotSimulators, shotTerm, type ShotProblem } from "./shot-term.js";

/**
 * The serial twin of ShotPool (gradscape/node): same per-shot terms, same reduction order.
 * `cutoff` (Hz) evaluates the frequency band below it (see {@link shotBand}).
 */
export function serialShotObjective(problem: ShotProblem, cutoff = Infinity): Objective {
  const { sims, observed } = shotBand(shotSimulators(problem), problem.observed, cutoff);
  const misfit = misfitOf(problem.misfit);
  const size = shotModelShape(problem).reduce((a, b) => a * b, 1);
  const values = new Float64Array(sims.length);
  const gradients = new Float64Array(sims.length * size);
  return (velocity, gradient) => {
    for (let s = 0; s < sims.length; s++) values[s] = shotTerm(sims[s], observed[s], misfit, velocity, gradients.subarray(s * size, (s + 1) * size));
    return reduceShots(values, gradients, size, gradient);
  };
}
