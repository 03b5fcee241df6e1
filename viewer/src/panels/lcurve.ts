/** L-curve panel (heat runs with `lCurve`): data misfit against regularization for each weight, log-log, with the model error of each. */
import { LinePlot } from "../plot.js";
import { drawnOnce, type PanelInstance, type PanelKind } from "./panel.js";

export const lCurve: PanelKind = {
  id: "l-curve",
  title: "L-curve",
  applies: (run) => run.role("l-curve-misfit") !== undefined && run.role("l-curve-norm") !== undefined,
  create(body): PanelInstance {
    return drawnOnce(async (run) => {
      const [w, misfit, norm, error] = await Promise.all((["l-curve-weight", "l-curve-misfit", "l-curve-norm", "l-curve-model-error"] as const).map((r) => run.loadRole(r)));
      // Points in order of increasing misfit (uPlot draws lines along ascending x).
      const order = Array.from(misfit.data.keys()).sort((a, b) => misfit.data[a] - misfit.data[b]);
      const note = document.createElement("p");
      note.className = "note";
      note.textContent = `weights ${order.map((i) => w.data[i].toExponential(1)).join(", ")} (left to right); the model error of each on the right axis`;
      body.append(note);
      new LinePlot(body, {
        x: order.map((i) => misfit.data[i]), xLabel: "data misfit", yLabel: "regularization (unweighted)", y2Label: "model error (%)", logX: true, logY: true,
        series: [
          { label: "L-curve", values: order.map((i) => norm.data[i]), color: "#f4a261", points: true },
          { label: "model error", values: order.map((i) => 100 * error.data[i]), color: "#2a9d8f", scale: "y2", dash: [6, 3], points: true },
        ],
      });
    });
  },
};
