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
    for (let i = 0; i < n; i++) p[i] = mask && !mask[i] ? 0 : -g[i];
    const k = S.length;
    for (let j = k - 1; j >= 0; j--) {
      alpha[j] = rho[j] * dotv(S[j], p);
      const y = Y[j];
      for (let i = 0; i < n; i++) p[i] -= alpha[j] * y[i];
    }
    if (k > 0) {
      const gamma = dotv(S[k - 1], Y[k - 1]) / dotv(Y[k - 1], Y[k - 1]);
      for (let i = 0; i < n; i++) p[i] *= gamma;
    }
    for (let j = 0; j < k; j++) {
      const b = rho[j] * dotv(Y[j], p);
      const s = S[j];
      for (let i = 0; i < n; i++) p[i] += (alpha[j] - b) * s[i];
    }
    if (mask) for (let i = 0; i < n; i++) if (!mask[i]) p[i] = 0;
  }

  /** Adds a pair unless its curvature s.y is not clearly positive (the model must stay positive definite). */
  update(s: Float64Array, y: Float64Array): void {
    const sy = dotv(s, y);
    if (!(sy > 1e-12 * Math.sqrt(dotv(s, s) * dotv(y, y)))) return;
    if (this.S.length === this.m) {
      this.S.shift();
      this.Y.shift();
      this.rho.shift();
    }
    this.S.push(Float64Array.from(s));
    this.Y.push(Float64Array.from(y));
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
