/**
 * The inversion problem of a `joint-inversion` scene: the wave and heat
 * scenes it holds build their own problems (observed data, truth, start,
 * parametrization, regularization); the engine stacks their last stages'
 * objectives (the full band unless a wave scene's bands end below it) as two blocks of one vector (velocity, then conductivity) with
 * the coupling between them, and the generic runner does the rest. Each
 * block's truth and start are written with its offset in the stacked model,
 * so a reader (the viewer) splits every iterate into the two models.
 */
import { field, flatten } from "../core/arrays.js";
import { InputError } from "../core/errors.js";
import { blockParametrization, gradientSimilarity, jointObjective } from "../inversion/joint.js";
import type { DataObjective } from "../inversion/objective.js";
import { optimizerOf } from "./engine-choices.js";
import { checkSceneMemory } from "./estimate.js";
import { heatInversionProblem } from "./heat-inversion.js";
import type { InversionProblem, OutputArray } from "./inversion-problem.js";
import { silentProgress, type Progress } from "./progress.js";
import { relativeError, runInversion, type InversionSummary } from "./run-inversion.js";
import type { JointInversionScene } from "./schema.js";
import { waveInversionProblem } from "./wave-inversion.js";

/** Each block's model error at the start and at the end. */
export interface JointResult {
  blocks: { name: string; startError: number; finalError: number }[];
}

/** The problem of the scene, everything checked. */
export function jointInversionProblem(scene: JointInversionScene, warn: (m: string) => void = () => {}): InversionProblem<JointResult> {
  if (scene.heat.unknown.kind !== "conductivity") throw new InputError("heat.unknown.kind", `a joint inversion recovers conductivity, got "${scene.heat.unknown.kind}"`);
  if (scene.heat.grid.ny !== undefined) throw new InputError("heat.grid.ny", "a joint column is 1D: remove ny");
  for (const key of ["bounds", "preconditioning"] as const) {
    if (scene.wave[key] !== undefined) throw new InputError(`wave.${key}`, "is not used by a joint inversion (its blocks are unbounded and unpreconditioned): remove it");
  }
  if (scene.heat.lCurve !== undefined) throw new InputError("heat.lCurve", "is not used by a joint inversion: remove it");
  const wave = waveInversionProblem(scene.wave, warn);
  const heat = heatInversionProblem(scene.heat);
  const n = wave.start.length;
  if (heat.start.length !== n) throw new InputError("heat.grid.nx", `expected ${n} cells, as many as the wave grid (cell k of one is cell k of the other), got ${heat.start.length}`);
  const parts = [wave, heat];
  const names = parts.map((p) => p.model.name);
  const param = blockParametrization(parts.map((p) => p.parametrization), [n, n]);
  const coupling = { term: gradientSimilarity(scene.coupling.alpha), weight: scene.coupling.weight, between: [0, 1] as const };
  const stack = (a: Float64Array, b: Float64Array) => {
    const out = new Float64Array(2 * n);
    out.set(a);
    out.set(b, n);
    return out;
  };
  const objective = (): DataObjective => {
    // Each physics's last stage (the full band unless its bands end below it).
    const blocks = parts.map((p, b) => ({ name: names[b], size: n, objective: p.stages[p.stages.length - 1].objective() }));
    const joint = jointObjective(blocks, [coupling]);
    return {
      objective: joint.objective,
      hessianVector: joint.hessianVector,
      terms: joint.terms,
      toModel: (x) => {
        const m = new Float64Array(2 * n);
        param.toModel(x, m);
        return field(m, [2 * n]);
      },
      toParameter: (model) => {
        const x = new Float64Array(2 * n);
        param.toParameter(flatten(model), x);
        return x;
      },
    };
  };
  const termNames = [...parts.flatMap((p, b) => p.termNames.map((t) => `${names[b]}.${t}`)), coupling.term.name];
  const blockArray = (b: number, which: "truth" | "start" | "model", values: Float64Array): OutputArray => ({
    name: which === "model" ? names[b] : `${which === "truth" ? "true" : "start"}_${names[b]}`,
    data: field(values, [n]),
    meta: { units: parts[b].model.units, axes: parts[b].model.axes, role: `block-${which}`, block: names[b], offset: b * n, description: `${which === "model" ? "final" : which === "truth" ? "true" : "starting"} ${names[b]}` },
  });
  const prefixed = (prefix: string, a: OutputArray): OutputArray => ({ ...a, name: `${prefix}_${a.name}` });
  const blockErrors = (m: Float64Array) => parts.map((p, b) => relativeError(m.subarray(b * n, (b + 1) * n), p.truth, p.errorReference ?? 0));
  return {
    model: { name: "joint_model", shape: [2 * n], axes: [{ name: "cell" }], units: `${wave.model.units} (cells 0..${n - 1}), ${heat.model.units} (cells ${n}..${2 * n - 1})` },
    truth: stack(wave.truth!, heat.truth!),
    start: stack(wave.start, heat.start),
    parametrization: param,
    optimizer: optimizerOf(scene.optimizer),
    termNames,
    stages: [{ label: "joint", iterations: scene.optimizer.iterations, objective }],
    // The blocks' relative errors combined (root mean square): each is free of units, while one
    // relative error of the stacked vector would be the velocity's alone (m/s against W/(m K)).
    modelError: (m) => Math.hypot(...blockErrors(m)) / Math.sqrt(parts.length),
    inputs: [
      ...parts.flatMap((p, b) => [blockArray(b, "truth", p.truth!), blockArray(b, "start", p.start)]),
      ...wave.inputs.map((a) => prefixed("wave", a)),
      ...heat.inputs.map((a) => prefixed("heat", a)),
    ],
    finish(_x, final) {
      const [startErrors, finalErrors] = [blockErrors(stack(wave.start, heat.start)), blockErrors(final)];
      const blocks = parts.map((_, b) => ({ name: names[b], startError: startErrors[b], finalError: finalErrors[b] }));
      return { arrays: parts.map((_, b) => blockArray(b, "model", final.slice(b * n, (b + 1) * n))), result: { blocks } };
    },
    close() {
      wave.close?.();
      heat.close?.();
    },
  };
}

/** Runs the scene into `dir` with the generic runner; everything is checked before the folder is touched. */
export function runJointInversion(scene: JointInversionScene, dir: string, progress: Progress = silentProgress, resume = false): InversionSummary & Partial<JointResult> {
  checkSceneMemory(scene);
  return runInversion(scene, dir, () => jointInversionProblem(scene), { progress, resume });
}
