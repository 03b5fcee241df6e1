/**
 * The scene file format, as a zod schema: the single source of truth for
 * validation (errors name the JSON path and the reason) and for the JSON
 * Schema that `gradscape schema` prints for editors.
 */
import { z } from "zod";
import { LIMITS } from "./limits.js";
import { optimizerEntry } from "./optimizer-kinds.js";
import { HeatInversionScene } from "./heat-schema.js";
import { SensorDesignScene } from "./design-schema.js";
import { BasinHoppingScene, CalibrationScene, ConformerSearchScene } from "./molecular-schema.js";
import { inversionFields, positive, position, timeFields, wavelet } from "./wave-fields.js";
import { Wave2DInversionScene } from "./wave2d-schema.js";

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
  ...timeFields,
  boundaries: z
    .object({
      left: z.enum(["absorbing", "free", "rigid"]).default("absorbing"),
      right: z.enum(["absorbing", "free", "rigid"]).default("absorbing"),
      pmlWidth: z.number().int().min(1).max(LIMITS.pmlWidth).default(20).describe("absorbing layer thickness (cells)"),
    })
    .strict()
    .default({ left: "absorbing", right: "absorbing", pmlWidth: 20 }),
  wavelet,
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
    ...inversionFields,
  })
  .strict();

export type WaveInversionScene = z.infer<typeof WaveInversionScene>;

export type WaveForwardScene = z.infer<typeof WaveForwardScene>;

/**
 * Two physics in one 1D column, inverted together: a wave inversion scene and a heat (conductivity)
 * inversion scene on grids of equal cell counts, tied by a structural coupling.
 */
export const JointInversionScene = z
  .object({
    $schema: z.string().optional(),
    description: z.string().optional(),
    kind: z.literal("joint-inversion").describe("velocity from 1D waves and conductivity from 1D heat diffusion in one column, inverted together"),
    wave: WaveInversionScene.describe("the seismic experiment: its last band is fitted (its optimizer serves a separate run of it alone)"),
    heat: HeatInversionScene.describe("the thermal experiment: 1D, unknown conductivity, as many cells as the wave grid (cell k of one is cell k of the other)"),
    coupling: z
      .object({
        kind: z.literal("gradient-similarity").describe("1/2 sum_k (D x_wave - alpha D x_heat)^2 over neighbour differences D of the optimization variables"),
        alpha: z.number().finite().describe("expected ratio of the wave variable's jumps to the heat variable's (log-velocity to log-conductivity with log parametrizations)"),
        weight: z.number().min(0).finite(),
      })
      .strict(),
    optimizer: optimizerEntry(),
  })
  .strict();

export type JointInversionScene = z.infer<typeof JointInversionScene>;

/** Every kind of scene (more join as the engine grows). */
export const Scene = z.discriminatedUnion("kind", [WaveForwardScene, WaveInversionScene, Wave2DInversionScene, HeatInversionScene, BasinHoppingScene, CalibrationScene, JointInversionScene, SensorDesignScene, ConformerSearchScene]);
export type Scene = z.infer<typeof Scene>;

/** The JSON Schema of scene files. */
export function sceneJsonSchema(): unknown {
  return z.toJSONSchema(Scene, { io: "input" });
}
