/**
 * Bonded terms for small molecules: harmonic bonds 0.5 k (r - r0)^2 over
 * listed pairs, and harmonic angles 0.5 k (theta - theta0)^2 over listed
 * triples (i, j, k) with j at the vertex. One term holds one bond or angle
 * type (its parameters are shared by its list); minimum image in a box.
 * Terms are immutable: `withParameters` gives the same list with other parameters.
 */
import { InputError } from "../core/errors.js";
import { minimumImage, type Box } from "./neighbors.js";
import { addPairHessian, parameterValues, type EnergyTerm } from "./term.js";

/**
 * The index tuples of `list` checked (`width` distinct non-negative integers
 * each) and flattened, and a frozen copy of the list.
 */
export function checkIndices<T extends readonly number[]>(list: readonly T[], width: number, name: string): { flat: Int32Array; frozen: readonly T[] } {
  // A list this function froze (a term's, passed on by withParameters) is already checked.
  const known = checkedLists.get(list);
  if (known !== undefined) return known as { flat: Int32Array; frozen: readonly T[] };
  const flat = new Int32Array(list.length * width);
  list.forEach((t, k) => {
    if (t.length !== width || t.some((i) => !Number.isInteger(i) || i < 0)) throw new InputError(`${name}[${k}]`, `expected ${width} atom indices, got [${t.join(", ")}]`);
    if (new Set(t).size !== width) throw new InputError(`${name}[${k}]`, `the atoms must be distinct, got [${t.join(", ")}]`);
    flat.set(t, k * width);
  });
  const checked = { flat, frozen: Object.freeze(list.map((t) => Object.freeze(t.slice()) as unknown as T)) };
  checkedLists.set(checked.frozen, checked);
  return checked;
}

/** The frozen index lists {@link checkIndices} made, with their flat copies (read only: terms share them). */
const checkedLists = new WeakMap<object, { flat: Int32Array; frozen: readonly (readonly number[])[] }>();

/**
 * The harmonic point function of a deviation s = q - q0 of a coordinate q
 * (a length or an angle) from its rest value q0, with stiffness k:
 * E = k s^2 / 2, dE/dq = k s, d2E/dq2 = k, and the parameter derivatives
 * dE/dk = s^2 / 2, dE/dq0 = -k s, d(dE/dq)/dk = s, d(dE/dq)/dq0 = -k.
 * Bonds and angles lift it through dq/dx.
 */
const harmonic = {
  energy: (k: number, s: number) => 0.5 * k * s * s,
  slope: (k: number, s: number) => k * s,
  dEnergyDStiffness: (s: number) => 0.5 * s * s,
  dEnergyDRest: (k: number, s: number) => -k * s,
  dSlopeDStiffness: (s: number) => s,
  dSlopeDRest: (k: number) => -k,
};

/** Harmonic bonds: parameters [k, r0] (force constant, rest length). */
export class HarmonicBonds implements EnergyTerm {
  readonly names = ["stiffness", "length"] as const;
  /** [k, r0] (frozen). */
  readonly params: readonly number[];
  /** The bonded pairs (a frozen copy of the constructor's list). */
  readonly bonds: readonly (readonly [number, number])[];
  private readonly pairs: Int32Array;
  private readonly box: Box;
  private readonly d = new Float64Array(3);

  constructor(bonds: readonly (readonly [number, number])[], stiffness: number, length: number, box: Box = null) {
    ({ flat: this.pairs, frozen: this.bonds } = checkIndices(bonds, 2, "bonds"));
    this.params = parameterValues([stiffness, length], this.names, "harmonic-bonds");
    this.box = box;
  }

  /** The same bonds and box with parameters [k, r0]. */
  withParameters(p: ArrayLike<number>): HarmonicBonds {
    const [k, r0] = parameterValues(p, this.names, "harmonic-bonds");
    return new HarmonicBonds(this.bonds, k, r0, this.box);
  }

  evaluate(x: Float64Array, gradient: Float64Array | null, paramGradient: Float64Array | null): number {
    const k = this.params[0], r0 = this.params[1];
    const d = this.d;
    let e = 0;
    for (let b = 0; b < this.pairs.length; b += 2) {
      const i = this.pairs[b], j = this.pairs[b + 1];
      for (let a = 0; a < 3; a++) d[a] = x[3 * j + a] - x[3 * i + a];
      minimumImage(d, this.box);
      const r = Math.hypot(d[0], d[1], d[2]);
      const s = r - r0;
      e += harmonic.energy(k, s);
      if (gradient !== null) {
        // dr/dx_j = d / r.
        const f = harmonic.slope(k, s) / r;
        for (let a = 0; a < 3; a++) {
          gradient[3 * j + a] += f * d[a];
          gradient[3 * i + a] -= f * d[a];
        }
      }
      if (paramGradient !== null) {
        paramGradient[0] += harmonic.dEnergyDStiffness(s);
        paramGradient[1] += harmonic.dEnergyDRest(k, s);
      }
    }
    return e;
  }

  hessianVector(x: Float64Array, v: Float64Array, out: Float64Array): void {
    const k = this.params[0], r0 = this.params[1];
    const d = this.d;
    for (let b = 0; b < this.pairs.length; b += 2) {
      const i = this.pairs[b], j = this.pairs[b + 1];
      for (let a = 0; a < 3; a++) d[a] = x[3 * j + a] - x[3 * i + a];
      minimumImage(d, this.box);
      const r = Math.hypot(d[0], d[1], d[2]);
      addPairHessian(out, i, j, d, r, harmonic.slope(k, r - r0), k, v);
    }
  }

  /** d/dk and d/dr0 of the gradient k (r - r0) d / r. */
  mixedDerivative(x: Float64Array, out: Float64Array): void {
    const k = this.params[0], r0 = this.params[1];
    const d = this.d, m = x.length;
    for (let b = 0; b < this.pairs.length; b += 2) {
      const i = this.pairs[b], j = this.pairs[b + 1];
      for (let a = 0; a < 3; a++) d[a] = x[3 * j + a] - x[3 * i + a];
      minimumImage(d, this.box);
      const r = Math.hypot(d[0], d[1], d[2]);
      const dk = harmonic.dSlopeDStiffness(r - r0) / r, dr0 = harmonic.dSlopeDRest(k) / r;
      for (let a = 0; a < 3; a++) {
        out[3 * j + a] += dk * d[a];
        out[3 * i + a] -= dk * d[a];
        out[m + 3 * j + a] += dr0 * d[a];
        out[m + 3 * i + a] -= dr0 * d[a];
      }
    }
  }
}

/** Harmonic angles: parameters [k, theta0] (force constant per rad^2, rest angle in rad). */
export class HarmonicAngles implements EnergyTerm {
  readonly names = ["stiffness", "angle"] as const;
  /** [k, theta0] (frozen). */
  readonly params: readonly number[];
  /** The angles (i, j, k), j at the vertex (a frozen copy of the constructor's list). */
  readonly angles: readonly (readonly [number, number, number])[];
  private readonly triples: Int32Array;
  private readonly box: Box;
  private readonly u = new Float64Array(3);
  private readonly v = new Float64Array(3);

  constructor(angles: readonly (readonly [number, number, number])[], stiffness: number, angle: number, box: Box = null) {
    ({ flat: this.triples, frozen: this.angles } = checkIndices(angles, 3, "angles"));
    this.params = parameterValues([stiffness, angle], this.names, "harmonic-angles");
    this.box = box;
  }

  /** The same angles and box with parameters [k, theta0]. */
  withParameters(p: ArrayLike<number>): HarmonicAngles {
    const [k, theta0] = parameterValues(p, this.names, "harmonic-angles");
    return new HarmonicAngles(this.angles, k, theta0, this.box);
  }

  /** |u|, |v|, cos(theta) and sin(theta) of the last {@link arms} call. */
  private readonly g = new Float64Array(4);

  /**
   * The arms u = x_i - x_j and v = x_l - x_j of angle t (minimum image) into
   * this.u, this.v, and |u|, |v|, cos and sin of the angle into this.g.
   */
  private arms(x: Float64Array, t: number): void {
    const { u, v, g } = this;
    const i = this.triples[t], j = this.triples[t + 1], l = this.triples[t + 2];
    for (let a = 0; a < 3; a++) {
      u[a] = x[3 * i + a] - x[3 * j + a];
      v[a] = x[3 * l + a] - x[3 * j + a];
    }
    minimumImage(u, this.box);
    minimumImage(v, this.box);
    g[0] = Math.hypot(u[0], u[1], u[2]);
    g[1] = Math.hypot(v[0], v[1], v[2]);
    g[2] = Math.min(1, Math.max(-1, (u[0] * v[0] + u[1] * v[1] + u[2] * v[2]) / (g[0] * g[1])));
    g[3] = Math.sqrt(Math.max(1 - g[2] * g[2], 1e-300));
  }

  evaluate(x: Float64Array, gradient: Float64Array | null, paramGradient: Float64Array | null): number {
    const k = this.params[0], t0 = this.params[1];
    const { u, v } = this;
    let e = 0;
    for (let t = 0; t < this.triples.length; t += 3) {
      const i = this.triples[t], j = this.triples[t + 1], l = this.triples[t + 2];
      this.arms(x, t);
      const nu = this.g[0], nv = this.g[1], c = this.g[2], sin = this.g[3];
      const s = Math.acos(c) - t0;
      e += harmonic.energy(k, s);
      if (gradient !== null) {
        // dtheta/du = -(v / (|u||v|) - c u / |u|^2) / sin(theta), and likewise for v.
        const f = -harmonic.slope(k, s) / sin;
        for (let a = 0; a < 3; a++) {
          const du = f * (v[a] / (nu * nv) - (c * u[a]) / (nu * nu));
          const dv = f * (u[a] / (nu * nv) - (c * v[a]) / (nv * nv));
          gradient[3 * i + a] += du;
          gradient[3 * l + a] += dv;
          gradient[3 * j + a] -= du + dv;
        }
      }
      if (paramGradient !== null) {
        paramGradient[0] += harmonic.dEnergyDStiffness(s);
        paramGradient[1] += harmonic.dEnergyDRest(k, s);
      }
    }
    return e;
  }

  /**
   * (d2E/dx2) w: the directional derivative, along the displacement w, of the
   * gradient formula of {@link evaluate} (chain rule through |u|, |v|, cos and theta).
   */
  hessianVector(x: Float64Array, w: Float64Array, out: Float64Array): void {
    const k = this.params[0], t0 = this.params[1];
    const { u, v } = this;
    const du = new Float64Array(3), dv = new Float64Array(3);
    const dot3 = (p: Float64Array, q: Float64Array) => p[0] * q[0] + p[1] * q[1] + p[2] * q[2];
    for (let t = 0; t < this.triples.length; t += 3) {
      const i = this.triples[t], j = this.triples[t + 1], l = this.triples[t + 2];
      for (let a = 0; a < 3; a++) {
        du[a] = w[3 * i + a] - w[3 * j + a];
        dv[a] = w[3 * l + a] - w[3 * j + a];
      }
      this.arms(x, t);
      const nu = this.g[0], nv = this.g[1], c = this.g[2], sin = this.g[3], nn = nu * nv;
      const s = Math.acos(c) - t0;
      const dnu = dot3(u, du) / nu, dnv = dot3(v, dv) / nv;
      const dc = (dot3(du, v) + dot3(u, dv)) / nn - c * (dnu / nu + dnv / nv);
      const dtheta = -dc / sin, dsin = (-c * dc) / sin;
      // f = -(dE/dtheta) / sin and its derivative along w, with d(dE/dtheta) = (d2E/dtheta2) dtheta.
      const f = -harmonic.slope(k, s) / sin;
      const df = -(k * dtheta) / sin + (harmonic.slope(k, s) * dsin) / (sin * sin);
      const dnn = dnu * nv + nu * dnv;
      for (let a = 0; a < 3; a++) {
        const gu = v[a] / nn - (c * u[a]) / (nu * nu), gv = u[a] / nn - (c * v[a]) / (nv * nv);
        const dgu = dv[a] / nn - (v[a] * dnn) / (nn * nn) - (dc * u[a] + c * du[a]) / (nu * nu) + (2 * c * u[a] * dnu) / (nu * nu * nu);
        const dgv = du[a] / nn - (u[a] * dnn) / (nn * nn) - (dc * v[a] + c * dv[a]) / (nv * nv) + (2 * c * v[a] * dnv) / (nv * nv * nv);
        const hu = df * gu + f * dgu, hv = df * gv + f * dgv;
        out[3 * i + a] += hu;
        out[3 * l + a] += hv;
        out[3 * j + a] -= hu + hv;
      }
    }
  }

  /** d/dk and d/dtheta0 of the gradient f g, f = -k (theta - theta0) / sin(theta). */
  mixedDerivative(x: Float64Array, out: Float64Array): void {
    const k = this.params[0], t0 = this.params[1];
    const { u, v } = this;
    const m = x.length;
    for (let t = 0; t < this.triples.length; t += 3) {
      const i = this.triples[t], j = this.triples[t + 1], l = this.triples[t + 2];
      this.arms(x, t);
      const nu = this.g[0], nv = this.g[1], c = this.g[2], sin = this.g[3];
      const s = Math.acos(c) - t0;
      const fk = -harmonic.dSlopeDStiffness(s) / sin, ft = -harmonic.dSlopeDRest(k) / sin;
      for (let a = 0; a < 3; a++) {
        const gu = v[a] / (nu * nv) - (c * u[a]) / (nu * nu), gv = u[a] / (nu * nv) - (c * v[a]) / (nv * nv);
        out[3 * i + a] += fk * gu;
        out[3 * l + a] += fk * gv;
        out[3 * j + a] -= fk * (gu + gv);
        out[m + 3 * i + a] += ft * gu;
        out[m + 3 * l + a] += ft * gv;
        out[m + 3 * j + a] -= ft * (gu + gv);
      }
    }
  }
}
