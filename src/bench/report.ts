/** What every bench section shares: best-of-n timing and JSON-line output. */

/** Repetitions of each timing (the best is kept); BENCH_REPS overrides. */
export const reps = Number(process.env.BENCH_REPS ?? 10);

/** The best wall time (s) of `count` runs of fn. */
export function best(fn: () => void, count = reps): number {
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
