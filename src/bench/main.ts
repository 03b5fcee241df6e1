/**
 * `npm run bench`: throughput of the wave simulator on the wave1d-standard
 * problem of ../shared/bench/wave1d_ref.c, printed as JSON lines, with the C
 * yardstick run beside it (when a C compiler and the script are present) and
 * the ratios ours / C.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { field } from "../core/arrays.js";
import { WaveSimulator } from "../wave/simulator.js";
import { ricker } from "../wave/wavelet.js";
import type { Storage } from "../wave/config.js";
import { ShotPool, serialShotObjective } from "../parallel/pool.js";
import { availableParallelism } from "node:os";

const nx = 2000, nb = 50, dx = 5, dt = 5e-4, nt = Number(process.env.BENCH_NT ?? 4000), f0 = 15;
const reps = Number(process.env.BENCH_REPS ?? 10);
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

function best(fn: () => void): number {
  let t = Infinity;
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    fn();
    t = Math.min(t, (performance.now() - t0) / 1000);
  }
  return t;
}

const lines: Record<string, unknown>[] = [];
const emit = (o: Record<string, unknown>) => {
  lines.push(o);
  process.stdout.write(JSON.stringify(o) + "\n");
};

// Runs go from the least memory to the most, so the process's peak resident size after each
// run (peak_rss_bytes) is that run's peak; memory_bytes is what the run itself holds.
const peakRss = () => process.resourceUsage().maxRSS * 1024;
const full = simulator({ mode: "full" });
const size = full.layout.size;
const forwardS = best(() => full.forward(velocity));
emit({ problem: "wave1d-standard", impl: "gradscape", run: "forward", cells, steps: nt, seconds: +forwardS.toFixed(5), mcells_per_s: +((cells * nt) / forwardS / 1e6).toFixed(1), memory_bytes: 9 * size * 8, peak_rss_bytes: peakRss() });
const dData = full.forward(velocity);
for (const snapshots of [10, 50, 200]) {
  const sim = simulator({ mode: "checkpoint", snapshots });
  const s = best(() => sim.linearize(velocity).vjp(dData));
  emit({ problem: "wave1d-standard", impl: "gradscape", run: "gradient", storage: `checkpoint-${snapshots}`, seconds: +s.toFixed(5), gradient_over_forward: +(s / forwardS).toFixed(2), memory_bytes: snapshots * 4 * size * 8, peak_rss_bytes: peakRss() });
}
const gradientS = best(() => full.linearize(velocity).vjp(dData));
emit({ problem: "wave1d-standard", impl: "gradscape", run: "gradient", storage: "full", seconds: +gradientS.toFixed(5), mcells_per_s: +((cells * nt) / gradientS / 1e6).toFixed(1), gradient_over_forward: +(gradientS / forwardS).toFixed(2), memory_bytes: (nt - 1) * size * 8, peak_rss_bytes: peakRss() });

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
  emit({ problem: "wave1d-16-shots", impl: "gradscape", run: "gradient", cells: n + 2 * nb, steps, shots: 16, workers, serial_s: +serialS.toFixed(4), pool_s: +poolS.toFixed(4), speedup: +(serialS / poolS).toFixed(2) });
}

const script = resolve(process.cwd(), "../shared/bench/run-ref.sh");
let hasCc = false;
try {
  execFileSync("cc", ["--version"], { stdio: "ignore" });
  hasCc = true;
} catch {
  hasCc = false;
}
if (!existsSync(script) || !hasCc) {
  emit({ yardstick: "absent", reason: !existsSync(script) ? `${script} not found` : "no C compiler (cc)" });
} else {
  const out = execFileSync("bash", [script, String(nx), String(nt), String(Math.max(reps, 3)), "10000"], { encoding: "utf8" });
  for (const line of out.trim().split("\n")) {
    const ref = JSON.parse(line) as Record<string, number | string>;
    if (ref.problem !== "wave1d-standard") continue;
    emit({ ...ref, impl: "c" });
    const fwd = ref.forward_s as number;
    const grad = ref.gradient_s as number;
    emit({
      problem: "wave1d-standard",
      ratio_to: `c-${ref.build}`,
      forward_throughput_ratio: +(fwd / forwardS).toFixed(3),
      gradient_throughput_ratio: +(grad / gradientS).toFixed(3),
    });
  }
}
