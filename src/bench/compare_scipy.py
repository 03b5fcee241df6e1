"""Basin hopping on Lennard-Jones clusters with scipy.optimize.basinhopping, for comparison with
gradscape's basinHopping on the same budget (README, molecular section). Not part of the test suite.

Run:  python3 src/bench/compare_scipy.py 13 -44.326801 50 300
      python3 src/bench/compare_scipy.py 38 -173.928427 8 3000
(atoms, known global minimum, number of random starts, basin-hopping steps). Same settings as the
gradscape measurement: random start uniform in a sphere at density 0.5, temperature 0.8, step 0.4,
L-BFGS-B local minimizations with analytic gradients, stop at the known minimum (within 1e-5).
Prints one JSON line per start and a summary line.
"""
import json
import sys

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
    n, target, starts, steps = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    rows = []
    for seed in range(1, starts + 1):
        rng = np.random.default_rng(seed)
        radius = (3 * n / (4 * np.pi * 0.5)) ** (1 / 3)
        pts = []
        while len(pts) < n:
            q = radius * (2 * rng.random(3) - 1)
            if (q ** 2).sum() <= radius ** 2:
                pts.append(q)
        counter, minima = [0], [0]

        def callback(x, f, accept):
            minima[0] += 1
            return f <= target + 1e-5

        res = basinhopping(lj, np.array(pts).ravel(), niter=steps, T=0.8, stepsize=0.4, seed=seed,
                           minimizer_kwargs={"method": "L-BFGS-B", "jac": True, "args": (counter,)}, callback=callback)
        found = bool(res.fun <= target + 1e-5)
        rows.append((found, minima[0], counter[0]))
        print(json.dumps({"n": n, "seed": seed, "found": found, "minimizations": minima[0], "evaluations": counter[0], "best": float(res.fun)}), flush=True)
    ok = [r for r in rows if r[0]]
    med = lambda a: sorted(a)[len(a) // 2] if a else None
    print(json.dumps({"n": n, "impl": "scipy", "success": f"{len(ok)}/{len(rows)}", "median_minimizations": med([r[1] for r in ok]), "median_evaluations": med([r[2] for r in ok])}))


if __name__ == "__main__":
    main()
