/** Dense vector helpers on Float64Array for the optimizers. */

export function dotv(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

export function normv(a: Float64Array): number {
  return Math.sqrt(dotv(a, a));
}

/** out = a + alpha * b (out may be a). */
export function axpyv(out: Float64Array, a: Float64Array, alpha: number, b: Float64Array): Float64Array {
  for (let i = 0; i < a.length; i++) out[i] = a[i] + alpha * b[i];
  return out;
}

export function allFinite(a: Float64Array): boolean {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return false;
  return true;
}
