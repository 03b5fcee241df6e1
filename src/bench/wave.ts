/**
 * Wave bench: the wave1d-standard problem of ../shared/bench/wave1d_ref.c
 * (forward, gradient with full storage and checkpointing, memory) on each
 * backend (native when built, and WebAssembly; GRADSCAPE_BACKEND runs only
 * the one it names), and a 16-shot gradient serial against the worker pool on
 * the default backend. Every line names its backend.
 */
import { availableParallelism } from "node:os";
import { field } from "../core/arrays.js";
import { ShotPool, serialShotObjective } from "../parallel/pool.js";
import { BACKEND_VARIABLE, backendInfo, nativeAvailability, setBackend, type BackendName } from "../wave/backend.js";
import type { Storage } from "../wave/config.js";
import { WaveSimulator } from "../wave/simulator.js";
import { ricker } from "../wave/wavelet.js";
import { best, emit, peakRss } from "./report.js";

/** Size of the wave1d-standard problem (the C yardstick runs the same). */
export const nx = 2000, nt = Number(process.env.BENCH_NT ?? 4000);
const nb = 50, dx = 5, dt = 5e-4, f0 = 15;

/** Best forward and full-storage gradient times (s) of one backend. */
export interface WaveTimes {
  forwardS: number;
  gradientS: number;
}

/** The backends to time: the one GRADSCAPE_BACKEND names (read as the library reads it), else native (when it loads) and wasm. */
function backends(): BackendName[] {
  if (process.env[BACKEND_VARIABLE]) return [backendInfo().backend];
  const native = nativeAvailability();
  if (!native.available) emit({ problem: "wave1d-standard", impl: "gradscape", backend: "native", absent: native.reason });
  return native.available ? ["native", "wasm"] : ["wasm"];
}

/** Runs the wave bench; returns each backend's forward and full-storage gradient times. */
export async function benchWave(): Promise<Partial<Record<BackendName, WaveTimes>>> {
  const cells = nx + 2 * nb;

  function simulator(storage: Storage): WaveSimulator {
    // The C problem delays the Ricker by 1/f0 and puts source and receiver at interior cell 100.
    const w = ricker(f0, nt, dt, 1 / f0);
    return new WaveSimulator({
      nx, dx, dt, nt, order: 8, pml: { width: nb, velocity: 4000 }, storage,
      shots: [{ source: 100 * dx, wavelet: w, receivers: [100 * dx] }],
      warn: () => {},
    });
  }

  const c = new Float64Array(nx);
  for (let j = 0; j < nx; j++) c[j] = 1500 + (2500 * j) / (nx - 1);
  const velocity = field(c, [nx]);

  // Runs go from the least memory to the most, so the process's peak resident size after each
  // run (peak_rss_bytes) is that run's peak; memory_bytes is what the run itself holds. Hence
  // the full-storage gradients of both backends come last. A simulator makes its arenas (and
  // so takes the active backend's kernels) when it runs: the backend is set before each run.
  const times: Partial<Record<BackendName, WaveTimes>> = {};
  const full = new Map<BackendName, WaveSimulator>();
  const list = backends();
  setBackend(list[0]);
  const dData = simulator({ mode: "full" }).forward(velocity);
  for (const backend of list) {
    setBackend(backend);
    const sim = simulator({ mode: "full" });
    full.set(backend, sim);
    const size = sim.layout.size;
    const forwardS = best(() => sim.forward(velocity));
    times[backend] = { forwardS, gradientS: NaN };
    emit({ problem: "wave1d-standard", impl: "gradscape", backend, run: "forward", cells, steps: nt, seconds: +forwardS.toFixed(5), mcells_per_s: +((cells * nt) / forwardS / 1e6).toFixed(1), memory_bytes: 9 * size * 8, peak_rss_bytes: peakRss() });
    for (const snapshots of [10, 50, 200]) {
      const cp = simulator({ mode: "checkpoint", snapshots });
      const s = best(() => cp.linearize(velocity).vjp(dData));
      emit({ problem: "wave1d-standard", impl: "gradscape", backend, run: "gradient", storage: `checkpoint-${snapshots}`, seconds: +s.toFixed(5), gradient_over_forward: +(s / forwardS).toFixed(2), memory_bytes: snapshots * 4 * size * 8, peak_rss_bytes: peakRss() });
    }
  }
  for (const backend of list) {
    setBackend(backend);
    const sim = full.get(backend)!;
    const { forwardS } = times[backend]!;
    const gradientS = best(() => sim.linearize(velocity).vjp(dData));
    times[backend]!.gradientS = gradientS;
    emit({ problem: "wave1d-standard", impl: "gradscape", backend, run: "gradient", storage: "full", seconds: +gradientS.toFixed(5), mcells_per_s: +((cells * nt) / gradientS / 1e6).toFixed(1), gradient_over_forward: +(gradientS / forwardS).toFixed(2), memory_bytes: (nt - 1) * sim.layout.size * 8, peak_rss_bytes: peakRss() });
  }
  setBackend(null);

  // A 16-shot gradient, serial against the worker pool (one thread per core). Smaller grid so
  // that 16 shots' full storage fits twice (main thread and workers): 1,000 cells, 2,000 steps.
  {
    const n = 1000, steps = 2000;
    const shotC = new Float64Array(n).map((_, j) => 1500 + (2500 * j) / (n - 1));
    const shots = Array.from({ length: 16 }, (_, s) => ({ source: (30 + 60 * s) * dx, wavelet: ricker(f0, steps, dt, 1 / f0), receivers: [10 * dx, 500 * dx, 990 * dx] }));
    const config = { nx: n, dx, dt, nt: steps, order: 8 as const, pml: { width: nb, velocity: 4000 }, shots };
    const observed = shots.map(() => new Float64Array(3 * steps));
    const problem = { config, observed, misfit: { kind: "least-squares" as const } };
    const serial = serialShotObjective(problem);
    const g = new Float64Array(n);
    const serialS = best(() => serial(shotC, g));
    const workers = availableParallelism();
    const pool = new ShotPool(problem, workers);
    await pool.ready();
    const poolS = best(() => pool.objective(shotC, g));
    await pool.close();
    emit({ problem: "wave1d-16-shots", impl: "gradscape", backend: backendInfo().backend, run: "gradient", cells: n + 2 * nb, steps, shots: 16, workers, serial_s: +serialS.toFixed(4), pool_s: +poolS.toFixed(4), speedup: +(serialS / poolS).toFixed(2) });
  }


  return times;
}
