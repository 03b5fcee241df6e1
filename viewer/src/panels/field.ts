/**
 * Field panel: a field over time (role "field") — the forward wavefield of a
 * shot as a position x time image (wave runs), the temperature over time (1D
 * heat runs), or a 2D field [t, y, x] as an animated colour map with its own
 * time slider (depth down for a [t, z, x] wavefield). A field taking both
 * signs (a wave) gets the diverging colour scale, clipped; one sign, the
 * sequential one.
 */
import { absQuantile, diverging, rangeOf, viridis } from "../colormap.js";
import { ImageView, mapSpec } from "../image.js";
import { axisLabel, axisValues, type ArrayEntry, type Run } from "../run.js";
import type { PanelInstance, PanelKind, ViewState } from "./panel.js";

/** "wavefield of the final model", say. */
const title = (run: Run, entry: ArrayEntry) => `${entry.name} of the ${run.role("models") === undefined ? "model" : "final model"}`;

export const fieldPanel: PanelKind = {
  id: "field",
  title: "Field",
  applies: (run) => run.role("field") !== undefined,
  create(body, run): PanelInstance {
    const entry = run.role("field")!;
    const name = entry.name;
    // [t, y, x] (time first) is a 2D field; [shot, t, x] and [t, x] are 1D fields over time.
    if (entry.shape.length === 3 && entry.axes[0].name === "t") return animated(body, run, entry);
    // Wavefield [shot, t, x] or temperature [t, x]: x across, t down.
    const [tAxis, xAxis] = entry.axes.slice(-2);
    const [nt, nx] = entry.shape.slice(-2);
    const t = axisValues(tAxis, nt), x = axisValues(xAxis, nx);
    const image = new ImageView(body, {
      title: title(run, entry),
      x: [x[0], x[nx - 1]], y: [t[0], t[nt - 1]], xLabel: axisLabel(xAxis, "x"), yLabel: axisLabel(tAxis, "t"), topDown: true,
    });
    let drawn: { shot: number; f: unknown; signed: boolean } | null = null;
    return {
      async update({ run, shot }: ViewState) {
        const f = await run.load(name);
        // The field does not change with the iteration: redraw only for another shot or new data.
        if (drawn !== null && drawn.shot === shot && drawn.f === f) return;
        // Whether the field takes both signs: scanned once per loaded field.
        const signed = drawn !== null && drawn.f === f ? drawn.signed : f.data.some((v) => v < 0) && f.data.some((v) => v > 0);
        drawn = { shot, f, signed };
        const offset = f.shape.length === 3 ? Math.min(shot, f.shape[0] - 1) * nt * nx : 0;
        const values = f.data.subarray(offset, offset + nt * nx);
        // Wavefields span decades; clip the colour scale at a third of the peak so that reflections show.
        const r = rangeOf([values], signed);
        const range = signed ? { min: r.min / 3, max: r.max / 3 } : r;
        image.show(values, nt, nx, range, signed ? diverging : viridis, f.entry.units);
      },
    };
  },
};

/** The time step where the most cells of a frame reach a quarter of `clip`: the wave spread widest. */
export function widestFrame(values: ArrayLike<number>, nt: number, cells: number, clip: number): number {
  let best = nt - 1, most = -1;
  for (let k = 0; k < nt; k++) {
    let n = 0;
    for (let i = k * cells; i < (k + 1) * cells; i++) if (Math.abs(values[i]) > clip / 4) n++;
    if (n > most) [best, most] = [k, n];
  }
  return best;
}

/**
 * A 2D field [t, y, x] (or [t, z, x], depth down): a colour map per time, with a slider and play
 * button. One of one sign (a temperature) spans its range and opens at the last step; a signed one
 * (a wavefield) gets the diverging scale clipped at the 99th percentile of |field|, since in 2D
 * the source's peak is many times what has spread, and opens where the wave has spread widest.
 */
function animated(body: HTMLElement, run: Run, entry: ArrayEntry): PanelInstance {
  const [nt, ny, nx] = entry.shape;
  const tAxis = entry.axes[0];
  const t = axisValues(tAxis, nt);
  const controls = document.createElement("div");
  controls.className = "controls";
  const play = document.createElement("button");
  play.textContent = "play";
  const slider = document.createElement("input");
  slider.type = "range";
  slider.min = "0";
  slider.max = String(nt - 1);
  slider.value = String(nt - 1);
  slider.setAttribute("aria-label", `time step of the ${entry.name}`);
  const label = document.createElement("span");
  controls.append(play, slider, label);
  body.append(controls);
  const image = new ImageView(body, mapSpec(entry.description ?? title(run, entry), entry.axes, entry.shape));
  let values: Float64Array | null = null, units = "", range = { min: 0, max: 1 }, signed = false;
  const draw = () => {
    if (values === null) return;
    const k = Number(slider.value);
    label.textContent = `t = ${t[k].toPrecision(4)} ${tAxis.units ?? ""}`;
    image.show(values.subarray(k * nx * ny, (k + 1) * nx * ny), ny, nx, range, signed ? diverging : viridis, units);
  };
  slider.addEventListener("input", draw);
  let timer: number | null = null;
  play.addEventListener("click", () => {
    if (timer !== null) {
      clearInterval(timer);
      timer = null;
      play.textContent = "play";
      return;
    }
    play.textContent = "pause";
    timer = window.setInterval(() => {
      slider.value = String((Number(slider.value) + 1) % nt);
      draw();
    }, 120);
  });
  return {
    async update({ run }: ViewState) {
      const f = await run.load(entry.name);
      if (values === f.data) return;
      values = f.data;
      units = f.entry.units;
      signed = values.some((v) => v < 0) && values.some((v) => v > 0);
      if (signed) {
        const clip = absQuantile(values, 0.99) || 1;
        range = { min: -clip, max: clip };
        slider.value = String(widestFrame(values, nt, nx * ny, clip));
      } else range = rangeOf([values], false);
      draw();
    },
  };
}
