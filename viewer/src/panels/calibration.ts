/** Calibration panel: the noisy reference dimer curve (and forces) with every fitted potential, and the fitted parameters with their standard errors. */
import { LinePlot, type LineSeries } from "../plot.js";
import type { ArrayEntry, Role, Run } from "../run.js";
import { drawnOnce, type PanelInstance, type PanelKind } from "./panel.js";

const COLORS = ["#f4a261", "#c77dff", "#e9c46a", "#ff6b6b"];

export const calibration: PanelKind = {
  id: "calibration",
  title: "Calibration",
  applies: (run) => run.role("reference-energy") !== undefined && run.role("separation") !== undefined,
  create(body): PanelInstance {
    return drawnOnce(async (run) => {
      // A fit's array of a role, and its name for people: the potential's kind (its parameters' entry names it).
      const ofFit = (run: Run, role: Role, fit: number) => run.withRole(role).find((e) => e.fit === fit);
      const fits = run.withRole("fit-parameters");
      const label = (e: ArrayEntry) => e.name.replace(/^fit\d+_/, "").replace(/_parameters$/, "");
      const r = (await run.loadRole("separation")).data;
      for (const quantity of ["energy", "force"] as const) {
        const reference = run.role(`reference-${quantity}`);
        if (reference === undefined) continue;
        const series: LineSeries[] = [
          { label: "reference (noisy)", values: (await run.load(reference.name)).data, color: "#bbb", width: 0, points: true },
          { label: "truth", values: (await run.loadRole(`true-${quantity}`)).data, color: "#8ab4f8", dash: [6, 4] },
        ];
        for (const [i, f] of fits.entries()) {
          const curve = ofFit(run, `fit-${quantity}`, f.fit!);
          if (curve !== undefined) series.push({ label: `fit: ${label(f)}`, values: (await run.load(curve.name)).data, color: COLORS[i % COLORS.length] });
        }
        new LinePlot(body, { x: r, xLabel: "separation (length)", yLabel: `${quantity} (${reference.units})`, series });
      }
      const table = document.createElement("table");
      table.innerHTML = "<thead><tr><th>fit</th><th>parameter</th><th>value</th><th>standard error</th></tr></thead>";
      const tbody = document.createElement("tbody");
      for (const f of fits) {
        const p = await run.load(f.name), se = await run.load(ofFit(run, "fit-standard-errors", f.fit!)!.name);
        const labels = p.entry.axes[0].labels ?? [];
        labels.forEach((l, i) => {
          const tr = document.createElement("tr");
          for (const text of [label(p.entry), l, p.data[i].toPrecision(6), `± ${se.data[i].toPrecision(2)}`]) {
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
