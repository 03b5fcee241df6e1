/**
 * Molecular bench: the lj-box problem of ../shared/bench/lj_ref.c (10,000
 * Lennard-Jones atoms on a jittered simple-cubic lattice in a periodic box at
 * reduced density 0.8, cutoff 2.5, energy-shifted), on the very same
 * positions (the same xorshift64 sequence), so the energies per atom agree.
 */
import { lennardJones, PairPotential } from "../molecular/pair.js";
import { PairTerm } from "../molecular/pair-term.js";
import { best, emit, reps } from "./report.js";

/** The positions lj_ref.c builds: xorshift64 jitter of 0.1 lattice spacing. */
export function ljBox(n: number): { x: Float64Array; box: [number, number, number] } {
  const rho = 0.8, L = Math.cbrt(n / rho), m = Math.ceil(Math.cbrt(n)), a = L / m;
  let state = 88172645463325252n;
  const mask = (1n << 64n) - 1n;
  const urand = () => {
    state ^= (state << 13n) & mask;
    state ^= state >> 7n;
    state ^= (state << 17n) & mask;
    return Number(state >> 11n) * (1 / 9007199254740992);
  };
  const x = new Float64Array(3 * n);
  for (let i = 0; i < n; i++) {
    const c = [i % m, Math.floor(i / m) % m, Math.floor(i / (m * m))];
    for (let k = 0; k < 3; k++) x[3 * i + k] = (c[k] + 0.5 + 0.1 * (urand() - 0.5)) * a;
  }
  return { x, box: [L, L, L] };
}

/** Runs the molecular bench lines; returns the evaluations per second and the energy per atom on lj-box. */
export function benchMolecular(atoms: number): { evalsPerSecond: number; energyPerAtom: number } {
  const { x, box } = ljBox(atoms);
  const term = new PairTerm(new PairPotential(lennardJones, [1, 1], 2.5, "energy-shifted"), box);
  const g = new Float64Array(x.length);
  let energy = 0;
  const evaluate = () => {
    g.fill(0);
    energy = term.evaluate(x, g, null);
  };
  // Steady state, as in a minimization that evaluates thousands of times (best() warms up first).
  const s = best(evaluate, reps);
  emit({ problem: "lj-box", impl: "gradscape", atoms, eval_s: +s.toFixed(5), evals_per_s: +(1 / s).toFixed(1), energy_per_atom: +(energy / atoms).toFixed(8) });
  return { evalsPerSecond: 1 / s, energyPerAtom: energy / atoms };
}
