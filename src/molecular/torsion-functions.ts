/**
 * Torsion energies as functions of the dihedral angle phi: the periodic
 * (AMBER) form and the OPLS Fourier form, each with dE/dphi, d2E/dphi2 and,
 * per parameter, dE/dp and d2E/(dphi dp) — the point functions that
 * {@link Torsions} lifts to positions, as pair functions are lifted by pair terms.
 *
 * Both are sums of one cosine, written once ({@link addCosine}):
 *   (V/2) [1 + cos(n phi - gamma)].
 * The OPLS form is the cosine sum with n = 1, 2, 3, 4 and fixed phases
 * 0, pi, 0, pi (cos(x - pi) = -cos x), its amplitudes K1..K4 the parameters:
 *   E = 1/2 [K1 (1 + cos phi) + K2 (1 - cos 2phi) + K3 (1 + cos 3phi) + K4 (1 - cos 4phi)].
 * Angles in radians; energies in the units of the amplitudes.
 */
import { InputError } from "../core/errors.js";

/** The values of a torsion function at one angle. */
export interface TorsionValues {
  /** E(phi). */
  energy: number;
  /** dE/dphi. */
  slope: number;
  /** d2E/dphi2. */
  curvature: number;
  /** dE/dp for each parameter. */
  readonly dEnergy: Float64Array;
  /** d2E/(dphi dp) for each parameter. */
  readonly dSlope: Float64Array;
}

/** A torsion energy as a function of the dihedral angle and its parameters. */
export interface TorsionFunction {
  readonly kind: string;
  /** Parameter names in order. */
  readonly names: readonly string[];
  /** Writes E, its phi-derivatives and its parameter derivatives at phi (radians) for parameters p into `out`. */
  evaluate(phi: number, p: ArrayLike<number>, out: TorsionValues): void;
}

/** Zeroed values for a function with `count` parameters. */
export function torsionValues(count: number): TorsionValues {
  return { energy: 0, slope: 0, curvature: 0, dEnergy: new Float64Array(count), dSlope: new Float64Array(count) };
}

/**
 * Adds (V/2) [1 + cos(n phi - gamma)] and its phi-derivatives into `out`,
 * and its derivatives in V (into index `iv` of dEnergy and dSlope) and in
 * gamma (index `ig`; -1: gamma is fixed, not a parameter).
 */
function addCosine(out: TorsionValues, phi: number, n: number, v: number, gamma: number, iv: number, ig: number): void {
  const c = Math.cos(n * phi - gamma), s = Math.sin(n * phi - gamma);
  out.energy += 0.5 * v * (1 + c);
  out.slope += -0.5 * v * n * s;
  out.curvature += -0.5 * v * n * n * c;
  out.dEnergy[iv] += 0.5 * (1 + c);
  out.dSlope[iv] += -0.5 * n * s;
  if (ig >= 0) {
    out.dEnergy[ig] += 0.5 * v * s;
    out.dSlope[ig] += 0.5 * v * n * c;
  }
}

function clear(out: TorsionValues): void {
  out.energy = out.slope = out.curvature = 0;
  out.dEnergy.fill(0);
  out.dSlope.fill(0);
}

/** The OPLS phases of cos(n phi) for n = 1..4: 1 + cos for odd n, 1 - cos for even n. */
const OPLS_PHASES = [0, Math.PI, 0, Math.PI];

/**
 * The OPLS Fourier form 1/2 [K1 (1 + cos phi) + K2 (1 - cos 2phi) + K3 (1 + cos 3phi) + K4 (1 - cos 4phi)],
 * parameters [K1, K2, K3, K4] (energies, any sign; phi = pi is trans).
 */
export const oplsTorsion: TorsionFunction = {
  kind: "opls-torsion",
  names: ["K1", "K2", "K3", "K4"],
  evaluate(phi, p, out) {
    clear(out);
    for (let q = 0; q < 4; q++) addCosine(out, phi, q + 1, p[q], OPLS_PHASES[q], q, -1);
  },
};

/**
 * The periodic (AMBER) form sum over the given multiplicities n of
 * V_n/2 [1 + cos(n phi - gamma_n)], parameters [V, gamma] per multiplicity in
 * the order given (names "V<n>", "gamma<n>"; gamma in radians).
 * @param multiplicities distinct positive integers, e.g. [1, 2, 3]
 * @throws {InputError} naming `multiplicities` when empty, not positive integers, or repeated
 */
export function periodicTorsion(multiplicities: readonly number[]): TorsionFunction {
  if (multiplicities.length === 0) throw new InputError("multiplicities", "expected at least one multiplicity n (a positive integer), got none");
  multiplicities.forEach((n, q) => {
    if (!Number.isInteger(n) || n < 1) throw new InputError(`multiplicities[${q}]`, `expected a positive integer, got ${n}`);
  });
  if (new Set(multiplicities).size !== multiplicities.length) throw new InputError("multiplicities", `expected distinct values, got [${multiplicities.join(", ")}]`);
  const ns = multiplicities.slice();
  return {
    kind: "periodic-torsion",
    names: Object.freeze(ns.flatMap((n) => [`V${n}`, `gamma${n}`])),
    evaluate(phi, p, out) {
      clear(out);
      for (let q = 0; q < ns.length; q++) addCosine(out, phi, ns[q], p[2 * q], p[2 * q + 1], 2 * q, 2 * q + 1);
    },
  };
}
