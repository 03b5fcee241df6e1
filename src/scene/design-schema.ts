/**
 * Sensor-design scenes: the zod schema (joined into the scene union of
 * schema.ts). Two designs: a seismic detection network on a survey area, and
 * D-optimal thermocouple positions along a heat-conducting rod. SI units.
 */
import { z } from "zod";
import { Boundary } from "./heat-schema.js";
import { LIMITS } from "./limits.js";

const positive = z.number().positive().finite();
const finite = z.number().finite();
const xy = z.tuple([finite, finite]).describe("[x, y] (m)");
const range = z.tuple([finite, finite]).refine((r) => r[0] < r[1], { message: "expected [min, max] with min < max" });

const NetworkDesign = z
  .object({
    kind: z.literal("network").describe("stations on a survey area, maximizing the probability that at least one detects a source, averaged over candidate sources"),
    area: z.object({ x: range.describe("[min, max] (m)"), y: range.describe("[min, max] (m)") }).strict().describe("the survey area: stations stay on it (bounds)"),
    model: z
      .object({
        amplitude: positive.describe("a0: amplitude a(R) = a0 exp(-attenuation R) / R at hypocentral distance R (m)"),
        attenuation: z.number().min(0).finite().describe("1/m"),
        depth: positive.describe("source depth (m)"),
        threshold: positive.describe("amplitude a station detects with probability 1/2"),
        steepness: positive.describe("logistic steepness per unit of ln amplitude"),
      })
      .strict(),
    sources: z
      .object({
        points: z.array(xy).max(LIMITS.receivers).default([]).describe("candidate epicentres"),
        clusters: z
          .array(z.object({ center: xy, radius: positive.describe("m: uniform on the disc"), count: z.number().int().min(1).max(LIMITS.receivers) }).strict())
          .max(LIMITS.pieces)
          .default([])
          .describe("seeded random epicentres"),
        seed: z.number().int().default(0).describe("seed of the clusters' epicentres"),
      })
      .strict()
      .describe("candidate sources, equally weighted"),
    stations: z.array(xy).min(1).max(LIMITS.receivers).describe("the starting layout"),
    randomLayouts: z
      .object({ count: z.number().int().min(1).max(LIMITS.searchSteps), seed: z.number().int() })
      .strict()
      .optional()
      .describe("layouts drawn uniformly on the area, to compare the optimum with"),
  })
  .strict();

const RodDesign = z
  .object({
    kind: z.literal("rod").describe("D-optimal thermocouple positions along a rod, for recovering its log-conductivity in zones"),
    grid: z.object({ nx: z.number().int().min(2), dx: positive.describe("m") }).strict(),
    time: z.object({ dt: positive.describe("s"), nt: z.number().int().min(2).describe("time samples") }).strict(),
    scheme: z.enum(["explicit", "backward-euler", "crank-nicolson"]).default("crank-nicolson"),
    capacity: positive.describe("volumetric heat capacity rho c_p (J/(m^3 K))"),
    initial: finite.default(0).describe("uniform initial temperature (K)"),
    boundaries: z.object({ left: Boundary.optional(), right: Boundary.optional() }).strict().default({}).describe("ends (default insulated)"),
    zones: z.number().int().min(1).max(LIMITS.pieces).describe("equal zones of the rod, one log-conductivity each"),
    prior: z
      .object({ conductivity: positive.describe("prior median (W/(m K)), every zone"), sigma: positive.describe("standard deviation of ln k per zone") })
      .strict()
      .describe("Gaussian prior on ln k; the design is linearized at its mean"),
    truth: z.array(positive).min(1).max(LIMITS.pieces).describe("true conductivity of each zone (W/(m K)), for the inversions that compare designs"),
    noise: z
      .object({ sigma: positive.describe("K, every datum"), seed: z.number().int(), draws: z.number().int().min(1).max(LIMITS.stages).describe("noise draws inverted per design") })
      .strict(),
    sensors: z.array(finite).min(1).max(LIMITS.receivers).describe("starting thermocouple positions (m)"),
    inversion: z.object({ iterations: z.number().int().min(1).max(LIMITS.iterations) }).strict().describe("L-BFGS iterations of each inversion"),
  })
  .strict();

export const SensorDesignScene = z
  .object({
    $schema: z.string().optional(),
    description: z.string().optional(),
    kind: z.literal("sensor-design").describe("move sensors to the best positions by gradient ascent of a design criterion (projected L-BFGS, bounds keep them on the domain)"),
    design: z.discriminatedUnion("kind", [NetworkDesign, RodDesign]),
    optimizer: z.object({ iterations: z.number().int().min(1).max(LIMITS.iterations) }).strict(),
  })
  .strict();

export type SensorDesignScene = z.infer<typeof SensorDesignScene>;
export type NetworkDesign = z.infer<typeof NetworkDesign>;
export type RodDesign = z.infer<typeof RodDesign>;
