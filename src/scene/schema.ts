/**
 * The scene file format, as a zod schema: the single source of truth for
 * validation (errors name the JSON path and the reason) and for the JSON
 * Schema that `gradscape schema` prints for editors.
 */
import { z } from "zod";
import { LIMITS } from "./limits.js";
import { HeatInversionScene } from "./heat-schema.js";
import { BasinHoppingScene, CalibrationScene } from "./molecular-schema.js";

const positive = z.number().positive().finite();

const position = z.number().finite().describe("position (m)");

/** A piecewise model: layers from `top` downwards, each with a velocity and an optional linear gradient. */
export const VelocityModel = z
  .object({
    layers: z
      .array(
        z
          .object({
            top: position.describe("depth of the layer's top (m); the first layer starts at the grid origin"),
            velocity: positive.describe("velocity at the top of the layer (m/s)"),
            gradient: z.number().finite().default(0).describe("velocity increase per metre below the top (1/s)"),
          })
          .strict(),
      )
      .min(1)
      .max(LIMITS.pieces)
      .describe("layers in increasing order of top"),
    anomalies: z
      .array(
        z
          .object({
            center: position.describe("centre of a Gaussian anomaly (m)"),
            width: positive.describe("its standard deviation (m)"),
            amplitude: z.number().finite().describe("its peak velocity change (m/s)"),
          })
          .strict(),
      )
      .max(LIMITS.pieces)
      .default([])
      .describe("Gaussian anomalies added to the layers"),
  })
  .strict()
  .describe("procedural velocity model");

const Receivers = z.union([
  z.array(position).min(1).max(LIMITS.receivers).describe("receiver positions (m)"),
  z
    .object({
      from: position,
      to: position,
      count: z.number().int().min(1).max(LIMITS.receivers),
    })
    .strict()
    .describe("`count` receivers evenly spread from `from` to `to` (m)"),
]);

/** What every 1D wave scene has: grid, time axis, stencil, ends, wavelet and shots. */
const waveCommon = {
  $schema: z.string().optional(),
  description: z.string().optional(),
  grid: z
    .object({
      nx: z.number().int().min(9).describe("number of cells"),
      dx: positive.describe("cell size (m)"),
      origin: z.number().finite().default(0).describe("position of cell 0 (m)"),
    })
    .strict(),
  time: z
    .object({
      dt: positive.describe("time step (s)"),
      nt: z.number().int().min(2).describe("number of time samples"),
    })
    .strict(),
  order: z.union([z.literal(2), z.literal(4), z.literal(6), z.literal(8)]).default(8).describe("spatial accuracy order"),
  precision: z
    .enum(["float64", "float32"])
    .default("float64")
    .describe("floating-point format of the wave state, stored wavefields and checkpoints: float32 halves their memory and runs faster, accurate to about 1e-5 relative"),
  boundaries: z
    .object({
      left: z.enum(["absorbing", "free", "rigid"]).default("absorbing"),
      right: z.enum(["absorbing", "free", "rigid"]).default("absorbing"),
      pmlWidth: z.number().int().min(1).max(LIMITS.pmlWidth).default(20).describe("absorbing layer thickness (cells)"),
    })
    .strict()
    .default({ left: "absorbing", right: "absorbing", pmlWidth: 20 }),
  wavelet: z
    .object({
      type: z.literal("ricker"),
      frequency: positive.describe("peak frequency (Hz)"),
      delay: positive.optional().describe("time of the peak (s); default 1.5 / frequency"),
    })
    .strict(),
  shots: z.array(z.object({ source: position.describe("source position (m)"), receivers: Receivers }).strict()).min(1).max(LIMITS.shots),
};

export const WaveForwardScene = z
  .object({
    ...waveCommon,
    kind: z.literal("wave-forward").describe("forward modelling of 1D acoustic waves"),
    model: z.object({ velocity: VelocityModel }).strict(),
    output: z
      .object({
        wavefieldEvery: z.number().int().min(1).default(10).describe("keep the wavefield every this many time steps"),
      })
      .strict()
      .default({ wavefieldEvery: 10 }),
  })
  .strict();

export const WaveInversionScene = z
  .object({
    ...waveCommon,
    kind: z.literal("wave-inversion").describe("full-waveform inversion of synthetic 1D acoustic data"),
    model: z
      .object({
        true: VelocityModel.describe("the model that makes the observed data"),
        start: z
          .object({ smoothing: positive.describe("the true model averaged over this half-width (m)") })
          .strict()
          .or(VelocityModel)
          .describe("starting model: a smoothed truth, or a model of its own"),
      })
      .strict(),
    noise: z
      .object({
        relative: z.number().min(0).max(LIMITS.relativeNoise).describe("Gaussian noise standard deviation, relative to the largest |observed| value"),
        seed: z.number().int().describe("seed of the noise (and of the outlier traces)"),
        outliers: z
          .object({
            traces: z.number().int().min(1).max(LIMITS.shots * LIMITS.receivers).describe("number of traces (shot, receiver) replaced by large noise"),
            relative: positive.max(1000 * LIMITS.relativeNoise).describe("their noise standard deviation, relative to the largest |observed| value"),
          })
          .strict()
          .optional()
          .describe("outlier traces, e.g. dead or noisy channels"),
      })
      .strict()
      .optional(),
    misfit: z
      .discriminatedUnion("kind", [
        z.object({ kind: z.literal("least-squares") }).strict(),
        z.object({ kind: z.literal("huber"), delta: positive.describe("threshold, in data units") }).strict(),
        z.object({ kind: z.literal("normalized-cross-correlation").describe("per trace 1 - <p, o> / (|p| |o|): blind to amplitude") }).strict(),
      ])
      .default({ kind: "least-squares" }),
    parametrization: z.enum(["velocity", "log", "slowness", "squared-slowness"]).default("log"),
    bounds: z
      .object({ velocity: z.tuple([positive, positive]).describe("[vmin, vmax] (m/s)") })
      .strict()
      .optional()
      .describe("box bounds on the velocity, kept by projection (projected L-BFGS; the optimizer's kind is then ignored)"),
    regularization: z
      .array(
        z
          .object({
            kind: z.enum(["damping", "smoothness", "total-variation"]),
            weight: z.number().min(0).finite(),
            epsilon: positive.optional().describe("total-variation smoothing (m/s)"),
          })
          .strict(),
      )
      .max(LIMITS.regularizers)
      .default([]),
    optimizer: z
      .object({
        kind: z.enum(["lbfgs", "nonlinear-cg", "steepest-descent"]).default("lbfgs"),
        iterations: z.number().int().min(1).max(LIMITS.iterations).describe("iterations per band"),
      })
      .strict(),
    preconditioning: z
      .object({
        kind: z.literal("illumination"),
        waterLevel: positive.default(1e-2).describe("epsilon: the illumination is stabilized by epsilon * its maximum"),
        receiverSide: z.boolean().default(false).describe("multiply each shot's source-side illumination by its receivers'"),
      })
      .strict()
      .optional()
      .describe("diagonal pseudo-Hessian (illumination) preconditioning, computed once at the starting model with the full-band wavelets"),
    bands: z
      .array(z.union([positive, z.literal("full")]))
      .min(1)
      .max(LIMITS.stages)
      .default(["full"])
      .describe("frequency continuation: low-pass cutoffs (Hz), low to high; \"full\" for the whole band"),
  })
  .strict();

export type WaveInversionScene = z.infer<typeof WaveInversionScene>;

export type WaveForwardScene = z.infer<typeof WaveForwardScene>;

/** Every kind of scene (more join as the engine grows). */
export const Scene = z.discriminatedUnion("kind", [WaveForwardScene, WaveInversionScene, HeatInversionScene, BasinHoppingScene, CalibrationScene]);
export type Scene = z.infer<typeof Scene>;

/** The JSON Schema of scene files. */
export function sceneJsonSchema(): unknown {
  return z.toJSONSchema(Scene, { io: "input" });
}
