/**
 * Runs a `sensor-design` scene into a run folder: the design's criterion is
 * maximized by projected L-BFGS (minimizing its negative; the bounds keep the
 * sensors on the survey area or the rod), and after every iteration the
 * folder holds the layouts so far (`designs`, row 0 the start), the objective
 * and the gradient norm, with a "running" manifest, so the viewer can follow
 * the sensors moving live or replay them. The optimizer's state goes with
 * each iteration's manifest, so `--resume` continues a killed run to the
 * same bytes as one run through.
 */
import { field } from "../core/arrays.js";
import { checkSceneMemory } from "./estimate.js";
import type { ContinuationState } from "../inversion/continuation.js";
import { run } from "../inversion/descent.js";
import { projectedLbfgs } from "../inversion/projected.js";
import { RunWriter } from "../run/folder.js";
import type { SensorDesignProblem } from "./design-problem.js";
import { networkDesignProblem } from "./design-network.js";
import { rodDesignProblem } from "./design-rod.js";
import type { SensorDesignScene } from "./design-schema.js";
import { silentProgress, type Progress } from "./progress.js";
import { resumePoint } from "./resume.js";

/** What a design run reports. */
export interface DesignSummary {
  dir: string;
  iterations: number;
  message: string;
  criterion: string;
  /** The criterion at the start and at the design found. */
  startValue: number;
  finalValue: number;
  /** The final layout, [sensor, coordinate] flat (m). */
  design: Float64Array;
  /** What the design's kind adds (comparisons). */
  result: Record<string, number | number[] | string>;
  /** Lines for the command line. */
  report: string;
}

/** The problem of a scene, everything checked. */
export function sensorDesignProblem(scene: SensorDesignScene): SensorDesignProblem {
  return scene.design.kind === "network" ? networkDesignProblem(scene.design) : rodDesignProblem(scene.design);
}

/**
 * Runs the scene into `dir` (`resume`: continues the killed run there);
 * everything is checked before the folder is touched.
 */
export function runSensorDesign(scene: SensorDesignScene, dir: string, progress: Progress = silentProgress, resume = false): DesignSummary {
  checkSceneMemory(scene);
  const from = resume ? resumePoint(dir, scene) : null;
  const problem = sensorDesignProblem(scene);
  const { sensors, dims } = problem;
  const writer = new RunWriter(dir, { replace: from === null });
  const coordinateAxis = { name: dims === 1 ? "x" : "x, y", units: "m" };
  const domain = new Float64Array(2 * dims);
  for (let c = 0; c < dims; c++) [domain[2 * c], domain[2 * c + 1]] = [problem.lower[c], problem.upper[c]];
  writer.array("design_domain", field(domain, [dims, 2]), { units: "m", axes: [{ name: "coordinate" }, { name: "min, max" }], description: "the box the sensors stay in", role: "design-domain" });
  for (const a of problem.inputs) writer.array(a.name, a.data, a.meta);

  const layouts: Float64Array[] = [Float64Array.from(problem.start)];
  const history = { value: [] as number[], gradientNorm: [] as number[] };
  if (from !== null) {
    // The layouts and history up to the saved state (the manifest names the state of its iteration).
    const k = from.state.optimizer.iteration, size = sensors * dims;
    const saved = from.load("designs");
    for (let i = 1; i <= k; i++) layouts.push(saved.slice(i * size, (i + 1) * size));
    history.value = Array.from(from.load("misfit").subarray(0, k));
    history.gradientNorm = Array.from(from.load("gradient_norm").subarray(0, k));
  }
  const iterAxis = { name: "iteration", start: 1, step: 1 };
  const writeHistory = () => {
    const k = layouts.length - 1;
    const stacked = new Float64Array((k + 1) * sensors * dims);
    layouts.forEach((p, i) => stacked.set(p, i * sensors * dims));
    writer.array("designs", field(stacked, [k + 1, sensors, dims]), {
      units: "m", axes: [{ name: "iteration", start: 0, step: 1 }, { name: "sensor" }, coordinateAxis], description: "sensor positions after every iteration (row 0: the start)", role: "designs",
    });
    writer.array("misfit", field(Float64Array.from(history.value), [k]), { units: "objective", axes: [iterAxis], description: `the objective minimized: -(${problem.criterion})`, role: "misfit" });
    writer.array("terms", field(Float64Array.from(history.value), [k, 1]), { units: "objective", axes: [iterAxis, { name: "term", labels: [`-(${problem.criterion})`] }], role: "terms" });
    writer.array("gradient_norm", field(Float64Array.from(history.gradientNorm), [k]), { units: "objective per m", axes: [iterAxis], description: "projected gradient norm", role: "gradient-norm" });
  };
  writeHistory();
  const g = new Float64Array(problem.start.length);
  const startValue = -problem.objective(Float64Array.from(problem.start), g);
  const total = scene.optimizer.iterations;
  progress.start(total, "design");
  if (from !== null) progress.update(layouts.length - 1, "resumed");
  const bounds = { lower: problem.lower, upper: problem.upper };
  const result = run(projectedLbfgs(problem.objective, problem.start, bounds, { maxIterations: total, gradientTolerance: 0, resume: from?.state.optimizer }), (e) => {
    layouts.push(Float64Array.from(e.x));
    history.value.push(e.value);
    history.gradientNorm.push(e.gradientNorm);
    progress.update(e.iteration, `${problem.criterion} ${(-e.value).toPrecision(6)}`);
    writeHistory();
    // One stage: the state in the shape every resumable run's manifest names (see resume.ts).
    if (e.state !== undefined) {
      const state: ContinuationState = { stage: 0, iterationsBefore: 0, evaluationsBefore: 0, optimizer: e.state };
      writer.attach("state", JSON.stringify(state));
    }
    writer.finish(scene.kind, scene, { status: "running", iterations: e.iteration });
  });
  progress.stop();
  const design = result.x;
  writer.array("design", field(design, [sensors, dims]), { units: "m", axes: [{ name: "sensor" }, coordinateAxis], description: "the final design", role: "geometry" });
  const finish = problem.finish(design, progress);
  for (const a of finish.arrays) writer.array(a.name, a.data, a.meta);
  const finalValue = -result.value;
  writer.finish(scene.kind, scene, {
    status: "finished",
    result: { message: result.message, iterations: result.iterations, evaluations: result.evaluations, criterion: problem.criterion, startValue, finalValue, ...finish.result },
  });
  const report = `${problem.criterion} ${startValue.toPrecision(6)} -> ${finalValue.toPrecision(6)}\n` + finish.report;
  return { dir, iterations: result.iterations, message: result.message, criterion: problem.criterion, startValue, finalValue, design, result: finish.result, report };
}
