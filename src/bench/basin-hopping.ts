/**
 * Success rate and cost of basin hopping on Lennard-Jones clusters from random starts, the
 * figures the README quotes (and src/bench/compare_scipy.py measures for scipy with the same
 * settings). Not part of the test suite.
 *
 * Run:  npm run bench:basin-hopping -- 13 -44.326801 50 300
 *       npm run bench:basin-hopping -- 13 -44.326801 50 300 1e-6
 *       npm run bench:basin-hopping -- 38 -173.928427 8 3000
 * (atoms, known global minimum, number of random starts, basin-hopping steps). Settings:
 * random start at density 0.5, temperature 0.8, step 0.4, containment radius cbrt(n) + 1.5,
 * stop at the known minimum (within 1e-5); the default relaxation (L-BFGS, memory 40, to a
 * gradient norm of 3e-3 during the search, tightened to 1e-6 for the minima reported; an optional
 * fifth argument sets the search tolerance, 1e-6 relaxing every minimum fully). One JSON line per start and a summary line. Evaluations (of energy and
 * gradient together) and local minimizations count up to and including the one that first reached
 * the known minimum; the summary's medians are over the starts that reached it, its
 * evaluations_per_minimization over every relaxation of every start.
 */
import { basinHopping } from "../inversion/basin-hopping.js";
import { run } from "../inversion/descent.js";
import { containment, energyObjective, randomCluster } from "../molecular/cluster.js";
import { lennardJones, PairPotential } from "../molecular/pair.js";
import { Potential } from "../molecular/potential.js";
import { PairTerm } from "../molecular/pair-term.js";
import { emit } from "./report.js";

const [n, target, starts, steps, searchTolerance] = process.argv.slice(2).map(Number);
if (![n, target, starts, steps].every(Number.isFinite) || !(searchTolerance === undefined || searchTolerance > 0)) {
  process.stderr.write("usage: npm run bench:basin-hopping -- <atoms> <known minimum> <starts> <steps> [search tolerance]\n");
  process.exit(2);
}
const f = energyObjective(new Potential([new PairTerm(new PairPotential(lennardJones, [1, 1]))]));
const found: { minimizations: number; evaluations: number }[] = [];
let allMinimizations = 0, allEvaluations = 0;
for (let seed = 1; seed <= starts; seed++) {
  const r = run(basinHopping(f, randomCluster(n, seed), { seed, steps, temperature: 0.8, stepSize: 0.4, target, targetTolerance: 1e-5, searchTolerance, constrain: containment(Math.cbrt(n) + 1.5) }));
  const reached = r.status === "target-reached";
  allMinimizations += r.localMinimizations;
  allEvaluations += r.evaluations;
  if (reached) found.push({ minimizations: r.localMinimizations, evaluations: r.evaluations });
  emit({ n, seed, found: reached, minimizations: r.localMinimizations, evaluations: r.evaluations, best: r.value });
}
const median = (a: number[]) => (a.length === 0 ? null : a.sort((x, y) => x - y)[Math.floor(a.length / 2)]);
emit({ n, impl: "gradscape", success: `${found.length}/${starts}`, median_minimizations: median(found.map((r) => r.minimizations)), median_evaluations: median(found.map((r) => r.evaluations)), evaluations_per_minimization: Math.round((10 * allEvaluations) / allMinimizations) / 10 });
