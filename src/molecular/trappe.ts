/**
 * TraPPE-UA, the united-atom force field for n-alkanes of Martin & Siepmann,
 * J. Phys. Chem. B 102, 2569 (1998): each carbon with its hydrogens is one
 * Lennard-Jones site (CH4, CH3, CH2), bonded by the bond graph.
 *
 * Units: lengths in angstrom, energies in kcal/mol, angles in radians. The
 * paper gives energies as E/k_B in kelvin; they are converted here with the
 * molar gas constant R = 8.314462618 J/(mol K) / 4184 J/kcal.
 *
 *   sites:     CH3 eps/k_B = 98 K, sigma = 3.75 A; CH2 46 K, 3.95 A; CH4 148 K, 3.73 A
 *              unlike sites by Lorentz-Berthelot: sigma_ij = (sigma_i + sigma_j)/2, eps_ij = sqrt(eps_i eps_j)
 *   bonds:     1.54 A, fixed in TraPPE; here a stiff harmonic bond, k = 900 kcal/(mol A^2)
 *              (our choice, not TraPPE's: ~1.7x the C-C stiffness of all-atom force fields,
 *              so that lengths stay within ~1e-3 A of 1.54 under the other terms' forces)
 *   angles:    (k_theta/2)(theta - theta0)^2, theta0 = 114 deg, k_theta/k_B = 62500 K/rad^2
 *   torsions:  c1 (1 + cos phi) + c2 (1 - cos 2phi) + c3 (1 + cos 3phi),
 *              c1, c2, c3 / k_B = 355.03, -68.19, 791.32 K (the OPLS form with K_n = 2 c_n)
 *   nonbonded: Lennard-Jones between sites more than three bonds apart (1-5 and farther)
 *              and between molecules; 1-2, 1-3 and 1-4 pairs excluded (TraPPE's rule:
 *              the torsion alone carries the 1-4 interaction). No cutoff (small molecules).
 *
 * Linear alkanes only: a site with more than two bonds (CH, C) is refused.
 */
import { InputError } from "../core/errors.js";
import { HarmonicAngles, HarmonicBonds } from "./bonded.js";
import type { BondGraph } from "./bond-graph.js";
import { ListedPairs } from "./listed-pairs.js";
import { lennardJones, PairPotential } from "./pair.js";
import { Potential } from "./potential.js";
import type { EnergyTerm } from "./term.js";
import { Torsions } from "./torsion.js";
import { oplsTorsion } from "./torsion-functions.js";

/** The molar gas constant in kcal/(mol K): an energy E/k_B in kelvin times this is E in kcal/mol. */
export const KCAL_PER_MOL_PER_KELVIN = 8.314462618 / 4184;

/** A united-atom site: a carbon with its hydrogens. */
export type UnitedAtom = "CH4" | "CH3" | "CH2";

const K = KCAL_PER_MOL_PER_KELVIN;

/** The TraPPE-UA n-alkane parameters in angstrom, kcal/mol and radians (see the module comment). */
export const TRAPPE_UA = Object.freeze({
  /** Lennard-Jones well depth (kcal/mol) and diameter (A) of each site. */
  sites: Object.freeze({
    CH4: Object.freeze({ epsilon: 148 * K, sigma: 3.73 }),
    CH3: Object.freeze({ epsilon: 98 * K, sigma: 3.75 }),
    CH2: Object.freeze({ epsilon: 46 * K, sigma: 3.95 }),
  }),
  /** C-C bond length (A). */
  bondLength: 1.54,
  /** Our harmonic stand-in for TraPPE's fixed bond, kcal/(mol A^2) in (k/2)(r - r0)^2. */
  bondStiffness: 900,
  /** C-C-C rest angle (rad). */
  angle: (114 * Math.PI) / 180,
  /** kcal/(mol rad^2) in (k/2)(theta - theta0)^2. */
  angleStiffness: 62500 * K,
  /** The OPLS amplitudes [K1, K2, K3, K4] (kcal/mol) of the C-C-C-C torsion: twice TraPPE's c1, c2, c3. */
  torsion: Object.freeze([2 * 355.03 * K, 2 * -68.19 * K, 2 * 791.32 * K, 0]),
  /** Factor of 1-4 Lennard-Jones pairs (excluded). */
  scale14: 0,
});

/** Each atom's site from its number of bonds: 0 CH4, 1 CH3, 2 CH2. */
export function unitedAtomSites(graph: BondGraph): UnitedAtom[] {
  return Array.from({ length: graph.atomCount }, (_, i) => {
    const d = graph.neighbors(i).length;
    if (d > 2) throw new InputError("graph", `atom ${i} has ${d} bonds: TraPPE-UA here covers linear alkanes (CH4, CH3, CH2 sites), not branches (CH, C)`);
    return (["CH4", "CH3", "CH2"] as const)[d];
  });
}

/**
 * The TraPPE-UA potential of the molecules of a bond graph (linear alkanes):
 * terms in the order bonds, angles, torsions, then one Lennard-Jones list per
 * pair of site kinds present (CH3-CH3, CH3-CH2, CH2-CH2, ... as they occur).
 * @throws {InputError} naming `graph` when an atom has more than two bonds
 */
export function trappeUA(graph: BondGraph): Potential {
  const sites = unitedAtomSites(graph);
  const p = TRAPPE_UA;
  const terms: EnergyTerm[] = [
    new HarmonicBonds(graph.bonds, p.bondStiffness, p.bondLength),
    new HarmonicAngles(graph.angles(), p.angleStiffness, p.angle),
    new Torsions(graph.dihedrals(), oplsTorsion, p.torsion),
  ];
  const { pairs } = graph.nonbondedPairs(p.scale14);
  const byKinds = new Map<string, [number, number][]>();
  for (const [i, j] of pairs) {
    const name = [sites[i], sites[j]].sort().join("-");
    byKinds.set(name, [...(byKinds.get(name) ?? []), [i, j]]);
  }
  for (const [name, list] of byKinds) {
    const [a, b] = name.split("-").map((s) => p.sites[s as UnitedAtom]);
    terms.push(new ListedPairs(new PairPotential(lennardJones, [Math.sqrt(a.epsilon * b.epsilon), (a.sigma + b.sigma) / 2]), list));
  }
  return new Potential(terms);
}
