/**
 * 2D wave bench: the wave2d-standard problem of ../shared/bench/wave2d_ref.c (forward, gradient
 * with full storage and with checkpointing, memory) on each backend (native when built, and
 * WebAssembly; GRADSCAPE_BACKEND runs only the one it names) in both precisions, and the
 * ratios to the C yardstick's lines (`run-ref.sh --2d`, run by main.ts). Every line names its
 * backend and precision.
 *
 * The problem: 500 x 200 interior cells of 10 m and 50 absorbing cells on every side (ours
 * C-PML, the C's a sponge), 8th order, dt = 1 ms, 2,000 steps; five flat layers and a lens; one
 * 8 Hz Ricker at interior cell (x 100, z 10), 500 receivers at z 10. Our model cell (ix, iz) is
 * at (ix dx, iz dz), the C's interior cell (j, l) = (ix, iz), so sources and receivers fall on
 * the same cells. Throughput counts cells as the C counts them: 600 x 300 = 180,000 a step.
 * Forward lines with `pml_cells` run the same cells and velocities with C-PML layers of the
 * simulator's default width (20 cells, which scenes use), the rest of the C's band model cells.
 *
 * Full storage of 2,000 float64 steps (3.0 GB) does not fit an arena (2 GiB, MAX_ARENA_BYTES):
 * every gradient (ours in both precisions, full storage and checkpointing, and the C's, whose
 * gradient_nt argument does the same) then runs the first {@link gradientSteps2D} steps only,
 * and gradient_over_forward compares seconds per step, as the C's does.
 */
import { availableParallelism } from "node:os";
import { field } from "../core/arrays.js";
import type { Storage } from "../core/checkpoint.js";
import { GHOST } from "../wave/config.js";
import { wave2DMemory } from "../wave/grid2d.js";
import { setBackend, type BackendName } from "../wave/backend.js";
import { bytesPerValue, type Precision } from "../wave/precision.js";
import { WaveSimulator2D } from "../wave/simulator2d.js";
import { MAX_ARENA_BYTES } from "../wave/wasm.js";
import { ricker } from "../wave/wavelet.js";
import { totalBytes } from "../core/memory.js";
import { best, collectGarbage, emit, peakRss, resetPeakRss } from "./report.js";
import { backends } from "./wave.js";

const PROBLEM = "wave2d-standard";
/** Interior cells, absorbing cells per side, cell size (m), time step (s), Ricker peak (Hz). */
const NX = 500, NZ = 200, NB = 50, DX = 10, DT = 1e-3, F0 = 8;
/** Cells a step as the C counts them (interior and absorbing layers). */
export const CELLS_2D = (NX + 2 * NB) * (NZ + 2 * NB);
/** Steps of the forward runs (BENCH2D_NT overrides, for development). */
export const nt2D = Number(process.env.BENCH2D_NT ?? 2000);
/** Repetitions of each 2D timing, the best kept (BENCH2D_REPS overrides; the C takes the best of 3 too). */
export const reps2D = Number(process.env.BENCH2D_REPS ?? 3);
/** Snapshots of the checkpointed gradient: the 1D bench's middle choice, the one it compares to full storage. */
const SNAPSHOTS = 50;

/**
 * Steps of every gradient run: nt2D, or (when float64 full storage of nt2D steps would not fit
 * an arena) the largest multiple of 100 that does, with 64 MiB left for the arena's other arrays.
 */
export function gradientSteps2D(): number {
  const cells = (NX + 2 * NB + 2 * GHOST) * (NZ + 2 * NB + 2 * GHOST);
  const fit = Math.floor((MAX_ARENA_BYTES - 64 * 2 ** 20) / (8 * cells)) + 1;
  return fit >= nt2D ? nt2D : Math.floor(fit / 100) * 100;
}

/**
 * The velocity of wave2d_ref.c's make_model (m/s) on our model cells, shape [nz, nx]: with C-PML
 * layers of `pml` cells (NB, the C's band, by default) the model takes the NB - pml cells of the
 * band inside them, where make_model clamps into its interior as here, so that the 600 x 300
 * cells carry the C's velocities whatever the layers' width.
 */
export function wave2DVelocity(pml = NB): Float64Array {
  const pad = NB - pml, nx = NX + 2 * pad, nz = NZ + 2 * pad;
  const c = new Float64Array(nx * nz);
  for (let iz = 0; iz < nz; iz++) {
    for (let ix = 0; ix < nx; ix++) {
      const j = Math.min(Math.max(ix - pad, 0), NX - 1), l = Math.min(Math.max(iz - pad, 0), NZ - 1);
      const r = Math.hypot(j - 250, l - 100) / 40;
      c[iz * nx + ix] = 1500 + 625 * Math.floor(l / 40) - (r < 1 ? 500 * Math.cos((Math.PI * r) / 2) ** 2 : 0);
    }
  }
  return c;
}

/**
 * The wave2d-standard simulator of `nt` steps (each shot on `threads` threads), with C-PML layers
 * `pml` cells wide (default NB, the C's sponge band; narrower, the rest of the band is model
 * cells, the grid still 600 x 300 cells and the source and receivers on the C's cells).
 */
export function wave2DSimulator(nt: number, precision: Precision, storage: Storage, threads = 1, pml = NB): WaveSimulator2D {
  const pad = NB - pml;
  return new WaveSimulator2D({
    nx: NX + 2 * pad, nz: NZ + 2 * pad, dx: DX, dz: DX, dt: DT, nt, order: 8, top: "absorbing", pml: { width: pml, velocity: 4000 },
    storage, precision, threads, warn: () => {},
    shots: [{
      source: { x: (100 + pad) * DX, z: (10 + pad) * DX }, wavelet: ricker(F0, nt, DT, 1 / F0),
      receivers: Array.from({ length: NX }, (_, j) => ({ x: (j + pad) * DX, z: (10 + pad) * DX })),
    }],
  });
}

/** The C-PML width of the narrow-layer forward lines: the simulator's default (pml.width), which scenes use. */
export const DEFAULT_PML_2D = 20;

/** Best forward and full-storage gradient throughputs (Mcell/s, cells counted as the C counts them) and gradient seconds per step over forward's. */
export interface Wave2DTimes {
  backend: BackendName;
  precision: Precision;
  forwardMcells: number;
  /** The forward with the default C-PML width (DEFAULT_PML_2D) on the same cells. */
  forwardNarrowMcells: number;
  gradientMcells: number;
  gradientOverForward: number;
}

const PRECISIONS: readonly Precision[] = ["float64", "float32"];

/** Runs the 2D wave bench; returns each backend and precision's forward and full-storage gradient throughputs. */
export async function benchWave2D(): Promise<Wave2DTimes[]> {
  const nt = nt2D, steps = gradientSteps2D();
  const velocity = field(wave2DVelocity(), [NZ, NX]);
  const pad = 2 * (NB - DEFAULT_PML_2D), velocityNarrow = field(wave2DVelocity(DEFAULT_PML_2D), [NZ + pad, NX + pad]);
  const mcells = (n: number, s: number) => +((CELLS_2D * n) / s / 1e6).toFixed(1);
  const stepsNote = steps < nt
    ? { steps_note: `gradients over the first ${steps} of ${nt} steps: float64 full storage of ${nt} steps does not fit a 2 GiB arena; the C yardstick's gradient_steps is the same` }
    : {};

  // peak_rss_bytes is each run's own peak: the garbage collected and the peak lowered to the
  // present size before it (and the garbage between its repetitions, so one arena is counted).
  // Where the peak cannot be lowered (not Linux), runs going from the least memory to the most
  // (forwards, then checkpointing, then full storage by its size) keep the process's peak that
  // of the run just done, after the earlier sections'. memory_bytes is what the run holds by the
  // simulator's own estimate (the state and data; a gradient's storage plan). The backend is set
  // before each run: a simulator takes the active backend's kernels when it makes its arena.
  // No full-size warm-up: a run lasts seconds, and a first run measured as fast as the next ones
  // (2026-11-30); a 30-step forward and gradient of each backend and precision runs the kernels
  // once before they are timed.
  const timed = async (fn: () => void) => {
    // The collector frees arenas' memory off the main thread: the pause lets it finish. The
    // full-storage memory kept for the next linearization goes first (the repetitions of one
    // timing reuse it, as an inversion's iterations do).
    WaveSimulator2D.releaseStorage();
    collectGarbage();
    await new Promise((done) => setTimeout(done, 200));
    resetPeakRss();
    return best(fn, reps2D, 0, collectGarbage);
  };
  const list = backends(PROBLEM);
  setBackend(list[0]);
  const dData = wave2DSimulator(steps, "float64", { mode: "full" }).forward(velocity);
  const times: Wave2DTimes[] = [];
  const forwardPerStep = new Map<Wave2DTimes, number>(), checkpointS = new Map<Wave2DTimes, number>();
  for (const backend of list) {
    for (const precision of PRECISIONS) {
      setBackend(backend);
      const line = { problem: PROBLEM, impl: "gradscape", backend, precision };
      for (const storage of [{ mode: "full" }, { mode: "checkpoint", snapshots: 5 }] as const) {
        const lin = wave2DSimulator(30, precision, storage).linearize(velocity);
        lin.vjp(lin.data);
      }
      const sim = wave2DSimulator(nt, precision, { mode: "full" });
      const s = await timed(() => sim.forward(velocity));
      const entry: Wave2DTimes = { backend, precision, forwardMcells: mcells(nt, s), forwardNarrowMcells: NaN, gradientMcells: NaN, gradientOverForward: NaN };
      times.push(entry);
      forwardPerStep.set(entry, s / nt);
      const cells = sim.layout.sx * sim.layout.sz;
      emit({ ...line, run: "forward", cells: CELLS_2D, steps: nt, seconds: +s.toFixed(4), mcells_per_s: entry.forwardMcells, memory_bytes: totalBytes(wave2DMemory(cells, nt, NX, precision)), peak_rss_bytes: peakRss() });
      // The same 600 x 300 cells and velocities with the default C-PML width: 560 x 260 model cells.
      const narrow = wave2DSimulator(nt, precision, { mode: "full" }, 1, DEFAULT_PML_2D);
      const sn = await timed(() => narrow.forward(velocityNarrow));
      entry.forwardNarrowMcells = mcells(nt, sn);
      emit({ ...line, run: "forward", pml_cells: DEFAULT_PML_2D, pml_note: `C-PML ${DEFAULT_PML_2D} cells wide (the default), the other ${NB - DEFAULT_PML_2D} cells of the C's absorbing band model cells`, cells: CELLS_2D, steps: nt, seconds: +sn.toFixed(4), mcells_per_s: entry.forwardNarrowMcells });
    }
  }
  for (const entry of times) {
    setBackend(entry.backend);
    const cp = wave2DSimulator(steps, entry.precision, { mode: "checkpoint", snapshots: SNAPSHOTS });
    const s = await timed(() => cp.linearize(velocity).vjp(dData));
    checkpointS.set(entry, s);
    const plan = cp.storagePlan;
    emit({
      problem: PROBLEM, impl: "gradscape", backend: entry.backend, precision: entry.precision, run: "gradient", storage: `checkpoint-${SNAPSHOTS}`,
      cells: CELLS_2D, steps, seconds: +s.toFixed(4), mcells_per_s: mcells(steps, s), gradient_over_forward: +(s / steps / forwardPerStep.get(entry)!).toFixed(2),
      recomputed_forwards: +plan.recomputedRuns!.perShot.toFixed(2), memory_bytes: plan.bytes, peak_rss_bytes: peakRss(), ...stepsNote,
    });
  }
  // Full storage last, the smallest (float32) first.
  const bySize = [...times].sort((a, b) => bytesPerValue(a.precision) - bytesPerValue(b.precision));
  for (const entry of bySize) {
    setBackend(entry.backend);
    const sim = wave2DSimulator(steps, entry.precision, { mode: "full" });
    const s = await timed(() => sim.linearize(velocity).vjp(dData));
    entry.gradientMcells = mcells(steps, s);
    entry.gradientOverForward = +(s / steps / forwardPerStep.get(entry)!).toFixed(2);
    emit({
      problem: PROBLEM, impl: "gradscape", backend: entry.backend, precision: entry.precision, run: "gradient", storage: "full",
      cells: CELLS_2D, steps, seconds: +s.toFixed(4), mcells_per_s: entry.gradientMcells, gradient_over_forward: entry.gradientOverForward,
      [`checkpoint_${SNAPSHOTS}_over_full`]: +(checkpointS.get(entry)! / s).toFixed(2), memory_bytes: sim.storagePlan.bytes, peak_rss_bytes: peakRss(), ...stepsNote,
    });
  }
  // One shot on a team of threads (native only: the WebAssembly backend runs a shot on one), against one thread's lines above.
  const team = Math.min(2, availableParallelism());
  for (const entry of team > 1 ? times.filter((t) => t.backend === "native") : []) {
    setBackend(entry.backend);
    const line = { problem: PROBLEM, impl: "gradscape", backend: entry.backend, precision: entry.precision, threads: team };
    const fwd = wave2DSimulator(nt, entry.precision, { mode: "full" }, team);
    const f = await timed(() => fwd.forward(velocity));
    emit({ ...line, run: "forward", cells: CELLS_2D, steps: nt, seconds: +f.toFixed(4), mcells_per_s: mcells(nt, f), speedup_over_one_thread: +(mcells(nt, f) / entry.forwardMcells).toFixed(2) });
    const sim = wave2DSimulator(steps, entry.precision, { mode: "full" }, team);
    const g = await timed(() => sim.linearize(velocity).vjp(dData));
    emit({ ...line, run: "gradient", storage: "full", cells: CELLS_2D, steps, seconds: +g.toFixed(4), mcells_per_s: mcells(steps, g), speedup_over_one_thread: +(mcells(steps, g) / entry.gradientMcells).toFixed(2), ...stepsNote });
  }
  setBackend(null);
  return times;
}

/**
 * The ratio lines against one line of the C yardstick (`run-ref.sh --2d`): every backend and
 * precision's throughput over the C line's, for its float64 lines; against "ftz" float64 they
 * name the targets (native float64: forward 0.70, gradient 0.50; native float32:
 * forward 1.20), and each line carries both gradient-over-forward ratios.
 */
export function emitWave2DRatios(ref: Record<string, number | string>, times: readonly Wave2DTimes[]): void {
  if (ref.precision !== "float64") return;
  const ftz = ref.build === "ftz";
  for (const t of times) {
    const targets = !ftz || t.backend !== "native" ? {}
      : t.precision === "float64" ? { forward_target: 0.7, gradient_target: 0.5 } : { forward_target: 1.2 };
    emit({
      problem: PROBLEM, backend: t.backend, precision: t.precision, ratio_to: `c-${ref.build}-float64`,
      forward_throughput_ratio: +(t.forwardMcells / (ref.forward_mcells as number)).toFixed(3),
      [`forward_pml${DEFAULT_PML_2D}_throughput_ratio`]: +(t.forwardNarrowMcells / (ref.forward_mcells as number)).toFixed(3),
      gradient_throughput_ratio: +(t.gradientMcells / (ref.gradient_mcells as number)).toFixed(3),
      ...targets,
      gradient_over_forward: t.gradientOverForward, c_gradient_over_forward: ref.gradient_over_forward,
    });
  }
}

/** Arguments of `run-ref.sh --2d`: the forward's steps, best of how many, the gradient's steps. */
export function yardstick2DArgs(): string[] {
  return ["--2d", String(nt2D), String(Math.max(reps2D, 1)), String(gradientSteps2D())];
}
