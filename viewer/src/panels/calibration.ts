/** Calibration panel: the noisy reference dimer curve (and forces) with every fitted potential, and the fitted parameters with their standard errors. */
import { LinePlot, type LineSeries } from "../plot.js";
import { drawnOnce, type PanelInstance, type PanelKind } from "./panel.js";

const COLORS = ["#f4a261", "#c77dff", "#e9c46a", "#ff6b6b"];

export const calibration: PanelKind = {
  id: "calibration",
  title: "Calibration",
  applies: (run) => run.has("reference_energy") && run.has("separation"),
  create(body): PanelInstance {
    return drawnOnce(async (run) => {
      const fits = run.names(/^fit\d+_.*_parameters$/).map((n) => n.slice(0, -"_parameters".length));
      const r = (await run.load("separation")).data;
      for (const quantity of ["energy", "force"]) {
        if (!run.has(`reference_${quantity}`)) continue;
        const series: LineSeries[] = [
          { label: "reference (noisy)", values: (await run.load(`reference_${quantity}`)).data, color: "#bbb", width: 0, points: true },
          { label: "truth", values: (await run.load(`true_${quantity}`)).data, color: "#8ab4f8", dash: [6, 4] },
        ];
        for (const [i, f] of fits.entries()) if (run.has(`${f}_${quantity}`)) series.push({ label: f.replace(/^fit\d+_/, "fit: "), values: (await run.load(`${f}_${quantity}`)).data, color: COLORS[i % COLORS.length] });
        new LinePlot(body, { x: r, xLabel: "separation (length)", yLabel: `${quantity} (${run.entry(`reference_${quantity}`)!.units})`, series });
      }
      const table = document.createElement("table");
      table.innerHTML = "<thead><tr><th>fit</th><th>parameter</th><th>value</th><th>standard error</th></tr></thead>";
      const tbody = document.createElement("tbody");
      for (const f of fits) {
        const p = await run.load(`${f}_parameters`), se = await run.load(`${f}_standard_errors`);
        const labels = p.entry.axes[0].labels ?? [];
        labels.forEach((l, i) => {
          const tr = document.createElement("tr");
          for (const text of [f.replace(/^fit\d+_/, ""), l, p.data[i].toPrecision(6), `± ${se.data[i].toPrecision(2)}`]) {
            const td = document.createElement("td");
            td.textContent = text;
            tr.append(td);
          }
          tbody.append(tr);
        });
      }
      table.append(tbody);
      body.append(table);
    });
  },
};
