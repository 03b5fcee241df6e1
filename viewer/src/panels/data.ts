/**
 * Data panel: observed, predicted and residual gathers (receiver or sensor
 * across, time down) as images with one colour scale, for the selected shot.
 * Predicted data are those of the final model (the run folder stores them once).
 */
import { diverging, rangeOf, viridis, type Range } from "../colormap.js";
import { ImageView } from "../image.js";
import { axisLabel, axisValues, type Run } from "../run.js";
import type { PanelInstance, PanelKind, ViewState } from "./panel.js";

/** The data arrays of a run: (observed, predicted, residual) of an inversion, or the modelled data of a forward run. */
function names(run: Run): string[] {
  return run.has("observed") ? ["observed", "predicted", "residual"].filter((n) => run.has(n)) : ["data"];
}

/** Rows [traces][time] of one shot, transposed to [time][traces] for an image with time going down. */
export function gather(data: Float64Array, shape: number[], shot: number): { values: Float64Array; rows: number; cols: number } {
  const [traces, nt] = shape.slice(-2);
  const offset = shape.length === 3 ? Math.min(shot, shape[0] - 1) * traces * nt : 0;
  const values = new Float64Array(traces * nt);
  for (let r = 0; r < traces; r++) for (let t = 0; t < nt; t++) values[t * traces + r] = data[offset + r * nt + t];
  return { values, rows: nt, cols: traces };
}

export const data: PanelKind = {
  id: "data",
  title: "Data",
  applies: (run) => run.has("observed") || (run.has("data") && (run.entry("data")?.shape.length ?? 0) >= 2),
  create(body, run): PanelInstance {
    const list = names(run);
    const entry = run.entry(list[0])!;
    const [traceAxis, timeAxis] = entry.axes.slice(-2);
    const [traces, nt] = entry.shape.slice(-2);
    const t = axisValues(timeAxis, nt);
    // The residual shares the colour scale; a gain makes a small residual visible on it.
    const gainSelect = document.createElement("select");
    gainSelect.setAttribute("aria-label", "residual gain");
    gainSelect.append(...[1, 10, 100].map((g) => new Option(`residual gain ×${g}`, String(g))));
    if (list.includes("residual")) {
      const controls = document.createElement("div");
      controls.className = "controls";
      controls.append(gainSelect);
      body.append(controls);
    }
    let last: ViewState | null = null;
    let drawn: { shot: number; gain: number; loaded: unknown[] } | null = null;
    gainSelect.addEventListener("change", () => last !== null && void this_.update(last));
    const views = list.map((n) => new ImageView(body, {
      title: n === "predicted" ? "predicted (final model)" : n === "residual" ? "residual (predicted - observed)" : n,
      x: [0, traces - 1], y: [t[0], t[nt - 1]], xLabel: axisLabel(traceAxis, "trace"), yLabel: axisLabel(timeAxis, "t"), topDown: true, width: 340,
    }));
    const this_: PanelInstance = {
      async update(state: ViewState) {
        last = state;
        const { run, shot } = state;
        const loaded = await Promise.all(list.map((n) => run.load(n)));
        // The gathers do not change with the iteration: redraw only for another shot, gain or data.
        const gainNow = Number(gainSelect.value);
        if (drawn !== null && drawn.shot === shot && drawn.gain === gainNow && drawn.loaded.every((l, i) => l === loaded[i])) return;
        drawn = { shot, gain: gainNow, loaded };
        const gathers = loaded.map((l) => gather(l.data, l.shape, shot));
        const signed = gathers.some((g, i) => list[i] !== "residual" && g.values.some((v) => v < 0));
        const gain = Number(gainSelect.value);
        // One scale for all: symmetric about zero for signed data; for positive data (temperatures)
        // observed and predicted share a range and the residual is shown with the same span about zero.
        const main: Range = rangeOf(gathers.filter((_, i) => list[i] !== "residual").map((g) => g.values), signed);
        const half = (main.max - main.min) / 2;
        gathers.forEach((g, i) => {
          const residual = list[i] === "residual";
          const range = residual && !signed ? { min: -half, max: half } : main;
          const values = residual && gain !== 1 ? g.values.map((v) => v * gain) : g.values;
          views[i].show(values, g.rows, g.cols, range, signed || residual ? diverging : viridis, residual && gain !== 1 ? `${loaded[i].entry.units} / ${gain}` : loaded[i].entry.units);
        });
      },
    };
    return this_;
  },
};
