/**
 * FIRE, the fast inertial relaxation engine (Bitzek et al. 2006): damped
 * dynamics with unit masses that steers the velocity towards the downhill
 * direction, lengthens the time step while going downhill and stops dead when
 * going uphill. A robust local minimizer for rough energy landscapes; it stops
 * on the largest gradient component (the max force, for an energy).
 */
import { InputError } from "../core/errors.js";
import { STATUS_MESSAGES, type IterationEvent, type Objective, type OptimizeResult, type Status } from "./types.js";
import { allFinite, normv } from "./vector.js";

/** Options of {@link fire}. */
export interface FireOptions {
  /** Stop when max |gradient component| <= maxForce. Default 1e-6. */
  maxForce?: number;
  /** Default 10000. */
  maxIterations?: number;
  /** First time step. Default 0.1. */
  dt?: number;
  /** Largest time step. Default 10 dt. */
  dtMax?: number;
}

/** Minimizes f from x0 by FIRE; one evaluation per iteration. */
export function* fire(f: Objective, x0: Float64Array, options: FireOptions = {}): Generator<IterationEvent, OptimizeResult> {
  const maxForce = options.maxForce ?? 1e-6;
  const maxIterations = options.maxIterations ?? 10000;
  let dt = options.dt ?? 0.1;
  const dtMax = options.dtMax ?? 10 * dt;
  if (!(maxForce > 0) || !(dt > 0) || !(dtMax >= dt)) throw new InputError("fire", `expected maxForce > 0, dt > 0 and dtMax >= dt, got ${maxForce}, ${dt}, ${dtMax}`);
  // Bitzek et al.'s constants.
  const nMin = 5, fInc = 1.1, fDec = 0.5, alphaStart = 0.1, fAlpha = 0.99;
  const n = x0.length;
  const x = Float64Array.from(x0), v = new Float64Array(n), g = new Float64Array(n);
  let value = f(x, g);
  let evaluations = 1, iteration = 0, alpha = alphaStart, downhill = 0;
  const t0 = performance.now();
  const maxComponent = () => g.reduce((m, gi) => Math.max(m, Math.abs(gi)), 0);
  const finish = (status: Status): OptimizeResult => ({
    x, value, gradientNorm: normv(g), iterations: iteration, evaluations, success: status === "gradient-tolerance", status, message: STATUS_MESSAGES[status],
  });
  if (!Number.isFinite(value) || !allFinite(g)) return finish("non-finite");
  for (;;) {
    if (maxComponent() <= maxForce) return finish("gradient-tolerance");
    if (iteration >= maxIterations) return finish("max-iterations");
    // P = F . v with F = -g; mix v towards the force direction.
    let power = 0, vn = 0, fn = 0;
    for (let i = 0; i < n; i++) {
      power -= g[i] * v[i];
      vn += v[i] * v[i];
      fn += g[i] * g[i];
    }
    vn = Math.sqrt(vn);
    fn = Math.sqrt(fn);
    if (power > 0) {
      for (let i = 0; i < n; i++) v[i] = (1 - alpha) * v[i] - (alpha * vn * g[i]) / fn;
      if (++downhill > nMin) {
        dt = Math.min(dt * fInc, dtMax);
        alpha *= fAlpha;
      }
    } else {
      v.fill(0);
      dt *= fDec;
      alpha = alphaStart;
      downhill = 0;
    }
    // Semi-implicit Euler with unit masses: v += dt F, x += dt v.
    for (let i = 0; i < n; i++) {
      v[i] -= dt * g[i];
      x[i] += dt * v[i];
    }
    value = f(x, g);
    evaluations++;
    iteration++;
    if (!Number.isFinite(value) || !allFinite(g)) return finish("non-finite");
    yield { iteration, value, gradientNorm: normv(g), step: dt, evaluations, x: Float64Array.from(x), seconds: (performance.now() - t0) / 1000 };
  }
}
