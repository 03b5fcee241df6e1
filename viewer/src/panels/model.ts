/** Model panels: the current model against position with the truth and the start (1D), or as images (2D). */
import { rangeOf, viridis } from "../colormap.js";
import { geometryLegend, geometryMarkers } from "../geometry.js";
import { ImageView, mapSpec } from "../image.js";
import { LinePlot } from "../plot.js";
import { axisLabel, axisValues, type Run } from "../run.js";
import type { PanelInstance, PanelKind, ViewState } from "./panel.js";

/**
 * What the model is, for labels ("velocity", "conductivity"): the final model's name, or while
 * a run is live (no final model yet) its start's without the `start_` prefix; null for neither.
 */
export function modelName(run: Run): string | null {
  return run.role("model")?.name ?? run.role("start")?.name.replace(/^start_/, "") ?? null;
}

const dims = (run: Run) => (run.role("models")?.shape.length ?? 0) - 1;

export const model1D: PanelKind = {
  id: "model",
  title: "Model",
  // An inversion's models, or a forward run's one model.
  applies: (run) => dims(run) === 1 || (run.role("models") === undefined && run.role("model")?.shape.length === 1),
  create(body, run): PanelInstance {
    let plot: LinePlot | null = null;
    return {
      async update({ run, frame }: ViewState) {
        const name = modelName(run);
        const inversion = run.role("models") !== undefined;
        const models = await run.loadRole(inversion ? "models" : "model");
        const n = models.shape[models.shape.length - 1];
        const axis = models.entry.axes[models.entry.axes.length - 1];
        const row = inversion ? models.data.subarray(frame * n, (frame + 1) * n) : models.data;
        const truth = run.role("truth") === undefined ? null : (await run.loadRole("truth")).data;
        const start = run.role("start") === undefined ? null : (await run.loadRole("start")).data;
        const series = [
          ...(truth === null ? [] : [{ label: "true", values: truth, color: "rgba(138, 180, 248, 0.75)", width: 5 }]),
          ...(start === null ? [] : [{ label: "start", values: start, color: "#999", dash: [6, 4], width: 1.5 }]),
          { label: inversion ? `iteration ${frame}` : "model", values: row, color: "#f4a261", width: 2.5 },
        ];
        const spec = { x: axisValues(axis, n), xLabel: axisLabel(axis, "position"), yLabel: `${name ?? "velocity"} (${models.entry.units})`, series };
        if (plot === null) plot = new LinePlot(body, spec);
        else plot.update(spec);
      },
    };
  },
};

export const model2D: PanelKind = {
  id: "model2d",
  title: "Model",
  applies: (run) => dims(run) === 2,
  create(body, run): PanelInstance {
    const entry = run.role("models")!;
    const shape = entry.shape.slice(1), axes = entry.axes.slice(1);
    const [ny, nx] = shape;
    // The current model, then the true and starting ones when stored, side by side (a wide panel for three).
    const others = (["truth", "start"] as const).filter((r) => run.role(r) !== undefined);
    const columns = 1 + others.length;
    if (columns > 2) body.closest("section")?.classList.add("wide");
    // One colour scale for all three (the truth's, the start's and every iteration's range), so
    // that colours compare across images, or each its own, which shows a recovered structure far
    // weaker than the truth's (a diffusion inversion's blur). The default is chosen once the
    // models are loaded (see sharedByDefault).
    const scaleSelect = document.createElement("select");
    scaleSelect.setAttribute("aria-label", "model colour scale");
    scaleSelect.append(new Option("colour scale: shared", "shared"), new Option("colour scale: each its own", "own"));
    let chosen = false;
    if (others.length > 0) {
      const controls = document.createElement("div");
      controls.className = "controls";
      controls.append(scaleSelect);
      body.append(controls);
    }
    const note = document.createElement("p");
    note.className = "note";
    body.append(note);
    const current = new ImageView(body, mapSpec("iteration", axes, shape, columns));
    const fixed = others.map((role) => ({ role, view: new ImageView(body, mapSpec(role === "truth" ? "true" : "start", axes, shape, columns)) }));
    let marked = -1;
    let last: ViewState | null = null;
    const panel: PanelInstance = {
      async update(state: ViewState) {
        last = state;
        const { run, frame, shot } = state;
        const models = await run.loadRole("models");
        const row = models.data.subarray(frame * nx * ny, (frame + 1) * nx * ny);
        const fixedData = await Promise.all(fixed.map(async ({ role }) => (await run.loadRole(role)).data));
        if (!chosen) {
          chosen = true;
          scaleSelect.value = sharedByDefault(models.data, fixedData) ? "shared" : "own";
        }
        // The current model's scale spans every iteration, so it holds still while the slider moves.
        const shared = scaleSelect.value === "shared" ? rangeOf([models.data, ...fixedData], false) : null;
        current.setTitle(`iteration ${frame}`);
        current.show(row, ny, nx, shared ?? rangeOf([models.data], false), viridis, entry.units);
        fixed.forEach(({ view }, k) => view.show(fixedData[k], ny, nx, shared ?? rangeOf([fixedData[k]], false), viridis, entry.units));
        if (shot !== marked) {
          marked = shot;
          const markers = await geometryMarkers(run, shot);
          for (const view of [current, ...fixed.map((f) => f.view)]) view.setMarkers(markers);
          note.textContent = geometryLegend(run, shot);
        }
      },
    };
    scaleSelect.addEventListener("change", () => last !== null && void panel.update(last));
    return panel;
  },
};

/**
 * Whether the model maps share one colour scale by default: when the iterates' own range covers at
 * least a quarter of the shared one, so that what the inversion changed takes a good part of the
 * colours (a 2D wave inversion's section); else each map gets its own (a heat inversion's weak blur
 * of an inclusion, which the truth's range would draw in a handful of colours).
 */
function sharedByDefault(models: ArrayLike<number>, fixed: ArrayLike<number>[]): boolean {
  const own = rangeOf([models], false), all = rangeOf([models, ...fixed], false);
  return own.max - own.min >= 0.25 * (all.max - all.min);
}
