/**
 * The `wave2d-inversion` scene: full-waveform inversion of synthetic 2D acoustic data on a
 * section (x horizontal, z depth), with procedural velocity models of faulted, dipping layers,
 * bodies and anomalies (see velocity2d.ts), and shots placed one by one or along lines.
 */
import { z } from "zod";
import { LIMITS } from "./limits.js";
import { inversionFields, positive, timeFields, wavelet } from "./wave-fields.js";

const coordinate = z.number().finite();

/** A point of the section: [x, z] (m). */
export const Point2D = z.tuple([coordinate, coordinate]).describe("[x, z] (m), z downwards");

/** Points given one by one, or `count` points evenly spread from `from` to `to`. */
export const Points2D = z.union([
  z.array(Point2D).min(1).max(LIMITS.receivers),
  z.object({ from: Point2D, to: Point2D, count: z.number().int().min(1).max(LIMITS.receivers) }).strict().describe("`count` points evenly spread from `from` to `to`"),
]);

/** A procedural 2D velocity model: layers (dipping, undulating), cut by faults; bodies and anomalies on top. */
export const VelocityModel2D = z
  .object({
    layers: z
      .array(
        z
          .object({
            top: coordinate.describe("depth of the layer's top at x = 0 (m); the first layer also fills everything above it"),
            dip: z.number().min(-80).max(80).default(0).describe("dip of the top (degrees, positive: deepening towards +x)"),
            undulation: z
              .object({ amplitude: z.number().finite().describe("m"), wavelength: positive.describe("m") })
              .strict()
              .optional()
              .describe("a sinusoidal undulation of the top: + amplitude sin(2 pi x / wavelength)"),
            velocity: positive.describe("velocity at the layer's top (m/s)"),
            gradient: z.number().finite().default(0).describe("velocity increase per metre below the top (1/s)"),
          })
          .strict(),
      )
      .min(1)
      .max(LIMITS.pieces)
      .describe("layers from shallow to deep: a point belongs to the last layer whose top lies above it (tops may cross: later layers cut earlier ones)"),
    faults: z
      .array(
        z
          .object({
            x: coordinate.describe("where the fault plane meets z = 0 (m)"),
            dip: z.number().gt(0).lt(180).describe("angle of the fault plane from the +x axis, downwards (degrees): below 90 it leans towards +x"),
            throw: z.number().finite().describe("vertical offset of the layers on the +x side (m, positive: dropped down)"),
            from: z.number().finite().default(0).describe("the fault cuts only below this depth (m): above it lies younger, unfaulted cover"),
          })
          .strict(),
      )
      .max(LIMITS.pieces)
      .default([])
      .describe("faults, applied in order: the layers on each fault's +x side are shifted down by its throw"),
    bodies: z
      .array(
        z
          .object({
            center: Point2D,
            radii: z.tuple([positive, positive]).describe("semi-axes along x and z before rotation (m)"),
            angle: z.number().finite().default(0).describe("rotation (degrees)"),
            velocity: positive.describe("m/s"),
          })
          .strict(),
      )
      .max(LIMITS.pieces)
      .default([])
      .describe("elliptic bodies of constant velocity, replacing the layers (later bodies on top)"),
    anomalies: z
      .array(z.object({ center: Point2D, width: positive.describe("standard deviation (m)"), amplitude: z.number().finite().describe("peak velocity change (m/s)") }).strict())
      .max(LIMITS.pieces)
      .default([])
      .describe("Gaussian anomalies added last"),
  })
  .strict()
  .describe("procedural 2D velocity model");

export const Wave2DInversionScene = z
  .object({
    $schema: z.string().optional(),
    description: z.string().optional(),
    kind: z.literal("wave2d-inversion").describe("full-waveform inversion of synthetic 2D acoustic data"),
    grid: z
      .object({
        nx: z.number().int().min(9).describe("cells along x"),
        nz: z.number().int().min(9).describe("cells along z (depth)"),
        dx: positive.describe("cell size along x (m)"),
        dz: positive.describe("cell size along z (m)"),
        origin: Point2D.default([0, 0]).describe("position of cell (0, 0) (m)"),
      })
      .strict(),
    ...timeFields,
    boundaries: z
      .object({
        top: z.enum(["free", "absorbing"]).default("free").describe("a free surface (pressure release) or an absorbing layer"),
        pmlWidth: z.number().int().min(1).max(LIMITS.pmlWidth).default(20).describe("absorbing layer thickness (cells) on the absorbing sides"),
      })
      .strict()
      .default({ top: "free", pmlWidth: 20 }),
    storage: z
      .discriminatedUnion("mode", [
        z.object({ mode: z.literal("auto"), memory: positive.optional().describe("budget of each simulator's stored wavefields (bytes); default a quarter of the memory limit (the full band's simulator and a band's may hold theirs at once)") }).strict(),
        z.object({ mode: z.literal("full") }).strict(),
        z.object({ mode: z.literal("checkpoint"), snapshots: z.number().int().min(1).describe("forward states kept per shot") }).strict(),
      ])
      .default({ mode: "auto" })
      .describe("how gradients get the forward wavefields: all stored when they fit (auto), or recomputed from checkpoints"),
    wavelet,
    shots: z
      .union([
        z.array(z.object({ source: Point2D, receivers: Points2D }).strict()).min(1).max(LIMITS.shots),
        z.object({ sources: Points2D, receivers: Points2D }).strict().describe("one shot per source, all recorded by the same receivers"),
      ])
      .describe("every shot needs the same number of receivers"),
    model: z
      .object({
        true: VelocityModel2D.describe("the model that makes the observed data"),
        start: z
          .object({ smoothing: positive.describe("the true model averaged over +- this half-width along x and along z (m)") })
          .strict()
          .or(VelocityModel2D)
          .describe("starting model: a smoothed truth, or a model of its own"),
      })
      .strict(),
    ...inversionFields,
    taper: z
      .object({ radius: positive.describe("m: the gradient is muted within this distance of every source and receiver and tapered (sin^2) to full over as much again") })
      .strict()
      .optional()
      .describe("mute the gradient around sources and receivers, where the wavefield is singular (a fixed change of variables, like preconditioning)"),
    output: z
      .object({
        wavefieldShot: z.number().int().min(0).optional().describe("the shot whose final wavefield is kept (default: the middle one)"),
      })
      .strict()
      .default({}),
  })
  .strict();

export type Wave2DInversionScene = z.infer<typeof Wave2DInversionScene>;
export type VelocityModel2D = z.infer<typeof VelocityModel2D>;
