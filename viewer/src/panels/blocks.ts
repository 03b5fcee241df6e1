/**
 * The models of a joint inversion: one line plot per block (velocity,
 * conductivity, ...) with its truth and start, the current iterate cut from
 * the stacked `models` row at the block's offset.
 */
import { LinePlot } from "../plot.js";
import { axisLabel, axisValues, type Run } from "../run.js";
import type { PanelInstance, PanelKind, ViewState } from "./panel.js";

/** The blocks a run folder describes: each block's start entry (every block has one), in manifest order. */
const blocksOf = (run: Run) => run.withRole("block-start");

export const blocks: PanelKind = {
  id: "blocks",
  title: "Models",
  applies: (run) => blocksOf(run).length > 0 && run.role("models") !== undefined,
  create(body, run): PanelInstance {
    body.closest("section")?.classList.add("wide");
    const plots = new Map<string, LinePlot>();
    return {
      async update({ run, frame }: ViewState) {
        const models = await run.loadRole("models");
        const width = models.shape[models.shape.length - 1];
        const row = models.data.subarray(frame * width, (frame + 1) * width);
        for (const start of blocksOf(run)) {
          const name = start.block ?? start.name;
          const n = start.shape[0], offset = start.offset ?? 0;
          const truthEntry = run.withRole("block-truth").find((e) => e.block === start.block);
          const truth = truthEntry === undefined ? null : (await run.load(truthEntry.name)).data;
          const series = [
            ...(truth === null ? [] : [{ label: "true", values: truth, color: "rgba(138, 180, 248, 0.75)", width: 5 }]),
            { label: "start", values: (await run.load(start.name)).data, color: "#999", dash: [6, 4], width: 1.5 },
            { label: `iteration ${frame}`, values: row.subarray(offset, offset + n), color: "#f4a261", width: 2.5 },
          ];
          const axis = start.axes[0];
          const spec = { x: axisValues(axis, n), xLabel: axisLabel(axis, "position"), yLabel: `${name} (${start.units})`, series };
          const plot = plots.get(name);
          if (plot === undefined) {
            const holder = document.createElement("div");
            holder.className = "block";
            holder.dataset.block = name;
            body.append(holder);
            plots.set(name, new LinePlot(holder, spec));
          } else plot.update(spec);
        }
      },
    };
  },
};
