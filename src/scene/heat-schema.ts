/**
 * Heat-conduction inversion scenes: the zod schema (joined into the scene
 * union of schema.ts). Units are SI: m, s, K, W/(m K), J/(m^3 K), W/m^2.
 */
import { z } from "zod";
import { LIMITS } from "./limits.js";
import { optimizerEntry } from "./optimizer-kinds.js";
import { adversarialMisfit } from "./wave-fields.js";

const positive = z.number().positive().finite();
const finite = z.number().finite();
const point = z.union([finite, z.tuple([finite, finite])]).describe("position: x (m) in 1D, [x, y] (m) in 2D");

/** Values over time t_n = n dt: a constant, nt samples, or points (t in s, value) interpolated. */
export const SeriesSpec = z.union([
  finite.describe("the same value at every time"),
  z.array(finite).min(2).describe("one value per time sample (nt values)"),
  z
    .object({
      points: z.array(z.tuple([finite, finite])).min(1).max(LIMITS.receivers).describe("[t (s), value] in increasing t"),
      interpolation: z.enum(["linear", "step"]).default("linear").describe("between points; constant beyond the first and last"),
    })
    .strict(),
]);

/** A field on the grid: a background plus layers (x ranges), inclusions (discs, or intervals in 1D) and Gaussian bumps. */
export const FieldSpec = z
  .object({
    background: finite,
    layers: z.array(z.object({ from: finite.describe("x (m)"), to: finite.describe("x (m)"), value: finite }).strict()).max(LIMITS.pieces).default([]).describe("value set on from <= x < to"),
    inclusions: z.array(z.object({ center: point, radius: positive.describe("m"), value: finite }).strict()).max(LIMITS.pieces).default([]).describe("value set within radius of center"),
    bumps: z.array(z.object({ center: point, width: positive.describe("standard deviation (m)"), amplitude: finite }).strict()).max(LIMITS.pieces).default([]).describe("Gaussians added"),
  })
  .strict();

/** A side of the domain: fixed temperature, flux or convection. */
export const Boundary = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("dirichlet"), temperature: SeriesSpec.describe("K") }).strict(),
  z.object({ kind: z.literal("neumann"), flux: SeriesSpec.describe("W/m^2 into the domain; 0 insulates") }).strict(),
  z.object({ kind: z.literal("robin"), coefficient: positive.describe("W/(m^2 K)"), temperature: SeriesSpec.describe("fluid temperature (K)") }).strict(),
]);

export const HeatInversionScene = z
  .object({
    $schema: z.string().optional(),
    description: z.string().optional(),
    kind: z.literal("heat-inversion").describe("inverse heat conduction on synthetic sensor data"),
    grid: z
      .object({
        nx: z.number().int().min(2),
        dx: positive.describe("m"),
        ny: z.number().int().min(2).optional().describe("2D: cells along y"),
        dy: positive.optional().describe("2D: m"),
        origin: point.optional().describe("lower-left corner (m)"),
      })
      .strict(),
    time: z.object({ dt: positive.describe("s"), nt: z.number().int().min(2).describe("time samples") }).strict(),
    scheme: z.enum(["explicit", "backward-euler", "crank-nicolson"]).default("crank-nicolson"),
    capacity: positive.describe("volumetric heat capacity rho c_p (J/(m^3 K))"),
    conductivity: FieldSpec.describe("true conductivity (W/(m K))"),
    initial: FieldSpec.default({ background: 0, layers: [], inclusions: [], bumps: [] }).describe("true initial temperature (K)"),
    boundaries: z.object({ left: Boundary.optional(), right: Boundary.optional(), bottom: Boundary.optional(), top: Boundary.optional() }).strict().default({}).describe("sides (default insulated)"),
    sources: z.array(z.object({ position: point, strength: SeriesSpec.describe("W/m^2 in 1D, W/m in 2D") }).strict()).max(LIMITS.pieces).default([]),
    sensors: z.array(point).min(1).max(LIMITS.receivers).describe("thermocouple positions"),
    unknown: z
      .discriminatedUnion("kind", [
        z.object({ kind: z.literal("conductivity"), start: positive.describe("homogeneous starting conductivity (W/(m K))"), parametrization: z.enum(["identity", "log"]).default("log") }).strict(),
        z.object({ kind: z.literal("initial"), start: finite.describe("uniform starting temperature (K)") }).strict(),
        z.object({ kind: z.literal("boundary"), side: z.enum(["left", "right", "bottom", "top"]), start: finite.describe("constant starting value (the side's unit)") }).strict(),
      ])
      .describe("what is inverted for; everything else is known"),
    noise: z
      .object({ relative: z.number().min(0).max(LIMITS.relativeNoise).describe("Gaussian standard deviation, as a fraction of the observed range (max - min)"), seed: z.number().int() })
      .strict()
      .optional(),
    perturbation: z
      .object({
        norm: z.number().min(0).finite().describe("Euclidean norm of the perturbation of the whole observed data vector (K)"),
        seed: z.number().int().describe("seed of its direction (uniform on the sphere)"),
      })
      .strict()
      .optional()
      .describe("a perturbation of known norm added to the observed data after any noise: what an adversary of budget eta = norm may do"),
    misfit: z
      .discriminatedUnion("kind", [z.object({ kind: z.literal("least-squares") }).strict(), z.object({ kind: z.literal("huber"), delta: positive.describe("K") }).strict(), adversarialMisfit])
      .default({ kind: "least-squares" }),
    regularization: z
      .array(z.object({ kind: z.enum(["damping", "smoothness", "total-variation"]), weight: z.number().min(0).finite(), epsilon: positive.optional().describe("total-variation smoothing") }).strict())
      .max(LIMITS.regularizers)
      .default([]),
    optimizer: optimizerEntry(),
    lCurve: z
      .object({ weights: z.array(z.number().min(0).finite()).min(2).max(LIMITS.stages).describe("weights of regularization[0], one inversion each") })
      .strict()
      .optional()
      .describe("an L-curve: data misfit against regularization norm over regularization weights, written to the run folder"),
    output: z.object({ temperatureEvery: z.number().int().min(1).default(10).describe("keep the final model's temperature field every this many steps") }).strict().default({ temperatureEvery: 10 }),
  })
  .strict();

export type HeatInversionScene = z.infer<typeof HeatInversionScene>;
