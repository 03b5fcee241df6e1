/**
 * The optimizers a scene may name and the options it may set: the one
 * vocabulary the scene schemas validate against and the engine choices map to
 * methods (engine-choices.ts), kept apart so the schemas need not import the engine.
 */
import { z } from "zod";
import { LIMITS } from "./limits.js";

export const OPTIMIZER_KINDS = ["lbfgs", "nonlinear-cg", "steepest-descent", "heavy-ball", "nesterov", "adam", "newton-cg"] as const;

/** A scene optimizer's name. */
export type OptimizerKind = (typeof OPTIMIZER_KINDS)[number];

/** The kinds each option of an optimizer entry belongs to; set for another kind, it is refused. */
export const OPTIMIZER_OPTIONS = {
  step: ["heavy-ball", "nesterov", "adam"],
  momentum: ["heavy-ball", "nesterov"],
  radius: ["newton-cg"],
  cgIterations: ["newton-cg"],
} as const satisfies Record<string, readonly OptimizerKind[]>;

/**
 * A scene's `optimizer` entry: the kind, its iteration budget (`iterations`
 * described as the scene counts them) and the options of its kind, each
 * omitted for the engine's choice of today (engine-choices.ts).
 */
export function optimizerEntry(iterations?: string) {
  const count = z.number().int().min(1).max(LIMITS.iterations);
  return z
    .object({
      kind: z.enum(OPTIMIZER_KINDS).default("lbfgs"),
      iterations: iterations === undefined ? count : count.describe(iterations),
      step: z.number().positive().finite().optional()
        .describe("heavy-ball, nesterov: a fixed step (optimization variables per unit of gradient); omitted, each step is backtracked. adam: the step length in the optimization variables (its first step moves each variable by about this much); default 0.01"),
      momentum: z.number().min(0).lt(1).optional().describe("heavy-ball, nesterov: the momentum beta, in [0, 1); default 0.9"),
      radius: z.number().positive().finite().optional().describe("newton-cg: the first trust-region radius, in the optimization variables; default 1"),
      cgIterations: count.optional().describe("newton-cg: most CG iterations (Hessian-vector products) a step; default 10"),
    })
    .strict()
    .superRefine((entry, ctx) => {
      for (const [name, kinds] of Object.entries(OPTIMIZER_OPTIONS)) {
        if (entry[name as keyof typeof OPTIMIZER_OPTIONS] !== undefined && !(kinds as readonly string[]).includes(entry.kind)) {
          const owners = kinds.length === 1 ? kinds[0] : `${kinds.slice(0, -1).join(", ")} or ${kinds[kinds.length - 1]}`;
          ctx.addIssue({ code: "custom", path: [name], message: `is an option of ${owners}, not of ${entry.kind}: remove it` });
        }
      }
    });
}

/** A scene's optimizer entry, validated. */
export type OptimizerEntry = z.infer<ReturnType<typeof optimizerEntry>>;
