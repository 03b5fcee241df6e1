/** Molecular scenes: basin-hopping searches of clusters and potential calibration to a dimer curve. */
import { z } from "zod";
import { LIMITS } from "./limits.js";

const positive = z.number().positive().finite();

/** A pair potential with its parameters (reduced units unless the scene says otherwise). */
export const PairSpec = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("lennard-jones"), epsilon: positive, sigma: positive }).strict(),
  z.object({ kind: z.literal("morse"), depth: positive.describe("D_e"), width: positive.describe("a"), equilibrium: positive.describe("r_e") }).strict(),
]);
export type PairSpec = z.infer<typeof PairSpec>;

export const BasinHoppingScene = z
  .object({
    $schema: z.string().optional(),
    description: z.string().optional(),
    kind: z.literal("molecular-basin-hopping").describe("global minimum search of a cluster in open space"),
    atoms: z.number().int().min(2).max(LIMITS.atoms),
    potential: PairSpec,
    start: z.object({ seed: z.number().int(), density: positive.default(0.5).describe("atoms per unit volume of the random start") }).strict(),
    search: z
      .object({
        seed: z.number().int(),
        steps: z.number().int().min(1).max(LIMITS.searchSteps).describe("budget in basin-hopping steps"),
        evaluations: z.number().int().min(2).max(LIMITS.searchEvaluations).optional().describe("budget in gradient evaluations of the local minimizations (the search stops at whichever budget is spent first)"),
        temperature: positive,
        stepSize: positive,
        containment: positive.optional().describe("atoms farther than this from the centroid are pulled back (default cbrt(atoms) + 1.5 sigma)"),
        angular: z.number().min(0).max(1).default(0).describe("probability that a step is an angular move (the least-bound atom to a random point of the surface) rather than a random displacement"),
        angularCandidates: z.number().int().min(1).max(1000).default(1).describe("surface points an angular move draws, keeping the one where the moved atom's pair energy is lowest"),
        compression: z.number().min(0).finite().default(0).describe("two-phase relaxation: each trial is first relaxed with compression * sum_i |x_i - c|^2 added (c the centroid; in epsilon / sigma^2, for Morse D_e / r_e^2), then without it; each phase counts as a local minimization (0: one phase)"),
        reseedAfter: z.number().int().min(1).max(LIMITS.searchSteps).optional().describe("restart from a new random start after this many steps without a new lowest minimum of the current run"),
        lattice: z.number().int().min(0).max(100).default(0).describe("rounds of dynamic lattice searching after each relaxation: atoms moved greedily, least bound first, to the vacant sites at the pair minimum's distance from three neighbours, then relaxed, while it improves; each relaxation counts as a local minimization (0: none)"),
      })
      .strict(),
    knownMinimum: z.number().finite().optional().describe("tabulated global minimum: the search stops when it reaches it"),
  })
  .strict();
export type BasinHoppingScene = z.infer<typeof BasinHoppingScene>;

export const CalibrationScene = z
  .object({
    $schema: z.string().optional(),
    description: z.string().optional(),
    kind: z.literal("molecular-calibration").describe("fit pair potentials to a noisy reference dimer curve, with Laplace uncertainties"),
    reference: z
      .object({
        potential: PairSpec.describe("the curve's true potential"),
        separations: z
          .object({ from: positive, to: positive.max(LIMITS.separation), count: z.number().int().min(3).max(LIMITS.receivers) })
          .strict()
          .refine((s) => s.from < s.to, { message: "expected from < to", path: ["to"] }),
        noise: z
          .object({
            sigma: positive.describe("standard deviation of the energies"),
            forceSigma: positive.optional().describe("standard deviation of the forces: when given, the reference has forces too and the fits match both"),
            seed: z.number().int(),
          })
          .strict(),
      })
      .strict(),
    fits: z.array(PairSpec.describe("a potential to fit, with its starting parameters")).min(1).max(LIMITS.stages),
    parametrization: z.enum(["log", "identity"]).default("log").describe("log keeps every parameter positive during the fit"),
    iterations: z.number().int().min(1).max(LIMITS.iterations).default(500),
  })
  .strict();
export type CalibrationScene = z.infer<typeof CalibrationScene>;

/** How a conformer search looks: every staggered combination, or basin hopping in torsion space from random starts. */
const ConformerMethod = z.discriminatedUnion("method", [
  z
    .object({
      method: z.literal("systematic").describe("one relaxation from each of the 3^(n-3) staggered combinations of backbone dihedrals (n <= 9)"),
      seed: z.number().int().describe("seed of the shakes that move each start off its mirror planes"),
      shake: z.number().min(0).lt(60).default(5).describe("each start's dihedrals are shaken by up to this many degrees"),
    })
    .strict(),
  z
    .object({
      method: z.literal("basin-hopping").describe("basin hopping in torsion space from random starts"),
      seed: z.number().int().describe("seed of every random choice: starts, moves, acceptance"),
      starts: z.number().int().min(1).max(LIMITS.stages * 100).describe("random starts (every backbone dihedral uniform), each followed by its own run"),
      steps: z.number().int().min(1).max(LIMITS.searchSteps).describe("torsion moves per start (each one local minimization)"),
      temperature: positive.describe("Metropolis temperature (kcal/mol)"),
      noise: z.number().min(0).lt(60).default(20).describe("a move sets a dihedral to a staggered value plus up to this many degrees"),
      evaluations: z.number().int().min(2).max(LIMITS.searchEvaluations).optional().describe("budget in gradient evaluations over the whole search"),
    })
    .strict(),
]);

export const ConformerSearchScene = z
  .object({
    $schema: z.string().optional(),
    description: z.string().optional(),
    kind: z.literal("conformer-search").describe("the distinct conformers of an n-alkane in TraPPE-UA (kcal/mol, angstrom)"),
    molecule: z.object({ alkane: z.number().int().min(4).max(LIMITS.chainCarbons).describe("n of C_nH_(2n+2), a linear chain of n united atoms") }).strict(),
    search: ConformerMethod,
    gradientTolerance: positive.default(1e-6).describe("every relaxation stops at |gradient| <= this (kcal/(mol A))"),
    energyTolerance: z.number().min(0).finite().default(1e-6).describe("two minima with one key are one conformer when their energies differ by at most this (kcal/mol)"),
  })
  .strict();
export type ConformerSearchScene = z.infer<typeof ConformerSearchScene>;
