/**
 * Scene fields every wave scene shares, 1D or 2D: the time axis, stencil order,
 * precision and wavelet; and what every wave inversion chooses: noise, misfit,
 * parametrization, bounds, regularization, optimizer, preconditioning, bands.
 */
import { z } from "zod";
import { LIMITS } from "./limits.js";
import { optimizerEntry } from "./optimizer-kinds.js";

export const positive = z.number().positive().finite();

export const position = z.number().finite().describe("position (m)");

/** Time axis, spatial order and precision. */
export const timeFields = {
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
};

/** The source time function. */
export const wavelet = z
  .object({
    type: z.literal("ricker"),
    frequency: positive.describe("peak frequency (Hz)"),
    delay: positive.optional().describe("time of the peak (s); default 1.5 / frequency"),
  })
  .strict();

/** The worst-case least-squares misfit, for every inversion scene that has a misfit. */
export const adversarialMisfit = z
  .object({
    kind: z.literal("adversarial").describe("worst case of least squares over data perturbations of norm <= eta: 1/2 (|F(m) - d| + eta)^2"),
    eta: z.number().min(0).finite().describe("the adversary's budget: Euclidean norm of the perturbation of the whole data vector, in data units"),
    epsilon: z.number().min(0).finite().default(0).describe("smoothing of |F(m) - d| at 0 (data units); 0: the gradient there is 0"),
  })
  .strict();

/** What a wave inversion chooses besides its grid, model and shots. */
export const inversionFields = {
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
      adversarialMisfit,
    ])
    .default({ kind: "least-squares" }),
  parametrization: z.enum(["velocity", "log", "slowness", "squared-slowness"]).default("log"),
  bounds: z
    .object({ velocity: z.tuple([positive, positive]).describe("[vmin, vmax] (m/s)") })
    .strict()
    .optional()
    .describe("box bounds on the velocity, kept by projection: lbfgs runs as projected L-BFGS, heavy-ball, nesterov and adam project their steps; other kinds are refused"),
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
  optimizer: optimizerEntry("iterations per band"),
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
};
