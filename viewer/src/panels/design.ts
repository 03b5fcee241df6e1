/**
 * Design panel: sensors moved by an optimizer. On a plane (2 coordinates) a
 * plan view of the domain with the candidate targets (grey), each sensor's
 * path up to the selected iteration and its position there (orange); along a
 * line (1 coordinate) position across and iteration down, so the paths show
 * the design moving and the selected iteration is a marked row.
 */
import type { Run } from "../run.js";
import type { PanelInstance, PanelKind, ViewState } from "./panel.js";

const ORANGE = "#f4a261";
const SIZE = 360;

export const design: PanelKind = {
  id: "design",
  title: "Design",
  applies: (run) => run.role("designs") !== undefined && run.role("design-domain") !== undefined,
  create(body): PanelInstance {
    const canvas = document.createElement("canvas");
    canvas.className = "design-view";
    const note = document.createElement("p");
    note.className = "note";
    body.append(canvas, note);
    return {
      async update({ run, frame }: ViewState) {
        const designs = await run.loadRole("designs");
        const domain = (await run.loadRole("design-domain")).data;
        const [frames, sensors, dims] = designs.shape;
        const targets = run.role("design-targets") === undefined ? null : (await run.loadRole("design-targets")).data;
        const k = Math.min(frame, frames - 1);
        const width = Math.max(240, body.clientWidth || SIZE);
        const height = dims === 2 ? Math.round((width * (domain[3] - domain[2])) / (domain[1] - domain[0])) : SIZE;
        const px = devicePixelRatio;
        canvas.width = width * px;
        canvas.height = Math.min(height, 2 * SIZE) * px;
        canvas.style.width = `${width}px`;
        canvas.style.height = `${Math.min(height, 2 * SIZE)}px`;
        const ctx = canvas.getContext("2d")!;
        ctx.setTransform(px, 0, 0, px, 0, 0);
        const w = width, h = Math.min(height, 2 * SIZE), pad = 14;
        ctx.fillStyle = "#181b21";
        ctx.fillRect(0, 0, w, h);
        const sx = (x: number) => pad + ((x - domain[0]) / (domain[1] - domain[0])) * (w - 2 * pad);
        // Plane: y up. Line: iteration down.
        const sy = dims === 2
          ? (y: number) => h - pad - ((y - domain[2]) / (domain[3] - domain[2])) * (h - 2 * pad)
          : (i: number) => pad + (frames < 2 ? 0 : (i / (frames - 1)) * (h - 2 * pad));
        ctx.strokeStyle = "#555";
        ctx.strokeRect(sx(domain[0]), dims === 2 ? sy(domain[3]) : pad, sx(domain[1]) - sx(domain[0]), h - 2 * pad);
        if (targets !== null && dims === 2) {
          ctx.fillStyle = "#8a8f98";
          for (let t = 0; t < targets.length / 2; t++) ctx.fillRect(sx(targets[2 * t]) - 1.5, sy(targets[2 * t + 1]) - 1.5, 3, 3);
        }
        if (dims === 1) {
          ctx.strokeStyle = "#e76f51";
          ctx.beginPath();
          ctx.moveTo(pad, sy(k));
          ctx.lineTo(w - pad, sy(k));
          ctx.stroke();
        }
        const at = (i: number, s: number): [number, number] => {
          const o = (i * sensors + s) * dims;
          return dims === 2 ? [sx(designs.data[o]), sy(designs.data[o + 1])] : [sx(designs.data[o]), sy(i)];
        };
        ctx.lineWidth = 1.5;
        for (let s = 0; s < sensors; s++) {
          ctx.strokeStyle = "rgba(244, 162, 97, 0.6)";
          ctx.beginPath();
          ctx.moveTo(...at(0, s));
          for (let i = 1; i <= (dims === 2 ? k : frames - 1); i++) ctx.lineTo(...at(i, s));
          ctx.stroke();
          ctx.fillStyle = ORANGE;
          ctx.beginPath();
          ctx.arc(...at(k, s), 5, 0, 2 * Math.PI);
          ctx.fill();
        }
        const units = designs.entry.units;
        note.textContent = `iteration ${k} of ${frames - 1}: ${sensors} sensors` +
          (dims === 2 ? ` on [${domain[0]}, ${domain[1]}] x [${domain[2]}, ${domain[3]}] ${units}${targets === null ? "" : `; grey: ${targets.length / 2} candidate sources`}` : ` along [${domain[0]}, ${domain[1]}] ${units}, iteration down`) +
          `; at ${Array.from({ length: sensors * dims }, (_, i) => Number(designs.data[k * sensors * dims + i].toPrecision(4))).join(", ")} ${units}`;
      },
    };
  },
};
