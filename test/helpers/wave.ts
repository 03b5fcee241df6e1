import { field, flatten } from "../../src/core/arrays.js";
import type { Field } from "../../src/core/contract.js";
import type { ValueAndGradient } from "../../src/core/gradcheck.js";
import type { WaveConfig } from "../../src/wave/config.js";
import { WaveSimulator } from "../../src/wave/simulator.js";
import { ricker } from "../../src/wave/wavelet.js";

/** A small heterogeneous problem: 3 shots, off-grid sources and receivers, PML both ends. */
export function smallProblem(overrides: Partial<WaveConfig> = {}): { config: WaveConfig; velocity: Field } {
  const nx = 120;
  const dx = 10;
  const dt = 1e-3;
  const nt = 500;
  const w = ricker(15, nt, dt);
  const config: WaveConfig = {
    nx, dx, dt, nt, order: 8,
    pml: { width: 20, velocity: 3000 },
    shots: [
      { source: 203.7, wavelet: w, receivers: [101.3, 555.5, 1004.9] },
      { source: 600.2, wavelet: ricker(12, nt, dt), receivers: [150.8, 700.1, 1100.4] },
      { source: 955.0, wavelet: w, receivers: [33.3, 480.0, 901.7] },
    ],
    warn: () => {},
    ...overrides,
  };
  const n = config.nx;
  const c = new Float64Array(n);
  for (let i = 0; i < n; i++) c[i] = 2000 + 600 * Math.tanh((i - 60) / 8) + 200 * Math.sin(i / 7);
  return { config, velocity: field(c, [n]) };
}

/** J(c) = 0.5 ||F(c) - observed||^2 with its adjoint gradient. */
export function leastSquares(sim: WaveSimulator, observed: Field): ValueAndGradient {
  return (c) => {
    const lin = sim.linearize(c);
    const d = flatten(lin.data);
    const o = flatten(observed);
    const r = new Float64Array(d.length);
    let value = 0;
    for (let i = 0; i < d.length; i++) {
      r[i] = d[i] - o[i];
      value += 0.5 * r[i] * r[i];
    }
    return { value, gradient: lin.vjp(field(r, lin.data.shape)) };
  };
}
