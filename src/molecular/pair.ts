/**
 * Pair potentials E(r) with their parameters, and cutoffs done right.
 *
 * Each potential evaluates, at a distance r: the energy, dE/dr, and for each
 * parameter p the derivatives dE/dp and d2E/(dr dp). A cutoff rc turns E into
 *   none:           E(r)                                   (no cutoff)
 *   energy-shifted: E(r) - E(rc) for r < rc, else 0         (continuous energy)
 *   force-shifted:  E(r) - E(rc) - (r - rc) E'(rc), r < rc  (continuous energy and force)
 * and the parameter derivatives are shifted the same way.
 */
import { InputError } from "../core/errors.js";
import { parameterValues, type ParameterDomain } from "./term.js";

export type { ParameterDomain } from "./term.js";

/** The values of a pair function at one distance. */
export interface PairValues {
  /** E(r). */
  energy: number;
  /** dE/dr. */
  slope: number;
  /** d2E/dr2. */
  curvature: number;
  /** dE/dp for each parameter. */
  readonly dEnergy: Float64Array;
  /** d2E/(dr dp) for each parameter. */
  readonly dSlope: Float64Array;
}

/**
 * A pair function written in the squared distance r2, the form the force
 * loops want (no square root per pair): the energy E and the virial
 * W = -r dE/dr (so -(dE/dr)/r = W / r2), from three coefficients made once per
 * parameter set. Plain functions (no `this`): the cell loop holds them in
 * locals, calls both at the same r2, and the JIT inlines them and computes
 * their common powers once — as fast as the formula written into the loop
 * (measured on the lj-box bench). Keep them flat: a helper called from inside
 * them cost 6% there.
 */
export interface SquaredKernel {
  /** The coefficients for parameters p (in the order of the function's names). */
  readonly coefficients: (p: Float64Array) => readonly [number, number, number];
  /** E at squared distance r2 > 0. */
  readonly energy: (r2: number, c0: number, c1: number, c2: number) => number;
  /** The virial -r dE/dr at squared distance r2 > 0. */
  readonly virial: (r2: number, c0: number, c1: number, c2: number) => number;
}

/** A pair function of r and its parameters (uncut). */
export interface PairFunction {
  readonly kind: string;
  /** Parameter names in order, e.g. ["epsilon", "sigma"]. */
  readonly names: readonly string[];
  /** Where each parameter is physical (default "real"): checked when the parameters are set. */
  readonly domain?: readonly ParameterDomain[];
  /** Writes E, dE/dr and the parameter derivatives at r for parameters p. */
  evaluate(r: number, p: Float64Array, out: PairValues): void;
  /** The same function in the squared distance, for the force loops (optional: they take sqrt(r2) without it). */
  readonly squared?: SquaredKernel;
}

/** Lennard-Jones's prefactors: E = 4 eps (...), -r dE/dr = 24 eps (...). */
const LJ_ENERGY_FACTOR = 4, LJ_VIRIAL_FACTOR = 24;

/**
 * Lennard-Jones in the squared distance, the one place its formula is
 * written: with s6 = (sigma/r)^6 = (sigma^2 / r2)^3, E = e4 (s6^2 - s6) and
 * the virial -r dE/dr = e24 (2 s6^2 - s6), coefficients [e4, e24, sigma^2] =
 * [4 eps, 24 eps, sigma^2].
 */
const lennardJonesSquared: SquaredKernel = {
  coefficients: (p) => [LJ_ENERGY_FACTOR * p[0], LJ_VIRIAL_FACTOR * p[0], p[1] * p[1]],
  energy: (r2, e4, _e24, sigma2) => {
    const s2 = sigma2 / r2, s6 = s2 * s2 * s2;
    return e4 * (s6 * s6 - s6);
  },
  virial: (r2, _e4, e24, sigma2) => {
    const s2 = sigma2 / r2, s6 = s2 * s2 * s2;
    return e24 * (2 * (s6 * s6) - s6);
  },
};

/** Lennard-Jones 4 epsilon ((sigma/r)^12 - (sigma/r)^6): minimum -epsilon at r = 2^(1/6) sigma. */
export const lennardJones: PairFunction = {
  kind: "lennard-jones",
  names: ["epsilon", "sigma"],
  domain: ["positive", "positive"],
  evaluate(r, p, out) {
    const { energy, virial } = lennardJonesSquared;
    const eps = p[0], sigma = p[1], sigma2 = sigma * sigma, r2 = r * r;
    const e4 = LJ_ENERGY_FACTOR * eps, e24 = LJ_VIRIAL_FACTOR * eps;
    const w = virial(r2, e4, e24, sigma2);
    out.energy = energy(r2, e4, e24, sigma2);
    out.slope = -w / r;
    // E and W are linear in eps (their eps-derivatives: the bare factors); dE/dsigma = W / sigma.
    out.dEnergy[0] = energy(r2, LJ_ENERGY_FACTOR, LJ_VIRIAL_FACTOR, sigma2);
    out.dEnergy[1] = w / sigma;
    out.dSlope[0] = -virial(r2, LJ_ENERGY_FACTOR, LJ_VIRIAL_FACTOR, sigma2) / r;
    // The second derivatives, from the same powers.
    const s2 = sigma2 / r2, s6 = s2 * s2 * s2, s12 = s6 * s6;
    out.curvature = (e24 * (26 * s12 - 7 * s6)) / r2;
    out.dSlope[1] = -(e24 * (24 * s12 - 6 * s6)) / (sigma * r);
  },
  squared: lennardJonesSquared,
};

/** Morse D_e ((1 - exp(-a (r - r_e)))^2 - 1): minimum -D_e at r = r_e. */
export const morse: PairFunction = {
  kind: "morse",
  names: ["depth", "width", "equilibrium"],
  domain: ["positive", "positive", "positive"],
  evaluate(r, p, out) {
    const [de, a, re] = [p[0], p[1], p[2]];
    const x = Math.exp(-a * (r - re));
    out.energy = de * (x * x - 2 * x);
    out.slope = 2 * a * de * x * (1 - x);
    out.curvature = -2 * a * a * de * x * (1 - 2 * x);
    // dx/da = -(r - re) x, dx/dre = a x.
    const dxa = -(r - re) * x, dxr = a * x;
    out.dEnergy[0] = x * x - 2 * x;
    out.dEnergy[1] = de * (2 * x - 2) * dxa;
    out.dEnergy[2] = de * (2 * x - 2) * dxr;
    out.dSlope[0] = 2 * a * x * (1 - x);
    out.dSlope[1] = 2 * de * x * (1 - x) + 2 * a * de * (1 - 2 * x) * dxa;
    out.dSlope[2] = 2 * a * de * (1 - 2 * x) * dxr;
  },
};

/** Buckingham A exp(-r / rho) - C / r^6 (parameters A, rho, C). */
export const buckingham: PairFunction = {
  kind: "buckingham",
  names: ["repulsion", "range", "dispersion"],
  domain: ["positive", "positive", "non-negative"],
  evaluate(r, p, out) {
    const [A, rho, C] = [p[0], p[1], p[2]];
    const e = Math.exp(-r / rho), r6 = r ** 6;
    out.energy = A * e - C / r6;
    out.slope = (-A / rho) * e + (6 * C) / (r6 * r);
    out.curvature = (A / (rho * rho)) * e - (42 * C) / (r6 * r * r);
    out.dEnergy[0] = e;
    out.dEnergy[1] = (A * e * r) / (rho * rho);
    out.dEnergy[2] = -1 / r6;
    out.dSlope[0] = -e / rho;
    // d/drho of -(A/rho) e: A e / rho^2 - (A/rho) e r / rho^2
    out.dSlope[1] = (A * e) / (rho * rho) - (A * e * r) / (rho * rho * rho);
    out.dSlope[2] = 6 / (r6 * r);
  },
};

export type CutoffMode = "none" | "energy-shifted" | "force-shifted";

/**
 * A pair function with its parameters and cutoff, ready for the force loops:
 * immutable (a potential with other parameters is a new one, {@link withParameters}).
 */
export class PairPotential {
  readonly fn: PairFunction;
  /** The parameters in the order of `fn.names` (frozen: writing to it throws). */
  readonly params: readonly number[];
  readonly cutoff: number;
  readonly mode: CutoffMode;
  /** The parameters as the pair function reads them: a private copy, never written after construction. */
  private readonly p: Float64Array;
  /** The uncut function at the cutoff, computed once (what the shifts subtract). */
  private readonly atCut: PairValues;
  /** Scratch of {@link at} and {@link energyForce}. */
  private readonly value: PairValues;
  /** The coefficients of `fn.squared` for these parameters ([0, 0, 0] without it): what the force loops read (frozen). */
  readonly kernelCoefficients: readonly [number, number, number];
  /** The same as unboxed doubles, for {@link energyForce}. */
  private readonly kc: Float64Array;

  /**
   * @param params the parameters in the order of `fn.names`, each finite and in its `fn.domain`
   * @param cutoff rc (Infinity: none)
   */
  constructor(fn: PairFunction, params: ArrayLike<number>, cutoff = Infinity, mode: CutoffMode = cutoff === Infinity ? "none" : "energy-shifted") {
    this.params = parameterValues(params, fn.names, fn.kind, fn.domain);
    this.p = Float64Array.from(this.params);
    this.fn = fn;
    if (!(cutoff > 0)) throw new InputError("cutoff", `expected a positive distance or Infinity, got ${cutoff}`);
    if (mode !== "none" && cutoff === Infinity) throw new InputError("cutoff", `a ${mode} potential needs a finite cutoff`);
    this.cutoff = cutoff;
    this.mode = cutoff === Infinity ? "none" : mode;
    const n = fn.names.length;
    this.atCut = { energy: 0, slope: 0, curvature: 0, dEnergy: new Float64Array(n), dSlope: new Float64Array(n) };
    this.value = { energy: 0, slope: 0, curvature: 0, dEnergy: new Float64Array(n), dSlope: new Float64Array(n) };
    if (this.mode !== "none") fn.evaluate(cutoff, this.p, this.atCut);
    this.kernelCoefficients = Object.freeze(fn.squared?.coefficients(this.p) ?? [0, 0, 0]);
    this.kc = Float64Array.from(this.kernelCoefficients);
  }

  /** The same function, cutoff and mode with parameters `params` (checked as by the constructor); this one is unchanged. */
  withParameters(params: ArrayLike<number>): PairPotential {
    return new PairPotential(this.fn, params, this.cutoff, this.mode);
  }

  /** The uncut function's energy at the cutoff (what the energy shift subtracts; 0 without a cutoff). */
  get shiftEnergy(): number {
    return this.mode === "none" ? 0 : this.atCut.energy;
  }

  /** -(dE/dr) / r of the last {@link energyForce} call. */
  forceOverR = 0;

  /**
   * The cut potential's energy at squared distance r2 (< cutoff^2), with
   * -(dE/dr)/r left in {@link forceOverR}: the force loops' general path (no
   * square root with a squared kernel unless force-shifted).
   */
  energyForce(r2: number): number {
    const c = this.atCut, sq = this.fn.squared;
    let energy: number, fr: number;
    if (sq !== undefined) {
      const k = this.kc;
      energy = sq.energy(r2, k[0], k[1], k[2]);
      fr = sq.virial(r2, k[0], k[1], k[2]) / r2;
    } else {
      const v = this.value;
      this.fn.evaluate(Math.sqrt(r2), this.p, v);
      energy = v.energy;
      fr = -v.slope / Math.sqrt(r2);
    }
    if (this.mode === "energy-shifted") energy -= c.energy;
    else if (this.mode === "force-shifted") {
      const r = Math.sqrt(r2);
      energy -= c.energy + (r - this.cutoff) * c.slope;
      fr += c.slope / r;
    }
    this.forceOverR = fr;
    return energy;
  }

  /**
   * The cut potential at r (< cutoff): energy, slope and parameter derivatives
   * into the returned object (reused: valid until the next call).
   */
  at(r: number): PairValues {
    const v = this.value;
    this.fn.evaluate(r, this.p, v);
    if (this.mode === "none") return v;
    const c = this.atCut;
    const force = this.mode === "force-shifted";
    v.energy -= c.energy + (force ? (r - this.cutoff) * c.slope : 0);
    if (force) v.slope -= c.slope;
    for (let k = 0; k < v.dEnergy.length; k++) {
      v.dEnergy[k] -= c.dEnergy[k] + (force ? (r - this.cutoff) * c.dSlope[k] : 0);
      if (force) v.dSlope[k] -= c.dSlope[k];
    }
    return v;
  }
}
