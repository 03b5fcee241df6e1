/**
 * The limited-memory BFGS inverse-Hessian model: the last m pairs
 * (s, y) = (x_{k+1} - x_k, g_{k+1} - g_k) and the two-loop recursion that
 * applies it (Nocedal & Wright, Algorithm 7.4), with H0 = (s.y / y.y) I.
 */
import { InputError } from "../core/errors.js";
import { dotv } from "./vector.js";

export class LbfgsMemory {
  private readonly m: number;
  private readonly S: Float64Array[] = [];
  private readonly Y: Float64Array[] = [];
  private readonly rho: number[] = [];
  private readonly alpha: Float64Array;

  /** @param memory number of pairs kept (>= 1) */
  constructor(memory: number) {
    if (!Number.isInteger(memory) || memory < 1) throw new InputError("memory", `expected a positive integer, got ${memory}`);
    this.m = memory;
    this.alpha = new Float64Array(memory);
  }

  /** p = -H g, with components where `mask[i]` is 0 held at zero (variables fixed at a bound). */
  direction(g: Float64Array, p: Float64Array, mask?: Uint8Array): void {
    const n = g.length;
    const S = this.S, Y = this.Y, rho = this.rho, alpha = this.alpha;
    if (mask) for (let i = 0; i < n; i++) p[i] = mask[i] ? -g[i] : 0;
    else for (let i = 0; i < n; i++) p[i] = -g[i];
    const k = S.length;
    if (k === 0) return;
    // Each pass over p applies one pair and, in the same loop, accumulates the dot product the
    // next pair needs, term by term in the order a separate dotv would (so the same numbers):
    // half the passes over memory.
    let dot = dotv(S[k - 1], p);
    for (let j = k - 1; j >= 0; j--) {
      const a = rho[j] * dot;
      alpha[j] = a;
      const y = Y[j];
      if (j > 0) {
        const next = S[j - 1];
        dot = 0;
        for (let i = 0; i < n; i++) {
          const v = p[i] - a * y[i];
          p[i] = v;
          dot += next[i] * v;
        }
      } else for (let i = 0; i < n; i++) p[i] -= a * y[i];
    }
    const gamma = dotv(S[k - 1], Y[k - 1]) / dotv(Y[k - 1], Y[k - 1]);
    const y0 = Y[0];
    dot = 0;
    for (let i = 0; i < n; i++) {
      const v = p[i] * gamma;
      p[i] = v;
      dot += y0[i] * v;
    }
    for (let j = 0; j < k; j++) {
      const c = alpha[j] - rho[j] * dot;
      const s = S[j];
      if (j + 1 < k) {
        const next = Y[j + 1];
        dot = 0;
        for (let i = 0; i < n; i++) {
          const v = p[i] + c * s[i];
          p[i] = v;
          dot += next[i] * v;
        }
      } else for (let i = 0; i < n; i++) p[i] += c * s[i];
    }
    if (mask) for (let i = 0; i < n; i++) if (!mask[i]) p[i] = 0;
  }

  /** Adds a pair unless its curvature s.y is not clearly positive (the model must stay positive definite). */
  update(s: Float64Array, y: Float64Array): void {
    const sy = dotv(s, y);
    if (!(sy > 1e-12 * Math.sqrt(dotv(s, s) * dotv(y, y)))) return;
    // When full, the oldest pair's arrays are dropped and reused for the new one (no allocation).
    let sNew: Float64Array, yNew: Float64Array;
    if (this.S.length === this.m && this.S[0].length === s.length) {
      sNew = this.S.shift()!;
      yNew = this.Y.shift()!;
      this.rho.shift();
      sNew.set(s);
      yNew.set(y);
    } else {
      if (this.S.length === this.m) {
        this.S.shift();
        this.Y.shift();
        this.rho.shift();
      }
      sNew = Float64Array.from(s);
      yNew = Float64Array.from(y);
    }
    this.S.push(sNew);
    this.Y.push(yNew);
    this.rho.push(1 / sy);
  }

  reset(): void {
    this.S.length = 0;
    this.Y.length = 0;
    this.rho.length = 0;
  }

  /** The pairs as plain JSON. */
  save(): { s: number[][]; y: number[][]; rho: number[] } {
    return { s: this.S.map((v) => Array.from(v)), y: this.Y.map((v) => Array.from(v)), rho: [...this.rho] };
  }

  /** Restores pairs written by {@link save}. */
  load(state: unknown): void {
    const st = state as { s: number[][]; y: number[][]; rho: number[] };
    this.reset();
    st.s.forEach((v, j) => {
      this.S.push(Float64Array.from(v));
      this.Y.push(Float64Array.from(st.y[j]));
      this.rho.push(st.rho[j]);
    });
  }
}
