/**
 * Heat bench: 1D backward Euler and Crank-Nicolson on 10,000 cells, and 2D
 * Crank-Nicolson on 256 x 256 cells, forward and gradient (one adjoint run);
 * in 2D also the grid's symbolic analysis and the factorization, apart.
 */
import { field, flatten } from "../core/arrays.js";
import type { HeatConfig, HeatScheme } from "../heat/config.js";
import { HeatSimulator } from "../heat/simulator.js";
import { analyzeCheckerboard } from "../heat/dissection.js";
import { HeatStepper } from "../heat/stepper.js";
import { best, emit } from "./report.js";

function problem(dims: 1 | 2, n: number, nt: number, scheme: HeatScheme): { sim: HeatSimulator; k: ReturnType<typeof field> } {
  const geometry = dims === 1 ? { nx: n, dx: 1e-3 } : { nx: n, ny: n, dx: 1e-3, dy: 1e-3 };
  const size = dims === 1 ? n : n * n;
  const config: HeatConfig = {
    ...geometry, dt: 1, nt, scheme, capacity: 2e6, initial: 293,
    boundaries: { left: { kind: "dirichlet", temperature: 353 }, right: { kind: "robin", coefficient: 30, temperature: 293 } },
    sensors: dims === 1 ? [0.002, 0.005, 0.02] : [[0.002, 0.05], [0.005, 0.1], [0.02, 0.2]],
  };
  const sim = new HeatSimulator(config);
  // A conductivity that varies cell to cell, 0.5 to 1.5 W/(m K).
  const k = field(new Float64Array(size).map((_, p) => 1 + 0.5 * Math.sin(p * 0.37)), sim.modelShape);
  return { sim, k };
}

/** Runs the heat bench lines. */
export function benchHeat(): void {
  for (const scheme of ["backward-euler", "crank-nicolson"] as const) {
    const nt = 2000;
    const { sim, k } = problem(1, 10_000, nt, scheme);
    const dd = sim.forward(k);
    const forwardS = best(() => sim.forward(k));
    const gradientS = best(() => sim.linearize(k).vjp(dd));
    emit({
      problem: "heat1d-10000", impl: "gradscape", scheme, cells: 10_000, steps: nt - 1,
      forward_s: +forwardS.toFixed(4), steps_per_s: Math.round((nt - 1) / forwardS),
      gradient_s: +gradientS.toFixed(4), gradient_over_forward: +(gradientS / forwardS).toFixed(2),
    });
  }
  {
    // 2D: per conductivity, the checkerboard reduction and the supernodal factor of its Schur complement
    // (the grid's symbolic analysis is once per grid shape), then one solve per step. The forward and
    // the gradient each include their factorization; steps_per_s leaves it out.
    const nt = 101, n = 256;
    const { sim, k } = problem(2, n, nt, "crank-nicolson");
    const kk = flatten(k);
    const analysisS = best(() => analyzeCheckerboard(n, n), 3, 0);
    const factorS = best(() => new HeatStepper(sim.layout).setConductivity(kk), 5, 0);
    const dd = sim.forward(k);
    const forwardS = best(() => sim.forward(k), 5, 0);
    const gradientS = best(() => sim.linearize(k).vjp(dd), 5, 0);
    emit({
      problem: "heat2d-256x256", impl: "gradscape", scheme: "crank-nicolson", cells: n * n, steps: nt - 1,
      analysis_s: +analysisS.toFixed(3), factorization_s: +factorS.toFixed(3),
      forward_s: +forwardS.toFixed(3), steps_per_s: +((nt - 1) / (forwardS - factorS)).toFixed(1),
      gradient_s: +gradientS.toFixed(3), gradient_over_forward: +(gradientS / forwardS).toFixed(2),
      gradient_over_forward_steps_only: +((gradientS - factorS) / (forwardS - factorS)).toFixed(2),
    });
  }
}
