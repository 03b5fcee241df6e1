/**
 * Gradient panel: the gradient of the selected iterate, with the preconditioner when the run used
 * one (a curve beside a 1D gradient; for 2D, maps of the preconditioner and the illumination it
 * came from, on a log scale as it spans decades).
 */
import { diverging, rangeOf, viridis } from "../colormap.js";
import { geometryMarkers } from "../geometry.js";
import { ImageView, mapSpec } from "../image.js";
import { LinePlot, type LineSeries } from "../plot.js";
import { axisLabel, axisValues, type Axis, type Role, type Run } from "../run.js";
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
    if (spatial.length === 2) return gradientMaps(body, run, note, spatial, axes, perIteration);
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

/** 2D: the gradient map of the selected iterate, and the fixed preconditioner and illumination maps. */
function gradientMaps(body: HTMLElement, run: Run, note: HTMLElement, shape: number[], axes: Axis[], perIteration: boolean): PanelInstance {
  const [ny, nx] = shape;
  const fixed = (["preconditioner", "illumination"] as const).filter((r) => run.role(r)?.shape.length === 2);
  const columns = 1 + fixed.length;
  if (columns > 2) body.closest("section")?.classList.add("wide");
  const image = new ImageView(body, mapSpec("gradient", axes, shape, columns));
  const maps = fixed.map((role) => ({ role, view: new ImageView(body, mapSpec(`${role} (log10)`, axes, shape, columns)) }));
  let drawnFixed = false, marked = -1;
  return {
    async update({ run, frame, shot }: ViewState) {
      const g = await run.loadRole(source(run));
      const row = perIteration ? Math.max(0, Math.min(g.shape[0] - 1, frame - 1)) : 0;
      if (perIteration && g.shape[0] === 0) return;
      note.textContent = perIteration ? `at iteration ${row + 1}${frame === 0 ? " (the start has none stored)" : ""}` : "at the final model";
      const values = g.data.subarray(row * nx * ny, (row + 1) * nx * ny);
      image.show(values, ny, nx, rangeOf([values], true), diverging, g.entry.units);
      if (!drawnFixed) {
        drawnFixed = true;
        for (const { role, view } of maps) await drawLog(run, role, view);
      }
      if (shot !== marked) {
        marked = shot;
        const markers = await geometryMarkers(run, shot);
        for (const view of [image, ...maps.map((m) => m.view)]) view.setMarkers(markers);
      }
    },
  };
}

/** A positive map that spans decades (illumination, its preconditioner) as log10 (rangeOf skips the NaN of a zero). */
async function drawLog(run: Run, role: Role, view: ImageView): Promise<void> {
  const { data, shape, entry } = await run.loadRole(role);
  const values = data.map((v) => (v > 0 ? Math.log10(v) : Number.NaN));
  view.show(values, shape[0], shape[1], rangeOf([values], false), viridis, `log10 ${entry.units}`);
}
