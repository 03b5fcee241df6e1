/**
 * Data panel: observed, predicted and residual gathers (receiver or sensor
 * across, time down) as images on one colour scale, for the selected shot
 * and iteration. Inversion folders store predicted data at the start and
 * every few iterations (role "predicted-snapshot", with its iteration) and
 * at the end (role "predicted"); the panel shows the latest stored at or
 * before the selected iteration and says which.
 */
import { absQuantile, diverging, rangeOf, viridis, type Range } from "../colormap.js";
import { geometry2D, receiverLine } from "../geometry.js";
import { ImageView } from "../image.js";
import { axisLabel, axisValues, type Loaded, type Run } from "../run.js";
import type { PanelInstance, PanelKind, ViewState } from "./panel.js";

/** Rows [traces][time] of one shot, transposed to [time][traces] for an image with time going down. */
export function gather(data: Float64Array, shape: number[], shot: number): { values: Float64Array; rows: number; cols: number } {
  const [traces, nt] = shape.slice(-2);
  const offset = shape.length === 3 ? Math.min(shot, shape[0] - 1) * traces * nt : 0;
  const values = new Float64Array(traces * nt);
  for (let r = 0; r < traces; r++) for (let t = 0; t < nt; t++) values[t * traces + r] = data[offset + r * nt + t];
  return { values, rows: nt, cols: traces };
}

/** The stored prediction for `frame`: the final one at the last frame, else the latest snapshot at or before it. */
export function predictionFor(run: Run, frame: number): { name: string; iteration: number | null } | null {
  const predicted = run.role("predicted");
  const final = predicted !== undefined && run.manifest.status !== "running" && frame >= run.frames - 1;
  if (final) return { name: predicted.name, iteration: null };
  let best: { name: string; iteration: number } | null = null;
  for (const { name, iteration: k } of run.withRole("predicted-snapshot")) {
    if (k !== undefined && k <= frame && (best === null || k > best.iteration)) best = { name, iteration: k };
  }
  return best ?? (predicted !== undefined ? { name: predicted.name, iteration: null } : null);
}

/**
 * The power of ten (1 to 1e6) that brings the residual's 99th percentile of |r| closest below
 * `half`, the colour scale's half-span (a percentile, so a few large samples do not set it).
 */
export function autoGain(residual: ArrayLike<number>, half: number): number {
  const magnitudes = Float64Array.from(residual, Math.abs).sort();
  const peak = magnitudes[Math.floor(0.99 * (magnitudes.length - 1))] ?? 0;
  if (!(peak > 0) || !(half > 0)) return 1;
  return 10 ** Math.min(6, Math.max(0, Math.floor(Math.log10(half / peak))));
}

export const data: PanelKind = {
  id: "data",
  title: "Data",
  applies: (run) => run.role("observed") !== undefined || (run.role("data")?.shape.length ?? 0) >= 2,
  create(body, run): PanelInstance {
    const inversion = run.role("observed") !== undefined;
    const entry = run.role(inversion ? "observed" : "data")!;
    const [traceAxis, timeAxis] = entry.axes.slice(-2);
    const [traces, nt] = entry.shape.slice(-2);
    const t = axisValues(timeAxis, nt);
    // The residual shares the colour scale; a gain makes a small residual visible on it. "auto" (the
    // default) is the power of ten that brings the residual's 99th percentile up to the scale (autoGain).
    const gainSelect = document.createElement("select");
    gainSelect.setAttribute("aria-label", "residual gain");
    gainSelect.append(new Option("residual gain: auto", "auto"), ...[1, 10, 100, 1000].map((g) => new Option(`residual gain ×${g}`, String(g))));
    if (inversion) {
      const controls = document.createElement("div");
      controls.className = "controls";
      controls.append(gainSelect);
      body.append(controls);
    }
    // Signed data recorded in a plane (2D waves): the direct wave beside the source dwarfs the
    // reflections, so the scale is clipped at the 99th percentile of |data| (named on the bar).
    const clipped = geometry2D(run).length > 0;
    // Built at the first update, once the receivers' positions are known (their line, when they lie on one, is the axis).
    let views: ImageView[] = [];
    const build = async () => {
      const line = await receiverLine(run);
      const image = (title: string) => new ImageView(body, {
        title, x: line === null ? [0, traces - 1] : [line.from, line.to], y: [t[0], t[nt - 1]],
        xLabel: line?.label ?? axisLabel(traceAxis, "trace"), yLabel: axisLabel(timeAxis, "t"), topDown: true, columns: 3,
      });
      views = inversion ? [image("observed"), image("predicted"), image("residual (predicted - observed)")] : [image("data")];
    };
    let last: ViewState | null = null;
    let prefetched = "";
    let drawn: { shot: number; gain: string; loaded: Loaded[] } | null = null;
    const panel: PanelInstance = {
      async update(state: ViewState) {
        last = state;
        const { run, shot, frame } = state;
        if (views.length === 0) await build();
        // Fetch every stored prediction in the background, so scrubbing does not wait on the network.
        const snapshots = run.withRole("predicted-snapshot").map((e) => e.name);
        if (snapshots.join() !== prefetched) {
          prefetched = snapshots.join();
          for (const n of snapshots) void run.load(n);
        }
        const prediction = inversion ? predictionFor(run, frame) : null;
        const loaded = await Promise.all([entry.name, ...(prediction === null ? [] : [prediction.name])].map((n) => run.load(n)));
        // Redraw only for another shot, gain or prediction.
        const choice = gainSelect.value;
        if (drawn !== null && drawn.shot === shot && drawn.gain === choice && drawn.loaded.length === loaded.length && drawn.loaded.every((l, i) => l === loaded[i])) return;
        drawn = { shot, gain: choice, loaded };
        const gathers = loaded.map((l) => gather(l.data, l.shape, shot));
        const units = loaded[0].entry.units;
        const signed = gathers.some((g) => g.values.some((v) => v < 0));
        // One scale: symmetric about zero for signed data; for positive data (temperatures) observed and
        // predicted share a range and the residual is shown with the same span about zero.
        const full: Range = rangeOf(gathers.map((g) => g.values), signed);
        const clip = signed && clipped ? absQuantile(gathers[0].values, 0.99) : 0;
        const main: Range = clip > 0 && clip < full.max ? { min: -clip, max: clip } : full;
        const scaleUnits = main === full ? units : `${units} (clipped: 99th percentile)`;
        views[0].show(gathers[0].values, gathers[0].rows, gathers[0].cols, main, signed ? diverging : viridis, scaleUnits);
        if (!inversion || prediction === null) return;
        const [o, p] = gathers;
        views[1].setTitle(prediction.iteration === null ? "predicted (final model)" : `predicted (iteration ${prediction.iteration})`);
        views[1].show(p.values, p.rows, p.cols, main, signed ? diverging : viridis, scaleUnits);
        const raw = p.values.map((v, i) => v - o.values[i]);
        const half = (main.max - main.min) / 2;
        const gain = choice === "auto" ? autoGain(raw, half) : Number(choice);
        const residual = gain === 1 ? raw : raw.map((v) => gain * v);
        views[2].setTitle(`residual (predicted - observed)${gain === 1 ? "" : ` ×${gain}${choice === "auto" ? " (auto gain)" : ""}`}`);
        views[2].show(residual, p.rows, p.cols, signed ? main : { min: -half, max: half }, diverging, gain === 1 ? units : `${units} / ${gain}`);
      },
    };
    gainSelect.addEventListener("change", () => last !== null && void panel.update(last));
    return panel;
  },
};
