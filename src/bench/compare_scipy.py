"""Basin hopping on Lennard-Jones clusters with scipy.optimize.basinhopping, for comparison with
gradscape's basinHopping on the same budget (README, molecular section). Not part of the test suite.

Run:  python3 src/bench/compare_scipy.py 13 -44.326801 50 300
      python3 src/bench/compare_scipy.py 38 -173.928427 8 3000
      python3 src/bench/compare_scipy.py 13 -44.326801 50 300 --gtol 1e-6 --ftol 0
(atoms, known global minimum, number of random starts, basin-hopping steps; optionally L-BFGS-B's
stopping rules, by default scipy's: gtol 1e-5 on the largest projected-gradient component, ftol
2.2e-9 on the relative decrease of one iteration). Same settings as the gradscape measurement:
random start uniform in a sphere at density 0.5, temperature 0.8, step 0.4, L-BFGS-B local
minimizations with analytic gradients, stop at the known minimum (within 1e-5).

Counted as src/bench/basin-hopping.ts counts: evaluations (of energy and gradient together, which
is what one call of `lj` is) and local minimizations up to and including the one that first reached
the known minimum. scipy calls the callback after its initial minimization too but ignores what it
returns there, so a start whose first minimization already reached the minimum runs one more step;
the counts here stop at the first hit all the same. Prints one JSON line per start and a summary
line, whose evaluations_per_minimization is over every minimization of every start.
"""
import argparse
import json

import numpy as np
from scipy.optimize import basinhopping


def lj(x, counter):
    counter[0] += 1
    p = x.reshape(-1, 3)
    d = p[:, None, :] - p[None, :, :]
    r2 = (d ** 2).sum(-1)
    n = len(p)
    iu = np.triu_indices(n, 1)
    s6 = 1.0 / r2[iu] ** 3
    e = 4.0 * (s6 * s6 - s6).sum()
    f = np.zeros((n, n))
    f[iu] = -24.0 * (2 * s6 * s6 - s6) / r2[iu]  # (dE/dr)/r
    f = f + f.T
    g = (f[:, :, None] * d).sum(1)
    return e, g.ravel()


def main():
    parser = argparse.ArgumentParser()
    for name, kind in [("atoms", int), ("target", float), ("starts", int), ("steps", int)]:
        parser.add_argument(name, type=kind)
    parser.add_argument("--gtol", type=float, help="L-BFGS-B gtol (largest projected-gradient component); scipy's default 1e-5")
    parser.add_argument("--ftol", type=float, help="L-BFGS-B ftol (relative decrease of one iteration); scipy's default 2.2e-9, 0 turns it off")
    a = parser.parse_args()
    n, target = a.atoms, a.target
    lbfgsb = {k: v for k, v in (("gtol", a.gtol), ("ftol", a.ftol)) if v is not None}
    rows, all_minimizations, all_evaluations = [], 0, 0
    for seed in range(1, a.starts + 1):
        rng = np.random.default_rng(seed)
        radius = (3 * n / (4 * np.pi * 0.5)) ** (1 / 3)
        pts = []
        while len(pts) < n:
            q = radius * (2 * rng.random(3) - 1)
            if (q ** 2).sum() <= radius ** 2:
                pts.append(q)
        counter, minima, hit = [0], [0], []

        def callback(x, f, accept):
            minima[0] += 1
            if f <= target + 1e-5 and not hit:
                hit.append((minima[0], counter[0]))
            return bool(hit)

        basinhopping(lj, np.array(pts).ravel(), niter=a.steps, T=0.8, stepsize=0.4, seed=seed,
                     minimizer_kwargs={"method": "L-BFGS-B", "jac": True, "args": (counter,), "options": lbfgsb},
                     callback=callback)
        all_minimizations += minima[0]
        all_evaluations += counter[0]
        found = bool(hit)
        m, e = hit[0] if found else (minima[0], counter[0])
        rows.append((found, m, e))
        print(json.dumps({"n": n, "seed": seed, "found": found, "minimizations": m, "evaluations": e}), flush=True)
    ok = [r for r in rows if r[0]]
    med = lambda v: sorted(v)[len(v) // 2] if v else None
    print(json.dumps({"n": n, "impl": "scipy", "lbfgsb": lbfgsb or "defaults", "success": f"{len(ok)}/{len(rows)}",
                      "median_minimizations": med([r[1] for r in ok]), "median_evaluations": med([r[2] for r in ok]),
                      "evaluations_per_minimization": round(all_evaluations / all_minimizations, 1)}))


if __name__ == "__main__":
    main()
