/**
 * One time step of the theta scheme, its adjoint and its tangent, on
 * M dT/dt = -A T + b(t) (see operator.ts):
 *
 *   (M + theta dt A) T' = (M - (1 - theta) dt A) T + dt (theta b^{n+1} + (1 - theta) b^n)
 *
 * theta = 0 is forward Euler (no solve), 1 backward Euler, 1/2 Crank-Nicolson,
 * in 1D and 2D alike (exact solves). A step is the linear equation
 * R(T', T, k) = 0, so the adjoint solves with the transposed (the same,
 * symmetric) matrix backwards in time, and the conductivity gradient is
 * -nu^T dR/dk, nu the adjoint solution.
 */
import type { HeatLayout } from "./config.js";
import { HeatOperator } from "./operator.js";

/** Where an adjoint step accumulates the gradients. */
export interface HeatGradientSink {
  conductivity: Float64Array;
  /** [source][n]. */
  strengths: Float64Array[];
  /** [side][n]. */
  sides: Float64Array[];
}

export class HeatStepper {
  readonly op: HeatOperator;
  private readonly lay: HeatLayout;
  private readonly dt: number;
  /** theta dt and (1 - theta) dt. */
  private readonly implicit: number;
  private readonly explicit: number;
  private readonly r: Float64Array;
  private readonly nu: Float64Array;

  constructor(lay: HeatLayout) {
    this.lay = lay;
    this.dt = lay.dt;
    const theta = lay.scheme === "explicit" ? 0 : lay.scheme === "backward-euler" ? 1 : 0.5;
    this.implicit = theta * lay.dt;
    this.explicit = (1 - theta) * lay.dt;
    this.op = new HeatOperator(lay);
    this.r = new Float64Array(lay.size);
    this.nu = new Float64Array(lay.size);
  }

  /** Sets the conductivity and factorizes M + theta dt A. */
  setConductivity(k: Float64Array): void {
    this.op.setConductivity(k, this.implicit);
  }

  /** out = M^-1 r (explicit) or (M + theta dt A)^-1 r. */
  private solve(r: Float64Array, out: Float64Array): void {
    if (this.implicit === 0) {
      const m = this.lay.mass;
      for (let p = 0; p < out.length; p++) out[p] = r[p] / m[p];
    } else this.op.solve(r, out);
  }

  /** r = (M - (1 - theta) dt A) x. */
  private explicitPart(x: Float64Array, r: Float64Array): void {
    this.op.massMinus(x, r, this.explicit);
  }

  /** Step n: T (at t_n) -> next (at t_{n+1}). */
  forward(n: number, T: Float64Array, next: Float64Array): void {
    const r = this.r;
    this.explicitPart(T, r);
    if (this.explicit > 0) this.op.addLoad(r, this.explicit, n, 0);
    if (this.implicit > 0) this.op.addLoad(r, this.implicit, n, 1);
    this.solve(r, next);
  }

  /**
   * Adjoint of step n: from aNext (the adjoint of T at t_{n+1}) to aPrev (that
   * of T at t_n, overwritten), accumulating the gradients into `sink` (the
   * conductivity's at {@link finishAdjoint}, after {@link startAdjoint}). T and
   * next are the forward step's input and output.
   */
  adjoint(n: number, aNext: Float64Array, aPrev: Float64Array, T: Float64Array, next: Float64Array, sink: HeatGradientSink): void {
    const { op, nu } = this;
    this.solve(aNext, nu);
    this.explicitPart(nu, aPrev);
    if (this.explicit > 0) op.loadAdjoint(nu, this.explicit, n, 0, sink.strengths, sink.sides);
    if (this.implicit > 0) op.loadAdjoint(nu, this.implicit, n, 1, sink.strengths, sink.sides);
    op.gradient(nu, T, this.explicit, next, this.implicit, n);
  }

  /** Starts an adjoint run: clears the conductivity gradient's sums. */
  startAdjoint(): void {
    this.op.clearGradient();
  }

  /** Ends an adjoint run: adds the conductivity gradient of its steps to sink.conductivity. */
  finishAdjoint(sink: HeatGradientSink): void {
    this.op.conductivityGradient(sink.conductivity);
  }

  /**
   * Tangent of step n in the conductivity direction dk: dT (at t_n) -> dNext,
   * with T and next the forward step's input and output.
   */
  tangent(n: number, dk: Float64Array, dT: Float64Array, dNext: Float64Array, T: Float64Array, next: Float64Array): void {
    const { op, r } = this;
    this.explicitPart(dT, r);
    op.tangent(dk, T, -this.explicit, next, -this.implicit, n, r);
    this.solve(r, dNext);
  }
}
