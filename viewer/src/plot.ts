/** Line plots with uPlot: labelled axes with units, a legend, and an optional marker at the current iteration. */
import uPlot from "uplot";

export interface LineSeries {
  label: string;
  values: ArrayLike<number | null>;
  color: string;
  dash?: number[];
  width?: number;
  /** Which y scale: "y" (left) or "y2" (right). */
  scale?: string;
  points?: boolean;
}

export interface LineSpec {
  x: ArrayLike<number>;
  xLabel: string;
  yLabel: string;
  y2Label?: string;
  series: LineSeries[];
  logX?: boolean;
  logY?: boolean;
  logY2?: boolean;
  /** Vertical marker lines (e.g. band changes) at these x values. */
  marks?: number[];
  /** A highlighted x (the current iteration). */
  cursorX?: number;
  /** A horizontal reference line (e.g. a known minimum) on the left scale. */
  hline?: { y: number; label: string };
}

/** Tick labels that stay readable from 1e-8 to 1e8: plain numbers in between, exponents outside. */
export function tickLabel(v: number | null): string {
  if (v === null || !Number.isFinite(v)) return "";
  const a = Math.abs(v);
  if (a === 0) return "0";
  if (a < 1e-3 || a >= 1e6) return v.toExponential(1).replace(".0e", "e");
  return String(Number(v.toPrecision(4)));
}

const ticks = (_u: uPlot, splits: number[]) => splits.map(tickLabel);

/** A line chart that can be given new data without being rebuilt. */
export class LinePlot {
  readonly plot: uPlot;
  private spec: LineSpec;

  constructor(parent: HTMLElement, spec: LineSpec) {
    this.spec = spec;
    const width = Math.max(200, parent.clientWidth || 480);
    const hasY2 = spec.series.some((s) => s.scale === "y2");
    const drawExtras = (u: uPlot) => {
      const { ctx } = u;
      const s = this.spec;
      ctx.save();
      const line = (x0: number, y0: number, x1: number, y1: number, color: string, dash: number[]) => {
        ctx.strokeStyle = color;
        ctx.setLineDash(dash);
        ctx.lineWidth = 1.5 * devicePixelRatio;
        ctx.beginPath();
        ctx.moveTo(x0, y0);
        ctx.lineTo(x1, y1);
        ctx.stroke();
      };
      const top = u.bbox.top, bottom = u.bbox.top + u.bbox.height, left = u.bbox.left, right = u.bbox.left + u.bbox.width;
      for (const m of s.marks ?? []) {
        const px = u.valToPos(m, "x", true);
        if (px >= left && px <= right) line(px, top, px, bottom, "#999", [4 * devicePixelRatio, 4 * devicePixelRatio]);
      }
      if (s.hline !== undefined) {
        const py = u.valToPos(s.hline.y, "y", true);
        line(left, py, right, py, "#2a9d8f", [8 * devicePixelRatio, 4 * devicePixelRatio]);
        // The label on a backing box of the page colour, so a curve passing under it cannot overprint it.
        const px = devicePixelRatio, fontSize = 11 * px;
        ctx.font = `${fontSize}px sans-serif`;
        const textWidth = ctx.measureText(s.hline.label).width;
        const tx = right - 6 * px - textWidth, ty = py - 4 * px;
        ctx.setLineDash([]);
        ctx.fillStyle = "rgba(24, 27, 33, 0.9)";
        ctx.fillRect(tx - 3 * px, ty - fontSize, textWidth + 6 * px, fontSize + 4 * px);
        ctx.fillStyle = "#2a9d8f";
        ctx.textAlign = "left";
        ctx.fillText(s.hline.label, tx, ty);
      }
      if (s.cursorX !== undefined) {
        const px = u.valToPos(s.cursorX, "x", true);
        line(px, top, px, bottom, "#e76f51", []);
      }
      ctx.restore();
    };
    const opts: uPlot.Options = {
      width,
      height: 260,
      scales: {
        x: spec.logX ? { time: false, distr: 3 } : { time: false },
        y: spec.logY ? { distr: 3 } : {},
        ...(hasY2 ? { y2: spec.logY2 ? { distr: 3 } : {} } : {}),
      },
      axes: [
        { label: spec.xLabel, stroke: "#ccc", grid: { stroke: "#333" }, ticks: { stroke: "#444" }, values: ticks },
        { label: spec.yLabel, stroke: "#ccc", grid: { stroke: "#333" }, ticks: { stroke: "#444" }, size: 70, values: ticks },
        ...(hasY2 ? [{ label: spec.y2Label ?? "", scale: "y2", side: 1 as const, stroke: "#ccc", grid: { show: false }, size: 70, values: ticks }] : []),
      ],
      series: [
        { label: spec.xLabel },
        ...spec.series.map((s) => ({
          label: s.label, stroke: s.color, width: s.width ?? 2, dash: s.dash, scale: s.scale ?? "y", points: { show: s.points ?? false, size: 5, fill: s.color },
        })),
      ],
      hooks: { draw: [drawExtras] },
    };
    this.plot = new uPlot(opts, this.dataOf(spec), parent);
  }

  private dataOf(spec: LineSpec): uPlot.AlignedData {
    return [Array.from(spec.x), ...spec.series.map((s) => Array.from(s.values as ArrayLike<number>))] as uPlot.AlignedData;
  }

  /** New values for the same series (same count and order); changed labels are shown in the legend. */
  update(spec: Partial<LineSpec>): void {
    const resetScales = spec.x !== undefined || spec.series !== undefined;
    spec.series?.forEach((s, i) => {
      const series = this.plot.series[i + 1];
      if (series === undefined || series.label === s.label) return;
      series.label = s.label;
      const cell = this.plot.root.querySelectorAll(".u-legend .u-series")[i + 1]?.querySelector(".u-label");
      if (cell) cell.textContent = s.label;
    });
    this.spec = { ...this.spec, ...spec };
    if (resetScales) this.plot.setData(this.dataOf(this.spec), true);
    else this.plot.redraw(false, false);
  }
}
