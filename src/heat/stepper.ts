/**
 * One time step of each scheme, its adjoint and its tangent, on the operator
 * M dT/dt = -(Ax + Ay) T + b(t) (see operator.ts). With alpha = dt
 * (backward Euler) or dt/2 (Crank-Nicolson):
 *
 *   explicit:        M T' = (M - dt A) T + dt b^n
 *   backward Euler:  (M + dt Ax) T* = (M - dt Ay) T + dt b^{n+1}
 *                    (M + dt Ay) T' = M T* + dt Ay T                (Douglas-Rachford)
 *   Crank-Nicolson:  (M + dt/2 Ax) T* = (M - dt/2 Ay) T + dt/2 b^{n+1/2}
 *                    (M + dt/2 Ay) T' = (M - dt/2 Ax) T* + dt/2 b^{n+1/2}  (Peaceman-Rachford)
 *
 * with b^{n+1/2} = (b^n + b^{n+1}) / 2. In 1D (Ay = 0) these are exactly
 * backward Euler and Crank-Nicolson; in 2D they are their alternating-direction
 * factorizations, of the same order, stable for any dt and with the same
 * steady states. Each stage is a linear solve R(T_out, T_in, k) = 0, so the
 * adjoint runs the transposed stages backwards (the matrices are symmetric)
 * and the conductivity gradient is -sum over stages of nu^T dR/dk.
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
  private readonly r1: Float64Array;
  private readonly r2: Float64Array;
  private readonly nu1: Float64Array;
  private readonly nu2: Float64Array;

  constructor(lay: HeatLayout) {
    this.lay = lay;
    this.dt = lay.dt;
    this.op = new HeatOperator(lay);
    const n = lay.size;
    this.r1 = new Float64Array(n);
    this.r2 = new Float64Array(n);
    this.nu1 = new Float64Array(n);
    this.nu2 = new Float64Array(n);
  }

  /** Sets the conductivity and factorizes the scheme's matrices. */
  setConductivity(k: Float64Array): void {
    const alpha = this.lay.scheme === "explicit" ? 0 : this.lay.scheme === "backward-euler" ? this.dt : this.dt / 2;
    this.op.setConductivity(k, alpha, alpha);
  }

  /** M x into out. */
  private mass(x: Float64Array, out: Float64Array): void {
    const m = this.lay.mass;
    for (let p = 0; p < out.length; p++) out[p] = m[p] * x[p];
  }

  /** Step n: T (at t_n) -> next (at t_{n+1}); star receives T* (the explicit scheme leaves it alone). */
  forward(n: number, T: Float64Array, next: Float64Array, star: Float64Array): void {
    const { op, dt, r1, r2 } = this;
    const m = this.lay.mass;
    switch (this.lay.scheme) {
      case "explicit": {
        r1.fill(0);
        op.addLoad(r1, dt, n, 0);
        op.applyX(T, r1, -dt);
        op.applyY(T, r1, -dt);
        for (let p = 0; p < next.length; p++) next[p] = T[p] + r1[p] / m[p];
        return;
      }
      case "backward-euler": {
        this.mass(T, r1);
        op.applyY(T, r1, -dt);
        op.addLoad(r1, dt, n, 1);
        op.solveX(r1, star);
        this.mass(star, r2);
        op.applyY(T, r2, dt);
        op.solveY(r2, next);
        return;
      }
      case "crank-nicolson": {
        const h = dt / 2;
        this.mass(T, r1);
        op.applyY(T, r1, -h);
        op.addLoad(r1, h, n, 0.5);
        op.solveX(r1, star);
        this.mass(star, r2);
        op.applyX(star, r2, -h);
        op.addLoad(r2, h, n, 0.5);
        op.solveY(r2, next);
      }
    }
  }

  /**
   * Adjoint of step n: from aNext (the adjoint of T at t_{n+1}) to aPrev (that
   * of T at t_n, overwritten), accumulating the gradients into `sink`. T, next
   * and star are the forward step's input, output and intermediate.
   */
  adjoint(n: number, aNext: Float64Array, aPrev: Float64Array, T: Float64Array, next: Float64Array, star: Float64Array, sink: HeatGradientSink): void {
    const { op, dt, nu1, nu2, r1 } = this;
    const m = this.lay.mass;
    const gk = sink.conductivity;
    switch (this.lay.scheme) {
      case "explicit": {
        for (let p = 0; p < nu1.length; p++) nu1[p] = aNext[p] / m[p];
        aPrev.set(aNext);
        op.applyX(nu1, aPrev, -dt);
        op.applyY(nu1, aPrev, -dt);
        op.loadAdjoint(nu1, dt, n, 0, sink.strengths, sink.sides);
        op.gradX(nu1, T, dt, n, 0, true, gk);
        op.gradY(nu1, T, dt, n, 0, true, gk);
        return;
      }
      case "backward-euler": {
        op.solveY(aNext, nu2);
        this.mass(nu2, r1);
        op.solveX(r1, nu1);
        this.mass(nu1, aPrev);
        op.applyY(nu2, aPrev, dt);
        op.applyY(nu1, aPrev, -dt);
        op.loadAdjoint(nu1, dt, n, 1, sink.strengths, sink.sides);
        op.gradX(nu1, star, dt, n, 1, true, gk);
        op.gradY(nu1, T, dt, n, 1, true, gk);
        for (let p = 0; p < r1.length; p++) r1[p] = next[p] - T[p];
        op.gradY(nu2, r1, dt, n, 0, false, gk);
        return;
      }
      case "crank-nicolson": {
        const h = dt / 2;
        op.solveY(aNext, nu2);
        this.mass(nu2, r1);
        op.applyX(nu2, r1, -h);
        op.solveX(r1, nu1);
        this.mass(nu1, aPrev);
        op.applyY(nu1, aPrev, -h);
        op.gradY(nu1, T, h, n, 0.5, true, gk);
        op.gradY(nu2, next, h, n, 0.5, true, gk);
        for (let p = 0; p < nu1.length; p++) nu1[p] += nu2[p];
        op.loadAdjoint(nu1, h, n, 0.5, sink.strengths, sink.sides);
        op.gradX(nu1, star, h, n, 0.5, true, gk);
      }
    }
  }

  /**
   * Tangent of step n in the conductivity direction dk: dT (at t_n) -> dNext,
   * with T, next and star the forward step's input, output and intermediate
   * (the loads do not depend on dT; only their conductances vary with k).
   */
  tangent(n: number, dk: Float64Array, dT: Float64Array, dNext: Float64Array, T: Float64Array, next: Float64Array, star: Float64Array): void {
    const { op, dt, r1, r2, nu1 } = this;
    const m = this.lay.mass;
    switch (this.lay.scheme) {
      case "explicit": {
        r1.fill(0);
        op.applyX(dT, r1, -dt);
        op.applyY(dT, r1, -dt);
        op.tangentX(dk, T, -dt, n, 0, true, r1);
        op.tangentY(dk, T, -dt, n, 0, true, r1);
        for (let p = 0; p < dNext.length; p++) dNext[p] = dT[p] + r1[p] / m[p];
        return;
      }
      case "backward-euler": {
        this.mass(dT, r1);
        op.applyY(dT, r1, -dt);
        op.tangentX(dk, star, -dt, n, 1, true, r1);
        op.tangentY(dk, T, -dt, n, 1, true, r1);
        op.solveX(r1, nu1);
        this.mass(nu1, r2);
        op.applyY(dT, r2, dt);
        for (let p = 0; p < r1.length; p++) r1[p] = next[p] - T[p];
        op.tangentY(dk, r1, -dt, n, 0, false, r2);
        op.solveY(r2, dNext);
        return;
      }
      case "crank-nicolson": {
        const h = dt / 2;
        this.mass(dT, r1);
        op.applyY(dT, r1, -h);
        op.tangentX(dk, star, -h, n, 0.5, true, r1);
        op.tangentY(dk, T, -h, n, 0.5, true, r1);
        op.solveX(r1, nu1);
        this.mass(nu1, r2);
        op.applyX(nu1, r2, -h);
        op.tangentX(dk, star, -h, n, 0.5, true, r2);
        op.tangentY(dk, next, -h, n, 0.5, true, r2);
        op.solveY(r2, dNext);
      }
    }
  }
}
