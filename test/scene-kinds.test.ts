import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { field, flatten } from "../src/core/arrays.js";
import type { Differentiable, Field } from "../src/core/contract.js";
import { lbfgsOptimizer } from "../src/inversion/continuation.js";
import { leastSquares } from "../src/inversion/misfit.js";
import { dataObjective } from "../src/inversion/objective.js";
import { identity } from "../src/inversion/parametrization.js";
import { readRun } from "../src/run/folder.js";
import { ROLES } from "../src/run/roles.js";
import type { InversionProblem } from "../src/scene/inversion-problem.js";
import { SCENE_KINDS } from "../src/scene/kinds.js";
import { runInversion } from "../src/scene/run-inversion.js";
import { Scene } from "../src/scene/schema.js";

/** A physics nobody registered: data d = A m for a fixed, well-conditioned 8 x 8 matrix (a two-tap blur). */
const n = 8;
const blur = (m: Float64Array) => m.map((v, i) => v + 0.5 * (i > 0 ? m[i - 1] : 0));
const blurTransposed = (d: Float64Array) => d.map((v, i) => v + 0.5 * (i < n - 1 ? d[i + 1] : 0));
const toy: Differentiable = {
  forward: (m: Field) => field(blur(flatten(m)), [n]),
  vjp: (_m: Field, dd: Field) => field(blurTransposed(flatten(dd)), [n]),
  jvp: (_m: Field, dm: Field) => field(blur(flatten(dm)), [n]),
  linearize: (m: Field) => ({ data: field(blur(flatten(m)), [n]), vjp: (dd: Field) => field(blurTransposed(flatten(dd)), [n]) }),
};

describe("the registry of scene kinds", () => {
  test("every kind of the Scene union has one entry, with the very schema the union validates", () => {
    const options = Scene.options;
    expect(Object.keys(SCENE_KINDS).sort()).toEqual(options.map((o) => o.shape.kind.value).sort());
    for (const o of options) expect(SCENE_KINDS[o.shape.kind.value as keyof typeof SCENE_KINDS].schema).toBe(o);
  });
});

describe("a new physics plugs into the generic runner with one builder", () => {
  test("two stages of a toy linear problem: the run folder has every role, the stage labels, and a history that recomputes", () => {
    const truth = Float64Array.from({ length: n }, (_, i) => 1 + Math.sin(i));
    const observed = blur(truth);
    const start = new Float64Array(n).fill(1);
    const axes = [{ name: "cell" }];
    const objective = () => dataObjective({ simulator: toy, observed: field(observed, [n]), misfit: leastSquares(), modelShape: [n] });
    let closed = 0;
    const problem: InversionProblem<{ checked: boolean }> = {
      model: { name: "toy", shape: [n], axes, units: "1" },
      truth, start, parametrization: identity, optimizer: lbfgsOptimizer, termNames: [leastSquares().name],
      stages: [{ label: "coarse", iterations: 3, objective }, { label: "fine", iterations: 40, objective }],
      inputs: [{ name: "observed", data: field(observed, [n]), meta: { units: "1", axes, role: "observed" } }],
      snapshots: { predict: blur, shape: [n], axes, units: "1" },
      finish: (_x, model) => ({ arrays: [{ name: "predicted", data: field(blur(model), [n]), meta: { units: "1", axes, role: "predicted" } }], result: { checked: true } }),
      close: () => void closed++,
    };
    const dir = mkdtempSync(join(tmpdir(), "toy-"));
    const summary = runInversion({ kind: "toy" }, dir, () => problem);
    const run = readRun(dir);
    // Every array says what it is, with a role of the vocabulary.
    for (const a of run.manifest.arrays) expect(Object.keys(ROLES), a.name).toContain(a.role);
    const byRole = (role: string) => run.manifest.arrays.filter((a) => a.role === role);
    expect(byRole("stage")[0].labels).toEqual(["coarse", "fine"]);
    const stage = flatten(run.load(byRole("stage")[0].name));
    expect([...stage.slice(0, 3)]).toEqual([0, 0, 0]);
    expect(stage[stage.length - 1]).toBe(1);
    // The snapshots name their iteration; each is the prediction of that iteration's model.
    const models = flatten(run.load("models"));
    for (const s of byRole("predicted-snapshot")) expect([...flatten(run.load(s.name))]).toEqual([...blur(models.slice(s.iteration! * n, (s.iteration! + 1) * n))]);
    // The misfit history, recomputed independently from the stored models: 0.5 |A m_k - d|^2.
    const misfit = flatten(run.load("misfit"));
    misfit.forEach((v, k) => {
      const r = blur(models.slice((k + 1) * n, (k + 2) * n)).map((p, i) => p - observed[i]);
      const expected = 0.5 * r.reduce((a, b) => a + b * b, 0);
      // The same sums in another order: round-off of a few ulps.
      expect(Math.abs(v - expected)).toBeLessThanOrEqual(1e-13 * Math.max(expected, 1e-300));
    });
    // The problem is exactly solvable: the final model is the truth to round-off.
    expect(summary.finalError).toBeLessThan(1e-8);
    expect([...flatten(run.load("toy"))]).toEqual([...models.slice(-n)]);
    expect(run.manifest.result).toMatchObject({ checked: true });
    expect(summary.checked).toBe(true);
    expect(closed).toBe(1);
  });
});
