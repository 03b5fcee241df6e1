import { field, flatten } from "../../src/core/arrays.js";
import type { Differentiable, Field } from "../../src/core/contract.js";

/** F(m) = A m for a dense rows x cols matrix (row-major): the simplest simulator of the contract. */
export function matrixSimulator(A: Float64Array, rows: number, cols: number): Differentiable {
  const apply = (m: Field) => {
    const x = flatten(m), out = new Float64Array(rows);
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[i] += A[i * cols + j] * x[j];
    return field(out, [rows]);
  };
  const transpose = (d: Field) => {
    const y = flatten(d), out = new Float64Array(cols);
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j] += A[i * cols + j] * y[i];
    return field(out, [cols]);
  };
  return {
    forward: apply,
    vjp: (_m, d) => transpose(d),
    jvp: (_m, dm) => apply(dm),
    linearize: (m) => ({ data: apply(m), vjp: transpose, jvp: apply }),
  };
}
