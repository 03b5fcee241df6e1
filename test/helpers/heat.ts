import { field } from "../../src/core/arrays.js";
import type { Field } from "../../src/core/contract.js";
import type { HeatConfig, HeatScheme } from "../../src/heat/config.js";

/**
 * A small problem exercising every feature: varying conductivity and heat
 * capacity, non-uniform initial temperature, Dirichlet / Robin / Neumann sides
 * with values varying in time, a point and a distributed source, off-grid sensors.
 */
export function smallHeatProblem(dims: 1 | 2, scheme: HeatScheme, options: { storage?: HeatConfig["storage"]; nt?: number } = {}): { config: HeatConfig; conductivity: Field } {
  const nx = dims === 1 ? 40 : 12, ny = dims === 1 ? 1 : 9;
  const dx = 0.01, dy = 0.012;
  const nt = options.nt ?? 30;
  const size = nx * ny;
  const k = new Float64Array(size).map((_, p) => 1 + 0.5 * Math.sin(p * 0.7) + (p % nx > nx / 2 ? 1 : 0));
  const capacity = new Float64Array(size).map((_, p) => 2e6 * (1 + 0.3 * Math.cos(p * 0.3)));
  // Explicit runs need dt below C dx^2 / (2 k_max) per direction; implicit ones take a large step.
  const dt = scheme === "explicit" ? (dims === 1 ? 10 : 8) : 200;
  const series = (a: number, b: number) => Float64Array.from({ length: nt }, (_, n) => a + b * Math.sin(n / 5));
  const config: HeatConfig = {
    nx, dx, dt, nt, scheme,
    ...(dims === 2 ? { ny, dy, origin: [0.1, -0.05] as [number, number] } : { origin: 0.1 }),
    capacity,
    initial: new Float64Array(size).map((_, p) => 290 + 5 * Math.sin(p / 3)),
    boundaries: {
      left: { kind: "dirichlet", temperature: series(300, 4) },
      right: { kind: "robin", coefficient: 150, temperature: series(280, 2) },
      ...(dims === 2 ? { bottom: { kind: "neumann" as const, flux: series(500, 200) }, top: { kind: "robin" as const, coefficient: 60, temperature: 295 } } : {}),
    },
    sources: [
      { position: dims === 1 ? 0.1 + 0.173 : ([0.1 + 0.047, -0.05 + 0.061] as [number, number]), strength: series(2000, 1500) },
      { distribution: new Float64Array(size).map((_, p) => (p % 5 === 0 ? 3e4 : 0)), strength: series(1, 0.5) },
    ],
    sensors: dims === 1 ? [0.1 + 0.0234, 0.1 + 0.2, 0.1 + 0.391] : [[0.1 + 0.03, -0.05 + 0.02], [0.1 + 0.1, -0.05 + 0.09], [0.1 + 0.005, -0.05 + 0.1]],
    storage: options.storage,
  };
  return { config, conductivity: field(k, dims === 1 ? [nx] : [ny, nx]) };
}
