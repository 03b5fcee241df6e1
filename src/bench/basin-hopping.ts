/**
 * Success rate and cost of basin hopping on Lennard-Jones clusters from random starts, the
 * figures the README quotes (and src/bench/compare_scipy.py measures for scipy with the same
 * settings). Not part of the test suite.
 *
 * Run:  npm run bench:basin-hopping -- 13 -44.326801 50 300
 *       npm run bench:basin-hopping -- 13 -44.326801 50 300 1e-6
 *       npm run bench:basin-hopping -- 38 -173.928427 10 2000
 *       npm run bench:basin-hopping -- 38 -173.928427 10 2000 --compress 4 --reseed 30 --angular 0.3 --candidates 30
 *       npm run bench:basin-hopping -- 75 -397.492331 10 10000 --compress 1 --reseed 10 --lattice 10
 * (atoms, known global minimum, number of random starts, budget in local minimizations after the
 * start's: a step of plain basin hopping makes one, a two-phase compressed step two, a step with
 * lattice searches one more per round it makes; the search ends with the step that spends the
 * budget). Settings:
 * random start at density 0.5, temperature 0.8 (--temperature), step 0.4, containment radius
 * cbrt(n) + 1.5, stop at the known minimum (within 1e-5); the default relaxation (L-BFGS, memory
 * 40, to a gradient norm of 3e-3 during the search, tightened to 1e-6 for the minima reported; an
 * optional fifth argument sets the search tolerance, 1e-6 relaxing every minimum fully). The
 * cluster moves (src/search/cluster-search.ts), each off unless given: --compress mu (two-phase
 * relaxation), --angular p and --candidates k (angular moves of the least-bound atom), --reseed n
 * (a new random start after n steps without improvement), --lattice r (up to r rounds of dynamic
 * lattice searching after each relaxation, src/search/dynamic-lattice.ts); --first s starts at seed s (to split
 * a measurement over processes). One JSON line per start and a summary line. Evaluations (of
 * energy and gradient together) and local minimizations count up to and including the one that
 * first reached the known minimum; the summary's means and medians are over the starts that
 * reached it, its evaluations_per_minimization over every relaxation of every start, and
 * cpu_ms_per_minimization the process's CPU time (user and system) over every relaxation.
 */
import { basinHopping, type BasinHoppingOptions } from "../inversion/basin-hopping.js";
import { run } from "../inversion/descent.js";
import { energyObjective, randomCluster } from "../molecular/cluster.js";
import { clusterSearch, type ClusterMoves } from "../search/cluster-search.js";
import { lennardJones, PairPotential } from "../molecular/pair.js";
import { Potential } from "../molecular/potential.js";
import { PairTerm } from "../molecular/pair-term.js";
import { emit } from "./report.js";

const usage = "usage: npm run bench:basin-hopping -- <atoms> <known minimum> <starts> <steps> [search tolerance] [--compress mu] [--angular p] [--candidates k] [--reseed n] [--lattice rounds] [--temperature t] [--first seed]\n";
const args = process.argv.slice(2);
const flags: Record<string, number> = {};
const positional: number[] = [];
for (let i = 0; i < args.length; i++) {
  if (args[i].startsWith("--")) flags[args[i].slice(2)] = Number(args[++i]);
  else positional.push(Number(args[i]));
}
const [n, target, starts, steps, searchTolerance] = positional;
const known = ["angular", "reseed", "temperature", "first", "compress", "candidates", "lattice"];
if (![n, target, starts, steps].every(Number.isFinite) || !(searchTolerance === undefined || searchTolerance > 0) || Object.entries(flags).some(([k, v]) => !known.includes(k) || !Number.isFinite(v))) {
  process.stderr.write(usage);
  process.exit(2);
}
const temperature = flags.temperature ?? 0.8, first = flags.first ?? 1;
const moves: ClusterMoves = { angular: flags.angular, angularCandidates: flags.candidates, compression: flags.compress, reseedAfter: flags.reseed, lattice: flags.lattice };
const pair = new PairPotential(lennardJones, [1, 1]);
const f = energyObjective(new Potential([new PairTerm(pair)]));
const found: { minimizations: number; evaluations: number }[] = [];
let allMinimizations = 0, allEvaluations = 0;
const cpu0 = process.cpuUsage();
for (let seed = first; seed < first + starts; seed++) {
  const parts = clusterSearch({ atoms: n, pair, containment: Math.cbrt(n) + 1.5, density: 0.5, searchTolerance, ...moves });
  // The budget is in local minimizations after the start's (a plain step makes one, a two-phase
  // step two, a step with lattice searches as many as it relaxes).
  const options: BasinHoppingOptions = { seed, steps, maxMinimizations: steps, temperature, stepSize: 0.4, target, targetTolerance: 1e-5, ...parts };
  const r = run(basinHopping(f, randomCluster(n, seed), options));
  const reached = r.status === "target-reached";
  allMinimizations += r.localMinimizations;
  allEvaluations += r.evaluations;
  if (reached) found.push({ minimizations: r.localMinimizations, evaluations: r.evaluations });
  emit({ n, seed, found: reached, minimizations: r.localMinimizations, evaluations: r.evaluations, best: r.value });
}
const median = (a: number[]) => (a.length === 0 ? null : a.sort((x, y) => x - y)[Math.floor(a.length / 2)]);
const mean = (a: number[]) => (a.length === 0 ? null : Math.round((10 * a.reduce((s, v) => s + v, 0)) / a.length) / 10);
const hits = (key: "minimizations" | "evaluations") => found.map((r) => r[key]);
const cpu = process.cpuUsage(cpu0);
emit({
  n, impl: "gradscape", moves: { temperature, ...moves }, success: `${found.length}/${starts}`,
  median_minimizations: median(hits("minimizations")), mean_minimizations: mean(hits("minimizations")),
  median_evaluations: median(hits("evaluations")), mean_evaluations: mean(hits("evaluations")),
  evaluations_per_minimization: Math.round((10 * allEvaluations) / allMinimizations) / 10,
  cpu_ms_per_minimization: Math.round((100 * (cpu.user + cpu.system)) / 1000 / allMinimizations) / 100,
});
