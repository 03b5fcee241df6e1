/** What every bench section shares: best-of-n timing and JSON-line output. */
import { writeFileSync } from "node:fs";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

/** Repetitions of each timing (the best is kept); BENCH_REPS overrides. */
export const reps = Number(process.env.BENCH_REPS ?? 10);

/**
 * The best wall time (s) of `count` runs of fn, after untimed runs for `warmupSeconds` (the JIT
 * and WebAssembly tier-up compile in the background; short runs would otherwise be timed in
 * the baseline tiers some of the time, giving results that jump between two levels).
 * `before` runs untimed before each run.
 */
export function best(fn: () => void, count = reps, warmupSeconds = 0.5, before: () => void = () => {}): number {
  for (const t0 = performance.now(); performance.now() - t0 < 1000 * warmupSeconds; ) before(), fn();
  let t = Infinity;
  for (let r = 0; r < count; r++) {
    before();
    const t0 = performance.now();
    fn();
    t = Math.min(t, (performance.now() - t0) / 1000);
  }
  return t;
}

/** Prints one JSON line. */
export function emit(o: Record<string, unknown>): void {
  process.stdout.write(JSON.stringify(o) + "\n");
}

/** The process's peak resident size so far (bytes), or since {@link resetPeakRss}. */
export const peakRss = (): number => process.resourceUsage().maxRSS * 1024;

/**
 * Lowers the peak resident size to the present one (Linux: "5" to /proc/self/clear_refs, which
 * getrusage's maxrss follows on the kernels we run), so that peak_rss_bytes after a run is that
 * run's even when an earlier section held more; false where that is not possible (the peak is
 * then the process's so far).
 */
export function resetPeakRss(): boolean {
  try {
    writeFileSync("/proc/self/clear_refs", "5");
    return true;
  } catch {
    return false;
  }
}

/**
 * A full garbage collection, so that arenas a finished run left behind are freed before the
 * next run allocates its own (else peak_rss_bytes counts two or three gigabyte arenas at once).
 */
export function collectGarbage(): void {
  if (gc === null) {
    setFlagsFromString("--expose-gc");
    gc = runInNewContext("gc") as () => void;
  }
  gc();
}
let gc: (() => void) | null = null;
