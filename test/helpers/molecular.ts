import { expect } from "vitest";
import type { Potential } from "../../src/molecular/potential.js";

/**
 * Checks dE/dparameters of a potential at positions x against central
 * differences (step 1e-6 relative: round-off ~1e-10, truncation ~1e-12;
 * bound 1e-6 relative), each difference on the potential with the shifted
 * parameters (`withParameters`).
 */
export function expectParameterGradient(pot: Potential, x: Float64Array): void {
  const p0 = pot.parameters();
  const gp = new Float64Array(p0.length);
  pot.evaluate(x, null, gp);
  p0.forEach((v, k) => {
    const h = 1e-6 * Math.max(1, Math.abs(v));
    const at = (dv: number) => {
      const p = p0.slice();
      p[k] += dv;
      return pot.withParameters(p).evaluate(x);
    };
    const fd = (at(h) - at(-h)) / (2 * h);
    expect(Math.abs(gp[k] - fd)).toBeLessThan(1e-6 * Math.max(1, Math.abs(fd)));
  });
}
