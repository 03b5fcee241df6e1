/** Misfit panel: each objective term per iteration on a log axis, model error on the right, gradient norm below; band changes marked. */
import { LinePlot, type LineSeries } from "../plot.js";
import type { Run } from "../run.js";
import type { PanelInstance, PanelKind, ViewState } from "./panel.js";

const COLORS = ["#f4a261", "#8ab4f8", "#e9c46a", "#c77dff", "#ff6b6b"];

/** Iterations (x values) at which the stage (frequency band) changes: between iteration k and k + 1. */
export async function bandChanges(run: Run): Promise<number[]> {
  if (run.role("stage") === undefined) return [];
  const band = (await run.loadRole("stage")).data;
  const marks: number[] = [];
  for (let k = 1; k < band.length; k++) if (band[k] !== band[k - 1]) marks.push(k + 0.5);
  return marks;
}

export const misfit: PanelKind = {
  id: "misfit",
  title: "Misfit",
  applies: (run) => run.role("misfit") !== undefined && run.role("terms") !== undefined,
  create(body): PanelInstance {
    let objective: LinePlot | null = null, gradient: LinePlot | null = null;
    let shown = -1;
    return {
      async update({ run, frame }: ViewState) {
        const k = run.role("misfit")!.shape[0];
        if (k === 0) return;
        const marks = await bandChanges(run);
        if (k !== shown || objective === null || gradient === null) {
          shown = k;
          const x = Float64Array.from({ length: k }, (_, i) => i + 1);
          const terms = await run.loadRole("terms");
          const labels = terms.entry.axes[1].labels ?? [];
          const total = (await run.loadRole("misfit")).data;
          const series: LineSeries[] = [{ label: "objective", values: total, color: "#eee", width: 2.5 }];
          if (labels.length > 1) labels.forEach((l, t) => series.push({ label: l, values: Float64Array.from({ length: k }, (_, i) => terms.data[i * labels.length + t]), color: COLORS[t % COLORS.length], width: 1.5 }));
          const hasError = run.role("model-error") !== undefined && (await run.loadRole("model-error")).data.some(Number.isFinite);
          if (hasError) series.push({ label: "model error", values: (await run.loadRole("model-error")).data.map((v) => 100 * v), color: "#2a9d8f", scale: "y2", dash: [6, 3] });
          // A design's objective is a negative criterion: a linear axis where a log one cannot show it.
          const spec = { x, xLabel: "iteration", yLabel: "objective", y2Label: "model error (%)", series, logY: total.every((v) => v > 0), marks, cursorX: frame };
          const gspec = { x, xLabel: "iteration", yLabel: "gradient norm", series: [{ label: "gradient norm", values: (await run.loadRole("gradient-norm")).data, color: "#c77dff" }], logY: true, marks, cursorX: frame };
          if (objective === null || gradient === null) {
            objective = new LinePlot(body, spec);
            gradient = new LinePlot(body, gspec);
          } else {
            objective.update(spec);
            gradient.update(gspec);
          }
        } else {
          objective.update({ cursorX: frame });
          gradient.update({ cursorX: frame });
        }
      },
    };
  },
};
