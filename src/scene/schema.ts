/**
 * The scene file format, as a zod schema: the single source of truth for
 * validation (errors name the JSON path and the reason) and for the JSON
 * Schema that `gradscape schema` prints for editors.
 */
import { z } from "zod";

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
      .describe("layers in increasing order of top"),
  })
  .strict()
  .describe("procedural velocity model");

const Receivers = z.union([
  z.array(position).min(1).describe("receiver positions (m)"),
  z
    .object({
      from: position,
      to: position,
      count: z.number().int().min(1),
    })
    .strict()
    .describe("`count` receivers evenly spread from `from` to `to` (m)"),
]);

export const WaveForwardScene = z
  .object({
    $schema: z.string().optional(),
    kind: z.literal("wave-forward").describe("forward modelling of 1D acoustic waves"),
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
    boundaries: z
      .object({
        left: z.enum(["absorbing", "free", "rigid"]).default("absorbing"),
        right: z.enum(["absorbing", "free", "rigid"]).default("absorbing"),
        pmlWidth: z.number().int().min(1).default(20).describe("absorbing layer thickness (cells)"),
      })
      .strict()
      .default({ left: "absorbing", right: "absorbing", pmlWidth: 20 }),
    model: z.object({ velocity: VelocityModel }).strict(),
    wavelet: z
      .object({
        type: z.literal("ricker"),
        frequency: positive.describe("peak frequency (Hz)"),
        delay: positive.optional().describe("time of the peak (s); default 1.5 / frequency"),
      })
      .strict(),
    shots: z
      .array(z.object({ source: position.describe("source position (m)"), receivers: Receivers }).strict())
      .min(1),
    output: z
      .object({
        wavefieldEvery: z.number().int().min(1).default(10).describe("keep the wavefield every this many time steps"),
      })
      .strict()
      .default({ wavefieldEvery: 10 }),
  })
  .strict();

export type WaveForwardScene = z.infer<typeof WaveForwardScene>;

/** Every kind of scene (more join as the engine grows). */
export const Scene = z.discriminatedUnion("kind", [WaveForwardScene]);
export type Scene = z.infer<typeof Scene>;

/** The JSON Schema of scene files. */
export function sceneJsonSchema(): unknown {
  return z.toJSONSchema(Scene, { io: "input" });
}
