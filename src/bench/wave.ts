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
import { bytesPerValue, type Precision } from "../wave/precision.js";
import { WaveSimulator } from "../wave/simulator.js";
import { ricker } from "../wave/wavelet.js";
import { best, emit, peakRss } from "./report.js";

/** Size of the wave1d-standard problem (the C yardstick runs the same). */
export const nx = 2000, nt = Number(process.env.BENCH_NT ?? 4000);
const nb = 50, dx = 5, dt = 5e-4, f0 = 15;

/** Best forward and full-storage gradient times (s) of one backend in one precision. */
export interface WaveTimes {
  backend: BackendName;
  precision: Precision;
  forwardS: number;
  gradientS: number;
}

/**
 * The backends to time for `problem`: the one GRADSCAPE_BACKEND names (read as the library
 * reads it), else native (when it loads; a line says why not) and wasm.
 */
export function backends(problem: string): BackendName[] {
  if (process.env[BACKEND_VARIABLE]) return [backendInfo().backend];
  const native = nativeAvailability();
  if (!native.available) emit({ problem, impl: "gradscape", backend: "native", absent: native.reason });
  return native.available ? ["native", "wasm"] : ["wasm"];
}

const PRECISIONS: readonly Precision[] = ["float64", "float32"];

/** Runs the wave bench; returns the forward and full-storage gradient times of each backend and precision. */
export async function benchWave(): Promise<WaveTimes[]> {
  const cells = nx + 2 * nb;

  function simulator(storage: Storage, precision: Precision): WaveSimulator {
    // The C problem delays the Ricker by 1/f0 and puts source and receiver at interior cell 100.
    const w = ricker(f0, nt, dt, 1 / f0);
    return new WaveSimulator({
      nx, dx, dt, nt, order: 8, pml: { width: nb, velocity: 4000 }, storage, precision,
      shots: [{ source: 100 * dx, wavelet: w, receivers: [100 * dx] }],
      warn: () => {},
    });
  }

  const c = new Float64Array(nx);
  for (let j = 0; j < nx; j++) c[j] = 1500 + (2500 * j) / (nx - 1);
  const velocity = field(c, [nx]);

  // Runs go from the least memory to the most, so the process's peak resident size after each
  // run (peak_rss_bytes) is that run's peak; memory_bytes is what the run itself holds. Hence
  // the full-storage gradients come last. A simulator makes its arenas (and so takes the active
  // backend's kernels) when it runs: the backend is set before each run.
  const times: WaveTimes[] = [];
  const full = new Map<WaveTimes, WaveSimulator>();
  const checkpoint50 = new Map<WaveTimes, number>();
  const list = backends("wave1d-standard");
  setBackend(list[0]);
  const dData = simulator({ mode: "full" }, "float64").forward(velocity);
  for (const backend of list) {
    for (const precision of PRECISIONS) {
      setBackend(backend);
      const bytes = bytesPerValue(precision);
      const sim = simulator({ mode: "full" }, precision);
      const size = sim.layout.size;
      const forwardS = best(() => sim.forward(velocity));
      const entry: WaveTimes = { backend, precision, forwardS, gradientS: NaN };
      times.push(entry);
      full.set(entry, sim);
      const line = { problem: "wave1d-standard", impl: "gradscape", backend, precision };
      emit({ ...line, run: "forward", cells, steps: nt, seconds: +forwardS.toFixed(5), mcells_per_s: +((cells * nt) / forwardS / 1e6).toFixed(1), memory_bytes: 20 * size * bytes, peak_rss_bytes: peakRss() });
      for (const snapshots of [10, 50, 200]) {
        const cp = simulator({ mode: "checkpoint", snapshots }, precision);
        const s = best(() => cp.linearize(velocity).vjp(dData));
        if (snapshots === 50) checkpoint50.set(entry, s);
        emit({ ...line, run: "gradient", storage: `checkpoint-${snapshots}`, seconds: +s.toFixed(5), gradient_over_forward: +(s / forwardS).toFixed(2), memory_bytes: cp.storagePlan.bytes, peak_rss_bytes: peakRss() });
      }
    }
  }
  for (const entry of times) {
    setBackend(entry.backend);
    const sim = full.get(entry)!;
    const gradientS = best(() => sim.linearize(velocity).vjp(dData));
    entry.gradientS = gradientS;
    emit({ problem: "wave1d-standard", impl: "gradscape", backend: entry.backend, precision: entry.precision, run: "gradient", storage: "full", seconds: +gradientS.toFixed(5), mcells_per_s: +((cells * nt) / gradientS / 1e6).toFixed(1), gradient_over_forward: +(gradientS / entry.forwardS).toFixed(2), checkpoint_50_over_full: +(checkpoint50.get(entry)! / gradientS).toFixed(2), memory_bytes: sim.storagePlan.bytes, peak_rss_bytes: peakRss() });
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
