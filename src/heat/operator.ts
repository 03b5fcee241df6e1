/**
 * The discrete conduction operator of one conductivity field, split by
 * direction: A = Ax + Ay, with (A T)_p the net heat flow (W) out of cell p.
 *
 * Faces between cells carry the conductance g = k_f * area / distance with the
 * harmonic mean k_f = 2 k_a k_b / (k_a + k_b) (exact for a conductivity that
 * jumps at the face). A Dirichlet side adds g_b = k area / (h / 2) to its edge
 * cells, a Robin side the series conductance area / (1/coefficient + h/(2k));
 * both with heat flow g_b (value - T_edge) into the cell, carried by the
 * right-hand side b. A Neumann side only adds its flux * area to b. Sources add
 * their pattern times strength to b. The implicit matrix M + alpha A is
 * symmetric positive definite, so one Cholesky factorization serves the
 * forward solves and their transposes in the adjoint: tridiagonal in 1D
 * (banded.ts); in 2D the red cells of a checkerboard are eliminated exactly
 * (checkerboard.ts) and the black cells' Schur complement gets a supernodal
 * factor on a nested-dissection order (dissection.ts, symbolic.ts,
 * supernodal.ts), which holds O(N log N) entries for N cells and costs
 * O(N^1.5) to compute, against N min(nx, ny) and N min(nx, ny)^2 / 2 for the
 * band of the natural order.
 */
import { BandedCholesky } from "./banded.js";
import { CheckerboardCholesky } from "./checkerboard.js";
import type { HeatLayout } from "./config.js";

/** Index of a side in layout.sides. */
const LEFT = 0, RIGHT = 1, BOTTOM = 2, TOP = 3;

export class HeatOperator {
  readonly lay: HeatLayout;
  /** Conductance of the face between p and p + 1 (zero on the last column). */
  readonly gx: Float64Array;
  /** Conductance of the face between p and p + nx (zero on the last row). */
  readonly gy: Float64Array;
  /** d gx_p / d k_p and d gx_p / d k_{p+1} (likewise for y). */
  private readonly dgxA: Float64Array;
  private readonly dgxB: Float64Array;
  private readonly dgyA: Float64Array;
  private readonly dgyB: Float64Array;
  /** Sums over the adjoint steps so far (see {@link gradient}): per x face, per y face (by p), per side's edge cell. */
  private readonly sumX: Float64Array;
  private readonly sumY: Float64Array;
  private readonly sumSide: Float64Array[];
  /** Boundary conductance of each side's edge cells (zero for Neumann sides), and its derivative in k. */
  readonly gSide: Float64Array[];
  private readonly dgSide: Float64Array[];
  /** Face area of each side's cells (dy for left/right, dx for bottom/top). */
  private readonly area: number[];
  /** The factorization of M + alpha A in 1D (null when alpha = 0, or in 2D). */
  private tridiagonal: BandedCholesky | null = null;
  /** The factorization of M + alpha A in 2D (null until an implicit step needs it). */
  private checkerboard: CheckerboardCholesky | null = null;
  /** Whether the factorization is current (alpha > 0). */
  private factored = false;

  constructor(lay: HeatLayout) {
    this.lay = lay;
    const n = lay.size;
    this.gx = new Float64Array(n);
    this.gy = new Float64Array(n);
    this.dgxA = new Float64Array(n);
    this.dgxB = new Float64Array(n);
    this.dgyA = new Float64Array(n);
    this.dgyB = new Float64Array(n);
    this.gSide = lay.sides.map((_, s) => new Float64Array(s < 2 ? lay.ny : lay.nx));
    this.dgSide = lay.sides.map((_, s) => new Float64Array(s < 2 ? lay.ny : lay.nx));
    this.area = lay.sides.map((_, s) => (s < 2 ? lay.dy : lay.dx));
    this.sumX = new Float64Array(n);
    this.sumY = new Float64Array(n);
    this.sumSide = lay.sides.map((_, s) => new Float64Array(s < 2 ? lay.ny : lay.nx));
  }

  /** Cell index of the k-th edge cell of side s. */
  edgeCell(s: number, k: number): number {
    const { nx, ny } = this.lay;
    return s === LEFT ? k * nx : s === RIGHT ? k * nx + nx - 1 : s === BOTTOM ? k : (ny - 1) * nx + k;
  }

  /**
   * Sets the conductivity (validated by the caller: positive and finite) and
   * factorizes M + alpha A (alpha = 0: no factorization, for explicit steps).
   */
  setConductivity(k: Float64Array, alpha: number): void {
    const { nx, ny, dx, dy, sides } = this.lay;
    const fx = dy / dx, fy = dx / dy;
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const p = j * nx + i;
        if (i < nx - 1) {
          const a = k[p], b = k[p + 1], s = a + b;
          this.gx[p] = (2 * a * b * fx) / s;
          this.dgxA[p] = (2 * b * b * fx) / (s * s);
          this.dgxB[p] = (2 * a * a * fx) / (s * s);
        }
        if (j < ny - 1) {
          const a = k[p], b = k[p + nx], s = a + b;
          this.gy[p] = (2 * a * b * fy) / s;
          this.dgyA[p] = (2 * b * b * fy) / (s * s);
          this.dgyB[p] = (2 * a * a * fy) / (s * s);
        }
      }
    }
    sides.forEach((side, s) => {
      const half = s < 2 ? dx / 2 : dy / 2, area = this.area[s];
      const g = this.gSide[s], dg = this.dgSide[s];
      for (let c = 0; c < g.length; c++) {
        const kc = k[this.edgeCell(s, c)];
        if (side.kind === "dirichlet") {
          g[c] = (kc * area) / half;
          dg[c] = area / half;
        } else if (side.kind === "robin") {
          const r = 1 / side.coefficient + half / kc;
          g[c] = area / r;
          dg[c] = (area * half) / (kc * kc * r * r);
        } else {
          g[c] = 0;
          dg[c] = 0;
        }
      }
    });
    this.factored = alpha > 0;
    if (this.factored) this.factor(alpha);
  }

  /** Diagonal of Ax at p: the conductances of p's x faces and x sides. */
  private diagX(p: number, i: number, j: number): number {
    const { nx } = this.lay;
    let d = 0;
    if (i > 0) d += this.gx[p - 1];
    if (i < nx - 1) d += this.gx[p];
    if (i === 0) d += this.gSide[LEFT][j];
    if (i === nx - 1) d += this.gSide[RIGHT][j];
    return d;
  }

  private diagY(p: number, i: number, j: number): number {
    const { nx, ny, dims } = this.lay;
    if (dims === 1) return 0;
    let d = 0;
    if (j > 0) d += this.gy[p - nx];
    if (j < ny - 1) d += this.gy[p];
    if (j === 0) d += this.gSide[BOTTOM][i];
    if (j === ny - 1) d += this.gSide[TOP][i];
    return d;
  }

  /** Assembles M + alpha A and factorizes it. */
  private factor(alpha: number): void {
    const { nx, ny, size, mass, dims } = this.lay;
    if (dims === 1) {
      const chol = (this.tridiagonal ??= new BandedCholesky(size, 1));
      for (let p = 0; p < size; p++) {
        chol.set(p, p, mass[p] + alpha * this.diagX(p, p, 0));
        if (p > 0) chol.set(p, p - 1, -alpha * this.gx[p - 1]);
      }
      chol.factorize();
      return;
    }
    const chol = (this.checkerboard ??= new CheckerboardCholesky(nx, ny));
    const { diagonal, east, north } = chol;
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const p = j * nx + i;
        diagonal[p] = mass[p] + alpha * (this.diagX(p, i, j) + this.diagY(p, i, j));
        east[p] = -alpha * this.gx[p];
        north[p] = -alpha * this.gy[p];
      }
    }
    chol.factorize();
  }

  /** out = (M + alpha A)^{-1} r (out may be r). */
  solve(r: Float64Array, out: Float64Array): void {
    if (!this.factored) throw new Error("HeatOperator.solve: no factorization (explicit scheme)");
    if (this.tridiagonal !== null) this.tridiagonal.solve(r, out);
    else this.checkerboard!.solve(r, out);
  }

  /**
   * out = M x - alpha A x, row by row: each row's x faces (each cell gathers
   * its two faces' flows, the left one carried over from the previous cell),
   * then in 2D its faces with the rows below and above, computed from x as
   * the neighbouring rows compute them, while the row is in cache. No
   * iteration reads what another wrote.
   */
  massMinus(x: Float64Array, out: Float64Array, alpha: number): void {
    const { nx, ny, mass, dims } = this.lay;
    const gx = this.gx, gy = this.gy, gl = this.gSide[LEFT], gr = this.gSide[RIGHT];
    for (let j = 0; j < ny; j++) {
      const base = j * nx, last = base + nx - 1;
      let left = alpha * gl[j] * x[base];
      for (let p = base; p < last; p++) {
        const f = alpha * gx[p] * (x[p] - x[p + 1]);
        out[p] = mass[p] * x[p] - left - f;
        left = -f;
      }
      out[last] = mass[last] * x[last] - left - alpha * gr[j] * x[last];
      if (dims === 1) continue;
      if (j > 0) {
        for (let p = base; p <= last; p++) out[p] += alpha * gy[p - nx] * (x[p - nx] - x[p]);
      } else {
        const gb = this.gSide[BOTTOM];
        for (let p = base; p <= last; p++) out[p] -= alpha * gb[p - base] * x[p];
      }
      if (j < ny - 1) {
        for (let p = base; p <= last; p++) out[p] -= alpha * gy[p] * (x[p] - x[p + nx]);
      } else {
        const gt = this.gSide[TOP];
        for (let p = base; p <= last; p++) out[p] -= alpha * gt[p - base] * x[p];
      }
    }
  }

  /** The value of side s at the mixed time level (1 - w) t_n + w t_{n+1}. */
  private sideValue(s: number, n: number, w: number): number {
    const v = this.lay.sides[s].values;
    return w === 0 ? v[n] : w === 1 ? v[n + 1] : (1 - w) * v[n] + w * v[n + 1];
  }

  /** out += coeff * b at the mixed level (1 - w) t_n + w t_{n+1}: sources and boundary heat flows. */
  addLoad(out: Float64Array, coeff: number, n: number, w: number): void {
    for (const src of this.lay.sources) {
      const s = src.strength;
      const amp = coeff * (w === 0 ? s[n] : w === 1 ? s[n + 1] : (1 - w) * s[n] + w * s[n + 1]);
      if (amp === 0) continue;
      const pat = src.pattern;
      for (let p = 0; p < pat.length; p++) out[p] += amp * pat[p];
    }
    this.lay.sides.forEach((side, s) => {
      const v = coeff * this.sideValue(s, n, w);
      if (v === 0) return;
      const g = this.gSide[s];
      for (let c = 0; c < g.length; c++) out[this.edgeCell(s, c)] += (side.kind === "neumann" ? this.area[s] : g[c]) * v;
    });
  }

  /**
   * The adjoint of {@link addLoad}: with nu the adjoint of out, adds
   * coeff (1 - w) <pattern, nu> to gradStrength[src][n] and coeff w <..> to
   * [n + 1]; likewise the boundary values (weighted by g_b or the face area).
   */
  loadAdjoint(nu: Float64Array, coeff: number, n: number, w: number, gradStrength: Float64Array[], gradSide: Float64Array[]): void {
    this.lay.sources.forEach((src, k) => {
      const pat = src.pattern;
      let dot = 0;
      for (let p = 0; p < pat.length; p++) dot += pat[p] * nu[p];
      gradStrength[k][n] += coeff * (1 - w) * dot;
      gradStrength[k][n + 1] += coeff * w * dot;
    });
    this.lay.sides.forEach((side, s) => {
      const g = this.gSide[s];
      let dot = 0;
      for (let c = 0; c < g.length; c++) dot += (side.kind === "neumann" ? this.area[s] : g[c]) * nu[this.edgeCell(s, c)];
      gradSide[s][n] += coeff * (1 - w) * dot;
      gradSide[s][n + 1] += coeff * w * dot;
    });
  }

  /**
   * Accumulates the conductivity gradient of one theta step,
   * -d<nu, a (A T - b^n) + c (A U - b^{n+1})>/dk, the k-dependence of the
   * step's residual (through the face and side conductances) at the old level
   * T (weight a = (1 - theta) dt) and the new level U (weight c = theta dt).
   * The conductances' derivatives do not change in time, so a step only adds
   * (nu_p - nu_q)(a (T_p - T_q) + c (U_p - U_q)) to its face's sum (and
   * nu (a (v - T) + c (v' - U)) to a side's edge cell's);
   * {@link conductivityGradient} applies the derivatives once, at the end.
   */
  gradient(nu: Float64Array, T: Float64Array, a: number, U: Float64Array, c: number, n: number): void {
    const { nx, ny, dims } = this.lay;
    const sx = this.sumX, sy = this.sumY;
    for (let j = 0; j < ny; j++) {
      const base = j * nx;
      for (let p = base; p < base + nx - 1; p++) sx[p] += (nu[p] - nu[p + 1]) * (a * (T[p] - T[p + 1]) + c * (U[p] - U[p + 1]));
      if (dims === 2 && j < ny - 1) {
        for (let p = base; p < base + nx; p++) sy[p] += (nu[p] - nu[p + nx]) * (a * (T[p] - T[p + nx]) + c * (U[p] - U[p + nx]));
      }
    }
    const sides = this.lay.sides;
    for (let s = 0; s < sides.length; s++) {
      const dg = this.dgSide[s], sum = this.sumSide[s];
      const v0 = sides[s].values[n], v1 = sides[s].values[n + 1];
      for (let k = 0; k < dg.length; k++) {
        if (dg[k] === 0) continue;
        const p = this.edgeCell(s, k);
        sum[k] += nu[p] * (a * (v0 - T[p]) + c * (v1 - U[p]));
      }
    }
  }

  /** gk += the conductivity gradient accumulated by {@link gradient} since the last call (or {@link clearGradient}), and clears it. */
  conductivityGradient(gk: Float64Array): void {
    const { nx, ny, dims } = this.lay;
    const sx = this.sumX, sy = this.sumY, dA = this.dgxA, dB = this.dgxB, yA = this.dgyA, yB = this.dgyB;
    for (let j = 0; j < ny; j++) {
      for (let p = j * nx; p < j * nx + nx - 1; p++) {
        gk[p] -= sx[p] * dA[p];
        gk[p + 1] -= sx[p] * dB[p];
      }
    }
    if (dims === 2) {
      for (let p = 0; p < nx * (ny - 1); p++) {
        gk[p] -= sy[p] * yA[p];
        gk[p + nx] -= sy[p] * yB[p];
      }
    }
    this.sumSide.forEach((sum, s) => {
      const dg = this.dgSide[s];
      for (let k = 0; k < dg.length; k++) gk[this.edgeCell(s, k)] += dg[k] * sum[k];
    });
    this.clearGradient();
  }

  /** Clears the sums of {@link gradient}. */
  clearGradient(): void {
    this.sumX.fill(0);
    this.sumY.fill(0);
    for (const sum of this.sumSide) sum.fill(0);
  }

  /**
   * The tangent twin of {@link gradient}: out += d(a (A T - b^n) + c (A U - b^{n+1}))/dk . dk,
   * the change of one theta step's residual when the conductances change along dk.
   */
  tangent(dk: Float64Array, T: Float64Array, a: number, U: Float64Array, c: number, n: number, out: Float64Array): void {
    const { nx, ny, dims } = this.lay;
    const gx = this.gx;
    for (let p = 0; p < nx * ny; p++) {
      if (gx[p] === 0) continue; // the last column has no x face
      const f = (this.dgxA[p] * dk[p] + this.dgxB[p] * dk[p + 1]) * (a * (T[p] - T[p + 1]) + c * (U[p] - U[p + 1]));
      out[p] += f;
      out[p + 1] -= f;
    }
    if (dims === 2) {
      for (let p = 0; p < nx * (ny - 1); p++) {
        const f = (this.dgyA[p] * dk[p] + this.dgyB[p] * dk[p + nx]) * (a * (T[p] - T[p + nx]) + c * (U[p] - U[p + nx]));
        out[p] += f;
        out[p + nx] -= f;
      }
    }
    this.lay.sides.forEach((side, s) => {
      const dg = this.dgSide[s];
      const v0 = side.values[n], v1 = side.values[n + 1];
      for (let k = 0; k < dg.length; k++) {
        if (dg[k] === 0) continue;
        const p = this.edgeCell(s, k);
        out[p] += dg[k] * dk[p] * (a * (T[p] - v0) + c * (U[p] - v1));
      }
    });
  }

  /**
   * The largest stable forward-Euler step: min over cells of M_p / (sum of the
   * conductances of p), a Gershgorin bound on dt lambda_max(M^-1 A) <= 2.
   */
  explicitLimit(): number {
    const { nx, ny, mass } = this.lay;
    let limit = Infinity;
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const p = j * nx + i;
        const d = this.diagX(p, i, j) + this.diagY(p, i, j);
        if (d > 0) limit = Math.min(limit, mass[p] / d);
      }
    }
    return limit;
  }
}
