/** Gradient panel: the gradient of the selected iterate (and the preconditioner when the run used one). */
import { diverging, rangeOf } from "../colormap.js";
import { ImageView } from "../image.js";
import { LinePlot, type LineSeries } from "../plot.js";
import { axisLabel, axisValues, type Run } from "../run.js";
import type { PanelInstance, PanelKind, ViewState } from "./panel.js";

/** The gradient of every iterate when stored, else the final one. */
const source = (run: Run) => (run.role("gradients") !== undefined ? "gradients" : "gradient");

export const gradient: PanelKind = {
  id: "gradient",
  title: "Gradient",
  applies: (run) => run.role("gradients") !== undefined || run.role("gradient") !== undefined,
  create(body, run): PanelInstance {
    const entry = run.role(source(run))!;
    const perIteration = source(run) === "gradients";
    const spatial = perIteration ? entry.shape.slice(1) : entry.shape;
    const axes = perIteration ? entry.axes.slice(1) : entry.axes;
    const note = document.createElement("p");
    note.className = "note";
    body.append(note);
    if (spatial.length === 2) {
      const [ny, nx] = spatial;
      const x = axisValues(axes[1], nx), y = axisValues(axes[0], ny);
      const image = new ImageView(body, { title: "gradient", x: [x[0], x[nx - 1]], y: [y[0], y[ny - 1]], xLabel: axisLabel(axes[1], "x"), yLabel: axisLabel(axes[0], "y"), topDown: false, equalAspect: true });
      return {
        async update({ run, frame }: ViewState) {
          const g = await run.loadRole(source(run));
          const row = perIteration ? Math.max(0, Math.min(g.shape[0] - 1, frame - 1)) : 0;
          if (perIteration && g.shape[0] === 0) return;
          note.textContent = perIteration ? `at iteration ${row + 1}` : "at the final model";
          const values = g.data.subarray(row * nx * ny, (row + 1) * nx * ny);
          image.show(values, ny, nx, rangeOf([values], true), diverging, entry.units);
        },
      };
    }
    let plot: LinePlot | null = null;
    const n = spatial[0];
    return {
      async update({ run, frame }: ViewState) {
        const g = await run.loadRole(source(run));
        if (perIteration && g.shape[0] === 0) return;
        const row = perIteration ? Math.max(0, Math.min(g.shape[0] - 1, frame - 1)) : 0;
        note.textContent = `${perIteration ? `at iteration ${row + 1}${frame === 0 ? " (the start has none stored)" : ""}` : "at the final model"}; ${entry.units}`;
        const series: LineSeries[] = [{ label: "gradient", values: g.data.subarray(row * n, (row + 1) * n), color: "#c77dff" }];
        if (run.role("preconditioner") !== undefined) series.push({ label: "preconditioner", values: (await run.loadRole("preconditioner")).data, color: "#2a9d8f", scale: "y2", dash: [6, 3] });
        const spec = { x: axisValues(axes[0], n), xLabel: axisLabel(axes[0], "position"), yLabel: "gradient", y2Label: "preconditioner (relative)", series };
        if (plot === null) plot = new LinePlot(body, spec);
        else plot.update(spec);
      },
    };
  },
};
