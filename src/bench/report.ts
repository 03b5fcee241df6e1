/** What every bench section shares: best-of-n timing and JSON-line output. */
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

/** The process's peak resident size so far (bytes). */
export const peakRss = (): number => process.resourceUsage().maxRSS * 1024;

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
