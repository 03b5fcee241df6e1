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
  // A joint inversion's stacked models are drawn block by block (the blocks panel) instead.
  applies: (run) => run.role("block-start") === undefined && (dims(run) === 1 || (run.role("models") === undefined && run.role("model")?.shape.length === 1)),
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
    const note = document.createElement("p");
    note.className = "note";
    body.append(note);
    const current = new ImageView(body, mapSpec("iteration", axes, shape, columns));
    const fixed = others.map((role) => ({ role, view: new ImageView(body, mapSpec(role === "truth" ? "true" : "start", axes, shape, columns)) }));
    let marked = -1;
    return {
      async update({ run, frame, shot }: ViewState) {
        const models = await run.loadRole("models");
        const row = models.data.subarray(frame * nx * ny, (frame + 1) * nx * ny);
        // Each image on its own scale: a recovered blob far weaker than the truth stays visible. The
        // current model's scale spans every iteration, so it holds still while the slider moves.
        current.setTitle(`iteration ${frame}`);
        current.show(row, ny, nx, rangeOf([models.data], false), viridis, entry.units);
        for (const { role, view } of fixed) {
          const m = (await run.loadRole(role)).data;
          view.show(m, ny, nx, rangeOf([m], false), viridis, entry.units);
        }
        if (shot !== marked) {
          marked = shot;
          const markers = await geometryMarkers(run, shot);
          for (const view of [current, ...fixed.map((f) => f.view)]) view.setMarkers(markers);
          note.textContent = geometryLegend(run, shot);
        }
      },
    };
  },
};
