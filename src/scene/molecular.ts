/**
 * Runs molecular scenes into run folders: a basin-hopping search of a cluster
 * (every accepted minimum stored, for replay) and the calibration of pair
 * potentials to a noisy reference dimer curve (fitted parameters with
 * Laplace standard errors).
 */
import { checkSceneMemory } from "./estimate.js";
import { field, flatten } from "../core/arrays.js";
import { InputError, NonFiniteError } from "../core/errors.js";
import type { Field } from "../core/contract.js";
import { Random } from "../core/random.js";
import { basinHopping } from "../inversion/basin-hopping.js";
import type { AcceptedMinimum } from "../inversion/basin-hopping-parts.js";
import { run } from "../inversion/descent.js";
import { laplaceCovariance } from "../inversion/laplace.js";
import { lbfgs } from "../inversion/methods.js";
import { leastSquares } from "../inversion/misfit.js";
import { dataObjective } from "../inversion/objective.js";
import { identity, logarithm } from "../inversion/parametrization.js";
import { ParameterEnergies } from "../molecular/calibration.js";
import { distinctStructures, energyObjective, randomCluster } from "../molecular/cluster.js";
import { clusterSearch } from "../search/cluster-search.js";
import { lennardJones, morse, PairPotential } from "../molecular/pair.js";
import { Potential } from "../molecular/potential.js";
import { PairTerm } from "../molecular/pair-term.js";
import { RunWriter } from "../run/folder.js";
import type { BasinHoppingScene, CalibrationScene, PairSpec } from "./molecular-schema.js";
import { silentProgress, type Progress } from "./progress.js";

/** The pair function and parameter vector of a scene's potential. */
function pairOf(spec: PairSpec): { fn: typeof lennardJones; params: number[] } {
  return spec.kind === "lennard-jones" ? { fn: lennardJones, params: [spec.epsilon, spec.sigma] } : { fn: morse, params: [spec.depth, spec.width, spec.equilibrium] };
}

const pairPotentialOf = (spec: PairSpec) => {
  const { fn, params } = pairOf(spec);
  return new PairPotential(fn, params);
};
const potentialOf = (spec: PairSpec) => new Potential([new PairTerm(pairPotentialOf(spec))]);

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
  checkSceneMemory(scene);
  const n = scene.atoms;
  const s = scene.search;
  const sigma = scene.potential.kind === "lennard-jones" ? scene.potential.sigma : scene.potential.equilibrium;
  const epsilon = scene.potential.kind === "lennard-jones" ? scene.potential.epsilon : scene.potential.depth;
  const pair = pairPotentialOf(scene.potential);
  const potential = new Potential([new PairTerm(pair)]);
  const density = scene.start.density / sigma ** 3;
  // A density so small that the start's ball has no finite radius is refused here, naming the field
  // (the fuzzer's start.density = 5e-324 otherwise surfaced as an infinite coordinate of positions[0]).
  if (!Number.isFinite(Math.cbrt((3 * n) / (4 * Math.PI * density)))) {
    throw new InputError("start.density", `${scene.start.density} atoms per unit volume spreads ${n} atoms over a ball of infinite radius; use a density near 0.5 / sigma^3`);
  }
  const x0 = randomCluster(n, scene.start.seed, density);
  // A potential that overflows at the start (a Morse width of 1e9, say) is the scene's fault: named
  // before the folder is created, so nothing is left on disk.
  try {
    potential.evaluate(x0);
  } catch (e) {
    if (e instanceof NonFiniteError) throw new InputError("potential", `its energy at the random start is not finite (${e.message}): choose parameters whose energies stay finite`);
    throw e;
  }
  const writer = new RunWriter(dir, { replace: true });
  const atomAxes = [{ name: "atom" }, { name: "xyz" }];
  writer.array("start_positions", field(x0, [n, 3]), { units: "length", axes: atomAxes, role: "start" });
  const acceptAxis = [{ name: "accepted" }];
  /** The trajectory of accepted minima so far; the structure labels only at the end (they compare all pairs). */
  const writeAccepted = (list: readonly AcceptedMinimum[]) => {
    const k = list.length;
    const stacked = new Float64Array(k * 3 * n);
    list.forEach((m, i) => stacked.set(m.x, i * 3 * n));
    writer.array("accepted_positions", field(stacked, [k, n, 3]), { units: "length", axes: [...acceptAxis, ...atomAxes], description: "every accepted local minimum, in order", role: "accepted-positions" });
    writer.array("accepted_energy", field(Float64Array.from(list, (m) => m.value), [k]), { units: "energy", axes: acceptAxis, role: "accepted-energy" });
    writer.array("accepted_step", field(Float64Array.from(list, (m) => m.step), [k]), { units: "step", axes: acceptAxis, role: "accepted-step" });
  };
  // While searching, the folder is rewritten at most twice a second so a viewer can follow it live.
  const sofar: AcceptedMinimum[] = [];
  let written = 0, lastWrite = -Infinity;
  progress.start(s.steps, "basin hopping");
  const search = basinHopping(energyObjective(potential), x0, {
    seed: s.seed, steps: s.steps, maxEvaluations: s.evaluations, temperature: s.temperature, stepSize: s.stepSize * sigma,
    target: scene.knownMinimum, targetTolerance: 1e-6 * Math.abs(scene.knownMinimum ?? 1),
    ...clusterSearch({
      atoms: n, pair, density, containment: s.containment ?? (Math.cbrt(n) + 1.5) * sigma,
      angular: s.angular, angularCandidates: s.angularCandidates, compression: (s.compression * epsilon) / sigma ** 2, reseedAfter: s.reseedAfter, lattice: s.lattice,
      // Every accepted minimum is written and labelled (distinctStructures, distances within 1e-4):
      // scenes relax each to the final tolerance, not to the search's looser default.
      searchTolerance: 1e-6,
    }),
  });
  const searched = () => run(search, (e) => {
    if (e.accepted !== undefined) sofar.push(e.accepted);
    if (e.iteration === 0) return; // the relaxed start: shown with the first step
    progress.update(e.iteration, `current ${e.value.toFixed(6)} | best ${e.best.toFixed(6)}${scene.knownMinimum === undefined ? "" : ` | known ${scene.knownMinimum}`}`);
    if (sofar.length > written && performance.now() - lastWrite > 500) {
      writeAccepted(sofar);
      writer.finish(scene.kind, scene, { status: "running", steps: e.iteration, knownMinimum: scene.knownMinimum ?? null });
      written = sofar.length;
      lastWrite = performance.now();
    }
  });
  let result: ReturnType<typeof searched>;
  try {
    result = searched();
  } catch (e) {
    // Energies that overflow (a Morse width of 1e15, say) are the potential's parameters' fault: name them.
    if (e instanceof NonFiniteError) throw new InputError("potential", `the search met a non-finite energy (${e.message}): are its parameters within a sensible range?`);
    throw e;
  }
  progress.stop();
  writeAccepted(result.accepted);
  const k = result.accepted.length;
  const labels = distinctStructures(result.accepted.map((m) => m.x));
  writer.array("accepted_structure", field(Float64Array.from(labels), [k]), { units: "label", axes: acceptAxis, description: "which distinct structure each accepted minimum is (same label: the same minimum, up to rotation, translation and atom numbering)", role: "accepted-structure" });
  writer.array("best_positions", field(result.x, [n, 3]), { units: "length", axes: atomAxes, description: "the lowest minimum found", role: "best-positions" });
  const summary = { distinctMinima: labels.reduce((m, l) => Math.max(m, l + 1), 0), best: result.value, reachedTarget: result.status === "target-reached", steps: result.iterations, localMinimizations: result.localMinimizations, evaluations: result.evaluations };
  writer.finish(scene.kind, scene, { status: "finished", result: { message: result.message, ...summary, knownMinimum: scene.knownMinimum ?? null, foundAt: result.foundAt } });
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
  checkSceneMemory(scene);
  const { from, to, count } = scene.reference.separations;
  const { sigma, forceSigma, seed } = scene.reference.noise;
  const r = Float64Array.from({ length: count }, (_, k) => from + ((to - from) * k) / (count - 1));
  const dimers = Array.from(r, (d) => Float64Array.of(0, 0, 0, d, 0, 0));
  const options = { forces: forceSigma !== undefined };
  const ref = pairOf(scene.reference.potential);
  const refSim = new ParameterEnergies(potentialOf(scene.reference.potential), dimers, options);
  let clean: Float64Array;
  try {
    clean = flatten(refSim.forward(field(Float64Array.from(ref.params), [ref.params.length])));
  } catch (e) {
    if (e instanceof NonFiniteError || e instanceof InputError) throw new InputError("reference.potential", `its curve over the separations is not finite: ${e.message}`);
    throw e;
  }
  // Noise per datum: sigma on the energies, forceSigma on the force components.
  const noise = Float64Array.from(clean, (_, k) => (k < count ? sigma : forceSigma!));
  const rng = new Random(seed);
  const observed = clean.map((e, k) => e + noise[k] * rng.normal());
  const weights = noise.map((s) => 1 / (s * s));
  const parametrization = scene.parametrization === "log" ? logarithm : identity;
  // Every fit (and its Laplace errors) is computed before the folder is created, so a fit that
  // fails leaves nothing on disk.
  const fits: FitSummary[] = [];
  const arrays: { name: string; a: Field; meta: Parameters<RunWriter["array"]>[2] }[] = [];
  const rAxis = [{ name: "r", units: "length" }];
  // The force on the second atom along the axis (-dE/dr), the one non-zero force component of a dimer.
  const axial = (data: Float64Array) => Float64Array.from({ length: count }, (_, c) => data[refSim.forceOffset(c) + 3]);
  progress.start(scene.fits.length, "calibration");
  scene.fits.forEach((spec, i) => {
    const { fn, params } = pairOf(spec);
    const np = params.length;
    const sim = new ParameterEnergies(potentialOf(spec), dimers, options);
    const problem = dataObjective({ simulator: sim, observed: field(observed, [observed.length]), misfit: leastSquares(weights), modelShape: [np], parametrization });
    const start = new Float64Array(np);
    parametrization.toParameter(Float64Array.from(params), start);
    let result: ReturnType<typeof run>;
    try {
      result = run(lbfgs(problem.objective, start, { gradientTolerance: 1e-12, maxIterations: scene.iterations }));
    } catch (e) {
      // A start whose energies overflow (a Morse width of 1e6, say) is the fit's fault: name it.
      if (e instanceof NonFiniteError || e instanceof InputError) throw new InputError(`fits[${i}]`, `the fit cannot start from these parameters: ${e.message}`);
      throw e;
    }
    const fitted = new Float64Array(np);
    parametrization.toModel(result.x, fitted);
    const predicted = flatten(sim.forward(field(fitted, [np])));
    const { standardErrors, covariance } = laplaceCovariance(sim, field(fitted, [np]), noise, `fits[${i}]`);
    const rms = Math.sqrt(predicted.slice(0, count).reduce((a, p, k) => a + (p - observed[k]) ** 2, 0) / count);
    const name = `fit${i}_${spec.kind}`;
    const pAxis = [{ name: "parameter", labels: [...fn.names] }];
    arrays.push(
      { name: `${name}_parameters`, a: field(fitted, [np]), meta: { units: "parameter units", axes: pAxis, role: "fit-parameters", fit: i } },
      { name: `${name}_standard_errors`, a: field(standardErrors, [np]), meta: { units: "parameter units", axes: pAxis, description: "Laplace approximation at the optimum", role: "fit-standard-errors", fit: i } },
      { name: `${name}_covariance`, a: field(covariance, [np, np]), meta: { units: "parameter units squared", axes: [...pAxis, ...pAxis], role: "fit-covariance", fit: i } },
      { name: `${name}_energy`, a: field(predicted.slice(0, count), [count]), meta: { units: "energy", axes: rAxis, role: "fit-energy", fit: i } },
    );
    if (options.forces) arrays.push({ name: `${name}_force`, a: field(axial(predicted), [count]), meta: { units: "energy/length", axes: rAxis, role: "fit-force", fit: i } });
    fits.push({ kind: spec.kind, names: fn.names, parameters: Array.from(fitted), standardErrors: Array.from(standardErrors), rms });
    progress.update(i + 1, `${spec.kind}: rms ${rms.toExponential(3)}`);
  });
  progress.stop();
  const writer = new RunWriter(dir, { replace: true });
  writer.array("separation", field(r, [count]), { units: "length", axes: rAxis, role: "separation" });
  writer.array("reference_energy", field(observed.slice(0, count), [count]), { units: "energy", axes: rAxis, description: "the noisy reference curve", role: "reference-energy" });
  writer.array("true_energy", field(clean.slice(0, count), [count]), { units: "energy", axes: rAxis, role: "true-energy" });
  if (options.forces) {
    writer.array("reference_force", field(axial(observed), [count]), { units: "energy/length", axes: rAxis, description: "the noisy reference force on the second atom along the axis, -dE/dr", role: "reference-force" });
    writer.array("true_force", field(axial(clean), [count]), { units: "energy/length", axes: rAxis, role: "true-force" });
  }
  for (const { name, a, meta } of arrays) writer.array(name, a, meta);
  writer.finish(scene.kind, scene, { status: "finished", result: { fits } });
  return { dir, fits };
}
