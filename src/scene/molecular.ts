/**
 * Runs molecular scenes into run folders: a basin-hopping search of a cluster
 * (every accepted minimum stored, for replay) and the calibration of pair
 * potentials to a noisy reference dimer curve (fitted parameters with
 * Laplace standard errors).
 */
import { field, flatten } from "../core/arrays.js";
import { Random } from "../core/random.js";
import { basinHopping } from "../inversion/basin-hopping.js";
import { run } from "../inversion/descent.js";
import { laplaceCovariance } from "../inversion/laplace.js";
import { lbfgs } from "../inversion/methods.js";
import { leastSquares } from "../inversion/misfit.js";
import { dataObjective } from "../inversion/objective.js";
import { ParameterEnergies } from "../molecular/calibration.js";
import { containment, distinctStructures, energyObjective, randomCluster } from "../molecular/cluster.js";
import { lennardJones, morse, PairPotential } from "../molecular/pair.js";
import { PairTerm, Potential } from "../molecular/potential.js";
import { RunWriter } from "../run/folder.js";
import type { BasinHoppingScene, CalibrationScene, PairSpec } from "./molecular-schema.js";
import { silentProgress, type Progress } from "./progress.js";

/** The pair function and parameter vector of a scene's potential. */
function pairOf(spec: PairSpec): { fn: typeof lennardJones; params: number[] } {
  return spec.kind === "lennard-jones" ? { fn: lennardJones, params: [spec.epsilon, spec.sigma] } : { fn: morse, params: [spec.depth, spec.width, spec.equilibrium] };
}

const potentialOf = (spec: PairSpec) => {
  const { fn, params } = pairOf(spec);
  return new Potential([new PairTerm(new PairPotential(fn, params))]);
};

/** What a basin-hopping run reports. */
export interface SearchSummary {
  dir: string;
  /** Distinct structures among the accepted minima. */
  distinctMinima: number;
  best: number;
  reachedTarget: boolean;
  steps: number;
  localMinimizations: number;
  evaluations: number;
}

/** Runs a basin-hopping scene into `dir`. */
export function runBasinHopping(scene: BasinHoppingScene, dir: string, progress: Progress = silentProgress): SearchSummary {
  const n = scene.atoms;
  const s = scene.search;
  const sigma = scene.potential.kind === "lennard-jones" ? scene.potential.sigma : scene.potential.equilibrium;
  const potential = potentialOf(scene.potential);
  const x0 = randomCluster(n, scene.start.seed, scene.start.density / sigma ** 3);
  const writer = new RunWriter(dir);
  const atomAxes = [{ name: "atom" }, { name: "xyz" }];
  writer.array("start_positions", field(x0, [n, 3]), { units: "length", axes: atomAxes });
  progress.start(s.steps, "basin hopping");
  const result = basinHopping(energyObjective(potential), x0, {
    seed: s.seed, steps: s.steps, temperature: s.temperature, stepSize: s.stepSize * sigma,
    target: scene.knownMinimum, targetTolerance: 1e-6 * Math.abs(scene.knownMinimum ?? 1),
    constrain: containment(s.containment ?? (Math.cbrt(n) + 1.5) * sigma),
    onStep: (step, current, best) => progress.update(step, `current ${current.toFixed(6)} | best ${best.toFixed(6)}${scene.knownMinimum === undefined ? "" : ` | known ${scene.knownMinimum}`}`),
  });
  progress.stop();
  const k = result.accepted.length;
  const stacked = new Float64Array(k * 3 * n);
  result.accepted.forEach((m, i) => stacked.set(m.x, i * 3 * n));
  const acceptAxis = [{ name: "accepted" }];
  writer.array("accepted_positions", field(stacked, [k, n, 3]), { units: "length", axes: [...acceptAxis, ...atomAxes], description: "every accepted local minimum, in order" });
  writer.array("accepted_energy", field(Float64Array.from(result.accepted, (m) => m.value), [k]), { units: "energy", axes: acceptAxis });
  writer.array("accepted_step", field(Float64Array.from(result.accepted, (m) => m.step), [k]), { units: "step", axes: acceptAxis });
  const labels = distinctStructures(result.accepted.map((m) => m.x));
  writer.array("accepted_structure", field(Float64Array.from(labels), [k]), { units: "label", axes: acceptAxis, description: "which distinct structure each accepted minimum is (same label: the same minimum, up to rotation, translation and atom numbering)" });
  writer.array("best_positions", field(result.x, [n, 3]), { units: "length", axes: atomAxes, description: "the lowest minimum found" });
  const summary = { distinctMinima: labels.reduce((m, l) => Math.max(m, l + 1), 0), best: result.value, reachedTarget: result.reachedTarget, steps: result.steps, localMinimizations: result.localMinimizations, evaluations: result.evaluations };
  writer.finish(scene.kind, scene, { status: "finished", result: { ...summary, knownMinimum: scene.knownMinimum ?? null, foundAt: result.foundAt } });
  return { dir, ...summary };
}

/** One fitted potential. */
export interface FitSummary {
  kind: string;
  names: readonly string[];
  parameters: number[];
  standardErrors: number[];
  /** Root-mean-square residual of the energies. */
  rms: number;
}

/** Runs a calibration scene into `dir`. */
export function runCalibration(scene: CalibrationScene, dir: string, progress: Progress = silentProgress): { dir: string; fits: FitSummary[] } {
  const { from, to, count } = scene.reference.separations;
  const r = Float64Array.from({ length: count }, (_, k) => from + ((to - from) * k) / (count - 1));
  const dimers = Array.from(r, (d) => Float64Array.of(0, 0, 0, d, 0, 0));
  const ref = pairOf(scene.reference.potential);
  const clean = flatten(new ParameterEnergies(potentialOf(scene.reference.potential), dimers).forward(field(Float64Array.from(ref.params), [ref.params.length])));
  const rng = new Random(scene.reference.noise.seed);
  const sigma = scene.reference.noise.sigma;
  const observed = clean.map((e) => e + sigma * rng.normal());
  const writer = new RunWriter(dir);
  const rAxis = [{ name: "r", units: "length" }];
  writer.array("separation", field(r, [count]), { units: "length", axes: rAxis });
  writer.array("reference_energy", field(observed, [count]), { units: "energy", axes: rAxis, description: "the noisy reference curve" });
  writer.array("true_energy", field(clean, [count]), { units: "energy", axes: rAxis });
  const fits: FitSummary[] = [];
  progress.start(scene.fits.length, "calibration");
  scene.fits.forEach((spec, i) => {
    const { fn, params } = pairOf(spec);
    const sim = new ParameterEnergies(potentialOf(spec), dimers);
    const problem = dataObjective({ simulator: sim, observed: field(observed, [count]), misfit: leastSquares(), modelShape: [params.length] });
    const result = run(lbfgs(problem.objective, Float64Array.from(params), { gradientTolerance: 1e-12, maxIterations: scene.iterations }));
    const predicted = flatten(sim.forward(field(result.x, [params.length])));
    const { standardErrors, covariance } = laplaceCovariance(sim, field(result.x, [params.length]), sigma);
    const rms = Math.sqrt(predicted.reduce((a, p, k) => a + (p - observed[k]) ** 2, 0) / count);
    const name = `fit${i}_${spec.kind}`;
    const pAxis = [{ name: "parameter", labels: [...fn.names] }];
    writer.array(`${name}_parameters`, field(result.x, [params.length]), { units: "parameter units", axes: pAxis });
    writer.array(`${name}_standard_errors`, field(standardErrors, [params.length]), { units: "parameter units", axes: pAxis, description: "Laplace approximation at the optimum" });
    writer.array(`${name}_covariance`, field(covariance, [params.length, params.length]), { units: "parameter units squared", axes: [...pAxis, ...pAxis] });
    writer.array(`${name}_energy`, field(predicted, [count]), { units: "energy", axes: rAxis });
    fits.push({ kind: spec.kind, names: fn.names, parameters: Array.from(result.x), standardErrors: Array.from(standardErrors), rms });
    progress.update(i + 1, `${spec.kind}: rms ${rms.toExponential(3)}`);
  });
  progress.stop();
  writer.finish(scene.kind, scene, { status: "finished", result: { fits } });
  return { dir, fits };
}
