import { describe, expect, test } from "vitest";
import { Random } from "../src/core/random.js";
import { LbfgsMemory } from "../src/inversion/lbfgs-memory.js";

/** The two-loop recursion as Nocedal & Wright write it (Algorithm 7.4), one pass per product. */
function twoLoop(S: Float64Array[], Y: Float64Array[], g: Float64Array, mask?: Uint8Array): Float64Array {
  const n = g.length, k = S.length;
  const dot = (a: Float64Array, b: Float64Array) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += a[i] * b[i];
    return s;
  };
  const q = g.map((v, i) => (mask && !mask[i] ? 0 : -v));
  const rho = S.map((s, j) => 1 / dot(s, Y[j])), alpha = new Float64Array(k);
  for (let j = k - 1; j >= 0; j--) {
    alpha[j] = rho[j] * dot(S[j], q);
    for (let i = 0; i < n; i++) q[i] -= alpha[j] * Y[j][i];
  }
  if (k > 0) {
    const gamma = dot(S[k - 1], Y[k - 1]) / dot(Y[k - 1], Y[k - 1]);
    for (let i = 0; i < n; i++) q[i] *= gamma;
  }
  for (let j = 0; j < k; j++) {
    const b = rho[j] * dot(Y[j], q);
    for (let i = 0; i < n; i++) q[i] += (alpha[j] - b) * S[j][i];
  }
  if (mask) for (let i = 0; i < n; i++) if (!mask[i]) q[i] = 0;
  return q;
}

describe("L-BFGS memory", () => {
  test("the fused two-loop recursion gives the textbook one's direction bit for bit (empty, partial and full memory, with and without a mask, pairs recycled)", () => {
    const rng = new Random(5);
    const n = 57, m = 6;
    const memory = new LbfgsMemory(m);
    const S: Float64Array[] = [], Y: Float64Array[] = [];
    const mask = Uint8Array.from({ length: n }, (_, i) => (i % 7 === 3 ? 0 : 1));
    for (let step = 0; step <= 15; step++) {
      const g = Float64Array.from({ length: n }, () => rng.uniform() - 0.5);
      for (const mk of [undefined, mask]) {
        const p = new Float64Array(n).fill(NaN);
        memory.direction(g, p, mk);
        const ref = twoLoop(S, Y, g, mk);
        for (let i = 0; i < n; i++) expect(p[i]).toBe(ref[i]);
      }
      // A pair with positive curvature (y = A s for a random diagonal A > 0), added to both.
      const s = Float64Array.from({ length: n }, () => rng.uniform() - 0.5);
      const y = s.map((v) => v * (0.5 + rng.uniform()));
      memory.update(s, y);
      S.push(Float64Array.from(s));
      Y.push(Float64Array.from(y));
      if (S.length > m) {
        S.shift();
        Y.shift();
      }
      // The memory copies the pair: changing the caller's arrays changes nothing.
      s.fill(7);
      y.fill(7);
    }
  });
});
