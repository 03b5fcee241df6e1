/**
 * Dihedral panel of a conformer search: the backbone dihedrals of the
 * selected conformer along the chain (orange) over those of the lowest
 * conformer (grey), on the -180..180 deg axis where trans sits at +-180
 * and the gauche pair at +-60.
 */
import { LinePlot } from "../plot.js";
import type { PanelInstance, PanelKind, ViewState } from "./panel.js";

export const dihedrals: PanelKind = {
  id: "dihedrals",
  title: "Backbone dihedrals",
  applies: (run) => run.role("conformer-dihedrals") !== undefined,
  create(body, run): PanelInstance {
    const [, m] = run.role("conformer-dihedrals")!.shape;
    const keys = run.role("conformer-dihedrals")!.axes[0]?.labels;
    const note = document.createElement("p");
    note.className = "note";
    const holder = document.createElement("div");
    body.append(holder, note);
    let plot: LinePlot | null = null;
    return {
      async update({ run, frame }: ViewState) {
        const phi = (await run.loadRole("conformer-dihedrals")).data;
        const k = phi.length / Math.max(m, 1);
        if (k === 0 || m === 0) {
          note.textContent = "no rotatable bonds";
          return;
        }
        const f = Math.min(frame, k - 1);
        const selected = phi.subarray(f * m, (f + 1) * m), lowest = phi.subarray(0, m);
        note.textContent = `conformer ${f + 1}${keys === undefined ? "" : `: ${keys[f]}`} (dihedral 1 is atoms 0-1-2-3; t = 180, g+ = +60, g- = -60 deg)`;
        const spec = {
          x: Float64Array.from({ length: m }, (_, i) => i + 1), xLabel: "backbone dihedral (along the chain)", yLabel: "dihedral (deg)",
          series: [
            { label: "lowest conformer", values: lowest, color: "#9aa0a6", dash: [6, 4], points: true },
            { label: `conformer ${f + 1}`, values: selected, color: "#f4a261", width: 2.5, points: true },
          ],
        };
        if (plot === null) plot = new LinePlot(holder, spec);
        else plot.update(spec);
      },
    };
  },
};
