/** What every bench section shares: best-of-n timing and JSON-line output. */

/** Repetitions of each timing (the best is kept); BENCH_REPS overrides. */
export const reps = Number(process.env.BENCH_REPS ?? 10);

/**
 * The best wall time (s) of `count` runs of fn, after untimed runs for `warmupSeconds` (the JIT
 * and WebAssembly tier-up compile in the background; short runs would otherwise be timed in
 * the baseline tiers some of the time, giving results that jump between two levels).
 */
export function best(fn: () => void, count = reps, warmupSeconds = 0.5): number {
  for (const t0 = performance.now(); performance.now() - t0 < 1000 * warmupSeconds; ) fn();
  let t = Infinity;
  for (let r = 0; r < count; r++) {
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
