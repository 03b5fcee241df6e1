/**
 * Runs a conformer-search scene into a run folder: the distinct conformers of
 * an n-alkane in TraPPE-UA (positions, energies, backbone dihedrals, how often
 * and when each was met), lowest energy first, and the molecule's bonds so
 * that a viewer draws the chain as bonded.
 */
import { field } from "../core/arrays.js";
import { InputError } from "../core/errors.js";
import { linearAlkane } from "../molecular/alkane.js";
import { enumerateConformers, searchConformers, type ConformerSearchResult } from "../search/conformer-search.js";
import { trappeUA } from "../molecular/trappe.js";
import { RunWriter } from "../run/folder.js";
import { checkSceneMemory } from "./estimate.js";
import type { ConformerSearchScene } from "./molecular-schema.js";
import { silentProgress, type Progress } from "./progress.js";

/** What a conformer search reports. */
export interface ConformerSummary {
  dir: string;
  /** Distinct conformers (mirror images apart). */
  conformers: number;
  /** Distinct conformers up to mirror images. */
  enantiomerClasses: number;
  /** The lowest conformer's key and energy (kcal/mol). */
  lowestKey: string;
  lowest: number;
  /** Basin hopping: the starts whose run ended on the lowest conformer, of all starts. */
  startsReachingLowest?: number;
  starts?: number;
  localMinimizations: number;
  evaluations: number;
  failed: number;
}

const deg = Math.PI / 180;
/** Largest systematic search: 3^6 starts (n-nonane). */
const MAX_STARTS = 729;

/** Runs a conformer-search scene into `dir`. */
export function runConformerSearch(scene: ConformerSearchScene, dir: string, progress: Progress = silentProgress): ConformerSummary {
  checkSceneMemory(scene);
  const n = scene.molecule.alkane, m = n - 3;
  const molecule = linearAlkane(n);
  const potential = trappeUA(molecule.graph);
  const s = scene.search;
  const tolerances = { gradientTolerance: scene.gradientTolerance, energyTolerance: scene.energyTolerance };
  let result: ConformerSearchResult;
  if (s.method === "systematic") {
    if (3 ** m > MAX_STARTS) throw new InputError("search", `a systematic search of C${n} needs 3^${m} = ${(3 ** m).toLocaleString("en")} starts, more than ${MAX_STARTS}: use "method": "basin-hopping" (or an alkane of at most 9 carbons)`);
    progress.start(1, "systematic conformer search");
    result = enumerateConformers(molecule, potential, { seed: s.seed, shake: s.shake * deg, ...tolerances });
    progress.update(1, `${result.set.conformers().length} conformers`);
  } else {
    progress.start(s.starts, "conformer search");
    result = searchConformers(molecule, potential, {
      seed: s.seed, starts: s.starts, steps: s.steps, temperature: s.temperature, noise: s.noise * deg, maxEvaluations: s.evaluations, ...tolerances,
      onStart: (start, sofar) => progress.update(start + 1, `${sofar.set.conformers().length} conformers | lowest ${sofar.set.conformers()[0]?.energy.toFixed(4)} kcal/mol`),
    });
  }
  progress.stop();
  const list = result.set.conformers();
  const k = list.length;
  const writer = new RunWriter(dir, { replace: true });
  const axis = [{ name: "conformer", labels: list.map((c) => c.key) }];
  const atomAxes = [{ name: "atom" }, { name: "xyz" }];
  const stacked = new Float64Array(k * 3 * n);
  list.forEach((c, i) => stacked.set(c.x, i * 3 * n));
  writer.array("conformer_positions", field(stacked, [k, n, 3]), { units: "angstrom", axes: [...axis, ...atomAxes], description: "each distinct conformer, lowest energy first", role: "conformer-positions" });
  writer.array("conformer_energy", field(Float64Array.from(list, (c) => c.energy), [k]), { units: "kcal/mol", axes: axis, role: "conformer-energy" });
  const dihedrals = new Float64Array(k * m);
  list.forEach((c, i) => dihedrals.set(c.dihedrals.map((phi) => phi / deg), i * m));
  writer.array("conformer_dihedrals", field(dihedrals, [k, m]), { units: "degree", axes: [...axis, { name: "backbone dihedral" }], description: "C-C-C-C dihedrals along the chain (IUPAC sign, trans at 180)", role: "conformer-dihedrals" });
  writer.array("conformer_hits", field(Float64Array.from(list, (c) => c.hits), [k]), { units: "count", axes: axis, role: "conformer-hits" });
  writer.array("conformer_found", field(Float64Array.from(list, (c) => c.firstFound), [k]), { units: "local minimization", axes: axis, role: "conformer-found" });
  const bonds = molecule.graph.bonds;
  writer.array("bonds", field(Float64Array.from(bonds.flat()), [bonds.length, 2]), { units: "atom index", axes: [{ name: "bond" }, { name: "atom" }], role: "bonds" });
  const runs = result.runs;
  const summary = {
    conformers: k, enantiomerClasses: result.set.enantiomerClasses(), lowestKey: list[0]?.key ?? "", lowest: list[0]?.energy ?? NaN,
    ...(runs.length === 0 || k === 0 ? {} : { startsReachingLowest: runs.filter((r) => r.key === list[0].key && Math.abs(r.best - list[0].energy) <= scene.energyTolerance).length, starts: runs.length }),
    localMinimizations: result.localMinimizations, evaluations: result.evaluations, failed: result.failed,
  };
  writer.finish(scene.kind, scene, { status: "finished", result: summary });
  return { dir, ...summary };
}
