/**
 * Potential energy surfaces: a sum of terms (pair potentials now, bonded
 * terms next), with energy, its gradient with respect to positions (minus the
 * forces) and with respect to each term's parameters, behind the
 * differentiable contract with the positions as the model.
 */
import { field, flatten } from "../core/arrays.js";
import type { Differentiable, Field, Linearization } from "../core/contract.js";
import { InputError } from "../core/errors.js";
import { assertFinite, checkShape } from "../core/validate.js";
import { cellIndex, cellsPerSide, forwardNeighbours, minimumImage, pairList, type Box, type PairList } from "./neighbors.js";
import { lennardJones, type PairPotential, type PairValues } from "./pair.js";

/** One term of a potential energy. */
export interface EnergyTerm {
  /** Parameter names of the term. */
  readonly names: readonly string[];
  /** The parameters (live: change them, then call `refresh`). */
  readonly params: Float64Array;
  refresh(): void;
  /**
   * E(x) for positions x (3n values, atom-major); adds dE/dx into `gradient`
   * and dE/dparams into `paramGradient` when given.
   */
  evaluate(x: Float64Array, gradient: Float64Array | null, paramGradient: Float64Array | null): number;
  /** Adds (d2E/dx2) v into `out` (terms that have no analytic Hessian yet leave it out). */
  hessianVector?(x: Float64Array, v: Float64Array, out: Float64Array): void;
  /**
   * Adds the mixed derivatives d2E/(dparams dx) into `out`, row-major
   * [params, 3n]: row p is how the gradient dE/dx (minus the forces) moves
   * with parameter p. Needed to fit parameters to forces.
   */
  mixedDerivative?(x: Float64Array, out: Float64Array): void;
}

/**
 * The Hessian of a central pair energy E(r), r = |d|, d = x_j - x_i, applied
 * to the relative displacement w = v_j - v_i: H w = (E'' - E'/r) (d.w) d / r^2 + (E'/r) w,
 * added to atom j and subtracted from atom i.
 */
export function addPairHessian(out: Float64Array, i: number, j: number, d: Float64Array, r: number, slope: number, curvature: number, v: Float64Array): void {
  const w0 = v[3 * j] - v[3 * i], w1 = v[3 * j + 1] - v[3 * i + 1], w2 = v[3 * j + 2] - v[3 * i + 2];
  const a = ((curvature - slope / r) * (d[0] * w0 + d[1] * w1 + d[2] * w2)) / (r * r), b = slope / r;
  const h0 = a * d[0] + b * w0, h1 = a * d[1] + b * w1, h2 = a * d[2] + b * w2;
  out[3 * j] += h0;
  out[3 * j + 1] += h1;
  out[3 * j + 2] += h2;
  out[3 * i] -= h0;
  out[3 * i + 1] -= h1;
  out[3 * i + 2] -= h2;
}

/** A pair potential summed over all pairs within its cutoff (minimum image in a periodic box). */
export class PairTerm implements EnergyTerm {
  readonly potential: PairPotential;
  readonly box: Box;
  private list: PairList = { i: new Int32Array(0), j: new Int32Array(0), count: 0 };
  private readonly d = new Float64Array(3);

  constructor(potential: PairPotential, box: Box = null) {
    if (box !== null && !box.every((l) => l > 0 && Number.isFinite(l))) throw new InputError("box", `expected three positive side lengths, got [${box.join(", ")}]`);
    this.potential = potential;
    this.box = box;
  }

  get names(): readonly string[] {
    return this.potential.fn.names;
  }

  get params(): Float64Array {
    return this.potential.params;
  }

  refresh(): void {
    this.potential.refresh();
  }

  /**
   * Calls `each` for every pair within the cutoff with d = x_j - x_i (minimum
   * image, in this.d), r = |d| and the pair function's values at r (second
   * derivatives: small systems, so one call per pair is fine).
   */
  private forEachPair(x: Float64Array, each: (i: number, j: number, d: Float64Array, r: number, val: PairValues) => void): void {
    const pot = this.potential, box = this.box, d = this.d;
    const list = (this.list = pairList(x, box, pot.cutoff, this.list));
    for (let k = 0; k < list.count; k++) {
      const i = list.i[k], j = list.j[k];
      for (let a = 0; a < 3; a++) d[a] = x[3 * j + a] - x[3 * i + a];
      minimumImage(d, box);
      const r = Math.hypot(d[0], d[1], d[2]);
      each(i, j, d, r, pot.at(r));
    }
  }

  hessianVector(x: Float64Array, v: Float64Array, out: Float64Array): void {
    this.forEachPair(x, (i, j, d, r, val) => addPairHessian(out, i, j, d, r, val.slope, val.curvature, v));
  }

  mixedDerivative(x: Float64Array, out: Float64Array): void {
    const m = x.length;
    this.forEachPair(x, (i, j, d, r, val) => {
      for (let p = 0; p < val.dSlope.length; p++) {
        const s = val.dSlope[p] / r;
        for (let a = 0; a < 3; a++) {
          out[p * m + 3 * j + a] += s * d[a];
          out[p * m + 3 * i + a] -= s * d[a];
        }
      }
    });
  }

  private scratch: CellScratch = { xs: new Float64Array(0), gs: new Float64Array(0), atom: new Int32Array(0), neighbours: null, nc: [] };

  private cellSum(x: Float64Array, nc: number[], gradient: Float64Array | null): number {
    if (this.scratch.xs.length !== x.length) this.scratch = { xs: new Float64Array(x.length), gs: new Float64Array(x.length), atom: new Int32Array(x.length / 3), neighbours: null, nc: [] };
    return cellSumOf(this, x, nc, gradient, this.scratch);
  }

  evaluate(x: Float64Array, gradient: Float64Array | null, paramGradient: Float64Array | null): number {
    const nc = cellsPerSide(this.box, this.potential.cutoff);
    if (paramGradient === null && nc !== null) return this.cellSum(x, nc, gradient);
    const pot = this.potential, box = this.box, d = this.d;
    const list = (this.list = pairList(x, box, pot.cutoff, this.list));
    const np = pot.params.length;
    let energy = 0;
    for (let k = 0; k < list.count; k++) {
      const i = list.i[k], j = list.j[k];
      d[0] = x[3 * j] - x[3 * i];
      d[1] = x[3 * j + 1] - x[3 * i + 1];
      d[2] = x[3 * j + 2] - x[3 * i + 2];
      minimumImage(d, box);
      const r = Math.sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
      const v = pot.at(r);
      energy += v.energy;
      if (gradient !== null) {
        const s = v.slope / r;
        for (let a = 0; a < 3; a++) {
          gradient[3 * j + a] += s * d[a];
          gradient[3 * i + a] -= s * d[a];
        }
      }
      if (paramGradient !== null) for (let p = 0; p < np; p++) paramGradient[p] += v.dEnergy[p];
    }
    return energy;
  }
}

/** Scratch of the cell loop, reused between evaluations. */
interface CellScratch {
  /** Wrapped positions sorted by cell (xyz interleaved), their gradient, and each sorted atom's original index. */
  xs: Float64Array;
  gs: Float64Array;
  atom: Int32Array;
  /** Forward neighbour cells for the cell counts `nc`. */
  neighbours: Int32Array | null;
  nc: number[];
}

/**
 * The force loop of a periodic box with a cell list: atoms are wrapped into
 * the box and sorted by cell (so each cell's atoms are contiguous), then each
 * cell is summed against itself and its 13 forward neighbours, pairs within
 * the cutoff on the spot. Energy, and dE/dx added to `gradient` when given.
 */
/**
 * Wraps the atoms into the box and sorts them by cell (counting sort) into
 * scratch.xs / scratch.atom; returns each cell's start in the sorted order,
 * and the forward-neighbour table (built once per cell counts).
 */
function sortByCell(positions: Float64Array, box: readonly [number, number, number], nc: number[], scratch: CellScratch): { start: Int32Array; neighbours: Int32Array } {
  const n = positions.length / 3;
  const ncell = nc[0] * nc[1] * nc[2];
  const cellOf = new Int32Array(n), start = new Int32Array(ncell + 1);
  for (let i = 0; i < n; i++) {
    const c = cellIndex(positions, i, box, nc);
    cellOf[i] = c;
    start[c + 1]++;
  }
  for (let c = 0; c < ncell; c++) start[c + 1] += start[c];
  const fill = start.slice(0, ncell);
  const { xs, atom } = scratch;
  for (let i = 0; i < n; i++) {
    const k = fill[cellOf[i]]++;
    atom[k] = i;
    for (let a = 0; a < 3; a++) {
      const L = box[a];
      xs[3 * k + a] = positions[3 * i + a] - L * Math.floor(positions[3 * i + a] / L);
    }
  }
  if (scratch.neighbours === null || scratch.nc.some((m, a) => m !== nc[a])) {
    scratch.neighbours = forwardNeighbours(nc);
    scratch.nc = nc.slice();
  }
  return { start, neighbours: scratch.neighbours };
}

function cellSumOf(term: PairTerm, positions: Float64Array, nc: number[], gradient: Float64Array | null, scratch: CellScratch): number {
  const pot = term.potential, box = term.box!;
  const n = positions.length / 3;
  const [Lx, Ly, Lz] = box, hx = Lx / 2, hy = Ly / 2, hz = Lz / 2;
  const ncell = nc[0] * nc[1] * nc[2];
  const { start, neighbours } = sortByCell(positions, box, nc, scratch);
  const { xs, gs, atom } = scratch;
  gs.fill(0);
  const rc2 = pot.cutoff * pot.cutoff;
  // Lennard-Jones with a plain or energy shift, inlined (no call, no square root per pair);
  // other functions and the force shift go through energyForce.
  const inline = pot.fn === lennardJones && pot.mode !== "force-shifted";
  const eps4 = 4 * pot.params[0], eps24 = 24 * pot.params[0], sg2 = pot.params[1] * pot.params[1];
  const shift = pot.mode === "energy-shifted" ? pot.shiftEnergy : 0;
  let energy = 0;
  for (let c = 0; c < ncell; c++) {
    for (let i = start[c]; i < start[c + 1]; i++) {
      const xi = xs[3 * i], yi = xs[3 * i + 1], zi = xs[3 * i + 2];
      let gx = 0, gy = 0, gz = 0;
      for (let o = -1; o < 13; o++) {
        // o = -1: the rest of i's own cell; then the forward neighbour cells.
        const nb = o < 0 ? c : neighbours[13 * c + o];
        const end = start[nb + 1];
        for (let j = o < 0 ? i + 1 : start[nb]; j < end; j++) {
          let dx = xs[3 * j] - xi, dy = xs[3 * j + 1] - yi, dz = xs[3 * j + 2] - zi;
          if (dx > hx) dx -= Lx;
          else if (dx < -hx) dx += Lx;
          if (dy > hy) dy -= Ly;
          else if (dy < -hy) dy += Ly;
          if (dz > hz) dz -= Lz;
          else if (dz < -hz) dz += Lz;
          const r2 = dx * dx + dy * dy + dz * dz;
          if (r2 >= rc2) continue;
          let fr: number;
          if (inline) {
            const s2 = sg2 / r2, s6 = s2 * s2 * s2, s12 = s6 * s6;
            energy += eps4 * (s12 - s6) - shift;
            fr = (eps24 * (2 * s12 - s6)) / r2;
          } else {
            energy += pot.energyForce(r2);
            fr = pot.forceOverR;
          }
          // dE/dx_j = -fr d, dE/dx_i = +fr d (fr = -(dE/dr)/r)
          gs[3 * j] -= fr * dx;
          gs[3 * j + 1] -= fr * dy;
          gs[3 * j + 2] -= fr * dz;
          gx += fr * dx;
          gy += fr * dy;
          gz += fr * dz;
        }
      }
      gs[3 * i] += gx;
      gs[3 * i + 1] += gy;
      gs[3 * i + 2] += gz;
    }
  }
  if (gradient !== null) {
    for (let k = 0; k < n; k++) {
      const i = atom[k];
      gradient[3 * i] += gs[3 * k];
      gradient[3 * i + 1] += gs[3 * k + 1];
      gradient[3 * i + 2] += gs[3 * k + 2];
    }
  }
  return energy;
}

/** A potential energy: the sum of its terms. */
export class Potential {
  readonly terms: EnergyTerm[];

  constructor(terms: EnergyTerm[]) {
    if (terms.length === 0) throw new InputError("terms", "a potential needs at least one term");
    this.terms = terms;
  }

  /** Number of parameters over all terms (the order of {@link parameters}). */
  get parameterCount(): number {
    return this.terms.reduce((s, t) => s + t.params.length, 0);
  }

  /** All parameters, term after term. */
  parameters(): Float64Array {
    const out = new Float64Array(this.parameterCount);
    let o = 0;
    for (const t of this.terms) {
      out.set(t.params, o);
      o += t.params.length;
    }
    return out;
  }

  /** Sets all parameters (term after term) and refreshes the terms. */
  setParameters(p: Float64Array): void {
    if (p.length !== this.parameterCount) throw new InputError("parameters", `expected ${this.parameterCount} values, got ${p.length}`);
    let o = 0;
    for (const t of this.terms) {
      t.params.set(p.subarray(o, o + t.params.length));
      o += t.params.length;
      t.refresh();
    }
  }

  /** (d2E/dx2) v for positions x: the Hessian-vector product, analytic for every term. */
  hessianVector(x: Float64Array, v: Float64Array): Float64Array {
    if (v.length !== x.length) throw new InputError("v", `expected ${x.length} values (3 per atom), got ${v.length}`);
    const out = new Float64Array(x.length);
    for (const t of this.terms) {
      if (t.hessianVector === undefined) throw new InputError("terms", `a ${t.constructor.name} term has no analytic Hessian yet`);
      t.hessianVector(x, v, out);
    }
    return out;
  }

  /** The full Hessian d2E/dx2, [3n, 3n] row-major, from 3n Hessian-vector products (small n). */
  hessian(x: Float64Array): Float64Array {
    const m = x.length;
    const out = new Float64Array(m * m);
    const e = new Float64Array(m);
    for (let c = 0; c < m; c++) {
      e.fill(0);
      e[c] = 1;
      out.set(this.hessianVector(x, e), c * m);
    }
    return out;
  }

  /**
   * The mixed derivatives d2E/(dparameters dx), [parameters, 3n] row-major:
   * row p is d(dE/dx)/dp, minus the change of the forces with parameter p.
   */
  mixedDerivative(x: Float64Array): Float64Array {
    if (x.length % 3 !== 0) throw new InputError("positions", `expected 3 coordinates per atom, got ${x.length} values`);
    const m = x.length, out = new Float64Array(this.parameterCount * m);
    let o = 0;
    for (const t of this.terms) {
      if (t.mixedDerivative === undefined) throw new InputError("terms", `a ${t.constructor.name} term has no parameter derivative of its forces`);
      t.mixedDerivative(x, out.subarray(o * m, (o + t.params.length) * m));
      o += t.params.length;
    }
    return out;
  }

  /** E(x); adds dE/dx to `gradient` and dE/dparameters to `paramGradient` when given. */
  evaluate(x: Float64Array, gradient: Float64Array | null = null, paramGradient: Float64Array | null = null): number {
    if (x.length % 3 !== 0) throw new InputError("positions", `expected 3 coordinates per atom, got ${x.length} values`);
    let e = 0, o = 0;
    for (const t of this.terms) {
      e += t.evaluate(x, gradient, paramGradient === null ? null : paramGradient.subarray(o, o + t.params.length));
      o += t.params.length;
    }
    return e;
  }
}

/**
 * The potential energy as a differentiable function of the positions, shape
 * [n, 3] -> [1]: vjp gives dE * dE/dx (minus the forces times dE), jvp the
 * directional derivative.
 */
export class PotentialEnergy implements Differentiable {
  readonly potential: Potential;

  constructor(potential: Potential) {
    this.potential = potential;
  }

  private positions(model: Field): Float64Array {
    if (model.shape.length !== 2 || model.shape[1] !== 3) throw new InputError("positions", `expected shape [n, 3], got [${model.shape.join(", ")}]`);
    const x = flatten(model);
    assertFinite(x, "positions");
    return x;
  }

  /** E and the forces -dE/dx, shape [n, 3]. */
  energyAndForces(positions: Field): { energy: number; forces: Field } {
    const x = this.positions(positions);
    const g = new Float64Array(x.length);
    const energy = this.potential.evaluate(x, g);
    return { energy, forces: field(g.map((v) => -v), positions.shape) };
  }

  forward(model: Field): Field {
    return field(Float64Array.of(this.potential.evaluate(this.positions(model))), [1]);
  }

  vjp(model: Field, dData: Field): Field {
    return this.linearize(model).vjp(dData);
  }

  jvp(model: Field, dModel: Field): Field {
    return this.linearize(model).jvp!(dModel);
  }

  linearize(model: Field): Linearization {
    const x = this.positions(model);
    const g = new Float64Array(x.length);
    const energy = this.potential.evaluate(x, g);
    assertFinite(g, "energy gradient");
    return {
      data: field(Float64Array.of(energy), [1]),
      vjp: (dd) => {
        checkShape(dd, [1], "dData");
        const s = flatten(dd)[0];
        return field(g.map((v) => s * v), model.shape);
      },
      jvp: (dx) => {
        checkShape(dx, model.shape, "dModel");
        const v = flatten(dx);
        let s = 0;
        for (let i = 0; i < g.length; i++) s += g[i] * v[i];
        return field(Float64Array.of(s), [1]);
      },
    };
  }
}
