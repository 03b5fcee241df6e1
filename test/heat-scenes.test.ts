import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { flatten } from "../src/core/arrays.js";
import { readRun } from "../src/run/folder.js";
import { runHeatInversion } from "../src/scene/heat-inversion.js";
import type { HeatInversionScene } from "../src/scene/heat-schema.js";
import { loadScene } from "../src/scene/load.js";
import { expectRoles } from "./helpers/roles.js";

function scene(name: string): HeatInversionScene {
  const s = loadScene(`scenes/${name}.json`);
  if (s.kind !== "heat-inversion") throw new Error("expected a heat scene");
  return s;
}
const folder = () => mkdtempSync(join(tmpdir(), "heat-"));

describe("heat inversion scenes", () => {
  test("conductivity of a rod from five sensors with 1% noise: relative model error below 10%", () => {
    const dir = folder();
    const summary = runHeatInversion(scene("heat-conductivity"), dir);
    // Measured 45.4% -> 8.6% (other noise seeds: 7.5%, 10.0%); the scene's seed is fixed.
    expect(summary.startError).toBeGreaterThan(0.4);
    expect(summary.finalError).toBeLessThan(0.1);
    const run = readRun(dir);
    expect(run.manifest.status).toBe("finished");
    expect(run.load("temperature").shape).toEqual([60, 100]);
    expectRoles(run.manifest, ["truth", "start", "model", "models", "observed", "geometry", "predicted", "residual", "field", "stage", "misfit", "gradient"]);
  });

  test("backward heat problem: the L-curve trades misfit for smoothness monotonically, and the chosen weight recovers T0", () => {
    const dir = folder();
    const summary = runHeatInversion(scene("heat-initial"), dir);
    const run = readRun(dir);
    expectRoles(run.manifest, ["l-curve-weight", "l-curve-misfit", "l-curve-norm", "l-curve-model-error"]);
    const misfit = flatten(run.load("l_curve_misfit")), norm = flatten(run.load("l_curve_norm"));
    // For exact minimizers of misfit + w R, misfit grows and R falls as w grows; L-BFGS converges
    // this quadratic problem to ~1e-6 relative, far inside the steps between weights (>= 0.5%).
    for (let i = 1; i < misfit.length; i++) {
      expect(misfit[i]).toBeGreaterThan(misfit[i - 1]);
      expect(norm[i]).toBeLessThan(norm[i - 1]);
    }
    // Error relative to the truth's variation about its mean: measured 100% -> 14.7%.
    expect(summary.finalError).toBeLessThan(0.2);
  });

  test("inverse heat conduction: the boundary-flux estimate tracks the known history from one interior sensor", () => {
    const dir = folder();
    const summary = runHeatInversion(scene("heat-flux"), dir);
    // Measured 100% -> 6.8% over the hour.
    expect(summary.finalError).toBeLessThan(0.1);
    const q = flatten(readRun(dir).load("left_boundary"));
    // On the plateau (t = 1000 .. 1700 s, 20 kW/m^2) the estimate is within 10%.
    for (let n = 100; n <= 170; n++) expect(Math.abs(q[n] / 20000 - 1)).toBeLessThan(0.1);
  });

  test("2D plate: the recovered conductivity peaks inside the inclusion and is higher there than outside", () => {
    const dir = folder();
    const summary = runHeatInversion(scene("heat-inclusion"), dir);
    const run = readRun(dir);
    const k = flatten(run.load("conductivity")), truth = flatten(run.load("true_conductivity"));
    const peak = k.indexOf(Math.max(...k));
    const [x, y] = [((peak % 40) + 0.5) * 0.0025, (Math.floor(peak / 40) + 0.5) * 0.0025];
    // Diffusion blurs the 15 mm disc into a smooth blob (measured peak 1.67 W/(m K) at 1.8 mm from
    // the centre); required: the peak within the disc, the disc's mean 30% above the rest.
    expect(Math.hypot(x - 0.055, y - 0.045)).toBeLessThan(0.015);
    const mean = (inside: boolean) => {
      const v = k.filter((_, p) => (truth[p] > 3) === inside);
      return v.reduce((a, b) => a + b, 0) / v.length;
    };
    expect(mean(true)).toBeGreaterThan(1.3 * mean(false));
    // The run reports those figures itself (summary and manifest), equal to this independent count.
    const [figure] = summary.inclusions!;
    expect(figure.peakDistance).toBeCloseTo(Math.hypot(x - 0.055, y - 0.045), 12);
    expect(figure.contrast).toBeCloseTo(mean(true) / mean(false), 12);
    expect(figure.trueContrast).toBe(5);
    expect((run.manifest.result as { inclusions: unknown[] }).inclusions).toHaveLength(1);
  });

  test("the same scene gives the same bytes", () => {
    const [a, b] = [folder(), folder()];
    for (const d of [a, b]) runHeatInversion(scene("heat-flux"), d);
    for (const f of ["observed.npy", "models.npy", "left_boundary.npy", "temperature.npy"]) expect(readFileSync(join(a, f)).equals(readFileSync(join(b, f)))).toBe(true);
  });

  test("bad scenes are refused with the field named", () => {
    const s = scene("heat-conductivity");
    expect(() => runHeatInversion({ ...s, sensors: [0.5] }, join(folder(), "x"))).toThrow(/^sensors\[0\]: x = 0.5 m is outside the domain \[0, 0.1\] m/);
    expect(() => runHeatInversion({ ...s, unknown: { kind: "boundary", side: "top", start: 0 } }, join(folder(), "x"))).toThrow(/^unknown\.side: a 1D scene has no top side/);
    expect(() => runHeatInversion({ ...s, conductivity: { ...s.conductivity, background: -1 } }, join(folder(), "x"))).toThrow(/^conductivity: gives -0.99\d* W\/\(m K\) at cell 0: conductivity must be positive/);
    expect(() => runHeatInversion({ ...s, scheme: "explicit" }, join(folder(), "x"))).toThrow(/^time\.dt: 20 s exceeds the explicit/);
  });
});
